"""The command line as a user calls it: exit codes, German messages, JSON and CSV output."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from aqb_data.analysis.indicators import Selection, land_totals
from aqb_data.read.files import bundled_data
from tests.databases import Location
from tests.workbooks import make_workbook

ROOT = Path(__file__).resolve().parents[1]
PROJECT_HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aqb_data", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def messy_but_valid(tmp_path: Path) -> Path:
    path = tmp_path / "bericht_waldeck.xlsx"
    rows = [
        ["Projektliste AQB 2025 – Landkreis Waldeck-Frankenberg"],
        [],
        PROJECT_HEADINGS,
        [2025, "06635", "1.", "AVIA", "120.000,00 €"],
        [2025, "6635", "Qualifizierung", "Checkpoint", "100.000"],
        [],
        ["Summe", None, None, None, "220.000,00 €"],
    ]
    path.write_bytes(make_workbook({"Projekte": rows}))
    return path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "kaputt.xlsx"
    rows = [PROJECT_HEADINGS, [2025, "Kassel", 9, "AVIA", "zwölf"], [2025, "06635", 7, "Restart", "-5"]]
    path.write_bytes(make_workbook({"Projekte": rows}))
    return path


def test_validate_a_messy_but_valid_workbook_exits_0(messy_but_valid: Path) -> None:
    result = run("validate", str(messy_but_valid))
    assert result.returncode == 0
    assert "bericht_waldeck.xlsx: gültig (Projekte: 2 Zeilen; 0 Fehler, 0 Warnungen)" in result.stdout


def test_validate_lists_every_problem_cell_by_cell_and_exits_1(broken: Path) -> None:
    result = run("validate", str(broken))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "kaputt.xlsx: Fehler" in lines[0]
    assert any("Zeile 2, Spalte „AGS“ (Zelle B2): Wert „Kassel“" in line for line in lines)
    assert any("Zeile 2, Spalte „Maßnahmenart“ (Zelle C2): Wert „9“" in line for line in lines)
    assert any("Zeile 2, Spalte „Geplante Mittel (EUR)“ (Zelle E2): Wert „zwölf“" in line for line in lines)
    assert any("Zeile 3, Spalte „Maßnahmenart“ (Zelle C3): Wert „7“" in line for line in lines)
    assert any("Zeile 3" in line and "„-5“" in line and "nicht negativ" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_validate_unreadable_file_exits_2_with_a_german_message(tmp_path: Path) -> None:
    fake = tmp_path / "bericht.xlsx"
    fake.write_text("Jahr;AGS\n2025;06635\n", encoding="utf-8")
    result = run("validate", str(fake))
    assert result.returncode == 2
    assert "Die Datei ist keine Excel-Arbeitsmappe (.xlsx)" in result.stdout
    assert "Traceback" not in result.stderr


def test_summary_json_of_the_bundled_data_matches_the_engine() -> None:
    result = run("summary", "--year", "2025")
    assert result.returncode == 0
    summary = json.loads(result.stdout)
    totals = land_totals(bundled_data(), Selection(2025))
    assert summary["year"] == 2025
    assert summary["land"]["budget_eur"] == totals["budget_eur"] == 28_300_000.0
    assert len(summary["districts"]) == 26
    waldeck = next(d for d in summary["districts"] if d["ags"] == "06635")
    assert waldeck["name"] == "Waldeck-Frankenberg"
    assert waldeck["budget_eur"] == 773_920.0
    # The signed agreement names no amounts: its budget is "ohne Projektbeträge", not free; per type unknown (null).
    assert (waldeck["planned_eur"], waldeck["unplanned_eur"], waldeck["unknown_eur"]) == (0.0, 0.0, 773_920.0)
    assert waldeck["project_amounts"] == "none" and waldeck["demo"] is False
    assert waldeck["label"] == "Waldeck-Frankenberg" and waldeck["sources"][0].startswith("Zielvereinbarung 2025")
    assert waldeck["by_measure_type"]["1"] == {"planned_eur": None, "share": None}
    assert waldeck["by_measure_type"]["2"] == {"planned_eur": 0.0, "share": 0.0}
    kassel = next(d for d in summary["districts"] if d["ags"] == "06611")
    assert set(kassel["by_measure_type"]) == {"1", "2", "3", "4"}
    planned = sum(v["planned_eur"] for v in kassel["by_measure_type"].values())
    assert round(planned, 2) == kassel["planned_eur"]
    assert kassel["label"] == "Kassel (Stadt)" and kassel["demo"] is True and kassel["sources"] == ["synthetisch"]
    for entry in [summary["land"], *summary["regierungsbezirke"], *summary["districts"]]:
        parts = entry["planned_eur"] - entry["over_planned_eur"] + entry["unplanned_eur"] + entry["unknown_eur"]
        assert round(parts, 2) == entry["budget_eur"]
    land = summary["land"]
    assert (land["over_planned_eur"], land["unplanned_eur"], land["unknown_eur"]) == (42_080.0, 1_776_160.0, 773_920.0)


def test_summary_from_files_as_german_csv(messy_but_valid: Path, tmp_path: Path) -> None:
    agreements = tmp_path / "zielvereinbarung.xlsx"
    agreements.write_bytes(
        make_workbook({"Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, "06635", 773_920]]})
    )
    result = run("summary", "--year", "2025", "--format", "csv", str(agreements), str(messy_but_valid))
    assert result.returncode == 0
    header, *rows = result.stdout.splitlines()
    assert header.startswith(
        "level;ags;name;label;regierungsbezirk;budget_eur;planned_eur;over_planned_eur;unplanned_eur;unknown_eur;"
    )
    assert rows[0].startswith("land;;;Hessen;;773920,0;220000,0;0,0;553920,0;0,0;")
    waldeck = next(r for r in rows if r.startswith("district;06635;"))
    assert waldeck.startswith(
        "district;06635;Waldeck-Frankenberg;Waldeck-Frankenberg;Kassel;773920,0;220000,0;0,0;553920,0;0,0;"
    )


def test_summary_of_a_year_without_data_explains_and_exits_1() -> None:
    result = run("summary", "--year", "2019")
    assert result.returncode == 1
    assert "Für 2019 gibt es keine Zielvereinbarungen (vorhanden: 2021, 2022, 2023, 2024, 2025)." in result.stderr


def test_summary_with_a_broken_file_refuses_and_names_the_problem(broken: Path) -> None:
    result = run("summary", "--year", "2025", str(broken))
    assert result.returncode == 1
    assert "Die Daten enthalten Fehler" in result.stderr
    assert "Zelle E2" in result.stderr


def test_demo_writes_a_workbook_that_validates(tmp_path: Path) -> None:
    target = tmp_path / "demo.xlsx"
    result = run("demo", str(target), "--seed", "11")
    assert result.returncode == 0
    assert "130 Zielvereinbarungen" in result.stdout
    assert run("validate", str(target)).returncode == 0


def test_import_history_undo_against_a_database(messy_but_valid: Path, store_location: Location) -> None:
    db = str(store_location)
    imported = run("import", str(messy_but_valid), "--db", db)
    assert imported.returncode == 0
    # "AVIA" is new under this short name, Checkpoint gets its amount; AVIA's long name, Restart, FiB and BSP go.
    assert "bericht_waldeck.xlsx: importiert als Nr. 2 (Projekte: 1 neu, 1 geändert, 4 entfällt)" in imported.stdout
    again = run("import", str(messy_but_valid), "--db", db)
    assert again.returncode == 0
    assert "keine Änderungen – dieser Stand ist bereits gespeichert" in again.stdout
    history = run("history", "--db", db).stdout.splitlines()
    assert history[0].startswith("Nr. 2 · ") and "bericht_waldeck.xlsx" in history[0]
    assert history[1].startswith("Nr. 1 · ") and "Demodaten · aqb_demo.xlsx" in history[1]
    summary = json.loads(run("summary", "--year", "2025", "--db", db).stdout)
    waldeck = next(d for d in summary["districts"] if d["ags"] == "06635")
    assert waldeck["planned_eur"] == 220_000.0  # the two projects of the report
    assert "Rückgängig gemacht: Nr. 2 (bericht_waldeck.xlsx" in run("undo", "--db", db).stdout
    summary = json.loads(run("summary", "--year", "2025", "--db", db).stdout)
    waldeck = next(d for d in summary["districts"] if d["ags"] == "06635")
    assert (waldeck["planned_eur"], waldeck["unknown_eur"]) == (0.0, 773_920.0)  # as signed: no amounts


def test_import_with_an_error_writes_nothing(broken: Path, messy_but_valid: Path, store_location: Location) -> None:
    db = str(store_location)
    result = run("import", str(messy_but_valid), str(broken), "--db", db)
    assert result.returncode == 1
    assert "Abgelehnt: 5 Fehler; es wurde nichts gespeichert." in result.stderr
    assert "kaputt.xlsx, Blatt „Projekte“, Zeile 2" in result.stderr
    history = run("history", "--db", db).stdout.splitlines()
    assert len(history) == 1 and "Demodaten" in history[0]  # the valid file was not imported either


def test_remove_demo_and_template(store_location: Location, tmp_path: Path) -> None:
    db = str(store_location)
    removed = run("remove-demo", "--db", db)
    assert "Demodaten entfernt (Zielvereinbarungen: 128 entfällt; Projekte: 541 entfällt" in removed.stdout
    summary = json.loads(run("summary", "--year", "2025", "--db", db).stdout)
    assert summary["land"]["budget_eur"] == 773_920.0  # what is left: the real Waldeck-Frankenberg agreement
    template = tmp_path / "vorlage.xlsx"
    assert run("template", str(template)).returncode == 0
    assert run("validate", str(template)).returncode == 0


def test_errors_of_the_surroundings_are_german_messages_not_tracebacks(tmp_path: Path) -> None:
    template = run("template", str(tmp_path / "gibt_es_nicht" / "vorlage.xlsx"))
    assert template.returncode == 1 and "kann nicht geschrieben werden" in template.stderr
    not_a_db = tmp_path / "notizen.sqlite"
    not_a_db.write_text("Notizen", encoding="utf-8")
    history = run("history", "--db", str(not_a_db))
    assert history.returncode == 2 and "ist keine Datenbank des AQB-Dashboards" in history.stderr
    assert "Traceback" not in template.stderr + history.stderr
