"""The page *Alle Projekte* through AppTest: every project of Hessen at once, underused first in one click, the
flags in its files, filters that narrow the table and its sums."""

import csv
import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.portfolio import UNDERUSED_FLAG, all_projects, summary_text, underused_first
from aqb_data.domain.formatting import safe_file_stem
from aqb_data.present.views import all_projects_views
from aqb_data.read.files import bundled_data
from tests.export.test_table_files import _record, problems_of, xlsx_problems
from tests.screen import Downloads
from tests.ui.test_pages import open_app

ROOT = Path(__file__).resolve().parents[2]
PAGE = "app_pages/projekte.py"
LATEST = date(2025, 9, 30)


def open_page(**params: str) -> AppTest:
    return open_app(PAGE, **params)


def _tables(at: AppTest) -> tuple:
    """The projects, the Träger and the target-group tables as shown (their numbers underneath)."""
    projects, providers, groups = (d.value for d in at.dataframe)
    return projects, providers, groups


def test_every_project_of_hessen_in_one_table_with_the_sums_per_trager() -> None:
    at = open_page()
    assert at.title[0].value == "Alle Projekte 2025 – Hessen"
    frame = all_projects(bundled_data(), Selection(2025), LATEST)
    projects, providers, groups = _tables(at)
    assert len(projects) == len(frame) == 117
    assert projects["Projekt"].tolist() == frame["project"].tolist()
    assert summary_text(frame) in [c.value for c in at.caption]
    land = achievement(bundled_data(), Selection(2025), "land", LATEST).iloc[0]
    assert round(providers["Geplante Mittel"].sum(), 2) == land["planned_eur"]
    assert providers["Projekte"].sum() == groups["Projekte"].sum() == 117
    assert at.warning[0].value.startswith("**Teilweise Demodaten:**")


def test_one_click_puts_the_underused_projects_first() -> None:
    at = open_page()
    before = _tables(at)[0]
    at.toggle(key="unterausgelastet").set_value(True).run()
    after = _tables(at)[0]
    expected = underused_first(all_projects(bundled_data(), Selection(2025), LATEST))
    assert after["Projekt"].iloc[0] == expected["project"].iloc[0] != before["Projekt"].iloc[0]
    assert after["Unterausgelastet"].iloc[0] == UNDERUSED_FLAG
    assert after["Auslastung"].iloc[0] == expected["occupancy"].min()
    # The order is in the link: opened from it, the page shows the same first row.
    linked = _tables(open_page(unterausgelastet="true"))[0]
    assert linked["Projekt"].tolist() == after["Projekt"].tolist()


def test_the_files_hold_the_flags_as_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = open_page()
    at.toggle(key="unterausgelastet").set_value(True).run()
    frame = all_projects(bundled_data(), Selection(2025), LATEST)
    title = all_projects_views(frame, Selection(2025), LATEST, underused_first=True)[0].title
    stem = safe_file_stem(f"AQB {title}", "aqb_tabelle")
    sheet = load_workbook(io.BytesIO(downloads.file(at, f"table_xlsx_{stem}")))["Daten"]
    rows = list(sheet.iter_rows(values_only=True))
    headings = list(rows[0])
    assert {"Unterausgelastet", "Aussagekraft", "Status", "Zielgruppe (zusammengefasst)"} <= set(headings)
    assert len(rows) == 1 + 117
    assert rows[1][headings.index("Unterausgelastet")] == UNDERUSED_FLAG
    flags = [row[headings.index("Aussagekraft")] for row in rows[1:]]
    assert sum(1 for flag in flags if flag and flag.startswith("◊ eingeschränkt aussagekräftig:")) == int(
        frame["significance_flag"].ne("").sum()
    )
    text = downloads.file(at, f"table_csv_{stem}").decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert "Unterausgelastet" in table[0]
    assert table[1][table[0].index("Unterausgelastet")] == UNDERUSED_FLAG


def test_filters_narrow_the_table_and_its_sums() -> None:
    at = open_page()
    at.multiselect(key="projekte_zielgruppe").set_value(["Alleinerziehende"]).run()
    projects, providers, groups = _tables(at)
    assert len(projects) == 10
    assert set(projects["Zielgruppe (wie berichtet)"]) == {"Alleinerziehende"}
    assert groups["Zielgruppe (zusammengefasst)"].tolist() == ["Alleinerziehende"]
    assert providers["Projekte"].sum() == 10
    at.checkbox(key="projekte_ohne_eingeschraenkt").check().run()
    projects = _tables(at)[0]
    assert 0 < len(projects) < 10
    assert not projects["Aussagekraft"].str.startswith("◊").any()
    assert f"{len(projects)} von 117 Projekten" in " ".join(c.value for c in at.caption)


def test_a_district_shows_only_its_projects_at_an_earlier_stichtag() -> None:
    at = open_page(kreis="Lahn-Dill-Kreis", stichtag="30.06.2025")
    assert at.title[0].value == "Alle Projekte 2025 – Lahn-Dill-Kreis"
    projects = _tables(at)[0]
    engine = all_projects(bundled_data(), Selection(2025, ags="06532"), date(2025, 6, 30))
    assert set(projects["Gebietskörperschaft"]) == {"Lahn-Dill-Kreis"}
    pd.testing.assert_series_equal(projects["Mittelabfluss"], engine["spending_rate"], check_names=False)


def test_every_table_of_the_page_keeps_numbers_dates_units_and_rounding_in_its_files(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn = _record(monkeypatch)
    open_page()  # the Übersicht first, then this page
    mine = [t for t in drawn if t.where.startswith(("Tabelle „Alle Projekte", "Tabelle „Projekte nach"))]
    assert [t.where.split(" – ")[0] for t in mine] == [
        "Tabelle „Alle Projekte",
        "Tabelle „Projekte nach Trägern",
        "Tabelle „Projekte nach Zielgruppen",
    ]
    assert {t.where: p for t in mine if (p := problems_of(t) + xlsx_problems(t))} == {}
