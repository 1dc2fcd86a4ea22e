"""Browser benchmark: time to the first drawn chart, and the server's peak memory, against the minimal app.

Both apps are started with `streamlit run` on a free port, the dashboard on the bundled demo data in a
database of its own. Headless Chromium (Debian's, driven by Playwright) opens each app's start page in a
new browser context per repeat and waits for the first Plotly chart's SVG. One unmeasured visit first
warms each server (data loaded, Python modules imported), so the figure is what an analyst waits for on
every visit. Afterwards every page of the dashboard is visited once, and the server's peak resident memory
(VmHWM from /proc) is read for both.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync"]
CHART = '[data-testid="stPlotlyChart"] .main-svg'
DASHBOARD_PAGES = (
    "/",
    "/gebietskoerperschaft?kreis=Waldeck-Frankenberg",
    "/zielerreichung",
    "/vergleich",
    "/zeitreihe",
)


@dataclass
class ServerRuns:
    first_chart: list[float] = field(default_factory=list)
    peak_memory_mb: float | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class BrowserTiming:
    dashboard: ServerRuns = field(default_factory=ServerRuns)
    minimal: ServerRuns = field(default_factory=ServerRuns)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def streamlit_server(  # noqa: ANN201 - (url, process)
    script: str, env: dict[str, str], timeout_s: float = 60, port: int | None = None, args: Sequence[str] = ()
):
    """`streamlit run SCRIPT` on a local port (a free one unless given, e.g. one the identity provider accepts)
    with further Streamlit `args` until the block ends; RuntimeError with the server's output if it does not
    answer its health check in time (also used by the browser tests)."""
    port = port or _free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true", f"--server.port={port}"]
    command += ["--server.address=127.0.0.1", "--browser.gatherUsageStats=false", *args]
    url = f"http://127.0.0.1:{port}"
    # The output goes to a file, not a pipe: a pipe nobody reads would stall a chatty server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        process.kill()
                        log.seek(0)
                        output = log.read().decode(errors="replace")
                        raise RuntimeError(f"{script}: Streamlit startete nicht:\n{output}") from None
                    time.sleep(0.3)
            yield url, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def peak_memory_mb(pid: int) -> float | None:
    """The process's peak resident memory (VmHWM) in MB; None where /proc does not say."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _first_chart_s(browser: object, url: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(CHART, timeout=60_000)
        return time.perf_counter() - started
    finally:
        context.close()


def _measure(browser: object, script: str, env: dict[str, str], repeat: int, visit: tuple[str, ...]) -> ServerRuns:
    runs = ServerRuns()
    try:
        with streamlit_server(script, env) as (url, process):
            _first_chart_s(browser, url + "/")  # warm-up, not counted
            runs.first_chart = [_first_chart_s(browser, url + "/") for _ in range(repeat)]
            for path in visit:
                _first_chart_s(browser, url + path)
            runs.peak_memory_mb = peak_memory_mb(process.pid)
    except Exception as error:  # noqa: BLE001 - any failure makes this measurement invalid, with its reason
        runs.problems.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
    return runs


def run_browser(repeat: int) -> BrowserTiming:
    """Both apps, one after the other, in the same headless Chromium."""
    from playwright.sync_api import sync_playwright

    timing = BrowserTiming()
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        env = {**os.environ, "AQB_DB": str(Path(folder) / "aqb.sqlite")}
        timing.minimal = _measure(browser, "bench/minimal_app.py", env, repeat, ())
        timing.dashboard = _measure(browser, "dashboard.py", env, repeat, DASHBOARD_PAGES)
        browser.close()
    return timing
