"""Notes and agreed actions on the district page and on Zielerreichung: the list, the form to add one, done/reopen.

The store keeps the notes (every change in the import log and audit trail, undoable on Verlauf); this module only
draws them and passes the signed-in user's changes on. A note's text is untrusted: it is shown as plain text
(`st.text`), every other value from it through `escape_markdown`.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from aqb_data.analysis.indicators import Selection
from aqb_data.domain.access import AccessDeniedError, Action, User
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import format_date, format_timestamp
from aqb_data.domain.model import MEASURE_TYPES
from aqb_data.domain.notes import MAX_NOTE_CHARS, NoteError, NoteKind, NoteStatus, empty_notes
from aqb_data.present.notes import NOTES_FRAME_COLUMNS, NOTES_TITLE, notes_frame, ordered, status_text
from aqb_data.store.database import StoreError
from ui import cache
from ui.auth import current_user
from ui.data import get_store
from ui.text import escape_markdown
from ui.widgets import table

MESSAGE = "notes_message"
NO_CHOICE = "–"


def _raw_notes(selection: Selection) -> pd.DataFrame:
    """The store's notes of the selected district and year (none without one district, or outside the user's
    scope), read through the cache keyed on the store's version."""
    scope = current_user().scope
    if not selection.ags or selection.year is None or (scope is not None and scope != selection.ags):
        return empty_notes()
    store = get_store()
    try:
        return cache.notes(str(store.path), store.version(), selection.year, selection.ags)
    except StoreError as error:
        st.error(f"Die Notizen können nicht gelesen werden: {escape_markdown(error)}")
        return empty_notes()


def district_notes(selection: Selection) -> pd.DataFrame | None:
    """The notes of the selected district and year as a `notes_frame` (German headings), for a table's Excel file
    (`ui.widgets.table(notes=…)`); None when the page shows no single district."""
    if not selection.ags or selection.year is None:
        return None
    return notes_frame(_raw_notes(selection), date.today())


def _may_write(user: User, ags: str) -> bool:
    return user.may(Action.NOTE) and (user.scope is None or user.scope == ags)


def _report(kind: str, text: str) -> None:
    st.session_state[MESSAGE] = (kind, text)


def _change(note_id: int, seen: int, status: NoteStatus) -> None:
    """Mark an action done or open again (a callback: runs before the page, so the list shows it at once)."""
    try:
        get_store().update_note(note_id, status=status, user=current_user(), seen=seen)
    except (NoteError, AccessDeniedError, StoreError) as error:
        _report("error", str(error))
        return
    done = status is NoteStatus.DONE
    _report("success", f"Maßnahme Nr. {note_id} ist {'als erledigt markiert' if done else 'wieder offen'}.")


def _edit(note_id: int, seen: int, is_action: bool) -> None:
    """Save the edited text (and due date of an action) of a note."""
    changes: dict[str, object] = {"text": st.session_state.get(f"notes_edit_text_{note_id}", "")}
    if is_action:
        changes["due"] = st.session_state.get(f"notes_edit_due_{note_id}")
    try:
        record = get_store().update_note(note_id, user=current_user(), seen=seen, **changes)  # type: ignore[arg-type]
    except (NoteError, AccessDeniedError, StoreError) as error:
        _report("error", str(error))
        return
    _report("success" if record else "info", f"Notiz Nr. {note_id} gespeichert." if record else "Nichts geändert.")


def _add(year: int, ags: str) -> None:
    """Store the note of the form."""
    state = st.session_state
    kind = NoteKind(state.get("notes_kind", NoteKind.NOTE.value))
    measure = state.get("notes_measure_type", NO_CHOICE)
    project = state.get("notes_project", NO_CHOICE)
    due = state.get("notes_due") if kind is NoteKind.ACTION else None
    try:
        record = get_store().add_note(
            year,
            ags,
            kind,
            state.get("notes_text", ""),
            measure_type=None if measure == NO_CHOICE else int(str(measure).split(" ", 1)[0]),
            project=None if project == NO_CHOICE else project,
            due=due,
            user=current_user(),
        )
    except (NoteError, AccessDeniedError, StoreError) as error:
        _report("error", str(error))
        return
    state["notes_text"] = ""
    _report("success", f"{kind.label} Nr. {record.note_id} gespeichert. Auf *Verlauf* lässt sie sich zurücknehmen.")


def _where(row: pd.Series) -> str:
    """The measure type and project a note concerns, the project name escaped."""
    parts = []
    if pd.notna(row["measure_type"]):
        code = int(row["measure_type"])
        parts.append(escape_markdown(f"Maßnahmenart {code} {MEASURE_TYPES[code].short_label}"))
    if pd.notna(row["project"]):
        parts.append(f"Projekt „{escape_markdown(row['project'])}“")
    return " · ".join(parts)


def _draw_note(row: pd.Series, writer: bool) -> None:
    """One note: status and place, the text as written, who wrote it when, and the buttons for a writer."""
    is_action = row["kind"] == NoteKind.ACTION.value
    status = status_text(row["kind"], row["status"], row["due"], bool(row["overdue"]))
    head = [f"**{escape_markdown(row['kind'])} Nr. {int(row['note_id'])}**"]
    if status:
        head.append(f":red[{escape_markdown(status)}]" if row["overdue"] else escape_markdown(status))
    if is_action and pd.notna(row["due"]) and not row["overdue"]:
        head.append(f"fällig am {format_date(row['due'])}")
    if where := _where(row):
        head.append(where)
    with st.container(border=True):
        st.markdown(" · ".join(head))
        st.text(row["text"], width="stretch")
        # Names come from the identity provider: each escaped on its own, as the page shows it elsewhere.
        written = f"Verfasst von {escape_markdown(row['created_by'])} am {format_timestamp(row['created_at'])}"
        if row["written_at"] != row["created_at"] or row["author_name"] != row["created_by"]:
            written += (
                f"; zuletzt geändert von {escape_markdown(row['author_name'])} am {format_timestamp(row['written_at'])}"
            )
        if row["demo"]:
            written += " · Demodaten (synthetisch)"
        st.caption(written)
        if not writer:
            return
        note_id, seen = int(row["note_id"]), int(row["version"])
        with st.container(horizontal=True, gap="small"):
            if is_action:
                done = row["status"] == NoteStatus.DONE.value
                st.button(
                    "Wieder öffnen" if done else "Als erledigt markieren",
                    key=f"notes_status_{note_id}",
                    icon=":material/undo:" if done else ":material/check:",
                    on_click=_change,
                    args=(note_id, seen, NoteStatus.OPEN if done else NoteStatus.DONE),
                )
            with st.popover("Bearbeiten", icon=":material/edit:"):
                st.text_area("Text", value=row["text"], max_chars=MAX_NOTE_CHARS, key=f"notes_edit_text_{note_id}")
                if is_action:
                    st.date_input(
                        "Fällig am",
                        value=None if pd.isna(row["due"]) else row["due"].date(),
                        format="DD.MM.YYYY",
                        key=f"notes_edit_due_{note_id}",
                    )
                st.button(
                    "Speichern", key=f"notes_edit_save_{note_id}", on_click=_edit, args=(note_id, seen, is_action)
                )


def _counts(rows: pd.DataFrame) -> str:
    """`2 offene Maßnahmen (1 überfällig) · 1 erledigt · 3 Notizen`."""
    actions = rows[rows["kind"] == NoteKind.ACTION.value]
    open_actions = actions[actions["status"] == NoteStatus.OPEN.value]
    late = int(rows["overdue"].sum())
    notes = int((rows["kind"] == NoteKind.NOTE.value).sum())
    parts = [
        f"{len(open_actions)} offene Maßnahme{'n' if len(open_actions) != 1 else ''}"
        + (f" (davon {late} überfällig)" if late else ""),
        f"{len(actions) - len(open_actions)} erledigt",
        f"{notes} Notiz{'en' if notes != 1 else ''}",
    ]
    return " · ".join(parts)


def _form(data: AqbData, selection: Selection) -> None:
    """The form to add a note or agreed action (measure type, project and due date optional)."""
    projects = data.projects[(data.projects["year"] == selection.year) & (data.projects["ags"] == selection.ags)]
    with st.expander("Notiz oder vereinbarte Maßnahme hinzufügen", icon=":material/add_notes:"):
        st.radio("Art", [kind.value for kind in NoteKind], key="notes_kind", horizontal=True)
        st.text_area(
            "Text",
            key="notes_text",
            max_chars=MAX_NOTE_CHARS,
            placeholder="z. B. Kreis legt bis 30.11. einen Plan zur Nachsteuerung von Projekt X vor.",
        )
        left, middle, right = st.columns(3)
        left.selectbox(
            "Maßnahmenart (optional)",
            [NO_CHOICE, *(f"{code} {mt.short_label}" for code, mt in MEASURE_TYPES.items())],
            key="notes_measure_type",
            placeholder="Bitte wählen",
        )
        middle.selectbox(
            "Projekt (optional)",
            [NO_CHOICE, *sorted(projects["project"].dropna().unique())],
            key="notes_project",
            placeholder="Bitte wählen",
        )
        right.date_input(
            "Fällig am (nur Maßnahmen)", value=None, format="DD.MM.YYYY", key="notes_due", min_value=date(2000, 1, 1)
        )
        st.button(
            "Speichern", type="primary", key="notes_add", on_click=_add, args=(int(selection.year), str(selection.ags))
        )


def notes_section(data: AqbData, selection: Selection) -> None:
    """The section „Notizen und vereinbarte Maßnahmen“ of the selected district and year: open actions first
    (overdue ones marked with symbol and text), then notes, then done actions; the notes as a table with its
    Excel and CSV download; for a user who may write them, the form to add one and the buttons to mark an action
    done, reopen it or edit a note. Nothing without one district chosen."""
    if not selection.ags or selection.year is None:
        return
    user = current_user()
    name = district_label(selection.ags)
    st.header(NOTES_TITLE)
    if MESSAGE in st.session_state:
        kind, text = st.session_state.pop(MESSAGE)
        getattr(st, kind)(escape_markdown(text) if kind == "error" else text)
    today = date.today()
    rows = ordered(_raw_notes(selection), today)
    writer = _may_write(user, selection.ags)
    if rows.empty:
        st.caption(
            f"Für {escape_markdown(name)} {selection.year} gibt es noch keine Notizen oder vereinbarten Maßnahmen."
        )
    else:
        st.caption(f"{escape_markdown(name)} {selection.year}: {_counts(rows)}")
        for _, row in rows.iterrows():
            _draw_note(row, writer)
        with st.expander("Als Tabelle (Excel, CSV)"):
            table(
                notes_frame(rows, today),
                NOTES_FRAME_COLUMNS,
                f"{NOTES_TITLE} {name} {selection.year}",
                data=data,
                view=None,
            )
    if writer:
        _form(data, selection)
