"""Helpers of the browser tests: Chromium, its tabs, and what a person checks on a page."""

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHART = '[data-testid="stPlotlyChart"] .main-svg'

# Every browser test module sets `pytestmark = NEEDS_CHROMIUM`.
NEEDS_CHROMIUM = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"kein Chromium unter {CHROMIUM} (apt-get install chromium)"
    ),
]


# Streamlit shows this widget ("Running…") while the script runs and removes it when the run has ended.
RUNNING = '[data-testid="stStatusWidget"]'


# True once Streamlit is not running, no element is left over from the previous run (Streamlit greys those
# out) and no element has come or gone for `quiet` ms: the page is drawn as the run left it.
_IDLE = """([quiet, running]) => {
  if (!window.__aqbLastChange) {
    window.__aqbLastChange = performance.now();
    new MutationObserver(() => { window.__aqbLastChange = performance.now(); }).observe(document.body, {
      subtree: true, childList: true, attributes: true, attributeFilter: ["data-stale"] });
  }
  return !document.querySelector(running) && !document.querySelector('[data-stale="true"]')
    && performance.now() - window.__aqbLastChange > quiet;
}"""
_BUSY = "running => !!document.querySelector(running + ', [data-stale=\"true\"]')"


def wait_until_idle(page: object, timeout_ms: int = 60_000, quiet_ms: int = 500) -> None:
    """Wait until Streamlit's run has ended and the page is drawn (no fixed sleeps)."""
    page.wait_for_function(_IDLE, arg=[quiet_ms, RUNNING], timeout=timeout_ms, polling=100)
    page.wait_for_load_state("networkidle", timeout=timeout_ms)


def wait_for_rerun(page: object, timeout_ms: int = 60_000) -> None:
    """After an input: wait for the run it starts to show (at most 5 s: a quick run may be over unseen), then
    until it has ended."""
    try:
        page.wait_for_function(_BUSY, arg=RUNNING, timeout=5_000, polling=50)
    except Exception as error:  # noqa: BLE001 - Playwright's TimeoutError: the run was quicker than a poll
        if type(error).__name__ != "TimeoutError":
            raise
    wait_until_idle(page, timeout_ms)


def open_page(page: object, url: str, wait_for_chart: bool = True) -> None:
    """Open `url` and wait until the sidebar, the heading and (if asked) a chart are drawn."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=30_000)
    page.wait_for_selector("h1", timeout=30_000)
    if wait_for_chart:
        page.wait_for_selector(CHART, timeout=30_000)
    wait_until_idle(page)


def assert_clean(page: object) -> None:
    """No exception, no traceback and no \u2018nan\u2019 on the page."""
    assert page.locator('[data-testid="stException"]').count() == 0
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert not re.search(r"\bnan\b", text, re.IGNORECASE), "‘nan’ auf der Seite"
    assert "Traceback" not in text


def wait_for_metric(page: object, label: str, value: str) -> None:
    """Wait until the metric `label` shows `value` (fails after 30 s with the value it shows instead)."""
    metric = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    try:
        metric.filter(has_text=value).wait_for(timeout=30_000)
    except pytest.importorskip("playwright.sync_api").TimeoutError:
        raise AssertionError(f"{label}: erwartet {value}, angezeigt {metric.inner_text()!r}") from None


def filter_value(page: object, label: str) -> str:
    """What a sidebar selectbox shows (Streamlit draws it as a combobox input)."""
    return page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=label).input_value()


def shot(page: object, name: str) -> None:
    """A full-page screenshot in tests/e2e/screenshots/NAME.png for a person to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def download(page: object, button: object, folder: Path) -> Path:
    """Click a button that downloads a file, once the page's run has ended (a button left over from the previous
    run may point to a file Streamlit has already dropped); the file as the browser saved it."""
    wait_until_idle(page)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path
