"""Checks on an .xlsx package before its cells are read: size, zip structure, XML bombs, formulas.

An .xlsx file is a zip of XML parts. A hostile or broken file is refused here with a German reason,
before anything expensive or dangerous happens: too large, not a zip, truncated, a zip bomb, XML with
DTD/entity definitions (billion laughs), or sheets with more rows than a district report can have.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring, iterparse

MAX_FILE_BYTES = 20 * 1024 * 1024  # as the upload limit in .streamlit/config.toml
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 200_000
MAX_COLUMNS = 100  # up to column CV; a report has about 15
_CHUNK = 1 << 20
_OVERLAP = 256
# Patterns allow other attributes before `r` (Excel writes `<c r=…>`, other tools `<c t=… r=…>`).
# A cell beyond column CV (CW…ZZ, or three letters):
_TOO_WIDE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="(?:[A-Z]{3}|C[W-Z]|[D-Z][A-Z])\d')
_ROW_TAG = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="(\d+)"')
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\st="e"')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class PackageError(ValueError):
    """The file cannot be read as a workbook; the message says why, in German."""


@dataclass
class PackageInfo:
    """What the package check learned: per sheet name its XML part, rows, width, and cells without a value."""

    sheet_parts: dict[str, str] = field(default_factory=dict)
    sheet_rows: dict[str, int] = field(default_factory=dict)
    too_wide: set[str] = field(default_factory=set)
    cells_without_value: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)
    utf16_parts: set[str] = field(default_factory=set)  # XML parts in UTF-16 (allowed, but the cell reader needs UTF-8)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part, from workbook.xml and its relationships."""
    workbook = fromstring(archive.read("xl/workbook.xml"), forbid_dtd=True)
    try:
        rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"), forbid_dtd=True)
    except KeyError:
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


@dataclass
class _Scan:
    dtd: bool = False
    last_row: int = 0
    too_wide: bool = False
    formulas_or_errors: bool = False


def _scan(archive: zipfile.ZipFile, part: str) -> _Scan:
    """Stream one XML part once: DTD/entity definitions anywhere; for sheets the last row, cells beyond
    MAX_COLUMNS, and whether formulas or error values occur.

    The cell reader allocates a grid up to the furthest cell, so this must be known before it runs.
    """
    found = _Scan()
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            found.dtd = found.dtd or _DTD.search(window) is not None
            found.too_wide = found.too_wide or _TOO_WIDE.search(window) is not None
            found.formulas_or_errors = found.formulas_or_errors or bool(
                _FORMULA_TAG.search(window) or _ERROR_CELL.search(window)
            )
            rows = _ROW_TAG.findall(window)
            if rows:
                found.last_row = max(found.last_row, *(int(r) for r in rows))
            tail = window[-_OVERLAP:]
    return found


def _no_result(cell_type: str | None, value: object) -> bool:
    """True for a formula never calculated: no stored value, or an empty one that is not a text result
    (openpyxl writes `<v />`; Excel writes an empty text result as `t="str"` with `<v/>`)."""
    if value is None:
        return True
    return not (value.text or "").strip() and cell_type != "str"  # type: ignore[attr-defined]


def _cells_without_value(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str | None]]:
    """Cells whose value cannot be read: (cell, None) for a formula never calculated, (cell, "#DIV/0!") for a
    stored Excel error. An empty text result is a value."""
    cells = []
    with archive.open(part) as stream:
        for _, element in iterparse(stream, forbid_dtd=True):
            if element.tag == f"{_MAIN}c":
                value = element.find(f"{_MAIN}v")
                if element.get("t") == "e":
                    cells.append((element.get("r", "?"), (value.text or "").strip() if value is not None else "#WERT!"))
                elif element.find(f"{_MAIN}f") is not None and _no_result(element.get("t"), value):
                    cells.append((element.get("r", "?"), None))
                element.clear()
    return cells


_UTF16_DECLARATION = re.compile(r"""(<\?xml[^>]*encoding=["'])utf-16(["'])""", re.IGNORECASE)


def as_utf8(data: bytes, parts: set[str]) -> bytes:
    """The package with these XML parts rewritten from UTF-16 to UTF-8 (their declaration too)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename in parts:
                content = _UTF16_DECLARATION.sub(r"\1UTF-8\2", content.decode("utf-16"), count=1).encode("utf-8")
            target.writestr(member, content)
    return buffer.getvalue()


def inspect_package(data: bytes) -> PackageInfo:
    """Check an .xlsx package and describe its sheets; PackageError (German) if it must be refused."""
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        raise PackageError(
            f"Die Datei ist größer als die erlaubten {MAX_FILE_BYTES // 1024 // 1024} MB ({size} MB); "
            "bitte nur die Blätter des Berichts schicken"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise PackageError("Die Datei ist beschädigt oder unvollständig (kein gültiges .xlsx-Archiv)") from None
    unpacked = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
        raise PackageError("Die Datei entpackt sich auf ein Vielfaches ihrer Größe (Zip-Bombe) und wird nicht gelesen")
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names:
        raise PackageError("Die Datei ist ein Zip-Archiv, aber keine Excel-Arbeitsmappe (.xlsx)")
    try:
        scans = {m.filename: _scan(archive, m.filename) for m in members if m.filename.endswith((".xml", ".rels"))}
        for name, scan in scans.items():
            if scan.dtd:
                raise PackageError(
                    f"Die Datei enthält unzulässige XML-Definitionen (DOCTYPE/ENTITY in {name}) "
                    "und wird aus Sicherheitsgründen nicht gelesen"
                )
        info = PackageInfo(sheet_parts=_sheet_parts(archive))
        for sheet, part in info.sheet_parts.items():
            if part not in scans:
                continue
            with archive.open(part) as stream:
                if stream.read(2) in (b"\xff\xfe", b"\xfe\xff"):
                    info.utf16_parts.add(part)
            scan = scans[part]
            info.sheet_rows[sheet] = scan.last_row
            if scan.too_wide:
                info.too_wide.add(sheet)
            unreadable = _cells_without_value(archive, part) if scan.formulas_or_errors else []
            if unreadable:
                info.cells_without_value[sheet] = unreadable
    except (zipfile.BadZipFile, EOFError, KeyError, OSError, zlib.error):
        raise PackageError("Die Datei ist beschädigt oder unvollständig (Teile des Archivs fehlen)") from None
    except DefusedXmlException:
        raise PackageError(
            "Die Datei enthält unzulässiges XML (Entitäten oder eine DTD, die eine Excel-Datei nie braucht)"
        ) from None
    except SyntaxError:
        raise PackageError("Die Datei enthält fehlerhaftes XML (beschädigt oder falsch kodiert)") from None
    return info
