"""The reporting calendar: default Stichtage and due days, per-year overrides from TOML, and German messages for a
broken file (file, line, key, value, what was expected) with the default calendar as fall-back."""

from datetime import date
from pathlib import Path

import pytest

from aqb_data.domain.calendar import (
    CALENDAR_ENV,
    CalendarError,
    ReportingCalendar,
    calendar_or_default,
    load_calendar,
)
from aqb_data.paths import REPORTING_CALENDAR


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "berichtskalender.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _days(calendar: ReportingCalendar, year: int) -> list[tuple[date, date]]:
    return [(r.as_of, r.due) for r in calendar.expected(year)]


def test_the_default_calendar_expects_four_reports_each_due_30_days_later() -> None:
    assert _days(ReportingCalendar(), 2025) == [
        (date(2025, 3, 31), date(2025, 4, 30)),
        (date(2025, 6, 30), date(2025, 7, 30)),
        (date(2025, 9, 30), date(2025, 10, 30)),
        (date(2025, 12, 31), date(2026, 1, 30)),
    ]


def test_the_shipped_file_is_the_default_calendar() -> None:
    shipped = load_calendar(REPORTING_CALENDAR)
    assert _days(shipped, 2024) == _days(ReportingCalendar(), 2024)
    assert shipped.source == "data/berichtskalender.toml"  # named relative to the project, not the server's path


def test_a_year_can_have_its_own_stichtage_offset_and_explicit_due_days(tmp_path: Path) -> None:
    path = _file(
        tmp_path,
        '[standard]\nstichtage = ["31.03.", "30.06.", "30.09.", "31.12."]\nfrist_tage = 30\n\n'
        '[jahre.2023]\nstichtage = ["30.06.", "31.12."]\nfrist_tage = 45\nfristen = { "31.12." = "28.02.2024" }\n\n'
        "[jahre.2024]\nfrist_tage = 14\n",
    )
    calendar = load_calendar(path)
    assert _days(calendar, 2023) == [(date(2023, 6, 30), date(2023, 8, 14)), (date(2023, 12, 31), date(2024, 2, 28))]
    assert _days(calendar, 2024)[0] == (date(2024, 3, 31), date(2024, 4, 14))  # the default days, its own offset
    assert _days(calendar, 2025)[0] == (date(2025, 3, 31), date(2025, 4, 30))  # a year not named: the default


def test_the_path_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CALENDAR_ENV, str(_file(tmp_path, '[standard]\nstichtage = ["30.06."]\n')))
    assert [r.as_of for r in load_calendar().expected(2025)] == [date(2025, 6, 30)]
    monkeypatch.setenv(CALENDAR_ENV, str(tmp_path / "fehlt.toml"))
    with pytest.raises(CalendarError, match="fehlt.toml: die Datei gibt es nicht"):
        load_calendar()


def test_a_toml_syntax_error_names_file_line_column_and_the_line(tmp_path: Path) -> None:
    path = _file(tmp_path, '[standard]\nstichtage = ["30.06."]\nfrist_tage = = 30\n')
    with pytest.raises(CalendarError) as error:
        load_calendar(path)
    message = str(error.value)
    assert message.startswith(
        f"Berichtskalender {path}, Zeile 3, Spalte 14: „frist_tage = = 30“ ist kein gültiges TOML"
    )
    assert "Traceback" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[standard]\nfrist_tage = 30\n\n[jahre.2024]\nstichtage = ["30.06.", "31.02."]\n',
            "Zeile 5, Schlüssel „jahre.2024.stichtage“: „31.02.“ ist kein Stichtag; erwartet wird ein Tag im Format "
            "TT.MM.",
        ),
        (
            "[standard]\nfrist_tage = -3\n",
            "Zeile 2, Schlüssel „standard.frist_tage“: „-3“ ist keine Frist; erwartet wird eine ganze Zahl",
        ),
        (
            '[jahre.2025]\nstichtage = ["30.06."]\nfristen = { "30.06." = "01.06.2025" }\n',
            "Zeile 3, Schlüssel „jahre.2025.fristen“: „01.06.2025“ (für 30.06.) ist kein Fälligkeitstag",
        ),
        ("[jahre.20x5]\nfrist_tage = 30\n", "„[jahre.20x5]“ nennt kein Jahr; erwartet wird [jahre.JJJJ]"),
        ("[standard]\nfrist = 30\n", "Zeile 2, Schlüssel „standard.frist“: unbekannter Schlüssel"),
    ],
)
def test_a_wrong_value_names_line_key_value_and_what_was_expected(tmp_path: Path, text: str, expected: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(CalendarError) as error:
        load_calendar(path)
    assert str(error.value).startswith(f"Berichtskalender {path}")
    assert expected in str(error.value)


def test_a_broken_file_falls_back_to_the_default_calendar_and_says_why(tmp_path: Path) -> None:
    calendar, problem = calendar_or_default(_file(tmp_path, '[standard]\nstichtage = "30.06."\n'))
    assert _days(calendar, 2025) == _days(ReportingCalendar(), 2025)
    assert problem is not None and "„30.06.“ ist keine Liste von Stichtagen" in problem
    assert calendar_or_default(REPORTING_CALENDAR)[1] is None


def test_a_due_date_with_a_time_of_day_is_refused_naming_line_key_value_and_the_format(tmp_path: Path) -> None:
    path = _file(tmp_path, '[jahre.2025]\nstichtage = ["30.06."]\nfristen = { "30.06." = 2025-08-15T10:00:00 }\n')
    with pytest.raises(CalendarError) as error:
        load_calendar(path)
    assert str(error.value) == (
        f"Berichtskalender {path}, Zeile 3, Schlüssel „jahre.2025.fristen“: „2025-08-15 10:00:00“ (für 30.06.) ist "
        "kein Fälligkeitstag (er hat eine Uhrzeit); erwartet wird ein Datum ohne Uhrzeit am oder nach dem Stichtag, "
        "TT.MM.JJJJ (z. B. „15.08.2025“) oder 2025-08-15."
    )
    # The same day as a TOML date (without time) is a due date.
    plain = _file(tmp_path, '[jahre.2025]\nstichtage = ["30.06."]\nfristen = { "30.06." = 2025-08-15 }\n')
    assert _days(load_calendar(plain), 2025) == [(date(2025, 6, 30), date(2025, 8, 15))]


@pytest.mark.parametrize(
    "text",
    [
        "[standard]\nstichtage = " + "[" * 5_000 + "]" * 5_000 + "\n",
        "[standard]\nfristen = " + "{ a = " * 3_000 + "1" + " }" * 3_000 + "\n",
    ],
    ids=["arrays", "inline_tables"],
)
def test_nesting_deeper_than_python_reads_is_refused_in_german(tmp_path: Path, text: str) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(CalendarError, match="Listen oder Tabellen sind zu tief verschachtelt"):
        load_calendar(path)


def test_a_number_too_long_to_read_is_refused_in_german(tmp_path: Path) -> None:
    with pytest.raises(CalendarError, match="eine Zahl ist zu lang; erwartet wird z. B. frist_tage = 30"):
        load_calendar(_file(tmp_path, "[standard]\nfrist_tage = " + "9" * 5_000 + "\n"))


def test_a_repeated_stichtag_is_named_as_written_without_the_list(tmp_path: Path) -> None:
    days = ", ".join(['"30.06."', '"31.12."'] + ['"31.03."'] * 5_000 + ['"30.06.2025"'])
    with pytest.raises(CalendarError) as error:
        load_calendar(_file(tmp_path, f"[jahre.2025]\nstichtage = [{days}]\n"))
    message = str(error.value)
    assert "Zeile 2, Schlüssel „jahre.2025.stichtage“: der Stichtag „31.03.“ steht mehr als einmal in der Liste" in (
        message
    )
    assert message.count("31.03.") == 1 and len(message) < 300


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('[standard]\nstichtage = ["' + "3" * 500 + '"]\n', "„" + "3" * 79 + "…“ ist kein Stichtag"),
        ("[standard]\n" + "k" * 500 + " = 1\n", "Schlüssel „standard." + "k" * 70 + "…“: unbekannter Schlüssel"),
        ("[standard]\nstichtage = [" + "x" * 5_000 + "]\n", "„stichtage = [" + "x" * 66 + "…“ ist kein gültiges"),
        ('[standard]\nstichtage = ["30.06.\\n\\n# Überschrift"]\n', "„30.06. # Überschrift“ ist kein Stichtag"),
    ],
    ids=["stichtag", "key", "toml_line", "line_breaks"],
)
def test_a_value_in_a_message_is_cut_at_80_characters_and_kept_on_one_line(
    tmp_path: Path, text: str, shown: str
) -> None:
    with pytest.raises(CalendarError) as error:
        load_calendar(_file(tmp_path, text))
    assert shown in str(error.value) and "\n" not in str(error.value) and len(str(error.value)) < 400
