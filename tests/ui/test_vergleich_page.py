"""The comparison: every district on the map keyed by AGS, the ranking, a district against its context."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aqb_data.analysis.achievement import STATUS_SYMBOL
from aqb_data.analysis.comparison import INDICATORS, district_against_context, district_comparison, geojson
from aqb_data.analysis.indicators import Selection, land_totals
from aqb_data.present import charts
from aqb_data.read.files import bundled_data
from tests.screen import shown

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("measure_types", [(1, 2, 3, 4), (4,)], ids=["alle", "nur-4"])
@pytest.mark.parametrize("key", list(INDICATORS))
def test_the_map_holds_the_26_districts_keyed_by_ags(key: str, measure_types: tuple[int, ...]) -> None:
    # With only measure type 4, 18 districts have no project: they must still be on the map.
    comparison = district_comparison(bundled_data(), Selection(2025, measure_types=measure_types))
    indicator = INDICATORS[key]
    fig = charts.district_map(comparison, key, indicator.label, indicator.kind, geojson())
    all_ags = sorted(f["properties"]["ags"] for f in geojson()["features"])
    without_value = set(comparison.loc[comparison[key].isna(), "ags"])
    base, *layers = fig.data
    assert set(base.locations) == without_value  # in grey: a district without a value stays visible
    coloured = [ags for trace in layers for ags in trace.locations]
    assert sorted([*base.locations, *coloured]) == all_ags  # every district, keyed by AGS, once
    for trace in fig.data:  # each layer brings the outlines of the districts it shows, and only those
        assert sorted(f["properties"]["ags"] for f in trace.geojson["features"]) == sorted(trace.locations)
    values = comparison.set_index("ags")[key]
    for trace in layers:
        hover = dict(zip(trace.locations, (c[0] for c in trace.customdata), strict=True))
        assert hover == {ags: charts.format_indicator(values[ags], indicator.kind) for ags in trace.locations}
        if indicator.kind == "status":  # one layer per status, in its colour, named with symbol and text
            (status,) = {values[ags] for ags in trace.locations}
            assert trace.name == f"{STATUS_SYMBOL[status]} {status}"
            assert trace.colorscale[0][1] == charts.STATUS_COLOURS[status]
            assert trace.showlegend  # the legend names the colours
        else:
            scale = 100 if indicator.kind in ("percent", "points") else 1
            assert list(trace.z) == pytest.approx([values[ags] * scale for ags in trace.locations])
    assert fig.layout.map.style == "white-bg"  # no tiles from the internet
    assert any("© GeoBasis-DE / BKG (2020)" in a.text for a in fig.layout.annotations)


def test_a_district_against_its_regierungsbezirk_and_the_land_sums_before_dividing() -> None:
    data = bundled_data()
    context = district_against_context(data, Selection(2025, ags="06611")).set_index("indicator")
    assert context.loc["budget_eur", "district"] == 1_146_770.0
    kassel_rb = land_totals(data, Selection(2025, regierungsbezirk="Kassel"))
    assert context.loc["budget_per_inhabitant", "regierungsbezirk"] == pytest.approx(kassel_rb["budget_per_inhabitant"])
    assert context.loc["budget_eur", "land"] == 28_300_000.0


def test_the_page_ranks_by_the_indicator_in_the_link() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["kennzahl"] = "Haushaltsmittel je Einwohner/in"
    at.query_params["kreis"] = "Waldeck-Frankenberg"
    at.run()
    at.switch_page("app_pages/vergleich.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="kennzahl").value == "budget_per_inhabitant"
    ranking = next(shown(d) for d in at.dataframe if "Rang" in d.value.columns)
    assert ranking.iloc[0]["Gebietskörperschaft"] == "Frankfurt am Main"
    assert ranking.iloc[0]["Haushaltsmittel je Einwohner/in"] == "5,87 €"
    assert "▶ Waldeck-Frankenberg" in list(ranking["Gebietskörperschaft"])
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert len({ags for trace in spec["data"] for ags in trace.get("locations", [])}) == 26
    assert "umrandet: Waldeck-Frankenberg" in {trace.get("name") for trace in spec["data"]}  # the chosen district
    context = next(d.value for d in at.dataframe if "Kennzahl" in d.value.columns)
    assert list(context.columns) == ["Kennzahl", "Waldeck-Frankenberg", "Regierungsbezirk Kassel", "Hessen"]


def test_ranking_by_status_puts_districts_behind_plan_first() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["kennzahl"] = "Status"
    at.run()
    at.switch_page("app_pages/vergleich.py").run()
    ranking = next(shown(d) for d in at.dataframe if "Rang" in d.value.columns)
    assert ranking["Status"].iloc[0] == "im Verzug"
    assert ranking["Status"].iloc[-1] == "keine Daten"


@pytest.mark.parametrize("page", ["app_pages/zielerreichung.py", "app_pages/vergleich.py", "app_pages/zeitreihe.py"])
def test_a_district_without_projects_of_the_chosen_type_shows_no_data_not_an_error(page: str) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["kreis"] = "Kassel (Stadt)"
    at.query_params["ma"] = "4 Weiterbildung Personal"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]


def test_the_colour_scale_in_the_link_draws_quantile_classes_with_the_chosen_district_outlined() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["kennzahl"] = "Auslastung"
    at.query_params["skala"] = "Quantilklassen"
    at.query_params["kreis"] = "Main-Kinzig-Kreis"
    at.run()
    at.switch_page("app_pages/vergleich.py").run()
    assert not at.exception, [e.message for e in at.exception]
    names = [trace.get("name") for trace in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert names[1].startswith("bis ") and names[2].startswith("über ") and names[1].endswith(" %")
    assert names[-1] == "umrandet: Main-Kinzig-Kreis"
