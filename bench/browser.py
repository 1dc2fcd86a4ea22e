"""Browser benchmark: Übersicht and Zielerreichung of the dashboard against their plain implementations
(bench/plain/) and the minimal app, in headless Chromium, interleaved.

Every app runs with `streamlit run` on a free port, all on a copy of the bundled data. In each round the apps
take turns in an order that rotates from round to round; each gets a new browser context and is measured twice:

- first load: navigation to `?jahr=2024` until every chart is drawn with that year in its title;
- interaction (warm browser, same tab): the year chosen in the sidebar's „Jahr“ until the last chart is drawn
  for it (its title names the new year, nothing on the page is stale): first to years not shown yet (2023,
  2022, 2021), then back to one shown (2024).

One unmeasured visit first warms each server (data loaded, modules imported). Afterwards every page of the
dashboard is visited once, and the servers' peak resident memory (VmHWM from /proc) is read.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from contextlib import ExitStack, contextmanager
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


FIRST_YEAR, NEW_YEARS, SEEN_YEAR = 2024, (2023, 2022, 2021), 2024
# (label, script, path): the apps measured; the dashboard's pages share one server.
APPS = (
    ("Übersicht", "dashboard.py", "/"),
    ("Übersicht (schlicht)", "bench/plain/uebersicht.py", "/"),
    ("Zielerreichung", "dashboard.py", "/zielerreichung"),
    ("Zielerreichung (schlicht)", "bench/plain/zielerreichung.py", "/"),
    ("Minimal-App", "bench/minimal_app.py", "/"),
)
# Every chart shows the chosen year in its title; the page is done when all do and nothing is stale.
_DRAWN = """([year]) => {
    const heading = document.querySelector('h1');
    if (!heading || !heading.textContent.includes(year)) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return charts.length > 0 && charts.every(c => {
        const title = c.querySelector('.gtitle');
        return c.querySelector('.main-svg') && title && title.textContent.includes(year);
    });
}"""


@dataclass
class ServerRuns:
    first_chart: list[float] = field(default_factory=list)  # first load: navigation until every chart is drawn
    new_year: list[float] = field(default_factory=list)  # per round: median of the changes to years not shown
    seen_year: list[float] = field(default_factory=list)  # per round: the change back to a year shown
    peak_memory_mb: float | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class BrowserTiming:
    apps: dict[str, ServerRuns] = field(default_factory=dict)

    @property
    def dashboard(self) -> ServerRuns:
        return self.apps["Übersicht"]

    @property
    def minimal(self) -> ServerRuns:
        return self.apps["Minimal-App"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout_s: float) -> bool:
    """Wait until `url`/_stcore/health answers: True; False (and the process killed) if the process ends first or
    `timeout_s` runs out."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                return False
            time.sleep(0.3)


@contextmanager
def streamlit_server(  # noqa: ANN201 - (url, process)
    script: str, env: dict[str, str], timeout_s: float = 60, port: int | None = None, args: Sequence[str] = ()
):
    """`streamlit run SCRIPT` on a local port (a free one unless given, e.g. one the identity provider accepts)
    with further Streamlit `args` until the block ends; RuntimeError with the server's output if it does not
    answer its health check in time (also used by the browser tests)."""
    port = port or free_port()
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true", f"--server.port={port}"]
    command += ["--server.address=127.0.0.1", "--browser.gatherUsageStats=false", *args]
    url = f"http://127.0.0.1:{port}"
    # The output goes to a file, not a pipe: a pipe nobody reads would stall a chatty server.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            if not wait_healthy(url, process, timeout_s):
                log.seek(0)
                output = log.read().decode(errors="replace")
                raise RuntimeError(f"{script}: Streamlit startete nicht:\n{output}")
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


def _wait_drawn(page: object, year: int) -> None:
    page.wait_for_function(_DRAWN, arg=[str(year)], timeout=60_000, polling=20)


def _choose_year(page: object, year: int) -> float:
    """Choose `year` in the „Jahr“ selectbox; seconds until the last chart is drawn for it."""
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Jahr").first.click()
    option = page.get_by_role("option", name=str(year), exact=True)
    option.wait_for()
    started = time.perf_counter()
    option.click()
    _wait_drawn(page, year)
    return time.perf_counter() - started


def _visit(browser: object, url: str, runs: ServerRuns | None) -> None:
    """One new browser context: the first load, then the year changes (recorded in `runs` unless None)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(f"{url}{'&' if '?' in url else '?'}jahr={FIRST_YEAR}")
        _wait_drawn(page, FIRST_YEAR)
        first = time.perf_counter() - started
        changes = [_choose_year(page, year) for year in NEW_YEARS]
        seen = _choose_year(page, SEEN_YEAR)
        if runs is not None:
            runs.first_chart.append(first)
            runs.new_year.append(statistics.median(changes))
            runs.seen_year.append(seen)
    finally:
        context.close()


def _problem(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0]}"


def run_browser(repeat: int) -> BrowserTiming:
    """Every app in the same headless Chromium, `repeat` rounds, the order rotating each round."""
    from playwright.sync_api import sync_playwright

    from bench.scale import working_copy

    timing = BrowserTiming(apps={label: ServerRuns() for label, _, _ in APPS})
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        env = {**os.environ, "AQB_DB": str(working_copy(1, Path(folder)))}
        servers = {}
        for script in dict.fromkeys(script for _, script, _ in APPS):
            servers[script] = stack.enter_context(streamlit_server(script, env))
        for label, script, path in APPS:  # warm-up, not counted
            try:
                _visit(browser, servers[script][0] + path, None)
            except Exception as error:  # noqa: BLE001 - any failure makes this measurement invalid, with its reason
                timing.apps[label].problems.append(_problem(error))
        for index in range(repeat):
            shift = index % len(APPS)
            for label, script, path in APPS[shift:] + APPS[:shift]:
                runs = timing.apps[label]
                if runs.problems:
                    continue
                try:
                    _visit(browser, servers[script][0] + path, runs)
                except Exception as error:  # noqa: BLE001 - as above
                    runs.problems.append(_problem(error))
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="de-DE")
        page = context.new_page()
        for path in DASHBOARD_PAGES:  # the dashboard's memory after every page of analysis
            page.goto(servers["dashboard.py"][0] + path)
            page.wait_for_selector(CHART, timeout=60_000)
        context.close()
        for label, script, _ in APPS:
            timing.apps[label].peak_memory_mb = peak_memory_mb(servers[script][1].pid)
        browser.close()
    return timing
