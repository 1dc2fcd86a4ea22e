"""One measurement of a Streamlit app in a fresh process: its first run, then reruns after filter changes.

Run by bench/pages.py as `python -m bench.apptest_probe APP --query jahr=2024 --select jahr=2023,2024,2023`:
the first run starts from the URL query, then the selectbox takes each value in turn (one rerun each).
Prints one line of JSON. A fresh process means nothing is cached yet (`st.cache_resource` lives as long as the process).

With `--floor jahr=2023,2022`, a second session then opens the app again after `st.cache_data` was cleared and
chooses these values: everything the app computes is still remembered from the first session (figures on the
data, in `kept`), but nothing of these years has been drawn in this session yet, so nothing of them can be
replayed. Its reruns are what any change to a new view costs at least, however fast the computing: turning
the page's charts and tables into messages and sending them.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

TIMEOUT_S = 120


def _pair(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key, value


def _problems(at: AppTest) -> list[str]:
    return [str(e.message) for e in at.exception]


def _metrics(at: AppTest) -> dict[str, str]:
    """The cards the page shows, label → value as drawn (what the benchmark compares between two apps)."""
    return {str(m.label): str(m.value) for m in at.metric}


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB: VmHWM, which starts afresh with the program (ru_maxrss keeps the
    parent's peak across fork and exec, so it would report the benchmark's own memory)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _session(app: str, query: dict[str, str], page: str | None) -> AppTest:
    # AppTest resolves a relative path against the calling file, not the working directory.
    at = AppTest.from_file(str(Path(app).resolve()), default_timeout=TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)  # the first run opens this page, as a link to it would
    return at


def _reruns(at: AppTest, select_key: str, values: list[int], problems: list[str]) -> list[float]:
    """Seconds of one rerun per value chosen in the selectbox; the app's exceptions are added to `problems`."""
    seconds: list[float] = []
    for value in values:
        widget = at.selectbox(key=select_key).set_value(value)
        started = time.perf_counter()
        widget.run()
        seconds.append(time.perf_counter() - started)
        problems += [p for p in _problems(at) if p not in problems]
    return seconds


def measure(
    app: str,
    query: dict[str, str],
    select_key: str,
    select_values: list[int],
    page: str | None = None,
    floor_values: list[int] | None = None,
) -> dict[str, object]:
    """Seconds of the first run and of each rerun, with any exceptions the app showed and its titles."""
    at = _session(app, query, page)
    started = time.perf_counter()
    at.run()
    first_run_s = time.perf_counter() - started
    first_problems = _problems(at)
    first_title = at.title[0].value if at.title else None
    first_metrics = _metrics(at)

    rerun_problems: list[str] = []
    rerun_s = _reruns(at, select_key, select_values, rerun_problems)
    result: dict[str, object] = {
        "first_run_s": first_run_s,
        "rerun_s": rerun_s,
        "first_run_title": first_title,
        "rerun_title": at.title[0].value if at.title else None,
        "first_run_exceptions": first_problems,
        "rerun_exceptions": rerun_problems,
        "first_run_metrics": first_metrics,
        "rerun_metrics": _metrics(at),
    }
    if floor_values:
        st.cache_data.clear()  # nothing drawn is replayed; everything computed is still remembered
        again = _session(app, query, page)
        again.run()
        floor_problems = _problems(again)
        result["floor_s"] = _reruns(again, select_key, floor_values, floor_problems)
        result["floor_title"] = again.title[0].value if again.title else None
        result["floor_exceptions"] = floor_problems
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("app", help="path of the Streamlit script")
    parser.add_argument("--query", action="append", type=_pair, default=[], help="URL query parameter KEY=VALUE")
    parser.add_argument("--page", help="page of a multipage app to open, e.g. app_pages/vergleich.py")
    parser.add_argument(
        "--select", type=_pair, required=True, help="selectbox KEY=INT[,INT…]: the values chosen one rerun each"
    )
    parser.add_argument(
        "--floor", type=_pair, help="KEY=INT[,INT…]: then, in a second session with nothing replayable, these values"
    )
    args = parser.parse_args()
    key, values = args.select
    floor = [int(v) for v in args.floor[1].split(",")] if args.floor else None
    print(json.dumps(measure(args.app, dict(args.query), key, [int(v) for v in values.split(",")], args.page, floor)))


if __name__ == "__main__":
    main()
