"""The one way the project writes .xlsx files: text is always text, never a formula, and always writable.

Every workbook the dashboard hands out (table exports, the Prüfbericht for the district, a stored state, the
report template) holds text that came from uploaded files: project names, Träger, sources, file names, the
values of problems. A spreadsheet must show that text, never run it. So every value goes through
`write_cell`:

- Text is stored as a text cell (an inline string), so no spreadsheet reads it as a formula or an error
  code, whatever it starts with. Text that a spreadsheet would read as a formula when someone edits the cell
  (`formula_like`: it starts with =, +, -, @, a tab or a CR, also after leading spaces) additionally gets
  Excel's quote prefix: the cell shows the text exactly as it was uploaded, with no visible apostrophe,
  and Excel keeps it text when the cell is edited. CSV has no cell types: there `neutralise` puts a visible
  apostrophe in front instead.
- Characters an xlsx cannot hold (control characters, lone surrogates, U+FFFE, U+FFFF) and direction
  overrides are spelled out as <U+0007>, so a stored oddity shows where it is instead of failing a download.
- Numbers stay numbers, dates stay dates, truth values stay truth values; missing values (None, NA, NaN,
  NaT, infinities) leave the cell empty.

`save` checks every cell of every sheet once more before writing, so a writer that filled a cell another
way still cannot hand out a formula.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from aqb_data.domain.values import visible

if TYPE_CHECKING:  # openpyxl takes a sixth of a second to load; only a download needs it
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_767  # Excel's limit for the text of one cell
CUT_MARK = " …[gekürzt]"
# What XML 1.0 (and so an xlsx) cannot hold beyond the control characters `values.visible` spells out.
_NOT_IN_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_FIXED_TIME = (2025, 1, 1, 0, 0, 0)


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take `text` for a formula: it starts with =, +, -, @, a tab or a CR,
    or with one of =, +, -, @ after leading white space."""
    return text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS[:4])


def neutralise(text: str) -> str:
    """Text for a CSV field: a leading apostrophe if a spreadsheet could take it for a formula."""
    return "'" + text if formula_like(text) else text


def cell_text(text: str) -> str:
    """Text as an xlsx cell can hold it: forbidden characters spelled out (<U+0007>), at most 32.767 characters
    (longer text is cut and says so)."""
    text = _NOT_IN_XML.sub(lambda match: f"<U+{ord(match.group(0)):04X}>", visible(text))
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - len(CUT_MARK)] + CUT_MARK
    return text


def cell_value(value: object) -> object:
    """A Python, numpy or pandas value as openpyxl stores it: None for missing or empty text, date/datetime for
    timestamps, plain numbers for numpy numbers, text for anything else that is not a number, date or truth value."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, str) and not value):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    elif hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, datetime):
        value = value.replace(tzinfo=None)  # Excel has no time zones; openpyxl refuses aware datetimes
        return value.date() if value.time() == time(0) else value
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return None
    if isinstance(value, str | bool | int | float | Decimal | date | time | timedelta):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def write_cell(cell: Cell, value: object, number_format: str | None = None) -> None:
    """Put `value` into an openpyxl cell: text as a text cell (never a formula or error code), numbers as numbers
    and dates as dates with `number_format` if given; a missing value leaves the cell empty."""
    value = cell_value(value)
    if isinstance(value, str):
        _store_text(cell, cell_text(value))
        return
    cell.value = value
    if number_format is not None and value is not None:
        cell.number_format = number_format


def _store_text(cell: Cell, text: str) -> None:
    cell.value = text
    cell.data_type = "s"  # openpyxl itself would store "=…" as a formula and "#N/A" as an error
    if formula_like(text):
        cell.quotePrefix = True


def append_row(sheet: Worksheet, values: object) -> None:
    """Append one row to `sheet`, each value written by `write_cell`."""
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:  # type: ignore[attr-defined]
        cell = Cell(sheet)
        write_cell(cell, value)
        cells.append(cell)
    sheet.append(cells)  # openpyxl takes ready cells as they are, without reading their values again


def new_workbook() -> Workbook:
    """An empty workbook without sheets, made by the AQB-Dashboard."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "AQB-Dashboard"
    return workbook


def _text_only(workbook: Workbook) -> None:
    """Every text cell stored as text, whatever filled it (openpyxl keeps no public list of existing cells;
    walking the rectangle would create the empty ones)."""
    for sheet in workbook.worksheets:
        for cell in sheet._cells.values():
            if isinstance(cell.value, str) and (cell.data_type != "s" or cell_text(cell.value) != cell.value):
                _store_text(cell, cell_text(cell.value))


def save(workbook: Workbook, target: str | Path | io.BytesIO | None = None, *, reproducible: bool = False) -> bytes:
    """The workbook as .xlsx bytes (also written to `target` if given); `reproducible`: fixed zip and document
    times, so the same content gives the same bytes."""
    _text_only(workbook)
    if reproducible:
        workbook.properties.created = workbook.properties.modified = datetime(*_FIXED_TIME)
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if reproducible:
        content = _fixed_times(content)
    if isinstance(target, io.BytesIO):
        target.write(content)
    elif target is not None:
        Path(target).write_bytes(content)
    return content


def _fixed_times(content: bytes) -> bytes:
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            stamped = zipfile.ZipInfo(info.filename, date_time=_FIXED_TIME)
            stamped.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", data)
            copy.writestr(stamped, data)
    return fixed.getvalue()


def is_xlsx_file(path: Path) -> bool:
    """Whether `path` is an xlsx workbook (a zip starting with PK that holds xl/workbook.xml): only such a file
    may be overwritten by a written workbook."""
    try:
        with path.open("rb") as file:
            if file.read(2) != b"PK":
                return False
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                return "xl/workbook.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
