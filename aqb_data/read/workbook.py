"""Reading the districts' workbooks into the canonical tables, with every problem found.

A workbook holds any of the sheets `Zielvereinbarungen`, `Projekte`, `Umsetzungsstand`. The reader copes
with what real files look like (title rows, blank rows, `Summe` rows, numbers and dates typed as German
text, heading variants) and reports each problem with file, sheet, Excel row, column, value and what
was expected. It never raises for bad content.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from aqb_data.domain import values
from aqb_data.domain.districts import DistrictError, district_label, resolve_ags, resolve_name
from aqb_data.domain.formatting import format_eur, format_number
from aqb_data.domain.model import MEASURE_TYPES, TABLES, Column, Kind, Table, parse_measure_type
from aqb_data.domain.problems import Problem, ProblemList, Severity, limit_problems
from aqb_data.read.package import MAX_COLUMNS, MAX_ROWS, PackageError, checked_package, column_letters, inspect_package

HEADER_SEARCH_ROWS = 30
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TOTAL_WORDS = "summe|summen|zwischensumme|endsumme|gesamt|insgesamt|gesamtsumme|gesamtbetrag|total"
# A line that may be a total: its first text begins with one of the words ("Summe MA 1", "Total E-Quality").
_TOTAL_START = re.compile(rf"^\s*({_TOTAL_WORDS})\b", re.IGNORECASE)
# A line that is a total by its label alone: the word, perhaps with a colon or a year ("Summe:", "Insgesamt 2025").
_TOTAL_LABEL = re.compile(rf"^({_TOTAL_WORDS})\s*:?\s*(\d{{4}})?\s*:?$")
# What a data row has and a total line lacks; a line that begins like a total but has it is data.
_ROW_CONTENT = {
    "agreements": (("ags", "district"), "keine Gebietskörperschaft", "AGS oder Gebietskörperschaft"),
    "projects": (("measure_type",), "keine Maßnahmenart", "die Maßnahmenart"),
    "progress": (("as_of",), "keinen Stichtag", "den Stichtag"),
    "amendments": (("valid_from",), "kein Datum „Gültig ab“", "das Datum „Gültig ab“"),
}


@dataclass
class WorkbookResult(ProblemList):
    """The canonical tables read from one file and every problem found in it."""

    file: str
    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    sheets_read: list[str] = field(default_factory=list)
    unreadable: bool = False
    # Per table: the sheet's name, each row's Excel row number, and each column's heading and letter as
    # the file writes them, so that later checks can point at the cell.
    sheet_names: dict[str, str] = field(default_factory=dict)
    excel_rows: dict[str, list[int]] = field(default_factory=dict)
    headings: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)


def fold_heading(text: object) -> str:
    """A heading reduced to letters and digits, without currency marks, for comparing variants."""
    folded = unicodedata.normalize("NFC", str(text)).strip().lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        folded = folded.replace(umlaut, plain)
    folded = re.sub(r"(\bin\s+)?(\beuro?\b|€)", " ", folded)
    return re.sub(r"[^a-z0-9]", "", folded)


def _heading_index(table: Table) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in table.columns:
        for heading in (column.heading, column.name, *column.aliases):
            index.setdefault(fold_heading(heading), column)
    return index


_SHEET_NAMES = {
    "agreements": ("zielvereinbarungen", "zielvereinbarung"),
    "projects": ("projekte", "projekt", "projektliste"),
    "progress": ("umsetzungsstand", "umsetzung", "umsetzungsstaende"),
    "amendments": ("aenderungen", "aenderung", "aenderungsvereinbarungen", "aenderungsvereinbarung"),
}


RESAVE = "Bitte die Datei in Excel öffnen und erneut als .xlsx speichern."


def _cell_text(value: object) -> str:
    if values.is_empty(value):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value).strip()


def _parse_text(value: object) -> str | None:
    text = unicodedata.normalize("NFC", _cell_text(value))  # combining accents (as macOS writes) as one letter
    found = values.forbidden_character(text)
    if found:
        raise ValueError(
            f"ein Text ohne Steuer- oder Richtungszeichen (gefunden: {found}); bitte die Zelle neu eintippen"
        )
    return text or None


def _parse_measure(value: object) -> int | None:
    if values.is_empty(value):
        return None
    code = parse_measure_type(value)
    if code is None:
        labels = "; ".join(f"{mt.code} = {mt.short_label}" for mt in MEASURE_TYPES.values())
        raise ValueError(f"eine Maßnahmenart 1–4 ({labels})")
    return code


_PARSERS: dict[Kind, Callable[[object], object]] = {
    Kind.TEXT: _parse_text,
    Kind.YEAR: values.parse_year,
    Kind.MONEY: values.parse_money,
    Kind.COUNT: values.parse_count,
    Kind.DATE: values.parse_date,
    Kind.MEASURE_TYPE: _parse_measure,
    Kind.AGS: _parse_text,
    Kind.DISTRICT_NAME: _parse_text,
}


class _SheetReader:
    """Reads one sheet's rows into canonical records, collecting problems."""

    def __init__(self, file: str, sheet: str, table: Table, default_source: str) -> None:
        self.file, self.sheet, self.table = file, sheet, table
        self.default_source = default_source
        self.problems: list[Problem] = []
        # Where each canonical column stands in this file: its heading as written and its letter.
        self.headings: dict[str, tuple[str, str]] = {}
        self.mapping: dict[int, Column] = {}
        self.record_rows: list[int] = []  # the Excel row of each record read

    def problem(self, severity: Severity, kind: str, expected: str, **where: object) -> None:
        self.problems.append(Problem(self.file, severity, kind, expected, self.sheet, **where))  # type: ignore[arg-type]

    def cell_problem(
        self, severity: Severity, kind: str, expected: str, row: int, column: Column, value: object = None
    ) -> None:
        """A problem in one cell, named by the heading as the file writes it."""
        heading, letter = self.headings.get(column.name, (column.heading, ""))
        text = values.visible(_cell_text(value)) if value is not None else None
        cell = f"{letter}{row}" if letter else None
        self.problem(severity, kind, expected, row=row, column=heading, value=text, cell=cell)

    def find_header(self, rows: list[list[object]]) -> tuple[int, dict[int, Column]] | None:
        """The 0-based header row and which cell column holds which canonical column."""
        index = _heading_index(self.table)
        index.pop("", None)
        best: tuple[int, dict[int, Column]] | None = None
        best_count = 1  # a header row names at least two known columns
        for number, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            mapping = {i: index[fold_heading(cell)] for i, cell in enumerate(row) if fold_heading(cell) in index}
            count = len({c.name for c in mapping.values()})
            # The row naming the most columns wins: a line like "Jahr: 2025 | Gebietskörperschaft: …" above
            # the table names two, the real headings more.
            if count > best_count:
                best, best_count = (number, mapping), count
        return best

    def check_columns(self, header: int, row: list[object], mapping: dict[int, Column]) -> bool:
        """Report unknown, doubled and missing columns; False if the sheet cannot be read."""
        seen: dict[str, int] = {}
        ok = True
        for i, cell in enumerate(row):
            if i in mapping:
                column = mapping[i]
                if column.name in seen:
                    self.problem(
                        Severity.ERROR,
                        "Spalten",
                        f"Spalte doppelt vorhanden (auch in Spalte {column_letters(seen[column.name])})",
                        row=header + 1,
                        column=_cell_text(cell),
                    )
                    ok = False
                seen[column.name] = i
                self.headings[column.name] = (_cell_text(cell), column_letters(i))
            elif _cell_text(cell):
                self.problem(
                    Severity.WARNING,
                    "Spalten",
                    "unbekannte Spalte, ihr Inhalt wird nicht übernommen",
                    row=header + 1,
                    column=_cell_text(cell),
                )
        for column in self.table.columns:
            if column.required and column.name not in seen:
                self.problem(Severity.ERROR, "Spalten", "Pflichtspalte fehlt", row=header + 1, column=column.heading)
                ok = False
        if "ags" not in seen and "district" not in seen:
            self.problem(
                Severity.ERROR,
                "Spalten",
                "Es fehlt eine Spalte „AGS“ oder „Gebietskörperschaft“",
                row=header + 1,
            )
            ok = False
        return ok

    def read(
        self,
        rows: list[list[object]],
        merged: list[tuple[tuple[int, int], tuple[int, int]]] = (),
        cells_without_value: list[tuple[str, str | None]] = (),
    ) -> pd.DataFrame:
        """The sheet's valid rows as a canonical table; problems are collected on the reader.

        `merged` are the sheet's merged ranges ((row, col), (row, col)), 0-based; `cells_without_value`
        the cells (e.g. `E7`) with a formula Excel never calculated (None) or an Excel error (`#DIV/0!`).
        """
        found = self.find_header(rows)
        if found is None:
            headings = ", ".join(f"„{c.heading}“" for c in self.table.columns)
            self.problem(
                Severity.ERROR,
                "Spalten",
                f"Keine Überschriftenzeile gefunden; erwartet werden Überschriften wie {headings}",
            )
            return self.table.empty()
        header, mapping = found
        self.mapping = mapping
        if not self.check_columns(header, rows[header], mapping):
            return self.table.empty()
        if not self.check_merged(header, merged) or not self.check_cells_without_value(header + 1, cells_without_value):
            return self.table.empty()
        records: list[dict[str, object]] = []
        record_rows: list[int] = []
        stray_rows: list[tuple[int, int, object]] = []  # rows with values only outside the read columns
        block_start, block_complete = 0, True
        for offset, row in enumerate(rows[header + 1 :], start=header + 2):
            cells = {column: row[i] if i < len(row) else None for i, column in mapping.items()}
            if all(values.is_empty(v) for v in cells.values()):
                stray = next(((i, v) for i, v in enumerate(row) if not values.is_empty(v)), None)
                if stray is not None:
                    stray_rows.append((offset, *stray))
                continue
            marker = self.total_marker(row, cells)
            if marker is not None:
                at = len(self.problems)  # the note on the line goes before the warnings on its cells
                compared = self.check_total(offset, cells, records[block_start:], records) if block_complete else None
                self.report_total(offset, row, cells, marker, compared, at)
                block_start, block_complete = len(records), True
                continue
            record = self.read_row(offset, cells)
            if record is None:
                block_complete = False
            else:
                records.append(record)
                record_rows.append(offset)
        self.report_stray_rows(stray_rows)
        self.check_duplicates(records, record_rows)
        self.record_rows = record_rows
        frame = pd.DataFrame.from_records(records, columns=self.table.column_names)
        return self.table.conform(frame)

    def check_merged(self, header: int, merged: list[tuple[tuple[int, int], tuple[int, int]]]) -> bool:
        """Merged cells in the headings or the data leave it unclear which column or row a value is for."""
        ok = True
        read_columns = {_column_index(letter) for _, letter in self.headings.values()}
        for (first_row, first_col), (last_row, last_col) in merged:
            if last_row < header or not read_columns & set(range(first_col, last_col + 1)):
                continue  # a merged title above the headings, or cells in columns that are not read, are fine
            cells = f"{column_letters(first_col)}{first_row + 1}:{column_letters(last_col)}{last_row + 1}"
            self.problem(
                Severity.ERROR,
                "Verbundene Zellen",
                "Die Zellen sind verbunden; bitte den Zellverbund aufheben und jeden Wert in seine eigene Zelle "
                "schreiben",
                row=first_row + 1,
                cell=cells,
            )
            ok = False
        return ok

    def check_cells_without_value(self, header: int, cells: list[tuple[str, str | None]]) -> bool:
        """A formula Excel never calculated, or an Excel error, has no value to read."""
        by_letter = {letter: heading for heading, letter in self.headings.values()}
        cells = [
            (cell, error)
            for cell, error in cells
            if (parts := re.match(r"([A-Z]+)(\d+)", cell))
            and parts.group(1) in by_letter
            and int(parts.group(2)) > header
        ]  # only the cells that would be read: a "#DIV/0!" in a note column beside the table does not matter
        for cell, error in cells:
            letter, row = re.match(r"([A-Z]+)(\d+)", cell).groups()  # type: ignore[union-attr]
            if error is None:
                kind = "Formel ohne Wert"
                expected = (
                    "Die Zelle enthält eine Formel ohne gespeichertes Ergebnis; bitte die Datei in Excel öffnen, "
                    "neu berechnen lassen und speichern"
                )
            else:
                kind = "Excel-Fehler"
                expected = (
                    f"Die Zelle enthält den Excel-Fehler {error}; bitte die Formel oder ihre Eingaben korrigieren"
                )
            self.problem(Severity.ERROR, kind, expected, row=int(row), column=by_letter.get(letter), cell=cell)
        return not cells

    def total_marker(self, row: list[object], cells: dict[Column, object]) -> str | None:
        """The text that makes this row a total line (`Summe`, `Gesamt: …`), or None for a data row.

        The row's first text must begin with a total word, and the row must name no other project. Then the
        label alone decides ("Summe", "Gesamt:", "Insgesamt 2025"); a longer text ("Summe MA 1") only where the
        row lacks what every data row has (projects: a Maßnahmenart). "Total E-Quality" with its Maßnahmenart
        is a project.
        """
        marker = next((c for c in row if isinstance(c, str) and c.strip()), "")
        if not _TOTAL_START.match(marker):
            return None
        by_name = {column.name: value for column, value in cells.items()}
        project = by_name.get("project")
        if not (values.is_empty(project) or project == marker):
            return None
        if _TOTAL_LABEL.match(values.name_key(marker)):
            return marker
        content, _, _ = _ROW_CONTENT[self.table.name]
        if any(not values.is_empty(by_name.get(name)) and by_name.get(name) != marker for name in content):
            return None
        return marker

    def report_total(
        self,
        row_number: int,
        row: list[object],
        cells: dict[Column, object],
        marker: str,
        compared: int | None,
        at: int,
    ) -> None:
        """Say that a total line was not read as data, why, and how it compared with the rows above."""
        if _TOTAL_LABEL.match(values.name_key(marker)):
            why, severity = "", Severity.NOTE
        else:
            _, lacking, wanted = _ROW_CONTENT[self.table.name]
            word = _TOTAL_START.match(marker).group(1)  # type: ignore[union-attr]
            why = f", weil sie mit „{word}“ beginnt und {lacking} hat (ist sie keine, bitte {wanted} eintragen)"
            # A year or district beside such a label looks like a data row that lost a value: worth a warning.
            identifying = (Kind.YEAR, Kind.AGS, Kind.DISTRICT_NAME)
            named = any(not values.is_empty(v) and v != marker for c, v in cells.items() if c.kind in identifying)
            severity = Severity.WARNING if named and self.table.name != "agreements" else Severity.NOTE
        if compared is None:
            outcome = "; nicht mit den Zeilen darüber verglichen, weil dort fehlerhafte Zeilen stehen"
        elif compared < 0:
            outcome = "; sie enthält keine Beträge oder Anzahlen zum Vergleichen"
        elif compared:
            outcome = ", sondern mit den Zeilen darüber verglichen – weicht ab (siehe Warnung)"
        else:
            outcome = ", sondern mit den Zeilen darüber verglichen – stimmt überein"
        expected = f"Summenzeile{why}: nicht als Daten gelesen{outcome}"
        index = row.index(marker)
        column = self.mapping.get(index)
        heading = self.headings.get(column.name, (column.heading, ""))[0] if column else None
        cell = f"{column_letters(index)}{row_number}"
        shown = values.visible(marker)
        self.problems.insert(
            at, Problem(self.file, severity, "Summenzeile", expected, self.sheet, row_number, heading, shown, cell)
        )

    def report_stray_rows(self, stray: list[tuple[int, int, object]]) -> None:
        """One note for the rows below the headings whose values all stand outside the read columns."""
        if not stray:
            return
        first_row, index, value = stray[0]
        numbers = _row_ranges([row for row, _, _ in stray])
        rows = f"Zeile {numbers}" if len(stray) == 1 else f"Zeilen {numbers}"
        expected = f"{rows}: Werte nur in Spalten ohne bekannte Überschrift; nicht als Daten gelesen"
        text = values.visible(_cell_text(value))
        shown = text if len(text) <= 80 else text[:79] + "…"
        cell = f"{column_letters(index)}{first_row}"
        self.problem(Severity.NOTE, "Nicht gelesen", expected, row=first_row, value=shown, cell=cell)

    def read_row(self, row_number: int, cells: dict[Column, object]) -> dict[str, object] | None:
        record: dict[str, object] = {}
        ok = True
        for column, raw in cells.items():
            try:
                parsed = _PARSERS[column.kind](raw)
            except ValueError as error:
                self.cell_problem(Severity.ERROR, "Ungültiger Wert", f"erwartet: {error}", row_number, column, raw)
                ok = False
                continue
            if parsed is None and column.required:
                self.cell_problem(Severity.ERROR, "Fehlender Wert", "Pflichtfeld ist leer", row_number, column)
                ok = False
            record[column.name] = parsed
        ags = self.resolve(row_number, record.pop("ags", None), record.pop("district", None))
        if ags is None or not ok:
            return None
        record["ags"] = ags
        if not record.get("source"):
            record["source"] = self.default_source
        return record

    def resolve(self, row_number: int, ags_text: object, name: object) -> str | None:
        """The row's AGS; a name that disagrees with the AGS is a warning, the AGS wins."""
        ags_column, name_column = self.table.column("ags"), self.table.column("district")
        if ags_text:
            try:
                ags = resolve_ags(ags_text)
            except DistrictError as error:
                self.cell_problem(Severity.ERROR, "Gebietskörperschaft", str(error), row_number, ags_column, ags_text)
                return None
            if name:
                try:
                    named = resolve_name(str(name))
                except DistrictError:
                    named = ags
                if named != ags:
                    label = district_label(ags)
                    expected = f"Name passt nicht zum AGS {ags} ({label}); der AGS hat Vorrang"
                    self.cell_problem(Severity.WARNING, "Gebietskörperschaft", expected, row_number, name_column, name)
            return ags
        if name:
            try:
                return resolve_name(str(name))
            except DistrictError as error:
                self.cell_problem(Severity.ERROR, "Gebietskörperschaft", str(error), row_number, name_column, name)
                return None
        expected = "Weder AGS noch Gebietskörperschaft angegeben"
        self.cell_problem(Severity.ERROR, "Fehlender Wert", expected, row_number, ags_column)
        return None

    def check_duplicates(self, records: list[dict[str, object]], record_rows: list[int]) -> None:
        """Two rows with the same key are an error, also where the names differ only in what a reader cannot see.

        Names are compared by `values.name_key` (case, spaces, no-break and zero-width characters); the
        message shows both spellings with the invisible characters spelled out.
        """
        first: dict[tuple[object, ...], tuple[int, tuple[object, ...]]] = {}
        names = [self.table.column(k).kind is Kind.TEXT for k in self.table.key]  # the AGS is already canonical
        for record, row_number in zip(records, record_rows, strict=True):
            spelling = tuple(record[k] for k in self.table.key)
            pairs = zip(spelling, names, strict=True)
            key = tuple(values.name_key(v) if name and isinstance(v, str) else v for v, name in pairs)
            if key not in first:
                first[key] = (row_number, spelling)
                continue
            first_row, first_spelling = first[key]
            headings = ", ".join(c.heading for c in self.table.columns if c.name in self.table.key)
            expected = f"gleiche Kombination aus {headings} wie in Zeile {first_row}"
            if spelling != first_spelling:
                differing = [(a, b) for a, b in zip(first_spelling, spelling, strict=True) if a != b]
                shown = "; ".join(
                    f"dort „{values.spelled(str(a))}“, hier „{values.spelled(str(b))}“" for a, b in differing
                )
                expected += f" ({shown}: gleich bis auf Groß-/Kleinschreibung, Leerzeichen oder unsichtbare Zeichen)"
            self.problem(
                Severity.ERROR,
                "Doppelte Zeile",
                expected,
                row=row_number,
                value=" / ".join(values.spelled(_cell_text(v)) for v in spelling),
            )

    def check_total(
        self,
        row_number: int,
        cells: dict[Column, object],
        block: list[dict[str, object]],
        everything: list[dict[str, object]],
    ) -> int:
        """How many of a total line's amounts differ from the rows since the last total and from all rows above
        (each with a warning); -1 if it states none. The second form admits a grand total below subtotals.
        """
        compared, differing = 0, 0
        for column, raw in cells.items():
            if column.kind not in (Kind.MONEY, Kind.COUNT):
                continue
            try:
                stated = values.parse_money(raw)
            except ValueError:
                continue
            if stated is None:
                continue
            compared += 1
            actual = round(sum(r[column.name] or 0 for r in block), 2)  # type: ignore[misc]
            overall = round(sum(r[column.name] or 0 for r in everything), 2)  # type: ignore[misc]
            if abs(stated - actual) >= 0.005 and abs(stated - overall) >= 0.005:
                money = column.kind is Kind.MONEY
                fmt = (lambda v: format_eur(v, 2)) if money else format_number
                expected = f"Summenzeile weicht ab: angegeben {fmt(stated)}, die Zeilen darüber ergeben {fmt(actual)}"
                self.cell_problem(Severity.WARNING, "Summenzeile", expected, row_number, column, raw)
                differing += 1
        return differing if compared else -1


def _column_index(letter: str) -> int:
    """0-based column index of a column letter (A → 0, AA → 26)."""
    index = 0
    for char in letter:
        index = index * 26 + ord(char) - 64
    return index - 1


def _row_ranges(rows: list[int]) -> str:
    """Ascending row numbers as ranges: 4, 7–9, 12."""
    ranges: list[list[int]] = []
    for row in rows:
        if ranges and row == ranges[-1][1] + 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def _sniff(data: bytes) -> str | None:
    """Why the bytes are not an xlsx file, or None if they look like one."""
    if not data:
        return "Die Datei ist leer"
    if data.startswith(b"PK\x03\x04"):
        return None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "Die Datei ist im alten Excel-Format (.xls) oder kennwortgeschützt; bitte als .xlsx speichern"
    if data.startswith(b"%PDF"):
        return "Die Datei ist ein PDF, keine Excel-Arbeitsmappe (.xlsx)"
    return "Die Datei ist keine Excel-Arbeitsmappe (.xlsx)"


def _table_for_sheet(sheet_name: str) -> Table | None:
    """The table a sheet holds, by its name; a year or district after the name is allowed (`Projekte 2025`)."""
    folded = fold_heading(sheet_name)
    for table in TABLES:
        for name in _SHEET_NAMES[table.name]:
            # The name, optionally followed by a year: "Projekte 2025" yes, "Projektträger" no.
            if folded == name or (folded.startswith(name) and folded[len(name) :].isdigit()):
                return table
    return None


def read_workbook(
    source: bytes | str | Path, file_name: str | None = None, default_source: str | None = None
) -> WorkbookResult:
    """Read an .xlsx into the canonical tables (agreements, projects, progress) and all its problems.

    `default_source` fills `source` where the file leaves it empty (by default the file name).
    """
    if isinstance(source, str | Path):
        path = Path(source)
        file_name = file_name or path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return unreadable_result(file_name, f"Die Datei wurde nicht gefunden ({path})")
        except IsADirectoryError:
            return unreadable_result(file_name, f"„{path}“ ist ein Ordner, keine Datei")
        except PermissionError:
            return unreadable_result(file_name, f"Keine Berechtigung, die Datei zu lesen ({path})")
        except OSError as error:
            return unreadable_result(
                file_name,
                f"Die Datei kann nicht gelesen werden (Fehler des Dateisystems: {error.strerror or 'unbekannt'})",
            )
    else:
        data = source
    file_name = file_name or "Datei"
    tables = {table.name: table.empty() for table in TABLES}
    reason = _sniff(data)
    if reason:
        return unreadable_result(file_name, reason)
    try:
        package = inspect_package(data)
        readable = checked_package(data, package)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(readable))
    except PackageError as error:
        return unreadable_result(file_name, str(error))
    except (CalamineError, ValueError, OSError):
        return unreadable_result(file_name, f"Die Datei ist beschädigt oder keine gültige .xlsx-Datei. {RESAVE}")
    result = WorkbookResult(file_name, tables)
    tables_found: list[str] = []
    visible = {sheet.name: sheet.visible == SheetVisibleEnum.Visible for sheet in workbook.sheets_metadata}
    for sheet_name in workbook.sheet_names:
        table = _table_for_sheet(sheet_name)
        if table is None:
            continue
        if not visible.get(sheet_name, True):
            result.problems.append(
                Problem(
                    file_name,
                    Severity.WARNING,
                    "Blätter",
                    "Das Blatt ist ausgeblendet und wird nicht gelesen; zum Einlesen bitte in Excel einblenden",
                    sheet_name,
                )
            )
            continue
        if table.name in tables_found:
            result.problems.append(
                Problem(
                    file_name, Severity.ERROR, "Blätter", f"Blatt für „{table.sheet}“ doppelt vorhanden", sheet_name
                )
            )
            continue
        tables_found.append(table.name)
        too_many = _too_many_rows(file_name, sheet_name, package.sheet_rows.get(sheet_name, 0))
        if too_many:
            result.problems.append(too_many)
            continue
        if sheet_name in package.too_wide:
            last = column_letters(MAX_COLUMNS - 1)
            expected = f"Das Blatt hat Zellen jenseits von Spalte {last}; ein Bericht hat etwa 15 Spalten"
            result.problems.append(Problem(file_name, Severity.ERROR, "Zu groß", expected, sheet_name))
            continue
        try:
            if sheet_name not in package.sheet_rows:  # the package check could not read its part: never read unchecked
                raise ValueError(sheet_name)
            sheet = workbook.get_sheet_by_name(sheet_name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except (CalamineError, ValueError):
            result.problems.append(
                Problem(
                    file_name,
                    Severity.ERROR,
                    "Datei unlesbar",
                    f"Blatt nicht lesbar: sein Inhalt ist beschädigt oder falsch kodiert. {RESAVE}",
                    sheet_name,
                )
            )
            continue
        too_many = _too_many_rows(file_name, sheet_name, len(rows))
        if too_many:
            result.problems.append(too_many)
            continue
        reader = _SheetReader(file_name, sheet_name, table, default_source or file_name)
        tables[table.name] = reader.read(rows, merged, package.cells_without_value.get(sheet_name, []))
        result.problems.extend(reader.problems)
        result.sheets_read.append(table.name)
        result.sheet_names[table.name] = sheet_name
        result.excel_rows[table.name] = reader.record_rows
        result.headings[table.name] = reader.headings
    if not tables_found:
        wanted = ", ".join(f"„{t.sheet}“" for t in TABLES)
        found = ", ".join(f"„{s}“" + ("" if visible.get(s, True) else " (ausgeblendet)") for s in workbook.sheet_names)
        result.problems.append(
            Problem(file_name, Severity.ERROR, "Blätter", f"Keines der Blätter {wanted} gefunden (vorhanden: {found})")
        )
    result.problems = limit_problems(result.problems)
    return result


def _too_many_rows(file_name: str, sheet_name: str, rows: int) -> Problem | None:
    if rows <= MAX_ROWS:
        return None
    return Problem(
        file_name,
        Severity.ERROR,
        "Zu groß",
        f"Das Blatt hat {format_number(rows)} Zeilen; ein Bericht darf höchstens {format_number(MAX_ROWS)} haben",
        sheet_name,
    )


def unreadable_result(file_name: str, reason: str) -> WorkbookResult:
    """A result with no tables and one error: the file cannot be read, for `reason` (German)."""
    tables = {table.name: table.empty() for table in TABLES}
    problem = Problem(file_name, Severity.ERROR, "Datei unlesbar", reason)
    return WorkbookResult(file_name, tables, [problem], unreadable=True)
