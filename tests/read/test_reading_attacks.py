"""Reading never silently drops, merges or rounds: total-like project names, look-alike names, sub-cent
amounts and two-digit years, each in a hand-built workbook read by the real reader (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.problems import Severity
from aqb_data.domain.values import name_key, spelled
from aqb_data.read.plausibility import plausibility_problems
from aqb_data.read.workbook import read_workbook
from tests.workbooks import make_workbook

FILE = "bericht.xlsx"
WALDECK = "06635"
PROJECTS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"]
PROGRESS = ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)"]
AGREEMENTS = ["Jahr", "AGS", "Haushaltsmittel (EUR)", "Unterzeichnung HMSI"]
DUPLICATE_PREFIX = "gleiche Kombination aus Jahr, AGS, Projekt wie in Zeile 2"


def read(sheets: dict[str, list[list[object]]]):
    return read_workbook(make_workbook(sheets), FILE)


def projects_sheet(*rows: list[object]) -> dict[str, list[list[object]]]:
    return {"Projekte": [PROJECTS, *rows]}


# --- a name that begins like a total is a project; a total line is reported, never dropped in silence -------


@pytest.mark.parametrize("name", ["Total E-Quality", "Gesamt-Coaching Ausbildung", "Summe der Talente"])
def test_project_whose_name_begins_like_a_total_is_read_as_a_project(name: str) -> None:
    # Year, AGS and Maßnahmenart are numbers, so the name is the row's first text.
    result = read(projects_sheet([2025, 6635, 2, name, 1000], [2025, 6635, 1, "AVIA", 500]))
    assert result.problems == []
    assert result.tables["projects"]["project"].tolist() == [name, "AVIA"]
    assert result.tables["projects"]["planned_eur"].tolist() == [1000.0, 500.0]


def test_all_three_total_like_names_in_one_sheet_are_all_projects() -> None:
    result = read(
        projects_sheet(
            [2025, 6635, 2, "Total E-Quality", 100],
            [2025, 6635, 2, "Gesamt-Coaching Ausbildung", 200],
            [2025, 6635, 3, "Summe der Talente", 300],
        )
    )
    assert result.problems == []
    assert result.tables["projects"]["planned_eur"].sum() == 600.0


@pytest.mark.parametrize("label", ["Summe", "Gesamt:", "Insgesamt 2025", "SUMME 2025:", "Total"])
def test_total_line_is_not_read_and_is_reported_as_checked_against_the_rows_above(label: str) -> None:
    result = read(
        projects_sheet([2025, 6635, 1, "AVIA", 100], [2025, 6635, 2, "Brücke", 200], [label, None, None, None, 300])
    )
    assert result.tables["projects"]["project"].tolist() == ["AVIA", "Brücke"]
    (note,) = result.problems
    assert (note.severity, note.kind, note.row, note.cell, note.value) == (Severity.NOTE, "Summenzeile", 4, "A4", label)
    assert note.text() == (
        f"Hinweis: bericht.xlsx, Blatt „Projekte“, Zeile 4, Spalte „Jahr“ (Zelle A4): Wert „{label}“ – "
        "Summenzeile: nicht als Daten gelesen, sondern mit den Zeilen darüber verglichen – stimmt überein"
    )


def test_total_label_alone_makes_a_total_even_with_year_ags_and_measure_type() -> None:
    result = read(projects_sheet([2025, 6635, 1, "AVIA", 100], [2025, 6635, 1, "Summe", 150]))
    assert result.tables["projects"]["project"].tolist() == ["AVIA"]
    note, warning = result.problems
    assert (note.severity, note.row, note.column, note.value) == (Severity.NOTE, 3, "Projekt", "Summe")
    assert note.expected.endswith("verglichen – weicht ab (siehe Warnung)")
    assert (warning.severity, warning.row, warning.cell) == (Severity.WARNING, 3, "E3")
    assert warning.expected == "Summenzeile weicht ab: angegeben 150,00 €, die Zeilen darüber ergeben 100,00 €"


def test_total_like_name_without_measure_type_beside_year_and_ags_is_a_warning_saying_why() -> None:
    result = read(projects_sheet([2025, 6635, 1, "AVIA", 100], [2025, 6635, None, "Summe der Talente", 100]))
    assert result.tables["projects"]["project"].tolist() == ["AVIA"]
    (warning,) = result.problems
    assert (warning.severity, warning.row, warning.value) == (Severity.WARNING, 3, "Summe der Talente")
    assert warning.expected == (
        "Summenzeile, weil sie mit „Summe“ beginnt und keine Maßnahmenart hat (ist sie keine, bitte die Maßnahmenart "
        "eintragen): nicht als Daten gelesen, sondern mit den Zeilen darüber verglichen – stimmt überein"
    )


def test_total_line_below_a_broken_row_says_it_was_not_compared() -> None:
    result = read(projects_sheet([2025, 6635, 1, "AVIA", "abc"], ["Summe", None, None, None, 100]))
    error, note = result.problems
    assert (error.severity, error.row, error.cell) == (Severity.ERROR, 2, "E2")
    assert (note.severity, note.row) == (Severity.NOTE, 3)
    assert note.expected == (
        "Summenzeile: nicht als Daten gelesen; nicht mit den Zeilen darüber verglichen, weil dort fehlerhafte Zeilen "
        "stehen"
    )


def test_progress_total_line_without_stichtag_is_reported_and_a_project_so_named_is_read() -> None:
    result = read(
        {
            "Umsetzungsstand": [
                PROGRESS,
                [2025, 6635, "Summe der Talente", "30.06.2025", 100],
                [None, None, "Summe", None, 100],
            ]
        }
    )
    assert result.tables["progress"]["project"].tolist() == ["Summe der Talente"]
    (note,) = result.problems
    assert (note.severity, note.row, note.column, note.value) == (Severity.NOTE, 3, "Projekt", "Summe")


def test_rows_with_values_only_outside_the_read_columns_are_noted() -> None:
    result = read(
        projects_sheet(
            [2025, 6635, 1, "AVIA", 100],
            [None, None, None, None, None, "vorläufige Zahlen"],
            [None, None, None, None, None, "Stand 30.06."],
            [],
            [None, None, None, None, None, None, "Frau Muster"],
        )
    )
    assert result.tables["projects"]["project"].tolist() == ["AVIA"]
    (note,) = result.problems
    assert (note.severity, note.row, note.cell, note.value) == (Severity.NOTE, 3, "F3", "vorläufige Zahlen")
    assert note.expected == "Zeilen 3–4, 6: Werte nur in Spalten ohne bekannte Überschrift; nicht als Daten gelesen"


# --- look-alike names are the same name ------------------------------------------------------------------


def test_name_key_folds_what_a_reader_cannot_tell_apart() -> None:
    key = name_key("Projekt A")
    assert key == "projekt a"
    for look_alike in (
        "Projekt\u00a0A",
        "Projekt  A",
        "ProjeKt A",
        "Projekt A\u200b",
        "\ufeffProjekt A",
        "Pro\u00adjekt A",
    ):
        assert name_key(look_alike) == key, repr(look_alike)
    assert name_key("Ｐｒｏｊｅｋｔ A") == key  # full-width letters, folded by NFKC
    # A zero-width space inside a word shows nothing: "Projekt\u200bA" looks like "ProjektA", not "Projekt A".
    assert name_key("Projekt\u200bA") == name_key("ProjektA") != key


def test_spelled_shows_every_character_a_reader_cannot_see() -> None:
    assert spelled("Projekt A") == "Projekt A"
    assert spelled("Projekt\u00a0A") == "Projekt<U+00A0>A"
    assert spelled("Projekt A\u200b") == "Projekt A<U+200B>"
    assert spelled("Projekt  A") == "Projekt<U+0020><U+0020>A"
    assert spelled("Pro\u00adjekt") == "Pro<U+00AD>jekt"


@pytest.mark.parametrize(
    ("second", "shown"),
    [
        ("Projekt\u00a0A", "Projekt<U+00A0>A"),
        ("Projekt A\u200b", "Projekt A<U+200B>"),
        ("ProjeKt A", "ProjeKt A"),
        ("Projekt  A", "Projekt<U+0020><U+0020>A"),
        ("projekt a", "projekt a"),
    ],
)
def test_look_alike_project_names_are_a_duplicate_error_naming_both_rows_and_spellings(second: str, shown: str) -> None:
    result = read(projects_sheet([2025, WALDECK, 1, "Projekt A", 100], [2025, WALDECK, 1, second, 100]))
    (error,) = result.problems
    assert (error.severity, error.kind, error.row) == (Severity.ERROR, "Doppelte Zeile", 3)
    assert error.value == f"2025 / 06635 / {shown}"
    assert error.expected == (
        f"{DUPLICATE_PREFIX} (dort „Projekt A“, hier „{shown}“: gleich bis auf Groß-/Kleinschreibung, Leerzeichen "
        "oder unsichtbare Zeichen)"
    )
    assert result.errors == [error]  # an error: the file is not imported, the money is not counted twice


def test_zero_width_space_inside_a_word_matches_the_word_without_a_space() -> None:
    apart = read(projects_sheet([2025, WALDECK, 1, "Projekt A", 100], [2025, WALDECK, 1, "Projekt\u200bA", 100]))
    assert apart.problems == []
    joined = read(projects_sheet([2025, WALDECK, 1, "ProjektA", 100], [2025, WALDECK, 1, "Projekt\u200bA", 100]))
    (error,) = joined.errors
    assert "(dort „ProjektA“, hier „Projekt<U+200B>A“" in error.expected


def test_exact_duplicate_keeps_its_short_message() -> None:
    result = read(projects_sheet([2025, WALDECK, 1, "Projekt A", 100], [2025, WALDECK, 2, "Projekt A", 100]))
    (error,) = result.problems
    assert (error.row, error.value, error.expected) == (3, "2025 / 06635 / Projekt A", DUPLICATE_PREFIX)


def test_look_alike_names_at_the_same_stichtag_are_a_duplicate_in_the_progress_sheet() -> None:
    result = read(
        {
            "Umsetzungsstand": [
                PROGRESS,
                [2025, WALDECK, "Projekt A", "30.06.2025", 100],
                [2025, WALDECK, "Projekt\u00a0A", "30.06.2025", 100],
                [2025, WALDECK, "Projekt\u00a0A", "30.09.2025", 100],
            ]
        }
    )
    (error,) = result.problems
    assert (error.severity, error.row) == (Severity.ERROR, 3)
    assert "wie in Zeile 2 (dort „Projekt A“, hier „Projekt<U+00A0>A“" in error.expected


def test_the_stored_name_is_the_files_spelling_trimmed() -> None:
    result = read(projects_sheet([2025, WALDECK, 1, "  Projekt\u00a0A  ", 100]))
    assert result.tables["projects"]["project"].tolist() == ["Projekt\u00a0A"]


# --- look-alikes against what is stored --------------------------------------------------------------------


def stored_with(project: str) -> AqbData:
    stored = read(projects_sheet([2025, WALDECK, 1, project, 100], [2025, WALDECK, 2, "Brücke", 50]))
    assert stored.problems == []
    return AqbData(stored.tables["agreements"], stored.tables["projects"], stored.tables["progress"])


def test_upload_with_a_look_alike_of_a_stored_project_warns_naming_both() -> None:
    result = read(projects_sheet([2025, WALDECK, 1, "ProjeKt A", 100], [2025, WALDECK, 2, "Brücke", 50]))
    (warning,) = plausibility_problems(result, stored_with("Projekt A"))
    assert warning.text() == (
        "Warnung: bericht.xlsx, Blatt „Projekte“, Zeile 2, Spalte „Projekt“ (Zelle D2): Wert „ProjeKt A“ – "
        "Gespeichert ist für Waldeck-Frankenberg 2025 das Projekt „Projekt A“ (gleich bis auf Groß-/Kleinschreibung, "
        "Leerzeichen oder unsichtbare Zeichen); diese Schreibweise zählt als anderes Projekt – bitte dieselbe verwenden"
    )


def test_upload_with_the_stored_spelling_or_of_another_year_gives_no_look_alike_warning() -> None:
    same = read(projects_sheet([2025, WALDECK, 1, "Projekt A", 100]))
    assert plausibility_problems(same, stored_with("Projekt A")) == []
    other_year = read(projects_sheet([2026, WALDECK, 1, "ProjeKt A", 100]))
    assert plausibility_problems(other_year, stored_with("Projekt A")) == []


def test_progress_for_a_look_alike_of_a_stored_project_names_the_stored_spelling() -> None:
    result = read({"Umsetzungsstand": [PROGRESS, [2025, WALDECK, "Projekt A\u200b", "30.06.2025", 10]]})
    (warning,) = plausibility_problems(result, stored_with("Projekt A"))
    assert (warning.row, warning.cell, warning.value) == (2, "C2", "Projekt A<U+200B>")
    assert warning.expected.startswith("Das Projekt heißt für Waldeck-Frankenberg 2025 „Projekt A“ (gleich bis auf")


# --- amounts are never rounded, years never guessed --------------------------------------------------------


@pytest.mark.parametrize("amount", [1234.567, "1234,567", "1.234,567 €"])
def test_amount_with_more_than_two_decimals_is_refused_as_number_and_as_text(amount: object) -> None:
    result = read(projects_sheet([2025, WALDECK, 1, "AVIA", amount]))
    (error,) = result.problems
    assert (error.severity, error.row, error.cell) == (Severity.ERROR, 2, "E2")
    assert error.expected == (
        "erwartet: ein Betrag in Euro, z. B. 773.920,00 oder 773920 (höchstens zwei Nachkommastellen)"
    )
    assert result.tables["projects"].empty


def test_amount_off_a_cent_only_by_excel_arithmetic_is_that_cent_amount() -> None:
    result = read(projects_sheet([2025, WALDECK, 1, "AVIA", 0.1 + 0.2], [2025, WALDECK, 1, "Brücke", 1234.56]))
    assert result.problems == []
    assert result.tables["projects"]["planned_eur"].tolist() == [0.3, 1234.56]


@pytest.mark.parametrize("typed", ["13.08.99", "1.1.25", "13.08.25"])
def test_date_with_a_two_digit_year_is_refused_asking_for_four_digits(typed: str) -> None:
    result = read({"Zielvereinbarungen": [AGREEMENTS, [2025, WALDECK, 773920, typed]]})
    (error,) = result.problems
    assert error.text() == (
        f"Fehler: bericht.xlsx, Blatt „Zielvereinbarungen“, Zeile 2, Spalte „Unterzeichnung HMSI“ (Zelle D2): "
        f"Wert „{typed}“ – erwartet: ein Datum wie 13.08.2025 (das Jahr bitte vierstellig schreiben)"
    )
    assert result.tables["agreements"].empty


def test_date_with_a_four_digit_year_is_read() -> None:
    result = read({"Zielvereinbarungen": [AGREEMENTS, [2025, WALDECK, 773920, "13.08.2025"]]})
    assert result.problems == []
    assert result.tables["agreements"]["signed_ministry"].dt.date.tolist() == [date(2025, 8, 13)]
