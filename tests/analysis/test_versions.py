"""Agreement versions: which § 4 budget is in force on a day, every version of an agreement, and that every
figure using a district's budget (Übersicht, Zeitreihe, Zielerreichung, the plausibility check) takes the same one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.indicators import (
    Selection,
    budget_changes,
    budget_decomposition,
    budget_trend,
    district_budgets,
    district_projects,
)
from aqb_data.analysis.versions import amendment_history, amendment_summary, budgets_in_force
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.model import AMENDMENTS, DEMO_FLAG
from aqb_data.present.views import achievement_view, district_budget_view
from aqb_data.read.plausibility import plausibility_problems
from aqb_data.read.workbook import read_workbook
from tests.factory import euros, make_data, make_workbook, stores

WALDECK, KASSEL = "06635", "06611"


def amendments(*rows: tuple[str, int, date, float, str], demo: bool = False) -> pd.DataFrame:
    """Amendments from `(ags, year, valid_from, budget_eur, reason)`."""
    frame = pd.DataFrame(
        [
            {"year": y, "ags": a, "valid_from": pd.Timestamp(d), "budget_eur": b, "reason": r, "source": "Änderung"}
            for a, y, d, b, r in rows
        ],
        columns=["year", "ags", "valid_from", "budget_eur", "reason", "source"],
    )
    return AMENDMENTS.conform(frame).assign(**{DEMO_FLAG: demo})


def with_amendments(data: AqbData, frame: pd.DataFrame) -> AqbData:
    return replace(data, amendments=frame, memo={})


def waldeck(*changes: tuple[date, float, str]) -> AqbData:
    """Waldeck-Frankenberg 2025 signed at 100.000 € with one project planned at 90.000 €, reports on 30.06.
    (30.000 € spent) and 30.09. (60.000 €); 2024 at 80.000 €; amended as `changes` say."""
    data = make_data(
        agreements=[(WALDECK, 2024, 80_000.0), (WALDECK, 2025, 100_000.0), (KASSEL, 2025, 50_000.0)],
        projects=[(WALDECK, 2025, 1, "Projekt A", 90_000.0), (KASSEL, 2025, 3, "Projekt K", 50_000.0)],
        progress=[
            (WALDECK, 2025, "Projekt A", date(2025, 6, 30), 30_000.0),
            (WALDECK, 2025, "Projekt A", date(2025, 9, 30), 60_000.0),
        ],
    )
    return with_amendments(data, amendments(*((WALDECK, 2025, d, b, r) for d, b, r in changes)))


RAISED = (date(2025, 7, 15), 120_000.0, "Aufstockung aus nicht verausgabten Mitteln anderer Kreise")
CUT = (date(2025, 10, 1), 110_000.0, "Rückgabe nicht benötigter Mittel")


def in_force(data: AqbData, day: date | None, ags: str = WALDECK, year: int = 2025) -> dict[str, object]:
    frame = budgets_in_force(data, day)
    return frame[(frame["ags"] == ags) & (frame["year"] == year)].iloc[0].to_dict()


# --- which version is in force ----------------------------------------------------------------------------


def test_the_signed_budget_holds_until_the_day_before_an_amendment_and_the_amendment_from_its_day_on() -> None:
    data = waldeck(RAISED)
    before = in_force(data, date(2025, 7, 14))
    assert (before["budget_eur"], before["amended"], before["n_amendments"]) == (100_000.0, False, 0)
    on_the_day = in_force(data, date(2025, 7, 15))  # valid_from = Stichtag counts
    assert (on_the_day["budget_eur"], on_the_day["budget_signed_eur"], on_the_day["amended"]) == (
        120_000.0,
        100_000.0,
        True,
    )
    assert on_the_day["reason"] == RAISED[2]
    assert in_force(data, None)["budget_eur"] == 120_000.0  # without a day: the version at the end of the year


def test_two_successive_amendments_each_hold_from_their_day_and_the_history_lists_every_version() -> None:
    data = waldeck(CUT, RAISED)  # given out of order: the day decides
    assert in_force(data, date(2025, 8, 1))["budget_eur"] == 120_000.0
    assert in_force(data, date(2025, 8, 1))["n_amendments"] == 1
    assert in_force(data, date(2025, 10, 1))["budget_eur"] == 110_000.0
    assert in_force(data, date(2025, 10, 1))["n_amendments"] == 2
    history = amendment_history(data, 2025, WALDECK)
    assert history["version"].tolist() == ["unterzeichnet", "Änderung 1", "Änderung 2"]
    assert history["budget_eur"].tolist() == [100_000.0, 120_000.0, 110_000.0]
    assert history["change_eur"].tolist()[1:] == [20_000.0, -10_000.0]
    assert history["reason"].tolist() == ["", RAISED[2], CUT[2]]


def test_an_agreement_never_amended_has_no_summary_and_a_single_version() -> None:
    data = waldeck()
    assert amendment_summary(data, 2025, WALDECK) is None
    assert amendment_history(data, 2025, WALDECK)["version"].tolist() == ["unterzeichnet"]
    assert in_force(data, None)["budget_eur"] == 100_000.0


def test_the_summary_at_a_stichtag_before_the_amendment_says_the_signed_budget_holds_and_names_the_later_one() -> None:
    summary = amendment_summary(waldeck(RAISED), 2025, WALDECK, date(2025, 6, 30))
    assert summary["in_force"] is False and summary["budget_eur"] == 100_000.0
    assert summary["later"] == [(pd.Timestamp(2025, 7, 15), 120_000.0)]


# --- every figure takes the same version ------------------------------------------------------------------


def test_zielerreichung_judges_the_budget_share_against_the_version_in_force_at_the_stichtag() -> None:
    data = waldeck(RAISED)
    june = achievement(data, Selection(2025, ags=WALDECK), "district", date(2025, 6, 30)).iloc[0]
    assert (june["budget_eur"], june["budget_spent_share"]) == (100_000.0, 0.3)  # 30.000 of the signed 100.000
    september = achievement(data, Selection(2025, ags=WALDECK), "district", date(2025, 9, 30)).iloc[0]
    assert (september["budget_eur"], september["budget_spent_share"]) == (120_000.0, 0.5)  # 60.000 of 120.000
    assert september["budget_signed_eur"] == 100_000.0
    # The € gap: 120.000 × elapsed share of 30.09. − 60.000
    assert september["budget_gap_eur"] == round(120_000 * 273 / 365 - 60_000, 2)


def test_the_zielerreichung_table_states_which_version_its_budget_columns_use() -> None:
    data = waldeck(RAISED)
    september = achievement_view(data, Selection(2025), "district", date(2025, 9, 30))
    versions = dict(zip(september.frame["unit_label"], september.frame["budget_version"], strict=True))
    assert versions["Waldeck-Frankenberg"] == "Haushaltsmittel laut Änderung vom 15.07.2025; ursprünglich 100.000 €"
    assert versions["Kassel (Stadt)"] == "Haushaltsmittel wie unterzeichnet"
    assert "Fassung § 4" in september.headings
    june = achievement_view(data, Selection(2025), "district", date(2025, 6, 30))
    assert set(june.frame.loc[june.frame["unit"] == WALDECK, "budget_version"]) == {"Haushaltsmittel wie unterzeichnet"}


def test_uebersicht_counts_the_budget_in_force_at_year_end_and_marks_the_amended_district() -> None:
    data = waldeck(RAISED)
    row = district_budgets(data, Selection(2025, ags=WALDECK)).iloc[0]
    assert (row["budget_eur"], row["budget_signed_eur"], row["unplanned_eur"]) == (120_000.0, 100_000.0, 30_000.0)
    assert row["change_eur"] == 40_000.0  # against 2024's 80.000
    view = district_budget_view(data, Selection(2025))
    hints = dict(zip(view.frame["label"], view.frame["status"], strict=True))
    assert hints["Waldeck-Frankenberg"] == "geändert am 15.07.2025"
    assert hints["Kassel (Stadt)"] == ""


def test_zeitreihe_and_the_project_shares_use_the_budget_in_force_at_year_end() -> None:
    data = waldeck(RAISED, CUT)
    trend = budget_trend(data, Selection(2025, ags=WALDECK)).set_index("year")
    assert trend.loc[2025, "budget_eur"] == 110_000.0
    assert budget_changes(data, Selection(2025, ags=WALDECK)).set_index("year").loc[2025, "change_eur"] == 30_000.0
    share = district_projects(data, 2025, WALDECK, (1, 2, 3, 4))["share"].iloc[0]
    assert share == 90_000.0 / 110_000.0


def test_the_decomposition_reconciles_to_the_cent_with_the_amended_budget() -> None:
    frame = budget_decomposition(waldeck(RAISED, CUT), Selection(2025)).set_index("unit")
    land = frame.loc["Hessen"]
    assert land["budget_eur"] == 160_000.0  # 110.000 amended + Kassel's 50.000
    assert round(land["planned_eur"] - land["over_planned_eur"] + land["unplanned_eur"] + land["unknown_eur"], 2) == (
        160_000.0
    )
    assert frame.loc[WALDECK, "unplanned_eur"] == 20_000.0


@st.composite
def amended_stores(draw: st.DrawFn) -> AqbData:
    """A random store whose agreements get up to two amendments each, in whole cents."""
    data = draw(stores())
    rows = []
    for ags, year in zip(data.agreements["ags"], data.agreements["year"], strict=True):
        for day in draw(st.lists(st.sampled_from([(3, 1), (7, 15), (10, 1)]), max_size=2, unique=True)):
            rows.append((ags, int(year), date(int(year), *day), euros(draw(st.integers(0, 500_000_000))), "Grund"))
    return with_amendments(data, amendments(*rows))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amended_stores())
def test_random_amended_stores_reconcile_at_every_level(data: AqbData) -> None:
    for year in sorted(int(y) for y in data.agreements["year"].unique()):
        frame = budget_decomposition(data, Selection(year))
        latest = budgets_in_force(data)
        latest = latest[latest["year"] == year].set_index("ags")["budget_eur"]
        for row in frame[frame["budget_eur"].notna()].itertuples():
            cents = [round(v * 100) for v in (row.planned_eur, row.over_planned_eur, row.unplanned_eur)]
            parts = cents[0] - cents[1] + cents[2] + round(row.unknown_eur * 100)
            assert parts == round(row.budget_eur * 100), (row.level, row.unit, year)
            if row.level == "district":
                assert round(row.budget_eur * 100) == round(latest[row.unit] * 100)


# --- the sheet „Änderungen“ and the plausibility check -----------------------------------------------------

HEADINGS = ["Jahr", "AGS", "Gültig ab", "Haushaltsmittel neu (EUR)", "Grund", "Quelle"]


def test_an_amendments_sheet_is_read_and_feeds_the_budget_in_force() -> None:
    workbook = make_workbook(
        {
            "Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, WALDECK, "100.000,00 €"]],
            "Änderungen": [HEADINGS, [2025, WALDECK, "15.07.2025", "120.000,00", "Aufstockung", "Änderung Nr. 1"]],
        }
    )
    result = read_workbook(workbook, "aenderung.xlsx")
    assert not result.errors
    read = result.tables["amendments"].iloc[0]
    assert (read["valid_from"], read["budget_eur"], read["reason"]) == (
        pd.Timestamp(2025, 7, 15),
        120_000.0,
        "Aufstockung",
    )
    data = AqbData.of(result.tables)
    assert in_force(data, date(2025, 7, 15))["budget_eur"] == 120_000.0


def test_an_amendment_row_without_its_day_is_an_error_in_german_naming_the_cell() -> None:
    workbook = make_workbook({"Änderungen": [HEADINGS, [2025, WALDECK, None, "120.000,00", "Aufstockung", "x"]]})
    (error,) = read_workbook(workbook, "aenderung.xlsx").errors
    assert error.sheet == "Änderungen" and error.row == 2
    assert "Gültig ab" in error.text()


def test_an_amendment_sheet_without_the_heading_gueltig_ab_says_which_heading_is_missing() -> None:
    workbook = make_workbook({"Änderungen": [["Jahr", "AGS", "Haushaltsmittel neu (EUR)"], [2025, WALDECK, 1.0]]})
    errors = read_workbook(workbook, "aenderung.xlsx").errors
    assert any("Gültig ab" in problem.text() for problem in errors)


def test_planned_money_is_checked_against_the_amended_budget() -> None:
    stored = waldeck(RAISED)  # 90.000 planned, 100.000 signed, 120.000 from 15.07.
    cut = make_workbook({"Änderungen": [HEADINGS, [2025, WALDECK, "01.10.2025", "80.000,00", "Kürzung", "x"]]})
    result = read_workbook(cut, "kuerzung.xlsx")
    (warning,) = plausibility_problems(result, stored)
    assert warning.sheet == "Änderungen" and warning.column == "Haushaltsmittel neu (EUR)"
    assert "übersteigen die geänderten Haushaltsmittel" in warning.expected
    # A project list of 110.000 € is within the amended 120.000 €, though above the signed 100.000 €.
    projects = make_workbook(
        {
            "Projekte": [
                ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"],
                [2025, WALDECK, 1, "Projekt A", 110_000],
            ]
        }
    )
    assert plausibility_problems(read_workbook(projects, "projekte.xlsx"), stored) == []
    assert plausibility_problems(read_workbook(projects, "projekte.xlsx"), waldeck()) != []


def test_an_amendment_without_an_agreement_or_outside_its_year_is_a_warning() -> None:
    workbook = make_workbook({"Änderungen": [HEADINGS, [2023, KASSEL, "15.07.2024", "1.000,00", "Grund", "x"]]})
    warnings = [p.expected for p in plausibility_problems(read_workbook(workbook, "a.xlsx"), waldeck())]
    assert any("keine Zielvereinbarung gespeichert" in text for text in warnings)
    assert "Das Datum „Gültig ab“ liegt nicht im Jahr 2023" in warnings
