"""The one place where Streamlit caches data."""

from __future__ import annotations

import streamlit as st

from aqb_data.dataset import AqbData, DataError, bundled_data
from aqb_data.demo import DEMO_WORKBOOK


@st.cache_resource(show_spinner="Daten werden geladen …")
def _load(modified: float) -> AqbData:  # noqa: ARG001 - the file's time keys the cache
    return bundled_data()


def get_data() -> AqbData:
    """The dashboard's data; stops the page with the problem list if the data cannot be read."""
    try:
        return _load(DEMO_WORKBOOK.stat().st_mtime)
    except (DataError, OSError) as error:
        st.error("Die Daten des Dashboards können nicht gelesen werden.")
        problems = getattr(error, "problems", None)
        st.text("\n".join(p.text() for p in problems) if problems else str(error))
        st.stop()
