"""One specification per shown table and sentence: headings, units and cent-exact values on tiny hand-built data,
and the same headings on the page, in its xlsx and its CSV."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from aqb_data.analysis.achievement import BEHIND, NO_DATA, ON_TRACK, WATCH, achievement
from aqb_data.analysis.indicators import Selection, district_budgets, land_totals, scope_decomposition
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_eur, format_percent
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS
from aqb_data.export.tables import table_csv, table_xlsx
from aqb_data.present.views import (
    DISTRICT_BUDGET_COLUMNS,
    DISTRICT_BUDGET_SLIDE_KEYS,
    LIKE_FOR_LIKE_SENTENCE,
    FormatByRow,
    achievement_cells,
    achievement_view,
    budget_part_rows,
    budget_spending_view,
    budget_trend_view,
    data_date_text,
    deviation_cells,
    district_budget_view,
    no_agreement_sentence,
    planned_sentence,
    status_line,
    sum_sentence,
    text_cells,
)
from tests.ui.test_pages import open_app

WALDECK, KASSEL_CITY, DARMSTADT, GIESSEN = "06635", "06611", "06411", "06531"
YEAR = 2025


def _data() -> AqbData:
    """Waldeck-Frankenberg: projects without amounts; Kassel: free money with cents; Darmstadt: over-planned;
    Gießen: projects but no agreement. Kassel has reported on one project."""
    agreements = pd.DataFrame(
        [
            {"year": YEAR, "ags": a, "budget_eur": b, "signed_ministry": None, "signed_district": None, "source": "Z"}
            for a, b in ((WALDECK, 773_920.0), (KASSEL_CITY, 100_000.50), (DARMSTADT, 50_000.0))
        ]
    )
    projects = pd.DataFrame(
        [
            {"year": YEAR, "ags": a, "measure_type": m, "project": p, "provider": "T", "target_group": None}
            | {"planned_eur": e, "planned_places": 10, "source": "P"}
            for a, m, p, e in (
                (WALDECK, 1, "Werkstatt", None),
                (KASSEL_CITY, 2, "Coaching", 60_000.25),
                (DARMSTADT, 3, "Brücke", 70_000.0),
                (GIESSEN, 1, "Lernort", 5_000.0),
            )
        ]
    )
    progress = pd.DataFrame(
        [
            {"year": YEAR, "ags": KASSEL_CITY, "project": "Coaching", "as_of": date(2025, 6, 30)}
            | {"spent_eur": 30_000.0, "entries": 8, "exits": 2, "to_training": 1, "to_employment": 0}
            | {"to_other": 0, "dropouts": 1, "source": "B"}
        ]
    )
    return AqbData(AGREEMENTS.conform(agreements), PROJECTS.conform(projects), PROGRESS.conform(progress))


def _row(frame: pd.DataFrame, column: str, value: object) -> pd.Series:
    return frame[frame[column] == value].iloc[0]


def test_the_district_budget_view_names_its_headings_in_order() -> None:
    view = district_budget_view(_data(), Selection(YEAR))
    assert view.headings == [
        "Gebietskörperschaft",
        "Regierungsbezirk",
        "Haushaltsmittel",
        "Geplante Mittel",
        "Überplant",
        "Nicht verplant",
        "Ohne Projektbeträge",
        "Hinweis",
        "Projekte",
        "€ je Einwohner/in",
        "Veränderung ggü. Vorjahr",
        "Veränderung (%)",
        "Quelle",
    ]
    assert view.title == f"Haushaltsmittel je Gebietskörperschaft – Hessen {YEAR}"


def test_the_district_budget_view_keeps_the_cents_and_names_each_part() -> None:
    view = district_budget_view(_data(), Selection(YEAR))
    frame = view.frame
    assert list(frame["ags"][:3]) == [WALDECK, KASSEL_CITY, DARMSTADT]  # largest budget first
    kassel = _row(frame, "ags", KASSEL_CITY)
    assert (kassel["budget_eur"], kassel["planned_total_eur"], kassel["unplanned_eur"]) == (
        100_000.50,
        60_000.25,
        40_000.25,
    )
    assert _row(frame, "ags", DARMSTADT)["over_planned_eur"] == 20_000.0
    assert _row(frame, "ags", WALDECK)["unknown_eur"] == 773_920.0
    hints = dict(zip(frame["ags"], frame["status"], strict=True))
    assert hints[DARMSTADT] == "überplant"
    assert hints[WALDECK] == "Projekte ohne Beträge"
    assert hints[KASSEL_CITY] == ""
    assert hints[GIESSEN] == "keine Zielvereinbarung"
    cells = view.cells().set_index("Gebietskörperschaft")
    kassel_label = kassel["label"]
    assert cells.loc[kassel_label, "Nicht verplant"] == "40.000,25 €"
    assert cells.loc[kassel_label, "Haushaltsmittel"] == "100.000,50 €"
    assert cells.loc[_row(frame, "ags", GIESSEN)["label"], "Haushaltsmittel"] == "–"


def test_the_sum_sentence_reconciles_to_the_cent() -> None:
    (sentence,) = district_budget_view(_data(), Selection(YEAR)).lines
    assert sentence == (
        "Summe: 923.920,50 € Haushaltsmittel = 130.000,25 € geplant − 20.000 € überplant + 40.000,25 € nicht "
        "verplant + 773.920 € ohne Projektbeträge. Geplante Mittel und die Teile zählen alle vier Maßnahmenarten "
        f"({format_percent(130_000.25 / 923_920.50)} der Haushaltsmittel)."
    )


def test_the_sum_sentence_under_a_measure_type_filter_names_the_chosen_part() -> None:
    totals = land_totals(_data(), Selection(YEAR, measure_types=(2,)))
    sentence = sum_sentence(totals, all_measure_types=False)
    assert sentence.startswith("Summe: 923.920,50 € Haushaltsmittel = 130.000,25 € geplant")
    assert sentence.endswith(
        f"davon in den gewählten Maßnahmenarten 60.000,25 € ({format_percent(60_000.25 / 923_920.50)})."
    )


def test_the_budget_parts_add_up_to_the_budget_and_leave_out_what_is_zero() -> None:
    totals = land_totals(_data(), Selection(YEAR))
    rows = budget_part_rows(totals)
    assert [label for label, _, _ in rows] == ["Geplante Mittel", "Überplant", "Nicht verplant", "Ohne Projektbeträge"]
    assert round(sum(amount for _, amount, _ in rows), 2) == 923_920.50
    assert rows[1] == ("Überplant", -20_000.0, "1 Gebietskörperschaft(en) über dem Budget")
    only_kassel = budget_part_rows(land_totals(_data(), Selection(YEAR, ags=KASSEL_CITY)))
    assert [label for label, _, _ in only_kassel] == ["Geplante Mittel", "Nicht verplant"]


@pytest.mark.parametrize(
    ("ags", "markdown", "expected"),
    [
        (
            DARMSTADT,
            False,
            "Haushaltsmittel 50.000 € = 70.000 € geplant − 20.000 € überplant. Die Planung übersteigt das Budget.",
        ),
        (
            DARMSTADT,
            True,
            "Haushaltsmittel 50.000 € = 70.000 € geplant − 20.000 € überplant. **Die Planung übersteigt das Budget.**",
        ),
        (
            WALDECK,
            False,
            "Haushaltsmittel 773.920 € = 0 € geplant + 773.920 € ohne Projektbeträge. Die Projekte nennen keine "
            "Beträge: Das Budget zählt als „ohne Projektbeträge“, nicht als frei.",
        ),
        (KASSEL_CITY, False, "Haushaltsmittel 100.000,50 € = 60.000,25 € geplant + 40.000,25 € nicht verplant."),
    ],
)
def test_the_planned_sentence_names_the_parts_an_over_budget_and_how_to_read_missing_amounts(
    ags: str, markdown: bool, expected: str
) -> None:
    selection = Selection(YEAR, ags=ags)
    budgets = district_budgets(_data(), selection).iloc[0]
    assert planned_sentence(budgets, scope_decomposition(_data(), selection), markdown) == expected


def test_the_no_agreement_sentence() -> None:
    assert (
        no_agreement_sentence("Landkreis Gießen", 2025)
        == "Für Landkreis Gießen liegt für 2025 keine Zielvereinbarung vor."
    )


def test_the_status_line_counts_every_status_worst_first() -> None:
    frame = pd.DataFrame({"status": [ON_TRACK, BEHIND, ON_TRACK, NO_DATA]})
    assert status_line(frame, "Projekte") == "■ 1 im Verzug · ▲ 0 beobachten · ● 2 im Plan · ○ 1 keine Daten (Projekte)"
    assert status_line(frame, "Projekte", markdown=True).startswith("■ **1** im Verzug · ▲ **0** beobachten")
    assert WATCH == "beobachten"


def test_the_data_date_names_one_day_a_span_or_no_report() -> None:
    assert data_date_text(date(2025, 6, 30), date(2025, 6, 30)) == "30.06.2025"
    assert data_date_text(date(2025, 3, 31), date(2025, 6, 30)) == "31.03.2025–30.06.2025"
    assert data_date_text(pd.NaT, pd.NaT) == "kein Bericht"


def test_the_achievement_view_of_districts_shows_the_budget_beside_the_plan() -> None:
    view = achievement_view(_data(), Selection(YEAR), "district", date(2025, 6, 30))
    assert view.headings[:9] == [
        "Gebietskörperschaft",
        "Status",
        "Bericht",  # "⚠ Bericht vom …" beside the status it qualifies
        "Status ggü. § 4",
        "Mittelabfluss",
        "erwartet",
        "Abweichung",
        "Abfluss ggü. § 4",
        "Rückstand zum § 4-Pfad",
    ]
    assert view.headings[-4:] == ["Haushaltsmittel", "Fassung § 4", "Erster Stichtag", "Letzter Stichtag"]
    assert view.title == "Zielerreichung der Gebietskörperschaften – Hessen 2025, Stichtag 30.06.2025"
    assert view.shown is not None and view.shown.as_of == date(2025, 6, 30)
    kassel = view.cells().set_index("Gebietskörperschaft").loc[_row(view.frame, "unit", KASSEL_CITY)["unit_label"]]
    assert kassel["Mittelabfluss"] == format_percent(30_000.0 / 60_000.25)
    assert kassel["Abfluss ggü. § 4"] == format_percent(30_000.0 / 100_000.50)
    projects = achievement_view(_data(), Selection(YEAR, ags=KASSEL_CITY), "project", date(2025, 6, 30))
    assert projects.headings[:2] == ["Projekt", "Status"] and "Status ggü. § 4" not in projects.headings


def test_the_slide_tables_take_the_headings_and_formats_of_the_page() -> None:
    data, as_of = _data(), date(2025, 6, 30)
    districts = achievement(data, Selection(YEAR), "district", as_of)
    cells = achievement_cells(districts, "Gebietskörperschaft", budget=True)
    assert list(cells.columns) == [
        "Status",
        "Gebietskörperschaft",
        "Begründung",
        "Mittelabfluss",
        "erwartet",
        "ggü. § 4",
        "Auslastung",
        "Übergangsquote",
        "Aussagekraft",  # the test districts' rates rest on a handful of cases: said on the slide too
        "Berichte",
    ]
    kassel = cells[cells["Berichte"] == "1 von 1"].iloc[0]
    assert kassel["Mittelabfluss"] == format_percent(30_000.0 / 60_000.25)
    assert kassel["Aussagekraft"] == (
        "◊ eingeschränkt aussagekräftig: Übergangsquote, Abbruchquote (2 Austritte), "
        "Kosten je Teilnehmer/in (8 Eintritte)"
    )
    land = achievement(data, Selection(YEAR), "land", as_of).iloc[0]
    spending = budget_spending_view(districts, land)
    assert spending.headings[:3] == ["Gebietskörperschaft", "Status", "Status ggü. § 4"]
    assert spending.lines[0].startswith("Hessen gegenüber § 4:")
    assert spending.frame.iloc[0]["unit"] == KASSEL_CITY  # the only district with a gap to its § 4 path
    assert spending.cells().iloc[0]["Haushaltsmittel"] == "100.000,50 €"
    deviation = deviation_cells(districts, "Gebietskörperschaft")
    assert list(deviation.columns) == ["Gebietskörperschaft", "Status", "Mittelabfluss", "Abweichung"]
    assert len(deviation) == int(districts["deviation"].notna().sum())
    slide = district_budget_view(data, Selection(YEAR)).cells(DISTRICT_BUDGET_SLIDE_KEYS)
    assert list(slide.columns) == [
        DISTRICT_BUDGET_COLUMNS[k][0] for k in DISTRICT_BUDGET_COLUMNS if k in DISTRICT_BUDGET_SLIDE_KEYS
    ]


def test_text_cells_format_each_row_by_its_kind_and_show_missing_values_as_a_dash() -> None:
    frame = pd.DataFrame({"value": [1234.5, 0.25, None], "kind": ["eur", "percent", "eur"]})
    by_row = FormatByRow("kind", {"eur": format_eur, "percent": format_percent})
    assert text_cells(frame, {"value": ("Wert", by_row)})["Wert"].tolist() == ["1.234,50 €", "25,0 %", "–"]


def test_the_files_of_the_district_budget_view_carry_its_headings_and_its_cents() -> None:
    view = district_budget_view(_data(), Selection(YEAR))
    sheet = load_workbook(io.BytesIO(table_xlsx(view.frame, view.columns, [])))["Daten"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == view.headings
    kassel = next(row for row in rows if row[0] == _row(view.frame, "ags", KASSEL_CITY)["label"])
    assert kassel[view.headings.index("Nicht verplant")] == 40_000.25
    assert kassel[view.headings.index("Haushaltsmittel")] == 100_000.5
    heading = table_csv(view.frame, view.columns).decode("utf-8-sig").splitlines()[0].split(";")
    assert heading[:4] == ["Gebietskörperschaft", "Regierungsbezirk", "Haushaltsmittel (€)", "Geplante Mittel (€)"]
    assert "Veränderung (%)" in heading and "Veränderung (%) (%)" not in heading


def test_the_overview_page_draws_the_district_budget_table_under_the_view_s_headings() -> None:
    at = open_app()
    view_headings = list(dict.fromkeys(heading for heading, _ in DISTRICT_BUDGET_COLUMNS.values()))
    drawn = [list(frame.value.columns) for frame in at.dataframe]
    assert view_headings in drawn
    caption = "\n".join(str(c.value) for c in at.caption)
    assert "Summe: 28.300.000 € Haushaltsmittel = 25.792.000 € geplant" in caption


def test_the_budget_trend_view_names_every_year_and_the_like_for_like_change() -> None:
    view = budget_trend_view(_data(), Selection(YEAR, ags=KASSEL_CITY))
    assert view.headings == ["Jahr", "Haushaltsmittel", "Veränderung", "€ je Einwohner/in", "Gebietskörperschaften"]
    assert view.cells()[["Jahr", "Haushaltsmittel", "Veränderung"]].values.tolist() == [["2025", "100.000,50 €", "–"]]
    assert view.lines == (LIKE_FOR_LIKE_SENTENCE,)
    assert view.shown is not None and view.shown.selection.year is None
