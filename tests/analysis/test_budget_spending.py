"""Spending against the § 4 budget beside spending against plan: tiny hand-built tables, cent-exact figures,
and the same figures on the Zielerreichung page, in its files and in the meeting pack."""

import io
import math
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from aqb_data.analysis.achievement import BEHIND, NO_DATA, ON_TRACK, achievement, budget_mismatch_text, budget_note
from aqb_data.analysis.indicators import Selection
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_eur, format_eur_cents, format_percent, safe_file_stem
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS
from aqb_data.export.meeting_pack import district_pack, land_pack, pack_pptx
from aqb_data.read.files import bundled_data
from tests.screen import Downloads

ROOT = Path(__file__).resolve().parents[2]

# Regierungsbezirk Kassel: Waldeck-Frankenberg, Kassel (Stadt), Fulda; Darmstadt: Darmstadt (Stadt), Bergstraße.
WALDECK, KASSEL_CITY, FULDA, DARMSTADT, BERGSTRASSE = "06635", "06611", "06631", "06411", "06431"
JUNE, SEPTEMBER = date(2025, 6, 30), date(2025, 9, 30)  # 181 and 273 of 365 days elapsed


def _frame(rows: list[dict], table) -> pd.DataFrame:
    return table.conform(pd.DataFrame(rows, columns=table.column_names))


def _agreement(ags: str, budget: float) -> dict:
    return {"year": 2025, "ags": ags, "budget_eur": budget, "source": "t"}


def _project(ags: str, code: int, name: str, planned: float | None) -> dict:
    return {"year": 2025, "ags": ags, "measure_type": code, "project": name, "planned_eur": planned, "source": "t"}


def _report(ags: str, name: str, as_of: date, spent: float) -> dict:
    return {"year": 2025, "ags": ags, "project": name, "as_of": as_of, "spent_eur": spent, "source": "t"}


@pytest.fixture
def data() -> AqbData:
    agreements = _frame(
        [
            _agreement(WALDECK, 730_000.00),  # planned half of it
            _agreement(KASSEL_CITY, 1_000_000.00),
            _agreement(FULDA, 500_000.00),  # no report yet
            _agreement(DARMSTADT, 100_000.10),
            # Bergstraße reports without an agreement
        ],
        AGREEMENTS,
    )
    projects = _frame(
        [
            _project(WALDECK, 1, "A", 365_000.00),
            _project(KASSEL_CITY, 3, "C", 800_000.00),
            _project(KASSEL_CITY, 4, "D", None),  # no amount yet: its spending still counts against § 4
            _project(FULDA, 1, "F", 400_000.00),
            _project(DARMSTADT, 2, "G", 100_000.10),
            _project(BERGSTRASSE, 2, "H", 50_000.00),
        ],
        PROJECTS,
    )
    progress = _frame(
        [
            # all of its plan spent on time: 365.000 € × 181/365 at 30.06.
            _report(WALDECK, "A", JUNE, 181_000.00),
            _report(KASSEL_CITY, "C", SEPTEMBER, 600_000.00),
            _report(KASSEL_CITY, "D", SEPTEMBER, 100_000.55),
            _report(DARMSTADT, "G", SEPTEMBER, 80_000.00),
            _report(BERGSTRASSE, "H", SEPTEMBER, 40_000.00),
        ],
        PROGRESS,
    )
    return AqbData(agreements, projects, progress)


def _row(data: AqbData, level: str, unit: str, selection: Selection | None = None) -> pd.Series:
    return achievement(data, selection or Selection(2025), level).set_index("unit").loc[unit]


def test_a_district_that_planned_half_its_budget_is_on_track_against_plan_and_behind_against_its_budget(
    data: AqbData,
) -> None:
    waldeck = _row(data, "district", WALDECK)
    assert waldeck["spending_rate"] == pytest.approx(181 / 365)
    assert waldeck["deviation"] == pytest.approx(0.0, abs=1e-12)
    assert waldeck["status"] == ON_TRACK
    assert waldeck["budget_eur"] == 730_000.00
    assert waldeck["budget_spent_share"] == pytest.approx(181_000 / 730_000)  # 24,8 %
    assert waldeck["budget_expected_share"] == pytest.approx(181 / 365)  # 49,6 %
    assert waldeck["budget_gap_eur"] == 181_000.00  # 730.000 € × 181/365 = 362.000 € on the path, 181.000 € spent
    assert waldeck["budget_status"] == BEHIND
    assert budget_note(waldeck) == (
        "gegenüber § 4: ■ im Verzug – 24,8 % der Haushaltsmittel verausgabt, erwartet 49,6 %; "
        "181.000,00 € hinter dem anteiligen Pfad"
    )


def test_spending_without_planned_amounts_still_counts_against_the_budget_to_the_cent(data: AqbData) -> None:
    kassel = _row(data, "district", KASSEL_CITY)
    assert kassel["spending_rate"] == 600_000 / 800_000  # project D has no amount: not in the rate against plan
    assert kassel["budget_spent_eur"] == 700_000.55
    # 1.000.000 € × 273/365 = 747.945,205… € → 747.945,21 € on the path
    assert kassel["budget_gap_eur"] == 47_944.66
    assert kassel["budget_spent_share"] == pytest.approx(0.70000055)


def test_districts_without_budget_or_without_report_are_not_available(data: AqbData) -> None:
    fulda = _row(data, "district", FULDA)
    assert math.isnan(fulda["budget_spent_share"]) and math.isnan(fulda["budget_gap_eur"])
    assert fulda["budget_status"] == NO_DATA
    assert budget_note(fulda) == "gegenüber § 4: – (kein Bericht mit verausgabten Mitteln bis zum Stichtag)"
    bergstrasse = _row(data, "district", BERGSTRASSE)
    assert math.isnan(bergstrasse["budget_eur"]) and math.isnan(bergstrasse["budget_spent_share"])
    assert budget_note(bergstrasse) == "gegenüber § 4: – (keine Zielvereinbarung)"


def test_the_land_counts_only_districts_with_budget_and_report_and_names_how_many_are_left_out(
    data: AqbData,
) -> None:
    land = _row(data, "land", "Hessen")
    assert land["budget_eur"] == 2_330_000.10  # every agreement: the same § 4 total as everywhere
    assert land["budget_counted_eur"] == 1_830_000.10  # Waldeck-Frankenberg, Kassel (Stadt), Darmstadt
    assert land["budget_spent_eur"] == 961_000.55  # Bergstraße's 40.000 € have no budget to count against
    assert land["budget_spent_share"] == 961_000.55 / 1_830_000.10  # sums divided, never averaged shares
    # Darmstadt: 100.000,10 € × 273/365 = 74.794,595… € → 74.794,60 € on the path, 80.000 € spent
    assert land["budget_gap_eur"] == round(181_000.00 + 47_944.66 - 5_205.40, 2)
    assert (land["n_budget_districts"], land["n_budget_left_out"]) == (3, 23)
    assert budget_note(land).endswith("(ohne 23 Gebietskörperschaften ohne Zielvereinbarung oder ohne Bericht)")


def test_districts_add_up_to_regierungsbezirke_and_the_land_to_the_cent(data: AqbData) -> None:
    districts = achievement(data, Selection(2025), "district")
    regions = achievement(data, Selection(2025), "regierungsbezirk").set_index("unit")
    land = _row(data, "land", "Hessen")
    for column in ("budget_eur", "budget_counted_eur", "budget_spent_eur", "budget_gap_eur"):
        assert round(districts[column].sum(), 2) == round(regions[column].sum(), 2) == land[column]
    assert regions.loc["Kassel", "budget_gap_eur"] == 228_944.66
    assert regions.loc["Kassel", "n_budget_left_out"] == 5  # Fulda and four districts without an agreement
    assert _row(data, "land", "Hessen", Selection(2025, regierungsbezirk="Kassel"))["budget_gap_eur"] == 228_944.66


def test_with_measure_types_filtered_out_the_budget_figure_is_not_available(data: AqbData) -> None:
    selection = Selection(2025, measure_types=(1, 2))
    waldeck = _row(data, "district", WALDECK, selection)
    assert waldeck["budget_eur"] == 730_000.00
    assert math.isnan(waldeck["budget_spent_share"]) and math.isnan(waldeck["budget_gap_eur"])
    assert budget_note(waldeck, all_measure_types=False).startswith("gegenüber § 4: – (nur mit allen Maßnahmenarten")


def test_a_later_stichtag_moves_the_path_only_with_a_later_report(data: AqbData) -> None:
    """The path runs to each district's latest report up to the Stichtag: an earlier Stichtag leaves out
    later reports, so Kassel (Stadt), reporting in September, has no figure at the end of June."""
    june = achievement(data, Selection(2025), "district", as_of=JUNE).set_index("unit")
    assert june.loc[WALDECK, "budget_gap_eur"] == 181_000.00
    assert math.isnan(june.loc[KASSEL_CITY, "budget_gap_eur"])


def test_units_that_look_better_against_plan_than_against_the_budget_are_named(data: AqbData) -> None:
    districts = achievement(data, Selection(2025), "district")
    text = budget_mismatch_text(districts)
    assert text.startswith("Gegenüber der Planung besser als gegenüber § 4")
    assert "Waldeck-Frankenberg (● im Plan, § 4: ■ im Verzug)" in text
    assert "Kassel (Stadt)" not in text  # within the thresholds on both paths


# --- the bundled data on the page, in its files and in the meeting pack -------------------------------------


def _open_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/zielerreichung.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_page_shows_spending_against_the_budget_in_cards_table_and_files(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = _open_page()
    data = bundled_data()
    land = achievement(data, Selection(2025), "land").iloc[0]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Abfluss ggü. § 4"] == format_percent(land["budget_spent_share"])
    assert shown["anteiliger § 4-Pfad"] == format_percent(land["budget_expected_share"])
    assert shown["Rückstand zum § 4-Pfad"] == format_eur_cents(land["budget_gap_eur"])
    captions = [c.value for c in at.caption]
    counted = format_eur(land["budget_counted_eur"])
    assert (
        f"Haushaltsmittel (§ 4): 28.300.000 € (alle Zielvereinbarungen), davon mit Bericht bis zum Stichtag {counted}"
        in " ".join(captions)
    )  # every agreement, as on Übersicht
    assert f"Hessen {budget_note(land)}." in captions
    assert "(ohne 1 Gebietskörperschaft ohne Zielvereinbarung oder ohne Bericht)" in budget_note(land)
    mismatch = budget_mismatch_text(achievement(data, Selection(2025), "district"))
    assert "Darmstadt (▲ beobachten, § 4: ■ im Verzug)" in mismatch
    assert any(c.startswith("Gegenüber der Planung besser als gegenüber § 4") for c in captions)

    engine = achievement(data, Selection(2025), "district").set_index("unit_label")
    table = at.dataframe[0].value.set_index("Gebietskörperschaft")
    darmstadt = table.loc["Darmstadt"]
    assert darmstadt["Status"] == "beobachten" and darmstadt["Status ggü. § 4"] == "im Verzug"
    assert darmstadt["Rückstand zum § 4-Pfad"] == engine.loc["Darmstadt", "budget_gap_eur"] == 194_976.33
    assert darmstadt["Abfluss ggü. § 4"] == engine.loc["Darmstadt", "budget_spent_share"]
    assert pd.isna(table.loc["Waldeck-Frankenberg", "Abfluss ggü. § 4"])  # its agreement, no report yet

    title = "Zielerreichung der Gebietskörperschaften – Hessen 2025, Stichtag 30.09.2025"
    stem = safe_file_stem(f"AQB {title}")
    sheet = load_workbook(io.BytesIO(downloads.file(at, f"table_xlsx_{stem}"))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(row for row in rows if row and "Gebietskörperschaft" in row)
    by_name = {row[header.index("Gebietskörperschaft")]: row for row in rows[rows.index(header) + 1 :]}
    assert by_name["Darmstadt"][header.index("Rückstand zum § 4-Pfad")] == 194_976.33  # a number, with its cents
    assert by_name["Darmstadt"][header.index("Status ggü. § 4")] == "■ im Verzug"
    csv = downloads.file(at, f"table_csv_{stem}").decode("utf-8-sig")
    assert "Rückstand zum § 4-Pfad" in csv.splitlines()[0]
    assert "194976,33" in csv


def test_a_district_page_says_where_it_stands_against_its_budget() -> None:
    at = _open_page(kreis="Darmstadt")
    row = achievement(bundled_data(), Selection(2025, ags=DARMSTADT), "land").iloc[0]
    assert row["budget_gap_eur"] == 194_976.33
    assert f"Darmstadt {budget_note(row)}." in [c.value for c in at.caption]
    assert {m.label: m.value for m in at.metric}["Rückstand zum § 4-Pfad"] == "194.976,33 €"


def test_the_meeting_pack_shows_spending_against_the_budget() -> None:
    data = bundled_data()
    pack = land_pack(data, 2025, created=date(2025, 10, 15))
    slides = list(Presentation(io.BytesIO(pack_pptx(pack))).slides)

    def texts(slide: object) -> list[str]:
        found = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                found.append(shape.text_frame.text)
            if getattr(shape, "has_table", False) and shape.has_table:
                found += [cell.text for row in shape.table.rows for cell in row.cells]
        return found

    budget = [
        texts(s) for s in slides if any(t.startswith("Mittelabfluss gegenüber § 4 zum Stichtag") for t in texts(s))
    ]
    assert len(budget) == 2  # 26 districts
    land = achievement(data, Selection(2025), "land").iloc[0]
    assert f"Hessen {budget_note(land)}." in "\n".join(budget[0])
    cells = budget[0]
    first = cells.index("Darmstadt")  # better against plan than against § 4: first, largest gap first
    assert cells[first : first + 8] == [
        "Darmstadt",
        "▲ beobachten",
        "■ im Verzug",
        "60,4 %",
        "53,5 %",
        "74,8 %",
        "194.976,33 €",
        "913.830 €",
    ]
    status = [texts(s) for s in slides if any(re.match(r"Zielerreichung zum Stichtag [\d.]+ \(", t) for t in texts(s))]
    assert "ggü. § 4" in status[0]
    assert "■ 53,5 %" in {cell for part in status for cell in part}  # Darmstadt's light and share against § 4


def test_a_district_pack_says_where_the_district_stands_against_its_budget() -> None:
    data = bundled_data()
    pack = district_pack(data, 2025, DARMSTADT, created=date(2025, 10, 15))
    slides = list(Presentation(io.BytesIO(pack_pptx(pack))).slides)
    text = "\n".join(shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame)
    row = achievement(data, Selection(2025, ags=DARMSTADT), "district").iloc[0]
    assert f"Darmstadt {budget_note(row)}" in text
    assert "194.976,33 € hinter dem anteiligen Pfad" in text
