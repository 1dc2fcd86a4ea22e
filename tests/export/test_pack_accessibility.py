"""The meeting pack for assistive technology: every slide's title in PowerPoint's title placeholder, read first;
the PDF in German with its title shown and one bookmark per slide; a district without a report names no Stichtag."""

import io
import re
from datetime import date

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from aqb_data.domain.dataset import AqbData
from aqb_data.export import images
from aqb_data.export.meeting_pack import Pack, district_pack, land_pack, pack_pdf, pack_pptx
from aqb_data.read.files import bundled_data

YEAR = 2025
CREATED = date(2025, 10, 15)
WALDECK = "06635"  # no report for 2025 in the bundled data


@pytest.fixture(scope="module")
def data() -> AqbData:
    return bundled_data()


@pytest.fixture(scope="module")
def packs(data: AqbData) -> dict[str, Pack]:
    return {
        "Waldeck-Frankenberg": district_pack(data, YEAR, WALDECK, created=CREATED),
        "Hessen": land_pack(data, YEAR, created=CREATED),
    }


def test_every_slide_has_its_heading_as_the_title_placeholder_read_first(packs: dict[str, Pack]) -> None:
    for name, pack in packs.items():
        slides = list(Presentation(io.BytesIO(pack_pptx(pack))).slides)
        assert len(slides) == len(pack.slides), name
        for slide, model in zip(slides, pack.slides, strict=True):
            assert slide.shapes.title is not None, (name, model.title)
            assert slide.shapes.title.text_frame.text == model.title, name
            # Reading order is the order of the shapes: the title comes first.
            assert next(iter(slide.shapes)).shape_id == slide.shapes.title.shape_id, (name, model.title)


def test_the_pdf_is_german_titled_and_has_one_bookmark_per_slide(packs: dict[str, Pack]) -> None:
    for name, pack in packs.items():
        reader = PdfReader(io.BytesIO(pack_pdf(pack)))
        assert reader.metadata.title == pack.title, name
        assert reader.trailer["/Root"]["/Lang"] == "de-DE", name
        assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"], name
        outline = reader.outline
        assert [entry.title for entry in outline] == [slide.title for slide in pack.slides], name
        assert [reader.get_destination_page_number(entry) for entry in outline] == list(range(len(pack.slides)))


def test_a_district_without_a_report_says_so_and_names_no_stichtag(packs: dict[str, Pack]) -> None:
    pack = packs["Waldeck-Frankenberg"]
    shown = {slide.title: slide.lines for slide in pack.slides}
    assert shown[f"Zielerreichung {YEAR}"][0].startswith(
        f"Für Waldeck-Frankenberg liegt für {YEAR} noch kein Umsetzungsbericht vor"
    )
    assert shown[f"Hochrechnung zum Jahresende {YEAR}"] == [
        f"Für Waldeck-Frankenberg liegt für {YEAR} noch kein Umsetzungsbericht vor: keine Hochrechnung."
    ]
    for title in (f"Zielerreichung {YEAR}", f"Hochrechnung zum Jahresende {YEAR}"):
        text = " ".join([title, *shown[title]])
        assert "Stichtag" not in text and not re.search(r"\d\d\.\d\d\.\d{4}", text), text


@pytest.mark.skipif(
    not images.available(), reason="Chromium fehlt: ohne Bilder gibt es keinen Alternativtext zu prüfen"
)
def test_every_chart_picture_has_its_summary_as_alternative_text(packs: dict[str, Pack]) -> None:
    for name, pack in packs.items():
        expected = [slide.chart.summary for slide in pack.slides if slide.chart is not None and slide.chart.png]
        assert expected and all(expected), name
        pictures = [
            shape
            for slide in Presentation(io.BytesIO(pack_pptx(pack))).slides
            for shape in slide.shapes
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE
        ]
        descriptions = [picture._element.nvPicPr.cNvPr.get("descr") for picture in pictures]
        assert descriptions == expected, name
    hessen = next(s for s in packs["Hessen"].slides if s.title.startswith("Haushaltsmittel je Einwohner/in"))
    # The same sentence as under the chart on Übersicht: title, bars, highest and lowest with German values.
    assert hessen.chart.summary.startswith(
        "€ je Einwohner/in 2025: 26 Balken, am höchsten Frankfurt am Main mit 5,87 €"
    )
