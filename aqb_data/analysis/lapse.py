"""Money that lapsed: what the budget and the plans of a closed year left unspent, per district and measure type.

A year is closed when its year-end reports (Stichtag 31.12.) exist; a district of a closed year without one has
„kein Jahresabschlussbericht“: its figures stay empty, never 0. Per project, spent at year end is the 31.12.
report's `spent_eur`. Against the plan, per project summed: planned − spent = underspent − overspent (one
project's overspending is shown, never netted silently against another's underspending) + planned of projects
without a year-end figure − spent of projects without a planned amount. Against the § 4 budget in force on
31.12. (`versions.budgets_in_force`), to the cent:

    budget − spent = (planned − spent) + unplanned + unknown − over_planned

with unplanned = budget − planned where every project names its amount, unknown = the same where some do not
(„ohne Projektbeträge“), over_planned = planned beyond the budget. Sums over districts count only districts
with a year-end report and name the others.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from aqb_data.analysis.indicators import LAND_LABEL, Selection, ratio
from aqb_data.analysis.versions import budgets_in_force
from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.domain.districts import load_districts, regierungsbezirk_label
from aqb_data.domain.model import demo_mask

CLOSED = "abgeschlossen"
NO_YEAR_END_REPORT = "kein Jahresabschlussbericht"
NO_AGREEMENT = "keine Zielvereinbarung"

# The parts of planned − spent, per project summed (euros): unspent_planned_eur = underspent_eur − overspent_eur
# + planned_unreported_eur − spent_unplanned_eur.
PLAN_PARTS = ("underspent_eur", "overspent_eur", "planned_unreported_eur", "spent_unplanned_eur")
# The parts of budget − spent: lapsed_eur = unspent_planned_eur + unplanned_eur + unknown_eur − over_planned_eur.
BUDGET_PARTS = ("unspent_planned_eur", "unplanned_eur", "unknown_eur", "over_planned_eur")
_AMOUNTS = ("planned_eur", "spent_eur", *PLAN_PARTS, "unspent_planned_eur")
DISTRICT_COLUMNS = [
    "year",
    "ags",
    "label",
    "regierungsbezirk",
    "status",
    "budget_eur",
    "budget_signed_eur",
    "amended",
    *_AMOUNTS,
    "unplanned_eur",
    "unknown_eur",
    "over_planned_eur",
    "lapsed_eur",
    "lapsed_share",
    "unspent_planned_share",
    "demo",
]


def year_end(year: int) -> pd.Timestamp:
    """The Stichtag of a year's closing report, 31.12."""
    return pd.Timestamp(date(year, 12, 31))


def closed_years(data: AqbData) -> list[int]:
    """The years whose year-end reports (Stichtag 31.12.) exist, ascending."""
    progress = data.progress
    at_year_end = progress["as_of"].dt.month.eq(12) & progress["as_of"].dt.day.eq(31)
    at_year_end &= progress["as_of"].dt.year.eq(progress["year"])
    return sorted(int(y) for y in progress.loc[at_year_end, "year"].dropna().unique())


def _cents(series: pd.Series) -> pd.Series:
    """Euros as whole cents (Int64, missing stays missing): sums of cents are exact."""
    return (series.astype("float64") * 100).round().astype("Int64")


@memoised
def _project_year_end(data: AqbData) -> pd.DataFrame:
    """Per project of a closed year (and per year-end report of a project not on the list): measure type,
    planned and spent at 31.12. in cents (missing where unknown), the parts of planned − spent, whether the
    district has a year-end report and whether any row behind it is demo data."""
    years = closed_years(data)
    projects = data.projects[data.projects["year"].isin(years)]
    projects = projects[["year", "ags", "measure_type", "project"]].assign(
        planned=_cents(projects["planned_eur"]), demo_plan=demo_mask(projects).to_numpy()
    )
    progress = data.progress[data.progress["year"].isin(years)]
    progress = progress[progress["as_of"] == progress["year"].map(lambda y: year_end(int(y)))]
    reports = progress[["year", "ags", "project"]].assign(
        spent=_cents(progress["spent_eur"]), demo_report=demo_mask(progress).to_numpy()
    )
    frame = projects.merge(reports, on=["year", "ags", "project"], how="outer", validate="1:1")
    reported = set(zip(reports["year"], reports["ags"], strict=True))
    frame["reported"] = [(y, a) in reported for y, a in zip(frame["year"], frame["ags"], strict=True)]
    planned, spent = frame["planned"], frame["spent"]
    both = planned.notna() & spent.notna()
    difference = (planned - spent).where(both)
    frame["underspent"] = difference.clip(lower=0).fillna(0)
    frame["overspent"] = (-difference).clip(lower=0).fillna(0)
    frame["planned_unreported"] = planned.where(planned.notna() & spent.isna()).fillna(0)
    frame["spent_unplanned"] = spent.where(spent.notna() & planned.isna()).fillna(0)
    frame["without_amount"] = planned.isna() & frame["demo_plan"].notna()  # on the list, no amount
    frame["demo"] = frame["demo_plan"].fillna(False).astype(bool) | frame["demo_report"].fillna(False).astype(bool)
    for column in ("planned", "spent"):
        frame[column] = frame[column].fillna(0)
    return frame.drop(columns=["demo_plan", "demo_report"])


def _summed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Cents summed per key, with the plan's parts in euros."""
    cents = ["planned", "spent", "underspent", "overspent", "planned_unreported", "spent_unplanned"]
    grouped = frame.groupby(keys, as_index=False).agg(
        **{c: (c, "sum") for c in cents},
        n_without_amount=("without_amount", "sum"),
        n_projects=("without_amount", "size"),
        demo=("demo", "any"),
    )
    grouped["unspent_planned"] = grouped["planned"] - grouped["spent"]
    return grouped


@memoised
def district_lapse(data: AqbData) -> pd.DataFrame:
    """One row per district and closed year (every district with an agreement or a year-end report): budget in
    force on 31.12. beside the signed one, planned, spent at year end, unspent against the plan and its parts,
    lapsed against the budget (`lapsed_eur`, `lapsed_share`) and its parts; `status` is CLOSED, or
    NO_YEAR_END_REPORT (spent and everything after it empty) or NO_AGREEMENT (budget parts empty).
    Columns: DISTRICT_COLUMNS."""
    years = closed_years(data)
    if not years:
        return pd.DataFrame(columns=DISTRICT_COLUMNS)
    in_force = [budgets_in_force(data, year_end(y).date()) for y in years]
    budgets = pd.concat([frame[frame["year"] == y] for frame, y in zip(in_force, years, strict=True)])
    budgets = budgets[["year", "ags", "budget_eur", "budget_signed_eur", "amended"]]
    agreements = data.agreements[data.agreements["year"].isin(years)]
    budgets = budgets.merge(
        agreements[["year", "ags"]].assign(demo_agreement=demo_mask(agreements).to_numpy()), on=["year", "ags"]
    )
    projects = _project_year_end(data)
    sums = _summed(projects, ["year", "ags"])
    reported = projects.groupby(["year", "ags"], as_index=False)["reported"].any()
    frame = budgets.merge(sums, on=["year", "ags"], how="outer").merge(reported, on=["year", "ags"], how="left")
    frame["reported"] = frame["reported"].fillna(False).astype(bool)
    for column in ("planned", "spent", "underspent", "overspent", "planned_unreported", "spent_unplanned"):
        frame[column] = frame[column].fillna(0).astype("int64")
    frame["unspent_planned"] = frame["planned"] - frame["spent"]
    budget = _cents(frame["budget_eur"]).astype("float64")
    has_budget = budget.notna()
    complete = frame["n_projects"].fillna(0).gt(0) & frame["n_without_amount"].fillna(0).eq(0)
    rest = (budget - frame["planned"]).clip(lower=0)
    frame["unplanned"] = rest.where(complete, 0).where(has_budget)
    frame["unknown"] = rest.where(~complete, 0).where(has_budget)
    frame["over_planned"] = (frame["planned"] - budget).clip(lower=0).where(has_budget)
    frame["lapsed"] = budget - frame["spent"]
    frame["status"] = np.select(
        [~frame["reported"], ~has_budget], [NO_YEAR_END_REPORT, NO_AGREEMENT], default=CLOSED
    ).astype(str)
    unreported = ~frame["reported"]
    # Without a year-end report nothing is known about spending: its figures stay empty, never 0.
    spending = ["spent", *(p.removesuffix("_eur") for p in PLAN_PARTS), "unspent_planned", "lapsed"]
    for column in [*spending, "unplanned", "unknown", "over_planned", "planned"]:
        frame[column] = frame[column].astype("float64") / 100
    frame.loc[unreported, spending] = np.nan
    frame = frame.rename(
        columns={c: f"{c}_eur" for c in ["planned", *spending, "unplanned", "unknown", "over_planned"]}
    )
    frame["lapsed_share"] = ratio(frame["lapsed_eur"], frame["budget_eur"])
    frame["unspent_planned_share"] = ratio(frame["unspent_planned_eur"], frame["planned_eur"])
    frame["demo"] = frame["demo"].fillna(False).astype(bool) | frame["demo_agreement"].fillna(False).astype(bool)
    frame["amended"] = frame["amended"].fillna(False).astype(bool)
    districts = load_districts()[["ags", "label", "regierungsbezirk"]]
    frame = frame.merge(districts, on="ags", how="left")
    return frame.sort_values(["year", "ags"], ignore_index=True)[DISTRICT_COLUMNS]


@memoised
def measure_type_lapse(data: AqbData) -> pd.DataFrame:
    """One row per district, closed year and measure type with projects: planned, spent at year end, unspent
    against the plan and its parts (`PLAN_PARTS`), `unspent_planned_share`, `status` of the district (empty
    figures without a year-end report) and `demo`. Spent of a year-end report for a project not on the list has
    no measure type (`measure_type` missing)."""
    projects = _project_year_end(data)
    columns = ["year", "ags", "measure_type", "status", *_AMOUNTS, "unspent_planned_share", "demo"]
    if projects.empty:
        return pd.DataFrame(columns=columns)
    frame = _summed(
        projects.assign(measure_type=projects["measure_type"].fillna(0)), ["year", "ags", "measure_type"]
    ).assign(measure_type=lambda f: f["measure_type"].replace(0, pd.NA).astype("Int64"))
    reported = projects.groupby(["year", "ags"], as_index=False)["reported"].any()
    frame = frame.merge(reported, on=["year", "ags"], how="left")
    frame["status"] = np.where(frame["reported"], CLOSED, NO_YEAR_END_REPORT).astype(str)
    for column in ("planned", "spent", *(p.removesuffix("_eur") for p in PLAN_PARTS), "unspent_planned"):
        frame[f"{column}_eur"] = frame[column].astype("float64") / 100
    spending = ["spent_eur", *PLAN_PARTS, "unspent_planned_eur"]
    frame.loc[~frame["reported"], spending] = np.nan
    frame["unspent_planned_share"] = ratio(frame["unspent_planned_eur"], frame["planned_eur"])
    return frame.sort_values(["year", "ags", "measure_type"], ignore_index=True)[columns]


SUM_COLUMNS = [
    "year",
    "budget_eur",
    *_AMOUNTS,
    "unplanned_eur",
    "unknown_eur",
    "over_planned_eur",
    "lapsed_eur",
    "lapsed_share",
    "unspent_planned_share",
    "n_districts",
    "n_without_report",
    "without_report",
    "demo",
]


def _sum_closed(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sums per key over the districts with a year-end report and an agreement; the others counted and named."""
    amounts = ["budget_eur", *_AMOUNTS, "unplanned_eur", "unknown_eur", "over_planned_eur", "lapsed_eur"]
    closed = frame[frame["status"] == CLOSED]
    cents = closed[keys].assign(**{c: _cents(closed[c]).fillna(0) for c in amounts})
    sums = cents.groupby(keys, as_index=False)[amounts].sum()
    sums[amounts] = sums[amounts].astype("float64") / 100
    counts = closed.groupby(keys).size().rename("n_districts").reset_index()
    others = frame[frame["status"] != CLOSED]
    names = (
        others.sort_values("label")
        .groupby(keys)
        .agg(n_without_report=("ags", "size"), without_report=("label", lambda s: ", ".join(s.dropna())))
        .reset_index()
    )
    demo = frame.groupby(keys, as_index=False)["demo"].any()
    result = demo.merge(sums, on=keys, how="left").merge(counts, on=keys, how="left").merge(names, on=keys, how="left")
    result["n_districts"] = result["n_districts"].fillna(0).astype("int64")
    result["n_without_report"] = result["n_without_report"].fillna(0).astype("int64")
    result["without_report"] = result["without_report"].fillna("").astype(str)
    result["lapsed_share"] = ratio(result["lapsed_eur"], result["budget_eur"])
    result["unspent_planned_share"] = ratio(result["unspent_planned_eur"], result["planned_eur"])
    return result


@memoised
def lapse_by_level(data: AqbData, level: str) -> pd.DataFrame:
    """Per closed year and unit of `level` ("district", "regierungsbezirk", "land"): the sums of `district_lapse`
    over the districts with a year-end report (`n_districts`), the others counted and named (`n_without_report`,
    `without_report`: no year-end report or no agreement). Columns: unit, unit_label, SUM_COLUMNS."""
    frame = district_lapse(data)
    if level == "district":
        frame = frame.assign(unit=frame["ags"], unit_label=frame["label"])
    elif level == "regierungsbezirk":
        frame = frame.assign(
            unit=frame["regierungsbezirk"], unit_label=frame["regierungsbezirk"].map(regierungsbezirk_label)
        )
    elif level == "land":
        frame = frame.assign(unit="land", unit_label=LAND_LABEL)
    else:
        raise ValueError(f"unknown level {level!r}")
    if frame.empty:
        return pd.DataFrame(columns=["unit", "unit_label", *SUM_COLUMNS])
    summed = _sum_closed(frame, ["year", "unit", "unit_label"])
    return summed.sort_values(["year", "unit"], ignore_index=True)[["unit", "unit_label", *SUM_COLUMNS]]


@memoised
def lapse_history(data: AqbData, selection: Selection) -> pd.DataFrame:
    """The selection's districts summed per closed year (the selection's year does not matter): budget, spent,
    lapsed € and share with their parts, and the districts without a year-end report. All measure types: the
    budget is not divided by measure type. Columns: SUM_COLUMNS."""
    frame = district_lapse(data)
    frame = frame[frame["ags"].isin(selection.districts()["ags"])]
    if frame.empty:
        return pd.DataFrame(columns=SUM_COLUMNS)
    return _sum_closed(frame, ["year"]).sort_values("year", ignore_index=True)[SUM_COLUMNS]


@memoised
def measure_type_history(data: AqbData, selection: Selection) -> pd.DataFrame:
    """The selection's districts per closed year and selected measure type: planned, spent at year end, unspent
    against the plan and its parts, over the districts with a year-end report. Columns: year, measure_type,
    planned_eur, spent_eur, PLAN_PARTS, unspent_planned_eur, unspent_planned_share, n_districts, demo."""
    frame = measure_type_lapse(data)
    frame = frame[frame["ags"].isin(selection.districts()["ags"]) & frame["measure_type"].isin(selection.measure_types)]
    columns = ["year", "measure_type", *_AMOUNTS, "unspent_planned_share", "n_districts", "demo"]
    closed = frame[frame["status"] == CLOSED]
    if closed.empty:
        return pd.DataFrame(columns=columns)
    cents = closed[["year", "measure_type"]].assign(**{c: _cents(closed[c]).fillna(0) for c in _AMOUNTS})
    sums = cents.groupby(["year", "measure_type"], as_index=False)[list(_AMOUNTS)].sum()
    sums[list(_AMOUNTS)] = sums[list(_AMOUNTS)].astype("float64") / 100
    extra = closed.groupby(["year", "measure_type"], as_index=False).agg(
        n_districts=("ags", "nunique"), demo=("demo", "any")
    )
    sums = sums.merge(extra, on=["year", "measure_type"])
    sums["unspent_planned_share"] = ratio(sums["unspent_planned_eur"], sums["planned_eur"])
    return sums.sort_values(["year", "measure_type"], ignore_index=True)[columns]
