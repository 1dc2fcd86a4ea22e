"""Ingest benchmark: the validated load of a district workbook against a plain read with calamine (the parser the
project itself uses), and against `pandas.read_excel` with openpyxl as a second column.

The workbook is a valid `Umsetzungsstand` sheet with N rows, written once with the project's own
`write_workbook` and cached in bench/results/ (git-ignored).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from aqb_data.domain.districts import load_districts
from aqb_data.domain.model import PROGRESS
from aqb_data.export.demo import generate_demo
from aqb_data.export.workbooks import write_workbook
from aqb_data.paths import DEMO_WORKBOOK
from aqb_data.read.sandbox import read_workbook_isolated

RESULTS_DIR = Path(__file__).resolve().parent / "results"
YEARS = (2021, 2022, 2023, 2024, 2025)
SEED = 2025
# Bump when the generated workbook changes, so that cached files are rebuilt.
GENERATOR_VERSION = 1
SOURCE = "Benchmark (synthetisch)"


class InvalidBenchmarkError(Exception):
    """The measured code did not do what it is measured for (e.g. the load reports errors)."""


def _month_end(year: int, month: int) -> date:
    return (pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)).date()


def progress_table(rows: int, seed: int = SEED) -> pd.DataFrame:
    """A canonical progress table with `rows` rows and unique (year, ags, project, as_of) keys.

    The rows are spread evenly over the 26 districts and the years 2021–2025. Within a district's year
    every project reports at each month end (cumulative figures that grow through the year), with
    project names from the demo dataset; about 7 % of the rows leave the transitions empty.
    """
    rng = np.random.default_rng(seed)
    names = sorted(generate_demo(seed)["projects"]["project"].unique())
    codes = load_districts()["ags"].tolist()
    slots = [(year, ags) for year in YEARS for ags in codes]
    per_slot = np.full(len(slots), rows // len(slots))
    per_slot[: rows % len(slots)] += 1

    keys: list[tuple[int, str, str, date, int, int]] = []  # year, ags, project, as_of, month, project number
    project_count = 0
    for slot, ((year, ags), count) in enumerate(zip(slots, per_slot, strict=True)):
        for j in range(int(count)):
            number, month = divmod(j, 12)
            name = names[(slot * 7 + number) % len(names)]
            if number >= len(names):
                name = f"{name} ({number // len(names) + 1}. Durchgang)"
            keys.append((year, ags, name, _month_end(year, month + 1), month + 1, project_count + number))
        project_count += -(-int(count) // 12)

    frame = pd.DataFrame(keys, columns=["year", "ags", "project", "as_of", "month", "project_no"])
    project_no = frame["project_no"].to_numpy()

    def per_project(values: np.ndarray) -> np.ndarray:
        return values[project_no]

    places = per_project(rng.integers(8, 60, size=project_count))
    cost_per_place = per_project(rng.uniform(3_000, 9_000, size=project_count))
    exit_rate = per_project(rng.uniform(0.5, 0.9, size=project_count))
    # Shares of the exits: training, employment, other, dropouts (the rest leave without a known transition).
    shares = rng.dirichlet((5, 3, 2, 2, 3), size=project_count)[project_no]
    share = frame["month"].to_numpy() / 12  # how far the year has gone: the figures are cumulative
    entries = np.maximum(1, np.round(places * (0.3 + 0.7 * share))).astype(int)
    exits = np.floor(entries * exit_rate * share).astype(int)
    to_training, to_employment, to_other, dropouts = (np.floor(exits * shares[:, i]).astype(int) for i in range(4))
    spent = np.round(places * cost_per_place * share, 2)
    no_transitions = rng.random(len(frame)) < 0.07

    frame["spent_eur"] = spent
    frame["entries"] = entries
    frame["exits"] = exits
    for column, counts in (
        ("to_training", to_training),
        ("to_employment", to_employment),
        ("to_other", to_other),
        ("dropouts", dropouts),
    ):
        frame[column] = pd.array(counts, dtype="Int64")
        frame.loc[no_transitions, column] = pd.NA
    frame["source"] = SOURCE
    return PROGRESS.conform(frame.drop(columns=["month", "project_no"]))


def workbook_path(rows: int) -> Path:
    """Where the benchmark workbook with `rows` rows is cached."""
    return RESULTS_DIR / f"umsetzungsstand_{rows}_v{GENERATOR_VERSION}.xlsx"


def ensure_workbook(rows: int) -> tuple[Path, float | None]:
    """The cached workbook with `rows` rows, and the seconds it took to build it (None if it was cached)."""
    path = workbook_path(rows)
    if path.exists():
        return path, None
    started = time.perf_counter()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    write_workbook({"progress": progress_table(rows)}, partial)
    partial.replace(path)
    return path, time.perf_counter() - started


def validated_load(path: Path, rows: int) -> None:
    """The system under test: the upload's reading (`read_workbook` in its isolated worker, as pages and CLI
    run it); it must find no errors and exactly `rows` progress rows."""
    result = read_workbook_isolated(path)
    if result.errors:
        shown = "\n".join(p.text() for p in result.errors[:5])
        raise InvalidBenchmarkError(f"read_workbook meldet {len(result.errors)} Fehler, z. B.:\n{shown}")
    found = len(result.tables["progress"])
    if found != rows:
        raise InvalidBenchmarkError(f"read_workbook liefert {found} statt {rows} Zeilen im Umsetzungsstand")


def calamine_load(path: Path) -> None:
    """The anchor: every sheet read with calamine into rows and a DataFrame (first row as headings), no validation."""
    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python()
        if rows:
            pd.DataFrame(rows[1:], columns=rows[0])


def pandas_load(path: Path) -> None:
    """The baseline: every sheet with pandas and openpyxl, no validation."""
    pd.read_excel(path, sheet_name=None, engine="openpyxl")


def _timed(function: Callable[[], None]) -> float:
    gc.collect()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


@dataclass
class IngestTiming:
    """Seconds of each repeat for the validated load and the baseline of one workbook size."""

    rows: int
    build_s: float | None
    measured: list[float] = field(default_factory=list)
    baseline: list[float] = field(default_factory=list)  # pandas with openpyxl
    calamine: list[float] = field(default_factory=list)


def warm_up() -> None:
    """Import and cache everything both loaders need, on the small demo workbook."""
    read_workbook_isolated(DEMO_WORKBOOK)
    pandas_load(DEMO_WORKBOOK)
    calamine_load(DEMO_WORKBOOK)


def run_ingest(rows: int, repeat: int) -> IngestTiming:
    """Time the three loaders `repeat` times, interleaved (the order rotates each round), on the workbook with
    `rows` rows."""
    path, build_s = ensure_workbook(rows)
    timing = IngestTiming(rows, build_s)
    loaders = [
        (timing.measured, lambda: validated_load(path, rows)),
        (timing.calamine, lambda: calamine_load(path)),
        (timing.baseline, lambda: pandas_load(path)),
    ]
    for index in range(repeat):
        shift = index % len(loaders)
        for samples, load in loaders[shift:] + loaders[:shift]:
            samples.append(_timed(load))
    return timing
