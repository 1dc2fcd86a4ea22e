"""One measurement of a Streamlit app in a fresh process: its first run, then reruns after filter changes.

Run by bench/pages.py as `python -m bench.apptest_probe APP --query jahr=2024 --select jahr=2023,2024,2023`:
the first run starts from the URL query, then the selectbox takes each value in turn (one rerun each).
Prints one line of JSON. A fresh process means nothing is cached yet (`st.cache_resource` lives as long as the process).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

TIMEOUT_S = 120


def _pair(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key, value


def _problems(at: AppTest) -> list[str]:
    return [str(e.message) for e in at.exception]


def measure(
    app: str, query: dict[str, str], select_key: str, select_values: list[int], page: str | None = None
) -> dict[str, object]:
    """Seconds of the first run and of each rerun, with any exceptions the app showed and its titles."""
    # AppTest resolves a relative path against the calling file, not the working directory.
    at = AppTest.from_file(str(Path(app).resolve()), default_timeout=TIMEOUT_S)
    for key, value in query.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)  # the first run opens this page, as a link to it would
    started = time.perf_counter()
    at.run()
    first_run_s = time.perf_counter() - started
    first_problems = _problems(at)
    first_title = at.title[0].value if at.title else None

    rerun_s: list[float] = []
    rerun_problems: list[str] = []
    for value in select_values:
        widget = at.selectbox(key=select_key).set_value(value)
        started = time.perf_counter()
        widget.run()
        rerun_s.append(time.perf_counter() - started)
        rerun_problems += [p for p in _problems(at) if p not in rerun_problems]
    return {
        "first_run_s": first_run_s,
        "rerun_s": rerun_s,
        "first_run_title": first_title,
        "rerun_title": at.title[0].value if at.title else None,
        "first_run_exceptions": first_problems,
        "rerun_exceptions": rerun_problems,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("app", help="path of the Streamlit script")
    parser.add_argument("--query", action="append", type=_pair, default=[], help="URL query parameter KEY=VALUE")
    parser.add_argument("--page", help="page of a multipage app to open, e.g. app_pages/vergleich.py")
    parser.add_argument(
        "--select", type=_pair, required=True, help="selectbox KEY=INT[,INT…]: the values chosen one rerun each"
    )
    args = parser.parse_args()
    key, values = args.select
    print(json.dumps(measure(args.app, dict(args.query), key, [int(v) for v in values.split(",")], args.page)))


if __name__ == "__main__":
    main()
