"""A generated corpus of hostile inputs (issue 7): valid inputs mutated into several hundred named cases.

Two valid starting points, both built here so that the corpus works on a fresh clone:

- a report workbook with all three sheets of the contract (`Zielvereinbarungen`, `Projekte`,
  `Umsetzungsstand`), every column filled, for three districts (`base_sheets()`, `base_bytes()`);
- our own agreement documents from `tests/documents.py`, as Markdown, plain text and PDF.

Each mutation family changes them in one way, applied over several sheets, columns, rows or formats; every
case is a different input (a test checks that the built files differ). A `Case` says what a correct
program does with it (`expect`):

- `refused`: errors in German that name the file; nothing is stored;
- `warnings`: stored, with German warnings;
- `accepted`: the mutation is harmless; stored without any warning. With `same_data` the file must read
  to exactly the tables of the unchanged workbook (a heading in capitals, a number typed as German text).

Where the contract (`../shared/design/data-model.md`) is silent, the expectation follows these rules:

- Required columns are the keys (`Jahr`, `AGS` or `Gebietskörperschaft`, `Projekt`, `Stichtag`) and what
  the row is about (`Haushaltsmittel (EUR)` of an agreement, `Maßnahmenart` of a project). Any other
  column may be left out, and a heading that is not one of the known variants (a typo, an English
  name) is an unknown column: a warning if the column is optional, an error if it is required.
- An amount must be stored exactly to the cent: one beyond 2^53 cents (about 90 billion euros; 1e15,
  1e308, infinity) is refused. A count must fit the store's 64-bit integers; the reader's own bounds
  (`values.MAX_MONEY_EUR`, `values.MAX_COUNT`: 1.000.000.000.000 € and 1.000.000.000 people or places)
  lie far above any district's figures and below both limits, so 1e15 places are refused too.
- Control characters, NUL and bidirectional overrides in a text cell are refused: they are invisible in
  the dashboard, a control character breaks the Excel downloads later (openpyxl refuses to write it), and
  an override shows a name reversed. Emoji are text like any other.
- Text that differs only in its Unicode normal form is the same text: a heading, label or sheet name
  written with combining accents (as macOS may write them) is that heading, label or sheet name.
- An XML part in UTF-16 is valid Office Open XML (ECMA-376 allows UTF-8 and UTF-16); a text file in UTF-16
  with a byte-order mark is valid text.
- The contract sets no limit on the length of a free text: 100.000 characters in `Träger` are accepted.

Builds are byte-for-byte reproducible: no clock, fixed zip timestamps, reportlab in invariant mode, and the
only random bytes come from `random.Random(SEED)`.
"""

from __future__ import annotations

import copy
import functools
import gzip
import io
import random
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from xml.sax.saxutils import escape

from openpyxl import Workbook

from tests.documents import DEFAULT_MEASURES, agreement_text, pdf_from_text

SEED = 20250813
FILE = "bericht.xlsx"
Expect = Literal["refused", "warnings", "accepted"]
CaseKind = Literal["workbook", "agreement"]


@dataclass(frozen=True)
class Case:
    """One hostile input and what a correct program does with it."""

    name: str
    family: str
    kind: CaseKind
    file_name: str
    build: Callable[[], bytes]
    expect: Expect
    same_data: bool = False  # accepted workbook: reads to exactly the tables of the unchanged BASE
    unreadable: bool | None = None  # refused workbook: True the file as a whole (validate exits 2), False a sheet
    mentions: tuple[str, ...] = ()  # texts that must occur in the problems reported


# --- the valid workbook ----------------------------------------------------------------------------------

ZV, PR, US = "Zielvereinbarungen", "Projekte", "Umsetzungsstand"
SHEETS = (ZV, PR, US)
HEADINGS: dict[str, list[str]] = {
    ZV: [
        "Jahr",
        "AGS",
        "Gebietskörperschaft",
        "Haushaltsmittel (EUR)",
        "Unterzeichnung HMSI",
        "Unterzeichnung Kreis/Stadt",
        "Quelle",
    ],
    PR: [
        "Jahr",
        "AGS",
        "Gebietskörperschaft",
        "Maßnahmenart",
        "Projekt",
        "Träger",
        "Zielgruppe",
        "Geplante Mittel (EUR)",
        "Geplante Plätze",
        "Quelle",
    ],
    US: [
        "Jahr",
        "AGS",
        "Gebietskörperschaft",
        "Projekt",
        "Stichtag",
        "Verausgabte Mittel (EUR)",
        "Eintritte",
        "Austritte",
        "Übergänge Ausbildung",
        "Übergänge Beschäftigung",
        "Übergänge sonstige",
        "Abbrüche",
        "Quelle",
    ],
}
REQUIRED: dict[str, set[str]] = {
    ZV: {"Jahr", "Haushaltsmittel (EUR)"},
    PR: {"Jahr", "Maßnahmenart", "Projekt"},
    US: {"Jahr", "Projekt", "Stichtag"},
}
AVIA = "AVIA (Aktivierung und Vermittlung von Migranten)"
_BASE: dict[str, list[list[object]]] = {
    ZV: [
        HEADINGS[ZV],
        [2025, "06635", "Waldeck-Frankenberg", 773920.00, date(2025, 8, 2), date(2025, 8, 13), "Zielvereinbarung 2025"],
        [2025, "06611", "Stadt Kassel", 1140300.50, date(2025, 7, 28), date(2025, 8, 20), "Zielvereinbarung 2025"],
        [
            2025,
            "06438",
            "Landkreis Offenbach",
            2050000.00,
            date(2025, 7, 30),
            date(2025, 8, 6),
            "Zielvereinbarung 2025",
        ],
    ],
    PR: [
        HEADINGS[PR],
        [
            2025,
            "06635",
            "Waldeck-Frankenberg",
            1,
            AVIA,
            "Bildungswerk Nordhessen",
            "Zugewanderte",
            120000.00,
            20,
            "Projektliste 2025",
        ],
        [
            2025,
            "06635",
            "Waldeck-Frankenberg",
            3,
            "Werkstatt Zukunft",
            "Jugendwerkstatt Korbach",
            "Langzeitarbeitslose",
            250000.50,
            15,
            "Projektliste 2025",
        ],
        [
            2025,
            "06611",
            "Stadt Kassel",
            2,
            "Ausbildung im Verbund",
            "Ausbildungsverbund Kassel",
            "Jugendliche",
            400000.00,
            12,
            "Projektliste 2025",
        ],
        [
            2025,
            "06438",
            "Landkreis Offenbach",
            4,
            "Fortbildung Fallmanagement",
            "Kreisvolkshochschule",
            "Fachkräfte im Jobcenter",
            30000.00,
            25,
            "Projektliste 2025",
        ],
    ],  # fmt: skip
    US: [
        HEADINGS[US],
        [
            2025,
            "06635",
            "Waldeck-Frankenberg",
            AVIA,
            date(2025, 6, 30),
            60000.00,
            18,
            6,
            2,
            2,
            1,
            1,
            "Bericht zum 30.06.2025",
        ],
        [
            2025,
            "06635",
            "Waldeck-Frankenberg",
            "Werkstatt Zukunft",
            date(2025, 6, 30),
            100000.25,
            14,
            5,
            1,
            2,
            1,
            1,
            "Bericht zum 30.06.2025",
        ],
        [
            2025,
            "06611",
            "Stadt Kassel",
            "Ausbildung im Verbund",
            date(2025, 6, 30),
            150000.00,
            12,
            2,
            1,
            0,
            0,
            1,
            "Bericht zum 30.06.2025",
        ],
    ],  # fmt: skip
}
Sheets = dict[str, list[list[object]]]
_FIXED_TIME = datetime(2025, 1, 1)
_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
_EXCEL_EPOCH = date(1899, 12, 30)


def base_sheets() -> Sheets:
    """A fresh copy of the valid workbook's rows, sheet by sheet (row 1 of a list is Excel row 1)."""
    return copy.deepcopy(_BASE)


def letter(sheet: str, heading: str) -> str:
    """The column letter of a heading in the valid workbook."""
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[HEADINGS[sheet].index(heading)]


def part_of(sheet: str) -> str:
    """The XML part openpyxl writes the sheet to (sheets in the order of SHEETS)."""
    return f"xl/worksheets/sheet{SHEETS.index(sheet) + 1}.xml"


def serial(day: date) -> int:
    """Excel's day number of a date."""
    return (day - _EXCEL_EPOCH).days


def base_value(sheet: str, row: int, heading: str) -> object:
    return _BASE[sheet][row - 1][HEADINGS[sheet].index(heading)]


# --- building bytes ---------------------------------------------------------------------------------------


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


def zip_members(parts: Sequence[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of the parts with fixed timestamps: the same parts give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = compression
            archive.writestr(info, content)
    return buffer.getvalue()


def reproducible(data: bytes) -> bytes:
    """An openpyxl file with the time of saving taken out."""
    parts = []
    for name, content in members(data):
        if name == "docProps/core.xml":
            content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z", content)
        parts.append((name, content))
    return zip_members(parts)


def render(
    sheets: Mapping[str, Sequence[Sequence[object]]],
    *,
    hidden: Mapping[str, str] | None = None,
    merges: Mapping[str, Sequence[str]] | None = None,
) -> bytes:
    """The .xlsx bytes of the sheets (in order), with hidden sheets and merged ranges."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.created = workbook.properties.modified = _FIXED_TIME
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        for cells in (merges or {}).get(name, ()):
            sheet.merge_cells(cells)
    for name, state in (hidden or {}).items():
        workbook[name].sheet_state = state
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible(buffer.getvalue())


@functools.cache
def base_bytes() -> bytes:
    """The valid workbook."""
    return render(_BASE)


def rewrite(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one part changed (the change must change it)."""
    parts = []
    found = False
    for name, content in members(data):
        if name == part:
            changed = change(content)
            assert changed != content, f"{part} was not changed"
            content, found = changed, True
        parts.append((name, content))
    assert found, f"no part {part}"
    return zip_members(parts)


def replace_once(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    def change(content: bytes) -> bytes:
        assert content.count(old) == 1, f"{old!r} not found once in {part}"
        return content.replace(old, new)

    return rewrite(data, part, change)


_CELL = r'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)'


def patch_cell(data: bytes, sheet: str, ref: str, xml: Callable[[str], str]) -> bytes:
    """The workbook with one cell's XML replaced; `xml` gets the cell's style attribute (or "") and returns
    the new `<c …>` element."""

    def change(content: bytes) -> bytes:
        text = content.decode()
        matches = list(re.finditer(_CELL.format(ref=ref), text, re.DOTALL))
        assert len(matches) == 1, f"cell {ref} not found once in {sheet}"
        style = re.search(r'\ss="\d+"', matches[0].group("attrs"))
        return (text[: matches[0].start()] + xml(style.group(0) if style else "") + text[matches[0].end() :]).encode()

    return rewrite(data, part_of(sheet), change)


def workbook_with(change: Callable[[Sheets], object]) -> bytes:
    """The valid workbook with its rows changed in place by `change`."""
    sheets = base_sheets()
    change(sheets)
    return render(sheets)


def set_cell(sheets: Sheets, sheet: str, row: int, heading: str, value: object) -> None:
    sheets[sheet][row - 1][HEADINGS[sheet].index(heading)] = value


def without_column(sheets: Sheets, sheet: str, heading: str) -> None:
    index = sheets[sheet][0].index(heading)
    for row in sheets[sheet]:
        del row[index]


def german_money(amount: float, grouped: bool = True, euro: bool = True) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", ".")
    return f"{whole},{cents}" + (" €" if euro else "")


# --- the cases --------------------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.cases: list[Case] = []

    def workbook(
        self,
        name: str,
        family: str,
        build: Callable[[], bytes],
        expect: Expect,
        *,
        file_name: str = FILE,
        same_data: bool = False,
        unreadable: bool | None = None,
        mentions: tuple[str, ...] = (),
    ) -> None:
        self.cases.append(Case(name, family, "workbook", file_name, build, expect, same_data, unreadable, mentions))

    def agreement(
        self,
        name: str,
        family: str,
        file_name: str,
        build: Callable[[], bytes],
        expect: Expect,
        mentions: tuple[str, ...] = (),
    ) -> None:
        self.cases.append(Case(name, family, "agreement", file_name, build, expect, mentions=mentions))


def _slug(text: str) -> str:
    folded = text.lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        folded = folded.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


_SHEET_SLUG = {ZV: "zv", PR: "projekte", US: "umsetzung"}


def _cell_case(sheet: str, row: int, heading: str, value: object) -> Callable[[], bytes]:
    return lambda: workbook_with(lambda s: set_cell(s, sheet, row, heading, value))


def _missing_headings(add: _Collector) -> None:
    family = "missing-heading"
    for sheet in SHEETS:
        for heading in HEADINGS[sheet]:
            required = heading in REQUIRED[sheet]
            add.workbook(
                f"{family}-{_SHEET_SLUG[sheet]}-{_slug(heading)}",
                family,
                lambda sheet=sheet, heading=heading: workbook_with(lambda s: without_column(s, sheet, heading)),
                "refused" if required else "accepted",
                # AGS and name say the same: either alone gives the same rows.
                same_data=heading in ("AGS", "Gebietskörperschaft"),
                unreadable=False if required else None,
                mentions=(heading,) if required else (),
            )

        def neither(s: Sheets, sheet: str = sheet) -> None:
            without_column(s, sheet, "AGS")
            without_column(s, sheet, "Gebietskörperschaft")

        add.workbook(
            f"{family}-{_SHEET_SLUG[sheet]}-ags-and-name",
            family,
            lambda neither=neither: workbook_with(neither),
            "refused",
            unreadable=False,
            mentions=("AGS", "Gebietskörperschaft"),
        )
        add.workbook(
            f"{family}-{_SHEET_SLUG[sheet]}-no-heading-row",
            family,
            lambda sheet=sheet: workbook_with(lambda s: s[sheet].pop(0)),
            "refused",
            unreadable=False,
        )


# English as a person would write it (not the internal column names, which the reader also takes).
_ENGLISH = {
    "Jahr": "Fiscal year",
    "AGS": "District code",
    "Gebietskörperschaft": "Local authority",
    "Haushaltsmittel (EUR)": "Funds (EUR)",
    "Unterzeichnung HMSI": "Signed by ministry",
    "Unterzeichnung Kreis/Stadt": "Signed by district",
    "Quelle": "Data origin",
    "Maßnahmenart": "Type of measure",
    "Projekt": "Project title",
    "Träger": "Provider name",
    "Zielgruppe": "Target audience",
    "Geplante Mittel (EUR)": "Planned funds (EUR)",
    "Geplante Plätze": "Planned seats",
    "Stichtag": "Reporting date",
    "Verausgabte Mittel (EUR)": "Spent (EUR)",
    "Eintritte": "Participants joined",
    "Austritte": "Participants left",
    "Übergänge Ausbildung": "Into training",
    "Übergänge Beschäftigung": "Into employment",
    "Übergänge sonstige": "Other transitions",
    "Abbrüche": "Early leavers",
}


def _typo(heading: str) -> str:
    """Two letters of the first word swapped (`Jahr` → `Jhar`, `AGS` → `ASG`)."""
    word_end = len(heading.split(" ")[0])
    i = 1 if word_end > 2 else 0
    if heading[i] == heading[i + 1]:
        i += 1
    return heading[:i] + heading[i + 1] + heading[i] + heading[i + 2 :]


def _spaced(heading: str, variant: int) -> str:
    if variant == 0:
        return f"  {heading}   "
    if variant == 1:
        return heading.replace(" ", "   ") if " " in heading else f"{heading} "
    if variant == 2:
        return heading.replace(" ", "\n", 1) if " " in heading else f"{heading}\n"  # Alt+Enter in Excel
    return heading.replace(" ", "\u00a0") if " " in heading else f"\u00a0{heading}"


def _cased(heading: str, variant: int) -> str:
    cased = heading.upper() if variant % 2 == 0 else heading.lower()
    return cased if cased != heading else heading.lower()


def _renamed_headings(add: _Collector) -> None:
    family = "renamed-heading"
    number = 0
    for sheet in SHEETS:
        for heading in HEADINGS[sheet]:
            required = heading in REQUIRED[sheet]
            # Without its AGS column a sheet is read by the names (and the reverse): same rows, one warning.
            unknown: Expect = "refused" if required else "warnings"
            variants: list[tuple[str, str, Expect, bool]] = [
                ("case", _cased(heading, number), "accepted", True),
                ("spaces", _spaced(heading, number % 4), "accepted", True),
                ("typo", _typo(heading), unknown, False),
                ("english", _ENGLISH[heading], unknown, False),
            ]
            number += 1
            for label, new, expect, same in variants:
                assert new != heading
                add.workbook(
                    f"{family}-{_SHEET_SLUG[sheet]}-{_slug(heading)}-{label}",
                    family,
                    lambda sheet=sheet, heading=heading, new=new: workbook_with(
                        lambda s: set_cell(s, sheet, 1, heading, new)
                    ),
                    expect,
                    same_data=same,
                    unreadable=False if expect == "refused" else None,
                    mentions=(new.strip(),) if expect != "accepted" else (),
                )


MONEY = [(ZV, "Haushaltsmittel (EUR)", 2), (PR, "Geplante Mittel (EUR)", 3), (US, "Verausgabte Mittel (EUR)", 3)]
COUNTS = [
    (PR, "Geplante Plätze", 2),
    (US, "Eintritte", 3),
    (US, "Austritte", 4),
    (US, "Übergänge Ausbildung", 2),
    (US, "Übergänge Beschäftigung", 3),
    (US, "Übergänge sonstige", 4),
    (US, "Abbrüche", 2),
]
DATES = [(ZV, "Unterzeichnung HMSI", 2), (ZV, "Unterzeichnung Kreis/Stadt", 3), (US, "Stichtag", 2)]


def _target_name(family: str, sheet: str, heading: str, row: int, label: str) -> str:
    return f"{family}-{_SHEET_SLUG[sheet]}-{_slug(heading)}-r{row}-{label}"


def _wrong_types(add: _Collector) -> None:
    family = "wrong-type"

    def cell(sheet: str, heading: str, row: int, label: str, value: object, expect: Expect, same: bool = False) -> None:
        add.workbook(
            _target_name(family, sheet, heading, row, label),
            family,
            _cell_case(sheet, row, heading, value),
            expect,
            same_data=same,
            unreadable=False if expect == "refused" else None,
            mentions=(heading,) if expect == "refused" else (),
        )

    for sheet, heading, row in MONEY:
        amount = base_value(sheet, row, heading)
        cell(sheet, heading, row, "german-text", german_money(amount), "accepted", True)
        cell(sheet, heading, row, "plain-text", german_money(amount, grouped=False, euro=False), "accepted", True)
        cell(sheet, heading, row, "word", "zwölftausend", "refused")
        cell(sheet, heading, row, "english-grouping", f"{amount:,.2f}", "refused")
        cell(sheet, heading, row, "three-decimals", german_money(amount, euro=False) + "1", "refused")
        cell(sheet, heading, row, "boolean", True, "refused")
        cell(sheet, heading, row, "date", date(2025, 8, 2), "refused")
    bad_counts: list[tuple[str, Callable[[int], object]]] = [
        ("fraction", lambda n: n + 0.5),
        ("word", lambda n: "zwölf"),
        ("boolean", lambda n: True),
        ("approximate", lambda n: f"ca. {n}"),
        ("with-unit", lambda n: f"{n} Personen"),
    ]
    for index, (sheet, heading, row) in enumerate(COUNTS):
        count = base_value(sheet, row, heading)
        cell(sheet, heading, row, "text", str(count), "accepted", True)
        for label, bad in (bad_counts[index % 5], bad_counts[(index + 2) % 5]):
            cell(sheet, heading, row, label, bad(count), "refused")
    bad_years: dict[str, list[tuple[str, object]]] = {
        ZV: [("two-digit", 25), ("boolean", True), ("roman", "MMXXV")],
        PR: [("before-2000", 1999), ("fraction", 2025.5), ("span", "2025/26")],
        US: [("two-digit", 25), ("after-2100", 2101), ("with-word", "Jahr 2025")],
    }
    for sheet in SHEETS:
        cell(sheet, "Jahr", 2, "text", "2025", "accepted", True)
        for label, value in bad_years[sheet]:
            cell(sheet, "Jahr", 2, label, value, "refused")
    bad_dates: list[tuple[str, Callable[[date], object]]] = [
        ("us-format", lambda d: d.strftime("%m/%d/%Y")),
        ("impossible-day", lambda d: f"31.02.{d.year}"),
        ("words", lambda d: "Ende Juni"),
        ("boolean", lambda d: True),
        ("year-only", lambda d: d.year),
        ("range", lambda d: f"{d:%d.%m.%Y} bis 31.12.{d.year}"),
    ]
    for index, (sheet, heading, row) in enumerate(DATES):
        day = base_value(sheet, row, heading)
        cell(sheet, heading, row, "german-text", f"{day:%d.%m.%Y}", "accepted", True)
        cell(sheet, heading, row, "iso-text", day.isoformat(), "accepted", True)
        month = ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."]
        cell(sheet, heading, row, "month-name", f"{day.day}. {month[day.month - 1]} {day.year}", "accepted", True)
        cell(sheet, heading, row, "day-number", serial(day), "accepted", True)
        for label, bad in bad_dates[index * 2 : index * 2 + 2]:
            cell(sheet, heading, row, label, bad(day), "refused")
    measure_ok = {
        2: "MA 1",
        3: "qualifizierung",
        4: "Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen",
        5: " 4. ",
    }
    measure_bad: dict[int, tuple[str, object]] = {
        2: ("five", 5),
        3: ("zero", 0),
        4: ("vague", "Weiterbildung"),
        5: ("boolean", True),
    }
    for row in (2, 3, 4, 5):
        cell(PR, "Maßnahmenart", row, "variant", measure_ok[row], "accepted", True)
        label, value = measure_bad[row]
        cell(PR, "Maßnahmenart", row, label, value, "refused")
    for sheet in SHEETS:  # a number cell drops the leading zero
        cell(sheet, "AGS", 2, "number", 6635, "accepted", True)


def _negative_numbers(add: _Collector) -> None:
    family = "negative-number"

    def cell(sheet: str, heading: str, row: int, label: str, value: object) -> None:
        add.workbook(
            _target_name(family, sheet, heading, row, label),
            family,
            _cell_case(sheet, row, heading, value),
            "refused",
            unreadable=False,
            mentions=(heading,),
        )

    for sheet, heading, row in MONEY:
        amount = base_value(sheet, row, heading)
        cell(sheet, heading, row, "number", -amount)
        cell(sheet, heading, row, "german-text", "-" + german_money(amount))
        cell(sheet, heading, row, "trailing-minus", german_money(amount, euro=False) + "-")
    for index, (sheet, heading, row) in enumerate(COUNTS):
        count = base_value(sheet, row, heading) or 3
        if index % 2:
            cell(sheet, heading, row, "unicode-minus", f"\u2212{count}")
        else:
            cell(sheet, heading, row, "number", -count)
    cell(PR, "Jahr", 3, "number", -2025)
    cell(PR, "Maßnahmenart", 2, "number", -1)


def _inf_cell(sheet: str, row: int, heading: str, text: str) -> Callable[[], bytes]:
    """A number cell whose stored value is `inf`, `NaN` or the like (openpyxl cannot write it)."""
    ref = f"{letter(sheet, heading)}{row}"
    return lambda: patch_cell(base_bytes(), sheet, ref, lambda style: f'<c r="{ref}"{style}><v>{text}</v></c>')


def _huge_numbers(add: _Collector) -> None:
    family = "huge-number"

    def case(sheet: str, heading: str, row: int, label: str, build: Callable[[], bytes], expect: Expect) -> None:
        add.workbook(
            _target_name(family, sheet, heading, row, label),
            family,
            build,
            expect,
            unreadable=False if expect == "refused" else None,
            mentions=(heading,) if expect == "refused" else (),
        )

    for sheet, heading, row in MONEY:
        for label, value in (
            ("1e15", 1e15),
            ("1e17", 1e17),  # whole cents beyond a 64-bit integer
            ("1e308", 1e308),
            ("400-digits", "1" + "0" * 400),
            ("1e309-text", "1e309"),
            ("infinity-text", "Infinity"),
        ):
            case(sheet, heading, row, label, _cell_case(sheet, row, heading, value), "refused")
        case(sheet, heading, row, "inf-cell", _inf_cell(sheet, row, heading, "INF"), "refused")
    counts: list[tuple[str, str, int, str, Callable[[], bytes], Expect]] = [
        (US, "Eintritte", 2, "1e15", _cell_case(US, 2, "Eintritte", 1e15), "refused"),
        (PR, "Geplante Plätze", 3, "1e15", _cell_case(PR, 3, "Geplante Plätze", 1e15), "refused"),
        (US, "Eintritte", 3, "1e9", _cell_case(US, 3, "Eintritte", 1e9), "accepted"),
        (US, "Austritte", 3, "1e19", _cell_case(US, 3, "Austritte", 1e19), "refused"),
        (US, "Übergänge Ausbildung", 3, "1e308", _cell_case(US, 3, "Übergänge Ausbildung", 1e308), "refused"),
        (US, "Übergänge Beschäftigung", 2, "inf-cell", _inf_cell(US, 2, "Übergänge Beschäftigung", "inf"), "refused"),
        (US, "Übergänge sonstige", 2, "scientific-text", _cell_case(US, 2, "Übergänge sonstige", "1e6"), "refused"),
        (US, "Abbrüche", 3, "30-digits", _cell_case(US, 3, "Abbrüche", "9" * 30), "refused"),
    ]
    for sheet, heading, row, label, build, expect in counts:
        case(sheet, heading, row, label, build, expect)
    case(ZV, "Jahr", 3, "1e15", _cell_case(ZV, 3, "Jahr", 1e15), "refused")


# Where each district stands in the valid workbook: (sheet, row) of a row of Waldeck-Frankenberg (06635),
# Kassel city (06611) and Offenbach Landkreis (06438, not in Umsetzungsstand).
ROW_OF = {
    ZV: {"06635": 2, "06611": 3, "06438": 4},
    PR: {"06635": 2, "06611": 4, "06438": 5},
    US: {"06635": 3, "06611": 4},
}


def _district_cells(sheet: str, row: int, ags: object, name: object) -> Callable[[], bytes]:
    def change(s: Sheets) -> None:
        set_cell(s, sheet, row, "AGS", ags)
        set_cell(s, sheet, row, "Gebietskörperschaft", name)

    return lambda: workbook_with(change)


def _unknown_districts(add: _Collector) -> None:
    family = "unknown-district"
    variants = [
        ("ags-unknown", "06999", None),
        ("ags-bavarian", "09162", None),
        ("ags-letters", "6635X", None),
        ("ags-six-digits", "066350", None),
        ("name-invented", None, "Landkreis Atlantis"),
        ("name-not-hessian", None, "Landkreis Mainz-Bingen"),
    ]
    for index, sheet in enumerate(SHEETS):
        for number, (label, ags, name) in enumerate(variants):
            row = list(ROW_OF[sheet].values())[(index + number) % len(ROW_OF[sheet])]
            add.workbook(
                f"{family}-{_SHEET_SLUG[sheet]}-r{row}-{label}",
                family,
                _district_cells(sheet, row, ags, name),
                "refused",
                unreadable=False,
                mentions=(str(ags or name),),
            )


def _ambiguous_districts(add: _Collector) -> None:
    family = "ambiguous-district"
    for sheet in SHEETS:
        rows = ROW_OF[sheet]
        slug = _SHEET_SLUG[sheet]
        kassel, waldeck = rows["06611"], rows["06635"]
        add.workbook(
            f"{family}-{slug}-kassel-without-ags",
            family,
            _district_cells(sheet, kassel, None, "Kassel"),
            "refused",
            unreadable=False,
            mentions=("06611", "06633"),
        )
        add.workbook(
            f"{family}-{slug}-offenbach-without-ags",
            family,
            _district_cells(sheet, rows.get("06438", waldeck), None, "Offenbach"),
            "refused",
            unreadable=False,
            mentions=("06413", "06438"),
        )
        add.workbook(
            f"{family}-{slug}-kassel-beside-its-ags",  # an AGS always wins over a name
            family,
            _district_cells(sheet, kassel, "06611", "Kassel"),
            "accepted",
            same_data=True,
        )
        add.workbook(
            f"{family}-{slug}-documenta-stadt",
            family,
            _district_cells(sheet, kassel, None, "Kassel, documenta-Stadt"),
            "accepted",
            same_data=True,
        )
        add.workbook(
            f"{family}-{slug}-landkreis-landkreis",  # sic, as in the real agreement
            family,
            _district_cells(sheet, waldeck, None, "Landkreis Landkreis Waldeck-Frankenberg"),
            "accepted",
            same_data=True,
        )
        if "06438" in rows:
            add.workbook(
                f"{family}-{slug}-kreis-offenbach",
                family,
                _district_cells(sheet, rows["06438"], None, "Kreis Offenbach"),
                "accepted",
                same_data=True,
            )
        add.workbook(
            f"{family}-{slug}-name-of-another-district",  # the AGS wins, the disagreement is said
            family,
            _district_cells(sheet, waldeck, "06635", "Fulda"),
            "warnings",
            mentions=("Fulda",),
        )


def _duplicates(add: _Collector) -> None:
    for sheet in SHEETS:
        slug = _SHEET_SLUG[sheet]

        def adjacent(s: Sheets, sheet: str = sheet) -> None:
            s[sheet].insert(2, list(s[sheet][1]))

        def at_end(s: Sheets, sheet: str = sheet) -> None:
            s[sheet].append(list(s[sheet][1]))

        def other_values(s: Sheets, sheet: str = sheet) -> None:
            row = list(s[sheet][1])
            row[HEADINGS[sheet].index("Quelle")] = "Nachmeldung"
            row[HEADINGS[sheet].index(next(h for s_, h, _ in MONEY if s_ == sheet))] = 1000.0
            s[sheet].append(row)

        def ags_as_number(s: Sheets, sheet: str = sheet) -> None:
            row = list(s[sheet][1])
            row[HEADINGS[sheet].index("AGS")] = 6635
            s[sheet].append(row)

        for label, change in (
            ("adjacent", adjacent),
            ("at-end", at_end),
            ("same-key-other-values", other_values),
            ("same-key-ags-as-number", ags_as_number),
        ):
            add.workbook(
                f"duplicated-row-{slug}-{label}",
                "duplicated-row",
                lambda change=change: workbook_with(change),
                "refused",
                unreadable=False,
            )

        def year_twice(s: Sheets, sheet: str = sheet) -> None:
            for row in s[sheet]:
                row.append(row[0])

        def money_alias(s: Sheets, sheet: str = sheet) -> None:
            money = next(h for s_, h, _ in MONEY if s_ == sheet)
            alias = {ZV: "Budget", PR: "Planansatz", US: "Ausgaben (EUR)"}[sheet]
            index = HEADINGS[sheet].index(money)
            for number, row in enumerate(s[sheet]):
                row.append(alias if number == 0 else row[index])

        for label, change in (("year-twice", year_twice), ("money-under-two-names", money_alias)):
            add.workbook(
                f"duplicated-column-{slug}-{label}",
                "duplicated-column",
                lambda change=change: workbook_with(change),
                "refused",
                unreadable=False,
            )
    for label, first, second in (("projekte-2025", PR, "Projekte 2025"), ("zielvereinbarung", ZV, "Zielvereinbarung")):

        def twice(first: str = first, second: str = second) -> bytes:
            sheets = base_sheets()
            sheets[second] = copy.deepcopy(sheets[first])
            return render(sheets)

        add.workbook(f"duplicated-sheet-{label}", "duplicated-sheet", twice, "refused", unreadable=False)


FORMULA_TARGETS: list[tuple[str, str, int]] = [
    (ZV, "Haushaltsmittel (EUR)", 2),
    (PR, "Geplante Mittel (EUR)", 3),
    (US, "Verausgabte Mittel (EUR)", 2),
    (US, "Eintritte", 3),
    (ZV, "Unterzeichnung HMSI", 3),
    (PR, "Projekt", 4),
    (PR, "Jahr", 2),
]
EXCEL_ERRORS = ["#DIV/0!", "#REF!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]


def _cached(value: object) -> tuple[str, str]:
    """The cell type attribute and the <v> text of a value as Excel stores a formula's result."""
    if isinstance(value, str):
        return ' t="str"', value
    if isinstance(value, date):
        return "", str(serial(value))
    return "", repr(float(value)).removesuffix(".0") if isinstance(value, float) else str(value)


def _formulas(add: _Collector) -> None:
    family = "formula"
    for index, (sheet, heading, row) in enumerate(FORMULA_TARGETS):
        ref = f"{letter(sheet, heading)}{row}"
        kind, text = _cached(base_value(sheet, row, heading))
        formula = escape(f'IF(TRUE,"{text}")' if kind else f"IF(TRUE,{text})")
        variants: list[tuple[str, str, Expect]] = [
            ("cached", f'<c r="{ref}"{{style}}{kind}><f>{formula}</f><v>{escape(text)}</v></c>', "accepted"),
            ("not-calculated", f'<c r="{ref}"{{style}}><f>{formula}</f><v></v></c>', "refused"),
            ("error", f'<c r="{ref}"{{style}} t="e"><f>1/0</f><v>{EXCEL_ERRORS[index]}</v></c>', "refused"),
        ]
        for label, xml, expect in variants:
            add.workbook(
                _target_name(family, sheet, heading, row, label),
                family,
                lambda sheet=sheet, ref=ref, xml=xml: patch_cell(
                    base_bytes(), sheet, ref, lambda style, xml=xml: xml.replace("{style}", style)
                ),
                expect,
                same_data=expect == "accepted",
                unreadable=False if expect == "refused" else None,
                mentions=(ref,) if expect == "refused" else (),
            )

    def shared() -> bytes:
        """Geplante Plätze as a shared formula over rows 2–5 (as Excel writes a filled-down formula)."""
        data = base_bytes()
        column = letter(PR, "Geplante Plätze")
        for row in range(2, 6):
            ref = f"{column}{row}"
            value = base_value(PR, row, "Geplante Plätze")
            f = (
                f'<f t="shared" ref="{column}2:{column}5" si="0">0+{value}</f>'
                if row == 2
                else '<f t="shared" si="0"/>'
            )
            data = patch_cell(
                data, PR, ref, lambda style, ref=ref, f=f, value=value: f'<c r="{ref}"{style}>{f}<v>{value}</v></c>'
            )
        return data

    add.workbook(f"{family}-projekte-shared-formula-cached", family, shared, "accepted", same_data=True)
    ref = f"{letter(PR, 'Projekt')}3"
    add.workbook(
        f"{family}-projekte-projekt-r3-empty-text-result",  # a required cell whose formula gives ""
        family,
        lambda: patch_cell(base_bytes(), PR, ref, lambda style: f'<c r="{ref}"{style} t="str"><f>""</f><v></v></c>'),
        "refused",
        unreadable=False,
        mentions=("Projekt",),
    )
    add.workbook(
        f"{family}-umsetzung-heading-cached",  # a heading written by a formula
        family,
        lambda: patch_cell(
            base_bytes(),
            US,
            "E1",
            lambda style: f'<c r="E1"{style} t="str"><f>"Stich"&amp;"tag"</f><v>Stichtag</v></c>',
        ),
        "accepted",
        same_data=True,
    )


def _merged_cells(add: _Collector) -> None:
    family = "merged-cells"
    for sheet in SHEETS:
        slug = _SHEET_SLUG[sheet]
        last = letter(sheet, HEADINGS[sheet][-1])
        # The merge covers an optional heading: the merge is what is wrong, not a missing column.
        headings = {ZV: "D1:E1", PR: "F1:G1", US: "G1:H1"}[sheet]
        variants: list[tuple[str, str, Expect, bool]] = [
            ("headings", headings, "refused", False),
            ("data-down", "A2:A3", "refused", False),
            ("data-across", "E3:F3", "refused", False),
            ("unread-columns", "Y2:Z3", "accepted", True),  # far right of the table: nothing read there
        ]
        for label, cells, expect, same in variants:
            add.workbook(
                f"{family}-{slug}-{label}",
                family,
                lambda sheet=sheet, cells=cells: render(base_sheets(), merges={sheet: [cells]}),
                expect,
                same_data=same,
                unreadable=False if expect == "refused" else None,
                mentions=(cells,) if expect == "refused" else (),
            )

        def titled(sheet: str = sheet, last: str = last) -> bytes:
            sheets = base_sheets()
            sheets[sheet].insert(0, [f"{sheet} 2025 – Bericht an das HMSI"])
            return render(sheets, merges={sheet: [f"A1:{last}1"]})

        add.workbook(f"{family}-{slug}-title-above-headings", family, titled, "accepted", same_data=True)


def _hidden_sheets(add: _Collector) -> None:
    family = "hidden-sheet"
    for sheet in SHEETS:
        for state in ("hidden", "veryHidden"):
            add.workbook(
                f"{family}-{_SHEET_SLUG[sheet]}-{_slug(state)}",
                family,
                lambda sheet=sheet, state=state: render(base_sheets(), hidden={sheet: state}),
                "warnings",
                mentions=(sheet,),
            )
    for state in ("hidden", "veryHidden"):

        def all_hidden(state: str = state) -> bytes:
            sheets = base_sheets()
            sheets["Hinweise"] = [["Bitte die Blätter einblenden."]]
            return render(sheets, hidden=dict.fromkeys(SHEETS, state))

        add.workbook(f"{family}-all-three-{_slug(state)}", family, all_hidden, "refused")

    def helper_sheet() -> bytes:
        sheets = base_sheets()
        sheets["Listen"] = [["AGS", "Gebietskörperschaft"], ["06635", "Waldeck-Frankenberg"]]
        return render(sheets, hidden={"Listen": "hidden"})

    add.workbook(f"{family}-helper-list", family, helper_sheet, "accepted", same_data=True)


def _local_data_offset(data: bytes, part: str) -> tuple[int, int]:
    """Where a member's compressed data starts in the zip, and its length."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26 : info.header_offset + 30])
    return info.header_offset + 30 + name_length + extra_length, info.compress_size


def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]


def _broken_zips(add: _Collector) -> None:
    family = "broken-zip"

    def refused(label: str, build: Callable[[], bytes], unreadable: bool | None = True) -> None:
        add.workbook(f"{family}-{label}", family, build, "refused", unreadable=unreadable)

    for label, cut in (
        ("4-bytes", lambda n: 4),
        ("30-bytes", lambda n: 30),
        ("100-bytes", lambda n: 100),
        ("quarter", lambda n: n // 4),
        ("half", lambda n: n // 2),
        ("three-quarters", lambda n: n * 3 // 4),
        ("end-of-central-directory", lambda n: n - 10),
        ("last-byte", lambda n: n - 1),
    ):
        refused(f"truncated-{label}", lambda cut=cut: base_bytes()[: cut(len(base_bytes()))])

    def central_signature() -> bytes:
        data = base_bytes()
        position = data.index(b"PK\x01\x02")
        return data[:position] + b"PK\x01\x00" + data[position + 4 :]

    def central_offset() -> bytes:
        data = base_bytes()
        end = data.rindex(b"PK\x05\x06")
        (offset,) = struct.unpack("<I", data[end + 16 : end + 20])
        return data[: end + 16] + struct.pack("<I", offset + 7) + data[end + 20 :]

    def entry_count() -> bytes:
        data = base_bytes()
        end = data.rindex(b"PK\x05\x06")
        return data[: end + 8] + struct.pack("<HH", 0xFFFE, 0xFFFE) + data[end + 12 :]

    def flipped(part: str) -> Callable[[], bytes]:
        def build() -> bytes:
            data = base_bytes()
            start, length = _local_data_offset(data, part)
            return _flip(data, start + length // 2)

        return build

    def local_signature() -> bytes:
        data = base_bytes()
        start = zipfile.ZipFile(io.BytesIO(data)).getinfo(part_of(PR)).header_offset
        return data[:start] + b"PK\x00\x00" + data[start + 4 :]

    def without(part: str) -> Callable[[], bytes]:
        return lambda: zip_members([(n, c) for n, c in members(base_bytes()) if n != part])

    def malformed_sheet() -> bytes:
        return rewrite(base_bytes(), part_of(PR), lambda c: c.replace(b"</sheetData>", b"<row r=", 1))

    refused("central-directory-signature", central_signature)
    refused("central-directory-offset", central_offset)
    refused("central-directory-entry-count", entry_count)
    refused("local-header-signature", local_signature)
    refused("flipped-byte-in-projekte", flipped(part_of(PR)))
    refused("flipped-byte-in-workbook-xml", flipped("xl/workbook.xml"))
    refused("no-workbook-xml", without("xl/workbook.xml"))
    refused("no-sheet-part", without(part_of(US)), unreadable=None)
    refused("malformed-sheet-xml", malformed_sheet, unreadable=None)
    refused("empty-archive", lambda: zip_members([]))
    add.workbook(  # not broken at all: the parts stored without compression are as valid as deflated ones
        f"{family}-stored-not-deflated",
        family,
        lambda: zip_members(members(base_bytes()), zipfile.ZIP_STORED),
        "accepted",
        same_data=True,
    )


def _ods() -> bytes:
    return zip_members(
        [
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", b'<?xml version="1.0" encoding="UTF-8"?><office:document-content/>'),
        ],
        zipfile.ZIP_STORED,
    )


def _docx() -> bytes:
    return zip_members(
        [
            ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
            ("word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="urn:w"/>'),
        ]
    )


_CSV = "Jahr;AGS;Projekt;Träger;Geplante Mittel (EUR)\n2025;06635;Werkstatt Zukunft;Jugendwerkstatt Gießen;250.000,50\n"


def _wrong_file_types(add: _Collector) -> None:
    family = "wrong-file-type"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(13) + b"\x00\x00\x00\x00IEND\xaeB`\x82"
    variants: list[tuple[str, Callable[[], bytes]]] = [
        ("zero-bytes", lambda: b""),
        ("one-nul", lambda: b"\x00"),
        ("whitespace", lambda: b" \r\n\t \n"),
        ("pdf", lambda: pdf_bytes(agreement_text())),
        ("png", lambda: png),
        ("jpeg", lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64) + b"\xff\xd9"),
        ("csv-utf8", lambda: _CSV.encode()),
        ("csv-latin1", lambda: _CSV.encode("latin-1")),
        ("csv-utf16", lambda: _CSV.encode("utf-16")),
        ("html-table", lambda: b"<html><body><table><tr><td>Jahr</td><td>AGS</td></tr></table></body></html>"),
        (
            "spreadsheetml-2003",
            lambda: (
                b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
                b'<Worksheet ss:Name="Projekte"/></Workbook>'
            ),
        ),
        (
            "xls-ole-header",
            lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + random.Random(SEED).randbytes(1024),
        ),
        ("ods", _ods),
        ("docx", _docx),
        ("gzip", lambda: gzip.compress(base_bytes(), mtime=0)),
        ("seven-zip", lambda: b"7z\xbc\xaf\x27\x1c" + bytes(32)),
        ("random-bytes", lambda: random.Random(SEED + 1).randbytes(4096)),
    ]
    for label, build in variants:
        add.workbook(f"{family}-{label}", family, build, "refused", unreadable=True)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _escaped(text: str) -> str:
    """Control characters as Office Open XML writes them in a cell (`_x0001_`)."""
    return "".join(f"_x{ord(c):04X}_" if ord(c) < 32 and c not in "\t\n\r" else c for c in text)


def _text_cell(sheet: str, row: int, heading: str, text: str) -> Callable[[], bytes]:
    """A cell with text openpyxl will not write (control characters), as an inline string."""
    ref = f"{letter(sheet, heading)}{row}"
    return lambda: patch_cell(
        base_bytes(),
        sheet,
        ref,
        lambda style: f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{_escaped(text)}</t></is></c>',
    )


def _sheet_xml_in(sheet: str, bom: bytes, codec: str) -> Callable[[], bytes]:
    """The sheet's XML part re-encoded (with byte-order mark and declaration)."""

    def change(content: bytes) -> bytes:
        text = re.sub(r"^<\?xml[^>]*\?>", "", content.decode())
        return bom + ('<?xml version="1.0" encoding="UTF-16" standalone="yes"?>' + text).encode(codec)

    return lambda: rewrite(base_bytes(), part_of(sheet), change)


def _odd_encodings(add: _Collector) -> None:
    family = "odd-encoding"
    project = base_value(PR, 3, "Projekt")
    refused_text = [
        ("nul-in-projekt", PR, 3, "Projekt", f"Werkstatt\x00{project[9:]}"),
        ("control-in-traeger", PR, 2, "Träger", "Bildungswerk\x01Nordhessen"),
        ("escape-in-quelle", ZV, 2, "Quelle", "Zielvereinbarung\x1b[31m 2025"),
        ("bell-in-zielgruppe", PR, 4, "Zielgruppe", "Jugendliche\x07"),
        ("rtl-override-in-projekt", PR, 5, "Projekt", "Fortbildung \u202egnutlawrev\u202c"),
        ("rtl-override-in-traeger", PR, 4, "Träger", "\u202eAusbildungsverbund Kassel"),
    ]
    for label, sheet, row, heading, text in refused_text:
        add.workbook(
            f"{family}-{label}",
            family,
            _text_cell(sheet, row, heading, text),
            "refused",
            unreadable=False,
            mentions=(heading,),
        )
    add.workbook(  # a control character written raw: not XML at all
        f"{family}-raw-control-byte",
        family,
        lambda: replace_once(base_bytes(), part_of(PR), b"Bildungswerk Nordhessen", b"Bildungswerk\x01Nordhessen"),
        "refused",
    )
    add.workbook(  # Latin-1 bytes in a part that says it is UTF-8
        f"{family}-latin1-bytes-in-utf8-part",
        family,
        lambda: replace_once(
            base_bytes(),
            part_of(PR),
            b"Kreisvolkshochschule",
            "Kreisvolkshochschule Gro\xdf-Umstadt".encode("latin-1"),
        ),
        "refused",
    )
    for label, sheet, row, heading, text in (
        ("emoji-in-traeger", PR, 2, "Träger", "Bildungswerk Nordhessen 🎓"),
        ("emoji-in-zielgruppe", PR, 3, "Zielgruppe", "Langzeitarbeitslose 👩‍🔧👨‍🍳"),
        ("mojibake-in-traeger", PR, 4, "Träger", "Ausbildungsverbund Kassel fÃ¼r Jugendliche"),
        ("chinese-in-quelle", ZV, 3, "Quelle", "Zielvereinbarung 2025 目标协议"),
    ):
        add.workbook(f"{family}-{label}", family, _cell_case(sheet, row, heading, text), "accepted")
    add.workbook(
        f"{family}-nbsp-after-ags",
        family,
        _cell_case(PR, 2, "AGS", "06635\u00a0"),
        "accepted",
        same_data=True,
    )
    add.workbook(
        f"{family}-zero-width-space-in-ags",
        family,
        _cell_case(US, 3, "AGS", "066\u200b35"),
        "refused",
        unreadable=False,
        mentions=("AGS",),
    )
    for sheet, heading in ((PR, "Gebietskörperschaft"), (US, "Übergänge Ausbildung"), (US, "Abbrüche")):
        add.workbook(
            f"{family}-combining-accents-in-heading-{_SHEET_SLUG[sheet]}-{_slug(heading)}",
            family,
            lambda sheet=sheet, heading=heading: workbook_with(lambda s: set_cell(s, sheet, 1, heading, _nfd(heading))),
            "accepted",
            same_data=True,
        )
    add.workbook(
        f"{family}-combining-accents-in-measure-label",
        family,
        _cell_case(
            PR, 3, "Maßnahmenart", _nfd("Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung")
        ),
        "accepted",
        same_data=True,
    )

    def nfd_sheet_name() -> bytes:
        sheets = base_sheets()
        renamed = {(_nfd("Umsetzungsstände") if name == US else name): rows for name, rows in sheets.items()}
        return render(renamed)

    add.workbook(f"{family}-combining-accents-in-sheet-name", family, nfd_sheet_name, "accepted", same_data=True)
    for label, bom, codec in (("utf16-le", b"\xff\xfe", "utf-16-le"), ("utf16-be", b"\xfe\xff", "utf-16-be")):
        add.workbook(
            f"{family}-projekte-xml-in-{label}",
            family,
            _sheet_xml_in(PR, bom, codec),
            "accepted",
            same_data=True,
        )


LONG = 100_000


def _long_texts(add: _Collector) -> None:
    family = "long-text"
    words = ("Qualifizierung " * (LONG // 15 + 1))[:LONG]
    variants: list[tuple[str, str, int, str, object, Expect]] = [
        ("traeger", PR, 2, "Träger", words, "accepted"),
        ("zielgruppe", PR, 3, "Zielgruppe", words, "accepted"),
        ("quelle", ZV, 4, "Quelle", words, "accepted"),
        ("projekt", PR, 5, "Projekt", "Fortbildung " + words, "accepted"),
        ("name-beside-ags", US, 2, "Gebietskörperschaft", "Waldeck-Frankenberg " + words, "accepted"),
        ("name-without-ags", None, 0, "", None, "refused"),
        ("ags-digits", US, 4, "AGS", "0" * LONG, "refused"),
        ("money-digits", PR, 4, "Geplante Mittel (EUR)", "1" * LONG, "refused"),
        ("count-digits", US, 3, "Eintritte", "1" * LONG, "refused"),
        ("date", ZV, 2, "Unterzeichnung HMSI", "13.08.2025 " * (LONG // 11), "refused"),
        ("year", PR, 3, "Jahr", "2025" * (LONG // 4), "refused"),
    ]
    for label, sheet, row, heading, value, expect in variants:
        if sheet is None:
            build = _district_cells(ZV, 3, None, "Kassel " + words)
            mention: tuple[str, ...] = ("Gebietskörperschaft",)
        else:
            build = _cell_case(sheet, row, heading, value)
            mention = (heading,) if expect == "refused" else ()
        add.workbook(
            f"{family}-{label}",
            family,
            build,
            expect,
            unreadable=False if expect == "refused" else None,
            mentions=mention,
        )

    def long_heading(s: Sheets) -> None:
        for number, row in enumerate(s[PR]):
            row.append(("Bemerkung " * (LONG // 10)) if number == 0 else "x")

    add.workbook(f"{family}-extra-heading", family, lambda: workbook_with(long_heading), "warnings")


def _file_names(add: _Collector) -> None:
    family = "file-name"
    for label, name in (
        ("upper-case-extension", "BERICHT.XLSX"),
        ("spaces-and-brackets", "Bericht Waldeck-Frankenberg 2025 (Stand 30.06.).xlsx"),
        ("umlauts", "Übersicht_Maßnahmen_Gießen_2025.xlsx"),
        ("no-extension", "bericht"),
        ("xls-extension", "bericht.xls"),
        ("csv-extension", "bericht.csv"),
        ("quotes", "Bericht „final“ v2.xlsx"),
    ):
        add.workbook(f"{family}-{label}", family, base_bytes, "accepted", file_name=name, same_data=True)


# --- agreements -------------------------------------------------------------------------------------------

FORMATS = ("md", "txt", "pdf")
BASE_AGREEMENT = {"ags": "06635", "year": 2025, "budget_eur": 773920.0}


@contextmanager
def _invariant_pdf() -> Iterator[None]:
    """reportlab without creation date and random document id: the same text gives the same PDF."""
    from reportlab import rl_config

    before = rl_config.invariant
    rl_config.invariant = 1
    try:
        yield
    finally:
        rl_config.invariant = before


def pdf_bytes(text: str) -> bytes:
    with _invariant_pdf():
        return pdf_from_text(text)


def agreement_document(fmt: str, **options: object) -> bytes:
    """Our own agreement (tests/documents.py) with `options`, as .md, .txt or .pdf bytes."""
    if fmt == "pdf":
        return pdf_bytes(agreement_text(**options))  # type: ignore[arg-type]
    return agreement_text(flavour=fmt, **options).encode()  # type: ignore[arg-type]


def _edited(fmt: str, edit: Callable[[str], str] | None, **options: object) -> Callable[[], bytes]:
    """Our agreement with `options` (see `agreement_text`), its text then changed by `edit`, as .md, .txt or .pdf."""

    def build() -> bytes:
        text = agreement_text(flavour="md" if fmt == "pdf" else fmt, **options)  # type: ignore[arg-type]
        text = edit(text) if edit else text
        return pdf_bytes(text) if fmt == "pdf" else text.encode()

    return build


@dataclass(frozen=True)
class _Mutation:
    label: str
    family: str
    expect: Expect
    options: Mapping[str, object] = field(default_factory=dict)
    edit: Callable[[str], str] | None = None
    mentions: tuple[str, ...] = ()


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new)

    return edit


_BUDGET = (
    "Das Land stellt dem Landkreis Waldeck-Frankenberg im Jahr 2025 für die Umsetzung Mittel in Höhe von insgesamt"
)


def _agreement_mutations(add: _Collector) -> None:
    mutations = [
        _Mutation("no-section-4", "agreement-structure", "refused", {"with_budget_section": False}, mentions=("§ 4",)),
        _Mutation("no-signatures", "agreement-structure", "warnings", {"ministry": None, "signatory": None},
                  mentions=("Unterschrift",)),
        _Mutation("section-4-without-amount", "agreement-amount", "refused", {"budget_lines": (_BUDGET + " bereit.",)},
                  mentions=("§ 4",)),
        _Mutation("amount-in-words", "agreement-amount", "refused",
                  {"amount": "siebenhundertdreiundsiebzigtausend Euro"}),
        _Mutation("negative-amount", "agreement-amount", "refused", {"amount": "-773.920 Euro"}),
        _Mutation("amount-1e15", "agreement-amount", "refused", {"amount": "1.000.000.000.000.000 Euro"}),
        _Mutation("two-amounts", "agreement-amount", "warnings",
                  {"budget_lines": (_BUDGET, "773.920 Euro", "bereit; davon 50.000 Euro für Verwaltung.")},
                  mentions=("50.000",)),
        _Mutation("conflicting-years", "agreement-year", "refused", {"title_year": 2025, "budget_year": 2024},
                  mentions=("2024", "2025")),
        _Mutation("year-1999", "agreement-year", "refused", {"year": 1999}, mentions=("1999",)),
        _Mutation("unknown-district", "agreement-district", "refused", {"district": "dem Landkreis Atlantis"},
                  mentions=("Atlantis",)),
        _Mutation("ambiguous-district", "agreement-district", "refused", {"district": "Offenbach"},
                  mentions=("Offenbach",)),
        _Mutation("two-districts", "agreement-district", "refused",
                  edit=_replace("stellt dem Landkreis Waldeck-Frankenberg", "stellt dem Landkreis Fulda"),
                  mentions=("Fulda",)),
        _Mutation("section-5-without-projects", "agreement-projects", "warnings", {"measures": {}},
                  mentions=("§ 5",)),
        _Mutation("emoji-in-projects", "agreement-encoding", "accepted",
                  {"measures": {1: ("Startklar 🚀",), 2: (), 3: ("Werkstatt Zukunft 🛠",), 4: ()}}),
        _Mutation("long-line", "agreement-long-text", "accepted",
                  edit=_replace("Präambel", "Präambel\n\n" + "Ausbildung und Qualifizierung " * 3400)),
    ]  # fmt: skip
    for mutation in mutations:
        for fmt in FORMATS:
            add.agreement(
                f"{mutation.family}-{mutation.label}-{fmt}",
                mutation.family,
                f"zielvereinbarung-2025.{fmt}",
                _edited(fmt, mutation.edit, **mutation.options),
                mutation.expect,
                mentions=mutation.mentions,
            )

    def text_bytes(flavour: str, encoding: str, newline: str = "\n") -> Callable[[], bytes]:
        return lambda: agreement_text(flavour=flavour).replace("\n", newline).encode(encoding)

    encodings: list[tuple[str, str, Callable[[], bytes], Expect]] = [
        ("latin1", "txt", text_bytes("txt", "latin-1"), "accepted"),
        ("cp1252", "md", lambda: agreement_text(measures={**DEFAULT_MEASURES, 3: ("Werkstatt „Zukunft“ – Neustart",)})
         .encode("cp1252"),
         "accepted"),
        ("utf8-bom", "txt", text_bytes("txt", "utf-8-sig"), "accepted"),
        ("utf16-le-bom", "txt", lambda: b"\xff\xfe" + agreement_text(flavour="txt").encode("utf-16-le"), "accepted"),
        ("utf16-be-bom", "md", lambda: b"\xfe\xff" + agreement_text().encode("utf-16-be"), "accepted"),
        ("utf16-le-no-bom", "txt", text_bytes("txt", "utf-16-le"), "refused"),
        ("crlf", "txt", text_bytes("txt", "utf-8", "\r\n"), "accepted"),
        ("cr-only", "md", text_bytes("md", "utf-8", "\r"), "accepted"),
        ("nul-in-text", "md", lambda: agreement_text().replace("Präambel", "Prä\x00ambel").encode(), "refused"),
    ]  # fmt: skip
    for label, fmt, build, expect in encodings:
        add.agreement(
            f"agreement-encoding-{label}-{fmt}", "agreement-encoding", f"zielvereinbarung.{fmt}", build, expect
        )

    pdf = functools.cache(lambda: pdf_bytes(agreement_text()))
    garbage = random.Random(SEED + 2).randbytes(8192)
    file_types: list[tuple[str, str, Callable[[], bytes]]] = [
        ("empty", "zielvereinbarung.pdf", lambda: b""),
        ("empty", "zielvereinbarung.txt", lambda: b""),
        ("whitespace", "zielvereinbarung.md", lambda: b"\n \t\r\n  \n"),
        ("random-bytes", "zielvereinbarung.pdf", lambda: garbage),
        ("pdf-header-then-garbage", "zielvereinbarung.pdf", lambda: b"%PDF-1.7\n" + garbage),
        ("pdf-first-200-bytes", "zielvereinbarung.pdf", lambda: pdf()[:200]),
        ("png", "zielvereinbarung.pdf", lambda: b"\x89PNG\r\n\x1a\n" + garbage[:256]),
        ("xlsx-as-pdf", "zielvereinbarung.pdf", base_bytes),
        ("xlsx-as-txt", "zielvereinbarung.txt", base_bytes),
        ("doc-ole-as-txt", "zielvereinbarung.txt", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + garbage[:512]),
        ("pdf-without-text", "zielvereinbarung.pdf", lambda: pdf_bytes("")),
        ("encrypted-pdf", "zielvereinbarung.pdf", lambda: _encrypted(pdf())),
        ("over-10-mb", "zielvereinbarung.txt", lambda: agreement_text().encode() + b"x" * (10 * 1024 * 1024)),
        ("not-an-agreement", "brief.txt", lambda: b"Sehr geehrte Damen und Herren,\nanbei der Bericht.\n"),
        ("title-only", "zielvereinbarung.md", lambda: b"## Zielvereinbarung 2025\n\nzwischen ...\n"),
    ]
    for label, file_name, build in file_types:
        ext = file_name.rsplit(".", 1)[-1]
        add.agreement(f"agreement-file-type-{label}-{ext}", "agreement-file-type", file_name, build, "refused")


def _encrypted(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    fixed = ByteStringObject(random.Random(SEED + 3).randbytes(16))

    def fixed_identifiers() -> None:  # pypdf draws the file identifier from `secrets`
        writer._ID = ArrayObject((fixed, fixed))  # type: ignore[attr-defined]

    writer.generate_file_identifiers = fixed_identifiers  # type: ignore[method-assign]
    writer.encrypt(user_password="geheim", owner_password="geheim", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- the corpus -------------------------------------------------------------------------------------------


@functools.cache
def _all_cases() -> tuple[Case, ...]:
    add = _Collector()
    for family in (
        _missing_headings,
        _renamed_headings,
        _wrong_types,
        _negative_numbers,
        _huge_numbers,
        _unknown_districts,
        _ambiguous_districts,
        _duplicates,
        _formulas,
        _merged_cells,
        _hidden_sheets,
        _broken_zips,
        _wrong_file_types,
        _odd_encodings,
        _long_texts,
        _file_names,
        _agreement_mutations,
    ):
        family(add)
    return tuple(add.cases)


def all_cases() -> list[Case]:
    """Every case, in a fixed order."""
    return list(_all_cases())


def fast_subset() -> list[Case]:
    """About one case in six: every sixth case of each family, from an offset fixed per family."""
    by_family: dict[str, list[Case]] = {}
    for case in _all_cases():
        by_family.setdefault(case.family, []).append(case)
    chosen = set()
    for family, cases in by_family.items():
        offset = zlib.crc32(f"{SEED}:{family}".encode()) % min(6, len(cases))
        chosen.update(case.name for case in cases[offset::6])
    return [case for case in _all_cases() if case.name in chosen]
