"""German where a person reads Streamlit's and Plotly's own controls: the chart toolbar's button titles (Plotly's
German locale), the tables without Streamlit's own English CSV download beside the project's Excel and CSV, the
selection lists' placeholder, every page in the navigation (none behind "View 3 more"). What stays English (listed
in the README, „Was englisch bleibt“) is named here too, so that a Streamlit update that changes it shows up.
Needs Debian's chromium; skipped with a reason where it is missing.
"""

import os
from collections.abc import Iterator

import pytest

from aqb_data.present.plotly_de import DICTIONARY
from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean, open_page

pytestmark = NEEDS_CHROMIUM

# Streamlit adds this button to every chart's toolbar with a fixed English title (no API, see the README).
STREAMLITS_OWN = {"Fullscreen", "Close fullscreen"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("deutsch") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


def toolbar_titles(page: object, chart: object) -> list[str]:
    """The titles of a chart's toolbar buttons, each read from the tooltip shown while the pointer is on it."""
    chart.hover()
    titles = []
    for button in chart.locator(".modebar-btn").all():
        button.hover()
        # Plotly draws the tooltip as the button's ::after with the text of its data-title.
        shown = button.evaluate("b => getComputedStyle(b, '::after').content")
        assert shown.startswith('"') and shown.strip('"') == button.get_attribute("data-title")
        titles.append(button.get_attribute("data-title"))
    return titles


def test_the_chart_toolbar_is_german(server: str, page: object) -> None:
    open_page(page, f"{server}/zielerreichung?jahr=2025")
    titles = toolbar_titles(page, page.locator('[data-testid="stPlotlyChart"]').first)
    assert titles[:7] == [
        "Diagramm als PNG herunterladen",
        "Zoomen (Bereich aufziehen)",
        "Verschieben",
        "Vergrößern",
        "Verkleinern",
        "Automatisch skalieren",
        "Achsen zurücksetzen",
    ]
    assert set(titles) - set(DICTIONARY.values()) <= STREAMLITS_OWN
    assert not set(titles) & set(DICTIONARY), "ein Titel von Plotly ist englisch geblieben"
    assert_clean(page)


def test_the_maps_toolbar_is_german(server: str, page: object) -> None:
    open_page(page, f"{server}/vergleich?jahr=2025")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has=page.locator(".maplibregl-map")).first
    titles = toolbar_titles(page, chart)
    assert {"Diagramm als PNG herunterladen", "Vergrößern", "Verkleinern", "Ansicht zurücksetzen"} <= set(titles)
    assert set(titles) - set(DICTIONARY.values()) <= STREAMLITS_OWN


def test_a_table_offers_only_the_projects_own_downloads(server: str, page: object) -> None:
    open_page(page, f"{server}/?jahr=2025", wait_for_chart=False)
    heading = page.get_by_role("heading", name="Haushaltsmittel je Gebietskörperschaft")
    table = heading.locator("xpath=following::*[@data-testid='stDataFrame'][1]")
    table.wait_for(timeout=30_000)
    table.hover()
    toolbar = page.locator('[data-testid="stElementToolbar"]').filter(has=page.locator("button")).first
    toolbar.wait_for(timeout=30_000)
    labels = [button.get_attribute("aria-label") for button in toolbar.locator("button").all()]
    assert "Download as CSV" not in labels
    assert set(labels) <= {"Search", "Show/hide columns", "Fullscreen"}, labels  # the README lists these
    for name in ("Excel", "CSV"):
        assert heading.locator(f"xpath=following::button[contains(., '{name}')][1]").is_visible()


def test_the_navigation_lists_every_page_and_the_selection_lists_are_german(server: str, page: object) -> None:
    open_page(page, f"{server}/vergleich?jahr=2025", wait_for_chart=False)
    page.get_by_role("combobox", name="Kennzahl").wait_for(timeout=30_000)
    navigation = page.locator('[data-testid="stSidebarNav"]')
    assert "View" not in navigation.inner_text()  # no "View 3 more" hiding pages
    for title in ("Übersicht", "Verlauf", "Methodik & Quellen"):
        assert navigation.get_by_role("link", name=title).is_visible()
    placeholders = page.locator("input[placeholder]").evaluate_all("inputs => inputs.map(i => i.placeholder)")
    assert "Choose an option" not in placeholders
    assert placeholders.count("Bitte wählen") >= 4  # Jahr, Regierungsbezirk, Gebietskörperschaft, Kennzahl
