"""Pages benchmark: every page of the dashboard against a minimal one-chart app, all driven by AppTest.

Each repeat starts a fresh process per page and app (bench/apptest_probe.py), so the first run includes
loading the data into `st.cache_resource`. In the same process the year filter then changes: first to each
year not shown yet (2023, 2022, 2021: a new view), then back to years shown before (2024, 2023, 2022, 2021).
A repeat's time of each kind is the median of its reruns, which are short and noisy. Then a second session
in the same process, with nothing drawn to replay, changes to the new years again: the floor of a new view.
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
FIRST_YEAR = 2024
# The years chosen one rerun each: first years not shown yet in this process, then years shown before.
NEW_YEARS = (2023, 2022, 2021)
SEEN_YEARS = (FIRST_YEAR, *NEW_YEARS)
RERUN_YEARS = NEW_YEARS + SEEN_YEARS
PROBE_TIMEOUT_S = 600


@dataclass
class AppRuns:
    """Seconds of each repeat's first run and reruns of one app, and what went wrong in them."""

    first_run: list[float] = field(default_factory=list)
    new_view: list[float] = field(default_factory=list)  # rerun after a change to a year not shown before
    seen_view: list[float] = field(default_factory=list)  # rerun after a change back to a year shown before
    # rerun after a change to a new year whose figures are computed but not drawn yet: what sending costs
    floor: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# Every page with the start of its title (for the year shown) – a wrong title makes a measurement invalid.
PAGES = {
    "Übersicht": ("app_pages/uebersicht.py", "Übersicht {year}"),
    "Gebietskörperschaft": ("app_pages/gebietskoerperschaft.py", "Waldeck-Frankenberg – {year}"),
    "Zielerreichung": ("app_pages/zielerreichung.py", "Zielerreichung {year}"),
    "Vergleich": ("app_pages/vergleich.py", "Vergleich {year}"),
    "Zeitreihe": ("app_pages/zeitreihe.py", "Zeitreihe"),
    "Export": ("app_pages/export.py", "Export und Sitzungsunterlagen"),
    "Daten hochladen": ("app_pages/hochladen.py", "Daten hochladen"),
    "Zielvereinbarung einlesen": ("app_pages/zielvereinbarung.py", "Zielvereinbarung einlesen"),
    "Verlauf": ("app_pages/verlauf.py", "Verlauf"),
    "Methodik & Quellen": ("app_pages/methodik.py", "Methodik & Quellen"),
}
# Gebietskörperschaft without a district shows only a picker: the benchmark opens it for one district.
PAGE_QUERY = {"Gebietskörperschaft": {"kreis": "Waldeck-Frankenberg"}}


@dataclass
class PagesTiming:
    """Each page of the dashboard and the minimal app, measured the same way."""

    pages: dict[str, AppRuns] = field(default_factory=dict)
    minimal: AppRuns = field(default_factory=AppRuns)


def _probe(app: Path, query: dict[str, str], page: str | None = None) -> dict[str, object]:
    years = ",".join(str(year) for year in RERUN_YEARS)
    new_years = ",".join(str(year) for year in NEW_YEARS)
    command = [sys.executable, "-m", "bench.apptest_probe", str(app), "--select", f"jahr={years}"]
    command += ["--floor", f"jahr={new_years}"]
    if page:
        command += ["--page", page]
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


def _page(name: str) -> dict[str, object]:
    return _probe(DASHBOARD, {"jahr": str(FIRST_YEAR), **PAGE_QUERY.get(name, {})}, PAGES[name][0])


def _minimal() -> dict[str, object]:
    return _probe(MINIMAL_APP, {"jahr": str(FIRST_YEAR)})


def _record(runs: AppRuns, probe: dict[str, object], first_title: str, last_title: str, floor_title: str) -> None:
    """Keep the timings; note exceptions and wrong titles, which make the measurement invalid."""
    runs.first_run.append(float(probe["first_run_s"]))  # type: ignore[arg-type]
    reruns: list[float] = probe["rerun_s"]  # type: ignore[assignment]
    runs.new_view.append(statistics.median(reruns[: len(NEW_YEARS)]))
    runs.seen_view.append(statistics.median(reruns[len(NEW_YEARS) :]))
    runs.floor.append(statistics.median(probe["floor_s"]))  # type: ignore[arg-type]
    for stage, label, expected in (
        ("first_run", "erster Lauf", first_title),
        ("rerun", "Rerun", last_title),
        ("floor", "Untergrenze", floor_title),
    ):
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


def run_pages(repeat: int, pages: list[str] | None = None) -> PagesTiming:
    """Time every page and the minimal app `repeat` times after one discarded warm-up each (a warm file
    cache for both); in each repeat the minimal app runs between the pages, alternately first and last."""
    names = pages or list(PAGES)
    _page(names[0])
    _minimal()
    timing = PagesTiming(pages={name: AppRuns() for name in names})
    minimal_titles = [f"Minimal-App {year}" for year in (FIRST_YEAR, RERUN_YEARS[-1], NEW_YEARS[-1])]
    for index in range(repeat):
        if index % 2 == 0:
            _record(timing.minimal, _minimal(), *minimal_titles)
        for name in names:
            title = PAGES[name][1]
            titles = [title.format(year=year) for year in (FIRST_YEAR, RERUN_YEARS[-1], NEW_YEARS[-1])]
            _record(timing.pages[name], _page(name), *titles)
        if index % 2 == 1:
            _record(timing.minimal, _minimal(), *minimal_titles)
    return timing
