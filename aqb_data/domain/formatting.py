"""German formats for everything the app shows: money, numbers, percentages, dates."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

NOT_AVAILABLE = "–"


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and not math.isfinite(value)


def _group(text: str) -> str:
    """Swap English separators for German ones: 1,234.5 → 1.234,5."""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def rounded(value: float, decimals: int) -> Decimal:
    """`value` rounded as the screen shows it: commercially (half up), on the decimal value as written, not
    its binary approximation; never -0."""
    number = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return abs(number) if number == 0 else number


def money_decimals(value: float) -> int:
    """How many decimals an amount is shown with: none when it is whole to the cent, else its two cents
    (773.920 €, but 1.312.450,50 €): an amount keeps its cents where it has them, on screen, in files, on slides."""
    return 0 if rounded(value, 2) == rounded(value, 0) else 2


def format_number(value: object, decimals: int = 0) -> str:
    """A number with German separators, e.g. 1.234 or 4,94; `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    return _group(f"{rounded(float(value), decimals):,.{decimals}f}")  # type: ignore[arg-type]


def format_eur(value: object, decimals: int | None = None) -> str:
    """Money the German way: 773.920 €, 1.312.450,50 € (cents where the amount has them, see `money_decimals`)
    or with as many decimals as given (4,94 €); `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    places = money_decimals(float(value)) if decimals is None else decimals  # type: ignore[arg-type]
    return f"{format_number(value, places)} €"


def format_percent(value: object, decimals: int = 1) -> str:
    """A ratio as German percent, e.g. 0.646 → 64,6 %; `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    return f"{format_number(float(value) * 100, decimals)} %"  # type: ignore[arg-type]


def format_change(value: object, kind: str = "eur") -> str:
    """A signed change: +12.000 € or -3,5 % (the same minus as every other number); `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    number = float(value)  # type: ignore[arg-type]
    text = format_percent(abs(number)) if kind == "percent" else format_eur(abs(number))
    if text.startswith("0 ") or text.startswith("0,0 "):
        return "±" + text
    return ("+" if number > 0 else "-") + text


def format_eur_cents(value: object) -> str:
    """Money with cents, e.g. 4,94 €; `–` if missing."""
    return format_eur(value, 2)


def format_change_percent(value: object) -> str:
    """A signed change in percent, e.g. +3,5 %; `–` if missing."""
    return format_change(value, "percent")


def format_timestamp(value: object) -> str:
    """A point in time as 13.08.2025 14:30; `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    return format_date(value)


def format_date(value: object) -> str:
    """A date as 13.08.2025; `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    if isinstance(value, pd.Timestamp | datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def safe_file_stem(text: str, fallback: str = "aqb") -> str:
    """A file name stem safe on every system: umlauts spelled out, other signs as single underscores."""
    stem = re.sub(r"[^A-Za-z0-9.-]+", "_", text.translate(_TRANSLITERATION))
    return stem.strip("_.") or fallback


def rows_text(count: int) -> str:
    """`1 Zeile`, `12 Zeilen`, `1.090 Zeilen`."""
    return f"{format_number(count)} {'Zeile' if count == 1 else 'Zeilen'}"


def format_points(value: object) -> str:
    """A difference of two rates in percentage points, e.g. -9,7 Pp.; `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    return f"{format_number(float(value) * 100, 1)} Pp."  # type: ignore[arg-type]
