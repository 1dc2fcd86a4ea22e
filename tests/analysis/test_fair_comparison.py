"""Fair comparison: structural groups from public figures, median/quartiles/position against them, and ratios
over too few cases flagged, shown but not ranked. Expected values are worked out here by hand or from the
shipped public figures, not by the code under test."""

from __future__ import annotations

import json
import math
import statistics

import numpy as np
import pandas as pd
import pytest

from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.comparison import (
    district_benchmarks,
    district_comparison,
    group_summary,
    limited_note,
    peer_statistics,
    position_text,
    quartile_position,
    ranking,
)
from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.significance import LIMITED_TEXT, limited_columns, minimums_text
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import load_districts
from aqb_data.paths import GEOJSON
from aqb_data.read.files import bundled_data

WERRA_MEISSNER, FRANKFURT, VOGELSBERG, MAIN_TAUNUS = "06636", "06412", "06535", "06436"


@pytest.fixture(scope="module")
def data() -> AqbData:
    return bundled_data()


def test_the_groups_are_the_five_cities_and_the_counties_by_their_density() -> None:
    districts = load_districts().set_index("ags")
    groups = districts["group"]
    assert sorted(districts.index[groups == "Kreisfreie Städte"]) == ["06411", "06412", "06413", "06414", "06611"]
    # Main-Taunus: 239.276 inhabitants on 222,53 km² = 1.075 per km²; Vogelsberg: 105.671 on 1.458,91 = 72.
    assert districts.loc[MAIN_TAUNUS, "density"] == pytest.approx(239276 / 222.53)
    assert groups[MAIN_TAUNUS] == "Landkreise, dicht (ab 300 Einw./km²)"
    assert groups[VOGELSBERG] == "Landkreise, dünn (unter 150 Einw./km²)"
    assert groups["06440"] == "Landkreise, mittel (150 bis unter 300 Einw./km²)"  # Wetterau: 283 per km²
    assert groups.value_counts().to_dict() == {
        "Landkreise, dicht (ab 300 Einw./km²)": 8,
        "Landkreise, mittel (150 bis unter 300 Einw./km²)": 8,
        "Kreisfreie Städte": 5,
        "Landkreise, dünn (unter 150 Einw./km²)": 5,
    }
    # The areas are Hessen's: 21.115,69 km² officially.
    assert districts["area_km2"].sum() == pytest.approx(21115.69, abs=0.05)


def _outline_area_km2(geometry: dict) -> float:
    """A district's area from its BKG outline: each ring projected onto a plane at its own latitude."""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    radius, degree = 6371.0088, math.pi / 180

    def ring(points: list[list[float]]) -> float:
        latitude = sum(p[1] for p in points) / len(points)
        xy = [(lon * degree * radius * math.cos(latitude * degree), lat * degree * radius) for lon, lat in points]
        return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=True))) / 2

    return sum(ring(polygon[0]) - sum(ring(hole) for hole in polygon[1:]) for polygon in polygons)


def test_every_area_agrees_with_the_district_outline_on_the_map() -> None:
    areas = load_districts().set_index("ags")["area_km2"]
    outlines = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    for feature in outlines:
        measured = _outline_area_km2(feature["geometry"])
        assert measured == pytest.approx(areas[feature["properties"]["ags"]], rel=0.03), feature["properties"]


def _comparison(values: list[float], limited: list[bool]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ags": [f"0{i}" for i in range(len(values))],
            "transition_rate": values,
            "limited": [("transition_rate",) if flag else () for flag in limited],
        }
    )


def test_median_and_quartiles_leave_out_values_of_limited_significance_and_count_them() -> None:
    frame = _comparison([0.1, 0.2, 0.3, 0.4, 0.99, float("nan")], [False, False, False, False, True, False])
    stats = peer_statistics(frame, "transition_rate", tuple(frame["ags"]))
    # 0,1 0,2 0,3 0,4: linear quartiles at positions 0,75 / 1,5 / 2,25.
    assert stats["q1"] == pytest.approx(0.175)
    assert stats["median"] == pytest.approx(0.25)
    assert stats["q3"] == pytest.approx(0.325)
    assert (stats["n"], stats["n_limited"], stats["n_missing"]) == (4, 1, 1)
    assert quartile_position(0.1, stats) == 1
    assert quartile_position(0.25, stats) == 2  # on the median: the lower quarter
    assert quartile_position(0.3, stats) == 3
    assert quartile_position(0.4, stats) == 4
    assert position_text(0.99, True, stats) == "nicht eingeordnet (◊)"
    few = peer_statistics(frame.head(3), "transition_rate", tuple(frame["ags"]))
    assert position_text(0.2, False, few) == "– (nur 3 Werte)"  # three values are no quartiles
    assert position_text(float("nan"), False, stats) == "–"


def test_nine_exits_are_too_few_for_a_transition_rate_ten_are_enough() -> None:
    frame = pd.DataFrame(
        {
            "transition_rate": [0.5, 0.5, float("nan")],
            "n_exits": [9, 10, 3],
            "occupancy": [0.9, 0.9, 0.9],
            "n_places": [4, 5, 5],
        }
    )
    limited, flags = limited_columns(frame)
    assert list(limited) == [("occupancy", "transition_rate"), (), ()]
    assert flags[0] == f"◊ {LIMITED_TEXT}: Auslastung (4 geplante Plätze), Übergangsquote (9 Austritte)"
    assert flags[1] == "" and flags[2] == ""  # a missing rate is shown as "–", not flagged
    assert "unter 10 Austritte" in minimums_text() and "unter 5 geplante Plätze" in minimums_text()


def test_a_ranking_shows_a_limited_value_without_a_rank_after_the_ranked_ones(data: AqbData) -> None:
    comparison = district_comparison(data, Selection(2025))
    ranked = ranking(comparison, "transition_rate").set_index("ags")
    flagged = comparison.set_index("ags")["limited"].map(lambda keys: "transition_rate" in keys)
    assert flagged[WERRA_MEISSNER]  # 9 exits in 2025
    assert pd.isna(ranked.loc[WERRA_MEISSNER, "rank"])
    assert ranked.loc[WERRA_MEISSNER, "rank_flag"] == f"◊ {LIMITED_TEXT} (9 Austritte)"
    ranks = ranked["rank"].dropna().astype(int)
    assert sorted(ranks) == list(range(1, len(ranks) + 1))
    order = list(ranked.index)
    last_ranked = max(order.index(ags) for ags in ranks.index)
    assert order.index(WERRA_MEISSNER) > last_ranked
    # The ranked ones are ordered by their value, highest first.
    values = [ranked.loc[ags, "transition_rate"] for ags in order[: last_ranked + 1]]
    assert values == sorted(values, reverse=True)


def test_a_district_is_placed_in_its_group_from_the_groups_own_achievement_figures(data: AqbData) -> None:
    selection = Selection(2025, ags=VOGELSBERG)
    frame = district_benchmarks(data, selection).set_index("indicator")
    # Independently: each group member's occupancy from its own achievement row.
    members = load_districts().query("group == 'Landkreise, dünn (unter 150 Einw./km²)'")["ags"]
    values = []
    for ags in members:
        row = achievement(data, Selection(2025, ags=ags), "district").iloc[0]
        if not np.isnan(row["occupancy"]) and row["n_places"] >= 5:
            values.append(row["occupancy"])
    own = achievement(data, selection, "district").iloc[0]["occupancy"]
    assert frame.loc["occupancy", "value"] == pytest.approx(own)
    assert frame.loc["occupancy", "group_median"] == pytest.approx(statistics.median(values))
    assert frame.loc["occupancy", "group_n"] == len(values)
    q1, median, q3 = np.percentile(values, [25, 50, 75])  # numpy's linear quartiles
    quarter = 1 if own <= q1 else 2 if own <= median else 3 if own <= q3 else 4
    words = {1: "unteres Viertel", 2: "zweites Viertel", 3: "drittes Viertel", 4: "oberes Viertel"}
    assert frame.loc["occupancy", "group_position"] == words[quarter]
    assert (frame.loc["occupancy", "group_q1"], frame.loc["occupancy", "group_q3"]) == pytest.approx((q1, q3))


def test_a_chosen_set_includes_the_district_and_is_said(data: AqbData) -> None:
    frame = district_benchmarks(data, Selection(2025, ags=WERRA_MEISSNER), (FRANKFURT, VOGELSBERG, "06631"))
    peers = frame.attrs["peers"]
    assert [p.key for p in peers] == ["group", "chosen"]
    assert peers[1].members == (WERRA_MEISSNER, FRANKFURT, VOGELSBERG, "06631")
    row = frame.set_index("indicator").loc["transition_rate"]
    assert row["chosen_position"] == "nicht eingeordnet (◊)"  # its own rate rests on 9 exits
    assert row["chosen_n_limited"] == 1


def test_sums_name_the_districts_whose_own_value_is_of_limited_significance(data: AqbData) -> None:
    comparison = district_comparison(data, Selection(2025))
    note = limited_note(comparison, {"Regierungsbezirk Kassel": ("06611", WERRA_MEISSNER), "Hessen": ("06611",)})
    assert note.startswith("In den Summen enthalten sind Gebietskörperschaften")
    assert "Übergangsquote (1 in Regierungsbezirk Kassel)" in note
    assert limited_note(comparison, {"Hessen": ("06611",)}) == ""


def test_every_group_has_its_median_and_hessen_counts_all_26(data: AqbData) -> None:
    comparison = district_comparison(data, Selection(2025))
    summary = group_summary(comparison, "budget_eur", (FRANKFURT, VOGELSBERG)).set_index("group")
    assert list(summary.index) == [
        "Kreisfreie Städte",
        "Landkreise, dicht (ab 300 Einw./km²)",
        "Landkreise, mittel (150 bis unter 300 Einw./km²)",
        "Landkreise, dünn (unter 150 Einw./km²)",
        "Hessen (alle 26)",
        "Freie Auswahl (2)",
    ]
    budgets = comparison.set_index("ags")["budget_eur"]
    assert summary.loc["Hessen (alle 26)", "median"] == pytest.approx(budgets.median())
    assert summary.loc["Freie Auswahl (2)", "median"] == pytest.approx((budgets[FRANKFURT] + budgets[VOGELSBERG]) / 2)


def test_one_case_is_named_in_the_singular() -> None:
    frame = pd.DataFrame(
        {"transition_rate": [1.0, 0.0], "n_exits": [1, 0], "occupancy": [2.0, 0.5], "n_places": [1, 2]}
    )
    _, flags = limited_columns(frame)
    assert flags[0] == f"◊ {LIMITED_TEXT}: Auslastung (1 geplanter Platz), Übergangsquote (1 Austritt)"
    assert flags[1] == f"◊ {LIMITED_TEXT}: Auslastung (2 geplante Plätze), Übergangsquote (0 Austritte)"
