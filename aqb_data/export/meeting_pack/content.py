"""What the autumn meeting pack (Umsetzungsbesprechung, § 6 of the target agreement) shows, built from the data.

The builders (`district_pack`, `land_pack`) gather every slide into a small model that knows nothing about the
output format or where things go on the page: a title, lines of text, a table whose cells are already German
text, a chart with its picture. Chart pictures are made once, here, and both files use the same PNG. Where the
server cannot draw them (no Chromium), the chart's numbers stand in its place with one line saying why: the pack
is always made. How long a table may be on one slide and how large a picture must be, `layout` says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import achievement, budget_note, status_reason, stichtage
from aqb_data.analysis.projection import projection
from aqb_data.analysis.provenance import data_status, source_line
from aqb_data.analysis.reporting import (
    STALE_SYMBOL,
    ReportStatus,
    counts_line,
    report_status,
)
from aqb_data.analysis.reporting import overdue as overdue_reports
from aqb_data.analysis.versions import amendment_history, budgets_in_force
from aqb_data.domain.calendar import ReportingCalendar, calendar_or_default
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
    safe_file_stem,
)
from aqb_data.domain.model import MEASURE_TYPES, SYNTHETIC_SOURCE, demo_mask, is_demo
from aqb_data.domain.notes import NoteKind, NoteStatus, overdue
from aqb_data.export import images
from aqb_data.export.meeting_pack.layout import TABLE_ROWS_PER_SLIDE, layout, picture_pixels, table_parts
from aqb_data.present import charts, summaries
from aqb_data.present.notes import NOTES_FRAME_COLUMNS, notes_frame
from aqb_data.present.views import (
    ACHIEVEMENT_COLUMNS,
    ALLOCATION_COLUMNS,
    DISTRICT_BUDGET_COLUMNS,
    DISTRICT_BUDGET_SLIDE_KEYS,
    PER_INHABITANT_COLUMNS,
    PROJECT_COLUMNS,
    TREND_COLUMNS,
    Columns,
    View,
    achievement_cells,
    backtest_sentence,
    benchmark_view,
    budget_part_rows,
    budget_spending_view,
    budget_trend_view,
    cell_text,
    data_date_text,
    deviation_cells,
    district_budget_view,
    lapse_history_view,
    no_agreement_sentence,
    no_report_sentence,
    per_inhabitant_view,
    planned_sentence,
    signature_sentence,
    status_line,
    status_text,
    text_cells,
)

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
    summary: str = ""  # the chart in one sentence (`present.summaries`), as on the page: the picture's alt text


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


def _cells(frame: pd.DataFrame, columns: Columns, blank: pd.Series | None = None) -> pd.DataFrame:
    """The rows as text cells under the views' headings (`views.text_cells`). In the rows where `blank` is True
    a missing value stays an empty cell, not `–`: such a row only names something (e.g. "keine Projekte")."""
    frame = frame.reset_index(drop=True)
    cells = text_cells(frame, columns)
    if blank is not None:
        rows = blank.to_numpy(dtype=bool)
        for name, (heading, _) in columns.items():
            cells.loc[rows & frame[name].isna().to_numpy(), heading] = ""
    return cells


def _key_figures(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The key-figures table: already worded text cells under Kennzahl, Wert, Erläuterung."""
    return pd.DataFrame(rows, columns=["Kennzahl", "Wert", "Erläuterung"], dtype=object)


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


def _trend_slide(data: AqbData, selection: ind.Selection, name: str, with_districts: bool) -> Slide:
    """The budget over the years as on Gebietskörperschaft and Zeitreihe (`views.budget_trend_view`), with the
    like-for-like sentence where the change sums over several districts."""
    view = budget_trend_view(data, selection)
    footer = source_line(data, view.shown or selection.every_year())  # every year's files, data date, demo rows
    title = "Entwicklung über die Jahre"
    if view.frame.empty:
        return Slide(title, [f"Für {name} gibt es in den Daten keine Zielvereinbarungen."], footer=footer)
    keys = [key for key in TREND_COLUMNS if with_districts or key != "n_districts"]
    figure = charts.budget_trend_bars(view.frame, view.title, selection.year, footer)
    lines = list(view.lines) if with_districts else []
    summary = summaries.titled(figure, summaries.budget_trend_bars(view.frame, selection.year))
    return Slide(title, lines, view.cells(keys), Chart(figure, summary=summary), footer=footer)


def _agreement_slides(data: AqbData, year: int, ags: str, name: str, note: str) -> list[Slide]:
    title = f"Zielvereinbarung {year}"
    agreement = ind.agreement(data, year, ags)
    projects = ind.district_projects(data, year, ags, tuple(MEASURE_TYPES))
    if agreement is None:
        lines = [no_agreement_sentence(name, year)]
        if projects.empty:
            return [Slide(title, lines, footer=note)]
        lines.append("Projekte in den Daten (ohne Zielvereinbarung):")
    else:
        source = "Demodaten (synthetisch)" if is_demo(agreement) else cell_text(agreement["source"], None)
        lines = [
            f"§ 4 Haushaltsmittel: {format_eur(agreement['budget_eur'])}",
            f"{signature_sentence(agreement)} · Grundlage: {source}",
            "§ 5 Projekte nach Maßnahmenarten:",
        ]
    missing = int(projects["planned_eur"].isna().sum())
    if missing:
        lines.append(f"{missing} von {len(projects)} Projekten haben noch keine geplanten Mittel (–).")
    # Every measure type in its order, with one row "keine Projekte" where it has none.
    without = [code for code in MEASURE_TYPES if code not in set(projects["measure_type"])]
    empty = pd.DataFrame({"measure_type": without, "project": "keine Projekte"})
    rows = pd.concat([frame for frame in (projects, empty) if not frame.empty], ignore_index=True)
    rows = rows.sort_values("measure_type", kind="stable", ignore_index=True)
    rows["measure_label"] = [f"{int(code)}. {MEASURE_TYPES[int(code)].short_label}" for code in rows["measure_type"]]
    keys = ("measure_label", "project", "provider", "planned_eur", "planned_places")
    table = _cells(rows, {key: PROJECT_COLUMNS[key] for key in keys}, rows["measure_type"].isin(without))
    return _table_slides(title, lines, table, note, numbered=False)


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
    # One row per measure type (0 € where it has no projects, – where its projects name no amounts), then the
    # residual rows of the decomposition, each only where it is not 0, and the budget: the rows add up to it.
    by_type = pd.DataFrame({"measure_type": list(MEASURE_TYPES)})
    by_type["measure_label"] = [measure.short_label for measure in MEASURE_TYPES.values()]
    by_type["n_projects"] = [int(counts.get(code, 0)) for code in MEASURE_TYPES]
    by_type["planned_eur"] = [planned.get(code, float("nan")) if counts.get(code, 0) else 0.0 for code in MEASURE_TYPES]
    by_type["share"] = ind.ratio(by_type["planned_eur"], budget)
    residuals = allocation.loc[
        ~allocation["measure_type"].isin(MEASURE_TYPES), ["measure_label", "planned_eur", "share"]
    ]
    total = pd.DataFrame({"measure_label": ["Haushaltsmittel (§ 4)"], "planned_eur": [budget], "share": [1.0]})
    rows = pd.concat([by_type, residuals, total], ignore_index=True)
    columns: Columns = {
        "measure_label": ("Maßnahmenart", None),
        "n_projects": ("Projekte", format_number),
        "planned_eur": ALLOCATION_COLUMNS["planned_eur"],
        "share": ALLOCATION_COLUMNS["share"],
    }
    table = _cells(rows, columns, rows["measure_type"].isna())
    lines = []
    if pd.notna(budget):
        lines.append(planned_sentence(budgets, ind.scope_decomposition(data, selection)))
    elif budgets["projects_without_amount"]:
        # Without an agreement there is no budget to read the missing amounts against.
        lines.append(f"{int(budgets['projects_without_amount'])} Projekte haben noch keine geplanten Mittel (–).")
    chart = None
    if allocation["planned_eur"].notna().any():
        figure = charts.measure_type_bars(allocation, f"Verteilung der Mittel {year}", tuple(MEASURE_TYPES), note)
        chart = Chart(figure, summary=summaries.titled(figure, summaries.measure_type_bars(allocation)))
    return Slide(title, lines, table, chart, footer=note)


def _no_report_slide(year: int, note: str) -> Slide:
    return Slide(f"Zielerreichung {year}", [no_report_sentence(year)], footer=note)


def _district_achievement_slides(data: AqbData, year: int, ags: str, name: str, note: str) -> list[Slide]:
    days = stichtage(data, year)
    if not days:
        return [_no_report_slide(year, note)]
    as_of = days[-1]
    title = f"Zielerreichung zum Stichtag {format_date(as_of)}"
    selection = ind.Selection(year, ags=ags)
    total = achievement(data, selection, "district", as_of).iloc[0]
    if total["n_reported"] == 0:
        # No report of its own: no Stichtag to name (the others' would read as this district's).
        expected = int(total["n_projects"])
        lines = [
            f"Für {name} liegt für {year} noch kein Umsetzungsbericht vor; Zielerreichung und Hochrechnung lassen "
            "sich daher nicht angeben.",
            f"Erwartet werden Berichte zu {expected} {'Projekt' if expected == 1 else 'Projekten'}."
            if expected
            else f"Für {name} sind {year} keine Projekte erfasst.",
        ]
        return [Slide(f"Zielerreichung {year}", lines, footer=note)]
    lines = [
        f"{name} insgesamt: {status_text(total['status'])} – {status_reason(total)}",
        f"Berichte zu {int(total['n_reported'])} von {int(total['n_projects'])} Projekten · Mittelabfluss "
        f"{format_percent(total['spending_rate'])} bei erwartet {format_percent(total['expected_rate'])} · "
        f"Auslastung {format_percent(total['occupancy'])} · Übergangsquote {format_percent(total['transition_rate'])}",
        f"{name} {budget_note(total)}",
        "Nach Maßnahmenarten:",
    ]
    by_type = achievement(data, selection, "measure_type", as_of)
    slides = _table_slides(title, lines, achievement_cells(by_type, "Maßnahmenart"), note)
    projects = achievement(data, selection, "project", as_of)
    project_lines = ["Projekte, die im Verzug sind, zuerst:"]
    has_deviation = projects["deviation"].notna().any()
    if not has_deviation:
        project_lines.append("Bis zum Stichtag liegt noch kein Bericht mit Mittelabfluss vor; daher kein Diagramm.")
    rows = achievement_cells(projects, "Projekt", reports=False)
    slides += _table_slides(f"{title}: Projekte", project_lines, rows, note)
    if has_deviation:
        chart_title = f"{name}: Mittelabfluss gegenüber dem Jahresfortschritt"
        slides.append(_deviation_slide(projects, "Projekt", chart_title, "der Projekte ", as_of, note))
    return slides


DETAIL_KEYS = ("planned_eur", "spent_eur", "spending_rate", "expected_rate", "dropout_rate", "cost_per_participant")
DETAIL_DEFINITIONS = (
    "Abbruchquote = Abbrüche ÷ Austritte; Kosten je TN = verausgabte Mittel ÷ Eintritte (nur Projekte mit beiden "
    "Angaben); erwartet = Anteil des Jahres am Stichtag des jeweiligen Berichts."
)


def _detail_slides(data: AqbData, year: int, ags: str, name: str, note: str) -> list[Slide]:
    """ "Umsetzung im Detail": the € gap to the pro-rata § 4 path of the district, and per measure type and for
    the district the money planned and spent, dropout rate and cost per participant (columns of `achievement`)."""
    days = stichtage(data, year)
    if not days:
        return []
    as_of = days[-1]
    title = f"Umsetzung im Detail zum Stichtag {format_date(as_of)}"
    selection = ind.Selection(year, ags=ags)
    total = achievement(data, selection, "district", as_of)
    if int(total["n_reported"].iloc[0]) == 0:  # the achievement slide already says that no report is there
        return []
    by_type = achievement(data, selection, "measure_type", as_of)
    rows = pd.concat([by_type, total.assign(unit_label=f"{name} insgesamt")], ignore_index=True)
    columns: Columns = {
        "unit_label": ("Maßnahmenart", None),
        **{key: ACHIEVEMENT_COLUMNS[key] for key in DETAIL_KEYS},
        "report_flag": ACHIEVEMENT_COLUMNS["report_flag"],
    }
    gap = total["budget_gap_eur"].iloc[0]
    if pd.isna(gap):
        gap_line = f"Rückstand zum anteiligen § 4-Pfad: {NOT_AVAILABLE} ({budget_note(total.iloc[0])})"
    else:
        where = "hinter dem Pfad" if gap > 0 else "vor dem Pfad" if gap < 0 else "genau auf dem Pfad"
        gap_line = (
            f"Rückstand zum anteiligen § 4-Pfad: {format_eur_cents(gap)} ({where}; Haushaltsmittel × Anteil des "
            "Jahres am Stichtag der Berichte − verausgabt)"
        )
    lines = [gap_line, DETAIL_DEFINITIONS, *_stale_lines(total, as_of)]
    return _table_slides(title, lines, _cells(rows, columns), note)


def _stale_lines(district: pd.DataFrame, as_of: date) -> list[str]:
    """The warning of a figures' slide whose district row (of `achievement` or `projection`) rests on a report
    older than the Stichtag; none when its figures are from the Stichtag."""
    row = district.iloc[0]
    if pd.isna(row["last_as_of"]) or pd.Timestamp(row["first_as_of"]) >= pd.Timestamp(as_of):
        return []
    if pd.Timestamp(row["last_as_of"]) < pd.Timestamp(as_of):
        dates = data_date_text(row["first_as_of"], row["last_as_of"])
        return [
            f"{STALE_SYMBOL} Zum Stichtag {format_date(as_of)} liegt von {row['unit_label']} kein Bericht vor: Die "
            f"Zahlen beruhen auf dem Bericht vom {dates}."
        ]
    return [
        f"{STALE_SYMBOL} Die Zahlen einzelner Projekte beruhen auf Berichten vor dem Stichtag "
        f"{format_date(as_of)} (ab {format_date(row['first_as_of'])}; Spalte „Bericht“)."
    ]


PROJECTION_SLIDE_COLUMNS: Columns = {
    "unit_label": ("Maßnahmenart", None),
    "planned_eur": ("Geplant", format_eur),
    "spent_eur": ("Verausgabt laut Bericht", format_eur),
    "projected_eur": ("voraussichtlich verausgabt", format_eur),
    "interval": ("80 %-Intervall", None),
    "unspent_eur": ("voraussichtlich nicht verausgabt (€)", format_eur),
    "method": ("Methode", None),
}
PROJECTION_METHOD_LINE = (
    "Methode: verausgabt laut letztem Bericht ÷ Anteil, der in früheren Jahren bis zum selben Kalendertag "
    "verausgabt war (Profil Kreis, sonst Land; ohne Profil die Laufrate); 80 %-Intervall aus der Nachrechnung "
    "früherer Jahre. Einzelheiten: Seite Methoden."
)


def _projection_slides(data: AqbData, year: int, ags: str, name: str, note: str) -> list[Slide]:
    """ "Hochrechnung zum Jahresende": projected spending with its 80 % interval and the money that will
    probably not be spent, per measure type and for the district, against planned and § 4 (`projection`)."""
    days = stichtage(data, year)
    if not days:
        return []
    as_of = days[-1]
    title = f"Hochrechnung zum Jahresende {year}"
    selection = ind.Selection(year, ags=ags)
    total = projection(data, selection, "district" if ags else "land", as_of)
    district = total.iloc[0]
    if int(district["n_projected"]) == 0:
        lines = [f"Für {name} liegt für {year} noch kein Umsetzungsbericht vor: keine Hochrechnung."]
        return [Slide(title, lines, footer=note)]
    by_type = projection(data, selection, "measure_type", as_of)
    rows = pd.concat([by_type, total.assign(unit_label=f"{name} insgesamt")], ignore_index=True)
    rows["interval"] = [
        NOT_AVAILABLE if pd.isna(low) or pd.isna(high) else f"{format_eur(low)} – {format_eur(high)}"
        for low, high in zip(rows["low_eur"], rows["high_eur"], strict=True)
    ]
    lines = [
        f"{name}: voraussichtlich verausgabt {format_eur(district['projected_eur'])} (80 %-Intervall "
        f"{rows['interval'].iloc[-1]}) von {format_eur(district['budget_eur'])} Haushaltsmitteln (§ 4, gültig am "
        f"{format_date(as_of)}): voraussichtlich nicht verausgabt {format_eur(district['budget_unspent_eur'])} "
        f"gegenüber § 4, {format_eur(district['unspent_eur'])} gegenüber den geplanten Mitteln.",
        PROJECTION_METHOD_LINE,
        backtest_sentence(data, "district" if ags else "land", as_of),
        *(_stale_lines(total, as_of) if ags else []),
    ]
    if int(district["n_without_report"]):
        lines.append(
            f"{int(district['n_without_report'])} von {int(district['n_projects'])} Projekten ohne Bericht: nicht "
            "hochgerechnet, in keiner Summe."
        )
    return _table_slides(title, lines, _cells(rows, PROJECTION_SLIDE_COLUMNS), note)


PEER_SLIDE_KEYS = ("label", "value", "flag", "group_position", "group_median", "group_q1", "group_q3", "group_n")


def _peer_slides(data: AqbData, year: int, ags: str) -> list[Slide]:
    """ "Im Vergleich mit ähnlichen Gebietskörperschaften": the district's value of every indicator beside the
    median and quartiles of its structural comparison group and its position there (`views.benchmark_view`)."""
    view = benchmark_view(data, ind.Selection(year, ags=ags))
    return _table_slides(
        "Im Vergleich mit ähnlichen Gebietskörperschaften",
        list(view.lines),
        view.cells(PEER_SLIDE_KEYS),
        source_line(data, view.shown),
    )


LAPSE_SLIDE_KEYS = ("year", "budget_eur", "spent_eur", "lapsed_eur", "lapsed_share", "unspent_planned_eur")


def _lapse_slides(data: AqbData, year: int, ags: str | None, name: str) -> list[Slide]:
    """ "Vorjahre": per closed year before `year` the budget in force at its end, spent at year end and the money
    that lapsed, € and share of the budget (`views.lapse_history_view`), for the district or the Land."""
    view = lapse_history_view(data, ind.Selection(year, ags=ags))
    earlier = view.frame["year"].astype(int) < year
    footer = source_line(data, view.shown)
    title = "Vorjahre: nicht verausgabte Mittel"
    if not earlier.any():
        return [
            Slide(
                title,
                [f"Für {name} gibt es vor {year} kein abgeschlossenes Jahr mit Jahresabschlussbericht."],
                footer=footer,
            )
        ]
    shown = View(view.frame[earlier].reset_index(drop=True), view.columns, view.title, view.lines, view.shown)
    keys = [*LAPSE_SLIDE_KEYS, *(["without_report"] if shown.frame["n_without_report"].gt(0).any() else [])]
    return _table_slides(title, list(view.lines), shown.cells(keys), footer)


def _reporting_slides(
    data: AqbData, year: int, ags: str, name: str, note: str, created: date, calendar: ReportingCalendar | None
) -> list[Slide]:
    """ "Berichtseingang": the district's reports per Stichtag of the calendar with status and the day received
    (`reporting.report_status` on the pack's day); says so when the report of the pack's Stichtag is missing."""
    title = f"Berichtseingang {year}"
    problem = None
    if calendar is None:
        calendar, problem = calendar_or_default()
    status = report_status(data, ind.Selection(year, ags=ags), calendar, created)
    status = status[status["ags"] == ags].reset_index(drop=True)
    if status.empty:
        return [Slide(title, [no_agreement_sentence(name, year) + " Es werden keine Berichte erwartet."], footer=note)]
    lines = [f"{name} am {format_date(created)}: {counts_line(status)}"]
    days = stichtage(data, year)
    if days:
        chosen = status[status["as_of"] == pd.Timestamp(days[-1])]
        if not chosen.empty and chosen["status"].iloc[0] in (ReportStatus.MISSING, ReportStatus.NOT_DUE):
            basis_day = achievement(data, ind.Selection(year, ags=ags), "district", days[-1])["last_as_of"].iloc[0]
            basis = (
                "diese Unterlage enthält daher keine Umsetzungszahlen"
                if pd.isna(basis_day)
                else f"die Zahlen dieser Unterlage beruhen auf dem Bericht vom {format_date(basis_day)}"
            )
            lines.append(
                f"{STALE_SYMBOL} Der Bericht zum Stichtag {format_date(days[-1])} liegt nicht vor "
                f"({chosen['cell'].iloc[0]}); {basis}."
            )
    rows = status.assign(as_of=status["as_of"].dt.date)
    columns: Columns = {
        "as_of": ("Stichtag", format_date),
        "due": ("Fällig am", format_date),
        "cell": ("Status", None),
        "received": ("Eingegangen am", format_date),
    }
    cells = _cells(rows, columns)
    cells.loc[rows["received"].isna().to_numpy(), "Eingegangen am"] = ""
    warning = f"Berichtskalender: {problem} Es gilt der Standardkalender." if problem else ""
    slides = _table_slides(title, lines, cells, note)
    slides[0].warning = warning
    return slides


AMENDMENT_COLUMNS: Columns = {
    "version": ("Fassung", None),
    "valid_from": ("Gültig ab", format_date),
    "budget_eur": ("Haushaltsmittel (§ 4)", format_eur),
    "change_eur": ("Veränderung", format_change),
    "reason": ("Grund", None),
    "shown_source": ("Quelle", None),
}


def _amendment_slides(data: AqbData, year: int, ags: str, name: str, note: str) -> list[Slide]:
    """ "Änderungen der Zielvereinbarung" when the agreement was amended: every version of the § 4 budget
    (`versions.amendment_history`) and the one in force at the latest Stichtag, which achievement is judged by."""
    history = amendment_history(data, year, ags)
    if len(history) < 2:
        return []
    history = history.assign(
        reason=history["reason"].where(history["reason"].fillna("").str.strip() != "", None),
        shown_source=[
            "Demodaten (synthetisch)" if demo else cell_text(source, None)
            for demo, source in zip(
                history.get("demo", pd.Series(False, index=history.index)), history["source"], strict=True
            )
        ],
    )
    first, last = history.iloc[0], history.iloc[-1]
    lines = [
        f"{name}: § 4 Haushaltsmittel wie unterzeichnet {format_eur(first['budget_eur'])}, in der letzten Fassung "
        f"({last['version']}, gültig ab {format_date(last['valid_from'])}) {format_eur(last['budget_eur'])}."
    ]
    days = stichtage(data, year)
    if days:
        versions = budgets_in_force(data, days[-1])
        row = versions[(versions["year"] == year) & (versions["ags"] == ags)].iloc[0]
        judged = (
            f"der Änderung vom {format_date(row['valid_from'])}" if row["amended"] else "der unterzeichneten Fassung"
        )
        lines.append(
            f"Die Zielerreichung zum Stichtag {format_date(days[-1])} misst an {judged}: "
            f"{format_eur(row['budget_eur'])}."
        )
    return _table_slides(
        f"Änderungen der Zielvereinbarung {year}",
        lines,
        _cells(history, AMENDMENT_COLUMNS, history["version"].eq(history["version"].iloc[0])),
        note,
    )


DEMO_LABEL_NOTES = "Demodaten (synthetisch)"
ACTION_KEYS = ("Status", "Fällig am", "Text", "Maßnahmenart", "Projekt", "Verfasst von")
NOTE_KEYS = ("Zuletzt geändert", "Verfasst von", "Maßnahmenart", "Projekt", "Text")


def _notes_source(rows: pd.DataFrame, created: date) -> str:
    """The footer of the notes slides (rows of `notes_frame`): where the entries come from, as of when, and
    whether they are synthetic."""
    line = f"Quelle: im AQB-Dashboard erfasste Notizen und vereinbarte Maßnahmen · Stand {format_date(created)}"
    demo = int((rows["Quelle"] == SYNTHETIC_SOURCE).sum())
    if demo:
        line += f" · {DEMO_LABEL_NOTES if demo == len(rows) else f'{demo} von {len(rows)} Einträgen Demodaten'}"
    return line


def _notes_cells(rows: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    """The entries as slide cells under the headings and formats of `notes.NOTES_FRAME_COLUMNS`; a measure type
    or project that is not named is an empty cell (the entry concerns the district as a whole)."""
    columns = {key: NOTES_FRAME_COLUMNS[key] for key in keys}
    cells = text_cells(rows.reset_index(drop=True), columns)
    for key in ("Maßnahmenart", "Projekt"):
        if key in cells:
            cells.loc[rows[key].isna().to_numpy(), key] = ""
    return cells


def _action_slides(notes: pd.DataFrame, year: int, ags: str, name: str, created: date) -> list[Slide]:
    """ "Vereinbarte Maßnahmen der letzten Besprechung": each agreed action with its status in symbol and text
    (overdue at the pack's day named with its due date), open and overdue ones first (`notes.notes_frame`)."""
    title = "Vereinbarte Maßnahmen der letzten Besprechung"
    rows = notes_frame(notes, created, year, ags, NoteKind.ACTION)
    footer = _notes_source(rows, created)
    if rows.empty:
        return [Slide(title, [f"Für {name} sind für {year} keine vereinbarten Maßnahmen erfasst."], footer=footer)]
    actions = notes[(notes["year"] == year) & (notes["ags"] == ags) & (notes["kind"] == NoteKind.ACTION.value)]
    n_late = int(overdue(actions, created).sum())
    n_done = int((actions["status"] == NoteStatus.DONE.value).sum())
    n_open = len(actions) - n_done
    lines = [
        f"{len(actions)} vereinbarte {'Maßnahme' if len(actions) == 1 else 'Maßnahmen'} für {name} {year}: "
        f"{n_open} offen, davon {n_late} überfällig (fällig vor dem {format_date(created)}); {n_done} erledigt. "
        "Offene zuerst, überfällige vorn."
    ]
    return _table_slides(title, lines, _notes_cells(rows, ACTION_KEYS), footer)


def _entered_notes_slides(notes: pd.DataFrame, year: int, ags: str, name: str, created: date) -> list[Slide]:
    """ "Notizen": the notes entered for the district and year, newest first (`notes.notes_frame`)."""
    rows = notes_frame(notes, created, year, ags, NoteKind.NOTE)
    footer = _notes_source(rows, created)
    if rows.empty:
        return [Slide("Notizen", [f"Für {name} sind für {year} keine Notizen erfasst."], footer=footer)]
    count = f"{len(rows)} {'Notiz' if len(rows) == 1 else 'Notizen'}"
    lines = [f"{count} zu {name} {year}, die neueste zuerst (ohne die vereinbarten Maßnahmen)."]
    return _table_slides("Notizen", lines, _notes_cells(rows, NOTE_KEYS), footer)


def _budget_spending_slides(
    data: AqbData, selection: ind.Selection, districts: pd.DataFrame, as_of: date, note: str
) -> list[Slide]:
    """Every district's spending against its § 4 budget beside its rate against plan, as Zielerreichung orders
    and words it (`views.budget_spending_view`)."""
    land = achievement(data, selection, "land", as_of).iloc[0]
    view = budget_spending_view(districts, land)
    title = f"{view.title} zum Stichtag {format_date(as_of)}"
    return _table_slides(title, list(view.lines), view.cells(), note, TABLE_ROWS_PER_SLIDE)


def _deviation_slide(frame: pd.DataFrame, unit: str, chart_title: str, of: str, as_of: date, note: str) -> Slide:
    """The spending of each unit against the share of the year elapsed, as a chart with its numbers."""
    return Slide(
        f"Mittelabfluss {of}gegenüber dem Jahresfortschritt",
        [f"Stichtag {format_date(as_of)}; Abweichung in Prozentpunkten (Pp.), Status als Symbol und Text."],
        chart=Chart(
            figure := charts.deviation_bars(frame, chart_title, note),
            deviation_cells(frame, unit),
            summary=summaries.titled(figure, summaries.deviation_bars(frame)),
        ),
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
    data: AqbData,
    year: int,
    ags: str,
    progress: Progress | None = None,
    created: date | None = None,
    notes: pd.DataFrame | None = None,
    calendar: ReportingCalendar | None = None,
) -> Pack:
    """The meeting pack for one district and year: title, agreement (§ 4, § 5), allocation, achievement at the
    latest Stichtag with reasons and in detail, the year-end projection, the reports received, the budget over the
    years, and a slide for notes. `notes`: the store's notes frame (`Store.notes`) for the slides of agreed actions
    and notes (None: without these slides); `calendar`: the reporting calendar (None: the configured one)."""
    ags = resolve_ags(ags)
    name = district_label(ags)
    _report(progress, 0.0, f"Daten für {name} werden zusammengestellt")
    selection = ind.Selection(year, ags=ags)
    note = source_line(data, selection)
    synthetic, shown = _synthetic_years(data, {ags}, year)
    today = created or date.today()
    slides = [
        _title_slide(
            data,
            year,
            f"Umsetzungsbesprechung {year}",
            name,
            _demo_notice(synthetic, shown),
            today,
            note,
        ),
        *_reporting_slides(data, year, ags, name, note, today, calendar),
        *_agreement_slides(data, year, ags, name, note),
        *_amendment_slides(data, year, ags, name, note),
        _allocation_slide(data, year, ags, name, note),
        *_district_achievement_slides(data, year, ags, name, note),
        *_detail_slides(data, year, ags, name, note),
        *_peer_slides(data, year, ags),
        *_projection_slides(data, year, ags, name, note),
        *_lapse_slides(data, year, ags, name),
        _trend_slide(data, selection, name, with_districts=False),
    ]
    if notes is not None:
        slides += [
            *_action_slides(notes, year, ags, name, today),
            *_entered_notes_slides(notes, year, ags, name, today),
        ]
    slides.append(_notes_slide(note))
    slides, problem = _make_images(slides, progress, 0.1)
    stem = safe_file_stem(f"AQB_Umsetzungsbesprechung_{year}_{name}")
    return Pack(f"Umsetzungsbesprechung {year} – {name}", slides, stem, bool(synthetic), problem)


def _part_rows(totals: dict[str, float | int]) -> list[tuple[str, str, str]]:
    """The budget's parts as Übersicht lists them (`views.budget_part_rows`): a subtracted part with `−` before
    its name, and the planned money's share of the budget as its explanation."""
    rows = []
    for label, amount, why in budget_part_rows(totals):
        if label == "Geplante Mittel" and not why:
            why = f"{format_percent(ind.ratio(totals['planned_total_eur'], totals['budget_eur']))} der Haushaltsmittel"
        rows.append((f"− {label}" if amount < 0 else label, format_eur(abs(amount)), why))
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
        *_part_rows(totals),
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
        lines.append(f"Hessen insgesamt: {status_text(land['status'])} – {status_reason(land)}")
    else:
        lines.append(no_report_sentence(year))
    return Slide(f"Eckdaten {year}", lines, _key_figures(rows), footer=note)


def _land_reporting_slides(data: AqbData, year: int, note: str, created: date) -> list[Slide]:
    """ "Berichtseingang": the reports of all districts counted by status, and every late or missing one, longest
    overdue first (`reporting.report_status`, `reporting.overdue`), on the pack's day."""
    calendar, problem = calendar_or_default()
    status = report_status(data, ind.Selection(year), calendar, created)
    title = f"Berichtseingang {year}"
    lines = [f"Hessen am {format_date(created)}: {counts_line(status)}"]
    late = overdue_reports(status)
    if late.empty:
        lines.append("Kein Bericht fehlt oder ist verspätet eingegangen.")
        slides = [Slide(title, lines, footer=note)]
    else:
        lines.append("Fehlende und verspätete Berichte, am längsten überfällige zuerst:")
        columns: Columns = {
            "unit_label": ("Gebietskörperschaft", None),
            "as_of": ("Stichtag", format_date),
            "due": ("Fällig am", format_date),
            "cell": ("Status", None),
        }
        slides = _table_slides(title, lines, _cells(late, columns), note, TABLE_ROWS_PER_SLIDE)
    slides[0].warning = f"Berichtskalender: {problem} Es gilt der Standardkalender." if problem else ""
    return slides


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
    # One column per area, one row per measure type: narrow enough to stand beside the chart. A measure type
    # without projects in an area is – there; a residual part that is not there is 0 €.
    shown = [code for code in ind.ALLOCATION_ORDER if code in set(top["measure_type"]) or code in MEASURE_TYPES]
    units = list(dict.fromkeys(top["unit_label"]))
    headings = {unit: unit.replace("Regierungsbezirk ", "RB ", 1) for unit in units}
    planned = top.pivot(index="measure_type", columns="unit_label", values="planned_eur").reindex(shown)
    residual = ~planned.index.isin(list(MEASURE_TYPES))
    planned.loc[residual] = planned.loc[residual].fillna(0.0)
    budget = top.groupby("unit_label")["budget_eur"].first()
    rows = pd.concat([planned, budget.to_frame().T], ignore_index=True)[units]
    rows.insert(0, "measure_label", [*(ind.measure_label(code) for code in shown), "Haushaltsmittel"])
    columns: Columns = {"measure_label": ("Maßnahmenart", None)} | {
        unit: (headings[unit], ALLOCATION_COLUMNS["planned_eur"][1]) for unit in units
    }
    lines = [
        "Geplante Mittel je Maßnahmenart für Hessen und die Regierungsbezirke (RB), darunter die Teile, die jede "
        "Spalte zu ihren Haushaltsmitteln ergänzen (Überplanung negativ, nie mit freien Mitteln verrechnet).",
        ind.budget_parts_sentence(ind.scope_decomposition(data, selection)),
    ]
    chart = Chart(figure, summary=summaries.titled(figure, summaries.allocation_bars(top, total=False)))
    return Slide("Verteilung der Mittel nach Maßnahmenarten", lines, text_cells(rows, columns), chart, footer=note)


def _district_budget_slides(data: AqbData, year: int, note: str) -> list[Slide]:
    """Every district's budget in its parts, as Übersicht shows it (`views.district_budget_view`), in the
    columns that fit a slide: each row adds up to its budget."""
    view = district_budget_view(data, ind.Selection(year))
    cells = view.cells(DISTRICT_BUDGET_SLIDE_KEYS)
    # A row with nothing to say has an empty "Hinweis", as on the page (not `–`, which reads as a missing value).
    cells.loc[view.frame["status"].eq("").to_numpy(), DISTRICT_BUDGET_COLUMNS["status"][0]] = ""
    lines = [f"{line} Nach Haushaltsmitteln absteigend." for line in view.lines[:1]]
    # The sum sentence once, on the first slide: the 26 districts then fit on two.
    title = f"Haushaltsmittel je Gebietskörperschaft {year}"
    return _table_slides(title, lines, cells, note, TABLE_ROWS_PER_SLIDE, numbered=False)


def _land_achievement_slides(data: AqbData, year: int, note: str) -> list[Slide]:
    days = stichtage(data, year)
    if not days:
        return [_no_report_slide(year, note)]
    as_of = days[-1]
    title = f"Zielerreichung zum Stichtag {format_date(as_of)}"
    selection = ind.Selection(year)
    districts = achievement(data, selection, "district", as_of)
    lines = [status_line(districts, "Gebietskörperschaften") + "; im Verzug zuerst"]
    rows = achievement_cells(districts, "Gebietskörperschaft", budget=True)
    slides = _table_slides(title, lines, rows, note, TABLE_ROWS_PER_SLIDE)
    slides += _budget_spending_slides(data, selection, districts, as_of, note)
    by_type = achievement(data, selection, "measure_type", as_of)
    slides += _table_slides(f"{title}: Maßnahmenarten", [], achievement_cells(by_type, "Maßnahmenart"), note)
    if districts["deviation"].notna().any():
        chart_title = f"Mittelabfluss gegenüber dem Jahresfortschritt {year}"
        slides.append(_deviation_slide(districts, "Gebietskörperschaft", chart_title, "", as_of, note))
    return slides


def _per_inhabitant_slide(data: AqbData, year: int, note: str) -> Slide:
    """€ per inhabitant of every district as on Übersicht (`views.per_inhabitant_view`); the chart's numbers
    name only the districts with a value, as its bars do."""
    selection = ind.Selection(year)
    totals = ind.land_totals(data, selection)
    view = per_inhabitant_view(data, selection)
    figure = charts.per_inhabitant_bars(
        view.frame, view.title, totals["budget_per_inhabitant"], note, reference_label=ind.LAND_LABEL
    )
    numbers = text_cells(view.frame.dropna(subset=["budget_per_inhabitant"]), PER_INHABITANT_COLUMNS)
    lines = [
        f"Hessen: {format_eur_cents(totals['budget_per_inhabitant'])} je Einwohner/in "
        f"(Einwohner: Destatis {population_date()})."
    ]
    summary = summaries.per_inhabitant_bars(view.frame, totals["budget_per_inhabitant"], ind.LAND_LABEL)
    chart = Chart(figure, numbers, summary=summaries.titled(figure, summary))
    return Slide(f"Haushaltsmittel je Einwohner/in {year}", lines, chart=chart, footer=note)


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
        *_land_reporting_slides(data, year, note, created or date.today()),
        *_land_achievement_slides(data, year, note),
        *_projection_slides(data, year, None, ind.LAND_LABEL, note),
        _per_inhabitant_slide(data, year, note),
        *_lapse_slides(data, year, None, ind.LAND_LABEL),
        _trend_slide(data, selection, ind.LAND_LABEL, with_districts=True),
        _notes_slide(note),
    ]
    slides, problem = _make_images(slides, progress, 0.1)
    stem = safe_file_stem(f"AQB_Umsetzungsbesprechung_{year}_Hessen")
    return Pack(title, slides, stem, bool(synthetic), problem)
