"""The bundled demo dataset: reproducible, complete, anchored on the real and published figures."""

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from aqb_data.analysis.versions import budgets_in_force
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import load_districts
from aqb_data.domain.model import is_synthetic
from aqb_data.export.demo import LAND_TOTALS, WALDECK_FRANKENBERG_2025, YEARS, generate_demo, real_agreement
from aqb_data.paths import DEMO_WORKBOOK
from aqb_data.read.workbook import read_workbook

SEED_AGREEMENT = (
    Path(__file__).resolve().parents[3] / "shared" / "seeds" / "zielvereinbarung-2025-waldeck-frankenberg.md"
)
WALDECK = "06635"
WALDECK_PROJECTS = {
    1: ["AVIA (Aktivierung und Vermittlung von Migranten)"],
    3: ["Berufs- und Sprachscout Projekt (BSP)", "Checkpoint", "FiB (Fit für die Berufswelt)", "Restart"],
}


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return generate_demo()


def test_same_seed_gives_the_same_tables_and_another_seed_does_not(demo: dict[str, pd.DataFrame]) -> None:
    again = generate_demo()
    for name, table in demo.items():
        pd.testing.assert_frame_equal(table, again[name])
    assert not generate_demo(seed=7)["agreements"]["budget_eur"].equals(demo["agreements"]["budget_eur"])


def test_committed_workbook_is_what_the_generator_writes(demo: dict[str, pd.DataFrame]) -> None:
    result = read_workbook(DEMO_WORKBOOK)
    assert result.problems == []
    for name, table in demo.items():
        pd.testing.assert_frame_equal(result.tables[name], table)


def test_every_district_has_an_agreement_every_year(demo: dict[str, pd.DataFrame]) -> None:
    agreements = demo["agreements"]
    assert len(agreements) == 26 * len(YEARS)
    assert set(agreements["ags"]) == set(load_districts()["ags"])
    assert sorted(agreements["year"].unique()) == list(YEARS)


def test_two_to_eight_projects_per_district_and_year(demo: dict[str, pd.DataFrame]) -> None:
    counts = demo["projects"].groupby(["year", "ags"]).size()
    assert len(counts) == 26 * len(YEARS)
    assert counts.between(2, 8).all()


def test_land_totals_are_exact_and_2023_is_the_published_27_7_million(demo: dict[str, pd.DataFrame]) -> None:
    totals = demo["agreements"].groupby("year")["budget_eur"].sum().round(2)
    assert totals.to_dict() == {year: float(total) for year, total in LAND_TOTALS.items()}
    assert totals[2023] == 27_700_000.00


def test_waldeck_frankenberg_2025_is_the_signed_agreement(demo: dict[str, pd.DataFrame]) -> None:
    agreements = demo["agreements"]
    row = agreements[(agreements["ags"] == WALDECK) & (agreements["year"] == 2025)].iloc[0]
    assert row["budget_eur"] == 773_920.00
    assert row["signed_ministry"] == pd.Timestamp("2025-08-02")
    assert row["signed_district"] == pd.Timestamp("2025-08-13")
    assert not is_synthetic(row["source"])
    projects = demo["projects"]
    waldeck = projects[(projects["ags"] == WALDECK) & (projects["year"] == 2025)]
    by_type = {int(t): sorted(g["project"]) for t, g in waldeck.groupby("measure_type")}
    assert by_type == WALDECK_PROJECTS  # nothing under 2 and 4
    # The agreement names no amounts: none are invented; the rows cite the document.
    assert waldeck["planned_eur"].isna().all()
    assert not waldeck["source"].map(is_synthetic).any()
    progress = demo["progress"]
    assert progress[(progress["ags"] == WALDECK) & (progress["year"] == 2025)].empty


def test_wetteraukreis_2024_is_the_published_figure(demo: dict[str, pd.DataFrame]) -> None:
    agreements = demo["agreements"]
    row = agreements[(agreements["ags"] == "06440") & (agreements["year"] == 2024)].iloc[0]
    assert row["budget_eur"] == 1_140_300.00
    assert "Wetteraukreis" in row["source"]


def test_everything_else_is_labelled_synthetic(demo: dict[str, pd.DataFrame]) -> None:
    agreements = demo["agreements"]
    real = agreements[~agreements["source"].map(is_synthetic)]
    assert set(zip(real["ags"], real["year"], strict=True)) == {(WALDECK, 2025), ("06440", 2024)}
    assert demo["progress"]["source"].map(is_synthetic).all()
    assert demo["amendments"]["source"].map(is_synthetic).all()


def test_progress_is_plausible(demo: dict[str, pd.DataFrame]) -> None:
    progress = demo["progress"]
    assert (progress["exits"] <= progress["entries"]).all()
    transitions = progress[["to_training", "to_employment", "to_other", "dropouts"]].sum(axis=1)
    assert (transitions <= progress["exits"]).all()
    assert (progress["as_of"].dt.year == progress["year"]).all()
    # Cumulative within a year: no count and no euro ever goes down from one Stichtag to the next.
    counts = ["spent_eur", "entries", "exits", "to_training", "to_employment", "to_other", "dropouts"]
    steps = progress.sort_values("as_of").groupby(["year", "ags", "project"])[counts].diff()
    assert (steps.fillna(0) >= 0).all().all()


def test_reports_at_the_calendars_stichtage_up_to_the_autumn_report(demo: dict[str, pd.DataFrame]) -> None:
    progress = demo["progress"]
    days = progress.groupby("year")["as_of"].agg(lambda s: [d.strftime("%d.%m.") for d in sorted(s.unique())])
    for year in YEARS[:-1]:
        assert days[year] == ["31.03.", "30.06.", "30.09.", "31.12."]
    assert days[2025] == ["31.03.", "30.06.", "30.09."]
    # Every project of a closed year reports at all four Stichtage.
    assert progress[progress["year"] < 2025].groupby(["year", "ags", "project"]).size().eq(4).all()


def test_spending_is_slow_in_spring_and_varies_at_year_end(demo: dict[str, pd.DataFrame]) -> None:
    merged = demo["progress"].merge(demo["projects"], on=["year", "ags", "project"])
    merged = merged[merged["year"] < 2025]
    share = (
        merged["spent_eur"].groupby(merged["as_of"].dt.month).sum()
        / merged.groupby(merged["as_of"].dt.month)["planned_eur"].sum()
    )
    assert share[3] < 0.15  # slow first quarter
    assert share[6] < 0.5  # most money in the second half
    assert share[9] > share[6] + 0.25
    year_end = merged[merged["as_of"].dt.month == 12]
    ratio = year_end["spent_eur"] / year_end["planned_eur"]
    assert (ratio < 0.8).sum() >= 10  # some projects clearly underspend: money lapses
    assert 1 <= (ratio > 1).sum() <= 0.1 * len(ratio)  # a few overspend slightly
    assert ratio.max() < 1.05


def test_reports_received_before_their_due_date_except_one_late_and_one_missing(
    demo: dict[str, pd.DataFrame],
) -> None:
    progress = demo["progress"]
    reports = progress.drop_duplicates(["ags", "as_of"])
    assert progress.groupby(["ags", "as_of"])["received"].nunique().eq(1).all()  # one day per report
    delay = (reports["received"] - reports["as_of"]).dt.days
    late = reports[delay > 30]
    assert [(r.ags, r.as_of, r.received) for r in late.itertuples()] == [
        ("06535", pd.Timestamp("2025-09-30"), pd.Timestamp("2025-11-12"))  # Vogelsbergkreis, due 30.10.2025
    ]
    assert delay.drop(late.index).between(5, 28).all()
    autumn = set(progress.loc[progress["as_of"] == pd.Timestamp("2025-09-30"), "ags"])
    assert set(load_districts()["ags"]) - autumn == {WALDECK, "06636"}  # Werra-Meißner-Kreis: no report
    assert progress.loc[progress["ags"] == "06636", "as_of"].max() == pd.Timestamp("2025-06-30")


def test_three_synthetic_amendments_and_never_the_signed_agreement(demo: dict[str, pd.DataFrame]) -> None:
    amendments = demo["amendments"]
    signed = demo["agreements"].set_index(["ags", "year"])["budget_eur"]
    rows = {
        (r.ags, r.year, r.valid_from.strftime("%d.%m.%Y")): r.budget_eur - signed[(r.ags, r.year)]
        for r in amendments.itertuples()
    }
    assert set(rows) == {
        ("06532", 2025, "15.07.2025"),
        ("06434", 2024, "01.10.2024"),
        ("06435", 2025, "01.05.2025"),
        ("06435", 2025, "01.09.2025"),
    }
    assert rows[("06532", 2025, "15.07.2025")] > 0 and rows[("06434", 2024, "01.10.2024")] < 0
    assert "Aufstockung aus nicht verausgabten Mitteln anderer Kreise" in set(amendments["reason"])
    assert amendments["source"].map(is_synthetic).all()
    assert not ((amendments["ags"] == WALDECK) & (amendments["year"] == 2025)).any()
    assert not ((amendments["ags"] == "06440") & (amendments["year"] == 2024)).any()  # published budget
    # 2025 moves money between districts: the Land total in force on 30.09.2025 is the signed one.
    data = AqbData.of({**demo, "amendments": amendments})
    in_force = budgets_in_force(data, date(2025, 9, 30))
    assert in_force.loc[in_force["year"] == 2025, "budget_eur"].sum().round(2) == LAND_TOTALS[2025]


@pytest.mark.skipif(not SEED_AGREEMENT.exists(), reason="../shared/seeds fehlt (eigener Klon ohne shared/)")
def test_waldeck_facts_match_the_seed_document() -> None:
    text = SEED_AGREEMENT.read_text(encoding="utf-8")
    assert "**773.920 Euro**" in text
    assert "Wiesbaden, den 2. 8. 2025" in text
    assert "Korbach, den 13. Aug. 2025" in text
    section_5 = text[text.index("## § 5") : text.index("## **§ 6**")]
    for names in WALDECK_PROJECTS.values():
        for name in names:
            assert re.search(rf"^\s*- {re.escape(name)}\s*$", section_5, re.MULTILINE), name


@pytest.mark.skipif(not SEED_AGREEMENT.exists(), reason="../shared/seeds fehlt (eigener Klon ohne shared/)")
def test_the_reader_gives_the_stored_facts_so_the_demo_does_not_depend_on_shared() -> None:
    read, note = real_agreement()
    assert note is None
    assert read == WALDECK_FRANKENBERG_2025


def test_without_the_seed_the_generator_says_why_and_uses_the_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aqb_data.export.demo.SEED_AGREEMENT", Path("/nirgends/zielvereinbarung.md"))
    read, note = real_agreement()
    assert read == WALDECK_FRANKENBERG_2025
    assert note.startswith("Hinweis: /nirgends/zielvereinbarung.md fehlt (Klon ohne shared/)")
