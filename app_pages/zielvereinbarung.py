"""Zielvereinbarung einlesen: agreement documents in; what was read beside the text; corrected, then added."""

import unicodedata
from datetime import date

import pandas as pd
import streamlit as st

from aqb_data.domain.districts import district_label, load_districts
from aqb_data.domain.formatting import format_eur, format_number
from aqb_data.domain.model import MEASURE_TYPES, parse_measure_type
from aqb_data.domain.values import forbidden_character, name_key, parse_money, spelled, visible
from aqb_data.read.agreement import Agreement, AgreementReading, Signature, agreement_tables
from aqb_data.read.sandbox import read_agreement_isolated
from aqb_data.store.database import KIND_AGREEMENT, StoreError, sha256
from ui.data import get_data, get_store
from ui.text import escape_markdown

MESSAGE, ROUND = "agreement_message", "agreement_round"
MEASURE_OPTIONS = [f"{code} {mt.short_label}" for code, mt in MEASURE_TYPES.items()]


@st.cache_data(max_entries=16, show_spinner="Dokument wird gelesen …")
def _read(data: bytes, file_name: str) -> AgreementReading:
    return read_agreement_isolated(data, file_name)


def _projects_frame(agreement: Agreement) -> pd.DataFrame:
    rows = [
        {"Maßnahmenart": MEASURE_OPTIONS[code - 1], "Projekt": name}
        for code, names in agreement.measures.items()
        for name in names
    ]
    return pd.DataFrame(rows, columns=["Maßnahmenart", "Projekt"])


def _corrected(reading: AgreementReading, key: str, projects: pd.DataFrame) -> Agreement | None:
    """The form's values as an agreement; None (with the reason shown) if one is not usable."""
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
    seen: dict[str, str] = {}
    for row in projects.itertuples():
        name = unicodedata.normalize("NFC", str(row.Projekt or "").strip())
        code = parse_measure_type(row.Maßnahmenart)
        found = forbidden_character(name)
        if found:
            shown = escape_markdown(visible(name))
            st.error(f"Das Projekt „{shown}“ enthält ein Steuer- oder Richtungszeichen ({found}); bitte neu eintippen.")
            return None
        first = seen.get(name_key(name))
        if first is not None:
            both = f" (einmal „{spelled(first)}“, einmal „{spelled(name)}“)" if first != name else ""
            twice = f"Das Projekt „{first}“ steht zweimal in der Liste{both}; bitte nur einmal angeben."
            st.error(escape_markdown(twice))
            return None
        if name and code:
            seen[name_key(name)] = name
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


def _add(reading: AgreementReading, data: bytes, key: str, projects: pd.DataFrame) -> None:
    agreement = _corrected(reading, key, projects)
    if agreement is None:
        return
    source = f"Zielvereinbarung {agreement.year} ({reading.file})"
    tables = agreement_tables(agreement, source, get_data().projects)
    try:
        record = get_store().import_tables(tables, reading.file, sha256(data), KIND_AGREEMENT)
    except StoreError as error:
        st.error(escape_markdown(error))
        return
    if record is None:
        st.session_state[MESSAGE] = (
            f"{escape_markdown(reading.file)}: keine Änderungen – diese Vereinbarung ist bereits gespeichert."
        )
    else:
        st.session_state[MESSAGE] = (
            f"Zielvereinbarung {agreement.year} {agreement.district} ist übernommen (Import Nr. {record.id}). "
            "Projekte ohne geplante Mittel zeigen „–“, bis eine Projektliste sie liefert."
        )
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    st.rerun()


def _form(reading: AgreementReading, data: bytes, key: str) -> None:
    read = reading.agreement
    districts = load_districts().sort_values("label")
    with st.form(key):
        st.selectbox(
            "Gebietskörperschaft",
            list(districts["ags"]),
            index=list(districts["ags"]).index(read.ags),
            format_func=district_label,
            key=f"{key}_ags",
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
        if st.form_submit_button("Zu den Daten hinzufügen", type="primary", icon=":material/add:"):
            _add(reading, data, key, edited)


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
    "prüfen das Gelesene neben dem Text, korrigieren es bei Bedarf und fügen es den Daten hinzu. Die "
    "Vereinbarung nennt keine Beträge je Projekt: Bereits bekannte Projekte behalten ihre geplanten Mittel, neue "
    "erhalten sie mit der nächsten Projektliste."
)
if MESSAGE in st.session_state:
    st.success(st.session_state.pop(MESSAGE))

documents = st.file_uploader(
    "Zielvereinbarungen (.pdf, .txt, .md)",
    accept_multiple_files=True,
    key=f"agreements_{st.session_state.get(ROUND, 0)}",
)
for position, document in enumerate(documents or []):
    data = document.getvalue()
    reading = _read(data, document.name)
    with st.container(border=True):
        st.subheader(escape_markdown(document.name))
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
                _form(reading, data, f"agreement_{position}_{sha256(data)[:12]}")
