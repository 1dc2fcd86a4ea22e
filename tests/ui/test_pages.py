"""Each page through Streamlit's AppTest: no exception, and the figures shown equal the engine's."""

import ast
import base64
import io
import json
import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from aqb_data.analysis.indicators import Selection, land_totals
from aqb_data.domain.formatting import format_eur, format_number
from aqb_data.present.charts import ACCENT
from aqb_data.read.files import bundled_data
from aqb_data.store.database import open_store
from tests.screen import Downloads, shown
from ui.filters import NO_DATA

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "app_pages/uebersicht.py",
    "app_pages/gebietskoerperschaft.py",
    "app_pages/zielerreichung.py",
    "app_pages/projekte.py",
    "app_pages/berichtseingang.py",
    "app_pages/vergleich.py",
    "app_pages/zeitreihe.py",
    "app_pages/methodik.py",
    "app_pages/barrierefreiheit.py",
]


def open_app(page: str | None = None, **params: str | list[str]) -> AppTest:
    """The dashboard opened as a link with these URL parameters would open it, on the given page."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def numbers(array: object) -> np.ndarray:
    """A Plotly array from a chart spec: a plain list, or plotly's typed-array encoding."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    return np.asarray(array, dtype=float)


def _drawn_by_magic(path: Path) -> list[int]:
    """Lines of bare expressions that Streamlit's "magic" would draw (all but calls and docstrings)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0])
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
    }
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and id(node) not in docstrings
        and not isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))
    ]


def test_no_page_relies_on_magic_which_is_switched_off(tmp_path: Path) -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["magicEnabled"] is False  # pages are not rewritten before every run
    scripts = [ROOT / "dashboard.py", *sorted((ROOT / "app_pages").glob("*.py"))]
    assert len(scripts) == 14
    found = {script.name: lines for script in scripts if (lines := _drawn_by_magic(script))}
    assert found == {}, f"bare expressions, drawn only with magic: {found}"
    probe = tmp_path / "probe.py"
    probe.write_text('"""Docstring."""\nimport streamlit as st\n\nst.title("x")\n"Hallo"\nst\n', encoding="utf-8")
    assert _drawn_by_magic(probe) == [5, 6]  # the check finds what magic would draw


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    "params",
    [{}, {"jahr": "2021"}, {"rb": "Gießen"}, {"kreis": "Kassel (Stadt)"}, {"ma": ["2 Ausbildung & Coaching"]}],
    ids=["default", "2021", "rb", "kreis", "ma"],
)
def test_every_page_runs_without_exception_for_common_views(page: str, params: dict) -> None:
    at = open_app(page, **params)
    assert at.title, "every page has a title"
    tables_behind_charts = [e for e in at.expander if e.label == "Zahlen zum Diagramm"]
    assert len(tables_behind_charts) == len(at.get("plotly_chart"))  # every chart has its numbers as a table
    # Texts as drawn: markdown, captions, metrics, notices, static tables and the charts' labels and hovers.
    # (Interactive tables draw missing cells as "–" in the browser; the browser tests check those.)
    texts = [str(e.value) for e in [*at.markdown, *at.caption, *at.metric, *at.info, *at.warning]]
    texts += [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    for spec in chart_specs(at):
        for trace in spec["data"]:
            texts += [str(v) for key in ("hovertext", "text") if isinstance(trace.get(key), list) for v in trace[key]]
    shown = "\n".join(texts)
    assert not re.search(r"\bnan\b", shown, re.IGNORECASE)
    assert not re.search(r"\bNone\b", shown)


def test_overview_metrics_equal_the_engine() -> None:
    at = open_app()
    totals = land_totals(bundled_data(), Selection(2025))
    shown = metrics(at)
    assert at.title[0].value == "Übersicht 2025 – Hessen"
    assert shown["Haushaltsmittel"] == format_eur(totals["budget_eur"]) == "28.300.000 €"
    assert shown["Projekte"] == format_number(totals["n_projects"])
    assert shown["€ je Einwohner/in"] == format_eur(totals["budget_per_inhabitant"], 2) == "4,50 €"
    assert shown["Nicht verplant"] == format_eur(totals["unplanned_eur"]) == "1.776.160 €"  # never netted
    assert at.warning[0].value.startswith("**Teilweise Demodaten:**")


def test_overview_district_chart_holds_all_26_districts_with_engine_amounts() -> None:
    at = open_app()
    specs = chart_specs(at)
    assert len(specs) == 3
    district_chart = specs[1]
    units = {label for trace in district_chart["data"] for label in trace["y"]}
    assert len(units) == 26
    qualifizierung = next(t for t in district_chart["data"] if t["name"] == "Qualifizierung")
    fulda = list(qualifizierung["y"]).index("Fulda")
    projects = bundled_data().projects
    expected = projects[(projects["year"] == 2025) & (projects["ags"] == "06631") & (projects["measure_type"] == 3)]
    assert numbers(qualifizierung["x"])[fulda] == pytest.approx(expected["planned_eur"].sum())
    assert district_chart["layout"]["template"]["layout"]["separators"] == ",."


def test_overview_per_inhabitant_chart_matches_the_engine() -> None:
    at = open_app()
    per_inhabitant = chart_specs(at)[2]
    bars = per_inhabitant["data"][0]
    values = dict(zip(bars["y"], numbers(bars["x"]), strict=True))
    assert len(values) == 26
    assert values["Waldeck-Frankenberg"] == pytest.approx(773_920 / 156_513)
    line = per_inhabitant["layout"]["shapes"][0]
    assert line["x0"] == pytest.approx(land_totals(bundled_data(), Selection(2025))["budget_per_inhabitant"])


def test_a_link_with_filters_reproduces_the_view() -> None:
    at = open_app(jahr="2023", rb="Kassel", ma=["1 Ausbildungsvorbereitung", "3 Qualifizierung"])
    selection = Selection(2023, regierungsbezirk="Kassel", measure_types=(1, 3))
    totals = land_totals(bundled_data(), selection)
    assert at.title[0].value == "Übersicht 2023 – Regierungsbezirk Kassel"
    assert metrics(at)["Haushaltsmittel"] == format_eur(totals["budget_eur"])
    assert metrics(at)["Projekte"] == format_number(totals["n_projects"])
    # Free money belongs to the whole budget: a filter on measure types shows the same amount, it frees nothing.
    unfiltered = land_totals(bundled_data(), Selection(2023, regierungsbezirk="Kassel"))
    shown = metrics(at)["Nicht verplant"]
    assert shown == format_eur(totals["unplanned_eur"]) == format_eur(unfiltered["unplanned_eur"])
    assert at.selectbox(key="jahr").value == 2023
    assert at.button_group(key="ma").value == [1, 3]


def test_the_view_link_in_the_sidebar_reopens_the_same_view() -> None:
    at = open_app(rb="Gießen", jahr="2022", ma=["4 Weiterbildung Personal"])
    link = at.sidebar.code[0].value
    query = parse_qs(urlsplit(link).query)
    assert query == {"jahr": ["2022"], "rb": ["Gießen"], "ma": ["4 Weiterbildung Personal"]}
    again = open_app(**{key: values if len(values) > 1 else values[0] for key, values in query.items()})
    assert again.title[0].value == at.title[0].value == "Übersicht 2022 – Regierungsbezirk Gießen"
    assert metrics(again) == metrics(at)


def test_changing_a_filter_changes_the_figures() -> None:
    at = open_app()
    at.selectbox(key="jahr").set_value(2023).run()
    assert metrics(at)["Haushaltsmittel"] == "27.700.000 €"  # the published Land total of 2023
    at.selectbox(key="kreis").set_value("06635").run()
    assert at.selectbox(key="rb").value == "Kassel"  # the district brings its Regierungsbezirk
    assert at.title[0].value == "Übersicht 2023 – Waldeck-Frankenberg"


def test_share_view_shows_percent_of_the_budget() -> None:
    at = open_app()
    at.button_group(key="darstellung").set_value("Anteil am Budget").run()
    allocation_charts = chart_specs(at)[:2]
    assert [spec["layout"]["xaxis"]["ticksuffix"] for spec in allocation_charts] == [" %", " %"]


def test_district_page_shows_the_signed_waldeck_frankenberg_agreement() -> None:
    at = open_app("app_pages/gebietskoerperschaft.py", kreis="Waldeck-Frankenberg")
    assert at.title[0].value == "Waldeck-Frankenberg – 2025"
    shown = metrics(at)
    assert shown["§ 4 Haushaltsmittel"] == "773.920 €"
    assert shown["Unterzeichnung HMSI"] == "02.08.2025"
    assert shown["Unterzeichnung Kreis/Stadt"] == "13.08.2025"
    signed = "Unterzeichnet in Wiesbaden am 02.08.2025 (HMSI) und in Korbach am 13.08.2025 (Kreis/Stadt)"
    assert signed in [c.value for c in at.caption]
    texts = [m.value for m in at.markdown]
    assert "1. Ausbildungsvorbereitung\n   - AVIA (Aktivierung und Vermittlung von Migranten)" in texts
    assert any(t.startswith("2. Ausbildung und Ausbildungscoaching") and t.endswith("– keine Projekte") for t in texts)
    measure_3 = next(t for t in texts if t.startswith("3. Qualifizierungsprojekte"))
    for project in ("Checkpoint", "Restart", "FiB (Fit für die Berufswelt)", "Berufs- und Sprachscout Projekt (BSP)"):
        assert f"- {project}" in measure_3
    assert any(c.value.startswith("Quelle: Zielvereinbarung 2025 HMSI") for c in at.caption)
    table = next(d.value for d in at.dataframe if "Projekt" in d.value.columns)
    assert len(table) == 5
    assert table["Geplante Mittel"].isna().all()  # the agreement names no amounts; shown as "–"
    assert "5 Projekte haben noch keine geplanten Mittel" in at.info[0].value
    assert len(at.get("plotly_chart")) == 3  # allocation, budget over the years, money that lapsed in closed years


def test_district_page_without_district_offers_all_26_to_choose() -> None:
    at = open_app("app_pages/gebietskoerperschaft.py")
    assert "Bitte wählen Sie" in at.info[0].value
    assert len(at.dataframe[0].value) == 26


def test_methods_page_explains_indicators_and_sources() -> None:
    at = open_app("app_pages/methodik.py")
    text = "\n".join(m.value for m in at.markdown)
    assert "Haushaltsmittel je Einwohner/in" in text
    assert "dl-de/by-2-0" in text
    assert "© GeoBasis-DE / BKG (2020)" in text
    assert "Letzter Stichtag eines Umsetzungsberichts: 30.09.2025" in text
    published = next(d.value for d in at.dataframe if "Gebiet" in d.value.columns)
    waldeck = published[published["Gebiet"] == "Waldeck-Frankenberg"].iloc[0]
    assert waldeck["Veröffentlicht"] == waldeck["Im Datensatz"] == 773_920.0


@pytest.mark.parametrize(
    ("params", "warning", "title"),
    [
        ({"jahr": "1999"}, "Das Jahr „1999“ aus dem Link gibt es in den Daten nicht; gezeigt wird 2025.", "Hessen"),
        (
            {"kreis": "Atlantis"},
            "„Atlantis“ aus dem Link ist keine Gebietskörperschaft; gezeigt wird ganz Hessen.",
            "Hessen",
        ),
        (
            {"rb": "Darmstadt", "kreis": "Waldeck-Frankenberg"},
            "Waldeck-Frankenberg liegt im Regierungsbezirk Kassel, nicht im Regierungsbezirk Darmstadt; gezeigt "
            "wird die Gebietskörperschaft.",
            "Waldeck-Frankenberg",
        ),
    ],
    ids=["unknown-year", "unknown-district", "contradiction"],
)
def test_a_link_with_impossible_values_says_so(params: dict, warning: str, title: str) -> None:
    at = open_app(**params)
    assert [w.value for w in at.sidebar.warning] == [warning]
    assert at.title[0].value == f"Übersicht 2025 – {title}"


@pytest.mark.parametrize("page", ["app_pages/uebersicht.py", "app_pages/zielerreichung.py", "app_pages/vergleich.py"])
def test_returning_to_a_view_shows_its_own_figures_again(page: str) -> None:
    """Charts and tables drawn before are replayed: going back to a year must show that year's figures."""
    at = open_app(page, jahr="2024")

    def view() -> tuple[list[dict], list[list[list[str]]]]:
        return chart_specs(at), [shown(table).values.tolist() for table in at.dataframe]

    first = view()
    at.selectbox(key="jahr").set_value(2023).run()
    other = view()
    at.selectbox(key="jahr").set_value(2024).run()
    assert not at.exception
    again = view()
    assert again == first
    assert other[0] != first[0] and other[1] != first[1]  # 2023 has figures of its own
    assert " 2024" in at.title[0].value


def test_the_time_series_is_the_same_in_every_year_but_for_the_highlighted_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Zeitreihe shows all years: another year changes only which budget bar stands out; its source line and
    its files speak of every year, not of the year in the sidebar."""
    downloads = Downloads(monkeypatch)
    at = open_app("app_pages/zeitreihe.py", jahr="2024")
    before = chart_specs(at)
    at.selectbox(key="jahr").set_value(2022).run()
    assert not at.exception
    after = chart_specs(at)
    # The spending path within a year is the one chart of the chosen year (with its projection to 31.12.).
    path = next(i for i, spec in enumerate(before) if "im Jahresverlauf" in spec["layout"]["title"]["text"])
    assert [s for i, s in enumerate(after) if i not in (0, path)] == [
        s for i, s in enumerate(before) if i not in (0, path)
    ]
    assert [spec[path]["layout"]["title"]["text"] for spec in (before, after)] == [
        "Verausgabte Mittel Hessen im Jahresverlauf",
    ] * 2
    colours = [spec["data"][0]["marker"]["color"] for spec in (before[0], after[0])]
    years = before[0]["data"][0]["x"]
    assert [years[c.index(ACCENT)] for c in colours] == ["2024", "2022"]
    source = before[1]["layout"]["annotations"][0]["text"]
    assert "Projektlisten 2021–2025" in source and "Stichtag 30.09.2025" in source

    at.session_state["numbers_aqb_zeitreihe_haushaltsmittel_Hessen"] = True
    at.run()
    sheet = load_workbook(io.BytesIO(downloads.file(at, "table_xlsx_aqb_zeitreihe_haushaltsmittel_Hessen")))
    meta = {row[0]: row[1] for row in sheet["Metadaten"].iter_rows(values_only=True)}
    assert meta["Jahr"] == "alle"
    assert "Projektlisten 2021–2025" in meta["Quelle"]


def test_a_districts_budgets_over_the_years_name_every_year_as_their_source() -> None:
    at = open_app("app_pages/gebietskoerperschaft.py", jahr="2024", kreis="Waldeck-Frankenberg")
    notes = {
        spec["layout"]["title"]["text"].replace("<br>", " "): spec["layout"]["annotations"][0]["text"]
        for spec in chart_specs(at)
    }  # a long title breaks over two lines in the narrow column
    assert "Projektlisten 2021–2025" in notes["Haushaltsmittel Waldeck-Frankenberg über die Jahre"]
    assert "Projektlisten 2024 " in notes["Verteilung der Mittel 2024"]


def test_with_every_import_undone_the_analysis_pages_say_there_is_nothing_yet(fresh_db: Path) -> None:
    store = open_store(fresh_db)  # filled with the demo data, then emptied again
    store.undo_last()
    assert store.load().agreements.empty
    analysis = [*PAGES[:5], "app_pages/export.py"]
    for page in analysis:
        at = open_app(page)
        assert [i.value for i in at.main.info] == [NO_DATA], page
    for page in ("app_pages/hochladen.py", "app_pages/zielvereinbarung.py", "app_pages/verlauf.py"):
        assert open_app(page).title, page  # adding data still works
