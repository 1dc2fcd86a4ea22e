"""The selected district beside similar districts (its structural group and the analyst's own set): on Vergleich
and Zielerreichung."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.comparison import BENCHMARK_KEYS
from aqb_data.domain.dataset import AqbData
from aqb_data.present.views import benchmark_view
from ui.auth import current_user
from ui.filters import chosen_districts
from ui.widgets import table


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
