"""Hostile inputs for the autumn review (amendments, the day a report was received, the reporting calendar, notes),
written by hand: TOML as text and workbooks zipped from hand-written XML (`tests.factory.hand_written_xlsx`), so
that none of them depends on the code that reads them."""

from __future__ import annotations

from collections.abc import Sequence

from tests.factory import hand_written_xlsx
from tests.markdown_payloads import PAYLOADS as MARKDOWN_PAYLOADS

WALDECK = "06635"  # Waldeck-Frankenberg: an agreement 2025 in the demo data
YEAR = 2025

# What a spreadsheet would run or evaluate if a cell held it as a formula.
FORMULAS = (
    '=HYPERLINK("http://127.0.0.1:9/x","Klick")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3",
    "=1+1",
    " =1+1",
)
# Text that misleads a reader: a direction override, zero-width characters, a control character, HTML, a line
# that reads like an instruction.
RTL = "Kassel \u202egnuztützretnU\u202c"
ZERO_WIDTH = "Wal\u200bdeck\u200d-Fran\u2060kenberg\ufeff"
CONTROL = "Glocke\x07 und Rückschritt\x08"
HTML = '<script>alert(1)</script><img src="http://127.0.0.1:9/i.png">'
INSTRUCTION = "Werkstatt\nBitte überweisen Sie 5.000 € an DE00 0000 0000 0000 0000 00"
TEXTS = (*FORMULAS, *MARKDOWN_PAYLOADS, RTL, ZERO_WIDTH, CONTROL, HTML, INSTRUCTION)
# What a workbook's reader takes (XML 1.0 holds no control characters; a direction override is refused at its cell).
WORKBOOK_TEXTS = tuple(text for text in TEXTS if text not in (CONTROL, RTL))
# A word no slide can hold on one line: a long link as analysts paste it.
LONG_WORD = "https://example.org/" + "a" * 1_980  # 2.000 characters, the most a note may have

# --- workbooks -----------------------------------------------------------------------------------------------

AGREEMENT_HEADINGS = ["Jahr", "AGS", "Haushaltsmittel (EUR)", "Quelle"]
AMENDMENT_HEADINGS = ["Jahr", "AGS", "Gebietskörperschaft", "Gültig ab", "Haushaltsmittel neu (EUR)", "Grund"]
PROGRESS_HEADINGS = [
    "Jahr",
    "AGS",
    "Projekt",
    "Stichtag",
    "Verausgabte Mittel (EUR)",
    "Eintritte",
    "Austritte",
    "Eingegangen am",
]


def amendments_workbook(rows: Sequence[Sequence[object]], agreements: Sequence[Sequence[object]] = ()) -> bytes:
    """A workbook with the sheet „Änderungen“ (rows: year, ags, district, valid from, budget, reason) and, if given,
    „Zielvereinbarungen“ (year, ags, budget, source); every cell an inline string or a number."""
    sheets: dict[str, list[Sequence[object]]] = {}
    if agreements:
        sheets["Zielvereinbarungen"] = [AGREEMENT_HEADINGS, *agreements]
    sheets["Änderungen"] = [AMENDMENT_HEADINGS, *rows]
    return hand_written_xlsx(sheets)


def received_workbook(received: Sequence[object], as_of: str = "30.06.2025", ags: str = WALDECK) -> bytes:
    """A report („Umsetzungsstand“) of one district at `as_of`, one project per value of „Eingegangen am“."""
    rows = [[YEAR, ags, f"Projekt {n}", as_of, 1_000, 5, 1, value] for n, value in enumerate(received, start=1)]
    return hand_written_xlsx({"Umsetzungsstand": [PROGRESS_HEADINGS, *rows]})


# --- reporting calendars (TOML as text) ------------------------------------------------------------------------

CALENDARS: dict[str, str] = {
    "syntax": '[standard]\nstichtage = ["30.06.", "31.12."\nfrist_tage = 30\n',
    "unclosed_string": '[standard]\nstichtage = ["30.06.]\n',
    "wrong_type_list": "[standard]\nstichtage = 30\n",
    "wrong_type_days": '[standard]\nfrist_tage = "dreißig"\n',
    "float_days": "[standard]\nfrist_tage = 30.5\n",
    "bool_days": "[standard]\nfrist_tage = true\n",
    "negative_days": "[standard]\nfrist_tage = -1\n",
    "feb_31": '[standard]\nstichtage = ["31.02.", "30.06."]\n',
    "feb_29": '[standard]\nstichtage = ["29.02."]\n',
    "month_13": '[standard]\nstichtage = ["01.13."]\n',
    "toml_date_stichtag": "[standard]\nstichtage = [2025-06-30]\n",
    "due_before_stichtag": '[jahre.2025]\nfristen = { "30.06." = "15.06.2025" }\n',
    "due_not_a_stichtag": '[jahre.2025]\nfristen = { "15.06." = "15.07.2025" }\n',
    "fristen_in_standard": '[standard]\nfristen = { "30.06." = "15.07.2025" }\n',
    "ten_thousand_stichtage": "[standard]\nstichtage = [" + ", ".join(['"30.06."'] * 10_000) + "]\n",
    "unknown_key": '[standard]\nstichtag = ["30.06."]\n',
    "unknown_section": '[jahr.2025]\nstichtage = ["30.06."]\n',
    "year_not_a_year": '[jahre.20x5]\nstichtage = ["30.06."]\n',
    "year_far": '[jahre.1850]\nstichtage = ["30.06."]\n',
    "jahre_not_a_table": "jahre = 2025\n",
    "standard_not_a_table": 'standard = "31.12."\n',
    "empty_list": "[standard]\nstichtage = []\n",
    "huge_comment_then_error": "#" + "x" * 2_000_000 + "\n[standard]\nstichtage = 1\n",
}
# A TOML date-time (with a time of day) as a due date, and arrays nested deeper than Python's recursion limit.
DATETIME_DUE = '[jahre.2025]\nfristen = { "30.06." = 2025-08-15T10:00:00 }\n'
DEEP_NESTING = "[standard]\nstichtage = " + "[" * 5_000 + "]" * 5_000 + "\n"
