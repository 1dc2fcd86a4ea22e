"""Fixtures of the browser tests: one headless Chromium per module, a fresh German tab per test."""

from collections.abc import Iterator

import pytest

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium (Debian's), without any connection to the outside."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    """A new browser context (German, tall window, downloads allowed) and its tab."""
    context = browser.new_context(viewport={"width": 1440, "height": 2200}, locale="de-DE", accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()
