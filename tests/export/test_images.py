"""Chart images on the server (kaleido with Debian's chromium): meeting format, title, data date, source."""

import struct

import pytest

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.provenance import source_line
from aqb_data.export import images
from aqb_data.present import charts
from aqb_data.read.files import bundled_data

needs_browser = pytest.mark.skipif(
    not images.available(), reason="Kein Chromium installiert (apt-get install chromium): Bildexport nicht prüfbar"
)


@pytest.fixture(scope="module")
def figure():
    data = bundled_data()
    selection = ind.Selection(2025)
    allocation = ind.allocation_by_measure_type(data, selection, "regierungsbezirk")
    return charts.allocation_bars(allocation, "Hessen: geplante Mittel 2025", source_line(data, selection))


@needs_browser
def test_png_is_16_to_9_at_twice_full_hd(figure) -> None:
    png = images.figure_image(figure, "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (3200, 1800)


@needs_browser
def test_svg_carries_title_data_date_source_and_demo_label(figure) -> None:
    svg = images.figure_image(figure, "svg").decode("utf-8")
    assert 'width="1600"' in svg and 'height="900"' in svg
    for text in (
        "Hessen: geplante Mittel 2025",
        "Datenstand: Stichtag 30.09.2025",
        "Quelle: Zielvereinbarungen",
        "DEMODATEN",
    ):
        assert text in svg, text
    assert "10 Mio. €" in svg  # the axis in German millions (a comma where it has decimals)


@needs_browser
def test_pdf_is_a_small_vector_file(figure) -> None:
    pdf = images.figure_image(figure, "pdf")
    assert pdf.startswith(b"%PDF")
    # Hatching would make Chromium write millions of tiny fills (about 11 MB); the PDF stays small.
    assert len(pdf) < 500_000


def test_without_a_browser_the_reason_is_said(figure, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "browser_path", lambda: None)
    assert not images.available()
    with pytest.raises(images.ImageExportError, match="Chromium"):
        images.figure_image(figure, "png")


def test_browser_path_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    assert images.browser_path() is None
    monkeypatch.setenv("BROWSER_PATH", "/bin/sh")
    assert images.browser_path() == "/bin/sh"
