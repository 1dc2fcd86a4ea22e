"""Pages benchmark: the dashboard's pages against a plain same-content implementation and the minimal app.

Übersicht and Zielerreichung each have a fair anchor in bench/plain/: the same page written plainly (data cached,
pandas per run, plotly express, `st.dataframe` with `column_config`). The minimal one-chart app stays as the
framework's floor. Every app runs in a fresh process per round (bench/apptest_probe.py), so each first run
includes loading the data; within a round the apps run in an order that rotates from round to round, so that
load on the machine falls on all of them alike.

In each process the year filter then changes: first to each year not shown yet (2023, 2022, 2021: a new view),
then back to years shown before (2024, 2023, 2022, 2021). A round's time of each kind is the median of its
reruns, which are short and noisy. Then a second session in the same process, with nothing drawn to replay,
changes to the new years again: the floor of a new view (for the plain page and the minimal app, which keep
nothing, an ordinary rerun).

The plain page must show the same figures: its cards (label and number) after the first run and after the last
rerun are compared with the dashboard's; any difference makes the measurement invalid.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
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
STAGES = ("first_run", "new_view", "seen_view", "floor")


@dataclass
class AppRuns:
    """Seconds of each round's first run and reruns of one app, and what went wrong in them."""

    first_run: list[float] = field(default_factory=list)
    new_view: list[float] = field(default_factory=list)  # rerun after a change to a year not shown before
    seen_view: list[float] = field(default_factory=list)  # rerun after a change back to a year shown before
    # rerun after a change to a new year whose figures are computed but not drawn yet: what sending costs
    floor: list[float] = field(default_factory=list)
    peak_rss_mb: list[float] = field(default_factory=list)
    metrics: list[dict[str, dict[str, str]]] = field(default_factory=list)  # per round: stage → label → value
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
# The pages with a plain same-content implementation: measured by default, against it.
PLAIN = {
    "Übersicht": ROOT / "bench" / "plain" / "uebersicht.py",
    "Zielerreichung": ROOT / "bench" / "plain" / "zielerreichung.py",
}
# Gebietskörperschaft without a district shows only a picker: the benchmark opens it for one district.
PAGE_QUERY = {"Gebietskörperschaft": {"kreis": "Waldeck-Frankenberg"}}


@dataclass
class PagesTiming:
    """Each page of the dashboard, its plain implementation (if any) and the minimal app, measured alike."""

    pages: dict[str, AppRuns] = field(default_factory=dict)
    plain: dict[str, AppRuns] = field(default_factory=dict)
    minimal: AppRuns = field(default_factory=AppRuns)


def probe(
    app: Path,
    query: dict[str, str],
    page: str | None = None,
    select: tuple[int, ...] = RERUN_YEARS,
    floor: tuple[int, ...] = NEW_YEARS,
    env: dict[str, str] | None = None,
) -> dict[str, object]:
    """One fresh process measuring `app`: first run, a rerun per year in `select`, then the floor's reruns."""
    command = [sys.executable, "-m", "bench.apptest_probe", str(app), "--select", "jahr=" + ",".join(map(str, select))]
    if floor:
        command += ["--floor", "jahr=" + ",".join(map(str, floor))]
    if page:
        command += ["--page", page]
    for key, value in query.items():
        command += ["--query", f"{key}={value}"]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False, env=env
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"Messprozess für {app.name} endete mit Code {done.returncode}:\n{tail}")
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"Messprozess für {app.name} lieferte kein Ergebnis: {done.stdout[-500:]!r}") from None


# The apps read a copy of the bundled data (bench/scale.py, 1×), not the analysts' database.
_ENV: dict[str, str] = {}


def _page(name: str) -> dict[str, object]:
    query = {"jahr": str(FIRST_YEAR), **PAGE_QUERY.get(name, {})}
    return probe(DASHBOARD, query, PAGES[name][0], env=_ENV or None)


def _plain(name: str) -> dict[str, object]:
    return probe(PLAIN[name], {"jahr": str(FIRST_YEAR)}, env=_ENV or None)


def _minimal() -> dict[str, object]:
    return probe(MINIMAL_APP, {"jahr": str(FIRST_YEAR)}, env=_ENV or None)


def _record(runs: AppRuns, result: dict[str, object], first_title: str, last_title: str, floor_title: str) -> None:
    """Keep the timings; note exceptions and wrong titles, which make the measurement invalid."""
    runs.first_run.append(float(result["first_run_s"]))  # type: ignore[arg-type]
    reruns: list[float] = result["rerun_s"]  # type: ignore[assignment]
    runs.new_view.append(statistics.median(reruns[: len(NEW_YEARS)]))
    runs.seen_view.append(statistics.median(reruns[len(NEW_YEARS) :]))
    runs.floor.append(statistics.median(result["floor_s"]))  # type: ignore[arg-type]
    runs.peak_rss_mb.append(float(result["peak_rss_mb"]))  # type: ignore[arg-type]
    runs.metrics.append({"first_run": result["first_run_metrics"], "rerun": result["rerun_metrics"]})  # type: ignore[dict-item]
    for stage, label, expected in (
        ("first_run", "erster Lauf", first_title),
        ("rerun", "Rerun", last_title),
        ("floor", "Untergrenze", floor_title),
    ):
        for message in result[f"{stage}_exceptions"]:  # type: ignore[union-attr]
            first_sentence = str(message).split(". ")[0]
            problem = f"{label}: Ausnahme in der App: {first_sentence}"
            if problem not in runs.problems:
                runs.problems.append(problem)
        title = result[f"{stage}_title"]
        if not (isinstance(title, str) and title.startswith(expected)):
            problem = f"{label}: Titel „{title}“, erwartet „{expected} …“"
            if problem not in runs.problems:
                runs.problems.append(problem)


NUMBER = re.compile(r"-?\d[\d.]*(?:,\d+)?")


def numbers(text: str) -> list[float]:
    """The German numbers in a card's value: '5.229,62 €' → [5229.62]."""
    return [float(n.replace(".", "").replace(",", ".")) for n in NUMBER.findall(text)]


def _same(a: float, b: float) -> bool:
    # Equal up to what the coarser of the two shows: 5.230 € and 5.229,62 € are the same figure.
    return abs(a - b) <= max(0.51, 1e-3 * max(abs(a), abs(b)))


def compare_metrics(project: AppRuns, plain: AppRuns) -> list[str]:
    """Where the plain page's cards differ from the project's (first run and last rerun, first round): the
    anchor is then not the same page, and the measurement is invalid."""
    if not project.metrics or not plain.metrics:
        return []
    problems = []
    for stage, year in (("first_run", FIRST_YEAR), ("rerun", RERUN_YEARS[-1])):
        ours, theirs = project.metrics[0][stage], plain.metrics[0][stage]
        for label, value in ours.items():
            if label not in theirs:
                problems.append(f"{year}: die schlichte Seite zeigt die Kennzahl „{label}“ nicht")
                continue
            # The same figures, however worded: "von 23.439.165 €" and "23.439.165 € – 23.439.165 €" agree.
            a, b = sorted(set(numbers(value))), sorted(set(numbers(theirs[label])))
            if len(a) != len(b) or not all(_same(x, y) for x, y in zip(a, b, strict=True)):
                problems.append(f"{year}: „{label}“ ist {value} im Dashboard, {theirs[label]} auf der schlichten Seite")
    return problems


def run_pages(repeat: int, pages: list[str] | None = None) -> PagesTiming:
    """Time each page, its plain implementation and the minimal app `repeat` rounds, after one discarded
    warm-up each (a warm file cache for all); the order of the apps rotates by one place every round. All read
    a copy of the bundled data."""
    from bench.scale import working_copy

    with tempfile.TemporaryDirectory() as folder:
        _ENV.update(os.environ, AQB_DB=str(working_copy(1, Path(folder))))
        try:
            return _run_pages(repeat, pages)
        finally:
            _ENV.clear()


def _run_pages(repeat: int, pages: list[str] | None) -> PagesTiming:
    names = pages or list(PLAIN)
    jobs: list[tuple[str, str | None]] = [("minimal", None)]
    for name in names:
        jobs.append(("page", name))
        if name in PLAIN:
            jobs.append(("plain", name))
    timing = PagesTiming(
        pages={name: AppRuns() for name in names}, plain={name: AppRuns() for name in names if name in PLAIN}
    )
    run = {"minimal": lambda _: _minimal(), "page": _page, "plain": _plain}
    for kind, name in jobs:  # warm-up: imports and the file cache, not counted
        run[kind](name)
    minimal_titles = [f"Minimal-App {year}" for year in (FIRST_YEAR, RERUN_YEARS[-1], NEW_YEARS[-1])]
    for index in range(repeat):
        shift = index % len(jobs)
        for kind, name in jobs[shift:] + jobs[:shift]:
            result = run[kind](name)
            if kind == "minimal":
                _record(timing.minimal, result, *minimal_titles)
                continue
            title = PAGES[name][1]
            titles = [title.format(year=year) for year in (FIRST_YEAR, RERUN_YEARS[-1], NEW_YEARS[-1])]
            _record((timing.pages if kind == "page" else timing.plain)[name], result, *titles)
    for name, plain in timing.plain.items():
        plain.problems += [f"ungleicher Inhalt: {p}" for p in compare_metrics(timing.pages[name], plain)]
    return timing
