"""Schema migrations on both engines: a database made by the previous release (schema 5) is upgraded in place, keeps
every row and takes new imports; an interrupted upgrade leaves it as it was."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Connection

from aqb_data.domain.model import AGREEMENTS
from aqb_data.domain.notes import NoteKind
from aqb_data.store import database
from aqb_data.store.database import SCHEMA_VERSION, Store, is_url, open_store
from tests.databases import ENGINES, Location, column_names, connect, new_location, query, stored_version

KASSEL_CITY, WALDECK = "06611", "06635"
PLACES = ["signed_ministry_place", "signed_district_place"]

# What the previous release (schema 5, commit af2b788^) made of a new SQLite database: its DDL as `sqlite_master`
# holds it, with a few rows of every table — a replaced agreement, a project, a report, an amendment, a note and an
# entry of the audit trail.
SCHEMA_5 = """
CREATE TABLE imports (id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,
    imported_at TEXT NOT NULL, summary TEXT NOT NULL, undone_at TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, login TEXT NOT NULL, name TEXT NOT NULL,
    roles TEXT NOT NULL, event TEXT NOT NULL, import_id INTEGER REFERENCES imports(id),
    file_name TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '');
CREATE TABLE agreements (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id),
    year INTEGER, ags TEXT, budget_eur_cents INTEGER, signed_ministry TEXT, signed_district TEXT, source TEXT,
    demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX agreements_current ON agreements (replaced_by, ags, year);
CREATE INDEX agreements_import ON agreements (import_id);
CREATE TABLE projects (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id),
    year INTEGER, ags TEXT, measure_type INTEGER, project TEXT, provider TEXT, target_group TEXT,
    planned_eur_cents INTEGER, planned_places INTEGER, source TEXT,
    demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX projects_current ON projects (replaced_by, ags, year);
CREATE INDEX projects_import ON projects (import_id);
CREATE TABLE progress (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id),
    year INTEGER, ags TEXT, project TEXT, as_of TEXT, spent_eur_cents INTEGER, entries INTEGER, exits INTEGER,
    to_training INTEGER, to_employment INTEGER, to_other INTEGER, dropouts INTEGER, source TEXT, received TEXT,
    demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX progress_current ON progress (replaced_by, ags, year);
CREATE INDEX progress_import ON progress (import_id);
CREATE TABLE amendments (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id),
    year INTEGER, ags TEXT, valid_from TEXT, budget_eur_cents INTEGER, reason TEXT, source TEXT,
    demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX amendments_current ON amendments (replaced_by, ags, year);
CREATE INDEX amendments_import ON amendments (import_id);
CREATE TABLE notes (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id), note_id INTEGER NOT NULL, year INTEGER NOT NULL, ags TEXT NOT NULL,
    measure_type INTEGER, project TEXT, kind TEXT NOT NULL, text TEXT NOT NULL, status TEXT, due TEXT,
    author_login TEXT NOT NULL, author_name TEXT NOT NULL, written_at TEXT NOT NULL,
    demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX notes_current ON notes (replaced_by, ags, year);
CREATE INDEX notes_import ON notes (import_id);
CREATE INDEX notes_note ON notes (note_id);
INSERT INTO imports VALUES (1, 'aqb_demo.xlsx', 'a1', 'demo', '2025-11-01T09:00:00',
    '{"agreements": {"neu": 2}}', NULL);
INSERT INTO imports VALUES (2, 'kassel.xlsx', 'b2', 'workbook', '2025-11-02T10:00:00',
    '{"agreements": {"neu": 0, "geändert": 1, "unverändert": 0, "entfällt": 0}}', NULL);
INSERT INTO imports VALUES (3, 'Vereinbarte Maßnahme Nr. 3 – Kassel (Stadt) 2025', '', 'note',
    '2025-11-03T11:00:00', '{"notes": {"neu": 1}}', NULL);
INSERT INTO audit VALUES (1, '2025-11-02T10:00:00', 'ana', 'Ana Analyse', 'Datenpflege', 'IMPORT', 2,
    'kassel.xlsx', 'b2', 'Zielvereinbarungen: 1 geändert');
INSERT INTO agreements VALUES (1, 1, 2, 2025, '06611', 90000000, NULL, NULL, 'synthetisch', 1);
INSERT INTO agreements VALUES (2, 1, NULL, 2025, '06635', 77392000, '2025-08-02', '2025-08-13',
    'Zielvereinbarung 2025', 0);
INSERT INTO agreements VALUES (3, 2, NULL, 2025, '06611', 95000000, '2025-03-01', '2025-03-10', 'kassel.xlsx', 0);
INSERT INTO projects VALUES (1, 1, NULL, 2025, '06611', 1, 'Werkstatt', 'Träger A', 'Jugendliche', 5000000, 10,
    'synthetisch', 1);
INSERT INTO progress VALUES (1, 1, NULL, 2025, '06611', 'Werkstatt', '2025-06-30', 1234567, 7, 2, 1, 0, 0, 1,
    'Bericht 30.06.', '2025-07-14', 1);
INSERT INTO amendments VALUES (1, 1, NULL, 2025, '06611', '2025-10-01', 96000000, 'Aufstockung', 'synthetisch', 1);
INSERT INTO notes VALUES (1, 3, NULL, 3, 2025, '06611', NULL, NULL, 'Vereinbarte Maßnahme', 'Bericht nachreichen',
    'offen', '2025-12-01', 'ana', 'Ana Analyse', '2025-11-03T11:00:00', 0);
PRAGMA user_version = 5;
"""
_TABLES = ("imports", "audit", "agreements", "projects", "progress", "amendments", "notes")


def _postgres_statements(script: str) -> list[str]:
    """The same database on PostgreSQL (which had no schema 5 release; this stands for one): numbered rows from an
    identity column that continues after the rows written with their numbers, the version in `schema_version`."""
    statements = [part.strip() for part in script.split(";\n") if part.strip()]
    statements = [
        statement.replace("INTEGER PRIMARY KEY", "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY")
        for statement in statements
        if not statement.startswith("PRAGMA")
    ]
    statements += ["CREATE TABLE schema_version (version INTEGER NOT NULL)", "INSERT INTO schema_version VALUES (5)"]
    for table in _TABLES:
        key = "id" if table in ("imports", "audit") else "row_id"
        statements.append(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{key}'), (SELECT MAX({key}) FROM {table}))"
        )
    return statements


def make_schema_5(location: Location) -> None:
    """Write the previous release's database at `location` (a new SQLite file, or an empty PostgreSQL schema)."""
    if not is_url(location):
        connection = sqlite3.connect(location)
        connection.executescript(SCHEMA_5)
        connection.close()
        return
    with connect(location) as connection:
        for statement in _postgres_statements(SCHEMA_5):
            connection.exec_driver_sql(statement)


@pytest.fixture(params=ENGINES)
def schema_5(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Location]:
    with new_location(request.param, tmp_path) as location:
        make_schema_5(location)
        yield location


_SCHEMA_5_AGREEMENTS = (
    "SELECT row_id, import_id, replaced_by, year, ags, budget_eur_cents, signed_ministry, signed_district, source, "
    "demo FROM agreements ORDER BY row_id"
)


def _rows(location: Location) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table of schema 5, in the columns schema 5 had."""
    return {
        "agreements": [tuple(row) for row in query(location, _SCHEMA_5_AGREEMENTS)],
        **{
            table: [tuple(row) for row in query(location, f"SELECT * FROM {table} ORDER BY 1")]
            for table in _TABLES
            if table != "agreements"
        },
    }


def test_a_database_of_the_previous_release_is_upgraded_in_place_keeping_every_row(schema_5: Location) -> None:
    before = _rows(schema_5)
    assert stored_version(schema_5) == 5 and not set(PLACES) & set(column_names(schema_5, "agreements"))

    store = open_store(schema_5)  # not seeded: it holds imports

    assert stored_version(schema_5) == SCHEMA_VERSION == 6
    assert column_names(schema_5, "agreements")[-2:] == PLACES
    assert _rows(schema_5) == before
    assert store.version() == (3, 0)
    assert [(record.id, record.kind) for record in store.history()] == [(3, "note"), (2, "workbook"), (1, "demo")]
    data = store.load()
    agreements = data.agreements.set_index("ags")
    assert agreements["budget_eur"].to_dict() == {KASSEL_CITY: 950_000.0, WALDECK: 773_920.0}
    assert agreements[PLACES].isna().all(axis=None)
    assert data.progress[["spent_eur", "received"]].values.tolist() == [[12_345.67, pd.Timestamp("2025-07-14")]]
    assert data.amendments[["valid_from", "budget_eur"]].values.tolist() == [[pd.Timestamp("2025-10-01"), 960_000.0]]
    assert data.synthetic_rows() == 3  # the demo import's project, report and amendment (its agreement is replaced)
    (note,) = store.notes(2025).itertuples()
    assert (note.note_id, note.text, note.status, note.version) == (3, "Bericht nachreichen", "offen", 3)
    assert store.audit_log()["Benutzer"].tolist() == ["ana"]

    # The upgraded database takes an agreement with its places; numbering goes on after the stored rows.
    kassel = AGREEMENTS.conform(
        pd.DataFrame(
            {
                "year": [2025],
                "ags": [KASSEL_CITY],
                "budget_eur": [975_000.10],
                "signed_ministry": [pd.Timestamp("2025-03-01")],
                "signed_district": [pd.Timestamp("2025-03-12")],
                "signed_ministry_place": ["Wiesbaden"],
                "signed_district_place": ["Kassel"],
                "source": ["kassel-neu.xlsx"],
            }
        )
    )
    record = store.import_tables({"agreements": kassel}, "kassel-neu.xlsx", "c3")
    assert record is not None and record.id == 4
    assert query(schema_5, "SELECT MAX(row_id) FROM agreements")[0][0] == 4
    stored = store.load().agreements.set_index("ags").loc[KASSEL_CITY]
    assert (stored["budget_eur"], stored["signed_district_place"]) == (975_000.10, "Kassel")
    note = store.add_note(2025, KASSEL_CITY, NoteKind.NOTE, "Nach dem Upgrade")
    assert note.id == 5 and note.note_id == 5

    store.undo_last()
    store.undo_last()
    assert store.load().agreements.set_index("ags").loc[KASSEL_CITY, "budget_eur"] == 950_000.0
    assert len(Store(schema_5).history()) == 5  # opened again: upgraded once, nothing lost
    assert stored_version(schema_5) == SCHEMA_VERSION


def test_an_interrupted_upgrade_leaves_the_previous_release_s_database_whole(
    schema_5: Location, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _rows(schema_5)

    def fail_halfway(connection: Connection) -> None:
        connection.exec_driver_sql("ALTER TABLE agreements ADD COLUMN signed_ministry_place TEXT")
        raise KeyboardInterrupt  # as if the process were stopped in the middle

    monkeypatch.setitem(database._UPGRADES, 5, fail_halfway)
    with pytest.raises(KeyboardInterrupt):
        Store(schema_5)
    assert stored_version(schema_5) == 5
    assert "signed_ministry_place" not in column_names(schema_5, "agreements")
    assert _rows(schema_5) == before
    monkeypatch.undo()
    assert open_store(schema_5).version() == (3, 0)
    assert stored_version(schema_5) == SCHEMA_VERSION
