"""The dashboard works with the keyboard alone (WCAG 2.1.1): with Tab, Shift+Tab, Enter, Space and the arrow keys,
and no mouse, a person reaches the sidebar filters and changes the year, switches pages in the navigation,
downloads a table and makes and downloads the meeting pack on Export. Needs Debian's chromium; skipped with a
reason where it is missing.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean, wait_for_rerun, wait_until_idle

pytestmark = NEEDS_CHROMIUM

# What has the focus, as a person with a screen reader would hear it: role or tag, name and text.
FOCUSED = """() => { const el = document.activeElement;
  if (!el || el === document.body) return "(nichts)";
  const name = el.getAttribute("aria-label") || el.innerText || el.value || "";
  return `${el.getAttribute("role") || el.tagName.toLowerCase()} „${name.trim().slice(0, 60)}“`; }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("tastatur") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


def tab_to(page: object, wanted: str, matches: str, *, backwards: bool = False, limit: int = 400) -> None:
    """Press Tab (Shift+Tab if `backwards`) until the focused element satisfies the JavaScript condition
    `matches` on `el`; fails naming the elements passed if it is not reached within `limit` presses."""
    condition = f"() => {{ const el = document.activeElement; return !!el && ({matches}); }}"
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if page.evaluate(condition):
            return
        passed.append(page.evaluate(FOCUSED))
    raise AssertionError(f"{wanted} nicht per Tab erreicht; zuletzt fokussiert: {passed[-15:]}")


def in_sidebar(condition: str) -> str:
    """The condition on `el`, and `el` in the sidebar."""
    return f"!!el.closest('[data-testid=\"stSidebar\"]') && ({condition})"


def choose_with_arrows(page: object, option: str, limit: int = 30) -> None:
    """In an open list: arrow down to `option` (the one the focused combobox marks as active), Enter takes it."""
    active = """() => { const id = document.activeElement?.getAttribute("aria-activedescendant");
      return id ? document.getElementById(id)?.innerText.trim() : null; }"""
    seen = []
    for _ in range(limit):
        seen.append(page.evaluate(active))
        if seen[-1] == option:
            page.keyboard.press("Enter")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"„{option}“ nicht mit den Pfeiltasten erreicht; angeboten: {seen}")


def heading(page: object) -> str:
    """The page's main heading."""
    return page.locator("h1").first.inner_text()


def test_filters_pages_a_table_download_and_the_meeting_pack_by_keyboard_alone(
    server: str, page: object, tmp_path: Path
) -> None:
    page.goto(server + "/")
    page.wait_for_selector("h1", timeout=60_000)
    wait_until_idle(page)
    assert heading(page).startswith("Übersicht 2025")

    # The year: from the top of the page into the sidebar's first filter, opened and changed with the arrows.
    tab_to(page, "Filter „Jahr“", in_sidebar("el.getAttribute('aria-label') === 'Jahr'"))
    page.keyboard.press("ArrowDown")  # opens the list
    page.get_by_role("listbox").wait_for(timeout=30_000)
    choose_with_arrows(page, "2024")
    page.wait_for_url("**jahr=2024*", timeout=30_000)
    wait_for_rerun(page)
    assert heading(page).startswith("Übersicht 2024")

    # Another page through the navigation: back up from the filters to its link, Enter follows it.
    tab_to(
        page,
        "Navigation „Zielerreichung“",
        "el.matches('[data-testid=\"stSidebarNavLink\"]') && el.innerText.trim().endsWith('Zielerreichung')",
        backwards=True,
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('h1')?.innerText.startsWith('Zielerreichung')")
    wait_until_idle(page)
    assert heading(page).startswith("Zielerreichung 2024")

    # A table's Excel file: onwards from the navigation into the page to the first table's download.
    tab_to(page, "Tabellen-Download „Excel“", "el.tagName === 'BUTTON' && el.innerText.trim().endsWith('Excel')")
    with page.expect_download(timeout=60_000) as download:
        page.keyboard.press("Enter")
    table = tmp_path / download.value.suggested_filename
    download.value.save_as(table)
    assert table.name.startswith("AQB_Zielerreichung") and table.suffix == ".xlsx"
    book = pytest.importorskip("openpyxl").load_workbook(table)
    assert dict(book["Metadaten"].iter_rows(min_row=2, values_only=True))["Jahr"] == "2024"

    # The meeting pack on Export: back to the navigation, then make it and take the PowerPoint file.
    tab_to(
        page,
        "Navigation „Export“",
        "el.matches('[data-testid=\"stSidebarNavLink\"]') && el.innerText.trim().endsWith('Export')",
        backwards=True,
    )
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('h1')?.innerText.startsWith('Export')")
    wait_until_idle(page)
    tab_to(page, "Knopf „Sitzungsmappe erstellen“", "el.innerText.trim().endsWith('Sitzungsmappe erstellen')")
    page.keyboard.press("Space")
    page.get_by_text("Sitzungsmappe mit").wait_for(timeout=240_000)
    wait_until_idle(page)
    tab_to(page, "Knopf „PowerPoint herunterladen“", "el.innerText.trim().endsWith('PowerPoint herunterladen')")
    with page.expect_download(timeout=60_000) as download:
        page.keyboard.press("Enter")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".pptx" and "2024" in saved.name
    assert saved.read_bytes()[:2] == b"PK"  # a PowerPoint file is a zip archive
    assert_clean(page)
