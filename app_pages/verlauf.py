"""Verlauf: every import with what it changed; undo the last one, look at an earlier state, drop the demo data."""

import functools

import pandas as pd
import streamlit as st

from aqb_data.analysis.indicators import LAND_LABEL, Selection, budget_trend
from aqb_data.domain.access import AccessDeniedError, Action, RoleMapping
from aqb_data.domain.formatting import format_eur, format_number, format_timestamp
from aqb_data.read.workbook import XLSX_MIME
from aqb_data.store.database import AUDIT_COLUMNS, KIND_LABELS, AuditEvent, StoreError
from ui.auth import current_user
from ui.data import data_as_of, get_data, get_store, state_workbook
from ui.text import escape_markdown
from ui.widgets import table

MESSAGE = "history_message"


def _undo(import_id: int) -> None:
    try:
        record = get_store().undo_last(import_id, user=current_user())
    except (StoreError, AccessDeniedError) as error:
        st.session_state[MESSAGE] = ("error", escape_markdown(error))
        return
    done = (
        f"Import Nr. {record.id} ({escape_markdown(record.file_name)}) ist rückgängig gemacht."
        if record
        else "Nichts zurückzunehmen."
    )
    st.session_state[MESSAGE] = ("success", done)


def _remove_demo() -> None:
    try:
        record = get_store().remove_synthetic(user=current_user())
    except (StoreError, AccessDeniedError) as error:
        st.session_state[MESSAGE] = ("error", escape_markdown(error))
        return
    removed = "Die Demodaten sind entfernt; „Letzten Import rückgängig machen“ holt sie zurück."
    st.session_state[MESSAGE] = ("success", removed if record else "Es gibt keine Demodaten (mehr).")


def _record_state_export(file_name: str, state: str) -> None:
    """Download callback: the audit trail notes who took which earlier state."""
    get_store().record(AuditEvent.EXPORT_STATE, user=current_user(), file_name=file_name, detail=state)


user = current_user()
store = get_store()
records = store.history()
data = get_data()
st.title("Verlauf")
st.markdown(
    "Jeder Import ist hier verzeichnet. Ersetzte Zeilen bleiben gespeichert: Der letzte Import lässt sich "
    "rückgängig machen, und jeder frühere Stand lässt sich ansehen und herunterladen."
)
if MESSAGE in st.session_state:
    kind, text = st.session_state.pop(MESSAGE)
    getattr(st, kind)(text)

log = pd.DataFrame(
    [
        {
            "Nr.": r.id,
            "Zeitpunkt": r.imported_at,
            "Art": KIND_LABELS[r.kind],
            "Datei": r.file_name,
            "Änderungen": r.describe(),
            "Status": f"rückgängig gemacht am {r.undone_at:%d.%m.%Y %H:%M}" if r.undone_at else "in Kraft",
        }
        for r in records
    ],
    columns=["Nr.", "Zeitpunkt", "Art", "Datei", "Änderungen", "Status"],
)
table(
    log,
    {c: (c, format_timestamp if c == "Zeitpunkt" else None) for c in log.columns},
    "Importprotokoll",
    data=data,
    view=None,
)

active = [r for r in records if r.undone_at is None]
undo_col, demo_col = st.columns(2)
with undo_col.popover("Letzten Import rückgängig machen", icon=":material/undo:", disabled=not active):
    if active:
        st.text(f"Nr. {active[0].id} · {active[0].file_name} · {active[0].imported_at:%d.%m.%Y %H:%M}")
        st.write("Seine Zeilen werden entfernt; die Zeilen, die er ersetzt hatte, gelten wieder.")
        st.button("Ja, rückgängig machen", type="primary", on_click=_undo, args=(active[0].id,))
synthetic = data.synthetic_rows()
if user.may(Action.REMOVE_DEMO):
    with demo_col.popover("Demodaten entfernen", icon=":material/delete:", disabled=not synthetic):
        st.write(f"{format_number(synthetic)} synthetische Zeilen werden entfernt; echte Zeilen bleiben.")
        st.button("Ja, Demodaten entfernen", type="primary", on_click=_remove_demo)

st.header("Früheren Stand ansehen")
if active:
    labels = {r.id: f"Nr. {r.id} · {r.imported_at:%d.%m.%Y %H:%M} · {r.file_name}" for r in active}
    chosen = st.selectbox("Stand nach Import", list(labels), format_func=labels.get, placeholder="Bitte wählen")
    then = data_as_of(chosen)
    trend = budget_trend(then, Selection(year=max(then.years, default=0)))
    st.caption(
        f"{len(then.agreements)} Zielvereinbarungen, {len(then.projects)} Projekte, "
        f"{len(then.progress)} Umsetzungsstände"
    )
    table(
        trend,
        {
            "year": ("Jahr", str),
            "budget_eur": (f"Haushaltsmittel {LAND_LABEL}", format_eur),
            "n_districts": ("Gebietskörperschaften", format_number),
        },
        f"Haushaltsmittel nach Import Nr. {chosen}",
        data=then,
        view=None,
    )

    st.download_button(
        "Diesen Stand herunterladen (.xlsx)",
        data=functools.partial(state_workbook, get_store(), chosen, current_user().scope),  # made only when clicked
        file_name=f"AQB_Stand_nach_Import_{chosen}.xlsx",
        mime=XLSX_MIME,
        on_click=_record_state_export,
        args=(f"AQB_Stand_nach_Import_{chosen}.xlsx", labels[chosen]),
        icon=":material/download:",
    )
else:
    st.info("Noch kein Import in Kraft.")

if user.may(Action.AUDIT):
    st.header("Protokoll")
    st.caption(
        f"Wer wann was geändert oder exportiert hat, mit Datei und SHA-256; Einträge älter als "
        f"{store.audit_retention_days} Tage werden gelöscht. Nur für die Rolle Verwaltung."
    )
    audit = store.audit_log(user)
    table(
        audit,
        {c: (c, format_timestamp if c == "Zeitpunkt" else str if c == "Import Nr." else None) for c in AUDIT_COLUMNS},
        "Protokoll",
        data=data,
        view=None,
    )

if user.may(Action.SETTINGS):
    with st.expander("Rollen-Einstellungen"):
        try:
            mapping = RoleMapping.load()
        except ValueError as error:
            st.error(escape_markdown(error))
            st.stop()
        st.caption(
            f"Rollen aus dem Claim „{escape_markdown(mapping.claim)}“, Kreisschlüssel aus "
            f"„{escape_markdown(mapping.ags_claim)}“, Protokoll {mapping.audit_retention_days} Tage. Geändert werden "
            "sie in der Datei .streamlit/roles.toml (oder der in AQB_ROLES genannten) und gelten nach einem "
            "Neustart; siehe README, „Anmeldung, Rollen und Protokoll“."
        )
        groups = pd.DataFrame({"Gruppe": list(mapping.groups), "Rolle": [r.label for r in mapping.groups.values()]})
        st.dataframe(groups, hide_index=True)
