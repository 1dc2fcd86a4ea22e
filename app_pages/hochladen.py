"""Daten hochladen: district reports in, every problem shown, changes previewed and confirmed."""

import functools

import streamlit as st

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_change, format_date, format_eur, format_number, rows_text
from aqb_data.domain.problems import Severity, problems_frame
from aqb_data.export.workbooks import problems_workbook
from aqb_data.read.workbook import XLSX_MIME
from aqb_data.store.database import TABLE_LABELS, StoreError
from aqb_data.store.intake import UploadCheck, import_checked
from ui.cache import checked_upload, template_bytes
from ui.data import get_data, get_store
from ui.text import escape_markdown
from ui.widgets import table

MESSAGE = "upload_message"


def _check(data: bytes, file_name: str, version: tuple[int, int]) -> UploadCheck:
    """The file checked against the store as of `version` (kept: the page runs again on every click)."""
    return checked_upload(data, file_name, str(get_store().path), version)


def _import(data: bytes, file_name: str, version: tuple[int, int]) -> None:
    """Button callback: import the file exactly as previewed (on the data of `version`)."""
    check = _check(data, file_name, version)
    name = escape_markdown(file_name)
    try:
        record = import_checked(check, get_store())
    except StoreError as error:
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


def _problems(check: UploadCheck, file_name: str, key: str) -> None:
    groups: dict[tuple[str, str], list] = {}
    for problem in check.problems:
        groups.setdefault((problem.severity.value, problem.kind), []).append(problem)
    for (severity, kind), problems in sorted(groups.items()):
        with st.expander(
            f"{severity}: {escape_markdown(kind)} ({format_number(sum(p.stands_for for p in problems))})",
            expanded=severity == Severity.ERROR.value,
        ):
            # A static table: long explanations wrap instead of being cut off. Its cells are Markdown, and
            # sheet names, values and explanations come from the file: each is shown as text.
            frame = problems_frame(problems).drop(columns=["Art", "Kategorie", "Datei"])
            st.table(frame.astype("string").fillna("").map(escape_markdown), hide_index=True)
    st.download_button(
        "Prüfbericht herunterladen (.xlsx)",
        data=functools.partial(problems_workbook, check.problems),  # built on the click, not on every run
        file_name=f"Pruefbericht_{file_name}",
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key=f"report_{key}",
    )


def _preview(check: UploadCheck, data: bytes, file_name: str, key: str, stored: AqbData) -> None:
    preview = check.preview
    if preview is None:
        return
    if not preview.any:
        when = preview.same_file and f" (zuletzt am {format_date(preview.same_file['imported_at'])})"
        st.info(f"Keine Änderungen: Dieser Stand ist bereits gespeichert{when or ''}.")
        return
    st.markdown("**Was sich ändert**")
    counts = preview.counts()
    title = f"Änderungen durch {file_name}"
    table(
        counts, {c: (c, format_number if c != "Blatt" else None) for c in counts.columns}, title, data=stored, view=None
    )
    money = preview.money_by_district()
    if len(money):
        table(
            money,
            {
                "Gebietskörperschaft": ("Gebietskörperschaft", None),
                "Jahr": ("Jahr", str),
                "Kennzahl": ("Kennzahl", None),
                "vorher": ("vorher", format_eur),
                "nachher": ("nachher", format_eur),
                "Differenz": ("Differenz", format_change),
            },
            f"{title}: Mittel je Gebietskörperschaft",
            data=stored,
            view=None,
        )
    with st.expander("Geänderte Zeilen im Einzelnen"):
        rows = preview.changed_rows()
        table(
            rows,
            {c: (c, format_date if c == "Stichtag" else str if c == "Jahr" else None) for c in rows.columns},
            f"{title}: geänderte Zeilen",
            data=stored,
            view=None,
        )
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
        st.subheader(escape_markdown(upload.name))
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
            _problems(check, upload.name, key)
        if not check.empty:
            _preview(check, data, upload.name, key, stored)
