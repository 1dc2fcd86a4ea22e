"""Growth benchmark: the operations that touch the whole store, at 1×, 10× and 100× the bundled data.

For each scale (stores from bench/scale.py; each round works on a fresh copy, the scales in a rotating order):

- import one district's report through the upload path (`store.intake.check_upload`: the isolated reader, the
  checks against the stored data and the preview; then `import_checked`, one transaction);
- the first view after that import: Übersicht in a new process (AppTest first run, nothing cached), then one
  rerun to a new year; beside it the plain Übersicht on the same store;
- the peak resident memory of both page processes;
- „Diesen Stand herunterladen“ on the Verlauf page: the store as of the import, written as one workbook.

Each is reported against itself at 1× (memory against the plain page at the same scale).
"""

from __future__ import annotations

import gc
import io
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aqb_data.export.workbooks import write_state_workbook, write_workbook
from aqb_data.store.database import Store
from aqb_data.store.intake import check_upload, import_checked
from bench.pages import DASHBOARD, PLAIN, probe
from bench.scale import ensure_store, working_copy

DISTRICT, YEAR = "06412", 2025  # Frankfurt am Main: a report for the latest year in every store (1× too)
PAGE = "app_pages/uebersicht.py"
DOWNLOAD_REPEAT_LIMIT_S = 30.0  # a slower download is measured once per scale, not every round


@dataclass
class ScaleRuns:
    """Seconds (and MB) of each round at one scale."""

    rows: int = 0
    load_s: list[float] = field(default_factory=list)  # Store.load of the whole store (bench/engines.py)
    import_s: list[float] = field(default_factory=list)
    first_view_s: list[float] = field(default_factory=list)
    rerun_s: list[float] = field(default_factory=list)
    plain_first_view_s: list[float] = field(default_factory=list)
    download_s: list[float] = field(default_factory=list)
    memory_mb: list[float] = field(default_factory=list)
    plain_memory_mb: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def district_report(store: Store) -> bytes:
    """The district's progress of the year as a workbook, as it would send it, with its latest figures changed."""
    progress = store.load().progress
    rows = progress[(progress["ags"] == DISTRICT) & (progress["year"] == YEAR)].drop(columns=["demo", "received"])
    latest = rows["as_of"] == rows["as_of"].max()
    rows.loc[latest, "spent_eur"] = (rows.loc[latest, "spent_eur"] * 1.01).round(2)
    buffer = io.BytesIO()
    write_workbook({"progress": rows.reset_index(drop=True)}, buffer)
    return buffer.getvalue()


def import_report(path: Path | str, runs: ScaleRuns) -> int | None:
    """Check and import the district's report; the import's number (None, with a problem noted, if it failed)."""
    store = Store(path)
    report = district_report(store)
    gc.collect()
    started = time.perf_counter()
    check = check_upload(report, "bericht_frankfurt.xlsx", store, datetime.now())
    record = import_checked(check, store) if check.importable else None
    runs.import_s.append(time.perf_counter() - started)
    if record is None:
        shown = "; ".join(p.text() for p in check.errors[:3]) if check.errors else "keine Änderung"
        runs.problems.append(f"Import abgelehnt: {shown}")
        return None
    return record.id


def download_state(path: Path | str, import_id: int) -> float:
    started = time.perf_counter()
    with Store(path).state_rows(import_id) as rows:  # as the Verlauf page: streamed from the store
        write_state_workbook(rows)
    return time.perf_counter() - started


def first_views(path: Path | str, runs: ScaleRuns, plain_first: bool) -> None:
    env = {**os.environ, "AQB_DB": str(path)}
    query = {"jahr": "2024"}
    order = [("plain", PLAIN["Übersicht"], None), ("page", DASHBOARD, PAGE)]
    for kind, app, page in order if plain_first else order[::-1]:
        result = probe(app, query, page, select=(2023,), floor=(), env=env)
        problems = [*result["first_run_exceptions"], *result["rerun_exceptions"]]  # type: ignore[misc]
        runs.problems += [f"{kind}: {p}" for p in problems if f"{kind}: {p}" not in runs.problems]
        if kind == "page":
            runs.first_view_s.append(float(result["first_run_s"]))  # type: ignore[arg-type]
            runs.rerun_s.append(float(result["rerun_s"][0]))  # type: ignore[index]
            runs.memory_mb.append(float(result["peak_rss_mb"]))  # type: ignore[arg-type]
        else:
            runs.plain_first_view_s.append(float(result["first_run_s"]))  # type: ignore[arg-type]
            runs.plain_memory_mb.append(float(result["peak_rss_mb"]))  # type: ignore[arg-type]


def run_growth(scales: list[int], repeat: int) -> dict[int, ScaleRuns]:
    """Every operation at every scale, `repeat` rounds, the scales in a rotating order (1× always measured: it is
    what the others are compared with)."""
    scales = sorted({1, *scales})
    timing = {scale: ScaleRuns() for scale in scales}
    for scale in scales:
        path, _ = ensure_store(scale)
        data = Store(path).load()
        timing[scale].rows = len(data.agreements) + len(data.projects) + len(data.progress)
    with tempfile.TemporaryDirectory() as folder:
        for index in range(repeat):
            shift = index % len(scales)
            for scale in scales[shift:] + scales[:shift]:
                runs = timing[scale]
                path = working_copy(scale, Path(folder))
                import_id = import_report(path, runs)
                if import_id is None:
                    continue
                first_views(path, runs, plain_first=index % 2 == 0)
                if not runs.download_s or runs.download_s[-1] < DOWNLOAD_REPEAT_LIMIT_S:
                    runs.download_s.append(download_state(path, import_id))
    return timing
