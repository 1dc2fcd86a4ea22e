"""One German sentence per chart, for screen readers and everyone else: what the chart shows, how many bars,
lines or districts, the highest and the lowest with their values, and where the selection sits.

Every sentence is read from the very numbers frame the chart's table shows (the `numbers` of `ui.widgets.chart`,
the frame a slide's chart is drawn from): nothing is computed anew beyond picking, counting and adding up what is
drawn. A missing value is never called 0: it is counted as „ohne Wert (–)“. An empty chart says so. The pages show
the sentence under the chart (`ui.widgets.chart`), the meeting pack puts it on the chart's picture as its
alternative text. Names come from uploaded files: the page escapes the sentence before Markdown shows it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go

from aqb_data.analysis.achievement import BEHIND, NO_DATA, ON_TRACK, WATCH
from aqb_data.analysis.indicators import LAND_LABEL
from aqb_data.domain.formatting import (
    NOT_AVAILABLE,
    format_date,
    format_eur,
    format_eur_cents,
    format_number,
    format_percent,
    format_points,
)
from aqb_data.domain.model import MEASURE_TYPES

Formatter = Callable[[object], str]

EMPTY = "Keine Werte für diese Auswahl."
PREFIX = "Kurz gesagt:"
_STATUS_ORDER = (ON_TRACK, WATCH, BEHIND, NO_DATA)


def _number(value: object) -> float | None:
    """A value as a finite float, or None where the chart draws nothing (missing, infinite, text)."""
    if value is None or value is pd.NA or isinstance(value, str | bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _count(n: int, one: str, many: str) -> str:
    return f"{format_number(n)} {one if n == 1 else many}"


def _missing_part(n: int, what: tuple[str, str], named: bool = False) -> str:
    """The rows without a value, counted (never as 0); `named`: `what` already says why they have none."""
    if not n:
        return ""
    return f"{_count(n, *what)} ({NOT_AVAILABLE})" if named else f"{_count(n, *what)} ohne Wert ({NOT_AVAILABLE})"


def _sentence(parts: Sequence[str]) -> str:
    """The parts that say something, joined; one sentence ending in a full stop."""
    text = ", ".join(part for part in parts if part)
    return f"{text}." if text else EMPTY


def _values(
    frame: pd.DataFrame, label: str, value: str, formatter: Formatter, aside: tuple[str, Formatter] | None
) -> tuple[list[tuple[str, float, str]], int]:
    """(label, value, value as text) of every row with a value, in the frame's order, and how many rows have none;
    the text with the `aside` column's value in brackets, where it has one."""
    asides = frame[aside[0]] if aside is not None else [None] * len(frame)
    shown = []
    for name, v, extra in zip(frame[label], frame[value], asides, strict=True):
        number = _number(v)
        if number is None:
            continue
        text = formatter(number)
        if aside is not None and _number(extra) is not None:
            text = f"{text} ({aside[1](extra)})"
        shown.append((str(name).strip(), number, text))
    return shown, len(frame) - len(shown)


def ranked(
    frame: pd.DataFrame,
    label: str,
    value: str,
    formatter: Formatter,
    *,
    what: tuple[str, str] = ("Balken", "Balken"),
    high: str = "am höchsten",
    low: str = "am niedrigsten",
    total: bool = False,
    chosen: str | None = None,
    aside: tuple[str, Formatter] | None = None,
    without: tuple[str, str] | None = None,
) -> str:
    """The generic sentence of a chart of one value per row: how many (`what`: singular, plural), the highest and
    the lowest with their values (`aside`: another column, formatted, in brackets beside each), the rows without a
    value (`without`: what they are called, if not `what`), optionally the sum and the `chosen` row's value."""
    shown, missing = _values(frame, label, value, formatter, aside)
    if not shown:  # nothing drawn: no bar to count, missing or not
        return EMPTY
    parts = [_count(len(shown), *what)]
    if len(shown) == 1:
        parts.append(f"{shown[0][0]} mit {shown[0][2]}")
    else:
        top = max(shown, key=lambda row: row[1])
        bottom = min(shown, key=lambda row: row[1])
        parts += [f"{high} {top[0]} mit {top[2]}", f"{low} {bottom[0]} mit {bottom[2]}"]
    if total and len(shown) > 1:
        parts.append(f"zusammen {formatter(sum(v for _, v, _ in shown))}")
    parts.append(_missing_part(missing, without or what, without is not None))
    if chosen is not None and len(shown) > 1:
        mine = [text for name, _, text in shown if name == chosen]
        parts.append(f"gewählt {chosen} mit {mine[0]}" if mine else f"gewählt {chosen} ohne Wert ({NOT_AVAILABLE})")
    return _sentence(parts)


def titled(fig: go.Figure, summary: str) -> str:
    """The chart's title (as one line of plain text) before its summary: the whole sentence for alternative text."""
    title = fig.layout.title.text or ""
    title = html.unescape(title.replace("<br>", " ")).strip()
    return f"{title}: {summary}" if title else summary


# ---------------------------------------------------------------------------------------------------------------
# One function per kind of chart (the builders in `present.charts`)
# ---------------------------------------------------------------------------------------------------------------


def measure_type_bars(allocation: pd.DataFrame) -> str:
    """`charts.measure_type_bars`: one unit's planned money per measure type, and what is left of its budget."""
    types = allocation[allocation["measure_type"].isin(list(MEASURE_TYPES))]
    body = ranked(
        types,
        "measure_label",
        "planned_eur",
        format_eur,
        what=("Maßnahmenart mit geplanten Mitteln", "Maßnahmenarten mit geplanten Mitteln"),
        high="am meisten",
        low="am wenigsten",
        aside=("share", lambda share: f"{format_percent(share)} des Budgets"),
    )
    rest = allocation[~allocation["measure_type"].isin(list(MEASURE_TYPES))]
    others = [
        f"{str(name).strip()[:1].lower()}{str(name).strip()[1:]} {format_eur(abs(v))}"
        for name, v in zip(rest["measure_label"], rest["planned_eur"], strict=True)
        if _number(v)
    ]
    if body == EMPTY and not others:
        return EMPTY
    budget = allocation["budget_eur"].dropna()
    tail = [f"außerdem {', '.join(others)}" if others else ""]
    if len(budget):
        tail.append(f"Haushaltsmittel {format_eur(budget.iloc[0])}")
    lead = "keine geplanten Mittel in den gewählten Maßnahmenarten" if body == EMPTY else body[:-1]
    return _sentence([lead, *tail])


def allocation_bars(allocation: pd.DataFrame, as_share: bool = False, total: bool = True) -> str:
    """`charts.allocation_bars`: a stacked bar per unit; the planned money of the measure types (or their share of
    the unit's budget), the highest and lowest unit, with `total` the sum over the units. Without `total` the
    first unit contains the others (Hessen and its Regierungsbezirke): it is named first, the others are ranked."""
    types = allocation[allocation["measure_type"].isin(list(MEASURE_TYPES))]
    column = "share" if as_share else "planned_eur"
    per_unit = types.groupby("unit_label", sort=False)[column].sum(min_count=1).reset_index()
    formatter = (lambda share: f"{format_percent(share)} des Budgets") if as_share else format_eur
    whole = None
    if not total and len(per_unit) > 1:
        whole, per_unit = per_unit.iloc[0], per_unit.iloc[1:]
    body = ranked(
        per_unit,
        "unit_label",
        column,
        formatter,
        what=("Gebiet mit geplanten Mitteln", "Gebiete mit geplanten Mitteln"),
        without=("Gebiet ohne Projektbeträge", "Gebiete ohne Projektbeträge"),
        high="am meisten geplant",
        low="am wenigsten geplant",
        total=total and not as_share,
    )
    if whole is None or _number(whole[column]) is None:
        return body
    return f"{whole['unit_label']} {formatter(whole[column])} geplant; darin {body}"


def measure_type_shares(allocation: pd.DataFrame) -> str:
    """`charts.measure_type_small_multiples`: a panel per measure type, each district's share of its budget; the
    highest and the lowest share over all panels."""
    types = allocation[allocation["measure_type"].isin(list(MEASURE_TYPES))]
    units = types["unit_label"].nunique()
    pairs = types.assign(_name=types["unit_label"].astype(str) + " bei " + types["measure_label"].astype(str))
    body = ranked(
        pairs, "_name", "share", format_percent, what=("Anteil", "Anteile"), high="am höchsten", low="am niedrigsten"
    )
    if body == EMPTY:
        return EMPTY
    panels = f"{_count(len(MEASURE_TYPES), 'Feld', 'Felder')} je Maßnahmenart für {_count(units, 'Gebiet', 'Gebiete')}"
    return f"{panels}, {body}"


def budget_trend_bars(trend: pd.DataFrame, year: int | None = None) -> str:
    """`charts.budget_trend_bars`: the budget per year, the selected year highlighted."""
    frame = trend.assign(_year=trend["year"].astype(str))
    chosen = str(year) if year is not None and str(year) in set(frame["_year"]) else None
    return ranked(frame, "_year", "budget_eur", format_eur, what=("Jahr", "Jahre"), chosen=chosen)


def per_inhabitant_bars(budgets: pd.DataFrame, reference: float, reference_label: str = LAND_LABEL) -> str:
    """`charts.per_inhabitant_bars`: € per inhabitant per district, with the whole selection's value as a line."""
    body = ranked(budgets, "label", "budget_per_inhabitant", format_eur_cents)
    if body == EMPTY:
        return EMPTY
    line = f"; Linie {reference_label} {format_eur_cents(reference)}" if _number(reference) is not None else ""
    return f"{body[:-1]}{line}."


def deviation_bars(frame: pd.DataFrame) -> str:
    """`charts.deviation_bars`: spending rate minus the elapsed share per unit, and how many units have each
    status."""
    # "am höchsten", not "voraus": when every unit is behind, the highest is behind too.
    body = ranked(frame, "unit_label", "deviation", format_points)
    if body == EMPTY:
        return EMPTY
    counts = frame.loc[frame["deviation"].map(_number).notna(), "status"].value_counts()
    status = ", ".join(f"{format_number(counts[s])} {s}" for s in _STATUS_ORDER if counts.get(s, 0))
    return f"{body[:-1]}; Status: {status}." if status else body


def allocation_trend_bars(trend: pd.DataFrame) -> str:
    """`charts.allocation_trend_bars`: the planned money per year, stacked by measure type."""
    per_year = trend.groupby("year", sort=True)["planned_eur"].sum(min_count=1).reset_index()
    per_year["year"] = per_year["year"].astype(str)
    body = ranked(
        per_year,
        "year",
        "planned_eur",
        format_eur,
        what=("Jahr", "Jahre"),
        high="am meisten geplant",
        low="am wenigsten geplant",
    )
    return body if body == EMPTY else f"{body[:-1]}, je Jahr nach Maßnahmenart gestapelt."


def trend_lines(trend: pd.DataFrame, value: str, as_percent: bool = False) -> str:
    """`charts.trend_lines`: a line per unit over the years (Hessen dashed); the first unit's highest and lowest
    year, and every unit's value in the last year (in percent or in euros with cents, as the chart's labels)."""
    formatter = format_percent if as_percent else format_eur_cents
    units = list(dict.fromkeys(trend["unit_label"].astype(str)))
    years = sorted(trend["year"].dropna().unique())
    if not units or not years or trend[value].map(_number).isna().all():
        return EMPTY
    first = trend[trend["unit_label"].astype(str) == units[0]].assign(_year=lambda f: f["year"].astype(str))
    lines = " und ".join(units)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    body = ranked(first, "_year", value, formatter, what=("Jahr", "Jahre"))
    last = trend[trend["year"] == years[-1]]
    latest = ", ".join(
        f"{str(name).strip()} {formatter(v) if _number(v) is not None else NOT_AVAILABLE}"
        for name, v in zip(last["unit_label"], last[value], strict=True)
    )
    lead = f"{_count(len(units), 'Linie', 'Linien')} ({lines}), {span}"
    return f"{lead}; {units[0]}: {body[:-1]}; {years[-1]}: {latest}."


def projection_path_lines(paths: pd.DataFrame, year: int) -> str:
    """`charts.projection_path_lines`: the selected year's spending so far and its projection with the 80 %
    interval; the earlier years' spending at the end of their path."""
    mine = paths[paths["year"] == year]
    reported = mine[mine["kind"] != "Hochrechnung"].dropna(subset=["spent_eur"])
    projected = mine[mine["kind"] == "Hochrechnung"]
    parts: list[str] = []
    if len(reported):
        row = reported.sort_values("as_of").iloc[-1]
        parts.append(f"{year} bis {format_date(row['as_of'])} verausgabt {format_eur(row['spent_eur'])}")
    if len(projected):
        row = projected.iloc[-1]
        parts.append(
            f"hochgerechnet zum {format_date(row['as_of'])} {format_eur(row['spent_eur'])} (80 %-Intervall "
            f"{format_eur(row['low_eur'])} bis {format_eur(row['high_eur'])})"
        )
    earlier = paths[paths["year"] != year].dropna(subset=["spent_eur"])
    if len(earlier):
        ends = earlier.sort_values("as_of").groupby("year").tail(1).assign(_year=lambda f: f["year"].astype(str))
        parts.append(
            "frühere Jahre am Ende ihres Verlaufs: "
            + ranked(ends, "_year", "spent_eur", format_eur, what=("Jahr", "Jahre"))[:-1]
        )
    return _sentence(parts)


def lapse_bars(history: pd.DataFrame) -> str:
    """`charts.lapse_bars`: per closed year the budget split into spent and not spent."""
    frame = history.assign(_year=history["year"].astype(str))
    return ranked(
        frame,
        "_year",
        "lapsed_eur",
        format_eur,
        what=("abgeschlossenes Jahr", "abgeschlossene Jahre"),
        high="am meisten nicht verausgabt",
        low="am wenigsten",
        aside=("lapsed_share", format_percent),
    )


def _status_counts(frame: pd.DataFrame, column: str) -> str:
    counts = frame[column].value_counts()
    return ", ".join(f"{format_number(counts[s])} {s}" for s in _STATUS_ORDER if counts.get(s, 0))


def _chosen_part(
    frame: pd.DataFrame, label: str, value: str, formatter: Formatter, chosen: pd.Series, what: tuple[str, str]
) -> str:
    """Where the chosen rows sit: one by its value (and rank, where the frame has one), several by their range."""
    mine = frame[chosen.to_numpy(dtype=bool)]
    if mine.empty:
        return ""
    values = [v for v in mine[value].map(_number) if v is not None]
    if len(mine) == 1:
        row = mine.iloc[0]
        name = str(row[label]).strip()
        if _number(row[value]) is None:
            return f"gewählt {name} ohne Wert ({NOT_AVAILABLE})"
        rank = row["rank"] if "rank" in mine.columns and _number(row["rank"]) is not None else None
        ranked_text = f", Rang {format_number(rank)}" if rank is not None else ""
        return f"gewählt {name} mit {formatter(row[value])}{ranked_text}"
    if not values:
        return f"gewählt {_count(len(mine), *what)} ohne Wert ({NOT_AVAILABLE})"
    return f"gewählt {_count(len(mine), *what)} von {formatter(min(values))} bis {formatter(max(values))}"


def indicator_chart(
    frame: pd.DataFrame,
    label: str,
    value: str,
    formatter: Formatter | None,
    chosen: pd.Series | None = None,
    what: tuple[str, str] = ("Gebietskörperschaft", "Gebietskörperschaften"),
) -> str:
    """The map and the distributions of Vergleich: one indicator over the districts (or projects); the highest
    and the lowest, and where the chosen district (Regierungsbezirk, its projects) sits. `formatter` None: the
    status, told as counts."""
    if frame.empty:
        return EMPTY
    if formatter is None:
        counts = _status_counts(frame, value)
        mine = frame[chosen.to_numpy(dtype=bool)] if chosen is not None else frame.iloc[0:0]
        chosen_text = f", gewählt {str(mine.iloc[0][label]).strip()}: {mine.iloc[0][value]}" if len(mine) == 1 else ""
        return f"{_count(len(frame), *what)}, Status: {counts}{chosen_text}." if counts else EMPTY
    body = ranked(frame, label, value, formatter, what=what)
    if body == EMPTY or chosen is None:
        return body
    where = _chosen_part(frame, label, value, formatter, chosen, what)
    return f"{body[:-1]}; {where}." if where else body
