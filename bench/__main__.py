"""Run the benchmarks and report ratios against baselines measured in the same run.

    .venv/bin/python -m bench [--rows 1000 10000 90000] [--repeat 3] [--only ingest|pages|browser]

Prints a table and writes it as JSON to bench/results/latest.json. The exit code is 0 whatever the ratios
(the benchmarks report, they do not gate); it is 1 only if a measurement is invalid, e.g. the validated
load reports errors or the page shows an exception.
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
from bench.ingest import RESULTS_DIR, IngestTiming, InvalidBenchmarkError, run_ingest, warm_up, workbook_path
from bench.pages import FIRST_YEAR, NEW_YEARS, PAGES, SEEN_YEARS, AppRuns, PagesTiming, run_pages

ROOT = Path(__file__).resolve().parent.parent
LATEST_JSON = RESULTS_DIR / "latest.json"
INGEST_TARGET, FIRST_RUN_TARGET, RERUN_TARGET, FIRST_CHART_TARGET = 0.5, 2.0, 1.5, 1.5
MEMORY_TARGET_MB = 150.0


@dataclass
class Result:
    """One row of the report: the measured median, the baseline's median, their ratio and the target."""

    benchmark: str
    measured: str
    baseline: str
    target_ratio: float | None  # None: a diagnostic row, not judged
    measured_s: float | None = None
    baseline_s: float | None = None
    samples_measured_s: list[float] = field(default_factory=list)
    samples_baseline_s: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unit: str = "s"  # "MB": memory, judged by the difference to the baseline, not the ratio
    target_difference: float | None = None

    @property
    def valid(self) -> bool:
        return not self.problems and self.measured_s is not None and self.baseline_s is not None

    @property
    def ratio(self) -> float | None:
        if self.measured_s is None or not self.baseline_s:
            return None
        return self.measured_s / self.baseline_s

    @property
    def difference(self) -> float | None:
        if self.measured_s is None or self.baseline_s is None:
            return None
        return self.measured_s - self.baseline_s

    @property
    def diagnostic(self) -> bool:
        """A row that explains another (e.g. a lower bound) and has no target of its own."""
        return self.target_ratio is None and self.target_difference is None

    @property
    def met(self) -> bool | None:
        if self.diagnostic:
            return None
        if self.target_difference is not None:
            return None if self.difference is None else self.difference <= self.target_difference
        return None if self.ratio is None else self.ratio <= self.target_ratio

    def to_json(self) -> dict[str, object]:
        return {
            **asdict(self),
            "ratio": self.ratio,
            "difference": self.difference,
            "target_met": self.met,
            "diagnostic": self.diagnostic,
            "valid": self.valid,
        }


def _median(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def ingest_result(rows: int, repeat: int) -> Result:
    result = Result(
        f"Einlesen Umsetzungsstand, {format_number(rows)} Zeilen",
        "read_workbook_isolated(path): validiert, im Prüfprozess",
        'pandas.read_excel(path, sheet_name=None, engine="openpyxl")',
        INGEST_TARGET,
    )
    try:
        timing: IngestTiming = run_ingest(rows, repeat)
    except InvalidBenchmarkError as error:
        result.problems.append(str(error))
        return result
    if timing.build_s is not None:
        result.notes.append(f"Arbeitsmappe neu erzeugt in {format_number(timing.build_s, 1)} s")
    result.samples_measured_s, result.samples_baseline_s = timing.measured, timing.baseline
    result.measured_s, result.baseline_s = _median(timing.measured), _median(timing.baseline)
    return result


def _years(years: tuple[int, ...]) -> str:
    return " → ".join(str(year) for year in years)


def pages_results(repeat: int) -> list[Result]:
    try:
        timing: PagesTiming = run_pages(repeat)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        timing = PagesTiming(pages={name: AppRuns(problems=[str(error)]) for name in PAGES})
    minimal = "bench/minimal_app.py: eine Selectbox, ein Plotly-Balkendiagramm (AppTest)"
    minimal_problems = [f"Minimal-App: {p}" for p in timing.minimal.problems]
    results = []
    for stage, label, target in (
        ("first_run", f"erster Lauf (?jahr={FIRST_YEAR}, neuer Prozess)", FIRST_RUN_TARGET),
        ("new_view", f"Rerun, Wechsel zu neuem Jahr ({_years(NEW_YEARS)}, Median)", RERUN_TARGET),
        ("floor", f"Untergrenze dafür: schon berechnet, nur übertragen ({_years(NEW_YEARS)}, Median)", None),
        ("seen_view", f"Rerun, Wechsel zu gesehenem Jahr ({_years(SEEN_YEARS)}, Median)", RERUN_TARGET),
    ):
        baseline: list[float] = getattr(timing.minimal, stage)
        for name, runs in timing.pages.items():
            measured: list[float] = getattr(runs, stage)
            results.append(
                Result(
                    f"{name}: {label}",
                    f"dashboard.py, Seite {name} (AppTest)",
                    minimal,
                    target,
                    _median(measured),
                    _median(baseline),
                    measured,
                    baseline,
                    [*runs.problems, *minimal_problems],
                )
            )
    return results


def browser_results(repeat: int) -> list[Result]:
    timing = run_browser(max(repeat, 3))
    minimal_problems = [f"Minimal-App: {p}" for p in timing.minimal.problems]
    problems = [*timing.dashboard.problems, *minimal_problems]
    first_chart = Result(
        "Browser: Navigation bis zum ersten gezeichneten Diagramm (Übersicht)",
        "dashboard.py in headless Chromium (streamlit run)",
        "bench/minimal_app.py in headless Chromium (streamlit run)",
        FIRST_CHART_TARGET,
        _median(timing.dashboard.first_chart),
        _median(timing.minimal.first_chart),
        timing.dashboard.first_chart,
        timing.minimal.first_chart,
        problems,
    )
    memory = Result(
        "Speicher: Spitzenwert des Servers nach allen Auswertungsseiten",
        "dashboard.py mit den mitgelieferten Daten (VmHWM)",
        "bench/minimal_app.py (VmHWM)",
        0.0,
        timing.dashboard.peak_memory_mb,
        timing.minimal.peak_memory_mb,
        problems=list(problems),
        unit="MB",
        target_difference=MEMORY_TARGET_MB,
    )
    return [first_chart, memory]


def _seconds(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "–"
    return f"{format_number(value, 0)} MB" if unit == "MB" else f"{format_number(value, 3)} s"


def _target(result: Result) -> str:
    if result.diagnostic:
        return "Diagnose"
    if result.target_difference is not None:
        return f"≤ +{format_number(result.target_difference, 0)} MB"
    return f"≤ {format_number(result.target_ratio, 1)}"


def _ratio(value: float | None) -> str:
    return "–" if value is None else format_number(value, 2)


def _verdict(result: Result) -> str:
    if not result.valid:
        return "ungültig"
    if result.met is None:
        return "–"
    return "✓" if result.met else "✗"


def print_table(results: list[Result]) -> None:
    header = ("Benchmark", "Messwert", "Basis", "Verhältnis", "Ziel", "✓/✗")
    rows = [
        (
            r.benchmark,
            _seconds(r.measured_s, r.unit),
            _seconds(r.baseline_s, r.unit),
            f"+{format_number(r.difference, 0)} MB" if r.unit == "MB" and r.difference is not None else _ratio(r.ratio),
            _target(r),
            _verdict(r),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    right = {1, 2, 3}

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))
    shown: set[str] = set()
    for r in results:
        for note in r.notes:
            print(f"Hinweis – {r.benchmark}: {note}")
        for problem in r.problems:
            if problem not in shown:  # the two page rows share their problems
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
        "packages": {name: version(name) for name in packages},
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain")),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Die Benchmarks ausführen, gemessen als Verhältnis zu einer Basis aus demselben Lauf.",
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
    parser.add_argument("--only", choices=("ingest", "pages", "browser"), help="nur diesen Benchmark ausführen")
    args = parser.parse_args(argv)
    if args.repeat < 1 or any(n < 1 for n in args.rows):
        parser.error("--rows und --repeat müssen mindestens 1 sein")
    return args


def main(argv: list[str] | None = None) -> int:
    with german_argparse():  # usage, help and errors of argparse in German
        args = parse_args(argv)
    started, clock = datetime.now().astimezone(), time.perf_counter()
    results: list[Result] = []
    if args.only in (None, "ingest"):
        warm_up()
        for rows in args.rows:
            building = "" if workbook_path(rows).exists() else " (Arbeitsmappe wird einmalig erzeugt)"
            print(f"Einlesen, {format_number(rows)} Zeilen{building} …", file=sys.stderr, flush=True)
            results.append(ingest_result(rows, args.repeat))
    if args.only in (None, "pages"):
        print("Seiten (AppTest, je Wiederholung ein neuer Prozess) …", file=sys.stderr, flush=True)
        results.extend(pages_results(args.repeat))
    if args.only in (None, "browser"):
        print("Browser (streamlit run, headless Chromium) …", file=sys.stderr, flush=True)
        results.extend(browser_results(args.repeat))
    duration = time.perf_counter() - clock

    print()
    print_table(results)
    runs = "einer Wiederholung" if args.repeat == 1 else f"{args.repeat} Wiederholungen"
    print(f"\nMedian aus {runs}; Laufzeit insgesamt {format_number(duration, 1)} s.")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "duration_s": duration,
        "arguments": {"rows": args.rows, "repeat": args.repeat, "only": args.only},
        "environment": environment(),
        "results": [r.to_json() for r in results],
    }
    LATEST_JSON.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"JSON: {LATEST_JSON.relative_to(ROOT)}")
    return 0 if all(r.valid for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
