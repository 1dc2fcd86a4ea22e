"""Money that lapsed in closed years: hand-computed figures, the parts reconciling to the cent on random stores,
and the bundled data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.lapse import (
    CLOSED,
    NO_AGREEMENT,
    NO_YEAR_END_REPORT,
    closed_years,
    district_lapse,
    lapse_by_level,
    lapse_history,
    measure_type_history,
    measure_type_lapse,
)
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.model import AMENDMENTS
from aqb_data.present.views import LAPSE_HISTORY_COLUMNS, lapse_history_view, lapse_measure_type_view
from aqb_data.read.files import bundled_data
from tests.factory import euros, make_data, stores

A, B, C = "06411", "06412", "06611"  # Darmstadt, Frankfurt am Main (both RB Darmstadt), Kassel (Stadt)


def amendments(rows: list[tuple[str, int, date, float]]) -> pd.DataFrame:
    """Amendments from (ags, year, valid_from, budget_eur)."""
    frame = pd.DataFrame(
        [
            {"year": y, "ags": a, "valid_from": d, "budget_eur": b, "reason": "Test", "source": "Änderung"}
            for a, y, d, b in rows
        ],
        columns=["year", "ags", "valid_from", "budget_eur", "reason", "source"],
    )
    return AMENDMENTS.conform(frame).assign(demo=False)


@pytest.fixture(scope="module")
def data() -> AqbData:
    """2024: A under- and overspends, has a project without a year-end figure and spending off the list; B plans
    beyond its budget, which an amendment lowered; C has no year-end report. 2025 is not closed."""
    base = make_data(
        [(A, 2024, 100_000.0), (B, 2024, 50_000.0), (C, 2024, 80_000.0), (A, 2025, 100_000.0)],
        [
            (A, 2024, 1, "P1", 50_000.0),
            (A, 2024, 3, "P2", 30_000.0),
            (A, 2024, 3, "P3", 10_000.0),
            (B, 2024, 2, "Q", 60_000.0),
            (C, 2024, 1, "R", 70_000.0),
            (A, 2025, 1, "P1", 90_000.0),
        ],
        [
            (A, 2024, "P1", date(2024, 12, 31), 40_000.0),
            (A, 2024, "P2", date(2024, 12, 31), 33_000.50),
            (A, 2024, "P3", date(2024, 9, 30), 5_000.0),
            (A, 2024, "P9", date(2024, 12, 31), 1_000.0),
            (B, 2024, "Q", date(2024, 12, 31), 55_000.0),
            (C, 2024, "R", date(2024, 9, 30), 30_000.0),
            (A, 2025, "P1", date(2025, 9, 30), 50_000.0),
        ],
    )
    changes = amendments([(B, 2024, date(2024, 10, 1), 45_000.0), (A, 2024, date(2025, 2, 1), 1.0)])
    return AqbData.of({**{t: base.table(t) for t in ("agreements", "projects", "progress")}, "amendments": changes})


def test_only_years_with_reports_at_31_12_are_closed(data: AqbData) -> None:
    assert closed_years(data) == [2024]


def test_district_figures_by_hand(data: AqbData) -> None:
    rows = district_lapse(data).set_index("ags")
    a = rows.loc[A]
    assert a["status"] == CLOSED
    # An amendment valid only after 31.12. does not count for the closed year.
    assert a["budget_eur"] == 100_000.0 and not a["amended"]
    assert a["planned_eur"] == 90_000.0
    assert a["spent_eur"] == 74_000.50  # 40.000 + 33.000,50 + 1.000 off the list; P3 has no year-end figure
    assert a["underspent_eur"] == 10_000.0  # P1
    assert a["overspent_eur"] == 3_000.50  # P2: shown, not netted silently
    assert a["planned_unreported_eur"] == 10_000.0  # P3: no report on 31.12., its 30.09. figure is not used
    assert a["spent_unplanned_eur"] == 1_000.0  # P9
    assert a["unspent_planned_eur"] == 15_999.50
    assert a["unplanned_eur"] == 10_000.0 and a["unknown_eur"] == 0.0 and a["over_planned_eur"] == 0.0
    assert a["lapsed_eur"] == 25_999.50
    assert a["lapsed_share"] == pytest.approx(0.259995)
    b = rows.loc[B]
    assert b["budget_eur"] == 45_000.0 and b["budget_signed_eur"] == 50_000.0 and b["amended"]
    assert b["over_planned_eur"] == 15_000.0  # 60.000 planned against 45.000 in force on 31.12.
    assert b["unspent_planned_eur"] == 5_000.0
    assert b["lapsed_eur"] == -10_000.0  # spent beyond the budget
    c = rows.loc[C]
    assert c["status"] == NO_YEAR_END_REPORT
    assert c["budget_eur"] == 80_000.0 and c["planned_eur"] == 70_000.0
    assert pd.isna(c["spent_eur"]) and pd.isna(c["lapsed_eur"]) and pd.isna(c["lapsed_share"])  # not 0


def test_measure_types_by_hand(data: AqbData) -> None:
    rows = measure_type_lapse(data)
    a = rows[rows["ags"] == A].set_index("measure_type", drop=False)
    assert a.loc[1, ["planned_eur", "spent_eur", "unspent_planned_eur"]].tolist() == [50_000.0, 40_000.0, 10_000.0]
    three = a.loc[3]
    assert three[["planned_eur", "spent_eur", "overspent_eur", "planned_unreported_eur"]].tolist() == [
        40_000.0,
        33_000.50,
        3_000.50,
        10_000.0,
    ]
    assert three["unspent_planned_eur"] == 6_999.50
    off_list = a[a["measure_type"].isna()].iloc[0]
    assert off_list["spent_unplanned_eur"] == 1_000.0 and off_list["unspent_planned_eur"] == -1_000.0
    history = measure_type_history(data, Selection(2024, ags=A, measure_types=(3,)))
    assert history[["year", "measure_type", "unspent_planned_eur"]].values.tolist() == [[2024, 3, 6_999.50]]


def test_sums_count_districts_with_a_year_end_report_and_name_the_others(data: AqbData) -> None:
    land = lapse_by_level(data, "land").iloc[0]
    assert land["budget_eur"] == 145_000.0  # A and B; C has no year-end report
    assert land["spent_eur"] == 129_000.50
    assert land["lapsed_eur"] == 15_999.50
    assert land["n_districts"] == 2 and land["without_report"] == "Kassel (Stadt)"
    regions = lapse_by_level(data, "regierungsbezirk").set_index("unit")
    assert regions.loc["Darmstadt", "lapsed_eur"] == 15_999.50
    assert regions.loc["Kassel", "n_districts"] == 0 and pd.isna(regions.loc["Kassel", "lapsed_share"])
    history = lapse_history(data, Selection(2025, regierungsbezirk="Darmstadt"))
    assert history[["year", "budget_eur", "lapsed_eur"]].values.tolist() == [[2024, 145_000.0, 15_999.50]]


def test_a_report_without_an_agreement_has_no_budget_figures() -> None:
    data = make_data([(A, 2024, 1_000.0)], [(B, 2024, 1, "Q", 500.0)], [(B, 2024, "Q", date(2024, 12, 31), 400.0)])
    rows = district_lapse(data).set_index("ags")
    assert rows.loc[B, "status"] == NO_AGREEMENT
    assert rows.loc[B, "spent_eur"] == 400.0 and pd.isna(rows.loc[B, "lapsed_eur"])
    assert rows.loc[A, "status"] == NO_YEAR_END_REPORT


def test_without_a_closed_year_the_tables_are_empty() -> None:
    data = make_data([(A, 2025, 1_000.0)], [(A, 2025, 1, "P", 500.0)], [(A, 2025, "P", date(2025, 9, 30), 1.0)])
    assert closed_years(data) == []
    assert district_lapse(data).empty and lapse_history(data, Selection(2025)).empty
    assert lapse_by_level(data, "land").empty and measure_type_history(data, Selection(2025)).empty


def test_views_draw_the_same_numbers(data: AqbData) -> None:
    view = lapse_history_view(data, Selection(2024, ags=A))
    cells = view.cells()
    assert cells.loc[0, LAPSE_HISTORY_COLUMNS["lapsed_eur"][0]] == "25.999,50 €"
    assert cells.loc[0, LAPSE_HISTORY_COLUMNS["lapsed_share"][0]] == "26,0 %"
    assert cells.loc[0, LAPSE_HISTORY_COLUMNS["overspent_eur"][0]] == "3.000,50 €"
    missing = lapse_history_view(data, Selection(2024, ags=C)).cells()
    assert missing.loc[0, "Nicht verausgabt ggü. § 4"] == "–"
    assert missing.loc[0, "Ohne Jahresabschlussbericht"] == "Kassel (Stadt)"
    types = lapse_measure_type_view(data, Selection(2024, ags=A)).cells()
    assert types["Maßnahmenart"].tolist() == ["Ausbildungsvorbereitung", "Qualifizierung"]


@st.composite
def closed_stores(draw: st.DrawFn) -> AqbData:
    """A random store (tests/factory `stores`) with year-end reports for some of its projects (some beyond their
    plan, some off the list) and amendments of some agreements."""
    data = draw(stores())
    projects = data.projects
    extra = []
    for row in projects.itertuples():
        if draw(st.booleans()):
            extra.append(
                (row.ags, int(row.year), row.project, date(int(row.year), 12, 31), draw(st.integers(0, 10**8)))
            )
    if len(data.agreements) and draw(st.booleans()):
        row = data.agreements.iloc[0]
        extra.append((row["ags"], int(row["year"]), "außerhalb der Liste", date(int(row["year"]), 12, 31), 12_345))
    year_end = make_data(progress=[(a, y, p, d, euros(c)) for a, y, p, d, c in extra]).progress
    changes = [
        (r.ags, int(r.year), date(int(r.year), draw(st.integers(1, 12)), 1), euros(draw(st.integers(0, 10**8))))
        for r in data.agreements.itertuples()
        if draw(st.booleans())
    ]
    return AqbData.of(
        {
            "agreements": data.agreements,
            "projects": data.projects,
            "progress": pd.concat([data.progress, year_end], ignore_index=True),
            "amendments": amendments(changes),
        }
    )


def cents(series: pd.Series) -> pd.Series:
    return (series * 100).round().astype("Int64")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(closed_stores())
def test_parts_reconcile_to_the_cent_on_random_stores(data: AqbData) -> None:
    rows = district_lapse(data)
    closed = rows[rows["status"] == CLOSED]
    # Against the plan: underspent − overspent + planned without a year-end figure − spent off the plan.
    plan = cents(closed["underspent_eur"]) - cents(closed["overspent_eur"])
    plan += cents(closed["planned_unreported_eur"]) - cents(closed["spent_unplanned_eur"])
    assert (plan == cents(closed["unspent_planned_eur"])).all()
    assert (cents(closed["planned_eur"]) - cents(closed["spent_eur"]) == cents(closed["unspent_planned_eur"])).all()
    # Against the budget in force on 31.12.
    budget = cents(closed["unspent_planned_eur"]) + cents(closed["unplanned_eur"]) + cents(closed["unknown_eur"])
    assert (budget - cents(closed["over_planned_eur"]) == cents(closed["lapsed_eur"])).all()
    assert (cents(closed["budget_eur"]) - cents(closed["spent_eur"]) == cents(closed["lapsed_eur"])).all()
    assert (closed[["underspent_eur", "overspent_eur", "unplanned_eur", "over_planned_eur"]] >= 0).all().all()
    # Without a year-end report nothing about spending is invented.
    assert rows.loc[rows["status"] == NO_YEAR_END_REPORT, "spent_eur"].isna().all()
    # Districts add up to the Regierungsbezirke and to Hessen, per year.
    land = lapse_by_level(data, "land").set_index("year")
    regions = lapse_by_level(data, "regierungsbezirk").groupby("year")
    for column in ("budget_eur", "spent_eur", "lapsed_eur", "unspent_planned_eur"):
        by_district = cents(closed.groupby("year")[column].sum()).reindex(land.index).fillna(0)
        assert (cents(land[column]).fillna(0) == by_district).all(), column
        assert (cents(regions[column].sum()).reindex(land.index) == cents(land[column]).fillna(0)).all(), column
    # Measure types add up to their district.
    types = measure_type_lapse(data)
    types = types[types["status"] == CLOSED].groupby(["year", "ags"])["unspent_planned_eur"].sum()
    expected = closed.set_index(["year", "ags"])["unspent_planned_eur"]
    assert (cents(types.reindex(expected.index).fillna(0)) == cents(expected)).all()


def test_bundled_data_closes_2021_to_2024_with_money_lapsing_everywhere() -> None:
    data = bundled_data()
    assert closed_years(data) == [2021, 2022, 2023, 2024]
    land = lapse_by_level(data, "land")
    assert (land["n_districts"] == 26).all()
    assert land["lapsed_share"].between(0.05, 0.3).all()
    rows = district_lapse(data)
    assert (rows["overspent_eur"] > 0).any()  # a few projects overspend: shown beside the underspending
    hochtaunus = rows[(rows["ags"] == "06434") & (rows["year"] == 2024)].iloc[0]
    assert hochtaunus["amended"] and hochtaunus["budget_eur"] < hochtaunus["budget_signed_eur"]
