"""Budget and allocation indicators: pure functions, tables in, tables out.

Amounts are euros, summed and then rounded to the cent. A ratio whose denominator is 0 or missing is
NaN (shown as `–`), never 0 or infinity.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from aqb_data.dataset import AqbData, memoised
from aqb_data.districts import district_label, load_districts
from aqb_data.model import MEASURE_TYPES, UNALLOCATED_LABEL, demo_mask

UNALLOCATED_CODE = 0
LEVELS = ("land", "regierungsbezirk", "district")
LAND_LABEL = "Hessen"


@dataclass(frozen=True)
class Selection:
    """What the global filters select: a year, optionally a Regierungsbezirk or a district, measure types.

    `year=None` selects every year: the selection of a figure over the years (see `every_year`).
    """

    year: int | None
    regierungsbezirk: str | None = None
    ags: str | None = None
    measure_types: tuple[int, ...] = field(default=tuple(MEASURE_TYPES))

    def districts(self) -> pd.DataFrame:
        """The selected districts (all 26 unless narrowed)."""
        districts = load_districts()
        if self.ags:
            return districts[districts["ags"] == self.ags]
        if self.regierungsbezirk:
            return districts[districts["regierungsbezirk"] == self.regierungsbezirk]
        return districts

    def every_year(self) -> Selection:
        """The same districts and measure types in every year."""
        return replace(self, year=None)

    @property
    def all_measure_types(self) -> bool:
        """True when no measure type is filtered out."""
        return set(self.measure_types) == set(MEASURE_TYPES)


def ratio(numerator: pd.Series | float, denominator: pd.Series | float) -> pd.Series | float:
    """numerator / denominator, NaN where the denominator is 0 or missing."""
    if isinstance(denominator, pd.Series):
        denominator = denominator.astype("float64").replace(0.0, np.nan)
        return numerator / denominator
    if denominator is None or pd.isna(denominator) or denominator == 0:
        return float("nan")
    return numerator / denominator


def _cents(series: pd.Series) -> pd.Series:
    return series.astype("float64").round(2)


def selected_projects(data: AqbData, selection: Selection, every_year: bool = False) -> pd.DataFrame:
    """The projects of the selection's districts and measure types, in its year (or in every year)."""
    if selection.year is None and not every_year:
        raise ValueError("a selection of every year is only for figures over the years (every_year=True)")
    projects = data.projects
    chosen = projects["ags"].isin(selection.districts()["ags"]) & projects["measure_type"].isin(selection.measure_types)
    if not every_year:
        chosen &= projects["year"] == selection.year
    return projects[chosen]


T = TypeVar("T")


def over_the_years(function: Callable[..., T]) -> Callable[..., T]:
    """`memoised` for a figure over all years: the selected year does not change it, so it does not key it
    either (a new year on the Zeitreihe computes nothing again)."""
    remembered = memoised(function)

    @functools.wraps(function)
    def any_year(data: AqbData, selection: Selection, *args: object) -> T:
        return remembered(data, selection.every_year(), *args)

    return any_year


def _planned_per_district(data: AqbData, selection: Selection) -> pd.DataFrame:
    projects = selected_projects(data, selection)
    grouped = projects.groupby("ags", observed=True)
    return pd.DataFrame(
        {
            "planned_eur": _cents(grouped["planned_eur"].sum(min_count=1)),
            "n_projects": grouped.size(),
            "projects_without_amount": grouped["planned_eur"].apply(lambda s: int(s.isna().sum())),
        }
    ).reset_index()


@memoised
def district_budgets(data: AqbData, selection: Selection) -> pd.DataFrame:
    """One row per selected district for the year.

    Columns: ags, name, label, kind, regierungsbezirk, population, budget_eur, planned_eur (of the selected
    measure types), unallocated_eur, over_committed, budget_per_inhabitant, n_projects,
    projects_without_amount, budget_prev_eur, change_eur, change_share, source.
    """
    districts = selection.districts()[["ags", "name", "label", "kind", "regierungsbezirk", "population"]]
    agreements = data.agreements
    this_year = agreements[agreements["year"] == selection.year][["ags", "budget_eur", "source"]]
    previous = agreements[agreements["year"] == selection.year - 1][["ags", "budget_eur"]]
    frame = (
        districts.merge(this_year, on="ags", how="left", validate="1:1")
        .merge(previous.rename(columns={"budget_eur": "budget_prev_eur"}), on="ags", how="left", validate="1:1")
        .merge(_planned_per_district(data, selection), on="ags", how="left", validate="1:1")
    )
    frame["n_projects"] = frame["n_projects"].fillna(0).astype("int64")
    frame["projects_without_amount"] = frame["projects_without_amount"].fillna(0).astype("int64")
    # Unallocated money is measured against the whole budget, so only when all measure types count, and
    # only where every project has its amount: a project without one leaves the rest unknown, not free.
    if selection.all_measure_types:
        planned = frame["planned_eur"].where(frame["n_projects"] > 0, 0.0)
        known = frame["projects_without_amount"] == 0
        frame["unallocated_eur"] = _cents(frame["budget_eur"] - planned).where(known)
    else:
        frame["unallocated_eur"] = np.nan
    frame["over_committed"] = frame["unallocated_eur"] <= -0.005
    frame["budget_per_inhabitant"] = ratio(frame["budget_eur"], frame["population"])
    frame["change_eur"] = _cents(frame["budget_eur"] - frame["budget_prev_eur"])
    frame["change_share"] = ratio(frame["change_eur"], frame["budget_prev_eur"])
    return frame.reset_index(drop=True)


def _sum(series: pd.Series) -> float:
    """A cent-exact sum; NaN (not 0) when there is nothing to add up."""
    total = series.sum(min_count=1)
    return round(float(total), 2) if pd.notna(total) else float("nan")


@memoised
def land_totals(data: AqbData, selection: Selection) -> dict[str, float | int]:
    """Totals over the selected districts that have an agreement in the year.

    Keys: budget_eur, planned_eur, planned_share, unallocated_eur (over the districts whose projects all
    have amounts; n_rest_unknown counts the others), population, budget_per_inhabitant, n_projects,
    n_districts, n_over_committed, projects_without_amount; and the change against the previous
    year over the districts with an agreement in both years only (like for like): budget_prev_eur,
    change_eur, change_share, n_comparable.
    """
    frame = district_budgets(data, selection)
    frame = frame[frame["budget_eur"].notna()]  # planned money without a budget has no share to be part of
    budget = _sum(frame["budget_eur"])
    totals: dict[str, float | int] = {
        "budget_eur": budget,
        "planned_eur": _sum(frame["planned_eur"]),
        "unallocated_eur": _sum(frame["unallocated_eur"]) if selection.all_measure_types else float("nan"),
        # Districts left out of the unallocated sum because some of their projects have no amount yet.
        "n_rest_unknown": int((frame["projects_without_amount"] > 0).sum()),
        "population": int(frame["population"].sum()),
        "n_projects": int(frame["n_projects"].sum()),
        "n_districts": len(frame),
        "n_over_committed": int(frame["over_committed"].sum()),
        "projects_without_amount": int(frame["projects_without_amount"].sum()),
    }
    totals.update(year_on_year_change(data, selection, selection.year))
    totals["planned_share"] = ratio(totals["planned_eur"], budget)
    totals["budget_per_inhabitant"] = ratio(budget, totals["population"])
    return totals


@memoised
def allocation_by_measure_type(data: AqbData, selection: Selection, level: str = "land") -> pd.DataFrame:
    """Planned money per unit and measure type, with the unallocated rest as code 0.

    `level` is `land`, `regierungsbezirk` or `district`. Columns: unit, unit_label, measure_type (0 =
    not allocated), measure_label, planned_eur, budget_eur (of the unit), share (of the budget).
    Over-committed units have no code-0 row.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    districts = selection.districts()
    units = {
        "land": pd.Series(LAND_LABEL, index=districts.index),
        "regierungsbezirk": districts["regierungsbezirk"],
        "district": districts["ags"],
    }[level]
    unit_of = dict(zip(districts["ags"], units, strict=True))
    label_of = dict(zip(districts["ags"], districts["label"], strict=True)) if level == "district" else {}
    budgets = data.agreements[(data.agreements["year"] == selection.year) & data.agreements["ags"].isin(unit_of)]
    budget_by_unit = _cents(budgets.assign(unit=budgets["ags"].map(unit_of)).groupby("unit")["budget_eur"].sum())
    projects = selected_projects(data, selection)
    planned = (
        projects.assign(unit=projects["ags"].map(unit_of))
        .groupby(["unit", "measure_type"])["planned_eur"]
        .sum(min_count=1)
        .rename("planned_eur")
        .reset_index()
    )
    planned["measure_type"] = planned["measure_type"].astype("int64")
    if selection.all_measure_types:
        # The rest of each district whose planning is complete (see district_budgets), added up per unit.
        by_district = district_budgets(data, selection)
        rest = by_district.groupby(by_district["ags"].map(unit_of))["unallocated_eur"].sum(min_count=1).round(2)
        rest = rest[rest > 0]
        unallocated = pd.DataFrame({"unit": rest.index, "measure_type": UNALLOCATED_CODE, "planned_eur": rest.values})
        planned = pd.concat([planned, unallocated], ignore_index=True)
    planned["planned_eur"] = _cents(planned["planned_eur"])
    planned["budget_eur"] = planned["unit"].map(budget_by_unit)
    planned["share"] = ratio(planned["planned_eur"], planned["budget_eur"])
    planned["unit_label"] = planned["unit"].map(label_of) if label_of else planned["unit"]
    planned["measure_label"] = planned["measure_type"].map(measure_label)
    columns = ["unit", "unit_label", "measure_type", "measure_label", "planned_eur", "budget_eur", "share"]
    return planned.sort_values(["unit", "measure_type"], ignore_index=True)[columns]


@memoised
def allocation_by_levels(data: AqbData, selection: Selection, levels: tuple[str, ...]) -> pd.DataFrame:
    """`allocation_by_measure_type` for several levels one below the other, e.g. ("land", "regierungsbezirk")."""
    parts = [allocation_by_measure_type(data, selection, level) for level in levels]
    return pd.concat(parts, ignore_index=True)


def measure_label(code: int) -> str:
    """The short German label of a measure type, or `Nicht verplant` for code 0."""
    return UNALLOCATED_LABEL if code == UNALLOCATED_CODE else MEASURE_TYPES[int(code)].short_label


@over_the_years
def budget_changes(data: AqbData, selection: Selection) -> pd.DataFrame:
    """The change of the budget against the previous year, like for like, for every year with an agreement.

    The one definition of "Veränderung gegenüber dem Vorjahr": over the selected districts that have an
    agreement in both the year and the year before, change_eur = Σ budget of the year − Σ budget of the
    year before (to the cent), change_share = change_eur ÷ Σ budget of the year before; both NaN where no
    district has an agreement in both years. A district missing in one of the years is neither a cut nor a
    rise. Columns: year, budget_prev_eur, change_eur, change_share, n_comparable.
    """
    chosen = data.agreements["ags"].isin(selection.districts()["ags"])
    agreements = data.agreements.loc[chosen, ["year", "ags", "budget_eur"]].astype({"year": "int64"})
    previous = agreements.assign(year=agreements["year"] + 1).rename(columns={"budget_eur": "budget_prev_eur"})
    both = agreements.merge(previous, on=["year", "ags"], how="inner", validate="1:1")
    compared = both.groupby("year").agg(
        budget_eur=("budget_eur", "sum"), budget_prev_eur=("budget_prev_eur", "sum"), n_comparable=("ags", "size")
    )
    years = pd.DataFrame({"year": sorted(agreements["year"].unique())}, dtype="int64")
    changes = years.merge(compared.reset_index(), on="year", how="left", validate="1:1")
    changes["n_comparable"] = changes["n_comparable"].fillna(0).astype("int64")
    changes["budget_prev_eur"] = _cents(changes["budget_prev_eur"])
    changes["change_eur"] = _cents(_cents(changes["budget_eur"]) - changes["budget_prev_eur"])
    changes["change_share"] = ratio(changes["change_eur"], changes["budget_prev_eur"])
    return changes[["year", "budget_prev_eur", "change_eur", "change_share", "n_comparable"]]


def year_on_year_change(data: AqbData, selection: Selection, year: int) -> dict[str, float | int]:
    """`budget_changes` for one year: budget_prev_eur, change_eur, change_share, n_comparable (NaN and 0 if
    the year has no agreement)."""
    changes = budget_changes(data, selection).set_index("year")
    if year not in changes.index:
        nothing = float("nan")
        return {"budget_prev_eur": nothing, "change_eur": nothing, "change_share": nothing, "n_comparable": 0}
    row = changes.loc[year]
    return {
        "budget_prev_eur": float(row["budget_prev_eur"]),
        "change_eur": float(row["change_eur"]),
        "change_share": float(row["change_share"]),
        "n_comparable": int(row["n_comparable"]),
    }


@over_the_years
def budget_trend(data: AqbData, selection: Selection) -> pd.DataFrame:
    """Budget per year over the selected districts (all years), with € per inhabitant and the like-for-like
    change against the previous year (`budget_changes`).

    Columns: year, budget_eur, n_districts, budget_per_inhabitant, change_eur, change_share, n_comparable.
    """
    districts = selection.districts()
    agreements = data.agreements[data.agreements["ags"].isin(districts["ags"])]
    agreements = agreements.merge(districts[["ags", "population"]], on="ags", how="left", validate="m:1")
    trend = (
        agreements.groupby("year")
        .agg(budget_eur=("budget_eur", "sum"), n_districts=("ags", "nunique"), population=("population", "sum"))
        .reset_index()
    )
    trend["year"] = trend["year"].astype("int64")
    trend["budget_eur"] = _cents(trend["budget_eur"])
    trend["budget_per_inhabitant"] = ratio(trend["budget_eur"], trend["population"])
    changes = budget_changes(data, selection)[["year", "change_eur", "change_share", "n_comparable"]]
    trend = trend.merge(changes, on="year", how="left", validate="1:1")
    return trend.drop(columns="population")


@memoised
def district_projects(data: AqbData, year: int, ags: str, measure_types: tuple[int, ...]) -> pd.DataFrame:
    """A district's projects in a year, by measure type, with their share of the budget.

    Columns: measure_type, measure_label, project, provider, target_group, planned_eur, planned_places,
    share (of the district's budget), source.
    """
    projects = selected_projects(data, Selection(year, ags=ags, measure_types=measure_types))
    budget = data.agreements.loc[(data.agreements["year"] == year) & (data.agreements["ags"] == ags), "budget_eur"].sum(
        min_count=1
    )
    frame = projects.assign(
        measure_label=projects["measure_type"].map(measure_label),
        share=ratio(projects["planned_eur"], budget),
    )
    columns = [
        "measure_type",
        "measure_label",
        "project",
        "provider",
        "target_group",
        "planned_eur",
        "planned_places",
        "share",
        "source",
    ]
    return frame.sort_values(["measure_type", "project"], ignore_index=True)[columns]


def agreement(data: AqbData, year: int, ags: str) -> dict[str, object] | None:
    """The agreement of a district and year (budget, signatures, source), or None if there is none."""
    rows = data.agreements[(data.agreements["year"] == year) & (data.agreements["ags"] == ags)]
    if rows.empty:
        return None
    return rows.iloc[0].to_dict()


@memoised
def synthetic_share(data: AqbData, selection: Selection, tables: tuple[str, ...] = ("agreements", "projects")) -> float:
    """The share of the selected year's (or every year's) and districts' rows that are synthetic demo data (0–1)."""
    ags = set(selection.districts()["ags"])
    synthetic = total = 0
    for name in tables:
        frame = data.table(name)
        chosen = frame["ags"].isin(ags)
        if selection.year is not None:
            chosen &= frame["year"] == selection.year
        shown = frame[chosen]
        synthetic += int(demo_mask(shown).sum())
        total += len(shown)
    return synthetic / total if total else 0.0


def scope_label(selection: Selection) -> str:
    """What the selection covers, in German: `Hessen`, `Regierungsbezirk Kassel` or a district's name."""
    if selection.ags:
        return district_label(selection.ags)
    if selection.regierungsbezirk:
        return f"Regierungsbezirk {selection.regierungsbezirk}"
    return LAND_LABEL


@over_the_years
def allocation_trend(data: AqbData, selection: Selection) -> pd.DataFrame:
    """Planned money per year and measure type over the selected districts.

    Columns: year, measure_type, measure_label, planned_eur (annual values; never added across years).
    """
    projects = selected_projects(data, selection, every_year=True)
    trend = projects.groupby(["year", "measure_type"])["planned_eur"].sum(min_count=1).reset_index()
    trend["year"] = trend["year"].astype("int64")
    trend["measure_type"] = trend["measure_type"].astype("int64")
    trend["planned_eur"] = _cents(trend["planned_eur"])
    trend["measure_label"] = trend["measure_type"].map(measure_label)
    return trend[["year", "measure_type", "measure_label", "planned_eur"]]


@over_the_years
def per_inhabitant_trend(data: AqbData, selection: Selection) -> pd.DataFrame:
    """€ per inhabitant per year for the selection and, for context, for Hessen.

    Columns: year, unit_label, budget_per_inhabitant.
    """
    scope = budget_trend(data, selection).assign(unit_label=scope_label(selection))
    land = budget_trend(data, Selection(selection.year)).assign(unit_label=LAND_LABEL)
    frames = [scope] if scope_label(selection) == LAND_LABEL else [scope, land]
    return pd.concat(frames, ignore_index=True)[["year", "unit_label", "budget_per_inhabitant"]]
