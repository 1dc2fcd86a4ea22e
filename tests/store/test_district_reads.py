"""Checking and importing a district's report reads only its district-years, with the same outcome as before.

The store grows by years and districts; a district's report must not read the rest (issue 21). These tests hold
the outcome to what a reading of the whole store gives: the same stored rows, the same warnings, the same preview.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pandas as pd

from aqb_data.domain.model import TABLES
from aqb_data.export.workbooks import write_workbook
from aqb_data.store.database import Store, open_store
from aqb_data.store.intake import check_upload, import_checked
from tests.databases import Location

FRANKFURT, WALDECK = "06412", "06635"
WHEN = datetime(2025, 10, 1, 9, 30)


def _report(store: Store, ags: str, year: int, change: float = 1.01) -> bytes:
    """The district's progress of the year as it would send it, its latest figures changed."""
    progress = store.load().progress
    rows = progress[(progress["ags"] == ags) & (progress["year"] == year)].drop(columns=["demo", "received"])
    latest = rows["as_of"] == rows["as_of"].max()
    rows.loc[latest, "spent_eur"] = (rows.loc[latest, "spent_eur"] * change).round(2)
    buffer = io.BytesIO()
    write_workbook({"progress": rows.reset_index(drop=True)}, buffer)
    return buffer.getvalue()


def _district_year(frame: pd.DataFrame, places: set[tuple[str, int]]) -> pd.DataFrame:
    keep = [(ags, int(year)) in places for ags, year in zip(frame["ags"], frame["year"], strict=True)]
    return frame[keep].reset_index(drop=True)


def test_loading_district_years_gives_exactly_their_rows_of_every_table(store_location: Location) -> None:
    store = open_store(store_location)
    everything = store.load()
    places = {(FRANKFURT, 2025), (WALDECK, 2024), ("06411", 1999)}  # a year without rows too
    part = store.load(places=places)
    for table in TABLES:
        expected = _district_year(everything.table(table.name), places)
        pd.testing.assert_frame_equal(part.table(table.name), expected, obj=table.name)
    assert len(part.progress) and set(part.progress["ags"]) == {FRANKFURT, WALDECK}


def test_a_report_is_checked_and_previewed_as_against_a_store_of_its_district_only(
    store_location: Location, tmp_path: Path
) -> None:
    """The same report, checked against the full demo store and against a store that holds only its district's
    rows: the same warnings, counts, changed rows and euro deltas."""
    full = open_store(store_location)
    report = _report(full, FRANKFURT, 2025)
    alone = Store(tmp_path / "alone.sqlite")
    data = full.load()
    tables = {table.name: data.table(table.name) for table in TABLES}
    own = {name: frame[frame["ags"] == FRANKFURT].drop(columns="demo") for name, frame in tables.items()}
    alone.import_tables({name: frame for name, frame in own.items() if len(frame)}, "frankfurt.xlsx", "x")

    checks = [check_upload(report, "bericht.xlsx", store, WHEN) for store in (full, alone)]
    assert [p.text() for p in checks[0].problems] == [p.text() for p in checks[1].problems]
    first, second = (check.preview for check in checks)
    assert first.counts().equals(second.counts())
    assert first.counts().set_index("Blatt").loc["Umsetzungsstand", "geändert"] > 0
    pd.testing.assert_frame_equal(first.changed_rows(), second.changed_rows())
    pd.testing.assert_frame_equal(first.money_by_district(), second.money_by_district())
    spent = first.money_by_district().set_index("Kennzahl").loc["Verausgabt (letzter Stichtag)"]
    assert spent["Differenz"] > 0  # the project list it counts against was read from the store


def test_a_report_that_misspells_a_stored_project_of_its_year_is_still_warned(store_location: Location) -> None:
    store = open_store(store_location)
    progress = store.load().progress
    rows = progress[(progress["ags"] == FRANKFURT) & (progress["year"] == 2025)].drop(columns=["demo", "received"])
    rows = rows.head(1).assign(project=lambda frame: frame["project"].str.upper())
    buffer = io.BytesIO()
    write_workbook({"progress": rows.reset_index(drop=True)}, buffer)
    check = check_upload(buffer.getvalue(), "bericht.xlsx", store, WHEN)
    assert any("Das Projekt heißt für Frankfurt am Main 2025" in p.text() for p in check.warnings)


def test_an_imported_report_replaces_only_its_stichtag_and_can_be_undone(store_location: Location) -> None:
    store = open_store(store_location)
    before = store.load()
    record = import_checked(check_upload(_report(store, FRANKFURT, 2025), "bericht.xlsx", store, WHEN), store)
    assert record is not None and record.summary["progress"]["geändert"] > 0
    after = store.load()
    others = [(ags, year) for ags, year in zip(before.progress["ags"], before.progress["year"], strict=True)]
    unchanged = {place for place in others if place != (FRANKFURT, 2025)}
    pd.testing.assert_frame_equal(_district_year(after.progress, unchanged), _district_year(before.progress, unchanged))
    store.undo_last(record.id)
    pd.testing.assert_frame_equal(store.load().progress, before.progress)
