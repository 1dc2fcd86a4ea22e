"""Measure types and the canonical table schemas (aqb_data.domain.model)."""

from __future__ import annotations

import pandas as pd
import pytest

from aqb_data.domain.model import (
    AGREEMENTS,
    AMENDMENTS,
    MEASURE_TYPES,
    PROGRESS,
    PROJECTS,
    TABLES,
    Kind,
    is_synthetic,
    parse_measure_type,
)

FULL_LABELS = {
    1: "Ausbildungsvorbereitung",
    2: "Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen",
    3: "Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung",
    4: "Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte",
}
SHORT_LABELS = {
    1: "Ausbildungsvorbereitung",
    2: "Ausbildung & Coaching",
    3: "Qualifizierung",
    4: "Weiterbildung Personal",
}


def test_there_are_exactly_the_four_measure_types_of_the_data_model():
    assert {code: mt.label for code, mt in MEASURE_TYPES.items()} == FULL_LABELS
    assert {code: mt.short_label for code, mt in MEASURE_TYPES.items()} == SHORT_LABELS
    assert all(mt.code == code for code, mt in MEASURE_TYPES.items())


def test_each_measure_type_has_its_own_colour():
    colours = [mt.colour for mt in MEASURE_TYPES.values()]
    assert len(set(colours)) == 4
    assert all(colour.startswith("#") and len(colour) == 7 for colour in colours)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1", 1),
        ("1.", 1),
        ("MA 1", 1),
        ("ma 2", 2),
        ("MA2", 2),
        ("Maßnahmenart 4", 4),
        (" 3 ", 3),
        ("4.", 4),
        (3, 3),
        (3.0, 3),
        (1.0, 1),
    ],
)
def test_measure_type_codes_are_recognised(value, code):
    assert parse_measure_type(value) == code


@pytest.mark.parametrize("code", [1, 2, 3, 4])
def test_full_and_short_labels_are_recognised(code):
    assert parse_measure_type(FULL_LABELS[code]) == code
    assert parse_measure_type(SHORT_LABELS[code]) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("AUSBILDUNGSVORBEREITUNG", 1),
        ("  ausbildung & coaching  ", 2),
        ("qualifizierung\t", 3),
        ("Weiterbildung   Personal", 4),
        ("  QUALIFIZIERUNGSPROJEKTE ZUR ARBEITSMARKTINTEGRATION, FACHKRÄFTESICHERUNG ", 3),
    ],
)
def test_labels_ignore_case_and_surrounding_space(value, code):
    assert parse_measure_type(value) == code


@pytest.mark.parametrize(
    "value",
    ["0", "5", "MA 5", 5, 0, 2.5, "", "Ausbildung", "Weiterbildung", "1 2", None, True, False, [1]],
)
def test_unknown_measure_types_give_none(value):
    assert parse_measure_type(value) is None


@pytest.mark.parametrize(
    ("source", "synthetic"),
    [("synthetisch", True), ("Demo (synthetisch)", True), ("SYNTHETISCH", True), ("ZV 2025", False), (None, False)],
)
def test_is_synthetic(source, synthetic):
    assert is_synthetic(source) is synthetic


def test_tables_read_from_the_four_german_sheets():
    assert [(t.name, t.sheet) for t in TABLES] == [
        ("agreements", "Zielvereinbarungen"),
        ("projects", "Projekte"),
        ("progress", "Umsetzungsstand"),
        ("amendments", "Änderungen"),
    ]


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        (
            AGREEMENTS,
            [
                "year",
                "ags",
                "budget_eur",
                "signed_ministry",
                "signed_district",
                "source",
                "signed_ministry_place",
                "signed_district_place",
            ],
        ),
        (
            PROJECTS,
            [
                "year",
                "ags",
                "measure_type",
                "project",
                "provider",
                "target_group",
                "planned_eur",
                "planned_places",
                "source",
            ],
        ),
        (
            PROGRESS,
            [
                "year",
                "ags",
                "project",
                "as_of",
                "spent_eur",
                "entries",
                "exits",
                "to_training",
                "to_employment",
                "to_other",
                "dropouts",
                "source",
                "received",
            ],
        ),
        (AMENDMENTS, ["year", "ags", "valid_from", "budget_eur", "reason", "source"]),
    ],
)
def test_canonical_columns_follow_the_data_model(table, columns):
    assert table.column_names == columns


@pytest.mark.parametrize(
    ("table", "headings"),
    [
        (
            AGREEMENTS,
            [
                "Jahr",
                "AGS",
                "Gebietskörperschaft",
                "Haushaltsmittel (EUR)",
                "Unterzeichnung HMSI",
                "Unterzeichnung Kreis/Stadt",
                "Quelle",
                "Ort Unterzeichnung HMSI",
                "Ort Unterzeichnung Kreis/Stadt",
            ],
        ),
        (
            PROJECTS,
            [
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
            ],
        ),
        (
            PROGRESS,
            [
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
            ],
        ),
        (
            AMENDMENTS,
            ["Jahr", "AGS", "Gebietskörperschaft", "Gültig ab", "Haushaltsmittel neu (EUR)", "Grund", "Quelle"],
        ),
    ],
)
def test_german_headings_follow_the_data_model(table, headings):
    assert [c.heading for c in table.columns] == headings


@pytest.mark.parametrize(
    ("table", "key"),
    [
        (AGREEMENTS, ("year", "ags")),
        (PROJECTS, ("year", "ags", "project")),
        (PROGRESS, ("year", "ags", "project", "as_of")),
        (AMENDMENTS, ("year", "ags", "valid_from")),
    ],
)
def test_table_keys(table, key):
    assert table.key == key
    assert all(table.column(name).required or name == "ags" for name in key)


def test_money_columns_are_the_euro_amounts():
    money = {(t.name, c.name) for t in TABLES for c in t.columns if c.kind is Kind.MONEY}
    assert money == {
        ("agreements", "budget_eur"),
        ("projects", "planned_eur"),
        ("progress", "spent_eur"),
        ("amendments", "budget_eur"),
    }


def test_a_progress_frame_without_the_day_received_gets_it_empty_and_required_columns_stay_required():
    frame = pd.DataFrame({"year": [2025], "ags": ["06635"], "project": ["AVIA"], "as_of": ["2025-06-30"]})
    conformed = PROGRESS.conform(frame)
    assert conformed.columns.tolist() == PROGRESS.column_names
    assert conformed["received"].isna().tolist() == [True]
    assert str(conformed["received"].dtype) == "datetime64[us]"
    assert not PROGRESS.column("received").required
    assert [c.name for c in AMENDMENTS.columns if c.required] == ["year", "valid_from", "budget_eur"]
    assert AMENDMENTS.replaces == ("ags", "year", "valid_from")  # a new file replaces the same day's amendment


def test_every_alias_is_a_whole_heading():
    for table in TABLES:
        for column in table.columns:
            assert isinstance(column.aliases, tuple), (table.name, column.name)
            assert all(len(alias) > 1 for alias in column.aliases), (table.name, column.name)
