"""Plotly figures with the project's own template: German separators, fixed measure-type colours.

Every figure sets the `aqb` template itself and is drawn with `theme=None`, so that the screen, the
toolbar's image export and a server-side export look the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

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
)
from aqb_data.analysis.reporting import STALE_SYMBOL
from aqb_data.domain.dataset import AqbData, kept, memoised
from aqb_data.domain.formatting import (
    format_eur,
    format_eur_cents,
    format_number,
    format_percent,
    format_points,
    safe_file_stem,
)
from aqb_data.domain.model import MEASURE_TYPES, UNALLOCATED_COLOUR

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


def _finish(fig: go.Figure, title: str, source_note: str) -> go.Figure:
    """Template, title and the source line under the plot."""
    fig.update_layout(template="aqb", title={"text": title})
    if source_note:
        lines = source_note.split("; ")
        # Room under the axis for every line of the note (13 px each) besides the axis' own labels.
        fig.update_layout(margin={"b": 50 + 14 * len(lines)})
        fig.add_annotation(
            text="<br>".join(plain_text(line) for line in lines),
            xref="paper",
            yref="paper",
            # Right-aligned under the plot: long category labels on the left cannot push it out of view.
            x=1,
            y=0,
            yshift=-30,
            xanchor="right",
            align="right",
            yanchor="top",
            showarrow=False,
            font={"size": 11, "color": "#52606d"},
        )
    return fig


def image_config(file_stem: str, fmt: str = "png") -> dict[str, object]:
    """Plotly's toolbar settings: a 16:9 meeting-ready PNG (or SVG) with a telling file name, no Plotly logo."""
    return {
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
    fig = go.Figure()
    units = list(dict.fromkeys(allocation.sort_values("budget_eur")["unit_label"]))
    over_rows = allocation[allocation["measure_type"] == OVER_PLANNED_CODE]
    over = dict(zip(over_rows["unit_label"], -over_rows["planned_eur"], strict=True))
    for code in _MEASURE_ORDER:
        part = allocation[allocation["measure_type"] == code]
        if part.empty:
            continue
        hover = [
            f"<b>{unit}</b><br>{measure_label(code)}: {format_eur(eur)}<br>{format_percent(share)} des Budgets"
            f" ({format_eur(budget)})"
            + (f"<br>überplant: {format_eur(over[unit])} über dem Budget" if unit in over else "")
            for unit, eur, share, budget in zip(
                part["unit_label"], part["planned_eur"], part["share"], part["budget_eur"], strict=True
            )
        ]
        fig.add_trace(
            go.Bar(
                name=measure_label(code),
                y=part["unit_label"],
                x=part["share"] * 100 if as_share else part["planned_eur"],
                orientation="h",
                marker={"color": MEASURE_COLOURS[code], "line": {"color": "white", "width": 0.5}},
                marker_pattern_shape=PATTERNS.get(code, ""),
                marker_pattern_fgcolor="#52606d" if code == UNKNOWN_CODE else None,
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.update_layout(barmode="stack", height=max(340, 140 + 26 * len(units)), legend={"traceorder": "normal"})
    if as_share:
        fig.update_xaxes(title=None, tickformat=",.0f", ticksuffix=" %")
    else:
        # Few short labels ("10 Mio. €"): upright even in a narrow picture, so none runs into the source note.
        reach = allocation[allocation["planned_eur"] > 0].groupby("unit_label")["planned_eur"].sum()
        values, texts = _euro_ticks(float(reach.max()) if len(reach) else 0.0)
        fig.update_xaxes(title=None, tickvals=values, ticktext=texts, tickangle=0)
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=units)
    return _finish(fig, title, source_note)


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

    def label(code: int, eur: float) -> str:
        if pd.notna(eur):
            return measure_label(code)
        return f"{measure_label(code)} ({'ohne geplante Mittel' if code in with_projects else 'keine Projekte'})"

    labels = [label(code, eur) for code, eur in zip(frame.index, frame["planned_eur"], strict=True)]
    texts = [
        f"{format_eur(eur)} ({format_percent(share)})" if pd.notna(eur) else ""
        for eur, share in zip(frame["planned_eur"], frame["share"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            x=frame["planned_eur"].fillna(0),
            y=labels,
            orientation="h",
            marker={"color": [MEASURE_COLOURS[code] for code in frame.index]},
            marker_pattern_shape=[PATTERNS.get(code, "") for code in frame.index],
            text=texts,
            textposition="outside",
            cliponaxis=False,
            hovertext=[f"<b>{label}</b><br>{text}" for label, text in zip(labels, texts, strict=True)],
            hoverinfo="text",
        )
    )
    fig.update_layout(height=340, showlegend=False)
    # The bars carry their amounts; an axis would only repeat them. Room on the right for the labels.
    longest = float(frame["planned_eur"].max()) if frame["planned_eur"].notna().any() else 1.0
    fig.update_xaxes(visible=False, range=[0, longest * 2.3])
    fig.update_yaxes(title=None, autorange="reversed")
    return _finish(fig, title, source_note)


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
    return _finish(fig, title, source_note)


@kept(FIGURES_KEPT)
def per_inhabitant_bars(
    budgets: pd.DataFrame, title: str, land_value: float, source_note: str = "", reference_label: str = "Hessen"
) -> go.Figure:
    """€ per inhabitant per district, sorted, with the value of the whole selection as a reference line."""
    frame = budgets.dropna(subset=["budget_per_inhabitant"]).sort_values("budget_per_inhabitant")
    fig = go.Figure(
        go.Bar(
            x=frame["budget_per_inhabitant"],
            y=frame["label"],
            orientation="h",
            marker_color=ACCENT,
            text=[format_eur(v, 2) for v in frame["budget_per_inhabitant"]],
            textposition="outside",
            cliponaxis=False,
            hovertext=[
                f"<b>{label}</b><br>{format_eur(v, 2)} je Einwohner/in<br>Haushaltsmittel {format_eur(b)}"
                f"<br>Einwohner/innen {format_number(p)}"
                for label, v, b, p in zip(
                    frame["label"],
                    frame["budget_per_inhabitant"],
                    frame["budget_eur"],
                    frame["population"],
                    strict=True,
                )
            ],
            hoverinfo="text",
        )
    )
    fig.add_vline(
        x=land_value,
        line={"color": TEXT_COLOUR, "dash": "dash", "width": 1.5},
        layer="above",
        annotation_text=f"{reference_label} {format_eur(land_value, 2)}",
        annotation_position="top",
    )
    fig.update_layout(height=max(300, 120 + 24 * len(frame)), showlegend=False)
    fig.update_xaxes(title=None, tickformat=",.2f", ticksuffix=" €")
    fig.update_yaxes(title=None)
    return _finish(fig, title, source_note)


STATUS_COLOURS = {ON_TRACK: "#009E73", WATCH: "#E69F00", BEHIND: "#D55E00", NO_DATA: "#BBBBBB"}


@kept(FIGURES_KEPT)
def deviation_bars(frame: pd.DataFrame, title: str, source_note: str = "") -> go.Figure:
    """Spending rate minus the elapsed share of the year per unit, in percentage points; status as colour,
    symbol and text (colour never carries the meaning alone)."""
    shown = frame.dropna(subset=["deviation"]).sort_values("deviation")
    names = [plain_text(label) for label in shown["unit_label"]]  # projects' names come from the files
    labels = [f"{STATUS_SYMBOL[s]} {name}" for s, name in zip(shown["status"], names, strict=True)]
    # A figure from a report older than the Stichtag says so on its bar too ("⚠ Bericht vom 30.06.2025").
    flags = [
        f" · {flag}" if isinstance(flag, str) and flag.startswith(STALE_SYMBOL) else ""
        for flag in (shown["report_flag"] if "report_flag" in shown else [None] * len(shown))
    ]
    fig = go.Figure(
        go.Bar(
            x=shown["deviation"] * 100,
            y=labels,
            orientation="h",
            marker_color=[STATUS_COLOURS[s] for s in shown["status"]],
            text=[
                f"{format_number(d * 100, 1)} Pp. · {s}{flag}"
                for d, s, flag in zip(shown["deviation"], shown["status"], flags, strict=True)
            ],
            textposition="outside",
            cliponaxis=False,
            hovertext=[
                f"<b>{name}</b><br>Mittelabfluss {format_percent(r)} bei erwartet {format_percent(e)}"
                f"<br>Auslastung {format_percent(o)}<br>Status: {s}"
                for name, r, e, o, s in zip(
                    names,
                    shown["spending_rate"],
                    shown["expected_rate"],
                    shown["occupancy"],
                    shown["status"],
                    strict=True,
                )
            ],
            hoverinfo="text",
        )
    )
    fig.add_vline(x=0, line={"color": TEXT_COLOUR, "width": 1})
    fig.update_layout(height=max(260, 120 + 26 * len(shown)), showlegend=False)
    points = shown["deviation"] * 100
    low, high = min(float(points.min()), 0.0), max(float(points.max()), 0.0)
    room = (high - low) * 0.45 or 5.0  # for the labels beside the bars, on both sides
    fig.update_xaxes(title=None, ticksuffix=" Pp.", tickformat=",.0f", range=[low - room, high + room])
    fig.update_yaxes(title=None, categoryorder="array", categoryarray=labels)
    return _finish(fig, title, source_note)


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
    return {"eur": format_eur, "eur2": format_eur_cents, "percent": format_percent, "points": format_points}.get(kind)


def _outlines(geojson: dict, ags: list[str]) -> dict:
    """The features of these districts only."""
    wanted = set(ags)
    return {**geojson, "features": [f for f in geojson["features"] if f["properties"]["ags"] in wanted]}


def district_map(
    frame: pd.DataFrame, key: str, label: str, kind: str, geojson: dict, source_note: str = ""
) -> go.Figure:
    """The 26 districts coloured by one indicator; works offline (no map tiles), BKG attribution in the figure.

    Built from graph objects (plotly express copies the shapes into every layer and takes four times as long);
    each layer carries the outlines of the districts it colours, and no others.
    """
    has_value = frame[key].notna()
    hover = f"<b>%{{hovertext}}</b><br>{label}: %{{customdata[0]}}<extra></extra>"

    def layer(rows: pd.DataFrame, **style: object) -> go.Choroplethmap:
        return go.Choroplethmap(
            geojson=_outlines(geojson, list(rows["ags"])),
            locations=rows["ags"],
            featureidkey="properties.ags",
            hovertext=rows["label"],
            customdata=[[format_indicator(v, kind)] for v in rows[key]],
            hovertemplate=hover,
            marker={"line": {"color": "white"}, "opacity": 0.9},
            **style,
        )

    layout: dict[str, object] = {}
    shown = frame[has_value]
    if kind == "status":  # one layer per status in its colour, named in the legend
        layers = [
            layer(
                rows,
                z=[1] * len(rows),
                colorscale=[[0, STATUS_COLOURS[status]], [1, STATUS_COLOURS[status]]],
                showscale=False,
                showlegend=True,
                name=status,
            )
            for status in (BEHIND, WATCH, ON_TRACK, NO_DATA)
            if len(rows := shown[shown[key] == status])
        ]
    else:
        scale = 100 if kind in ("percent", "points") else 1
        layers = [layer(shown, z=shown[key] * scale, coloraxis="coloraxis", name="")]
        suffix = {"percent": " %", "points": " Pp.", "eur": " €", "eur2": " €"}[kind]
        colorbar = {"ticksuffix": suffix, "tickformat": ",.0f" if kind != "eur2" else ",.2f"}
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
    )
    layout |= {
        "map": {"style": "white-bg", "center": {"lat": 50.6, "lon": 9.0}, "zoom": 6.2},
        "height": 620,
        "legend": {"title": None, "tracegroupgap": 0},
        "margin": {"t": 60},
    }
    fig = go.Figure(data=[base, *layers], layout=layout)
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
def comparison_map(data: AqbData, selection: Selection, key: str, source_note: str = "") -> go.Figure:
    """The map of the 26 districts coloured by one indicator (see `district_map`)."""
    indicator = INDICATORS[key]
    comparison = district_comparison(data, selection)
    return district_map(comparison, key, indicator.label, indicator.kind, geojson(), source_note)


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
