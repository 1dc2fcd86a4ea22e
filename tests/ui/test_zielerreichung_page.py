"""The Zielerreichung page through AppTest: the figures shown are the engine's, drill-down and way back."""

from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from aqb_data.analysis.achievement import achievement, thresholds_text
from aqb_data.analysis.indicators import Selection
from aqb_data.domain.formatting import format_eur, format_percent
from aqb_data.read.files import bundled_data

ROOT = Path(__file__).resolve().parents[2]


def open_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("app_pages/zielerreichung.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_land_figures_and_district_table_equal_the_engine() -> None:
    at = open_page()
    land = achievement(bundled_data(), Selection(2025), "land").iloc[0]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Mittelabfluss"] == format_percent(land["spending_rate"])
    assert shown["erwartet"] == format_percent(land["expected_rate"])
    assert shown["Auslastung"] == format_percent(land["occupancy"])
    assert shown["Kosten je Teilnehmer/in"] == format_eur(land["cost_per_participant"])
    # The Werra-Meißner-Kreis has not sent its 30.09.2025 report: its figures rest on 30.06.2025.
    assert at.caption[0].value.startswith(
        "Hessen: 112 von 117 Projekten mit Bericht; Stichtag der Berichte 30.06.2025–30.09.2025"
    )
    districts = at.dataframe[0].value
    assert len(districts) == 26
    assert districts["Status"].iloc[0] == "im Verzug"  # behind plan first
    engine = achievement(bundled_data(), Selection(2025), "district").set_index("unit_label")
    first = districts.iloc[0]
    assert first["Mittelabfluss"] == engine.loc[first["Gebietskörperschaft"], "spending_rate"]
    waldeck = districts.set_index("Gebietskörperschaft").loc["Waldeck-Frankenberg"]
    assert waldeck["Status"] == "keine Daten"  # the signed agreement: no amounts, no report yet


def test_an_earlier_stichtag_uses_the_reports_until_then() -> None:
    at = open_page()
    at.select_slider(key="stichtag").set_value(date(2025, 6, 30)).run()
    assert "Stichtag der Berichte 30.06.2025." in at.caption[0].value
    land = achievement(bundled_data(), Selection(2025), "land", as_of=date(2025, 6, 30)).iloc[0]
    assert {m.label: m.value for m in at.metric}["Mittelabfluss"] == format_percent(land["spending_rate"])


def test_a_district_shows_its_measure_types_and_projects_and_the_way_back() -> None:
    at = open_page(kreis="Lahn-Dill-Kreis")
    assert at.title[0].value == "Zielerreichung 2025 – Lahn-Dill-Kreis"
    # The achievement tables (the page also shows e.g. the agreement's versions and the projection).
    measure_types, projects = (d.value for d in at.dataframe if "Mittelabfluss" in d.value.columns)
    assert (len(measure_types), len(projects)) == (3, 6)
    # The chart's numbers, drawn once its expander is opened (which reruns the page).
    at.session_state["numbers_aqb_zielerreichung_Lahn-Dill-Kreis_2025"] = True
    at.run()
    chart_numbers = next(d.value for d in at.dataframe if "Einheit" in d.value.columns)
    assert set(chart_numbers["Einheit"]) == set(projects["Projekt"])  # the chart's numbers, one click away
    assert "Hessen › Regierungsbezirk Gießen › Lahn-Dill-Kreis" in [c.value for c in at.caption]
    next(b for b in at.button if b.label == "↩ zurück: Regierungsbezirk Gießen").click().run()
    assert at.title[0].value == "Zielerreichung 2025 – Regierungsbezirk Gießen"


def test_the_methods_page_prints_the_thresholds_in_force() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/methodik.py").run()
    texts = [m.value for m in at.markdown]
    assert thresholds_text() in texts
    assert "Abweichung unter −20 Pp. oder Auslastung unter 60 %" in thresholds_text()


def test_the_time_series_page_shows_the_engines_numbers_for_the_selection_and_hessen() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["kreis"] = "Kassel (Stadt)"
    at.run()
    at.switch_page("app_pages/zeitreihe.py").run()
    assert not at.exception
    assert at.title[0].value == "Zeitreihe – Kassel (Stadt)"
    for chart in ("haushaltsmittel", "je_einwohner"):  # open the two charts' numbers
        at.session_state[f"numbers_aqb_zeitreihe_{chart}_Kassel_Stadt"] = True
    at.run()
    budgets = at.dataframe[0].value
    assert list(budgets["Jahr"]) == [2021, 2022, 2023, 2024, 2025]
    assert budgets["Haushaltsmittel"].iloc[-1] == 1_146_770.0
    per_inhabitant = at.dataframe[1].value
    assert set(per_inhabitant["Gebiet"]) == {"Kassel (Stadt)", "Hessen"}
    # budgets, per inhabitant, measure types, achievement, the spending path with its projection, money that lapsed
    # (chart and its history per year)
    assert len(at.get("plotly_chart")) == 7


def test_a_link_with_a_stichtag_opens_the_same_view() -> None:
    at = open_page(stichtag="30.06.2025", kreis="Lahn-Dill-Kreis")
    assert at.select_slider(key="stichtag").value == date(2025, 6, 30)
    assert "Stichtag der Berichte 30.06.2025." in at.caption[0].value


def test_a_district_without_reports_says_so_instead_of_an_empty_chart() -> None:
    at = open_page(kreis="Waldeck-Frankenberg")  # the signed 2025 agreement: no report yet
    assert "Für Waldeck-Frankenberg liegt bis zum gewählten Stichtag noch kein Umsetzungsbericht" in at.info[0].value
    assert len(at.get("plotly_chart")) == 0


def test_a_link_with_an_impossible_stichtag_says_so() -> None:
    at = open_page(stichtag="31.02.2025")
    said = [w.value for w in at.main.warning]
    assert "Den Stichtag „31.02.2025“ aus dem Link gibt es für 2025 nicht; gezeigt wird 30.09.2025." in said
    assert at.select_slider(key="stichtag").value == date(2025, 9, 30)
