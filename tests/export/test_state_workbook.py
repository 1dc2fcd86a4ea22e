"""„Diesen Stand herunterladen“ streams the stored rows into the workbook: the same cells as `write_workbook`.

A state of the store at 100× the bundled data has about 217.000 rows; it is written row by row from the database
(issue 21). What the analyst gets must not change: the same sheets, headings, values, number formats, text as
text with the quote prefix where a spreadsheet could take it for a formula, frozen headings and a filter.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from aqb_data.domain.model import TABLES
from aqb_data.export import xlsx
from aqb_data.export.workbooks import write_state_workbook, write_workbook
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import Store, open_store
from tests.databases import Location
from tests.export.test_xlsx_writer import FORMULAS, assert_text

WALDECK = "06635"


def _cells(content: bytes) -> dict[str, list[list[tuple[object, ...]]]]:
    """Per sheet, per row, per cell what a spreadsheet shows: value, type, number format, quote prefix, bold."""
    book = load_workbook(io.BytesIO(content))
    shown = {}
    for sheet in book.worksheets:
        shown[sheet.title] = [
            [
                (
                    cell.value,
                    cell.data_type,
                    cell.number_format if cell.value is not None else None,
                    bool(cell.quotePrefix),
                    bool(cell.font.b),
                )
                for cell in row
            ]
            for row in sheet.iter_rows()
        ]
        shown[sheet.title].append(
            [(sheet.freeze_panes, sheet.auto_filter.ref, sheet.column_dimensions["C"].width)]  # type: ignore[list-item]
        )
    return shown


def _state(store: Store, as_of: int | None = None, ags: str | None = None) -> bytes:
    with store.state_rows(as_of, ags) as rows:
        return write_state_workbook(rows)


def _loaded(store: Store, as_of: int | None = None, ags: str | None = None) -> bytes:
    data = store.load(as_of=as_of)
    buffer = io.BytesIO()
    tables = {t.name: data.table(t.name) for t in TABLES}
    if ags is not None:
        tables = {name: frame[frame["ags"] == ags] for name, frame in tables.items()}
    write_workbook(tables, buffer)
    return buffer.getvalue()


@pytest.fixture
def store(store_location: Location) -> Store:
    """The demo store with a second import (Waldeck-Frankenberg's budget changed), so that an earlier state exists;
    on both engines (the state is streamed from a server-side cursor on PostgreSQL)."""
    store = open_store(store_location)
    agreements = store.load().agreements
    changed = agreements[(agreements["ags"] == WALDECK) & (agreements["year"] == 2025)].drop(columns="demo")
    store.import_tables({"agreements": changed.assign(budget_eur=800_000.0, source="Änderung")}, "neu.xlsx", "x")
    return store


def test_the_streamed_state_has_the_same_cells_as_the_loaded_state_written(store: Store) -> None:
    first = store.history()[-1].id
    for as_of in (None, first):
        assert _cells(_state(store, as_of)) == _cells(_loaded(store, as_of)), as_of
    streamed = load_workbook(io.BytesIO(_state(store, first)))
    waldeck = [row for row in streamed["Zielvereinbarungen"].iter_rows(values_only=True) if row[1] == WALDECK]
    assert (2025, WALDECK, "Waldeck-Frankenberg", 773920) in [row[:4] for row in waldeck]  # before the change


def test_a_district_user_gets_only_their_districts_rows(store: Store) -> None:
    content = _state(store, ags=WALDECK)
    assert _cells(content) == _cells(_loaded(store, ags=WALDECK))
    book = load_workbook(io.BytesIO(content))
    assert {row[1] for row in book["Umsetzungsstand"].iter_rows(min_row=2, values_only=True)} == {WALDECK}


def test_the_streamed_state_read_again_gives_the_stored_tables(store: Store) -> None:
    result = read_workbook(_state(store), "stand.xlsx")
    assert result.errors == []
    data = store.load()
    for table in TABLES:
        expected = data.table(table.name).drop(columns="demo")
        pd.testing.assert_frame_equal(result.tables[table.name], expected, obj=table.name)


def test_the_same_state_gives_the_same_bytes(store: Store) -> None:
    assert _state(store) == _state(store)


@pytest.mark.parametrize("given", list(FORMULAS))
def test_a_stored_formula_like_project_name_is_text_with_the_quote_prefix(tmp_path: Path, given: str) -> None:
    store = open_store(tmp_path / "aqb.sqlite")
    projects = store.load().projects
    row = projects[(projects["ags"] == WALDECK) & (projects["year"] == 2025)].drop(columns="demo").head(1)
    store.import_tables({"projects": row.assign(project=given, provider=given)}, "liste.xlsx", "x")
    content = _state(store, ags=WALDECK)
    names = [r[4] for r in load_workbook(io.BytesIO(content))["Projekte"].iter_rows(min_row=2, values_only=True)]
    reference = f"E{names.index(FORMULAS[given]) + 2}"
    assert_text(content, "Projekte", reference, FORMULAS[given])


def test_values_of_any_kind_are_written_as_append_row_writes_them() -> None:
    """Columns of one kind go the fast way, mixed or unusual ones cell by cell: both as `write_cell` does."""
    rows = [
        [1, 1.5, "Text", date(2025, 6, 30), True, "=1+1"],
        [None, math.inf, "", pd.Timestamp("2025-07-14"), np.int64(7), 2],
        [np.float64(2.25), float("nan"), " Leerzeichen ", datetime(2025, 1, 2, 12, 30), Decimal("3.5"), None],
    ]
    formats = ['#,##0.00 "€"', None, None, "DD.MM.YYYY", None, None]
    headings = ["A", "B", "C", "D", "E", "F"]
    streamed = xlsx.write_streamed([xlsx.StreamedSheet("Daten", headings, formats, [12] * 6, rows)])

    workbook = xlsx.new_workbook()
    sheet = workbook.create_sheet("Daten")
    xlsx.append_row(sheet, headings)
    for row in rows:
        xlsx.append_row(sheet, row)
    expected = load_workbook(io.BytesIO(xlsx.save(workbook)))["Daten"]
    written = load_workbook(io.BytesIO(streamed))["Daten"]
    for got, want in zip(written.iter_rows(min_row=2), expected.iter_rows(min_row=2), strict=True):
        assert [(c.value, c.data_type, bool(c.quotePrefix)) for c in got] == [
            (c.value, c.data_type, bool(c.quotePrefix)) for c in want
        ]
    assert written["A2"].number_format == '#,##0.00 "€"' and written["D2"].is_date
