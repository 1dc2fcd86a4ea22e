"""Plausibility warnings: located at the cell, never blocking, also against the stored data."""

from datetime import date

from aqb_data.domain.problems import Severity
from aqb_data.paths import DEMO_WORKBOOK
from aqb_data.read.files import bundled_data
from aqb_data.read.plausibility import plausibility_problems
from aqb_data.read.workbook import read_workbook
from tests.workbooks import make_workbook

WALDECK = "06635"
PROJECT_HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"]
PROGRESS_HEADINGS = [
    "Jahr",
    "AGS",
    "Projekt",
    "Stichtag",
    "Verausgabte Mittel (EUR)",
    "Eintritte",
    "Austritte",
    "Übergänge Ausbildung",
    "Abbrüche",
]


def warnings(sheets: dict, context=None, today: date | None = None) -> list[str]:
    result = read_workbook(make_workbook(sheets), "bericht.xlsx")
    assert result.errors == []
    problems = plausibility_problems(result, context, today)
    assert all(p.severity is Severity.WARNING and p.kind == "Plausibilität" for p in problems)
    return [p.text() for p in problems]


def test_planned_above_budget_is_flagged_at_the_first_project_row() -> None:
    texts = warnings(
        {
            "Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, WALDECK, 100_000]],
            "Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "AVIA", 80_000], [2025, WALDECK, 3, "Restart", 30_000]],
        }
    )
    assert texts == [
        "Warnung: bericht.xlsx, Blatt „Projekte“, Zeile 2, Spalte „Geplante Mittel (EUR)“ (Zelle E2): "
        "Wert „110.000,00 €“ – Die geplanten Mittel von Waldeck-Frankenberg 2025 (110.000,00 €) übersteigen die "
        "Haushaltsmittel der Zielvereinbarung (100.000,00 €)"
    ]


def test_planned_above_a_stored_budget_is_flagged_too() -> None:
    # The stored Waldeck-Frankenberg 2025 budget is 773.920 €; the report brings only projects.
    texts = warnings({"Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "AVIA", 800_000]]}, bundled_data())
    assert len(texts) == 1 and "(773.920,00 €)" in texts[0]


def test_progress_rows_are_checked_each_at_its_cell() -> None:
    texts = warnings(
        {
            "Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "AVIA", 80_000]],
            "Umsetzungsstand": [
                PROGRESS_HEADINGS,
                [2025, WALDECK, "AVIA", "30.06.2025", 90_000, 10, 12, 5, 8],
                [2025, WALDECK, "Unbekannt", "31.12.2024", 1, 1, 1, 0, 0],
            ],
        }
    )
    assert any("(Zelle E2): Wert „90.000,00 €“ – Verausgabt ist mehr als geplant (80.000,00 €)" in t for t in texts)
    assert any("(Zelle G2): Wert „12“ – Mehr Austritte als Eintritte (10)" in t for t in texts)
    assert any(
        "(Zelle H2)" in t and "Übergänge und Abbrüche zusammen (13) sind mehr als die Austritte" in t for t in texts
    )
    assert any("(Zelle D3): Wert „31.12.2024“ – Der Stichtag liegt nicht im Jahr 2025" in t for t in texts)
    assert any(
        "(Zelle C3): Wert „Unbekannt“ – Kein Projekt „Unbekannt“ für Waldeck-Frankenberg 2025" in t for t in texts
    )
    assert len(texts) == 5


def test_a_plausible_report_has_no_warnings() -> None:
    texts = warnings(
        {
            "Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "AVIA", 80_000]],
            "Umsetzungsstand": [PROGRESS_HEADINGS, [2025, WALDECK, "AVIA", "30.06.2025", 40_000, 10, 4, 2, 1]],
        }
    )
    assert texts == []


def test_the_demo_data_warns_only_about_its_deliberate_over_commitments_and_overspending() -> None:
    result = read_workbook(DEMO_WORKBOOK)
    problems = plausibility_problems(result)
    over_planned = [p for p in problems if "übersteigen die Haushaltsmittel" in p.expected]
    # A few demo projects overspend their plan slightly at year end (money that lapsed has its counterpart).
    overspent = [p for p in problems if p.expected.startswith("Verausgabt ist mehr als geplant")]
    assert over_planned and overspent and len(over_planned) + len(overspent) == len(problems)


def test_a_lower_budget_alone_is_checked_against_the_stored_plans() -> None:
    # Stored demo plans of Kassel (Stadt) 2025 exceed a budget of 1.000 €.
    texts = warnings(
        {"Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, "06611", 1_000]]}, bundled_data()
    )
    assert len(texts) == 1
    assert "(Zelle C2): Wert „1.000,00 €“ – Die gespeicherten geplanten Mittel von Kassel (Stadt) 2025" in texts[0]


def test_a_day_received_after_the_check_day_or_before_the_stichtag_is_flagged_at_its_cell() -> None:
    texts = warnings(
        {
            "Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "AVIA", 80_000]],
            "Umsetzungsstand": [
                [*PROGRESS_HEADINGS, "Eingegangen am"],
                [2025, WALDECK, "AVIA", "31.03.2025", 10_000, 10, 4, 2, 1, "15.10.2025"],  # after the check day
                [2025, WALDECK, "AVIA", "30.06.2025", 20_000, 10, 4, 2, 1, "02.01.2025"],  # before its Stichtag
                [2025, WALDECK, "AVIA", "30.09.2025", 30_000, 10, 4, 2, 1, "30.09.2025"],  # on its Stichtag: fine
                [2025, WALDECK, "AVIA", "31.12.2024", 5_000, 10, 4, 2, 1, None],  # empty: the day of the import
            ],
        },
        today=date(2025, 10, 14),
    )
    received = [t for t in texts if "Eingegangen am" in t]
    assert received == [
        "Warnung: bericht.xlsx, Blatt „Umsetzungsstand“, Zeile 2, Spalte „Eingegangen am“ (Zelle J2): Wert "
        "„15.10.2025“ – Der Eingangstag liegt nach dem heutigen Tag (14.10.2025); bis dahin zählt der Bericht im "
        "Berichtseingang als fehlend, obwohl seine Zahlen schon verwendet werden",
        "Warnung: bericht.xlsx, Blatt „Umsetzungsstand“, Zeile 3, Spalte „Eingegangen am“ (Zelle J3): Wert "
        "„02.01.2025“ – Der Eingangstag liegt vor dem Stichtag des Berichts (30.06.2025); ein Bericht kann "
        "frühestens an seinem Stichtag eingehen",
    ]
    assert len(texts) == 3  # and the Stichtag 31.12.2024 outside the year 2025


def test_the_demo_reports_were_all_received_after_their_stichtag_and_by_the_day_of_its_screenshots() -> None:
    problems = plausibility_problems(read_workbook(DEMO_WORKBOOK), today=date(2025, 11, 15))
    assert not [p for p in problems if p.column == "Eingegangen am"]
