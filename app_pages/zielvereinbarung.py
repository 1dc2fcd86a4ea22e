"""Zielvereinbarung einlesen: agreement documents in; what was read beside the text; corrected, checked against
the stored data with a preview of what changes, then confirmed (through the intake service, as reports are)."""

import unicodedata
from datetime import date

import pandas as pd
import streamlit as st

from aqb_data.domain.access import AccessDeniedError
from aqb_data.domain.districts import district_label, load_districts
from aqb_data.domain.formatting import format_eur, format_number
from aqb_data.domain.model import MEASURE_TYPES, parse_measure_type
from aqb_data.domain.problems import Severity
from aqb_data.domain.values import parse_money
from aqb_data.read.agreement import Agreement, AgreementReading, Signature
from aqb_data.store.database import StoreConflictError, StoreError, sha256
from aqb_data.store.intake import AgreementCheck, check_agreement, import_agreement_checked
from ui.amendments import amendment_choice, amendment_preview
from ui.auth import current_user
from ui.cache import agreement_reading
from ui.data import get_data, get_store
from ui.intake import change_preview, problem_groups
from ui.text import escape_markdown

MESSAGE, ROUND = "agreement_message", "agreement_round"
MEASURE_OPTIONS = [f"{code} {mt.short_label}" for code, mt in MEASURE_TYPES.items()]
CHECK_CORRECTIONS = "Korrekturen prüfen"


def _projects_frame(agreement: Agreement) -> pd.DataFrame:
    rows = [
        {"Maßnahmenart": MEASURE_OPTIONS[code - 1], "Projekt": name}
        for code, names in agreement.measures.items()
        for name in names
    ]
    return pd.DataFrame(rows, columns=["Maßnahmenart", "Projekt"])


def _corrected(reading: AgreementReading, key: str, projects: pd.DataFrame) -> Agreement | None:
    """The form's values as an agreement (the intake service checks it); None, with the reason shown, if the
    amount cannot be read."""
    read = reading.agreement
    values = st.session_state
    try:
        budget = parse_money(values[f"{key}_budget"])
    except ValueError as error:
        st.error(f"Haushaltsmittel: {escape_markdown(error)}")
        return None
    if not budget:
        st.error("Haushaltsmittel: Bitte einen Betrag angeben.")
        return None
    measures: dict[int, list[str]] = {code: [] for code in MEASURE_TYPES}
    for row in projects.itertuples():
        name = unicodedata.normalize("NFC", str(row.Projekt or "").strip())
        code = parse_measure_type(row.Maßnahmenart)
        if name and code:
            measures[code].append(name)
    return Agreement(
        ags=values[f"{key}_ags"],
        year=int(values[f"{key}_year"]),
        budget_eur=budget,
        measures=measures,
        signed_ministry=Signature(
            read.signed_ministry.place if read.signed_ministry else None, values[f"{key}_ministry"]
        ),
        signed_district=Signature(
            read.signed_district.place if read.signed_district else None, values[f"{key}_district"]
        ),
        grant_authority=read.grant_authority,
    )


def _import(check: AgreementCheck) -> None:
    """Button callback: store the agreement exactly as checked and previewed."""
    name = escape_markdown(check.file)
    try:
        record = import_agreement_checked(get_store(), check, check.agreement, user=current_user())
    except StoreConflictError as error:
        st.session_state[MESSAGE] = (
            "error",
            f"{name}: {escape_markdown(error)} Die Prüfung und die Vorschau unten zeigen schon den neuen Stand.",
        )
        return
    except (StoreError, AccessDeniedError) as error:
        st.session_state[MESSAGE] = ("error", f"{name}: {escape_markdown(error)}")
        return
    if record is None:
        st.session_state[MESSAGE] = ("info", f"{name}: keine Änderungen – diese Vereinbarung ist bereits gespeichert.")
        return
    agreement = check.agreement
    what = "Die Änderung der Zielvereinbarung" if check.amendment else "Zielvereinbarung"
    st.session_state[MESSAGE] = (
        "success",
        f"{what} {agreement.year} {escape_markdown(agreement.district)} ist übernommen (Import Nr. "
        f"{record.id}). Projekte ohne geplante Mittel zeigen „–“, bis eine Projektliste sie liefert; unter *Verlauf* "
        "lässt sich der Import rückgängig machen.",
    )
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1  # a new, empty uploader


def _form(reading: AgreementReading, key: str) -> pd.DataFrame:
    """The corrections: district, year, budget, signing dates and the projects; returns the projects as submitted."""
    read = reading.agreement
    districts = load_districts().sort_values("label")
    with st.form(key):
        st.selectbox(
            "Gebietskörperschaft",
            list(districts["ags"]),
            index=list(districts["ags"]).index(read.ags),
            format_func=district_label,
            key=f"{key}_ags",
            placeholder="Bitte wählen",
        )
        year_col, budget_col = st.columns(2)
        year_col.number_input("Jahr", min_value=2000, max_value=2100, value=read.year, step=1, key=f"{key}_year")
        budget_col.text_input("§ 4 Haushaltsmittel (€)", value=format_number(read.budget_eur, 2), key=f"{key}_budget")
        ministry_col, district_col = st.columns(2)
        for column, label, signature, suffix in (
            (ministry_col, "Unterzeichnung HMSI", read.signed_ministry, "ministry"),
            (district_col, "Unterzeichnung Kreis/Stadt", read.signed_district, "district"),
        ):
            column.date_input(
                label,
                value=signature.date if signature and signature.date else None,
                format="DD.MM.YYYY",
                min_value=date(2000, 1, 1),
                key=f"{key}_{suffix}",
                help=escape_markdown(f"Gelesen: {signature.place}, {signature.name or 'ohne Namen'}")
                if signature
                else None,
            )
        st.markdown("**§ 5 Projekte nach Maßnahmenarten** (Zeilen lassen sich ändern, ergänzen und löschen)")
        edited = st.data_editor(
            _projects_frame(read),
            num_rows="dynamic",
            hide_index=True,
            column_config={
                "Maßnahmenart": st.column_config.SelectboxColumn(options=MEASURE_OPTIONS, required=True),
                "Projekt": st.column_config.TextColumn(required=True, width="large"),
            },
            key=f"{key}_projects",
        )
        st.form_submit_button(
            CHECK_CORRECTIONS,
            icon=":material/fact_check:",
            help="Prüft die geänderten Angaben gegen die gespeicherten Daten und zeigt unten, was sich ändert.",
        )
    return edited


def _status(check: AgreementCheck) -> None:
    """One line on the whole check: errors block, warnings ask for a look."""
    errors, warnings = (format_number(check.count(severity)) for severity in (Severity.ERROR, Severity.WARNING))
    if check.errors:
        st.error(
            f"**{errors} Fehler, {warnings} Warnungen** – die Vereinbarung wird so nicht übernommen. Bitte oben "
            f"korrigieren und „{CHECK_CORRECTIONS}“ wählen."
        )
    elif check.warnings:
        st.warning(f"**{warnings} Warnungen** – bitte prüfen; die Vereinbarung kann trotzdem übernommen werden.")
    else:
        st.success("Keine Fehler, keine Warnungen.")


def _check_and_confirm(reading: AgreementReading, data: bytes, key: str, projects: pd.DataFrame) -> None:
    """The agreement as corrected, checked against the stored data: its problems, what storing it would change,
    and the button that stores exactly that."""
    agreement = _corrected(reading, key, projects)
    if agreement is None:
        return
    amendment = amendment_choice(get_data(), agreement, key)
    check = check_agreement(get_store(), data, reading.file, corrected=agreement, reading=reading, amendment=amendment)
    _status(check)
    amendment_preview(check)
    if check.problems:
        problem_groups(check, key)
    if change_preview(check, get_data()):
        st.button(
            "Übernehmen",
            type="primary",
            icon=":material/check:",
            key=f"import_{key}",
            on_click=_import,
            args=(check,),
            help="Speichert die Vereinbarung, wie oben geprüft: Sie ersetzt Haushaltsmittel und Projekte derselben "
            f"Gebietskörperschaft und desselben Jahres. Änderungen im Formular erst mit „{CHECK_CORRECTIONS}“ prüfen.",
        )


def _summary(reading: AgreementReading) -> None:
    """What was read, as Markdown: everything taken from the document is shown as text."""
    read = reading.agreement
    text = escape_markdown
    lines = [
        f"**{text(read.district)}** (AGS {text(read.ags)}) · **{read.year}** · § 4: **{format_eur(read.budget_eur)}**",
        *(
            f"- {code}. {mt.short_label}: " + ("; ".join(map(text, read.measures[code])) or "keine Projekte")
            for code, mt in MEASURE_TYPES.items()
        ),
    ]
    for label, signature in (("HMSI", read.signed_ministry), ("Kreis/Stadt", read.signed_district)):
        if signature:
            who = ", ".join(text(part) for part in (signature.name, signature.role) if part)
            when = signature.date.strftime("%d.%m.%Y") if signature.date else "ohne Datum"
            lines.append(f"- Unterzeichnung {label}: {text(signature.place)}, {when}" + (f" ({who})" if who else ""))
    if read.grant_authority:
        lines.append(f"- Bescheid: {text(read.grant_authority)}")
    st.markdown("\n".join(lines))


st.title("Zielvereinbarung einlesen")
st.markdown(
    "Laden Sie unterzeichnete Zielvereinbarungen als PDF, Text oder Markdown hoch. Das Dashboard liest "
    "Gebietskörperschaft, Jahr, Haushaltsmittel (§ 4), Projekte je Maßnahmenart (§ 5) und Unterschriften; Sie "
    "prüfen das Gelesene neben dem Text und korrigieren es bei Bedarf. Wie ein Bericht wird die Vereinbarung gegen "
    "die gespeicherten Daten geprüft (**Fehler** verhindern die Übernahme, **Warnungen** nicht); bevor etwas "
    "gespeichert wird, sehen Sie, was sich ändert, und bestätigen es. Die Vereinbarung nennt keine Beträge je "
    "Projekt: Bereits bekannte Projekte behalten ihre geplanten Mittel, neue erhalten sie mit der nächsten "
    "Projektliste."
)
if MESSAGE in st.session_state:
    kind, message = st.session_state.pop(MESSAGE)
    getattr(st, kind)(message)

documents = st.file_uploader(
    "Zielvereinbarungen (.pdf, .txt, .md)",
    accept_multiple_files=True,
    key=f"agreements_{st.session_state.get(ROUND, 0)}",
)
for position, document in enumerate(documents or []):
    data = document.getvalue()
    reading = agreement_reading(data, document.name)
    key = f"agreement_{position}_{sha256(data)[:12]}"  # the same document twice must not share widget keys
    with st.container(border=True):
        st.header(escape_markdown(document.name))
        if reading.agreement is None:
            # The reader's messages quote the document (names, amounts, places): shown as text.
            for error in reading.errors:
                st.error(escape_markdown(error))
            for warning in reading.warnings:
                st.warning(escape_markdown(warning))
        read_col, text_col = st.columns([3, 2])
        with text_col:
            st.caption("Text des Dokuments")
            st.code(reading.text or "(kein Text)", language=None, wrap_lines=True, height=640)
        with read_col:
            if reading.agreement is None:
                st.info("Aus diesem Dokument lässt sich keine Zielvereinbarung übernehmen.")
            else:
                st.caption("Gelesen")
                _summary(reading)
                projects = _form(reading, key)
        if reading.agreement is not None:
            _check_and_confirm(reading, data, key, projects)
