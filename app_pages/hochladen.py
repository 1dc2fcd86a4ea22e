"""Daten hochladen: district reports in, every problem shown, changes previewed and confirmed."""

import streamlit as st

from aqb_data.domain.access import AccessDeniedError
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_number, rows_text
from aqb_data.domain.problems import Severity
from aqb_data.read.workbook import XLSX_MIME
from aqb_data.store.database import TABLE_LABELS, StoreError
from aqb_data.store.intake import UploadCheck, import_checked
from ui.auth import current_user
from ui.cache import checked_upload, template_bytes
from ui.data import get_data, get_store
from ui.intake import change_preview, problem_groups
from ui.text import escape_markdown

MESSAGE = "upload_message"


def _check(data: bytes, file_name: str, version: tuple[int, int]) -> UploadCheck:
    """The file checked against the store as of `version` (kept: the page runs again on every click)."""
    return checked_upload(data, file_name, str(get_store().path), version, current_user().scope)


def _import(data: bytes, file_name: str, version: tuple[int, int]) -> None:
    """Button callback: import the file exactly as previewed (on the data of `version`)."""
    check = _check(data, file_name, version)
    name = escape_markdown(file_name)
    try:
        record = import_checked(check, get_store(), user=current_user())
    except (StoreError, AccessDeniedError) as error:
        st.session_state[MESSAGE] = ("error", f"{name}: {escape_markdown(error)}")
        return
    if record is None:
        st.session_state[MESSAGE] = ("info", f"{name}: keine Änderungen – dieser Stand ist bereits gespeichert.")
    else:
        st.session_state[MESSAGE] = (
            "success",
            f"{name} ist übernommen (Import Nr. {record.id}). Alle Seiten zeigen ab sofort die neuen Zahlen; "
            "unter *Verlauf* lässt sich der Import rückgängig machen.",
        )


def _preview(check: UploadCheck, data: bytes, file_name: str, key: str, stored: AqbData) -> None:
    if not change_preview(check, stored):
        return
    st.button(
        "Übernehmen",
        type="primary",
        icon=":material/check:",
        key=f"import_{key}",
        on_click=_import,
        args=(data, file_name, check.version),
        help="Speichert die Zeilen; sie ersetzen die bisherigen derselben Gebietskörperschaft und desselben Jahres "
        "(im Umsetzungsstand desselben Stichtags).",
    )


st.title("Daten hochladen")
st.markdown(
    "Laden Sie die Excel-Berichte der Kreise und Städte hoch. Jede Datei wird vollständig geprüft: **Fehler** "
    "(mit Blatt, Zeile, Spalte, Wert und Erwartung) verhindern die Übernahme, **Warnungen** nicht. Bevor etwas "
    "gespeichert wird, sehen Sie, was sich ändert, und bestätigen es. Frühere Stände bleiben im *Verlauf*."
)
st.download_button(
    "Leere Berichtsvorlage herunterladen (.xlsx)",
    data=template_bytes,
    file_name="AQB_Berichtsvorlage.xlsx",
    mime=XLSX_MIME,
    on_click="ignore",
    icon=":material/description:",
)
if MESSAGE in st.session_state:
    kind, text = st.session_state.pop(MESSAGE)
    getattr(st, kind)(text)

uploads = st.file_uploader(
    "Berichte (Excel-Arbeitsmappen, .xlsx)",
    accept_multiple_files=True,
    key="upload",
    help="Eine oder mehrere Dateien; Blätter Zielvereinbarungen, Projekte und/oder Umsetzungsstand.",
)
version = get_store().version()
stored = get_data()
for position, upload in enumerate(uploads or []):
    data = upload.getvalue()
    check = _check(data, upload.name, version)
    key = f"{position}_{check.digest[:12]}"  # the same file twice must not share widget keys
    with st.container(border=True):
        st.header(escape_markdown(upload.name))
        read = ", ".join(
            f"{TABLE_LABELS[t]}: {rows_text(len(check.result.tables[t]))}" for t in check.result.sheets_read
        )
        errors, warnings, notes = (format_number(check.count(severity)) for severity in Severity)
        if check.errors:
            st.error(
                f"**{errors} Fehler, {warnings} Warnungen** – die Datei wird nicht übernommen. "
                "Bitte die Stellen unten korrigieren und die Datei erneut hochladen."
            )
        elif check.empty:
            st.warning("Die Datei enthält keine Datenzeilen – nur Überschriften. Es gibt nichts zu übernehmen.")
        elif check.warnings:
            st.warning(f"**{warnings} Warnungen** – bitte prüfen; die Datei kann trotzdem übernommen werden.")
        else:
            st.success("Keine Fehler, keine Warnungen.")
        if check.notes:
            read += f" · {notes} {'Hinweis' if notes == '1' else 'Hinweise'} (unten)"
        if read:
            st.caption(f"Gelesen: {read}")
        if check.problems:
            problem_groups(check, key)
        if not check.empty:
            _preview(check, data, upload.name, key, stored)
