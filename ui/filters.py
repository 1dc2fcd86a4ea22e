"""The global filters in the sidebar, bound to the URL so that a copied link reproduces the view."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from aqb_data.analysis.indicators import Selection
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import REGIERUNGSBEZIRKE, district_label, load_districts
from aqb_data.domain.model import MEASURE_TYPES
from ui.text import link_value

# URL parameter names (the widgets' keys).
YEAR, REGIERUNGSBEZIRK, DISTRICT, MEASURES = "jahr", "rb", "kreis", "ma"
CHOSEN = "vergleich"  # the analyst's own comparison set (Vergleich, Zielerreichung)
# The pages' own choices, kept in the copied link beside the filters.
PAGE_PARAMS = ("kennzahl", "skala", "stichtag", CHOSEN, "unterausgelastet")
ALL = "Alle"
_SELECTION = "_selection"


def _all_or(label: str | None) -> str:
    return ALL if label is None else label


def _district_label(ags: str | None) -> str:
    return ALL if ags is None else district_label(ags)


def _measure_label(code: int) -> str:
    return f"{code} {MEASURE_TYPES[code].short_label}"


def _regierungsbezirk_of(ags: str) -> str:
    return str(load_districts().set_index("ags").loc[ags, "regierungsbezirk"])


def _on_regierungsbezirk_change() -> None:
    """A district outside the newly chosen Regierungsbezirk is deselected."""
    ags = st.session_state.get(DISTRICT)
    rb = st.session_state.get(REGIERUNGSBEZIRK)
    if ags and rb and _regierungsbezirk_of(ags) != rb:
        st.session_state[DISTRICT] = None


def _on_district_change() -> None:
    """Choosing a district also chooses its Regierungsbezirk, so that both filters agree."""
    ags = st.session_state.get(DISTRICT)
    if ags:
        st.session_state[REGIERUNGSBEZIRK] = _regierungsbezirk_of(ags)


def _check_link(years: list[int]) -> None:
    """On opening a link: values that do not exist are said (as text, cut short), not silently replaced; a
    district also selects its Regierungsbezirk (the district wins where the two disagree)."""
    if DISTRICT in st.session_state:  # not the first run of this session: the widgets hold the state
        return
    year = st.query_params.get(YEAR)
    if year and year not in {str(y) for y in years}:
        st.sidebar.warning(
            f"Das Jahr „{link_value(year)}“ aus dem Link gibt es in den Daten nicht; gezeigt wird {max(years)}."
        )
    linked = st.query_params.get(DISTRICT)
    labels = load_districts().set_index("label")
    if linked and linked not in labels.index:
        st.sidebar.warning(
            f"„{link_value(linked)}“ aus dem Link ist keine Gebietskörperschaft; gezeigt wird ganz Hessen."
        )
    elif linked:
        st.session_state[REGIERUNGSBEZIRK] = labels.loc[linked, "regierungsbezirk"]


def select_district(ags: str | None) -> None:
    """Make `ags` the selected district, None for all (for use in a widget's callback)."""
    st.session_state[DISTRICT] = ags
    _on_district_change()


def sidebar_filters(data: AqbData, scope: str | None = None) -> Selection:
    """Draw the filters in the sidebar and return what they select. With a `scope` (a district user's own
    district) the district and its Regierungsbezirk are fixed, whatever a link asks for."""
    sidebar = st.sidebar
    sidebar.header("Filter")
    years = sorted(data.years, reverse=True)
    if scope:
        st.session_state[DISTRICT], st.session_state[REGIERUNGSBEZIRK] = scope, _regierungsbezirk_of(scope)
    else:
        _check_link(years)
    year = sidebar.selectbox("Jahr", years, key=YEAR, bind="query-params")
    rb = sidebar.selectbox(
        "Regierungsbezirk",
        [_regierungsbezirk_of(scope)] if scope else [None, *REGIERUNGSBEZIRKE],
        format_func=_all_or,
        key=REGIERUNGSBEZIRK,
        bind="query-params",
        on_change=_on_regierungsbezirk_change,
    )
    districts = load_districts().sort_values("label")
    ags = sidebar.selectbox(
        "Gebietskörperschaft",
        [scope] if scope else [None, *districts["ags"]],
        format_func=_district_label,
        key=DISTRICT,
        bind="query-params",
        on_change=_on_district_change,
        help="Landkreis oder kreisfreie Stadt; die Wahl legt auch den Regierungsbezirk fest.",
    )
    measures = sidebar.multiselect(
        "Maßnahmenarten",
        list(MEASURE_TYPES),
        default=list(MEASURE_TYPES),
        format_func=_measure_label,
        key=MEASURES,
        bind="query-params",
        help="Ohne Auswahl zählen alle vier Maßnahmenarten.",
    )
    if ags and rb and _regierungsbezirk_of(ags) != rb:
        sidebar.warning(
            f"{district_label(ags)} liegt im Regierungsbezirk {_regierungsbezirk_of(ags)}, nicht in {rb}; "
            "gezeigt wird die Gebietskörperschaft."
        )
    selection = Selection(
        year=year, regierungsbezirk=rb, ags=ags, measure_types=tuple(sorted(measures or MEASURE_TYPES))
    )
    _share_link(selection)
    st.session_state[_SELECTION] = selection
    return selection


NO_DATA = (
    "Die Datenbank enthält keine Zielvereinbarung, es gibt also noch nichts auszuwerten. Daten kommen über "
    "*Daten hochladen* (Berichte der Kreise) oder *Zielvereinbarung einlesen* hinzu."
)


def current_selection() -> Selection:
    """What the sidebar filters select in this run (set by the entry point before the page runs). Without any
    year in the data there is nothing to evaluate: the page says so and stops."""
    selection: Selection = st.session_state[_SELECTION]
    if selection.year is None:
        st.info(NO_DATA, icon=":material/database:")
        st.stop()
    return selection


def view_query(selection: Selection) -> str:
    """The URL query that reproduces the selection, with every filter spelled out."""
    params: list[tuple[str, str]] = [(YEAR, str(selection.year))]
    if selection.regierungsbezirk:
        params.append((REGIERUNGSBEZIRK, selection.regierungsbezirk))
    if selection.ags:
        params.append((DISTRICT, district_label(selection.ags)))
    if not selection.all_measure_types:
        params += [(MEASURES, _measure_label(code)) for code in selection.measure_types]
    return urlencode(params)


def _share_link(selection: Selection) -> None:
    with st.sidebar.expander("Link zu dieser Ansicht"):
        base = (st.context.url or "").split("?")[0]
        page = urlencode([(name, value) for name in PAGE_PARAMS for value in st.query_params.get_all(name)])
        query = "&".join(part for part in (view_query(selection), page) if part)
        st.code(f"{base}?{query}", language=None, wrap_lines=True)
        st.caption("Der Link öffnet diese Seite mit denselben Filtern, auch wenn später neue Jahre hinzukommen.")


def chosen_districts(selection: Selection) -> tuple[str, ...]:
    """The districts the analyst compares the selected one with, besides its structural group (ags; kept in the
    link). Drawn on the page, beneath the heading of the comparison."""
    districts = load_districts().sort_values("label")
    labels = st.multiselect(
        "Eigene Vergleichsauswahl",
        list(districts["label"]),
        key=CHOSEN,
        bind="query-params",
        placeholder="Gebietskörperschaften wählen",
        help="Zusätzlich zur Vergleichsgruppe: frei gewählte Gebietskörperschaften, mit denen "
        f"{district_label(selection.ags) if selection.ags else 'die gewählte'} verglichen wird. Die Auswahl steht "
        "im Link.",
    )
    by_label = districts.set_index("label")["ags"]
    return tuple(by_label[label] for label in labels)
