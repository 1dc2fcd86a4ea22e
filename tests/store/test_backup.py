"""Backup and restore (`python -m aqb_data backup` / `restore`): a round trip gives back every row, on either engine
and from one engine to the other; nothing is overwritten unasked; a backup that is not usable changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from aqb_data.__main__ import main
from aqb_data.domain.access import Role, User
from aqb_data.domain.model import TABLES
from aqb_data.domain.notes import NoteKind
from aqb_data.store.backup import backup, restore
from aqb_data.store.database import Store, StoreError, open_store
from tests.databases import ENGINES, Location, new_location, query
from tests.workbooks import make_workbook

ANALYST = User("ana", "Ana Lyse", frozenset({Role.MAINTAIN}))
ADMIN = User("root", "Verwaltung", frozenset({Role.ADMIN}))


def _filled(location: Location, tmp_path: Path) -> Store:
    """A store with history: the demo data, an import that replaces rows, one undone import, a note."""
    store = open_store(location)
    tmp_path.mkdir(parents=True, exist_ok=True)
    for ags, budget in (("06635", "800.000"), ("06611", "1.000")):
        report = tmp_path / f"bericht_{ags}.xlsx"
        rows = [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, ags, budget]]
        report.write_bytes(make_workbook({"Zielvereinbarungen": rows}))
        assert main(["import", str(report), "--db", str(location)]) == 0
    store.undo_last()
    store.add_note(2025, "06635", NoteKind.NOTE, "Rückmeldung zum Herbstgespräch", user=ANALYST)
    return store


def _everything(store: Store) -> dict[str, object]:
    """What a person could check after a restore: every table now and after each import, the log, the audit
    trail, the notes with their versions, the version counter."""
    history = store.history()
    return {
        "now": {t.name: store.load().table(t.name) for t in TABLES},
        "after_first": {t.name: store.load(as_of=history[-1].id).table(t.name) for t in TABLES},
        "history": [(r.id, r.file_name, r.sha256, r.kind, r.imported_at, r.summary, r.undone_at) for r in history],
        "audit": store.audit_log(ADMIN),
        "notes": store.notes(),
        "version": store.version(),
    }


def _assert_same(restored: dict[str, object], original: dict[str, object]) -> None:
    for key in ("now", "after_first"):
        for name, frame in original[key].items():
            pd.testing.assert_frame_equal(restored[key][name], frame, check_exact=True, obj=f"{key} {name}")
    assert restored["history"] == original["history"]
    pd.testing.assert_frame_equal(restored["audit"], original["audit"])
    pd.testing.assert_frame_equal(restored["notes"], original["notes"])
    assert restored["version"] == original["version"]


@pytest.mark.parametrize("target_engine", ENGINES)
def test_a_backup_restored_anywhere_gives_back_every_row_and_the_next_import_follows_on(
    store_location: Location, target_engine: str, tmp_path: Path
) -> None:
    original = _filled(store_location, tmp_path)
    before = _everything(original)
    saved = tmp_path / "sicherung.sqlite"

    copied = backup(original, saved)

    assert copied.newest_import == before["version"][0]
    assert copied.rows["imports"] == len(before["history"])
    assert sqlite3.connect(saved).execute("PRAGMA quick_check").fetchone() == ("ok",)
    with new_location(target_engine, tmp_path / "ziel") as target:
        (tmp_path / "ziel").mkdir(exist_ok=True)
        restored = restore(saved, target)
        assert restored.rows == copied.rows
        again = Store(target)
        _assert_same(_everything(again), before)
        # New rows get numbers after the restored ones (PostgreSQL's counters continue).
        again.add_note(2025, "06611", NoteKind.ACTION, "Bericht nachreichen", user=ANALYST)
        assert again.history()[0].id == before["version"][0] + 1
        assert len(again.notes()) == len(before["notes"]) + 1


def test_the_backup_is_a_database_the_dashboard_opens_itself(store_location: Location, tmp_path: Path) -> None:
    original = _filled(store_location, tmp_path)
    saved = tmp_path / "sicherung.sqlite"
    backup(original, saved)
    pd.testing.assert_frame_equal(Store(saved).load().agreements, original.load().agreements)


def test_a_backup_never_overwrites_a_file(store_location: Location, tmp_path: Path) -> None:
    original = open_store(store_location)
    saved = tmp_path / "sicherung.sqlite"
    saved.write_bytes(b"frueher")
    with pytest.raises(StoreError, match="gibt es schon; eine Sicherung überschreibt keine Datei"):
        backup(original, saved)
    assert saved.read_bytes() == b"frueher"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no draft left behind


def test_restoring_over_data_needs_replace_and_otherwise_changes_nothing(
    store_location: Location, tmp_path: Path
) -> None:
    source = tmp_path / "quelle.sqlite"
    saved = tmp_path / "sicherung.sqlite"
    backup(open_store(source), saved)  # the demo data only
    target = _filled(store_location, tmp_path)
    before = _everything(target)

    with pytest.raises(StoreError, match=r"enthält schon Daten \(Import Nr\. 4\).*--ersetzen"):
        restore(saved, store_location)
    _assert_same(_everything(Store(store_location)), before)

    restore(saved, store_location, replace=True)
    assert [r.kind for r in Store(store_location).history()] == ["demo"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "ist leer"),
        (b"PK\x03\x04 eine Excel-Datei", "keine SQLite-Datenbank"),
        (None, "anderen Tabellen"),  # a SQLite database of something else
    ],
)
def test_a_backup_that_is_not_one_changes_nothing(
    store_location: Location, tmp_path: Path, content: bytes | None, message: str
) -> None:
    target = _filled(store_location, tmp_path)
    before = _everything(target)
    saved = tmp_path / "sicherung.sqlite"
    if content is None:
        sqlite3.connect(saved).execute("CREATE TABLE kunden (name TEXT)")
    else:
        saved.write_bytes(content)

    with pytest.raises(StoreError, match=f"Die Sicherung .*sicherung.sqlite ist nicht verwendbar: .*{message}"):
        restore(saved, store_location, replace=True)
    _assert_same(_everything(Store(store_location)), before)


def test_a_backup_breaking_the_rules_of_the_schema_is_rolled_back_whole(
    store_location: Location, tmp_path: Path
) -> None:
    saved = tmp_path / "sicherung.sqlite"
    backup(_filled(tmp_path / "quelle.sqlite", tmp_path), saved)
    edited = sqlite3.connect(saved)
    edited.execute("PRAGMA foreign_keys = OFF")
    edited.execute("UPDATE projects SET import_id = 999 WHERE row_id = (SELECT MAX(row_id) FROM projects)")
    edited.commit()
    edited.close()
    target = _filled(store_location, tmp_path / "ziel_daten")
    before = _everything(target)

    with pytest.raises(StoreError, match="Es wurde nichts geändert"):
        restore(saved, store_location, replace=True)
    _assert_same(_everything(Store(store_location)), before)


def test_the_command_line_backs_up_and_restores(
    store_location: Location, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = _filled(store_location, tmp_path)
    before = _everything(original)
    saved = tmp_path / "sicherung.sqlite"
    target = tmp_path / "wiederhergestellt.sqlite"

    assert main(["backup", str(saved), "--db", str(store_location)]) == 0
    assert main(["restore", str(saved), "--db", str(target)]) == 0
    assert main(["restore", str(saved), "--db", str(target)]) == 2
    out, err = capsys.readouterr()
    assert "Sicherung von" in out and "Zeilen in 7 Tabellen, bis Import Nr. 4" in out
    assert "zurückgespielt" in out
    assert "enthält schon Daten" in err and "--ersetzen" in err
    assert "aqb_test:" not in out + err  # a PostgreSQL password never shows
    _assert_same(_everything(Store(target)), before)
    assert query(target, "SELECT COUNT(*) FROM imports")[0][0] == 4


def test_backing_up_a_database_that_does_not_exist_makes_none(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    missing = tmp_path / "fehlt.sqlite"
    assert main(["backup", str(tmp_path / "s.sqlite"), "--db", str(missing)]) == 2
    assert "gibt es nicht; nichts zu sichern" in capsys.readouterr().err
    assert not missing.exists()
