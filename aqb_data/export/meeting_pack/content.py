"""What the autumn meeting pack (Umsetzungsbesprechung, § 6 of the target agreement) shows, built from the data.

The builders (`district_pack`, `land_pack`) gather every slide into a small model that knows nothing about the
output format or where things go on the page: a title, lines of text, a table whose cells are already German
text, a chart with its picture. Chart pictures are made once, here, and both files use the same PNG. Where the
server cannot draw them (no Chromium), the chart's numbers stand in its place with one line saying why: the pack
is always made. How long a table may be on one slide and how large a picture must be, `layout` says.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import (
    BEHIND,
    NO_DATA,
    ON_TRACK,
    STATUS_SYMBOL,
    WATCH,
    achievement,
    behind_first,
    budget_mismatch,
    budget_note,
    status_reason,
    stichtage,
)
from aqb_data.analysis.provenance import data_status, source_line
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label, load_districts, population_date, resolve_ags
from aqb_data.domain.formatting import (
    NOT_AVAILABLE,
    format_change,
    format_date,
    format_eur,
    format_eur_cents,
    format_number,
    format_percent,
    format_points,
    safe_file_stem,
)
from aqb_data.domain.model import MEASURE_TYPES, demo_mask, is_demo
from aqb_data.export import images
from aqb_data.export.meeting_pack.layout import TABLE_ROWS_PER_SLIDE, layout, picture_pixels, table_parts
from aqb_data.present import charts

Progress = Callable[[float, str], None]

DEMO_NOTICE = "Demodaten – synthetisch erzeugt, keine amtlichen Werte"
MISSING_CHART = "Diagramm nicht enthalten: {reason}"
NO_BROWSER_SHORT = (
    "Auf diesem Rechner ist kein Chromium installiert (sudo apt-get install chromium oder Umgebungsvariable "
    "BROWSER_PATH); die Zahlen stehen in der Tabelle."
)
NOTES_HEADINGS = ("Ergebnisse", "Vereinbarte Schritte", "Termine")
SUBTITLE = "Besprechung nach § 6 der Zielvereinbarung · Ausbildungs- und Qualifizierungsbudget (AQB)"


# ---------------------------------------------------------------------------------------------------------------
# The content model
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Chart:
    """A chart of a slide: the Plotly figure, and its picture once made (the same PNG for pptx and PDF).

    `numbers` stand in for the picture when it cannot be made; None when the slide's own table already holds
    the chart's numbers."""

    figure: go.Figure
    numbers: pd.DataFrame | None = None
    png: bytes | None = None


@dataclass
class Slide:
    """One slide (one PDF page). Table cells are German text with German headings; numbers right-aligned."""

    title: str
    lines: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    chart: Chart | None = None
    notes_area: bool = False
    footer: str = ""
    kind: str = "content"  # "title" for the title slide
    subtitle: str = ""  # title slide: the district or the Land
    demo_notice: str = ""  # title slide: the visible label of synthetic data
    warning: str = ""  # a line under the others, highlighted (e.g. "Diagramm nicht enthalten: …")

    @property
    def shown_lines(self) -> list[str]:
        """The slide's lines, and its warning line last."""
        return [*self.lines, self.warning] if self.warning else list(self.lines)


@dataclass
class Pack:
    """The slides of one meeting pack, a file name stem and whether any shown data is synthetic."""

    title: str
    slides: list[Slide]
    file_stem: str
    synthetic: bool
    image_problem: str = ""  # why charts are replaced by their tables; "" when every picture was made

    @property
    def n_charts(self) -> int:
        """How many slides show a chart (as a picture)."""
        return sum(1 for slide in self.slides if slide.chart is not None)


def _text(value: object) -> str:
    """A cell as text: missing values as `–` (never nan, None, NaT, <NA>)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return NOT_AVAILABLE
    if isinstance(value, float) and not math.isfinite(value):
        return NOT_AVAILABLE
    text = str(value).strip()
    return NOT_AVAILABLE if text.lower() in ("nan", "none", "nat", "<na>") else text


def _frame(rows: Sequence[dict[str, object]], columns: Sequence[str]) -> pd.DataFrame:
    """A table of text cells with the given German headings (also when there are no rows)."""
    cells = [[_text(row[c]) if c in row else "" for c in columns] for row in rows]
    return pd.DataFrame(cells, columns=list(columns), dtype=object)


def _status(status: str) -> str:
    return f"{STATUS_SYMBOL[status]} {status}"


def _report(progress: Progress | None, fraction: float, text: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), text)


def _table_slides(
    title: str,
    lines: list[str],
    frame: pd.DataFrame,
    footer: str,
    max_rows: int | None = None,
    numbered: bool = True,
) -> list[Slide]:
    """A table over as many slides as it needs; the parts are counted "(1/2)" or go on "(Fortsetzung)"; with
    counted parts every slide repeats the lines."""
    parts = table_parts(frame, lines, numbered, max_rows)
    slides = []
    for number, part in enumerate(parts, start=1):
        if len(parts) == 1:
            shown = title
        elif numbered:
            shown = f"{title} ({number}/{len(parts)})"
        else:
            shown = title if number == 1 else f"{title} (Fortsetzung)"
        slides.append(Slide(shown, list(lines) if number == 1 or numbered else [], part, footer=footer))
    return slides


# ---------------------------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------------------------


def _synthetic_years(data: AqbData, ags: set[str], year: int) -> tuple[list[int], list[int]]:
    """Years whose shown rows are synthetic, and all years shown: agreements of every year (the trend),
    projects and progress of the year."""
    synthetic, shown = set(), {year}
    for name in ("agreements", "projects", "progress"):
        frame = data.table(name)
        frame = frame[frame["ags"].isin(ags)]
        if name != "agreements":
            frame = frame[frame["year"] == year]
        shown |= {int(y) for y in frame["year"].dropna()}
        synthetic |= {int(y) for y in frame.loc[demo_mask(frame), "year"].dropna()}
    return sorted(synthetic), sorted(shown)


def _demo_notice(synthetic: list[int], shown: list[int]) -> str:
    if not synthetic:
        return ""
    if synthetic == shown:
        return DEMO_NOTICE
    return f"{DEMO_NOTICE} (betrifft {', '.join(str(y) for y in synthetic)})"


def _title_slide(data: AqbData, year: int, title: str, subtitle: str, notice: str, created: date, note: str) -> Slide:
    return Slide(
        title,
        [SUBTITLE, f"Datenstand: {data_status(data, year)}", f"Erstellt am {format_date(created)}"],
        footer=note,
        kind="title",
        subtitle=subtitle,
        demo_notice=notice,
    )


def _notes_slide(note: str) -> Slide:
    return Slide("Notizen zur Besprechung", footer=note, notes_area=True)


# The change on the trend slide is `indicators.budget_changes`, as on Übersicht and Zeitreihe.
LIKE_FOR_LIKE_NOTE = "Veränderung: nur Gebietskörperschaften mit einer Zielvereinbarung in beiden Jahren."


def _trend_slide(data: AqbData, selection: ind.Selection, name: str, with_districts: bool) -> Slide:
    trend = ind.budget_trend(data, selection)
    footer = source_line(data, selection.every_year())  # every year's files, data date and demo rows
    title = "Entwicklung über die Jahre"
    if trend.empty:
        return Slide(title, [f"Für {name} gibt es in den Daten keine Zielvereinbarungen."], footer=footer)
    columns = ["Jahr", "Haushaltsmittel", "Veränderung", "€ je Einwohner/in"]
    if with_districts:
        columns.append("Gebietskörperschaften")
    rows = [
        {
            "Jahr": str(int(row.year)),
            "Haushaltsmittel": format_eur(row.budget_eur),
            "Veränderung": format_change(row.change_eur),
            "€ je Einwohner/in": format_eur_cents(row.budget_per_inhabitant),
            "Gebietskörperschaften": format_number(row.n_districts),
        }
        for row in trend.itertuples()
    ]
    figure = charts.budget_trend_bars(trend, f"Haushaltsmittel {name} über die Jahre", selection.year, footer)
    lines = [LIKE_FOR_LIKE_NOTE] if with_districts else []
    return Slide(title, lines, _frame(rows, columns), Chart(figure), footer=footer)


def _agreement_slides(data: AqbData, year: int, ags: str, name: str, note: str) -> list[Slide]:
    title = f"Zielvereinbarung {year}"
    agreement = ind.agreement(data, year, ags)
    projects = ind.district_projects(data, year, ags, tuple(MEASURE_TYPES))
    if agreement is None:
        lines = [f"Für {name} liegt für {year} keine Zielvereinbarung vor."]
        if projects.empty:
            return [Slide(title, lines, footer=note)]
        lines.append("Projekte in den Daten (ohne Zielvereinbarung):")
    else:
        source = "Demodaten (synthetisch)" if is_demo(agreement) else _text(agreement["source"])
        lines = [
            f"§ 4 Haushaltsmittel: {format_eur(agreement['budget_eur'])}",
            f"Unterzeichnung HMSI: {format_date(agreement['signed_ministry'])} · Unterzeichnung Kreis/Stadt: "
            f"{format_date(agreement['signed_district'])} · Grundlage: {source}",
            "§ 5 Projekte nach Maßnahmenarten:",
        ]
    missing = int(projects["planned_eur"].isna().sum())
    if missing:
        lines.append(f"{missing} von {len(projects)} Projekten haben noch keine geplanten Mittel (–).")
    columns = ["Maßnahmenart", "Projekt", "Träger", "Geplante Mittel", "Geplante Plätze"]
    rows: list[dict[str, object]] = []
    for code, measure in MEASURE_TYPES.items():
        label = f"{code}. {measure.short_label}"
        own = projects[projects["measure_type"] == code]
        if own.empty:
            rows.append({"Maßnahmenart": label, "Projekt": "keine Projekte"})
        for row in own.itertuples():
            rows.append(
                {
                    "Maßnahmenart": label,
                    "Projekt": row.project,
                    "Träger": row.provider,
                    "Geplante Mittel": format_eur(row.planned_eur),
                    "Geplante Plätze": format_number(row.planned_places),
                }
            )
    return _table_slides(title, lines, _frame(rows, columns), note, numbered=False)


def _allocation_slide(data: AqbData, year: int, ags: str, name: str, note: str) -> Slide:
    title = "Verteilung der Mittel nach Maßnahmenarten"
    selection = ind.Selection(year, ags=ags)
    budgets = ind.district_budgets(data, selection).iloc[0]
    projects = ind.district_projects(data, year, ags, tuple(MEASURE_TYPES))
    if pd.isna(budgets["budget_eur"]) and projects.empty:
        return Slide(title, [f"Für {name} gibt es {year} weder eine Zielvereinbarung noch Projekte."], footer=note)
    allocation = ind.allocation_by_measure_type(data, selection, "district")
    planned = allocation.set_index("measure_type")["planned_eur"]
    counts = projects.groupby("measure_type").size()
    budget = budgets["budget_eur"]
    columns = ["Maßnahmenart", "Projekte", "Geplante Mittel", "Anteil am Budget"]
    rows: list[dict[str, object]] = []
    for code, measure in MEASURE_TYPES.items():
        count = int(counts.get(code, 0))
        eur = planned.get(code, float("nan")) if count else 0.0
        rows.append(
            {
                "Maßnahmenart": measure.short_label,
                "Projekte": format_number(count),
                "Geplante Mittel": format_eur(eur),
                "Anteil am Budget": format_percent(ind.ratio(eur, budget)),
            }
        )
    # The residual lines of the decomposition, each only where it is not 0: the rows add up to the budget.
    residuals = allocation[~allocation["measure_type"].isin(MEASURE_TYPES)]
    for residual in residuals.itertuples():
        rows.append(
            {
                "Maßnahmenart": residual.measure_label,
                "Geplante Mittel": format_eur(residual.planned_eur),
                "Anteil am Budget": format_percent(residual.share),
            }
        )
    rows.append(
        {"Maßnahmenart": "Haushaltsmittel (§ 4)", "Geplante Mittel": format_eur(budget), "Anteil am Budget": "100,0 %"}
    )
    lines = []
    if pd.notna(budget):
        parts = ind.scope_decomposition(data, selection)
        lines.append(
            ind.budget_parts_sentence(parts)
            + (" Die Planung übersteigt das Budget." if budgets["over_committed"] else "")
        )
    if budgets["projects_without_amount"]:
        lines.append(
            f"{int(budgets['projects_without_amount'])} Projekte haben noch keine geplanten Mittel (–); "
            "der Rest des Budgets zählt deshalb als „ohne Projektbeträge“, nicht als nicht verplant."
        )
    chart = None
    if allocation["planned_eur"].notna().any():
        figure = charts.measure_type_bars(allocation, f"Verteilung der Mittel {year}", tuple(MEASURE_TYPES), note)
        chart = Chart(figure)
    return Slide(title, lines, _frame(rows, columns), chart, footer=note)


_ACHIEVEMENT_COLUMNS = ["Status", "Begründung", "Mittelabfluss", "erwartet", "Auslastung", "Übergangsquote"]


def _achievement_rows(frame: pd.DataFrame, unit: str, reports: bool = True, budget: bool = False) -> pd.DataFrame:
    """The rows of an achievement table; with `budget` (districts) also the spending against § 4 beside the rate
    against plan, with its own light, so that a district that planned too little does not look on track."""
    columns = ["Status", unit, *_ACHIEVEMENT_COLUMNS[1:4], *(["ggü. § 4"] if budget else [])]
    columns += [*_ACHIEVEMENT_COLUMNS[4:], *(["Berichte"] if reports else [])]
    rows = [
        {
            "Status": _status(row["status"]),
            unit: row["unit_label"],
            "Begründung": status_reason(row),
            "Mittelabfluss": format_percent(row["spending_rate"]),
            "erwartet": format_percent(row["expected_rate"]),
            "ggü. § 4": f"{STATUS_SYMBOL[row['budget_status']]} {format_percent(row['budget_spent_share'])}"
            if budget
            else "",
            "Auslastung": format_percent(row["occupancy"]),
            "Übergangsquote": format_percent(row["transition_rate"]),
            "Berichte": f"{int(row['n_reported'])} von {int(row['n_projects'])}",
        }
        for _, row in behind_first(frame).iterrows()
    ]
    return _frame(rows, columns)


def _deviation_numbers(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    shown = frame.dropna(subset=["deviation"]).sort_values("deviation")
    rows = [
        {
            unit: row["unit_label"],
            "Status": _status(row["status"]),
            "Mittelabfluss": format_percent(row["spending_rate"]),
            "Abweichung": format_points(row["deviation"]),
        }
        for _, row in shown.iterrows()
    ]
    return _frame(rows, [unit, "Status", "Mittelabfluss", "Abweichung"])


def _status_counts(frame: pd.DataFrame, what: str) -> str:
    counts = frame["status"].value_counts()
    return " · ".join(f"{STATUS_SYMBOL[s]} {counts.get(s, 0)} {s}" for s in (BEHIND, WATCH, ON_TRACK, NO_DATA)) + (
        f" ({what})"
    )


def _no_report_slide(year: int, note: str) -> Slide:
    return Slide(f"Zielerreichung {year}", [f"Für {year} liegt noch kein Umsetzungsbericht vor."], footer=note)


def _district_achievement_slides(data: AqbData, year: int, ags: str, name: str, note: str) -> list[Slide]:
    days = stichtage(data, year)
    if not days:
        return [_no_report_slide(year, note)]
    as_of = days[-1]
    title = f"Zielerreichung zum Stichtag {format_date(as_of)}"
    selection = ind.Selection(year, ags=ags)
    total = achievement(data, selection, "district", as_of).iloc[0]
    if total["n_reported"] == 0:
        expected = int(total["n_projects"])
        lines = [
            f"Für {name} liegt für {year} noch kein Umsetzungsbericht vor (Stichtag der vorliegenden Berichte "
            f"anderer Gebietskörperschaften: {format_date(as_of)}).",
            f"Erwartet werden Berichte zu {expected} {'Projekt' if expected == 1 else 'Projekten'}."
            if expected
            else f"Für {name} sind {year} keine Projekte erfasst.",
        ]
        return [Slide(title, lines, footer=note)]
    lines = [
        f"{name} insgesamt: {_status(total['status'])} – {status_reason(total)}",
        f"Berichte zu {int(total['n_reported'])} von {int(total['n_projects'])} Projekten · Mittelabfluss "
        f"{format_percent(total['spending_rate'])} bei erwartet {format_percent(total['expected_rate'])} · "
        f"Auslastung {format_percent(total['occupancy'])} · Übergangsquote {format_percent(total['transition_rate'])}",
        f"{name} {budget_note(total)}",
        "Nach Maßnahmenarten:",
    ]
    by_type = achievement(data, selection, "measure_type", as_of)
    slides = _table_slides(title, lines, _achievement_rows(by_type, "Maßnahmenart"), note)
    projects = achievement(data, selection, "project", as_of)
    project_lines = ["Projekte, die im Verzug sind, zuerst:"]
    has_deviation = projects["deviation"].notna().any()
    if not has_deviation:
        project_lines.append("Bis zum Stichtag liegt noch kein Bericht mit Mittelabfluss vor; daher kein Diagramm.")
    rows = _achievement_rows(projects, "Projekt", reports=False)
    slides += _table_slides(f"{title}: Projekte", project_lines, rows, note)
    if has_deviation:
        chart_title = f"{name}: Mittelabfluss gegenüber dem Jahresfortschritt"
        slides.append(_deviation_slide(projects, "Projekt", chart_title, "der Projekte ", as_of, note))
    return slides


def _budget_spending_slides(
    data: AqbData, selection: ind.Selection, districts: pd.DataFrame, as_of: date, note: str
) -> list[Slide]:
    """Every district's spending against its § 4 budget beside its rate against plan: first those that look
    better against plan than against the budget (they planned too little), then by the € gap to the path."""
    land = achievement(data, selection, "land", as_of).iloc[0]
    mismatched = set(budget_mismatch(districts)["unit"])
    order = districts.assign(
        _first=~districts["unit"].isin(mismatched), _gap=-districts["budget_gap_eur"].fillna(-math.inf)
    ).sort_values(["_first", "_gap", "unit_label"])
    columns = [
        "Gebietskörperschaft",
        "Status",
        "Status ggü. § 4",
        "Mittelabfluss",
        "Abfluss ggü. § 4",
        "erwartet",
        "Rückstand zum § 4-Pfad",
        "Haushaltsmittel",
    ]
    rows = [
        {
            "Gebietskörperschaft": row["unit_label"],
            "Status": _status(row["status"]),
            "Status ggü. § 4": _status(row["budget_status"]),
            "Mittelabfluss": format_percent(row["spending_rate"]),
            "Abfluss ggü. § 4": format_percent(row["budget_spent_share"]),
            "erwartet": format_percent(row["budget_expected_share"]),
            "Rückstand zum § 4-Pfad": format_eur_cents(row["budget_gap_eur"]),
            "Haushaltsmittel": format_eur(row["budget_eur"]),
        }
        for _, row in order.iterrows()
    ]
    lines = [
        f"Hessen {budget_note(land)}.",
        (
            "Zuerst die Gebietskörperschaft, die"
            if len(mismatched) == 1
            else f"Zuerst die {len(mismatched)} Gebietskörperschaften, die"
        )
        + " gegenüber der Planung besser dastehen als gegenüber § 4; dann nach Rückstand zum anteiligen Pfad "
        "(Haushaltsmittel × Anteil des Jahres am Stichtag ihrer Berichte − verausgabt; negativ: vor dem Pfad)."
        if mismatched
        else "Nach Rückstand zum anteiligen Pfad (Haushaltsmittel × Anteil des Jahres am Stichtag ihrer Berichte − "
        "verausgabt; negativ: vor dem Pfad).",
    ]
    title = f"Mittelabfluss gegenüber § 4 zum Stichtag {format_date(as_of)}"
    return _table_slides(title, lines, _frame(rows, columns), note, TABLE_ROWS_PER_SLIDE)


def _deviation_slide(frame: pd.DataFrame, unit: str, chart_title: str, of: str, as_of: date, note: str) -> Slide:
    """The spending of each unit against the share of the year elapsed, as a chart with its numbers."""
    return Slide(
        f"Mittelabfluss {of}gegenüber dem Jahresfortschritt",
        [f"Stichtag {format_date(as_of)}; Abweichung in Prozentpunkten (Pp.), Status als Symbol und Text."],
        chart=Chart(charts.deviation_bars(frame, chart_title, note), _deviation_numbers(frame, unit)),
        footer=note,
    )


def _make_images(slides: list[Slide], progress: Progress | None, start: float) -> tuple[list[Slide], str]:
    """Each chart's PNG, made once, sized for its place on the slide. After the first failure no further
    picture is tried: every chart without one is replaced by its numbers and a line saying why (see
    `_without_picture`). Returns the slides and the reason pictures are missing ("" if none is)."""
    with_chart = [slide for slide in slides if slide.chart is not None]
    problem = ""
    for index, slide in enumerate(with_chart):
        assert slide.chart is not None
        _report(
            progress,
            start + (1 - start) * index / len(with_chart),
            f"Diagramm {index + 1} von {len(with_chart)}: {slide.title}",
        )
        if problem:
            continue
        width, height = _export_size(slide)
        try:
            slide.chart.png = images.figure_image(slide.chart.figure, "png", width, height)
        except images.ImageExportError as error:
            problem = NO_BROWSER_SHORT if str(error) == images.NO_BROWSER else str(error)
    _report(progress, 1.0, "Unterlage fertig")
    return [shown for slide in slides for shown in _without_picture(slide, problem)], problem


def _export_size(slide: Slide) -> tuple[int, int]:
    """The chart's size in CSS pixels for its place on the slide, tall enough for its horizontal bars."""
    assert slide.chart is not None
    place = layout(slide.shown_lines, slide.table, True, slide.notes_area).picture
    assert place is not None
    bars = max(
        (len(set(trace.y)) for trace in slide.chart.figure.data if getattr(trace, "orientation", None) == "h"),
        default=0,
    )
    return picture_pixels(place, bars)


def _without_picture(slide: Slide, problem: str) -> list[Slide]:
    """A slide whose chart has no picture: its numbers take the chart's place (over more slides if they need
    them), with the line "Diagramm nicht enthalten: <reason>"."""
    if slide.chart is None or slide.chart.png is not None:
        return [slide]
    warning = MISSING_CHART.format(reason=problem)
    numbers = slide.chart.numbers
    if slide.table is not None or numbers is None:
        return [replace(slide, chart=None, warning=warning)]
    parts = _table_slides(slide.title, [*slide.lines, warning], numbers, slide.footer, numbered=False)
    parts[0] = replace(parts[0], lines=list(slide.lines), warning=warning)
    return parts


def district_pack(
    data: AqbData, year: int, ags: str, progress: Progress | None = None, created: date | None = None
) -> Pack:
    """The meeting pack for one district and year: title, agreement (§ 4, § 5), allocation, achievement at the
    latest Stichtag with reasons, the budget over the years, and a slide for notes."""
    ags = resolve_ags(ags)
    name = district_label(ags)
    _report(progress, 0.0, f"Daten für {name} werden zusammengestellt")
    selection = ind.Selection(year, ags=ags)
    note = source_line(data, selection)
    synthetic, shown = _synthetic_years(data, {ags}, year)
    slides = [
        _title_slide(
            data,
            year,
            f"Umsetzungsbesprechung {year}",
            name,
            _demo_notice(synthetic, shown),
            created or date.today(),
            note,
        ),
        *_agreement_slides(data, year, ags, name, note),
        _allocation_slide(data, year, ags, name, note),
        *_district_achievement_slides(data, year, ags, name, note),
        _trend_slide(data, selection, name, with_districts=False),
        _notes_slide(note),
    ]
    slides, problem = _make_images(slides, progress, 0.1)
    stem = safe_file_stem(f"AQB_Umsetzungsbesprechung_{year}_{name}")
    return Pack(f"Umsetzungsbesprechung {year} – {name}", slides, stem, bool(synthetic), problem)


def _budget_part_rows(totals: dict[str, float | int]) -> list[tuple[str, str, str]]:
    """The parts of the budget beside the planned money, each where it is not 0 (never netted)."""
    rows = []
    if totals["over_planned_eur"]:
        rows.append(
            (
                "Überplant",
                format_eur(totals["over_planned_eur"]),
                f"{totals['n_over_planned']} Gebietskörperschaft(en) planen über ihr Budget hinaus",
            )
        )
    rows.append(
        ("Nicht verplant", format_eur(totals["unplanned_eur"]), "freie Mittel, nicht mit Überplanung verrechnet")
    )
    if totals["unknown_eur"]:
        rows.append(
            (
                "Ohne Projektbeträge",
                format_eur(totals["unknown_eur"]),
                f"{totals['n_unknown']} Gebietskörperschaft(en) ohne Beträge je Projekt oder ohne Projektliste",
            )
        )
    return rows


def _key_figures_slide(data: AqbData, year: int, note: str) -> Slide:
    selection = ind.Selection(year)
    totals = ind.land_totals(data, selection)
    rows = [
        (
            "Haushaltsmittel (§ 4)",
            format_eur(totals["budget_eur"]),
            f"{totals['n_districts']} Gebietskörperschaften mit Zielvereinbarung",
        ),
        (
            f"Veränderung gegenüber {year - 1}",
            format_change(totals["change_eur"]),
            f"{format_change(totals['change_share'], 'percent')}; über die {totals['n_comparable']} "
            "Gebietskörperschaften mit Zielvereinbarung in beiden Jahren"
            if totals["n_comparable"]
            else f"für {year - 1} keine vergleichbaren Zielvereinbarungen",
        ),
        (
            "Geplante Mittel",
            format_eur(totals["planned_eur"]),
            f"{format_percent(totals['planned_share'])} der Haushaltsmittel",
        ),
        *_budget_part_rows(totals),
        ("Projekte", format_number(totals["n_projects"]), f"{totals['projects_without_amount']} ohne geplante Mittel"),
        (
            "€ je Einwohner/in",
            format_eur_cents(totals["budget_per_inhabitant"]),
            f"Einwohner: Destatis {population_date()}",
        ),
    ]
    lines = []
    days = stichtage(data, year)
    if days:
        land = achievement(data, selection, "land", days[-1]).iloc[0]
        rows += [
            (
                "Mittelabfluss",
                format_percent(land["spending_rate"]),
                f"erwartet {format_percent(land['expected_rate'])} (Stichtag {format_date(days[-1])})",
            ),
            ("Auslastung", format_percent(land["occupancy"]), "Eintritte je geplanten Platz"),
            (
                "Übergangsquote",
                format_percent(land["transition_rate"]),
                "Übergänge in Ausbildung und Beschäftigung je Austritt",
            ),
        ]
        lines.append(f"Hessen insgesamt: {_status(land['status'])} – {status_reason(land)}")
    else:
        lines.append(f"Für {year} liegt noch kein Umsetzungsbericht vor.")
    frame = _frame(
        [dict(zip(("Kennzahl", "Wert", "Erläuterung"), row, strict=True)) for row in rows],
        ["Kennzahl", "Wert", "Erläuterung"],
    )
    return Slide(f"Eckdaten {year}", lines, frame, footer=note)


def _land_allocation_slide(data: AqbData, year: int, note: str) -> Slide:
    selection = ind.Selection(year)
    top = pd.concat(
        [
            ind.allocation_by_measure_type(data, selection, "land"),
            ind.allocation_by_measure_type(data, selection, "regierungsbezirk"),
        ],
        ignore_index=True,
    )
    figure = charts.allocation_bars(top, f"Hessen: geplante Mittel {year}", note)
    # One column per area, one row per measure type: narrow enough to stand beside the chart.
    shown = [code for code in ind.ALLOCATION_ORDER if code in set(top["measure_type"]) or code in MEASURE_TYPES]
    labels = {code: ind.measure_label(code) for code in shown}
    units = list(dict.fromkeys(top["unit_label"]))
    headings = {unit: unit if unit == ind.LAND_LABEL else f"RB {unit}" for unit in units}
    planned = top.set_index(["unit_label", "measure_type"])["planned_eur"]
    budget = top.groupby("unit_label")["budget_eur"].first()
    rows: list[dict[str, object]] = [
        {"Maßnahmenart": label}
        | {
            headings[u]: format_eur(planned.get((u, code), float("nan" if code in MEASURE_TYPES else 0.0)))
            for u in units
        }
        for code, label in labels.items()
    ]
    rows.append({"Maßnahmenart": "Haushaltsmittel"} | {headings[u]: format_eur(budget.get(u)) for u in units})
    columns = ["Maßnahmenart", *headings.values()]
    lines = [
        "Geplante Mittel je Maßnahmenart für Hessen und die Regierungsbezirke (RB), darunter die Teile, die jede "
        "Spalte zu ihren Haushaltsmitteln ergänzen (Überplanung negativ, nie mit freien Mitteln verrechnet).",
        ind.budget_parts_sentence(ind.scope_decomposition(data, selection)),
    ]
    return Slide("Verteilung der Mittel nach Maßnahmenarten", lines, _frame(rows, columns), Chart(figure), footer=note)


def _district_budget_slides(data: AqbData, year: int, note: str) -> list[Slide]:
    selection = ind.Selection(year)
    budgets = ind.district_budgets(data, selection).sort_values(["budget_eur", "label"], ascending=[False, True])
    columns = [
        "Gebietskörperschaft",
        "Regierungsbezirk",
        "Haushaltsmittel",
        "Geplante Mittel",
        "Nicht verplant",
        "Ohne Projektbeträge",
        "Projekte",
        "€ je Einwohner/in",
        "Veränderung ggü. Vorjahr",
        "Hinweis",
    ]
    rows = []
    for row in budgets.itertuples():
        hints = []
        if row.over_committed:
            hints.append("überplant")
        if row.projects_without_amount:
            hints.append(f"{row.projects_without_amount} ohne Betrag")
        if pd.isna(row.budget_eur):
            hints.append("keine Zielvereinbarung")
        rows.append(
            {
                "Gebietskörperschaft": row.label,
                "Regierungsbezirk": row.regierungsbezirk,
                "Haushaltsmittel": format_eur(row.budget_eur),
                "Geplante Mittel": format_eur(row.planned_total_eur),
                "Nicht verplant": format_eur(row.unplanned_eur),
                "Ohne Projektbeträge": format_eur(row.unknown_eur),
                "Projekte": format_number(row.n_projects),
                "€ je Einwohner/in": format_eur_cents(row.budget_per_inhabitant),
                "Veränderung ggü. Vorjahr": format_change(row.change_eur),
                "Hinweis": ", ".join(hints),
            }
        )
    lines = [ind.budget_parts_sentence(ind.scope_decomposition(data, selection)) + " Nach Haushaltsmitteln absteigend."]
    return _table_slides(
        f"Haushaltsmittel je Gebietskörperschaft {year}", lines, _frame(rows, columns), note, TABLE_ROWS_PER_SLIDE
    )


def _land_achievement_slides(data: AqbData, year: int, note: str) -> list[Slide]:
    days = stichtage(data, year)
    if not days:
        return [_no_report_slide(year, note)]
    as_of = days[-1]
    title = f"Zielerreichung zum Stichtag {format_date(as_of)}"
    selection = ind.Selection(year)
    districts = achievement(data, selection, "district", as_of)
    lines = [_status_counts(districts, "Gebietskörperschaften") + "; im Verzug zuerst"]
    rows = _achievement_rows(districts, "Gebietskörperschaft", budget=True)
    slides = _table_slides(title, lines, rows, note, TABLE_ROWS_PER_SLIDE)
    slides += _budget_spending_slides(data, selection, districts, as_of, note)
    by_type = achievement(data, selection, "measure_type", as_of)
    slides += _table_slides(f"{title}: Maßnahmenarten", [], _achievement_rows(by_type, "Maßnahmenart"), note)
    if districts["deviation"].notna().any():
        chart_title = f"Mittelabfluss gegenüber dem Jahresfortschritt {year}"
        slides.append(_deviation_slide(districts, "Gebietskörperschaft", chart_title, "", as_of, note))
    return slides


def _per_inhabitant_slide(data: AqbData, year: int, note: str) -> Slide:
    selection = ind.Selection(year)
    totals = ind.land_totals(data, selection)
    budgets = ind.district_budgets(data, selection)
    figure = charts.per_inhabitant_bars(
        budgets, f"€ je Einwohner/in {year}", totals["budget_per_inhabitant"], note, reference_label="Hessen"
    )
    shown = budgets.dropna(subset=["budget_per_inhabitant"]).sort_values("budget_per_inhabitant", ascending=False)
    rows = [
        {
            "Gebietskörperschaft": row.label,
            "€ je Einwohner/in": format_eur_cents(row.budget_per_inhabitant),
            "Haushaltsmittel": format_eur(row.budget_eur),
            "Einwohner/innen": format_number(row.population),
        }
        for row in shown.itertuples()
    ]
    numbers = _frame(rows, ["Gebietskörperschaft", "€ je Einwohner/in", "Haushaltsmittel", "Einwohner/innen"])
    lines = [
        f"Hessen: {format_eur_cents(totals['budget_per_inhabitant'])} je Einwohner/in "
        f"(Einwohner: Destatis {population_date()})."
    ]
    return Slide(f"Haushaltsmittel je Einwohner/in {year}", lines, chart=Chart(figure, numbers), footer=note)


def land_pack(data: AqbData, year: int, progress: Progress | None = None, created: date | None = None) -> Pack:
    """The meeting pack for the whole Land: key figures, allocation, every district's budget and achievement
    (behind plan first, with reasons), € per inhabitant, the budget over the years, and a slide for notes."""
    _report(progress, 0.0, "Daten für Hessen werden zusammengestellt")
    selection = ind.Selection(year)
    note = source_line(data, selection)
    synthetic, shown = _synthetic_years(data, set(load_districts()["ags"]), year)
    title = f"AQB Hessen {year} – Überblick"
    slides = [
        _title_slide(
            data,
            year,
            title,
            f"Umsetzungsbesprechung {year} · alle 26 Gebietskörperschaften",
            _demo_notice(synthetic, shown),
            created or date.today(),
            note,
        ),
        _key_figures_slide(data, year, note),
        _land_allocation_slide(data, year, note),
        *_district_budget_slides(data, year, note),
        *_land_achievement_slides(data, year, note),
        _per_inhabitant_slide(data, year, note),
        _trend_slide(data, selection, ind.LAND_LABEL, with_districts=True),
        _notes_slide(note),
    ]
    slides, problem = _make_images(slides, progress, 0.1)
    stem = safe_file_stem(f"AQB_Umsetzungsbesprechung_{year}_Hessen")
    return Pack(title, slides, stem, bool(synthetic), problem)
