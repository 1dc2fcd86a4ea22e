"""Hostile and broken files (issue 4, item 6): each gets a German message and changes nothing.

Every file is built here (openpyxl, zipfile, raw bytes). For each one, `read_workbook` returns an error
that says in German what is wrong (and where, when it can), and `python -m aqb_data import` exits 1 with
that message on stderr, prints no traceback and leaves the store exactly as it was.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pytest
from openpyxl import Workbook
from pandas.testing import assert_frame_equal

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.model import TABLES
from aqb_data.domain.problems import Severity
from aqb_data.read.package import MAX_COLUMNS, MAX_COMPRESSION_RATIO, MAX_FILE_BYTES, MAX_ROWS, MAX_UNPACKED_BYTES
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import Store, open_store
from tests.workbooks import make_workbook

ROOT = Path(__file__).resolve().parents[2]
FILE = "bericht.xlsx"
SHEET_XML = "xl/worksheets/sheet1.xml"
# Geplante Mittel in column F, so that F3 can hold a formula over F2.
HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Träger", "Geplante Mittel (EUR)"]
AVIA = [2025, "06635", 1, "AVIA", "Bildungswerk Nordhessen", 120000]
CHECKPOINT = [2025, "06635", 3, "Checkpoint", "Bildungswerk Nordhessen"]
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NO_SHEET = "Keines der Blätter „Zielvereinbarungen“, „Projekte“, „Umsetzungsstand“, „Änderungen“ gefunden"
HIDDEN = "Das Blatt ist ausgeblendet und wird nicht gelesen; zum Einlesen bitte in Excel einblenden"


# --- building the files ------------------------------------------------------------------------------


def projects_workbook(*rows: list[object]) -> bytes:
    """A valid one-sheet workbook (`Projekte`, headings, AVIA) followed by `rows`."""
    return make_workbook({"Projekte": [HEADINGS, AVIA, *rows]})


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one part's XML changed (the change must actually change it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            content = source.read(name)
            if name == part:
                changed = change(content)
                assert changed != content, f"{part} was not changed"
                content = changed
            archive.writestr(name, content)
    return buffer.getvalue()


def replace_in(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    def change(content: bytes) -> bytes:
        assert content.count(old) == 1, f"{old!r} not found once in {part}"
        return content.replace(old, new)

    return rewrite(data, part, change)


def truncated() -> bytes:
    data = projects_workbook()
    return data[: len(data) // 2]


def word_document() -> bytes:
    """A .docx renamed to .xlsx: a zip, but no workbook in it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="urn:w"/>')
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A valid workbook plus one member of 250 MB of zeros (about 250 KB packed), written in 1 MB pieces."""
    buffer = io.BytesIO(projects_workbook())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive, archive.open("xl/media/image1.bin", "w") as out:
        zeros = bytes(1 << 20)
        for _ in range(250):
            out.write(zeros)
    data = buffer.getvalue()
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/media/image1.bin")
    assert info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
    assert info.file_size < MAX_UNPACKED_BYTES  # it is the ratio that gives it away, not the size alone
    return data


_LOL = b'<!ENTITY lol "lol">' + b"".join(
    b'<!ENTITY lol%d "%s">' % (level, (b"&lol%s;" % (b"" if level == 2 else b"%d" % (level - 1))) * 10)
    for level in range(2, 10)
)
BILLION_LAUGHS = b"<!DOCTYPE lolz [" + _LOL + b"]>"


def xml_bomb(prefix: bytes = b"") -> bytes:
    """Billion laughs in the sheet: a DOCTYPE with nested entities, and a cell that uses the outermost."""

    def change(content: bytes) -> bytes:
        assert content.startswith(b"<worksheet"), content[:60]
        return prefix + BILLION_LAUGHS + content.replace(b"<t>AVIA</t>", b"<t>&lol9;</t>")

    return rewrite(projects_workbook(), SHEET_XML, change)


FORMULA_F3 = b'<c r="F3"><f>F2*2</f><v /></c>'


def formula_without_value() -> bytes:
    """F3 = F2*2 as openpyxl writes it: the formula and an empty value, no result. (openpyxl writes `<v />`
    with its own XML writer and `<v></v>` where lxml is installed; the cell is made the same for both.)"""
    data = projects_workbook([*CHECKPOINT, "=F2*2"])
    written = re.search(
        rb'<c r="F3"><f>F2\*2</f>(<v ?/>|<v></v>)</c>', zipfile.ZipFile(io.BytesIO(data)).read(SHEET_XML)
    )
    assert written, "openpyxl wrote the formula cell differently"
    return replace_in(data, SHEET_XML, written.group(0), FORMULA_F3)


def with_f3(cell: bytes) -> bytes:
    """The formula workbook with cell F3 written by hand (as Excel writes it after calculating)."""
    return replace_in(formula_without_value(), SHEET_XML, FORMULA_F3, cell)


def merged(cells: str, title: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Projekte"
    if title:
        sheet.append([title])
    for row in (HEADINGS, AVIA, [*CHECKPOINT, 100000]):
        sheet.append(row)
    sheet.merge_cells(cells)
    return saved(workbook)


def hidden_beside(visible: str | None, state: str = "hidden") -> bytes:
    """A hidden `Projekte` sheet, after a visible sheet `visible` (or, with None, as the only sheet)."""
    workbook = Workbook()
    workbook.active.title = visible or "Platzhalter"
    projects = workbook.create_sheet("Projekte")
    for row in (HEADINGS, AVIA):
        projects.append(row)
    projects.sheet_state = state
    if visible:
        return saved(workbook)
    # Excel and openpyxl refuse to hide the only sheet; a file can still say so.
    workbook.remove(workbook["Platzhalter"])
    projects.sheet_state = "visible"
    return replace_in(saved(workbook), "xl/workbook.xml", b'state="visible"', f'state="{state}"'.encode())


def million_rows() -> bytes:
    """Headings and 999.999 rows of three numbers each, streamed into the sheet part (about 10 MB packed)."""
    buffer = io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(projects_workbook()))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            if name != SHEET_XML:
                archive.writestr(name, source.read(name))
        with archive.open(SHEET_XML, "w") as out:
            out.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>Jahr</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>AGS</t></is></c>'
                b'<c r="C1" t="inlineStr"><is><t>Projekt</t></is></c></row>'
            )
            for start in range(2, 1_000_001, 10_000):
                out.write(
                    "".join(
                        f'<row r="{i}"><c r="A{i}"><v>2025</v></c><c r="B{i}"><v>6635</v></c>'
                        f'<c r="C{i}"><v>{i}</v></c></row>'
                        for i in range(start, min(start + 10_000, 1_000_001))
                    ).encode()
                )
            out.write(b"</sheetData></worksheet>")
    data = buffer.getvalue()
    assert len(data) < MAX_FILE_BYTES
    return data


def far_cell(reference: str) -> bytes:
    """The valid workbook with one more cell, far out (openpyxl writes `<row r=…>` and `<c r=…>` first)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Projekte"
    for row in (HEADINGS, AVIA):
        sheet.append(row)
    sheet[reference] = "x"
    return saved(workbook)


def far_cell_by_hand(row: bytes) -> bytes:
    """The valid workbook with one more row written by hand, its attributes in an order Excel may also use."""
    return replace_in(projects_workbook(), SHEET_XML, b"</sheetData>", row + b"</sheetData>")


# --- the cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """A broken or hostile file and the error a user must see for it."""

    build: Callable[[], bytes]
    message: str  # part of the problem's German text
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None
    column: str | None = None
    isolate: bool = False  # read in a memory-limited child process: the reader might allocate a huge grid
    warning: str | None = None  # a warning printed beside the error


_TOO_WIDE = "Das Blatt hat Zellen jenseits von Spalte CV; ein Bericht hat etwa 15 Spalten"
_CASES = {
    "csv-renamed": Hostile(
        lambda: b"Jahr;AGS;Projekt\n2025;06635;AVIA\n", "Die Datei ist keine Excel-Arbeitsmappe (.xlsx)"
    ),
    "pdf-renamed": Hostile(
        lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
        "Die Datei ist ein PDF, keine Excel-Arbeitsmappe (.xlsx)",
    ),
    "docx-renamed": Hostile(word_document, "Die Datei ist ein Zip-Archiv, aber keine Excel-Arbeitsmappe (.xlsx)"),
    "empty": Hostile(lambda: b"", "Die Datei ist leer"),
    "truncated-zip": Hostile(truncated, "Die Datei ist beschädigt oder unvollständig (kein gültiges .xlsx-Archiv)"),
    "old-xls": Hostile(
        lambda: OLE_HEADER + bytes(4096),
        "Die Datei ist im alten Excel-Format (.xls) oder kennwortgeschützt; bitte als .xlsx speichern",
    ),
    # Excel encrypts a password-protected .xlsx into an OLE compound file (EncryptionInfo and
    # EncryptedPackage streams): on disk it starts with the same OLE header as an old .xls.
    "password-protected": Hostile(
        lambda: OLE_HEADER + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + bytes(4072),
        "Die Datei ist im alten Excel-Format (.xls) oder kennwortgeschützt; bitte als .xlsx speichern",
    ),
    "over-size-limit": Hostile(
        lambda: b"PK\x03\x04" + bytes(MAX_FILE_BYTES + 1 - 4),
        f"Die Datei ist größer als die erlaubten {MAX_FILE_BYTES // 1024 // 1024} MB (20,0 MB)",
    ),
    "zip-bomb": Hostile(
        zip_bomb, "Die Datei entpackt sich auf ein Vielfaches ihrer Größe (Zip-Bombe) und wird nicht gelesen"
    ),
    "xml-bomb": Hostile(
        xml_bomb,
        f"Die Datei enthält unzulässige XML-Definitionen (DOCTYPE/ENTITY in {SHEET_XML}) und wird aus "
        "Sicherheitsgründen nicht gelesen",
    ),
    "formula-without-value": Hostile(
        formula_without_value,
        "Die Zelle enthält eine Formel ohne gespeichertes Ergebnis; bitte die Datei in Excel öffnen, neu berechnen "
        "lassen und speichern",
        sheet="Projekte",
        row=3,
        cell="F3",
        column="Geplante Mittel (EUR)",
    ),
    "merged-headings": Hostile(
        lambda: merged("D1:E1"),
        "Die Zellen sind verbunden; bitte den Zellverbund aufheben und jeden Wert in seine eigene Zelle schreiben",
        sheet="Projekte",
        row=1,
        cell="D1:E1",
    ),
    "merged-data": Hostile(lambda: merged("A2:A3"), "Die Zellen sind verbunden", sheet="Projekte", row=2, cell="A2:A3"),
    "hidden-projekte-beside-hinweise": Hostile(
        lambda: hidden_beside("Hinweise"),
        f"{NO_SHEET} (vorhanden: „Hinweise“, „Projekte“ (ausgeblendet))",
        warning=f"Warnung: {FILE}, Blatt „Projekte“: {HIDDEN}",
    ),
    "hidden-projekte-only-sheet": Hostile(
        lambda: hidden_beside(None),
        f"{NO_SHEET} (vorhanden: „Projekte“ (ausgeblendet))",
        warning=f"Warnung: {FILE}, Blatt „Projekte“: {HIDDEN}",
    ),
    "no-known-sheet": Hostile(
        lambda: make_workbook({"Tabelle1": [["Jahr", "Betrag"], [2025, 1]], "Daten": [[1]]}),
        f"{NO_SHEET} (vorhanden: „Tabelle1“, „Daten“)",
    ),
    "million-rows": Hostile(
        million_rows,
        "Das Blatt hat 1.000.000 Zeilen; ein Bericht darf höchstens 100.000 haben",
        sheet="Projekte",
    ),
    "cell-XFD1048576": Hostile(
        lambda: far_cell("XFD1048576"),
        "Das Blatt hat 1.048.576 Zeilen; ein Bericht darf höchstens 100.000 haben",
        sheet="Projekte",
        isolate=True,
    ),
    "cell-XFD2": Hostile(lambda: far_cell("XFD2"), _TOO_WIDE, sheet="Projekte", isolate=True),
    "cell-CW2": Hostile(lambda: far_cell("CW2"), _TOO_WIDE, sheet="Projekte", isolate=True),
}

_FIXED = {
    "xml-bomb-behind-comment": Hostile(
        lambda: xml_bomb(b"<!--" + b" Vorlage des Landkreises " * 200 + b"-->"),
        f"Die Datei enthält unzulässige XML-Definitionen (DOCTYPE/ENTITY in {SHEET_XML})",
    ),
    "formula-cached-error": Hostile(
        lambda: with_f3(b'<c r="F3" t="e"><f>F2/0</f><v>#DIV/0!</v></c>'),
        "#DIV/0!",
        sheet="Projekte",
        row=3,
        cell="F3",
        column="Geplante Mittel (EUR)",
    ),
    "cell-XFD90000-r-not-first": Hostile(
        lambda: far_cell_by_hand(b'<row r="90000"><c t="inlineStr" r="XFD90000"><is><t>x</t></is></c></row>'),
        _TOO_WIDE,
        sheet="Projekte",
        isolate=True,
    ),
    "row-1048576-r-not-first": Hostile(
        lambda: far_cell_by_hand(
            b'<row spans="1:100" r="1048576"><c r="CV1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        ),
        "Das Blatt hat 1.048.576 Zeilen; ein Bericht darf höchstens 100.000 haben",
        sheet="Projekte",
        isolate=True,
    ),
}

ALL_CASES = {**_CASES, **_FIXED}
CASES = list(ALL_CASES)
# The import command runs the same reader: one case per kind of refusal shows that it exits 1, says why in
# German and changes nothing (each command is a new Python process, so all of them would cost ~15 s).
COMMAND_LINE_CASES = [
    "csv-renamed",  # not a workbook at all
    "truncated-zip",  # a broken archive
    "zip-bomb",  # refused by the package check
    "xml-bomb-behind-comment",  # DTD deep inside a part
    "formula-without-value",  # a problem located at a cell
    "merged-headings",  # a problem located at a range
    "hidden-projekte-only-sheet",  # warning and error together
    "million-rows",  # refused before the cells are read
    "row-1048576-r-not-first",  # the case that used to abort the process
]


@functools.cache
def file_bytes(name: str) -> bytes:
    """Each file is built once, for both tests."""
    return ALL_CASES[name].build()


# --- child processes ---------------------------------------------------------------------------------

# A child process may use at most this much address space: a file that makes the cell reader allocate a
# grid of billions of cells then fails its test instead of exhausting the CI machine. One BLAS thread keeps
# the address space a child reserves at start-up small on machines with many cores.
MEMORY_LIMIT = 3 << 30
CHILD_ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
# Each child spends most of its second importing pandas; a few run side by side.
PARALLEL = min(4, max(2, os.cpu_count() or 2))
TIMEOUT_S = 120
_READ_IN_CHILD = """
import json, sys
from pathlib import Path
from aqb_data.read.workbook import read_workbook
result = read_workbook(Path(sys.argv[1]).read_bytes(), "bericht.xlsx")
print(json.dumps([[p.severity.name, p.sheet, p.row, p.cell, p.column, p.text()] for p in result.problems]))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_all(commands: dict[str, list[str]]) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run the commands (in the project, memory-limited), PARALLEL at a time; each one's exit and output."""
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    running: list[tuple[str, subprocess.Popen[str]]] = []

    def finish(name: str, process: subprocess.Popen[str]) -> None:
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            stderr += f"\n(timeout after {TIMEOUT_S} s)"
        results[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    for name, command in commands.items():
        if len(running) == PARALLEL:
            finish(*running.pop(0))
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=CHILD_ENV,
            preexec_fn=_limit_memory,
        )
        running.append((name, process))
    for name, process in running:
        finish(name, process)
    return results


class Snapshot(NamedTuple):
    """What the store holds: its version, the number of imports, rows per table, and the data itself."""

    version: tuple[int, int]
    imports: int
    counts: dict[str, int]
    data: AqbData


def snapshot(db: Path) -> Snapshot:
    store = Store(db)
    data = store.load()
    return Snapshot(store.version(), len(store.history()), {t.name: len(data.table(t.name)) for t in TABLES}, data)


@dataclass(frozen=True)
class ImportRun:
    """`python -m aqb_data import bericht.xlsx --db …` for one case, and the store before it."""

    db: Path
    before: Snapshot
    result: subprocess.CompletedProcess[str]


@dataclass(frozen=True)
class Children:
    imports: dict[str, ImportRun]
    reads: dict[str, subprocess.CompletedProcess[str]]  # read_workbook in a child, for the isolated cases


@pytest.fixture(scope="module")
def children(tmp_path_factory: pytest.TempPathFactory) -> Children:
    """For every case the import command, each against its own copy of a database holding the demo data."""
    seeded = tmp_path_factory.mktemp("seeded") / "aqb.sqlite"
    open_store(seeded)
    commands, dbs, before = {}, {}, {}
    for name, case in ALL_CASES.items():
        folder = tmp_path_factory.mktemp(name)
        path = folder / FILE
        path.write_bytes(file_bytes(name))
        if case.isolate:  # cases that could take the process down are read in a child process
            commands[f"read {name}"] = [sys.executable, "-c", _READ_IN_CHILD, str(path)]
        if name in COMMAND_LINE_CASES:
            dbs[name] = folder / "aqb.sqlite"
            shutil.copy(seeded, dbs[name])
            before[name] = snapshot(dbs[name])
            commands[f"import {name}"] = [sys.executable, "-m", "aqb_data", "import", str(path), "--db", str(dbs[name])]
    results = run_all(commands)
    return Children(
        imports={name: ImportRun(dbs[name], before[name], results[f"import {name}"]) for name in COMMAND_LINE_CASES},
        reads={name: results[f"read {name}"] for name, case in ALL_CASES.items() if case.isolate},
    )


def crashed(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}: {result.stderr[:600]}"


# --- the tests ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """A problem as the user sees it."""

    severity: str
    sheet: str | None
    row: int | None
    cell: str | None
    column: str | None
    text: str


@pytest.mark.parametrize("name", CASES)
def test_reader_names_what_is_wrong_in_german(name: str, request: pytest.FixtureRequest) -> None:
    case = ALL_CASES[name]
    if case.isolate:
        child = request.getfixturevalue("children").reads[name]
        assert child.returncode == 0, f"read_workbook crashed: {crashed(child)}"
        problems = [Seen(*problem) for problem in json.loads(child.stdout)]
    else:
        result = read_workbook(file_bytes(name), FILE)
        problems = [Seen(p.severity.name, p.sheet, p.row, p.cell, p.column, p.text()) for p in result.problems]
    errors = [p for p in problems if p.severity == Severity.ERROR.name]
    assert errors, f"no error for a file that must be refused: {problems}"
    matching = [p for p in errors if case.message in p.text]
    assert matching, f"no error saying „{case.message}“ in {[p.text for p in errors]}"
    (problem,) = matching
    assert problem.text.startswith(f"Fehler: {FILE}")
    assert (problem.sheet, problem.row, problem.cell, problem.column) == (case.sheet, case.row, case.cell, case.column)
    if case.warning:
        assert case.warning in [p.text for p in problems]


def expected_line(case: Hostile) -> str:
    """The start of the line the import command prints for the case's problem."""
    parts = [f"Fehler: {FILE}"]
    if case.sheet:
        parts.append(f"Blatt „{case.sheet}“")
    if case.row:
        parts.append(f"Zeile {case.row}")
    if case.column:
        parts.append(f"Spalte „{case.column}“ (Zelle {case.cell})")
    elif case.cell:
        parts.append(f"{'Zellen' if ':' in case.cell else 'Zelle'} {case.cell}")
    return ", ".join(parts) + ": "


@pytest.mark.parametrize("name", COMMAND_LINE_CASES)
def test_import_command_refuses_in_german_and_changes_nothing(name: str, children: Children) -> None:
    case, run = ALL_CASES[name], children.imports[name]
    assert run.before.version == (1, 0) and run.before.imports == 1 and run.before.counts["projects"] > 0  # demo
    result = run.result
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1, crashed(result) + result.stdout
    lines = result.stderr.splitlines()
    assert any(line.startswith(expected_line(case)) and case.message in line for line in lines), lines
    assert re.search(r"^Abgelehnt: \d+ Fehler; es wurde nichts gespeichert\.$", result.stderr, re.MULTILINE)
    if case.warning:
        assert case.warning in result.stdout.splitlines()
    after = snapshot(run.db)
    assert (after.version, after.imports, after.counts) == (run.before.version, run.before.imports, run.before.counts)
    for table in TABLES:
        assert_frame_equal(after.data.table(table.name), run.before.data.table(table.name))


# --- what is not hostile -----------------------------------------------------------------------------


def test_formula_with_a_stored_result_is_read_as_that_number() -> None:
    result = read_workbook(with_f3(b'<c r="F3"><f>F2*2</f><v>240000</v></c>'), FILE)
    assert result.problems == []
    projects = result.tables["projects"].set_index("project")
    assert projects.loc["Checkpoint", "planned_eur"] == 240000.0
    assert projects.loc["AVIA", "planned_eur"] == 120000.0


def test_formula_whose_result_is_empty_text_is_an_empty_cell() -> None:
    result = read_workbook(with_f3(b'<c r="F3" t="str"><f>IF(E3="","",E3*2)</f><v/></c>'), FILE)
    assert result.problems == []
    projects = result.tables["projects"].set_index("project")
    assert projects.loc["Checkpoint", "planned_eur"] != projects.loc["Checkpoint", "planned_eur"]  # NaN: empty


def test_merged_title_above_the_headings_is_fine() -> None:
    result = read_workbook(merged("A1:F1", title="Projektliste AQB 2025 – Waldeck-Frankenberg"), FILE)
    assert result.problems == []
    assert list(result.tables["projects"]["project"]) == ["AVIA", "Checkpoint"]
    assert list(result.tables["projects"]["planned_eur"]) == [120000.0, 100000.0]


@pytest.mark.parametrize("visible", ["Hinweise", None], ids=["beside-hinweise", "only-sheet"])
@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_projekte_sheet_is_a_warning_and_not_read(visible: str | None, state: str) -> None:
    result = read_workbook(hidden_beside(visible, state), FILE)
    (warning,) = result.warnings
    assert warning.text() == f"Warnung: {FILE}, Blatt „Projekte“: {HIDDEN}"
    (error,) = result.errors
    assert error.expected.startswith(NO_SHEET)
    assert result.tables["projects"].empty


def test_hidden_projekte_beside_a_visible_sheet_leaves_the_visible_one_read() -> None:
    workbook = Workbook()
    agreements = workbook.active
    agreements.title = "Zielvereinbarungen"
    agreements.append(["Jahr", "AGS", "Haushaltsmittel (EUR)"])
    agreements.append([2025, "06635", "773.920,00"])
    projects = workbook.create_sheet("Projekte")
    projects.append(HEADINGS)
    projects.append(AVIA)
    projects.sheet_state = "hidden"
    result = read_workbook(saved(workbook), FILE)
    assert [p.text() for p in result.problems] == [f"Warnung: {FILE}, Blatt „Projekte“: {HIDDEN}"]
    assert result.tables["projects"].empty
    assert list(result.tables["agreements"]["budget_eur"]) == [773920.0]


def test_limits_are_what_the_messages_say() -> None:
    """The messages above quote these numbers; a changed limit must change them too."""
    assert (MAX_FILE_BYTES, MAX_ROWS, MAX_COLUMNS) == (20 * 1024 * 1024, 100_000, 100)
