"""Plotly figures with the project's own template: German separators, fixed measure-type colours.

Every figure sets the `aqb` template itself and is drawn with `theme=None`, so that the screen, the
toolbar's image export and a server-side export look the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from aqb_data.analysis.achievement import BEHIND, EXPECTED_LABEL, NO_DATA, ON_TRACK, STATUS_SYMBOL, WATCH
from aqb_data.analysis.comparison import INDICATORS, MAP_ATTRIBUTION, district_comparison, geojson
from aqb_data.analysis.indicators import (
    OTHER_TYPES_CODE,
    OVER_PLANNED_CODE,
    UNALLOCATED_CODE,
    UNKNOWN_CODE,
    Selection,
    allocation_by_levels,
    allocation_by_measure_type,
    measure_label,
    scope_label,
)
from aqb_data.analysis.reporting import STALE_SYMBOL
from aqb_data.analysis.significance import LIMITED_SYMBOL, LIMITED_TEXT
from aqb_data.domain.dataset import AqbData, kept, memoised
from aqb_data.domain.formatting import (
    format_eur,
    format_number,
    format_percent,
    safe_file_stem,
)
from aqb_data.domain.model import MEASURE_TYPES, UNALLOCATED_COLOUR
from aqb_data.present import plotly_de
from aqb_data.present.views import INDICATOR_FORMATS

# Figures kept per builder for a view seen before (see `kept`); a figure is some 10–100 KB.
FIGURES_KEPT = 128
FONT = "Source Sans Pro, Arial, sans-serif"
TEXT_COLOUR = "#1f2933"
GRID_COLOUR = "#e4e7eb"
ACCENT = "#0b5394"  # the theme's primary colour: one-series charts

pio.templates["aqb"] = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 14, "color": TEXT_COLOUR},
        separators=",.",
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=[mt.colour for mt in MEASURE_TYPES.values()],
        title={"x": 0, "xanchor": "left", "font": {"size": 18}},
        xaxis={"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "automargin": True},
        yaxis={"gridcolor": GRID_COLOUR, "zerolinecolor": GRID_COLOUR, "automargin": True},
        # On the right, where Plotly reserves room for it; above the plot it collides with the title.
        legend={"orientation": "v", "yanchor": "top", "y": 1, "xanchor": "left", "x": 1.01, "title": None},
        hoverlabel={"font": {"family": FONT}},
        margin={"l": 10, "r": 10, "t": 60, "b": 80},
    )
)

# Plotly reads a small HTML subset in the texts it draws (titles, ticks, hover labels, annotations): `<a href>`
# becomes a link, `<b>` and `<br>` format. Names and file names from the data are shown as text.
_CHARACTER_REFERENCE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")


def plain_text(text: object) -> str:
    """`text` as Plotly shows it literally: `<`, `>` and the `&` of a character reference written as entities."""
    return _CHARACTER_REFERENCE.sub("&amp;", str(text)).replace("<", "&lt;").replace(">", "&gt;")


UNKNOWN_COLOUR = "#CBD2D9"  # darker than white with its cross-hatching: never read as an empty bar
OTHER_TYPES_COLOUR = "#9FB3C8"
MEASURE_COLOURS = {code: mt.colour for code, mt in MEASURE_TYPES.items()} | {
    UNALLOCATED_CODE: UNALLOCATED_COLOUR,
    UNKNOWN_CODE: UNKNOWN_COLOUR,
    OTHER_TYPES_CODE: OTHER_TYPES_COLOUR,
}
# Free money hatched, money of districts without project amounts cross-hatched: both are no planning.
PATTERNS = {UNALLOCATED_CODE: "/", UNKNOWN_CODE: "x"}
# Over-planning is the one negative row of an allocation: no segment (a bar cannot end before it starts), but
# every hover of its unit names it.
_MEASURE_ORDER = [*MEASURE_TYPES, OTHER_TYPES_CODE, UNALLOCATED_CODE, UNKNOWN_CODE]


_TITLE_CHARS = 40  # a longer title of a chart shown in half the page's width is broken into two lines


def _wrapped(title: str) -> str:
    """A long title in two lines, broken at the last space that keeps the first within `_TITLE_CHARS`: Plotly never
    breaks a title, and in a narrow column its end was cut off."""
    cut = title.rfind(" ", 0, _TITLE_CHARS + 1)
    return title if len(title) <= _TITLE_CHARS or cut <= 0 else f"{title[:cut]}<br>{title[cut + 1 :]}"


def _finishing(title: str, source_note: str) -> tuple[dict[str, object], dict[str, object] | None]:
    """The layout every figure ends with (title, room above the plot for each of its lines and under it for the
    source line) and the source line's annotation under the plot, if there is a note."""
    layout: dict[str, object] = {"title": {"text": title}}
    margin = {"t": 60 + 22 * title.count("<br>")} if "<br>" in title else {}
    if not source_note:
        return ({**layout, "margin": margin} if margin else layout), None
    lines = source_note.split("; ")
    # Room under the axis for every line of the note (13 px each) besides the axis' own labels.
    margin["b"] = 50 + 14 * len(lines)
    annotation = {
        "text": "<br>".join(plain_text(line) for line in lines),
        "xref": "paper",
        "yref": "paper",
        # Right-aligned under the plot: long category labels on the left cannot push it out of view.
        "x": 1,
        "y": 0,
        "yshift": -30,
        "xanchor": "right",
        "align": "right",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 11, "color": "#52606d"},
    }
    return {**layout, "margin": margin}, annotation


def _finish(fig: go.Figure, title: str, source_note: str) -> go.Figure:
    """Template, title (room above the plot for each of its lines) and the source line under the plot."""
    layout, annotation = _finishing(title, source_note)
    fig.update_layout(template="aqb", **layout)
    if annotation:
        fig.add_annotation(annotation)
    return fig


# The template as plain data, for figures built without validation (`_figure`): the name "aqb" is expanded by
# Plotly's validators only.
_TEMPLATE = pio.templates["aqb"].to_plotly_json()


def _figure(traces: list[dict[str, object]], layout: dict[str, object], title: str, source_note: str) -> go.Figure:
    """A finished figure (see `_finish`) from plain traces and layout, which must be valid Plotly as written.

    Plotly's constructors check and copy every property on its own (50–170 ms for a chart of a few bars on a
    loaded server); these builders write the figure directly. Every such builder is checked against Plotly's
    validation in the tests (`go.Figure(fig)`, which `export.images` does anyway, validates it).
    """
    finishing, annotation = _finishing(title, source_note)
    margin = {**layout.get("margin", {}), **finishing.pop("margin", {})}  # type: ignore[dict-item]
    layout = {**layout, "template": _TEMPLATE, **finishing}
    if margin:
        layout["margin"] = margin
    if annotation:
        layout["annotations"] = [*layout.get("annotations", []), annotation]  # type: ignore[misc]
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _label_column(categories: Sequence[str], texts: Sequence[str]) -> tuple[dict[str, object], dict[str, object]]:
    """The horizontal bars' labels as a column right of the plot, each on its bar's row: an axis of its own, for
    which Plotly makes room (its invisible trace, and the axis as `yaxis2`). Beside the bars' ends a long label ran
    into the names on the left or out of a narrow picture, and a reference line crossed the labels of bars ending
    near it."""
    trace = {
        "type": "scatter",
        "x": [0] * len(categories),
        "y": list(categories),
        "yaxis": "y2",
        "mode": "markers",
        "marker": {"opacity": 0},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    axis = {
        "overlaying": "y",
        "side": "right",
        "matches": "y",
        "tickmode": "array",
        "tickvals": list(categories),
        "ticktext": list(texts),
        "showgrid": False,
        "zeroline": False,
        "ticks": "",
        "automargin": True,
    }
    return trace, axis


def _vline(x: float, line: dict[str, object], **shape: object) -> dict[str, object]:
    """A vertical line across the plot at `x` (what `fig.add_vline` adds)."""
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line, **shape}


def image_config(file_stem: str, fmt: str = "png") -> dict[str, object]:
    """Plotly's toolbar settings: a 16:9 meeting-ready PNG (or SVG) with a telling file name, no Plotly logo,
    the button titles in German."""
    return {
        **plotly_de.config(),
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": fmt,
            "filename": safe_file_stem(file_stem, "aqb_grafik"),
            "width": 1600,
            "height": 900,
            "scale": 2,
        },
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


@kept(FIGURES_KEPT)
def allocation_bars(allocation: pd.DataFrame, title: str, source_note: str = "", as_share: bool = False) -> go.Figure:
    """Stacked horizontal bars: per unit the planned money of each measure type and the residuals (other
    measure types, free money hatched, "ohne Projektbeträge" cross-hatched), so that a bar reaches the budget
    unless the unit is over-planned (its hover says by how much).

    With `as_share` the bars show percent of each unit's budget instead of euros.
    """
    units = list(dict.fromkeys(allocation.sort_values("budget_eur")["unit_label"]))
    # A few dozen rows: read once as plain values (a pandas selection per measure type cost more than the figure).
    rows = zip(
        *(allocation[c].tolist() for c in ("measure_type", "unit_label", "planned_eur", "share", "budget_eur")),
        strict=True,
    )
    by_code: dict[object, list[tuple[str, float, float, float]]] = {}
    over: dict[str, float] = {}
    reach: dict[str, float] = {}  # per unit, the end of its bar in euros
    for code, unit, eur, share, budget in rows:
        if code == OVER_PLANNED_CODE:
            over[unit] = -eur
        by_code.setdefault(code, []).append((unit, eur, share, budget))
        if eur > 0:
            reach[unit] = reach.get(unit, 0.0) + eur
    traces = []
    for code in _MEASURE_ORDER:  # over-planning has no segment: every hover of its unit names it
        if code not in by_code:
            continue
        labels, planned, shares, _ = (list(values) for values in zip(*by_code[code], strict=True))
        hover = [
            f"<b>{unit}</b><br>{measure_label(code)}: {format_eur(eur)}<br>{format_percent(share)} des Budgets"
            f" ({format_eur(budget)})"
            + (f"<br>überplant: {format_eur(over[unit])} über dem Budget" if unit in over else "")
            for unit, eur, share, budget in by_code[code]
        ]
        pattern = {"shape": PATTERNS.get(code, "")} | ({"fgcolor": "#52606d"} if code == UNKNOWN_CODE else {})
        traces.append(
            {
                "type": "bar",
                "name": measure_label(code),
                "y": labels,
                "x": np.array(shares, dtype=float) * 100 if as_share else np.array(planned, dtype=float),
                "orientation": "h",
                "marker": {
                    "color": MEASURE_COLOURS[code],
                    "line": {"color": "white", "width": 0.5},
                    "pattern": pattern,
                },
                "hovertext": hover,
                "hoverinfo": "text",
            }
        )
    layout: dict[str, object] = {
        "barmode": "stack",
        "height": max(340, 140 + 26 * len(units)),
        "legend": {"traceorder": "normal"},
        "yaxis": {"categoryorder": "array", "categoryarray": units},
    }
    if as_share:
        layout["xaxis"] = {"tickformat": ",.0f", "ticksuffix": " %"}
    else:
        # Few short labels ("10 Mio. €"): upright even in a narrow picture, so none runs into the source note.
        values, texts = _euro_ticks(max(reach.values(), default=0.0))
        layout["xaxis"] = {"tickvals": values, "ticktext": texts, "tickangle": 0}
    return _figure(traces, layout, title, source_note)


def _euro_ticks(maximum: float, most: int = 5) -> tuple[list[float], list[str]]:
    """At most `most` round ticks from 0 € to just past `maximum`, in Mio. € from a million on (`2,5 Mio. €`)."""
    magnitude = 10 ** math.floor(math.log10(maximum)) if maximum > 0 else 1.0
    step = next(
        (f * magnitude for f in (0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10) if maximum / (f * magnitude) <= most - 1),
        10 * magnitude,
    )
    values = [round(step * i, 2) for i in range(math.ceil(maximum / step) + 1)] if maximum > 0 else [0.0]
    if values[-1] < 1_000_000:
        return values, [format_eur(v) for v in values]
    return values, [f"{format_number(v / 1_000_000, 2).rstrip('0').rstrip(',')} Mio. €" if v else "0 €" for v in values]


@kept(FIGURES_KEPT)
def measure_type_bars(
    allocation: pd.DataFrame, title: str, measure_types: tuple[int, ...] = tuple(MEASURE_TYPES), source_note: str = ""
) -> go.Figure:
    """One unit's allocation: a labelled bar per measure type (amount and share of the budget), then the
    residuals that are not 0 (other measure types, free money, "ohne Projektbeträge"; over-planning has no bar)."""
    with_projects = set(allocation["measure_type"])
    frame = allocation.set_index("measure_type").reindex(
        [*measure_types, OTHER_TYPES_CODE, UNALLOCATED_CODE, UNKNOWN_CODE]
    )
    frame = frame[frame["planned_eur"].notna() | frame.index.isin(measure_types)]

    # Short names (a narrow column keeps room for the bars); why a type has no bar stands under its name.
    labels = [measure_label(code) for code in frame.index]
    texts = [
        f"{format_eur(eur)} ({format_percent(share)})"
        if pd.notna(eur)
        else "ohne geplante Mittel"
        if code in with_projects
        else "keine Projekte"
        for code, eur, share in zip(frame.index, frame["planned_eur"], frame["share"], strict=True)
    ]
    bars = {
        "type": "bar",
        "x": frame["planned_eur"].fillna(0).to_numpy(),
        "y": labels,
        "orientation": "h",
        "marker": {
            "color": [MEASURE_COLOURS[code] for code in frame.index],
            "pattern": {"shape": [PATTERNS.get(code, "") for code in frame.index]},
        },
        "text": texts,
        "textposition": "none",  # under each name (see below)
        "hovertext": [f"<b>{label}</b><br>{text}" for label, text in zip(labels, texts, strict=True)],
        "hoverinfo": "text",
    }
    # The labels carry the amounts; an axis would only repeat them.
    longest = float(frame["planned_eur"].max()) if frame["planned_eur"].notna().any() else 1.0
    # Each name with its amount under it: beside the bar's end the amount ran out of a narrow picture, and a column
    # of its own on the right would push the source line out on the left.
    ticks = [f"{label}<br>{text}" for label, text in zip(labels, texts, strict=True)]
    layout = {
        "height": max(340, 180 + 48 * len(frame)),  # two lines of text per bar
        "showlegend": False,
        "xaxis": {"visible": False, "range": [0, longest * 1.02]},
        "yaxis": {"autorange": "reversed", "tickmode": "array", "tickvals": labels, "ticktext": ticks},
    }
    return _figure([bars], layout, _wrapped(title), source_note)


@kept(FIGURES_KEPT)
def budget_trend_bars(
    trend: pd.DataFrame, title: str, highlight_year: int | None = None, source_note: str = ""
) -> go.Figure:
    """Budget per year as bars labelled with the amount; the selected year stands out."""
    years = [str(y) for y in trend["year"]]
    colours = [ACCENT if y == highlight_year else "#9fb3c8" for y in trend["year"]]
    hover = [
        f"<b>{y}</b><br>Haushaltsmittel: {format_eur(b)}<br>je Einwohner/in: {format_eur(p, 2)}"
        for y, b, p in zip(trend["year"], trend["budget_eur"], trend["budget_per_inhabitant"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=years,
            y=trend["budget_eur"],
            marker_color=colours,
            text=[format_eur(b) for b in trend["budget_eur"]],
            textposition="outside",
            cliponaxis=False,
            hovertext=hover,
            hoverinfo="text",
            name="Haushaltsmittel",
        )
    )
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=None, tickformat=",.0f", ticksuffix=" €", rangemode="tozero")
    fig.update_layout(height=380, showlegend=False)
    return _finish(fig, _wrapped(title), source_note)


@kept(FIGURES_KEPT)
def per_inhabitant_bars(
    budgets: pd.DataFrame, title: str, land_value: float, source_note: str = "", reference_label: str = "Hessen"
) -> go.Figure:
    """€ per inhabitant per district, sorted, with the value of the whole selection as a reference line."""
    frame = budgets.dropna(subset=["budget_per_inhabitant"]).sort_values("budget_per_inhabitant")
    labels, values = frame["label"].tolist(), frame["budget_per_inhabitant"].tolist()
    texts = [format_eur(v, 2) for v in values]
    bars = {
        "type": "bar",
        "x": frame["budget_per_inhabitant"].to_numpy(),
        "y": labels,
        "orientation": "h",
        "marker": {"color": ACCENT},
        "text": texts,
        "textposition": "none",  # in a column of their own (`_label_column`), where the reference line is not
        "hovertext": [
            f"<b>{label}</b><br>{text} je Einwohner/in<br>Haushaltsmittel {format_eur(b)}"
            f"<br>Einwohner/innen {format_number(p)}"
            for label, text, b, p in zip(labels, texts, frame["budget_eur"], frame["population"], strict=True)
        ],
        "hoverinfo": "text",
    }
    column, axis = _label_column(labels, texts)
    layout = {
        "shapes": [_vline(land_value, {"color": TEXT_COLOUR, "dash": "dash", "width": 1.5}, layer="above")],
        "annotations": [
            {
                "showarrow": False,
                "text": f"{reference_label} {format_eur(land_value, 2)}",
                "x": land_value,
                "xanchor": "center",
                "xref": "x",
                "y": 1,
                "yanchor": "bottom",
                "yref": "y domain",
            }
        ],
        "height": max(300, 120 + 24 * len(frame)),
        "showlegend": False,
        "xaxis": {"tickformat": ",.2f", "ticksuffix": " €"},
        "yaxis": {"categoryorder": "array", "categoryarray": labels},
        "yaxis2": axis,
    }
    return _figure([bars, column], layout, title, source_note)


STATUS_COLOURS = {ON_TRACK: "#009E73", WATCH: "#E69F00", BEHIND: "#D55E00", NO_DATA: "#BBBBBB"}


@kept(FIGURES_KEPT)
def deviation_bars(frame: pd.DataFrame, title: str, source_note: str = "") -> go.Figure:
    """Spending rate minus the elapsed share of the year per unit, in percentage points; status as colour,
    symbol and text (colour never carries the meaning alone)."""
    shown = frame.dropna(subset=["deviation"]).sort_values("deviation")
    names = [plain_text(label) for label in shown["unit_label"]]  # projects' names come from the files
    statuses = shown["status"].tolist()
    labels = [f"{STATUS_SYMBOL[s]} {name}" for s, name in zip(statuses, names, strict=True)]
    # A figure from a report older than the Stichtag says so on its bar too ("⚠ Bericht vom 30.06.2025").
    flags = [
        f" · {flag}" if isinstance(flag, str) and flag.startswith(STALE_SYMBOL) else ""
        for flag in (shown["report_flag"] if "report_flag" in shown else [None] * len(shown))
    ]
    series = shown["deviation"] * 100
    texts = [
        f"{format_number(d * 100, 1)} Pp. · {s}{flag}"
        for d, s, flag in zip(shown["deviation"], statuses, flags, strict=True)
    ]
    bars = {
        "type": "bar",
        "x": series.to_numpy(),
        "y": labels,
        "orientation": "h",
        "marker": {"color": [STATUS_COLOURS[s] for s in statuses]},
        "text": texts,
        "textposition": "none",  # in a column of their own (`_label_column`): beside a bar they hit the names
        "hovertext": [
            f"<b>{name}</b><br>Mittelabfluss {format_percent(r)} bei erwartet {format_percent(e)}"
            f"<br>Auslastung {format_percent(o)}<br>Status: {s}"
            for name, r, e, o, s in zip(
                names, shown["spending_rate"], shown["expected_rate"], shown["occupancy"], statuses, strict=True
            )
        ],
        "hoverinfo": "text",
    }
    low, high = min(float(series.min()), 0.0), max(float(series.max()), 0.0)
    room = (high - low) * 0.05 or 5.0
    column, axis = _label_column(labels, texts)
    layout = {
        "shapes": [_vline(0, {"color": TEXT_COLOUR, "width": 1})],
        "height": max(260, 120 + 26 * len(shown)),
        "showlegend": False,
        "xaxis": {"ticksuffix": " Pp.", "tickformat": ",.0f", "range": [low - room, high + room]},
        "yaxis": {"categoryorder": "array", "categoryarray": labels},
        "yaxis2": axis,
    }
    return _figure([bars, column], layout, title, source_note)


@kept(FIGURES_KEPT)
def allocation_trend_bars(trend: pd.DataFrame, title: str, source_note: str = "") -> go.Figure:
    """Planned money per year, stacked by measure type (annual values)."""
    fig = go.Figure()
    for code in MEASURE_TYPES:
        part = trend[trend["measure_type"] == code]
        if part.empty:
            continue
        fig.add_trace(
            go.Bar(
                name=measure_label(code),
                x=[str(y) for y in part["year"]],
                y=part["planned_eur"],
                marker_color=MEASURE_COLOURS[code],
                hovertext=[
                    f"<b>{y}</b><br>{measure_label(code)}: {format_eur(v)}"
                    for y, v in zip(part["year"], part["planned_eur"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="stack", height=380, legend={"traceorder": "normal"})
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=None, tickformat=",.0f", ticksuffix=" €", rangemode="tozero")
    return _finish(fig, title, source_note)


@kept(FIGURES_KEPT)
def trend_lines(
    trend: pd.DataFrame, value: str, title: str, as_percent: bool = False, source_note: str = ""
) -> go.Figure:
    """One line per unit over the years: the selection solid, Hessen dashed, an expectation dotted."""
    fig = go.Figure()
    for unit, part in trend.groupby("unit_label", sort=False):
        name = str(unit)
        colour, dash = (
            (TEXT_COLOUR, "dash")
            if name == "Hessen"
            else ("#7b8794", "dot")
            if name == EXPECTED_LABEL
            else (ACCENT, "solid")
        )
        text = [format_percent(v) if as_percent else format_eur(v, 2) for v in part[value]]
        fig.add_trace(
            go.Scatter(
                x=[str(y) for y in part["year"]],
                y=part[value] * (100 if as_percent else 1),
                name=name,
                mode="lines+markers",
                line={"color": colour, "dash": dash},
                hovertext=[f"<b>{name} {y}</b><br>{t}" for y, t in zip(part["year"], text, strict=True)],
                hoverinfo="text",
            )
        )
    fig.update_layout(height=360)
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(
        title=None,
        ticksuffix=" %" if as_percent else " €",
        tickformat=",.0f" if as_percent else ",.2f",
        rangemode="tozero",
    )
    return _finish(fig, title, source_note)


def format_indicator(value: object, kind: str) -> str:
    """An indicator value the German way, by its kind (eur, eur2, percent, points, status)."""
    formatter = indicator_formatter(kind)
    if formatter is None:
        return str(value) if isinstance(value, str) else "–"
    return formatter(value)


def indicator_formatter(kind: str) -> Callable[[object], str] | None:
    """The German formatter for an indicator's kind; None for the status, which is text."""
    return INDICATOR_FORMATS.get(kind)


def _outlines(geojson: dict, ags: list[str]) -> dict:
    """The features of these districts only."""
    wanted = set(ags)
    return {**geojson, "features": [f for f in geojson["features"] if f["properties"]["ags"] in wanted]}


def district_map(
    frame: pd.DataFrame,
    key: str,
    label: str,
    kind: str,
    geojson: dict,
    source_note: str = "",
    classes: str = "stetig",
    outlined: Sequence[str] = (),
    outline_label: str = "",
) -> go.Figure:
    """The 26 districts coloured by one indicator; works offline (no map tiles), BKG attribution in the figure.

    `classes="quantile"` draws quantile classes (`quantile_classes`) in discrete colours, their bounds in the
    legend; `outlined` districts get one thick dark line around them, named "umrandet: <outline_label>" in the
    legend and in their hover. Built from graph objects (plotly express copies the shapes into every layer and
    takes four times as long); each layer carries the outlines of the districts it colours, and no others.
    """
    # A number that is not finite is no value (a colour scale or class cannot hold it): grey, "–", like a missing one.
    has_value = frame[key].notna() if kind == "status" else _finite(frame[key])
    hover = f"<b>%{{hovertext}}</b><br>{label}: %{{customdata[0]}}%{{customdata[1]}}<extra></extra>"
    chosen = set(outlined)
    # Hover and flag per district: the outlined ones say so, values of limited significance carry the ◊.
    names = [
        f"{name} · umrandet" if ags in chosen else str(name)
        for ags, name in zip(frame["ags"], frame["label"], strict=True)
    ]
    limited = frame["limited"] if "limited" in frame else pd.Series([()] * len(frame), index=frame.index)
    flags = [f"<br>{LIMITED_SYMBOL} {LIMITED_TEXT}" if _is_limited(keys, key) else "" for keys in limited]
    extra = pd.DataFrame({"name": names, "flag": flags}, index=frame.index)

    def layer(rows: pd.DataFrame, **style: object) -> go.Choroplethmap:
        return go.Choroplethmap(
            geojson=_outlines(geojson, list(rows["ags"])),
            locations=rows["ags"],
            featureidkey="properties.ags",
            hovertext=extra.loc[rows.index, "name"],
            customdata=[
                [format_indicator(v, kind), flag]
                for v, flag in zip(rows[key], extra.loc[rows.index, "flag"], strict=True)
            ],
            hovertemplate=hover,
            marker={"line": {"color": "white"}, "opacity": 0.9},
            **style,
        )

    layout: dict[str, object] = {}
    shown = frame[has_value]
    quantiles = classes == "quantile" and kind != "status"
    if kind == "status":  # one layer per status in its colour, named with its symbol in the legend
        layers = [
            layer(
                rows,
                z=[1] * len(rows),
                colorscale=[[0, STATUS_COLOURS[status]], [1, STATUS_COLOURS[status]]],
                showscale=False,
                showlegend=True,
                name=f"{STATUS_SYMBOL[status]} {status}",
            )
            for status in (BEHIND, WATCH, ON_TRACK, NO_DATA)
            if len(rows := shown[shown[key] == status])
        ]
    elif quantiles:  # one layer per class in its colour, named with its bounds in the legend
        _, labels, members = quantile_classes(frame[key], kind)
        colours = _class_colours(len(labels))
        layers = [
            layer(
                rows,
                z=[1] * len(rows),
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                showlegend=True,
                name=text,
            )
            for number, (text, colour) in enumerate(zip(labels, colours, strict=True))
            if len(rows := frame[members == number])
        ]
        layout["legend"] = {"title": {"text": "Quantilklassen"}, "tracegroupgap": 0}
    else:
        scale = 100 if kind in ("percent", "points") else 1
        layers = [layer(shown, z=shown[key] * scale, coloraxis="coloraxis", name="")]
        suffix = {"percent": " %", "points": " Pp.", "eur": " €", "eur2": " €"}[kind]
        colorbar = {"ticksuffix": suffix, "tickformat": ",.0f" if kind != "eur2" else ",.2f"}
        if chosen:  # beneath the legend naming the outline, not over it
            colorbar |= {"y": 0, "yanchor": "bottom", "len": 0.8}
        layout["coloraxis"] = {"colorscale": "Cividis", "colorbar": colorbar}
    # Underneath, a district without a value in grey: it stays visible ("–") instead of vanishing.
    missing = list(frame.loc[~has_value, "ags"])
    base = go.Choroplethmap(
        geojson=_outlines(geojson, missing),
        locations=missing,
        featureidkey="properties.ags",
        z=[0] * len(missing),
        colorscale=[[0, GRID_COLOUR], [1, GRID_COLOUR]],
        showscale=False,
        hoverinfo="skip",
        marker_line_color="white",
        name="ohne Wert",
        # In a legend of classes the grey class is named too, last.
        showlegend=bool(missing) and (quantiles or kind == "status"),
        legendrank=2000,
    )
    layout = {
        "map": {"style": "white-bg", "center": {"lat": 50.6, "lon": 9.0}, "zoom": 6.2},
        "height": 620,
        "legend": {"title": None, "tracegroupgap": 0},
        "margin": {"t": 60},
    } | layout
    fig = go.Figure(data=[base, *layers, *_outline_layers(geojson, outlined, outline_label)], layout=layout)
    fig = _finish(fig, label, source_note)
    fig.add_annotation(
        text=MAP_ATTRIBUTION,
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        font={"size": 10, "color": "#52606d"},
        bgcolor="rgba(255,255,255,0.8)",
    )
    return fig


@kept(FIGURES_KEPT)
def measure_type_small_multiples(allocation: pd.DataFrame, title: str, source_note: str = "") -> go.Figure:
    """One small panel per measure type: each district's share of its budget planned for that type.

    Built from graph objects in one go (plotly express with facets takes five times as long): side by side
    panels with a common scale, the districts in the order of their budgets, the first panel naming them.
    """
    shown = allocation[allocation["measure_type"].isin(MEASURE_TYPES)]
    order = list(dict.fromkeys(allocation.sort_values("budget_eur")["unit_label"]))
    gap, panels = 0.02, len(MEASURE_TYPES)
    width = (1 - gap * (panels - 1)) / panels
    traces, layout, titles = [], {}, []
    for index, code in enumerate(MEASURE_TYPES):
        suffix = "" if index == 0 else str(index + 1)
        part, label = shown[shown["measure_type"] == code], measure_label(code)
        traces.append(
            go.Bar(
                x=part["share"] * 100,
                y=part["unit_label"],
                orientation="h",
                name=label,
                marker_color=MEASURE_COLOURS[code],
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                hovertemplate=f"<b>%{{y}}</b><br>{label}: %{{x:,.1f}} % des Budgets<extra></extra>",
            )
        )
        left = index * (width + gap)
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}",
            "domain": [left, left + width],
            "ticksuffix": " %",
            "tickformat": ",.0f",
            "nticks": 4,  # few ticks: upright labels in narrow panels
            **({"matches": "x"} if index else {}),
        }
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": [0, 1]} | (
            {"matches": "y", "showticklabels": False} if index else {"categoryorder": "array", "categoryarray": order}
        )
        titles.append(
            {"text": label, "x": left + width / 2, "xanchor": "center", "xref": "paper"}
            | {"y": 1, "yanchor": "bottom", "yref": "paper", "showarrow": False}
        )
    layout |= {"annotations": titles, "height": max(320, 140 + 22 * len(order)), "showlegend": False}
    return _finish(go.Figure(data=traces, layout=layout), title, source_note)


# Figures for a view, built once per version of the data: the two slowest to build (the map's shapes, the
# facets) are shared between reruns and sessions. Nothing changes a figure after it is built.
@memoised
def comparison_map(
    data: AqbData, selection: Selection, key: str, source_note: str = "", classes: str = "stetig"
) -> go.Figure:
    """The map of the 26 districts coloured by one indicator (see `district_map`), the selected district (or
    Regierungsbezirk) outlined; `classes` "stetig" (a continuous scale) or "quantile" (quantile classes)."""
    indicator = INDICATORS[key]
    comparison = district_comparison(data, selection)
    outlined = tuple(selection.districts()["ags"]) if selection.ags or selection.regierungsbezirk else ()
    return district_map(
        comparison,
        key,
        indicator.label,
        indicator.kind,
        geojson(),
        source_note,
        classes,
        outlined,
        scope_label(selection),
    )


@memoised
def measure_type_shares(data: AqbData, selection: Selection, title: str, source_note: str = "") -> go.Figure:
    """Small multiples of each measure type's share of every district's budget (see the function below)."""
    allocation = allocation_by_measure_type(data, selection, "district")
    return measure_type_small_multiples(allocation, title, source_note)


@memoised
def allocation_chart(
    data: AqbData, selection: Selection, levels: tuple[str, ...], title: str, source_note: str, as_share: bool
) -> go.Figure:
    """Stacked allocation bars for the units of these levels, e.g. ("land", "regierungsbezirk")."""
    return allocation_bars(allocation_by_levels(data, selection, levels), title, source_note, as_share)


def projection_path_lines(paths: pd.DataFrame, title: str, year: int, source_note: str = "") -> go.Figure:
    """The cumulative spending of `year` up to its Stichtag (solid) with the projection to 31.12. (dashed) and its
    80 % interval as a band, beside each earlier year (thin, grey); rows of `projection.spending_paths`."""
    fig = go.Figure()
    for other, part in paths[paths["year"] != year].groupby("year"):
        fig.add_trace(
            go.Scatter(
                x=part["day"],
                y=part["spent_eur"],
                name=str(other),
                mode="lines",
                line={"color": "#9aa5b1", "width": 1.5},
                hovertext=[
                    f"<b>{other}</b> {d:%d.%m.}<br>{format_eur(v)}"
                    for d, v in zip(part["day"], part["spent_eur"], strict=True)
                ],
                hoverinfo="text",
            )
        )
    own = paths[paths["year"] == year]
    reported = own[own["kind"] == "berichtet"]
    band = own.dropna(subset=["low_eur", "high_eur"])
    if len(band) > 1:
        fig.add_trace(
            go.Scatter(
                x=[*band["day"], *band["day"][::-1]],
                y=[*band["high_eur"], *band["low_eur"][::-1]],
                name="80 %-Intervall",
                fill="toself",
                fillcolor="rgba(11, 83, 148, 0.15)",
                line={"width": 0},
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=band["day"],
                y=band["spent_eur"],
                name=f"{year} Hochrechnung",
                mode="lines+markers",
                line={"color": ACCENT, "dash": "dash"},
                hovertext=[
                    f"<b>{year} Hochrechnung</b> {d:%d.%m.}<br>{format_eur(v)} ({format_eur(lo)} bis {format_eur(hi)})"
                    for d, v, lo, hi in zip(
                        band["day"], band["spent_eur"], band["low_eur"], band["high_eur"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=reported["day"],
            y=reported["spent_eur"],
            name=f"{year} berichtet",
            mode="lines+markers",
            line={"color": ACCENT, "width": 3},
            hovertext=[
                f"<b>{year}</b> {d:%d.%m.}<br>{format_eur(v)}"
                for d, v in zip(reported["day"], reported["spent_eur"], strict=True)
            ],
            hoverinfo="text",
        )
    )
    maximum = float(pd.concat([paths["spent_eur"], paths["high_eur"]]).max()) if not paths.empty else 0.0
    ticks, labels = _euro_ticks(maximum if maximum > 0 else 1.0)
    fig.update_layout(height=400)
    fig.update_xaxes(title=None, tickformat="%d.%m.", dtick="M1")
    fig.update_yaxes(title=None, tickvals=ticks, ticktext=labels, rangemode="tozero")
    return _finish(fig, title, source_note)


LAPSED_COLOUR = "#D55E00"  # Okabe–Ito vermilion: money that lapsed stands out from what was spent


@kept(FIGURES_KEPT)
def lapse_bars(history: pd.DataFrame, title: str, source_note: str = "") -> go.Figure:
    """Per closed year the budget as a bar: spent and not spent (lapsed), labelled with the lapsed share; money
    spent beyond the budget goes below the axis."""
    years = [str(y) for y in history["year"]]
    fig = go.Figure()
    for column, name, colour in (
        ("spent_eur", "Verausgabt zum 31.12.", ACCENT),
        ("lapsed_eur", "Nicht verausgabt ggü. § 4", LAPSED_COLOUR),
    ):
        fig.add_trace(
            go.Bar(
                name=name,
                x=years,
                y=history[column],
                marker_color=colour,
                text=[format_percent(s) for s in history["lapsed_share"]] if column == "lapsed_eur" else None,
                textposition="outside" if column == "lapsed_eur" else None,
                cliponaxis=False,
                hovertext=[
                    f"<b>{y}</b><br>{name}: {format_eur(v)}<br>Haushaltsmittel: {format_eur(b)}<br>"
                    f"Anteil nicht verausgabt: {format_percent(s)}"
                    for y, v, b, s in zip(
                        history["year"], history[column], history["budget_eur"], history["lapsed_share"], strict=True
                    )
                ],
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="relative", height=380, legend={"traceorder": "normal"})
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=None, tickformat=",.0f", ticksuffix=" €")
    return _finish(fig, title, source_note)


QUANTILE_CLASSES = 4  # quartile classes: the same quarters the comparison's positions name


def quantile_classes(
    values: pd.Series, kind: str, count: int = QUANTILE_CLASSES
) -> tuple[list[float], list[str], pd.Series]:
    """Quantile classes of `values`: each class's upper bound (the last is the largest value), its German legend
    text ("bis 1,23 €", "über 1,23 € bis 4,56 €", or the one value a class holds) and each row's class number
    (0 the lowest, <NA> without a value).

    The bounds are values of the data (the lower quantile), so a value at a bound lies in the class the bound
    closes; tied values share a class, and bounds that read alike are one, so there may be fewer than `count`.
    """
    numbers = pd.to_numeric(values, errors="coerce").astype("float64").where(_finite(values))
    known = numbers.dropna()
    text = indicator_formatter(kind) or format_number
    bounds: list[float] = []
    for share in [*(step / count for step in range(1, count)), 1.0]:
        if known.empty:
            break
        bound = float(known.quantile(share, interpolation="lower"))
        if bounds and text(bound) == text(bounds[-1]):
            bounds[-1] = bound  # two classes the legend could not tell apart are one
        elif not bounds or bound > bounds[-1]:
            bounds.append(bound)
    members = pd.Series(pd.NA, index=values.index, dtype="Int64")
    if bounds:
        members[numbers.notna()] = pd.Series(bounds).searchsorted(known, side="left")
    labels = []
    for number, bound in enumerate(bounds):
        lowest = float(known[members[numbers.notna()] == number].min())
        if text(lowest) == text(bound):
            labels.append(text(bound))
        elif number == 0:
            labels.append(f"bis {text(bound)}")
        else:
            labels.append(f"über {text(bounds[number - 1])} bis {text(bound)}")
    return bounds, labels, members


def _class_colours(count: int) -> list[str]:
    """`count` colours along the Cividis scale, low to high as on the continuous map (readable in grey and by the
    colour-blind)."""
    from plotly.colors import sample_colorscale

    return sample_colorscale("Cividis", [step / (count - 1) if count > 1 else 0.5 for step in range(count)])


def _is_limited(flag: object, key: str) -> bool:
    """Whether a row's `limited` cell flags `key`: a collection of flagged keys, or a plain yes/no."""
    if isinstance(flag, tuple | list | set | frozenset):
        return key in flag
    return bool(flag) if pd.notna(flag) else False


def _boundary(geojson: dict, ags: Sequence[str]) -> tuple[list[float | None], list[float | None]]:
    """Longitudes and latitudes (paths separated by None) of the line around these districts together: the edges
    two of them share are left out, so a Regierungsbezirk gets one outline (the BKG shapes share their vertices)."""
    wanted = set(ags)
    rings = []
    for feature in geojson["features"]:
        if feature["properties"]["ags"] not in wanted:
            continue
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for ring in (ring for polygon in polygons for ring in polygon):
            # Arrays in the shared outlines (`comparison.geojson`), lists in a file read as it is.
            rings.append([tuple(point) for point in (ring.tolist() if hasattr(ring, "tolist") else ring)])
    uses: dict[tuple, int] = {}
    for ring in rings:
        for a, b in zip(ring, ring[1:], strict=False):
            edge = (min(a, b), max(a, b))
            uses[edge] = uses.get(edge, 0) + 1
    paths: list[list[tuple]] = []
    for ring in rings:
        ring_paths: list[list[tuple]] = []
        for a, b in zip(ring, ring[1:], strict=False):
            if uses[(min(a, b), max(a, b))] > 1:
                continue
            if ring_paths and ring_paths[-1][-1] == a:
                ring_paths[-1].append(b)
            else:
                ring_paths.append([a, b])
        if len(ring_paths) > 1 and ring_paths[-1][-1] == ring_paths[0][0]:
            ring_paths[0] = ring_paths.pop()[:-1] + ring_paths[0]  # the ring's start lies inside one stretch
        paths.extend(ring_paths)
    lon: list[float | None] = []
    lat: list[float | None] = []
    for path in paths:
        lon.extend([*(point[0] for point in path), None])
        lat.extend([*(point[1] for point in path), None])
    return lon, lat


def _outline_layers(geojson: dict, outlined: Sequence[str], label: str) -> list[go.Scattermap]:
    """A thick dark line around the outlined districts on a white casing (visible on any fill colour), named
    "umrandet: <label>" in the legend; none without districts."""
    if not outlined:
        return []
    lon, lat = _boundary(geojson, outlined)
    name = f"umrandet: {plain_text(label)}" if label else "umrandet"
    common = {"lon": lon, "lat": lat, "mode": "lines", "hoverinfo": "skip", "name": name, "legendgroup": "outline"}
    return [
        go.Scattermap(**common, line={"color": "white", "width": 7}, showlegend=False),
        go.Scattermap(**common, line={"color": TEXT_COLOUR, "width": 3.5}, showlegend=True, legendrank=1),
    ]


OTHER_POINTS_COLOUR = "#829AB1"
BOX_FILL = "rgba(11, 83, 148, 0.10)"
_GOLDEN = 0.6180339887  # spreads the dots of a row evenly and the same way on every draw (no random jitter)


def distribution(
    frame: pd.DataFrame,
    value_column: str,
    label_column: str,
    highlight: pd.Series,
    title: str,
    source_note: str,
    kind: str,
    group_column: str | None = None,
    highlight_label: str = "gewählt",
    others_label: str = "übrige",
) -> go.Figure:
    """One indicator across districts or projects: a dot per value on one row (or one row per `group_column`),
    the middle half as a box with the median; `highlight` rows large, dark and named beside their dot; values of
    limited significance (a column `limited`: yes/no or the flagged keys) hollow and left out of median and
    quartiles, as in the comparison. Without any value the figure says so instead of drawing an empty axis."""
    values = pd.to_numeric(frame[value_column], errors="coerce").astype("float64").where(_finite(frame[value_column]))
    # Names from the files: on one line, cut before they are made plain (a cut never splits "&lt;"), the hover's
    # longer than the label's.
    written = pd.Series([_one_line(name) if pd.notna(name) else "–" for name in frame[label_column]], index=frame.index)
    names = written.map(lambda name: plain_text(_cut(name, _HOVER_CHARS)))
    if group_column:
        groups = pd.Series([str(g) if pd.notna(g) else "ohne Gruppe" for g in frame[group_column]], index=frame.index)
    else:
        groups = pd.Series("", index=frame.index, dtype="str")
    flags = frame["limited"] if "limited" in frame else pd.Series(False, index=frame.index)
    limited = pd.Series([_is_limited(flag, value_column) for flag in flags], index=frame.index, dtype="bool")
    chosen = highlight.reindex(frame.index).fillna(False).astype("bool")
    known = values.notna()
    subtitle = _distribution_counts(known, limited, chosen, names, highlight_label)
    top = 80 + 18 * subtitle.count("<br>")  # room for the title and each line under it
    if not known.any():
        fig = go.Figure(
            layout={
                "xaxis": {"visible": False},
                "yaxis": {"visible": False},
                "height": 260,
                "annotations": [
                    {
                        "text": "Keine Werte für diese Auswahl.",
                        "xref": "paper",
                        "yref": "paper",
                        "x": 0.5,
                        "y": 0.5,
                        "showarrow": False,
                        "font": {"size": 16, "color": "#52606d"},
                    }
                ],
            }
        )
        fig = _finish(fig, title, source_note)
        return fig.update_layout(title={"subtitle": {"text": subtitle}}, margin={"t": top})
    scale = 100 if kind in ("percent", "points") else 1
    order = list(dict.fromkeys(groups[known]))
    row = groups.map({group: number for number, group in enumerate(order)})
    # Each row's dots spread over its height by their rank in value; the highlighted ones on the middle line (their
    # names are placed from there), two with the same value a little apart.
    rank = values[known].groupby(row[known]).rank(method="first")
    spread = ((rank * _GOLDEN) % 1 - 0.5) * 0.5
    tied = values[known & chosen].groupby([row[known & chosen], values[known & chosen]]).cumcount()
    apart = tied.map(lambda k: (-1) ** k * math.ceil(k / 2) * 0.06)
    y = (row[known] + spread.where(~chosen[known], apart.reindex(spread.index))).reindex(frame.index)
    hover = [
        f"<b>{name}</b><br>{format_indicator(value, kind)}"
        + (f"<br>{plain_text(group)}" if group else "")
        + (f"<br>{LIMITED_SYMBOL} {LIMITED_TEXT}" if flag else "")
        for name, value, group, flag in zip(names, values, groups, limited, strict=True)
    ]
    hover = pd.Series(hover, index=frame.index)
    left_out = (known & limited).groupby(row).sum()
    counted = known & ~limited
    traces: list[go.BaseTraceType] = [*_quartile_boxes(values[counted], row[counted], kind, scale, left_out)]
    for name, rows, style in (
        (others_label, known & ~chosen & ~limited, {"color": OTHER_POINTS_COLOUR, "size": 9, "symbol": "circle"}),
        (
            f"{LIMITED_SYMBOL} {LIMITED_TEXT}",
            known & ~chosen & limited,
            {"color": OTHER_POINTS_COLOUR, "size": 9, "symbol": "circle-open", "line": {"width": 2}},
        ),
        (
            highlight_label,
            known & chosen & ~limited,
            {"color": ACCENT, "size": 15, "symbol": "circle", "line": {"color": TEXT_COLOUR, "width": 2}},
        ),
        (
            f"{highlight_label} ({LIMITED_SYMBOL})",
            known & chosen & limited,
            {"color": ACCENT, "size": 15, "symbol": "circle-open", "line": {"width": 3}},
        ),
    ):
        if rows.any():
            traces.append(
                go.Scatter(
                    x=values[rows] * scale,
                    y=y[rows],
                    mode="markers",
                    name=name,
                    marker=style,
                    hovertext=hover[rows],
                    hoverinfo="text",
                )
            )
    low, high = float(values[known].min() * scale), float(values[known].max() * scale)
    pad = (high - low) * 0.06 or max(abs(high) * 0.1, 1.0)
    fig = go.Figure(data=traces)
    named = known & chosen
    labels = []  # per highlighted dot: x, y, row, shortened name (the hover has the whole name), anchor, offset
    for row_number in range(len(order)):
        here = named & (row == row_number)
        short = written[here].map(lambda name: plain_text(_cut(name, _LABEL_CHARS)))
        spots = _label_spots([(value - low + pad) / (high - low + 2 * pad) for value in values[here] * scale], short)
        labels += [
            (value, height, row_number, name, *spot)
            for value, height, name, spot in zip(values[here] * scale, y[here], short, spots, strict=True)
        ]
    row_height = max(120, 2 * max((abs(label[-1]) for label in labels), default=0) + 40)
    for value, height, row_number, name, anchor, offset in labels:
        fig.add_annotation(
            x=value,
            y=height,
            text=name,
            ax=0,
            # From the row's middle line, in rows (a row is `row_height` pixels or, in a larger picture, more):
            # two names apart stay apart however the dots of equal values lie.
            ayref="y",
            ay=row_number + offset / row_height,
            xanchor=anchor,
            showarrow=True,
            arrowhead=0,
            arrowcolor=TEXT_COLOUR,
            font={"size": 13, "color": TEXT_COLOUR},
            bgcolor="rgba(255,255,255,0.85)",
        )
    bottom = 50 + 14 * len(source_note.split("; ")) if source_note else 80  # as `_finish` sets it
    fig.update_layout(
        height=top + bottom + 30 + row_height * len(order),  # 30: the value axis' labels
        margin={"t": top},
        legend={"traceorder": "normal"},
    )
    fig.update_yaxes(
        tickvals=list(range(len(order))),
        ticktext=[plain_text(group) for group in order],
        range=[len(order) - 0.5, -0.5],  # the first group on top
        showgrid=False,
        zeroline=False,
        title=None,
    )
    axis = _value_axis(kind, low, high, 2 * pad + high - low)
    fig.update_xaxes(title=None, range=[low - pad, high + pad], zeroline=False, **axis)
    fig = _finish(fig, title, source_note)
    return fig.update_layout(title={"subtitle": {"text": subtitle}})


def _quartile_boxes(
    values: pd.Series, rows: pd.Series, kind: str, scale: int, left_out: pd.Series
) -> list[go.BaseTraceType]:
    """Per row a box over the middle half of the values (quartiles by linear interpolation, as `comparison`
    computes them) with the median, and an invisible mark on the median whose hover says them in German and
    counts the values of limited significance left out (`left_out` per row)."""
    stats = values.groupby(rows).quantile([0.25, 0.5, 0.75]).unstack()
    if stats.empty:
        return []
    counts = values.groupby(rows).size()
    box = go.Box(
        y=list(stats.index),
        q1=stats[0.25] * scale,
        median=stats[0.5] * scale,
        q3=stats[0.75] * scale,
        lowerfence=stats[0.25] * scale,
        upperfence=stats[0.75] * scale,
        orientation="h",
        width=0.7,
        name="Median und mittlere Hälfte",
        fillcolor=BOX_FILL,
        line={"color": "#52606d", "width": 1.5},
        hoverinfo="skip",
    )
    marks = go.Scatter(
        x=stats[0.5] * scale,
        y=list(stats.index),
        mode="markers",
        marker={"symbol": "line-ns", "size": 30, "opacity": 0},
        showlegend=False,
        hovertext=[
            f"Median {format_indicator(median, kind)}<br>mittlere Hälfte {format_indicator(q1, kind)} bis "
            f"{format_indicator(q3, kind)}<br>aus {format_number(counts[number])} Werten"
            + (f" (ohne {format_number(left_out[number])} mit {LIMITED_SYMBOL})" if left_out.get(number) else "")
            for number, q1, median, q3 in zip(stats.index, stats[0.25], stats[0.5], stats[0.75], strict=True)
        ],
        hoverinfo="text",
    )
    return [box, marks]


def _distribution_counts(
    known: pd.Series, limited: pd.Series, chosen: pd.Series, names: pd.Series, highlight_label: str
) -> str:
    """The lines under a distribution's title: how many values it shows, how many are missing or of limited
    significance; then which highlighted rows have no value."""
    parts = [f"{format_number(int(known.sum()))} {'Wert' if known.sum() == 1 else 'Werte'}"]
    if (~known).any():
        parts.append(f"ohne Wert: {format_number(int((~known).sum()))}")
    if (known & limited).any():
        parts.append(
            f"{LIMITED_SYMBOL} {LIMITED_TEXT}: {format_number(int((known & limited).sum()))} "
            "(nicht in Median und Quartilen)"
        )
    text = " · ".join(parts)
    missing = list(names[chosen & ~known])
    if missing:
        text += f"<br>{highlight_label} ohne Wert: {', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}"
    return text


def _value_axis(kind: str, low: float, high: float, shown: float) -> dict[str, object]:
    """The value axis' ticks in German for values from `low` to `high` on an axis `shown` wide: euros (from a
    million on in Mio. €), percent or percentage points."""
    if kind == "eur" and low >= 0:
        ticks, texts = _euro_ticks(high if high > 0 else 1.0, most=9)  # those left of the values are not shown
        return {"tickvals": ticks, "ticktext": texts}
    suffix = {"percent": " %", "points": " Pp.", "eur": " €", "eur2": " €"}.get(kind, "")
    # Whole numbers unless the values lie so close that whole ticks would repeat.
    digits = 2 if kind == "eur2" else 0 if shown >= 5 else 1
    return {"ticksuffix": suffix, "tickformat": f",.{digits}f"}


_LABEL_PLOT_PX = 800  # the narrowest plot width names are placed for: wider, they only stand further apart
_LABEL_STEP_PX = 22
_LABEL_CHARS = 40  # a longer name is cut beside its dot
_HOVER_CHARS = 150  # and in its hover (a name of 5.000 characters would run off the screen)


def _finite(values: pd.Series) -> pd.Series:
    """Whether each value is a finite number (not missing, not text, not ±infinity)."""
    return pd.to_numeric(values, errors="coerce").astype("float64").abs().lt(math.inf)


def _one_line(name: object) -> str:
    """A name as one line: line breaks and runs of white space as one space (Plotly would break the line)."""
    return " ".join(str(name).split())


def _cut(text: str, most: int) -> str:
    """`text`, cut to `most` characters with "…" if longer."""
    return text if len(text) <= most else f"{text[: most - 1]}…"


def _label_spots(where: list[float], names: pd.Series) -> list[tuple[str, int]]:
    """For names at these places (0–1 across the plot): an anchor and a vertical offset in pixels each, above or
    below the dot, so that no two names overlap and, where there is room, no pointer runs through another name."""
    placed: list[tuple[int, int, float, float, float]] = []  # side, offset, name's span from and to, dot
    spots: list[tuple[str, int]] = [("center", -30)] * len(where)
    candidates = [(-1 if step % 2 == 0 else 1, 30 + _LABEL_STEP_PX * (step // 2)) for step in range(16)]
    for index in sorted(range(len(where)), key=lambda i: where[i]):
        x, width = where[index], (len(str(names.iloc[index])) * 7.5 + 12) / _LABEL_PLOT_PX
        anchor = "left" if x < 0.2 else "right" if x > 0.8 else "center"
        start = x if anchor == "left" else x - width if anchor == "right" else x - width / 2
        name = (start, start + width, x)
        side, depth = next(
            (spot for strict in (True, False) for spot in candidates if _apart(placed, *spot, name, strict)),
            candidates[-1],
        )
        placed.append((side, depth, *name))
        spots[index] = (anchor, side * depth)
    return spots


def _apart(
    placed: list[tuple[int, int, float, float, float]],
    side: int,
    depth: int,
    name: tuple[float, float, float],
    strict: bool,
) -> bool:
    """Whether a name (its span and dot) at this side and offset leaves the names placed so far readable: it
    overlaps none at its offset and (`strict`) no pointer crosses a name."""
    start, end, x = name
    return all(
        other_side != side
        or (other_depth == depth and (other_end < start - 0.01 or other_start > end + 0.01))
        or (not strict and other_depth != depth)
        or (other_depth < depth and not other_start <= x <= other_end)  # this pointer would cross a nearer name
        or (other_depth > depth and not start <= dot <= end)  # its pointer would cross this name
        for other_side, other_depth, other_start, other_end, dot in placed
    )
