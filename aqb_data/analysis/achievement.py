"""Target achievement (Zielerreichung): money spent, places filled, transitions, against plan.

Every ratio is aggregated from project to measure type, district, Regierungsbezirk and Land by summing its
numerator and denominator over the rows where both are known — never by averaging ratios. A denominator of
0 or a missing value gives NaN (shown as `–`). The status thresholds are named and live in one place,
`THRESHOLDS`; the methods page prints them from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from aqb_data.analysis.indicators import (
    LAND_LABEL,
    Selection,
    measure_label,
    over_the_years,
    ratio,
    scope_label,
    selected_projects,
)
from aqb_data.analysis.reporting import report_flags
from aqb_data.analysis.significance import limited_columns
from aqb_data.analysis.versions import year_budgets
from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import format_eur, format_number, format_percent

LEVELS = ("project", "measure_type", "district", "regierungsbezirk", "land")
ON_TRACK, WATCH, BEHIND, NO_DATA = "im Plan", "beobachten", "im Verzug", "keine Daten"
STATUS_ORDER = {BEHIND: 0, WATCH: 1, ON_TRACK: 2, NO_DATA: 3}
STATUS_SYMBOL = {ON_TRACK: "●", WATCH: "▲", BEHIND: "■", NO_DATA: "○"}


@dataclass(frozen=True)
class StatusThresholds:
    """When a unit counts as on track, to watch, or behind (the worse of its two measures decides)."""

    # Spending rate minus the share of the year elapsed at the Stichtag, in percentage points / 100.
    spending_watch: float = -0.10
    spending_behind: float = -0.20
    # Entries per planned place.
    occupancy_watch: float = 0.80
    occupancy_behind: float = 0.60


THRESHOLDS = StatusThresholds()


def thresholds_text(thresholds: StatusThresholds = THRESHOLDS) -> str:
    """The status rules in German Markdown, from the thresholds in force (so the methods page cannot drift)."""

    def points(value: float) -> str:
        return f"{value * 100:+.0f} Pp.".replace("-", "−")

    def percent(value: float) -> str:
        return f"{value * 100:.0f} %"

    return (
        f"- {STATUS_SYMBOL[BEHIND]} **{BEHIND}**: Abweichung unter {points(thresholds.spending_behind)} oder "
        f"Auslastung unter {percent(thresholds.occupancy_behind)}.\n"
        f"- {STATUS_SYMBOL[WATCH]} **{WATCH}**: Abweichung unter {points(thresholds.spending_watch)} oder "
        f"Auslastung unter {percent(thresholds.occupancy_watch)}.\n"
        f"- {STATUS_SYMBOL[ON_TRACK]} **{ON_TRACK}**: sonst.\n"
        f"- {STATUS_SYMBOL[NO_DATA]} **{NO_DATA}**: weder Abweichung noch Auslastung berechenbar.\n\n"
        "Es entscheidet die schlechtere der beiden Kennzahlen. Die Schwellen gelten gleich für jede Seite, jede "
        "Datei und jede Sitzungsmappe; ändern kann sie die IT an einer Stelle (siehe README)."
    )


def elapsed_share(as_of: date | pd.Timestamp | pd.Series) -> float | pd.Series:
    """The share of its calendar year that has passed at the end of the day `as_of` (31.12. → 1.0); for a
    column of dates a column of shares, NaN where there is no date."""
    if isinstance(as_of, pd.Series):
        return as_of.dt.day_of_year / np.where(as_of.dt.is_leap_year, 366, 365)
    day = pd.Timestamp(as_of)
    return day.day_of_year / (366 if day.is_leap_year else 365)


def latest_reports(data: AqbData, year: int | None, as_of: date | None = None) -> pd.DataFrame:
    """Per project of the year (of every year if None), its latest progress report on or before `as_of`
    (all reports if None)."""
    progress = data.progress if year is None else data.progress[data.progress["year"] == year]
    if as_of is not None:
        progress = progress[progress["as_of"] <= pd.Timestamp(as_of)]
    return progress.sort_values("as_of").groupby(["year", "ags", "project"], as_index=False).tail(1)


def stichtage(data: AqbData, year: int) -> list[date]:
    """The report dates of a year, ascending."""
    days = data.progress.loc[data.progress["year"] == year, "as_of"].dropna().unique()
    return sorted(pd.Timestamp(d).date() for d in days)


@memoised
def project_rows(data: AqbData, selection: Selection, as_of: date | None, every_year: bool = False) -> pd.DataFrame:
    """Planned projects of the selection with their latest report, and the numerators/denominators of each
    ratio, set to NaN together wherever either side is unknown or the denominator is 0 (a project whose own
    ratio is not available does not move the aggregate: 12 entries on 0 planned places are not 12 more).

    With `every_year`, the projects of all years, each with its year's latest report (`as_of` must be None)."""
    districts = selection.districts()[["ags", "label", "regierungsbezirk"]]
    if every_year and as_of is not None:
        raise ValueError("every_year takes each year's latest report: as_of must be None")
    projects = selected_projects(data, selection, every_year)
    reports = latest_reports(data, None if every_year else selection.year, as_of).drop(columns="source")
    rows = projects.merge(reports, on=["year", "ags", "project"], how="left", validate="1:1").merge(
        districts, on="ags", how="left", validate="m:1"
    )
    planned = rows["planned_eur"].astype("float64")
    spent = rows["spent_eur"].astype("float64")
    money = planned.gt(0) & spent.notna()
    rows["n_spent"] = spent.where(money)
    rows["d_planned"] = planned.where(money)
    rows["n_expected"] = (planned * elapsed_share(rows["as_of"])).where(money)
    entries = rows["entries"].astype("float64")
    places = rows["planned_places"].astype("float64")
    filled = entries.notna() & places.gt(0)
    rows["n_entries"] = entries.where(filled)
    rows["d_places"] = places.where(filled)
    exits = rows["exits"].astype("float64")
    transitions = rows["to_training"].astype("float64") + rows["to_employment"].astype("float64")
    moved = exits.gt(0) & transitions.notna()
    rows["n_transitions"] = transitions.where(moved)
    rows["d_exits"] = exits.where(moved)
    dropouts = rows["dropouts"].astype("float64")
    rows["n_dropouts"] = dropouts.where(exits.gt(0) & dropouts.notna())
    rows["d_exits_dropouts"] = exits.where(exits.gt(0) & dropouts.notna())
    cost = spent.notna() & entries.gt(0)
    rows["n_cost"] = spent.where(cost)
    rows["d_cost_entries"] = entries.where(cost)
    return rows


RATE_SUMS = [
    "n_spent",
    "d_planned",
    "n_expected",
    "n_entries",
    "d_places",
    "n_transitions",
    "d_exits",
    "n_dropouts",
    "d_exits_dropouts",
    "n_cost",
    "d_cost_entries",
    "planned_eur",
    "spent_eur",
]


def status_of(deviation: float, occupancy: float, thresholds: StatusThresholds = THRESHOLDS) -> str:
    """The traffic light for a spending deviation and an occupancy: the worse of the two decides."""
    levels = [
        BEHIND if value < behind else WATCH if value < watch else ON_TRACK
        for value, behind, watch in (
            (deviation, thresholds.spending_behind, thresholds.spending_watch),
            (occupancy, thresholds.occupancy_behind, thresholds.occupancy_watch),
        )
        if pd.notna(value)
    ]
    return min(levels, key=STATUS_ORDER.__getitem__) if levels else NO_DATA


def _level(value: float, behind: float, watch: float) -> str:
    """The traffic light of one measure, by the same comparison as status_of."""
    return BEHIND if value < behind else WATCH if value < watch else ON_TRACK


def status_reason(row: Mapping[str, object] | pd.Series, thresholds: StatusThresholds = THRESHOLDS) -> str:
    """Why a unit (a row of `achievement`) has its status, in German, e.g. "Mittelabfluss 12,3 Pp. unter dem
    Jahresfortschritt (Schwelle: -10 Pp.)" or "kein Bericht bis zum Stichtag".

    The reason is derived from the same thresholds and comparison as `status_of`, so it always names the
    measure that decides the status (both, if both do); a measure that is off track without deciding is added
    after "außerdem"."""
    deviation = row.get("deviation", np.nan)
    occupancy = row.get("occupancy", np.nan)
    deviation = float(deviation) if pd.notna(deviation) else np.nan
    occupancy = float(occupancy) if pd.notna(occupancy) else np.nan
    status = status_of(deviation, occupancy, thresholds)
    if status == NO_DATA:
        reported = row.get("n_reported")
        if reported is not None and pd.notna(reported) and int(reported) == 0:
            return "kein Bericht bis zum Stichtag"
        return "Bericht ohne berechenbaren Mittelabfluss und ohne Auslastung (geplante Mittel oder Plätze fehlen)"

    def shown(value: float, limits: tuple[float, float]) -> str:
        """value (in percent or points) to one decimal, or more where it would look like a threshold (so that
        "10,0 Pp. unter" beside "Schwelle: -10 Pp." cannot be read both as in and out of it)."""
        for decimals in (1, 2, 3):
            text = format_number(value, decimals)
            if all(text != format_number(limit * 100, decimals) for limit in limits):
                return text
        return format_number(value, 0)  # exactly at the threshold: it counts as within

    def spending_text(threshold: float | None) -> str:
        points = deviation * 100
        rounded = shown(abs(points), (-thresholds.spending_watch, -thresholds.spending_behind))
        if rounded in ("0,0", "0,00"):
            text = "Mittelabfluss entspricht dem Jahresfortschritt"
        else:
            text = f"Mittelabfluss {rounded} Pp. {'unter' if points < 0 else 'über'} dem Jahresfortschritt"
        return text if threshold is None else f"{text} (Schwelle: {format_number(threshold * 100, 0)} Pp.)"

    def occupancy_text(threshold: float | None) -> str:
        text = f"Auslastung {shown(occupancy * 100, (thresholds.occupancy_watch, thresholds.occupancy_behind))} %"
        return text if threshold is None else f"{text} unter {format_number(threshold * 100, 0)} %"

    measures = []  # (level, text when it decides or adds, text when on track)
    if pd.notna(deviation):
        level = _level(deviation, thresholds.spending_behind, thresholds.spending_watch)
        limit = thresholds.spending_behind if level == BEHIND else thresholds.spending_watch
        measures.append((level, spending_text(limit), spending_text(None)))
    if pd.notna(occupancy):
        level = _level(occupancy, thresholds.occupancy_behind, thresholds.occupancy_watch)
        limit = thresholds.occupancy_behind if level == BEHIND else thresholds.occupancy_watch
        measures.append((level, occupancy_text(limit), occupancy_text(None)))
    if status == ON_TRACK:
        texts = [plain for _, _, plain in measures]
        missing = (
            ["Auslastung nicht berechenbar"]
            if pd.isna(occupancy)
            else ["Mittelabfluss nicht berechenbar"]
            if pd.isna(deviation)
            else []
        )
        return "; ".join(texts) + " – innerhalb der Schwellen" + "".join(f"; {m}" for m in missing)
    deciding = [text for level, text, _ in measures if level == status]
    also = [text for level, text, _ in measures if level not in (status, ON_TRACK)]
    return " und ".join(deciding) + "".join(f"; außerdem {text}" for text in also)


@memoised
def achievement(
    data: AqbData,
    selection: Selection,
    level: str = "district",
    as_of: date | None = None,
    thresholds: StatusThresholds = THRESHOLDS,
) -> pd.DataFrame:
    """Achievement indicators per unit of `level` for the selection's year, as of a Stichtag (latest if None).

    Columns: unit, unit_label (and for projects: ags, measure_type, project), planned_eur, spent_eur,
    spending_rate, expected_rate, deviation, occupancy, transition_rate, dropout_rate, cost_per_participant,
    first_as_of, last_as_of (the report dates the figures rest on), stale and report_flag (figures from a report
    older than the Stichtag, `reporting.report_flags`), n_projects, n_reported, status; for
    districts, Regierungsbezirke and the Land also the spending against the § 4 budget (`BUDGET_COLUMNS`,
    see `_budget_sums`).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    rows = project_rows(data, selection, as_of)
    keys = {
        "project": ["ags", "project"],
        "measure_type": ["measure_type"],
        "district": ["ags"],
        "regierungsbezirk": ["regierungsbezirk"],
        "land": [],
    }[level]
    grouping = rows.assign(_all=LAND_LABEL).groupby(keys or ["_all"], dropna=False)
    sums = grouping[RATE_SUMS].sum(min_count=1)
    frame = sums.assign(
        n_projects=grouping.size(),
        n_reported=grouping["as_of"].count(),
        first_as_of=grouping["as_of"].min(),
        last_as_of=grouping["as_of"].max(),
    ).reset_index()
    frame = with_rates(_every_unit(frame, selection, level))
    budget_columns = BUDGET_COLUMNS if level in _BUDGET_KEYS else []
    if budget_columns:
        key = _BUDGET_KEYS[level]
        budgets = _with_budget_rates(_budget_sums(data, selection, as_of, key), thresholds)
        frame = frame.merge(budgets, on=key or "_all", how="left", validate="1:1")
    frame["status"] = [status_of(d, o, thresholds) for d, o in zip(frame["deviation"], frame["occupancy"], strict=True)]
    frame = _label(frame, rows, level)
    # Figures from a report older than the Stichtag are flagged, never passed off as current (no silent fall-back).
    days = stichtage(data, selection.year) if as_of is None else [as_of]
    frame["stale"], frame["report_flag"] = report_flags(
        frame["first_as_of"], frame["last_as_of"], days[-1] if days else None
    )
    columns = [
        "unit",
        "unit_label",
        *(["ags", "measure_type", "project"] if level == "project" else []),
        "planned_eur",
        "spent_eur",
        "spending_rate",
        "expected_rate",
        "deviation",
        "occupancy",
        "transition_rate",
        "dropout_rate",
        "cost_per_participant",
        "first_as_of",
        "last_as_of",
        "stale",
        "report_flag",
        "n_projects",
        "n_reported",
        "status",
        *SIGNIFICANCE_COLUMNS,
        *budget_columns,
    ]
    frame = with_significance(frame)
    for money in ("planned_eur", "spent_eur"):
        frame[money] = frame[money].round(2)
    return frame[columns].reset_index(drop=True)


def with_significance(frame: pd.DataFrame) -> pd.DataFrame:
    """The cases each ratio of `with_rates` rests on (`SIGNIFICANCE_COLUMNS`): below its minimum a ratio is
    flagged, shown but not ranked (`significance`)."""
    frame["n_places"] = frame["d_places"]
    frame["n_exits"] = frame["d_exits"]
    frame["n_exits_dropouts"] = frame["d_exits_dropouts"]
    frame["n_participants"] = frame["d_cost_entries"]
    frame["limited"], frame["significance_flag"] = limited_columns(frame)
    return frame


def with_rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Each indicator as the ratio of its summed numerator and denominator (see `project_rows`)."""
    frame["spending_rate"] = ratio(frame["n_spent"], frame["d_planned"])
    frame["expected_rate"] = ratio(frame["n_expected"], frame["d_planned"])
    frame["deviation"] = frame["spending_rate"] - frame["expected_rate"]
    frame["occupancy"] = ratio(frame["n_entries"], frame["d_places"])
    frame["transition_rate"] = ratio(frame["n_transitions"], frame["d_exits"])
    frame["dropout_rate"] = ratio(frame["n_dropouts"], frame["d_exits_dropouts"])
    frame["cost_per_participant"] = ratio(frame["n_cost"], frame["d_cost_entries"])
    return frame


SIGNIFICANCE_COLUMNS = ["n_places", "n_exits", "n_exits_dropouts", "n_participants", "limited", "significance_flag"]
_BUDGET_KEYS = {"district": "ags", "regierungsbezirk": "regierungsbezirk", "land": None}
BUDGET_COLUMNS = [
    "budget_eur",
    "budget_counted_eur",
    "budget_spent_eur",
    "budget_spent_share",
    "budget_expected_share",
    "budget_deviation",
    "budget_gap_eur",
    "budget_status",
    "n_budget_districts",
    "n_budget_left_out",
    "budget_signed_eur",
    "n_budget_amended",
    "budget_amended_on",
]


@memoised
def _budget_sums(data: AqbData, selection: Selection, as_of: date | None, key: str | None) -> pd.DataFrame:
    """Per unit (`key`: "ags", "regierungsbezirk", or None for the whole selection) the sums behind the spending
    against the § 4 budget, over the districts that have both a budget and a report up to the Stichtag.

    The budget exists per district, so every sum is built from districts: its pro-rata path is its budget times
    the share of the year elapsed at its latest report up to the Stichtag (reports of earlier dates make it look
    further behind, never on track), in cents, so that districts add up to Regierungsbezirke and the Land to the
    cent. With measure types filtered out nothing counts: their spending is not the budget's.
    Columns: the key ("_all" for None), budget_eur (every district with an agreement), budget_counted_eur,
    budget_spent_eur, budget_expected_eur (cents), n_budget_expected (unrounded), n_budget_districts,
    n_budget_left_out (districts of the unit without budget or without report); the version of the budget: the
    one in force at the Stichtag (`versions.year_budgets`; the latest if None), budget_signed_eur (as signed),
    n_budget_amended (districts judged against an amendment), budget_amended_on (the latest day such an amendment
    took effect)."""
    districts = selection.districts()[["ags", "regierungsbezirk"]]
    budgets = year_budgets(data, selection.year, as_of)[["ags", "budget_eur", "budget_signed_eur", "valid_from"]]
    budgets = budgets.rename(columns={"valid_from": "budget_amended_on"})
    rows = project_rows(data, selection, as_of)
    grouped = rows.groupby("ags")
    reported = pd.DataFrame(
        {"spent": grouped["spent_eur"].sum(min_count=1), "reported_as_of": grouped["as_of"].max()}
    ).reset_index()
    frame = districts.merge(budgets, on="ags", how="left", validate="1:1").merge(
        reported, on="ags", how="left", validate="1:1"
    )
    budget = frame["budget_eur"].astype("float64")
    counted = budget.notna() & frame["spent"].notna() & frame["reported_as_of"].notna()
    counted &= selection.all_measure_types
    path = budget * elapsed_share(pd.to_datetime(frame["reported_as_of"]))
    frame["budget_eur"] = budget
    frame["budget_counted_eur"] = budget.where(counted)
    frame["budget_spent_eur"] = frame["spent"].astype("float64").where(counted).round(2)
    frame["budget_expected_eur"] = path.round(2).where(counted)
    frame["n_budget_expected"] = path.where(counted)
    frame["n_budget_districts"] = counted.astype("int64")
    frame["n_budget_left_out"] = (~counted).astype("int64")
    frame["n_budget_amended"] = frame["budget_amended_on"].notna().astype("int64")
    grouping = frame.assign(_all=LAND_LABEL).groupby(key or "_all")
    cents = ["budget_eur", "budget_counted_eur", "budget_spent_eur", "budget_expected_eur", "budget_signed_eur"]
    sums = grouping[[*cents, "n_budget_expected"]].sum(min_count=1).round(dict.fromkeys(cents, 2))
    counts = grouping[["n_budget_districts", "n_budget_left_out", "n_budget_amended"]].sum()
    return sums.join(counts).join(grouping["budget_amended_on"].max()).reset_index()


def _with_budget_rates(frame: pd.DataFrame, thresholds: StatusThresholds = THRESHOLDS) -> pd.DataFrame:
    """Spent as a share of the counted budget, the share the pro-rata path expects, their difference, the € gap
    (path − spent, positive: behind) and the status of that difference by the spending thresholds."""
    frame["budget_spent_share"] = ratio(frame["budget_spent_eur"], frame["budget_counted_eur"])
    frame["budget_expected_share"] = ratio(frame["n_budget_expected"], frame["budget_counted_eur"])
    frame["budget_deviation"] = frame["budget_spent_share"] - frame["budget_expected_share"]
    frame["budget_gap_eur"] = (frame["budget_expected_eur"] - frame["budget_spent_eur"]).round(2)
    frame["budget_status"] = [
        NO_DATA if pd.isna(d) else _level(d, thresholds.spending_behind, thresholds.spending_watch)
        for d in frame["budget_deviation"]
    ]
    return frame.drop(columns=["budget_expected_eur", "n_budget_expected"])


def budget_note(row: Mapping[str, object] | pd.Series, all_measure_types: bool = True) -> str:
    """The spending against the § 4 budget of a unit (a row of `achievement` at district level or above) in one
    German sentence, e.g. "gegenüber § 4: ■ im Verzug – 24,8 % der Haushaltsmittel verausgabt, erwartet 49,6 %;
    123.456,78 € hinter dem anteiligen Pfad", or why it is not available."""
    prefix = "gegenüber § 4:"
    if not all_measure_types:
        return f"{prefix} – (nur mit allen Maßnahmenarten: das Budget gilt für alle)"
    share = row.get("budget_spent_share", np.nan)
    left_out = int(row.get("n_budget_left_out", 0) or 0)
    counted = int(row.get("n_budget_districts", 0) or 0)
    if pd.isna(share):
        budget = row.get("budget_eur", np.nan)
        if pd.isna(budget):
            return f"{prefix} – (keine Zielvereinbarung)"
        if counted == 0 and left_out > 1:
            return f"{prefix} – (keine Gebietskörperschaft mit Zielvereinbarung und Bericht bis zum Stichtag)"
        if float(budget) == 0:  # type: ignore[arg-type]
            return f"{prefix} – (Haushaltsmittel 0 €)"
        return f"{prefix} – (kein Bericht mit verausgabten Mitteln bis zum Stichtag)"
    gap = float(row["budget_gap_eur"])  # type: ignore[arg-type]
    status = str(row.get("budget_status", NO_DATA))
    where = (
        "genau auf dem anteiligen Pfad"
        if round(gap, 2) == 0
        else f"{format_eur(abs(gap), 2)} {'hinter dem' if gap > 0 else 'vor dem'} anteiligen Pfad"
    )
    text = (
        f"{prefix} {STATUS_SYMBOL[status]} {status} – {format_percent(share)} der Haushaltsmittel verausgabt, "
        f"erwartet {format_percent(row['budget_expected_share'])}; {where}"
    )
    if left_out:
        districts = "Gebietskörperschaft" if left_out == 1 else "Gebietskörperschaften"
        text += f" (ohne {left_out} {districts} ohne Zielvereinbarung oder ohne Bericht)"
    return text


def budget_mismatch(frame: pd.DataFrame) -> pd.DataFrame:
    """The units (rows of `achievement`) that look better against plan than against the § 4 budget: their
    status is better than their § 4 status, which is "beobachten" or "im Verzug" (too little planned)."""
    worse = frame["budget_status"].isin([WATCH, BEHIND])
    return frame[worse & (frame["status"].map(STATUS_ORDER) > frame["budget_status"].map(STATUS_ORDER))]


def budget_mismatch_text(frame: pd.DataFrame) -> str:
    """One German sentence naming the units of `budget_mismatch`, or "" if there are none."""
    mismatched = budget_mismatch(frame)
    if mismatched.empty:
        return ""
    names = ", ".join(
        f"{row.unit_label} ({STATUS_SYMBOL[row.status]} {row.status}, § 4: "
        f"{STATUS_SYMBOL[row.budget_status]} {row.budget_status})"
        for row in mismatched.itertuples()
    )
    return (
        "Gegenüber der Planung besser als gegenüber § 4 (weniger verplant als die Haushaltsmittel oder Projekte "
        f"ohne Bericht): {names}."
    )


def _every_unit(frame: pd.DataFrame, selection: Selection, level: str) -> pd.DataFrame:
    """Every district (Regierungsbezirk, the Land) of the selection gets a row, also without projects:
    it then shows "keine Daten" instead of silently dropping out of tables and maps."""
    districts = selection.districts()
    expected = {
        "land": pd.DataFrame({"_all": [LAND_LABEL]}),
        "district": districts[["ags"]],
        "regierungsbezirk": districts[["regierungsbezirk"]].drop_duplicates(),
    }.get(level)
    if expected is None:
        return frame
    key = list(expected.columns)
    complete = expected.merge(frame, on=key, how="left", validate="1:1")
    complete[["n_projects", "n_reported"]] = complete[["n_projects", "n_reported"]].fillna(0).astype("int64")
    return complete


def _label(frame: pd.DataFrame, rows: pd.DataFrame, level: str) -> pd.DataFrame:
    if level == "project":
        measure = rows.set_index(["ags", "project"])["measure_type"]
        frame["measure_type"] = [measure[(a, p)] for a, p in zip(frame["ags"], frame["project"], strict=True)]
    return label_units(frame, level)


def label_units(frame: pd.DataFrame, level: str) -> pd.DataFrame:
    """The key `unit` and the German `unit_label` of each row of a level's table (a project: "ags/project" and
    its name; a district: its AGS and unambiguous label; …), set on `frame` and returned."""
    if level == "project":
        frame["unit"] = frame["ags"] + "/" + frame["project"]
        frame["unit_label"] = frame["project"]
    elif level == "measure_type":
        frame["unit"] = frame["measure_type"].astype("int64")
        frame["unit_label"] = frame["unit"].map(measure_label)
    elif level == "district":
        frame["unit"] = frame["ags"]
        frame["unit_label"] = frame["ags"].map(district_label)
    elif level == "regierungsbezirk":
        frame["unit"] = frame["regierungsbezirk"]
        frame["unit_label"] = "Regierungsbezirk " + frame["regierungsbezirk"]
    else:
        frame["unit"] = LAND_LABEL
        frame["unit_label"] = LAND_LABEL
    return frame


def behind_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Units ordered by status (behind first), then by deviation (largest gap first)."""
    order = frame["status"].map(STATUS_ORDER)
    deviation = frame["deviation"].fillna(np.inf)
    return frame.assign(_o=order, _d=deviation).sort_values(["_o", "_d"]).drop(columns=["_o", "_d"])


@memoised
def behind_first_achievement(
    data: AqbData, selection: Selection, level: str, as_of: date | None = None
) -> pd.DataFrame:
    """`achievement` of one level in the order of `behind_first`, numbered from 0 (as a table shows it)."""
    return behind_first(achievement(data, selection, level, as_of)).reset_index(drop=True)


@over_the_years
def achievement_trend(data: AqbData, selection: Selection) -> pd.DataFrame:
    """Per year, the achievement at that year's latest Stichtag, for the selection and for Hessen as context.

    Progress figures are cumulative within a year (up to the Stichtag): each year stands alone, nothing is
    added across years. Columns: year, unit_label, spending_rate, expected_rate, occupancy, transition_rate,
    dropout_rate, last_as_of, significance_flag.
    """
    years = sorted(int(y) for y in data.progress["year"].dropna().unique())
    if not years:
        return pd.DataFrame(columns=["year", "unit_label", *_TREND_FIELDS])
    units = [(selection, scope_label(selection))]
    if units[0][1] != LAND_LABEL:
        units.append((Selection(selection.year, measure_types=selection.measure_types), LAND_LABEL))
    parts = []
    for unit_selection, label in units:
        # All years in one pass: the same sums as `achievement(…, "land")` of each year, grouped by year.
        rows = project_rows(data, unit_selection, None, every_year=True)
        grouping = rows.groupby("year")
        yearly = grouping[RATE_SUMS].sum(min_count=1).assign(last_as_of=grouping["as_of"].max())
        yearly = with_significance(with_rates(yearly.reindex(pd.Index(years, name="year"))))
        parts.append(yearly.reset_index().assign(unit_label=label))
    trend = pd.concat(parts, ignore_index=True).sort_values("year", kind="stable", ignore_index=True)
    trend["year"] = trend["year"].astype("int64")
    return trend[["year", "unit_label", *_TREND_FIELDS]]


EXPECTED_LABEL = "erwartet (Anteil des Jahres am Stichtag)"


def with_expectation(trend: pd.DataFrame, unit_label: str) -> pd.DataFrame:
    """The trend plus a series `EXPECTED_LABEL` whose spending rate is the unit's expected rate each year."""
    expected = trend[trend["unit_label"] == unit_label].assign(
        unit_label=EXPECTED_LABEL, spending_rate=lambda frame: frame["expected_rate"]
    )
    return pd.concat([trend, expected], ignore_index=True)


_TREND_FIELDS = [
    "spending_rate",
    "expected_rate",
    "occupancy",
    "transition_rate",
    "dropout_rate",
    "last_as_of",
    "significance_flag",
]
