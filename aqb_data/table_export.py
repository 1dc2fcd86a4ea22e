"""Tables as files: xlsx with numbers as numbers in German formats, and CSV for German Excel.

A table view is described once, as columns → (German heading, formatter), and that description serves
the screen and both exports, so a file holds exactly the rows and columns the screen shows. The
formatter tells the kind of number: `format_eur` becomes an Excel money format, `format_percent` a
percent format, and so on. Columns whose formatter is not a known number format are exported as the text
the screen shows; columns without a formatter as their values.

Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a CR) is neutralised by
the rule in `xlsx_writer`: in xlsx it is a text cell with Excel's quote prefix, in CSV it gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from aqb_data.dataset import AqbData
from aqb_data.districts import district_label
from aqb_data.formatting import (
    format_change,
    format_change_percent,
    format_date,
    format_eur,
    format_eur_cents,
    format_number,
    format_percent,
    format_points,
)
from aqb_data.indicators import Selection, measure_label
from aqb_data.sources import DEMO_LABEL, data_status, source_line
from aqb_data.xlsx_writer import append_row, neutralise, new_workbook, save, write_cell

Formatter = Callable[[object], str]
Columns = dict[str, tuple[str, Formatter | None]]

DATA_SHEET, META_SHEET = "Daten", "Metadaten"


@dataclass(frozen=True)
class NumberKind:
    """How one kind of number is stored: Excel's format, the factor for files that have no formats, its unit."""

    excel_format: str
    scale: float = 1.0
    unit: str = ""


# Excel stores its formats in English notation; a German Excel shows them as 773.920 € and 64,6 %.
NUMBER_KINDS: dict[Formatter, NumberKind] = {
    format_eur: NumberKind('#,##0 "€"', unit="€"),
    format_eur_cents: NumberKind('#,##0.00 "€"', unit="€"),
    format_change: NumberKind('+#,##0 "€";-#,##0 "€";0 "€"', unit="€"),
    format_number: NumberKind("#,##0"),
    format_percent: NumberKind("0.0 %", scale=100, unit="%"),
    format_change_percent: NumberKind("+0.0 %;-0.0 %;0.0 %", scale=100, unit="%"),
    # Percentage points have no Excel format of their own: stored as the points the screen shows.
    format_points: NumberKind('0.0 "Pp."', scale=100, unit="Pp."),
    str: NumberKind("0"),  # years and counts, shown without a thousands separator
}
DATE_FORMAT = "DD.MM.YYYY"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class ExportColumn:
    heading: str
    kind: NumberKind | None  # None: text (or whatever the value is)
    is_date: bool


def export_table(frame: pd.DataFrame, columns: Columns) -> tuple[list[ExportColumn], list[list[object]]]:
    """The rows and columns the screen shows, as plain Python values: numbers for number columns, dates for
    date columns, the shown text for other formatted columns, None where the screen shows "–"."""
    described: list[ExportColumn] = []
    values: list[list[object]] = []
    for name, (heading, formatter) in columns.items():
        kind = NUMBER_KINDS.get(formatter) if formatter is not None else None
        is_date = formatter is format_date
        column: list[object] = []
        for value in frame[name].tolist():
            if _missing(value):
                column.append(None)
            elif is_date:
                column.append(value.date() if isinstance(value, datetime) else value)
            elif kind is not None and (_is_number(value) or formatter is str):
                column.append(float(value) if _is_number(value) else value)
            elif formatter is not None and kind is None:
                column.append(formatter(value))
            else:
                column.append(value.item() if hasattr(value, "item") else value)
        described.append(ExportColumn(heading, kind, is_date))
        values.append(column)
    return described, [list(row) for row in zip(*values, strict=True)] if values else []


def table_xlsx(frame: pd.DataFrame, columns: Columns, metadata: Iterable[tuple[str, str]]) -> bytes:
    """An xlsx file: sheet `Daten` with frozen, filterable headings and German number formats, and sheet
    `Metadaten` with what the table shows (filters, data date, sources, export time)."""
    # Imported here: openpyxl takes a sixth of a second to load, and a page shows tables long before a download.
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    described, rows = export_table(frame, columns)
    book = new_workbook()
    sheet = book.create_sheet(DATA_SHEET)
    bold = Font(bold=True)
    for col, column in enumerate(described, start=1):
        cell = sheet.cell(row=1, column=col)
        write_cell(cell, column.heading)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="E4E7EB")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=2):
        for col, (value, column) in enumerate(zip(row, described, strict=True), start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=col)
            if column.kind is not None and _is_number(value):
                write_cell(cell, _excel_number(value, column.kind), column.kind.excel_format)
            else:
                write_cell(cell, value, DATE_FORMAT if isinstance(value, date) else None)
    for col, column in enumerate(described, start=1):
        longest = max([len(column.heading)] + [len(_shown(row[col - 1], column)) for row in rows[:500]])
        sheet.column_dimensions[get_column_letter(col)].width = min(60, max(10, longest + 2))
    sheet.freeze_panes = "A2"
    if described:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(described))}{max(1, len(rows) + 1)}"

    meta = book.create_sheet(META_SHEET)
    for field, value in [("Angabe", "Wert"), *metadata]:
        append_row(meta, [field, value])
    meta["A1"].font = meta["B1"].font = bold
    meta.column_dimensions["A"].width = 24
    meta.column_dimensions["B"].width = 100
    return save(book)


def _excel_number(value: float, kind: NumberKind) -> float:
    """Percent formats multiply by 100 themselves; percentage points are stored as the points shown."""
    return value * 100 if kind.unit == "Pp." else value


def _shown(value: object, column: ExportColumn) -> str:
    """About what a cell shows, for the column's width."""
    if value is None:
        return ""
    if _is_number(value) and column.kind is not None:
        return f"{format_number(float(value) * column.kind.scale, 1)} {column.kind.unit}"
    return format_date(value) if isinstance(value, date) else str(value)


def _csv_number(value: float) -> str:
    """A number with a decimal comma and no thousands separator, as German Excel reads it: 773920 or 64,6."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return ("0" if text in {"-0", ""} else text).replace(".", ",")


def table_csv(frame: pd.DataFrame, columns: Columns) -> bytes:
    """CSV for German Excel: `;` between fields, decimal comma, UTF-8 with BOM; percentages as the percent
    numbers shown, with the unit in the heading."""
    described, rows = export_table(frame, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [neutralise(f"{c.heading} ({c.kind.unit})" if c.kind and c.kind.unit else c.heading) for c in described]
    )
    for row in rows:
        cells = []
        for value, column in zip(row, described, strict=True):
            if value is None:
                cells.append("")
            elif isinstance(value, str):
                cells.append(neutralise(value))
            elif isinstance(value, date):
                cells.append(format_date(value))
            elif _is_number(value):
                scale = column.kind.scale if column.kind is not None else 1
                cells.append(_csv_number(float(value) * scale))
            else:
                cells.append(neutralise(str(value)))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def view_metadata(
    view: str, data: AqbData | None = None, selection: Selection | None = None, extra: Iterable[tuple[str, str]] = ()
) -> list[tuple[str, str]]:
    """The `Metadaten` sheet: which view, under which filters, of which data, from where, when exported."""
    rows = [("Ansicht", view)]
    if selection is not None:
        codes = selection.measure_types
        rows += [
            ("Jahr", "alle" if selection.year is None else str(selection.year)),
            ("Regierungsbezirk", selection.regierungsbezirk or "alle"),
            ("Gebietskörperschaft", district_label(selection.ags) if selection.ags else "alle"),
            (
                "Maßnahmenarten",
                "alle" if selection.all_measure_types else ", ".join(f"{c} {measure_label(c)}" for c in codes),
            ),
        ]
    rows += list(extra)
    if data is not None and selection is not None:
        source = source_line(data, selection)
        if source.startswith(DEMO_LABEL):
            rows.insert(1, ("Hinweis", DEMO_LABEL))
        rows += [("Datenstand", data_status(data, selection.year)), ("Quelle", source.replace("; ", " · "))]
    if data is not None:
        rows.append(("Dateien", ", ".join(data.files) or "–"))
    rows += [
        ("Exportiert am", datetime.now().strftime("%d.%m.%Y %H:%M")),
        ("Leere Zellen", "kein Wert vorhanden (im Dashboard „–“)"),
        ("Erstellt mit", "AQB-Dashboard Hessen"),
    ]
    return rows
