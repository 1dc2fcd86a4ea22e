"""Vergleich: the 26 districts on a map and in a ranking by a chosen indicator; a district against its
Regierungsbezirk and the Land; each measure type's share side by side."""

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.comparison import (
    INDICATORS,
    district_against_context,
    district_comparison,
    indicator_label,
    limited_note,
    ranking,
)
from aqb_data.analysis.provenance import Shown, demo_share, source_line
from aqb_data.analysis.significance import MINIMUMS
from aqb_data.domain.districts import load_districts
from aqb_data.domain.formatting import format_number, format_percent
from aqb_data.present import charts, summaries
from aqb_data.present.views import FormatByRow, group_summary_view
from ui.comparison import SCALES, benchmark_section, distribution_section, link_notices
from ui.data import get_data
from ui.filters import current_selection
from ui.widgets import ALLOCATION_COLUMNS, chart, synthetic_notice, table

data = get_data()
selection = current_selection()
everywhere = ind.Selection(selection.year, measure_types=selection.measure_types)  # all 26 districts
# Map, ranking, context and small multiples all draw the 26 districts, whichever one is chosen.
shown = Shown.of(everywhere)
note = source_line(data, shown)

st.title(f"Vergleich {selection.year}")
link_notices()
key = st.selectbox(
    "Kennzahl",
    list(INDICATORS),
    format_func=indicator_label,
    key="kennzahl",
    placeholder="Bitte wählen",
    bind="query-params",
    help="Je Einwohner/in und je Platz sind eigene Kennzahlen; die Auswahl steht im Link.",
)
indicator = INDICATORS[key]
value_format = charts.indicator_formatter(indicator.kind)
synthetic_notice(demo_share(data, shown))
chosen_text = (
    f" Gewählt: {ind.scope_label(selection)} (im Ranking mit ▶)." if selection.ags or selection.regierungsbezirk else ""
)
st.caption(f"Alle 26 Gebietskörperschaften; Zielerreichung am letzten Stichtag des Jahres.{chosen_text}")

comparison = district_comparison(data, selection)
ranked = ranking(comparison, key)
chosen = ranked["ags"].eq(selection.ags) if selection.ags else ranked["regierungsbezirk"].eq(selection.regierungsbezirk)
ranked["name"] = ranked["label"].where(~chosen, "▶ " + ranked["label"])  # marked not only by colour

left, right = st.columns([3, 2])
with left:
    classes = "stetig"
    if indicator.kind != "status":  # the status has its own four colours
        classes = st.segmented_control(
            "Farbskala",
            ["stetig", "quantile"],
            default="stetig",
            required=True,
            format_func=SCALES.get,
            key="skala",
            bind="query-params",
            help="Quantilklassen: je ein Viertel der Gebietskörperschaften je Farbe; Ausreißer dehnen die Skala nicht.",
        )
    chart(
        charts.comparison_map(data, selection, key, note, classes),
        f"aqb_karte_{key}_{selection.year}",
        ranked,
        {"label": ("Gebietskörperschaft", None), key: (indicator.label, value_format)},
        data=data,
        view=selection,
        provenance=shown,
        summary=summaries.indicator_chart(ranked, "label", key, value_format, chosen),
    )
with right:
    st.markdown(f"**Ranking: {indicator.label}**")
    table(
        ranked,
        {
            "rank": ("Rang", format_number),
            "name": ("Gebietskörperschaft", None),
            key: (indicator.label, value_format),
            **({"rank_flag": ("Aussagekraft", None)} if key in MINIMUMS else {}),
        },
        f"Ranking {indicator.label} {selection.year}",
        height=35 * 27 + 3,
        data=data,
        view=selection,
        provenance=shown,
    )

if indicator.kind != "status":
    st.header("Verteilung")
    distribution_section(data, selection, key, note, shown)

if selection.ags:
    st.header(f"{ind.scope_label(selection)} im Vergleich")
    context = district_against_context(data, selection)
    # Each row an indicator of its own kind: numbers stay numbers, each formatted (and exported) by its row.
    context["kind"] = [INDICATORS[k].kind for k in context["indicator"]]
    by_row = FormatByRow("kind", {kind: charts.indicator_formatter(kind) for kind in set(context["kind"])})
    table(
        context,
        {
            "label": ("Kennzahl", None),
            "district": (ind.scope_label(selection), by_row),
            "regierungsbezirk": (f"Regierungsbezirk {context.attrs['regierungsbezirk']}", by_row),
            "land": ("Hessen", by_row),
        },
        f"{ind.scope_label(selection)} im Vergleich {selection.year}",
        data=data,
        view=selection,
        provenance=shown,
    )
    districts = load_districts()
    region = context.attrs["regierungsbezirk"]
    in_sums = limited_note(
        comparison,
        {
            f"Regierungsbezirk {region}": tuple(districts.loc[districts["regierungsbezirk"] == region, "ags"]),
            "Hessen": tuple(districts["ags"]),
        },
    )
    st.caption(
        "Regierungsbezirk und Hessen: Summen über ihre Gebietskörperschaften, geteilt – keine Durchschnitte von "
        f"Quoten. {in_sums}"
    )

st.header("Ähnliche Gebietskörperschaften: Median und Quartile")
chosen = benchmark_section(data, selection)
if indicator.kind != "status":  # the status is a light, not a number: it has no median
    groups = group_summary_view(data, selection, key, chosen)
    st.markdown(f"**{groups.title}**")
    st.caption(groups.lines[0])
    table(groups.frame, groups.columns, groups.title, data=data, view=selection, provenance=shown)

st.header("Anteile der Maßnahmenarten am Budget")
allocation = ind.allocation_by_measure_type(data, everywhere, "district")
chart(
    charts.measure_type_shares(data, everywhere, f"Anteil am Budget je Maßnahmenart {selection.year}", note),
    f"aqb_anteile_massnahmenarten_{selection.year}",
    allocation,
    ALLOCATION_COLUMNS,
    data=data,
    view=selection,
    provenance=shown,
    summary=summaries.measure_type_shares(allocation),
)
share = ind.land_totals(data, everywhere)["planned_share"]
by = "" if everywhere.all_measure_types else " durch die gewählten Maßnahmenarten"
st.caption(f"Hessen insgesamt: {format_percent(share)} der Haushaltsmittel{by} verplant.")
