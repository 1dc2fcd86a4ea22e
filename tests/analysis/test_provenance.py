"""Provenance follows the rows a view shows: demo label, Datenstand and source line; one like-for-like change
everywhere; the upload preview counts spending as Zielerreichung does."""

import io
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.provenance import (
    DEMO_LABEL,
    Rows,
    Shown,
    demo_rows,
    demo_share,
    source_line,
    view_data_status,
)
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_change
from aqb_data.domain.model import demo_mask
from aqb_data.export.meeting_pack import _trend_slide
from aqb_data.export.tables import table_xlsx, view_metadata
from aqb_data.read.files import bundled_data
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import Store
from tests.screen import Downloads
from tests.workbooks import make_workbook
from ui.widgets import TREND_COLUMNS, demo_share_text

ROOT = Path(__file__).resolve().parents[2]
WALDECK, WETTERAU, GIESSEN = "06635", "06440", "06531"


def open_page(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def notes(at: AppTest) -> dict[str, str]:
    """Each chart's title and its source line (the image carries the same figure)."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return {
        spec["layout"]["title"]["text"]: next(
            a["text"] for a in spec["layout"]["annotations"] if "Quelle:" in a["text"]
        )
        for spec in specs
    }


# --- Datenstand: the chosen Stichtag --------------------------------------------------------------------


def test_the_source_line_names_the_chosen_stichtag_not_the_latest_of_the_year() -> None:
    data = bundled_data()
    view = Shown.of(ind.Selection(2025), ("projects", "progress"), as_of=date(2025, 6, 30))
    assert "Datenstand: Stichtag 30.06.2025" in source_line(data, view)
    assert "Datenstand: Stichtag 30.09.2025" in source_line(data, ind.Selection(2025))


def test_an_xlsx_of_a_view_at_an_earlier_stichtag_names_it_in_its_metadata() -> None:
    data = bundled_data()
    view = Shown.of(ind.Selection(2025), ("projects", "progress"), as_of=date(2025, 6, 30))
    book = load_workbook(
        io.BytesIO(
            table_xlsx(
                pd.DataFrame({"x": [1]}),
                {"x": ("X", str)},
                view_metadata("Zielerreichung", data, ind.Selection(2025), shown=view),
            )
        )
    )
    meta = {row[0]: row[1] for row in book["Metadaten"].iter_rows(values_only=True)}
    assert meta["Datenstand"] == "Stichtag 30.06.2025"
    assert "Datenstand: Stichtag 30.06.2025" in meta["Quelle"]


def test_zielerreichung_at_30_june_names_30_june_under_its_chart() -> None:
    at = open_page("app_pages/zielerreichung.py", jahr="2025", stichtag="30.06.2025")
    lines = list(notes(at).values())
    assert lines and all("Stichtag 30.06.2025" in line and "30.09.2025" not in line for line in lines)


# --- the demo label counts the rows drawn ---------------------------------------------------------------


def test_a_partial_demo_share_never_reads_0_or_100_percent() -> None:
    assert demo_share_text(0.996) == "über 99 %"
    assert demo_share_text(0.004) == "unter 1 %"
    assert demo_share_text(0.5) == "50 %"


def test_zeitreihe_shows_the_exact_share_of_synthetic_rows_never_partly_100_percent() -> None:
    data = bundled_data()
    synthetic, total = demo_rows(data, Shown.of(ind.Selection(None)))
    # 128 + 541 + 2049 synthetic of 130 + 546 + 2049 rows: 2718 / 2725 = 99,7 %.
    assert (synthetic, total) == (2718, 2725)
    at = open_page("app_pages/zeitreihe.py")
    warning = at.warning[0].value
    assert warning.startswith("**Teilweise Demodaten:** über 99 %") and "100 %" not in warning


def test_a_district_on_zeitreihe_counts_hessen_drawn_beside_it() -> None:
    data = bundled_data()
    alone = Shown.of(ind.Selection(None, ags=WALDECK))
    with_hessen = Shown.of(ind.Selection(None, ags=WALDECK), also=(Rows(ind.Selection(None)),))
    assert demo_rows(data, with_hessen) == demo_rows(data, Shown.of(ind.Selection(None)))  # Hessen holds Waldeck
    assert demo_rows(data, alone)[1] < demo_rows(data, with_hessen)[1]


def test_vergleich_with_a_district_chosen_keeps_the_demo_label_on_map_and_small_multiples() -> None:
    # Waldeck-Frankenberg 2025 is real; 25 of the 26 districts drawn are synthetic.
    data = bundled_data()
    assert demo_share(data, ind.Selection(2025, ags=WALDECK)) == 0.0
    at = open_page("app_pages/vergleich.py", jahr="2025", kreis="Waldeck-Frankenberg")
    lines = notes(at)
    # The map, the distribution across districts and the small multiples: all draw the synthetic districts.
    assert len(lines) == 3 and all(line.startswith(DEMO_LABEL) for line in lines.values())
    assert at.warning[0].value.startswith("**Teilweise Demodaten:**")


def test_uebersicht_of_a_real_year_compared_with_a_synthetic_one_says_so() -> None:
    data = bundled_data()
    this_year = ind.Selection(2025, ags=WALDECK)
    previous = Rows(ind.Selection(2024, ags=WALDECK), ("agreements",))
    # 1 agreement + 5 projects real in 2025, the 2024 agreement the change compares with synthetic: 1 of 7.
    assert demo_rows(data, Shown.of(this_year, ("agreements", "projects"), also=(previous,))) == (1, 7)
    at = open_page("app_pages/uebersicht.py", jahr="2025", kreis="Waldeck-Frankenberg")
    assert at.warning[0].value.startswith("**Teilweise Demodaten:** 14 %")


# --- one like-for-like change ---------------------------------------------------------------------------


def _without_one_2025_agreement() -> AqbData:
    data = bundled_data()
    agreements = data.agreements
    dropped = agreements[~((agreements["year"] == 2025) & (agreements["ags"] == GIESSEN))].reset_index(drop=True)
    return AqbData(dropped, data.projects, data.progress, data.files)


def test_the_change_compares_only_districts_with_an_agreement_in_both_years() -> None:
    data = _without_one_2025_agreement()
    agreements = data.agreements
    both = set(agreements.loc[agreements["year"] == 2025, "ags"]) & set(
        agreements.loc[agreements["year"] == 2024, "ags"]
    )
    assert len(both) == 25
    now = agreements[(agreements["year"] == 2025) & agreements["ags"].isin(both)]["budget_eur"].sum()
    then = agreements[(agreements["year"] == 2024) & agreements["ags"].isin(both)]["budget_eur"].sum()
    expected = round(now - then, 2)
    raw = round(agreements[agreements["year"] == 2025]["budget_eur"].sum() - 28_000_000.0, 2)
    assert expected != raw  # the missing agreement would otherwise look like a cut
    change = ind.year_on_year_change(data, ind.Selection(2025), 2025)
    assert (change["change_eur"], change["n_comparable"]) == (expected, 25)
    trend = ind.budget_trend(data, ind.Selection(2025)).set_index("year")
    assert trend.loc[2025, "change_eur"] == expected == ind.land_totals(data, ind.Selection(2025))["change_eur"]
    slide = _trend_slide(data, ind.Selection(2025), "Hessen", True)
    assert slide.table.set_index("Jahr").loc["2025", "Veränderung"] == format_change(expected)


def test_with_no_district_in_both_years_the_change_is_not_available() -> None:
    data = bundled_data()
    real = AqbData(
        data.agreements[~demo_mask(data.agreements)].reset_index(drop=True),
        data.projects[~demo_mask(data.projects)].reset_index(drop=True),
        data.progress[~demo_mask(data.progress)].reset_index(drop=True),
    )
    assert pd.isna(ind.land_totals(real, ind.Selection(2025))["change_eur"])
    assert ind.budget_trend(real, ind.Selection(2025))["change_eur"].isna().all()
    slide = _trend_slide(real, ind.Selection(2025), "Hessen", True)
    assert set(slide.table["Veränderung"]) == {format_change(float("nan"))}


def test_on_the_bundled_data_the_change_is_the_same_number_on_every_page_file_and_slide(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = bundled_data()
    expected = ind.land_totals(data, ind.Selection(2025))["change_eur"]
    # Budgets in force at each year's end: 300.000 € as signed, and 2024 lower by Offenbach's cut of 57.300 €.
    assert expected == 357_300.0
    overview = open_page("app_pages/uebersicht.py", jahr="2025")
    assert overview.metric[0].proto.delta.startswith(format_change(expected))

    downloads = Downloads(monkeypatch)
    at = open_page("app_pages/zeitreihe.py", jahr="2025")
    at.session_state["numbers_aqb_zeitreihe_haushaltsmittel_Hessen"] = True
    at.run()
    table = next(d for d in at.dataframe if "Veränderung" in d.value.columns)
    assert table.value.set_index("Jahr").loc[2025, "Veränderung"] == expected
    sheet = load_workbook(io.BytesIO(downloads.file(at, "table_xlsx_aqb_zeitreihe_haushaltsmittel_Hessen"))).active
    rows = list(sheet.iter_rows(values_only=True))
    change_column = rows[0].index(TREND_COLUMNS["change_eur"][0])
    assert next(r for r in rows[1:] if str(r[0]) == "2025")[change_column] == expected

    slide = _trend_slide(data, ind.Selection(2025), "Hessen", True)
    assert slide.table.set_index("Jahr").loc["2025", "Veränderung"] == format_change(expected)


# --- the upload preview counts spending as Zielerreichung does -------------------------------------------

PROJECTS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"]
PROGRESS = ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)", "Eintritte", "Austritte"]


def _tables(sheets: dict[str, list[list[object]]]) -> dict[str, pd.DataFrame]:
    result = read_workbook(make_workbook(sheets), "bericht.xlsx")
    assert result.problems == []
    return result.tables


def test_the_preview_drops_the_reports_of_projects_the_file_replaces(tmp_path: Path) -> None:
    store = Store(tmp_path / "aqb.sqlite")
    first = {
        "Projekte": [PROJECTS, *[[2025, GIESSEN, 1, name, 300_000] for name in ("Alt A", "Alt B")]],
        "Umsetzungsstand": [
            PROGRESS,
            [2025, GIESSEN, "Alt A", "30.06.2025", 301_673.25, 10, 0],
            [2025, GIESSEN, "Alt B", "30.06.2025", 301_673.75, 10, 0],
        ],
    }
    store.import_tables(_tables(first), "giessen_juni.xlsx", "1")
    replacing = {
        "Projekte": [PROJECTS, [2025, GIESSEN, 2, "Neu C", 400_000], [2025, GIESSEN, 3, "Neu D", 200_000]],
        "Umsetzungsstand": [
            PROGRESS,
            [2025, GIESSEN, "Neu C", "30.09.2025", 236_500.10, 12, 1],
            [2025, GIESSEN, "Neu D", "30.09.2025", 99_999.90, 8, 0],
        ],
    }
    money = store.preview(_tables(replacing)).money_by_district()
    spent = money[money["Kennzahl"].str.startswith("Verausgabt")].iloc[0]
    # Counting the June reports of the replaced projects too would say 939.847,00 €.
    assert (spent["vorher"], spent["nachher"], spent["Differenz"]) == (603_347.0, 336_500.0, -266_847.0)
    store.import_tables(_tables(replacing), "giessen_september.xlsx", "2")
    after = achievement(store.load(), ind.Selection(2025, ags=GIESSEN), "district")
    assert after.set_index("unit").loc[GIESSEN, "spent_eur"] == spent["nachher"]


def test_a_new_project_list_alone_changes_which_reports_count_in_the_preview(tmp_path: Path) -> None:
    store = Store(tmp_path / "aqb.sqlite")
    store.import_tables(
        _tables(
            {
                "Projekte": [PROJECTS, [2025, GIESSEN, 1, "A", 1_000], [2025, GIESSEN, 1, "B", 1_000]],
                "Umsetzungsstand": [
                    PROGRESS,
                    [2025, GIESSEN, "A", "30.06.2025", 120.50, 1, 0],
                    [2025, GIESSEN, "B", "30.06.2025", 80.25, 1, 0],
                ],
            }
        ),
        "erste.xlsx",
        "1",
    )
    money = store.preview(_tables({"Projekte": [PROJECTS, [2025, GIESSEN, 1, "A", 1_000]]})).money_by_district()
    spent = money[money["Kennzahl"].str.startswith("Verausgabt")].iloc[0]
    assert (spent["vorher"], spent["nachher"]) == (200.75, 120.50)


def test_the_data_date_follows_the_districts_the_view_shows() -> None:
    """The Werra-Meißner-Kreis did not report at 30.09.2025: its view, its district page and its source lines
    name its own latest report; Hessen's the latest of all; Waldeck-Frankenberg (no report yet) says so."""
    from tests.ui.test_pages import open_app

    data = bundled_data()
    assert view_data_status(data, ind.Selection(2025)) == "Stichtag 30.09.2025"
    assert view_data_status(data, ind.Selection(2025, ags="06636")) == "Stichtag 30.06.2025"
    assert "Datenstand: Stichtag 30.06.2025" in source_line(data, ind.Selection(2025, ags="06636"))
    assert view_data_status(data, ind.Selection(2025, ags="06635")) == "noch kein Umsetzungsbericht"
    assert view_data_status(data, ind.Selection(2025, regierungsbezirk="Kassel")) == "Stichtag 30.09.2025"
    at = open_app("app_pages/gebietskoerperschaft.py", jahr="2025", kreis="Werra-Meißner-Kreis")
    assert at.caption[0].value.startswith("Datenstand 2025: Stichtag 30.06.2025")
