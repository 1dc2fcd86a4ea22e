"""Invariants that hold for any data: the budget's parts reconcile to the cent at every level, districts add up
to their Regierungsbezirk and the Regierungsbezirke to the Land, a figure is the same number on the page, in
its files, in the CLI summary and in the meeting pack, and a view with a synthetic row always says so.

Checked on the bundled data, on a held-in sample report imported into a store (with and without the demo
data) and on random stores (hypothesis, `tests.factory.stores`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from aqb_data.__main__ import main
from aqb_data.analysis.indicators import BUDGET_PARTS, Selection, budget_decomposition
from aqb_data.analysis.provenance import ALL_TABLES, DEMO_LABEL, Rows, Shown, demo_share, source_line
from aqb_data.analysis.versions import budgets_in_force
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import REGIERUNGSBEZIRKE, district_label, load_districts
from aqb_data.domain.formatting import format_date
from aqb_data.domain.model import demo_mask
from aqb_data.export import images
from aqb_data.export.meeting_pack import land_pack, pack_pptx
from aqb_data.read.files import bundled_data
from aqb_data.store.database import Store, open_store
from aqb_data.store.intake import check_upload, import_checked
from tests.factory import ALL_AGS, YEARS, stores
from tests.hostile_corpus import base_bytes
from tests.screen import Downloads
from tests.ui.test_pages import metrics, open_app

WALDECK, KASSEL_CITY, WETTERAU = "06635", "06611", "06440"
LAND = "Hessen"
MONEY = [*BUDGET_PARTS, "planned_without_agreement_eur"]
RANDOM = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
REGION_OF = dict(zip(load_districts()["ags"], load_districts()["regierungsbezirk"], strict=True))


def cents(value: object) -> int | None:
    """Euros as whole cents; None for a missing value."""
    return None if value is None or pd.isna(value) else round(float(value) * 100)


def german_cents(text: str) -> int | None:
    """Whole cents of a German amount as shown or written (`1.140.300,50 €`, `773920,00`); None for `–` or ``."""
    text = text.replace("€", "").replace("\xa0", "").strip()
    if text in ("", "–"):
        return None
    return round(float(text.replace(".", "").replace(",", ".")) * 100)


# --- the identity and the sums, on any data ----------------------------------------------------------------


def parts_that_do_not_reconcile(data: AqbData, year: int) -> list[str]:
    """Every row of the year's decomposition whose parts miss its budget, as `level unit: budget ≠ parts`."""
    wrong = []
    for row in budget_decomposition(data, Selection(year)).itertuples():
        budget = cents(row.budget_eur)
        if budget is None:
            continue
        parts = cents(row.planned_eur) - cents(row.over_planned_eur) + cents(row.unplanned_eur)
        parts += cents(row.unknown_eur)
        if parts != budget:
            wrong.append(f"{row.level} {row.unit} {year}: {budget} ≠ {parts}")
    return wrong


def sums_that_do_not_add_up(data: AqbData, year: int) -> list[str]:
    """Every part of a Regierungsbezirk or the Land that is not the sum of its districts (or its Regierungsbezirke)
    in whole cents, as `unit part: total ≠ sum`."""
    frame = budget_decomposition(data, Selection(year))
    districts = frame[frame["level"] == "district"]
    regions = frame[frame["level"] == "regierungsbezirk"].set_index("unit")
    land = frame[frame["level"] == "land"].iloc[0]
    wrong = []

    def total(values: pd.Series) -> int | None:
        known = [cents(v) for v in values if cents(v) is not None]
        return sum(known) if known else None

    for column in MONEY:
        for region in REGIERUNGSBEZIRKE:
            own = districts[districts["regierungsbezirk"] == region][column]
            if cents(regions.loc[region, column]) != total(own):
                wrong.append(f"{region} {column}: {cents(regions.loc[region, column])} ≠ {total(own)}")
        for name, parts in (("Regierungsbezirke", regions[column]), ("Gebietskörperschaften", districts[column])):
            if cents(land[column]) != total(parts):
                wrong.append(f"Hessen {column}: {cents(land[column])} ≠ Summe der {name} {total(parts)}")
    return wrong


def parts_by_definition(data: AqbData, year: int) -> dict[str, tuple[int, int, int, int, int]]:
    """Each district's (budget, planned, over_planned, unplanned, unknown) in cents, straight from the issue's
    definition: free money only where every project names its amount, the rest of the budget unknown otherwise,
    planning beyond the budget over-planned. The budget is the one in force at the end of the year (amended, where
    an amendment holds)."""
    expected = {}
    agreements = budgets_in_force(data)
    agreements = agreements[agreements["year"] == year]
    projects = data.projects[data.projects["year"] == year]
    for ags, budget_eur in zip(agreements["ags"], agreements["budget_eur"], strict=True):
        budget = cents(budget_eur)
        amounts = [cents(v) for v in projects.loc[projects["ags"] == ags, "planned_eur"]]
        known = sum(a for a in amounts if a is not None)
        complete = bool(amounts) and None not in amounts
        rest = max(budget - known, 0)
        expected[ags] = (budget, known, max(known - budget, 0), rest if complete else 0, 0 if complete else rest)
    return expected


def parts_as_computed(data: AqbData, year: int) -> dict[str, tuple[int, ...]]:
    """Each district's parts as the engine computes them, in cents (districts with an agreement)."""
    frame = budget_decomposition(data, Selection(year))
    rows = frame[(frame["level"] == "district") & frame["budget_eur"].notna()]
    return {row["unit"]: tuple(cents(row[c]) for c in BUDGET_PARTS) for _, row in rows.iterrows()}


# --- stores: bundled, with a held-in report, without the demo data -----------------------------------------


def _with_report(store: Store) -> Store:
    """The store after importing the held-in sample report (Waldeck-Frankenberg, Kassel and Offenbach 2025,
    amounts with cents, reports at 30.06.2025) through the intake, as an upload would."""
    check = check_upload(base_bytes(), "bericht_2025.xlsx", store)
    assert check.errors == [], [p.text() for p in check.errors]
    import_checked(check, store)
    return store


@pytest.fixture(scope="module")
def store_states(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Databases in the states an analyst meets: the demo, the demo plus a report, the report without the demo,
    and the demo data removed from a fresh store (only the real agreements left)."""
    folder = tmp_path_factory.mktemp("invariants")
    paths = {name: folder / f"{name}.sqlite" for name in ("demo", "demo_and_report", "report_only", "real_only")}
    open_store(paths["demo"])
    _with_report(open_store(paths["demo_and_report"]))
    _with_report(open_store(paths["report_only"])).remove_synthetic()
    open_store(paths["real_only"]).remove_synthetic()
    return paths


STATES = ["bundled", "demo", "demo_and_report", "report_only", "real_only"]


def _state(name: str, paths: dict[str, Path]) -> AqbData:
    return bundled_data() if name == "bundled" else Store(paths[name]).load()


@pytest.mark.parametrize("state", STATES)
def test_every_level_reconciles_to_the_cent_in_every_year(state: str, store_states: dict[str, Path]) -> None:
    data = _state(state, store_states)
    assert data.years
    for year in data.years:
        assert parts_that_do_not_reconcile(data, year) == []
        assert parts_as_computed(data, year) == parts_by_definition(data, year)


@pytest.mark.parametrize("state", STATES)
def test_districts_add_up_to_their_regierungsbezirk_and_those_to_the_land(
    state: str, store_states: dict[str, Path]
) -> None:
    data = _state(state, store_states)
    for year in data.years:
        assert sums_that_do_not_add_up(data, year) == []


def test_the_report_makes_its_districts_complete_and_the_demo_removal_leaves_unknown_not_free(
    store_states: dict[str, Path],
) -> None:
    report = parts_as_computed(Store(store_states["report_only"]).load(), 2025)
    assert set(report) == {WALDECK, KASSEL_CITY, "06438"}
    assert report[WALDECK] == (77_392_000, 37_000_050, 0, 40_391_950, 0)
    assert report[KASSEL_CITY] == (114_030_050, 40_000_000, 0, 74_030_050, 0)
    # Wetteraukreis 2024 keeps its real agreement but no project list: its budget is unknown, not free money.
    real = parts_as_computed(Store(store_states["real_only"]).load(), 2024)
    assert real[WETTERAU] == (114_030_000, 0, 0, 0, 114_030_000)


@RANDOM
@given(data=stores())
def test_random_stores_reconcile_and_add_up_at_every_level(data: AqbData) -> None:
    for year in YEARS:
        if year not in data.years:
            continue
        assert parts_that_do_not_reconcile(data, year) == []
        assert sums_that_do_not_add_up(data, year) == []
        assert parts_as_computed(data, year) == parts_by_definition(data, year)


# --- the same figure everywhere ---------------------------------------------------------------------------

FIGURES = ("budget_eur", "planned_eur", "unknown_eur")
UNITS = (LAND, WALDECK, KASSEL_CITY)
Figures = dict[tuple[str, str], int | None]


def engine_figures(data: AqbData, year: int) -> Figures:
    frame = budget_decomposition(data, Selection(year))
    rows = frame[frame["unit"].isin(UNITS)].set_index("unit")
    return {(unit, figure): cents(rows.loc[unit, figure]) for unit in UNITS for figure in FIGURES}


def cli_figures(path: Path, year: int, capsys: pytest.CaptureFixture[str]) -> tuple[Figures, Figures]:
    """The figures of `python -m aqb_data summary` as JSON and as CSV (read with the csv module)."""
    assert main(["summary", "--year", str(year), "--format", "json", "--db", str(path)]) == 0
    summary = json.loads(capsys.readouterr().out)
    entries = {LAND: summary["land"]} | {d["ags"]: d for d in summary["districts"]}
    from_json = {(unit, f): cents(entries[unit][f]) for unit in UNITS for f in FIGURES}
    assert main(["summary", "--year", str(year), "--format", "csv", "--db", str(path)]) == 0
    rows = {
        row["ags"] or row["label"]: row
        for row in csv.DictReader(io.StringIO(capsys.readouterr().out), delimiter=";")
        if row["level"] in ("land", "district")
    }
    from_csv = {(unit, f): german_cents(rows[unit][f]) for unit in UNITS for f in FIGURES}
    return from_json, from_csv


TABLE_HEADINGS = {
    "budget_eur": "Haushaltsmittel",
    "planned_eur": "Geplante Mittel",
    "unknown_eur": "Ohne Projektbeträge",
}


def table_file_figures(xlsx: bytes, csv_bytes: bytes) -> tuple[Figures, Figures]:
    """The districts' figures in the Übersicht's district table as Excel (openpyxl) and CSV (csv module)."""
    labels = {district_label(ags): ags for ags in UNITS[1:]}
    sheet = load_workbook(io.BytesIO(xlsx))["Daten"]
    heading, *rows = list(sheet.iter_rows(values_only=True))
    column = {name: heading.index(name) for name in ("Gebietskörperschaft", *TABLE_HEADINGS.values())}
    from_xlsx = {
        (labels[row[column["Gebietskörperschaft"]]], figure): cents(row[column[name]])
        for row in rows
        if row[column["Gebietskörperschaft"]] in labels
        for figure, name in TABLE_HEADINGS.items()
    }
    reader = csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";")
    from_csv = {
        (labels[row["Gebietskörperschaft"]], figure): german_cents(row[f"{name} (€)"])
        for row in reader
        if row["Gebietskörperschaft"] in labels
        for figure, name in TABLE_HEADINGS.items()
    }
    return from_xlsx, from_csv


def pack_figures(data: AqbData, year: int) -> Figures:
    """The Land pack's key figures (Hessen) and its district budget table, read back from the .pptx."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)  # the figures, not the pictures, are compared here
        pptx = pack_pptx(land_pack(data, year, created=date(2025, 10, 15)))
    labels = {district_label(ags): ags for ags in UNITS[1:]}
    key_names = {"Haushaltsmittel (§ 4)": "budget_eur", "Geplante Mittel": "planned_eur"}
    key_names["Ohne Projektbeträge"] = "unknown_eur"
    found: Figures = {}
    for slide in Presentation(io.BytesIO(pptx)).slides:
        for shape in slide.shapes:
            if not getattr(shape, "has_table", False) or not shape.has_table:
                continue
            rows = [[cell.text for cell in row.cells] for row in shape.table.rows]
            if rows[0][:2] == ["Kennzahl", "Wert"]:
                for name, value, *_ in rows[1:]:
                    if name in key_names:
                        found[(LAND, key_names[name])] = german_cents(value)
                # A part that is 0 is left out of the slide (never shown as a line of 0 €).
                found.setdefault((LAND, "unknown_eur"), 0)
            elif "Ohne Projektbeträge" in rows[0] and "Gebietskörperschaft" in rows[0]:
                for row in rows[1:]:
                    cells = dict(zip(rows[0], row, strict=True))
                    if cells["Gebietskörperschaft"] in labels:
                        for figure, name in TABLE_HEADINGS.items():
                            found[(labels[cells["Gebietskörperschaft"]], figure)] = german_cents(cells[name])
    return found


PART_LINE = re.compile(r"^\|\s*(?:−\s*)?(Geplante Mittel|Ohne Projektbeträge)\s*\|\s*([^|]+?)\s*\|", re.MULTILINE)


def page_figures(unit: str) -> tuple[Figures, AppTest]:
    """The Übersicht of Hessen or of one district: the Haushaltsmittel card and the parts table below it (and
    the page, for its downloads)."""
    at = open_app() if unit == LAND else open_app(None, kreis=district_label(unit))
    found: Figures = {(unit, "budget_eur"): german_cents(metrics(at)["Haushaltsmittel"])}
    parts = dict(PART_LINE.findall("\n".join(str(m.value) for m in at.markdown)))
    found[(unit, "planned_eur")] = german_cents(parts["Geplante Mittel"])
    found[(unit, "unknown_eur")] = german_cents(parts.get("Ohne Projektbeträge", "0"))
    return found, at


@pytest.fixture
def database(request: pytest.FixtureRequest, store_states: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The dashboard's database for one test: a copy of one of the states (the page may seed or cache it)."""
    path = Path(str(store_states[request.param]) + ".page.sqlite")
    path.write_bytes(store_states[request.param].read_bytes())
    monkeypatch.setenv("AQB_DB", str(path))
    return path


@pytest.mark.parametrize("database", ["demo", "report_only"], indirect=True)
def test_a_figure_is_the_same_number_on_the_page_in_its_files_in_the_cli_and_in_the_pack(
    database: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = Store(database).load()
    year = max(data.years)
    expected = engine_figures(data, year)
    assert (
        expected[(LAND, "budget_eur")] and expected[(WALDECK, "budget_eur")] and expected[(KASSEL_CITY, "budget_eur")]
    )
    downloads = Downloads(monkeypatch)
    page, at = page_figures(LAND)
    stem = f"AQB_Haushaltsmittel_je_Gebietskoerperschaft_Hessen_{year}"
    xlsx = downloads.file(at, f"table_xlsx_{stem}")
    csv_bytes = downloads.file(at, f"table_csv_{stem}")
    for unit in UNITS[1:]:
        page |= page_figures(unit)[0]
    from_json, from_csv = cli_figures(database, year, capsys)
    from_xlsx, from_table_csv = table_file_figures(xlsx, csv_bytes)
    channels = {
        "Seite (Übersicht)": page,
        "CLI summary (JSON)": from_json,
        "CLI summary (CSV)": from_csv,
        "Tabelle als Excel": from_xlsx,
        "Tabelle als CSV": from_table_csv,
        "Sitzungsmappe Hessen": pack_figures(data, year),
    }
    for channel, figures in channels.items():
        assert figures == {key: expected[key] for key in figures}, channel
    assert set(channels["Tabelle als Excel"]) == {key for key in expected if key[0] != LAND}
    for channel in ("Seite (Übersicht)", "CLI summary (JSON)", "CLI summary (CSV)", "Sitzungsmappe Hessen"):
        assert set(channels[channel]) == set(expected), channel


# --- the demo label follows the rows a view draws ----------------------------------------------------------


def _districts_of(selection: Selection) -> set[str]:
    if selection.ags:
        return {selection.ags}
    if selection.regierungsbezirk:
        return {ags for ags, region in REGION_OF.items() if region == selection.regierungsbezirk}
    return set(ALL_AGS)


def draws_a_synthetic_row(data: AqbData, shown: Shown) -> bool:
    """True if any row the view draws is demo data: counted row by row, independently of the provenance module."""
    for part in shown.parts:
        districts = _districts_of(part.selection)
        for name in part.tables:
            frame = data.table(name)
            for row, demo in zip(frame.itertuples(), demo_mask(frame), strict=True):
                if row.ags not in districts or (part.selection.year is not None and row.year != part.selection.year):
                    continue
                if name == "progress" and shown.as_of is not None and row.as_of > pd.Timestamp(shown.as_of):
                    continue
                if demo:
                    return True
    return False


# The Regierungsbezirk is the AGS's third digit (06 4…, 06 5…, 06 6…), independent of the project's table.
REGION_DIGIT = {"Darmstadt": "4", "Gießen": "5", "Kassel": "6"}


def expected_data_status(data: AqbData, selection: Selection, as_of: date | None) -> str:
    """The Datenstand a view names: its chosen Stichtag, else the latest report of its year and districts."""
    if as_of is not None:
        return f"Stichtag {format_date(as_of)}"

    def shown(ags: str) -> bool:
        if selection.ags:
            return ags == selection.ags
        return not selection.regierungsbezirk or ags[2] == REGION_DIGIT[selection.regierungsbezirk]

    rows = zip(data.progress["year"], data.progress["ags"], data.progress["as_of"], strict=True)
    days = [d for y, a, d in rows if (selection.year is None or y == selection.year) and shown(a)]
    return f"Stichtag {format_date(max(days).date())}" if days else "noch kein Umsetzungsbericht"


@st.composite
def views(draw: st.DrawFn, data: AqbData) -> Shown:
    """A random view: a year (or every year), Hessen, a Regierungsbezirk or a district, some tables, maybe
    the previous year's budgets or comparison districts beside it, maybe a chosen Stichtag."""

    def selection() -> Selection:
        year = draw(st.one_of(st.none(), st.sampled_from([*YEARS, YEARS[-1] + 1])))
        scope = draw(st.sampled_from(["land", "region", "district"]))
        region = draw(st.sampled_from(REGIERUNGSBEZIRKE)) if scope == "region" else None
        ags = draw(st.sampled_from(ALL_AGS)) if scope == "district" else None
        return Selection(year, region, ags)

    def tables() -> tuple[str, ...]:
        return tuple(draw(st.lists(st.sampled_from(ALL_TABLES), min_size=1, max_size=3, unique=True)))

    own = selection()
    also = tuple(Rows(selection(), tables()) for _ in range(draw(st.integers(0, 2))))
    as_of = draw(st.one_of(st.none(), st.dates(date(2023, 1, 1), date(2025, 12, 31))))
    return Shown.of(own, tables(), also=also, as_of=as_of)


@RANDOM
@given(data=stores(), choice=st.data())
def test_a_view_carries_the_demo_label_exactly_when_a_row_it_draws_is_synthetic(
    data: AqbData, choice: st.DataObject
) -> None:
    shown = choice.draw(views(data))
    synthetic = draws_a_synthetic_row(data, shown)
    line = source_line(data, shown)
    assert (DEMO_LABEL in line) == synthetic, line
    assert (demo_share(data, shown) > 0) == synthetic
    assert f"Datenstand: {expected_data_status(data, shown.selection, shown.as_of)};" in line


@pytest.mark.parametrize("state", ["bundled", "demo_and_report", "report_only"])
def test_every_district_and_year_of_a_store_is_labelled_as_its_rows_are(
    state: str, store_states: dict[str, Path]
) -> None:
    data = _state(state, store_states)
    labelled = []
    for year in data.years:
        for ags in ALL_AGS:
            shown = Shown.of(Selection(year, ags=ags))
            assert (DEMO_LABEL in source_line(data, shown)) == draws_a_synthetic_row(data, shown), (year, ags)
            labelled.append(draws_a_synthetic_row(data, shown))
    # The bundled data and the demo store label most views, the store without demo data none.
    assert any(labelled) == (state != "report_only")
