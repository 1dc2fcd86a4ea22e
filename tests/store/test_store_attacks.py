"""The store under attack: damaged, empty and foreign database files, demo rows told by their kind, imports
that queue (one command with several files, parallel imports), and file names with terminal controls."""

import random
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Connection
from streamlit.testing.v1 import AppTest

from aqb_data.__main__ import main
from aqb_data.domain.model import AMENDMENTS, is_demo
from aqb_data.store import database
from aqb_data.store.database import SCHEMA_VERSION, Store, StoreConflictError, StoreError, open_store
from aqb_data.store.intake import UploadCheck, check_upload, import_checked
from tests.databases import Location, query
from tests.workbooks import make_workbook

ROOT = Path(__file__).resolve().parents[2]
WALDECK, KASSEL_CITY = "06635", "06611"
DISTRICTS = ["06411", "06412", "06413", "06414"]  # Darmstadt, Frankfurt am Main, Offenbach am Main, Wiesbaden
PROJECT_HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)", "Quelle"]
REMEDY = "Es wurde nichts geändert. Bitte die Datei aus einer Sicherung wiederherstellen"


def projects_file(ags: str, *projects: tuple[str, int], source: str = "Projektliste 2025") -> bytes:
    """A report with one Projekte sheet for a district's 2025 (measure type 1 for every project)."""
    return make_workbook(
        {"Projekte": [PROJECT_HEADINGS, *([2025, ags, 1, name, euros, source] for name, euros in projects)]}
    )


def projects_2025(store: Store, ags: str) -> list[str]:
    """The names of a district's 2025 projects now in effect, sorted."""
    projects = store.load().projects
    return sorted(projects[(projects["ags"] == ags) & (projects["year"] == 2025)]["project"])


# --- damaged, empty and foreign database files -----------------------------------------------------------------


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(15).randbytes(64 * 1024))


def _half_of_a_real_store(path: Path) -> None:
    open_store(path)  # the demo data, a few hundred kilobytes
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _sqlite_header_then_garbage(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + random.Random(7).randbytes(8 * 1024))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _text(path: Path) -> None:
    path.write_text("Notizen zur Sitzung am 03.12.\nBitte nicht löschen.\n", encoding="utf-8")


def _foreign_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE kunden (id INTEGER PRIMARY KEY, name TEXT)")
        connection.execute("INSERT INTO kunden (name) VALUES ('Muster GmbH')")
    connection.close()


def _foreign_sqlite_with_our_version(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE imports (id INTEGER PRIMARY KEY)")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    connection.close()


HOSTILE_DATABASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "random bytes": (_random_bytes, "ist keine Datenbank des AQB-Dashboards (die Datei ist keine SQLite-Datenbank)"),
    "truncated to half": (_half_of_a_real_store, "ist beschädigt (SQLite meldet:"),
    "SQLite header, then garbage": (_sqlite_header_then_garbage, "ist beschädigt (SQLite meldet:"),
    "0 bytes": (_empty, "ist leer (0 Byte)"),
    "a text file": (_text, "ist keine Datenbank des AQB-Dashboards (die Datei ist keine SQLite-Datenbank)"),
    "a foreign SQLite database": (_foreign_sqlite, "eine SQLite-Datenbank mit anderen Tabellen: „kunden“"),
    "a foreign database claiming our schema": (_foreign_sqlite_with_our_version, "mit anderen Tabellen: „imports“"),
}


@pytest.fixture(params=list(HOSTILE_DATABASES), ids=list(HOSTILE_DATABASES))
def hostile_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, bytes, str]:
    make, message = HOSTILE_DATABASES[request.param]
    path = tmp_path / "aqb.sqlite"
    make(path)
    return path, path.read_bytes(), message


@pytest.mark.parametrize(
    "command",
    [["history"], ["undo"], ["remove-demo"], ["summary", "--year", "2025"], ["import", "REPORT"]],
    ids=lambda command: command[0],
)
def test_every_command_on_a_hostile_database_exits_2_in_german_and_leaves_the_file_alone(
    hostile_db: tuple[Path, bytes, str], command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, before, message = hostile_db
    report = tmp_path / "bericht.xlsx"
    report.write_bytes(projects_file(WALDECK, ("AVIA", 100)))
    argv = [str(report) if part == "REPORT" else part for part in command]
    assert main([*argv, "--db", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("Fehler: ") and message in err and str(path) in err
    assert REMEDY in err and "Traceback" not in out + err
    assert path.read_bytes() == before  # nothing re-seeded, nothing repaired, nothing imported


def test_open_store_refuses_a_hostile_database_and_creates_nothing_beside_it(
    hostile_db: tuple[Path, bytes, str],
) -> None:
    path, before, message = hostile_db
    with pytest.raises(StoreError, match=message.replace("(", r"\(").replace(")", r"\)")):
        open_store(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["aqb.sqlite"]


def test_a_newer_schema_names_the_versions(tmp_path: Path) -> None:
    path = tmp_path / "aqb.sqlite"
    open_store(path)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.close()
    with pytest.raises(StoreError, match=f"neueren Version des Dashboards \\(Schema {SCHEMA_VERSION + 5}, diese"):
        open_store(path)


def test_a_directory_as_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "--db", str(tmp_path)]) == 2
    assert "ist ein Ordner, keine Datenbank des AQB-Dashboards" in capsys.readouterr().err


def test_a_database_deleted_while_in_use_is_an_error_and_does_not_come_back_empty(tmp_path: Path) -> None:
    path = tmp_path / "aqb.sqlite"
    store = open_store(path)
    path.unlink()
    for leftover in tmp_path.iterdir():
        leftover.unlink()  # -wal and -shm of the deleted file
    with pytest.raises(StoreError, match="kann nicht geöffnet werden"):
        store.load()
    assert list(tmp_path.iterdir()) == []


def test_a_database_damaged_after_opening_is_a_german_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "aqb.sqlite"
    store = open_store(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    data[page_size:] = random.Random(3).randbytes(len(data) - page_size)  # every page but the header's
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="ist beschädigt|kann nicht gelesen oder geschrieben werden"):
        store.load()


@pytest.mark.parametrize("make", [_empty, _half_of_a_real_store], ids=["0 bytes", "truncated to half"])
def test_the_dashboard_says_what_is_wrong_with_the_database_instead_of_a_traceback(
    make: Callable[[Path], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "aqb_*daten*.sqlite"  # Markdown in the path is shown as typed
    make(path)
    before = path.read_bytes()
    monkeypatch.setenv("AQB_DB", str(path))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("Die Daten des Dashboards können nicht gelesen werden: ")
    assert r"aqb\_\*daten\*.sqlite" in error.value  # escaped, so the page shows the name as it is
    assert not at.metric  # the page stopped: no figures from anywhere else
    assert path.read_bytes() == before


# --- the schema of an earlier version ----------------------------------------------------------------------------

SCHEMA_1 = """
CREATE TABLE imports (id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,
    imported_at TEXT NOT NULL, summary TEXT NOT NULL, undone_at TEXT);
CREATE TABLE agreements (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id), year INTEGER, ags TEXT, budget_eur_cents INTEGER,
    signed_ministry TEXT, signed_district TEXT, source TEXT);
CREATE INDEX agreements_current ON agreements (replaced_by, ags, year);
CREATE INDEX agreements_import ON agreements (import_id);
CREATE TABLE projects (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id), year INTEGER, ags TEXT, measure_type INTEGER, project TEXT,
    provider TEXT, target_group TEXT, planned_eur_cents INTEGER, planned_places INTEGER, source TEXT);
CREATE INDEX projects_current ON projects (replaced_by, ags, year);
CREATE INDEX projects_import ON projects (import_id);
CREATE TABLE progress (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id), year INTEGER, ags TEXT, project TEXT, as_of TEXT,
    spent_eur_cents INTEGER, entries INTEGER, exits INTEGER, to_training INTEGER, to_employment INTEGER,
    to_other INTEGER, dropouts INTEGER, source TEXT);
CREATE INDEX progress_current ON progress (replaced_by, ags, year);
CREATE INDEX progress_import ON progress (import_id);
INSERT INTO imports VALUES (1, 'aqb_demo.xlsx', 'a1', 'demo', '2025-11-01T09:00:00', '{}', NULL);
INSERT INTO imports VALUES (2, 'kassel.xlsx', 'b2', 'workbook', '2025-11-02T10:00:00', '{}', NULL);
INSERT INTO agreements VALUES (1, 1, NULL, 2025, '06611', 100000000, NULL, NULL, 'synthetisch');
INSERT INTO agreements VALUES (2, 1, NULL, 2025, '06635', 77392000, '2025-08-02', '2025-08-13',
    'Zielvereinbarung 2025');
INSERT INTO projects VALUES (1, 1, 2, 2025, '06611', 1, 'Demo-Projekt', NULL, NULL, 5000000, 10, 'synthetisch');
INSERT INTO projects VALUES (2, 1, NULL, 2025, '06412', 2, 'Demo F', NULL, NULL, 4000000, 8, 'Synthetisch');
INSERT INTO projects VALUES (3, 2, NULL, 2025, '06611', 1, 'Werkstatt', NULL, NULL, 6000000, 12,
    'synthetisch (vom Kreis so genannt)');
INSERT INTO progress VALUES (1, 1, NULL, 2025, '06412', 'Demo F', '2025-06-30', 100000, 5, 1, 0, 0, 0, 0,
    'synthetisch');
PRAGMA user_version = 1;
"""


def _schema_1_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA_1)
    connection.close()


def test_a_database_of_schema_1_is_upgraded_in_place_and_only_the_seeds_synthetic_rows_become_demo(
    tmp_path: Path,
) -> None:
    path = tmp_path / "aqb.sqlite"
    _schema_1_database(path)
    store = open_store(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        flags = dict(connection.execute("SELECT project, demo FROM projects").fetchall())
    connection.close()
    # The replaced demo project keeps its flag too (undo would bring it back as demo data).
    assert flags == {"Demo-Projekt": 1, "Demo F": 1, "Werkstatt": 0}
    data = store.load()
    assert [is_demo(row) for _, row in data.agreements.iterrows()] == [True, False]  # Kassel, then Waldeck
    assert data.progress["demo"].tolist() == [True]
    assert data.progress["received"].tolist() == [pd.Timestamp("2025-11-01")]  # the day the seed was imported
    assert data.synthetic_rows() == 3  # Kassel's agreement, Frankfurt's project and its progress
    assert len(store.history()) == 2  # opened, not re-seeded
    assert open_store(path).load().synthetic_rows() == 3  # opened again: upgraded once

    record = store.remove_synthetic()
    assert record.summary == {
        "agreements": {"entfällt": 1},
        "projects": {"entfällt": 1},
        "progress": {"entfällt": 1},
        "amendments": {"entfällt": 0},  # schema 1 knew no amendments; the upgrade added their table empty
    }
    left = store.load()
    assert left.agreements["ags"].tolist() == [WALDECK]
    assert left.projects["project"].tolist() == ["Werkstatt"]


SCHEMA_3 = """
CREATE TABLE imports (id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,
    imported_at TEXT NOT NULL, summary TEXT NOT NULL, undone_at TEXT);
CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, login TEXT NOT NULL, name TEXT NOT NULL,
    roles TEXT NOT NULL, event TEXT NOT NULL, import_id INTEGER REFERENCES imports(id),
    file_name TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '');
CREATE TABLE agreements (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id), year INTEGER, ags TEXT, budget_eur_cents INTEGER,
    signed_ministry TEXT, signed_district TEXT, source TEXT, demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX agreements_current ON agreements (replaced_by, ags, year);
CREATE INDEX agreements_import ON agreements (import_id);
CREATE TABLE projects (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id), year INTEGER, ags TEXT, measure_type INTEGER, project TEXT,
    provider TEXT, target_group TEXT, planned_eur_cents INTEGER, planned_places INTEGER, source TEXT,
    demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX projects_current ON projects (replaced_by, ags, year);
CREATE INDEX projects_import ON projects (import_id);
CREATE TABLE progress (row_id INTEGER PRIMARY KEY, import_id INTEGER NOT NULL REFERENCES imports(id),
    replaced_by INTEGER REFERENCES imports(id), year INTEGER, ags TEXT, project TEXT, as_of TEXT,
    spent_eur_cents INTEGER, entries INTEGER, exits INTEGER, to_training INTEGER, to_employment INTEGER,
    to_other INTEGER, dropouts INTEGER, source TEXT, demo INTEGER NOT NULL DEFAULT 0);
CREATE INDEX progress_current ON progress (replaced_by, ags, year);
CREATE INDEX progress_import ON progress (import_id);
INSERT INTO imports VALUES (1, 'aqb_demo.xlsx', 'a1', 'demo', '2025-11-01T09:00:00', '{}', NULL);
INSERT INTO imports VALUES (2, 'kassel.xlsx', 'b2', 'workbook', '2025-11-02T23:59:59', '{}', NULL);
INSERT INTO audit VALUES (1, '2025-11-02T23:59:59', 'ana', 'Ana Lyse', 'Analyse', 'IMPORT', 2, 'kassel.xlsx',
    'b2', '');
INSERT INTO agreements VALUES (1, 1, NULL, 2025, '06412', 100000000, NULL, NULL, 'synthetisch', 1);
INSERT INTO agreements VALUES (2, 2, NULL, 2025, '06611', 90000000, '2025-08-02', '2025-08-13', 'ZV 2025', 0);
INSERT INTO projects VALUES (1, 2, NULL, 2025, '06611', 1, 'Werkstatt', NULL, NULL, 6000000, 12, 'Liste', 0);
INSERT INTO progress VALUES (1, 1, NULL, 2025, '06412', 'Demo F', '2025-06-30', 100000, 5, 1, 0, 0, 0, 0,
    'synthetisch', 1);
INSERT INTO progress VALUES (2, 2, NULL, 2025, '06611', 'Werkstatt', '2025-06-30', 1234567, 7, 2, 1, 0, 0, 1,
    'Bericht 30.06.', 0);
PRAGMA user_version = 3;
"""


def test_a_database_of_schema_3_is_upgraded_keeping_its_rows_and_reports_count_as_received_on_their_import_day(
    tmp_path: Path,
) -> None:
    path = tmp_path / "aqb.sqlite"
    connection = sqlite3.connect(path)
    connection.executescript(SCHEMA_3)
    connection.close()
    store = open_store(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("SELECT COUNT(*) FROM amendments").fetchone()[0] == 0
        assert connection.execute("SELECT received FROM progress ORDER BY row_id").fetchall() == [(None,), (None,)]
    connection.close()
    data = store.load()
    assert data.agreements[["ags", "budget_eur"]].values.tolist() == [["06412", 1_000_000.0], [KASSEL_CITY, 900_000.0]]
    assert data.projects["project"].tolist() == ["Werkstatt"]
    assert data.progress[["project", "spent_eur", "dropouts", "source"]].values.tolist() == [
        ["Demo F", 1000.0, 0, "synthetisch"],
        ["Werkstatt", 12345.67, 1, "Bericht 30.06."],
    ]
    # Stored without the day of receipt: each report counts as received on the day it was imported.
    assert data.progress["received"].tolist() == [pd.Timestamp("2025-11-01"), pd.Timestamp("2025-11-02")]
    assert data.synthetic_rows() == 2  # the demo flags stay
    assert data.amendments.empty and data.amendments.columns.tolist() == [*AMENDMENTS.column_names, "demo"]
    assert [(record.id, record.file_name) for record in store.history()] == [(2, "kassel.xlsx"), (1, "aqb_demo.xlsx")]
    assert store.audit_log()["Benutzer"].tolist() == ["ana"]  # the trail of schema 3 is kept

    # The upgraded store takes amendments and the day of receipt, and gives back what it took.
    report = make_workbook(
        {
            "Umsetzungsstand": [
                ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)", "Eingegangen am"],
                [2025, KASSEL_CITY, "Werkstatt", "30.09.2025", "30.000,00", "14.10.2025"],
            ],
            "Änderungen": [
                ["Jahr", "AGS", "Gültig ab", "Haushaltsmittel neu (EUR)", "Grund"],
                [2025, KASSEL_CITY, "01.10.2025", "950.000,00", "Aufstockung"],
            ],
        }
    )
    record = import_checked(check_upload(report, "kassel-herbst.xlsx", store), store)
    assert record is not None and record.summary["amendments"] == {
        "neu": 1,
        "geändert": 0,
        "unverändert": 0,
        "entfällt": 0,
    }
    data = open_store(path).load()  # opened again: upgraded once, nothing lost
    kassel = data.progress[data.progress["ags"] == KASSEL_CITY].sort_values("as_of")
    assert kassel["received"].tolist() == [pd.Timestamp("2025-11-02"), pd.Timestamp("2025-10-14")]
    assert data.amendments[["ags", "valid_from", "budget_eur", "reason"]].values.tolist() == [
        [KASSEL_CITY, pd.Timestamp("2025-10-01"), 950_000.0, "Aufstockung"]
    ]
    assert data.agreements.loc[data.agreements["ags"] == KASSEL_CITY, "budget_eur"].tolist() == [900_000.0]  # as signed
    # A corrected report without the column keeps the day the report was first received (not the day corrected).
    correction = make_workbook(
        {
            "Umsetzungsstand": [
                ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)"],
                [2025, KASSEL_CITY, "Werkstatt", "30.06.2025", "12.500,00"],
            ]
        }
    )
    assert import_checked(check_upload(correction, "kassel-korrektur.xlsx", store), store) is not None
    progress = store.load().progress
    june = progress[(progress["ags"] == KASSEL_CITY) & (progress["as_of"] == pd.Timestamp("2025-06-30"))]
    assert june[["spent_eur", "received"]].values.tolist() == [[12500.0, pd.Timestamp("2025-11-02")]]
    store.undo_last()
    store.undo_last()
    assert store.load().amendments.empty


def test_a_report_imported_without_the_day_received_counts_as_received_on_the_import_day(tmp_path: Path) -> None:
    store = Store(tmp_path / "aqb.sqlite")  # empty: no seed
    report = make_workbook(
        {
            "Umsetzungsstand": [
                ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)"],
                [2025, KASSEL_CITY, "Werkstatt", "30.09.2025", 100],
            ]
        }
    )
    record = import_checked(check_upload(report, "kassel.xlsx", store), store)
    assert record is not None
    (received,) = store.load().progress["received"].tolist()
    assert received == pd.Timestamp(record.imported_at.date())


def test_an_interrupted_upgrade_leaves_schema_1_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "aqb.sqlite"
    _schema_1_database(path)

    def fail_halfway(connection: Connection) -> None:
        connection.exec_driver_sql("ALTER TABLE agreements ADD COLUMN demo INTEGER NOT NULL DEFAULT 0")
        raise KeyboardInterrupt  # as if the process were stopped in the middle

    monkeypatch.setitem(database._UPGRADES, 1, fail_halfway)
    with pytest.raises(KeyboardInterrupt):
        Store(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [row[1] for row in connection.execute("PRAGMA table_info(agreements)")]
    connection.close()
    assert "demo" not in columns
    monkeypatch.undo()
    assert open_store(path).load().synthetic_rows() == 3


# --- demo rows are told by their kind, not by a word ---------------------------------------------------------------


def test_a_real_project_whose_source_says_synthetisch_survives_remove_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "aqb.sqlite")
    report = tmp_path / "kassel.xlsx"
    report.write_bytes(
        make_workbook(
            {
                "Zielvereinbarungen": [
                    ["Jahr", "AGS", "Haushaltsmittel (EUR)", "Quelle"],
                    [2025, KASSEL_CITY, 900_000, "synthetisch (vom Kreis so genannt)"],
                ],
                "Projekte": [
                    PROJECT_HEADINGS,
                    [2025, KASSEL_CITY, 1, "Werkstatt", 50_000, "synthetisch (vom Kreis so genannt)"],
                ],
            }
        )
    )
    assert main(["import", str(report), "--db", db]) == 0
    assert main(["remove-demo", "--db", db]) == 0
    # Kassel's demo agreement and two demo projects were replaced by the report: they are no longer in effect.
    assert "Demodaten entfernt (Zielvereinbarungen: 127 entfällt; Projekte: 539 entfällt" in capsys.readouterr().out
    data = open_store(db).load()
    kassel = data.agreements[data.agreements["ags"] == KASSEL_CITY].iloc[0]
    assert kassel["budget_eur"] == 900_000.0 and not is_demo(kassel)
    assert data.projects[data.projects["ags"] == KASSEL_CITY]["project"].tolist() == ["Werkstatt"]
    assert data.synthetic_rows() == 0  # and no page calls the remaining rows "Demodaten"


def test_only_the_demo_seed_brings_demo_rows_not_a_workbook_that_copies_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "aqb.sqlite")  # empty: no seed
    report = projects_file(KASSEL_CITY, ("Kopie", 1_000), source="synthetisch")
    import_checked(check_upload(report, "kopie.xlsx", store), store)
    assert store.load().synthetic_rows() == 0
    assert store.remove_synthetic() is None


# --- imports queue -------------------------------------------------------------------------------------------------


def test_one_import_command_with_three_files_for_three_districts_imports_all_three(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "aqb.sqlite")
    files = []
    for ags in DISTRICTS[:3]:
        path = tmp_path / f"{ags}.xlsx"
        path.write_bytes(projects_file(ags, (f"Projekt {ags}", 10_000)))
        files.append(str(path))
    assert main(["import", *files, "--db", db]) == 0
    out = capsys.readouterr().out
    assert [line.split(":")[0] for line in out.splitlines() if "importiert als" in line] == [
        f"{ags}.xlsx" for ags in DISTRICTS[:3]
    ]
    for ags in DISTRICTS[:3]:
        assert projects_2025(open_store(db), ags) == [f"Projekt {ags}"]


def test_one_import_command_with_two_files_for_the_same_district_saves_both_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "aqb.sqlite")
    first, second = tmp_path / "juni.xlsx", tmp_path / "september.xlsx"
    first.write_bytes(projects_file(WALDECK, ("AVIA", 100), ("Checkpoint", 200)))
    second.write_bytes(projects_file(WALDECK, ("AVIA", 150)))
    assert main(["import", str(first), str(second), "--db", db]) == 0
    assert capsys.readouterr().out.count("importiert als") == 2
    projects = open_store(db).load().projects
    waldeck = projects[(projects["ags"] == WALDECK) & (projects["year"] == 2025)]
    assert waldeck[["project", "planned_eur"]].values.tolist() == [["AVIA", 150.0]]  # the later file's state


def _checks(store: Store, files: dict[str, bytes]) -> list[UploadCheck]:
    checks = [check_upload(data, name, store) for name, data in files.items()]
    assert len({check.version for check in checks}) == 1  # every preview made on the same version
    return checks


def _import_at_once(checks: list[UploadCheck], store_path: Location) -> list[object]:
    """Import every check in a thread of its own, all released at the same moment; the record or the error."""
    start = threading.Barrier(len(checks))
    outcomes: list[object] = [None] * len(checks)

    def run(position: int) -> None:
        store = Store(store_path)
        start.wait()
        try:
            outcomes[position] = import_checked(checks[position], store)
        except StoreError as error:
            outcomes[position] = error

    threads = [threading.Thread(target=run, args=(position,)) for position in range(len(checks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_four_parallel_imports_of_four_districts_all_land(store_location: Location) -> None:
    store = open_store(store_location)
    before = len(store.history())
    files = {f"{ags}.xlsx": projects_file(ags, (f"Neu {ags}", 1_000), (f"Zweit {ags}", 2_000)) for ags in DISTRICTS}
    outcomes = _import_at_once(_checks(store, files), store.path)
    assert [type(outcome).__name__ for outcome in outcomes] == ["ImportRecord"] * 4
    assert len(store.history()) == before + 4
    for ags in DISTRICTS:
        assert projects_2025(store, ags) == [f"Neu {ags}", f"Zweit {ags}"]


def test_two_parallel_imports_of_the_same_district_year_and_table_one_lands_the_other_is_refused(
    store_location: Location,
) -> None:
    store = open_store(store_location)
    rows_before = query(store.path, "SELECT COUNT(*) FROM projects")[0][0]
    files = {
        "anna.xlsx": projects_file(WALDECK, ("Anna 1", 100), ("Anna 2", 200), ("Anna 3", 300)),
        "bernd.xlsx": projects_file(WALDECK, ("Bernd", 999)),
    }
    outcomes = _import_at_once(_checks(store, files), store.path)
    (refusal,) = [outcome for outcome in outcomes if isinstance(outcome, StoreError)]
    (record,) = [outcome for outcome in outcomes if not isinstance(outcome, StoreError)]
    assert isinstance(refusal, StoreConflictError)
    assert str(refusal) == (
        "Die Daten wurden inzwischen geändert: Ein anderer Import oder eine Rücknahme betrifft dieselben Zeilen "
        "(Projekte: Waldeck-Frankenberg 2025). Es wurde nichts gespeichert; bitte die Datei erneut prüfen und "
        "dann importieren."
    )
    winner = {"anna.xlsx": ["Anna 1", "Anna 2", "Anna 3"], "bernd.xlsx": ["Bernd"]}[record.file_name]
    assert projects_2025(store, WALDECK) == winner
    assert [r.file_name for r in store.history()][:2] == [record.file_name, "aqb_demo.xlsx"]
    # Nothing of the refused file, not even replaced rows.
    assert query(store.path, "SELECT COUNT(*) FROM projects")[0][0] == rows_before + len(winner)


def test_a_change_to_another_table_of_the_same_district_does_not_refuse(store_location: Location) -> None:
    store = open_store(store_location)
    check = check_upload(projects_file(WALDECK, ("AVIA", 100)), "projekte.xlsx", store)
    budget = make_workbook({"Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, WALDECK, 800_000]]})
    import_checked(check_upload(budget, "budget.xlsx", store), store)
    assert import_checked(check, store) is not None


def test_an_undo_of_the_same_district_since_the_preview_refuses(store_location: Location) -> None:
    store = open_store(store_location)
    import_checked(check_upload(projects_file(WALDECK, ("AVIA", 100)), "erste.xlsx", store), store)
    check = check_upload(projects_file(WALDECK, ("AVIA", 200)), "zweite.xlsx", store)
    store.undo_last()
    with pytest.raises(StoreConflictError, match=r"\(Projekte: Waldeck-Frankenberg 2025\)"):
        import_checked(check, store)


def test_a_conflict_in_the_cli_names_the_file_and_what_was_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "aqb.sqlite"
    first, second = tmp_path / "frankfurt.xlsx", tmp_path / "waldeck.xlsx"
    first.write_bytes(projects_file("06412", ("F", 1)))
    second.write_bytes(projects_file(WALDECK, ("W", 2)))
    real_import = import_checked

    def someone_else_first(check: UploadCheck, store: Store) -> object:
        if check.result.file == "waldeck.xlsx":  # another analyst saves Waldeck-Frankenberg in between
            real_import(check_upload(projects_file(WALDECK, ("X", 3)), "anderer.xlsx", store), store)
        return real_import(check, store)

    monkeypatch.setattr("aqb_data.__main__.import_checked", someone_else_first)
    assert main(["import", str(first), str(second), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("waldeck.xlsx: Die Daten wurden inzwischen geändert")
    assert err.rstrip().endswith("Bereits gespeichert: frankfurt.xlsx.")


# --- names with terminal controls ------------------------------------------------------------------------------------


def test_a_file_name_with_an_escape_sequence_is_printed_spelled_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "aqb.sqlite")
    hostile = tmp_path / "bericht\x1b[31m\x9b2J.xlsx"
    hostile.write_bytes(projects_file(WALDECK, ("AVIA", 100)))
    assert main(["import", str(hostile), "--db", db]) == 0
    assert main(["history", "--db", db]) == 0
    assert main(["validate", str(hostile)]) == 0
    assert main(["undo", "--db", db]) == 0
    out, err = capsys.readouterr()
    assert "bericht<U+001B>[31m<U+009B>2J.xlsx: importiert als Nr. 2" in out
    assert "· bericht<U+001B>[31m<U+009B>2J.xlsx · Projekte" in out  # history
    assert "Rückgängig gemacht: Nr. 2 (bericht<U+001B>[31m<U+009B>2J.xlsx" in out
    assert "\x1b" not in out + err and "\x9b" not in out + err


def test_a_file_name_with_a_line_break_stays_on_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "a\nImportiert: alles.xlsx"
    assert main(["import", str(missing), "--db", str(tmp_path / "aqb.sqlite")]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("a<U+000A>Importiert: alles.xlsx: Die Datei kann nicht gelesen werden (nicht gefunden).")


# --- the template does not overwrite what is not a workbook -----------------------------------------------------


def test_template_refuses_a_name_without_xlsx_and_a_file_that_is_not_a_workbook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notizen.txt"
    notes.write_text("wichtig", encoding="utf-8")
    assert main(["template", str(notes)]) == 1
    disguised = tmp_path / "vorlage.xlsx"
    disguised.write_text("wichtig, nur falsch benannt", encoding="utf-8")
    assert main(["template", str(disguised)]) == 1
    err = capsys.readouterr().err
    assert "Die Ausgabe muss eine Excel-Arbeitsmappe mit der Endung .xlsx sein" in err
    assert "vorlage.xlsx gibt es schon, und es ist keine Excel-Arbeitsmappe (.xlsx); die Datei wird nicht" in err
    assert notes.read_text(encoding="utf-8") == "wichtig"
    assert disguised.read_text(encoding="utf-8") == "wichtig, nur falsch benannt"
    old_template = tmp_path / "alt.xlsx"
    old_template.write_bytes(make_workbook({"Alt": [["x"]]}))
    assert main(["template", str(old_template)]) == 0  # an earlier workbook may be replaced
    assert main(["validate", str(old_template)]) == 0
