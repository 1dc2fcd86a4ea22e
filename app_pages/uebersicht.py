"""Übersicht: budgets and their allocation per measure type, for Hessen, its Regierungsbezirke and districts."""

import math

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.provenance import demo_share, source_line
from aqb_data.domain.districts import population_date
from aqb_data.domain.formatting import (
    format_change,
    format_eur,
    format_number,
)
from aqb_data.present import charts, summaries
from aqb_data.present.views import (
    ALLOCATION_COLUMNS,
    budget_part_rows,
    district_budget_view,
    overview_shown,
    per_inhabitant_view,
)
from ui.data import get_data
from ui.filters import current_selection
from ui.widgets import (
    chart,
    data_caption,
    synthetic_notice,
    table,
)

data = get_data()
selection = current_selection()
scope = ind.scope_label(selection)
# Besides the year's agreements and projects, the page draws the previous year's budgets its change compares with.
shown = overview_shown(selection)
note = source_line(data, shown)

st.title(f"Übersicht {selection.year} – {scope}")
data_caption(data, selection.year, selection=selection)
synthetic_notice(demo_share(data, shown))

totals = ind.land_totals(data, selection)
# Euro amounts of eight digits need more room than a count: cut off ("18.139.72…") at 1366 px otherwise.
col_budget, col_projects, col_inhabitant, col_unallocated = st.columns([3, 2, 2, 3])
has_change = not math.isnan(totals["change_eur"])
col_budget.metric(
    "Haushaltsmittel",
    format_eur(totals["budget_eur"]),
    delta=f"{format_change(totals['change_eur'])} ({format_change(totals['change_share'], 'percent')})"
    if has_change
    else None,
    delta_color="off",
    help=f"Haushaltsmittel nach § 4 der Zielvereinbarungen ({totals['n_districts']} Gebietskörperschaften). "
    + (
        f"Darunter die Veränderung gegenüber {selection.year - 1} über die {totals['n_comparable']} "
        "Gebietskörperschaften mit einer Zielvereinbarung in beiden Jahren."
        if has_change
        else f"Für {selection.year - 1} liegen keine vergleichbaren Zielvereinbarungen vor."
    ),
    border=True,
)
col_projects.metric(
    "Projekte",
    format_number(totals["n_projects"]),
    help="Projekte nach § 5 in den gewählten Maßnahmenarten.",
    border=True,
)
col_inhabitant.metric(
    "€ je Einwohner/in",
    format_eur(totals["budget_per_inhabitant"], 2),
    help=f"Haushaltsmittel geteilt durch die Einwohnerzahl (Destatis, {population_date()}).",
    border=True,
)
col_unallocated.metric(
    "Nicht verplant",
    format_eur(totals["unplanned_eur"]),
    delta=f"{format_eur(totals['over_planned_eur'])} überplant" if totals["over_planned_eur"] else None,
    delta_color="inverse",
    delta_arrow="off",
    help="Freie Mittel: Haushaltsmittel minus geplante Mittel in den Gebietskörperschaften, deren Projekte alle "
    "einen Betrag haben – immer über alle vier Maßnahmenarten. Überplanung einer Gebietskörperschaft wird nicht "
    "mit freien Mitteln einer anderen verrechnet.",
    border=True,
)

# The parts of the budget (one decomposition for page, files, CLI and slides): every part that is not 0.
parts = budget_part_rows(totals)
if totals["n_districts"]:
    lines = ["| Teil des Budgets | Betrag | |", "|---|--:|---|"]
    lines += [
        f"| {'− ' if amount < 0 else ''}{label} | {format_eur(abs(amount))} | {why} |" for label, amount, why in parts
    ]
    lines.append(f"| **= Haushaltsmittel** | **{format_eur(totals['budget_eur'])}** | |")
    st.markdown("\n".join(lines))
    if not selection.all_measure_types:
        st.caption(
            "Die Teile zählen immer alle vier Maßnahmenarten: Ein Filter macht keine Mittel frei. Davon in den "
            f"gewählten Maßnahmenarten geplant: {format_eur(totals['planned_eur'])}."
        )
if totals["projects_without_amount"]:
    st.info(
        f"{totals['projects_without_amount']} Projekte haben noch keine geplanten Mittel; ihre Gebietskörperschaften "
        "zählen den Rest ihres Budgets als „ohne Projektbeträge“, nicht als nicht verplant."
    )

st.header("Verteilung auf die Maßnahmenarten")
if not selection.all_measure_types:
    st.caption("Gefiltert auf einzelne Maßnahmenarten: Der Anteil bezieht sich weiter auf das ganze Budget.")
if selection.ags:
    allocation = ind.allocation_by_measure_type(data, selection, "district")
    title = f"{scope}: geplante Mittel {selection.year}"
    chart(
        charts.measure_type_bars(allocation, title, selection.measure_types, note),
        f"aqb_verteilung_{scope}_{selection.year}",
        allocation,
        ALLOCATION_COLUMNS,
        data=data,
        view=selection,
        summary=summaries.measure_type_bars(allocation),
    )
    st.page_link("app_pages/gebietskoerperschaft.py", label=f"Mehr zu {scope}: Zielvereinbarung und Projekte")
else:
    unit = st.segmented_control(
        "Darstellung", ["Euro", "Anteil am Budget"], default="Euro", key="darstellung", label_visibility="collapsed"
    )
    as_share = unit == "Anteil am Budget"
    suffix = "_anteile" if as_share else ""
    levels = ("regierungsbezirk",) if selection.regierungsbezirk else ("land", "regierungsbezirk")
    top = ind.allocation_by_levels(data, selection, levels)
    fig = charts.allocation_chart(data, selection, levels, f"{scope}: geplante Mittel {selection.year}", note, as_share)
    chart(
        fig,
        f"aqb_verteilung_{scope}_{selection.year}{suffix}",
        top,
        ALLOCATION_COLUMNS,
        data=data,
        view=selection,
        summary=summaries.allocation_bars(top, as_share, total=False),
    )
    by_district = ind.allocation_by_measure_type(data, selection, "district")
    title = f"Gebietskörperschaften {selection.year}"
    fig = charts.allocation_chart(data, selection, ("district",), title, note, as_share)
    chart(
        fig,
        f"aqb_verteilung_kreise_{scope}_{selection.year}{suffix}",
        by_district,
        ALLOCATION_COLUMNS,
        data=data,
        view=selection,
        summary=summaries.allocation_bars(by_district, as_share),
    )
    st.header("Haushaltsmittel je Einwohner/in")
    per_inhabitant = per_inhabitant_view(data, selection)
    fig = charts.per_inhabitant_bars(
        per_inhabitant.frame, per_inhabitant.title, totals["budget_per_inhabitant"], note, reference_label=scope
    )
    chart(
        fig,
        f"aqb_je_einwohner_{scope}_{selection.year}",
        per_inhabitant.frame,
        per_inhabitant.columns,
        data=data,
        view=selection,
        summary=summaries.per_inhabitant_bars(per_inhabitant.frame, totals["budget_per_inhabitant"], scope),
    )

st.header("Haushaltsmittel je Gebietskörperschaft")
view = district_budget_view(data, selection)
table(view.frame, view.columns, view.title, data=data, view=selection, provenance=view.shown)
st.caption(view.lines[0])
