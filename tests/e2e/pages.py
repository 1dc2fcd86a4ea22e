"""The pages of the navigation as dashboard.py declares them, and waiting for Streamlit to finish a run."""

import ast
from pathlib import Path

from tests.e2e.helpers import ROOT

# Streamlit shows this widget ("Running…") while the script runs and removes it when the run has ended.
RUNNING = '[data-testid="stStatusWidget"]'


def navigation_paths(entry: Path = ROOT / "dashboard.py") -> list[str]:
    """The URL path of every `st.Page` in the entry point ("/" for the default page), in the order declared.

    Streamlit derives a page's path from its file name unless `url_path` is given; reading the entry point
    rather than the drawn navigation also finds pages the sidebar folds away under "mehr anzeigen"."""
    paths = []
    for node in ast.walk(ast.parse(entry.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page" and node.args):
            continue
        keywords = {k.arg: k.value for k in node.keywords if isinstance(k.value, ast.Constant)}
        if "default" in keywords and keywords["default"].value is True:
            paths.append("/")
        elif "url_path" in keywords:
            paths.append("/" + keywords["url_path"].value)
        else:
            paths.append("/" + Path(node.args[0].value).stem)
    return paths


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
