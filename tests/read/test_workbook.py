"""Reading the districts' workbooks and writing them back (aqb_data.read.workbook)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, datetime

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from aqb_data.domain.districts import load_districts
from aqb_data.domain.model import AGREEMENTS, AMENDMENTS, PROGRESS, PROJECTS, TABLES, Kind, Table
from aqb_data.domain.problems import Problem, Severity, problems_frame
from aqb_data.export.workbooks import problems_workbook, write_workbook
from aqb_data.read.workbook import read_workbook
from tests.workbooks import make_workbook

FILE = "bericht.xlsx"
WALDECK_FRANKENBERG = "06635"
KASSEL_CITY, KASSEL_COUNTY = "06611", "06633"
OFFENBACH_CITY, OFFENBACH_COUNTY = "06413", "06438"

PROJECT_HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)", "Geplante Plätze"]
NAMED_PROJECT_HEADINGS = ["Jahr", "AGS", "Gebietskörperschaft", "Maßnahmenart", "Projekt"]
PROGRESS_HEADINGS = [
    "Jahr",
    "AGS",
    "Projekt",
    "Stichtag",
    "Verausgabte Mittel (EUR)",
    "Eintritte",
    "Austritte",
    "Übergänge Ausbildung",
    "Übergänge Beschäftigung",
    "Übergänge sonstige",
    "Abbrüche",
]
PROGRESS_ROW = [2025, WALDECK_FRANKENBERG, "AVIA", "30.06.2025", "1.000,00", 5, 2, 1, 0, 0, 1]

_DTYPES = {
    Kind.YEAR: "Int64",
    Kind.MEASURE_TYPE: "Int64",
    Kind.COUNT: "Int64",
    Kind.MONEY: "float64",
    Kind.TEXT: "str",
    Kind.AGS: "str",
}


def canonical(table: Table, rows: list[dict[str, object]]) -> pd.DataFrame:
    """The canonical table with these rows: the dtypes the reader promises."""
    frame = pd.DataFrame(rows, columns=table.column_names)
    for column in table.columns:
        if column.name not in frame:
            continue
        if column.kind is Kind.DATE:
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[us]")
        else:
            frame[column.name] = frame[column.name].astype(_DTYPES[column.kind])
    return frame


def read(sheets: dict[str, list[list[object]]]):
    return read_workbook(make_workbook(sheets), FILE)


def records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """The rows as plain values, None where empty."""
    return [{k: None if pd.isna(v) else v for k, v in row.items()} for row in frame.to_dict("records")]


def located(problems: list[Problem]) -> list[tuple[str, int | None, str | None, str | None]]:
    """Each problem as (severity, Excel row, column heading as written, value), in file order."""
    return [(p.severity.value, p.row, p.column, p.value) for p in problems]


# --- a messy but valid workbook ---------------------------------------------------------------------

MESSY_WORKBOOK = {
    "Zielvereinbarungen ": [
        ["Zielvereinbarungen AQB 2025 – Stand August"],
        [],
        [
            "Jahr",
            "Kreisschlüssel ",
            "Landkreis/Stadt",
            "Haushaltsmittel in €",
            "Unterzeichnung HMSI",
            " Unterzeichnung Kreis/Stadt",
            "Quelle",
        ],
        [
            2025,
            "06635",
            "Landkreis Landkreis Waldeck-Frankenberg",
            "773.920,00 €",
            "13.08.2025",
            "2. 8. 2025",
            "ZV 2025",
        ],
        [],
        ["2025", 6611, "Stadt Kassel", "1.140.300", datetime(2025, 7, 1), None, None],
        ["Summe", None, None, "1.914.220,00 €"],
    ],
    "Projekte": [
        ["Projektliste"],
        [
            "JAHR",
            "AGS",
            "Gebietskörperschaft ",
            "Maßnahmenart ",
            "Projekt",
            "Träger",
            "Geplante Mittel in EUR",
            "Plätze",
        ],
        [2025, "06635", "LK Waldeck-Frankenberg", "MA 1", " AVIA ", "Träger A", "0,10", "12"],
        [2025, None, "Waldeck-Frankenberg", "Qualifizierung", "Brücke", None, "0,20 €", "1.234"],
        [],
        [2025, 6635.0, None, 2.0, "Coaching", "Träger B", "773.919,70", 12.0],
        ["Summe", None, None, None, None, None, "773.920,00 €", "1.258"],
    ],
    "Umsetzungsstand": [
        ["Umsetzungsstand zum 30.06.2025"],
        PROGRESS_HEADINGS + ["Quelle"],
        [2025, "06635", "AVIA", "30.06.2025", "12.000,50 €", "10", "4", "1", "2", "0", "1", "Bericht Q2"],
    ],
}


@pytest.fixture(scope="module")
def messy():
    return read_workbook(make_workbook(MESSY_WORKBOOK), "messy.xlsx")


def test_messy_workbook_loads_without_problems_and_notes_its_total_rows(messy):
    assert messy.errors == [] and messy.warnings == []
    assert [(p.sheet, p.row, p.cell, p.value, p.expected) for p in messy.notes] == [
        (
            "Zielvereinbarungen ",
            7,
            "A7",
            "Summe",
            "Summenzeile: nicht als Daten gelesen, sondern mit den Zeilen darüber verglichen – stimmt überein",
        ),
        (
            "Projekte",
            7,
            "A7",
            "Summe",
            "Summenzeile: nicht als Daten gelesen, sondern mit den Zeilen darüber verglichen – stimmt überein",
        ),
    ]
    assert not messy.unreadable
    assert messy.sheets_read == ["agreements", "projects", "progress"]


def test_messy_workbook_agreements_have_the_exact_values(messy):
    expected = canonical(
        AGREEMENTS,
        [
            {
                "year": 2025,
                "ags": WALDECK_FRANKENBERG,
                "budget_eur": 773920.00,
                "signed_ministry": date(2025, 8, 13),
                "signed_district": date(2025, 8, 2),
                "source": "ZV 2025",
            },
            {
                "year": 2025,
                "ags": KASSEL_CITY,
                "budget_eur": 1140300.00,
                "signed_ministry": date(2025, 7, 1),
                "signed_district": None,
                "source": "messy.xlsx",
            },
        ],
    )
    assert_frame_equal(messy.tables["agreements"], expected)


def test_messy_workbook_projects_have_the_exact_values(messy):
    expected = canonical(
        PROJECTS,
        [
            {
                "year": 2025,
                "ags": WALDECK_FRANKENBERG,
                "measure_type": 1,
                "project": "AVIA",
                "provider": "Träger A",
                "target_group": None,
                "planned_eur": 0.10,
                "planned_places": 12,
                "source": "messy.xlsx",
            },
            {
                "year": 2025,
                "ags": WALDECK_FRANKENBERG,
                "measure_type": 3,
                "project": "Brücke",
                "provider": None,
                "target_group": None,
                "planned_eur": 0.20,
                "planned_places": 1234,
                "source": "messy.xlsx",
            },
            {
                "year": 2025,
                "ags": WALDECK_FRANKENBERG,
                "measure_type": 2,
                "project": "Coaching",
                "provider": "Träger B",
                "target_group": None,
                "planned_eur": 773919.70,
                "planned_places": 12,
                "source": "messy.xlsx",
            },
        ],
    )
    assert_frame_equal(messy.tables["projects"], expected)


def test_messy_workbook_progress_has_the_exact_values(messy):
    expected = canonical(
        PROGRESS,
        [
            {
                "year": 2025,
                "ags": WALDECK_FRANKENBERG,
                "project": "AVIA",
                "as_of": date(2025, 6, 30),
                "spent_eur": 12000.50,
                "entries": 10,
                "exits": 4,
                "to_training": 1,
                "to_employment": 2,
                "to_other": 0,
                "dropouts": 1,
                "source": "Bericht Q2",
            }
        ],
    )
    assert_frame_equal(messy.tables["progress"], expected)


def test_amounts_read_from_text_sum_exactly_to_the_cent(messy):
    assert round(messy.tables["projects"]["planned_eur"].sum(), 2) == 773920.00


def test_default_source_fills_empty_sources():
    result = read_workbook(
        make_workbook({"Projekte": [NAMED_PROJECT_HEADINGS, [2025, "06635", None, 1, "AVIA"]]}),
        FILE,
        default_source="Upload 13.08.2025",
    )
    assert result.tables["projects"]["source"].tolist() == ["Upload 13.08.2025"]


def test_reading_from_a_path_names_the_file(tmp_path):
    path = tmp_path / "Waldeck-Frankenberg 2025.xlsx"
    path.write_bytes(make_workbook({"Projekte": [PROJECT_HEADINGS, [2025, "06635", 9, "AVIA", 100, 1]]}))
    result = read_workbook(path)
    assert [p.file for p in result.problems] == ["Waldeck-Frankenberg 2025.xlsx"]
    assert result.problems[0].text().startswith("Fehler: Waldeck-Frankenberg 2025.xlsx, Blatt „Projekte“, Zeile 2")


# --- problems: all of them, located as Excel shows them ---------------------------------------------


def test_several_problems_are_all_reported_with_row_column_value_and_expectation():
    result = read(
        {
            "Projekte": [
                ["Projekte 2025"],
                ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel in EUR", "Plätze"],
                [2025, "06635", 1, "A", "12,345", 5],
                [2025, "06635", 7, "B", "100,00", 5],
                [1999, "06635", 1, "C", "100,00", 5],
                [2025, "06999", 1, "D", "100,00", 5],
                [],
                [2025, "06635", 1, "E", "100,00", "1,5"],
                [2025, "06635", 1, None, "100,00", 5],
                [2025, "06635", 1, "OK", "1.140.300,00 €", 5],
            ]
        }
    )
    assert located(result.problems) == [
        ("Fehler", 3, "Geplante Mittel in EUR", "12,345"),
        ("Fehler", 4, "Maßnahmenart", "7"),
        ("Fehler", 5, "Jahr", "1999"),
        ("Fehler", 6, "AGS", "06999"),
        ("Fehler", 8, "Plätze", "1,5"),
        ("Fehler", 9, "Projekt", None),
    ]
    expectations = [p.expected for p in result.problems]
    assert "höchstens zwei Nachkommastellen" in expectations[0]
    assert "eine Maßnahmenart 1–4" in expectations[1]
    assert "eine Jahreszahl zwischen 2000 und 2100" in expectations[2]
    assert "Kreisschlüssel 06999 gehört zu keinem der 26" in expectations[3]
    assert "eine ganze Zahl ab 0" in expectations[4]
    assert expectations[5] == "Pflichtfeld ist leer"
    assert [p.cell for p in result.problems] == ["E3", "C4", "A5", "B6", "F8", "D9"]
    assert result.tables["projects"]["project"].tolist() == ["OK"]
    assert result.tables["projects"]["planned_eur"].tolist() == [1140300.00]


def test_problem_text_is_one_german_sentence_with_the_location():
    result = read({"Projekte": [PROJECT_HEADINGS, [2025, "06635", 1, "AVIA", "abc", 5]]})
    (problem,) = result.problems
    assert problem.text() == (
        "Fehler: bericht.xlsx, Blatt „Projekte“, Zeile 2, Spalte „Geplante Mittel (EUR)“ (Zelle E2): "
        "Wert „abc“ – erwartet: ein Betrag in Euro, z. B. 773.920,00 oder 773920"
    )


def test_row_and_column_letter_count_leading_blank_rows_and_columns():
    result = read({"Projekte": [[], [], [None, *PROJECT_HEADINGS], [None, 2025, "06635", 1, "AVIA", "abc", 5]]})
    (problem,) = result.problems
    assert (problem.row, problem.cell) == (4, "F4")


def test_summe_row_that_does_not_match_gives_a_warning():
    result = read(
        {
            "Projekte": [
                PROJECT_HEADINGS,
                [2025, "06635", 1, "A", "100,00", 1],
                [2025, "06635", 1, "B", "200,00", 2],
                ["Summe", None, None, None, "400,00 €", 3],
            ]
        }
    )
    note, problem = result.problems
    assert (note.severity, note.row, note.value) == (Severity.NOTE, 4, "Summe")
    assert note.expected.endswith("verglichen – weicht ab (siehe Warnung)")
    assert problem.severity is Severity.WARNING
    assert (problem.row, problem.column, problem.value) == (4, "Geplante Mittel (EUR)", "400,00 €")
    assert problem.expected == "Summenzeile weicht ab: angegeben 400,00 €, die Zeilen darüber ergeben 300,00 €"
    assert result.errors == []
    assert result.tables["projects"]["planned_eur"].tolist() == [100.0, 200.0]


def test_subtotal_rows_are_each_checked_against_their_own_block():
    result = read(
        {
            "Projekte": [
                PROJECT_HEADINGS,
                [2025, "06635", 1, "A", 100, 1],
                [2025, "06635", 1, "B", 200, 2],
                ["Summe MA 1", None, None, None, 300, 3],
                [2025, "06635", 2, "C", 50, 4],
                ["Summe MA 2", None, None, None, 60, 4],
            ]
        }
    )
    assert located(result.warnings) == [("Warnung", 6, "Geplante Mittel (EUR)", "60")]
    assert "angegeben 60,00 €, die Zeilen darüber ergeben 50,00 €" in result.warnings[0].expected
    assert [(p.row, p.value) for p in result.notes] == [(4, "Summe MA 1"), (6, "Summe MA 2")]


def test_grand_total_below_subtotals_that_matches_gives_no_warning():
    result = read(
        {
            "Projekte": [
                PROJECT_HEADINGS,
                [2025, "06635", 1, "A", 100, 1],
                [2025, "06635", 1, "B", 200, 2],
                ["Summe MA 1", None, None, None, 300, 3],
                [2025, "06635", 2, "C", 50, 4],
                ["Summe MA 2", None, None, None, 50, 4],
                ["Gesamtsumme", None, None, None, 350, 7],
            ]
        }
    )
    assert result.errors == [] and result.warnings == []
    assert all(p.expected.endswith("stimmt überein") for p in result.notes)
    assert [p.row for p in result.notes] == [4, 6, 7]


def test_duplicate_key_is_an_error_naming_the_first_row():
    result = read(
        {
            "Projekte": [
                PROJECT_HEADINGS,
                [2025, "06635", 1, "AVIA", 100, 1],
                [2025, "06635", 1, "Brücke", 100, 1],
                [2025, "6635", 2, "AVIA", 100, 1],
            ]
        }
    )
    (problem,) = result.problems
    assert problem.severity is Severity.ERROR
    assert problem.row == 4
    assert problem.value == "2025 / 06635 / AVIA"
    assert problem.expected == "gleiche Kombination aus Jahr, AGS, Projekt wie in Zeile 2"


def test_duplicate_is_found_when_one_row_names_the_district_and_the_other_gives_the_ags():
    result = read(
        {
            "Projekte": [
                NAMED_PROJECT_HEADINGS,
                [2025, "06635", None, 1, "AVIA"],
                [2025, None, "LK Waldeck-Frankenberg", 1, "AVIA"],
            ]
        }
    )
    assert located(result.errors) == [("Fehler", 3, None, "2025 / 06635 / AVIA")]
    assert "wie in Zeile 2" in result.errors[0].expected


def test_ambiguous_kassel_without_ags_is_an_error_naming_both():
    result = read(
        {
            "Projekte": [
                NAMED_PROJECT_HEADINGS,
                [2025, None, "Kassel", 1, "AVIA"],
                [2025, None, "Stadt Kassel", 1, "AVIA"],
            ]
        }
    )
    (problem,) = result.problems
    assert (problem.severity, problem.row, problem.column, problem.value) == (
        Severity.ERROR,
        2,
        "Gebietskörperschaft",
        "Kassel",
    )
    assert "AGS 06611" in problem.expected
    assert "AGS 06633" in problem.expected
    assert result.tables["projects"]["ags"].tolist() == [KASSEL_CITY]


def test_name_that_disagrees_with_the_ags_is_a_warning_and_the_ags_wins():
    result = read({"Projekte": [NAMED_PROJECT_HEADINGS, [2025, "06635", "Stadt Kassel", 1, "AVIA"]]})
    (problem,) = result.problems
    assert (problem.severity, problem.row, problem.column) == (Severity.WARNING, 2, "Gebietskörperschaft")
    assert problem.expected == "Name passt nicht zum AGS 06635 (Waldeck-Frankenberg); der AGS hat Vorrang"
    assert result.tables["projects"]["ags"].tolist() == [WALDECK_FRANKENBERG]


def test_row_with_neither_ags_nor_name_is_an_error():
    result = read({"Projekte": [NAMED_PROJECT_HEADINGS, [2025, None, None, 1, "AVIA"]]})
    assert located(result.problems) == [("Fehler", 2, "AGS", None)]
    assert result.problems[0].expected == "Weder AGS noch Gebietskörperschaft angegeben"
    assert result.tables["projects"].empty


def test_unknown_heading_is_a_warning_and_the_rows_still_load():
    result = read({"Projekte": [[*PROJECT_HEADINGS, "Bemerkung"], [2025, "06635", 1, "AVIA", 100, 1, "läuft"]]})
    assert located(result.problems) == [("Warnung", 1, "Bemerkung", None)]
    assert "unbekannte Spalte" in result.problems[0].expected
    assert result.tables["projects"]["project"].tolist() == ["AVIA"]


def test_missing_required_column_is_an_error():
    result = read({"Projekte": [["Jahr", "AGS", "Maßnahmenart", "Träger"], [2025, "06635", 1, "Träger A"]]})
    assert located(result.problems) == [("Fehler", 1, "Projekt", None)]
    assert result.problems[0].expected == "Pflichtspalte fehlt"
    assert result.tables["projects"].empty


def test_sheet_without_ags_or_name_column_is_an_error():
    result = read({"Projekte": [["Jahr", "Maßnahmenart", "Projekt"], [2025, 1, "AVIA"]]})
    assert [p.expected for p in result.errors] == ["Es fehlt eine Spalte „AGS“ oder „Gebietskörperschaft“"]


def test_sheet_without_a_heading_row_is_an_error():
    result = read({"Projekte": [["Liste"], ["a", "b"], [1, 2]]})
    (problem,) = result.errors
    assert problem.expected.startswith("Keine Überschriftenzeile gefunden")
    assert "„Projekt“" in problem.expected


def test_workbook_without_a_known_sheet_names_the_sheets_it_has():
    result = read({"Tabelle1": [["x"]], "Notizen": []})
    (problem,) = result.errors
    assert problem.expected == (
        "Keines der Blätter „Zielvereinbarungen“, „Projekte“, „Umsetzungsstand“, „Änderungen“ gefunden "
        "(vorhanden: „Tabelle1“, „Notizen“)"
    )
    assert not result.unreadable


def test_two_sheets_for_the_same_table_is_an_error():
    result = read({"Projekte": [PROJECT_HEADINGS], "projekt": [PROJECT_HEADINGS]})
    assert [(p.sheet, p.expected) for p in result.errors] == [("projekt", "Blatt für „Projekte“ doppelt vorhanden")]


def test_progress_sheet_with_all_headings_loads():
    result = read({"Umsetzungsstand": [PROGRESS_HEADINGS, PROGRESS_ROW]})
    assert result.problems == []
    assert result.tables["progress"]["to_training"].tolist() == [1]


def test_progress_sheet_with_a_note_beside_the_table_loads():
    note_row = [None] * (len(PROGRESS_HEADINGS) + 1) + ["Anmerkung: vorläufig"]
    result = read({"Umsetzungsstand": [PROGRESS_HEADINGS, PROGRESS_ROW, note_row]})
    assert result.errors == []
    assert result.tables["progress"]["project"].tolist() == ["AVIA"]


def test_progress_headings_in_the_long_wording_are_recognised():
    headings = [
        "Übergänge in Ausbildung" if h == "Übergänge Ausbildung" else h
        for h in PROGRESS_HEADINGS
        if h != "Übergänge Beschäftigung"
    ]
    headings.insert(headings.index("Übergänge in Ausbildung") + 1, "Übergänge in Beschäftigung")
    result = read({"Umsetzungsstand": [headings, PROGRESS_ROW]})
    assert result.problems == []
    assert result.tables["progress"][["to_training", "to_employment"]].iloc[0].tolist() == [1, 0]


# --- amendments (Änderungen) and the day a report was received -------------------------------------

AMENDMENT_HEADINGS = ["Jahr", "AGS", "Gebietskörperschaft", "Gültig ab", "Haushaltsmittel neu (EUR)", "Grund", "Quelle"]


def test_amendments_sheet_reads_the_exact_values_from_messy_cells():
    result = read(
        {
            "Änderungen": [
                ["Änderungen der Zielvereinbarungen 2025"],
                AMENDMENT_HEADINGS,
                [2025, None, "Landkreis Waldeck-Frankenberg", "01.10.2025", "850.000,01 €", " Nachtrag ", None],
                [2025, KASSEL_CITY, "Kassel (Stadt)", datetime(2025, 11, 15), 1_000_000, None, "ÄV vom 10.11.2025"],
                [],
            ]
        }
    )
    assert result.problems == []
    assert result.sheets_read == ["amendments"]
    assert records(result.tables["amendments"]) == [
        {
            "year": 2025,
            "ags": WALDECK_FRANKENBERG,
            "valid_from": pd.Timestamp("2025-10-01"),
            "budget_eur": 850000.01,
            "reason": "Nachtrag",
            "source": FILE,
        },
        {
            "year": 2025,
            "ags": KASSEL_CITY,
            "valid_from": pd.Timestamp("2025-11-15"),
            "budget_eur": 1000000.0,
            "reason": None,
            "source": "ÄV vom 10.11.2025",
        },
    ]
    assert all(result.tables[name].empty for name in ("agreements", "projects", "progress"))


@pytest.mark.parametrize("sheet", ["Änderung", "Aenderungen", " änderungen ", "Änderungsvereinbarungen"])
def test_amendments_sheet_is_found_by_its_usual_names(sheet):
    result = read({sheet: [AMENDMENT_HEADINGS, [2025, WALDECK_FRANKENBERG, None, "01.10.2025", 5, None, None]]})
    assert result.problems == []
    assert result.tables["amendments"]["budget_eur"].tolist() == [5.0]


def test_amendment_without_valid_from_or_with_a_bad_amount_is_an_error_naming_sheet_row_column_and_value():
    result = read(
        {
            "Änderungen": [
                AMENDMENT_HEADINGS,
                [2025, WALDECK_FRANKENBERG, None, None, "850.000,00", "Nachtrag", None],
                [2025, KASSEL_CITY, None, "01.10.2025", "viel mehr", None, None],
                [2025, KASSEL_CITY, None, "31.02.2025", -3, None, None],
                [2025, WALDECK_FRANKENBERG, None, "01.11.2025", 900_000, None, None],
            ]
        }
    )
    assert [p.text() for p in result.problems] == [
        f"Fehler: {FILE}, Blatt „Änderungen“, Zeile 2, Spalte „Gültig ab“ (Zelle D2): Pflichtfeld ist leer",
        f"Fehler: {FILE}, Blatt „Änderungen“, Zeile 3, Spalte „Haushaltsmittel neu (EUR)“ (Zelle E3): Wert „viel "
        "mehr“ – erwartet: ein Betrag in Euro, z. B. 773.920,00 oder 773920",
        f"Fehler: {FILE}, Blatt „Änderungen“, Zeile 4, Spalte „Gültig ab“ (Zelle D4): Wert „31.02.2025“ – erwartet: "
        "ein Datum wie 13.08.2025 (diesen Tag gibt es nicht)",
        f"Fehler: {FILE}, Blatt „Änderungen“, Zeile 4, Spalte „Haushaltsmittel neu (EUR)“ (Zelle E4): Wert „-3“ – "
        "erwartet: ein Betrag in Euro, z. B. 773.920,00 oder 773920 (nicht negativ)",
    ]
    assert result.tables["amendments"]["valid_from"].tolist() == [pd.Timestamp("2025-11-01")]  # the good row


def test_amendments_sheet_without_the_valid_from_column_is_an_error():
    result = read({"Änderungen": [["Jahr", "AGS", "Haushaltsmittel neu (EUR)"], [2025, WALDECK_FRANKENBERG, 5]]})
    assert [p.text() for p in result.errors] == [
        f"Fehler: {FILE}, Blatt „Änderungen“, Zeile 1, Spalte „Gültig ab“: Pflichtspalte fehlt"
    ]
    assert result.tables["amendments"].empty


def test_two_amendments_of_a_district_valid_from_the_same_day_are_an_error_naming_the_first_row():
    row = [2025, KASSEL_CITY, None, "15.11.2025", 1_000_000, None, None]
    result = read({"Änderungen": [AMENDMENT_HEADINGS, row, [*row[:4], 3, *row[5:]]]})
    assert [p.text() for p in result.errors] == [
        f"Fehler: {FILE}, Blatt „Änderungen“, Zeile 3: Wert „2025 / 06611 / 15.11.2025“ – gleiche Kombination aus "
        "Jahr, AGS, Gültig ab wie in Zeile 2"
    ]


def test_the_day_a_report_was_received_is_read_and_may_be_left_empty():
    headings = [*PROGRESS_HEADINGS, "Eingegangen am"]
    result = read(
        {
            "Umsetzungsstand": [
                headings,
                [*PROGRESS_ROW, "15.07.2025"],
                [*PROGRESS_ROW[:2], "Brücke", *PROGRESS_ROW[3:], None],
                [*PROGRESS_ROW[:2], "Werkstatt", *PROGRESS_ROW[3:], "gestern"],
            ]
        }
    )
    assert [p.text() for p in result.problems] == [
        f"Fehler: {FILE}, Blatt „Umsetzungsstand“, Zeile 4, Spalte „Eingegangen am“ (Zelle L4): Wert „gestern“ – "
        "erwartet: ein Datum wie 13.08.2025"
    ]
    progress = result.tables["progress"]
    assert progress["project"].tolist() == ["AVIA", "Brücke"]
    assert progress["received"].tolist()[0] == pd.Timestamp("2025-07-15")
    assert pd.isna(progress["received"].tolist()[1])  # left empty: the store fills in the day of the upload


def test_a_report_without_the_received_column_reads_with_it_empty():
    result = read({"Umsetzungsstand": [PROGRESS_HEADINGS, PROGRESS_ROW]})
    assert result.problems == []
    assert result.tables["progress"].columns.tolist() == PROGRESS.column_names
    assert result.tables["progress"]["received"].isna().tolist() == [True]


# --- files that are not xlsx ------------------------------------------------------------------------


def _truncated_workbook() -> bytes:
    data = make_workbook({"Projekte": [PROJECT_HEADINGS, [2025, "06635", 1, "AVIA", 100, 1]]})
    return data[: len(data) // 2]


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("liesmich.txt", "kein Excel")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Die Datei ist leer"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "Die Datei ist ein PDF, keine Excel-Arbeitsmappe (.xlsx)"),
        ("Jahr;AGS;Projekt\n2025;06635;Brücke\n".encode(), "Die Datei ist keine Excel-Arbeitsmappe (.xlsx)"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "Die Datei ist im alten Excel-Format (.xls) oder kennwortgeschützt; bitte als .xlsx speichern",
        ),
        (_truncated_workbook(), "Die Datei ist beschädigt oder unvollständig"),
        (b"PK\x03\x04", "Die Datei ist beschädigt oder unvollständig"),
        (_zip_without_workbook(), "Die Datei ist ein Zip-Archiv, aber keine Excel-Arbeitsmappe (.xlsx)"),
    ],
    ids=["empty", "pdf", "csv", "xls", "truncated", "zip-header-only", "zip-without-workbook"],
)
def test_files_that_are_not_xlsx_are_unreadable_with_a_german_message(data, message):
    result = read_workbook(data, "upload.xlsx")
    assert result.unreadable
    (problem,) = result.problems
    assert problem.severity is Severity.ERROR
    assert problem.file == "upload.xlsx"
    assert problem.expected.startswith(message)
    assert all(frame.empty for frame in result.tables.values())
    assert set(result.tables) == {"agreements", "projects", "progress", "amendments"}


def test_missing_path_is_unreadable(tmp_path):
    result = read_workbook(tmp_path / "fehlt.xlsx")
    assert result.unreadable
    assert result.problems[0].expected.startswith("Die Datei wurde nicht gefunden")


def test_corrupt_sheet_is_reported_once_and_not_as_missing():
    good = make_workbook({"Projekte": [PROJECT_HEADINGS, [2025, "06635", 1, "AVIA", 100, 1]]})
    original = zipfile.ZipFile(io.BytesIO(good))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in original.namelist():
            broken = name == "xl/worksheets/sheet1.xml"
            archive.writestr(name, b"<worksheet><sheetData><row><c" if broken else original.read(name))
    result = read_workbook(buffer.getvalue(), FILE)
    (problem,) = result.problems
    assert problem.sheet == "Projekte"
    assert problem.expected.startswith("Blatt nicht lesbar")


# --- writing and reading back -----------------------------------------------------------------------


def _round_trip_tables() -> dict[str, pd.DataFrame]:
    districts = load_districts()
    agreements = canonical(
        AGREEMENTS,
        [
            {
                "year": 2025,
                "ags": ags,
                "budget_eur": 500_000.0 + number * 1_000.01,
                "signed_ministry": date(2025, 8, 13),
                "signed_district": None if number % 2 else date(2025, 8, 2),
                "source": f"ZV 2025 {name}",
            }
            for number, (ags, name) in enumerate(zip(districts["ags"], districts["name"], strict=True))
        ],
    )
    projects = canonical(
        PROJECTS,
        [
            {
                "year": 2025,
                "ags": ags,
                "measure_type": measure,
                "project": project,
                "provider": provider,
                "target_group": group,
                "planned_eur": planned,
                "planned_places": places,
                "source": "Zielvereinbarung 2025",
            }
            for ags, measure, project, provider, group, planned, places in [
                (
                    WALDECK_FRANKENBERG,
                    1,
                    "AVIA (Aktivierung und Vermittlung von Migranten)",
                    "Träger A",
                    "U25",
                    0.10,
                    12,
                ),
                (WALDECK_FRANKENBERG, 2, "Ausbildungscoaching", None, None, 0.20, None),
                (WALDECK_FRANKENBERG, 3, "Qualifizierung Pflege", "Träger B", None, 773919.70, 30),
                (KASSEL_CITY, 4, "Weiterbildung Jobcenter", "Träger C", "Personal", None, 5),
                (KASSEL_COUNTY, 1, "AVIA", None, None, 1140300.0, 0),
                (OFFENBACH_CITY, 1, "AVIA", None, None, 955000.0, 10),
                (OFFENBACH_COUNTY, 2, "AVIA", None, None, 12.5, 1),
            ]
        ],
    )
    progress = canonical(
        PROGRESS,
        [
            {
                "year": 2025,
                "ags": WALDECK_FRANKENBERG,
                "project": "AVIA (Aktivierung und Vermittlung von Migranten)",
                "as_of": as_of,
                "spent_eur": spent,
                "entries": 10,
                "exits": exits,
                "to_training": 1,
                "to_employment": None,
                "to_other": 0,
                "dropouts": 2,
                "source": "Bericht",
                "received": received,
            }
            for as_of, spent, exits, received in [
                (date(2025, 6, 30), 12000.50, 4, date(2025, 7, 14)),
                (date(2025, 9, 30), None, None, None),
            ]
        ],
    )
    amendments = canonical(
        AMENDMENTS,
        [
            {
                "year": 2025,
                "ags": WALDECK_FRANKENBERG,
                "valid_from": date(2025, 10, 1),
                "budget_eur": 850_000.01,
                "reason": "=Aufstockung (so im Dokument)",  # text that looks like a formula stays text
                "source": "Änderungsvereinbarung vom 24.09.2025",
            },
            {
                "year": 2025,
                "ags": KASSEL_CITY,
                "valid_from": date(2025, 11, 15),
                "budget_eur": 0.0,
                "reason": None,
                "source": "Änderung",
            },
        ],
    )
    return {"agreements": agreements, "projects": projects, "progress": progress, "amendments": amendments}


def test_write_then_read_gives_identical_tables_and_no_problems():
    tables = _round_trip_tables()
    buffer = io.BytesIO()
    write_workbook(tables, buffer)
    result = read_workbook(buffer.getvalue(), "export.xlsx")
    assert result.problems == []
    assert result.sheets_read == ["agreements", "projects", "progress", "amendments"]
    for name, frame in tables.items():
        assert_frame_equal(result.tables[name], frame, obj=name)
    assert round(result.tables["projects"]["planned_eur"].iloc[:3].sum(), 2) == 773920.00
    assert result.tables["progress"]["received"].tolist()[0] == pd.Timestamp("2025-07-14")
    assert result.tables["amendments"]["reason"].tolist()[0] == "=Aufstockung (so im Dokument)"


def test_written_workbook_has_the_german_sheets_and_headings(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "export.xlsx"
    write_workbook(_round_trip_tables(), path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [t.sheet for t in TABLES]
    for table in TABLES:
        headings = [cell.value for cell in workbook[table.sheet][1]]
        assert headings == [c.heading for c in table.columns]
    assert workbook["Zielvereinbarungen"]["C2"].value == "Darmstadt"
    kassel_rows = [row for row in workbook["Projekte"].iter_rows(min_row=2, values_only=True) if row[1] == KASSEL_CITY]
    assert kassel_rows[0][2] == "Kassel (Stadt)"


def test_writing_the_same_tables_twice_gives_the_same_bytes():
    first, second = io.BytesIO(), io.BytesIO()
    write_workbook(_round_trip_tables(), first)
    write_workbook(_round_trip_tables(), second)
    assert first.getvalue() == second.getvalue()


# --- problems_frame ---------------------------------------------------------------------------------


def test_problems_frame_has_german_headings_and_one_row_per_problem():
    result = read(
        {
            "Projekte": [
                [*PROJECT_HEADINGS, "Bemerkung"],
                [2025, "06635", 1, "AVIA", "abc", 5, None],
                [2025, "06635", 9, "B", 100, 5, None],
            ]
        }
    )
    frame = problems_frame(result.problems)
    assert list(frame.columns) == [
        "Art",
        "Kategorie",
        "Datei",
        "Blatt",
        "Zeile",
        "Spalte",
        "Zelle",
        "Wert",
        "Erwartet / Hinweis",
    ]
    assert len(frame) == len(result.problems) == 3
    assert frame["Art"].tolist() == ["Warnung", "Fehler", "Fehler"]
    assert frame["Zeile"].tolist() == [1, 2, 3]
    assert frame["Spalte"].tolist() == ["Bemerkung", "Geplante Mittel (EUR)", "Maßnahmenart"]
    assert frame["Wert"].tolist() == ["", "abc", "9"]
    assert set(frame["Datei"]) == {FILE}
    assert set(frame["Blatt"]) == {"Projekte"}


def test_problems_frame_of_a_file_level_problem_leaves_location_empty():
    frame = problems_frame(read_workbook(b"", "leer.xlsx").problems)
    assert frame.iloc[0][["Art", "Kategorie", "Datei", "Blatt", "Spalte", "Wert"]].tolist() == [
        "Fehler",
        "Datei unlesbar",
        "leer.xlsx",
        "",
        "",
        "",
    ]
    assert pd.isna(frame.iloc[0]["Zeile"])
    assert frame.iloc[0]["Erwartet / Hinweis"] == "Die Datei ist leer"


def test_problems_frame_of_no_problems_is_empty_with_the_headings():
    frame = problems_frame([])
    assert frame.empty
    assert "Erwartet / Hinweis" in frame.columns


def test_helper_sheets_with_similar_names_are_not_taken_for_data_sheets():
    data = make_workbook(
        {
            "Projekte 2025": [["Jahr", "AGS", "Maßnahmenart", "Projekt"], [2025, "06635", 1, "AVIA"]],
            "Projektträger": [["Name", "Ort"], ["Bildungswerk", "Korbach"]],
            "Umsetzungsplanung": [["Jahr", "Projekt", "Stichtag"], [2025, "AVIA", "kein Datum"]],
        }
    )
    result = read_workbook(data, "bericht.xlsx")
    assert result.problems == []
    assert result.sheets_read == ["projects"]


def test_excel_errors_and_merged_cells_outside_the_read_columns_do_not_block():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Projekte"
    sheet.append(["Jahr", "AGS", "Maßnahmenart", "Projekt", None, "Notiz"])
    sheet.append([2025, "06635", 1, "AVIA", None, "siehe unten"])
    sheet.append([None, None, None, None, None, "lange Notiz"])
    sheet.merge_cells("F3:G3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_workbook(buffer.getvalue(), "bericht.xlsx")
    assert [p.kind for p in result.errors] == []
    assert list(result.tables["projects"]["project"]) == ["AVIA"]


def test_a_direction_override_in_a_text_cell_is_refused_and_shown() -> None:
    """(Control characters are refused the same way; openpyxl cannot write them: see the hostile corpus.)"""
    data = make_workbook(
        {"Projekte": [["Jahr", "AGS", "Maßnahmenart", "Projekt"], [2025, "06635", 1, "Jugend\u202ewerkstatt"]]}
    )
    result = read_workbook(data, "bericht.xlsx")
    (error,) = result.errors
    assert error.column == "Projekt" and error.value == "Jugend<U+202E>werkstatt"
    assert "Steuer- oder Richtungszeichen (gefunden: U+202E)" in error.expected
    problems_workbook(result.problems)  # the report for the district can be written


def test_text_with_combining_accents_is_the_same_text() -> None:
    nfd = unicodedata.normalize("NFD", "Maßnahmenart")
    data = make_workbook({"Projekte": [["Jahr", "AGS", nfd, "Projekt"], [2025, "06635", 1, "Schüler"]]})
    result = read_workbook(data, "bericht.xlsx")
    assert not result.errors
    assert result.tables["projects"]["project"].tolist() == ["Schüler"]
    assert result.tables["projects"]["measure_type"].tolist() == [1]
