"""The report template (issue 4, item 4): `python -m aqb_data template OUT.xlsx` and `write_template`.

What a district sees when it opens the template (sheets, headings, drop-down lists, formats, frozen
headings, the `Hinweise`), and that what it fills in with those drop-downs is read back exactly.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from aqb_data.domain.districts import load_districts
from aqb_data.domain.model import MEASURE_TYPES, TABLES, Kind, Table
from aqb_data.export.workbooks import TEMPLATE_ROWS, write_template
from aqb_data.read.workbook import read_workbook

ROOT = Path(__file__).resolve().parents[2]
FILE = "vorlage_kassel.xlsx"
DATA_SHEETS = ["Zielvereinbarungen", "Projekte", "Umsetzungsstand", "Änderungen"]
MEASURE_LABELS = ["Ausbildungsvorbereitung", "Ausbildung & Coaching", "Qualifizierung", "Weiterbildung Personal"]
FORMATS = {
    Kind.MONEY: '#,##0.00 "€"',
    Kind.DATE: "DD.MM.YYYY",
    Kind.AGS: "@",
    Kind.YEAR: "0",
    Kind.COUNT: "#,##0",
}


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    write_template(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def template() -> bytes:
    return template_bytes()


@pytest.fixture(scope="module")
def opened(template: bytes) -> Workbook:
    """The template as openpyxl sees it, for looking only (loading it takes half a second)."""
    return load_workbook(io.BytesIO(template))


@pytest.fixture
def blank(template: bytes) -> Workbook:
    """A fresh copy of the template, to fill in."""
    return load_workbook(io.BytesIO(template))


def letter(table: Table, heading: str) -> str:
    """The column letter of a heading in the template's sheet for `table`."""
    return get_column_letter([c.heading for c in table.columns].index(heading) + 1)


def rows_of(sheet: Worksheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the command --------------------------------------------------------------------------------------


def test_template_command_writes_the_template(tmp_path: Path, template: bytes) -> None:
    output = tmp_path / "Vorlage AQB.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "aqb_data", "template", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == (
        f"{output}: Vorlage mit den Blättern Zielvereinbarungen, Projekte, Umsetzungsstand, Änderungen und Hinweise.\n"
    )
    assert output.read_bytes() == template  # the same bytes as write_template, every time


def test_writing_the_template_twice_gives_the_same_bytes(template: bytes, tmp_path: Path) -> None:
    path = tmp_path / "vorlage.xlsx"
    write_template(path)
    assert path.read_bytes() == template


# --- what the district sees ---------------------------------------------------------------------------


def test_sheets_are_hinweise_and_the_four_data_sheets_with_the_lists_hidden(opened: Workbook) -> None:
    assert opened.sheetnames == ["Hinweise", "Listen", *DATA_SHEETS]
    visible = [sheet.title for sheet in opened.worksheets if sheet.sheet_state == "visible"]
    assert visible == ["Hinweise", *DATA_SHEETS]
    assert opened["Listen"].sheet_state == "hidden"


@pytest.mark.parametrize("table", TABLES, ids=[t.sheet for t in TABLES])
def test_data_sheet_has_the_german_headings_frozen_and_nothing_else(opened: Workbook, table: Table) -> None:
    sheet = opened[table.sheet]
    assert [cell.value for cell in sheet[1]] == [column.heading for column in table.columns]
    assert sheet.freeze_panes == "A2"
    assert all(value is None for row in sheet.iter_rows(min_row=2, values_only=True) for value in row)


def test_headings_are_the_ones_the_design_names(opened: Workbook) -> None:
    """Spelled out once, so that a changed heading in the model is a visible change to the districts."""
    assert [c.value for c in opened["Zielvereinbarungen"][1]] == [
        "Jahr",
        "AGS",
        "Gebietskörperschaft",
        "Haushaltsmittel (EUR)",
        "Unterzeichnung HMSI",
        "Unterzeichnung Kreis/Stadt",
        "Quelle",
        "Ort Unterzeichnung HMSI",
        "Ort Unterzeichnung Kreis/Stadt",
    ]
    assert [c.value for c in opened["Projekte"][1]] == [
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
    ]
    assert [c.value for c in opened["Umsetzungsstand"][1]] == [
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
        "Eingegangen am",
    ]
    assert [c.value for c in opened["Änderungen"][1]] == [
        "Jahr",
        "AGS",
        "Gebietskörperschaft",
        "Gültig ab",
        "Haushaltsmittel neu (EUR)",
        "Grund",
        "Quelle",
    ]


def test_lists_hold_the_26_districts_and_the_four_measure_types(opened: Workbook) -> None:
    rows = rows_of(opened["Listen"])
    assert rows[0] == ["AGS", "Gebietskörperschaft", "Maßnahmenart"]
    districts = load_districts()
    ags = [row[0] for row in rows[1:27]]
    labels = [row[1] for row in rows[1:27]]
    assert len(rows) == 27
    assert sorted(ags) == sorted(districts["ags"]) and len(set(ags)) == 26
    assert all(isinstance(code, str) and len(code) == 5 for code in ags)  # text, with the leading 0
    assert sorted(labels) == sorted(districts["label"]) and "Kassel (Stadt)" in labels
    assert dict(zip(ags, labels, strict=True)) == dict(zip(districts["ags"], districts["label"], strict=True))
    assert [row[2] for row in rows[1:5]] == MEASURE_LABELS
    assert [mt.short_label for mt in MEASURE_TYPES.values()] == MEASURE_LABELS
    assert all(row[2] is None for row in rows[5:])


@pytest.mark.parametrize("table", TABLES, ids=[t.sheet for t in TABLES])
def test_drop_downs_for_ags_district_and_measure_type_refer_to_the_lists(opened: Workbook, table: Table) -> None:
    expected = {
        letter(table, "AGS"): ("Listen!$A$2:$A$27", "Bitte einen der 26 Kreisschlüssel wählen."),
        letter(table, "Gebietskörperschaft"): (
            "Listen!$B$2:$B$27",
            "Bitte eine der 26 Gebietskörperschaften wählen.",
        ),
    }
    if table.sheet == "Projekte":
        expected[letter(table, "Maßnahmenart")] = ("Listen!$C$2:$C$5", "Bitte eine der vier Maßnahmenarten wählen.")
    found = {}
    for validation in opened[table.sheet].data_validations.dataValidation:
        assert validation.type == "list"
        assert validation.allow_blank
        assert validation.showErrorMessage  # another value is refused in Excel, with the German message
        (cells,) = validation.sqref.ranges
        column = cells.coord.split(":")[0].rstrip("0123456789")
        assert cells.coord == f"{column}2:{column}{TEMPLATE_ROWS}"
        found[column] = (validation.formula1, validation.error)
    assert found == expected


@pytest.mark.parametrize("table", TABLES, ids=[t.sheet for t in TABLES])
def test_money_date_and_ags_columns_are_formatted_down_to_the_last_template_row(opened: Workbook, table: Table) -> None:
    sheet = opened[table.sheet]
    for column in table.columns:
        if column.kind not in FORMATS:
            continue
        col = letter(table, column.heading)
        for row in (2, 100, TEMPLATE_ROWS):
            assert sheet[f"{col}{row}"].number_format == FORMATS[column.kind], f"{column.heading} {col}{row}"
    kinds = {column.kind for column in table.columns}
    assert {Kind.MONEY, Kind.AGS, Kind.YEAR} <= kinds  # every sheet has money, the AGS and the year
    assert TEMPLATE_ROWS >= 1000


def test_hinweise_explain_every_column(opened: Workbook) -> None:
    rows = rows_of(opened["Hinweise"])
    assert rows[0][0] == "AQB-Berichtsvorlage: so wird sie ausgefüllt"
    header = rows.index(["Blatt", "Spalte", "Pflicht", "Bedeutung", "Beispiel"])
    explained = {(row[0], row[1]): row for row in rows[header + 1 :]}
    for table in TABLES:
        for column in table.columns:
            sheet, heading, required, meaning, _example = explained.pop((table.sheet, column.heading))
            if column.name in ("ags", "district"):
                assert required == "AGS oder Name"
            else:
                assert required == ("ja" if column.required else "nein"), heading
            assert meaning == column.help
            assert isinstance(meaning, str) and len(meaning) >= 5, f"{sheet}/{heading} is not explained"
    assert explained == {}  # no row for a column that does not exist
    assert len(rows) - header - 1 == sum(len(t.columns) for t in TABLES)  # and none twice
    by_heading = {(row[0], row[1]): row[2:4] for row in rows[header + 1 :]}
    assert by_heading[("Projekte", "Maßnahmenart")] == ["ja", "1–4 oder die Bezeichnung der Maßnahmenart"]
    assert by_heading[("Umsetzungsstand", "Stichtag")] == ["ja", "Stichtag des Berichts (TT.MM.JJJJ)"]
    assert by_heading[("Zielvereinbarungen", "Unterzeichnung HMSI")][0] == "nein"
    assert by_heading[("Umsetzungsstand", "Eingegangen am")] == [
        "nein",
        "Trägt das Ministerium ein: Tag, an dem der Bericht einging (TT.MM.JJJJ); leer: Tag des Hochladens",
    ]
    assert by_heading[("Änderungen", "Gültig ab")] == ["ja", "Tag, ab dem die Änderung gilt (TT.MM.JJJJ)"]
    assert by_heading[("Änderungen", "Haushaltsmittel neu (EUR)")][0] == "ja"
    assert by_heading[("Änderungen", "Grund")][0] == "nein"
    examples = {(row[0], row[1]): row[4] for row in rows[header + 1 :]}
    assert examples[("Zielvereinbarungen", "Haushaltsmittel (EUR)")] == "773.920,00"
    assert examples[("Änderungen", "Haushaltsmittel neu (EUR)")] == "850.000,00"  # not the signed budget
    assert examples[("Änderungen", "Gültig ab")] == "01.10.2025"
    text = " ".join(str(row[0]) for row in rows[1:header])
    assert "Beträge in Euro (z. B. 773.920,00), Daten als TT.MM.JJJJ" in text
    assert "AGS oder Gebietskörperschaft genügt; steht beides da, gilt der AGS." in text
    assert "je Projekt und Stichtag bzw. je Änderung" in text
    assert "in den Änderungen die mit demselben Tag „Gültig ab“" in text
    assert (
        "Umsetzungsstand: „Eingegangen am“ trägt das Ministerium ein (Tag, an dem der Bericht einging); bleibt die "
        "Spalte leer, gilt der Tag des Hochladens." in text
    )
    assert (
        "Änderungen: eine Zeile je Änderung einer Zielvereinbarung mit dem Tag, ab dem sie gilt, den neuen "
        "Haushaltsmitteln nach § 4 und dem Grund. Im Blatt Zielvereinbarungen bleiben die Haushaltsmittel wie "
        "unterzeichnet." in text
    )


# --- filled in and read back --------------------------------------------------------------------------


def fill(workbook: Workbook, sheet_name: str, rows: list[dict[str, object]]) -> None:
    """Type the rows into the sheet from row 2, each value under its heading (as a district would)."""
    sheet = workbook[sheet_name]
    headings = [cell.value for cell in sheet[1]]
    for number, row in enumerate(rows, start=2):
        for heading, value in row.items():
            sheet.cell(row=number, column=headings.index(heading) + 1, value=value)


def saved(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows as plain values, None where empty."""
    return [{k: None if pd.isna(v) else v for k, v in row.items()} for row in frame.to_dict("records")]


def test_empty_template_reads_with_no_problems_and_empty_tables(template: bytes) -> None:
    result = read_workbook(template, FILE)
    assert result.problems == []
    assert result.sheets_read == ["agreements", "projects", "progress", "amendments"]
    for table in TABLES:
        frame = result.tables[table.name]
        assert frame.empty
        assert list(frame.columns) == table.column_names


def test_filled_template_reads_with_no_problems_and_the_exact_values(blank: Workbook) -> None:
    fill(
        blank,
        "Zielvereinbarungen",
        [
            {
                "Jahr": 2025,
                "AGS": "06611",
                "Gebietskörperschaft": "Kassel (Stadt)",
                "Haushaltsmittel (EUR)": 1234567.89,
                "Unterzeichnung HMSI": date(2025, 8, 2),
                "Unterzeichnung Kreis/Stadt": date(2025, 8, 13),
                "Quelle": "Zielvereinbarung 2025",
                "Ort Unterzeichnung HMSI": "Wiesbaden",
                "Ort Unterzeichnung Kreis/Stadt": "Kassel",
            },
            {"Jahr": 2025, "Gebietskörperschaft": "Waldeck-Frankenberg", "Haushaltsmittel (EUR)": 773920},
        ],
    )
    fill(
        blank,
        "Projekte",
        [
            {
                "Jahr": 2025,
                "AGS": "06611",
                "Gebietskörperschaft": "Kassel (Stadt)",
                "Maßnahmenart": "Qualifizierung",
                "Projekt": "Checkpoint Kassel",
                "Träger": "Bildungswerk Kassel",
                "Zielgruppe": "Geflüchtete",
                "Geplante Mittel (EUR)": 240000.5,
                "Geplante Plätze": 24,
                "Quelle": "Projektliste",
            },
            {
                "Jahr": 2025,
                "Gebietskörperschaft": "Kassel (Stadt)",
                "Maßnahmenart": "Ausbildung & Coaching",
                "Projekt": "Ausbildung im Verbund",
                "Geplante Mittel (EUR)": 99999.99,
            },
        ],
    )
    fill(
        blank,
        "Umsetzungsstand",
        [
            {
                "Jahr": 2025,
                "AGS": "06611",
                "Gebietskörperschaft": "Kassel (Stadt)",
                "Projekt": "Checkpoint Kassel",
                "Stichtag": date(2025, 6, 30),
                "Verausgabte Mittel (EUR)": 60000.25,
                "Eintritte": 20,
                "Austritte": 8,
                "Übergänge Ausbildung": 3,
                "Übergänge Beschäftigung": 2,
                "Übergänge sonstige": 1,
                "Abbrüche": 2,
                "Quelle": "Bericht 30.06.",
                "Eingegangen am": date(2025, 7, 15),
            },
            {
                "Jahr": 2025,
                "AGS": "06611",
                "Projekt": "Checkpoint Kassel",
                "Stichtag": date(2025, 9, 30),
                "Verausgabte Mittel (EUR)": 90000,
            },
        ],
    )
    fill(
        blank,
        "Änderungen",
        [
            {
                "Jahr": 2025,
                "AGS": "06611",
                "Gebietskörperschaft": "Kassel (Stadt)",
                "Gültig ab": date(2025, 10, 1),
                "Haushaltsmittel neu (EUR)": 1300000.01,
                "Grund": "Aufstockung für ein zusätzliches Projekt",
                "Quelle": "Änderungsvereinbarung vom 24.09.2025",
            },
            {
                "Jahr": 2025,
                "Gebietskörperschaft": "Waldeck-Frankenberg",
                "Gültig ab": "01.11.2025",
                "Haushaltsmittel neu (EUR)": "700.000,00",
            },
        ],
    )
    result = read_workbook(saved(blank), FILE)
    assert [p.text() for p in result.problems] == []
    assert records(result.tables["agreements"]) == [
        {
            "year": 2025,
            "ags": "06611",
            "budget_eur": 1234567.89,
            "signed_ministry": pd.Timestamp("2025-08-02"),
            "signed_district": pd.Timestamp("2025-08-13"),
            "source": "Zielvereinbarung 2025",
            "signed_ministry_place": "Wiesbaden",
            "signed_district_place": "Kassel",
        },
        {
            "year": 2025,
            "ags": "06635",
            "budget_eur": 773920.0,
            "signed_ministry": None,
            "signed_district": None,
            "source": FILE,
            "signed_ministry_place": None,
            "signed_district_place": None,
        },
    ]
    assert records(result.tables["projects"]) == [
        {
            "year": 2025,
            "ags": "06611",
            "measure_type": 3,
            "project": "Checkpoint Kassel",
            "provider": "Bildungswerk Kassel",
            "target_group": "Geflüchtete",
            "planned_eur": 240000.5,
            "planned_places": 24,
            "source": "Projektliste",
        },
        {
            "year": 2025,
            "ags": "06611",
            "measure_type": 2,
            "project": "Ausbildung im Verbund",
            "provider": None,
            "target_group": None,
            "planned_eur": 99999.99,
            "planned_places": None,
            "source": FILE,
        },
    ]
    assert records(result.tables["progress"]) == [
        {
            "year": 2025,
            "ags": "06611",
            "project": "Checkpoint Kassel",
            "as_of": pd.Timestamp("2025-06-30"),
            "spent_eur": 60000.25,
            "entries": 20,
            "exits": 8,
            "to_training": 3,
            "to_employment": 2,
            "to_other": 1,
            "dropouts": 2,
            "source": "Bericht 30.06.",
            "received": pd.Timestamp("2025-07-15"),
        },
        {
            "year": 2025,
            "ags": "06611",
            "project": "Checkpoint Kassel",
            "as_of": pd.Timestamp("2025-09-30"),
            "spent_eur": 90000.0,
            "entries": None,
            "exits": None,
            "to_training": None,
            "to_employment": None,
            "to_other": None,
            "dropouts": None,
            "source": FILE,
            "received": None,  # the store fills in the day of the upload
        },
    ]
    assert records(result.tables["amendments"]) == [
        {
            "year": 2025,
            "ags": "06611",
            "valid_from": pd.Timestamp("2025-10-01"),
            "budget_eur": 1300000.01,
            "reason": "Aufstockung für ein zusätzliches Projekt",
            "source": "Änderungsvereinbarung vom 24.09.2025",
        },
        {
            "year": 2025,
            "ags": "06635",
            "valid_from": pd.Timestamp("2025-11-01"),
            "budget_eur": 700000.0,
            "reason": None,
            "source": FILE,
        },
    ]


@pytest.mark.parametrize("by", ["AGS", "Gebietskörperschaft"])
def test_every_drop_down_value_is_read(blank: Workbook, by: str) -> None:
    """Each of the 26 districts (by the AGS or the name list) and each of the four measure types."""
    lists = rows_of(blank["Listen"])[1:27]
    rows = [
        {
            "Jahr": 2025,
            by: ags if by == "AGS" else label,
            "Maßnahmenart": MEASURE_LABELS[index % 4],
            "Projekt": f"Projekt {index + 1}",
            "Geplante Mittel (EUR)": 1000.0 * (index + 1),
        }
        for index, (ags, label, _) in enumerate(lists)
    ]
    fill(blank, "Projekte", rows)
    result = read_workbook(saved(blank), FILE)
    assert [p.text() for p in result.problems] == []
    projects = result.tables["projects"]
    assert list(projects["ags"]) == [ags for ags, _, _ in lists]
    assert list(projects["measure_type"]) == [1, 2, 3, 4] * 6 + [1, 2]
    assert list(projects["planned_eur"]) == [1000.0 * n for n in range(1, 27)]
