"""Widgets the pages share: charts with export settings, German tables, notices about the data."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from aqb_data.charts import image_config
from aqb_data.dataset import AqbData
from aqb_data.formatting import (
    NOT_AVAILABLE,
    format_change,
    format_eur,
    format_number,
    format_percent,
    format_points,
)
from aqb_data.sources import data_status

Formatter = Callable[[object], str]


def chart(
    fig: go.Figure, file_stem: str, numbers: pd.DataFrame, columns: dict[str, tuple[str, Formatter | None]]
) -> None:
    """A Plotly chart in the project's own look (theme=None) with a meeting-ready image export, and its
    numbers as a table one click away (a chart is never the only way to read them)."""
    st.plotly_chart(fig, theme=None, config=image_config(file_stem), width="stretch")
    with st.expander("Zahlen zum Diagramm"):
        table(numbers, columns)


ALLOCATION_COLUMNS: dict[str, tuple[str, Formatter | None]] = {
    "unit_label": ("Gebiet", None),
    "measure_label": ("Maßnahmenart", None),
    "planned_eur": ("Geplante Mittel", format_eur),
    "share": ("Anteil am Budget", format_percent),
    "budget_eur": ("Haushaltsmittel", format_eur),
}
TREND_COLUMNS: dict[str, tuple[str, Formatter | None]] = {
    "year": ("Jahr", str),
    "budget_eur": ("Haushaltsmittel", format_eur),
    "change_eur": ("Veränderung", format_change),
    "budget_per_inhabitant": ("€ je Einwohner/in", lambda v: format_eur(v, 2)),
    "n_districts": ("Gebietskörperschaften", str),
}
PER_INHABITANT_COLUMNS: dict[str, tuple[str, Formatter | None]] = {
    "label": ("Gebietskörperschaft", None),
    "budget_per_inhabitant": ("€ je Einwohner/in", lambda v: format_eur(v, 2)),
    "budget_eur": ("Haushaltsmittel", format_eur),
    "population": ("Einwohner/innen", format_number),
}
DEVIATION_COLUMNS: dict[str, tuple[str, Formatter | None]] = {
    "unit_label": ("Einheit", None),
    "status": ("Status", None),
    "spending_rate": ("Mittelabfluss", format_percent),
    "expected_rate": ("erwartet", format_percent),
    "deviation": ("Abweichung", format_points),
    "occupancy": ("Auslastung", format_percent),
}


def table(
    frame: pd.DataFrame,
    columns: dict[str, tuple[str, Formatter | None]],
    height: int | str = "auto",
    **selection: object,
) -> None:
    """A table with German headings and German number formats; sorting works on the underlying numbers.

    `columns` maps a column of `frame` to its heading and formatter (None: shown as is); `selection` passes
    row selection on to st.dataframe (on_select, selection_mode, key).
    """
    shown = frame[list(columns)].rename(columns={name: heading for name, (heading, _) in columns.items()})
    formats = {heading: fmt for heading, fmt in columns.values() if fmt is not None}
    # First a default for every column (missing text shows as "–"), then the German formats on top.
    styler = shown.style.format(na_rep=NOT_AVAILABLE).format(formats, na_rep=NOT_AVAILABLE)
    # Streamlit draws missing cells itself, whatever the Styler says: the placeholder makes them "–".
    st.dataframe(styler, hide_index=True, height=height, placeholder=NOT_AVAILABLE, **selection)


def synthetic_notice(share: float) -> None:
    """Say plainly when what is shown is (partly) synthetic demo data."""
    if share >= 0.999:
        st.warning(
            "**Demodaten:** Die angezeigten Zahlen sind synthetisch erzeugt (Quelle „synthetisch“) und "
            "keine amtlichen Werte. Welche Zahlen echt sind, steht auf der Seite *Methodik & Quellen*.",
            icon=":material/science:",
        )
    elif share > 0:
        st.warning(
            f"**Teilweise Demodaten:** {format_percent(share, 0)} der angezeigten Zeilen sind synthetisch "
            "erzeugt (Quelle „synthetisch“); die übrigen stammen aus den genannten Dokumenten.",
            icon=":material/science:",
        )


def data_caption(data: AqbData, year: int) -> None:
    """The data date and the files the figures come from, under a page's title."""
    files = ", ".join(data.files) or "–"
    st.caption(f"Datenstand {year}: {data_status(data, year)} · Datei: {files}")
