"""Money that lapsed on Gebietskörperschaft and Zeitreihe: the page shows the engine's figures."""

from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.lapse import lapse_by_level, lapse_history
from aqb_data.domain.formatting import format_eur, format_percent
from aqb_data.read.files import bundled_data
from tests.ui.test_pages import chart_specs, numbers, open_app
from ui.lapse import TITLE

HOCHTAUNUS = "06434"
CHART = "Verausgabt und nicht verausgabt"


def _lapse_chart(at: object) -> dict:
    return next(s for s in chart_specs(at) if s["layout"]["title"]["text"].startswith(CHART))


def test_district_page_shows_lapsed_money_per_closed_year_and_measure_type() -> None:
    data = bundled_data()
    history = lapse_history(data, Selection(2024, ags=HOCHTAUNUS))
    at = open_app("app_pages/gebietskoerperschaft.py", jahr="2025", kreis="Hochtaunuskreis")
    assert TITLE in [h.value for h in at.main.header]
    latest = history.iloc[-1]
    sentence = next(m.value for m in at.markdown if m.value.startswith("2024 blieben"))
    assert format_eur(latest["lapsed_eur"]) in sentence
    assert format_percent(latest["lapsed_share"]) in sentence
    spec = _lapse_chart(at)
    lapsed = next(t for t in spec["data"] if t["name"] == "Nicht verausgabt ggü. § 4")
    assert list(lapsed["x"]) == ["2021", "2022", "2023", "2024"]
    assert numbers(lapsed["y"]).round(2).tolist() == history["lapsed_eur"].round(2).tolist()
    table = next(d.value for d in at.dataframe if "Maßnahmenart" in d.value.columns and "Anteil am Plan" in d.value)
    assert set(table["Jahr"]) == {2021, 2022, 2023, 2024}
    # 2024: the budget in force on 31.12. is the reduced one (amended 01.10.2024).
    assert latest["budget_eur"] < data.agreements.query("ags == @HOCHTAUNUS and year == 2024")["budget_eur"].iloc[0]


def test_time_series_shows_hessens_lapsed_money_over_the_closed_years() -> None:
    land = lapse_by_level(bundled_data(), "land")
    at = open_app("app_pages/zeitreihe.py")
    assert TITLE in [h.value for h in at.main.header]
    spec = _lapse_chart(at)
    spent = next(t for t in spec["data"] if t["name"] == "Verausgabt zum 31.12.")
    assert numbers(spent["y"]).round(2).tolist() == land["spent_eur"].round(2).tolist()
    table = next(d.value for d in at.dataframe if "Nicht verausgabt ggü. § 4" in d.value.columns)
    assert table["Jahr"].tolist() == [2021, 2022, 2023, 2024]
    assert table["Nicht verausgabt ggü. § 4"].round(2).tolist() == land["lapsed_eur"].round(2).tolist()
    assert (table["Gebietskörperschaften mit Jahresabschluss"] == 26).all()
