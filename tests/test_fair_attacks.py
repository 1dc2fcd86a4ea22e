"""Attacks on the fair comparison (issue 19), from the attacker's side: hostile links, hostile names in uploaded
reports, a hostile target-group list and numbers at their edges. Every input is written here by hand, not made by
the project's generators; every test asserts what a user sees (a message, a cell, a legend), never a traceback."""

from __future__ import annotations

import csv as csv_module
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from aqb_data import paths
from aqb_data.analysis.comparison import INDICATORS, district_comparison, geojson, position_text, ranking
from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.portfolio import NO_ENTRY, OTHER_TARGET_GROUP, fold_target_group, target_group_rules
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import load_districts
from aqb_data.export.meeting_pack.content import district_pack
from aqb_data.export.tables import table_csv, table_xlsx
from aqb_data.present.charts import distribution, district_map, quantile_classes
from aqb_data.present.views import View, benchmark_view, group_summary_view
from aqb_data.read.workbook import XLSX_MIME
from tests.factory import agreements_table, progress_table, projects_table, rows_xml, worksheet, xlsx_package
from tests.markdown_payloads import AGREEMENTS, PROGRESS, PROJECTS
from tests.screen import Downloads
from tests.ui.test_markdown_attacks import markdown_bodies
from tests.ui.test_pages import open_app

WERRA = "Werra-Meißner-Kreis"
WALDECK = "Waldeck-Frankenberg"
WORD_JOINER = "\u2060"


def _as_rendered(text: str) -> str:
    """What CommonMark shows of a body: backslash escapes resolved, the invisible word joiners dropped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text).replace(WORD_JOINER, "")


# A payload of these tests as Markdown or Streamlit would render it, unescaped: emphasis, a link, raw HTML, a
# directive (the app's own Markdown, such as "**Demodaten**", is not a payload).
_RAW_MARKDOWN = re.compile(
    r"(?<!\\)(\*\*(fett|x|quantile)|\]\(javascript|<img|<b>|<a |<script>|:red\[rot)|javascript:alert"
)


def _warnings(at: AppTest) -> list[str]:
    return [w.value for w in [*at.main.warning, *at.sidebar.warning] if "Demodaten" not in w.value]


# --- 1. the link ------------------------------------------------------------------------------------------------

LOOK_ALIKES = [
    "Gibt es nicht",
    "K\u0430ssel (Stadt)",  # a Cyrillic "а": looks like Kassel, is not
    "Fulda ",  # a space at the end
    unicodedata.normalize("NFD", "Groß-Gerau ") + "\u0301",  # a combining accent at the end
]


@pytest.mark.parametrize("page", ["app_pages/vergleich.py", "app_pages/zielerreichung.py"])
def test_a_linked_comparison_set_names_the_districts_it_leaves_out(page: str) -> None:
    at = open_app(page, kreis=WERRA, vergleich=[*LOOK_ALIKES, "Fulda", "Vogelsbergkreis"])
    assert at.multiselect(key="vergleich").value == ["Fulda", "Vogelsbergkreis"]
    said = [w for w in _warnings(at) if "Vergleichsauswahl" in w]
    assert len(said) == 1
    assert _as_rendered(said[0]) == (
        "Aus dem Link nicht in die eigene Vergleichsauswahl übernommen, weil keine Gebietskörperschaft so heißt: "
        "„Gibt es nicht“, „K\u0430ssel (Stadt)“, „Fulda “ und 1 weiterer."
    )


def test_three_hundred_values_in_the_link_give_one_set_and_at_most_one_short_message() -> None:
    at = open_app("app_pages/vergleich.py", kreis=WERRA, vergleich=["Fulda"] * 300)
    assert at.multiselect(key="vergleich").value == ["Fulda"]
    assert _warnings(at) == []  # a repeated name is one name, nothing to say
    at = open_app("app_pages/vergleich.py", kreis=WERRA, vergleich=[f"Kreis {n}" for n in range(300)])
    assert at.multiselect(key="vergleich").value == []
    said = [w for w in _warnings(at) if "Vergleichsauswahl" in w]
    assert len(said) == 1 and said[0].endswith("„Kreis 0“, „Kreis 1“, „Kreis 2“ und 297 weitere.")
    assert len(said[0]) < 250


PAYLOADS = ["**x**", "<img src=x onerror=alert(1)>", "[a](javascript:alert(1))"]


def test_markdown_and_html_in_a_linked_set_are_named_as_text() -> None:
    at = open_app("app_pages/vergleich.py", kreis=WERRA, vergleich=PAYLOADS)
    said = [w for w in _warnings(at) if "Vergleichsauswahl" in w]
    assert len(said) == 1
    assert not _RAW_MARKDOWN.search(said[0]), said[0]
    assert _as_rendered(said[0]).endswith("„**x**“, „<img src=x onerror=alert(1)>“, „[a](javascript:alert(1))“.")


def test_an_unknown_indicator_or_colour_scale_in_the_link_is_said_and_the_first_shown() -> None:
    at = open_app("app_pages/vergleich.py", kennzahl="<b>Auslastung</b>", skala="**quantile**")
    assert at.selectbox(key="kennzahl").value == "budget_eur"
    assert at.button_group(key="skala").value == "stetig"
    assert [_as_rendered(w) for w in _warnings(at)] == [
        "Die Kennzahl „<b>Auslastung</b>“ aus dem Link gibt es nicht; gezeigt wird Haushaltsmittel.",
        "Die Farbskala „**quantile**“ aus dem Link gibt es nicht; gezeigt wird „stetig“.",
    ]
    assert not [w for w in _warnings(at) if _RAW_MARKDOWN.search(w)]


def test_the_last_value_of_a_single_choice_counts_and_a_valid_one_is_not_complained_about() -> None:
    at = open_app("app_pages/vergleich.py", kennzahl=["quatsch", "Auslastung"], skala="Quantilklassen")
    assert at.selectbox(key="kennzahl").value == "occupancy"
    assert at.button_group(key="skala").value == "quantile"
    assert _warnings(at) == []


def test_the_order_of_all_projects_from_a_link_takes_true_or_false_and_names_anything_else() -> None:
    at = open_app("app_pages/projekte.py", unterausgelastet="TRUE")
    assert at.toggle(key="unterausgelastet").value is True
    assert _warnings(at) == []
    at = open_app("app_pages/projekte.py", unterausgelastet="[ja](javascript:alert(1))", stichtag="31.02.2025")
    assert at.toggle(key="unterausgelastet").value is False
    shown = [_as_rendered(w) for w in _warnings(at)]
    assert shown == [
        "Den Stichtag „31.02.2025“ aus dem Link gibt es für 2025 nicht; gezeigt wird 30.09.2025.",
        "„[ja](javascript:alert(1))“ aus dem Link ist für „Unterausgelastete zuerst“ weder true noch false; die "
        "Projekte stehen in der üblichen Reihenfolge.",
    ]
    assert not [w for w in _warnings(at) if _RAW_MARKDOWN.search(w)]


# --- 2. hostile names from an uploaded report -------------------------------------------------------------------

HTML_NAME = '<a href="javascript:alert(1)">Klick</a> <b>fett</b> <script>alert(1)</script>'
FORMULA = '=HYPERLINK("http://127.0.0.1:9/","Bitte klicken")'
LONG = "Langer Name " + "L" * 5000
BROKEN_LINES = "Zeile eins\nZeile zwei"
# name → (Träger, Zielgruppe, planned places, entries): every name and Träger hostile, some occupancies low.
HOSTILE = {
    HTML_NAME: ("<b>Träger</b> [x](javascript:alert(1))", "Jugendliche <script>x</script>", 20, 2),
    FORMULA: ("+1 Träger", "@SUM(A1:A9)", 20, 18),
    "@SUM(A1:A2)": (FORMULA, "=1+1", 20, 3),
    LONG: ("Träger " + "T" * 5000, "Z" * 5000, 20, 4),
    BROKEN_LINES: ("Träger\nmit Umbruch", "Frauen\nund Mütter", 3, 1),
    "**fett** :red[rot] $x^2$": ("-1 Träger", "", 20, 19),
}
HEADINGS = {"Zielvereinbarungen": AGREEMENTS, "Projekte": PROJECTS, "Umsetzungsstand": PROGRESS}


def _hostile_workbook() -> bytes:
    """Waldeck-Frankenberg's report for 2025 with hostile names, zipped from hand-written XML (inline strings, so
    "=HYPERLINK(…)" is text as a district's spreadsheet would hold it, not a formula)."""

    projects = [
        [2025, "06635", 1 + number % 4, name, provider, group or None, 10_000, places, "Bericht"]
        for number, (name, (provider, group, places, _)) in enumerate(HOSTILE.items())
    ]
    progress = [
        [2025, "06635", name, "30.09.2025", 5_000, entries, 0, "Bericht"]
        for name, (_, _, _, entries) in HOSTILE.items()
    ]
    sheets = {
        "Zielvereinbarungen": [HEADINGS["Zielvereinbarungen"], [2025, "06635", 800_000, "Bericht"]],
        "Projekte": [HEADINGS["Projekte"], *projects],
        "Umsetzungsstand": [HEADINGS["Umsetzungsstand"], *progress],
    }
    return xlsx_package({name: worksheet(rows_xml(rows)) for name, rows in sheets.items()})


@pytest.fixture(scope="module")
def hostile_upload(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database with the demo data and, through the upload page, the hostile report for Waldeck-Frankenberg."""

    path = tmp_path_factory.mktemp("fair_attacks") / "aqb.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AQB_DB", str(path))
        at = open_app("app_pages/hochladen.py")
        at.file_uploader[0].set_value([("bericht.xlsx", _hostile_workbook(), XLSX_MIME)]).run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        next(b for b in at.button if b.label == "Übernehmen").click().run()
        assert not at.exception
        yield path


def _open_on(db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str | list[str]) -> AppTest:
    monkeypatch.setenv("AQB_DB", str(db))
    return open_app(page, **params)


def test_all_projects_shows_hostile_names_as_text_and_its_files_hold_no_formula(
    hostile_upload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    downloads = Downloads(monkeypatch)
    at = _open_on(hostile_upload, monkeypatch, "app_pages/projekte.py", kreis=WALDECK, unterausgelastet="true")
    assert not [b for b in markdown_bodies(at) if _RAW_MARKDOWN.search(b)]
    projects = next(df.value for df in at.dataframe if "Unterausgelastet" in df.value.columns)
    assert set(projects["Projekt"]) == set(HOSTILE)  # as written, in a table (text, not Markdown)
    assert projects["Projekt"].iloc[0] == HTML_NAME  # the lowest occupancy first (2 of 20 places)
    for title in ("Alle_Projekte", "nach_Traegern", "nach_Zielgruppen"):
        files = {b.proto.label: b.proto.id for b in downloads.buttons(at) if title in b.proto.id}
        book = load_workbook(io.BytesIO(downloads.file(at, files["Excel"])))
        cells = [cell for row in book["Daten"].iter_rows() for cell in row if isinstance(cell.value, str)]
        formulas = [c for c in cells if c.value.lstrip()[:1] in ("=", "+", "-", "@")]
        assert formulas, title  # the payloads reach the file …
        assert all(c.data_type == "s" and c.quotePrefix for c in formulas), title  # … as text Excel keeps text
        assert not [c.value for c in cells if re.search(r"\bnan\b|\bNone\b", c.value)]
        csv = downloads.file(at, files["CSV"]).decode("utf-8-sig")
        fields = [field for row in csv_module.reader(io.StringIO(csv), delimiter=";") for field in row]
        assert [f for f in fields if f.startswith("'")], title  # neutralised with a visible apostrophe
        assert not [f for f in fields if f.lstrip()[:1] in ("=", "+", "@")], title
    texts = {c.value for c in cells}
    assert LONG in {str(v) for v in projects["Projekt"]} and not [t for t in texts if len(t) > 32_767]


def test_the_distribution_of_projects_names_hostile_projects_as_short_plain_text(
    hostile_upload: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _open_on(hostile_upload, monkeypatch, "app_pages/vergleich.py", kreis=WALDECK, kennzahl="Auslastung")
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    spec = next(s for s in specs if "über alle Projekte" in s["layout"]["title"]["text"])
    hovers = [text for trace in spec["data"] for text in trace.get("hovertext") or []]
    labels = [note["text"] for note in spec["layout"]["annotations"] if note.get("showarrow")]
    assert len(labels) == len(HOSTILE)  # Waldeck's projects are named beside their dots
    texts = [*hovers, *labels]
    # Plotly's HTML subset: only the figure's own <b> and <br> are markup; the names' tags are shown as text.
    assert not [t for t in texts if re.search(r"<(?!/?b>|br>)", t)]
    assert any('&lt;a href="javascript:alert(1)"&gt;Klick&lt;/a&gt;' in t for t in hovers)
    # A name cut beside its dot is cut as written, never inside "&lt;" (which would show "&l…").
    assert not [t for t in labels if re.search(r"&[#\w]*…", t)]
    assert '&lt;a href="javascript:alert(1)"&gt;Klick&lt;/a&gt;…' in labels  # 39 characters as written
    # One line each, and a name of 5.000 characters is cut in its hover too.
    assert not [t for t in texts if "\n" in t]
    assert "Zeile eins Zeile zwei" in labels
    long_hover = next(t for t in hovers if "Langer Name" in t)
    assert len(long_hover) < 300 and "L…" in long_hover


# --- 3. the target-group list -----------------------------------------------------------------------------------


@pytest.fixture
def rules_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A target-group list of the test's own in place of data/zielgruppen.toml (written by the test)."""

    path = tmp_path / "zielgruppen.toml"
    monkeypatch.setattr(paths, "TARGET_GROUPS", path)
    target_group_rules.cache_clear()
    yield path
    target_group_rules.cache_clear()


BROKEN_LISTS = {
    "no TOML": "[[gruppe]\nname = ",
    "keywords not a list": '[[gruppe]]\nname = "Frauen"\nstichworte = "frauen"\n',
    "no name": '[[gruppe]]\nstichworte = ["x"]\n',
    "no group": 'titel = "leer"\n',
    "blank keyword": '[[gruppe]]\nname = "Leer"\nstichworte = ["  "]\n',
    "not UTF-8": b'[[gruppe]]\nname = "M\xfctter"\nstichworte = ["m"]\n',
}


@pytest.mark.parametrize("content", BROKEN_LISTS.values(), ids=BROKEN_LISTS.keys())
def test_a_broken_target_group_list_is_said_in_german_on_the_methods_page_and_on_all_projects(
    rules_file: Path, content: str | bytes
) -> None:
    if isinstance(content, bytes):
        rules_file.write_bytes(content)
    else:
        rules_file.write_text(content, encoding="utf-8")
    for page in ("app_pages/methodik.py", "app_pages/projekte.py"):
        at = open_app(page)  # no exception, no traceback
        errors = [e.value for e in at.error]
        assert len(errors) == 1 and errors[0].startswith("Die Zielgruppen-Datei zielgruppen.toml"), (page, errors)


def test_names_and_keywords_of_the_list_are_text_and_keywords_are_no_patterns(rules_file: Path) -> None:

    rules_file.write_text(
        "[[gruppe]]\n"
        'name = "[Bitte klicken](javascript:alert(1)) <b>fett</b>"\n'
        'stichworte = ["u.25", "(a|b)", "**x**"]\n'
        "[[gruppe]]\n"
        'name = "Alle"\n'
        'stichworte = [".*"]\n',
        encoding="utf-8",
    )
    assert fold_target_group("Jugendliche u.25") == "[Bitte klicken](javascript:alert(1)) <b>fett</b>"
    assert fold_target_group("Jugendliche u 25") == OTHER_TARGET_GROUP  # "." is a dot, not any character
    assert fold_target_group("a oder b") == OTHER_TARGET_GROUP
    assert fold_target_group("Gruppe (A|B)") == fold_target_group("**X** Gruppe") != OTHER_TARGET_GROUP
    assert fold_target_group("irgendwer") == OTHER_TARGET_GROUP  # ".*" matches only ".*"
    assert fold_target_group("Sterne .* im Namen") == "Alle"
    at = open_app("app_pages/methodik.py")
    rules = next(m.value for m in at.markdown if "Stichworten" in m.value)
    assert not _RAW_MARKDOWN.search(rules), rules
    assert "- **\\[Bitte klicken\\](javascript:\u2060alert(1)) \\<b\\>fett\\</b\\>**: " in rules
    assert "„\\*\\*x\\*\\*“" in rules


@pytest.mark.parametrize("written", [None, float("nan"), pd.NA, "", "   ", "\n\t", np.nan], ids=lambda v: repr(v))
def test_a_missing_or_blank_target_group_is_without_entry(written: object) -> None:

    assert fold_target_group(written) == NO_ENTRY


def test_many_long_target_groups_are_each_folded_by_the_first_matching_keyword() -> None:

    rules = target_group_rules()
    filler = "Teilnehmende aus dem Landkreis mit besonderem Bedarf an Begleitung, " * 15  # about 1 KB each
    kinds = {
        "Junge Geflüchtete": "Geflüchtete / Zugewanderte",  # the special group before the general one
        "JUGENDLICHE\u00a0 U25": "Jugendliche / junge Erwachsene",  # any case, any white space
        "Rentnerinnen": OTHER_TARGET_GROUP,
    }
    written = {f"{filler}{kind} Nr. {n}": category for n in range(2_000) for kind, category in kinds.items()}
    assert len(written) == 6_000 and min(map(len, written)) > 1_000
    assert {w: fold_target_group(w, rules) for w in written} == written


# --- 4. numbers at their edges -----------------------------------------------------------------------------------

NOT_SHOWN = re.compile(r"\bnan\b|\bNone\b|\binf\b|<NA>|NaT", re.IGNORECASE)
ALL_AGS = [
    "06411", "06412", "06413", "06414", "06431", "06432", "06433", "06434", "06435", "06436", "06437", "06438",
    "06439", "06440", "06531", "06532", "06533", "06534", "06535", "06611", "06631", "06632", "06633", "06634",
    "06635", "06636",
]  # fmt: skip
WALDECK_AGS = "06635"


def _equal_districts(places: dict[str, int | None] | None = None, entries: int = 15, exits: int = 12) -> AqbData:
    """2025 with one project per district, all alike: 20.000 € budget, 10.000 € planned and 5.000 € spent, 20
    planned places (or `places`), `entries` and `exits` by 30.06.2025."""

    places = places or {}
    projects = projects_table([(ags, 2025, 1, f"Projekt {ags}", 10_000.0) for ags in ALL_AGS])
    projects["planned_places"] = pd.Series([places.get(ags, 20) for ags in ALL_AGS], dtype="Int64")
    progress = progress_table([(ags, 2025, f"Projekt {ags}", "2025-06-30", 5_000.0) for ags in ALL_AGS])
    progress["entries"] = pd.Series([entries] * 26, dtype="Int64")
    progress["exits"] = pd.Series([exits] * 26, dtype="Int64")
    progress["to_training"] = pd.Series([exits // 2] * 26, dtype="Int64")
    agreements = agreements_table([(ags, 2025, 20_000.0) for ags in ALL_AGS])
    return AqbData(agreements, projects, progress, ("hand.xlsx",))


def _screen_and_files(view: View) -> list[str]:
    """Every text of a view as the screen, its xlsx and its csv show it."""

    texts = [str(v) for v in view.cells().to_numpy().ravel()] + list(view.lines)
    book = load_workbook(io.BytesIO(table_xlsx(view.frame, view.columns, [("Titel", view.title)])))
    texts += [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value]
    csv = table_csv(view.frame, view.columns).decode("utf-8-sig")
    texts += [field for row in csv_module.reader(io.StringIO(csv), delimiter=";") for field in row]
    return texts


def test_a_district_equal_to_all_its_peers_lies_on_the_median_not_in_the_lower_quarter() -> None:

    view = benchmark_view(_equal_districts(), Selection(2025, ags=WALDECK_AGS), tuple(ALL_AGS))
    cells = view.cells().set_index("Kennzahl")
    for indicator in ("Haushaltsmittel", "Mittelabfluss", "Auslastung", "Übergangsquote"):
        assert cells.loc[indicator, "Lage (Gruppe)"] == "am Median (Quartile gleich)", indicator
        assert cells.loc[indicator, "Lage (Auswahl)"] == "am Median (Quartile gleich)", indicator
    assert cells.loc["Auslastung", "Median (Gruppe)"] == "75,0 %"  # 15 entries on 20 places, everywhere
    assert not [t for t in _screen_and_files(view) if NOT_SHOWN.search(t)]


def test_on_the_median_tied_with_the_lower_quartile_is_the_second_quarter() -> None:

    stats = {"q1": 0.5, "median": 0.5, "q3": 0.6, "n": 4, "n_limited": 0, "n_missing": 0}  # 0,5 0,5 0,5 0,9
    assert position_text(0.5, False, stats) == "zweites Viertel"
    assert position_text(0.4, False, stats) == "unteres Viertel"
    assert position_text(0.9, False, stats) == "oberes Viertel"


def test_zero_missing_and_negative_places_and_a_group_all_of_limited_significance_show_no_nan() -> None:

    # Waldeck plans 0 places, Kassel (Stadt) none, Fulda -5 (only a hand-built table can hold that); 3 exits
    # everywhere: every transition rate rests on too few cases.
    data = _equal_districts({WALDECK_AGS: 0, "06611": None, "06631": -5}, entries=4, exits=3)
    selection = Selection(2025, ags=WALDECK_AGS)
    for chosen in ((), (WALDECK_AGS,), tuple(ALL_AGS)):
        view = benchmark_view(data, selection, chosen)
        assert not [t for t in _screen_and_files(view) if NOT_SHOWN.search(t)], chosen
        cells = view.cells().set_index("Kennzahl")
        assert cells.loc["Auslastung", WALDECK] == "–"  # 0 places: no rate, not 0 %
        assert cells.loc["Übergangsquote", "Lage (Gruppe)"] == "nicht eingeordnet (◊)"
        assert cells.loc["Übergangsquote", "Median (Gruppe)"] == "–"  # every value of limited significance
        assert ("Lage (Auswahl)" in cells) == (len(chosen) > 1)  # the district alone is no set of its own
    comparison = district_comparison(data, selection)
    for key in INDICATORS:
        if key == "status":
            continue
        view = group_summary_view(data, selection, key, tuple(ALL_AGS))
        assert not [t for t in _screen_and_files(view) if NOT_SHOWN.search(t)], key
        ranked = ranking(comparison, key)
        assert not [t for t in ranked["rank_flag"] if NOT_SHOWN.search(t)], key
    unranked = ranking(comparison, "transition_rate")
    assert unranked["rank"].isna().all()  # none ranked …
    assert unranked["rank_flag"].str.startswith("◊ eingeschränkt aussagekräftig (3 Austritte)").all()  # … all said


def test_a_ranking_with_no_value_at_all_ranks_nobody_and_says_nothing_odd() -> None:

    districts = load_districts()
    comparison = districts[["ags", "label", "regierungsbezirk", "group"]].assign(
        occupancy=np.nan, n_places=np.nan, limited=[()] * 26
    )
    ranked = ranking(comparison, "occupancy")
    assert len(ranked) == 26 and ranked["rank"].isna().all()
    assert set(ranked["rank_flag"]) == {""}


def test_quantile_classes_leave_out_infinite_values_and_never_name_a_class_with_a_dash() -> None:

    values = pd.Series([0.1, 0.2, 0.3, 0.4, math.inf, -math.inf, np.nan, 0.5])
    bounds, labels, members = quantile_classes(values, "percent")
    assert all(math.isfinite(b) for b in bounds)
    assert labels and not [label for label in labels if "–" in label]
    assert members[[4, 5, 6]].isna().all() and members[[0, 1, 2, 3, 7]].notna().all()
    districts = load_districts()
    frame = districts[["ags", "label", "group"]].assign(occupancy=np.linspace(0.1, 0.9, 26), limited=[()] * 26)
    frame.loc[frame["ags"] == WALDECK_AGS, "occupancy"] = math.inf
    for classes in ("stetig", "quantile"):
        spec = district_map(frame, "occupancy", "Auslastung", "percent", geojson(), "", classes).to_plotly_json()
        grey = next(t for t in spec["data"] if t["name"] == "ohne Wert")
        assert list(grey["locations"]) == [WALDECK_AGS], classes  # drawn grey, like a district without a value
        names = [t["name"] for t in spec["data"]]
        assert not [n for n in names if n and "–" in n], classes
    figure = distribution(frame, "occupancy", "label", frame["ags"].eq(WALDECK_AGS), "T", "", "percent")
    assert figure.layout.title.subtitle.text.startswith("25 Werte · ohne Wert: 1")
    assert all(math.isfinite(v) for v in figure.layout.xaxis.range)


def test_the_district_pack_slide_beside_similar_districts_says_on_the_median_and_shows_no_nan() -> None:

    pack = district_pack(_equal_districts(entries=4, exits=3), 2025, WALDECK_AGS)
    slides = [s for s in pack.slides if s.title.startswith("Im Vergleich mit ähnlichen Gebietskörperschaften")]
    assert slides
    table = pd.concat([s.table for s in slides if s.table is not None]).set_index("Kennzahl")
    assert table.loc["Haushaltsmittel", "Lage (Gruppe)"] == "am Median (Quartile gleich)"
    assert table.loc["Übergangsquote", "Lage (Gruppe)"] == "nicht eingeordnet (◊)"  # 3 exits: too few
    texts = [*(line for s in slides for line in s.shown_lines), *map(str, table.to_numpy().ravel())]
    assert not [t for t in texts if NOT_SHOWN.search(t)]
