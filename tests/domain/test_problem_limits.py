"""A file broken in every row must not make the server carry its problems: they are listed up to a limit and
counted beyond it, and the checks against the stored data run in the reading worker, not in the server."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from aqb_data.domain.problems import MAX_LISTED_PROBLEMS, Problem, Severity, limit_problems
from aqb_data.export.workbooks import problems_workbook
from aqb_data.read.files import bundled_data
from aqb_data.read.sandbox import read_workbook_isolated
from aqb_data.read.workbook import XLSX_MIME
from aqb_data.store.database import open_store
from aqb_data.store.intake import check_upload
from tests.workbooks import make_workbook

ROOT = Path(__file__).resolve().parents[2]
PROGRESS = ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)", "Eintritte", "Austritte"]


def invalid_budgets(rows: int) -> bytes:
    """`rows` agreements whose amount is no amount: one error each."""
    header = ["Jahr", "AGS", "Haushaltsmittel (EUR)"]
    return make_workbook({"Zielvereinbarungen": [header, *([2025, "06635", "viel"] for _ in range(rows))]})


def unknown_projects(rows: int) -> bytes:
    """`rows` progress reports of projects nobody planned, with more exits than entries: two warnings each."""
    body = [[2025, "06635", f"Projekt {n}", "30.06.2025", 1000, 1, 5] for n in range(rows)]
    return make_workbook({"Umsetzungsstand": [PROGRESS, *body]})


def test_problems_beyond_the_limit_are_counted_in_one_line_per_kind():
    problems = [Problem("a.xlsx", Severity.ERROR, "Ungültiger Wert", "erwartet: Betrag", row=n) for n in range(2500)]
    problems += [Problem("a.xlsx", Severity.WARNING, "Plausibilität", "mehr Austritte", row=n) for n in range(3)]
    kept = limit_problems(problems, limit=1000)
    assert len(kept) == 1000 + 3 + 1
    summary = kept[-1]
    assert (summary.severity, summary.kind, summary.stands_for) == (Severity.ERROR, "Ungültiger Wert", 1500)
    assert summary.text() == (
        "Fehler: a.xlsx: Weitere 1.500 Fehler dieser Art sind nicht einzeln aufgeführt (es werden höchstens 1.000 "
        "gezeigt); bitte die aufgeführten Stellen beheben und die Datei erneut prüfen"
    )


def test_a_file_with_an_error_in_every_row_comes_back_listed_up_to_the_limit_and_counted_in_full():
    rows = MAX_LISTED_PROBLEMS + 500
    result = read_workbook_isolated(invalid_budgets(rows), "kaputt.xlsx")
    assert len(result.errors) == MAX_LISTED_PROBLEMS + 1
    assert result.count(Severity.ERROR) == rows
    assert "Weitere 500 Fehler dieser Art" in result.errors[-1].text()
    assert result.errors[0].text().startswith("Fehler: kaputt.xlsx, Blatt „Zielvereinbarungen“, Zeile 2")


def test_the_checks_against_stored_data_run_in_the_worker_and_are_limited_too():
    rows = MAX_LISTED_PROBLEMS + 200
    result = read_workbook_isolated(unknown_projects(rows), "bericht.xlsx", None, bundled_data())
    assert result.count(Severity.WARNING) == 2 * rows
    assert len(result.warnings) == MAX_LISTED_PROBLEMS + 1  # the rest counted in one line (one kind)
    assert any("Kein Projekt „Projekt 0“ für Waldeck-Frankenberg 2025 bekannt" in p.text() for p in result.warnings)


def test_the_report_of_such_a_file_holds_the_listed_problems_and_the_count(tmp_path):
    check = check_upload(invalid_budgets(MAX_LISTED_PROBLEMS + 500), "kaputt.xlsx", open_store(tmp_path / "a.sqlite"))
    sheet = load_workbook(io.BytesIO(problems_workbook(check.problems))).active
    assert sheet.max_row == 1 + MAX_LISTED_PROBLEMS + 1
    assert "Weitere 500 Fehler dieser Art" in " ".join(str(c.value) for c in sheet[sheet.max_row])


@pytest.mark.usefixtures("fresh_db")
def test_the_upload_page_counts_every_error_but_lists_only_the_first():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("app_pages/hochladen.py").run()
    at.file_uploader[0].set_value(("kaputt.xlsx", invalid_budgets(MAX_LISTED_PROBLEMS + 500), XLSX_MIME)).run()
    assert not at.exception
    assert at.error[0].value.startswith("**1.500 Fehler, 0 Warnungen** – die Datei wird nicht übernommen.")
    assert [e.label for e in at.expander][0] == "Fehler: Ungültiger Wert (1.500)"
    assert len(at.table[0].value) == MAX_LISTED_PROBLEMS + 1
