"""Year-end projection and its backtest on small hand-built data with hand-computed values."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from aqb_data.__main__ import main
from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.projection import (
    METHOD_DISTRICT,
    METHOD_LAND,
    METHOD_NONE,
    METHOD_RUN_RATE,
    backtest,
    known_at,
    projection,
    ratio_interval,
    scope_projection,
    spending_paths,
)
from aqb_data.read.files import bundled_data
from tests.factory import make_data

DARMSTADT, FRANKFURT = "06411", "06412"


def _quantiles(low: float, high: float) -> tuple[float, float]:
    """The 10 % and 90 % quantiles of two values (linear between them)."""
    return low + 0.1 * (high - low), low + 0.9 * (high - low)


def _history(
    darmstadt: dict[int, tuple[float, float]], frankfurt: dict[int, tuple[float, float]] | None = None
) -> list[tuple]:
    """Reports at 30.06. and 31.12. of project P per district and year from (June, year end)."""
    rows = []
    for ags, years in ((DARMSTADT, darmstadt), (FRANKFURT, frankfurt or {})):
        for year, (june, year_end) in years.items():
            rows += [(ags, year, "P", date(year, 6, 30), june), (ags, year, "P", date(year, 12, 31), year_end)]
    return rows


def _data(progress: list[tuple], current: list[tuple], year: int = 2024, ags: tuple[str, ...] = (DARMSTADT,)):
    years = sorted({row[1] for row in progress} | {year})
    return make_data(
        agreements=[(a, y, 2000.0) for a in ags for y in years],
        projects=[(a, y, 1, "P", 1000.0) for a in ags for y in years],
        progress=progress + current,
    )


def test_a_district_with_two_earlier_years_is_projected_with_its_own_profile_and_interval() -> None:
    # Profile at 30.06.: (300 + 500) ÷ (1000 + 1000) = 0.4; 200 spent → 500 expected at the year end.
    data = _data(_history({2022: (300, 1000), 2023: (500, 1000)}), [(DARMSTADT, 2024, "P", date(2024, 6, 30), 200)])
    row = projection(data, Selection(2024), "project", date(2024, 6, 30)).iloc[0]
    assert row["method"] == METHOD_DISTRICT
    assert row["profile"] == pytest.approx(0.4)
    assert row["projected_eur"] == 500
    assert row["unspent_eur"] == 500  # 1.000 € planned
    # Each earlier year replayed with the other's profile (one year: the Land's): 2022 → 300 ÷ 0.5 = 600 against
    # 1000 actual; 2023 → 500 ÷ 0.3 = 1667 (whole euros) against 1000.
    low, high = _quantiles(1000 / 1667, 1000 / 600)
    assert (row["low_eur"], row["high_eur"]) == (round(500 * low), round(500 * high))
    assert row["n_ratios"] == 2 and row["interval_basis"] == "Projekte"


def test_a_district_with_one_earlier_year_takes_the_lands_profile() -> None:
    progress = _history({2022: (300, 1000), 2023: (500, 1000)}, {2023: (100, 1000)})
    current = [(DARMSTADT, 2024, "P", date(2024, 6, 30), 200), (FRANKFURT, 2024, "P", date(2024, 6, 30), 300)]
    data = _data(progress, current, ags=(DARMSTADT, FRANKFURT))
    frame = projection(data, Selection(2024), "district", date(2024, 6, 30)).set_index("unit")
    # Land: (300 + 500 + 100) ÷ 3000 = 0.3 → 300 ÷ 0.3 = 1000.
    assert frame.loc[FRANKFURT, "method"] == METHOD_LAND
    assert frame.loc[FRANKFURT, "projected_eur"] == 1000
    assert frame.loc[DARMSTADT, "method"] == METHOD_DISTRICT
    assert frame.loc[DARMSTADT, "projected_eur"] == 500


def test_without_earlier_year_ends_the_run_rate_projects() -> None:
    # 30.06.2024 closes day 182 of 366: 183 € spent → 183 ÷ (182 ÷ 366) = 368 € (whole euros).
    data = _data([], [(DARMSTADT, 2024, "P", date(2024, 6, 30), 183)])
    row = projection(data, Selection(2024), "project", date(2024, 6, 30)).iloc[0]
    assert row["method"] == METHOD_RUN_RATE
    assert row["projected_eur"] == round(183 / (182 / 366))
    assert math.isnan(row["low_eur"]) and math.isnan(row["high_eur"])  # no earlier year: nothing to learn from


def test_the_interval_is_the_10_and_90_percent_quantile_of_the_ratios() -> None:
    assert ratio_interval([float(v) for v in range(10, 0, -1)]) == pytest.approx((1.9, 9.1))
    assert ratio_interval([]) == (pytest.approx(float("nan"), nan_ok=True),) * 2


def test_a_project_without_report_is_not_projected_and_an_older_report_is_flagged() -> None:
    data = make_data(
        agreements=[(DARMSTADT, 2024, 3000.0)],
        projects=[
            (DARMSTADT, 2024, 1, "A", 1000.0),
            (DARMSTADT, 2024, 1, "B", 1000.0),
            (DARMSTADT, 2024, 2, "C", 500.0),
        ],
        progress=[(DARMSTADT, 2024, "A", date(2024, 3, 31), 100), (DARMSTADT, 2024, "B", date(2024, 6, 30), 300)],
    )
    projects = projection(data, Selection(2024), "project", date(2024, 6, 30)).set_index("project")
    assert projects.loc["A", "stale"] and projects.loc["A", "as_of"] == pd.Timestamp(2024, 3, 31)
    assert not projects.loc["B", "stale"]
    assert projects.loc["C", "method"] == METHOD_NONE and math.isnan(projects.loc["C", "projected_eur"])
    district = projection(data, Selection(2024), "district", date(2024, 6, 30)).set_index("unit").loc[DARMSTADT]
    assert (district["n_projects"], district["n_projected"], district["n_stale"], district["n_without_report"]) == (
        3,
        2,
        1,
        1,
    )
    assert district["first_as_of"] == pd.Timestamp(2024, 3, 31)
    # Unspent over the projected projects only: C's 500 € planned are not "unspent".
    assert district["unspent_eur"] == projects.loc[["A", "B"], "unspent_eur"].sum()
    assert district["budget_eur"] == 3000
    assert district["budget_unspent_eur"] == 3000 - district["projected_eur"]


def test_sums_reconcile_to_the_cent_from_projects_to_the_land() -> None:
    data = bundled_data()
    selection = Selection(data.years[-1])
    levels = {level: projection(data, selection, level) for level in ("project", "measure_type", "district", "land")}
    land = levels["land"].iloc[0]
    assert land["projected_eur"] > 0
    for column in ("planned_eur", "spent_eur", "projected_eur", "unspent_eur"):
        cents = round(land[column] * 100)
        for level in ("project", "measure_type", "district"):
            assert round(levels[level][column].sum() * 100) == cents, (column, level)
    per_district = levels["project"].groupby("ags")["projected_eur"].sum(min_count=1)
    districts = levels["district"].set_index("unit")["projected_eur"]
    pd.testing.assert_series_equal(per_district.round(2), districts[per_district.index].round(2), check_names=False)
    shown = levels["district"].dropna(subset=["projected_eur"])
    assert (shown["low_eur"] <= shown["high_eur"]).all()


def test_the_projection_at_a_stichtag_uses_nothing_known_only_later() -> None:
    data = _data(_history({2022: (300, 1000), 2023: (500, 1000)}), [(DARMSTADT, 2024, "P", date(2024, 6, 30), 200)])
    before = projection(data, Selection(2024), "project", date(2024, 6, 30))
    later = _data(
        _history({2022: (300, 1000), 2023: (500, 1000), 2025: (10, 99999)}),
        [(DARMSTADT, 2024, "P", date(2024, 6, 30), 200), (DARMSTADT, 2024, "P", date(2024, 12, 31), 5000)],
    )
    after = projection(later, Selection(2024), "project", date(2024, 6, 30))
    pd.testing.assert_frame_equal(before, after)


def test_on_the_bundled_data_the_projection_equals_the_one_from_what_was_known_then() -> None:
    data = bundled_data()
    year = data.years[-2]
    day = date(year, 6, 30)
    for level in ("project", "district", "land"):
        pd.testing.assert_frame_equal(
            projection(data, Selection(year), level, day),
            projection(known_at(data, year, day), Selection(year), level, day),
        )


def test_the_backtest_counts_how_often_the_interval_held_the_actual_value() -> None:
    data = make_data(
        agreements=[(DARMSTADT, y, 2000.0) for y in (2021, 2022, 2023)],
        projects=[(DARMSTADT, y, 1, "P", 1000.0) for y in (2021, 2022, 2023)],
        progress=_history({2021: (500, 1000), 2022: (400, 1000), 2023: (500, 1000)}),
    )
    frame = backtest(data).set_index("level")
    assert set(frame["stichtag_label"]) == {"30.06."}
    row = frame.loc["project"]
    # 2022: Land profile of 2021 (0,5) → 800; its interval from 2021 replayed by the run rate, 500 ÷ (181 ÷ 365)
    # = 1008 → ratio 1000 ÷ 1008 → [794, 794]: misses 1000.
    # 2023: own profile (500 + 400) ÷ 2000 = 0,45 → 1111; ratios 1000 ÷ 1250 (2021 by 2022's 0,4) and 1000 ÷ 800
    # (2022 by 2021's 0,5) → [0,845; 1,205] × 1111 = [939, 1339]: holds 1000.
    assert row["coverage"] == 0.5
    assert row["mape"] == pytest.approx((0.2 + 0.111) / 2)
    assert row["mape_run_rate"] == pytest.approx((abs(807 - 1000) / 1000 + abs(1008 - 1000) / 1000) / 2)
    assert (row["n_years"], row["n_units"], row["years"]) == (2, 2, "2022–2023")
    assert frame.loc["land", "coverage"] == 0.5


def test_the_spending_path_ends_in_the_projection_with_its_band() -> None:
    data = _data(_history({2022: (300, 1000), 2023: (500, 1000)}), [(DARMSTADT, 2024, "P", date(2024, 6, 30), 200)])
    path = spending_paths(data, Selection(2024), date(2024, 6, 30))
    this_year = path[path["year"] == 2024].reset_index(drop=True)
    assert this_year["spent_eur"].tolist() == [200, 500]
    assert this_year["kind"].tolist() == ["berichtet", "Hochrechnung"]
    assert this_year.loc[0, "low_eur"] == this_year.loc[0, "high_eur"] == 200
    land = projection(data, Selection(2024), "land", date(2024, 6, 30)).iloc[0]
    assert (this_year.loc[1, "low_eur"], this_year.loc[1, "high_eur"]) == (land["low_eur"], land["high_eur"])
    assert path[path["year"] == 2022]["spent_eur"].tolist() == [300, 1000]
    assert path["day"].dt.year.unique().tolist() == [2000]


def test_the_backtest_command_prints_the_table_in_german(fresh_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--db", str(fresh_db)]) == 0
    out = capsys.readouterr().out
    first = backtest(bundled_data()).iloc[0]
    assert "Mittlere Abweichung (MAPE)" in out and "Intervall traf (Soll 80 %)" in out
    assert f"{first['mape'] * 100:.1f} %".replace(".", ",") in out
    assert "nan" not in out


def test_the_spending_path_ends_in_the_same_projection_and_interval_as_the_pages_for_a_district() -> None:
    """Zeitreihe's band for one district is the district's own interval (as on Zielerreichung and in the pack),
    not the Land's spread scaled down."""
    data = bundled_data()
    for selection in (Selection(2025, ags="06636"), Selection(2025, regierungsbezirk="Kassel"), Selection(2025)):
        end = spending_paths(data, selection, date(2025, 9, 30)).iloc[-1]
        shown = scope_projection(data, selection, date(2025, 9, 30))
        assert (end["spent_eur"], end["low_eur"], end["high_eur"]) == (
            shown["projected_eur"],
            shown["low_eur"],
            shown["high_eur"],
        )
