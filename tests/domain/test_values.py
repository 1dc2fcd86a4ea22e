"""Reading single cell values typed the German way (aqb_data.domain.values)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from aqb_data.domain.values import (
    EXPECTED_COUNT,
    EXPECTED_DATE,
    EXPECTED_MONEY,
    EXPECTED_YEAR,
    is_empty,
    parse_count,
    parse_date,
    parse_money,
    parse_year,
)

AUG_13_2025 = date(2025, 8, 13)


# --- is_empty ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, float("nan"), "", "   ", "-", "–", "—", "./.", "k.A.", "n.v."])
def test_empty_cells(value):
    assert is_empty(value)


@pytest.mark.parametrize("value", [0, 0.0, "0", "x", False, date(2025, 1, 1)])
def test_non_empty_cells(value):
    assert not is_empty(value)


# --- parse_money ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        ("773.920,00 €", 773920.0),
        ("1.140.300", 1140300.0),
        ("EUR 955.000", 955000.0),
        ("955.000 Euro", 955000.0),
        ("12,5", 12.5),
        ("773920.5", 773920.5),
        ("773920", 773920.0),
        ("0,10", 0.10),
        ("773.919,70 €", 773919.70),
        (" 1 140 300,00 ", 1140300.0),
        ("1\u00a0140\u00a0300 €", 1140300.0),
        (773920, 773920.0),
        (773920.5, 773920.5),
        (0, 0.0),
    ],
)
def test_money(value, amount):
    assert parse_money(value) == amount


@pytest.mark.parametrize(
    ("value", "amount"),
    [(0.1 + 0.2, 0.3), (sum([0.1] * 10), 1.0), (773919.6 + 0.1, 773919.7), (999_999_999_999.99, 999_999_999_999.99)],
)
def test_money_floats_off_by_excel_arithmetic_are_the_cent_amount(value, amount):
    assert parse_money(value) == amount


@pytest.mark.parametrize("value", [1234.567, 773919.999, 12.344999, 1140300.004, 0.001])
def test_money_floats_with_more_than_two_decimals_are_refused_not_rounded(value):
    with pytest.raises(ValueError) as caught:
        parse_money(value)
    assert str(caught.value) == EXPECTED_MONEY + " (höchstens zwei Nachkommastellen)"


@pytest.mark.parametrize(("value", "amount"), [("4,94 €", 4.94), ("1,14", 1.14), ("7,69", 7.69)])
def test_money_text_with_cents_is_the_exact_cent_amount(value, amount):
    assert parse_money(value) == amount


def test_money_with_more_than_two_decimals_is_ambiguous_and_refused():
    with pytest.raises(ValueError) as caught:
        parse_money("12,345")
    assert str(caught.value) == EXPECTED_MONEY + " (höchstens zwei Nachkommastellen)"


@pytest.mark.parametrize("value", ["-5", "-773.920,00 €", "− 10", -0.5, -100])
def test_negative_money_is_refused(value):
    with pytest.raises(ValueError, match="nicht negativ"):
        parse_money(value)


@pytest.mark.parametrize("value", ["–", "", "  ", None, float("nan"), "k.A."])
def test_empty_money_is_none(value):
    assert parse_money(value) is None


@pytest.mark.parametrize("value", [True, False, "abc", "1,140.30", float("inf"), "12,3,4", "800 € / 200 €"])
def test_money_that_is_not_an_amount_is_refused(value):
    with pytest.raises(ValueError) as caught:
        parse_money(value)
    assert str(caught.value).startswith(EXPECTED_MONEY)


@pytest.mark.parametrize("value", ["800 € 200 €", "12 Euro 50"])
def test_money_with_a_currency_word_between_two_numbers_is_refused(value):
    with pytest.raises(ValueError):
        parse_money(value)


def test_amounts_sum_exactly_to_the_cent():
    amounts = [parse_money(text) for text in ("0,10", "0,20 €", "773.919,70")]
    assert round(sum(amounts), 2) == 773920.00


# --- parse_count ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "count"),
    [("1.234", 1234), ("12,0", 12), ("12", 12), (" 7 ", 7), (12, 12), (12.0, 12), (0, 0), ("0", 0)],
)
def test_count(value, count):
    assert parse_count(value) == count
    assert isinstance(parse_count(value), int)


@pytest.mark.parametrize("value", [1.5, "1,5", "1.5", -1, "-1", True, "zwölf", float("inf")])
def test_count_that_is_not_a_whole_number_from_0_is_refused(value):
    with pytest.raises(ValueError) as caught:
        parse_count(value)
    assert str(caught.value) == EXPECTED_COUNT


@pytest.mark.parametrize("value", [None, "", "–"])
def test_empty_count_is_none(value):
    assert parse_count(value) is None


# --- parse_year -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "year"), [(2025, 2025), ("2025", 2025), (2025.0, 2025), (" 2024 ", 2024)])
def test_year(value, year):
    assert parse_year(value) == year


@pytest.mark.parametrize("value", [1999, 2101, "25", "2025,5", 2025.5, "Jahr", True])
def test_year_outside_2000_to_2100_or_not_a_year_is_refused(value):
    with pytest.raises(ValueError) as caught:
        parse_year(value)
    assert str(caught.value) == EXPECTED_YEAR


def test_empty_year_is_none():
    assert parse_year("") is None


# --- parse_date -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("13.08.2025", AUG_13_2025),
        ("2. 8. 2025", date(2025, 8, 2)),
        ("13. Aug. 2025", AUG_13_2025),
        ("13. August 2025", AUG_13_2025),
        ("20. März 2024", date(2024, 3, 20)),
        ("2025-08-13", AUG_13_2025),
        (" 13.8.2025 ", AUG_13_2025),
        (45882, AUG_13_2025),
        (45882.0, AUG_13_2025),
        (datetime(2025, 8, 13, 14, 30), AUG_13_2025),
        (AUG_13_2025, AUG_13_2025),
    ],
)
def test_date(value, day):
    parsed = parse_date(value)
    assert parsed == day
    assert type(parsed) is date


@pytest.mark.parametrize("value", ["13.08.99", "1.1.25", "13.08.25", "13. Aug. 25"])
def test_date_with_a_two_digit_year_is_refused_asking_for_four_digits(value):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == "ein Datum wie 13.08.2025 (das Jahr bitte vierstellig schreiben)"


def test_day_that_does_not_exist_is_refused_with_a_message():
    with pytest.raises(ValueError) as caught:
        parse_date("31.02.2025")
    assert str(caught.value) == EXPECTED_DATE + " (diesen Tag gibt es nicht)"


@pytest.mark.parametrize("value", ["13/08/2025", "morgen", "13. Foo 2025", "2025", 45882.5, -1, True])
def test_text_that_is_not_a_date_is_refused(value):
    with pytest.raises(ValueError) as caught:
        parse_date(value)
    assert str(caught.value) == EXPECTED_DATE


@pytest.mark.parametrize("value", [None, "", "–", math.nan])
def test_empty_date_is_none(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("value", [1e13, "1" + "0" * 400, "2.000.000.000.000,00", 1e308])
def test_amounts_beyond_a_trillion_euros_are_refused_not_overflowing(value: object) -> None:
    with pytest.raises(ValueError, match="höchstens 1.000.000.000.000 €"):
        parse_money(value)


@pytest.mark.parametrize("value", [1e10, 10**19, "9" * 30])
def test_counts_beyond_a_billion_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="höchstens 1.000.000.000"):
        parse_count(value)


def test_the_largest_allowed_figures_are_kept_exactly() -> None:
    assert parse_money("1.000.000.000.000,00") == 10**12
    assert parse_money("999.999.999.999,99") == 999_999_999_999.99
    assert parse_count(10**9) == 10**9
