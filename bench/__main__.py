"""Run the benchmarks and report ratios against anchors measured in the same run, interleaved.

    .venv/bin/python -m bench [--rows 90000] [--repeat 3] [--scale 1 10 100]
                              [--only ingest|pages|growth|browser|engines]

Prints one table – every ratio with its anchor, a second reference (the minimal app: the framework's floor) and
its target – and writes it as JSON to bench/results/latest.json. The exit code is 0 whatever the ratios (the
benchmarks report, they do not gate); it is 1 only if a measurement is invalid, e.g. the validated load reports
errors, a page shows an exception, or the plain page shows other figures than the dashboard.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from aqb_data.domain.formatting import format_number
from aqb_data.present.argparse_de import german_argparse, whole_number
from bench.browser import run_browser
from bench.engines import postgres_server, run_engines
from bench.growth import ScaleRuns, run_growth
from bench.ingest import RESULTS_DIR, IngestTiming, InvalidBenchmarkError, run_ingest, warm_up, workbook_path
from bench.pages import FIRST_YEAR, NEW_YEARS, PLAIN, SEEN_YEARS, AppRuns, PagesTiming, run_pages

ROOT = Path(__file__).resolve().parent.parent
LATEST_JSON = RESULTS_DIR / "latest.json"
# Targets of issue 21 (ratios unless named otherwise).
INGEST_TARGET = 2.0  # validated ÷ plain calamine read
PAGE_TARGETS = {"first_run": 1.0, "new_view": 0.5, "seen_view": 0.25, "floor": None}  # project ÷ plain page
BROWSER_TARGET = 0.8  # year change → last chart drawn, project ÷ plain page
GROWTH_TARGETS = {"import": 1.5, "first_view": 2.0, "rerun": 1.2}  # each ÷ itself at 1×
FIRST_VIEW_LIMIT_S, DOWNLOAD_LIMIT_S = 2.0, 5.0  # at 100×
MEMORY_RATIO_TARGET = 1.2  # the page process's peak memory ÷ the plain page's
MEMORY_TARGET_MB = 150.0  # browser: the dashboard server above the minimal app's


@dataclass
class Result:
    """One row of the report: the measured median, its anchor's median, their ratio, a second reference (the
    floor: the minimal app; openpyxl for ingest) and the target."""

    benchmark: str
    measured: str
    baseline: str
    target_ratio: float | None  # None: no ratio target (a diagnostic row, or one with an absolute target)
    measured_s: float | None = None
    baseline_s: float | None = None
    samples_measured_s: list[float] = field(default_factory=list)
    samples_baseline_s: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unit: str = "s"  # "MB": memory
    target_difference: float | None = None  # MB above the anchor
    target_seconds: float | None = None  # an absolute limit on the measured median
    reference: str = ""  # the second reference (floor), e.g. the minimal app
    reference_s: float | None = None
    samples_reference_s: list[float] = field(default_factory=list)
    skipped: bool = False  # not measured on this machine (e.g. no PostgreSQL server); the notes say why

    @property
    def valid(self) -> bool:
        return self.skipped or (not self.problems and self.measured_s is not None and self.baseline_s is not None)

    @property
    def ratio(self) -> float | None:
        if self.measured_s is None or not self.baseline_s:
            return None
        return self.measured_s / self.baseline_s

    @property
    def reference_ratio(self) -> float | None:
        """The anchor against the floor, e.g. plain page ÷ minimal app."""
        if self.baseline_s is None or not self.reference_s:
            return None
        return self.baseline_s / self.reference_s

    @property
    def spread(self) -> tuple[float, float] | None:
        """The lowest and highest ratio of one round (measured and anchor in the same round)."""
        measured, baseline = self.samples_measured_s, self.samples_baseline_s
        if len(measured) != len(baseline):  # e.g. a slow download measured once: against the anchor's median
            baseline = [self.baseline_s or 0.0] * len(measured)
        pairs = [m / b for m, b in zip(measured, baseline, strict=True) if b]
        return (min(pairs), max(pairs)) if pairs else None

    @property
    def difference(self) -> float | None:
        if self.measured_s is None or self.baseline_s is None:
            return None
        return self.measured_s - self.baseline_s

    @property
    def diagnostic(self) -> bool:
        """A row that explains another (e.g. a lower bound) and has no target of its own."""
        return self.target_ratio is None and self.target_difference is None and self.target_seconds is None

    @property
    def met(self) -> bool | None:
        if self.diagnostic:
            return None
        checks = []
        if self.target_difference is not None:
            checks.append(None if self.difference is None else self.difference <= self.target_difference)
        if self.target_ratio is not None:
            checks.append(None if self.ratio is None else self.ratio <= self.target_ratio)
        if self.target_seconds is not None:
            checks.append(None if self.measured_s is None else self.measured_s < self.target_seconds)
        return None if None in checks else all(checks)

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "ratio": self.ratio,
            "reference_ratio": self.reference_ratio,
            "spread": self.spread,
            "difference": self.difference,
            "target_met": self.met,
            "diagnostic": self.diagnostic,
            "valid": self.valid,
        }


def _median(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def ingest_results(rows: int, repeat: int) -> list[Result]:
    label = f"Einlesen Umsetzungsstand, {format_number(rows)} Zeilen"
    measured = "read_workbook_isolated(path): validiert, im Prüfprozess"
    calamine = "python_calamine: alle Blätter als Zeilen und DataFrame, ohne Prüfung"
    openpyxl = 'pandas.read_excel(path, sheet_name=None, engine="openpyxl")'
    result = Result(label, measured, calamine, INGEST_TARGET, reference=openpyxl)
    second = Result(f"{label}: validiert ÷ openpyxl (zweite Spalte)", measured, openpyxl, None)
    try:
        timing: IngestTiming = run_ingest(rows, repeat)
    except InvalidBenchmarkError as error:
        result.problems.append(str(error))
        second.problems.append(str(error))
        return [result, second]
    if timing.build_s is not None:
        result.notes.append(f"Arbeitsmappe neu erzeugt in {format_number(timing.build_s, 1)} s")
    result.samples_measured_s, result.samples_baseline_s = timing.measured, timing.calamine
    result.measured_s, result.baseline_s = _median(timing.measured), _median(timing.calamine)
    result.samples_reference_s, result.reference_s = timing.baseline, _median(timing.baseline)
    second.samples_measured_s, second.samples_baseline_s = timing.measured, timing.baseline
    second.measured_s, second.baseline_s = _median(timing.measured), _median(timing.baseline)
    return [result, second]


def _years(years: tuple[int, ...]) -> str:
    return " → ".join(str(year) for year in years)


STAGE_LABELS = {
    "first_run": f"erster Lauf (?jahr={FIRST_YEAR}, neuer Prozess)",
    "new_view": f"Wechsel zu neuem Jahr ({_years(NEW_YEARS)}, Median)",
    "seen_view": f"Wechsel zu gesehenem Jahr ({_years(SEEN_YEARS)}, Median)",
    "floor": f"Untergrenze: berechnet, nur übertragen ({_years(NEW_YEARS)})",
}


def _runs_result(
    benchmark: str,
    measured: str,
    baseline: str,
    target: float | None,
    runs: object,
    anchor: object,
    samples: str,
    problems: list[str],
    floor: object | None = None,
    reference: str = "",
) -> Result:
    """One row comparing the samples named `samples` (a list field of the run objects: `ScaleRuns`, `AppRuns` …)
    of `runs` with those of `anchor`, and with those of `floor` as the second reference if given."""
    return Result(
        benchmark,
        measured,
        baseline,
        target,
        _median(getattr(runs, samples)),
        _median(getattr(anchor, samples)),
        getattr(runs, samples),
        getattr(anchor, samples),
        list(problems),
        reference=reference,
        reference_s=_median(getattr(floor, samples)) if floor is not None else None,
        samples_reference_s=getattr(floor, samples) if floor is not None else [],
    )


def pages_results(repeat: int) -> list[Result]:
    try:
        timing: PagesTiming = run_pages(repeat)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        timing = PagesTiming(
            pages={name: AppRuns(problems=[str(error)]) for name in PLAIN},
            plain={name: AppRuns(problems=[str(error)]) for name in PLAIN},
        )
    minimal = "bench/minimal_app.py (AppTest)"
    minimal_problems = [f"Minimal-App: {p}" for p in timing.minimal.problems]
    results = []
    for name, runs in timing.pages.items():
        plain = timing.plain[name]
        for stage, label in STAGE_LABELS.items():
            results.append(
                _runs_result(
                    f"{name}: {label}",
                    f"dashboard.py, Seite {name} (AppTest)",
                    f"bench/plain/ – {name} schlicht (AppTest)",
                    PAGE_TARGETS[stage],
                    runs,
                    plain,
                    stage,
                    [*runs.problems, *[f"schlicht: {p}" for p in plain.problems], *minimal_problems],
                    floor=timing.minimal,
                    reference=minimal,
                )
            )
    return results


def growth_results(scales: list[int], repeat: int) -> list[Result]:
    try:
        timing: dict[int, ScaleRuns] = run_growth(scales, repeat)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return [Result("Wachstum", "–", "–", None, problems=[str(error)])]
    base = timing[1]
    results = []
    for scale, runs in timing.items():
        if scale == 1:
            continue
        size = f"{scale}× ({format_number(runs.rows)} Zeilen)"
        anchor = f"dasselbe bei 1× ({format_number(base.rows)} Zeilen)"
        problems = [*runs.problems, *[f"1×: {p}" for p in base.problems]]
        for key, label, measured, samples, target in (
            (
                "import",
                "Import eines Kreisberichts (prüfen, Vorschau, speichern)",
                "check_upload + import_checked",
                "import_s",
                GROWTH_TARGETS["import"],
            ),
            (
                "first_view",
                "erste Ansicht nach dem Import (Übersicht, neuer Prozess)",
                "AppTest-Erstlauf",
                "first_view_s",
                GROWTH_TARGETS["first_view"],
            ),
            ("rerun", "Rerun nach Jahreswechsel (Übersicht)", "AppTest-Rerun", "rerun_s", GROWTH_TARGETS["rerun"]),
            (
                "download",
                "„Diesen Stand herunterladen“ (Verlauf)",
                "Store.state_rows(as_of) + write_state_workbook",
                "download_s",
                None,
            ),
        ):
            result = _runs_result(f"Wachstum {size}: {label}", measured, anchor, target, runs, base, samples, problems)
            if key == "first_view" and scale >= 100:
                result.target_seconds = FIRST_VIEW_LIMIT_S
            if key == "download" and scale >= 100:
                result.target_seconds = DOWNLOAD_LIMIT_S
            if key == "first_view":
                result.reference = "schlichte Übersicht, erste Ansicht"
                result.reference_s = _median(runs.plain_first_view_s)
                result.samples_reference_s = runs.plain_first_view_s
            results.append(result)
    for scale, runs in timing.items():
        results.append(
            Result(
                f"Speicher {scale}×: Spitzenwert des Seitenprozesses (Übersicht)",
                "dashboard.py, AppTest-Prozess (VmHWM)",
                "schlichte Übersicht, AppTest-Prozess (VmHWM)",
                MEMORY_RATIO_TARGET,
                _median(runs.memory_mb),
                _median(runs.plain_memory_mb),
                runs.memory_mb,
                runs.plain_memory_mb,
                list(runs.problems),
                unit="MB",
            )
        )
    return results


def engine_results(scale: int, repeat: int) -> list[Result]:
    """PostgreSQL ÷ SQLite for each operation (diagnostic rows: the issue asks for the ratio, not a target)."""
    server = postgres_server()
    if server is None:
        return [
            Result(
                "PostgreSQL ÷ SQLite",
                "–",
                "–",
                None,
                notes=["übersprungen: AQB_BENCH_POSTGRES (oder AQB_TEST_POSTGRES) nennt keinen PostgreSQL-Server"],
                skipped=True,
            )
        ]
    try:
        timing = run_engines(scale, repeat, server)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return [Result("PostgreSQL ÷ SQLite", "–", "–", None, problems=[str(error)])]
    postgres, sqlite = timing["PostgreSQL"], timing["SQLite"]
    problems = [*(f"PostgreSQL: {p}" for p in postgres.problems), *(f"SQLite: {p}" for p in sqlite.problems)]
    rows = f"{scale}× ({format_number(sqlite.rows)} Zeilen)"
    return [
        _runs_result(
            f"PostgreSQL {rows}: {label}",
            f"PostgreSQL: {measured}",
            "dasselbe auf SQLite",
            None,
            postgres,
            sqlite,
            samples,
            problems,
        )
        for label, measured, samples in (
            ("ganze Datenbank laden", "Store.load", "load_s"),
            ("Import eines Kreisberichts", "check_upload + import_checked", "import_s"),
            ("erste Ansicht nach dem Import (Übersicht)", "AppTest-Erstlauf", "first_view_s"),
            ("Rerun nach Jahreswechsel (Übersicht)", "AppTest-Rerun", "rerun_s"),
            ("„Diesen Stand herunterladen“", "Store.state_rows + write_state_workbook", "download_s"),
        )
    ]


def browser_results(repeat: int) -> list[Result]:
    timing = run_browser(max(repeat, 1))
    minimal = timing.apps["Minimal-App"]
    minimal_problems = [f"Minimal-App: {p}" for p in minimal.problems]
    results = []
    for name in ("Übersicht", "Zielerreichung"):
        runs, plain = timing.apps[name], timing.apps[f"{name} (schlicht)"]
        problems = [*runs.problems, *[f"schlicht: {p}" for p in plain.problems], *minimal_problems]
        for stage, label, target in (
            ("first_chart", f"erster Aufruf bis alle Diagramme gezeichnet (?jahr={FIRST_YEAR})", None),
            ("new_year", "Jahr gewählt → letztes Diagramm gezeichnet (neue Jahre, Median)", BROWSER_TARGET),
            ("seen_year", "Jahr gewählt → letztes Diagramm gezeichnet (gesehenes Jahr)", None),
        ):
            results.append(
                _runs_result(
                    f"Browser {name}: {label}",
                    "dashboard.py in headless Chromium",
                    f"{name} schlicht in headless Chromium",
                    target,
                    runs,
                    plain,
                    stage,
                    problems,
                    floor=minimal,
                    reference="bench/minimal_app.py in headless Chromium",
                )
            )
    results.append(
        Result(
            "Speicher: Spitzenwert des Servers nach allen Auswertungsseiten",
            "dashboard.py (VmHWM)",
            "bench/minimal_app.py (VmHWM)",
            None,
            timing.dashboard.peak_memory_mb,
            minimal.peak_memory_mb,
            problems=[*timing.dashboard.problems, *minimal_problems],
            unit="MB",
            target_difference=MEMORY_TARGET_MB,
        )
    )
    return results


def _amount(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "–"
    return f"{format_number(value, 0)} MB" if unit == "MB" else f"{format_number(value, 3)} s"


def _target(result: Result) -> str:
    if result.diagnostic:
        return "Diagnose"
    parts = []
    if result.target_difference is not None:
        parts.append(f"≤ +{format_number(result.target_difference, 0)} MB")
    if result.target_ratio is not None:
        parts.append(f"≤ {format_number(result.target_ratio, 2)}")
    if result.target_seconds is not None:
        parts.append(f"< {format_number(result.target_seconds, 0)} s")
    return " und ".join(parts)


def _ratio(value: float | None) -> str:
    return "–" if value is None else format_number(value, 2)


def _verdict(result: Result) -> str:
    if result.skipped:
        return "übersprungen"
    if not result.valid:
        return "ungültig"
    if result.met is None:
        return "–"
    return "✓" if result.met else "✗"


def print_table(results: list[Result]) -> None:
    header = ("Benchmark", "Messwert", "Anker", "Verhältnis", "Spanne", "Boden", "Anker÷Boden", "Ziel", "✓/✗")
    rows = []
    for r in results:
        spread = r.spread
        ratio = _ratio(r.ratio)
        if r.unit == "MB" and r.target_difference is not None and r.difference is not None:
            ratio = f"+{format_number(r.difference, 0)} MB"
        rows.append(
            (
                r.benchmark,
                _amount(r.measured_s, r.unit),
                _amount(r.baseline_s, r.unit),
                ratio,
                "–" if spread is None else f"{_ratio(spread[0])}–{_ratio(spread[1])}",
                _amount(r.reference_s, r.unit) if r.reference else "",
                _ratio(r.reference_ratio) if r.reference else "",
                _target(r),
                _verdict(r),
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    right = {1, 2, 3, 4, 5, 6}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(header).rstrip())
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row).rstrip())
    print("\nAnker und Boden je Zeile:")
    for anchor in dict.fromkeys((r.baseline, r.reference) for r in results):
        print(f"  Anker: {anchor[0]}" + (f" · Boden: {anchor[1]}" if anchor[1] else ""))
    shown: set[str] = set()
    for r in results:
        for note in r.notes:
            print(f"Hinweis – {r.benchmark}: {note}")
        for problem in r.problems:
            if problem not in shown:  # rows of one measurement share their problems
                shown.add(problem)
                print(f"UNGÜLTIG – {r.benchmark}: {problem}")


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return done.stdout.strip()


def environment() -> dict[str, object]:
    packages = ("streamlit", "pandas", "plotly", "openpyxl", "python-calamine", "numpy")
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "packages": {name: version(name) for name in packages},
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Die Benchmarks ausführen, gemessen als Verhältnis zu einem Anker aus demselben Lauf.",
    )
    parser.add_argument(
        "--rows",
        type=whole_number,
        nargs="+",
        default=[90_000],
        metavar="N",
        help="Zeilen im Umsetzungsstand (Standard 90000; ein Blatt darf höchstens 100.000 Zeilen haben)",
    )
    parser.add_argument(
        "--repeat", type=whole_number, default=3, metavar="N", help="Wiederholungen, Median zählt (Standard 3)"
    )
    parser.add_argument(
        "--scale",
        type=whole_number,
        nargs="+",
        default=[10, 100],
        choices=(1, 10, 100),
        metavar="N",
        help="Datengrößen für das Wachstum: 1, 10, 100 (Standard 10 100; 1× wird immer gemessen)",
    )
    parser.add_argument(
        "--only",
        choices=("ingest", "pages", "growth", "browser", "engines"),
        help="nur diesen Benchmark ausführen (engines: PostgreSQL ÷ SQLite, braucht AQB_BENCH_POSTGRES)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 1 for n in args.rows):
        parser.error("--rows und --repeat müssen mindestens 1 sein")
    return args


def main(argv: list[str] | None = None) -> int:
    with german_argparse():  # usage, help and errors of argparse in German
        args = parse_args(argv)
    started, clock = datetime.now().astimezone(), time.perf_counter()
    load_before = os.getloadavg()
    results: list[Result] = []
    if args.only in (None, "ingest"):
        warm_up()
        for rows in args.rows:
            building = "" if workbook_path(rows).exists() else " (Arbeitsmappe wird einmalig erzeugt)"
            print(f"Einlesen, {format_number(rows)} Zeilen{building} …", file=sys.stderr, flush=True)
            results.extend(ingest_results(rows, args.repeat))
    if args.only in (None, "pages"):
        print("Seiten (AppTest, Dashboard, schlicht und Minimal-App abwechselnd) …", file=sys.stderr, flush=True)
        results.extend(pages_results(args.repeat))
    if args.only in (None, "growth"):
        print("Wachstum (1×, " + ", ".join(f"{s}×" for s in args.scale if s != 1) + ") …", file=sys.stderr, flush=True)
        results.extend(growth_results(args.scale, args.repeat))
    if args.only in (None, "engines"):
        print("PostgreSQL und SQLite (abwechselnd) …", file=sys.stderr)
        results.extend(engine_results(max(args.scale), args.repeat))
    if args.only in (None, "browser"):
        print("Browser (streamlit run, headless Chromium) …", file=sys.stderr, flush=True)
        results.extend(browser_results(args.repeat))
    duration = time.perf_counter() - clock

    print()
    print_table(results)
    runs = "einer Wiederholung" if args.repeat == 1 else f"{args.repeat} Wiederholungen"
    load = " / ".join(format_number(v, 2) for v in load_before)
    print(
        f"\nMedian aus {runs}; Laufzeit insgesamt {format_number(duration, 1)} s; "
        f"{started:%d.%m.%Y %H:%M}, {os.cpu_count()} Kerne, Last vorher {load} (1/5/15 min)."
    )
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "duration_s": duration,
        "arguments": {"rows": args.rows, "repeat": args.repeat, "scale": args.scale, "only": args.only},
        "environment": {**environment(), "load_before": load_before},
        "results": [r.to_json() for r in results],
    }
    LATEST_JSON.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"JSON: {LATEST_JSON.relative_to(ROOT)}")
    return 0 if all(r.valid for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
