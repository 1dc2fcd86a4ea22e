"""No request leaves the dashboard's own server: every page of the navigation is opened in Chromium and every
request the browser makes (scripts, styles, fonts, icons, the favicon, map outlines, data) is recorded; any to
another host fails the test with its address. On an intranet without internet such a request would fail, and
for a ministry any outside request is a finding. Needs Debian's chromium; skipped with a reason where missing.
"""

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, open_page, wait_until_idle
from tests.e2e.pages import navigation_paths

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("herkunft") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


def outside(requested: list[str], server: str) -> list[str]:
    """The requested addresses that are not on the server's own origin (scheme, host and port)."""
    own = urlsplit(server)[:2]
    found = []
    for url in requested:
        if url.startswith("data:"):  # inline content: nothing goes over the network
            continue
        # A blob: address names the origin that created it (blob:http://host:port/uuid).
        target = url.removeprefix("blob:")
        if urlsplit(target)[:2] != own:
            found.append(url)
    return sorted(set(found))


def test_outside_addresses_are_found(server: str) -> None:
    """The check itself: an address on another host or port is reported, the server's own are not."""
    host = urlsplit(server).hostname
    requested = [
        f"{server}/_stcore/health",
        f"blob:{server}/0b5a-4c",
        "data:image/svg+xml,<svg/>",
        "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/bar_chart/default/24px.svg",
        f"http://{host}:1/static/x.js",
    ]
    assert outside(requested, server) == [
        f"http://{host}:1/static/x.js",
        "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/bar_chart/default/24px.svg",
    ]


@pytest.mark.parametrize("path", navigation_paths())
def test_every_request_of_the_page_stays_on_the_server(server: str, page: object, path: str) -> None:
    requested: list[str] = []
    page.context.on("request", lambda request: requested.append(request.url))
    open_page(page, server + path, wait_for_chart=False)
    wait_until_idle(page)
    # Streamlit swaps its own favicon for the page icon after the first run: wait for that before judging.
    icon = "document.querySelector(\"link[rel='shortcut icon']\")?.href || ''"
    try:
        page.wait_for_function(f"() => ({icon}).startsWith('data:')", timeout=30_000)
    except pytest.importorskip("playwright.sync_api").TimeoutError:
        pass  # the assertion below names the icon it shows instead
    wait_until_idle(page)
    assert requested, "keine Anfrage aufgezeichnet"
    assert outside(requested, server) == [], f"{path}: Anfragen an fremde Server"
    favicon = page.evaluate(f"() => {icon}")
    assert favicon.startswith("data:image/svg+xml"), f"Seitensymbol nicht aus der App: {favicon[:100]}"
