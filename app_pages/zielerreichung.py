"""Zielerreichung: which districts, measure types and projects are on track, at a chosen Stichtag."""

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import (
    achievement,
    behind_first_achievement,
    budget_mismatch_text,
    budget_note,
    stichtage,
)
from aqb_data.analysis.comparison import ACHIEVEMENT_KEYS, district_comparison, limited_note
from aqb_data.analysis.provenance import Shown, demo_share, source_line
from aqb_data.domain.formatting import format_date, format_eur, format_eur_cents, format_percent
from aqb_data.present import charts, summaries
from aqb_data.present.views import achievement_view, data_date_text, no_report_sentence, status_line
from ui.amendments import amendment_box
from ui.comparison import benchmark_section
from ui.data import get_data
from ui.filters import current_selection, select_district
from ui.notes import district_notes, notes_section
from ui.projection import achievement_section
from ui.reporting import stale_warning
from ui.text import escape_markdown, link_value
from ui.widgets import DEVIATION_COLUMNS, chart, synthetic_notice, table

data = get_data()
selection = current_selection()
scope = ind.scope_label(selection)


def _table(level: str, **row_selection: object) -> None:
    """Units behind plan first, with the dates their figures rest on (districts also against § 4)."""
    view = achievement_view(data, selection, level, as_of)
    table(
        view.frame,
        view.columns,
        view.title,
        data=data,
        view=selection,
        provenance=view.shown,
        notes=district_notes(selection),
        **row_selection,
    )


def _pick_district() -> None:
    rows = st.session_state["achievement_districts"].selection.rows
    if rows:
        select_district(st.session_state["achievement_order"][rows[0]])


st.title(f"Zielerreichung {selection.year} – {scope}")
days = stichtage(data, selection.year)
if not days:
    st.info(no_report_sentence(selection.year))
    st.stop()
linked = st.query_params.get("stichtag")
if linked and "stichtag" not in st.session_state and linked not in {format_date(d) for d in days}:
    latest = format_date(days[-1])
    st.warning(
        f"Den Stichtag „{link_value(linked)}“ aus dem Link gibt es für {selection.year} nicht; gezeigt wird {latest}."
    )
as_of = st.select_slider(
    "Stichtag",
    options=days,
    value=days[-1],
    format_func=format_date,
    key="stichtag",
    bind="query-params",
    help="Es zählt je Projekt der letzte Bericht bis zu diesem Tag. Der Stichtag steht im Link.",
)
# Demo label, Datenstand and source of the rows as of the chosen Stichtag, in the charts, images and files.
provenance = Shown.of(selection, ("projects", "progress"), as_of=as_of)
synthetic_notice(demo_share(data, provenance))
note = source_line(data, provenance)

land = achievement(data, selection, "land", as_of).iloc[0]
cols = st.columns(5)
cols[0].metric("Mittelabfluss", format_percent(land["spending_rate"]), help="Verausgabte ÷ geplante Mittel.")
cols[1].metric(
    "erwartet",
    format_percent(land["expected_rate"]),
    help="Anteil des Jahres, der am Stichtag des jeweiligen Berichts vergangen war (nach geplanten Mitteln gewichtet).",
)
cols[2].metric("Auslastung", format_percent(land["occupancy"]), help="Eintritte ÷ geplante Plätze.")
cols[3].metric(
    "Übergangsquote",
    format_percent(land["transition_rate"]),
    help="(Übergänge in Ausbildung + Beschäftigung) ÷ Austritte.",
)
cols[4].metric(
    "Kosten je Teilnehmer/in", format_eur(land["cost_per_participant"]), help="Verausgabte Mittel ÷ Eintritte."
)
st.caption(
    f"{scope}: {land['n_reported']} von {land['n_projects']} Projekten mit Bericht; Stichtag der Berichte "
    f"{data_date_text(land['first_as_of'], land['last_as_of'])}. Status „{land['status']}“."
)
if land["significance_flag"]:  # the selection's own rates rest on too few cases
    st.caption(f"{escape_markdown(scope)}: {land['significance_flag']}")
elif not selection.ags:  # sums over districts: those whose own rate is of limited significance are counted
    in_sums = limited_note(district_comparison(data, selection, as_of), {scope: tuple(selection.districts()["ags"])})
    if in_sums:
        st.caption(in_sums)
# Three cards: five amounts with cents do not fit one row (28.300.000,00 € was cut off); the budgets go below.
budget_cols = st.columns(3)
budget_cols[0].metric(
    "Abfluss ggü. § 4",
    format_percent(land["budget_spent_share"]),
    help="Verausgabte Mittel ÷ Haushaltsmittel nach § 4, über die Gebietskörperschaften mit Zielvereinbarung "
    "und Bericht bis zum Stichtag. Zeigt, ob zu wenig verplant wurde: Der Mittelabfluss misst nur gegen die Planung.",
)
budget_cols[1].metric(
    "anteiliger § 4-Pfad",
    format_percent(land["budget_expected_share"]),
    help="Anteil des Jahres am letzten Stichtag der Berichte jeder Gebietskörperschaft, nach Haushaltsmitteln "
    "gewichtet.",
)
budget_cols[2].metric(
    "Rückstand zum § 4-Pfad",
    format_eur_cents(land["budget_gap_eur"]),
    help="Haushaltsmittel × Anteil des Jahres − verausgabte Mittel; negativ: vor dem Pfad.",
)
st.caption(
    f"Haushaltsmittel (§ 4): {format_eur(land['budget_eur'])} (alle Zielvereinbarungen), davon mit Bericht bis zum "
    f"Stichtag {format_eur(land['budget_counted_eur'])}: die Basis von Abfluss und Rückstand ggü. § 4."
)
st.caption(f"{escape_markdown(scope)} {budget_note(land, selection.all_measure_types)}.")

stale_warning(data, selection, as_of)
if selection.ags:
    up = f"Regierungsbezirk {selection.regierungsbezirk}" if selection.regierungsbezirk else "Hessen"
    st.caption(" › ".join(dict.fromkeys(["Hessen", up, scope])))
    st.button(f"↩ zurück: {up}", on_click=select_district, args=(None,))
    amendment_box(data, selection.year, selection.ags, as_of)
    st.header("Nach Maßnahmenarten")
    _table("measure_type")
    st.header("Projekte")
    projects = achievement(data, selection, "project", as_of)
    _table("project")
    if projects["deviation"].isna().all():
        st.info(f"Für {scope} liegt bis zum gewählten Stichtag noch kein Umsetzungsbericht mit Mittelabfluss vor.")
    else:
        chart(
            charts.deviation_bars(projects, f"{scope}: Mittelabfluss gegenüber dem Jahresfortschritt", note),
            f"aqb_zielerreichung_{scope}_{selection.year}",
            projects,
            DEVIATION_COLUMNS,
            data=data,
            view=selection,
            provenance=provenance,
            summary=summaries.deviation_bars(projects),
        )
    st.header("Im Vergleich mit ähnlichen Gebietskörperschaften")
    benchmark_section(data, selection, as_of, ACHIEVEMENT_KEYS)
    notes_section(data, selection)
else:
    districts = achievement(data, selection, "district", as_of)
    st.markdown(status_line(districts, "Gebietskörperschaften", markdown=True))
    mismatch = budget_mismatch_text(districts)
    if mismatch:
        st.caption(escape_markdown(mismatch))
    st.header("Gebietskörperschaften")
    st.caption("Eine Zeile wählen, um in die Gebietskörperschaft zu gehen.")
    ordered = behind_first_achievement(data, selection, "district", as_of)
    st.session_state["achievement_order"] = list(ordered["unit"])
    _table(
        "district",
        on_select=_pick_district,
        selection_mode="single-row",
        key="achievement_districts",
    )
    chart(
        charts.deviation_bars(districts, f"Mittelabfluss gegenüber dem Jahresfortschritt {selection.year}", note),
        f"aqb_zielerreichung_{scope}_{selection.year}",
        ordered,
        DEVIATION_COLUMNS,
        data=data,
        view=selection,
        provenance=provenance,
        summary=summaries.deviation_bars(ordered),
    )
    st.header("Nach Maßnahmenarten")
    _table("measure_type")

achievement_section(data, selection, as_of)
