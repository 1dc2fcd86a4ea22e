"""Pages benchmark: the Übersicht page against a minimal one-chart app, both driven by Streamlit's AppTest.

Each repeat starts a fresh process per app (bench/apptest_probe.py), so the first run includes loading
the data into `st.cache_resource`. In the same process the year filter then changes RERUNS times
(2024 → 2023 → 2024 …); a repeat's rerun time is the median of these reruns, which are short and noisy.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard.py"
MINIMAL_APP = ROOT / "bench" / "minimal_app.py"
FIRST_YEAR, RERUN_YEAR = 2024, 2023
RERUNS = 5
# The year chosen for each rerun: 2023, 2024, 2023, …
RERUN_YEARS = tuple(RERUN_YEAR if i % 2 == 0 else FIRST_YEAR for i in range(RERUNS))
PROBE_TIMEOUT_S = 600


@dataclass
class AppRuns:
    """Seconds of each repeat's first run and rerun of one app, and what went wrong in them."""

    first_run: list[float] = field(default_factory=list)
    rerun: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class PagesTiming:
    """The dashboard's Übersicht page and the minimal app, measured the same way."""

    dashboard: AppRuns = field(default_factory=AppRuns)
    minimal: AppRuns = field(default_factory=AppRuns)


def _probe(app: Path, query: dict[str, str]) -> dict[str, object]:
    years = ",".join(str(year) for year in RERUN_YEARS)
    command = [sys.executable, "-m", "bench.apptest_probe", str(app), "--select", f"jahr={years}"]
    for key, value in query.items():
        command += ["--query", f"{key}={value}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"Messprozess für {app.name} endete mit Code {done.returncode}:\n{tail}")
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"Messprozess für {app.name} lieferte kein Ergebnis: {done.stdout[-500:]!r}") from None


def _dashboard() -> dict[str, object]:
    return _probe(DASHBOARD, {"jahr": str(FIRST_YEAR)})


def _minimal() -> dict[str, object]:
    return _probe(MINIMAL_APP, {"jahr": str(FIRST_YEAR)})


def _record(runs: AppRuns, probe: dict[str, object], first_title: str, last_title: str) -> None:
    """Keep the timings; note exceptions and wrong titles, which make the measurement invalid."""
    runs.first_run.append(float(probe["first_run_s"]))  # type: ignore[arg-type]
    runs.rerun.append(statistics.median(probe["rerun_s"]))  # type: ignore[arg-type]
    for stage, expected in (("first_run", first_title), ("rerun", last_title)):
        label = "erster Lauf" if stage == "first_run" else "Rerun"
        for message in probe[f"{stage}_exceptions"]:  # type: ignore[union-attr]
            first_sentence = str(message).split(". ")[0]
            problem = f"{label}: Ausnahme in der App: {first_sentence}"
            if problem not in runs.problems:
                runs.problems.append(problem)
        title = probe[f"{stage}_title"]
        if not (isinstance(title, str) and title.startswith(expected)):
            problem = f"{label}: Titel „{title}“, erwartet „{expected} …“"
            if problem not in runs.problems:
                runs.problems.append(problem)


def run_pages(repeat: int) -> PagesTiming:
    """Time both apps `repeat` times after one discarded warm-up each, alternating which goes first."""
    _dashboard()
    _minimal()
    timing = PagesTiming()
    for index in range(repeat):
        order = (_dashboard, _minimal) if index % 2 == 0 else (_minimal, _dashboard)
        for probe_app in order:
            probe = probe_app()
            if probe_app is _dashboard:
                _record(timing.dashboard, probe, f"Übersicht {FIRST_YEAR}", f"Übersicht {RERUN_YEARS[-1]}")
            else:
                _record(timing.minimal, probe, f"Minimal-App {FIRST_YEAR}", f"Minimal-App {RERUN_YEARS[-1]}")
    return timing
