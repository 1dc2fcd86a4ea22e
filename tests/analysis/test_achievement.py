"""Target achievement on tiny hand-built tables with exact expected values."""

import math
from datetime import date

import pandas as pd
import pytest

from aqb_data.analysis.achievement import (
    BEHIND,
    EXPECTED_LABEL,
    NO_DATA,
    ON_TRACK,
    WATCH,
    StatusThresholds,
    achievement,
    achievement_trend,
    behind_first,
    elapsed_share,
    latest_reports,
    status_of,
    stichtage,
    with_expectation,
)
from aqb_data.analysis.indicators import Selection, scope_label
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS
from aqb_data.read.files import bundled_data

WALDECK, KASSEL_CITY = "06635", "06611"
JUNE, SEPTEMBER, DECEMBER = date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)
ELAPSED_JUNE = 181 / 365  # 1 January to 30 June 2025, inclusive
ELAPSED_SEPTEMBER = 273 / 365


def _frame(rows: list[dict], table) -> pd.DataFrame:
    return table.conform(pd.DataFrame(rows, columns=table.column_names))


def _project(ags: str, code: int, name: str, planned: float | None, places: int | None) -> dict:
    return {
        "year": 2025,
        "ags": ags,
        "measure_type": code,
        "project": name,
        "planned_eur": planned,
        "planned_places": places,
        "source": "t",
    }


def _report(ags: str, name: str, as_of: date, spent, entries, exits, training, employment, dropouts) -> dict:
    return {
        "year": 2025,
        "ags": ags,
        "project": name,
        "as_of": as_of,
        "spent_eur": spent,
        "entries": entries,
        "exits": exits,
        "to_training": training,
        "to_employment": employment,
        "to_other": 0,
        "dropouts": dropouts,
        "source": "t",
    }


@pytest.fixture
def data() -> AqbData:
    projects = _frame(
        [
            _project(WALDECK, 1, "A", 100_000.0, 20),
            _project(WALDECK, 3, "B", 300_000.0, 10),
            _project(KASSEL_CITY, 3, "C", 200_000.0, 0),  # no places planned: occupancy not available
            _project(KASSEL_CITY, 4, "D", None, 5),  # no amount: spending rate not available
        ],
        PROJECTS,
    )
    progress = _frame(
        [
            _report(WALDECK, "A", JUNE, 20_000.0, 10, 2, 1, 0, 1),
            _report(WALDECK, "A", SEPTEMBER, 50_000.0, 18, 8, 3, 1, 1),
            _report(WALDECK, "B", JUNE, 60_000.0, 9, 0, 0, 0, 0),
            _report(KASSEL_CITY, "C", SEPTEMBER, 150_000.0, 12, 6, 2, 2, 1),
        ],
        PROGRESS,
    )
    agreements = _frame([], AGREEMENTS)
    return AqbData(agreements, projects, progress)


def _unit(frame: pd.DataFrame, unit: object) -> pd.Series:
    return frame.set_index("unit").loc[unit]


def test_elapsed_share_of_the_year() -> None:
    assert elapsed_share(DECEMBER) == 1.0
    assert elapsed_share(JUNE) == ELAPSED_JUNE
    assert elapsed_share(date(2024, 6, 30)) == 182 / 366  # leap year
    assert elapsed_share(date(2025, 1, 1)) == 1 / 365


def test_the_latest_report_on_or_before_the_stichtag_counts(data: AqbData) -> None:
    latest = latest_reports(data, 2025).set_index("project")
    assert latest.loc["A", "spent_eur"] == 50_000.0
    assert latest_reports(data, 2025, JUNE).set_index("project").loc["A", "spent_eur"] == 20_000.0
    assert stichtage(data, 2025) == [JUNE, SEPTEMBER]


def test_project_level_ratios_and_expectation_at_each_projects_own_stichtag(data: AqbData) -> None:
    projects = achievement(data, Selection(2025), "project").set_index("project")
    a, b = projects.loc["A"], projects.loc["B"]
    assert a["spending_rate"] == 0.5
    assert a["expected_rate"] == pytest.approx(ELAPSED_SEPTEMBER)
    assert a["deviation"] == pytest.approx(0.5 - ELAPSED_SEPTEMBER)
    assert a["occupancy"] == 18 / 20
    assert a["transition_rate"] == 4 / 8
    assert a["dropout_rate"] == 1 / 8
    assert a["cost_per_participant"] == 50_000 / 18
    assert b["expected_rate"] == pytest.approx(ELAPSED_JUNE)  # B last reported in June
    assert math.isnan(b["transition_rate"])  # no exits yet: not 0 %
    assert b["last_as_of"] == pd.Timestamp(JUNE)


def test_aggregation_sums_numerators_and_denominators_never_averages_ratios(data: AqbData) -> None:
    waldeck = _unit(achievement(data, Selection(2025), "district"), WALDECK)
    assert waldeck["spending_rate"] == 110_000 / 400_000  # not (0,5 + 0,2) / 2
    expected = (100_000 * ELAPSED_SEPTEMBER + 300_000 * ELAPSED_JUNE) / 400_000
    assert waldeck["expected_rate"] == pytest.approx(expected)
    assert waldeck["occupancy"] == (18 + 9) / (20 + 10)
    assert waldeck["transition_rate"] == (4 + 0) / (8 + 0)
    assert waldeck["planned_eur"] == 400_000.0 and waldeck["spent_eur"] == 110_000.0
    assert (waldeck["first_as_of"], waldeck["last_as_of"]) == (pd.Timestamp(JUNE), pd.Timestamp(SEPTEMBER))


def test_zero_and_missing_denominators_are_not_available(data: AqbData) -> None:
    kassel = achievement(data, Selection(2025, ags=KASSEL_CITY), "project").set_index("project")
    assert math.isnan(kassel.loc["C", "occupancy"])  # 0 places planned
    assert math.isnan(kassel.loc["D", "spending_rate"])  # no amount, no report
    assert kassel.loc["D", "status"] == NO_DATA
    land = _unit(achievement(data, Selection(2025), "land"), "Hessen")
    # C's spending counts, its places (0) do not distort the occupancy; D adds nothing.
    assert land["spending_rate"] == (110_000 + 150_000) / (400_000 + 200_000)
    assert land["occupancy"] == (18 + 9) / (20 + 10)
    assert land["n_projects"] == 4 and land["n_reported"] == 3


def test_a_stichtag_ignores_later_reports(data: AqbData) -> None:
    june = _unit(achievement(data, Selection(2025), "district", as_of=JUNE), WALDECK)
    assert june["spending_rate"] == 80_000 / 400_000
    assert june["expected_rate"] == pytest.approx(ELAPSED_JUNE)
    kassel = _unit(achievement(data, Selection(2025), "district", as_of=JUNE), KASSEL_CITY)
    assert kassel["n_reported"] == 0 and kassel["status"] == NO_DATA


def test_measure_type_and_filters(data: AqbData) -> None:
    by_type = achievement(data, Selection(2025), "measure_type").set_index("unit")
    assert by_type.loc[3, "unit_label"] == "Qualifizierung"
    assert by_type.loc[3, "spending_rate"] == (60_000 + 150_000) / (300_000 + 200_000)
    only_1 = achievement(data, Selection(2025, measure_types=(1,)), "land").iloc[0]
    assert only_1["spending_rate"] == 0.5


@pytest.mark.parametrize(
    ("deviation", "occupancy", "status"),
    [
        (0.0, 0.9, ON_TRACK),
        (-0.10, 0.80, ON_TRACK),  # exactly at the thresholds: still on track
        (-0.15, 0.9, WATCH),
        (0.0, 0.7, WATCH),
        (-0.25, 0.9, BEHIND),
        (0.0, 0.5, BEHIND),
        (-0.15, 0.5, BEHIND),  # the worse of the two decides
        (float("nan"), 0.9, ON_TRACK),
        (float("nan"), float("nan"), NO_DATA),
    ],
)
def test_status_thresholds(deviation: float, occupancy: float, status: str) -> None:
    assert status_of(deviation, occupancy) == status


def test_thresholds_are_configurable_in_one_place(data: AqbData) -> None:
    strict = StatusThresholds(spending_watch=0.0, spending_behind=-0.05, occupancy_watch=0.95, occupancy_behind=0.9)
    waldeck = _unit(achievement(data, Selection(2025), "district", thresholds=strict), WALDECK)
    assert waldeck["status"] == BEHIND
    ordered = behind_first(achievement(data, Selection(2025), "district", thresholds=strict))
    assert ordered["status"].tolist()[0] == BEHIND


def test_unknown_level_is_refused(data: AqbData) -> None:
    with pytest.raises(ValueError, match="level"):
        achievement(data, Selection(2025), "gemeinde")


def test_achievement_trend_keeps_each_year_apart_and_shows_hessen_for_context(data: AqbData) -> None:
    trend = achievement_trend(data, Selection(2025, ags=WALDECK)).set_index(["unit_label", "year"])
    waldeck = trend.loc[("Waldeck-Frankenberg", 2025)]
    assert waldeck["spending_rate"] == 110_000 / 400_000  # the 2025 figures, not added to other years
    assert waldeck["last_as_of"] == pd.Timestamp(SEPTEMBER)
    assert trend.loc[("Hessen", 2025), "spending_rate"] == (110_000 + 150_000) / (400_000 + 200_000)


def test_a_district_without_any_report_has_no_data_not_an_error(data: AqbData) -> None:
    no_reports = AqbData(data.agreements, data.projects, data.progress.iloc[0:0])
    kassel = achievement(no_reports, Selection(2025, ags=KASSEL_CITY), "land").iloc[0]
    assert kassel["status"] == NO_DATA
    assert math.isnan(kassel["spending_rate"]) and math.isnan(kassel["expected_rate"])


def test_the_expectation_series_is_the_units_expected_rate(data: AqbData) -> None:
    trend = with_expectation(achievement_trend(data, Selection(2025, ags=WALDECK)), "Waldeck-Frankenberg")
    expected = trend[trend["unit_label"] == EXPECTED_LABEL].iloc[0]
    waldeck = trend[trend["unit_label"] == "Waldeck-Frankenberg"].iloc[0]
    assert expected["spending_rate"] == waldeck["expected_rate"]


@pytest.mark.parametrize(
    "selection",
    [Selection(2025), Selection(2023, ags=WALDECK), Selection(2024, regierungsbezirk="Kassel", measure_types=(1, 3))],
    ids=["hessen", "waldeck", "kassel-1-3"],
)
def test_the_trend_of_each_year_equals_that_years_achievement(selection: Selection) -> None:
    data = bundled_data()  # five years of reports
    trend = achievement_trend(data, selection)
    years = sorted(int(y) for y in data.progress["year"].unique())
    expected_units = [scope_label(selection)] + ([] if scope_label(selection) == "Hessen" else ["Hessen"])
    assert list(zip(trend["year"], trend["unit_label"], strict=True)) == [
        (year, unit) for year in years for unit in expected_units
    ]
    for row in trend.itertuples():
        unit = Selection(row.year, selection.regierungsbezirk, selection.ags, selection.measure_types)
        if row.unit_label == "Hessen":
            unit = Selection(row.year, measure_types=selection.measure_types)
        land = achievement(data, unit, "land").iloc[0]
        for field in ("spending_rate", "expected_rate", "occupancy", "transition_rate", "dropout_rate"):
            assert getattr(row, field) == pytest.approx(land[field], nan_ok=True), (row.year, row.unit_label, field)
        assert row.last_as_of == land["last_as_of"] or (pd.isna(row.last_as_of) and pd.isna(land["last_as_of"]))
