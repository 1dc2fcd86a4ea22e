"""The sidebar filters in the browser at 1366×768: the address bar keeps the year as the copied link does (also the
latest), Regierungsbezirke are named as such, the district list follows the chosen one, the measure-type pills are
not cut. Screenshots in tests/e2e/screenshots/filter_*.png. Needs Debian's chromium; skipped where it is missing."""

import os
import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from aqb_data.domain.districts import load_districts
from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean, filter_value, open_page, shot

pytestmark = NEEDS_CHROMIUM

SIDEBAR = '[data-testid="stSidebar"]'
RUNNING = '[data-testid="stStatusWidget"]'  # Streamlit's "running" indicator, there while a run lasts


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("filter") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def laptop(browser: object) -> Iterator[object]:
    """A German tab in the usual laptop window, 1366×768."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="de-DE")
    tab = context.new_page()
    yield tab
    context.close()


def _idle(page: object) -> None:
    page.wait_for_function(f"() => !document.querySelector('{RUNNING}')", timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=60_000)


def _choose(page: object, label: str, option: str) -> None:
    _idle(page)
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # a click while Streamlit redraws the sidebar may not open the list
        page.locator(SIDEBAR).get_by_role("combobox", name=label).click()
        try:
            choice.wait_for(timeout=10_000)
            break
        except pytest.importorskip("playwright.sync_api").TimeoutError:
            page.keyboard.press("Escape")
    choice.click()
    _idle(page)


def _heading(page: object, text: str) -> None:
    """Wait until the page's heading says `text` (the run after a click starts a moment later)."""
    page.wait_for_function("t => document.querySelector('h1')?.innerText === t", arg=text, timeout=60_000)
    _idle(page)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _copied_link(page: object) -> dict[str, list[str]]:
    """The query of the link under *Link zu dieser Ansicht*."""
    sidebar = page.locator(SIDEBAR)
    sidebar.get_by_text("Link zu dieser Ansicht").click()
    code = sidebar.locator('[data-testid="stCode"]')
    code.wait_for(timeout=30_000)
    link = code.inner_text().strip()
    sidebar.get_by_text("Link zu dieser Ansicht").click()
    return _query(link)


def _filters_agree(page: object) -> dict[str, list[str]]:
    shown = {key: value for key, value in _query(page.url).items() if key in ("jahr", "rb", "kreis", "ma")}
    assert shown == _copied_link(page)
    return shown


def test_the_address_bar_keeps_the_latest_year_as_the_copied_link_does(server: str, laptop: object) -> None:
    open_page(laptop, server + "/")
    _idle(laptop)
    assert _filters_agree(laptop)["jahr"] == ["2025"]
    _choose(laptop, "Jahr", "2023")
    laptop.wait_for_url("**jahr=2023**", timeout=30_000)
    _choose(laptop, "Jahr", "2025")
    laptop.wait_for_url("**jahr=2025**", timeout=30_000)  # Streamlit alone would drop its default here
    assert _filters_agree(laptop)["jahr"] == ["2025"]
    laptop.go_back()  # the browser's back button returns to 2023
    laptop.wait_for_function("() => document.querySelector('h1')?.innerText.includes('2023')", timeout=30_000)
    _idle(laptop)
    assert filter_value(laptop, "Jahr") == "2023"
    assert _filters_agree(laptop)["jahr"] == ["2023"]


def test_regierungsbezirke_are_named_and_narrow_the_district_list(server: str, laptop: object) -> None:
    open_page(laptop, server + "/?rb=Kassel")  # a link of the old spelling
    _idle(laptop)
    assert laptop.locator("h1").first.inner_text() == "Übersicht 2025 – Regierungsbezirk Kassel"
    assert filter_value(laptop, "Regierungsbezirk") == "Regierungsbezirk Kassel"
    assert _filters_agree(laptop)["rb"] == ["Kassel"]
    laptop.locator(SIDEBAR).get_by_role("combobox", name="Gebietskörperschaft").click()
    offered = laptop.get_by_role("option").all_inner_texts()
    kassel = sorted(load_districts().query("regierungsbezirk == 'Kassel'")["label"])
    assert offered == ["Alle", *kassel]
    shot(laptop, "filter_kreise_im_regierungsbezirk")
    laptop.get_by_role("option", name="Fulda", exact=True).click()
    _heading(laptop, "Übersicht 2025 – Fulda")
    assert _filters_agree(laptop) == {"jahr": ["2025"], "rb": ["Kassel"], "kreis": ["Fulda"]}
    _choose(laptop, "Regierungsbezirk", "Regierungsbezirk Darmstadt")
    _heading(laptop, "Übersicht 2025 – Regierungsbezirk Darmstadt")
    assert _filters_agree(laptop) == {"jahr": ["2025"], "rb": ["Darmstadt"]}
    assert_clean(laptop)


def test_the_measure_type_pills_show_their_whole_labels(server: str, laptop: object) -> None:
    open_page(laptop, server + "/?ma=1+Ausbildungsvorbereitung&ma=3+Qualifizierung")
    _idle(laptop)
    pills = laptop.locator(f'{SIDEBAR} [data-testid="stButtonGroup"]').filter(has_text="Ausbildungsvorbereitung")
    buttons = pills.get_by_role("button").filter(has_text=re.compile(r"^\d "))  # the pills, not the help icon
    texts = [text.strip() for text in buttons.all_inner_texts()]
    assert texts == [
        "1 Ausbildungsvorbereitung",
        "2 Ausbildung & Coaching",
        "3 Qualifizierung",
        "4 Weiterbildung Personal",
    ]
    sidebar = laptop.locator(SIDEBAR).bounding_box()
    for button in buttons.all():
        button.scroll_into_view_if_needed()
        cut = button.evaluate("b => [...b.querySelectorAll('*'), b].some(e => e.scrollWidth > e.clientWidth + 1)")
        box = button.bounding_box()
        assert not cut, button.inner_text()
        assert box["x"] + box["width"] <= sidebar["x"] + sidebar["width"], button.inner_text()
    shot(laptop, "filter_massnahmenarten")
    assert _filters_agree(laptop)["ma"] == ["1 Ausbildungsvorbereitung", "3 Qualifizierung"]
