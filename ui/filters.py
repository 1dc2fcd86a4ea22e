"""The global filters in the sidebar, bound to the URL so that a copied link reproduces the view."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlencode

import streamlit as st

from aqb_data.analysis.indicators import Selection
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import REGIERUNGSBEZIRKE, district_label, load_districts, regierungsbezirk_label
from aqb_data.domain.model import MEASURE_TYPES
from ui.text import link_value

# URL parameter names (the widgets' keys).
YEAR, REGIERUNGSBEZIRK, DISTRICT, MEASURES = "jahr", "rb", "kreis", "ma"
CHOSEN = "vergleich"  # the analyst's own comparison set (Vergleich, Zielerreichung)
# The pages' own choices, kept in the copied link beside the filters.
PAGE_PARAMS = ("kennzahl", "skala", "stichtag", CHOSEN, "unterausgelastet")
ALL = "Alle"
_SELECTION = "_selection"
# Year and Regierungsbezirk are written into the address bar by the app itself, not bound to their widgets:
# Streamlit leaves a bound widget's default out of the URL (the latest year would vanish from the address bar
# while the copied link keeps it) and writes a selectbox's shown label (`Regierungsbezirk Kassel`) where old
# links say `rb=Kassel`. What this session last wrote, per parameter:
_WRITTEN = "_url_written"


def _district_label(ags: str | None) -> str:
    return ALL if ags is None else district_label(ags)


def _rb_label(rb: str | None) -> str:
    return ALL if rb is None else regierungsbezirk_label(rb)


def _rb_from_link(value: str) -> str | None:
    """The Regierungsbezirk a link names, as `Kassel` (the links so far) or `Regierungsbezirk Kassel`."""
    by_text = {text: rb for rb in REGIERUNGSBEZIRKE for text in (rb, regierungsbezirk_label(rb), f"RB {rb}")}
    return by_text.get(value.strip())


def _year_from_link(value: str, years: list[int]) -> int | None:
    return next((year for year in years if str(year) == value.strip()), None)


def _follow_address_bar(years: list[int]) -> None:
    """A year or Regierungsbezirk in the address bar that this session did not write itself (the browser's back
    and forward buttons) is taken over. A missing one is kept: Streamlit drops unbound parameters on a change of
    page."""
    written = st.session_state.get(_WRITTEN, {})
    for name, parse in ((YEAR, lambda v: _year_from_link(v, years)), (REGIERUNGSBEZIRK, _rb_from_link)):
        shown = st.query_params.get(name)
        if name in written and shown is not None and shown != written[name] and (value := parse(shown)):
            st.session_state[name] = value
            if name == REGIERUNGSBEZIRK:
                _on_regierungsbezirk_change()


def _write_address_bar(selection: Selection) -> None:
    """Year and Regierungsbezirk into the address bar, spelled as in the copied link (`view_query`)."""
    year = str(selection.year) if selection.year is not None else None
    wanted = {YEAR: year, REGIERUNGSBEZIRK: selection.regierungsbezirk}
    for name, value in wanted.items():
        if st.query_params.get(name) != value or len(st.query_params.get_all(name)) > 1:
            if value is None:
                st.query_params.pop(name, None)
            else:
                st.query_params[name] = value
    st.session_state[_WRITTEN] = wanted


def _district_options(rb: str | None, scope: str | None) -> list[str | None]:
    """`Alle`, then the districts of the chosen Regierungsbezirk (all 26 without one); a district chosen outside
    it (from a link) stays in the list, so that it is still shown, with a warning."""
    if scope:
        return [scope]
    districts = load_districts().sort_values("label")
    if rb:
        districts = districts[districts["regierungsbezirk"] == rb]
    options: list[str | None] = [None, *districts["ags"]]
    chosen = st.session_state.get(DISTRICT)
    if DISTRICT not in st.session_state:  # the first run: the district a link names, before its widget reads it
        linked = st.query_params.get(DISTRICT)
        chosen = load_districts().set_index("label")["ags"].get(linked) if linked else None
    if chosen and chosen not in options:
        options.append(chosen)
    return options


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
    if year and _year_from_link(year, years) is None:
        st.sidebar.warning(
            f"Das Jahr „{link_value(year)}“ aus dem Link gibt es in den Daten nicht; gezeigt wird {max(years)}."
        )
    elif year:
        st.session_state[YEAR] = _year_from_link(year, years)
    rb = st.query_params.get(REGIERUNGSBEZIRK)
    if rb and _rb_from_link(rb) is None:
        st.sidebar.warning(f"„{link_value(rb)}“ aus dem Link ist kein Regierungsbezirk; gezeigt wird ganz Hessen.")
    elif rb:
        st.session_state[REGIERUNGSBEZIRK] = _rb_from_link(rb)
    linked = st.query_params.get(DISTRICT)
    labels = load_districts().set_index("label")
    if linked and linked not in labels.index:
        st.sidebar.warning(
            f"„{link_value(linked)}“ aus dem Link ist keine Gebietskörperschaft; gezeigt wird ganz Hessen."
        )
    elif linked and not st.session_state.get(REGIERUNGSBEZIRK):
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
        _follow_address_bar(years)
    year = sidebar.selectbox("Jahr", years, key=YEAR, placeholder="Bitte wählen")
    rb = sidebar.selectbox(
        "Regierungsbezirk",
        [_regierungsbezirk_of(scope)] if scope else [None, *REGIERUNGSBEZIRKE],
        format_func=_rb_label,
        key=REGIERUNGSBEZIRK,
        placeholder="Bitte wählen",
        on_change=_on_regierungsbezirk_change,
    )
    ags = sidebar.selectbox(
        "Gebietskörperschaft",
        _district_options(rb, scope),
        format_func=_district_label,
        key=DISTRICT,
        placeholder="Bitte wählen",
        bind="query-params",
        on_change=_on_district_change,
        help="Landkreis oder kreisfreie Stadt (im gewählten Regierungsbezirk); die Wahl legt auch den "
        "Regierungsbezirk fest.",
    )
    measures = sidebar.pills(  # pills show each short label whole, where a multiselect's chips cut them
        "Maßnahmenarten",
        list(MEASURE_TYPES),
        selection_mode="multi",
        default=list(MEASURE_TYPES),
        format_func=_measure_label,
        key=MEASURES,
        bind="query-params",
        help="Ohne Auswahl zählen alle vier Maßnahmenarten.",
    )
    if ags and rb and _regierungsbezirk_of(ags) != rb:
        sidebar.warning(
            f"{district_label(ags)} liegt im {regierungsbezirk_label(_regierungsbezirk_of(ags))}, nicht im "
            f"{regierungsbezirk_label(rb)}; gezeigt wird die Gebietskörperschaft."
        )
    selection = Selection(
        year=year, regierungsbezirk=rb, ags=ags, measure_types=tuple(sorted(measures or MEASURE_TYPES))
    )
    _write_address_bar(selection)
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
    unknown = unknown_link_values(CHOSEN, districts["label"])
    if unknown:  # Streamlit drops them without a word (a typo, a look-alike letter, a space at the end)
        st.warning(
            "Aus dem Link nicht in die eigene Vergleichsauswahl übernommen, weil keine Gebietskörperschaft so heißt: "
            f"{quoted_link_values(unknown)}."
        )
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


def unknown_link_values(name: str, options: Iterable[str], single: bool = False) -> list[str]:
    """On a page's first run from a link: the distinct values of URL parameter `name` that no option of its widget
    spells (Streamlit drops them without a word), in the link's order; `single`: only the last value counts, as
    for a widget of one choice."""
    if name in st.session_state:  # not the first run: the widget holds the state
        return []
    values = st.query_params.get_all(name)
    known = set(options)
    return [value for value in dict.fromkeys(values[-1:] if single else values) if value and value not in known]


def quoted_link_values(values: Sequence[str], most: int = 3) -> str:
    """Values from a link for a message: „a“, „b“, „c“ und 297 weitere (each escaped and cut, see `link_value`)."""
    shown = ", ".join(f"„{link_value(value)}“" for value in values[:most])
    rest = len(values) - most
    return shown + (f" und {rest} {'weiterer' if rest == 1 else 'weitere'}" if rest > 0 else "")
