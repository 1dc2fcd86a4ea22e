"""The Export page: the meeting pack for the chosen district, made with a click and downloaded."""

import io

import pytest
from pptx import Presentation
from pypdf import PdfReader

from tests.screen import Downloads
from tests.ui.test_pages import open_app


def test_the_district_meeting_pack_is_made_and_downloaded(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = open_app("app_pages/export.py", kreis="Waldeck-Frankenberg")
    assert "Waldeck-Frankenberg" in at.main.header[0].value
    assert not downloads.buttons(at)  # nothing to download before the pack is made
    at.button[0].click().run(timeout=120)
    assert not at.exception, [e.message for e in at.exception]
    assert "Sitzungsmappe mit" in at.success[0].value
    slides = Presentation(io.BytesIO(downloads.file(at, "PowerPoint herunterladen"))).slides
    texts = "\n".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
    assert "Umsetzungsbesprechung 2025" in texts and "Waldeck-Frankenberg" in texts and "773.920 €" in texts
    pdf = PdfReader(io.BytesIO(downloads.file(at, "PDF herunterladen")))
    assert len(pdf.pages) == len(slides) == int(at.success[0].value.split()[2])
    assert "773.920 €" in "\n".join(page.extract_text() for page in pdf.pages)


def test_without_a_district_the_land_overview_is_offered() -> None:
    at = open_app("app_pages/export.py")
    assert "Hessen (alle 26 Gebietskörperschaften)" in at.main.header[0].value
    assert at.button[0].label == "Sitzungsmappe erstellen"


def test_without_chromium_the_app_says_so_instead_of_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    from aqb_data.export import images

    monkeypatch.setattr(images, "browser_path", lambda: None)
    at = open_app("app_pages/export.py")
    assert any("Chromium" in w.value and "Zahlentabellen" in w.value for w in at.warning)
    at = open_app()
    hints = [i.value for i in at.info if "Chromium" in i.value]
    assert len(hints) == len(at.get("plotly_chart"))  # under every chart, in place of the image buttons
    assert not [b for b in at.get("download_button") if b.proto.label in ("PNG (Bild)", "SVG (Vektor)", "PDF")]
