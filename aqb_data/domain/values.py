"""Reading single values as people type them in German documents and workbooks.

Each parser takes what a spreadsheet cell or a document holds and returns a clean Python value, None
for an empty cell, or raises `ValueError` whose message says in German what was expected.
"""

from __future__ import annotations

import math
import re
import unicodedata
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
# "13.08.99" may be 1999 or 2099: the reader does not guess the century.
EXPECTED_FOUR_DIGIT_YEAR = f"{EXPECTED_DATE} (das Jahr bitte vierstellig schreiben)"
EXPECTED_CENTS = EXPECTED_MONEY + " (höchstens zwei Nachkommastellen)"

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


# Characters that show nothing: the format characters of Unicode (zero-width space and joiners U+200B–U+200D,
# word joiner U+2060, byte order mark U+FEFF, soft hyphen U+00AD, direction marks, tags), variation selectors,
# the combining grapheme joiner and the blank Hangul fillers. They are dropped, not read as a space, because
# "Projekt\u200bA" shows as "ProjektA".
_INVISIBLE_RANGES = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x115F, 0x1160), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0),
    (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F), (0xE0100, 0xE01EF),
)  # fmt: skip
_INVISIBLE = dict.fromkeys(code for first, last in _INVISIBLE_RANGES for code in range(first, last + 1))


def name_key(text: str) -> str:
    """The form in which two names count as the same: NFKC, invisibles dropped, whitespace collapsed, casefolded.

    "Projekt A", "Projekt\u00a0A", "Projekt  A", "projekt a" and "Projekt A\u200b" share a key. A name is stored
    as the file spells it (NFC, trimmed); the key only decides what counts as a duplicate.
    """
    if not text.isascii():  # ASCII is its own NFKC and holds no invisible characters
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return " ".join(text.split()).casefold()


def spelled(text: str) -> str:
    """Text with every character a reader cannot see spelled out as <U+XXXX>: invisible characters, spaces other
    than U+0020, and a space beside another space or at either end, so that two look-alike spellings differ visibly.
    """
    parts: list[str] = []
    for index, char in enumerate(text):
        invisible = ord(char) in _INVISIBLE or unicodedata.category(char) == "Cc"
        odd_space = char.isspace() and (
            char != " " or index in (0, len(text) - 1) or text[index - 1].isspace() or text[index + 1].isspace()
        )
        parts.append(f"<U+{ord(char):04X}>" if invisible or odd_space else char)
    return "".join(parts)


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
_NAMED_DATE = re.compile(r"^(\d{1,2})\.?\s*([a-zäöü]+)\.?\s*(\d{2}|\d{4})$")


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
        # Excel's arithmetic leaves 0.1 + 0.2 = 0.30000000000000004: a few units in the last place off a cent
        # amount is that amount. 1234.567 is not: it is refused as the same text would be, never rounded.
        if abs(float(value) - amount) > max(1e-9, 16 * math.ulp(float(value))):
            raise ValueError(EXPECTED_CENTS)
    else:
        text = _CURRENCY_AT_ENDS.sub("", str(value).strip()).strip()
        negative = text.startswith(("-", "−", "–"))
        text = text.lstrip("-−–").strip()
        try:
            whole, decimals = _german_number(text)
        except ValueError:
            raise ValueError(EXPECTED_MONEY) from None
        if len(decimals) > 2:
            raise ValueError(EXPECTED_CENTS)
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
    numeric, named = _NUMERIC_DATE.match(text), _NAMED_DATE.match(text)
    if named and named.group(2) not in MONTHS:
        named = None
    if any(match and len(match.group(3)) == 2 for match in (numeric, named)):
        raise ValueError(EXPECTED_FOUR_DIGIT_YEAR)
    try:
        if numeric:
            day, month, year = (int(g) for g in numeric.groups())
            return date(year, month, day)
        if match := _ISO_DATE.match(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
        if named:
            return date(int(named.group(3)), MONTHS[named.group(2)], int(named.group(1)))
    except ValueError:
        raise ValueError(EXPECTED_DATE + " (diesen Tag gibt es nicht)") from None
    raise ValueError(EXPECTED_DATE)
