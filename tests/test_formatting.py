"""German display formats (aqb_data.formatting)."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from aqb_data.formatting import (
    NOT_AVAILABLE,
    format_change,
    format_date,
    format_eur,
    format_number,
    format_percent,
    safe_file_stem,
)

MISSING = [None, math.nan, float("inf"), np.nan, pd.NA, pd.NaT]
FORMATTERS = [format_number, format_eur, format_percent, format_change, format_date]


def test_not_available_is_the_dash():
    assert NOT_AVAILABLE == "–"


@pytest.mark.parametrize("formatter", FORMATTERS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("value", MISSING, ids=repr)
def test_missing_values_show_as_dash(formatter, value):
    assert formatter(value) == "–"


@pytest.mark.parametrize(
    ("value", "kind", "text"),
    [
        (12_000, "eur", "+12.000 €"),
        (-3_500, "eur", "-3.500 €"),
        (0, "eur", "±0 €"),
        (-0.4, "eur", "±0 €"),
        (0.035, "percent", "+3,5 %"),
        (-0.035, "percent", "-3,5 %"),
        (0.0001, "percent", "±0,0 %"),
    ],
)
def test_format_change_signs(value, kind, text):
    assert format_change(value, kind) == text


def test_every_negative_number_uses_the_same_minus():
    # One sign everywhere, the one Excel and Streamlit's metric arrows understand.
    assert format_change(-1).startswith("-")
    assert format_eur(-49_999.90, 2) == "-49.999,90 €"


@pytest.mark.parametrize(
    "value",
    [date(2025, 8, 13), datetime(2025, 8, 13, 14, 30), pd.Timestamp("2025-08-13 09:00")],
    ids=["date", "datetime", "Timestamp"],
)
def test_format_date(value):
    assert format_date(value) == "13.08.2025"


def test_format_date_pads_day_and_month():
    assert format_date(date(2025, 3, 2)) == "02.03.2025"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aqb_verteilung_Kassel (Stadt)_2025", "aqb_verteilung_Kassel_Stadt_2025"),
        ("Werra-Meißner-Kreis 2025", "Werra-Meissner-Kreis_2025"),
        ("../../etc/passwd", "etc_passwd"),
        ("§§§", "aqb"),
    ],
)
def test_safe_file_stem(text: str, expected: str) -> None:
    assert safe_file_stem(text) == expected
