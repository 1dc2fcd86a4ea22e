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
import itertools
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from aqb_data.domain.values import visible
from aqb_data.read.package import column_letters

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


# --- streamed workbooks -----------------------------------------------------------------------------------------
# A stored state holds hundreds of thousands of rows: openpyxl builds an object per cell and takes about a
# minute for them. A streamed workbook is written row by row straight into the zip, with the same rules as
# `write_cell` (text as an inline text cell with `cell_text`, the quote prefix where `formula_like`, numbers as
# numbers, dates as dates, missing values empty) and nothing else: bold headings, number formats, column widths,
# frozen first row, a filter.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_EPOCH = date(1899, 12, 30)
_STREAM_CHUNK_ROWS = 5_000
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
# Cell styles (cellXfs) every streamed workbook has; number formats get one more style each.
_STYLE_PLAIN, _STYLE_HEADING, _STYLE_QUOTED = 0, 1, 2
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4}


@dataclass(frozen=True)
class StreamedSheet:
    """One sheet written row by row: its headings, per column a number format (None: general) and a width, and
    the rows (sequences of values in the order of the headings, read once)."""

    name: str
    headings: Sequence[str]
    formats: Sequence[str | None]
    widths: Sequence[float]
    rows: Iterable[Sequence[object]]


def _text_xml(text: str) -> str:
    """An inline text cell's content: `cell_text`, escaped; spaces at either end kept."""
    shown = cell_text(text).translate(_XML_ESCAPES)
    space = ' xml:space="preserve"' if shown != shown.strip() else ""
    return f"<is><t{space}>{shown}</t></is>"


class _SheetWriter:
    """The cells of one sheet as XML, with the number style of each column. Rows come in batches: a column whose
    values are all whole numbers, numbers, dates or text is written at once by pyarrow (each distinct text made
    safe once); any other column cell by cell, with the same result."""

    def __init__(self, columns: int, styles: Sequence[int], date_style: int) -> None:
        self.letters = [column_letters(index) for index in range(columns)]
        self.styles = [f' s="{style}"' if style else "" for style in styles]
        self.date_style = date_style
        self.texts: dict[str, str] = {}  # a stored state repeats names and sources: each is made safe once

    def _text_rest(self, value: str) -> str | None:
        """What follows a text cell's reference: its style and content (None for empty text: no cell)."""
        if not value:
            return None
        rest = self.texts.get(value)
        if rest is None:
            quoted = f' s="{_STYLE_QUOTED}"' if formula_like(cell_text(value)) else ""
            rest = self.texts[value] = f'"{quoted} t="inlineStr">{_text_xml(value)}</c>'
            if len(self.texts) > 100_000:  # free text in every row: keep memory bounded
                self.texts.clear()
        return rest

    def cell(self, column: int, number: int, value: object) -> str:
        """One cell by `write_cell`'s rules ("" for a missing value)."""
        reference = f'<c r="{self.letters[column]}{number}'
        value = cell_value(value)
        if value is None:
            return ""
        style = self.styles[column]
        if isinstance(value, str):
            rest = self._text_rest(value)
            return "" if rest is None else reference + rest
        if isinstance(value, bool):
            return f'{reference}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | Decimal):
            return f'{reference}"{style}><v>{value}</v></c>'
        if isinstance(value, float):
            return f'{reference}"{style}><v>{value!r}</v></c>' if math.isfinite(value) else ""
        if isinstance(value, date) and not style:  # a date or datetime in a column without a number format
            style = f' s="{self.date_style}"'
        return f'{reference}"{style}><v>{_serial(value)}</v></c>'

    def batch(self, first: int, records: Sequence[Sequence[object]]) -> bytes:
        """Rows `first`, `first` + 1, … as XML (UTF-8)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        width = len(self.letters)
        if any(len(record) != width for record in records):
            rows = [
                f'<row r="{number}">'
                + "".join(self.cell(column, number, value) for column, value in enumerate(record[:width]))
                + "</row>"
                for number, record in enumerate(records, start=first)
            ]
            return "".join(rows).encode("utf-8")
        numbers = pc.cast(pa.array(range(first, first + len(records)), pa.int64()), pa.string())
        cells = [
            self._column(column, values, first, numbers) for column, values in enumerate(zip(*records, strict=True))
        ]
        rows = pc.binary_join_element_wise('<row r="', numbers, '">', *cells, "</row>", "")
        return "".join(rows.to_pylist()).encode("utf-8")

    def _column(self, column: int, values: tuple[object, ...], first: int, numbers: object) -> object:
        """One column's cells of a batch as a pyarrow text array ("" where a cell stays empty)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        kinds = {type(value) for value in values} - {type(None)}
        reference = f'<c r="{self.letters[column]}'
        style = self.styles[column]
        try:
            if kinds <= {str}:
                encoded = pa.array(values, pa.string()).dictionary_encode()
                rests = pa.array([self._text_rest(text) for text in encoded.dictionary.to_pylist()], pa.string())
                cells = pc.binary_join_element_wise(reference, numbers, pc.take(rests, encoded.indices), "")
            elif kinds <= {int, float} or kinds <= {date}:
                if kinds <= {int}:
                    shown = pc.cast(pa.array(values, pa.int64()), pa.string())
                elif kinds <= {date}:
                    days = pc.cast(pa.array(values, pa.date32()), pa.int32())
                    shown = pc.cast(pc.add(days, (date(1970, 1, 1) - _EXCEL_EPOCH).days), pa.string())
                    style = style or f' s="{self.date_style}"'
                else:
                    numbers_ = pa.array(values, pa.float64())
                    finite = pc.if_else(pc.is_finite(numbers_), numbers_, pa.scalar(None, pa.float64()))
                    shown = pc.cast(finite, pa.string())
                cells = pc.binary_join_element_wise(reference, numbers, f'"{style}><v>', shown, "</v></c>", "")
            else:
                raise TypeError(kinds)
        except (TypeError, ValueError, pa.ArrowException):  # mixed or unusual values: cell by cell
            cells = pa.array(
                [self.cell(column, number, value) for number, value in enumerate(values, start=first)], pa.string()
            )
        return pc.fill_null(cells, "")


def _serial(value: object) -> object:
    """A date, datetime, time or timedelta as Excel's serial number (days since 30.12.1899)."""
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86_400 if delta.seconds or delta.microseconds else delta.days
    if isinstance(value, date):
        return (value - _EXCEL_EPOCH).days
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86_400
    if isinstance(value, timedelta):
        return value.total_seconds() / 86_400
    return value


def _styles_xml(formats: list[str]) -> str:
    """The styles part: plain, bold heading, quote prefix, then one style per number format in `formats`."""
    custom = [f for f in formats if f not in _BUILTIN_FORMATS]
    ids = {f: _BUILTIN_FORMATS.get(f) or 164 + custom.index(f) for f in formats}
    number_formats = "".join(f'<numFmt numFmtId="{ids[f]}" formatCode="{escape_attribute(f)}"/>' for f in custom)
    xfs = [
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>',
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>',
        *(
            f'<xf numFmtId="{ids[f]}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            for f in formats
        ),
    ]
    return (
        f'{_XML_HEAD}<styleSheet xmlns="{_MAIN_NS}">'
        + (f'<numFmts count="{len(custom)}">{number_formats}</numFmts>' if custom else "")
        + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        "</fill></fills>"
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def escape_attribute(text: str) -> str:
    """Text for an XML attribute value in double quotes."""
    return text.translate(_XML_ESCAPES).replace('"', "&quot;")


def _write_sheet(archive: zipfile.ZipFile, path: str, sheet: StreamedSheet, styles: dict[str, int]) -> str:
    """Write one sheet's part; the filter's range (A1:…)."""
    columns = len(sheet.headings)
    writer = _SheetWriter(columns, [styles[f] if f else _STYLE_PLAIN for f in sheet.formats], styles["DD.MM.YYYY"])
    widths = "".join(
        f'<col min="{index}" max="{index}" width="{width:g}" customWidth="1"/>'
        for index, width in enumerate(sheet.widths, start=1)
    )
    info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    last_row = 1
    with archive.open(info, "w") as part:
        part.write(
            (
                f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
                '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
                f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
            ).encode()
        )
        heading = "".join(
            f'<c r="{letter}1" s="{_STYLE_HEADING}" t="inlineStr">{_text_xml(str(text))}</c>'
            for letter, text in zip(writer.letters, sheet.headings, strict=True)
        )
        part.write(f'<row r="1">{heading}</row>'.encode())
        rows = iter(sheet.rows)
        while batch := list(itertools.islice(rows, _STREAM_CHUNK_ROWS)):
            part.write(writer.batch(last_row + 1, batch))
            last_row += len(batch)
        filter_range = f"A1:{writer.letters[-1]}{last_row}"
        part.write(
            (
                f'</sheetData><autoFilter ref="{filter_range}"/>'
                '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'
            ).encode()
        )
    return filter_range


def write_streamed(
    sheets: Iterable[StreamedSheet], target: str | Path | io.BytesIO | None = None, compresslevel: int = 1
) -> bytes:
    """A workbook written row by row (see `StreamedSheet`), reproducible (fixed times: the same rows give the same
    bytes); returned, and written to `target` if given. A fast compression: the rows of a large state repeat."""
    sheets = list(sheets)
    formats = list(dict.fromkeys(["DD.MM.YYYY", *(f for sheet in sheets for f in sheet.formats if f)]))
    styles = {f: 3 + index for index, f in enumerate(formats)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as archive:

        def part(path: str, content: str) -> None:
            info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8"))

        ranges = [
            _write_sheet(archive, f"xl/worksheets/sheet{index}.xml", sheet, styles)
            for index, sheet in enumerate(sheets, start=1)
        ]
        numbered = list(enumerate(sheets, start=1))
        part(
            "[Content_Types].xml",
            f'{_XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{index}.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for index, _ in numbered
            )
            + '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>',
        )
        part(
            "_rels/.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL_NS}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>",
        )
        part(
            "docProps/core.xml",
            f'{_XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>AQB-Dashboard</dc:creator>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2025-01-01T00:00:00Z</dcterms:modified>'
            "</cp:coreProperties>",
        )
        part(
            "docProps/app.xml",
            f'{_XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>AQB-Dashboard</Application></Properties>",
        )
        part(
            "xl/workbook.xml",
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><bookViews><workbookView/></bookViews>'
            "<sheets>"
            + "".join(
                f'<sheet name="{escape_attribute(cell_text(sheet.name)[:31])}" sheetId="{index}" r:id="rId{index}"/>'
                for index, sheet in numbered
            )
            + "</sheets><definedNames>"
            + "".join(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index - 1}" hidden="1">'
                f"{escape_attribute(_sheet_reference(sheet.name, filter_range))}</definedName>"
                for (index, sheet), filter_range in zip(numbered, ranges, strict=True)
            )
            + "</definedNames></workbook>",
        )
        part(
            "xl/_rels/workbook.xml.rels",
            f'{_XML_HEAD}<Relationships xmlns="{_PACKAGE_REL_NS}">'
            + "".join(
                f'<Relationship Id="rId{index}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{index}.xml"/>'
                for index, _ in numbered
            )
            + f'<Relationship Id="rId{len(sheets) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        part("xl/styles.xml", _styles_xml(formats))
    content = buffer.getvalue()
    if isinstance(target, io.BytesIO):
        target.write(content)
    elif target is not None:
        Path(target).write_bytes(content)
    return content


def _sheet_reference(name: str, cells: str) -> str:
    """`'Blatt'!$A$1:$N$20` for a range of a sheet."""
    start, end = cells.split(":")
    absolute = ":".join("$" + re.sub(r"(\d+)$", r"$\1", part) for part in (start, end))
    return "'" + cell_text(name)[:31].replace("'", "''") + "'!" + absolute
