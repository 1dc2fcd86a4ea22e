"""The budget decomposed: budget = planned − over_planned + unplanned + unknown, to the cent, at every level."""

import json

import pandas as pd
import pytest

from aqb_data.__main__ import summary_csv, summary_table
from aqb_data.analysis.indicators import (
    OVER_PLANNED_CODE,
    UNALLOCATED_CODE,
    UNKNOWN_CODE,
    Selection,
    allocation_by_measure_type,
    budget_decomposition,
    district_budgets,
    land_totals,
)
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS
from aqb_data.read.files import bundled_data
from tests.ui.test_pages import metrics, open_app

# Two districts of RB Kassel, one of RB Darmstadt, one of RB Gießen.
WALDECK, KASSEL_CITY, DARMSTADT, GIESSEN = "06635", "06611", "06411", "06531"
MONEY = ["budget_eur", "planned_eur", "over_planned_eur", "unplanned_eur", "unknown_eur"]


def _data(budgets: dict[str, float], projects: list[tuple[str, int, str, float | None]]) -> AqbData:
    agreements = pd.DataFrame(
        [
            {"year": 2025, "ags": a, "budget_eur": b, "signed_ministry": None, "signed_district": None, "source": "Z"}
            for a, b in budgets.items()
        ]
    )
    rows = pd.DataFrame(
        [
            {"year": 2025, "ags": a, "measure_type": m, "project": p, "provider": None, "target_group": None}
            | {"planned_eur": e, "planned_places": 5, "source": "P"}
            for a, m, p, e in projects
        ],
        columns=["year", "ags", "measure_type", "project", "provider", "target_group", "planned_eur"]
        + ["planned_places", "source"],
    )
    return AqbData(AGREEMENTS.conform(agreements), PROJECTS.conform(rows), PROGRESS.empty())


def _parts(data: AqbData, level: str, unit: str, measure_types: tuple[int, ...] = (1, 2, 3, 4)) -> list[float]:
    frame = budget_decomposition(data, Selection(2025, measure_types=measure_types))
    row = frame[(frame["level"] == level) & (frame["unit"] == unit)].iloc[0]
    return [float(row[column]) for column in MONEY]


def _holds(frame: pd.DataFrame) -> bool:
    """The identity to the cent on every row with a budget."""
    rows = frame[frame["budget_eur"].notna()]
    parts = rows["planned_eur"] - rows["over_planned_eur"] + rows["unplanned_eur"] + rows["unknown_eur"]
    return bool(((parts - rows["budget_eur"]).abs() < 0.005).all())


def test_all_amounts_known_leave_the_rest_free() -> None:
    data = _data({WALDECK: 773_920.00}, [(WALDECK, 1, "AVIA", 120_000.10), (WALDECK, 3, "Checkpoint", 300_000.20)])
    assert _parts(data, "district", WALDECK) == [773_920.00, 420_000.30, 0.0, 353_919.70, 0.0]


def test_over_planning_beside_free_money_is_shown_both_ways_never_netted() -> None:
    data = _data(
        {WALDECK: 100_000.00, KASSEL_CITY: 200_000.00},
        [(WALDECK, 1, "A", 100_000.01), (KASSEL_CITY, 2, "B", 150_000.00)],
    )
    assert _parts(data, "district", WALDECK) == [100_000.00, 100_000.01, 0.01, 0.0, 0.0]
    assert _parts(data, "district", KASSEL_CITY) == [200_000.00, 150_000.00, 0.0, 50_000.00, 0.0]
    # The Land: 0,01 € over-planned and 50.000 € free, not 49.999,99 € "nicht verplant".
    assert _parts(data, "land", "Hessen") == [300_000.00, 250_000.01, 0.01, 50_000.00, 0.0]
    totals = land_totals(data, Selection(2025))
    assert (totals["over_planned_eur"], totals["unplanned_eur"], totals["n_over_planned"]) == (0.01, 50_000.00, 1)


def test_an_agreement_without_a_project_list_is_unknown_not_free() -> None:
    data = _data({WALDECK: 1_140_300.00}, [])
    assert _parts(data, "district", WALDECK) == [1_140_300.00, 0.0, 0.0, 0.0, 1_140_300.00]
    assert district_budgets(data, Selection(2025)).set_index("ags").loc[WALDECK, "project_amounts"] == "no_projects"


def test_projects_without_amounts_make_the_whole_budget_unknown() -> None:
    data = _data({WALDECK: 773_920.00}, [(WALDECK, 1, "AVIA", None), (WALDECK, 3, "Restart", None)])
    assert _parts(data, "district", WALDECK) == [773_920.00, 0.0, 0.0, 0.0, 773_920.00]
    allocation = allocation_by_measure_type(data, Selection(2025), "district").set_index("measure_type")
    assert allocation.loc[UNKNOWN_CODE, "planned_eur"] == 773_920.00  # drawn as "ohne Projektbeträge"
    assert UNALLOCATED_CODE not in allocation.index


def test_mixed_amounts_count_the_known_as_planned_and_the_rest_as_unknown() -> None:
    data = _data({WALDECK: 773_920.00}, [(WALDECK, 1, "AVIA", 120_000.10), (WALDECK, 3, "Restart", None)])
    assert _parts(data, "district", WALDECK) == [773_920.00, 120_000.10, 0.0, 0.0, 653_919.90]
    # Known amounts beyond the budget are over-planned even while other projects still lack theirs.
    data = _data({WALDECK: 100_000.00}, [(WALDECK, 1, "AVIA", 120_000.10), (WALDECK, 3, "Restart", None)])
    assert _parts(data, "district", WALDECK) == [100_000.00, 120_000.10, 20_000.10, 0.0, 0.0]


def test_a_measure_type_filter_keeps_the_parts_of_the_whole_budget() -> None:
    data = _data({WALDECK: 1_000.00}, [(WALDECK, 1, "A", 300.00), (WALDECK, 2, "B", 500.00)])
    assert _parts(data, "district", WALDECK, (1,)) == [1_000.00, 800.00, 0.0, 200.00, 0.0]
    frame = budget_decomposition(data, Selection(2025, measure_types=(1,))).set_index("unit")
    assert (frame.loc[WALDECK, "planned_selected_eur"], frame.loc[WALDECK, "planned_other_eur"]) == (300.00, 500.00)
    allocation = allocation_by_measure_type(data, Selection(2025, measure_types=(1,)), "district")
    assert round(allocation["planned_eur"].sum(), 2) == 1_000.00  # type 1 + other types + free money


def test_allocation_rows_add_up_to_the_budget_with_the_over_planning_negative() -> None:
    data = _data(
        {WALDECK: 100_000.00, KASSEL_CITY: 200_000.00},
        [(WALDECK, 1, "A", 100_000.01), (KASSEL_CITY, 2, "B", 150_000.00)],
    )
    allocation = allocation_by_measure_type(data, Selection(2025), "land").set_index("measure_type")
    assert allocation.loc[OVER_PLANNED_CODE, "planned_eur"] == -0.01
    assert round(allocation["planned_eur"].sum(), 2) == 300_000.00


@pytest.mark.parametrize("year", [2021, 2022, 2023, 2024, 2025])
def test_bundled_data_reconciles_at_every_level_and_districts_add_up(year: int) -> None:
    frame = budget_decomposition(bundled_data(), Selection(year))
    assert _holds(frame)
    districts = frame[frame["level"] == "district"]
    for rb, row in frame[frame["level"] == "regierungsbezirk"].set_index("unit").iterrows():
        own = districts[districts["regierungsbezirk"] == rb]
        for column in MONEY:
            assert round(own[column].sum(), 2) == row[column], (rb, column)
    land = frame[frame["level"] == "land"].iloc[0]
    regions = frame[frame["level"] == "regierungsbezirk"]
    for column in MONEY:
        assert round(regions[column].sum(), 2) == land[column] == round(districts[column].sum(), 2)


def test_bundled_2025_names_waldeck_frankenberg_as_unknown_and_the_over_planning_apart() -> None:
    land = _parts(bundled_data(), "land", "Hessen")
    assert land == [28_300_000.00, 25_792_000.00, 42_080.00, 1_776_160.00, 773_920.00]
    assert _parts(bundled_data(), "district", WALDECK) == [773_920.00, 0.0, 0.0, 0.0, 773_920.00]


def test_the_overview_shows_the_parts_that_reconcile_for_2025() -> None:
    at = open_app()
    assert metrics(at)["Nicht verplant"] == "1.776.160 €"
    shown = "\n".join(str(m.value) for m in at.markdown)
    for line in (
        "| Geplante Mittel | 25.792.000 € |",
        "| − Überplant | 42.080 € | 3 Gebietskörperschaft(en) über dem Budget |",
        "| Nicht verplant | 1.776.160 € | freie Mittel |",
        "| Ohne Projektbeträge | 773.920 € |",
        "| **= Haushaltsmittel** | **28.300.000 €** | |",
    ):
        assert line in shown
    caption = "\n".join(str(c.value) for c in at.caption)
    assert (
        "Summe: 28.300.000 € Haushaltsmittel = 25.792.000 € geplant − 42.080 € überplant + 1.776.160 € nicht "
        "verplant + 773.920 € ohne Projektbeträge." in caption
    )


def test_the_cli_summary_carries_the_parts_at_every_level() -> None:
    summary = json.loads(json.dumps(summary_table(bundled_data(), 2025)))
    entries = [summary["land"], *summary["regierungsbezirke"], *summary["districts"]]
    assert len(summary["regierungsbezirke"]) == 3 and len(summary["districts"]) == 26
    for entry in entries:
        parts = entry["planned_eur"] - entry["over_planned_eur"] + entry["unplanned_eur"] + entry["unknown_eur"]
        assert round(parts, 2) == entry["budget_eur"]
        assert isinstance(entry["demo"], bool)
    for field in ("budget_eur", "planned_eur", "over_planned_eur", "unplanned_eur", "unknown_eur"):
        assert round(sum(d[field] for d in summary["districts"]), 2) == summary["land"][field]
    assert all(d["sources"] and d["label"] for d in summary["districts"])
    rows = summary_csv(summary).splitlines()
    assert len(rows) == 1 + 1 + 3 + 26
    assert rows[1].startswith("land;;;Hessen;;28300000,0;25792000,0;42080,0;1776160,0;773920,0;")


def test_the_cli_csv_writes_a_source_that_looks_like_a_formula_as_text() -> None:
    data = _data({WALDECK: 1_000.00}, [(WALDECK, 1, "A", 300.00)])
    data.agreements["source"] = "=HYPERLINK(1)"
    district = next(r for r in summary_csv(summary_table(data, 2025)).splitlines() if r.startswith("district;06635"))
    assert "'=HYPERLINK(1) | P" in district
