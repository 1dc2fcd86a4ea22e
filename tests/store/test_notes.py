"""Notes and agreed actions in the store: versions, undo, audit trail, access, limits, schema upgrade, files."""

import io
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from aqb_data.domain.access import AccessDeniedError, Role, User
from aqb_data.domain.notes import MAX_NOTE_CHARS, NoteError, NoteKind, NoteStatus
from aqb_data.export.tables import table_xlsx
from aqb_data.present.notes import NOTES_FRAME_COLUMNS, notes_frame
from aqb_data.store.database import (
    KIND_LABELS,
    KIND_NOTE,
    SCHEMA_VERSION,
    Keep,
    Store,
    StoreConflictError,
    open_store,
)
from tests.databases import Location
from tests.workbooks import make_workbook

WALDECK, GIESSEN = "06635", "06531"
ANALYST = User("analystin@hmsi.example", "Analystin Muster", frozenset({Role.MAINTAIN}))
READER = User("leser@hmsi.example", "Leser", frozenset({Role.READ}))
ADMIN = User("admin@hmsi.example", "Admin", frozenset({Role.ADMIN}))
GIESSEN_USER = User("kreis@giessen.example", "Kreis Gießen", frozenset({Role.DISTRICT}), ags=GIESSEN)
AUTUMN = date(2025, 11, 1)


@pytest.fixture
def store(store_location: Location) -> Store:
    return Store(store_location, require_user=True)


def test_an_action_is_added_done_and_undone_with_every_step_in_history_and_audit_trail(store: Store) -> None:
    added = store.add_note(
        2025,
        WALDECK,
        NoteKind.ACTION,
        "Nachsteuerung Projekt AVIA",
        measure_type=1,
        due=date(2025, 12, 1),
        user=ANALYST,
    )
    note = store.notes(2025, WALDECK).iloc[0]
    assert (note["note_id"], note["status"], note["due"]) == (added.id, "offen", pd.Timestamp(2025, 12, 1))
    assert (note["created_by"], note["author_login"]) == ("Analystin Muster", "analystin@hmsi.example")

    done = store.update_note(added.id, status=NoteStatus.DONE, user=ANALYST)
    assert done is not None
    assert store.notes(2025, WALDECK)["status"].tolist() == ["erledigt"]
    assert store.notes(2025, WALDECK, as_of=added.id)["status"].tolist() == ["offen"]  # the earlier version stays

    history = store.history()
    assert [(r.kind, KIND_LABELS[r.kind]) for r in history] == [(KIND_NOTE, "Notiz")] * 2
    assert history[0].file_name == f"Vereinbarte Maßnahme Nr. {added.id} – Waldeck-Frankenberg 2025"
    assert history[0].describe() == "Notizen: 1 geändert"

    log = store.audit_log(ADMIN)
    assert log["Vorgang"].tolist() == ["Maßnahme erledigt", "Notiz angelegt"]
    assert log["Benutzer"].tolist() == ["analystin@hmsi.example"] * 2
    assert log["Änderung"].tolist() == ["Status offen → erledigt", "Notizen: 1 neu"]

    undone = store.undo_last(user=ANALYST)
    assert undone is not None and undone.id == done.id
    assert store.notes(2025, WALDECK)["status"].tolist() == ["offen"]
    assert store.audit_log(ADMIN)["Vorgang"].iloc[0] == "Import zurückgenommen"
    store.undo_last(user=ANALYST)
    assert store.notes().empty


def test_reopening_and_editing_are_recorded_as_their_own_events(store: Store) -> None:
    added = store.add_note(2025, WALDECK, NoteKind.ACTION, "Bericht nachreichen", user=ANALYST)
    store.update_note(added.id, status=NoteStatus.DONE, user=ANALYST)
    store.update_note(added.id, status=NoteStatus.OPEN, user=ANALYST)
    store.update_note(added.id, text="Bericht bis 30.11. nachreichen", due=date(2025, 11, 30), user=ANALYST)
    assert store.update_note(added.id, text="Bericht bis 30.11. nachreichen", user=ANALYST) is None  # no change
    log = store.audit_log(ADMIN)
    assert log["Vorgang"].tolist() == [
        "Notiz geändert",
        "Maßnahme wieder geöffnet",
        "Maßnahme erledigt",
        "Notiz angelegt",
    ]
    assert log["Änderung"].iloc[0] == "Text, Fälligkeit geändert"
    note = store.notes().iloc[0]
    assert (note["text"], note["status"], note["due"]) == (
        "Bericht bis 30.11. nachreichen",
        "offen",
        pd.Timestamp(2025, 11, 30),
    )


def test_a_note_has_no_status_and_no_due_date(store: Store) -> None:
    added = store.add_note(
        2025, WALDECK, NoteKind.NOTE, "Gespräch mit dem Träger am 3.9.", project="AVIA", user=ANALYST
    )
    assert pd.isna(store.notes().iloc[0]["status"])
    with pytest.raises(NoteError, match="nur für vereinbarte Maßnahmen"):
        store.update_note(added.id, status=NoteStatus.DONE, user=ANALYST)
    with pytest.raises(NoteError, match="nur für vereinbarte Maßnahmen"):
        store.add_note(2025, WALDECK, NoteKind.NOTE, "x", due=date(2025, 12, 1), user=ANALYST)


def test_a_district_user_writes_only_their_own_districts_notes_and_a_reader_none(store: Store) -> None:
    with pytest.raises(AccessDeniedError, match="nur Notizen zu Gießen .* nicht zu Waldeck-Frankenberg"):
        store.add_note(2025, WALDECK, NoteKind.NOTE, "fremd", user=GIESSEN_USER)
    own = store.add_note(2025, GIESSEN, NoteKind.ACTION, "eigene Maßnahme", user=GIESSEN_USER)
    other = store.add_note(2025, WALDECK, NoteKind.ACTION, "Waldecks Maßnahme", user=ANALYST)
    with pytest.raises(AccessDeniedError, match="nicht zu Waldeck-Frankenberg"):
        store.update_note(other.id, status=NoteStatus.DONE, user=GIESSEN_USER)
    with pytest.raises(AccessDeniedError, match="darf nicht Notizen und vereinbarte Maßnahmen schreiben"):
        store.add_note(2025, WALDECK, NoteKind.NOTE, "gelesen", user=READER)
    with pytest.raises(AccessDeniedError, match="darf nicht Notizen"):
        store.update_note(own.id, status=NoteStatus.DONE, user=READER)
    with pytest.raises(AccessDeniedError, match="ohne angemeldeten Benutzer"):
        store.add_note(2025, WALDECK, NoteKind.NOTE, "anonym")
    assert store.update_note(own.id, status=NoteStatus.DONE, user=GIESSEN_USER) is not None
    assert sorted(store.notes()["text"]) == ["Waldecks Maßnahme", "eigene Maßnahme"]
    assert len(store.history()) == 3  # the refused writes left no trace


def test_an_empty_or_too_long_text_is_refused_in_german(store: Store) -> None:
    with pytest.raises(NoteError, match="Bitte einen Text eingeben"):
        store.add_note(2025, WALDECK, NoteKind.NOTE, "  \n ", user=ANALYST)
    with pytest.raises(NoteError, match=r"2\.001 Zeichen lang; erlaubt sind höchstens 2\.000 Zeichen"):
        store.add_note(2025, WALDECK, NoteKind.NOTE, "x" * (MAX_NOTE_CHARS + 1), user=ANALYST)
    with pytest.raises(NoteError, match="kein Kreisschlüssel"):
        store.add_note(2025, "99999", NoteKind.NOTE, "x", user=ANALYST)
    with pytest.raises(NoteError, match="keine Maßnahmenart"):
        store.add_note(2025, WALDECK, NoteKind.NOTE, "x", measure_type=7, user=ANALYST)
    store.add_note(2025, WALDECK, NoteKind.NOTE, "x" * MAX_NOTE_CHARS, user=ANALYST)
    assert store.notes()["text"].str.len().tolist() == [MAX_NOTE_CHARS]


def test_a_change_to_a_note_someone_else_changed_meanwhile_is_refused(store: Store) -> None:
    added = store.add_note(2025, WALDECK, NoteKind.ACTION, "Termin vereinbaren", user=ANALYST)
    seen = int(store.notes().iloc[0]["version"])
    store.update_note(
        added.id,
        text="Termin am 12.11. vereinbart",
        user=User("kollege@hmsi.example", "Kollege", frozenset({Role.MAINTAIN})),
    )
    with pytest.raises(StoreConflictError, match="inzwischen von anderer Seite geändert"):
        store.update_note(added.id, status=NoteStatus.DONE, user=ANALYST, seen=seen)
    assert store.notes().iloc[0]["status"] == "offen"


def test_notes_leave_the_data_and_its_files_alone_but_change_the_version(store: Store) -> None:
    before = store.version()
    store.add_note(2025, WALDECK, NoteKind.NOTE, "Notiz", user=ANALYST)
    assert store.version() != before  # pages reload their cached notes at once
    assert store.load().files == ()  # a note is no file the figures come from


def test_demo_notes_go_with_the_demo_data(store: Store) -> None:
    store.add_note(2025, WALDECK, NoteKind.NOTE, "synthetisch", user=ANALYST, demo=True)
    store.add_note(2025, WALDECK, NoteKind.NOTE, "echt", user=ANALYST)
    record = store.remove_synthetic(user=ADMIN)
    assert record is not None and record.summary["notes"] == {"entfällt": 1}
    assert store.notes()["text"].tolist() == ["echt"]
    store.undo_last(user=ADMIN)
    assert sorted(store.notes()["text"]) == ["echt", "synthetisch"]


def _schema_4(path: Path) -> None:
    """A database as schema 4 left it: no notes table, no places of signature."""
    store = open_store(path)
    assert store.load().agreements.shape[0] > 0
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE notes")
        for column in ("signed_ministry_place", "signed_district_place"):
            connection.execute(f"ALTER TABLE agreements DROP COLUMN {column}")
        connection.execute("PRAGMA user_version = 4")


def test_a_schema_4_database_is_upgraded_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "alt.sqlite"
    _schema_4(path)
    with sqlite3.connect(path) as connection:
        agreements = connection.execute("SELECT COUNT(*) FROM agreements").fetchone()[0]
    store = Store(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert len(store.load().agreements) == agreements
    assert store.notes().empty
    store.add_note(2025, WALDECK, NoteKind.NOTE, "nach dem Update", user=ANALYST)
    assert store.notes()["text"].tolist() == ["nach dem Update"]


PAYLOAD = '=HYPERLINK("http://x.example";"klick")\n# Überschrift **fett** [link](http://x.example)'


def test_a_formula_or_markdown_payload_is_stored_and_written_into_the_xlsx_as_text(store: Store) -> None:
    store.add_note(2025, WALDECK, NoteKind.ACTION, PAYLOAD, project="@SUMME(A1)", user=ANALYST)
    frame = notes_frame(store.notes(), AUTUMN, 2025, WALDECK)
    assert frame["Text"].tolist() == [PAYLOAD]
    data = table_xlsx(frame, NOTES_FRAME_COLUMNS, [("Ansicht", "Notizen")])
    sheet = load_workbook(io.BytesIO(data))["Daten"]
    headings = [cell.value for cell in sheet[1]]
    text, project = sheet.cell(2, headings.index("Text") + 1), sheet.cell(2, headings.index("Projekt") + 1)
    assert (text.value, text.data_type) == (PAYLOAD, "s")
    assert (project.value, project.data_type) == ("@SUMME(A1)", "s")
    assert text.quotePrefix and project.quotePrefix


def test_the_notes_frame_puts_open_actions_first_and_marks_overdue_ones(store: Store) -> None:
    store.add_note(2025, WALDECK, NoteKind.NOTE, "Notiz", user=ANALYST)
    done = store.add_note(2025, WALDECK, NoteKind.ACTION, "erledigt", user=ANALYST)
    store.update_note(done.id, status=NoteStatus.DONE, user=ANALYST)
    store.add_note(2025, WALDECK, NoteKind.ACTION, "später fällig", due=date(2025, 12, 15), user=ANALYST)
    store.add_note(2025, WALDECK, NoteKind.ACTION, "überfällig", due=date(2025, 10, 1), measure_type=2, user=ANALYST)
    store.add_note(2024, WALDECK, NoteKind.NOTE, "Vorjahr", user=ANALYST)
    frame = notes_frame(store.notes(), AUTUMN, 2025, WALDECK)
    assert frame["Text"].tolist() == ["überfällig", "später fällig", "Notiz", "erledigt"]
    assert frame["Status"].tolist()[:2] == ["■ überfällig seit 01.10.2025", "○ offen"]
    assert pd.isna(frame["Status"].iloc[2]) and frame["Status"].iloc[3] == "● erledigt"
    assert frame["Maßnahmenart"].iloc[0] == "2 Ausbildung & Coaching"
    assert frame["Fällig am"].iloc[0] == date(2025, 10, 1)
    only_actions = notes_frame(store.notes(), AUTUMN, 2025, WALDECK, NoteKind.ACTION)
    assert "Notiz" not in set(only_actions["Art"])


def test_keep_leaves_a_value_and_none_clears_it(store: Store) -> None:
    added = store.add_note(2025, WALDECK, NoteKind.ACTION, "x", due=date(2025, 12, 1), project="AVIA", user=ANALYST)
    store.update_note(added.id, due=None, project=Keep.KEEP, user=ANALYST)
    note = store.notes().iloc[0]
    assert pd.isna(note["due"]) and note["project"] == "AVIA"


def test_make_workbook_cannot_bring_a_notes_sheet(tmp_path: Path) -> None:
    """A district's file cannot write a note: a sheet called Notizen is not read."""
    from aqb_data.read.workbook import read_workbook

    data = make_workbook({"Notizen": [["Jahr", "AGS", "Text"], [2025, WALDECK, "gefälscht"]]})
    result = read_workbook(data, "bericht.xlsx")
    assert "notes" not in result.tables


def test_the_command_line_lists_a_year_s_notes_open_actions_first(store: Store, capsys: pytest.CaptureFixture) -> None:
    from aqb_data.__main__ import main

    store.add_note(2025, WALDECK, NoteKind.NOTE, "Gespräch geführt\nzweite Zeile", user=ANALYST)
    store.add_note(2025, WALDECK, NoteKind.ACTION, "Plan vorlegen", due=date(2099, 11, 30), user=ANALYST)
    store.add_note(2025, GIESSEN, NoteKind.NOTE, "Gießen", user=ANALYST)
    assert main(["notizen", "--jahr", "2025", "--ags", "Waldeck-Frankenberg", "--db", str(store.path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(
        "Nr. 2 · Waldeck-Frankenberg 2025 · Vereinbarte Maßnahme · ○ offen · fällig am 30.11.2099"
    )
    assert lines[1:] == [
        "    Plan vorlegen",
        lines[2],
        "    Gespräch geführt",
        "    zweite Zeile",
    ]
    assert lines[2].startswith("Nr. 1 · Waldeck-Frankenberg 2025 · Notiz · Analystin Muster, ")
    assert main(["notizen", "--jahr", "2024", "--db", str(store.path)]) == 0
    assert capsys.readouterr().out == "Keine Notizen oder vereinbarten Maßnahmen.\n"


def test_a_new_database_holds_the_demos_synthetic_notes_in_its_demo_import(store_location: Location) -> None:
    """The bundled demo's notes come with the demo import: one entry in the history, undone and removed with it;
    the next note a user writes gets the next free number."""
    store = open_store(store_location)
    assert store.version() == (1, 0) and len(store.history()) == 1
    assert store.history()[0].describe().endswith("Notizen: 8 neu")
    notes = store.notes(2025)
    assert len(notes) == 8 and notes["demo"].all()
    assert set(notes["created_by"]) == {"Demo-Datensatz"}
    werra = notes[notes["ags"] == "06636"]
    assert werra["text"].iloc[0].startswith("Umsetzungsbericht zum 30.09.2025 nachreichen")
    assert sorted(notes["status"].dropna()) == ["erledigt", "erledigt", "offen", "offen", "offen"]

    added = store.add_note(2025, WALDECK, NoteKind.NOTE, "eigene Notiz", user=ANALYST)
    assert added.note_id == 9 and store.notes(2025, WALDECK)["note_id"].tolist() == [9]
    store.undo_last()  # the user's note
    store.remove_synthetic()  # as the operating-system user (single seat)
    assert store.notes().empty
    store.undo_last()  # removing the demo data, undone: the demo notes are back
    assert len(store.notes()) == 8
