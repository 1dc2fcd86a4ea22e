"""Reading single values as people type them in German documents and workbooks.

Each parser takes what a spreadsheet cell or a document holds and returns a clean Python value, None
for an empty cell, or raises `ValueError` whose message says in German what was expected.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

EXPECTED_MONEY = "ein Betrag in Euro, z. B. 773.920,00 oder 773920"
EXPECTED_COUNT = "eine ganze Zahl ab 0, z. B. 12"
# Upper bounds far beyond any district's figures: every cent stays exact (a float holds whole cents up to
# 2^53, about 90 billion euros), and the store's integers cannot overflow.
MAX_MONEY_EUR = 10**12
MAX_COUNT = 10**9
TOO_LARGE_MONEY = f"{EXPECTED_MONEY} (höchstens 1.000.000.000.000 €)"
TOO_LARGE_COUNT = f"{EXPECTED_COUNT} (höchstens 1.000.000.000)"
EXPECTED_YEAR = "eine Jahreszahl zwischen 2000 und 2100, z. B. 2025"
EXPECTED_DATE = "ein Datum wie 13.08.2025"

_EMPTY_MARKS = {"", "-", "–", "—", "./.", "k.a.", "k. a.", "n.v."}
_CURRENCY_AT_ENDS = re.compile(r"^\s*(€|eur(?:o)?\b)|(€|eur(?:o)?)\s*$", re.IGNORECASE)
# A space, no-break space, thin space or apostrophe only counts as a separator between groups of three digits.
_GROUP_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'](?=\d{3}(?!\d))")
_GERMAN_GROUPED = re.compile(r"^(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?$")
_GERMAN_PLAIN = re.compile(r"^(\d+)(?:,(\d+))?$")
_NO_CENTS = re.compile(r",[-–]{1,2}$")  # 1.000,- means 1.000,00
_POINT_DECIMAL = re.compile(r"^(\d+)\.(\d{1,2})$")
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_2000, _EXCEL_2100 = (date(2000, 1, 1) - _EXCEL_EPOCH).days, (date(2100, 12, 31) - _EXCEL_EPOCH).days

# Characters a text must not hold: control characters (invisible, and Excel files cannot store them, so every
# later download would fail) and bidirectional overrides (they show a name reversed).
_FORBIDDEN_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def forbidden_character(text: str) -> str | None:
    """The first control or direction character in `text`, spelled as U+XXXX, or None if there is none."""
    found = _FORBIDDEN_CHARACTERS.search(text)
    return f"U+{ord(found.group(0)):04X}" if found else None


def visible(text: str) -> str:
    """Text with forbidden characters spelled out (<U+0000>), so that a message can show where they are."""
    return _FORBIDDEN_CHARACTERS.sub(lambda match: f"<U+{ord(match.group(0)):04X}>", text)


MONTHS = {
    "jan": 1,
    "januar": 1,
    "jänner": 1,
    "feb": 2,
    "februar": 2,
    "mär": 3,
    "mrz": 3,
    "märz": 3,
    "maerz": 3,
    "apr": 4,
    "april": 4,
    "mai": 5,
    "jun": 6,
    "juni": 6,
    "jul": 7,
    "juli": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "nov": 11,
    "november": 11,
    "dez": 12,
    "dezember": 12,
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]00:00(?::00)?)?$")
_NAMED_DATE = re.compile(r"^(\d{1,2})\.?\s*([a-zäöü]+)\.?\s*(\d{4})$")


def is_empty(value: object) -> bool:
    """True for an empty cell: None, NaN, blank text or a dash standing for 'nothing'."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip().lower() in _EMPTY_MARKS


def _german_number(text: str) -> tuple[int, str]:
    """The integer part and the decimal digits of a number typed the German way."""
    text = _NO_CENTS.sub("", _GROUP_SPACE.sub("", text.strip()))
    for pattern in (_GERMAN_GROUPED, _GERMAN_PLAIN, _POINT_DECIMAL):
        match = pattern.match(text)
        if match:
            return int(match.group(1).replace(".", "")), match.group(2) or ""
    raise ValueError


def parse_money(value: object) -> float | None:
    """Euros with cents from a number or German text (`773.920,00 €`, `1.140.300`); None if empty."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(EXPECTED_MONEY)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(EXPECTED_MONEY)
        if abs(value) > MAX_MONEY_EUR:
            raise ValueError(TOO_LARGE_MONEY)
        amount = round(float(value), 2)
    else:
        text = _CURRENCY_AT_ENDS.sub("", str(value).strip()).strip()
        negative = text.startswith(("-", "−", "–"))
        text = text.lstrip("-−–").strip()
        try:
            whole, decimals = _german_number(text)
        except ValueError:
            raise ValueError(EXPECTED_MONEY) from None
        if len(decimals) > 2:
            raise ValueError(EXPECTED_MONEY + " (höchstens zwei Nachkommastellen)")
        if whole > MAX_MONEY_EUR:
            raise ValueError(TOO_LARGE_MONEY)
        amount = round(whole + int(decimals.ljust(2, "0")) / 100, 2)
        amount = -amount if negative else amount
    if amount < 0:
        raise ValueError(EXPECTED_MONEY + " (nicht negativ)")
    return amount


def parse_count(value: object) -> int | None:
    """A whole number ≥ 0 from a number or text (`12`, `1.234`); None if empty."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise ValueError(EXPECTED_COUNT)
    if isinstance(value, int | float):
        if not math.isfinite(value) or not float(value).is_integer() or value < 0:
            raise ValueError(EXPECTED_COUNT)
        if value > MAX_COUNT:
            raise ValueError(TOO_LARGE_COUNT)
        return int(value)
    text = str(value).strip()
    try:
        whole, decimals = _german_number(text)
    except ValueError:
        raise ValueError(EXPECTED_COUNT) from None
    if decimals.strip("0"):
        raise ValueError(EXPECTED_COUNT)
    if whole > MAX_COUNT:
        raise ValueError(TOO_LARGE_COUNT)
    return whole


def parse_year(value: object) -> int | None:
    """A year 2000–2100 from a number or text; None if empty."""
    if is_empty(value):
        return None
    try:
        year = parse_count(value)
    except ValueError:
        raise ValueError(EXPECTED_YEAR) from None
    if year is None or not 2000 <= year <= 2100:
        raise ValueError(EXPECTED_YEAR)
    return year


def _two_digit_year(year: int) -> int:
    return 2000 + year if year < 100 else year


def parse_date(value: object) -> date | None:
    """A date from a cell or German text (`13.08.2025`, `2. 8. 2025`, `13. Aug. 2025`, ISO); None if empty."""
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(EXPECTED_DATE)
    if isinstance(value, int | float):
        # A date cell that lost its format shows Excel's day number; only 2000–2100 is plausible here
        # (a year typed into the date column, 2025, would otherwise become 17.07.1905).
        if math.isfinite(value) and float(value).is_integer() and _EXCEL_2000 <= value <= _EXCEL_2100:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(EXPECTED_DATE)
    text = re.sub(r"\s+", " ", str(value).strip().lower())
    try:
        if match := _NUMERIC_DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
            return date(_two_digit_year(year), month, day)
        if match := _ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
        if (match := _NAMED_DATE.match(text)) and match.group(2) in MONTHS:
            return date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    except ValueError:
        raise ValueError(EXPECTED_DATE + " (diesen Tag gibt es nicht)") from None
    raise ValueError(EXPECTED_DATE)
