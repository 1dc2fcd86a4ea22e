"""Agreement versions on the pages: the box „Änderung der Zielvereinbarung“ (district page, Zielerreichung) with
every version as a table, and on „Zielvereinbarung einlesen“ the choice to store a document as an amendment."""

from __future__ import annotations

from datetime import date

import streamlit as st

from aqb_data.analysis.versions import amendment_summary, version_text
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import format_date, format_eur
from aqb_data.present.views import amendment_history_view
from aqb_data.read.agreement import Agreement
from aqb_data.store.intake import (
    MAX_REASON_CHARACTERS,
    AgreementCheck,
    AmendmentRequest,
    amendment_offered,
    default_valid_from,
)
from ui.text import escape_markdown
from ui.widgets import table

BOX_TITLE = "Änderung der Zielvereinbarung"
AS_AMENDMENT = "als Änderung übernehmen"
REPLACE = "gespeicherte Vereinbarung ersetzen"


def amendment_box(data: AqbData, year: int, ags: str, as_of: date | None = None) -> None:
    """If the district's agreement of the year was amended: signed → amended budget, valid from, reason and source,
    which version the figures use (at the Stichtag `as_of`, else at the end of the year), and every version as a
    table with its download. Nothing if it was never amended."""
    summary = amendment_summary(data, year, ags, as_of)
    if summary is None:
        return
    name = district_label(ags)
    with st.container(border=True):
        st.header(BOX_TITLE)
        st.markdown(
            f"§ 4 Haushaltsmittel **{format_eur(summary['budget_signed_eur'])}** (unterzeichnet) → "
            f"**{format_eur(summary['budget_amended_eur'])}**, gültig ab {format_date(summary['valid_from'])}"
        )
        reason = summary["reason"] or "ohne Angabe"
        source = "Demodaten (synthetisch)" if summary["demo"] else summary["source"]
        st.markdown(f"Grund: {escape_markdown(reason)}  \nQuelle: {escape_markdown(source)}")
        when = f"am Stichtag {format_date(as_of)}" if as_of is not None else f"zum Jahresende {year}"
        if summary["in_force"]:
            used = version_text(summary["budget_signed_eur"], summary["valid_from"])
        else:
            used = f"{version_text(None, None)} ({format_eur(summary['budget_signed_eur'])})"
        st.caption(f"Die Zahlen gegenüber § 4 {when}: {used}.")
        for day, budget in summary["later"]:
            st.caption(f"Ab {format_date(day)} gelten {format_eur(budget)} (nach dem gewählten Stichtag).")
        view = amendment_history_view(data, year, ags, name)
        table(view.frame, view.columns, view.title, data=data, view=view.shown.selection, provenance=view.shown)
        st.caption(view.lines[0])


def amendment_choice(data: AqbData, agreement: Agreement, key: str) -> AmendmentRequest | None:
    """On „Zielvereinbarung einlesen“, when an agreement of the same district and year is stored and the document
    names another budget: replace it (a correction) or take the document as an amendment, from a day (default:
    its later signature) with a reason. Returns the amendment, or None to store the document as the agreement."""
    if not amendment_offered(agreement, data):
        return None
    stored = data.agreements[(data.agreements["ags"] == agreement.ags) & (data.agreements["year"] == agreement.year)]
    with st.container(border=True):
        st.markdown(
            f"Für {escape_markdown(agreement.district)} {agreement.year} ist bereits eine Zielvereinbarung "
            f"gespeichert (Haushaltsmittel {format_eur(stored['budget_eur'].iloc[0])}); dieses Dokument nennt "
            f"{format_eur(agreement.budget_eur)}."
        )
        choice = st.radio(
            "Wie übernehmen?",
            [REPLACE, AS_AMENDMENT],
            key=f"{key}_as",
            horizontal=True,
            help="Ersetzen: Die gespeicherte Vereinbarung war falsch gelesen oder ist überholt. Als Änderung: Die "
            "unterzeichnete Vereinbarung bleibt; die neuen Haushaltsmittel gelten ab dem Tag „Gültig ab“, mit Grund "
            "(Verlauf und Rücknahme wie bei jedem Import).",
        )
        if choice != AS_AMENDMENT:
            return None
        day_col, reason_col = st.columns([1, 3])
        valid_from = day_col.date_input(
            "Gültig ab",
            value=default_valid_from(agreement) or date.today(),
            format="DD.MM.YYYY",
            min_value=date(2000, 1, 1),
            key=f"{key}_valid_from",
        )
        reason = reason_col.text_input(
            "Grund (Pflichtangabe)",
            max_chars=MAX_REASON_CHARACTERS,
            key=f"{key}_reason",
            placeholder="z. B. Aufstockung",
        )
    return AmendmentRequest(valid_from, reason or "")


def amendment_preview(check: AgreementCheck) -> None:
    """The amendment a check would store, in one sentence (the reason is the analyst's text, shown as text)."""
    if check.amendment is not None and check.amendment_text:
        st.info(f"Änderung der Zielvereinbarung: {escape_markdown(check.amendment_text)}")
