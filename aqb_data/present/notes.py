"""Notes and agreed actions as a view: German headings, status with symbol and text, the order a meeting reads them.

One specification for the pages, their Excel files (sheet „Notizen“), the command line and the meeting pack:
`notes_frame` gives the rows, `NOTES_FRAME_COLUMNS` the headings and formats of `ui.widgets.table`/`export.tables`.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import format_date, format_timestamp
from aqb_data.domain.model import MEASURE_TYPES, SYNTHETIC_SOURCE
from aqb_data.domain.notes import NoteKind, NoteStatus, overdue
from aqb_data.present.views import Columns

NOTES_TITLE = "Notizen und vereinbarte Maßnahmen"
NOTES_SHEET = "Notizen"
OPEN_SYMBOL, OVERDUE_SYMBOL, DONE_SYMBOL = "○", "■", "●"
ENTERED_SOURCE = "im Dashboard erfasst"
# The headings of `notes_frame`, with the formats of the screen and the files.
NOTES_FRAME_COLUMNS: Columns = {
    "Nr.": ("Nr.", str),
    "Jahr": ("Jahr", str),
    "Gebietskörperschaft": ("Gebietskörperschaft", None),
    "Art": ("Art", None),
    "Status": ("Status", None),
    "Fällig am": ("Fällig am", format_date),
    "Maßnahmenart": ("Maßnahmenart", None),
    "Projekt": ("Projekt", None),
    "Text": ("Text", None),
    "Verfasst von": ("Verfasst von", None),
    "Angelegt am": ("Angelegt am", format_timestamp),
    "Zuletzt geändert": ("Zuletzt geändert", format_timestamp),
    "Geändert von": ("Geändert von", None),
    "Quelle": ("Quelle", None),
}


def status_text(kind: object, status: object, due: object, is_overdue: bool) -> str | None:
    """An action's status with symbol and words (`■ überfällig seit 01.10.2025`, `○ offen`, `● erledigt`); None for
    a plain note."""
    if kind != NoteKind.ACTION.value:
        return None
    if status == NoteStatus.DONE.value:
        return f"{DONE_SYMBOL} erledigt"
    if is_overdue:
        return f"{OVERDUE_SYMBOL} überfällig seit {format_date(due)}"
    return f"{OPEN_SYMBOL} offen"


def ordered(notes: pd.DataFrame, today: date) -> pd.DataFrame:
    """The notes in the order a meeting reads them: open actions first (overdue first, then by due date, those
    without one last), then notes, newest first, then done actions, newest first; with a column `overdue`."""
    late = overdue(notes, today)
    is_action = notes["kind"] == NoteKind.ACTION.value
    is_open = is_action & (notes["status"] == NoteStatus.OPEN.value)
    group = pd.Series(1, index=notes.index).mask(is_open, 0).mask(is_action & ~is_open, 2)
    sort = notes.assign(
        overdue=late,
        _group=group,
        _late=~late,
        _due=notes["due"],  # none last (NaT sorts last)
        _newest=-notes["written_at"].astype("int64"),
    )
    sort = sort.sort_values(["_group", "_late", "_due", "_newest", "note_id"], kind="stable")
    return sort.drop(columns=["_group", "_late", "_due", "_newest"]).reset_index(drop=True)


def notes_frame(
    notes: pd.DataFrame,
    today: date,
    year: int | None = None,
    ags: str | None = None,
    kind: NoteKind | None = None,
) -> pd.DataFrame:
    """The notes of the store's notes frame (`Store.notes`), of one year, district and kind if given, in the
    meeting's order (`ordered`), with the German headings of `NOTES_FRAME_COLUMNS`: number, year, district, kind,
    status with symbol (overdue as of `today` named with its due date), due date, measure type, project, the text
    as written (untrusted: show it as text), who wrote it when, who changed it last, and the source
    (`synthetisch` for demo notes)."""
    chosen = notes
    if year is not None:
        chosen = chosen[chosen["year"] == year]
    if ags is not None:
        chosen = chosen[chosen["ags"] == ags]
    if kind is not None:
        chosen = chosen[chosen["kind"] == kind.value]
    rows = ordered(chosen, today)
    return pd.DataFrame(
        {
            "Nr.": rows["note_id"],
            "Jahr": rows["year"],
            "Gebietskörperschaft": [district_label(ags) for ags in rows["ags"]],
            "Art": rows["kind"],
            "Status": [
                status_text(k, s, d, o)
                for k, s, d, o in zip(rows["kind"], rows["status"], rows["due"], rows["overdue"], strict=True)
            ],
            "Fällig am": [None if pd.isna(d) else d.date() for d in rows["due"]],
            "Maßnahmenart": [
                None if pd.isna(c) else f"{c} {MEASURE_TYPES[int(c)].short_label}" for c in rows["measure_type"]
            ],
            "Projekt": rows["project"],
            "Text": rows["text"],
            "Verfasst von": rows["created_by"],
            "Angelegt am": rows["created_at"],
            "Zuletzt geändert": rows["written_at"],
            "Geändert von": rows["author_name"],
            "Quelle": [SYNTHETIC_SOURCE if demo else ENTERED_SOURCE for demo in rows["demo"]],
        },
        columns=list(NOTES_FRAME_COLUMNS),
    )
