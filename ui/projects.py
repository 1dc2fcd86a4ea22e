"""The sections of *Alle Projekte*: every project of the selection in one table, filterable, underused first on
request, and the same figures per Träger and per target group."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import STATUS_ORDER, stichtage
from aqb_data.analysis.portfolio import (
    NO_ENTRY,
    OTHER_TARGET_GROUP,
    all_projects,
    filter_projects,
    provider_names,
    target_group_rules,
    target_group_rules_text,
)
from aqb_data.analysis.provenance import demo_share
from aqb_data.analysis.significance import LIMITED_SYMBOL, LIMITED_TEXT
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_date
from aqb_data.present.views import View, all_projects_views, no_report_sentence, status_text
from ui import widgets
from ui.filters import unknown_link_values
from ui.text import escape_markdown, link_value

# URL parameter of the order (kept in the copied link, see ui.filters.PAGE_PARAMS).
UNDERUSED_FIRST = "unterausgelastet"
STICHTAG = "stichtag"  # the same parameter as on Zielerreichung: a link carries its day from one page to the other


def stichtag_slider(data: AqbData, selection: ind.Selection) -> date | None:
    """The Stichtag the figures are shown at (the year's latest by default; kept in the link), None when the year
    has no report yet (then the table shows the plan without achievement)."""
    days = stichtage(data, selection.year)
    if not days:
        st.info(no_report_sentence(selection.year))
        return None
    linked = st.query_params.get(STICHTAG)
    if linked and STICHTAG not in st.session_state and linked not in {format_date(d) for d in days}:
        st.warning(
            f"Den Stichtag „{link_value(linked)}“ aus dem Link gibt es für {selection.year} nicht; gezeigt wird "
            f"{format_date(days[-1])}."
        )
    return st.select_slider(
        "Stichtag",
        options=days,
        value=days[-1],
        format_func=format_date,
        key=STICHTAG,
        bind="query-params",
        help="Es zählt je Projekt der letzte Bericht bis zu diesem Tag. Der Stichtag steht im Link.",
    )


def target_group_method() -> None:
    """The rules folding target groups, for the methods page: their names and keywords as text, and a German error
    instead of a traceback where the list cannot be read."""
    try:
        st.markdown(target_group_rules_text(escape=escape_markdown))
    except ValueError as error:
        st.error(escape_markdown(error))


def _target_group_options(frame: pd.DataFrame) -> list[str]:
    """The folded target groups present, in the order of the documented list."""
    order = [rule.name for rule in target_group_rules()] + [OTHER_TARGET_GROUP, NO_ENTRY]
    present = set(frame["target_group_folded"])
    return [name for name in order if name in present]


def _filters(frame: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The page's own filters and the order; the rows they leave and whether underused projects come first."""
    for value in unknown_link_values(UNDERUSED_FIRST, (), single=True):
        if value.lower() not in ("true", "false"):  # what Streamlit reads; anything else it drops without a word
            st.warning(
                f"„{link_value(value)}“ aus dem Link ist für „Unterausgelastete zuerst“ weder true noch false; die "
                "Projekte stehen in der üblichen Reihenfolge."
            )
    underused_first = st.toggle(
        "Unterausgelastete zuerst",
        key=UNDERUSED_FIRST,
        bind="query-params",
        help="Projekte mit einer Auslastung unter der Schwelle „im Verzug“ zuerst, die niedrigste Auslastung "
        "zuerst (Regel unter der Tabelle). Die Reihenfolge steht im Link.",
    )
    left, middle, right = st.columns(3)
    providers = left.multiselect(
        "Träger",
        sorted(set(provider_names(frame))),
        key="projekte_traeger",
        placeholder="alle Träger",
    )
    groups = middle.multiselect(
        "Zielgruppe",
        _target_group_options(frame),
        key="projekte_zielgruppe",
        placeholder="alle Zielgruppen",
        help="Die zusammengefassten Zielgruppen (Regeln auf der Seite Methodik & Quellen).",
    )
    statuses = right.multiselect(
        "Status",
        sorted(STATUS_ORDER, key=STATUS_ORDER.__getitem__),
        format_func=status_text,
        key="projekte_status",
        placeholder="alle Status",
    )
    hide_limited = st.checkbox(
        f"Eingeschränkt aussagekräftige ausblenden ({LIMITED_SYMBOL})",
        key="projekte_ohne_eingeschraenkt",
        help=f"Projekte ausblenden, bei denen eine Quote auf zu wenigen Fällen beruht ({LIMITED_SYMBOL} "
        f"{LIMITED_TEXT}); auch in den Summen nach Trägern und Zielgruppen.",
    )
    return filter_projects(frame, providers, groups, statuses, hide_limited), underused_first


def _draw(view: View, data: AqbData, selection: ind.Selection, above: int = 0, **options: object) -> None:
    """One view as a table with its files; its first `above` sentences over it, the others under it (as text)."""
    for line in view.lines[:above]:
        st.caption(escape_markdown(line))
    widgets.table(view.frame, view.columns, view.title, data=data, view=selection, provenance=view.shown, **options)
    for line in view.lines[above:]:
        st.caption(escape_markdown(line))


def projects_page(data: AqbData, selection: ind.Selection) -> None:
    """*Alle Projekte*: title, Stichtag, demo notice, the filters, the table of projects and the two aggregations."""
    st.title(f"Alle Projekte {selection.year} – {ind.scope_label(selection)}")
    as_of = stichtag_slider(data, selection)
    notice = st.empty()  # filled once the views are made: the notice counts the rows they rest on
    try:
        frame = all_projects(data, selection, as_of)
    except ValueError as error:  # the shipped target-group list cannot be read: say so, in German
        st.error(escape_markdown(error))
        st.stop()
    shown, underused_first = _filters(frame)
    projects, providers, groups = all_projects_views(shown, selection, as_of, underused_first, total=len(frame))
    with notice.container():
        widgets.synthetic_notice(demo_share(data, projects.shown))
    _draw(projects, data, selection, above=1, height=560)
    st.header("Nach Trägern")
    _draw(providers, data, selection)
    st.header("Nach Zielgruppen")
    _draw(groups, data, selection)
