"""Small .xlsx files built in memory with openpyxl, for the workbook reader tests.

`make_workbook({"Projekte": [["Jahr", "AGS", ...], [2025, "06635", ...]]})` gives the bytes of a workbook
with one sheet per key, its rows appended in order: row 1 of the list is Excel row 1, an empty list is a
blank row, `None` is an empty cell.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook

Row = Sequence[object]


def make_workbook(sheets: Mapping[str, Sequence[Row]]) -> bytes:
    """The .xlsx bytes of a workbook with the given sheets (in order) and rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
