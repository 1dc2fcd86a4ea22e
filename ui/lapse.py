"""Money that lapsed in closed years on the pages: per year and measure type on Gebietskörperschaft, the history
of the selection (Hessen, a Regierungsbezirk or a district) on Zeitreihe."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.lapse import closed_years
from aqb_data.analysis.provenance import source_line
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_eur, format_percent, safe_file_stem
from aqb_data.present import charts, summaries
from aqb_data.present.views import lapse_history_view, lapse_measure_type_view
from ui.text import escape_markdown
from ui.widgets import chart, table

TITLE = "Nicht verausgabte Mittel in abgeschlossenen Jahren"
NO_CLOSED_YEAR = (
    "Noch kein abgeschlossenes Jahr: Nicht verausgabte Mittel stehen fest, sobald die Berichte zum 31.12. vorliegen."
)


def latest_sentence(history: pd.DataFrame) -> str:
    """The latest closed year in one sentence: how much of the budget was not spent, or why it is not known."""
    row = history.iloc[-1]
    year = int(row["year"])
    if not row["n_districts"]:
        return f"{year}: kein Jahresabschlussbericht – nicht verausgabte Mittel unbekannt."
    return (
        f"{year} blieben {format_eur(row['lapsed_eur'])} der Haushaltsmittel ({format_eur(row['budget_eur'])}) "
        f"nicht verausgabt ({format_percent(row['lapsed_share'])}); davon {format_eur(row['unspent_planned_eur'])} "
        f"geplant, aber nicht verausgabt."
    )


def missing_reports_text(history: pd.DataFrame) -> str:
    """Which districts of which closed years have no year-end report (or no agreement) and so do not count."""
    missing = history[history["n_without_report"] > 0]
    return "; ".join(f"{int(r.year)}: {r.without_report}" for r in missing.itertuples())


def _history(data: AqbData, selection: ind.Selection, stem: str) -> pd.DataFrame:
    """The history chart with its numbers and the notes under it; returns the history."""
    view = lapse_history_view(data, selection)
    history = view.frame
    note = source_line(data, view.shown)
    st.markdown(escape_markdown(latest_sentence(history)))
    chart(
        charts.lapse_bars(history, f"Verausgabt und nicht verausgabt – {ind.scope_label(selection)}", note),
        safe_file_stem(stem, "aqb_nicht_verausgabt"),
        history,
        view.columns,
        data=data,
        view=view.shown.selection,
        provenance=view.shown,
        summary=summaries.lapse_bars(history),
    )
    if missing := missing_reports_text(history):
        st.warning(
            f"Ohne Jahresabschlussbericht, nicht mitgezählt (nicht 0): {escape_markdown(missing)}",
            icon=":material/warning:",
        )
    return history


def lapse_district_section(data: AqbData, selection: ind.Selection) -> None:
    """Gebietskörperschaft: the district's lapsed money per closed year against § 4, its history as a chart, and
    per year and measure type what was planned, spent and not spent."""
    st.header(TITLE)
    if not closed_years(data):
        st.info(NO_CLOSED_YEAR)
        return
    _history(data, selection, f"aqb_nicht_verausgabt_{ind.scope_label(selection)}")
    view = lapse_measure_type_view(data, selection)
    if view.frame.empty:
        st.write("Keine Projekte der gewählten Maßnahmenarten in abgeschlossenen Jahren.")
    else:
        table(view.frame, view.columns, view.title, data=data, view=view.shown.selection, provenance=view.shown)
    st.caption(lapse_history_view(data, selection).lines[0])


def lapse_history_section(data: AqbData, selection: ind.Selection) -> None:
    """Zeitreihe: the selection's budget, spent and lapsed money in every closed year, as a chart and a table."""
    st.header(TITLE)
    if not closed_years(data):
        st.info(NO_CLOSED_YEAR)
        return
    _history(data, selection, f"aqb_zeitreihe_nicht_verausgabt_{ind.scope_label(selection)}")
    view = lapse_history_view(data, selection)
    table(view.frame, view.columns, view.title, data=data, view=view.shown.selection, provenance=view.shown)
    st.caption(view.lines[0])
