"""The meeting pack as the analyst opens it: PowerPoint and PDF files, read back with python-pptx and pypdf."""

import io
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pypdf import PdfReader

from aqb_data.__main__ import main
from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import BEHIND, NO_DATA, STATUS_SYMBOL, WATCH, achievement, status_reason, stichtage
from aqb_data.analysis.provenance import DEMO_LABEL
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import load_districts
from aqb_data.domain.formatting import format_date, format_eur
from aqb_data.domain.model import MEASURE_TYPES, synthetic_mask
from aqb_data.export import images
from aqb_data.export.meeting_pack import DEMO_NOTICE, Pack, district_pack, land_pack, pack_pdf, pack_pptx
from aqb_data.export.meeting_pack.canvas import DEMO_COLOUR, Paragraph, TableSpec, draw_pack
from aqb_data.export.meeting_pack.layout import FOOTER_TOP, SLIDE_H, SLIDE_W, Box
from aqb_data.present.views import (
    DISTRICT_BUDGET_SLIDE_KEYS,
    LIKE_FOR_LIKE_SENTENCE,
    budget_spending_view,
    budget_trend_view,
    district_budget_view,
    no_report_sentence,
    planned_sentence,
)
from aqb_data.read.files import bundled_data

ROOT = Path(__file__).resolve().parents[2]
WALDECK = "06635"
YEAR = 2025
CREATED = date(2025, 10, 15)
NO_BROWSER = "Chromium is not installed here: pictures cannot be made (the no-browser fallback is tested below)"
JUNK = re.compile(r"\bnan\b|\bNaN\b|\bNone\b|\bNaT\b|<NA>")


class Opened:
    """A pack rendered to both files and read back the way a user's tools would."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.pptx = pack_pptx(pack)
        self.pdf = pack_pdf(pack)
        self.slides = list(Presentation(io.BytesIO(self.pptx)).slides)
        self.pages = PdfReader(io.BytesIO(self.pdf)).pages

    def texts(self, index: int) -> list[str]:
        """Every text of a slide: text boxes and table cells, in the order they were placed."""
        texts = []
        for shape in self.slides[index].shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
        return texts

    def text(self, index: int) -> str:
        return "\n".join(self.texts(index))

    def titles(self) -> list[str]:
        return [next(t for t in self.texts(i) if t.strip()) for i in range(len(self.slides))]

    def pictures(self, index: int | None = None) -> int:
        slides = self.slides if index is None else [self.slides[index]]
        return sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for slide in slides for shape in slide.shapes)

    def page_text(self, index: int) -> str:
        return self.pages[index].extract_text().replace("\xa0", " ")

    def slide_with(self, title: str) -> int:
        return next(i for i, t in enumerate(self.titles()) if t.startswith(title))


@pytest.fixture(scope="module")
def data() -> AqbData:
    return bundled_data()


@pytest.fixture(scope="module")
def progress_calls() -> list[tuple[float, str]]:
    return []


@pytest.fixture(scope="module")
def waldeck(data: AqbData, progress_calls: list[tuple[float, str]]) -> Opened:
    pack = district_pack(data, YEAR, WALDECK, lambda f, t: progress_calls.append((f, t)), created=CREATED)
    return Opened(pack)


@pytest.fixture(scope="module")
def land(data: AqbData) -> Opened:
    return Opened(land_pack(data, YEAR, created=CREATED))


@pytest.fixture(scope="module")
def without_browser(data: AqbData) -> Iterator[Opened]:
    """Frankfurt (projects with amounts and reports: three charts) on a server without Chromium."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)
        yield Opened(district_pack(data, YEAR, "06412", created=CREATED))


def test_district_pack_has_its_slides_in_order(waldeck: Opened, data: AqbData) -> None:
    # Without any report of the year: no detail slide; the projection says there is none (no notes given here).
    assert waldeck.titles() == [
        "Umsetzungsbesprechung 2025",
        "Berichtseingang 2025",
        "Zielvereinbarung 2025",
        "Verteilung der Mittel nach Maßnahmenarten",
        "Zielerreichung 2025",  # no report of its own: no Stichtag named
        "Im Vergleich mit ähnlichen Gebietskörperschaften",
        "Hochrechnung zum Jahresende 2025",
        "Vorjahre: nicht verausgabte Mittel",
        "Entwicklung über die Jahre",
        "Notizen zur Besprechung",
    ]
    assert waldeck.pack.file_stem == "AQB_Umsetzungsbesprechung_2025_Waldeck-Frankenberg"


def test_title_slide_names_district_data_date_and_demo_data(waldeck: Opened, data: AqbData) -> None:
    title = waldeck.text(0)
    assert "Waldeck-Frankenberg" in title
    assert f"Datenstand: Stichtag {format_date(data.data_date(YEAR))}" in title
    assert "Erstellt am 15.10.2025" in title
    # The signed 2025 agreement is real, the earlier years of the trend are synthetic: said on the title slide.
    assert waldeck.pack.synthetic
    assert DEMO_NOTICE in title and "2021" in title


def test_agreement_slide_shows_the_budget_and_every_project(waldeck: Opened, data: AqbData) -> None:
    agreement = ind.agreement(data, YEAR, WALDECK)
    assert agreement is not None
    budget = format_eur(agreement["budget_eur"])
    assert budget == "773.920 €"
    text = waldeck.text(waldeck.slide_with("Zielvereinbarung"))
    assert f"§ 4 Haushaltsmittel: {budget}" in text
    signed = "Unterzeichnet in Wiesbaden am 02.08.2025 (HMSI) und in Korbach am 13.08.2025 (Kreis/Stadt)"
    assert signed in text
    assert "Korbach am 13.08.2025" in waldeck.page_text(waldeck.slide_with("Zielvereinbarung"))
    projects = ind.district_projects(data, YEAR, WALDECK, tuple(MEASURE_TYPES))
    assert len(projects) == 5
    for project in projects["project"]:
        assert project in waldeck.texts(waldeck.slide_with("Zielvereinbarung"))
    assert "keine Projekte" in waldeck.texts(
        waldeck.slide_with("Zielvereinbarung")
    )  # measure type 2 has none, and the table says so


def test_no_report_and_no_amounts_are_said_plainly_not_drawn(waldeck: Opened, data: AqbData) -> None:
    allocation = waldeck.text(waldeck.slide_with("Verteilung"))
    # The budget of an agreement without project amounts is its own part, drawn as such, never an empty chart;
    # the sentence is the one Gebietskörperschaft says, once (no second line about the missing amounts).
    selection = ind.Selection(YEAR, ags=WALDECK)
    sentence = planned_sentence(ind.district_budgets(data, selection).iloc[0], ind.scope_decomposition(data, selection))
    assert sentence == (
        "Haushaltsmittel 773.920 € = 0 € geplant + 773.920 € ohne Projektbeträge. Die Projekte nennen keine "
        "Beträge: Das Budget zählt als „ohne Projektbeträge“, nicht als frei."
    )
    assert waldeck.pack.slides[waldeck.slide_with("Verteilung")].lines == [sentence]
    assert sentence in allocation
    assert "Nicht verplant" not in allocation
    assert waldeck.pictures(waldeck.slide_with("Verteilung")) == 1
    achievement_text = waldeck.text(waldeck.slide_with("Zielerreichung"))
    assert "Für Waldeck-Frankenberg liegt für 2025 noch kein Umsetzungsbericht vor" in achievement_text
    assert waldeck.pictures(waldeck.slide_with("Zielerreichung")) == 0


def test_notes_slide_has_the_three_headings(waldeck: Opened) -> None:
    index = waldeck.slide_with("Notizen zur Besprechung")
    notes = waldeck.text(index)
    for heading in ("Ergebnisse", "Vereinbarte Schritte", "Termine"):
        assert heading in notes
    assert "Termine" in waldeck.page_text(index)


def test_every_slide_has_the_source_line_and_a_page_number(waldeck: Opened, land: Opened) -> None:
    for opened in (waldeck, land):
        total = len(opened.slides)
        for index in range(total):
            texts = opened.texts(index)
            assert any(t.startswith("Quelle:") or t.startswith(DEMO_LABEL) for t in texts)
            assert f"{index + 1} / {total}" in texts
    # The trend shows synthetic earlier years: its footer carries the demo label although 2025 is real.
    trend = waldeck.slide_with("Entwicklung über die Jahre")
    assert any(t.startswith(DEMO_LABEL) for t in waldeck.texts(trend))
    assert any("Projektlisten 2021–2025" in t for t in waldeck.texts(trend))  # the slide shows every year


def test_no_nan_none_or_nat_anywhere(waldeck: Opened, land: Opened, without_browser: Opened) -> None:
    for opened in (waldeck, land, without_browser):
        for index in range(len(opened.slides)):
            assert not JUNK.search(opened.text(index)), opened.titles()[index]
            assert not JUNK.search(opened.page_text(index)), opened.titles()[index]


@pytest.mark.skipif(not images.available(), reason=NO_BROWSER)
def test_charts_are_pictures_in_both_files(waldeck: Opened, land: Opened) -> None:
    trend = waldeck.slide_with("Entwicklung über die Jahre")
    assert waldeck.pictures(trend) == 1 and waldeck.pictures() == 2  # allocation ("ohne Projektbeträge") and trend
    assert len(waldeck.pages[trend].images) == 1
    assert land.pictures() == land.pack.n_charts == 4
    assert sum(len(page.images) for page in land.pages) == 4
    assert not land.pack.image_problem


def test_pdf_has_a_page_per_slide_with_the_same_content(waldeck: Opened, land: Opened) -> None:
    for opened in (waldeck, land):
        assert len(opened.pages) == len(opened.slides)
        for index, title in enumerate(opened.titles()):
            assert title in opened.page_text(index)
    agreement = waldeck.page_text(waldeck.slide_with("Zielvereinbarung"))
    assert "§ 4 Haushaltsmittel: 773.920 €" in agreement
    assert "AVIA (Aktivierung und Vermittlung von Migranten)" in agreement
    assert DEMO_NOTICE in waldeck.page_text(0)


def test_pdf_font_draws_euro_dash_and_status_symbols(land: Opened) -> None:
    """The symbols come out as text (a font that lacks them would leave them out or draw boxes)."""
    page = land.page_text(land.slide_with("Zielerreichung zum Stichtag"))
    for symbol in STATUS_SYMBOL.values():  # the status counts above the table name all four
        assert symbol in page
    assert format_eur(ind.land_totals(bundled_data(), ind.Selection(YEAR))["budget_eur"]) in land.page_text(1)
    assert "AQB Hessen 2025 – Überblick" in land.page_text(0)


def test_without_a_browser_the_pack_shows_the_numbers_instead(without_browser: Opened) -> None:
    pack = without_browser.pack
    assert pack.image_problem and "Chromium" in pack.image_problem
    assert without_browser.pictures() == 0
    assert not any(page.images for page in without_browser.pages)
    allocation = without_browser.slide_with("Verteilung der Mittel nach Maßnahmenarten")
    text = without_browser.text(allocation)
    assert "Diagramm nicht enthalten: " in text
    assert "Ausbildungsvorbereitung" in text and "1.000.000 €" in text  # the chart's numbers, as a table
    trend = without_browser.slide_with("Entwicklung über die Jahre")
    assert "Diagramm nicht enthalten: " in without_browser.text(trend)
    assert "4.454.630 €" in without_browser.texts(trend)
    deviation = without_browser.slide_with("Mittelabfluss der Projekte")
    assert "Abweichung" in without_browser.texts(deviation)
    assert "Diagramm nicht enthalten: " in without_browser.page_text(deviation)


def test_land_pack_covers_all_26_districts(land: Opened, data: AqbData) -> None:
    titles = land.titles()
    assert titles[0] == "AQB Hessen 2025 – Überblick"
    assert titles[-1] == "Notizen zur Besprechung"
    budgets = [i for i, t in enumerate(titles) if t.startswith("Haushaltsmittel je Gebietskörperschaft")]
    # 26 rows with the Hinweis column ("geändert am 15.07.2025" for the amended agreements) fill three slides
    assert [titles[i] for i in budgets] == [
        "Haushaltsmittel je Gebietskörperschaft 2025",
        "Haushaltsmittel je Gebietskörperschaft 2025 (Fortsetzung)",
        "Haushaltsmittel je Gebietskörperschaft 2025 (Fortsetzung)",
    ]
    status = [i for i, t in enumerate(titles) if re.fullmatch(r"Zielerreichung zum Stichtag [\d.]+( \(\d/\d\))?", t)]
    assert len(budgets) == 3 and status
    labels = set(load_districts()["label"])
    assert len(labels) == 26
    for slides in (budgets, status):
        cells = {cell for index in slides for cell in land.texts(index)}
        assert labels <= cells
    # Behind plan first: the first district row of the status table has the worst status there is.
    districts = achievement(data, ind.Selection(YEAR), "district", stichtage(data, YEAR)[-1])
    worst = min(districts["status"], key=[BEHIND, WATCH, "im Plan", NO_DATA].index)
    statuses = {f"{symbol} {status}" for status, symbol in STATUS_SYMBOL.items()}
    first_status = next(t for t in land.texts(status[0]) if t in statuses)
    assert first_status == f"{STATUS_SYMBOL[worst]} {worst}"
    assert format_eur(ind.land_totals(data, ind.Selection(YEAR))["budget_eur"]) in land.text(1)  # key figures


def test_status_reason_names_what_decides_the_status(data: AqbData) -> None:
    assert (
        status_reason({"deviation": -0.123, "occupancy": 0.9, "n_reported": 1})
        == "Mittelabfluss 12,3 Pp. unter dem Jahresfortschritt (Schwelle: -10 Pp.)"
    )
    assert status_reason({"deviation": 0.01, "occupancy": 0.55, "n_reported": 1}) == "Auslastung 55,0 % unter 60 %"
    assert status_reason({"deviation": float("nan"), "occupancy": float("nan"), "n_reported": 0}) == (
        "kein Bericht bis zum Stichtag"
    )
    frame = achievement(data, ind.Selection(YEAR), "project", stichtage(data, YEAR)[-1])
    for _, row in frame.iterrows():
        reason = status_reason(row)
        if row["status"] == BEHIND:
            assert "Schwelle: -20 Pp." in reason or "unter 60 %" in reason, reason
        elif row["status"] == WATCH:
            assert "Schwelle: -10 Pp." in reason or "unter 80 %" in reason, reason
        elif row["status"] == NO_DATA:
            assert "Bericht" in reason
        else:
            assert "innerhalb der Schwellen" in reason


def test_progress_runs_from_0_to_1_in_german(progress_calls: list[tuple[float, str]], waldeck: Opened) -> None:
    fractions = [f for f, _ in progress_calls]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert progress_calls[-1][1] == "Unterlage fertig"
    assert any("Diagramm 2 von 2" in text for _, text in progress_calls)


def test_real_data_only_carries_no_demo_label(data: AqbData) -> None:
    def real(frame):  # noqa: ANN001, ANN202
        return frame[~synthetic_mask(frame["source"])].reset_index(drop=True)

    only_real = AqbData(real(data.agreements), real(data.projects), real(data.progress), data.files)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)
        pack = district_pack(only_real, YEAR, WALDECK, created=CREATED)
    assert not pack.synthetic
    assert not any(slide.demo_notice for slide in pack.slides)
    assert not any(slide.footer.startswith(DEMO_LABEL) for slide in pack.slides)
    # The only year: the trend is one bar, no earlier year, and the achievement slide says there is no report.
    achievement_slide = next(slide for slide in pack.slides if slide.title.startswith("Zielerreichung"))
    assert "Für 2025 liegt noch kein Umsetzungsbericht vor." in achievement_slide.lines


def test_cli_writes_pptx_and_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pptx, pdf = tmp_path / "pack.pptx", tmp_path / "pack.pdf"
    assert main(["meeting-pack", "--ags", "Waldeck-Frankenberg", "--year", "2025", str(pptx), str(pdf)]) == 0
    out = capsys.readouterr().out
    slides = len(Presentation(str(pptx)).slides)
    assert (
        f"{pptx}: Umsetzungsbesprechung 2025 – Waldeck-Frankenberg als PowerPoint mit {slides} Folien geschrieben."
        in out
    )
    assert f"{pdf}:" in out
    # The demo store's notes of Waldeck-Frankenberg 2025 (if any) bring the actions and notes slides.
    assert slides >= 9
    assert len(PdfReader(str(pdf)).pages) == slides


def test_cli_errors_are_one_german_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tmp_path / "pack.pptx")
    assert main(["meeting-pack", "--ags", "Kassel", "--year", "2025", target]) == 2
    assert "ist nicht eindeutig" in capsys.readouterr().err
    assert main(["meeting-pack", "--year", "2019", target]) == 2
    assert "Für 2019 gibt es keine Zielvereinbarungen" in capsys.readouterr().err
    assert main(["meeting-pack", "--year", "2025", str(tmp_path / "pack.docx")]) == 2
    assert "wird nicht unterstützt" in capsys.readouterr().err
    assert main(["meeting-pack", "--year", "2025", str(tmp_path / "fehlt" / "pack.pdf")]) == 2
    assert "kann nicht geschrieben werden" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "aqb_data", "meeting-pack", "--ags", "99999", "--year", "2025", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "Fehler: Kreisschlüssel 99999 gehört zu keinem der 26 hessischen Kreise und kreisfreien Städte."
    )


# ---------------------------------------------------------------------------------------------------------------
# One drawing for both files: what the slide drawing asks of a canvas, and what the two files then show
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Drawn:
    """One primitive drawn on a page: what it is, where, and the texts it shows."""

    page: int
    what: str
    box: Box
    texts: list[str]
    bold: bool = False
    colour: str = ""
    table: TableSpec | None = None


class RecordingCanvas:
    """A canvas that draws nothing and remembers every primitive asked of it."""

    def __init__(self) -> None:
        self.pages = 0
        self.drawn: list[Drawn] = []

    def page(self) -> None:
        self.pages += 1

    def text(self, box: Box, paragraphs: Sequence[Paragraph]) -> None:
        first = paragraphs[0] if paragraphs else Paragraph("", 0)
        self.drawn.append(Drawn(self.pages, "text", box, [p.text for p in paragraphs], first.bold, first.colour))

    def rect(self, box: Box, fill: str, stroke: str | None = None) -> None:
        self.drawn.append(Drawn(self.pages, "rect", box, [], colour=stroke or fill))

    def table(self, box: Box, table: TableSpec) -> None:
        self.drawn.append(Drawn(self.pages, "table", box, [c for row in table.rows for c in row], table=table))

    def picture(self, png: bytes, box: Box, alt: str = "") -> None:
        self.drawn.append(Drawn(self.pages, "picture", box, [alt]))

    def notes(self, box: Box, headings: Sequence[str], colour: str) -> None:
        self.drawn.append(Drawn(self.pages, "notes", box, list(headings), colour=colour))

    def on(self, page: int, what: str | None = None) -> list[Drawn]:
        return [d for d in self.drawn if d.page == page and (what is None or d.what == what)]


def _recorded(pack: Pack) -> RecordingCanvas:
    canvas = RecordingCanvas()
    draw_pack(canvas, pack)
    return canvas


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def test_each_slide_is_drawn_once_with_its_title_footer_and_page_number(waldeck: Opened, land: Opened) -> None:
    for opened in (waldeck, land):
        canvas = _recorded(opened.pack)
        total = len(opened.pack.slides)
        assert canvas.pages == total
        for number, slide in enumerate(opened.pack.slides, start=1):
            texts = canvas.on(number, "text")
            assert texts[0].texts == [slide.title] and texts[0].bold
            assert texts[-2].texts == [slide.footer] and texts[-1].texts == [f"{number} / {total}"]
        assert len([d for d in canvas.drawn if d.what == "picture"]) == opened.pack.n_charts
        assert len([d for d in canvas.drawn if d.what == "notes"]) == 1


def test_the_demo_notice_is_drawn_in_red_inside_its_frame(waldeck: Opened) -> None:
    canvas = _recorded(waldeck.pack)
    notice = next(d for d in canvas.on(1, "text") if d.texts == [waldeck.pack.slides[0].demo_notice])
    frame = next(d for d in canvas.on(1, "rect") if d.colour == DEMO_COLOUR)
    assert notice.colour == DEMO_COLOUR and notice.bold
    inside = notice.box
    assert frame.box.x < inside.x and inside.x + inside.w < frame.box.x + frame.box.w
    assert frame.box.y < inside.y and inside.y + inside.h < frame.box.y + frame.box.h


def test_nothing_on_a_slide_overlaps_or_runs_into_the_footer(waldeck: Opened, land: Opened) -> None:
    for opened in (waldeck, land):
        canvas = _recorded(opened.pack)
        for number, slide in enumerate(opened.pack.slides, start=1):
            drawn = canvas.on(number)
            for item in drawn:
                box = item.box
                assert min(box.x, box.y) >= 0, (slide.title, item.what)
                assert box.x + box.w <= SLIDE_W + 1e-6 and box.y + box.h <= SLIDE_H + 1e-6, (slide.title, item.what)
            # Title, lines, table, picture, notes area: apart from each other (frames and rules may lie under them).
            body = [d for d in drawn if d.what != "rect" and d.box.y < FOOTER_TOP]
            for item in body:
                assert item.box.y + item.box.h < FOOTER_TOP, (slide.title, item.what)
                if item.table is not None:  # the table's rows fit its box at the chosen font size
                    assert sum(item.table.heights) <= item.box.h + 1e-6, slide.title
            for index, item in enumerate(body):
                for other in body[index + 1 :]:
                    assert not _overlap(item.box, other.box), (slide.title, item.what, other.what)


def _words(text: str) -> str:
    """The text with every run of white space (line breaks of wrapped cells, no-break spaces) as one space."""
    return " ".join(text.split())


def test_pptx_and_pdf_show_the_same_texts_on_every_slide(
    waldeck: Opened, land: Opened, without_browser: Opened
) -> None:
    for opened in (waldeck, land, without_browser):
        for index, title in enumerate(opened.titles()):
            shown = [_words(t) for t in opened.texts(index) if t.strip()]
            page = _words(opened.page_text(index))
            missing = [t for t in shown if t not in page]
            assert not missing, f"{title}: in PowerPoint, not in the PDF: {missing}"
            # Nothing more in the PDF either, and in the same order (wrapped lines join without their breaks).
            assert "".join(page.split()) == "".join("".join(shown).split()), title


# ---------------------------------------------------------------------------------------------------------------
# The slides say what the pages say: tables and sentences from present/views
# ---------------------------------------------------------------------------------------------------------------


def _cents(text: str) -> int:
    """A German amount as shown (`1.234,50 €`, `0 €`) in cents."""
    return round(float(text.removesuffix(" €").replace(".", "").replace(",", ".")) * 100)


def _tables(opened: Opened, title: str) -> list[list[list[str]]]:
    """The tables of every slide whose title starts with `title`, as rows of cell texts (headings first)."""
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for index, shown in enumerate(opened.titles())
        if shown.startswith(title)
        for shape in opened.slides[index].shapes
        if getattr(shape, "has_table", False) and shape.has_table
    ]


def test_the_district_budget_slides_show_the_page_s_table_and_each_row_adds_up_to_its_budget(
    land: Opened, data: AqbData
) -> None:
    view = district_budget_view(data, ind.Selection(YEAR))
    headings = [heading for key, (heading, _) in view.columns.items() if key in DISTRICT_BUDGET_SLIDE_KEYS]
    tables = _tables(land, "Haushaltsmittel je Gebietskörperschaft")
    assert len(tables) == 3
    assert all(table[0] == headings for table in tables)  # the page's headings, in its order, on every slide
    rows = [dict(zip(table[0], row, strict=True)) for table in tables for row in table[1:]]
    assert [row["Gebietskörperschaft"] for row in rows] == view.frame["label"].tolist()  # largest budget first
    assert "Überplant" in headings and "€ je Einwohner/in" not in headings
    with_budget = [row for row in rows if row["Haushaltsmittel"] != "–"]
    assert len(with_budget) == 26
    for row in with_budget:
        parts = (
            _cents(row["Geplante Mittel"])
            - _cents(row["Überplant"])
            + _cents(row["Nicht verplant"])
            + _cents(row["Ohne Projektbeträge"])
        )
        assert parts == _cents(row["Haushaltsmittel"]), row["Gebietskörperschaft"]
    hints = {row["Gebietskörperschaft"]: row["Hinweis"] for row in rows}
    assert hints["Waldeck-Frankenberg"] == "Projekte ohne Beträge"
    assert hints["Offenbach (Landkreis)"] == "überplant" and hints["Frankfurt am Main"] == ""
    assert land.pack.slides[land.slide_with("Haushaltsmittel je Gebietskörperschaft")].lines == [
        f"{view.lines[0]} Nach Haushaltsmitteln absteigend."
    ]


def test_the_key_figures_list_the_budget_s_parts_as_the_overview_does(land: Opened) -> None:
    (table,) = _tables(land, "Eckdaten")
    figures = {row[0]: (row[1], row[2]) for row in table[1:]}
    assert figures["Geplante Mittel"] == ("25.792.000 €", "91,1 % der Haushaltsmittel")
    assert figures["− Überplant"] == ("42.080 €", "3 Gebietskörperschaft(en) über dem Budget")
    assert figures["Nicht verplant"] == ("1.776.160 €", "freie Mittel")
    assert figures["Ohne Projektbeträge"][0] == "773.920 €"
    parts = (
        _cents(figures["Geplante Mittel"][0])
        - _cents(figures["− Überplant"][0])
        + _cents(figures["Nicht verplant"][0])
        + _cents(figures["Ohne Projektbeträge"][0])
    )
    assert parts == _cents(figures["Haushaltsmittel (§ 4)"][0])


def test_the_budget_spending_and_trend_slides_take_the_views_headings_and_sentences(
    land: Opened, waldeck: Opened, data: AqbData
) -> None:
    as_of = stichtage(data, YEAR)[-1]
    districts = achievement(data, ind.Selection(YEAR), "district", as_of)
    spending = budget_spending_view(districts, achievement(data, ind.Selection(YEAR), "land", as_of).iloc[0])
    tables = _tables(land, "Mittelabfluss gegenüber § 4")
    assert tables and all(table[0] == spending.headings for table in tables)
    assert "anteiliger § 4-Pfad" in spending.headings and "erwartet" not in spending.headings
    assert [row[0] for table in tables for row in table[1:]] == spending.frame["unit_label"].tolist()
    assert land.pack.slides[land.slide_with("Mittelabfluss gegenüber § 4")].lines == list(spending.lines)

    trend = budget_trend_view(data, ind.Selection(YEAR))
    land_trend = land.pack.slides[land.slide_with("Entwicklung über die Jahre")]
    assert land_trend.lines == [LIKE_FOR_LIKE_SENTENCE]
    assert land_trend.table is not None and land_trend.table.equals(trend.cells())
    district_trend = waldeck.pack.slides[waldeck.slide_with("Entwicklung über die Jahre")]
    assert district_trend.table is not None
    assert list(district_trend.table.columns) == ["Jahr", "Haushaltsmittel", "Veränderung", "€ je Einwohner/in"]


def test_a_year_without_reports_says_so_in_the_pages_words(data: AqbData) -> None:
    reports = data.progress[data.progress["year"] != YEAR].reset_index(drop=True)
    without = AqbData(data.agreements, data.projects, reports, data.files)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)
        pack = land_pack(without, YEAR, created=CREATED)
    key_figures = next(slide for slide in pack.slides if slide.title.startswith("Eckdaten"))
    assert no_report_sentence(YEAR) in key_figures.lines
    assert any(
        slide.lines == [no_report_sentence(YEAR)] for slide in pack.slides if slide.title == f"Zielerreichung {YEAR}"
    )


def test_the_land_allocation_chart_has_few_upright_axis_labels_in_millions(land: Opened) -> None:
    """Slanted labels ("25.000.000 €") ran into the chart's source note in the 800 px picture."""
    slide = land.pack.slides[land.slide_with("Verteilung der Mittel nach Maßnahmenarten")]
    assert slide.chart is not None
    axis = slide.chart.figure.layout.xaxis
    assert axis.tickangle == 0
    assert list(axis.ticktext) == ["0 €", "10 Mio. €", "20 Mio. €", "30 Mio. €"]  # Hessen reaches 28.342.080 €
    assert list(axis.tickvals) == [0, 10_000_000, 20_000_000, 30_000_000]
