"""What both plain pages share: the data loaded once per process from the dashboard's store, German formats.

The store is the dashboard's (`$AQB_DB` or var/aqb.sqlite, seeded with the demo data when new), read once with
`st.cache_resource` as any Streamlit app would; everything else is plain pandas on every run.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from aqb_data.domain.districts import load_districts
from aqb_data.store.database import default_path, open_store

MEASURE_LABELS = {
    1: "Ausbildungsvorbereitung",
    2: "Ausbildung & Coaching",
    3: "Qualifizierung",
    4: "Weiterbildung Personal",
}
MEASURE_COLOURS = {
    "Ausbildungsvorbereitung": "#0b5394",
    "Ausbildung & Coaching": "#e69138",
    "Qualifizierung": "#38761d",
    "Weiterbildung Personal": "#741b47",
    "nicht verplant": "#cccccc",
    "ohne Projektbeträge": "#eeeeee",
    "überplant": "#cc0000",
}


@st.cache_resource
def tables() -> dict[str, pd.DataFrame]:
    """The store's tables and the districts, read once per process."""
    data = open_store(default_path()).load()
    return {
        "agreements": data.agreements,
        "projects": data.projects,
        "progress": data.progress,
        "amendments": data.amendments,
        "districts": load_districts(),
        "files": list(data.files),
    }


def year_budgets(t: dict[str, pd.DataFrame], year: int) -> pd.DataFrame:
    """Each district's § 4 budget of the year: the latest amendment's, else the agreement's (ags, budget_eur)."""
    agreements = t["agreements"].loc[t["agreements"]["year"] == year, ["ags", "budget_eur"]]
    amended = t["amendments"][t["amendments"]["year"] == year].sort_values("valid_from")
    latest = amended.groupby("ags")["budget_eur"].last()
    budgets = agreements.set_index("ags")["budget_eur"]
    budgets.update(latest)
    return budgets.rename("budget_eur").reset_index()


def number(value: float, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "#").replace(".", ",").replace("#", ".")


def eur(value: float, decimals: int = 0) -> str:
    text = number(value, decimals)
    return text if text == "–" else f"{text} €"


def percent(value: float, decimals: int = 1) -> str:
    text = number(value * 100 if value == value else value, decimals)
    return text if text == "–" else f"{text} %"


def year_filter(years: list[int]) -> int:
    """The year, bound to the address (`?jahr=2024`) like the dashboard's."""
    return st.sidebar.selectbox("Jahr", sorted(years, reverse=True), key="jahr", bind="query-params")


def german_date(day: object) -> str:
    """13.08.2025 (a module function: the session state holds it and must pickle it)."""
    return f"{day:%d.%m.%Y}"
