"""Notes and agreed actions between the ministry and a district: their vocabulary, limits and columns.

A note belongs to one district and year, optionally to one measure type or project. It is either a plain note
(„Notiz“) or an action agreed in a meeting („Vereinbarte Maßnahme“), which has a status (offen / erledigt) and
may have a due date. Notes live in the store, never in an uploaded workbook: a district's file cannot write or
fake one. Their text is untrusted (shown as text, written into files as text, never as a formula).
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import pandas as pd

from aqb_data.domain.districts import load_districts
from aqb_data.domain.formatting import format_number
from aqb_data.domain.model import MEASURE_TYPES

MAX_NOTE_CHARS = 2_000
MAX_PROJECT_CHARS = 300
# The notes frame the store gives: one row per note in its current (or a chosen earlier) version.
NOTE_COLUMNS = [
    "note_id",  # stays the same over a note's versions (the number of the change that created it)
    "year",
    "ags",
    "measure_type",  # 1–4 or missing
    "project",  # or missing
    "kind",  # NoteKind value
    "text",
    "status",  # NoteStatus value for actions, missing for notes
    "due",  # actions only; may be missing
    "author_login",  # who wrote this version
    "author_name",
    "written_at",  # when this version was written
    "created_by",  # name of who wrote the first version
    "created_at",
    "demo",  # written by the demo seed (synthetic)
]


class NoteKind(Enum):
    """What a note is; the value is its German name."""

    NOTE = "Notiz"
    ACTION = "Vereinbarte Maßnahme"

    @property
    def label(self) -> str:
        """The German name."""
        return self.value


class NoteStatus(Enum):
    """The status of an agreed action; the value is its German name."""

    OPEN = "offen"
    DONE = "erledigt"

    @property
    def label(self) -> str:
        """The German name."""
        return self.value


class NoteError(ValueError):
    """A note that cannot be stored as given; the message says why, in German."""


def empty_notes() -> pd.DataFrame:
    """A notes frame without rows (columns `NOTE_COLUMNS`, with their types)."""
    return conform_notes(pd.DataFrame({column: [] for column in NOTE_COLUMNS}))


def conform_notes(frame: pd.DataFrame) -> pd.DataFrame:
    """The notes frame with its columns in order and typed: numbers as integers, days and times as timestamps,
    text as text (missing stays missing)."""
    result = pd.DataFrame(index=frame.index)
    result["note_id"] = pd.array(frame["note_id"], dtype="Int64")
    result["year"] = pd.array(frame["year"], dtype="Int64")
    result["measure_type"] = pd.array(pd.to_numeric(frame["measure_type"]), dtype="Int64")
    for column in ("ags", "project", "kind", "text", "status", "author_login", "author_name", "created_by"):
        result[column] = frame[column].astype("str").where(frame[column].notna(), None)
    for column in ("due", "written_at", "created_at"):
        result[column] = pd.to_datetime(frame[column])
    result["demo"] = frame["demo"].astype(bool)
    return result[NOTE_COLUMNS].reset_index(drop=True)


def clean_text(text: object) -> str:
    """A note's text as stored: without surrounding white space and with Unix line ends.

    NoteError (German) for an empty text or one longer than `MAX_NOTE_CHARS` characters.
    """
    cleaned = str(text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not cleaned:
        raise NoteError("Bitte einen Text eingeben; eine leere Notiz wird nicht gespeichert.")
    if len(cleaned) > MAX_NOTE_CHARS:
        raise NoteError(
            f"Der Text ist {format_number(len(cleaned))} Zeichen lang; erlaubt sind höchstens "
            f"{format_number(MAX_NOTE_CHARS)} Zeichen. Es wurde nichts gespeichert."
        )
    return cleaned


def check_place(year: object, ags: object, measure_type: object = None, project: object = None) -> None:
    """NoteError (German) unless the year, district, measure type (1–4 or none) and project name (or none) can
    hold a note."""
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise NoteError(f"Das Jahr „{year}“ ist kein Haushaltsjahr; eine Notiz gehört zu einem Jahr von 2000 bis 2100.")
    if ags not in set(load_districts()["ags"]):
        raise NoteError(f"„{ags}“ ist kein Kreisschlüssel einer hessischen Gebietskörperschaft.")
    if measure_type is not None and measure_type not in MEASURE_TYPES:
        raise NoteError(f"„{measure_type}“ ist keine Maßnahmenart (1 bis 4).")
    if project is not None and (not isinstance(project, str) or len(project) > MAX_PROJECT_CHARS):
        raise NoteError(f"Ein Projektname hat höchstens {MAX_PROJECT_CHARS} Zeichen.")


def overdue(notes: pd.DataFrame, today: date) -> pd.Series:
    """True for each open action whose due date lies before `today` (a note or a done action is never overdue)."""
    open_action = (notes["kind"] == NoteKind.ACTION.value) & (notes["status"] == NoteStatus.OPEN.value)
    late = notes["due"].notna() & (notes["due"] < pd.Timestamp(today))
    return (open_action & late).fillna(False).astype(bool)
