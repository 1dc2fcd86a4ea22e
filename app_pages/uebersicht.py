"""Übersicht: budgets and their allocation per measure type, for Hessen, its Regierungsbezirke and districts."""

import math

import streamlit as st

from aqb_data import charts
from aqb_data import indicators as ind
from aqb_data.districts import population_date
from aqb_data.formatting import (
    format_change,
    format_change_percent,
    format_eur,
    format_eur_cents,
    format_number,
    format_percent,
)
from aqb_data.sources import source_line
from ui.data import get_data
from ui.filters import current_selection
from ui.widgets import (
    ALLOCATION_COLUMNS,
    PER_INHABITANT_COLUMNS,
    chart,
    data_caption,
    synthetic_notice,
    table,
)

data = get_data()
selection = current_selection()
scope = ind.scope_label(selection)
note = source_line(data, selection)

st.title(f"Übersicht {selection.year} – {scope}")
data_caption(data, selection.year)
synthetic_notice(ind.synthetic_share(data, selection))

totals = ind.land_totals(data, selection)
col_budget, col_projects, col_inhabitant, col_unallocated = st.columns(4)
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
over = totals["n_over_committed"]
col_unallocated.metric(
    "Nicht verplant",
    format_eur(totals["unallocated_eur"]),
    delta=f"{over} überplant" if over else None,
    delta_color="inverse",
    delta_arrow="off",
    help="Haushaltsmittel minus geplante Mittel aller Projekte. Nur bei allen vier Maßnahmenarten berechnet; "
    "überplant heißt: die geplanten Mittel übersteigen das Budget."
    + (
        f" Ohne {totals['n_rest_unknown']} Gebietskörperschaft(en), deren Projekte noch keine geplanten Mittel haben."
        if totals["n_rest_unknown"]
        else ""
    ),
    border=True,
)
if totals["projects_without_amount"]:
    st.info(
        f"{totals['projects_without_amount']} Projekte haben noch keine geplanten Mittel; "
        "sie fehlen in den Summen der geplanten Mittel."
    )

st.subheader("Verteilung auf die Maßnahmenarten")
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
    chart(fig, f"aqb_verteilung_{scope}_{selection.year}{suffix}", top, ALLOCATION_COLUMNS)
    by_district = ind.allocation_by_measure_type(data, selection, "district")
    title = f"Gebietskörperschaften {selection.year}"
    fig = charts.allocation_chart(data, selection, ("district",), title, note, as_share)
    chart(fig, f"aqb_verteilung_kreise_{scope}_{selection.year}{suffix}", by_district, ALLOCATION_COLUMNS)
    st.subheader("Haushaltsmittel je Einwohner/in")
    budgets = ind.district_budgets(data, selection).sort_values("budget_per_inhabitant", ascending=False)
    fig = charts.per_inhabitant_bars(
        budgets, f"€ je Einwohner/in {selection.year}", totals["budget_per_inhabitant"], note, reference_label=scope
    )
    chart(fig, f"aqb_je_einwohner_{scope}_{selection.year}", budgets, PER_INHABITANT_COLUMNS)

st.subheader("Haushaltsmittel je Gebietskörperschaft")
budgets = ind.district_budgets(data, selection).sort_values("budget_eur", ascending=False)
budgets["status"] = budgets["over_committed"].map({True: "überplant", False: ""})
table(
    budgets,
    {
        "label": ("Gebietskörperschaft", None),
        "regierungsbezirk": ("Regierungsbezirk", None),
        "budget_eur": ("Haushaltsmittel", format_eur),
        "planned_eur": ("Geplante Mittel", format_eur),
        "unallocated_eur": ("Nicht verplant", format_eur_cents),
        "status": ("Hinweis", None),
        "n_projects": ("Projekte", format_number),
        "budget_per_inhabitant": ("€ je Einwohner/in", format_eur_cents),
        "change_eur": ("Veränderung ggü. Vorjahr", format_change),
        "change_share": ("Veränderung (%)", format_change_percent),
        "source": ("Quelle", None),
    },
    f"Haushaltsmittel je Gebietskörperschaft – {scope} {selection.year}",
)
st.caption(
    f"Summe: {format_eur(totals['budget_eur'])} Haushaltsmittel, davon {format_eur(totals['planned_eur'])} verplant "
    f"({format_percent(totals['planned_share'])})."
)
