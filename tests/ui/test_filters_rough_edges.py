"""The sidebar filters without rough edges: Regierungsbezirke named as such, districts narrowed to the chosen one,
the year kept in the address bar as in the copied link, measure types readable; no code names for analysts."""

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from aqb_data.domain.districts import load_districts
from tests.ui.test_pages import open_app

KASSEL_DISTRICTS = sorted(load_districts().query("regierungsbezirk == 'Kassel'")["label"])


def _address_bar(at: object) -> dict[str, list[str]]:
    """The query the app leaves in the browser's address bar after the run."""
    return {key: value if isinstance(value, list) else [value] for key, value in at.query_params.items()}


def _copied_link(at: object) -> dict[str, list[str]]:
    return parse_qs(urlsplit(at.sidebar.code[0].value).query)


def test_regierungsbezirke_are_offered_by_their_full_name() -> None:
    at = open_app()
    assert at.selectbox(key="rb").options == [
        "Alle",
        "Regierungsbezirk Darmstadt",
        "Regierungsbezirk Gießen",
        "Regierungsbezirk Kassel",
    ]


@pytest.mark.parametrize("linked", ["Kassel", "Regierungsbezirk Kassel"])
def test_an_old_and_a_new_link_to_a_regierungsbezirk_open_it(linked: str) -> None:
    at = open_app(rb=linked)
    assert at.selectbox(key="rb").value == "Kassel"
    assert at.title[0].value == "Übersicht 2025 – Regierungsbezirk Kassel"
    assert not at.sidebar.warning
    assert _address_bar(at)["rb"] == _copied_link(at)["rb"] == ["Kassel"]  # the short, old spelling stays


def test_a_link_to_an_unknown_regierungsbezirk_says_so() -> None:
    at = open_app(rb="Marburg")
    assert [w.value for w in at.sidebar.warning] == [
        "„Marburg“ aus dem Link ist kein Regierungsbezirk; gezeigt wird ganz Hessen."
    ]
    assert at.title[0].value == "Übersicht 2025 – Hessen"
    assert "rb" not in _address_bar(at)


def test_the_allocation_chart_names_regierungsbezirke_as_such() -> None:
    at = open_app()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    units = {label for trace in spec["data"] for label in trace.get("y", [])}
    assert {"Hessen", "Regierungsbezirk Darmstadt", "Regierungsbezirk Gießen", "Regierungsbezirk Kassel"} <= units
    assert not units & {"Darmstadt", "Gießen", "Kassel"}


def test_the_district_list_is_narrowed_to_the_chosen_regierungsbezirk() -> None:
    at = open_app()
    assert len(at.selectbox(key="kreis").options) == 27  # Alle and the 26
    at.selectbox(key="rb").set_value("Kassel").run()
    assert at.selectbox(key="kreis").options == ["Alle", *KASSEL_DISTRICTS]
    at.selectbox(key="kreis").set_value("06631").run()  # Fulda
    assert at.title[0].value == "Übersicht 2025 – Fulda"
    at.selectbox(key="rb").set_value(None).run()  # all Regierungsbezirke again: the district stays, all 26 offered
    assert at.selectbox(key="kreis").value == "06631"
    assert len(at.selectbox(key="kreis").options) == 27


def test_a_linked_district_outside_the_linked_regierungsbezirk_still_wins() -> None:
    at = open_app(rb="Darmstadt", kreis="Waldeck-Frankenberg")
    options = at.selectbox(key="kreis").options
    assert options[0] == "Alle" and "Waldeck-Frankenberg" in options
    assert "Fulda" not in options  # otherwise the Regierungsbezirk Darmstadt's own
    assert at.selectbox(key="kreis").value == "06635"
    assert at.title[0].value == "Übersicht 2025 – Waldeck-Frankenberg"
    assert [w.value for w in at.sidebar.warning] == [
        "Waldeck-Frankenberg liegt im Regierungsbezirk Kassel, nicht im Regierungsbezirk Darmstadt; gezeigt wird "
        "die Gebietskörperschaft."
    ]


def test_choosing_another_regierungsbezirk_deselects_a_district_outside_it() -> None:
    at = open_app(kreis="Fulda")
    assert at.selectbox(key="rb").value == "Kassel"
    at.selectbox(key="rb").set_value("Darmstadt").run()
    assert at.selectbox(key="kreis").value is None
    assert at.title[0].value == "Übersicht 2025 – Regierungsbezirk Darmstadt"


@pytest.mark.parametrize("params", [{}, {"jahr": "2025"}, {"jahr": "2023", "rb": "Gießen"}, {"kreis": "Fulda"}])
def test_the_address_bar_keeps_the_year_as_the_copied_link_does(params: dict) -> None:
    at = open_app(**params)
    shown = _address_bar(at)
    assert shown["jahr"] == [params.get("jahr", "2025")]  # also the latest year
    assert {k: shown[k] for k in ("jahr", "rb", "kreis") if k in shown} == _copied_link(at)


def test_going_back_to_the_latest_year_keeps_it_in_the_address_bar() -> None:
    at = open_app()
    at.selectbox(key="jahr").set_value(2023).run()
    assert _address_bar(at)["jahr"] == _copied_link(at)["jahr"] == ["2023"]
    at.selectbox(key="jahr").set_value(2025).run()
    assert _address_bar(at)["jahr"] == _copied_link(at)["jahr"] == ["2025"]
    at.switch_page("app_pages/zielerreichung.py").run()
    assert _address_bar(at)["jahr"] == ["2025"]


def test_the_address_bar_follows_the_browser_back_to_another_year() -> None:
    at = open_app()
    at.selectbox(key="jahr").set_value(2023).run()
    at.query_params["jahr"] = "2024"  # the back button: an address this session did not write now
    at.run()
    assert at.selectbox(key="jahr").value == 2024
    assert at.title[0].value == "Übersicht 2024 – Hessen"


def test_measure_types_are_pills_with_their_whole_short_labels_and_old_links_work() -> None:
    at = open_app(ma=["1 Ausbildungsvorbereitung", "3 Qualifizierung"])
    pills = at.button_group(key="ma")
    assert pills.value == [1, 3]
    assert list(pills.options) == [
        "1 Ausbildungsvorbereitung",
        "2 Ausbildung & Coaching",
        "3 Qualifizierung",
        "4 Weiterbildung Personal",
    ]
    assert _copied_link(at)["ma"] == ["1 Ausbildungsvorbereitung", "3 Qualifizierung"]


CODE_NAMES = re.compile(r"\.py\b|aqb_data|THRESHOLDS|python -m|`[a-z]+_[a-z_]+`")


def test_the_methods_page_names_no_code_for_analysts() -> None:
    at = open_app("app_pages/methodik.py")
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "Es entscheidet die schlechtere der beiden Kennzahlen." in text  # the sentence is still there
    assert CODE_NAMES.findall(text) == []
    assert "`data/zielgruppen.toml`" in text  # a settings file IT changes may be named


def test_the_export_page_shows_no_command_line() -> None:
    at = open_app("app_pages/export.py")
    text = "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "Sitzungsmappe" in text
    assert "Kommandozeile" not in text and "python -m" not in text and "meeting-pack" not in text
