"""Year-end projection of spending (Hochrechnung zum Jahresende) with an 80 % interval, and its backtest.

Method. For year Y at a Stichtag S only what was known at S is used: the earlier years complete (their reports up
to 31.12.) and the reports of Y up to S; nothing of later years, and no year-end figure of Y.

1. Each project rests on its latest report up to S (date `as_of`; older than S: `stale`). Without a report it is
   not projected (method "kein Bericht") and counts in no projected sum.
2. The in-year profile at a calendar day (e.g. 30.09.) is the share of the year-end spending that had been spent
   by that day: Σ spent by that day ÷ Σ spent at 31.12., over the projects of earlier years that have a year-end
   report (between two reports of a year the cumulative spending is interpolated linearly by day). The district's
   own profile pools its earlier years (at least `MIN_PROFILE_YEARS` with year-end reports); else the Land's
   profile pools all districts' earlier years.
3. projected = spent at the report ÷ profile at the report's calendar day, in whole euros. Where neither profile
   exists (no earlier year with year-end reports), or it is below `MIN_PROFILE` (almost nothing spent by that
   day in earlier years: a ratio to it would explode), the run rate: spent ÷ share of the year elapsed at the
   report. The profile is preferred because spending is not linear: projects start slowly and settle their
   bills at the year end, so the run rate projects too little during the year (the backtest shows both).
4. The 80 % interval: the earlier years are replayed at the same calendar day with the same method (each with the
   profiles of the other earlier years), and actual ÷ projected is taken for every unit of the same kind (projects
   for a project, districts for a district, Regierungsbezirke, the Land, measure types over the same scope). The
   interval is projected × the 10 % and 90 % quantiles of these ratios. A unit whose reports are of different
   days takes the ratios at its oldest report. With fewer than `MIN_RATIOS` ratios of its kind, the ratios of the
   next finer kind are used (Land → Regierungsbezirke → districts → projects): wider, never narrower than
   warranted. Quantiles are never added: a sum's interval comes from the ratios of sums of its own kind.
5. Sums: projected, spent, planned and unspent add up from the projects to measure types, districts,
   Regierungsbezirke and the Land, to the cent. unspent = planned − projected over the projected projects with
   planned money (projects without report count in neither). At district level and above also against the § 4
   budget in force at S (`versions.budgets_in_force`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from aqb_data.analysis.achievement import elapsed_share, label_units
from aqb_data.analysis.indicators import LAND_LABEL, Selection, selected_projects
from aqb_data.analysis.versions import budgets_in_force
from aqb_data.domain.dataset import AqbData, kept, memoised
from aqb_data.domain.districts import load_districts

LEVELS = ("project", "measure_type", "district", "regierungsbezirk", "land")
METHOD_DISTRICT, METHOD_LAND, METHOD_RUN_RATE, METHOD_NONE = "Profil Kreis", "Profil Land", "Laufrate", "kein Bericht"
MIN_PROFILE_YEARS = 2  # earlier years with year-end reports a district needs for its own profile
MIN_PROFILE = 0.05  # below this share spent by the day, a profile is too small to divide by
MIN_RATIOS = 8  # ratios actual ÷ projected a kind of unit needs for its own interval
QUANTILES = (0.1, 0.9)
YEAR_END = 1231  # calendar day as month × 100 + day
_KEYS = {
    "project": ["ags", "project"],
    "measure_type": ["measure_type"],
    "district": ["ags"],
    "regierungsbezirk": ["regierungsbezirk"],
    "land": [],
}
# The kinds of units whose ratios give an interval, finest last (see `_interval_kinds`).
_FINER = [("regierungsbezirk",), ("ags",), ("ags", "project")]
KIND_LABELS = {
    (): "Hessen",
    ("regierungsbezirk",): "Regierungsbezirke",
    ("ags",): "Gebietskörperschaften",
    ("ags", "project"): "Projekte",
    ("measure_type",): "Maßnahmenarten (Hessen)",
    ("regierungsbezirk", "measure_type"): "Maßnahmenarten je Regierungsbezirk",
    ("ags", "measure_type"): "Maßnahmenarten je Gebietskörperschaft",
}
LEVEL_LABELS = {
    "project": "Projekte",
    "measure_type": "Maßnahmenarten",
    "district": "Gebietskörperschaften",
    "regierungsbezirk": "Regierungsbezirke",
    "land": "Hessen",
}

METHOD_TEXT = f"""\
**Hochrechnung zum Jahresende („voraussichtlich verausgabt“).** Für ein Jahr und einen Stichtag zählt nur, was \
am Stichtag bekannt war: die früheren Jahre vollständig, das Jahr selbst bis zum Stichtag.

- Jedes Projekt beruht auf seinem letzten Bericht bis zum Stichtag; die Tabelle nennt dessen Datum. Ist er älter \
als der Stichtag, ist die Zeile gekennzeichnet. Ein Projekt ohne Bericht wird nicht hochgerechnet („kein Bericht“) \
und zählt in keiner Summe der Hochrechnung.
- **Jahresprofil:** welcher Anteil der am 31.12. verausgabten Mittel in früheren Jahren bis zum selben Kalendertag \
verausgabt war (Summe bis zu diesem Tag ÷ Summe am 31.12., über die Projekte mit Jahresendbericht; zwischen zwei \
Berichten linear nach Tagen). Es gilt das Profil der eigenen Gebietskörperschaft, wenn sie mindestens \
{MIN_PROFILE_YEARS} frühere Jahre mit Jahresendbericht hat („Profil Kreis“), sonst das Profil aller \
Gebietskörperschaften („Profil Land“).
- **voraussichtlich verausgabt** = verausgabt laut Bericht ÷ Jahresprofil am Tag des Berichts, in ganzen Euro. \
Gibt es kein früheres Jahr mit Jahresendbericht oder war bis zu diesem Tag weniger als \
{MIN_PROFILE * 100:.0f} % verausgabt, gilt die **Laufrate**: verausgabt ÷ vergangener Anteil des Jahres. Das \
Profil geht vor, weil die Mittel nicht gleichmäßig abfließen: Projekte beginnen langsam und rechnen zum Jahresende \
ab, die Laufrate rechnet während des Jahres zu wenig hoch (der Rückblick unten zeigt beide).
- **80 %-Intervall:** Die früheren Jahre werden am selben Kalendertag mit derselben Methode nachgerechnet (jedes \
mit den Profilen der übrigen früheren Jahre); für jede Einheit derselben Art (Projekte, Gebietskörperschaften, \
Regierungsbezirke, Hessen, Maßnahmenarten) zählt das Verhältnis tatsächlich ÷ hochgerechnet. Das Intervall ist \
die Hochrechnung × das 10-%- und das 90-%-Quantil dieser Verhältnisse, bei Berichten verschiedener Tage die des \
ältesten. Gibt es weniger als {MIN_RATIOS} Verhältnisse dieser Art, gelten die der nächstfeineren \
(Hessen → Regierungsbezirke → Gebietskörperschaften → Projekte); das Intervall wird dann eher breiter. \
Intervalle werden nie addiert.
- **voraussichtlich nicht verausgabt (€)** = geplante Mittel − voraussichtlich verausgabt, über die \
hochgerechneten Projekte mit geplanten Mitteln; für Gebietskörperschaften, Regierungsbezirke und Hessen \
zusätzlich gegenüber den am Stichtag geltenden Haushaltsmitteln nach § 4. Alle Summen gehen centgenau aus den \
Projekten auf.
- **Rückblick (Backtest):** Jedes abgeschlossene Jahr mit mindestens einem früheren Jahr wird an jedem seiner \
Stichtage nur mit dem damals Bekannten hochgerechnet und mit den tatsächlich am 31.12. verausgabten Mitteln \
verglichen: mittlere absolute prozentuale Abweichung (MAPE) je Ebene und wie oft das 80 %-Intervall den \
tatsächlichen Wert enthielt. Bei wenigen früheren Jahren ist das Intervall unsicher und hält seltener als 80 %.
"""


# ---------------------------------------------------------------------------------------------------------------
# Calendar days and the earlier years' profiles
# ---------------------------------------------------------------------------------------------------------------


def _calendar_key(days: pd.Series) -> pd.Series:
    """month × 100 + day of each date (30.09. → 930)."""
    return days.dt.month * 100 + days.dt.day


def _day_in(years: pd.Series, keys: pd.Series) -> pd.Series:
    """The calendar day `key` in each year (29.02. is the 28.02. in a year without it)."""
    years = years.astype("int64").to_numpy()
    month, day = keys.astype("int64").to_numpy() // 100, keys.astype("int64").to_numpy() % 100
    leap = (years % 4 == 0) & ((years % 100 != 0) | (years % 400 == 0))
    day = np.where((month == 2) & (day == 29) & ~leap, 28, day)
    return pd.Series(pd.to_datetime({"year": years, "month": month, "day": day}), index=keys.index)


@memoised
def _reports(data: AqbData) -> pd.DataFrame:
    """Every progress report with a date and an amount: year, ags, project, as_of, spent_eur, key."""
    frame = data.progress[["year", "ags", "project", "as_of", "spent_eur"]].dropna(subset=["year", "as_of"])
    frame = frame.assign(year=frame["year"].astype("int64"), spent_eur=frame["spent_eur"].astype("float64"))
    return frame.assign(key=_calendar_key(frame["as_of"]))


@memoised
def _actuals(data: AqbData) -> pd.DataFrame:
    """Per project and year, the spending at its year-end report (31.12.): year, ags, project, actual_eur."""
    reports = _reports(data)
    year_end = reports[(reports["key"] == YEAR_END) & reports["spent_eur"].notna()]
    year_end = year_end.sort_values("as_of").groupby(["year", "ags", "project"], as_index=False).tail(1)
    return year_end[["year", "ags", "project"]].assign(actual_eur=year_end["spent_eur"].to_numpy())


@memoised
def _profile_parts(data: AqbData, year: int) -> pd.DataFrame:
    """Per calendar day of any report up to `year`, earlier year and district: spent by that day (`num`,
    interpolated between reports) and at 31.12. (`den`), over the projects of years before `year` with a
    year-end report; only district-years with year-end spending above 0."""
    reports = _reports(data)
    keys = np.sort(reports.loc[reports["year"] <= year, "key"].unique())
    actuals = _actuals(data)
    actuals = actuals[actuals["year"] < year]
    if actuals.empty or len(keys) == 0:
        return pd.DataFrame(columns=["key", "year", "ags", "num", "den"])
    targets = actuals.merge(pd.DataFrame({"key": keys}), how="cross")
    targets["t"] = _day_in(targets["year"], targets["key"])
    known = reports[reports["spent_eur"].notna() & (reports["year"] < year)][
        ["year", "ags", "project", "as_of", "spent_eur"]
    ]
    pairs = targets.merge(known, on=["year", "ags", "project"], how="left", validate="m:m")
    unit = ["year", "ags", "project", "key"]
    before = pairs[pairs["as_of"] <= pairs["t"]].sort_values("as_of").groupby(unit).tail(1)
    after = pairs[pairs["as_of"] >= pairs["t"]].sort_values("as_of").groupby(unit).head(1)
    path = targets.merge(
        before[[*unit, "as_of", "spent_eur"]].rename(columns={"as_of": "t0", "spent_eur": "v0"}),
        on=unit,
        how="left",
        validate="1:1",
    ).merge(
        after[[*unit, "as_of", "spent_eur"]].rename(columns={"as_of": "t1", "spent_eur": "v1"}),
        on=unit,
        how="left",
        validate="1:1",
    )
    # Before the first report of a year nothing was spent: the path starts at 0 on the last day of the year before.
    start = pd.to_datetime({"year": path["year"] - 1, "month": 12, "day": 31})
    path["t0"] = path["t0"].fillna(start)
    path["v0"] = path["v0"].fillna(0.0)
    span = (path["t1"] - path["t0"]).dt.days
    step = ((path["t"] - path["t0"]).dt.days / span.where(span > 0)).fillna(0.0)
    path["num"] = path["v0"] + (path["v1"] - path["v0"]) * step
    parts = path.groupby(["key", "year", "ags"], as_index=False).agg(num=("num", "sum"), den=("actual_eur", "sum"))
    return parts[parts["den"] > 0].reset_index(drop=True)


def _profiles(parts: pd.DataFrame, rows: pd.DataFrame, leave_out: str | None) -> pd.DataFrame:
    """The district's and the Land's profile for each row (its `ags` and `key`), pooled over the earlier years
    of `parts`, without the row's own year where `leave_out` names the column holding it.
    Columns: district_profile, district_years, land_profile, land_years (aligned with `rows`)."""
    district = parts.groupby(["ags", "key"]).agg(num=("num", "sum"), den=("den", "sum"), n=("year", "nunique"))
    land_year = parts.groupby(["key", "year"]).agg(num=("num", "sum"), den=("den", "sum"))
    land = land_year.groupby("key").agg(num=("num", "sum"), den=("den", "sum"), n=("num", "size"))
    frame = rows[["ags", "key"]].copy()
    own_district = district.reindex(pd.MultiIndex.from_frame(frame[["ags", "key"]])).reset_index(drop=True)
    all_land = land.reindex(frame["key"]).reset_index(drop=True)
    d_num, d_den = own_district["num"].fillna(0.0), own_district["den"].fillna(0.0)
    d_n = own_district["n"].fillna(0)
    l_num, l_den, l_n = all_land["num"].fillna(0.0), all_land["den"].fillna(0.0), all_land["n"].fillna(0)
    if leave_out is not None:
        own = parts.set_index(["ags", "key", "year"])[["num", "den"]]
        index = pd.MultiIndex.from_arrays([frame["ags"], frame["key"], rows[leave_out]])
        mine = own.reindex(index).reset_index(drop=True)
        land_mine = land_year.reindex(pd.MultiIndex.from_arrays([frame["key"], rows[leave_out]])).reset_index(drop=True)
        d_num, d_den = d_num - mine["num"].fillna(0.0), d_den - mine["den"].fillna(0.0)
        d_n = d_n - mine["den"].notna().astype("int64")
        l_num, l_den = l_num - land_mine["num"].fillna(0.0), l_den - land_mine["den"].fillna(0.0)
        l_n = l_n - land_mine["den"].notna().astype("int64")
    return pd.DataFrame(
        {
            "district_profile": (d_num / d_den.where(d_den > 0)).to_numpy(),
            "district_years": d_n.to_numpy(),
            "land_profile": (l_num / l_den.where(l_den > 0)).to_numpy(),
            "land_years": l_n.to_numpy(),
        },
        index=rows.index,
    )


def _project(rows: pd.DataFrame, parts: pd.DataFrame, leave_out: str | None = None) -> pd.DataFrame:
    """`rows` (ags, as_of, spent_eur, …) with key, profile, method and projected_eur (whole euros; NaN and
    "kein Bericht" without a report or amount)."""
    rows = rows.assign(key=_calendar_key(rows["as_of"]).astype("Int64").fillna(0).astype("int64"))
    profiles = _profiles(parts, rows, leave_out)
    district_ok = (profiles["district_years"] >= MIN_PROFILE_YEARS) & (profiles["district_profile"] >= MIN_PROFILE)
    land_ok = (profiles["land_years"] >= 1) & (profiles["land_profile"] >= MIN_PROFILE)
    reported = rows["as_of"].notna() & rows["spent_eur"].notna()
    profile = profiles["district_profile"].where(district_ok, profiles["land_profile"].where(land_ok))
    method = np.select(
        [~reported, district_ok, land_ok], [METHOD_NONE, METHOD_DISTRICT, METHOD_LAND], default=METHOD_RUN_RATE
    )
    run_rate = rows["spent_eur"] / elapsed_share(rows["as_of"])
    projected = (rows["spent_eur"] / profile).where(profile.notna(), run_rate).where(reported)
    return rows.assign(
        profile=profile.where(reported), method=method, projected_eur=projected.round(0), run_rate_eur=run_rate
    )


# ---------------------------------------------------------------------------------------------------------------
# Projects projected at a Stichtag, and the earlier years replayed for the intervals
# ---------------------------------------------------------------------------------------------------------------


def _with_regions(frame: pd.DataFrame) -> pd.DataFrame:
    regions = load_districts()[["ags", "regierungsbezirk"]]
    return frame.merge(regions, on="ags", how="left", validate="m:1")


@memoised
def _projected_projects(data: AqbData, year: int, as_of: date) -> pd.DataFrame:
    """Every project of `year` (all districts) with its latest report up to `as_of` and its projection.
    Columns: year, ags, regierungsbezirk, measure_type, project, planned_eur, spent_eur, as_of, stale, key,
    profile, method, projected_eur, run_rate_eur."""
    projects = data.projects.loc[
        data.projects["year"] == year, ["year", "ags", "measure_type", "project", "planned_eur"]
    ].assign(year=year, planned_eur=lambda f: f["planned_eur"].astype("float64"))
    reports = _reports(data)
    known = reports[(reports["year"] == year) & (reports["as_of"] <= pd.Timestamp(as_of))]
    latest = known.sort_values("as_of").groupby(["year", "ags", "project"], as_index=False).tail(1)
    rows = projects.merge(
        latest[["year", "ags", "project", "as_of", "spent_eur"]],
        on=["year", "ags", "project"],
        how="left",
        validate="1:1",
    )
    rows = _project(_with_regions(rows), _profile_parts(data, year))
    rows["measure_type"] = rows["measure_type"].astype("int64")
    rows["stale"] = rows["as_of"].notna() & (rows["as_of"] < pd.Timestamp(as_of))
    return rows.reset_index(drop=True)


@memoised
def _replayed(data: AqbData, year: int, key: int) -> pd.DataFrame:
    """The earlier years (before `year`) projected at the calendar day `key` with the method, each with the
    profiles of the other earlier years, beside their actual year-end spending: year, ags, regierungsbezirk,
    measure_type, project, projected_eur, actual_eur (projects with a year-end report and a report by then)."""
    actuals = _actuals(data)
    actuals = actuals[actuals["year"] < year]
    columns = ["year", "ags", "regierungsbezirk", "measure_type", "project", "projected_eur", "actual_eur"]
    if actuals.empty:
        return pd.DataFrame(columns=columns)
    projects = data.projects[["year", "ags", "measure_type", "project"]].assign(
        year=data.projects["year"].astype("int64")
    )
    units = actuals.merge(projects, on=["year", "ags", "project"], how="inner", validate="1:1")
    reports = _reports(data)
    reports = reports[reports["year"] < year].merge(units[["year"]].drop_duplicates(), on="year")
    day = _day_in(reports["year"], pd.Series(key, index=reports.index))
    known = reports[(reports["as_of"] <= day) & reports["spent_eur"].notna()]
    latest = known.sort_values("as_of").groupby(["year", "ags", "project"], as_index=False).tail(1)
    rows = units.merge(
        latest[["year", "ags", "project", "as_of", "spent_eur"]], on=["year", "ags", "project"], how="inner"
    )
    rows = _project(_with_regions(rows), _profile_parts(data, year), leave_out="year")
    return rows[columns].reset_index(drop=True)


def ratio_interval(ratios: Sequence[float] | pd.Series) -> tuple[float, float]:
    """The 10 % and 90 % quantiles (linear between order statistics) of the ratios actual ÷ projected; NaN
    without ratios."""
    values = np.asarray(ratios, dtype="float64")
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    low, high = np.quantile(values, QUANTILES)
    return float(low), float(high)


def _ratios(replayed: pd.DataFrame, kind: tuple[str, ...]) -> pd.Series:
    """actual ÷ projected of every unit of `kind` in every replayed year (units projected above 0 only)."""
    sums = replayed.groupby(["year", *kind])[["projected_eur", "actual_eur"]].sum()
    return (sums["actual_eur"] / sums["projected_eur"].where(sums["projected_eur"] > 0)).dropna()


@memoised
def _interval(
    data: AqbData, year: int, key: int, kinds: tuple[tuple[str, ...], ...], measure_types: tuple[int, ...]
) -> tuple[float, float, int, str]:
    """(low ratio, high ratio, number of ratios, kind of units they come from) at the calendar day `key`: the
    first kind of `kinds` with at least `MIN_RATIOS` ratios (else the last with any)."""
    replayed = _replayed(data, year, key)
    replayed = replayed[replayed["measure_type"].isin(measure_types)]
    if key == YEAR_END:  # a year-end report is the year-end figure
        return 1.0, 1.0, 0, "Jahresendbericht"
    found: tuple[float, float, int, str] = (float("nan"), float("nan"), 0, "")
    for kind in kinds:
        ratios = _ratios(replayed, kind)
        if len(ratios):
            low, high = ratio_interval(ratios)
            found = (low, high, len(ratios), KIND_LABELS[kind])
        if len(ratios) >= MIN_RATIOS:
            break
    return found


def _interval_kinds(level: str, selection: Selection) -> tuple[tuple[str, ...], ...]:
    """The kinds of units whose ratios give a unit of `level` its interval: its own kind first, then finer ones."""
    if level == "project":
        return (("ags", "project"),)
    if level == "measure_type":
        scopes = [(), ("regierungsbezirk",), ("ags",)]
        scope = ("ags",) if selection.ags else ("regierungsbezirk",) if selection.regierungsbezirk else ()
        return (*((*s, "measure_type") for s in scopes[scopes.index(scope) :]), ("ags", "project"))
    own = {"land": (), "regierungsbezirk": ("regierungsbezirk",), "district": ("ags",)}[level]
    return (own, *_FINER[_FINER.index(own) + 1 :]) if own else ((), *_FINER)


# ---------------------------------------------------------------------------------------------------------------
# The projection per level
# ---------------------------------------------------------------------------------------------------------------

PROJECTION_COLUMNS = [
    "unit",
    "unit_label",
    "planned_eur",
    "spent_eur",
    "projected_eur",
    "low_eur",
    "high_eur",
    "unspent_eur",
    "method",
    "first_as_of",
    "last_as_of",
    "n_projects",
    "n_projected",
    "n_stale",
    "n_without_report",
    "interval_basis",
    "n_ratios",
]
BUDGET_PROJECTION_COLUMNS = ["budget_eur", "budget_signed_eur", "budget_unspent_eur", "projected_budget_share"]


def latest_stichtag(data: AqbData, year: int) -> date | None:
    """The latest report date of a year (None without reports): the Stichtag pages without a slider use."""
    return data.data_date(year)


def _cents(series: pd.Series) -> pd.Series:
    """Euros as whole cents (Int64): their sums are exact."""
    return (series.astype("float64") * 100).round().astype("Int64")


def _aggregate(
    data: AqbData,
    rows: pd.DataFrame,
    year: int,
    level: str,
    kinds: tuple[tuple[str, ...], ...],
    measure_types: tuple[int, ...],
) -> pd.DataFrame:
    """Projected project rows summed to `level`, with the interval of each unit from the ratios of its kind."""
    keys = _KEYS[level]
    projected = rows["projected_eur"].notna()
    frame = rows.assign(
        _all=LAND_LABEL,
        c_planned=_cents(rows["planned_eur"]),
        c_spent=_cents(rows["spent_eur"].where(projected)),
        c_projected=_cents(rows["projected_eur"]),
        c_unspent=_cents(rows["planned_eur"] - rows["projected_eur"]),
        projected_as_of=rows["as_of"].where(projected),
        n_projected=projected.astype("int64"),
        n_stale=(rows["stale"] & projected).astype("int64"),
        n_without_report=(~projected).astype("int64"),
        used_method=rows["method"].where(projected),
    )
    grouping = frame.groupby(keys or ["_all"], dropna=False)
    money = grouping[["c_planned", "c_spent", "c_projected", "c_unspent"]].sum(min_count=1)
    out = pd.DataFrame(
        {
            "planned_eur": money["c_planned"].astype("float64") / 100,
            "spent_eur": money["c_spent"].astype("float64") / 100,
            "projected_eur": money["c_projected"].astype("float64") / 100,
            "unspent_eur": money["c_unspent"].astype("float64") / 100,
            "first_as_of": grouping["projected_as_of"].min(),
            "last_as_of": grouping["projected_as_of"].max(),
            "n_projects": grouping.size(),
            "n_projected": grouping["n_projected"].sum(),
            "n_stale": grouping["n_stale"].sum(),
            "n_without_report": grouping["n_without_report"].sum(),
        }
    )
    # The methods a unit's projections used, in a fixed order (columns of flags: a string join per group is slow).
    methods = (METHOD_DISTRICT, METHOD_LAND, METHOD_RUN_RATE)
    used = (
        pd.DataFrame({m: (frame["used_method"] == m) for m in methods})
        .groupby([frame[k] for k in keys] if keys else frame["_all"], dropna=False)
        .any()
    )
    out["method"] = [
        ", ".join(m for m, on in zip(methods, row, strict=True) if on) or METHOD_NONE
        for row in used.reindex(out.index).to_numpy()
    ]
    out = out.reset_index()
    intervals = {
        key: _interval(data, year, int(key), kinds, measure_types)
        for key in _calendar_key(out["first_as_of"].dropna()).unique()
    }
    basis = [intervals[d.month * 100 + d.day] if pd.notna(d) else (np.nan, np.nan, 0, "") for d in out["first_as_of"]]
    out["low_eur"] = (out["projected_eur"] * [b[0] for b in basis]).round(0)
    out["high_eur"] = (out["projected_eur"] * [b[1] for b in basis]).round(0)
    out["n_ratios"] = [b[2] for b in basis]
    out["interval_basis"] = [b[3] for b in basis]
    return out


def _every_unit(frame: pd.DataFrame, selection: Selection, level: str) -> pd.DataFrame:
    """Every district (Regierungsbezirk, the Land) of the selection gets a row, also without projects."""
    districts = selection.districts()
    expected = {
        "land": pd.DataFrame({"_all": [LAND_LABEL]}),
        "district": districts[["ags"]],
        "regierungsbezirk": districts[["regierungsbezirk"]].drop_duplicates(),
    }.get(level)
    if expected is None:
        return frame
    complete = expected.merge(frame, on=list(expected.columns), how="left", validate="1:1")
    counts = ["n_projects", "n_projected", "n_stale", "n_without_report", "n_ratios"]
    complete[counts] = complete[counts].fillna(0).astype("int64")
    # Text columns of units without projects: the merge leaves them all missing (float), so fill them as text.
    for column, empty in (("method", METHOD_NONE), ("interval_basis", "")):
        complete[column] = pd.Series([v if isinstance(v, str) else empty for v in complete[column]], dtype="str")
    return complete


def _budgets(data: AqbData, selection: Selection, as_of: date, level: str) -> pd.DataFrame:
    """The § 4 budget in force at `as_of` and as signed, summed over the selection's districts per unit."""
    budgets = budgets_in_force(data, as_of)
    budgets = budgets[budgets["year"] == selection.year][["ags", "budget_eur", "budget_signed_eur"]]
    frame = selection.districts()[["ags", "regierungsbezirk"]].merge(budgets, on="ags", how="inner", validate="1:1")
    key = _KEYS[level] or ["_all"]
    frame = frame.assign(
        _all=LAND_LABEL, c_budget=_cents(frame["budget_eur"]), c_signed=_cents(frame["budget_signed_eur"])
    )
    sums = frame.groupby(key)[["c_budget", "c_signed"]].sum(min_count=1)
    return pd.DataFrame(
        {
            "budget_eur": sums["c_budget"].astype("float64") / 100,
            "budget_signed_eur": sums["c_signed"].astype("float64") / 100,
        }
    ).reset_index()


@memoised
def projection(data: AqbData, selection: Selection, level: str = "district", as_of: date | None = None) -> pd.DataFrame:
    """The projected year-end spending of the selection's year per unit of `level`, from the reports up to the
    Stichtag `as_of` (None: the year's latest), with its 80 % interval (see the module's docstring).

    Columns `PROJECTION_COLUMNS`: unit, unit_label, planned_eur, spent_eur (at the reports, over the projected
    projects), projected_eur, low_eur, high_eur, unspent_eur (planned − projected), method, first_as_of and
    last_as_of (the report dates it rests on), n_projects, n_projected, n_stale (projected from a report older
    than the Stichtag), n_without_report, interval_basis (the kind of units whose ratios give the interval),
    n_ratios; for projects also ags, measure_type, project, as_of, stale, profile; for districts, Regierungsbezirke
    and the Land also `BUDGET_PROJECTION_COLUMNS` (the § 4 budget in force at the Stichtag, as signed, budget −
    projected and projected ÷ budget; NaN with measure types filtered out: the budget is for all of them).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    year = selection.year
    if year is None:
        raise ValueError("a projection is for one year")
    as_of = as_of or latest_stichtag(data, year)
    extra = ["ags", "measure_type", "project", "as_of", "stale", "profile"] if level == "project" else []
    budget_columns = BUDGET_PROJECTION_COLUMNS if level in ("district", "regierungsbezirk", "land") else []
    if as_of is None:
        return pd.DataFrame(columns=[*PROJECTION_COLUMNS, *extra, *budget_columns])
    rows = _projected_projects(data, year, as_of)
    chosen = rows["ags"].isin(selection.districts()["ags"]) & rows["measure_type"].isin(selection.measure_types)
    rows = rows[chosen]
    frame = _aggregate(data, rows, year, level, _interval_kinds(level, selection), tuple(selection.measure_types))
    frame = _every_unit(frame, selection, level)
    if level == "project":
        frame = frame.merge(
            rows[["ags", "project", "measure_type", "as_of", "stale", "profile"]],
            on=["ags", "project"],
            how="left",
            validate="1:1",
        )
    if budget_columns:
        key = _KEYS[level] or ["_all"]
        frame = frame.merge(_budgets(data, selection, as_of, level), on=key, how="left", validate="1:1")
        if selection.all_measure_types:
            frame["budget_unspent_eur"] = (frame["budget_eur"] - frame["projected_eur"]).round(2)
            frame["projected_budget_share"] = frame["projected_eur"] / frame["budget_eur"].where(
                frame["budget_eur"] > 0
            )
        else:
            frame["budget_unspent_eur"] = np.nan
            frame["projected_budget_share"] = np.nan
    frame = label_units(frame, level)
    return frame[[*PROJECTION_COLUMNS, *extra, *budget_columns]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------
# The spending path of a year beside earlier years (Zeitreihe)
# ---------------------------------------------------------------------------------------------------------------

REFERENCE_YEAR = 2000  # a leap year: every calendar day of any year has its place on the common axis
REPORTED, PROJECTED = "berichtet", "Hochrechnung"


@memoised
def spending_paths(data: AqbData, selection: Selection, as_of: date | None = None) -> pd.DataFrame:
    """The cumulative spending of the selection at each Stichtag of the selected year (up to `as_of`, None: its
    latest) and of every earlier year, and the selected year's projection at 31.12. with its 80 % interval.

    Columns: year, as_of, day (the calendar day in `REFERENCE_YEAR`, a common axis), spent_eur (Σ of each
    project's latest report up to the day), kind (`REPORTED` or `PROJECTED`), low_eur, high_eur (the
    projection's interval; at the last reported day both equal its spending, where the band starts)."""
    year = selection.year
    if year is None:
        raise ValueError("a spending path is for one year")
    as_of = as_of or latest_stichtag(data, year)
    columns = ["year", "as_of", "day", "spent_eur", "kind", "low_eur", "high_eur"]
    projects = selected_projects(data, selection, every_year=True)[["year", "ags", "project"]]
    projects = projects.assign(year=projects["year"].astype("int64"))
    reports = _reports(data).merge(projects, on=["year", "ags", "project"], how="inner", validate="m:1")
    reports = reports[
        (reports["year"] < year)
        | ((reports["year"] == year) & (reports["as_of"] <= pd.Timestamp(as_of or date(year, 1, 1))))
    ]
    reports = reports[reports["spent_eur"].notna()]
    days = reports[["year", "as_of"]].drop_duplicates().rename(columns={"as_of": "day_of"})
    pairs = days.merge(reports, on="year", how="inner", validate="m:m")
    pairs = pairs[pairs["as_of"] <= pairs["day_of"]]
    latest = pairs.sort_values("as_of").groupby(["year", "day_of", "ags", "project"]).tail(1)
    cents = _cents(latest["spent_eur"]).groupby([latest["year"], latest["day_of"]]).sum()
    path = (cents.astype("float64") / 100).rename("spent_eur").reset_index().rename(columns={"day_of": "as_of"})
    path = path.assign(kind=REPORTED, low_eur=np.nan, high_eur=np.nan)
    if as_of is not None and not path[path["year"] == year].empty:
        # The same projection and interval the pages and the pack show for the selection (district, RB or Land).
        scope = scope_projection(data, selection, as_of)
        last = path.index[(path["year"] == year) & (path["as_of"] == path.loc[path["year"] == year, "as_of"].max())]
        path.loc[last, ["low_eur", "high_eur"]] = path.loc[last, "spent_eur"].iloc[0]
        if pd.notna(scope["projected_eur"]) and pd.Timestamp(as_of) < pd.Timestamp(year, 12, 31):
            end = {
                "year": year,
                "as_of": pd.Timestamp(year, 12, 31),
                "spent_eur": scope["projected_eur"],
                "kind": PROJECTED,
                "low_eur": scope["low_eur"],
                "high_eur": scope["high_eur"],
            }
            path = pd.concat([path, pd.DataFrame([end])], ignore_index=True)
    if path.empty:
        return pd.DataFrame(columns=columns)
    path["year"] = path["year"].astype("int64")
    path["day"] = _day_in(pd.Series(REFERENCE_YEAR, index=path.index), _calendar_key(path["as_of"]))
    return path.sort_values(["year", "as_of"], ignore_index=True)[columns]


# ---------------------------------------------------------------------------------------------------------------
# Backtest: every earlier year replayed at each of its Stichtage with what was known then
# ---------------------------------------------------------------------------------------------------------------

BACKTEST_LEVELS = ("project", "district", "land")
BACKTEST_COLUMNS = [
    "stichtag",
    "stichtag_label",
    "level",
    "level_label",
    "years",
    "n_years",
    "n_units",
    "mape",
    "mape_run_rate",
    "coverage",
]


def known_at(data: AqbData, year: int, as_of: date) -> AqbData:
    """The data as it stood at `as_of` in `year`: earlier years complete, `year` up to `as_of`, no later year."""
    day = pd.Timestamp(as_of)
    tables = {
        "agreements": data.agreements[data.agreements["year"] <= year],
        "projects": data.projects[data.projects["year"] <= year],
        "progress": data.progress[
            (data.progress["year"] < year) | ((data.progress["year"] == year) & (data.progress["as_of"] <= day))
        ],
        "amendments": data.amendments[(data.amendments["year"] < year) | (data.amendments["valid_from"] <= day)],
    }
    return AqbData.of(tables, data.files)


_BACKTEST_UNIT_COLUMNS = [
    "year",
    "as_of",
    "stichtag",
    "level",
    "unit",
    "projected_eur",
    "low_eur",
    "high_eur",
    "run_rate_eur",
    "actual_eur",
]


@memoised
def backtest_units(data: AqbData) -> pd.DataFrame:
    """Every unit (project, district, Land) of every complete year with an earlier complete year, projected at
    each Stichtag of that year before 31.12. with only what was known then, beside its actual year-end spending.

    Columns: year, as_of, stichtag (calendar day month × 100 + day), level, unit, projected_eur, low_eur,
    high_eur, run_rate_eur (the run rate's projection, for comparison), actual_eur. Only projects with a report
    by the Stichtag and a year-end report count, on every level."""
    actuals = _actuals(data)
    years = sorted(actuals["year"].unique())
    reports = _reports(data)
    parts = []
    for year in years[1:]:
        days = sorted(reports.loc[(reports["year"] == year) & (reports["key"] != YEAR_END), "as_of"].unique())
        for day in days:
            as_of = pd.Timestamp(day).date()
            # Everything below reads only the years before `year` and `year` up to `as_of` (`known_at` would give
            # the same; tests check it): on the whole data the earlier years' profiles are computed once.
            known = data
            rows = _projected_projects(known, int(year), as_of)
            rows = rows[rows["projected_eur"].notna()].merge(
                actuals, on=["year", "ags", "project"], how="inner", validate="1:1"
            )
            if rows.empty:
                continue
            for level in BACKTEST_LEVELS:
                selection = Selection(int(year))
                frame = _aggregate(
                    known, rows, int(year), level, _interval_kinds(level, selection), tuple(selection.measure_types)
                )
                keys = _KEYS[level] or ["_all"]
                sums = rows.assign(_all=LAND_LABEL).groupby(keys)[["actual_eur", "run_rate_eur"]].sum().reset_index()
                frame = label_units(frame.merge(sums, on=keys, how="left", validate="1:1"), level)
                parts.append(
                    frame.assign(
                        year=int(year),
                        as_of=pd.Timestamp(day),
                        stichtag=int(pd.Timestamp(day).month * 100 + pd.Timestamp(day).day),
                        level=level,
                    )[_BACKTEST_UNIT_COLUMNS]
                )
    if not parts:
        return pd.DataFrame(columns=_BACKTEST_UNIT_COLUMNS)
    return pd.concat(parts, ignore_index=True)


def _span(years: pd.Series) -> str:
    values = sorted(int(y) for y in years.unique())
    return f"{values[0]}–{values[-1]}" if len(values) > 1 else str(values[0])


@memoised
def backtest(data: AqbData) -> pd.DataFrame:
    """The backtest per calendar Stichtag and level (project, district, Land), over the replayed years.

    It reads only the closed years (those with year-end reports), so it is kept by their content: a new report
    of the running year, which changes the data but not the closed years, does not compute it again.

    Columns `BACKTEST_COLUMNS`: stichtag (month × 100 + day), stichtag_label ("30.09."), level, level_label,
    years (their span), n_years, n_units (units with an actual above 0), mape (mean of |projected − actual| ÷
    actual), mape_run_rate (the same for the run rate alone), coverage (share of units with an interval whose
    interval held the actual value; NaN without intervals)."""
    closed = set(_actuals(data)["year"])
    return _closed_backtest(data.with_tables(lambda frame: frame[frame["year"].isin(closed)].reset_index(drop=True)))


@kept(4)
def _closed_backtest(data: AqbData) -> pd.DataFrame:
    units = backtest_units(data)
    units = units[units["actual_eur"] > 0]
    if units.empty:
        return pd.DataFrame(columns=BACKTEST_COLUMNS)
    actual = units["actual_eur"]
    units = units.assign(
        ape=(units["projected_eur"] - actual).abs() / actual,
        ape_run_rate=(units["run_rate_eur"].round(0) - actual).abs() / actual,
        covered=((units["low_eur"] <= actual.round(0)) & (actual.round(0) <= units["high_eur"])).where(
            units["low_eur"].notna()
        ),
    )
    grouping = units.groupby(["stichtag", "level"], sort=False)
    frame = pd.DataFrame(
        {
            "years": grouping["year"].agg(_span),
            "n_years": grouping["year"].nunique(),
            "n_units": grouping.size(),
            "mape": grouping["ape"].mean(),
            "mape_run_rate": grouping["ape_run_rate"].mean(),
            "coverage": grouping["covered"].mean(),
        }
    ).reset_index()
    frame["stichtag_label"] = [f"{k % 100:02d}.{k // 100:02d}." for k in frame["stichtag"]]
    frame["level_label"] = frame["level"].map(LEVEL_LABELS)
    frame["_order"] = frame["level"].map({level: i for i, level in enumerate(BACKTEST_LEVELS)})
    frame = frame.sort_values(["stichtag", "_order"], ignore_index=True)
    return frame[BACKTEST_COLUMNS]


def scope_projection(data: AqbData, selection: Selection, as_of: date | None = None) -> pd.Series:
    """The projection of the whole selection as one row: its district, its Regierungsbezirk or the Land (each
    with the interval of its own kind of unit)."""
    level = "district" if selection.ags else "regierungsbezirk" if selection.regierungsbezirk else "land"
    return projection(data, selection, level, as_of).iloc[0]
