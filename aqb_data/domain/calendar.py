"""The reporting calendar (Berichtskalender): on which Stichtage the districts report each year, and by when.

The calendar is configuration, read from a TOML file (`AQB_BERICHTSKALENDER` or the shipped
`data/berichtskalender.toml`): a default set of Stichtage with a due offset in days, and per-year overrides
(other Stichtage, another offset, or explicit due dates). A file that cannot be used raises `CalendarError` with a
German message naming the file, the line and key, the value and what was expected.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from aqb_data.paths import PROJECT_ROOT, REPORTING_CALENDAR

CALENDAR_ENV = "AQB_BERICHTSKALENDER"
DEFAULT_STICHTAGE: tuple[tuple[int, int], ...] = ((3, 31), (6, 30), (9, 30), (12, 31))  # (month, day)
DEFAULT_DUE_DAYS = 30
DEFAULT_SOURCE = "Standardkalender (31.03., 30.06., 30.09., 31.12.; fällig 30 Tage danach)"
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})?\s*$")
_DUE_DAYS_LIMIT = 366
_SHOWN_LIMIT = 80  # characters of a value a message repeats: a hostile file must not make a 100 KB warning


class CalendarError(ValueError):
    """A reporting calendar that cannot be used; the message (German) says where and why."""


@dataclass(frozen=True)
class Rule:
    """The Stichtage of a year as (month, day), each due `due_days` after it unless `due` names its due date."""

    stichtage: tuple[tuple[int, int], ...] = DEFAULT_STICHTAGE
    due_days: int = DEFAULT_DUE_DAYS
    due: Mapping[tuple[int, int], date] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ExpectedReport:
    """One report the calendar expects: its Stichtag and the last day it counts as on time."""

    as_of: date
    due: date


@dataclass(frozen=True)
class ReportingCalendar:
    """The default rule, the years that differ from it, and where the calendar comes from (for the page)."""

    default: Rule = field(default_factory=Rule)
    years: Mapping[int, Rule] = field(default_factory=dict, hash=False)
    source: str = DEFAULT_SOURCE

    def rule(self, year: int) -> Rule:
        """The rule in force for `year`."""
        return self.years.get(year, self.default)

    def expected(self, year: int) -> list[ExpectedReport]:
        """The reports expected in `year`, by Stichtag ascending."""
        rule = self.rule(year)
        reports = []
        for month, day in sorted(rule.stichtage):
            as_of = date(year, month, day)
            reports.append(ExpectedReport(as_of, rule.due.get((month, day), as_of + timedelta(days=rule.due_days))))
        return reports


def _shown_value(value: object) -> str:
    """`value` as a message shows it: at most `_SHOWN_LIMIT` characters, longer ones cut with "…"."""
    try:
        text = value if isinstance(value, str) else str(value)
    except (RecursionError, ValueError):  # a list nested deeper than Python prints, an int too long to print
        text = "[[[…"
    text = re.sub(r"[\x00-\x1f\x7f]+", " ", text)  # a line break inside a value would break the message apart
    return text if len(text) <= _SHOWN_LIMIT else text[: _SHOWN_LIMIT - 1] + "…"


def _where(path: Path, text: str, section: str, key: str) -> str:
    """`Zeile N, Schlüssel „section.key“` for the line that sets `key` inside `[section]` (line unknown: the key)."""
    current = ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.match(r"^\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1).replace('"', "").replace(" ", "")
            continue
        if current == section and re.match(rf"^\"?{re.escape(key)}\"?\s*=", stripped):
            return f"{path}, Zeile {number}, Schlüssel „{_shown_value(f'{section}.{key}')}“"
    return f"{path}, Schlüssel „{_shown_value(f'{section}.{key}')}“"


def _day_month(value: object, year: int | None) -> tuple[int, int] | None:
    """(month, day) of "30.06." (or "30.06.2025" in `year`), valid in every year (29.02. is not); None if not."""
    if not isinstance(value, str):
        return None
    match = _DAY_MONTH.match(value)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    if match.group(3) is not None and (year is None or int(match.group(3)) != year):
        return None
    try:
        date(2023, month, day)  # not a leap year: a Stichtag must exist every year
    except ValueError:
        return None
    return month, day


def _due_date(value: object) -> date | None:
    """A due date from "31.01.2026" or a TOML date; None if it is neither (a TOML date-time is no due date)."""
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    match = re.match(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$", value)
    if not match:
        return None
    try:
        return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None


def _rule(path: Path, text: str, section: str, table: object, base: Rule, year: int | None) -> Rule:
    """The rule of one section (`standard` or `jahre.JJJJ`), what it leaves out taken from `base`."""
    if not isinstance(table, dict):
        raise CalendarError(
            f"Berichtskalender {path}: „[{section}]“ muss eine Tabelle mit stichtage, frist_tage oder fristen sein, "
            f"nicht „{_shown_value(table)}“."
        )
    unknown = sorted(set(table) - {"stichtage", "frist_tage", "fristen"})
    if unknown:
        raise CalendarError(
            f"Berichtskalender {_where(path, text, section, unknown[0])}: unbekannter Schlüssel; erwartet werden "
            "„stichtage“, „frist_tage“ oder „fristen“."
        )
    stichtage = base.stichtage
    if "stichtage" in table:
        values = table["stichtage"]
        if not isinstance(values, list) or not values:
            where = _where(path, text, section, "stichtage")
            raise CalendarError(
                f"Berichtskalender {where}: „{_shown_value(values)}“ ist keine Liste von Stichtagen; erwartet wird "
                'z. B. ["30.06.", "31.12."].'
            )
        parsed = []
        for value in values:
            day = _day_month(value, year)
            if day is None:
                where = _where(path, text, section, "stichtage")
                raise CalendarError(
                    f"Berichtskalender {where}: „{_shown_value(value)}“ ist kein Stichtag; "
                    "erwartet wird ein Tag im Format TT.MM. (z. B. „30.06.“), den es in jedem Jahr gibt."
                )
            parsed.append(day)
        seen: set[tuple[int, int]] = set()
        for value, day in zip(values, parsed, strict=True):
            if day in seen:  # name the repeated day only: the list itself may be thousands of entries long
                where = _where(path, text, section, "stichtage")
                raise CalendarError(
                    f"Berichtskalender {where}: der Stichtag „{_shown_value(value)}“ "
                    "steht mehr als einmal in der Liste; erwartet wird jeder Tag einmal."
                )
            seen.add(day)
        stichtage = tuple(sorted(parsed))
    due_days = base.due_days
    if "frist_tage" in table:
        value = table["frist_tage"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _DUE_DAYS_LIMIT:
            where = _where(path, text, section, "frist_tage")
            raise CalendarError(
                f"Berichtskalender {where}: „{_shown_value(value)}“ ist keine Frist; "
                f"erwartet wird eine ganze Zahl von Tagen nach dem Stichtag (0 bis {_DUE_DAYS_LIMIT})."
            )
        due_days = value
    due: dict[tuple[int, int], date] = {}
    fristen = table.get("fristen", {})
    if not isinstance(fristen, dict) or (fristen and year is None):
        expected = (
            "feste Fälligkeitstage gibt es nur für ein Jahr (unter [jahre.JJJJ.fristen])"
            if year is None
            else 'eine Tabelle Stichtag = Fälligkeitstag, z. B. { "30.06." = "15.08.2025" }'
        )
        where = _where(path, text, section, "fristen")
        raise CalendarError(f"Berichtskalender {where}: „{_shown_value(fristen)}“; erwartet: {expected}.")
    for key, value in fristen.items():
        day = _day_month(key, year)
        if day is None or day not in stichtage:
            where = _where(path, text, section, "fristen")
            raise CalendarError(
                f"Berichtskalender {where}: „{_shown_value(key)}“ ist keiner der Stichtage des "
                f"Jahres ({', '.join(f'{d:02d}.{m:02d}.' for m, d in stichtage)})."
            )
        when = _due_date(value)
        if when is None or year is None or when < date(year, *day):
            # A TOML date-time is also a date; said apart, since "15.08.2025 10:00" looks like a due day.
            why = " (er hat eine Uhrzeit)" if isinstance(value, datetime) else ""
            raise CalendarError(
                f"Berichtskalender {_where(path, text, section, 'fristen')}: „{_shown_value(value)}“ "
                f"(für {_shown_value(key)}) ist kein Fälligkeitstag{why}; erwartet wird ein Datum ohne Uhrzeit am oder "
                "nach dem Stichtag, TT.MM.JJJJ (z. B. „15.08.2025“) oder 2025-08-15."
            )
        due[day] = when
    return Rule(stichtage, due_days, due)


def _syntax_error(text: str, path: Path, error: tomllib.TOMLDecodeError) -> NoReturn:
    """Raise the CalendarError for a TOML syntax error: file, line, column and the line as written."""
    place = re.search(r"at line (\d+), column (\d+)", str(error))
    if place:
        number = int(place.group(1))
        lines = text.splitlines()
        shown = lines[number - 1].strip() if number <= len(lines) else ""
        raise CalendarError(
            f"Berichtskalender {path}, Zeile {number}, Spalte {place.group(2)}: „{_shown_value(shown)}“ ist kein "
            'gültiges TOML; erwartet wird z. B. stichtage = ["30.06.", "31.12."] oder frist_tage = 30.'
        ) from None
    raise CalendarError(
        f"Berichtskalender {path}: am Ende der Datei unvollständig (eine Klammer oder ein Anführungszeichen "
        "fehlt); erwartet wird gültiges TOML."
    ) from None


def parse_calendar(text: str, path: Path) -> ReportingCalendar:
    """The calendar in the TOML `text` of the file `path` (CalendarError, in German, if it cannot be used)."""
    try:
        settings = tomllib.loads(text)
    except RecursionError:  # tomllib recurses once per level of nested arrays or inline tables
        raise CalendarError(
            f"Berichtskalender {path}: Listen oder Tabellen sind zu tief verschachtelt; erwartet wird z. B. "
            'stichtage = ["30.06.", "31.12."].'
        ) from None
    except tomllib.TOMLDecodeError as error:
        _syntax_error(text, path, error)
    except ValueError:  # an integer longer than Python converts (4.300 digits)
        raise CalendarError(
            f"Berichtskalender {path}: eine Zahl ist zu lang; erwartet wird z. B. frist_tage = 30."
        ) from None
    unknown = sorted(set(settings) - {"standard", "jahre"})
    if unknown:
        raise CalendarError(
            f"Berichtskalender {path}: unbekannter Abschnitt „{_shown_value(unknown[0])}“; erwartet werden [standard] "
            "und [jahre.JJJJ]."
        )
    default = _rule(path, text, "standard", settings.get("standard", {}), Rule(), None)
    years: dict[int, Rule] = {}
    given = settings.get("jahre", {})
    if not isinstance(given, dict):
        raise CalendarError(f"Berichtskalender {path}: „jahre“ muss Abschnitte [jahre.JJJJ] enthalten.")
    for key, table in given.items():
        if not re.fullmatch(r"\d{4}", key) or not 2000 <= int(key) <= 2100:
            raise CalendarError(
                f"Berichtskalender {path}: „[jahre.{_shown_value(key)}]“ nennt kein Jahr; erwartet wird [jahre.JJJJ], "
                "z. B. [jahre.2025]."
            )
        years[int(key)] = _rule(path, text, f"jahre.{key}", table, default, int(key))
    return ReportingCalendar(default, years, _shown(path))


def _shown(path: Path) -> str:
    """The file as the pages name it: relative to the project for the shipped one, else as configured."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def calendar_path() -> Path:
    """Where the calendar is read from: `AQB_BERICHTSKALENDER`, else the shipped file."""
    return Path(os.environ.get(CALENDAR_ENV) or REPORTING_CALENDAR)


def load_calendar(path: str | Path | None = None) -> ReportingCalendar:
    """The calendar from `path` (default: `calendar_path()`); the default calendar if the shipped file is absent.

    CalendarError (German) for a file that is named but absent, unreadable or not a valid calendar."""
    path = Path(path) if path is not None else calendar_path()
    if not path.exists():
        if path == REPORTING_CALENDAR and CALENDAR_ENV not in os.environ:
            return ReportingCalendar()
        raise CalendarError(f"Berichtskalender {path}: die Datei gibt es nicht (Umgebungsvariable {CALENDAR_ENV}).")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CalendarError(f"Berichtskalender {path}: nicht lesbar ({error.__class__.__name__}).") from None
    return parse_calendar(text, path)


def calendar_or_default(path: str | Path | None = None) -> tuple[ReportingCalendar, str | None]:
    """The configured calendar and None, or – when it cannot be used – the default calendar and why (German)."""
    try:
        return load_calendar(path), None
    except CalendarError as error:
        return ReportingCalendar(), str(error)
