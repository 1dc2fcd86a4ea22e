"""Every .xlsx the project writes shows text from files as text, never as a formula (issue 15).

The hostile texts are written by hand here; each written file is read twice: with openpyxl, and as the raw
sheet XML from the zip (parsed with defusedxml), where no `<f>` element and no formula or error cell may exist.

Decision: in an xlsx the text is kept exactly as uploaded, in a text cell; text a spreadsheet could take for a
formula (=, +, -, @, tab, CR at the start, or =, +, -, @ after leading spaces such as " =1") also gets Excel's
quote prefix (invisible, keeps it text when edited). In CSV such text gets a visible leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook

from aqb_data.domain.formatting import format_date, format_eur
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS, Table
from aqb_data.domain.problems import Problem, Severity
from aqb_data.export.tables import table_csv, table_xlsx
from aqb_data.export.workbooks import problems_workbook, write_template, write_workbook
from aqb_data.export.xlsx import CUT_MARK, MAX_CELL_TEXT, append_row, is_xlsx_file, new_workbook, save, write_cell
from aqb_data.read.workbook import read_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"

# given → what the cell must show
FORMULAS = {
    "=cmd|' /C calc'!A0": "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://x","y")': '=HYPERLINK("http://x","y")',
    "+1+1": "+1+1",
    "-2+3": "-2+3",
    "@SUM(A1)": "@SUM(A1)",
    "\t=1": "\t=1",
    "\r=1": "\r=1",
    " =1": " =1",
}
ODD = {
    "#N/A": "#N/A",  # an error code: openpyxl alone would store an error cell
    "Jugend\x07werkstatt": "Jugend<U+0007>werkstatt",  # XML cannot hold it
    "Jugend\ufffewerkstatt": "Jugend<U+FFFE>werkstatt",  # XML cannot hold it either
    "Jugend\udcffwerkstatt": "Jugend<U+DCFF>werkstatt",  # a lone surrogate, as a file name from a shell can hold
    "Jugend\u202ewerkstatt": "Jugend<U+202E>werkstatt",  # a direction override
}
HOSTILE = {**FORMULAS, **ODD}
QUOTED = set(FORMULAS.values())
# A pandas text column cannot hold a lone surrogate, so no stored state or table can either.
IN_TABLES = {
    given: shown for given, shown in HOSTILE.items() if "\udcff" not in given
}  # the texts that must carry Excel's quote prefix


def raw_cells(content: bytes) -> dict[str, dict[str, tuple[str | None, str]]]:
    """Each sheet's cells as the XML in the zip says: sheet name → reference → (cell type, text or number)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        shared = []
        if "xl/sharedStrings.xml" in names:
            strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
            shared = ["".join(t.text or "" for t in item.iter(f"{MAIN}t")) for item in strings.iter(f"{MAIN}si")]
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheets: dict[str, dict[str, tuple[str | None, str]]] = {}
        for sheet in workbook.iter(f"{MAIN}sheet"):
            target = targets[sheet.get(RELATIONSHIP)]
            root = ElementTree.fromstring(
                archive.read(target.lstrip("/") if target.startswith("/") else f"xl/{target}")
            )
            assert list(root.iter(f"{MAIN}f")) == [], f"a formula in sheet {sheet.get('name')}"
            cells = {}
            for cell in root.iter(f"{MAIN}c"):
                kind = cell.get("t")
                assert kind not in ("str", "e"), f"{sheet.get('name')}!{cell.get('r')} is a formula result or an error"
                if kind == "inlineStr":
                    text = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
                else:
                    value = cell.find(f"{MAIN}v")
                    text = "" if value is None else value.text or ""
                    text = shared[int(text)] if kind == "s" else text
                cells[cell.get("r")] = (kind, text)
            sheets[sheet.get("name")] = cells
        for name in names:  # no formula hides in another part either (a chart, a defined name)
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    return sheets


def assert_text(content: bytes, sheet: str, ref: str, shown: str) -> None:
    """The cell holds `shown` as text, in the XML and for openpyxl, with the quote prefix where it needs one."""
    kind, text = raw_cells(content)[sheet][ref]
    assert kind in ("inlineStr", "s") and text == shown
    cell = load_workbook(io.BytesIO(content))[sheet][ref]
    assert cell.value == shown and cell.data_type == "s"
    assert bool(cell.quotePrefix) == (shown in QUOTED)


# --- the Prüfbericht ------------------------------------------------------------------------------


def test_the_pruefbericht_shows_hostile_file_names_sheets_columns_and_values_as_text() -> None:
    problems = [
        Problem(
            given, Severity.ERROR, "Ungültiger Wert", given, sheet=given, row=7, column=given, value=given, cell="G7"
        )
        for given in HOSTILE
    ]
    content = problems_workbook(problems)
    cells = raw_cells(content)["Prüfbericht"]
    assert [cells[f"{c}1"][1] for c in "ABCDEFGHI"] == [
        "Art",
        "Kategorie",
        "Datei",
        "Blatt",
        "Zeile",
        "Spalte",
        "Zelle",
        "Wert",
        "Erwartet / Hinweis",
    ]
    for row, shown in enumerate(HOSTILE.values(), start=2):
        for column in "CDFHI":  # Datei, Blatt, Spalte, Wert, Erwartet / Hinweis
            assert_text(content, "Prüfbericht", f"{column}{row}", shown)
        assert cells[f"E{row}"] == ("n", "7")  # the row stays a number
        assert cells[f"A{row}"][1] == "Fehler"


def test_the_pruefbericht_of_no_problems_has_its_headings_only() -> None:
    sheet = load_workbook(io.BytesIO(problems_workbook([])))["Prüfbericht"]
    assert sheet.max_row == 1 and sheet["I1"].value == "Erwartet / Hinweis"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:I1"


# --- a stored state ("Diesen Stand herunterladen") ------------------------------------------------


def _table(table: Table, values: dict[str, object]) -> pd.DataFrame:
    return table.conform(pd.DataFrame([values]).reindex(columns=table.column_names))


def _state(text: str) -> dict[str, pd.DataFrame]:
    """One agreement, project and progress row (Waldeck-Frankenberg 2025) with `text` in every text column."""
    place = {"year": 2025, "ags": "06635"}
    return {
        "agreements": _table(
            AGREEMENTS, {**place, "budget_eur": 773920.5, "signed_ministry": pd.Timestamp("2025-08-02"), "source": text}
        ),
        "projects": _table(
            PROJECTS,
            {
                **place,
                "measure_type": 1,
                "project": text,
                "provider": text,
                "target_group": text,
                "planned_eur": 120000.0,
                "source": text,
            },
        ),
        "progress": _table(
            PROGRESS, {**place, "project": text, "as_of": pd.Timestamp("2025-06-30"), "entries": 12, "source": text}
        ),
    }


@pytest.mark.parametrize("given", list(IN_TABLES))
def test_a_stored_state_shows_hostile_projects_providers_and_sources_as_text(given: str) -> None:
    buffer = io.BytesIO()
    write_workbook(_state(given), buffer)
    content = buffer.getvalue()
    shown = HOSTILE[given]
    for ref in ("E2", "F2", "G2", "J2"):  # Projekt, Träger, Zielgruppe, Quelle
        assert_text(content, "Projekte", ref, shown)
    assert_text(content, "Zielvereinbarungen", "G2", shown)
    assert_text(content, "Umsetzungsstand", "D2", shown)
    book = load_workbook(io.BytesIO(content))
    agreement = book["Zielvereinbarungen"]
    assert agreement["D2"].value == 773920.5 and agreement["D2"].number_format == '#,##0.00 "€"'
    assert agreement["E2"].value == datetime(2025, 8, 2) and agreement["E2"].is_date
    assert agreement["F2"].value is None
    assert book["Projekte"]["I2"].value is None  # no places: an empty cell, not "<NA>"
    assert book["Umsetzungsstand"]["G2"].value == 12


@pytest.mark.parametrize("given", ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "#N/A"])
def test_a_downloaded_state_read_again_gives_the_same_names(given: str) -> None:
    buffer = io.BytesIO()
    write_workbook(_state(given), buffer)
    result = read_workbook(buffer.getvalue(), "stand.xlsx")
    assert result.errors == []
    assert result.tables["projects"]["project"].tolist() == [given]
    assert result.tables["projects"]["provider"].tolist() == [given]


# --- table exports and the template ---------------------------------------------------------------


def test_a_table_export_shows_hostile_headings_cells_and_metadata_as_text() -> None:
    frame = pd.DataFrame({"name": list(IN_TABLES), "planned": [1000.0] * len(IN_TABLES)})
    columns = {"name": ('=HYPERLINK("http://x","y")', None), "planned": ("Geplante Mittel", format_eur)}
    content = table_xlsx(frame, columns, [(given, given) for given in IN_TABLES])
    assert_text(content, "Daten", "A1", '=HYPERLINK("http://x","y")')
    for row, shown in enumerate(IN_TABLES.values(), start=2):
        assert_text(content, "Daten", f"A{row}", shown)
        assert raw_cells(content)["Daten"][f"B{row}"] == ("n", "1000")
        assert_text(content, "Metadaten", f"A{row}", shown)
        assert_text(content, "Metadaten", f"B{row}", shown)


def test_the_template_holds_no_formula_and_only_its_own_text() -> None:
    buffer = io.BytesIO()
    write_template(buffer)
    sheets = raw_cells(buffer.getvalue())
    assert set(sheets) == {"Hinweise", "Listen", "Zielvereinbarungen", "Projekte", "Umsetzungsstand", "Änderungen"}
    book = load_workbook(buffer)
    for name, cells in sheets.items():
        for ref, (kind, text) in cells.items():
            if kind == "inlineStr":
                assert book[name][ref].value == text
    kind, ags = sheets["Listen"]["A2"]
    assert kind == "inlineStr" and len(ags) == 5 and ags.startswith("06")  # an AGS stays text, leading zero kept


def test_csv_puts_an_apostrophe_before_every_formula_start_and_keeps_other_text() -> None:
    frame = pd.DataFrame({"name": [*FORMULAS, "Jugendwerkstatt", "Kurs - Teil 2"]})
    content = table_csv(frame, {"name": ("Projekt", None)}).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline=""), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [*("'" + given for given in FORMULAS), "Jugendwerkstatt", "Kurs - Teil 2"]


# --- the writer itself ----------------------------------------------------------------------------


def _one_row(values: list[object]) -> tuple[bytes, list[object]]:
    workbook = new_workbook()
    append_row(workbook.create_sheet("S"), values)
    content = save(workbook)
    return content, [cell.value for cell in load_workbook(io.BytesIO(content))["S"][1]]


def test_numbers_stay_numbers_dates_stay_dates_and_missing_values_leave_the_cell_empty() -> None:
    given = [
        np.int64(7),
        np.float64(0.5),
        Decimal("12.25"),
        True,
        pd.Timestamp("2025-08-13"),
        datetime(2025, 8, 13, 9, 30, tzinfo=UTC),
        date(2025, 8, 2),
        None,
        pd.NA,
        pd.NaT,
        float("nan"),
        float("inf"),
        "06635",
    ]
    content, values = _one_row(given)
    assert values[:7] == [
        7,
        0.5,
        12.25,
        True,
        datetime(2025, 8, 13),
        datetime(2025, 8, 13, 9, 30),
        datetime(2025, 8, 2),
    ]
    assert values[12] == "06635"
    cells = raw_cells(content)["S"]
    assert set(cells) == {"A1", "B1", "C1", "D1", "E1", "F1", "G1", "M1"}  # H–L: empty, no cell written
    assert cells["A1"] == ("n", "7") and cells["D1"] == ("b", "1") and cells["M1"] == ("inlineStr", "06635")


def test_a_text_longer_than_excel_allows_is_cut_and_says_so() -> None:
    _, (value,) = _one_row(["x" * 40_000])
    assert len(value) == MAX_CELL_TEXT and value.endswith(CUT_MARK)


def test_save_turns_a_formula_someone_put_in_directly_into_text() -> None:
    workbook = new_workbook()
    sheet = workbook.create_sheet("S")
    sheet["A1"] = "=1+1"  # openpyxl alone would write a formula
    sheet["A2"] = "#DIV/0!"  # … and an error
    write_cell(sheet["A3"], timedelta(hours=2))
    content = save(workbook)
    assert raw_cells(content)["S"]["A1"] == ("inlineStr", "=1+1")
    assert raw_cells(content)["S"]["A2"] == ("inlineStr", "#DIV/0!")
    assert load_workbook(io.BytesIO(content))["S"]["A1"].quotePrefix


def test_a_reproducible_file_has_the_same_bytes_every_time() -> None:
    problems = [Problem("bericht.xlsx", Severity.WARNING, "Unplausibel", "mehr Austritte als Eintritte")]
    assert problems_workbook(problems) == problems_workbook(problems)


def test_only_a_real_workbook_counts_as_xlsx(tmp_path) -> None:
    real = tmp_path / "stand.xlsx"
    real.write_bytes(problems_workbook([]))
    other_zip = tmp_path / "fotos.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("bild.txt", "kein Excel")
    text = tmp_path / "notizen.xlsx"
    text.write_text("PK aber kein Zip", encoding="utf-8")
    assert is_xlsx_file(real)
    assert not is_xlsx_file(other_zip) and not is_xlsx_file(text) and not is_xlsx_file(tmp_path / "fehlt.xlsx")
    assert not is_xlsx_file(tmp_path)  # a folder


def test_format_date_is_what_the_table_export_shows_for_a_date_column() -> None:
    frame = pd.DataFrame({"as_of": pd.to_datetime(["2025-08-13"])})
    sheet = load_workbook(io.BytesIO(table_xlsx(frame, {"as_of": ("Stichtag", format_date)}, [])))["Daten"]
    assert sheet["A2"].value == datetime(2025, 8, 13) and sheet["A2"].number_format == "DD.MM.YYYY"
