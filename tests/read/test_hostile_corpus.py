"""The generated hostile-input corpus (issue 7, `tests/hostile_corpus.py`), every case checked in-process.

By default only the fast subset runs (about one case in six, every family at least once). To run every
case of the corpus:

    AQB_HOSTILE_FULL=1 .venv/bin/pytest -q tests/read/test_hostile_corpus.py

For a workbook, `read_workbook` never raises, says every problem in German and names the file; `validate`
and `import` (called through `aqb_data.__main__.main`) exit as defined, print no traceback and no English, and
a refused file leaves a copy of a seeded database exactly as it was (import log, version, rows, bytes).
For an agreement, `read_agreement` returns the agreement or a German reason (or raises the module's own
`AgreementError`, nothing else), and `parse-agreement` exits 0 or 1 with a German message.

A case that shows a bug in the product is marked `xfail(strict=True)` in KNOWN_BUGS with what is wrong.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from aqb_data.__main__ import EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE, main
from aqb_data.domain.model import TABLES
from aqb_data.read.agreement import AgreementError, read_agreement
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import Store, open_store
from tests.hostile_corpus import BASE_AGREEMENT, FILE, Case, agreement_document, all_cases, base_bytes, fast_subset

FULL = os.environ.get("AQB_HOSTILE_FULL") == "1"
CASES = all_cases() if FULL else fast_subset()


def _each(names: str, reason: str) -> dict[str, str]:
    """The same reason for several cases: `names` is a brace pattern such as `a-{x,y}-b`."""
    match = re.fullmatch(r"(.*)\{(.*)\}(.*)", names)
    if not match:
        return {names: reason}
    head, options, tail = match.groups()
    return {f"{head}{option}{tail}": reason for option in options.split(",")}


_MONEY = "{zv-haushaltsmittel-eur-r2,projekte-geplante-mittel-eur-r3,umsetzung-verausgabte-mittel-eur-r3}"
KNOWN_BUGS: dict[str, str] = {
    # Empty: every bug the corpus found is fixed. A new one goes here with what is wrong, e.g.
    # "case-name": "BUG: … (where) – what should happen",
}


def _params(kind: str) -> list[object]:
    params = []
    for case in CASES:
        if case.kind != kind:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case.name])] if case.name in KNOWN_BUGS else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


# --- German, and nothing else --------------------------------------------------------------------------------

_QUOTED = re.compile(r"„[^“]*“|\"[^\"]*\"|'[^']*'")
_EXCEPTION_NAME = re.compile(r"\b[A-Z][A-Za-z]*(?:Error|Exception)\b|\bTraceback\b|File \"")
_ENGLISH = re.compile(
    r"\b(?:the|error|invalid|cannot|could not|unable|failed|unexpected|not found|no such|expected|unsupported|"
    r"missing|unknown|malformed|corrupt|encoding|must|should|while|of the)\b",
    re.IGNORECASE,
)
_GERMAN = re.compile(
    r"[äöüßÄÖÜ]|\b(?:die|der|das|ist|sind|nicht|kein|keine|bitte|Datei|Blatt|Spalte|Zeile|Wert|erwartet|eine?|"
    r"und|oder|fehlt|Fehler|Warnung|Hinweis|wird|gefunden|hat|Dokument|Text|Jahr)\b",
    re.IGNORECASE,
)


def english_in(text: str) -> list[str]:
    """Exception names and English words in a message, outside what it quotes from the file."""
    unquoted = _QUOTED.sub("", text)
    return _EXCEPTION_NAME.findall(text) + _ENGLISH.findall(unquoted)


def assert_german(text: str) -> None:
    assert _GERMAN.search(_QUOTED.sub("", text)), f"not German: {text[:300]!r}"
    assert not english_in(text), f"English in: {text[:300]!r}"


def assert_clean_output(stdout: str, stderr: str) -> None:
    """No traceback, no exception names, no English in what the command printed."""
    for line in (stdout + stderr).splitlines():
        if line.strip() and not line.lstrip().startswith(("{", "}", "[", "]", '"')):  # JSON of parse-agreement
            assert not english_in(line), f"English or an exception in the output: {line[:300]!r}"
    assert "Traceback" not in stdout + stderr


def shorter(text: str) -> str:
    return text if len(text) < 1500 else text[:1500] + f"… ({len(text)} Zeichen)"


# --- the database ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """What a database holds: version, import log, rows per table, the rows themselves, the file's hash."""

    version: tuple[int, int]
    imports: int
    counts: dict[str, int]
    tables: dict[str, pd.DataFrame]
    digest: str


def snapshot(db: Path) -> Snapshot:
    store = Store(db)
    data = store.load()
    tables = {table.name: data.table(table.name) for table in TABLES}
    return Snapshot(
        store.version(),
        len(store.history()),
        {name: len(frame) for name, frame in tables.items()},
        tables,
        hashlib.sha256(db.read_bytes()).hexdigest(),
    )


@dataclass(frozen=True)
class Seeded:
    path: Path
    before: Snapshot


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    """One database holding the demo data, its write-ahead log folded in so that the file alone is the database."""
    path = tmp_path_factory.mktemp("hostile-seed") / "aqb.sqlite"
    open_store(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    before = snapshot(path)
    assert before.version == (1, 0) and before.imports == 1 and before.counts["projects"] > 0
    return Seeded(path, before)


@functools.cache
def base_tables() -> dict[str, pd.DataFrame]:
    return read_workbook(base_bytes(), FILE).tables


@functools.cache
def built(case: Case) -> bytes:
    """Each case's file, built once for all tests."""
    return case.build()


def assert_same_tables(tables: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame]) -> None:
    for table in TABLES:
        assert_frame_equal(tables[table.name].reset_index(drop=True), expected[table.name].reset_index(drop=True))


# --- the valid inputs are valid -------------------------------------------------------------------------------


def test_the_valid_workbook_imports_without_any_problem(seeded: Seeded, tmp_path: Path, capsys) -> None:
    result = read_workbook(base_bytes(), FILE)
    assert result.problems == []
    assert {name: len(frame) for name, frame in result.tables.items()} == {
        "agreements": 3,
        "projects": 4,
        "progress": 3,
        "amendments": 0,  # the base workbook has no Änderungen sheet
    }
    path, db = tmp_path / FILE, tmp_path / "aqb.sqlite"
    path.write_bytes(base_bytes())
    shutil.copy(seeded.path, db)
    assert main(["import", str(path), "--db", str(db)]) == EXIT_OK
    out = capsys.readouterr()
    assert out.err == "" and "Warnung" not in out.out
    assert out.out.startswith(f"{FILE}: importiert als Nr. 2")


@pytest.mark.parametrize("fmt", ["md", "txt", "pdf"])
def test_the_valid_agreement_reads_without_any_warning(fmt: str) -> None:
    reading = read_agreement(agreement_document(fmt), f"zielvereinbarung.{fmt}")
    assert reading.errors == [] and reading.warnings == []
    facts = {key: getattr(reading.agreement, key) for key in BASE_AGREEMENT}
    assert facts == BASE_AGREEMENT


# --- the corpus ----------------------------------------------------------------------------------------------


def test_corpus_has_200_uniquely_named_cases_and_the_fast_subset_covers_every_family() -> None:
    cases = all_cases()
    assert len(cases) >= 200
    names = [case.name for case in cases]
    assert len(set(names)) == len(names), [name for name in names if names.count(name) > 1]
    assert {case.family for case in fast_subset()} == {case.family for case in cases}
    assert len(fast_subset()) <= len(cases) // 5
    assert all(case.expect in ("refused", "warnings", "accepted") for case in cases)
    assert set(KNOWN_BUGS) <= set(names)


def test_cases_are_reproducible_and_distinct() -> None:
    """The same bytes on every build, and no two cases of a kind with the same file under the same name."""
    seen: dict[tuple[str, str, str], str] = {}
    for case in CASES:
        data = built(case)
        assert case.build() == data, f"{case.name} builds differently each time"
        key = (case.kind, case.file_name, hashlib.sha256(data).hexdigest())
        assert key not in seen, f"{case.name} is the same input as {seen[key]}"
        seen[key] = case.name


# --- workbooks -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("workbook"))
def test_workbook_case(case: Case, seeded: Seeded, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = built(case)
    result = read_workbook(data, case.file_name)  # never raises
    texts = [problem.text() for problem in result.problems]
    for problem in result.problems:
        assert problem.file == case.file_name
        assert problem.text().startswith(f"{problem.severity.value}: {case.file_name}")
        assert_german(problem.expected)
    if case.expect == "refused":
        assert result.errors, f"no error for a file a correct program refuses: {shorter(str(texts))}"
    else:
        assert not result.errors, f"errors for a file a correct program stores: {shorter(str(texts))}"
    if case.same_data:
        assert_same_tables(result.tables, base_tables())

    path = tmp_path / case.file_name
    path.write_bytes(data)
    code = main(["validate", str(path)])
    out = capsys.readouterr()
    assert_clean_output(out.out, out.err)
    if case.expect != "refused":
        assert code == EXIT_OK, shorter(out.out)
    elif case.unreadable is None:
        assert code in (EXIT_PROBLEMS, EXIT_UNREADABLE), shorter(out.out)
    else:
        assert code == (EXIT_UNREADABLE if case.unreadable else EXIT_PROBLEMS), shorter(out.out)

    db = tmp_path / "aqb.sqlite"
    shutil.copy(seeded.path, db)
    code = main(["import", str(path), "--db", str(db)])
    out = capsys.readouterr()
    assert_clean_output(out.out, out.err)
    printed = out.out + out.err
    if case.expect == "refused":
        after = snapshot(db)
        assert code == EXIT_PROBLEMS, shorter(printed)
        assert re.search(r"^Abgelehnt: \d+ Fehler; es wurde nichts gespeichert\.$", out.err, re.MULTILINE)
        assert any(line.startswith(f"Fehler: {case.file_name}") for line in out.err.splitlines())
        assert (after.version, after.imports, after.counts) == (
            seeded.before.version,
            seeded.before.imports,
            seeded.before.counts,
        )
        for table in TABLES:
            assert_frame_equal(after.tables[table.name], seeded.before.tables[table.name])
        assert after.digest == seeded.before.digest, "the database file changed"
    else:
        assert code == EXIT_OK, shorter(printed)
        assert f"{case.file_name}: importiert als Nr. 2" in out.out, shorter(printed)
        store = Store(db)
        assert store.version() == (2, 0) and len(store.history()) == 2
        warnings = [line for line in out.out.splitlines() if line.startswith("Warnung: ")]
        if case.expect == "warnings":
            assert warnings, f"stored without the warning a correct program gives: {shorter(printed)}"
            assert all(line.startswith(f"Warnung: {case.file_name}") for line in warnings)
        else:
            assert not warnings, f"warnings for a harmless change: {shorter(str(warnings))}"
    for mention in case.mentions:
        assert mention in printed, f"„{mention}“ is not named in: {shorter(printed)}"


# --- agreements ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("agreement"))
def test_agreement_case(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = built(case)
    try:
        reading = read_agreement(data, case.file_name)
    except AgreementError as error:  # the module's own error is allowed; any other exception fails the test
        agreement, errors, warnings = None, [str(error)], []
    else:
        agreement, errors, warnings = reading.agreement, reading.errors, reading.warnings
    for message in errors + warnings:
        assert_german(message)
    if case.expect == "refused":
        assert agreement is None and errors, f"read although a correct program refuses it: {agreement}"
    else:
        assert agreement is not None and not errors, f"refused: {errors}"
        assert {key: getattr(agreement, key) for key in BASE_AGREEMENT} == BASE_AGREEMENT
        if case.expect == "warnings":
            assert warnings, "read without the warning a correct program gives"
        else:
            assert not warnings, f"warnings for a harmless change: {warnings}"
    for mention in case.mentions:
        assert any(mention in message for message in errors + warnings), f"„{mention}“ not named in {errors + warnings}"

    path = tmp_path / case.file_name
    path.write_bytes(data)
    code = main(["parse-agreement", str(path)])
    out = capsys.readouterr()
    assert_clean_output(out.out, out.err)
    if case.expect == "refused":
        assert code == EXIT_PROBLEMS
        assert out.out == ""
        lines = out.err.splitlines()
        assert lines and all(line.startswith(f"Fehler: {case.file_name}: ") for line in lines), lines
    else:
        assert code == EXIT_OK, out.err
        parsed = json.loads(out.out)
        assert {key: parsed[key] for key in BASE_AGREEMENT} == BASE_AGREEMENT
        hints = out.err.splitlines()
        assert all(line.startswith(f"Hinweis: {case.file_name}: ") for line in hints), hints
        assert bool(hints) == (case.expect == "warnings"), hints
