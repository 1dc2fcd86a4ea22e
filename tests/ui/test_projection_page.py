"""The year-end projection on Zielerreichung, Gebietskörperschaft, Zeitreihe and Methodik through AppTest: the
figures shown are the engine's, in German formats, never "nan"."""

from __future__ import annotations

import json
import re
from datetime import date

from streamlit.testing.v1 import AppTest

from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.projection import backtest, projection, scope_projection
from aqb_data.domain.formatting import format_eur, format_percent
from aqb_data.present.views import backtest_sentence
from aqb_data.read.files import bundled_data
from tests.ui.test_pages import metrics, open_app

YEAR = 2025
DARMSTADT = "06411"
GERMAN_EUR = re.compile(r"^\d{1,3}(\.\d{3})* €$")


def _texts(at: AppTest) -> list[str]:
    return [e.value for e in (*at.markdown, *at.caption, *at.info)] + [m.value for m in at.metric]


def _no_nan(at: AppTest) -> None:
    assert not [t for t in _texts(at) if re.search(r"\bnan\b", str(t), re.IGNORECASE)]


def _frame_with(at: AppTest, heading: str):
    frames = [f.value for f in at.dataframe if heading in f.value.columns]
    assert frames, f"no table with {heading!r}"
    return frames[0]


def test_zielerreichung_shows_the_projection_per_district_at_the_stichtag() -> None:
    at = open_app("app_pages/zielerreichung.py")
    at.select_slider(key="stichtag").set_value(date(YEAR, 6, 30)).run()
    data = bundled_data()
    land = scope_projection(data, Selection(YEAR), date(YEAR, 6, 30))
    shown = metrics(at)
    assert shown["voraussichtlich verausgabt"] == format_eur(land["projected_eur"])
    assert GERMAN_EUR.match(shown["voraussichtlich verausgabt"])
    assert shown["80 %-Intervall"] == f"von {format_eur(land['low_eur'])}"
    interval = next(m for m in at.metric if m.label == "80 %-Intervall")
    assert interval.delta == f"bis {format_eur(land['high_eur'])}"
    assert shown["voraussichtlich nicht verausgabt (€)"] == format_eur(land["unspent_eur"])
    districts = _frame_with(at, "voraussichtlich nicht verausgabt ggü. § 4 (€)")
    assert len(districts) == 26
    engine = projection(data, Selection(YEAR), "district", date(YEAR, 6, 30)).set_index("unit_label")
    first = districts.iloc[0]
    assert first["voraussichtlich verausgabt"] == engine.loc[first["Gebietskörperschaft"], "projected_eur"]
    assert first["Ältester Bericht"].date() <= date(YEAR, 6, 30)
    assert any("Hessen: voraussichtlich verausgabt" in c.value for c in at.caption)
    _no_nan(at)


def test_zielerreichung_of_one_district_projects_its_measure_types_and_projects() -> None:
    at = open_app("app_pages/zielerreichung.py", jahr=str(YEAR), kreis="Darmstadt")
    district = scope_projection(bundled_data(), Selection(YEAR, ags=DARMSTADT))
    assert metrics(at)["voraussichtlich verausgabt"] == format_eur(district["projected_eur"])
    assert len(_frame_with(at, "Maßnahmenart")) >= 1
    projects = _frame_with(at, "Hinweis")
    assert "Bericht vom" in projects.columns and "voraussichtlich verausgabt" in projects.columns
    _no_nan(at)


def test_gebietskoerperschaft_shows_the_districts_projection() -> None:
    at = open_app("app_pages/gebietskoerperschaft.py", jahr=str(YEAR), kreis="Darmstadt")
    district = scope_projection(bundled_data(), Selection(YEAR, ags=DARMSTADT))
    assert metrics(at)["voraussichtlich nicht verausgabt (€)"] == format_eur(district["unspent_eur"])
    assert any(s.value == f"Hochrechnung zum Jahresende {YEAR}" for s in at.main.header)
    _no_nan(at)


def test_zeitreihe_draws_the_spending_path_with_the_projection_band() -> None:
    at = open_app("app_pages/zeitreihe.py", jahr=str(YEAR))
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    path = [s for s in specs if "im Jahresverlauf" in s["layout"]["title"]["text"]]
    assert path, "no spending path chart"
    names = [trace.get("name") for trace in path[0]["data"]]
    assert {"80 %-Intervall", f"{YEAR} Hochrechnung", f"{YEAR} berichtet", str(YEAR - 1)} <= set(names)
    _no_nan(at)


def test_methodik_states_the_method_and_the_backtest_on_the_data_shown() -> None:
    at = open_app("app_pages/methodik.py")
    assert any("voraussichtlich verausgabt" in m.value for m in at.markdown)
    shown = _frame_with(at, "Intervall traf (Soll 80 %)")
    engine = backtest(bundled_data())
    assert len(shown) == len(engine)
    assert shown["Mittlere Abweichung (MAPE)"].tolist() == engine["mape"].tolist()
    _no_nan(at)


def test_every_projection_says_how_well_it_did_in_earlier_years_at_the_same_day() -> None:
    """Beside the projection stands its companion figure: the backtest's error and interval coverage for the same
    calendar day and kind of unit, as the methods page's table gives it."""
    data = bundled_data()
    expected = backtest(data)
    row = expected[(expected["stichtag_label"] == "30.09.") & (expected["level"] == "land")].iloc[0]
    sentence = backtest_sentence(data, "land", date(2025, 9, 30))
    assert sentence.startswith(f"Verlässlichkeit: Zum 30.09. lag die Hochrechnung {row['years']} für Hessen")
    assert f"im Mittel {format_percent(row['mape'])} neben" in sentence
    assert f"traf in {format_percent(row['coverage'])} der Fälle" in sentence
    assert "keinen Rückblick" in backtest_sentence(data, "district", date(2025, 8, 15))
    at = open_app("app_pages/zielerreichung.py", jahr="2025")
    assert sentence in [c.value.replace("\\", "") for c in at.caption]
