"""Tables as files: xlsx with numbers as numbers in German formats, and CSV for German Excel.

A table view is described once, as columns → (German heading, formatter) in `present.views`, and that
description serves the screen, the slides and both exports, so a file holds exactly the rows and columns the
screen shows. The formatter tells the kind of value (`VALUE_FORMATS`): `format_eur` is money, `format_percent`
a share, `format_date` a date, and so on; each kind has its Excel format, its unit and the decimals the screen
rounds to, and the files hold the value rounded as shown. A formatter that is not a known kind makes a text
column (e.g. a status with its symbol); columns without a formatter are exported as their values. A column
whose rows differ in kind (a table of indicators) names each row's formatter through `FormatByRow`.

Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a CR) is neutralised by
the rule in `xlsx`: in xlsx it is a text cell with Excel's quote prefix, in CSV it gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import pandas as pd

from aqb_data.analysis.indicators import Selection, measure_label
from aqb_data.analysis.provenance import DEMO_LABEL, Shown, source_line, view_data_status
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import (
    format_change,
    format_change_percent,
    format_date,
    format_eur,
    format_eur_cents,
    format_number,
    format_percent,
    format_points,
    format_timestamp,
    money_decimals,
    rounded,
)
from aqb_data.export.xlsx import append_row, neutralise, new_workbook, save, write_cell

# The column specifications are the views' (one per shown table, in `present.views`); re-exported for files.
from aqb_data.present.views import Columns, FormatByRow

DATA_SHEET, META_SHEET = "Daten", "Metadaten"


class ValueKind(StrEnum):
    """What a column's values are, as the files store them."""

    MONEY = "money"
    SHARE = "share"
    POINTS = "points"
    COUNT = "count"
    DATE = "date"
    TEXT = "text"


@dataclass(frozen=True)
class NumberKind:
    """How one kind of value is stored: its kind, Excel's format, the decimals the screen rounds to (None:
    money with cents only where it has them), the factor to the number the screen shows, its unit."""

    value_kind: ValueKind
    excel_format: str
    decimals: int | None = 0
    scale: float = 1.0
    unit: str = ""
    cents_format: str = ""  # Excel's format for an amount with cents, where `decimals` is None

    def places(self, value: float) -> int:
        """Decimals of this value as shown."""
        return money_decimals(value) if self.decimals is None else self.decimals

    def shown(self, value: float) -> Decimal:
        """The number the screen shows (64,6 for a share of 0.646), rounded as the screen rounds it."""
        return rounded(value * self.scale, self.places(value))

    def excel_value(self, value: float) -> float | int:
        """The value an xlsx cell holds: rounded as shown; a share as the ratio (its format multiplies by 100)."""
        number = self.shown(value)
        if self.value_kind is ValueKind.SHARE:
            number = number / Decimal(repr(self.scale))
        return int(number) if number == number.to_integral_value() else float(number)

    def number_format(self, value: float) -> str:
        """Excel's format for this value (an amount with cents gets the format with cents)."""
        return self.cents_format if self.cents_format and self.places(value) else self.excel_format


# Excel stores its formats in English notation; a German Excel shows them as 773.920 € and 64,6 %.
MONEY = NumberKind(ValueKind.MONEY, '#,##0 "€"', None, unit="€", cents_format='#,##0.00 "€"')
DATE_KIND = NumberKind(ValueKind.DATE, "DD.MM.YYYY")
VALUE_FORMATS: dict[object, NumberKind] = {
    format_eur: MONEY,
    format_eur_cents: NumberKind(ValueKind.MONEY, '#,##0.00 "€"', 2, unit="€"),
    format_change: NumberKind(
        ValueKind.MONEY,
        '+#,##0 "€";-#,##0 "€";0 "€"',
        None,
        unit="€",
        cents_format='+#,##0.00 "€";-#,##0.00 "€";0 "€"',
    ),
    format_number: NumberKind(ValueKind.COUNT, "#,##0"),
    format_percent: NumberKind(ValueKind.SHARE, "0.0 %", 1, scale=100, unit="%"),
    format_change_percent: NumberKind(ValueKind.SHARE, "+0.0 %;-0.0 %;0.0 %", 1, scale=100, unit="%"),
    # Percentage points have no Excel format of their own: stored as the points the screen shows.
    format_points: NumberKind(ValueKind.POINTS, '0.0 "Pp."', 1, scale=100, unit="Pp."),
    str: NumberKind(ValueKind.COUNT, "0"),  # years and ranks, shown without a thousands separator
    format_date: DATE_KIND,
    format_timestamp: NumberKind(ValueKind.DATE, "DD.MM.YYYY HH:MM"),
}
# The former name, kept for readers of older code: every formatter of a number.
NUMBER_KINDS = {f: k for f, k in VALUE_FORMATS.items() if k.value_kind is not ValueKind.DATE}


def value_kind(formatter: object) -> NumberKind | None:
    """The kind a column's formatter stands for; None for text (no formatter, or one that makes text)."""
    if formatter is None:
        return None
    try:
        return VALUE_FORMATS.get(formatter)
    except TypeError:  # an unhashable formatter is no known kind
        return None


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class ExportColumn:
    """One column of a file: its heading and, per row, the kind of its value (None: text or as is)."""

    heading: str
    kinds: tuple[NumberKind | None, ...]
    by_row: bool = False  # its rows differ in kind (`FormatByRow`)

    @property
    def unit(self) -> str:
        """The unit of its numbers; "" if they have none or their rows differ (then each row names its own)."""
        units = {k.unit for k in self.kinds if k is not None}
        return units.pop() if len(units) == 1 and not self.by_row else ""


def _cell(value: object, formatter: object) -> tuple[object, NumberKind | None]:
    """One value as a file holds it: a number rounded as shown, a date, or the text the screen shows."""
    kind = value_kind(formatter)
    if _missing(value):
        return None, kind
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        value = value.item()  # numpy scalars as Python values
    if kind is not None and kind.value_kind is ValueKind.DATE:
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, datetime) and kind is DATE_KIND:
            value = value.date()  # a day, as the screen shows it
        return (value, kind) if isinstance(value, date) else (str(value), None)  # text in a date column stays text
    if kind is not None and _is_number(value):
        return kind.excel_value(float(value)), kind
    if formatter is not None and kind is None and not _is_number(value):
        return formatter(value), None  # type: ignore[operator]
    return value, None  # a number under a text formatter stays a number: a file never holds a number as text


def export_table(frame: pd.DataFrame, columns: Columns) -> tuple[list[ExportColumn], list[list[object]]]:
    """The rows and columns the screen shows, as plain Python values: numbers rounded as shown for number
    columns (a share as its ratio, points as the points shown), dates for date columns, the shown text for
    other formatted columns, None where the screen shows "–"."""
    described: list[ExportColumn] = []
    values: list[list[object]] = []
    for name, (heading, formatter) in columns.items():
        if isinstance(formatter, FormatByRow):
            formatters = [formatter.formatter(key) for key in frame[formatter.column].tolist()]
        else:
            formatters = [formatter] * len(frame)
        cells = [_cell(value, f) for value, f in zip(frame[name].tolist(), formatters, strict=True)]
        by_row = isinstance(formatter, FormatByRow)
        described.append(ExportColumn(heading, tuple(kind for _, kind in cells), by_row))
        values.append([value for value, _ in cells])
    return described, [list(row) for row in zip(*values, strict=True)] if values else []


def table_xlsx(
    frame: pd.DataFrame,
    columns: Columns,
    metadata: Iterable[tuple[str, str]],
    sheets: Iterable[tuple[str, pd.DataFrame, Columns]] = (),
) -> bytes:
    """An xlsx file: sheet `Daten` with frozen, filterable headings and German number formats, and sheet
    `Metadaten` with what the table shows (filters, data date, sources, export time); `sheets` adds further
    tables after `Daten` (name, rows, columns), e.g. the notes of the district shown („Notizen“)."""
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
            kind = column.kinds[r - 2]
            cell = sheet.cell(row=r, column=col)
            if kind is not None and kind.value_kind is ValueKind.DATE and isinstance(value, date):
                write_cell(cell, value, kind.excel_format)
            elif kind is not None and _is_number(value):
                write_cell(cell, value, kind.number_format(_screen_value(value, kind)))
            else:
                write_cell(cell, value, DATE_KIND.excel_format if isinstance(value, date) else None)
    for col, column in enumerate(described, start=1):
        widths = [len(_shown(row[col - 1], column.kinds[i])) for i, row in enumerate(rows[:500])]
        sheet.column_dimensions[get_column_letter(col)].width = min(60, max(10, len(column.heading) + 2, *widths))
    sheet.freeze_panes = "A2"
    if described:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(described))}{max(1, len(rows) + 1)}"

    for name, extra, extra_columns in sheets:
        _plain_sheet(book, name, extra, extra_columns)

    meta = book.create_sheet(META_SHEET)
    for name, value in [("Angabe", "Wert"), *metadata]:
        append_row(meta, [name, value])
    meta["A1"].font = meta["B1"].font = bold
    meta.column_dimensions["A"].width = 24
    meta.column_dimensions["B"].width = 100
    return save(book)


def _plain_sheet(book: object, name: str, frame: pd.DataFrame, columns: Columns) -> None:
    """A further sheet of an xlsx table: bold headings, values as `export_table` gives them (text stays text)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    described, rows = export_table(frame, columns)
    sheet = book.create_sheet(name)  # type: ignore[attr-defined]
    for col, column in enumerate(described, start=1):
        write_cell(sheet.cell(row=1, column=col), column.heading)
        sheet.cell(row=1, column=col).font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for col, (value, column) in enumerate(zip(row, described, strict=True), start=1):
            kind = column.kinds[r - 2]
            cell = sheet.cell(row=r, column=col)
            if isinstance(value, date) and kind is not None:
                write_cell(cell, value, kind.excel_format)
            elif kind is not None and _is_number(value):
                write_cell(cell, value, kind.number_format(_screen_value(value, kind)))
            else:
                write_cell(cell, value)
            cell.alignment = Alignment(wrap_text=isinstance(value, str) and "\n" in value, vertical="top")
    for col, column in enumerate(described, start=1):
        widths = [len(_shown(row[col - 1], column.kinds[i])) for i, row in enumerate(rows[:500])]
        sheet.column_dimensions[get_column_letter(col)].width = min(60, max(10, len(column.heading) + 2, *widths))
    sheet.freeze_panes = "A2"


def _screen_value(value: float, kind: NumberKind) -> float:
    """The value the screen formats, from the one a file holds (a file holds points as shown)."""
    return value / kind.scale if kind.value_kind is ValueKind.POINTS else value


def _shown(value: object, kind: NumberKind | None) -> str:
    """About what a cell shows, for the column's width."""
    if value is None:
        return ""
    if _is_number(value) and kind is not None:
        return f"{_csv_number(value, kind)} {kind.unit}"
    return format_date(value) if isinstance(value, date) else str(value)


def _csv_number(value: float, kind: NumberKind | None) -> str:
    """A number as shown, with a decimal comma and no thousands separator, as German Excel reads it:
    773920, 1312450,50 or 64,6."""
    if kind is None:
        return str(value).replace(".", ",")
    screen = _screen_value(value, kind)
    return f"{kind.shown(screen):.{kind.places(screen)}f}".replace(".", ",")


def csv_heading(column: ExportColumn) -> str:
    """A CSV heading names its unit once: `Geplante Mittel (€)`, but `€ je Einwohner/in` and `Veränderung (%)`
    as they are."""
    unit = column.unit
    return f"{column.heading} ({unit})" if unit and unit not in column.heading else column.heading


def table_csv(frame: pd.DataFrame, columns: Columns) -> bytes:
    """CSV for German Excel: `;` between fields, decimal comma, UTF-8 with BOM; numbers rounded as shown,
    percentages as the percent numbers shown, the unit in the heading (or, where the rows of a column differ
    in unit, in a column `Einheit` before it)."""
    described, rows = export_table(frame, columns)
    units_at = next((i for i, c in enumerate(described) if c.by_row), None)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    headings = [neutralise(csv_heading(c)) for c in described]
    if units_at is not None:
        headings.insert(units_at, "Einheit")
    writer.writerow(headings)
    for r, row in enumerate(rows):
        cells = []
        for value, column in zip(row, described, strict=True):
            kind = column.kinds[r]
            if value is None:
                cells.append("")
            elif isinstance(value, str):
                cells.append(neutralise(value))
            elif isinstance(value, datetime):
                cells.append(
                    format_timestamp(value) if kind is not None and "HH" in kind.excel_format else format_date(value)
                )
            elif isinstance(value, date):
                cells.append(format_date(value))
            elif _is_number(value):
                cells.append(_csv_number(value, kind))
            else:
                cells.append(neutralise(str(value)))
        if units_at is not None:
            kinds = {c.kinds[r] for c in described if c.by_row}
            cells.insert(units_at, next((k.unit for k in kinds if k is not None and k.unit), ""))
        writer.writerow(cells)
    return buffer.getvalue().encode("utf-8-sig")


def view_metadata(
    view: str,
    data: AqbData | None = None,
    selection: Selection | None = None,
    extra: Iterable[tuple[str, str]] = (),
    shown: Shown | None = None,
) -> list[tuple[str, str]]:
    """The `Metadaten` sheet: which view, under which filters, of which data, from where, when exported.
    `shown`: the rows the view draws and its Stichtag, when not just the selection's (see `sources.Shown`)."""
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
        source = source_line(data, shown or selection)
        if source.startswith(DEMO_LABEL):
            rows.insert(1, ("Hinweis", DEMO_LABEL))
        rows += [("Datenstand", view_data_status(data, shown or selection)), ("Quelle", source.replace("; ", " · "))]
    if data is not None:
        rows.append(("Dateien", ", ".join(data.files) or "–"))
    rows += [
        ("Exportiert am", datetime.now().strftime("%d.%m.%Y %H:%M")),
        ("Leere Zellen", "kein Wert vorhanden (im Dashboard „–“)"),
        ("Erstellt mit", "AQB-Dashboard Hessen"),
    ]
    return rows
