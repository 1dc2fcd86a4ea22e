"""German display formats (aqb_data.domain.formatting)."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from aqb_data.domain.formatting import (
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
        (-0.004, "eur", "±0 €"),  # less than a cent
        (-0.4, "eur", "-0,40 €"),  # an amount keeps its cents
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


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_312_450.50, "1.312.450,50 €"),
        (773_920, "773.920 €"),
        (773_920.0000001, "773.920 €"),  # whole to the cent: no cents
        (0.1 + 0.2, "0,30 €"),
        (-49_999.9, "-49.999,90 €"),
    ],
)
def test_an_amount_keeps_its_cents_where_it_has_them(value: float, text: str) -> None:
    assert format_eur(value) == text


def test_explicit_decimals_still_rule() -> None:
    assert format_eur(4.9375, 2) == "4,94 €"
    assert format_eur(1_312_450.50, 0) == "1.312.451 €"
