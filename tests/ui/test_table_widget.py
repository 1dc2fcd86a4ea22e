"""ui.widgets.table: German texts on the screen over the numbers themselves, so that sorting sorts by number."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.screen import shown


def _app() -> None:
    import math
    from datetime import date

    import pandas as pd

    from aqb_data.domain.formatting import format_date, format_eur, format_percent
    from aqb_data.present.views import FormatByRow
    from tests.factory import make_data
    from ui.widgets import table

    frame = pd.DataFrame(
        {
            "name": ["Kassel", "Fulda", "Gießen"],
            "budget": [773920.0, 1312450.5, math.nan],
            "rate": [0.125, 0.09, None],
            "day": [date(2025, 8, 13), None, date(2024, 12, 31)],
            "value": [0.5, 1200.0, 0.031],
            "kind": ["percent", "eur", "percent"],
        }
    )
    columns = {
        "name": ("Gebietskörperschaft", None),
        "budget": ("Haushaltsmittel", format_eur),
        "rate": ("Mittelabfluss", format_percent),
        "day": ("Stichtag", format_date),
        "value": ("Wert", FormatByRow("kind", {"percent": format_percent, "eur": format_eur})),
    }
    table(frame, columns, "Probe", data=make_data(), view=None)
    table(frame, columns, "Probe mit Auswahl", data=make_data(), view=None, on_select="rerun", key="rows")


def test_a_table_shows_german_texts_and_sorts_by_the_numbers_under_them() -> None:
    at = AppTest.from_function(_app, default_timeout=60).run()
    assert not at.exception
    assert len(at.dataframe) == 2
    for element in at.dataframe:  # replayed or drawn as a widget: the same cells
        text = shown(element)
        assert list(text.columns) == ["Gebietskörperschaft", "Haushaltsmittel", "Mittelabfluss", "Stichtag", "Wert"]
        assert text.values.tolist() == [
            ["Kassel", "773.920 €", "12,5 %", "13.08.2025", "50,0 %"],
            ["Fulda", "1.312.450,50 €", "9,0 %", "–", "1.200 €"],
            ["Gießen", "–", "–", "31.12.2024", "3,1 %"],
        ]
        numbers = element.value
        assert pd.api.types.is_float_dtype(numbers["Haushaltsmittel"])  # a click on the heading sorts 9,0 % < 12,5 %
        assert numbers["Mittelabfluss"].tolist()[:2] == [0.125, 0.09]
