"""The bundled demo dataset: reproducible, complete, anchored on the real and published figures."""

import re
from pathlib import Path

import pandas as pd
import pytest

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


def test_progress_is_plausible(demo: dict[str, pd.DataFrame]) -> None:
    progress = demo["progress"]
    assert (progress["exits"] <= progress["entries"]).all()
    transitions = progress[["to_training", "to_employment", "to_other", "dropouts"]].sum(axis=1)
    assert (transitions <= progress["exits"]).all()
    assert progress.groupby(["year", "ags", "project"]).size().eq(2).all()  # two Stichtage a year
    assert (progress["as_of"].dt.year == progress["year"]).all()


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
