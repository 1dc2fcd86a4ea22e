"""Indicators on tiny hand-built tables with exact expected values."""

import math

import pandas as pd
import pytest

from aqb_data.analysis.achievement import achievement_trend
from aqb_data.analysis.indicators import (
    UNALLOCATED_CODE,
    Selection,
    agreement,
    allocation_by_measure_type,
    allocation_trend,
    budget_trend,
    district_budgets,
    district_projects,
    land_totals,
    per_inhabitant_trend,
    ratio,
    scope_label,
    selected_projects,
    synthetic_share,
)
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS

WALDECK, KASSEL_CITY, DARMSTADT = "06635", "06611", "06411"
WALDECK_POPULATION, KASSEL_CITY_POPULATION = 156_513, 200_406
BUDGET_WALDECK_2025 = 773_920.00
BUDGET_WALDECK_2024 = 700_000.00
BUDGET_KASSEL_2025 = 1_000_000.10
AVIA, CHECKPOINT, RESTART = 120_000.10, 300_000.20, 353_919.70  # together exactly the Waldeck budget
KASSEL_PLAN_1, KASSEL_PLAN_2 = 600_000.00, 450_000.00  # 49.999,90 € over the Kassel budget


def _agreements(rows: list[tuple[int, str, float, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {"year": y, "ags": a, "budget_eur": b, "signed_ministry": None, "signed_district": None, "source": s}
            for y, a, b, s in rows
        ]
    )
    return AGREEMENTS.conform(frame)


def _projects(rows: list[tuple[int, str, int, str, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "year": y,
                "ags": a,
                "measure_type": m,
                "project": p,
                "provider": None,
                "target_group": None,
                "planned_eur": e,
                "planned_places": 10,
                "source": "synthetisch",
            }
            for y, a, m, p, e in rows
        ]
    )
    return PROJECTS.conform(frame)


@pytest.fixture
def data() -> AqbData:
    agreements = _agreements(
        [
            (2025, WALDECK, BUDGET_WALDECK_2025, "Zielvereinbarung 2025"),
            (2024, WALDECK, BUDGET_WALDECK_2024, "synthetisch"),
            (2025, KASSEL_CITY, BUDGET_KASSEL_2025, "synthetisch"),
        ]
    )
    projects = _projects(
        [
            (2025, WALDECK, 1, "AVIA", AVIA),
            (2025, WALDECK, 3, "Checkpoint", CHECKPOINT),
            (2025, WALDECK, 3, "Restart", RESTART),
            (2025, KASSEL_CITY, 1, "A", KASSEL_PLAN_1),
            (2025, KASSEL_CITY, 2, "B", KASSEL_PLAN_2),
            (2024, WALDECK, 1, "AVIA", 650_000.0),
        ]
    )
    # Demo rows are told by their flag, which the store sets for the demo seed's generated rows.
    agreements, projects = (frame.assign(demo=frame["source"].eq("synthetisch")) for frame in (agreements, projects))
    return AqbData(agreements, projects, PROGRESS.empty(), ("test.xlsx",))


def _row(frame: pd.DataFrame, ags: str) -> pd.Series:
    return frame.set_index("ags").loc[ags]


def test_ratio_is_nan_for_zero_or_missing_denominator() -> None:
    assert ratio(1.0, 4.0) == 0.25
    assert math.isnan(ratio(1.0, 0))
    assert math.isnan(ratio(1.0, None))
    series = ratio(pd.Series([1.0, 1.0, 1.0]), pd.Series([2.0, 0.0, None]))
    assert series.iloc[0] == 0.5
    assert series.iloc[1:].isna().all()


def test_district_budgets_cover_all_26_districts_and_compute_exact_cents(data: AqbData) -> None:
    budgets = district_budgets(data, Selection(2025))
    assert len(budgets) == 26
    waldeck = _row(budgets, WALDECK)
    assert waldeck["budget_eur"] == 773_920.00
    assert waldeck["planned_eur"] == 773_920.00  # 120.000,10 + 300.000,20 + 353.919,70, not 773.919,99…
    assert (waldeck["unplanned_eur"], waldeck["over_planned_eur"], waldeck["unknown_eur"]) == (0.0, 0.0, 0.0)
    assert not waldeck["over_committed"]
    assert waldeck["budget_per_inhabitant"] == pytest.approx(BUDGET_WALDECK_2025 / WALDECK_POPULATION)
    assert waldeck["change_eur"] == 73_920.00
    assert waldeck["change_share"] == pytest.approx(73_920 / 700_000)
    assert waldeck["n_projects"] == 3


def test_over_committed_district_is_flagged_with_its_over_planning(data: AqbData) -> None:
    kassel = _row(district_budgets(data, Selection(2025)), KASSEL_CITY)
    assert kassel["over_planned_eur"] == 49_999.90
    assert kassel["unplanned_eur"] == 0.0
    assert kassel["over_committed"]
    assert math.isnan(kassel["change_eur"])  # no 2024 agreement: no change, not 0


def test_district_without_agreement_has_no_budget_and_no_ratio(data: AqbData) -> None:
    darmstadt = _row(district_budgets(data, Selection(2025)), DARMSTADT)
    assert math.isnan(darmstadt["budget_eur"])
    assert math.isnan(darmstadt["budget_per_inhabitant"])
    assert darmstadt["n_projects"] == 0


def test_land_totals_sum_before_dividing(data: AqbData) -> None:
    totals = land_totals(data, Selection(2025))
    assert totals["budget_eur"] == 1_773_920.10
    assert totals["planned_eur"] == 1_823_920.00
    assert totals["over_planned_eur"] == 49_999.90
    assert totals["unplanned_eur"] == 0.0
    assert totals["n_over_planned"] == 1
    assert totals["n_projects"] == 5
    assert totals["n_districts"] == 2
    # Population only of the districts with an agreement, summed, then divided.
    assert totals["budget_per_inhabitant"] == pytest.approx(
        1_773_920.10 / (WALDECK_POPULATION + KASSEL_CITY_POPULATION)
    )


def test_measure_type_filter_narrows_planned_but_not_budget(data: AqbData) -> None:
    totals = land_totals(data, Selection(2025, measure_types=(1,)))
    assert totals["budget_eur"] == 1_773_920.10
    assert totals["planned_eur"] == round(AVIA + KASSEL_PLAN_1, 2)
    # The parts stay those of the whole budget: a filter frees no money.
    assert totals["planned_total_eur"] == 1_823_920.00
    assert totals["over_planned_eur"] == 49_999.90


def test_allocation_by_measure_type_for_the_land_has_amounts_shares_and_rest(data: AqbData) -> None:
    allocation = allocation_by_measure_type(data, Selection(2025), "land").set_index("measure_type")
    assert allocation.loc[1, "planned_eur"] == round(AVIA + KASSEL_PLAN_1, 2)
    assert allocation.loc[3, "planned_eur"] == round(CHECKPOINT + RESTART, 2)
    assert allocation.loc[2, "share"] == pytest.approx(KASSEL_PLAN_2 / 1_773_920.10)
    # Over the Land the plans exceed the budgets: there is no unallocated rest.
    assert UNALLOCATED_CODE not in allocation.index


def test_allocation_by_district_shows_the_unallocated_rest(data: AqbData) -> None:
    data.projects.loc[data.projects["project"] == "Restart", "planned_eur"] = 253_919.70
    allocation = allocation_by_measure_type(data, Selection(2025, ags=WALDECK), "district")
    rest = allocation.set_index("measure_type").loc[UNALLOCATED_CODE]
    assert rest["planned_eur"] == 100_000.00
    assert rest["measure_label"] == "Nicht verplant"
    assert rest["unit_label"] == "Waldeck-Frankenberg"
    assert rest["share"] == pytest.approx(100_000 / BUDGET_WALDECK_2025)


def test_allocation_by_regierungsbezirk_groups_districts(data: AqbData) -> None:
    allocation = allocation_by_measure_type(data, Selection(2025), "regierungsbezirk")
    assert set(allocation["unit"]) == {"Kassel"}  # both districts lie in RB Kassel
    assert allocation["budget_eur"].iloc[0] == 1_773_920.10


def test_allocation_rejects_unknown_level(data: AqbData) -> None:
    with pytest.raises(ValueError, match="level"):
        allocation_by_measure_type(data, Selection(2025), "kreis")


def test_budget_trend_per_year_with_change(data: AqbData) -> None:
    trend = budget_trend(data, Selection(2025, ags=WALDECK)).set_index("year")
    assert list(trend.index) == [2024, 2025]
    assert trend.loc[2025, "budget_eur"] == 773_920.00
    assert trend.loc[2025, "change_eur"] == 73_920.00
    assert math.isnan(trend.loc[2024, "change_eur"])


def test_district_projects_and_agreement(data: AqbData) -> None:
    projects = district_projects(data, 2025, WALDECK, (1, 2, 3, 4))
    assert list(projects["project"]) == ["AVIA", "Checkpoint", "Restart"]
    assert projects["share"].iloc[0] == pytest.approx(AVIA / BUDGET_WALDECK_2025)
    assert agreement(data, 2025, WALDECK)["budget_eur"] == 773_920.00
    assert agreement(data, 2023, WALDECK) is None


def test_projects_without_planned_amount_are_counted_not_summed(data: AqbData) -> None:
    data.projects.loc[data.projects["project"] == "Restart", "planned_eur"] = None
    waldeck = _row(district_budgets(data, Selection(2025)), WALDECK)
    assert waldeck["projects_without_amount"] == 1
    assert waldeck["planned_eur"] == round(AVIA + CHECKPOINT, 2)


def test_synthetic_share_and_scope_label(data: AqbData) -> None:
    # Waldeck 2025: 1 real agreement + 3 synthetic projects.
    assert synthetic_share(data, Selection(2025, ags=WALDECK)) == 0.75
    assert synthetic_share(data, Selection(2030)) == 0.0
    # Every year: Waldeck 2024 adds a synthetic agreement and project (1 real row of 6).
    assert synthetic_share(data, Selection(2030, ags=WALDECK).every_year()) == 5 / 6
    assert scope_label(Selection(2025)) == "Hessen"
    assert scope_label(Selection(2025, regierungsbezirk="Kassel")) == "Regierungsbezirk Kassel"
    assert scope_label(Selection(2025, ags=KASSEL_CITY)) == "Kassel (Stadt)"


def test_change_against_previous_year_compares_like_with_like(data: AqbData) -> None:
    # Kassel (Stadt) has no 2024 agreement: a +1.000.000 € "change" would be a gap in the data, not growth.
    totals = land_totals(data, Selection(2025))
    assert totals["n_comparable"] == 1
    assert totals["budget_prev_eur"] == 700_000.00
    assert totals["change_eur"] == 73_920.00
    assert totals["change_share"] == pytest.approx(73_920 / 700_000)


def test_scope_without_agreements_shows_no_budget_rather_than_zero(data: AqbData) -> None:
    totals = land_totals(data, Selection(2025, regierungsbezirk="Darmstadt"))
    assert totals["n_districts"] == 0
    assert math.isnan(totals["budget_eur"])
    assert math.isnan(totals["budget_per_inhabitant"])
    assert math.isnan(totals["change_eur"])


def test_planned_money_without_an_agreement_does_not_count_against_other_budgets(data: AqbData) -> None:
    stray = _projects([(2025, DARMSTADT, 1, "Ohne Vereinbarung", 500_000.0)])
    with_stray = AqbData(data.agreements, pd.concat([data.projects, stray], ignore_index=True), data.progress)
    totals = land_totals(with_stray, Selection(2025))
    assert totals["planned_eur"] == 1_823_920.00
    assert totals["planned_share"] == pytest.approx(1_823_920.00 / 1_773_920.10)


def test_a_cent_over_is_over_committed_but_float_noise_is_not(data: AqbData) -> None:
    data.projects.loc[data.projects["project"] == "Restart", "planned_eur"] = RESTART + 0.01
    waldeck = _row(district_budgets(data, Selection(2025)), WALDECK)
    assert waldeck["over_planned_eur"] == 0.01
    assert waldeck["over_committed"]


def test_a_project_without_amount_leaves_the_rest_unknown_not_free(data: AqbData) -> None:
    data.projects.loc[data.projects["project"] == "Restart", "planned_eur"] = None
    waldeck = _row(district_budgets(data, Selection(2025)), WALDECK)
    assert waldeck["unplanned_eur"] == 0.0
    assert waldeck["unknown_eur"] == RESTART
    assert not waldeck["over_committed"]
    allocation = allocation_by_measure_type(data, Selection(2025, ags=WALDECK), "district")
    assert UNALLOCATED_CODE not in set(allocation["measure_type"])
    totals = land_totals(data, Selection(2025))
    assert totals["n_unknown"] == 1
    assert (totals["over_planned_eur"], totals["unplanned_eur"], totals["unknown_eur"]) == (49_999.90, 0.0, RESTART)


def test_allocation_and_per_inhabitant_trends(data: AqbData) -> None:
    trend = allocation_trend(data, Selection(2025, ags=WALDECK)).set_index(["year", "measure_type"])
    assert trend.loc[(2025, 3), "planned_eur"] == 653_919.90
    assert trend.loc[(2024, 1), "planned_eur"] == 650_000.00
    per_inhabitant = per_inhabitant_trend(data, Selection(2025, ags=WALDECK)).set_index(["unit_label", "year"])
    assert per_inhabitant.loc[("Waldeck-Frankenberg", 2025), "budget_per_inhabitant"] == pytest.approx(
        BUDGET_WALDECK_2025 / WALDECK_POPULATION
    )
    assert ("Hessen", 2025) in per_inhabitant.index  # the Land for context


def test_figures_over_the_years_do_not_depend_on_the_selected_year(data: AqbData) -> None:
    """The Zeitreihe's figures are the same whichever year is chosen, and are computed once for all of them."""
    trends = (budget_trend, allocation_trend, per_inhabitant_trend, achievement_trend)
    first = {trend: trend(data, Selection(2024, ags=WALDECK, measure_types=(1, 3))) for trend in trends}
    computed = set(data.memo)
    for year in (2025, 2030):
        for trend in trends:
            pd.testing.assert_frame_equal(trend(data, Selection(year, ags=WALDECK, measure_types=(1, 3))), first[trend])
    assert set(data.memo) == computed  # another year computed nothing again
    assert first[budget_trend].set_index("year").loc[2024, "budget_eur"] == BUDGET_WALDECK_2024
    assert first[allocation_trend]["measure_type"].tolist() == [1, 1, 3]  # 2024: MA 1; 2025: MA 1 and 3
    # A figure of one year never silently becomes one of every year.
    with pytest.raises(ValueError, match="every year"):
        selected_projects(data, Selection(2025).every_year())
