"""Fair comparison in the figures: the chosen district outlined on the map, quantile classes named in German,
status legends with symbol and text, and distributions with the chosen rows named and small numbers hollow."""

import struct

import pandas as pd
import pytest

from aqb_data.analysis.achievement import STATUS_SYMBOL
from aqb_data.analysis.comparison import MAP_ATTRIBUTION, geojson
from aqb_data.analysis.indicators import Selection
from aqb_data.domain.districts import district_label
from aqb_data.export import images
from aqb_data.present import charts
from aqb_data.read.files import bundled_data

KASSEL_STADT, KASSEL_LANDKREIS = "06611", "06633"  # the city lies inside the Landkreis


def _classes(values: list[float | None], kind: str) -> tuple[list[float], list[str], list[object]]:
    bounds, labels, members = charts.quantile_classes(pd.Series(values, dtype="float64"), kind)
    return bounds, labels, [None if pd.isna(m) else int(m) for m in members]


def test_quantile_classes_split_the_values_into_quarters_named_by_their_bounds() -> None:
    bounds, labels, members = _classes([1, 2, 3, 4, 5, 6, 7, 8, None], "eur")
    assert bounds == [2, 4, 6, 8]  # values of the data: a value at a bound lies in the class it closes
    assert labels == ["bis 2 €", "über 2 € bis 4 €", "über 4 € bis 6 €", "über 6 € bis 8 €"]
    assert members == [0, 0, 1, 1, 2, 2, 3, 3, None]  # without a value: no class


def test_tied_values_share_a_class_and_a_class_of_one_value_is_named_by_it() -> None:
    bounds, labels, members = _classes([1, 1, 1, 1, 1, 2], "eur")
    assert (bounds, labels, members) == ([1, 2], ["1 €", "2 €"], [0, 0, 0, 0, 0, 1])


def test_fewer_distinct_values_than_classes_give_fewer_classes() -> None:
    assert _classes([0.1, 0.2], "percent") == ([0.1, 0.2], ["10,0 %", "20,0 %"], [0, 1])
    assert _classes([0.5], "percent") == ([0.5], ["50,0 %"], [0])
    assert _classes([None, None], "eur") == ([], [], [None, None])


def test_bounds_that_read_alike_are_one_class() -> None:
    # 12,31 % and 12,34 % both read "12,3 %": two classes named alike would be one in the reader's eyes.
    bounds, labels, members = _classes([0.1231, 0.1234, 0.5, 0.9], "percent")
    assert (bounds, labels, members) == ([0.1234, 0.5, 0.9], ["12,3 %", "50,0 %", "90,0 %"], [0, 0, 1, 2])
    _, labels, _ = _classes([-0.25, -0.1, 0.0, 0.05, 0.2, 0.3, 0.4, 0.5], "points")
    assert labels[0] == f"bis {charts.format_indicator(-0.1, 'points')}"
    assert labels[1] == f"über {charts.format_indicator(-0.1, 'points')} bis {charts.format_indicator(0.05, 'points')}"


def _frame(values: dict[str, float | None]) -> pd.DataFrame:
    """The 26 districts with hand-set values of one indicator (others without a value)."""
    features = geojson()["features"]
    return pd.DataFrame(
        {
            "ags": [f["properties"]["ags"] for f in features],
            "label": [district_label(f["properties"]["ags"]) for f in features],
            "value": [values.get(f["properties"]["ags"]) for f in features],
        }
    ).astype({"value": "float64"})


def test_the_quantile_map_draws_each_class_in_its_colour_named_in_german_and_the_missing_in_grey() -> None:
    features = [f["properties"]["ags"] for f in geojson()["features"]]
    values = {ags: 1000.0 * (number + 1) for number, ags in enumerate(features[:20])}  # six without a value
    frame = _frame(values)
    fig = charts.district_map(frame, "value", "Haushaltsmittel", "eur", geojson(), "Quelle: Test", "quantile")
    _, labels, members = charts.quantile_classes(frame["value"], "eur")
    base, *layers = fig.data
    assert [layer.name for layer in layers] == labels
    assert labels[0] == "bis 5.000 €" and labels[-1] == "über 15.000 € bis 20.000 €"
    for number, layer in enumerate(layers):
        assert list(layer.locations) == list(frame.loc[members == number, "ags"])
        assert layer.showlegend and layer.colorscale[0][1] == layer.colorscale[1][1]  # one colour per class
    assert len({layer.colorscale[0][1] for layer in layers}) == len(layers)
    assert (base.name, base.showlegend, sorted(base.locations)) == ("ohne Wert", True, sorted(features[20:]))
    assert fig.layout.legend.title.text == "Quantilklassen"
    texts = [a.text for a in fig.layout.annotations]
    assert MAP_ATTRIBUTION in texts and "Quelle: Test" in texts


def test_the_selected_district_is_outlined_named_in_the_legend_and_its_hover() -> None:
    frame = _frame({KASSEL_STADT: 5.0, KASSEL_LANDKREIS: 3.0})
    plain = charts.district_map(frame, "value", "Haushaltsmittel", "eur2", geojson())
    assert not [t for t in plain.data if t.type == "scattermap"]  # no district chosen: no outline
    fig = charts.district_map(
        frame, "value", "Haushaltsmittel", "eur2", geojson(), outlined=(KASSEL_STADT,), outline_label="Kassel (Stadt)"
    )
    casing, line = [t for t in fig.data if t.type == "scattermap"]
    assert fig.data[-2:] == (casing, line)  # drawn last: on top of every colour
    assert (line.name, line.showlegend, line.line.width) == ("umrandet: Kassel (Stadt)", True, 3.5)
    assert casing.line.width > line.line.width and not casing.showlegend  # a white edge: visible on dark colours
    drawn = set(zip(line.lon, line.lat, strict=True)) - {(None, None)}
    assert drawn == {point for ring in geojson_rings(KASSEL_STADT) for point in ring}  # all around, both parts
    coloured = next(t for t in fig.data if t.type == "choroplethmap" and KASSEL_STADT in list(t.locations))
    hover = dict(zip(coloured.locations, coloured.hovertext, strict=True))
    assert hover[KASSEL_STADT] == "Kassel (Stadt) · umrandet"
    assert hover[KASSEL_LANDKREIS] == "Kassel (Landkreis)"


def geojson_rings(ags: str) -> list[list[tuple[float, float]]]:
    """The rings of one district's shape as lists of (lon, lat)."""
    feature = next(f for f in geojson()["features"] if f["properties"]["ags"] == ags)
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [[tuple(point) for point in ring.tolist()] for polygon in polygons for ring in polygon]


def _edges(rings: list[list[tuple[float, float]]]) -> set[frozenset]:
    return {frozenset(pair) for ring in rings for pair in zip(ring, ring[1:], strict=False)}


def test_several_districts_get_one_line_around_them_not_their_inner_borders() -> None:
    # The city of Kassel lies inside the Landkreis: outlined together, the line around both leaves out the border
    # they share (the shapes share their vertices there).
    frame = _frame({})
    fig = charts.district_map(
        frame, "value", "Wert", "eur", geojson(), outlined=(KASSEL_STADT, KASSEL_LANDKREIS), outline_label="beide"
    )
    line = fig.data[-1]
    paths, path = [], []
    for point in zip(line.lon, line.lat, strict=True):
        if point == (None, None):
            paths.append(path)
            path = []
        else:
            path.append(point)
    city, landkreis = _edges(geojson_rings(KASSEL_STADT)), _edges(geojson_rings(KASSEL_LANDKREIS))
    shared = city & landkreis
    assert len(shared) > 40
    assert _edges(paths) == (city | landkreis) - shared


def test_the_map_of_the_view_outlines_the_chosen_district_or_regierungsbezirk() -> None:
    data = bundled_data()
    district = charts.comparison_map(data, Selection(2025, ags=KASSEL_STADT), "occupancy", "Quelle: Test")
    assert district.data[-1].name == "umrandet: Kassel (Stadt)"
    region = charts.comparison_map(data, Selection(2025, regierungsbezirk="Kassel"), "occupancy", "", "quantile")
    assert region.data[-1].name == "umrandet: Regierungsbezirk Kassel"
    assert [t.name for t in region.data[1:-2]][0].startswith("bis ")
    land = charts.comparison_map(data, Selection(2025), "occupancy", "Quelle: Test")
    assert not [t for t in land.data if t.type == "scattermap"]


def test_the_status_legend_carries_symbol_and_text() -> None:
    fig = charts.comparison_map(bundled_data(), Selection(2025), "status", "Quelle: Test")
    names = [t.name for t in fig.data[1:]]
    assert names and all(name == f"{STATUS_SYMBOL[name[2:]]} {name[2:]}" for name in names)
    assert f"{STATUS_SYMBOL['im Plan']} im Plan" in names


def _districts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Anstadt", "Bedorf", "Cehausen", "Dekreis", "Eberg", "Fstadt"],
            "group": ["Städte", "Städte", "Städte", "Kreise", "Kreise", "Kreise"],
            "occupancy": [0.40, 0.50, 0.90, 0.60, 0.70, None],
            "limited": [(), (), ("occupancy",), (), ("transition_rate",), ()],
        }
    )


def test_a_distribution_names_the_highlighted_value_and_draws_it_apart() -> None:
    frame = _districts()
    fig = charts.distribution(
        frame, "occupancy", "label", frame["label"].eq("Bedorf"), "Auslastung", "Quelle: Test", "percent"
    )
    chosen = next(t for t in fig.data if t.name == "gewählt")
    assert list(chosen.x) == [pytest.approx(50.0)] and chosen.hovertext == ("<b>Bedorf</b><br>50,0 %",)
    others = next(t for t in fig.data if t.name == "übrige")
    assert chosen.marker.size > others.marker.size and chosen.marker.line.width  # not only by colour
    assert [a.text for a in fig.layout.annotations if a.showarrow] == ["Bedorf"]
    assert fig.layout.annotations[-1].text == "Quelle: Test"
    assert fig.layout.title.subtitle.text == "5 Werte · ohne Wert: 1 · ◊ eingeschränkt aussagekräftig: 1 " + (
        "(nicht in Median und Quartilen)"
    )


def test_values_of_limited_significance_are_hollow_and_left_out_of_median_and_quartiles() -> None:
    frame = _districts()
    fig = charts.distribution(frame, "occupancy", "label", frame["label"].eq("Cehausen"), "Auslastung", "", "percent")
    chosen = next(t for t in fig.data if t.name == "gewählt (◊)")
    assert chosen.marker.symbol == "circle-open" and chosen.hovertext[0].endswith("◊ eingeschränkt aussagekräftig")
    assert not [t for t in fig.data if t.name == "gewählt"]
    box = next(t for t in fig.data if t.type == "box")
    # 40, 50, 60, 70 % (Cehausen's 90 % rests on too few places; Eberg is flagged for another ratio only).
    assert (box.q1[0], box.median[0], box.q3[0]) == pytest.approx((47.5, 55.0, 62.5))
    marks = next(t for t in fig.data if t.type == "scatter" and t.hovertext[0].startswith("Median"))
    assert marks.hovertext[0] == "Median 55,0 %<br>mittlere Hälfte 47,5 % bis 62,5 %<br>aus 4 Werten (ohne 1 mit ◊)"
    plain = charts.distribution(
        frame.assign(limited=[False, False, True, False, False, False]),
        "occupancy",
        "label",
        frame["label"].eq("Anstadt"),
        "Auslastung",
        "",
        "percent",
    )
    hollow = next(t for t in plain.data if t.name == "◊ eingeschränkt aussagekräftig")
    assert hollow.marker.symbol == "circle-open" and list(hollow.x) == [pytest.approx(90.0)]


def test_a_distribution_by_group_has_a_row_and_a_box_per_group() -> None:
    frame = _districts()
    fig = charts.distribution(
        frame, "occupancy", "label", frame["label"].eq("Dekreis"), "Auslastung", "", "percent", group_column="group"
    )
    assert list(fig.layout.yaxis.ticktext) == ["Städte", "Kreise"]
    box = next(t for t in fig.data if t.type == "box")
    assert list(box.median) == pytest.approx([45.0, 65.0])  # Städte without Cehausen (◊); Kreise without Fstadt
    chosen = next(t for t in fig.data if t.name == "gewählt")
    assert round(chosen.y[0]) == 1  # on the row of its group


@pytest.mark.parametrize(
    "values",
    [[], [None, None, None], [0.25]],
    ids=["keine-zeilen", "nur-leere-werte", "ein-wert"],
)
def test_a_distribution_never_shows_nan_and_says_when_there_is_nothing_to_show(values: list[float | None]) -> None:
    frame = pd.DataFrame(
        {"label": [None, "Bedorf", "Cehausen"][: len(values)], "value": pd.Series(values, dtype="float64")}
    )
    highlight = pd.Series([True] * len(values), index=frame.index, dtype="bool")
    fig = charts.distribution(frame, "value", "label", highlight, "Übergangsquote", "Quelle: Test", "percent")
    assert "nan" not in fig.to_json().lower()
    texts = [a.text for a in fig.layout.annotations]
    if values == [0.25]:
        assert [t.x for t in fig.data if t.name == "gewählt"] == [(pytest.approx(25.0),)]
        assert "–" in texts  # a highlighted row without a name is named "–", not "nan"
    else:
        assert "Keine Werte für diese Auswahl." in texts and not fig.data
        assert fig.layout.xaxis.visible is False
    assert "Quelle: Test" in texts


def test_a_distribution_of_projects_names_missing_names_and_groups_without_nan() -> None:
    frame = pd.DataFrame(
        {
            "label": ["Projekt A", None, "Projekt <C>", "Projekt D"],
            "träger": ["Träger 1", None, "Träger 1", "Träger 2"],
            "value": [1200.0, None, 3400.5, 5600.0],
        }
    )
    highlight = pd.Series([False, True, True, False])
    fig = charts.distribution(frame, "value", "label", highlight, "Kosten", "", "eur2", "träger")
    assert "nan" not in fig.to_json().lower()
    assert fig.layout.title.subtitle.text == "3 Werte · ohne Wert: 1<br>gewählt ohne Wert: –"
    chosen = next(t for t in fig.data if t.name == "gewählt")
    assert chosen.hovertext == ("<b>Projekt &lt;C&gt;</b><br>3.400,50 €<br>Träger 1",)  # names shown as text
    assert fig.layout.xaxis.ticksuffix == " €"


@pytest.mark.skipif(not images.available(), reason="Kein Chromium installiert: Bildexport nicht prüfbar")
def test_the_outlined_quantile_map_and_a_distribution_draw_as_images() -> None:
    data = bundled_data()
    for fig in (
        charts.comparison_map(data, Selection(2025, ags=KASSEL_STADT), "occupancy", "Quelle: Test", "quantile"),
        charts.distribution(
            _districts(), "occupancy", "label", _districts()["label"].eq("Bedorf"), "Auslastung", "Quelle", "percent"
        ),
    ):
        png = images.figure_image(fig, "png", width=1366, height=768)
        assert struct.unpack(">II", png[16:24]) == (2732, 1536)
