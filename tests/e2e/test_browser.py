"""The running dashboard in headless Chromium: pages render charts, filters work, links reproduce views.

Needs Debian's chromium (/usr/bin/chromium, or CHROMIUM=path); skipped with a reason where it is missing.
Screenshots land in tests/e2e/screenshots/ (git-ignored) for a person to look at.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.browser import streamlit_server
from tests.e2e.helpers import (
    CHART,
    NEEDS_CHROMIUM,
    assert_clean,
    download,
    filter_value,
    open_page,
    shot,
    wait_for_metric,
)

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("e2e") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.mark.parametrize(
    ("path", "name", "heading", "has_chart"),
    [
        ("/", "uebersicht", "Übersicht 2025 – Hessen", True),
        ("/gebietskoerperschaft?kreis=Waldeck-Frankenberg", "gebietskoerperschaft", "Waldeck-Frankenberg – 2025", True),
        ("/gebietskoerperschaft", "gebietskoerperschaft_auswahl", "Gebietskörperschaft", False),
        ("/zielerreichung", "zielerreichung", "Zielerreichung 2025 – Hessen", True),
        ("/berichtseingang", "berichtseingang", "Berichtseingang 2025 – Hessen", False),
        ("/vergleich?kennzahl=Status", "vergleich", "Vergleich 2025", True),
        ("/zeitreihe?kreis=Waldeck-Frankenberg", "zeitreihe", "Zeitreihe – Waldeck-Frankenberg", True),
        ("/export?kreis=Waldeck-Frankenberg", "export", "Export und Sitzungsunterlagen", False),
        ("/hochladen", "hochladen", "Daten hochladen", False),
        ("/zielvereinbarung", "zielvereinbarung", "Zielvereinbarung einlesen", False),
        ("/verlauf", "verlauf", "Verlauf", False),
        ("/methodik", "methodik", "Methodik & Quellen", False),
    ],
)
def test_every_page_renders_in_the_browser(
    server: str, page: object, path: str, name: str, heading: str, has_chart: bool
) -> None:
    open_page(page, server + path, wait_for_chart=has_chart)
    assert page.locator("h1").first.inner_text() == heading
    if has_chart:
        assert page.locator(CHART).count() >= 1
    assert_clean(page)
    shot(page, name)


def test_a_copied_link_opens_the_same_view(server: str, page: object) -> None:
    open_page(page, f"{server}/?jahr=2023&rb=Kassel&ma=1+Ausbildungsvorbereitung&ma=3+Qualifizierung")
    assert page.locator("h1").first.inner_text() == "Übersicht 2023 – Regierungsbezirk Kassel"
    assert filter_value(page, "Jahr") == "2023"
    assert filter_value(page, "Regierungsbezirk") == "Regierungsbezirk Kassel"
    pills = page.locator('[data-testid="stSidebar"] [data-testid="stButtonGroup"]').filter(has_text="Qualifizierung")
    chosen = pills.locator('button[aria-pressed="true"]').all_inner_texts()
    assert [text.strip() for text in chosen] == ["1 Ausbildungsvorbereitung", "3 Qualifizierung"]
    assert_clean(page)


def test_changing_the_year_updates_figures_and_url(server: str, page: object) -> None:
    open_page(page, server + "/")
    page.get_by_role("combobox", name="Jahr").click()
    page.get_by_role("option", name="2023", exact=True).click()
    # Streamlit replaces the elements one by one: wait for the new figure itself, not just the heading.
    wait_for_metric(page, "Haushaltsmittel", "27.700.000 €")
    assert "jahr=2023" in page.url
    assert_clean(page)
    # The view survives a change of page (the filters sit in the entry point).
    page.get_by_role("link", name="Methodik & Quellen").click()
    page.wait_for_function("() => document.querySelector('h1')?.innerText.includes('Methodik')", timeout=30_000)
    assert filter_value(page, "Jahr") == "2023"
    assert "2023" in page.url


def test_uploading_a_report_updates_the_dashboard(server: str, page: object, tmp_path: Path) -> None:
    from tests.workbooks import make_workbook

    broken = tmp_path / "bericht_fehler.xlsx"
    headings = ["Jahr", "Gebietskörperschaft", "Haushaltsmittel (EUR)"]
    broken.write_bytes(make_workbook({"Zielvereinbarungen": [headings, [2025, "Kassel", "viel"]]}))
    fixed = tmp_path / "bericht_korrigiert.xlsx"
    fixed.write_bytes(
        make_workbook({"Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, "06635", "800.000"]]})
    )
    open_page(page, server + "/hochladen", wait_for_chart=False)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploader.set_input_files(str(broken))
    page.wait_for_selector("text=die Datei wird nicht übernommen", timeout=30_000)
    # The report's tables render after the summary line: wait for the message itself.
    page.get_by_text(
        "nicht eindeutig: Kassel (Kreisfreie Stadt, AGS 06611) oder Kassel (Landkreis, AGS 06633)"
    ).wait_for(timeout=30_000)
    shot(page, "hochladen_fehler")
    uploader.set_input_files(str(fixed))
    page.get_by_role("button", name="Übernehmen").click()
    page.wait_for_selector("text=ist übernommen", timeout=30_000)
    open_page(page, server + "/?jahr=2025")
    wait_for_metric(page, "Haushaltsmittel", "28.326.080 €")
    assert_clean(page)


def test_a_table_downloads_as_the_excel_file_the_screen_shows(server: str, page: object, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    open_page(page, server + "/?rb=Kassel")
    heading = page.get_by_role("heading", name="Haushaltsmittel je Gebietskörperschaft")
    excel = heading.locator("xpath=following::button[contains(., 'Excel')][1]")
    path = download(page, excel, tmp_path)
    assert path.name == "AQB_Haushaltsmittel_je_Gebietskoerperschaft_Regierungsbezirk_Kassel_2025.xlsx"
    book = openpyxl.load_workbook(path)
    rows = list(book["Daten"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Gebietskörperschaft", "Regierungsbezirk", "Haushaltsmittel")
    assert len(rows) == 1 + 7 and {row[1] for row in rows[1:]} == {"Kassel"}
    assert book["Daten"]["C2"].number_format == '#,##0 "€"'
    meta = dict(book["Metadaten"].iter_rows(min_row=2, values_only=True))
    assert meta["Regierungsbezirk"] == "Kassel" and meta["Jahr"] == "2025"


def test_a_chart_downloads_from_its_toolbar_and_as_svg(server: str, page: object, tmp_path: Path) -> None:
    open_page(page, server + "/")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.hover()
    png = download(page, chart.get_by_role("button", name="Diagramm als PNG herunterladen"), tmp_path)
    assert png.name == "aqb_verteilung_Hessen_2025.png" and png.read_bytes().startswith(b"\x89PNG")
    page.get_by_role("button", name="Bild herunterladen").first.click()
    svg = download(page, page.get_by_role("button", name="SVG (Vektor)"), tmp_path)
    text = svg.read_text(encoding="utf-8")
    assert svg.name == "aqb_verteilung_Hessen_2025.svg"
    assert "Hessen: geplante Mittel 2025" in text and "Datenstand" in text and "DEMODATEN" in text


def test_the_meeting_pack_downloads_as_powerpoint(server: str, page: object, tmp_path: Path) -> None:
    pptx = pytest.importorskip("pptx")
    open_page(page, server + "/gebietskoerperschaft?kreis=Waldeck-Frankenberg")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="§ 4 Haushaltsmittel").first
    budget = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()  # what the screen shows now
    open_page(page, server + "/export?kreis=Waldeck-Frankenberg", wait_for_chart=False)
    page.get_by_role("button", name="Sitzungsmappe erstellen").click()
    page.get_by_text("Sitzungsmappe mit").wait_for(timeout=120_000)
    path = download(page, page.get_by_role("button", name="PowerPoint herunterladen"), tmp_path)
    assert path.name == "AQB_Umsetzungsbesprechung_2025_Waldeck-Frankenberg.pptx"
    slides = pptx.Presentation(path).slides
    text = "\n".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
    assert "Umsetzungsbesprechung 2025" in text and budget.endswith("€") and budget in text
    assert_clean(page)
    shot(page, "export_fertig")


def test_a_charts_numbers_open_under_it(server: str, page: object) -> None:
    open_page(page, server + "/")
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="Zahlen zum Diagramm").first
    expander.get_by_text("Zahlen zum Diagramm").click()
    expander.locator('[data-testid="stDataFrame"]').wait_for(timeout=30_000)
    expander.get_by_role("button", name="Excel").wait_for(timeout=30_000)
    assert_clean(page)
