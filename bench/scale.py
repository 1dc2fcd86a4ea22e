"""Stores of 10× and 100× the bundled data, built through the project's Store API so that the data is valid.

    .venv/bin/python -m bench.scale 10 100      # build (or reuse) the stores and print their sizes

Scale 1 is the bundled demo data (a new store seeds itself with it). Scale 10: the years 2021–2025, 16 projects
per district; scale 100 (as issue 21 measured): 2010–2025, 40 projects per district. Every district has an
agreement each year, every project a report at each month end (cumulative figures). The store is imported in one
transaction per year, like a Land-wide workbook per year, and cached in bench/results/ by generator version.
"""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from aqb_data.domain.districts import load_districts
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS
from aqb_data.store.database import Store, open_store

RESULTS_DIR = Path(__file__).resolve().parent / "results"
GENERATOR_VERSION = 1  # bump when the generated data changes, so that cached stores are rebuilt
SOURCE = "Benchmark (synthetisch)"
SEED = 2110


@dataclass(frozen=True)
class Shape:
    years: tuple[int, ...]
    projects_per_district: int


SHAPES = {
    10: Shape(tuple(range(2021, 2026)), 16),
    100: Shape(tuple(range(2010, 2026)), 40),
}


def store_path(scale: int) -> Path:
    return RESULTS_DIR / f"store_{scale}x_v{GENERATOR_VERSION}.sqlite"


def _month_ends(year: int) -> list[date]:
    return [(pd.Timestamp(year=year, month=m, day=1) + pd.offsets.MonthEnd(0)).date() for m in range(1, 13)]


def year_tables(year: int, shape: Shape, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """One year's agreements, projects and monthly progress for every district (canonical tables)."""
    codes = load_districts()["ags"].tolist()
    n = shape.projects_per_district
    agreements = pd.DataFrame(
        {
            "year": year,
            "ags": codes,
            "budget_eur": np.round(rng.uniform(400_000, 2_500_000, len(codes)), -2),
            "signed_ministry": pd.Timestamp(year=year, month=2, day=1),
            "signed_district": pd.Timestamp(year=year, month=2, day=15),
            "source": SOURCE,
        }
    )
    share = rng.dirichlet(np.ones(n), size=len(codes)) * rng.uniform(0.85, 1.05, (len(codes), 1))
    projects = pd.DataFrame(
        {
            "year": year,
            "ags": np.repeat(codes, n),
            "measure_type": np.tile(np.arange(n) % 4 + 1, len(codes)),
            "project": [f"Projekt {i + 1:02d}" for _ in codes for i in range(n)],
            "provider": [f"Träger {i % 7 + 1}" for _ in codes for i in range(n)],
            "target_group": [
                ("Jugendliche", "Geflüchtete", "Langzeitarbeitslose")[i % 3] for _ in codes for i in range(n)
            ],
            "planned_eur": np.round(share.ravel() * np.repeat(agreements["budget_eur"].to_numpy(), n), 2),
            "planned_places": rng.integers(8, 60, len(codes) * n),
            "source": SOURCE,
        }
    )
    months = _month_ends(year)
    progress = projects[["year", "ags", "project", "planned_eur", "planned_places"]].loc[
        projects.index.repeat(len(months))
    ]
    progress["as_of"] = pd.to_datetime(np.tile(months, len(projects)))
    elapsed = np.tile(np.arange(1, 13) / 12, len(projects))
    pace = np.repeat(rng.uniform(0.6, 1.05, len(projects)), len(months))
    places = progress["planned_places"].to_numpy(dtype=float)
    entries = np.maximum(1, np.round(places * (0.3 + 0.7 * elapsed) * pace)).astype(int)
    exits = np.floor(entries * 0.7 * elapsed).astype(int)
    progress["spent_eur"] = np.round(progress["planned_eur"].to_numpy() * elapsed * pace, 2)
    progress["entries"] = entries
    progress["exits"] = exits
    for column, part in (("to_training", 0.3), ("to_employment", 0.2), ("to_other", 0.1), ("dropouts", 0.15)):
        progress[column] = np.floor(exits * part).astype(int)
    progress["source"] = SOURCE
    progress = progress.drop(columns=["planned_eur", "planned_places"])
    return {
        "agreements": AGREEMENTS.conform(agreements),
        "projects": PROJECTS.conform(projects),
        "progress": PROGRESS.conform(progress.reset_index(drop=True)),
    }


def ensure_store(scale: int) -> tuple[Path, float | None]:
    """The cached store of this scale (1: a fresh store with the bundled data), and the seconds it took to build
    (None if cached)."""
    path = store_path(scale)
    if path.exists():
        return path, None
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    if scale == 1:
        open_store(partial)  # seeds itself with the bundled demo data
    else:
        shape, rng = SHAPES[scale], np.random.default_rng(SEED)
        store = Store(partial)
        for year in shape.years:
            store.import_tables(year_tables(year, shape, rng), f"benchmark_{scale}x_{year}.xlsx", f"{scale}-{year}")
    partial.replace(path)
    return path, time.perf_counter() - started


def rows(path: Path) -> int:
    """Rows of agreements, projects and progress in the store."""
    data = Store(path).load()
    return len(data.agreements) + len(data.projects) + len(data.progress)


def working_copy(scale: int, folder: Path) -> Path:
    """A copy of the cached store to change (imports), so that every round starts from the same data."""
    source, _ = ensure_store(scale)
    target = folder / f"store_{scale}x.sqlite"
    shutil.copyfile(source, target)
    return target


def main(argv: list[str]) -> int:
    for scale in [int(a) for a in argv] or [10, 100]:
        path, built = ensure_store(scale)
        note = f"erzeugt in {built:.1f} s" if built is not None else "aus dem Zwischenspeicher"
        print(f"{scale}×: {path.name}, {rows(path)} Zeilen ({note})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
