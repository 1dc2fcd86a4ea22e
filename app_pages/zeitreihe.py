"""Zeitreihe: budgets, allocation and achievement over the years, with Hessen as context."""

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import achievement_trend, with_expectation
from aqb_data.analysis.provenance import Rows, Shown, demo_share, source_line
from aqb_data.present import charts, summaries
from aqb_data.present.views import (
    ACHIEVEMENT_TREND_COLUMNS,
    ALLOCATION_TREND_COLUMNS,
    LIKE_FOR_LIKE_SENTENCE,
    PER_INHABITANT_TREND_COLUMNS,
    TREND_COMPARED_COLUMNS,
)
from ui.data import get_data
from ui.filters import current_selection
from ui.lapse import lapse_history_section
from ui.projection import time_series_section
from ui.widgets import chart, synthetic_notice

data = get_data()
selection = current_selection()
scope = ind.scope_label(selection)
# The page shows every year: only the highlighted bar depends on the year chosen.
every_year = selection.every_year()
# What the page draws: the selection in every year and, in the line charts, Hessen in every year beside it.
context = (Rows(ind.Selection(None)),) if scope != ind.LAND_LABEL else ()
shown = Shown.of(every_year, also=context)
note = source_line(data, shown)

st.title(f"Zeitreihe – {scope}")
st.caption(
    "Haushaltsmittel und geplante Mittel sind Jahreswerte. Umsetzungsstände gelten je Jahr bis zu seinem letzten "
    "Stichtag und werden nie über Jahre addiert. In den Liniendiagrammen steht Hessen gestrichelt zum Vergleich. "
    + LIKE_FOR_LIKE_SENTENCE
)
synthetic_notice(demo_share(data, shown))

st.header("Haushaltsmittel")
budgets = ind.budget_trend(data, selection)
chart(
    charts.budget_trend_bars(budgets, f"Haushaltsmittel {scope} je Jahr", selection.year, note),
    f"aqb_zeitreihe_haushaltsmittel_{scope}",
    budgets,
    TREND_COMPARED_COLUMNS,
    data=data,
    view=every_year,
    provenance=shown,
    summary=summaries.budget_trend_bars(budgets, selection.year),
)
per_inhabitant = ind.per_inhabitant_trend(data, selection)
chart(
    charts.trend_lines(per_inhabitant, "budget_per_inhabitant", "Haushaltsmittel je Einwohner/in", source_note=note),
    f"aqb_zeitreihe_je_einwohner_{scope}",
    per_inhabitant,
    PER_INHABITANT_TREND_COLUMNS,
    data=data,
    view=every_year,
    provenance=shown,
    summary=summaries.trend_lines(per_inhabitant, "budget_per_inhabitant"),
)

st.header("Geplante Mittel nach Maßnahmenarten")
allocation = ind.allocation_trend(data, selection)
chart(
    charts.allocation_trend_bars(allocation, f"Geplante Mittel {scope} je Jahr", note),
    f"aqb_zeitreihe_verteilung_{scope}",
    allocation,
    ALLOCATION_TREND_COLUMNS,
    data=data,
    view=every_year,
    provenance=shown,
    summary=summaries.allocation_trend_bars(allocation),
)

st.header("Zielerreichung am letzten Stichtag jedes Jahres")
progress = achievement_trend(data, selection)
progress_columns = ACHIEVEMENT_TREND_COLUMNS
chart(
    charts.trend_lines(
        with_expectation(progress, scope), "spending_rate", "Mittelabfluss", as_percent=True, source_note=note
    ),
    f"aqb_zeitreihe_mittelabfluss_{scope}",
    progress,
    progress_columns,
    data=data,
    view=every_year,
    provenance=shown,
    summary=summaries.trend_lines(progress, "spending_rate", as_percent=True),
)
chart(
    charts.trend_lines(progress, "transition_rate", "Übergangsquote", as_percent=True, source_note=note),
    f"aqb_zeitreihe_uebergaenge_{scope}",
    progress,
    progress_columns,
    data=data,
    view=every_year,
    provenance=shown,
    summary=summaries.trend_lines(progress, "transition_rate", as_percent=True),
)
time_series_section(data, selection)

lapse_history_section(data, selection)
