"""The selected district beside similar districts (its structural group and the analyst's own set): on Vergleich
and Zielerreichung."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.comparison import (
    ACHIEVEMENT_KEYS,
    BENCHMARK_KEYS,
    INDICATORS,
    district_comparison,
    indicator_label,
    limited_flag,
)
from aqb_data.analysis.provenance import Shown
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import load_districts
from aqb_data.present import charts, summaries
from aqb_data.present.views import INDICATOR_FORMATS, benchmark_view
from ui.auth import current_user
from ui.filters import chosen_districts, unknown_link_values
from ui.text import link_value
from ui.widgets import chart, table

# The colour scales of Vergleich's map as the link spells them (the labels of its control).
SCALES = {"stetig": "stetig", "quantile": "Quantilklassen"}


def link_notices() -> None:
    """Says which indicator or colour scale a link asks for that does not exist (Streamlit would show the first
    without a word); to be called before the page draws its controls."""
    for value in unknown_link_values("kennzahl", map(indicator_label, INDICATORS), single=True):
        st.warning(
            f"Die Kennzahl „{link_value(value)}“ aus dem Link gibt es nicht; gezeigt wird "
            f"{indicator_label(next(iter(INDICATORS)))}."
        )
    for value in unknown_link_values("skala", SCALES.values(), single=True):
        st.warning(f"Die Farbskala „{link_value(value)}“ aus dem Link gibt es nicht; gezeigt wird „stetig“.")


def benchmark_section(
    data: AqbData, selection: ind.Selection, as_of: date | None = None, keys: Sequence[str] = BENCHMARK_KEYS
) -> tuple[str, ...]:
    """The picker of the analyst's own comparison set and, with a district selected, its table of median,
    quartiles and position per indicator. Returns the chosen set (ags). A district user compares with nobody."""
    if current_user().scope:
        return ()
    chosen = chosen_districts(selection)
    if selection.ags:
        view = benchmark_view(data, selection, chosen, as_of, tuple(keys))
        st.caption(view.lines[0])
        table(view.frame, view.columns, view.title, data=data, view=selection, provenance=view.shown)
    return chosen


def distribution_section(data: AqbData, selection: ind.Selection, key: str, note: str, shown: Shown) -> None:
    """How one indicator spreads across the 26 districts (a row per comparison group) and, for the figures of
    Zielerreichung, across every project in Hessen; the selected district (its projects) named and ringed."""
    indicator = INDICATORS[key]
    everywhere = ind.Selection(selection.year, measure_types=selection.measure_types)
    comparison = district_comparison(data, everywhere)
    chosen = (
        comparison["ags"].eq(selection.ags)
        if selection.ags
        else comparison["regierungsbezirk"].eq(selection.regierungsbezirk)
    )
    name = ind.scope_label(selection) if selection.ags or selection.regierungsbezirk else None
    flag = comparison.apply(lambda row: limited_flag(row, key), axis=1) if len(comparison) else comparison["ags"]
    chart(
        charts.distribution(
            comparison,
            key,
            "label",
            chosen,
            f"{indicator.label} {selection.year}: Verteilung über die Gebietskörperschaften",
            note,
            indicator.kind,
            group_column="group",
            highlight_label=name or "gewählt",
        ),
        f"aqb_verteilung_{key}_{selection.year}",
        comparison.assign(flag=flag),
        {
            "label": ("Gebietskörperschaft", None),
            "group": ("Vergleichsgruppe", None),
            key: (indicator.label, INDICATOR_FORMATS.get(indicator.kind)),
            "flag": ("Aussagekraft", None),
        },
        data=data,
        view=selection,
        provenance=shown,
        summary=summaries.indicator_chart(comparison, "label", key, INDICATOR_FORMATS.get(indicator.kind), chosen),
    )
    if key not in ACHIEVEMENT_KEYS:  # the others belong to a district's budget, not to a project
        return
    projects = achievement(data, everywhere, "project")
    districts = load_districts().set_index("ags")["label"]
    projects = projects.assign(
        district=projects["ags"].map(districts), measure_label=projects["measure_type"].map(ind.measure_label)
    )
    mine = (
        projects["ags"].eq(selection.ags)
        if selection.ags
        else projects["ags"].map(load_districts().set_index("ags")["regierungsbezirk"]).eq(selection.regierungsbezirk)
    )
    chart(
        charts.distribution(
            projects,
            key,
            "unit_label",
            mine,
            f"{indicator.label} {selection.year}: Verteilung über alle Projekte in Hessen",
            note,
            indicator.kind,
            group_column="measure_label",
            highlight_label=f"Projekte {name}" if name else "gewählt",
        ),
        f"aqb_verteilung_projekte_{key}_{selection.year}",
        projects,
        {
            "district": ("Gebietskörperschaft", None),
            "measure_label": ("Maßnahmenart", None),
            "unit_label": ("Projekt", None),
            key: (indicator.label, INDICATOR_FORMATS.get(indicator.kind)),
            "significance_flag": ("Aussagekraft", None),
        },
        data=data,
        view=selection,
        provenance=shown,
        summary=summaries.indicator_chart(
            projects, "unit_label", key, INDICATOR_FORMATS.get(indicator.kind), mine, ("Projekt", "Projekte")
        ),
    )
