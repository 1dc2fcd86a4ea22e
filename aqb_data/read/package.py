"""Checks on an .xlsx package before its cells are read: size, zip structure, XML, extent of every sheet.

An .xlsx file is a zip of XML parts. A hostile or broken file is refused here with a German reason,
before anything expensive or dangerous happens: too large, not a zip, truncated, a zip bomb, XML with
DTD/entity definitions (billion laughs), or sheets larger than a district report can be.

The cell reader (calamine) allocates a grid up to the furthest cell of a sheet, so every part it will
read is parsed here first, once, with expat (DTDs refused, time linear in the size of the part), and
exactly as calamine finds it: the workbook folder named by `_rels/.rels`, part names matched without
regard to case, elements by their local name whatever their prefix, a row or cell without `r` placed
by its order. Parts calamine never reads are not parsed.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pyexpat import ExpatError, ParserCreate

MAX_FILE_BYTES = 20 * 1024 * 1024  # as the upload limit in .streamlit/config.toml
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 100_000  # a report of this size is checked well within the reader's 20 s of CPU (sandbox.py)
MAX_COLUMNS = 100  # up to column CV; a report has about 15
# expat before 2.6 scans an unfinished tag or comment again with every chunk fed to it: a tag of megabytes
# would cost quadratic time. No tag, comment or processing instruction of a workbook comes near this size.
MAX_TOKEN_BYTES = 2 * 1024 * 1024
_CHUNK = 1 << 20
_OFFICE_DOCUMENT = "/relationships/officeDocument"
_SHEET_TYPES = ("worksheet", "chartsheet", "dialogsheet")
# With one of these the cell reader, failing on the workbook, would fall back to reading the file as .xlsb
# or OpenDocument, whose parts are not checked here.
_OTHER_FORMATS = ("xl/workbook.bin", "xl/_rels/workbook.bin.rels", "mimetype")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_DAMAGED = "Die Datei ist beschädigt oder unvollständig (Teile des Archivs fehlen)"
_NOT_EXCEL = "Die Datei ist ein Zip-Archiv, aber keine Excel-Arbeitsmappe (.xlsx)"


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
    parts: list[str] = field(default_factory=list)  # every part parsed and checked, as the archive names it


class _DoctypeError(Exception):
    """A part declares a DTD (and with it, possibly, entities)."""


class _MalformedError(Exception):
    """A part is XML, but not as a workbook's part can be (the reason in German)."""


class _UnreadablePartError(PackageError):
    """A part is not well-formed XML, or not shaped as its kind of part must be."""


def _refuse_doctype(*_: object) -> None:
    raise _DoctypeError


def _local(name: str) -> str:
    """The element's name without its prefix, as the cell reader compares it (`x:c` → `c`)."""
    return name[name.find(":") + 1 :]


def column_letters(number: int) -> str:
    """Excel's column letters for a 0-based column index (0 → A, 99 → CV)."""
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_DIGITS = "0123456789"


@functools.cache
def _column(letters: str) -> int | None:
    """0-based column of column letters in either case (-1 for none), None if the reader would refuse them."""
    if letters and not (letters.isascii() and letters.isalpha()):
        return None
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - 64
    return column - 1


def _position(reference: str) -> tuple[int, int | None] | None:
    """(row, column), 0-based, of a reference such as `B7`, as the cell reader reads it (letters in either case,
    no `$`); column None for a bare row number; None if the reader would refuse it."""
    letters = reference.rstrip(_DIGITS)
    digits = reference[len(letters) :]
    column = _column(letters)
    if not digits or column is None or digits.count("0") == len(digits):
        return None
    return int(digits) - 1, column if column >= 0 else None


def _encoding_of(start: bytes) -> str | None:
    """`utf-16-le`/`utf-16-be` for a part in UTF-16 (by its byte-order mark or its first character), else None."""
    if start.startswith((b"\xff\xfe", b"<\x00")):
        return "utf-16-le"
    if start.startswith((b"\xfe\xff", b"\x00<")):
        return "utf-16-be"
    return None


@dataclass
class _Sheet:
    """What a sheet part holds: its extent (1-based) and the cells without a readable value."""

    rows: int = 0
    columns: int = 0
    cells_without_value: list[tuple[str, str | None]] = field(default_factory=list)


def _directory_counts_agree(data: bytes, members: int) -> bool:
    """True if the zip's closing record counts the entries its directory holds (ZIP64 counts are not checked).

    A reader that trusts the count and one that walks the directory would otherwise see different files.
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 12 > len(data):
        return False
    on_disk, total = struct.unpack_from("<HH", data, end + 8)
    return 0xFFFF in (on_disk, total) or on_disk == total == members


class _Package:
    """The zip archive and the parts read from it so far."""

    def __init__(self, data: bytes) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            members = self.archive.infolist()
        except (zipfile.BadZipFile, EOFError, ValueError):
            raise PackageError("Die Datei ist beschädigt oder unvollständig (kein gültiges .xlsx-Archiv)") from None
        if not _directory_counts_agree(data, len(members)):
            raise PackageError(_DAMAGED)
        unpacked = sum(member.file_size for member in members)
        packed = max(1, sum(member.compress_size for member in members))
        if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
            raise PackageError(
                "Die Datei entpackt sich auf ein Vielfaches ihrer Größe (Zip-Bombe) und wird nicht gelesen"
            )
        # The cell reader finds a part by its name in any case and with `\` for `/`: two members that it cannot
        # tell apart leave open which one it reads.
        self.members: dict[str, zipfile.ZipInfo] = {}
        for member in members:
            key = member.filename.replace("\\", "/").translate(_ASCII_LOWER)
            if key in self.members:
                raise PackageError(
                    f"Die Datei ist beschädigt: der Teil „{member.filename}“ ist doppelt enthalten; "
                    "bitte die Datei in Excel öffnen und neu speichern"
                )
            self.members[key] = member
        for name in _OTHER_FORMATS:
            if name in self.members:
                raise PackageError(
                    f"Die Datei enthält Teile eines anderen Tabellenformats ({self.members[name].filename}); "
                    "bitte in Excel als Arbeitsmappe (.xlsx) speichern"
                )
        self.utf16_parts: set[str] = set()
        self.parsed: list[str] = []

    def find(self, path: str) -> zipfile.ZipInfo | None:
        """The member the cell reader opens for `path`, or None if there is none."""
        return self.members.get(path.translate(_ASCII_LOWER))

    def parse(self, member: zipfile.ZipInfo, setup: Callable[[object], None] | None = None) -> None:
        """Stream the member through expat once, with the handlers `setup` installs; DTDs are refused."""
        parser = ParserCreate()
        parser.buffer_text = True
        parser.ordered_attributes = True
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        if setup:
            setup(parser)
        fed = 0
        try:
            with self.archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    if fed == 0 and _encoding_of(chunk[:2]):
                        self.utf16_parts.add(member.filename)
                    parser.Parse(chunk, False)
                    fed += len(chunk)
                    if fed - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                        limit = MAX_TOKEN_BYTES // 1024 // 1024
                        raise _MalformedError(f"ein einzelnes Element ist größer als {limit} MB")
                parser.Parse(b"", True)
            self.parsed.append(member.filename)
        except _DoctypeError:
            raise PackageError(
                f"Die Datei enthält unzulässige XML-Definitionen (DOCTYPE/ENTITY in {member.filename}) "
                "und wird aus Sicherheitsgründen nicht gelesen"
            ) from None
        except ExpatError as error:
            raise _UnreadablePartError(
                f"Die Datei enthält fehlerhaftes XML in {member.filename}, Zeile {error.lineno} "
                "(beschädigt oder falsch kodiert)"
            ) from None
        except _MalformedError as error:
            raise _UnreadablePartError(f"Die Datei enthält fehlerhaftes XML in {member.filename}: {error}") from None
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError, RuntimeError):
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method
            raise PackageError(_DAMAGED) from None

    def elements(self, member: zipfile.ZipInfo, wanted: str) -> list[dict[str, str]]:
        """The attributes of every element with this local name, in document order."""
        found: list[dict[str, str]] = []

        def start(name: str, attributes: list[str]) -> None:
            if _local(name) == wanted:
                found.append(dict(zip(attributes[::2], attributes[1::2], strict=True)))

        def setup(parser: object) -> None:
            parser.StartElementHandler = start  # type: ignore[attr-defined]

        self.parse(member, setup)
        return found


def _target(value: str) -> str:
    """A relationship's target; one with white space or control characters is refused (the cell reader would
    read it unnormalized, expat normalizes it: the two could name different parts)."""
    if any(ord(character) <= 32 for character in value):
        raise PackageError(f"Die Datei enthält einen ungültigen Verweis auf einen Teil („{value.strip()}“)")
    return value


def _workbook_folder(package: _Package) -> str:
    """The folder of the workbook part (`xl/`), from the package relationships, as the cell reader finds it."""
    rels = package.find("_rels/.rels")
    if rels is None:
        raise PackageError(_NOT_EXCEL)
    target = None
    for relationship in package.elements(rels, "Relationship"):
        if relationship.get("Type", "").endswith(_OFFICE_DOCUMENT) and "Target" in relationship:
            target = _target(relationship["Target"])  # the last one counts, as in the cell reader
    if target is None:
        raise PackageError(_NOT_EXCEL)
    folder = target[: target.rfind("/") + 1]
    return folder.removeprefix("/")


def _sheets(package: _Package, folder: str) -> list[tuple[str, str]]:
    """(name, part path) of every sheet in the workbook, in its order, with paths as the cell reader forms them."""
    workbook = package.find(f"{folder}workbook.xml")
    if workbook is None:
        raise PackageError(_NOT_EXCEL)
    rels = package.find(f"{folder}_rels/workbook.xml.rels")
    if rels is None:
        raise PackageError(_DAMAGED)
    relationships = {
        rel["Id"]: (rel.get("Target", ""), rel.get("Type", ""))
        for rel in package.elements(rels, "Relationship")
        if "Id" in rel
    }
    sheets = []
    seen: dict[str, str] = {}
    for sheet in package.elements(workbook, "sheet"):
        ids = [value for key, value in sheet.items() if _local(key) == "id"]
        if not ids or ids[-1] not in relationships:
            raise PackageError(_DAMAGED)
        target, kind = relationships[ids[-1]]
        target = _target(target)
        if kind.rsplit("/", 1)[-1] not in _SHEET_TYPES:
            raise PackageError(_DAMAGED)
        name = sheet.get("name", "")
        # A tab or line break in a name is read as a space here, as itself by the cell reader: names that differ
        # only there would be confused (Excel allows neither twice the same name nor these characters).
        key = " ".join(name.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").split("\n"))
        if key in seen:
            raise PackageError(f"Die Arbeitsmappe enthält mehr als ein Blatt namens „{name}“")
        seen[key] = name
        sheets.append((name, target.removeprefix("/") if target.startswith("/") else f"{folder}{target}"))
    return sheets


def _no_result(cell_type: str | None, value: str | None) -> bool:
    """True for a formula never calculated: no stored value, or an empty one that is not a text result
    (openpyxl writes `<v />`; Excel writes an empty text result as `t="str"` with `<v/>`)."""
    return value is None or (not value.strip() and cell_type != "str")


def _scan_sheet(package: _Package, member: zipfile.ZipInfo) -> _Sheet:
    """Stream a sheet part once: its extent from every cell, row and merged range, and its cells without a value.

    Cells and rows are placed as the cell reader places them: by `r` (in either quote style, letters in either
    case), else by order (the n-th cell of a row is column n, a row follows the one before). A cell outside a
    row, or a row outside `sheetData`, is refused: the reader would place it differently from its nesting.
    """
    found: list[tuple[tuple[int, int], str | None]] = []  # (row, column) and None or the Excel error
    stack: list[str] = []
    rows = columns = 0  # the extent, 1-based
    row, column = -1, 0  # where the next cell without `r` goes, 0-based, as the reader counts
    at = (0, 0)  # the open cell's position
    cell_type: str | None = None
    formula = False
    value: str | None = None  # the open cell's <v>: None if it has none
    text: list[str] = []
    parsers: list[object] = []

    def collect(data: str) -> None:
        text.append(data)

    def attribute(attributes: list[str], wanted: str) -> str | None:
        for index in range(0, len(attributes), 2):
            if attributes[index] == wanted:
                return attributes[index + 1]
        return None

    def start(name: str, attributes: list[str]) -> None:
        nonlocal rows, columns, row, column, at, cell_type, formula, value
        local = name[name.find(":") + 1 :]
        parent = stack[-1] if stack else ""
        stack.append(local)
        if local == "c":
            if parent != "row":
                raise _MalformedError("eine Zelle steht außerhalb einer Zeile")
            reference = cell_type = None
            for index in range(0, len(attributes), 2):
                if attributes[index] == "r":
                    reference = attributes[index + 1]
                elif attributes[index] == "t":
                    cell_type = attributes[index + 1]
            position = _position(reference) if reference is not None else None
            at = (row, column) if position is None or position[1] is None else position  # type: ignore[assignment]
            column = at[1] + 1
            if at[0] >= rows:
                rows = at[0] + 1
            if column > columns:
                columns = column
            formula, value = False, None
        elif local == "row":
            if parent != "sheetData":
                raise _MalformedError("eine Zeile steht außerhalb der Tabellendaten")
            reference = attribute(attributes, "r")
            position = _position(reference) if reference is not None else None
            row = position[0] if position is not None else row + 1
            column = 0
            if row >= rows:
                rows = row + 1
        elif parent == "c":
            if local == "f":
                formula = True
            elif local == "v":
                value = ""
                if formula or cell_type == "e":  # only these values are looked at; the others cost no time
                    text.clear()
                    parsers[0].CharacterDataHandler = collect  # type: ignore[attr-defined]
                else:
                    value = "?"  # a value before its formula (Excel writes the formula first): taken as a result
        elif local == "mergeCell":
            for corner in (attribute(attributes, "ref") or "").split(":"):
                position = _position(corner)
                if position is not None and position[1] is not None:
                    rows = max(rows, position[0] + 1)
                    columns = max(columns, position[1] + 1)

    def end(_: str) -> None:
        nonlocal value
        local = stack.pop()
        if local == "c":
            if cell_type == "e":
                found.append((at, value.strip() if value is not None else "#WERT!"))
            elif formula and _no_result(cell_type, value):
                found.append((at, None))
        elif local == "v" and stack and stack[-1] == "c" and parsers[0].CharacterDataHandler:  # type: ignore[attr-defined]
            parsers[0].CharacterDataHandler = None  # type: ignore[attr-defined]
            value = "".join(text)

    def setup(parser: object) -> None:
        parsers.append(parser)
        parser.StartElementHandler = start  # type: ignore[attr-defined]
        parser.EndElementHandler = end  # type: ignore[attr-defined]

    package.parse(member, setup)
    cells = [(f"{column_letters(c)}{r + 1}", error) for (r, c), error in found]
    return _Sheet(rows, columns, cells)


def checked_package(data: bytes, info: PackageInfo) -> bytes:
    """The package rebuilt from exactly the parts the check parsed, uncompressed, UTF-16 parts as UTF-8.

    The cell reader then sees the bytes that were checked and nothing else: no second reading of the zip's
    headers (a local header may disagree with the directory) and no part the check did not look at.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for name in dict.fromkeys(info.parts):
            content = source.read(name)
            codec = _encoding_of(content[:2]) if name in info.utf16_parts else None
            if codec:
                text = content.decode(codec).removeprefix("\ufeff")
                if text.startswith("<?xml"):  # only the declaration, never a `<?xml` further on
                    end = text.find("?>") + 2
                    text = re.sub(r"(?i)utf-16", "UTF-8", text[:end], count=1) + text[end:]
                content = text.encode("utf-8")
            target.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content)
    return buffer.getvalue()


def inspect_package(data: bytes) -> PackageInfo:
    """Check an .xlsx package and describe its sheets; PackageError (German) if it must be refused."""
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}".replace(".", ",")
        raise PackageError(
            f"Die Datei ist größer als die erlaubten {MAX_FILE_BYTES // 1024 // 1024} MB ({size} MB); "
            "bitte nur die Blätter des Berichts schicken"
        )
    package = _Package(data)
    folder = _workbook_folder(package)
    sheets = _sheets(package, folder)
    for path in ("[Content_Types].xml", f"{folder}sharedStrings.xml", f"{folder}styles.xml"):
        member = package.find(path)
        if member is not None:
            package.parse(member)
    info = PackageInfo()
    scanned: dict[str, _Sheet | None] = {}
    for name, path in sheets:
        member = package.find(path)
        if member is None:
            continue  # the cell reader reports the sheet as unreadable
        if member.filename not in scanned:
            try:
                scanned[member.filename] = _scan_sheet(package, member)
            except _UnreadablePartError:
                scanned[member.filename] = None
        found = scanned[member.filename]
        if found is None:
            continue  # not in sheet_rows: the reader reports the sheet as unreadable and never reads it
        info.sheet_parts[name] = member.filename
        info.sheet_rows[name] = found.rows
        if found.columns > MAX_COLUMNS:
            info.too_wide.add(name)
        if found.cells_without_value:
            info.cells_without_value[name] = found.cells_without_value
    info.utf16_parts = package.utf16_parts
    info.parts = package.parsed
    return info
