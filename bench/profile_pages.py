"""Where a new view's time goes: cProfile of one AppTest rerun after a change to a year not shown yet.

    .venv/bin/python -m bench.profile_pages [--top 10] [Übersicht Zielerreichung …]

For each page (of the dashboard, and its plain implementation where there is one): a fresh AppTest opens the
page with `?jahr=2024`, then the year changes to 2023 and that one rerun runs under cProfile (the script runs in
AppTest's script thread, which is the one profiled). Prints the top functions by cumulative time: first those of
the project's own code, then any.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from bench.pages import DASHBOARD, PAGES, PLAIN, ROOT
from bench.scale import working_copy

_PROFILE: list[cProfile.Profile] = []
_original = LocalScriptRunner._run_script_thread


def _profiled(self: LocalScriptRunner) -> None:
    if not _PROFILE:
        _original(self)
        return
    _PROFILE[0].enable()
    try:
        _original(self)
    finally:
        _PROFILE[0].disable()


LocalScriptRunner._run_script_thread = _profiled  # type: ignore[method-assign]


def profile(app: Path, page: str | None) -> cProfile.Profile:
    at = AppTest.from_file(str(app), default_timeout=300)
    at.query_params["jahr"] = "2024"
    if page:
        at.switch_page(page)
    at.run()
    widget = at.selectbox(key="jahr").set_value(2023)
    _PROFILE[:] = [cProfile.Profile()]
    widget.run()
    profiler = _PROFILE.pop()
    if at.exception:
        raise RuntimeError(at.exception[0].message)
    return profiler


def report(profiler: cProfile.Profile, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"Gesamt (Summe der Eigenzeiten): {stats.total_tt:.3f} s\n")
    own = r"^(?!.*\.venv).*/work/main/(aqb_data|ui|app_pages|bench)/"
    stats.sort_stats("cumulative").print_stats(own, top)
    stats.sort_stats("cumulative").print_stats(r"(pandas|plotly|streamlit/elements|pyarrow|json|_styler|style)", top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pages", nargs="*", default=list(PLAIN))
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ["AQB_DB"] = str(working_copy(1, Path(folder)))
        for name in args.pages:
            apps = [(f"{name} (Dashboard)", DASHBOARD, PAGES[name][0])]
            if name in PLAIN:
                apps.append((f"{name} (schlicht)", PLAIN[name], None))
            for label, app, page in apps:
                print(f"===== {label}: Rerun ?jahr=2024 → 2023 =====")
                print(report(profile(app, page), args.top).replace(str(ROOT) + "/", ""))


if __name__ == "__main__":
    main()
