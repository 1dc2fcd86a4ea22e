"""Comparing districts: one table of every indicator per district, and a district against its
Regierungsbezirk and the Land (each computed by summing numerators and denominators, never averaging)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from aqb_data.analysis.achievement import STATUS_ORDER, achievement
from aqb_data.analysis.indicators import Selection, district_budgets, land_totals, ratio, selected_projects
from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.paths import GEOJSON

MAP_ATTRIBUTION = "© GeoBasis-DE / BKG (2020), dl-de/by-2-0 (Daten verändert)"


@dataclass(frozen=True)
class Indicator:
    """A figure that can be compared across districts."""

    key: str
    label: str
    kind: str  # "eur", "eur2", "percent", "points", "status"


INDICATORS = {
    indicator.key: indicator
    for indicator in (
        Indicator("budget_eur", "Haushaltsmittel", "eur"),
        Indicator("budget_per_inhabitant", "Haushaltsmittel je Einwohner/in", "eur2"),
        Indicator("planned_per_place", "Geplante Mittel je Platz", "eur"),
        Indicator("planned_share", "Anteil der gewählten Maßnahmenarten am Budget", "percent"),
        Indicator("spending_rate", "Mittelabfluss", "percent"),
        Indicator("deviation", "Abweichung vom Jahresfortschritt", "points"),
        Indicator("occupancy", "Auslastung", "percent"),
        Indicator("transition_rate", "Übergangsquote", "percent"),
        Indicator("status", "Status", "status"),
    )
}


def indicator_label(key: str) -> str:
    """The German name of an indicator."""
    return INDICATORS[key].label


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False  # shared by every map: a change would fail, not spread
    return array


@cache
def geojson() -> dict:
    """The 26 district outlines (BKG, simplified), keyed by `properties.ags`; read once, shared, not to be changed.

    Each ring of coordinates is an array, not a list of pairs: a map figure is copied and turned into JSON on
    every draw, and copying 40.000 small lists costs 25 times what copying the arrays costs (same JSON).
    """
    outlines = json.loads(GEOJSON.read_text(encoding="utf-8"))
    for feature in outlines["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [[_read_only(np.asarray(ring, dtype="float64")) for ring in polygon] for polygon in polygons]
        geometry["coordinates"] = rings if geometry["type"] == "MultiPolygon" else rings[0]
    return outlines


@memoised
def district_comparison(data: AqbData, selection: Selection, as_of: date | None = None) -> pd.DataFrame:
    """Every comparable indicator for each of the 26 districts (the year and measure types of the selection).

    Columns: ags, label, regierungsbezirk, and the keys of INDICATORS.
    """
    everywhere = Selection(selection.year, measure_types=selection.measure_types)
    budgets = district_budgets(data, everywhere)
    places = selected_projects(data, everywhere).groupby("ags")["planned_places"].sum(min_count=1).astype("float64")
    achieved = achievement(data, everywhere, "district", as_of).set_index("unit")
    frame = budgets[["ags", "label", "regierungsbezirk", "budget_eur", "budget_per_inhabitant", "planned_eur"]].copy()
    frame["planned_per_place"] = ratio(frame["planned_eur"], frame["ags"].map(places))
    frame["planned_share"] = ratio(frame["planned_eur"], frame["budget_eur"])
    for column in ("spending_rate", "deviation", "occupancy", "transition_rate", "status"):
        frame[column] = frame["ags"].map(achieved[column])
    return frame[["ags", "label", "regierungsbezirk", *INDICATORS]]


def ranking(comparison: pd.DataFrame, key: str) -> pd.DataFrame:
    """The districts ranked by one indicator: highest first; for the status, behind plan first and then by
    the largest gap. Districts without a value come last. Adds `rank`."""
    if INDICATORS[key].kind == "status":
        order = [comparison["status"].map(STATUS_ORDER), comparison["deviation"].fillna(float("inf"))]
    else:
        order = [-comparison[key]]
    ranked = (
        comparison.assign(_first=order[0], _second=order[-1])
        .sort_values(["_first", "_second"], na_position="last", kind="stable")
        .drop(columns=["_first", "_second"])
        .reset_index(drop=True)
    )
    ranked.insert(0, "rank", range(1, len(ranked) + 1))
    return ranked


def district_against_context(data: AqbData, selection: Selection, as_of: date | None = None) -> pd.DataFrame:
    """One district beside its Regierungsbezirk and the Land: one row per indicator (except status).

    Columns: indicator, label, district, regierungsbezirk, land.
    """
    if not selection.ags:
        raise ValueError("a district must be selected")
    rb = district_budgets(data, selection).iloc[0]["regierungsbezirk"]
    units = {
        "district": selection,
        "regierungsbezirk": Selection(selection.year, regierungsbezirk=rb, measure_types=selection.measure_types),
        "land": Selection(selection.year, measure_types=selection.measure_types),
    }
    columns = {}
    for name, unit in units.items():
        totals = land_totals(data, unit)
        achieved = achievement(data, unit, "land", as_of).iloc[0]
        with_budget = district_budgets(data, unit).dropna(subset=["budget_eur"])["ags"]  # as land_totals counts
        unit_projects = selected_projects(data, unit)
        places = unit_projects.loc[unit_projects["ags"].isin(with_budget), "planned_places"].sum(min_count=1)
        columns[name] = {
            "budget_eur": totals["budget_eur"],
            "budget_per_inhabitant": totals["budget_per_inhabitant"],
            "planned_per_place": ratio(totals["planned_eur"], float(places) if pd.notna(places) else None),
            "planned_share": totals["planned_share"],
            "spending_rate": achieved["spending_rate"],
            "deviation": achieved["deviation"],
            "occupancy": achieved["occupancy"],
            "transition_rate": achieved["transition_rate"],
        }
    frame = pd.DataFrame(columns)
    frame.index.name = "indicator"
    frame = frame.reset_index()
    frame["label"] = frame["indicator"].map(lambda key: INDICATORS[key].label)
    frame = frame[["indicator", "label", "district", "regierungsbezirk", "land"]]
    frame.attrs["regierungsbezirk"] = rb
    return frame
