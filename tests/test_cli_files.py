"""Workbooks written from the command line (issue 15): `validate --report` and `export-state`.

The input workbooks are written by hand (XML with inline strings, `tests.factory.hand_written_xlsx`), so that
text such as =HYPERLINK(…) reaches the reader as text, exactly as a district's file can hold it.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from aqb_data.__main__ import main
from aqb_data.domain.model import PROJECTS
from aqb_data.export.workbooks import problems_workbook, write_state_workbook
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import Store, sha256
from tests.export.test_xlsx_writer import raw_cells
from tests.factory import hand_written_xlsx

DDE = "=cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://x","y")'
PROJECT_HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Träger", "Zielgruppe", "Geplante Mittel (EUR)", "Quelle"]
HOSTILE_PROJECTS = {
    "Projekte": [
        PROJECT_HEADINGS,
        [2025, "06635", 1, DDE, LINK, "@SUM(A1)", 120000, "-2+3"],
        [2025, "06635", 3, "+1+1", "\t=1", " =1", 80000, LINK],
    ]
}
BROKEN_PROJECTS = {  # the reader takes a sheet named "=Projekte" for the Projekte sheet
    "=Projekte": [
        PROJECT_HEADINGS,
        [2025, "06635", "-2+3", DDE, "Träger A", "U25", "@SUM(A1)", "Bericht"],
    ],
}


def _report_rows(path: Path) -> list[tuple[object, ...]]:
    sheet = load_workbook(path)["Prüfbericht"]
    return list(sheet.iter_rows(min_row=2, values_only=True))


# --- validate --report ----------------------------------------------------------------------------


def test_validate_with_report_prints_as_before_and_writes_every_files_problems(tmp_path: Path, capsys) -> None:
    broken = tmp_path / "=1+1.xlsx"
    broken.write_bytes(hand_written_xlsx(BROKEN_PROJECTS))
    valid = tmp_path / "gueltig.xlsx"
    valid.write_bytes(hand_written_xlsx(HOSTILE_PROJECTS))
    report = tmp_path / "pruefbericht.xlsx"

    code = main(["validate", "--report", str(report), str(broken), str(valid)])

    out = capsys.readouterr().out.splitlines()
    assert code == 1  # as validate without a report: one file has errors
    assert out[0].startswith(f"{broken}: Fehler (Projekte: 0 Zeilen; 2 Fehler, ")
    assert any("Blatt „=Projekte“, Zeile 2, Spalte „Maßnahmenart“ (Zelle C2): Wert „-2+3“" in line for line in out)
    assert any("Spalte „Geplante Mittel (EUR)“ (Zelle G2): Wert „@SUM(A1)“" in line for line in out)
    assert f"{valid}: gültig (Projekte: 2 Zeilen; 0 Fehler, 0 Warnungen)" in out
    problems = read_workbook(broken.read_bytes(), broken.name).problems
    warnings = sum(p.severity.value == "Warnung" for p in problems)
    assert out[-1] == (
        f"{report}: Prüfbericht mit 2 Fehlern und {warnings} Warnung{'' if warnings == 1 else 'en'} aus 2 Dateien "
        "geschrieben."
    )
    # the same workbook the page offers for these problems, every text from the file shown literally
    assert report.read_bytes() == problems_workbook(problems)
    rows = _report_rows(report)
    assert len(rows) == len(problems) == sum(line.startswith(("  Fehler:", "  Warnung:")) for line in out)
    assert {(row[2], row[3]) for row in rows} == {("=1+1.xlsx", "=Projekte")}
    values = {row[7] for row in rows}
    assert {"-2+3", "@SUM(A1)"} <= values
    cells = raw_cells(report.read_bytes())["Prüfbericht"]
    assert all(kind == "inlineStr" for ref, (kind, _) in cells.items() if ref[0] in "CDFHI")


def test_validate_with_report_of_an_unreadable_file_exits_2_and_still_writes_the_report(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "@SUM(A1).xlsx"
    fake.write_text("Jahr;AGS\n2025;06635\n", encoding="utf-8")
    report = tmp_path / "bericht.xlsx"
    assert main(["validate", "--report", str(report), str(fake)]) == 2
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"{report}: Prüfbericht mit 1 Fehler und 0 Warnungen aus 1 Datei geschrieben."
    )
    ((severity, kind, file, *_),) = _report_rows(report)
    assert (severity, kind, file) == ("Fehler", "Datei unlesbar", "@SUM(A1).xlsx")


def test_validate_overwrites_an_earlier_report(tmp_path: Path, capsys) -> None:
    valid = tmp_path / "gueltig.xlsx"
    valid.write_bytes(hand_written_xlsx(HOSTILE_PROJECTS))
    report = tmp_path / "bericht.xlsx"
    report.write_bytes(problems_workbook(read_workbook(hand_written_xlsx(BROKEN_PROJECTS), "alt.xlsx").problems))
    assert main(["validate", "--report", str(report), str(valid)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"{report}: Prüfbericht mit 0 Fehlern und 0 Warnungen aus 1 Datei geschrieben."
    )
    assert _report_rows(report) == []


def _not_an_xlsx(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text("Wichtige Notizen\n", encoding="utf-8")
    return path


def _zip_without_workbook(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("fotos/bild.txt", "kein Excel")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: t / "bericht.csv", "bericht.csv: Die Ausgabe muss eine Excel-Arbeitsmappe mit der Endung .xlsx "
         "sein (angegeben: „.csv“)."),
        (lambda t: t / "bericht", "bericht: Die Ausgabe muss eine Excel-Arbeitsmappe mit der Endung .xlsx sein "
         "(angegeben: „(ohne Endung)“)."),
        (lambda t: _not_an_xlsx(t, "notizen.xlsx"), "notizen.xlsx gibt es schon, und es ist keine "
         "Excel-Arbeitsmappe (.xlsx); die Datei wird nicht überschrieben. Bitte einen anderen Namen wählen."),
        (lambda t: _zip_without_workbook(t, "fotos.xlsx"), "fotos.xlsx gibt es schon, und es ist keine "
         "Excel-Arbeitsmappe (.xlsx); die Datei wird nicht überschrieben. Bitte einen anderen Namen wählen."),
        (lambda t: t / "fehlt" / "bericht.xlsx", "bericht.xlsx kann nicht geschrieben werden (den Ordner "),
    ],
    ids=["csv", "no-suffix", "text-file", "other-zip", "missing-folder"],
)  # fmt: skip
def test_validate_refuses_a_report_path_it_must_not_write(tmp_path: Path, capsys, make, message: str) -> None:
    valid = tmp_path / "gueltig.xlsx"
    valid.write_bytes(hand_written_xlsx(HOSTILE_PROJECTS))
    target = make(tmp_path)
    before = target.read_bytes() if target.exists() else None
    assert main(["validate", "--report", str(target), str(valid)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # refused before any file is read
    assert captured.err.startswith("Fehler: ") and message in captured.err
    assert (target.read_bytes() if target.exists() else None) == before


def test_validate_never_writes_the_report_over_a_file_it_checks(tmp_path: Path, capsys) -> None:
    district_file = tmp_path / "bericht.xlsx"
    content = hand_written_xlsx(BROKEN_PROJECTS)
    district_file.write_bytes(content)
    assert main(["validate", "--report", str(district_file), str(district_file)]) == 2
    assert capsys.readouterr().err == (
        f"Fehler: {district_file} ist eine der zu prüfenden Dateien und wird nicht überschrieben; bitte für den "
        "Prüfbericht einen anderen Namen wählen.\n"
    )
    assert district_file.read_bytes() == content


def test_validate_cannot_write_the_report_into_a_folder(tmp_path: Path, capsys) -> None:
    valid = tmp_path / "gueltig.xlsx"
    valid.write_bytes(hand_written_xlsx(HOSTILE_PROJECTS))
    folder = tmp_path / "ordner.xlsx"
    folder.mkdir()
    assert main(["validate", "--report", str(folder), str(valid)]) == 2
    assert capsys.readouterr().err == f"Fehler: {folder} kann nicht geschrieben werden (das ist ein Ordner).\n"


# --- export-state ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the demo data (import 1) and a district's file whose texts look like formulas (2)."""
    folder = tmp_path_factory.mktemp("db")
    upload = folder / "waldeck.xlsx"
    upload.write_bytes(hand_written_xlsx(HOSTILE_PROJECTS))
    db = folder / "aqb.sqlite"
    assert main(["import", "--db", str(db), str(upload)]) == 0
    return db


@pytest.fixture
def db(hostile_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "aqb.sqlite"
    shutil.copy(hostile_db, copy)
    return copy


def _state_bytes(db: Path, as_of: int | None) -> bytes:
    """What the Verlauf page's download gives (tests/export/test_state_workbook.py: the cells of `write_workbook`)."""
    with Store(db).state_rows(as_of) as rows:
        return write_state_workbook(rows)


def test_export_state_writes_the_current_state_with_formula_like_names_as_text(db: Path, tmp_path: Path, capsys):
    output = tmp_path / "stand.xlsx"
    assert main(["export-state", "--db", str(db), str(output)]) == 0
    data = Store(db).load()
    assert capsys.readouterr().out == (
        f"{output}: Aktueller Stand mit {len(data.agreements)} Zielvereinbarungen, {len(data.projects)} Projekten "
        f"und {len(data.progress)} Umsetzungsständen geschrieben.\n"
    )
    assert output.read_bytes() == _state_bytes(db, None)  # the Verlauf page's download
    sheet = load_workbook(output)["Projekte"]
    rows = [row for row in sheet.iter_rows(min_row=2) if row[1].value == "06635" and row[0].value == 2025]
    texts = sorted((row[4].value, row[5].value, row[6].value) for row in rows)
    # the reader trims "\t=1" and " =1" to "=1" when it reads the district's file
    assert texts == [("+1+1", "=1", "=1"), (DDE, LINK, "@SUM(A1)")]
    assert all(cell.data_type == "s" and cell.quotePrefix for row in rows for cell in row[4:7])
    cells = raw_cells(output.read_bytes())["Projekte"]  # asserts that no cell is a formula
    assert DDE in {text for kind, text in cells.values() if kind == "inlineStr"}


def test_export_state_as_of_an_import_writes_the_state_right_after_it(db: Path, tmp_path: Path, capsys) -> None:
    output = tmp_path / "demo.xlsx"
    assert main(["export-state", "--db", str(db), "--as-of", "1", str(output)]) == 0
    (record,) = [r for r in Store(db).history() if r.id == 1]
    data = Store(db).load(as_of=1)
    assert capsys.readouterr().out == (
        f"{output}: Stand nach Import Nr. 1 (aqb_demo.xlsx, {record.imported_at:%d.%m.%Y %H:%M}) mit "
        f"{len(data.agreements)} Zielvereinbarungen, {len(data.projects)} Projekten und {len(data.progress)} "
        "Umsetzungsständen geschrieben.\n"
    )
    assert output.read_bytes() == _state_bytes(db, 1)
    projects = [row[4] for row in load_workbook(output)["Projekte"].iter_rows(min_row=2, values_only=True)]
    assert DDE not in projects and len(projects) == len(data.projects)


def test_export_state_of_an_unknown_import_says_which_exist_and_exits_1(db: Path, tmp_path: Path, capsys) -> None:
    output = tmp_path / "stand.xlsx"
    assert main(["export-state", "--db", str(db), "--as-of", "99", str(output)]) == 1
    assert capsys.readouterr().err == (
        "Fehler: Einen Import Nr. 99 gibt es nicht (in Kraft: Nr. 1, 2); „history“ listet alle Importe.\n"
    )
    assert not output.exists()


def test_export_state_of_an_undone_import_exits_1(db: Path, tmp_path: Path, capsys) -> None:
    assert main(["undo", "--db", str(db)]) == 0
    capsys.readouterr()
    output = tmp_path / "stand.xlsx"
    assert main(["export-state", "--db", str(db), "--as-of", "2", str(output)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Import Nr. 2 (waldeck.xlsx) ist am ")
    assert err.endswith(" rückgängig gemacht worden; seinen Stand gibt es nicht mehr.\n")
    assert not output.exists()


def test_export_state_refuses_an_output_that_is_not_an_xlsx(db: Path, tmp_path: Path, capsys) -> None:
    notes = _not_an_xlsx(tmp_path, "stand.xlsx")
    assert main(["export-state", "--db", str(db), str(notes)]) == 2
    assert capsys.readouterr().err == (
        f"Fehler: {notes} gibt es schon, und es ist keine Excel-Arbeitsmappe (.xlsx); die Datei wird nicht "
        "überschrieben. Bitte einen anderen Namen wählen.\n"
    )
    assert notes.read_text(encoding="utf-8") == "Wichtige Notizen\n"
    assert main(["export-state", "--db", str(db), str(tmp_path / "stand.ods")]) == 2
    assert "Die Ausgabe muss eine Excel-Arbeitsmappe mit der Endung .xlsx sein" in capsys.readouterr().err
    assert not (tmp_path / "stand.ods").exists()


def test_export_state_spells_out_a_control_character_stored_before_the_reader_refused_them(
    tmp_path: Path, capsys
) -> None:
    db = tmp_path / "alt.sqlite"
    store = Store(db)
    project = {"year": 2025, "ags": "06635", "measure_type": 1, "project": "Jugend\x07werkstatt", "source": DDE}
    frame = PROJECTS.conform(pd.DataFrame([project]).reindex(columns=PROJECTS.column_names))
    store.import_tables({"projects": frame}, "alt.xlsx", sha256(b"alt"))
    output = tmp_path / "stand.xlsx"
    assert main(["export-state", "--db", str(db), str(output)]) == 0
    assert capsys.readouterr().out == (
        f"{output}: Aktueller Stand mit 0 Zielvereinbarungen, 1 Projekt und 0 Umsetzungsständen geschrieben.\n"
    )
    row = next(load_workbook(output)["Projekte"].iter_rows(min_row=2, values_only=True))
    assert (row[4], row[9]) == ("Jugend<U+0007>werkstatt", DDE)


def test_demo_writes_only_an_xlsx_and_never_over_a_file_that_is_not_one(tmp_path, capsys):
    text = tmp_path / "notizen.xlsx"
    text.write_text("hallo", encoding="utf-8")
    assert main(["demo", str(text)]) == 2
    assert "gibt es schon, und es ist keine Excel-Arbeitsmappe" in capsys.readouterr().err
    assert text.read_text(encoding="utf-8") == "hallo"
    assert main(["demo", str(tmp_path / "fehlt" / "demo.xlsx")]) == 2
    assert "den Ordner" in capsys.readouterr().err
    folder = tmp_path / "ordner.xlsx"
    folder.mkdir()
    assert main(["demo", str(folder)]) == 2
    assert "(das ist ein Ordner)" in capsys.readouterr().err


def test_a_file_name_byte_that_is_not_utf8_never_reaches_the_terminal_raw(tmp_path, capsys):
    name = "\udc9b31mROT\udc9b0m.xlsx"  # the bytes 0x9B (an 8-bit CSI) as a shell hands them to Python
    assert main(["validate", str(tmp_path / name)]) == 2
    printed = capsys.readouterr()
    assert "<0x9B>31mROT<0x9B>0m.xlsx" in printed.out + printed.err
    assert "\udc9b" not in printed.out + printed.err
