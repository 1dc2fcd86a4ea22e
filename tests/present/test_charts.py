"""The figures: the project's own template, German separators, fixed colours, German hover texts."""

import json

import pandas as pd
import pytest

from aqb_data.analysis.indicators import Selection, allocation_by_measure_type, budget_trend
from aqb_data.domain.formatting import format_eur, format_percent
from aqb_data.domain.model import MEASURE_TYPES, UNALLOCATED_COLOUR
from aqb_data.present import charts
from aqb_data.read.files import bundled_data


def _allocation() -> pd.DataFrame:
    return allocation_by_measure_type(bundled_data(), Selection(2025), "district")


def test_allocation_bars_use_fixed_colours_and_german_hover() -> None:
    fig = charts.allocation_bars(_allocation(), "Titel", "Quelle: Test")
    colours = {trace.name: trace.marker.color for trace in fig.data}
    for measure in MEASURE_TYPES.values():
        assert colours[measure.short_label] == measure.colour
    assert colours["Nicht verplant"] == UNALLOCATED_COLOUR
    assert fig.layout.template.layout.separators == ",."
    waldeck = next(t for t in fig.data if t.name == "Qualifizierung")
    hover = [h for h in waldeck.hovertext if h.startswith("<b>Waldeck-Frankenberg</b>")][0]
    assert "€" in hover and "des Budgets (773.920 €)" in hover
    assert fig.layout.annotations[0].text == "Quelle: Test"


def test_allocation_bars_as_share_show_percent_of_each_budget() -> None:
    fig = charts.allocation_bars(_allocation(), "Titel", as_share=True)
    stacked = pd.DataFrame({"y": [], "x": []})
    for trace in fig.data:
        stacked = pd.concat([stacked, pd.DataFrame({"y": trace.y, "x": trace.x})])
    totals = stacked.groupby("y")["x"].sum()
    # Each district's bar reaches 100 % of its budget unless it is over-planned (then more) - Waldeck-Frankenberg,
    # whose signed agreement names no amounts, too: its whole bar is the cross-hatched "ohne Projektbeträge".
    assert len(totals) == 26
    assert (totals.round(6) >= 100).all()
    drawn = [(t, x) for t in fig.data for y, x in zip(t.y, t.x, strict=True) if y == "Waldeck-Frankenberg" and x > 0]
    assert [(t.name, x) for t, x in drawn] == [("ohne Projektbeträge", 100.0)]
    assert drawn[0][0].marker.pattern.shape == "x"
    assert fig.layout.xaxis.ticksuffix == " %"


def test_measure_type_bars_say_which_types_have_no_projects_or_no_amounts() -> None:
    # The signed Waldeck-Frankenberg 2025 agreement lists projects under 1 and 3 but names no amounts.
    allocation = allocation_by_measure_type(bundled_data(), Selection(2025, ags="06635"), "district")
    fig = charts.measure_type_bars(allocation, "Waldeck-Frankenberg")
    # Why a type has no bar stands under its name: the names stay short for a narrow column.
    assert list(fig.data[0].y) == [
        "Ausbildungsvorbereitung",
        "Ausbildung & Coaching",
        "Qualifizierung",
        "Weiterbildung Personal",
        "ohne Projektbeträge",
    ]  # no "Nicht verplant": with amounts missing, the budget is not known to be free
    assert list(fig.layout.yaxis.ticktext) == [
        "Ausbildungsvorbereitung<br>ohne geplante Mittel",
        "Ausbildung & Coaching<br>keine Projekte",
        "Qualifizierung<br>ohne geplante Mittel",
        "Weiterbildung Personal<br>keine Projekte",
        "ohne Projektbeträge<br>773.920 € (100,0 %)",
    ]
    assert fig.data[0].x[-1] == 773_920


def test_measure_type_bars_show_amount_share_and_rest() -> None:
    data = bundled_data()
    allocation = allocation_by_measure_type(data, Selection(2025, ags="06611"), "district")
    fig = charts.measure_type_bars(allocation, "Kassel (Stadt)")
    rest = allocation.set_index("measure_type").loc[0]
    assert list(fig.data[0].y)[-1] == "Nicht verplant"
    assert fig.data[0].text[-1] == f"{format_eur(rest['planned_eur'])} ({format_percent(rest['share'])})"


def test_budget_trend_has_category_years_and_german_labels() -> None:
    trend = budget_trend(bundled_data(), Selection(2025, ags="06635"))
    fig = charts.budget_trend_bars(trend, "Waldeck-Frankenberg", highlight_year=2025)
    assert list(fig.data[0].x) == ["2021", "2022", "2023", "2024", "2025"]
    assert fig.layout.xaxis.type == "category"
    assert fig.data[0].text[-1] == "773.920 €"
    assert fig.data[0].marker.color[-1] == charts.ACCENT


def test_image_config_is_a_16_9_png_with_a_safe_file_name() -> None:
    config = charts.image_config("aqb_verteilung_Kassel (Stadt)_2025")
    options = config["toImageButtonOptions"]
    assert (options["width"], options["height"]) == (1600, 900)
    assert options["filename"] == "aqb_verteilung_Kassel_Stadt_2025"


def test_a_views_figure_is_built_once_per_version_of_the_data_and_equals_a_fresh_build() -> None:
    from aqb_data.analysis.comparison import district_comparison, geojson

    data = bundled_data()
    selection = Selection(2025, regierungsbezirk="Gießen")
    first = charts.comparison_map(data, selection, "budget_eur", "Quelle: Test")
    assert charts.comparison_map(data, selection, "budget_eur", "Quelle: Test") is first  # a rerun builds nothing
    comparison = district_comparison(data, selection)
    giessen = tuple(comparison.loc[comparison["regierungsbezirk"] == "Gießen", "ags"])  # the view outlines them
    outline = {"outlined": giessen, "outline_label": "Regierungsbezirk Gießen"}
    fresh = charts.district_map(
        comparison, "budget_eur", "Haushaltsmittel", "eur", geojson(), "Quelle: Test", **outline
    )
    assert first.to_json() == fresh.to_json()
    levels = ("land", "regierungsbezirk")
    shares = charts.allocation_chart(data, selection, levels, "Verteilung", "Quelle: Test", True)
    frame = pd.concat([allocation_by_measure_type(data, selection, level) for level in levels], ignore_index=True)
    assert shares.to_json() == charts.allocation_bars(frame, "Verteilung", "Quelle: Test", True).to_json()
    assert charts.comparison_map(bundled_data(), selection, "budget_eur", "Quelle: Test") is not first


def test_small_multiples_show_each_measure_types_share_of_every_budget_on_one_scale() -> None:
    allocation = _allocation()
    fig = charts.measure_type_small_multiples(allocation, "Anteile", "Quelle: Test")
    assert [trace.name for trace in fig.data] == [mt.short_label for mt in MEASURE_TYPES.values()]
    assert [a.text for a in fig.layout.annotations[:4]] == [mt.short_label for mt in MEASURE_TYPES.values()]
    for index, (code, trace) in enumerate(zip(MEASURE_TYPES, fig.data, strict=True)):
        rows = allocation[allocation["measure_type"] == code]
        drawn = dict(zip(trace.y, trace.x, strict=True))
        assert drawn == pytest.approx(dict(zip(rows["unit_label"], rows["share"] * 100, strict=True)), nan_ok=True)
        assert trace.marker.color == MEASURE_TYPES[code].colour
        axis = fig.layout[f"xaxis{index + 1 if index else ''}"]
        assert axis.ticksuffix == " %" and (axis.matches == "x" or index == 0)  # one scale for all panels
    qualifizierung = next(t for t in fig.data if t.name == "Qualifizierung")
    assert qualifizierung.hovertemplate.startswith("<b>%{y}</b><br>Qualifizierung: %{x:,.1f} % des Budgets")
    # The districts in the order of their budgets, the largest at the top (plotly draws the first at the bottom).
    budgets = allocation.drop_duplicates("unit_label").sort_values("budget_eur")
    assert list(fig.layout.yaxis.categoryarray) == list(budgets["unit_label"])
    assert list(fig.layout.yaxis.categoryarray)[-1] == "Frankfurt am Main"
    assert fig.layout.annotations[-1].text == "Quelle: Test"


def test_the_map_sends_the_district_outlines_exactly_as_the_file_has_them() -> None:
    """The outlines are held as arrays (cheap to copy on every draw); the chart's JSON is the file's GeoJSON."""
    from aqb_data.paths import GEOJSON

    in_file = {f["properties"]["ags"]: f for f in json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]}
    fig = charts.comparison_map(bundled_data(), Selection(2025), "status", "Quelle: Test")
    sent = [feature for layer in json.loads(fig.to_json())["data"] for feature in layer["geojson"]["features"]]
    assert len(sent) == 26
    for feature in sent:
        assert feature == in_file[feature["properties"]["ags"]]
