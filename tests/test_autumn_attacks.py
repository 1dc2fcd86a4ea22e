"""Attacks on the autumn review (issue 18) that the code withstands: hostile amendments, days received, reporting
calendars, notes, reminders, projections and `meeting-pack --all`, each asserting what a user would see."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from aqb_data.__main__ import main
from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.lapse import closed_years, district_lapse
from aqb_data.analysis.projection import projection
from aqb_data.analysis.reporting import ReportStatus, reminders, report_status
from aqb_data.analysis.versions import amendment_history, budgets_in_force
from aqb_data.domain.calendar import CALENDAR_ENV, DEFAULT_STICHTAGE, calendar_or_default
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import safe_file_stem
from aqb_data.domain.notes import NoteError, NoteKind, clean_text
from aqb_data.domain.problems import Severity
from aqb_data.export.meeting_pack import Pack, Slide, batch
from aqb_data.export.tables import table_xlsx
from aqb_data.present.notes import NOTES_FRAME_COLUMNS, notes_frame
from aqb_data.present.views import amendment_history_view
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import open_store
from aqb_data.store.intake import check_upload, import_checked
from tests import autumn_payloads as hostile
from tests.factory import make_data, stores

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DAYS = [date(2025, m, d) for m, d in DEFAULT_STICHTAGE]


def _calendar_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "berichtskalender.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the reporting calendar ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(hostile.CALENDARS))
def test_a_broken_calendar_gives_a_german_message_naming_the_file_and_the_default_calendar(
    name: str, tmp_path: Path
) -> None:
    path = _calendar_file(tmp_path, hostile.CALENDARS[name])
    calendar, problem = calendar_or_default(path)
    assert problem is not None and problem.startswith(f"Berichtskalender {path}"), problem
    assert "Traceback" not in problem and "Error" not in problem
    assert [r.as_of for r in calendar.expected(2025)] == DEFAULT_DAYS


@pytest.mark.parametrize("kind", ["directory", "missing", "binary"])
def test_a_calendar_path_that_is_no_readable_file_is_said_in_german_and_the_default_used(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "kalender.toml"
    if kind == "directory":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00[standard]\x00")
    monkeypatch.setenv(CALENDAR_ENV, str(path))
    calendar, problem = calendar_or_default()
    assert problem is not None and problem.startswith(f"Berichtskalender {path}")
    assert ("die Datei gibt es nicht" in problem) if kind == "missing" else ("nicht lesbar" in problem)
    assert [r.as_of for r in calendar.expected(2025)] == DEFAULT_DAYS


def test_the_reporting_page_with_a_calendar_that_is_a_directory_warns_and_counts_by_the_default(
    fresh_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "kalender"
    folder.mkdir()
    monkeypatch.setenv(CALENDAR_ENV, str(folder))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["jahr"] = "2025"
    at.run()
    at.switch_page("app_pages/berichtseingang.py").run()
    assert not at.exception, [e.message for e in at.exception]
    warning = next(w.value for w in at.warning if "Berichtskalender" in w.value)
    assert "nicht lesbar" in warning and "Deshalb gilt hier der Standardkalender" in warning
    assert any("31.03.2025 (fällig 30.04.2025)" in c.value for c in at.caption)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (hostile.DATETIME_DUE, "„2025-08-15 10:00:00“ (für 30.06.) ist kein Fälligkeitstag (er hat eine Uhrzeit)"),
        (hostile.DEEP_NESTING, "Listen oder Tabellen sind zu tief verschachtelt"),
    ],
    ids=["datetime_due", "deep_nesting"],
)
def test_a_calendar_with_a_date_time_due_or_deep_nesting_gives_a_german_message_not_a_traceback(
    text: str, said: str, tmp_path: Path
) -> None:
    path = _calendar_file(tmp_path, text)
    calendar, problem = calendar_or_default(path)  # was: TypeError / RecursionError
    assert problem is not None and problem.startswith(f"Berichtskalender {path}") and said in problem
    assert [r.as_of for r in calendar.expected(2025)] == DEFAULT_DAYS


def test_a_calendar_message_does_not_repeat_ten_thousand_values(tmp_path: Path) -> None:
    path = _calendar_file(tmp_path, hostile.CALENDARS["ten_thousand_stichtage"])
    _, problem = calendar_or_default(path)
    assert problem is not None and len(problem) < 2_000  # was 100.210 characters in one warning
    assert "der Stichtag „30.06.“ steht mehr als einmal in der Liste" in problem


# --- the sheet „Änderungen“ --------------------------------------------------------------------------------------


def test_formula_and_markdown_reasons_are_read_exactly_and_exported_as_text_never_as_formulas(fresh_db: Path) -> None:
    rows = [
        [hostile.YEAR, hostile.WALDECK, None, f"{day:02d}.07.2025", 800_000 + day, text]
        for day, text in enumerate(hostile.WORKBOOK_TEXTS, start=1)
    ]
    store = open_store(fresh_db)
    check = check_upload(hostile.amendments_workbook(rows), "aenderungen.xlsx", store)
    assert check.errors == [], [p.text() for p in check.errors]
    import_checked(check, store)
    history = amendment_history(store.load(), hostile.YEAR, hostile.WALDECK)
    stored = [r for r in history["reason"].tolist() if r]
    assert stored == [row[5].strip() for row in rows]  # exact, apart from the reader's trimming
    view = amendment_history_view(store.load(), hostile.YEAR, hostile.WALDECK, "Waldeck-Frankenberg")
    sheet = load_workbook(io.BytesIO(table_xlsx(view.frame, view.columns, [])))["Daten"]
    headings = [cell.value for cell in sheet[1]]
    reasons = [row[headings.index("Grund")] for row in sheet.iter_rows(min_row=2)][1:]  # the signed version has none
    assert len(reasons) == len(rows)
    for cell in reasons:
        assert cell.data_type == "s", (cell.value, cell.data_type)
    formula_cells = [c for c in reasons if str(c.value).lstrip().startswith(("=", "+", "-", "@"))]
    assert len(formula_cells) >= len(hostile.FORMULAS)


def test_a_direction_override_in_the_reason_is_refused_naming_the_cell() -> None:
    result = read_workbook(
        hostile.amendments_workbook([[hostile.YEAR, hostile.WALDECK, None, "01.07.2025", 700_000, hostile.RTL]]),
        "a.xlsx",
    )
    assert [p.text() for p in result.errors] == [
        "Fehler: a.xlsx, Blatt „Änderungen“, Zeile 2, Spalte „Grund“ (Zelle F2): Wert „Kassel <U+202E>gnuztützretnU"
        "<U+202C>“ – erwartet: ein Text ohne Steuer- oder Richtungszeichen (gefunden: U+202E); bitte die Zelle neu "
        "eintippen"
    ]


def test_markdown_in_the_reason_and_source_of_an_amendment_shows_as_written_on_the_district_page(
    fresh_db: Path,
) -> None:
    from tests.ui.test_markdown_attacks import check

    store = open_store(fresh_db)
    rows = [
        [hostile.YEAR, hostile.WALDECK, None, f"{day:02d}.08.2025", 800_000 + day, text]
        for day, text in enumerate(hostile.MARKDOWN_PAYLOADS, start=1)
    ]
    imported = check_upload(hostile.amendments_workbook(rows), "aenderungen.xlsx", store)
    import_checked(imported, store)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["kreis"] = "Waldeck-Frankenberg"
    at.query_params["jahr"] = "2025"
    at.run()
    at.switch_page("app_pages/gebietskoerperschaft.py").run()
    check(at)
    last = hostile.MARKDOWN_PAYLOADS[-1]
    box = [m.value for m in at.markdown if m.value.startswith("Grund: ")]
    assert box and "[" not in box[0].replace("\\[", "")  # every bracket of the link escaped
    assert any(last in frame.value.to_string() for frame in at.dataframe) or any(
        last.replace(" ", "") in "".join(frame.value.to_string().split()) for frame in at.dataframe
    )


def test_amendment_days_far_outside_the_year_and_impossible_amounts_are_named_in_german(fresh_db: Path) -> None:
    rows = [
        [hostile.YEAR, hostile.WALDECK, None, "01.01.1900", 700_000, "weit zurück"],
        [hostile.YEAR, hostile.WALDECK, None, "31.12.9999", 700_001, "weit voraus"],
        [hostile.YEAR, hostile.WALDECK, None, "01.07.2025", -5, "negativ"],
        [hostile.YEAR, hostile.WALDECK, None, "02.07.2025", 1e15, "riesig"],
        [hostile.YEAR, hostile.WALDECK, None, "03.07.2025", "unendlich", "Text"],
        [hostile.YEAR, hostile.WALDECK, None, 2_958_466, 5, "Serienzahl nach 9999"],
    ]
    check = check_upload(hostile.amendments_workbook(rows), "aenderungen.xlsx", open_store(fresh_db))
    texts = [p.text() for p in check.problems]
    assert all("Blatt „Änderungen“" in t for t in texts), texts
    errors = [p.text() for p in check.errors]
    assert any("Zeile 4" in t and "nicht negativ" in t for t in errors)
    assert any("Zeile 5" in t and "höchstens 1.000.000.000.000 €" in t for t in errors)
    assert any("Zeile 6" in t and "unendlich" in t for t in errors)
    assert any("Zeile 7" in t and "Gültig ab" in t for t in errors)
    outside = [t for t in texts if "liegt nicht im Jahr 2025" in t]
    assert len(outside) == 2 and "01.01.1900" in outside[0] and "31.12.9999" in outside[1]


def test_a_ten_thousand_row_amendments_sheet_is_read_row_by_row_with_its_duplicates_named() -> None:
    days = pd.date_range("2025-01-01", "2025-12-31")
    rows = [
        [hostile.YEAR, ags, None, day.strftime("%d.%m.%Y"), 500_000 + n, f"Änderung {n}"]
        for n, (ags, day) in enumerate((ags, day) for ags in ("06635", "06611", "06631", "06636") for day in days)
    ]
    rows = (rows * 8)[:10_000]  # the rest again: each a duplicate of an earlier row
    assert len(rows) == 10_000
    result = read_workbook(hostile.amendments_workbook(rows), "viele.xlsx")
    assert len(result.tables["amendments"]) == 10_000  # every row read; the duplicates keep the file out
    duplicates = [p for p in result.errors if "gleiche Kombination aus Jahr, AGS, Gültig ab" in p.text()]
    assert duplicates and all("Blatt „Änderungen“" in p.text() for p in duplicates)
    assert duplicates[0].row == 4 * len(days) + 2  # the first repeated row, after the heading


def test_a_thousand_amendments_of_one_district_keep_the_budget_in_force_and_the_history_in_order() -> None:
    days = pd.date_range("2025-01-01", periods=364)
    data = make_data([(hostile.WALDECK, 2025, 773_920.0)])
    amendments = pd.DataFrame(
        {
            "year": 2025,
            "ags": hostile.WALDECK,
            "valid_from": days,
            "budget_eur": [700_000.0 + n for n in range(len(days))],
            "reason": [hostile.LONG_WORD[:500]] * len(days),
            "source": "ÄV",
        }
    )
    data = data.of(
        {
            "agreements": data.agreements,
            "projects": data.projects,
            "progress": data.progress,
            "amendments": amendments,
        }
    )
    in_force = budgets_in_force(data, date(2025, 9, 30)).iloc[0]
    assert in_force["budget_eur"] == 700_000.0 + days.get_loc(pd.Timestamp("2025-09-30"))
    assert in_force["budget_signed_eur"] == 773_920.0 and in_force["n_amendments"] == 273
    history = amendment_history(data, 2025, hostile.WALDECK)
    assert len(history) == 365 and history["valid_from"].iloc[1:].is_monotonic_increasing
    assert history["change_eur"].iloc[2:].eq(1.0).all()


@pytest.mark.parametrize(
    ("district", "fragment"),
    [
        ("Waldeck-Frankenbreg", "Waldeck-Frankenbreg"),
        ("Landkreis Kassell", "Kassell"),
        ("Kassel", "Kassel"),  # the city or the Landkreis: never guessed
    ],
)
def test_a_look_alike_district_name_in_the_amendments_is_never_taken_for_another_district(
    district: str, fragment: str
) -> None:
    result = read_workbook(
        hostile.amendments_workbook([[hostile.YEAR, None, district, "01.07.2025", 700_000, "Grund"]]), "a.xlsx"
    )
    assert result.tables["amendments"].empty
    assert any(fragment in p.text() and "Blatt „Änderungen“" in p.text() for p in result.errors)


# --- „Eingegangen am“ -----------------------------------------------------------------------------------------


def test_received_as_text_serial_number_and_nonsense_is_read_as_a_day_or_named_in_german() -> None:
    result = read_workbook(
        hostile.received_workbook(["15.07.2025", 45_853, "gestern", "15.7.25", "31.02.2025", 0, -1, 45_853.75]),
        "bericht.xlsx",
    )
    received = result.tables["progress"].set_index("project")["received"]
    assert received["Projekt 1"] == received["Projekt 2"] == pd.Timestamp("2025-07-15")
    errors = {p.row: p.text() for p in result.errors}
    assert set(errors) == {4, 5, 6, 7, 8, 9}
    assert all("Spalte „Eingegangen am“" in t and "erwartet: ein Datum wie 13.08.2025" in t for t in errors.values())


def test_a_report_received_after_the_evaluation_day_is_not_yet_in() -> None:
    data = _one_report(received="2025-07-20")
    status = report_status(data, Selection(2025, ags=hostile.WALDECK), calendar_or_default(None)[0], date(2025, 7, 10))
    june = status[status["as_of"] == pd.Timestamp("2025-06-30")].iloc[0]
    assert june["status"] is ReportStatus.NOT_DUE and pd.isna(june["received"])


def _one_report(received: str, project: str = "Werkstatt") -> object:
    data = make_data(
        [(hostile.WALDECK, 2025, 100_000.0)],
        [(hostile.WALDECK, 2025, 1, project, 50_000.0)],
        [(hostile.WALDECK, 2025, project, date(2025, 6, 30), 10_000.0)],
    )
    progress = data.progress.assign(received=pd.Timestamp(received)).drop(columns="demo")
    return data.of(
        {
            "agreements": data.agreements,
            "projects": data.projects,
            "progress": progress,
            "amendments": data.amendments,
        }
    )


@pytest.mark.parametrize(
    ("received", "said"),
    [
        ("15.07.2099", "Wert „15.07.2099“ – Der Eingangstag liegt nach dem heutigen Tag"),
        ("02.01.2025", "Wert „02.01.2025“ – Der Eingangstag liegt vor dem Stichtag des Berichts (30.06.2025)"),
    ],
    ids=["future", "before_stichtag"],
)
def test_a_day_received_in_the_future_or_before_the_stichtag_is_warned_at_upload(
    received: str, said: str, fresh_db: Path
) -> None:
    check = check_upload(hostile.received_workbook([received]), "bericht.xlsx", open_store(fresh_db))
    flagged = [p for p in check.problems if "Eingegangen am" in p.text()]
    assert [p.severity for p in flagged] == [Severity.WARNING] and said in flagged[0].text()
    assert not any(p.severity is Severity.ERROR for p in check.problems)  # a warning: the report can still be stored


# --- reminders ------------------------------------------------------------------------------------------------


def test_a_reminder_holds_nothing_from_uploaded_names_only_the_district_days_and_fixed_text() -> None:
    data = make_data(
        [(hostile.WALDECK, 2025, 100_000.0)],
        [(hostile.WALDECK, 2025, 1, hostile.INSTRUCTION, 50_000.0)],
        [(hostile.WALDECK, 2025, hostile.INSTRUCTION, date(2025, 3, 31), 10_000.0)],
    )
    status = report_status(data, Selection(2025), calendar_or_default(None)[0], date(2025, 12, 1))
    texts = reminders(status)
    assert list(texts) == ["Waldeck-Frankenberg"]
    text = texts["Waldeck-Frankenberg"]
    assert "überweisen" not in text and "DE00" not in text and "Werkstatt" not in text
    lines = text.splitlines()
    assert lines[0].startswith("Betreff: Erinnerung: Umsetzungsbericht") and lines[0].endswith("– Waldeck-Frankenberg")
    days = [line for line in lines if line.startswith("- ")]
    assert days == [
        "- Stichtag 30.06.2025, fällig am 30.07.2025, seit 124 Tagen überfällig",
        "- Stichtag 30.09.2025, fällig am 30.10.2025, seit 32 Tagen überfällig",
    ]
    assert all(not line or re.fullmatch(r"[\w .,:;–§()„“„/\-ÄÖÜäöüß]+", line) for line in lines), lines


# --- notes ----------------------------------------------------------------------------------------------------


def test_a_note_of_2001_characters_is_refused_in_german_and_2000_are_kept() -> None:
    with pytest.raises(NoteError, match=r"^Der Text ist 2\.001 Zeichen lang; erlaubt sind höchstens 2\.000 Zeichen"):
        clean_text("x" * 2_001)
    assert clean_text(" " + "x" * 2_000 + "\r\n") == "x" * 2_000


@pytest.mark.parametrize("text", hostile.TEXTS)
def test_a_hostile_note_is_stored_as_written_and_its_excel_cell_is_text(text: str, fresh_db: Path) -> None:
    store = open_store(fresh_db)
    store.add_note(2025, hostile.WALDECK, NoteKind.ACTION, text, project=text, due=date(2025, 12, 1))
    notes = store.notes(2025, hostile.WALDECK)
    assert notes["text"].tolist() == [text.strip()]
    frame = notes_frame(notes, date(2025, 11, 1))
    sheet = load_workbook(io.BytesIO(table_xlsx(frame, NOTES_FRAME_COLUMNS, [])))["Daten"]
    headings = [cell.value for cell in sheet[1]]
    for heading in ("Text", "Projekt"):
        cell = sheet.cell(2, headings.index(heading) + 1)
        assert cell.data_type == "s", (heading, cell.value)
        assert not str(cell.value).startswith("=") or cell.quotePrefix


# --- projection and lapse -------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stores())
def test_projection_sums_reconcile_to_the_cent_on_random_stores(data: object) -> None:
    for year in data.years:  # type: ignore[attr-defined]
        selection = Selection(year)
        levels = {level: projection(data, selection, level) for level in ("project", "district", "land")}
        if data.data_date(year) is None:  # type: ignore[attr-defined]
            assert all(frame.empty for frame in levels.values())  # no report in the year: nothing to project
            continue
        land = levels["land"].iloc[0]
        for column in ("planned_eur", "spent_eur", "projected_eur", "unspent_eur"):
            for level in ("project", "district"):
                total = levels[level][column].sum(min_count=1)
                if pd.isna(land[column]):
                    assert pd.isna(total), (column, level)
                else:
                    assert round(total * 100) == round(land[column] * 100), (column, level, year)
        shown = levels["district"].dropna(subset=["low_eur", "high_eur"])
        assert (shown["low_eur"] <= shown["high_eur"]).all()


def test_a_stichtag_before_any_report_projects_nothing_and_says_no_report() -> None:
    data = make_data(
        [(hostile.WALDECK, 2025, 100_000.0)],
        [(hostile.WALDECK, 2025, 1, "Werkstatt", 50_000.0)],
        [(hostile.WALDECK, 2025, "Werkstatt", date(2025, 6, 30), 10_000.0)],
    )
    row = projection(data, Selection(2025, ags=hostile.WALDECK), "district", date(2025, 3, 31)).iloc[0]
    assert pd.isna(row["projected_eur"]) and pd.isna(row["unspent_eur"])
    assert row["n_without_report"] == 1 and row["method"] == "kein Bericht"


def test_zero_planned_and_zero_spent_give_no_division_by_zero() -> None:
    data = make_data(
        [(hostile.WALDECK, 2025, 0.0)],
        [(hostile.WALDECK, 2025, 1, "Werkstatt", 0.0)],
        [(hostile.WALDECK, 2025, "Werkstatt", date(2025, 6, 30), 0.0)],
    )
    row = projection(data, Selection(2025, ags=hostile.WALDECK), "district").iloc[0]
    assert row["projected_eur"] == 0.0 and row["unspent_eur"] == 0.0
    assert pd.isna(row["projected_budget_share"])  # 0 ÷ 0 is no share


def test_a_year_without_31_12_reports_is_not_closed_and_a_single_earlier_year_uses_the_land_profile() -> None:
    data = make_data(
        [(hostile.WALDECK, 2024, 100_000.0), (hostile.WALDECK, 2025, 100_000.0)],
        [(hostile.WALDECK, 2024, 1, "Werkstatt", 50_000.0), (hostile.WALDECK, 2025, 1, "Werkstatt", 50_000.0)],
        [
            (hostile.WALDECK, 2024, "Werkstatt", date(2024, 6, 30), 20_000.0),
            (hostile.WALDECK, 2024, "Werkstatt", date(2024, 12, 31), 40_000.0),
            (hostile.WALDECK, 2025, "Werkstatt", date(2025, 6, 30), 10_000.0),
        ],
    )
    assert closed_years(data) == [2024]
    assert district_lapse(data)["year"].unique().tolist() == [2024]
    row = projection(data, Selection(2025, ags=hostile.WALDECK), "project").iloc[0]
    assert row["method"] == "Profil Land" and row["projected_eur"] == 20_000.0  # 10.000 € ÷ (20.000 ÷ 40.000)


# --- meeting-pack --all ----------------------------------------------------------------------------------------


def _quick_pack(data: object, year: int, ags: str, **kwargs: object) -> Pack:
    name = district_label(ags)
    return Pack(f"Umsetzungsbesprechung {year} – {name}", [Slide(name, footer="Quelle")], _stem(year, name), False)


def _stem(year: int, name: str) -> str:
    return safe_file_stem(f"AQB_Umsetzungsbesprechung_{year}_{name}")


def test_pack_all_into_a_path_that_is_a_file_stops_with_one_german_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mappen"
    target.write_text("keine Mappe", encoding="utf-8")
    code = main(["meeting-pack", "--all", str(target), "--year", "2025", "--db", str(tmp_path / "aqb.sqlite")])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"Fehler: Der Ordner {target} kann nicht angelegt werden") and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "keine Mappe"


def test_pack_all_into_a_folder_with_files_keeps_other_files_and_names_a_blocked_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "district_pack", _quick_pack)
    out = tmp_path / "mappen"
    out.mkdir()
    (out / "Notizen.txt").write_text("bleibt", encoding="utf-8")
    (out / f"{_stem(2025, 'Kassel (Stadt)')}.pdf").mkdir()  # a folder where a file should go
    code = main(["meeting-pack", "--all", str(out), "--year", "2025", "--db", str(tmp_path / "aqb.sqlite")])
    assert code == 1
    err = capsys.readouterr().err
    assert "Kassel (Stadt) … Fehler:" in err and "kann nicht geschrieben werden (das ist ein Ordner)" in err
    assert err.strip().splitlines()[-1] == "Fehler: Nicht erstellt für Kassel (Stadt); die übrigen sind geschrieben."
    assert (out / "Notizen.txt").read_text(encoding="utf-8") == "bleibt"
    assert len(list(out.glob("*.pptx"))) == 26  # Kassel's PowerPoint came before its blocked PDF


def test_pack_file_names_stay_in_the_folder_for_every_district() -> None:
    from aqb_data.domain.districts import load_districts

    names = [_stem(2025, district_label(ags)) for ags in load_districts()["ags"]]
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) and ".." not in name for name in names)
    assert len(set(names)) == 26
    for hostile_name in ("../../etc/passwd", "..\\..\\x", "/abs", "a\x00b", "CON", "."):
        stem = safe_file_stem(f"AQB_{hostile_name}")
        assert "/" not in stem and "\\" not in stem and "\x00" not in stem and stem not in (".", "..")
