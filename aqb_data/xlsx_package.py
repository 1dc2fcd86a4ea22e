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
# A cell reference beyond column CV (CW…ZZ, or three letters), or a row number of seven digits or more.
_TOO_WIDE = re.compile(rb'<(?:\w+:)?c r="(?:[A-Z]{3}|C[W-Z]|[D-Z][A-Z])\d')
_ROW_TAG = re.compile(rb'<(?:\w+:)?row r="(\d+)"')
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class PackageError(ValueError):
    """The file cannot be read as a workbook; the message says why, in German."""


@dataclass
class PackageInfo:
    """What the package check learned: per sheet name its XML part, rows, and formulas without value."""

    sheet_parts: dict[str, str] = field(default_factory=dict)
    sheet_rows: dict[str, int] = field(default_factory=dict)
    too_wide: set[str] = field(default_factory=set)
    formulas_without_value: dict[str, list[str]] = field(default_factory=dict)


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


def _scan(archive: zipfile.ZipFile, part: str) -> tuple[int, bool, bool]:
    """Stream a sheet's XML once: its last row number, whether a cell lies beyond MAX_COLUMNS, any formulas.

    The cell reader allocates a grid up to the furthest cell, so these must be known before it runs.
    """
    last_row, too_wide, formulas = 0, False, False
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            too_wide = too_wide or _TOO_WIDE.search(window) is not None
            formulas = formulas or _FORMULA_TAG.search(window) is not None
            rows = _ROW_TAG.findall(window[-_CHUNK // 4 :]) or _ROW_TAG.findall(window)
            if rows:
                last_row = max(last_row, max(int(r) for r in rows))
            tail = window[-64:]
    return last_row, too_wide, formulas


def _formulas_without_value(archive: zipfile.ZipFile, part: str) -> list[str]:
    """Cells of a sheet part that hold a formula but no stored result."""
    missing = []
    with archive.open(part) as stream:
        for _, element in iterparse(stream, forbid_dtd=True):
            if element.tag == f"{_MAIN}c":
                formula = element.find(f"{_MAIN}f")
                value = element.find(f"{_MAIN}v")
                if formula is not None and (value is None or not (value.text or "").strip()):
                    missing.append(element.get("r", "?"))
                element.clear()
    return missing


def inspect_package(data: bytes) -> PackageInfo:
    """Check an .xlsx package and describe its sheets; PackageError (German) if it must be refused."""
    if len(data) > MAX_FILE_BYTES:
        raise PackageError(
            f"Die Datei ist {len(data) / 1024 / 1024:.1f} MB groß; erlaubt sind höchstens "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB".replace(".", ",")
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
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                with archive.open(member) as stream:
                    head = stream.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise PackageError(
                        f"Die Datei enthält unzulässige XML-Definitionen (DOCTYPE/ENTITY in {member.filename}) "
                        "und wird aus Sicherheitsgründen nicht gelesen"
                    )
        info = PackageInfo(sheet_parts=_sheet_parts(archive))
        for sheet, part in info.sheet_parts.items():
            if part not in names:
                continue
            last_row, too_wide, formulas = _scan(archive, part)
            info.sheet_rows[sheet] = last_row
            if too_wide:
                info.too_wide.add(sheet)
            missing = _formulas_without_value(archive, part) if formulas else []
            if missing:
                info.formulas_without_value[sheet] = missing
    except (zipfile.BadZipFile, EOFError, KeyError, OSError, zlib.error):
        raise PackageError("Die Datei ist beschädigt oder unvollständig (Teile des Archivs fehlen)") from None
    except (DefusedXmlException, SyntaxError) as error:
        raise PackageError(
            f"Die Datei enthält fehlerhaftes oder unzulässiges XML ({error.__class__.__name__})"
        ) from None
    return info
