"""The document language is German on every page (`<html lang="de">`, read by screen readers), and every page links
to the Erklärung zur Barrierefreiheit. Needs Debian's chromium; skipped with a reason where it is missing."""

import os
from collections.abc import Iterator

import pytest

from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean, open_page, shot

pytestmark = NEEDS_CHROMIUM

TITLE = "Erklärung zur Barrierefreiheit"
PAGES = [
    "/",
    "/gebietskoerperschaft?kreis=Waldeck-Frankenberg",
    "/zielerreichung",
    "/projekte",
    "/berichtseingang",
    "/vergleich",
    "/zeitreihe",
    "/export",
    "/hochladen",
    "/zielvereinbarung",
    "/verlauf",
    "/methodik",
    "/barrierefreiheit",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("sprache") / "aqb.sqlite")}
    for name in ("STELLE", "EMAIL", "TELEFON"):
        env.pop(f"AQB_BARRIEREFREIHEIT_KONTAKT_{name}", None)
    env["AQB_BARRIEREFREIHEIT_KONTAKT_EMAIL"] = "barrierefreiheit@aqb.example"
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


def document_language(page: object) -> str:
    """The document's language once the page has set it (what is there after 30 s otherwise)."""
    try:
        page.wait_for_function("document.documentElement.lang === 'de'", timeout=30_000)
    except pytest.importorskip("playwright.sync_api").TimeoutError:
        pass
    return page.evaluate("document.documentElement.lang")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_german_and_links_to_the_accessibility_statement(server: str, page: object, path: str) -> None:
    open_page(page, server + path, wait_for_chart=False)
    assert document_language(page) == "de"
    # At the bottom of the sidebar, below the navigation (whose section "Hilfe" may be folded away).
    link = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').get_by_role("link", name=TITLE)
    link.wait_for(timeout=30_000)  # the sidebar's last element: drawn once the page's script has run through
    assert link.count() == 1 and link.get_attribute("href").endswith("barrierefreiheit")
    assert_clean(page)


def test_the_sidebar_link_opens_the_statement_with_the_configured_contact(server: str, page: object) -> None:
    open_page(page, f"{server}/vergleich", wait_for_chart=False)
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').get_by_role("link", name=TITLE).click()
    page.get_by_role("heading", name=TITLE, level=1).wait_for(timeout=30_000)
    assert page.url.split("?")[0] == f"{server}/barrierefreiheit"
    assert document_language(page) == "de"
    main = page.locator('[data-testid="stMain"]')
    # The configured address is a mail link; the settings still missing are named, never made up.
    assert main.get_by_role("link", name="barrierefreiheit@aqb.example").get_attribute("href") == (
        "mailto:barrierefreiheit@aqb.example"
    )
    notice = main.locator('[data-testid="stAlert"]').inner_text()
    assert "AQB_BARRIEREFREIHEIT_KONTAKT_STELLE" in notice and "AQB_BARRIEREFREIHEIT_KONTAKT_TELEFON" in notice
    sections = [h.inner_text() for h in main.locator("h2").all()]
    assert sections == [
        "Geltungsbereich",
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontaktangaben",
        "Durchsetzungsverfahren",
    ]
    assert main.get_by_role("link", name="Durchsetzungsstelle-LBIT@rpgi.hessen.de").count() == 1
    assert_clean(page)
    shot(page, "barrierefreiheit")
