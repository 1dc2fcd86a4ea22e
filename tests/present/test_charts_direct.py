"""Figures written directly as Plotly data (no validation per property) are valid Plotly exactly as written."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from aqb_data.analysis.achievement import achievement, stichtage
from aqb_data.analysis.indicators import Selection, allocation_by_levels, allocation_by_measure_type
from aqb_data.present import charts
from aqb_data.present.views import per_inhabitant_view
from aqb_data.read.files import bundled_data

NOTE = "Quelle: Zielvereinbarungen <b>x</b>.xlsx; Datenstand: 31.12.2025"


def _figures() -> dict[str, go.Figure]:
    data = bundled_data()
    selection = Selection(2025)
    top = allocation_by_levels(data, selection, ("land", "regierungsbezirk"))
    districts = allocation_by_levels(data, selection, ("district",))
    day = stichtage(data, 2025)[-1]
    return {
        "allocation in euros": charts.allocation_bars(top, "Hessen: geplante Mittel 2025", NOTE),
        "allocation in shares, long title": charts.allocation_bars(
            districts, "Gebietskörperschaften: geplante Mittel 2025 nach Maßnahmenarten", NOTE, True
        ),
        "per inhabitant": charts.per_inhabitant_bars(
            per_inhabitant_view(data, selection).frame, "€ je Einwohner/in 2025", 4.94, NOTE
        ),
        "deviation": charts.deviation_bars(achievement(data, selection, "district", day), "Abweichung", NOTE),
        "one district per measure type": charts.measure_type_bars(
            allocation_by_measure_type(data, Selection(2025, ags="06635", measure_types=(1, 3)), "district"),
            "Waldeck-Frankenberg: geplante Mittel 2025",
            (1, 3),
            NOTE,
        ),
    }


@pytest.mark.parametrize("name", list(_figures()))
def test_a_directly_written_figure_is_what_plotly_validation_makes_of_it(name: str) -> None:
    fig = _figures()[name]
    validated = go.Figure(fig)  # what the image export does: every property checked and coerced
    assert json.loads(validated.to_json()) == json.loads(fig.to_json())
    assert fig.layout.template.layout.separators == ",."  # the project's template, not the name "aqb"
    assert fig.layout.annotations[-1].text.startswith("Quelle: Zielvereinbarungen &lt;b&gt;x&lt;/b&gt;.xlsx")
    assert fig.layout.margin.b == 50 + 14 * 2  # room for the note's two lines


def test_the_reference_line_is_where_the_validated_helper_puts_it() -> None:
    fig = _figures()["per inhabitant"]
    expected = go.Figure(go.Bar(x=[1], y=["a"], orientation="h"))
    expected.add_vline(
        x=4.94,
        line={"color": charts.TEXT_COLOUR, "dash": "dash", "width": 1.5},
        layer="above",
        annotation_text="Hessen 4,94 €",
        annotation_position="top",
    )
    assert fig.layout.shapes == expected.layout.shapes
    assert fig.layout.annotations[0] == expected.layout.annotations[0]
