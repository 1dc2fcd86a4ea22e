"""The year-end projection on the pages: Zielerreichung, Gebietskörperschaft, Zeitreihe and the methods page."""

from __future__ import annotations

from datetime import date

import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.projection import METHOD_TEXT, latest_stichtag, scope_projection, spending_paths
from aqb_data.analysis.provenance import Shown, source_line
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import NOT_AVAILABLE, format_date, format_eur
from aqb_data.present import charts, summaries
from aqb_data.present.views import (
    PROJECTION_PATH_COLUMNS,
    backtest_sentence,
    backtest_view,
    no_report_sentence,
    projection_sentence,
    projection_view,
)
from ui.text import escape_markdown
from ui.widgets import chart, table


def _interval(row: object) -> tuple[str, str | None]:
    """The interval as a card's value and delta ("von 22.587.479 €", "bis 23.954.943 €"): on one line, the two
    amounts of a Land total are cut off at 1366 px."""
    low, high = row["low_eur"], row["high_eur"]  # type: ignore[index]
    if format_eur(low) == NOT_AVAILABLE:
        return NOT_AVAILABLE, None
    return f"von {format_eur(low)}", f"bis {format_eur(high)}"


def _summary(data: AqbData, selection: ind.Selection, as_of: date) -> None:
    """Three cards and the sentence for the whole selection."""
    row = scope_projection(data, selection, as_of)
    cols = st.columns(3)
    cols[0].metric(
        "voraussichtlich verausgabt",
        format_eur(row["projected_eur"]),
        help="Hochrechnung zum 31.12. aus den Berichten bis zum Stichtag (Methode: Seite Methodik & Quellen).",
    )
    low, high = _interval(row)
    cols[1].metric(
        "80 %-Intervall",
        low,
        delta=high,
        delta_color="off",
        delta_arrow="off",
        help="Soll in 8 von 10 Fällen das tatsächlich Verausgabte enthalten; wie oft es das in früheren Jahren tat, "
        "steht darunter.",
    )
    cols[2].metric(
        "voraussichtlich nicht verausgabt (€)",
        format_eur(row["unspent_eur"]),
        help="Geplante Mittel − voraussichtlich verausgabt, über die hochgerechneten Projekte.",
    )
    st.caption(escape_markdown(projection_sentence(row, ind.scope_label(selection), as_of)))
    level = "district" if selection.ags else "regierungsbezirk" if selection.regierungsbezirk else "land"
    st.caption(escape_markdown(backtest_sentence(data, level, as_of)))


def _table(data: AqbData, selection: ind.Selection, level: str, as_of: date) -> None:
    view = projection_view(data, selection, level, as_of)
    if view.frame["projected_eur"].isna().all():
        return  # nothing reported yet: the sentence above says so; a table of "–" would add nothing
    table(view.frame, view.columns, view.title, data=data, view=selection, provenance=view.shown)


def achievement_section(data: AqbData, selection: ind.Selection, as_of: date) -> None:
    """Zielerreichung: the projection at the page's Stichtag per district, or per measure type and project when
    one district is chosen."""
    st.header("Hochrechnung zum Jahresende")
    _summary(data, selection, as_of)
    if selection.ags:
        _table(data, selection, "measure_type", as_of)
        _table(data, selection, "project", as_of)
    else:
        _table(data, selection, "district", as_of)


def district_section(data: AqbData, selection: ind.Selection) -> None:
    """Gebietskörperschaft: the district's projection at the year's latest Stichtag and per measure type."""
    st.header(f"Hochrechnung zum Jahresende {selection.year}")
    as_of = latest_stichtag(data, selection.year)
    if as_of is None:
        st.info(no_report_sentence(selection.year))
        return
    _summary(data, selection, as_of)
    _table(data, selection, "measure_type", as_of)


def time_series_section(data: AqbData, selection: ind.Selection) -> None:
    """Zeitreihe: the spending path of the selected year with its projection and band, beside earlier years."""
    st.header(f"Mittelabfluss im Jahresverlauf {selection.year} und Hochrechnung")
    as_of = latest_stichtag(data, selection.year)
    if as_of is None:
        st.info(no_report_sentence(selection.year))
        return
    scope = ind.scope_label(selection)
    paths = spending_paths(data, selection, as_of)
    shown = Shown.of(selection.every_year(), ("projects", "progress"), as_of=as_of)
    st.caption(
        f"Verausgabte Mittel, aufgelaufen bis zu jedem Stichtag; {selection.year} bis {format_date(as_of)}, danach "
        "die Hochrechnung zum 31.12. mit ihrem 80 %-Intervall. Frühere Jahre grau."
    )
    chart(
        charts.projection_path_lines(
            paths, f"Verausgabte Mittel {scope} im Jahresverlauf", selection.year, source_line(data, shown)
        ),
        f"aqb_hochrechnung_{scope}_{selection.year}",
        paths,
        PROJECTION_PATH_COLUMNS,
        data=data,
        view=selection.every_year(),
        provenance=shown,
        summary=summaries.projection_path_lines(paths, selection.year),
    )


def methods_section(data: AqbData) -> None:
    """Methodik: how the projection is made and how well it did in earlier years on the data shown."""
    st.header("Hochrechnung zum Jahresende")
    st.markdown(METHOD_TEXT)
    view = backtest_view(data)
    st.subheader("Rückblick auf frühere Jahre")
    if view.frame.empty:
        st.info("Für einen Rückblick fehlen abgeschlossene Jahre mit mindestens einem früheren Jahr.")
        return
    for line in view.lines:
        st.caption(line)
    table(view.frame, view.columns, view.title, data=data, view=None)
