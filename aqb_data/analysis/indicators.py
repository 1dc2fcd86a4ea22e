"""Budget and allocation indicators: pure functions, tables in, tables out.

Amounts are euros, summed and then rounded to the cent. A ratio whose denominator is 0 or missing is
NaN (shown as `–`), never 0 or infinity.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from aqb_data.analysis.versions import year_budgets
from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.domain.districts import district_label, load_districts, regierungsbezirk_label
from aqb_data.domain.formatting import format_eur
from aqb_data.domain.model import MEASURE_TYPES, UNALLOCATED_LABEL, demo_mask

UNALLOCATED_CODE = 0
# The residual rows of an allocation beside the measure types 1–4 (see `allocation_by_measure_type`): with them
# the rows of a unit add up to its budget, to the cent.
UNKNOWN_CODE = -1
OTHER_TYPES_CODE = -2
OVER_PLANNED_CODE = -3
UNKNOWN_LABEL = "ohne Projektbeträge"
OTHER_TYPES_LABEL = "andere Maßnahmenarten"
OVER_PLANNED_LABEL = "über dem Budget (überplant)"
LEVELS = ("land", "regierungsbezirk", "district")
LAND_LABEL = "Hessen"
# The parts of a budget: budget_eur = planned_eur − over_planned_eur + unplanned_eur + unknown_eur (to the cent).
BUDGET_PARTS = ("budget_eur", "planned_eur", "over_planned_eur", "unplanned_eur", "unknown_eur")
# What a district's project list says about its amounts (`project_amounts`), in German.
PROJECT_AMOUNTS_LABELS = {
    "complete": "alle Projekte mit Betrag",
    "partial": "einige Projekte ohne Betrag",
    "none": "Projekte ohne Beträge",
    "no_projects": "keine Projektliste",
    "no_agreement": "keine Zielvereinbarung",
}


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


@memoised
def data_years(data: AqbData) -> tuple[int, ...]:
    """The years that have an agreement, a project or an amendment: the years a per-year figure computes at once."""
    years: set[int] = set()
    for frame in (data.agreements, data.projects, data.amendments):
        years |= {int(year) for year in frame["year"].unique()}
    return tuple(sorted(years))


def _years_with(data: AqbData, year: int) -> tuple[int, ...]:
    """The years to compute together with `year`: every year of the data (one pass serves a change of year),
    or `year` alone when the data has nothing for it."""
    years = data_years(data)
    return years if year in years else (year,)


def _in_year(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of an every-year frame for one year, without the year column, numbered afresh."""
    return frame[frame["year"] == year].drop(columns="year").reset_index(drop=True)


def _planned_per_district(data: AqbData, measure_types: tuple[int, ...], years: tuple[int, ...]) -> pd.DataFrame:
    projects = data.projects[data.projects["measure_type"].isin(measure_types) & data.projects["year"].isin(years)]
    grouped = projects.groupby(["year", "ags"], observed=True)
    n_projects = grouped.size()
    return pd.DataFrame(
        {
            "planned_eur": _cents(grouped["planned_eur"].sum(min_count=1)),
            "n_projects": n_projects,
            "projects_without_amount": n_projects - grouped["planned_eur"].count(),
        }
    ).reset_index()


def _cents_int(series: pd.Series) -> pd.Series:
    """Euros as whole cents (Int64, missing stays missing): sums of cents are exact."""
    return (series.astype("float64") * 100).round().astype("Int64")


def _district_years_index(frame: pd.DataFrame) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays([frame["year"].astype("int64"), frame["ags"].astype(str)])


def _budget_parts(data: AqbData, measure_types: tuple[int, ...], keys: pd.DataFrame) -> pd.DataFrame:
    """The decomposition of each district's budget in each year (aligned with `keys`: year, ags, budget_eur); see
    `district_budgets`."""
    projects = data.projects[data.projects["year"].isin(keys["year"].unique())]
    amount = _cents_int(projects["planned_eur"])
    per_project = pd.DataFrame(
        {
            "year": projects["year"].astype("int64"),
            "ags": projects["ags"].astype(str),
            "known": amount.fillna(0),
            "missing": amount.isna().astype("int64"),
            "selected": amount.where(projects["measure_type"].isin(measure_types), 0).fillna(0),
        }
    )
    per_district = per_project.groupby(["year", "ags"]).agg(
        known=("known", "sum"), n_all=("known", "size"), n_missing=("missing", "sum"), selected=("selected", "sum")
    )
    per_district = per_district.reindex(_district_years_index(keys))
    n_all = per_district["n_all"].fillna(0).astype("int64").to_numpy()
    n_missing = per_district["n_missing"].fillna(0).astype("int64").to_numpy()
    known = per_district["known"].fillna(0).astype("int64").to_numpy()
    selected = per_district["selected"].fillna(0).astype("int64").to_numpy()
    budget = _cents_int(keys["budget_eur"]).to_numpy(dtype="float64", na_value=np.nan)
    has_budget = ~np.isnan(budget)
    complete = (n_all > 0) & (n_missing == 0)
    status = np.select(
        [~has_budget, n_all == 0, n_missing == n_all, n_missing > 0],
        ["no_agreement", "no_projects", "none", "partial"],
        default="complete",
    )
    # Free money only where every project names its amount; elsewhere the rest of the budget is not known
    # to be free: the projects without an amount may use it (or more).
    over = np.maximum(known - budget, 0)
    rest = np.maximum(budget - known, 0)
    parts = pd.DataFrame(
        {
            "project_amounts": status,
            "planned_total_eur": known / 100,
            "over_planned_eur": np.where(has_budget, over, np.nan) / 100,
            "unplanned_eur": np.where(has_budget, np.where(complete, rest, 0), np.nan) / 100,
            "unknown_eur": np.where(has_budget, np.where(complete, 0, rest), np.nan) / 100,
            "planned_selected_eur": selected / 100,
            "planned_other_eur": (known - selected) / 100,
            "projects_without_amount_all": n_missing,
            "n_projects_all": n_all,
        },
        index=keys.index,
    )
    parts["project_amounts"] = parts["project_amounts"].astype(str)
    return parts


@memoised
def _district_years(data: AqbData, measure_types: tuple[int, ...], years: tuple[int, ...]) -> pd.DataFrame:
    """`district_budgets` of all 26 districts in each of `years` at once, with a `year` column (and n_projects_all,
    the district's projects of every measure type): one pass, so that a change of year is a slice."""
    districts = load_districts()[["ags", "name", "label", "kind", "regierungsbezirk", "population"]]
    grid = pd.DataFrame({"year": pd.Series(years, dtype="int64")}).merge(districts, how="cross")
    budgets = year_budgets(data, None).astype({"year": "int64"})
    this_year = budgets[["year", "ags", "budget_eur", "budget_signed_eur", "valid_from", "source"]]
    previous = budgets[["year", "ags", "budget_eur"]].assign(year=budgets["year"] + 1)
    frame = grid
    for other in (
        this_year.rename(columns={"valid_from": "amended_on"}),
        previous.rename(columns={"budget_eur": "budget_prev_eur"}),
        _planned_per_district(data, measure_types, years).astype({"year": "int64"}),
    ):
        frame = frame.merge(other, on=["year", "ags"], how="left", validate="1:1")
    frame["n_projects"] = frame["n_projects"].fillna(0).astype("int64")
    frame["projects_without_amount"] = frame["projects_without_amount"].fillna(0).astype("int64")
    # The parts of the budget count every measure type: a filter on measure types cannot make money free.
    frame = pd.concat([frame, _budget_parts(data, measure_types, frame[["year", "ags", "budget_eur"]])], axis=1)
    frame["over_committed"] = frame["over_planned_eur"] > 0
    frame["demo"] = _district_years_index(frame).isin(_demo_district_years(data))
    frame["budget_per_inhabitant"] = ratio(frame["budget_eur"], frame["population"])
    frame["change_eur"] = _cents(frame["budget_eur"] - frame["budget_prev_eur"])
    frame["change_share"] = ratio(frame["change_eur"], frame["budget_prev_eur"])
    return frame


@memoised
def district_budgets(data: AqbData, selection: Selection) -> pd.DataFrame:
    """One row per selected district for the year.

    Columns: ags, name, label, kind, regierungsbezirk, population, budget_eur, planned_eur (of the selected
    measure types, NaN when none of their projects has an amount), over_committed, budget_per_inhabitant,
    n_projects, projects_without_amount (of the selected measure types), budget_prev_eur, change_eur,
    change_share, source, demo (the agreement, its amendment or a project of the year is synthetic);
    budget_signed_eur and amended_on (the day the amendment in force at the end of the year took effect, NaT if
    none): budget_eur is that version (`versions.year_budgets`), the previous year's too; and the decomposition of
    the budget, always over all four measure types, NaN without an agreement:
    budget_eur = planned_total_eur − over_planned_eur + unplanned_eur + unknown_eur, to the cent, with
    planned_total_eur = planned_selected_eur + planned_other_eur (the amounts that are known), project_amounts
    (`PROJECT_AMOUNTS_LABELS`) and projects_without_amount_all. A district whose projects all have amounts has
    free money (`unplanned_eur`) or is over-planned; one with a project without an amount, or with no project
    list, has `unknown_eur` = budget − its known amounts instead of free money (never less than 0: known amounts
    beyond the budget are over-planned all the same).
    """
    every = _district_years(data, selection.measure_types, _years_with(data, selection.year))
    every = every[every["ags"].isin(selection.districts()["ags"])]
    return _in_year(every, selection.year).drop(columns="n_projects_all")


def _sum(series: pd.Series) -> float:
    """A cent-exact sum; NaN (not 0) when there is nothing to add up."""
    total = series.sum(min_count=1)
    return round(float(total), 2) if pd.notna(total) else float("nan")


def _demo_district_years(data: AqbData) -> list[tuple[int, str]]:
    """The (year, district) pairs whose agreement, an amendment or a project is synthetic demo data."""
    found: set[tuple[int, str]] = set()
    for frame in (data.agreements, data.projects, data.amendments):
        shown = frame[demo_mask(frame)]
        found |= set(zip(shown["year"].astype(int), shown["ags"].astype(str), strict=True))
    return sorted(found)


@memoised
def budget_decomposition(data: AqbData, selection: Selection) -> pd.DataFrame:
    """The parts of the budget for every district, every Regierungsbezirk and the Land in the selection's year.

    Computed once from the district rows of `district_budgets` (all 26, whatever district or Regierungsbezirk
    the selection names) and summed in whole cents, so that on every row, to the cent,
    budget_eur = planned_eur − over_planned_eur + unplanned_eur + unknown_eur. Over-planning and free money
    are summed separately, never netted against each other. A Regierungsbezirk or the Land adds up its
    districts with an agreement; planned money of districts without one stands outside the identity in
    planned_without_agreement_eur. With a measure-type filter the parts stay those of the whole budget and
    planned_eur = planned_selected_eur + planned_other_eur.

    Columns: level (district, regierungsbezirk, land), unit (AGS, Regierungsbezirk, `Hessen`), unit_label,
    regierungsbezirk, budget_eur, planned_eur, over_planned_eur, unplanned_eur, unknown_eur,
    planned_selected_eur, planned_other_eur, planned_without_agreement_eur, n_districts (with an agreement),
    n_over_planned, n_unknown (districts with unknown money), n_projects, projects_without_amount (all measure
    types), project_amounts (districts only), demo (a synthetic row counts), n_demo.
    """
    every = _decomposition_years(data, selection.measure_types, _years_with(data, selection.year))
    return _in_year(every, selection.year)


@memoised
def _decomposition_years(data: AqbData, measure_types: tuple[int, ...], years: tuple[int, ...]) -> pd.DataFrame:
    """`budget_decomposition` of each of `years` at once, with a `year` column."""
    districts = _district_years(data, measure_types, years)
    has = districts["budget_eur"].notna()
    rows = pd.DataFrame(
        {
            "year": districts["year"],
            "level": "district",
            "unit": districts["ags"].astype(str),
            "unit_label": districts["label"].astype(str),
            "regierungsbezirk": districts["regierungsbezirk"].astype(str),
            "budget_eur": districts["budget_eur"],
            "planned_eur": districts["planned_total_eur"].where(has),
            "over_planned_eur": districts["over_planned_eur"],
            "unplanned_eur": districts["unplanned_eur"],
            "unknown_eur": districts["unknown_eur"],
            "planned_selected_eur": districts["planned_selected_eur"].where(has),
            "planned_other_eur": districts["planned_other_eur"].where(has),
            "planned_without_agreement_eur": districts["planned_total_eur"].where(~has, 0.0),
            "n_districts": has.astype("int64"),
            "n_over_planned": (districts["over_planned_eur"] > 0).astype("int64"),
            "n_unknown": (districts["unknown_eur"] > 0).astype("int64"),
            "n_projects": districts["n_projects_all"].where(has, 0),
            "projects_without_amount": districts["projects_without_amount_all"].where(has, 0).astype("int64"),
            "project_amounts": districts["project_amounts"],
            "demo": districts["demo"].astype(bool),
            "n_demo": districts["demo"].astype("int64"),
        }
    )
    money = [*BUDGET_PARTS, "planned_selected_eur", "planned_other_eur", "planned_without_agreement_eur"]
    counts = ["n_districts", "n_over_planned", "n_unknown", "n_projects", "projects_without_amount", "n_demo"]
    cents = rows[money].apply(_cents_int)

    def summed(keys: pd.Series) -> pd.DataFrame:
        grouped = pd.concat([cents, rows[counts]], axis=1).groupby([rows["year"], keys.rename("unit")], sort=True)
        total = grouped.sum(min_count=1)
        total[money] = total[money].astype("float64") / 100
        total[counts] = total[counts].fillna(0).astype("int64")
        return total.reset_index()

    by_rb = summed(rows["regierungsbezirk"])
    by_rb = by_rb.assign(level="regierungsbezirk", unit_label=by_rb["unit"].map(regierungsbezirk_label))
    by_rb["regierungsbezirk"] = by_rb["unit"]
    land = summed(pd.Series(LAND_LABEL, index=rows.index))
    land = land.assign(level="land", unit_label=LAND_LABEL, regierungsbezirk="")
    for unit in (by_rb, land):
        unit["project_amounts"] = ""
        unit["demo"] = unit["n_demo"] > 0
    frame = pd.concat([rows, by_rb, land], ignore_index=True)
    frame["project_amounts"] = frame["project_amounts"].astype(str)
    return frame[list(rows.columns)]


def scope_decomposition(data: AqbData, selection: Selection) -> dict[str, object]:
    """The row of `budget_decomposition` for what the selection covers: its district, Regierungsbezirk or Hessen."""
    frame = budget_decomposition(data, selection)
    if selection.ags:
        row = frame[(frame["level"] == "district") & (frame["unit"] == selection.ags)]
    elif selection.regierungsbezirk:
        row = frame[(frame["level"] == "regierungsbezirk") & (frame["unit"] == selection.regierungsbezirk)]
    else:
        row = frame[frame["level"] == "land"]
    return row.iloc[0].to_dict()


def budget_parts_sentence(parts: Mapping[str, object]) -> str:
    """The parts of a budget as one German sentence naming every part that is not 0 (for a page, a file or a
    slide), from a row of `budget_decomposition`, e.g. `Haushaltsmittel 773.920 € = 0 € geplant + 773.920 € ohne
    Projektbeträge.`"""
    terms = [f"{format_eur(parts['planned_eur'])} geplant"]
    if parts["over_planned_eur"]:
        terms.append(f"− {format_eur(parts['over_planned_eur'])} überplant")
    if parts["unplanned_eur"]:
        terms.append(f"+ {format_eur(parts['unplanned_eur'])} nicht verplant")
    if parts["unknown_eur"]:
        terms.append(f"+ {format_eur(parts['unknown_eur'])} ohne Projektbeträge")
    return f"Haushaltsmittel {format_eur(parts['budget_eur'])} = " + " ".join(terms) + "."


@memoised
def land_totals(data: AqbData, selection: Selection) -> dict[str, float | int]:
    """Totals over the selected districts that have an agreement in the year.

    Keys: budget_eur, planned_eur (of the selected measure types), planned_share, population,
    budget_per_inhabitant, n_projects, n_districts, projects_without_amount (both of the selected measure
    types); the parts of the budget from `scope_decomposition` (over all measure types): planned_total_eur,
    over_planned_eur, unplanned_eur, unknown_eur, n_over_planned, n_unknown, planned_without_agreement_eur;
    and the change against the previous year over the districts with an agreement in both years only (like
    for like): budget_prev_eur, change_eur, change_share, n_comparable.
    """
    frame = district_budgets(data, selection)
    frame = frame[frame["budget_eur"].notna()]  # planned money without a budget has no share to be part of
    budget = _sum(frame["budget_eur"])
    totals: dict[str, float | int] = {
        "budget_eur": budget,
        "planned_eur": _sum(frame["planned_eur"]),
        "population": int(frame["population"].sum()),
        "n_projects": int(frame["n_projects"].sum()),
        "n_districts": len(frame),
        "projects_without_amount": int(frame["projects_without_amount"].sum()),
    }
    parts = scope_decomposition(data, selection)
    totals["planned_total_eur"] = float(parts["planned_eur"]) if len(frame) else float("nan")
    for key in ("over_planned_eur", "unplanned_eur", "unknown_eur", "planned_without_agreement_eur"):
        totals[key] = float(parts[key]) if len(frame) or key == "planned_without_agreement_eur" else float("nan")
    totals["n_over_planned"] = int(parts["n_over_planned"])
    totals["n_unknown"] = int(parts["n_unknown"])
    totals.update(year_on_year_change(data, selection, selection.year))
    totals["planned_share"] = ratio(totals["planned_eur"], budget)
    totals["budget_per_inhabitant"] = ratio(budget, totals["population"])
    return totals


@memoised
def allocation_by_measure_type(data: AqbData, selection: Selection, level: str = "land") -> pd.DataFrame:
    """Planned money per unit and selected measure type, then the residual rows that make a unit's rows add
    up to its budget, to the cent (from `budget_decomposition`; only those that are not 0):
    `OTHER_TYPES_CODE` (the measure types a filter leaves out), `UNALLOCATED_CODE` (free money),
    `UNKNOWN_CODE` (ohne Projektbeträge) and `OVER_PLANNED_CODE` (planning beyond the budget, negative).

    `level` is `land`, `regierungsbezirk` or `district`. Columns: unit, unit_label, measure_type,
    measure_label, planned_eur, budget_eur (of the unit), share (of the budget). A Regierungsbezirk or the Land
    counts the projects of its districts with an agreement only (as its budget does).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    every = _allocation_years(data, selection.every_year(), level, _years_with(data, selection.year))
    return _in_year(every, selection.year).sort_values(["unit", "order"], ignore_index=True)[ALLOCATION_COLUMNS]


ALLOCATION_COLUMNS = ["unit", "unit_label", "measure_type", "measure_label", "planned_eur", "budget_eur", "share"]


@memoised
def _allocation_years(data: AqbData, selection: Selection, level: str, years: tuple[int, ...]) -> pd.DataFrame:
    """`allocation_by_measure_type` of each of `years` at once, with the columns year and order."""
    districts = selection.districts()
    units = {
        "land": pd.Series(LAND_LABEL, index=districts.index),
        "regierungsbezirk": districts["regierungsbezirk"],
        "district": districts["ags"],
    }[level]
    unit_of = dict(zip(districts["ags"], units, strict=True))
    label_of = dict(zip(districts["ags"], districts["label"], strict=True)) if level == "district" else {}
    budgets = year_budgets(data, None)
    budgets = budgets[budgets["ags"].isin(unit_of) & budgets["year"].isin(years)]
    budgets = budgets.assign(year=budgets["year"].astype("int64"), unit=budgets["ags"].map(unit_of))
    budget_by_unit = _cents(budgets.groupby(["year", "unit"])["budget_eur"].sum()).rename("budget_eur")
    projects = selected_projects(data, selection, every_year=True)
    projects = projects[projects["year"].isin(years)]
    if level != "district":  # a Regierungsbezirk or the Land counts the districts with an agreement in the year
        projects = projects[_district_years_index(projects).isin(_district_years_index(budgets))]
    planned = (
        projects.assign(year=projects["year"].astype("int64"), unit=projects["ags"].map(unit_of))
        .groupby(["year", "unit", "measure_type"])["planned_eur"]
        .sum(min_count=1)
        .rename("planned_eur")
        .reset_index()
    )
    parts = _decomposition_years(data, selection.measure_types, years)
    parts = parts[(parts["level"] == level) & parts["unit"].isin(set(unit_of.values()))]
    residuals = [
        (OTHER_TYPES_CODE, parts["planned_other_eur"]),
        (UNALLOCATED_CODE, parts["unplanned_eur"]),
        (UNKNOWN_CODE, parts["unknown_eur"]),
        (OVER_PLANNED_CODE, -parts["over_planned_eur"]),
    ]
    rest = [
        pd.DataFrame({"year": parts["year"], "unit": parts["unit"], "measure_type": code, "planned_eur": amount})
        for code, amount in residuals
    ]
    rest = [frame[frame["planned_eur"].abs() >= 0.005] for frame in rest]
    planned = pd.concat([planned, *rest], ignore_index=True)
    planned["measure_type"] = planned["measure_type"].astype("int64")
    planned["planned_eur"] = _cents(planned["planned_eur"])
    planned = planned.merge(budget_by_unit.reset_index(), on=["year", "unit"], how="left", validate="m:1")
    planned["share"] = ratio(planned["planned_eur"], planned["budget_eur"])
    planned["unit_label"] = planned["unit"].map(label_of) if label_of else planned["unit"]
    if level == "regierungsbezirk":  # never the bare name a city or Landkreis shares (Kassel, Darmstadt, Gießen)
        planned["unit_label"] = planned["unit"].map(regierungsbezirk_label)
    planned["measure_label"] = planned["measure_type"].map(measure_label)
    planned["order"] = planned["measure_type"].map(ALLOCATION_ORDER.index)
    return planned


@memoised
def allocation_by_levels(data: AqbData, selection: Selection, levels: tuple[str, ...]) -> pd.DataFrame:
    """`allocation_by_measure_type` for several levels one below the other, e.g. ("land", "regierungsbezirk")."""
    parts = [allocation_by_measure_type(data, selection, level) for level in levels]
    return pd.concat(parts, ignore_index=True)


# The rows of an allocation in the order they are read: measure types, then the residuals.
ALLOCATION_ORDER = (*MEASURE_TYPES, OTHER_TYPES_CODE, UNALLOCATED_CODE, UNKNOWN_CODE, OVER_PLANNED_CODE)
_RESIDUAL_LABELS = {
    UNALLOCATED_CODE: UNALLOCATED_LABEL,
    UNKNOWN_CODE: UNKNOWN_LABEL,
    OTHER_TYPES_CODE: OTHER_TYPES_LABEL,
    OVER_PLANNED_CODE: OVER_PLANNED_LABEL,
}


def measure_label(code: int) -> str:
    """The short German label of a measure type or of a residual row (`Nicht verplant`, `ohne Projektbeträge` …)."""
    return _RESIDUAL_LABELS.get(int(code)) or MEASURE_TYPES[int(code)].short_label


@over_the_years
def budget_changes(data: AqbData, selection: Selection) -> pd.DataFrame:
    """The change of the budget against the previous year, like for like, for every year with an agreement.

    The one definition of "Veränderung gegenüber dem Vorjahr" (each year's budget in force at its end): over the
    selected districts that have an agreement in both the year and the year before, change_eur = Σ budget of
    the year − Σ budget of the year before (to the cent), change_share = change_eur ÷ Σ budget of the year
    before; both NaN where no district has an agreement in both years. A district missing in one of the years is
    neither a cut nor a rise. Columns: year, budget_prev_eur, change_eur, change_share, n_comparable.
    """
    budgets = year_budgets(data, None)
    chosen = budgets["ags"].isin(selection.districts()["ags"])
    agreements = budgets.loc[chosen, ["year", "ags", "budget_eur"]].astype({"year": "int64"})
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
    """Budget (in force at each year's end) per year over the selected districts (all years), with € per
    inhabitant and the like-for-like
    change against the previous year (`budget_changes`).

    Columns: year, budget_eur, n_districts, budget_per_inhabitant, change_eur, change_share, n_comparable.
    """
    districts = selection.districts()
    budgets = year_budgets(data, None)
    agreements = budgets[budgets["ags"].isin(districts["ags"])]
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
    share (of the district's budget in force at the end of the year), source.
    """
    projects = selected_projects(data, Selection(year, ags=ags, measure_types=measure_types))
    budgets = year_budgets(data, year)
    budget = budgets.loc[budgets["ags"] == ags, "budget_eur"].sum(min_count=1)
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
        return regierungsbezirk_label(selection.regierungsbezirk)
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
