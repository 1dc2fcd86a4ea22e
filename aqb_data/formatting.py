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


def format_number(value: object, decimals: int = 0) -> str:
    """A number with German separators, e.g. 1.234 or 4,94; `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    # Commercial rounding (half up), on the decimal value as written, not its binary approximation.
    number = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)  # type: ignore[arg-type]
    if number == 0:
        number = abs(number)  # no "-0"
    return _group(f"{number:,.{decimals}f}")


def format_eur(value: object, decimals: int = 0) -> str:
    """Money the German way, e.g. 773.920 € or 4,94 €; `–` if missing."""
    if _missing(value):
        return NOT_AVAILABLE
    return f"{format_number(value, decimals)} €"


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
