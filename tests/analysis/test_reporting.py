"""Reporting completeness: statuses at the boundary days, reports outside the calendar, reminders, and the flag on
figures that rest on reports older than the chosen Stichtag (in the achievement rows, the page's view, its xlsx and
the slides' cells)."""

import io
from datetime import date

import pandas as pd
from openpyxl import load_workbook

from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.reporting import (
    ReportStatus,
    counts_line,
    matrix,
    overdue,
    reminders,
    report_status,
    stale_sentence,
)
from aqb_data.domain.calendar import ReportingCalendar, Rule
from aqb_data.domain.dataset import AqbData
from aqb_data.export.tables import table_xlsx
from aqb_data.present.views import achievement_cells, achievement_view
from tests.factory import make_data

KASSEL, FULDA, DARMSTADT, GIESSEN = "06611", "06631", "06411", "06531"
Y = 2025
JUNE, SEPTEMBER = date(2025, 6, 30), date(2025, 9, 30)
CALENDAR = ReportingCalendar(Rule(((6, 30), (9, 30)), 30))  # due 30.07. and 30.10.


def _with_received(data: AqbData, received: dict[tuple[str, date], date | None]) -> AqbData:
    progress = data.progress.copy()
    progress["received"] = [
        pd.Timestamp(received[(a, d.date())]) if received.get((a, d.date())) else pd.NaT
        for a, d in zip(progress["ags"], progress["as_of"], strict=True)
    ]
    progress["received"] = progress["received"].astype("datetime64[us]")
    return AqbData(data.agreements, data.projects, progress, data.files)


def _data() -> AqbData:
    """Kassel reported on time at both Stichtage, Fulda in June only (its September figures come from June),
    Darmstadt on one project in September and the other only in June; Gießen has no agreement."""
    data = make_data(
        agreements=[(KASSEL, Y, 100_000.0), (FULDA, Y, 80_000.0), (DARMSTADT, Y, 50_000.0)],
        projects=[
            (KASSEL, Y, 1, "Werkstatt", 40_000.0),
            (FULDA, Y, 2, "Coaching", 30_000.0),
            (DARMSTADT, Y, 3, "Brücke", 20_000.0),
            (DARMSTADT, Y, 3, "Lernort", 10_000.0),
            (GIESSEN, Y, 1, "Start", 5_000.0),
        ],
        progress=[
            (KASSEL, Y, "Werkstatt", JUNE, 10_000.0),
            (KASSEL, Y, "Werkstatt", SEPTEMBER, 20_000.0),
            (FULDA, Y, "Coaching", JUNE, 9_000.0),
            (DARMSTADT, Y, "Brücke", JUNE, 4_000.0),
            (DARMSTADT, Y, "Lernort", JUNE, 2_000.0),
            (DARMSTADT, Y, "Brücke", SEPTEMBER, 8_000.0),
            (GIESSEN, Y, "Start", SEPTEMBER, 1_000.0),
        ],
    )
    return _with_received(
        data,
        {
            (KASSEL, JUNE): date(2025, 7, 30),  # on the due day: on time
            (KASSEL, SEPTEMBER): date(2025, 10, 1),
            (FULDA, JUNE): date(2025, 7, 31),  # one day after the due day: late
            (DARMSTADT, JUNE): date(2025, 7, 2),
            (DARMSTADT, SEPTEMBER): date(2025, 11, 14),
        },
    )


def _status(frame: pd.DataFrame, ags: str, as_of: date) -> pd.Series:
    return frame[(frame["ags"] == ags) & (frame["as_of"] == pd.Timestamp(as_of))].iloc[0]


def test_received_on_the_due_day_is_on_time_and_one_day_later_is_late() -> None:
    frame = report_status(_data(), Selection(Y), CALENDAR, date(2025, 12, 1))
    on_time = _status(frame, KASSEL, JUNE)
    assert on_time["status"] is ReportStatus.RECEIVED and pd.isna(on_time["days_late"])
    assert on_time["cell"] == "✓ eingegangen am 30.07.2025"
    late = _status(frame, FULDA, JUNE)
    assert (late["status"], late["days_late"]) == (ReportStatus.LATE, 1)
    assert late["cell"] == "◑ verspätet eingegangen am 31.07.2025 (1 Tag nach Frist)"
    assert _status(frame, DARMSTADT, SEPTEMBER)["cell"] == "◑ verspätet eingegangen am 14.11.2025 (15 Tage nach Frist)"


def test_looking_back_from_an_earlier_day_a_report_received_later_had_not_come() -> None:
    """Darmstadt's September report came on 14.11.2025: on 05.11. it was missing, on 14.11. it is late."""
    before = _status(report_status(_data(), Selection(Y), CALENDAR, date(2025, 11, 5)), DARMSTADT, SEPTEMBER)
    assert (before["status"], before["days_late"], before["cell"]) == (
        ReportStatus.MISSING,
        6,
        "✗ fehlt – 6 Tage überfällig",
    )
    arrived = _status(report_status(_data(), Selection(Y), CALENDAR, date(2025, 11, 14)), DARMSTADT, SEPTEMBER)
    assert arrived["status"] is ReportStatus.LATE


def test_a_report_not_received_is_not_yet_due_on_its_due_day_and_missing_the_day_after() -> None:
    on_due_day = report_status(_data(), Selection(Y), CALENDAR, date(2025, 10, 30))
    assert _status(on_due_day, FULDA, SEPTEMBER)["status"] is ReportStatus.NOT_DUE
    assert _status(on_due_day, FULDA, SEPTEMBER)["cell"] == "○ noch nicht fällig"
    day_after = report_status(_data(), Selection(Y), CALENDAR, date(2025, 10, 31))
    missing = _status(day_after, FULDA, SEPTEMBER)
    assert (missing["status"], missing["days_late"]) == (ReportStatus.MISSING, 1)
    assert missing["cell"] == "✗ fehlt – 1 Tag überfällig"


def test_only_districts_with_an_agreement_are_expected_and_the_selection_narrows_them() -> None:
    frame = report_status(_data(), Selection(Y), CALENDAR, date(2025, 12, 1))
    assert set(frame["ags"]) == {KASSEL, FULDA, DARMSTADT}  # Gießen reported but has no agreement
    assert len(frame) == 6
    assert set(report_status(_data(), Selection(Y, ags=FULDA), CALENDAR, date(2025, 12, 1))["ags"]) == {FULDA}


def test_a_report_at_a_day_outside_the_calendar_is_shown_not_lost() -> None:
    data = make_data(
        agreements=[(KASSEL, Y, 100_000.0)],
        projects=[(KASSEL, Y, 1, "Werkstatt", 40_000.0)],
        progress=[(KASSEL, Y, "Werkstatt", date(2025, 8, 15), 10_000.0)],
    )
    frame = report_status(data, Selection(Y), CALENDAR, date(2025, 12, 1))
    outside = _status(frame, KASSEL, date(2025, 8, 15))
    assert outside["status"] is ReportStatus.OUTSIDE and not outside["in_calendar"]
    assert outside["cell"] == "◇ außerhalb des Kalenders (Eingangstag unbekannt)"
    grid = matrix(frame)
    assert list(grid.columns) == ["unit_label", "30.06.2025", "15.08.2025 (außerhalb des Kalenders)", "30.09.2025"]
    assert grid.iloc[0]["30.06.2025"] == "✗ fehlt – 124 Tage überfällig"


def test_the_overview_lists_missing_first_then_late_and_counts_every_status() -> None:
    frame = report_status(_data(), Selection(Y), CALENDAR, date(2025, 12, 1))
    late = overdue(frame)
    assert [(r.unit_label, r.status) for r in late.itertuples()] == [
        ("Fulda", ReportStatus.MISSING),
        ("Darmstadt", ReportStatus.LATE),
        ("Fulda", ReportStatus.LATE),
    ]
    assert counts_line(frame) == "✗ 1 fehlt · ◑ 2 verspätet eingegangen · ✓ 3 eingegangen · ○ 0 noch nicht fällig"
    grid = matrix(frame).set_index("unit_label")
    assert grid.loc["Fulda", "30.09.2025"] == "✗ fehlt – 32 Tage überfällig"
    assert "nan" not in grid.to_string()


def test_a_reminder_names_district_stichtag_due_day_days_overdue_and_what_to_send() -> None:
    texts = reminders(report_status(_data(), Selection(Y), CALENDAR, date(2025, 12, 1)))
    assert list(texts) == ["Fulda"]
    text = texts["Fulda"]
    assert text.startswith(
        "Betreff: Erinnerung: Umsetzungsbericht zum Ausbildungs- und Qualifizierungsbudget (AQB) 2025"
    )
    assert "- Stichtag 30.09.2025, fällig am 30.10.2025, seit 32 Tagen überfällig" in text
    assert "Blatt „Umsetzungsstand“" in text and "verausgabten Mittel" in text
    assert "Sehr geehrte Damen und Herren" in text and text.rstrip().endswith("Soziales")


def test_figures_from_an_older_report_are_flagged_in_the_achievement_rows() -> None:
    districts = achievement(_data(), Selection(Y), "district", SEPTEMBER).set_index("unit")
    assert districts.loc[FULDA, "report_flag"] == "⚠ Bericht vom 30.06.2025"
    assert districts.loc[DARMSTADT, "report_flag"] == "⚠ teils Bericht vom 30.06.2025"
    assert districts.loc[KASSEL, "report_flag"] == "✓ zum Stichtag"
    assert districts.loc[FULDA, "stale"] and not districts.loc[KASSEL, "stale"]
    no_report = districts[districts["n_reported"] == 0]
    assert set(no_report["report_flag"]) == {"✗ kein Bericht"}
    assert not no_report["stale"].any()
    # At June every figure is as of the Stichtag.
    june = achievement(_data(), Selection(Y), "district", JUNE).set_index("unit")
    assert june.loc[FULDA, "report_flag"] == "✓ zum Stichtag"


def test_the_warning_names_the_districts_without_a_report_at_the_stichtag() -> None:
    districts = achievement(_data(), Selection(Y), "district", SEPTEMBER)
    assert stale_sentence(districts, SEPTEMBER) == (
        "1 Gebietskörperschaft hat zum 30.09.2025 nicht berichtet; ihre Zahlen stammen aus älteren Berichten: "
        "Fulda (30.06.2025). Außerdem stammen bei Darmstadt (teils 30.06.2025) die Zahlen einzelner Projekte aus "
        "älteren Berichten (Spalte „Bericht“)."
    )
    projects = achievement(_data(), Selection(Y, ags=DARMSTADT), "project", SEPTEMBER)
    assert stale_sentence(projects, SEPTEMBER, "project") == (
        "1 Projekt hat zum 30.09.2025 nicht berichtet; seine Zahlen stammen aus älteren Berichten: Lernort "
        "(30.06.2025)."
    )
    assert stale_sentence(achievement(_data(), Selection(Y), "district", JUNE), JUNE) == ""


def test_the_flag_is_in_the_page_view_its_xlsx_and_the_slide_cells() -> None:
    view = achievement_view(_data(), Selection(Y), "district", SEPTEMBER)
    assert "Bericht" in view.headings
    cells = view.cells().set_index("Gebietskörperschaft")
    assert cells.loc["Fulda", "Bericht"] == "⚠ Bericht vom 30.06.2025"
    sheet = load_workbook(io.BytesIO(table_xlsx(view.frame, view.columns, [("Ansicht", view.title)])))["Daten"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    heading = next(i for i, row in enumerate(rows) if "Bericht" in row)
    column = rows[heading].index("Bericht")
    names = rows[heading].index("Gebietskörperschaft")
    flags = {row[names]: row[column] for row in rows[heading + 1 :] if row[names]}
    assert flags["Fulda"] == "⚠ Bericht vom 30.06.2025" and flags["Kassel (Stadt)"] == "✓ zum Stichtag"
    slide = achievement_cells(achievement(_data(), Selection(Y), "district", SEPTEMBER), "Gebietskörperschaft")
    assert slide.set_index("Gebietskörperschaft").loc["Fulda", "Bericht"] == "⚠ Bericht vom 30.06.2025"
    current = achievement_cells(achievement(_data(), Selection(Y), "district", JUNE), "Gebietskörperschaft")
    assert "Bericht" not in current.columns  # nothing older than the Stichtag: no extra column on the slide


def test_the_deviation_chart_its_numbers_and_its_slide_say_which_bars_rest_on_an_older_report() -> None:
    """Fulda's September figures come from its June report: its bar says so beside the status, the chart's
    numbers and the slide's table carry the flag; Kassel's bar, on time, carries none."""
    from aqb_data.present.charts import deviation_bars
    from aqb_data.present.views import DEVIATION_COLUMNS, deviation_cells

    data = _with_received(_data(), {})
    frame = achievement(data, Selection(Y), "district", SEPTEMBER)
    bars = deviation_bars(frame, "Abweichung").data[0]
    texts = dict(zip(bars.y, bars.text, strict=True))
    fulda = next(text for label, text in texts.items() if "Fulda" in label)
    kassel = next(text for label, text in texts.items() if "Kassel" in label)
    assert fulda.endswith(" · ⚠ Bericht vom 30.06.2025") and "⚠" not in kassel
    assert DEVIATION_COLUMNS["report_flag"][0] == "Bericht"
    cells = deviation_cells(frame, "Gebietskörperschaft").set_index("Gebietskörperschaft")
    assert cells.loc[frame.loc[frame["unit"] == FULDA, "unit_label"].iloc[0], "Bericht"] == "⚠ Bericht vom 30.06.2025"
