"""Gebietskörperschaft: one district's agreement, its allocation and projects, its budget over the years."""

import pandas as pd
import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.provenance import source_line
from aqb_data.domain.districts import load_districts
from aqb_data.domain.formatting import format_date, format_eur
from aqb_data.domain.model import MEASURE_TYPES, is_demo
from aqb_data.present import charts, summaries
from aqb_data.present.views import (
    PROJECT_COLUMNS,
    budget_trend_view,
    no_agreement_sentence,
    planned_sentence,
    signature_sentence,
)
from ui.amendments import amendment_box
from ui.data import get_data
from ui.filters import current_selection, select_district
from ui.lapse import lapse_district_section
from ui.notes import district_notes, notes_section
from ui.projection import district_section
from ui.text import escape_markdown
from ui.widgets import (
    ALLOCATION_COLUMNS,
    chart,
    data_caption,
    synthetic_notice,
    table,
)

data = get_data()
selection = current_selection()


def _district_rows() -> pd.DataFrame:
    return load_districts().sort_values("label", ignore_index=True)


def _on_pick() -> None:
    rows = st.session_state["district_picker"].selection.rows
    if rows:
        select_district(_district_rows().loc[rows[0], "ags"])


if not selection.ags:
    st.title("Gebietskörperschaft")
    st.info(
        "Bitte wählen Sie links unter *Gebietskörperschaft* einen Kreis oder eine kreisfreie Stadt "
        "– oder hier eine Zeile."
    )
    st.dataframe(
        _district_rows()[["label", "kind", "regierungsbezirk"]].rename(
            columns={"label": "Gebietskörperschaft", "kind": "Art", "regierungsbezirk": "Regierungsbezirk"}
        ),
        hide_index=True,
        height=35 * 27 + 3,  # all 26 rows without scrolling
        on_select=_on_pick,
        selection_mode="single-row",
        key="district_picker",
    )
    st.stop()

name = ind.scope_label(selection)
note = source_line(data, selection)
st.title(f"{name} – {selection.year}")
data_caption(data, selection.year, selection=selection)
synthetic_notice(ind.synthetic_share(data, selection))

agreement = ind.agreement(data, selection.year, selection.ags)
all_types = ind.Selection(selection.year, ags=selection.ags)
projects = ind.district_projects(data, selection.year, selection.ags, tuple(MEASURE_TYPES))

with st.container(border=True):
    st.header(f"Zielvereinbarung {selection.year}")
    if agreement is None:
        st.write(no_agreement_sentence(name, selection.year))
    else:
        budget_col, ministry_col, district_col = st.columns(3)
        budget_col.metric("§ 4 Haushaltsmittel", format_eur(agreement["budget_eur"]))
        ministry_col.metric("Unterzeichnung HMSI", format_date(agreement["signed_ministry"]))
        district_col.metric("Unterzeichnung Kreis/Stadt", format_date(agreement["signed_district"]))
        st.caption(escape_markdown(signature_sentence(agreement)))
        st.markdown("**§ 5 Projekte nach Maßnahmenarten**")
        for code, measure in MEASURE_TYPES.items():
            names = projects.loc[projects["measure_type"] == code, "project"].tolist()
            listed = (
                "".join(f"\n   - {escape_markdown(project)}" for project in names) if names else " – keine Projekte"
            )
            st.markdown(f"{code}. {measure.label}{listed}")
        label = "Demodaten (synthetisch)" if is_demo(agreement) else agreement["source"]
        st.caption(f"Quelle: {escape_markdown(label)}")
amendment_box(data, selection.year, selection.ags)

budgets = ind.district_budgets(data, all_types).iloc[0]
left, right = st.columns(2)
with left:
    allocation = ind.allocation_by_measure_type(data, selection, "district")
    if allocation.empty:
        st.info("Keine Projekte in den gewählten Maßnahmenarten.")
    else:
        chart(
            charts.measure_type_bars(
                allocation, f"Verteilung der Mittel {selection.year}", selection.measure_types, note
            ),
            f"aqb_verteilung_{name}_{selection.year}",
            allocation,
            ALLOCATION_COLUMNS,
            data=data,
            view=selection,
            summary=summaries.measure_type_bars(allocation),
        )
    if pd.notna(budgets["budget_eur"]):
        st.caption(planned_sentence(budgets, ind.scope_decomposition(data, all_types), markdown=True))
    else:
        st.caption(f"Ohne Zielvereinbarung {selection.year} gibt es kein Budget, gegen das geplant wird.")
with right:
    every_year = all_types.every_year()  # the chart shows every year: its source and files say so
    trend = budget_trend_view(data, all_types)
    chart(
        charts.budget_trend_bars(trend.frame, trend.title, selection.year, source_line(data, every_year)),
        f"aqb_haushaltsmittel_{name}",
        trend.frame,
        trend.columns,
        data=data,
        view=every_year,
        summary=summaries.budget_trend_bars(trend.frame, selection.year),
    )

st.header(f"Projekte {selection.year}")
shown = ind.district_projects(data, selection.year, selection.ags, selection.measure_types)
if shown.empty:
    st.write("Keine Projekte in den gewählten Maßnahmenarten.")
else:
    missing = int(shown["planned_eur"].isna().sum())
    if missing:
        st.info(f"{missing} Projekte haben noch keine geplanten Mittel (–); eine Projektliste kann sie nachliefern.")
    table(
        shown,
        PROJECT_COLUMNS,
        f"Projekte {name} {selection.year}",
        data=data,
        view=selection,
        notes=district_notes(selection),
    )

district_section(data, selection)
lapse_district_section(data, selection)

notes_section(data, selection)

st.button("Andere Gebietskörperschaft wählen", icon=":material/undo:", on_click=select_district, args=(None,))
