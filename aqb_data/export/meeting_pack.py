"""The autumn meeting pack (Umsetzungsbesprechung, § 6 of the target agreement) as PowerPoint and PDF.

A builder (`district_pack`, `land_pack`) gathers what every slide shows into a small model that knows nothing
about the output format: a title, lines of text, a table whose cells are already German text, a chart with its
picture. Two renderers (`pack_pptx`, `pack_pdf`) walk the same model, so both files show the same slides in
the same order and on the same places. Chart pictures are made once, by the builder, and both renderers use
the same PNG. Where the server cannot draw them (no Chromium), the chart's numbers stand in its place with one
line saying why: the pack is always made.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

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
from aqb_data.analysis.provenance import DEMO_LABEL, data_status, source_line
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
from aqb_data.present import charts

Progress = Callable[[float, str], None]

FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}
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


# ---------------------------------------------------------------------------------------------------------------
# Fonts and geometry shared by both renderers (inches; origin top left), so pptx and PDF place things alike
# ---------------------------------------------------------------------------------------------------------------

SLIDE_W, SLIDE_H = 13.333, 7.5
MARGIN = 0.5
BODY_W = SLIDE_W - 2 * MARGIN
TITLE_TOP, TITLE_H = 0.3, 0.7
BODY_TOP, BODY_BOTTOM = 1.25, 6.7
FOOTER_TOP = 6.85
GAP = 0.2
LINE_PT = 15
TABLE_PT_MAX, TABLE_PT_MIN, TABLE_PT_SPLIT = 12.0, 7.0, 10.0
TABLE_ROWS_PER_SLIDE = 13  # at most: the 26 districts on two slides where their rows are one line high
PAD_X, PAD_Y = 0.06, 0.03  # cell padding, inches
PICTURE_SHARE = 0.62  # at most this share of the width for a picture beside a table
ASPECT = images.WIDTH / images.HEIGHT
PIXELS_PER_INCH = 110  # chart size in CSS pixels per inch on the slide: its 14 px text shows at about 9 pt

_NUMBER = re.compile(r"^[+\-±−]?\d[\d.]*(,\d+)?( ?(€|%|Pp\.))?$")

# Fonts with €, –, ●▲■○ for the PDF and for measuring text: DejaVu Sans (Debian's fonts-dejavu-core), else
# Liberation Sans; without either, Helvetica, and characters it lacks (the status symbols) are left out.
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)


@dataclass(frozen=True)
class PdfFont:
    regular: str
    bold: str
    glyphs: frozenset[int] | None  # None: the standard font (WinAnsi)


_pdf_font: PdfFont | None = None


def pdf_font() -> PdfFont:
    """The font the PDF uses and text is measured with (registered with reportlab once)."""
    global _pdf_font
    if _pdf_font is not None:
        return _pdf_font
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    for regular, bold in FONT_CANDIDATES:
        if not (Path(regular).is_file() and Path(bold).is_file()):
            continue
        name = Path(regular).stem.split("-")[0]
        try:
            font = TTFont(name, regular)
            pdfmetrics.registerFont(font)
            pdfmetrics.registerFont(TTFont(f"{name}-Bold", bold))
        except (TTFError, OSError):  # pragma: no cover - a broken font file: try the next
            continue
        pdfmetrics.registerFontFamily(name, normal=name, bold=f"{name}-Bold", italic=name, boldItalic=f"{name}-Bold")
        _pdf_font = PdfFont(name, f"{name}-Bold", frozenset(font.face.charToGlyph))
        return _pdf_font
    _pdf_font = PdfFont("Helvetica", "Helvetica-Bold", None)  # pragma: no cover - no TTF font installed
    return _pdf_font


_WIN_ANSI_EXTRA = frozenset(ord(ch) for ch in "€–—„“”‚‘’…•±·")


def clean_text(text: str, font: PdfFont | None = None) -> str:
    """The text without characters the font cannot draw (they would show as empty boxes)."""
    font = font or pdf_font()
    if font.glyphs is None:
        kept = "".join(ch for ch in text if ord(ch) < 256 or ord(ch) in _WIN_ANSI_EXTRA)
    else:
        kept = "".join(ch for ch in text if ord(ch) in font.glyphs or ch in "\n ")
    return text if kept == text else re.sub(r"  +", " ", kept).strip()


_UNIT = re.compile(r"(\d) (€|%|Pp\.)")


def glue(text: str) -> str:
    """The text with a no-break space between a number and its unit (no line ends in `41,0` before `%`)."""
    return _UNIT.sub("\\1\u00a0\\2", text)


def text_width(text: str, size_pt: float, bold: bool = False) -> float:
    """The width of one line of text in inches, in the PDF's font (wider than PowerPoint's Calibri)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = pdf_font()
    return stringWidth(clean_text(text, font), font.bold if bold else font.regular, size_pt) / 72


def wrapped_lines(text: str, width_in: float, size_pt: float, bold: bool = False) -> int:
    """How many lines the text takes in a column of this width, wrapped at spaces."""
    space = text_width(" ", size_pt, bold)
    count = 0
    for paragraph in glue(str(text)).split("\n"):
        count += 1
        used = 0.0
        for word in paragraph.split(" "):
            width = text_width(word, size_pt, bold)
            if used and used + space + width > width_in:
                count += 1
                used = 0.0
            # A word wider than the column is broken: it takes more lines.
            extra = int(width // width_in) if width_in > 0 and width > width_in else 0
            count += extra
            used = (width - extra * width_in) if extra else (used + space + width if used else width)
    return max(count, 1)


def text_height(lines: Sequence[str], width_in: float, size_pt: float = LINE_PT) -> float:
    """The height of a block of paragraphs (1.2 line spacing, a quarter line between paragraphs)."""
    return sum(wrapped_lines(line, width_in, size_pt) * size_pt * 1.2 / 72 + size_pt * 0.3 / 72 for line in lines)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


def numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """Per column, whether it holds numbers (right-aligned): every cell a German number or `–`, one at least."""
    flags = []
    for column in frame.columns:
        values = [str(v) for v in frame[column] if str(v) not in ("", NOT_AVAILABLE)]
        flags.append(bool(values) and all(_NUMBER.match(v) for v in values))
    return flags


NO_WRAP_WIDTH = 1.4  # inches: a column whose longest text is shorter never wraps


def _column_extent(frame: pd.DataFrame, size_pt: float) -> tuple[list[float], list[float]]:
    """Per column the width (inches) of its longest text unbroken, and the narrowest it may get: its longest
    word, or all of it for numbers and short texts (a status or an amount is never broken)."""
    slack = 2 * PAD_X + 0.04
    natural, minimum = [], []
    for column, numeric in zip(frame.columns, numeric_columns(frame), strict=True):
        cells = [str(v) for v in frame[column]]
        widest = max([text_width(str(column), size_pt, True), *(text_width(c, size_pt) for c in cells)]) + slack
        words = [text_width(w, size_pt, True) for w in str(column).split()]
        words += [text_width(c if numeric else w, size_pt) for c in cells for w in (c.split() or [""])]
        natural.append(widest)
        minimum.append(widest if widest - slack <= NO_WRAP_WIDTH else max(words, default=0.0) + slack)
    return natural, minimum


def table_width(frame: pd.DataFrame, size_pt: float) -> float:
    """The width the table takes without wrapping any cell."""
    return sum(_column_extent(frame, size_pt)[0])


def column_widths(frame: pd.DataFrame, width_in: float, size_pt: float) -> list[float]:
    """Column widths that fill `width_in`: every column as wide as its text if there is room; else the long
    texts wrap, but no column is narrower than its longest word (while that is possible)."""
    natural, minimum = _column_extent(frame, size_pt)
    if sum(natural) <= width_in:
        extra = width_in - sum(natural)
        return [n + extra * n / sum(natural) for n in natural]
    if sum(minimum) >= width_in:
        return [m * width_in / sum(minimum) for m in minimum]
    excess = sum(natural) - width_in
    give = [n - m for n, m in zip(natural, minimum, strict=True)]
    return [n - excess * g / sum(give) for n, g in zip(natural, give, strict=True)]


def row_heights(frame: pd.DataFrame, widths: Sequence[float], size_pt: float) -> list[float]:
    """Heights in inches of the heading row and each row, from the wrapped lines of its tallest cell."""
    line = size_pt * 1.2 / 72

    def height(cells: Sequence[object], bold: bool) -> float:
        lines = max(
            wrapped_lines(str(c), w - 2 * PAD_X - 0.02, size_pt, bold) for c, w in zip(cells, widths, strict=True)
        )
        return lines * line + 2 * PAD_Y + 0.05

    return [height(list(frame.columns), True)] + [height(list(row), False) for row in frame.itertuples(index=False)]


def table_font(frame: pd.DataFrame, box: Box) -> tuple[float, list[float], list[float]]:
    """The largest font size (pt) at which the table fits its box, with its column widths and row heights."""
    sizes = [TABLE_PT_MAX - 0.5 * step for step in range(int((TABLE_PT_MAX - TABLE_PT_MIN) * 2) + 1)]
    fitting = []
    for size in sizes:
        widths = column_widths(frame, box.w, size)
        heights = row_heights(frame, widths, size)
        if sum(heights) <= box.h and sum(_column_extent(frame, size)[1]) <= box.w:
            fitting.append((size, widths, heights))
    # The largest size at which no cell wraps, down to the split size; else at which none takes more than two
    # lines, down to one point below; else the largest that fits.
    for most, smallest in ((1, TABLE_PT_SPLIT), (2, TABLE_PT_SPLIT - 1), (None, TABLE_PT_MIN)):
        for size, widths, heights in fitting:
            if size >= smallest and (most is None or _most_lines(frame, widths, size) <= most):
                return size, widths, heights
    widths = column_widths(frame, box.w, TABLE_PT_MIN)
    return TABLE_PT_MIN, widths, row_heights(frame, widths, TABLE_PT_MIN)


def _most_lines(frame: pd.DataFrame, widths: Sequence[float], size_pt: float) -> int:
    """The most lines any body cell wraps into."""
    return max(
        (
            wrapped_lines(str(c), w - 2 * PAD_X - 0.02, size_pt)
            for row in frame.itertuples(index=False)
            for c, w in zip(row, widths, strict=True)
        ),
        default=1,
    )


def shown_lines(slide: Slide) -> list[str]:
    """The slide's lines, and its warning line last."""
    return [*slide.lines, slide.warning] if slide.warning else list(slide.lines)


@dataclass(frozen=True)
class Layout:
    """Where a content slide's parts go."""

    lines: Box | None
    table: Box | None
    picture: Box | None
    notes: Box | None


def layout(slide: Slide, picture: bool | None = None) -> Layout:
    """The boxes of a content slide: the lines on top; below them table and picture side by side when the
    table is narrow enough, else the picture above the table. `picture` overrides whether it has one."""
    top = BODY_TOP
    lines_box = None
    if shown_lines(slide):
        height = text_height(shown_lines(slide), BODY_W)
        lines_box = Box(MARGIN, top, BODY_W, height)
        top += height + GAP
    room = Box(MARGIN, top, BODY_W, max(BODY_BOTTOM - top, 0.5))
    if slide.notes_area:
        return Layout(lines_box, None, None, room)
    has_picture = (slide.chart is not None and slide.chart.png is not None) if picture is None else picture
    table = slide.table
    if has_picture and table is not None:
        beside = room.w - table_width(table, TABLE_PT_SPLIT) - GAP
        width = min(beside, room.w * PICTURE_SHARE, room.h * ASPECT)
        if width >= room.w * 0.45:
            side = Box(room.x + width + GAP, room.y, room.w - width - GAP, room.h)
            return Layout(lines_box, side, Box(room.x, room.y, width, room.h), None)
        _, _, heights = table_font(table, Box(room.x, room.y, room.w, room.h * 0.45))
        below = min(sum(heights), room.h * 0.45)
        picture_h = room.h - below - GAP
        return Layout(
            lines_box,
            Box(room.x, room.y + picture_h + GAP, room.w, below),
            Box(room.x, room.y, room.w, picture_h),
            None,
        )
    if has_picture:
        return Layout(lines_box, None, room, None)
    return Layout(lines_box, room if table is not None else None, None, None)


DEMO_PT = 20
TITLE_PT = 26


def title_size(title: str) -> float:
    """The title's font size: 26 pt, smaller for a title that would not fit on one line."""
    size = TITLE_PT
    while size > 16 and text_width(title, size, bold=True) > BODY_W:
        size -= 1
    return size


def demo_boxes(notice: str) -> tuple[Box, Box]:
    """The framed box of the title slide's demo label and the text inside it, as high as the text needs."""
    inner = Box(MARGIN + 0.45, 5.0 + 0.15, BODY_W - 0.9, 0.0)
    height = text_height([notice], inner.w, DEMO_PT) + 0.05
    return Box(MARGIN + 0.3, 5.0, BODY_W - 0.6, height + 0.3), replace(inner, h=height)


def fit_picture(box: Box) -> Box:
    """A 16:9 picture as large as fits the box, centred in it horizontally."""
    width = min(box.w, box.h * ASPECT)
    height = width / ASPECT
    return Box(box.x + (box.w - width) / 2, box.y, width, height)


def split_rows(
    frame: pd.DataFrame, first: float, later: float, width: float = BODY_W, max_rows: int | None = None
) -> list[pd.DataFrame]:
    """The table in parts that fit `first` inches (then `later` inches) each at a readable size; rows are
    never split, and no part has more than `max_rows` rows."""
    widths = column_widths(frame, width, TABLE_PT_SPLIT)
    heights = row_heights(frame, widths, TABLE_PT_SPLIT)

    def split(limit: int | None) -> list[pd.DataFrame]:
        parts: list[pd.DataFrame] = []
        start, used = 0, heights[0]
        for index, row_height in enumerate(heights[1:]):
            room = first if not parts else later
            full = limit is not None and index - start >= limit
            if index > start and (used + row_height > room or full):
                parts.append(frame.iloc[start:index].reset_index(drop=True))
                start, used = index, heights[0]
            used += row_height
        parts.append(frame.iloc[start:].reset_index(drop=True))
        return parts

    parts = split(max_rows)
    # Even parts (9, 9, 8 rather than 10, 10, 6) where they fit as well.
    even = split(math.ceil(len(frame) / len(parts))) if len(parts) > 1 else parts
    return even if len(even) == len(parts) else parts


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
    body = BODY_BOTTOM - BODY_TOP
    first = body - (text_height(lines, BODY_W) + GAP if lines else 0)
    parts = split_rows(frame, first, first if numbered else body, max_rows=max_rows)
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
    """The chart's size in CSS pixels (16:9): about PIXELS_PER_INCH for its place on the slide, so that its text
    comes out at a readable size, but tall enough that every bar keeps its label (Plotly leaves labels out where
    they would overlap)."""
    assert slide.chart is not None
    place = layout(slide, picture=True).picture
    assert place is not None
    bars = max(
        (len(set(trace.y)) for trace in slide.chart.figure.data if getattr(trace, "orientation", None) == "h"),
        default=0,
    )
    width = max(fit_picture(place).w * PIXELS_PER_INCH, (240 + 21 * bars) * ASPECT, 800)
    width = int(min(width, images.WIDTH))
    return width, round(width / ASPECT)


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


# ---------------------------------------------------------------------------------------------------------------
# PowerPoint
# ---------------------------------------------------------------------------------------------------------------

ACCENT = charts.ACCENT
TEXT = charts.TEXT_COLOUR
MUTED = "#52606d"
DEMO_COLOUR = "#b00020"
BAND = "#eef2f7"


def _rgb(hex_colour: str):  # noqa: ANN202 - pptx's RGBColor
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_colour.lstrip("#"))


def _pptx_text(
    slide,  # noqa: ANN001
    box: Box,
    paragraphs: Sequence[str | tuple[str, dict]],
    size: float,
    colour: str = TEXT,
    bold: bool = False,
    align: str = "left",
):  # noqa: ANN202
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for margin in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, margin, 0)
    for index, item in enumerate(paragraphs):
        text, style = (item, {}) if isinstance(item, str) else item
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}[
            style.get("align", align)
        ]
        paragraph.space_after = Pt(style.get("space_after", 3))
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(style.get("size", size))
        run.font.bold = style.get("bold", bold)
        run.font.color.rgb = _rgb(style.get("colour", colour))
    return shape


def _pptx_rect(slide, box: Box, fill: str, line: str | None = None):  # noqa: ANN001, ANN202
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(fill)
    if line:
        shape.line.color.rgb = _rgb(line)
        shape.line.width = Pt(1.5)
    else:
        shape.line.fill.background()
    shape.shadow.inherit = False
    return shape


def _pptx_table(slide, frame: pd.DataFrame, box: Box) -> None:  # noqa: ANN001
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    size, widths, heights = table_font(frame, box)
    numeric = numeric_columns(frame)
    shape = slide.shapes.add_table(
        len(frame) + 1, len(frame.columns), Inches(box.x), Inches(box.y), Inches(box.w), Inches(sum(heights))
    )
    table = shape.table
    for index, width in enumerate(widths):
        table.columns[index].width = Inches(width)
    for index, height in enumerate(heights):
        table.rows[index].height = Inches(height)
    cells = [list(frame.columns), *(list(row) for row in frame.itertuples(index=False))]
    for r, values in enumerate(cells):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(PAD_X)
            cell.margin_top = cell.margin_bottom = Inches(PAD_Y)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(ACCENT if r == 0 else BAND if r % 2 == 0 else "#ffffff")
            frame_ = cell.text_frame
            frame_.word_wrap = True
            paragraph = frame_.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if numeric[c] else PP_ALIGN.LEFT
            run = paragraph.add_run()
            run.text = str(value)
            run.font.size = Pt(size)
            run.font.bold = r == 0
            run.font.color.rgb = _rgb("#ffffff" if r == 0 else TEXT)


def _pptx_notes(slide, box: Box) -> None:  # noqa: ANN001
    """One text box with the three headings and empty paragraphs under each, ready to type into."""
    paragraphs: list[str | tuple[str, dict]] = []
    for heading in NOTES_HEADINGS:
        paragraphs.append((heading, {"bold": True, "colour": ACCENT, "size": 18}))
        paragraphs += [("", {"size": 16})] * 4
    from pptx.util import Inches

    shape = _pptx_text(slide, box, paragraphs, 16)
    shape.line.color.rgb = _rgb("#c5ccd3")
    for margin in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(shape.text_frame, margin, Inches(0.15))


def _pptx_footer(slide, text: str, number: int, total: int) -> None:  # noqa: ANN001
    _pptx_rect(slide, Box(MARGIN, FOOTER_TOP - 0.06, BODY_W, 0.01), "#c5ccd3")
    colour = DEMO_COLOUR if text.startswith(DEMO_LABEL) else MUTED
    _pptx_text(slide, Box(MARGIN, FOOTER_TOP, BODY_W - 1.0, SLIDE_H - FOOTER_TOP - 0.1), [text], 8, colour)
    _pptx_text(
        slide, Box(SLIDE_W - MARGIN - 0.9, FOOTER_TOP, 0.9, 0.3), [f"{number} / {total}"], 10, MUTED, align="right"
    )


def _pptx_title_slide(slide, content: Slide) -> None:  # noqa: ANN001
    _pptx_rect(slide, Box(0, 0, SLIDE_W, 0.25), ACCENT)
    _pptx_text(slide, Box(MARGIN + 0.3, 1.5, BODY_W - 0.6, 1.0), [content.title], 40, ACCENT, bold=True)
    _pptx_text(slide, Box(MARGIN + 0.3, 2.5, BODY_W - 0.6, 0.8), [content.subtitle], 28, TEXT)
    _pptx_text(slide, Box(MARGIN + 0.3, 3.5, BODY_W - 0.6, 1.4), content.lines, 18, MUTED)
    if content.demo_notice:
        box, text = demo_boxes(content.demo_notice)
        _pptx_rect(slide, box, "#fdecea", DEMO_COLOUR)
        _pptx_text(slide, text, [content.demo_notice], DEMO_PT, DEMO_COLOUR, bold=True)


def _pptx_content_slide(slide, content: Slide) -> None:  # noqa: ANN001
    from pptx.util import Inches

    _pptx_text(
        slide, Box(MARGIN, TITLE_TOP, BODY_W, TITLE_H), [content.title], title_size(content.title), ACCENT, bold=True
    )
    _pptx_rect(slide, Box(MARGIN, TITLE_TOP + TITLE_H + 0.05, BODY_W, 0.03), ACCENT)
    boxes = layout(content)
    if boxes.lines is not None:
        paragraphs: list[str | tuple[str, dict]] = list(content.lines)
        if content.warning:
            paragraphs.append((content.warning, {"colour": DEMO_COLOUR, "bold": True}))
        _pptx_text(slide, boxes.lines, paragraphs, LINE_PT)
    if boxes.table is not None and content.table is not None:
        _pptx_table(slide, content.table, boxes.table)
    if boxes.picture is not None and content.chart is not None and content.chart.png is not None:
        place = fit_picture(boxes.picture)
        slide.shapes.add_picture(
            io.BytesIO(content.chart.png), Inches(place.x), Inches(place.y), Inches(place.w), Inches(place.h)
        )
    if boxes.notes is not None:
        _pptx_notes(slide, boxes.notes)


def pack_pptx(pack: Pack) -> bytes:
    """The pack as a PowerPoint file (16:9), one slide per model slide, tables as real tables."""
    from pptx import Presentation
    from pptx.util import Emu

    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = Emu(12_192_000), Emu(6_858_000)  # 13,333 × 7,5 in
    blank = presentation.slide_layouts[6]
    for number, content in enumerate(pack.slides, start=1):
        slide = presentation.slides.add_slide(blank)
        if content.kind == "title":
            _pptx_title_slide(slide, content)
        else:
            _pptx_content_slide(slide, content)
        _pptx_footer(slide, content.footer, number, len(pack.slides))
    properties = presentation.core_properties
    properties.title = pack.title
    properties.author = "AQB-Dashboard"
    properties.language = "de-DE"
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------------------------


def _pt(inches: float) -> float:
    return inches * 72


def _pdf_y(box: Box) -> float:
    """The bottom of a box in PDF coordinates (origin bottom left)."""
    return _pt(SLIDE_H - box.y - box.h)


def _pdf_style(font: PdfFont, size: float, colour: str = TEXT, bold: bool = False, align: int = 0):  # noqa: ANN202
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(
        "aqb",
        fontName=font.bold if bold else font.regular,
        fontSize=size,
        leading=size * 1.2,
        textColor=colors.HexColor(colour),
        alignment=align,
        spaceAfter=size * 0.25,
    )


def _pdf_paragraph(text: str, style, font: PdfFont):  # noqa: ANN001, ANN202
    from reportlab.platypus import Paragraph

    return Paragraph(escape(glue(clean_text(text, font))).replace("\n", "<br/>"), style)


def _pdf_frame(canvas, box: Box, flowables: list) -> None:  # noqa: ANN001
    """Flowables in a box, shrunk if they would not fit (nothing is ever cut off)."""
    from reportlab.platypus import Frame, KeepInFrame

    frame = Frame(_pt(box.x), _pdf_y(box), _pt(box.w), _pt(box.h), 0, 0, 0, 0, showBoundary=0)
    frame.addFromList([KeepInFrame(_pt(box.w), _pt(box.h), flowables, mode="shrink", vAlign="TOP")], canvas)


def _pdf_text(canvas, box: Box, lines: Sequence[str], font: PdfFont, size: float, **style) -> None:  # noqa: ANN001
    paragraph_style = _pdf_style(font, size, **style)
    _pdf_frame(canvas, box, [_pdf_paragraph(line, paragraph_style, font) for line in lines])


def _pdf_table(canvas, frame: pd.DataFrame, box: Box, font: PdfFont) -> None:  # noqa: ANN001
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    size, widths, _ = table_font(frame, box)
    numeric = numeric_columns(frame)
    head = [_pdf_style(font, size, "#ffffff", True, 2 if n else 0) for n in numeric]
    body = [_pdf_style(font, size, TEXT, False, 2 if n else 0) for n in numeric]
    for style in (*head, *body):
        style.spaceAfter = 0
    cells = [[_pdf_paragraph(str(c), head[i], font) for i, c in enumerate(frame.columns)]]
    cells += [
        [_pdf_paragraph(str(v), body[i], font) for i, v in enumerate(row)] for row in frame.itertuples(index=False)
    ]
    table = Table(cells, colWidths=[_pt(w) for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(ACCENT)),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor(BAND)]),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#c5ccd3")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), _pt(PAD_X)),
                ("RIGHTPADDING", (0, 0), (-1, -1), _pt(PAD_X)),
                ("TOPPADDING", (0, 0), (-1, -1), _pt(PAD_Y) + 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), _pt(PAD_Y) + 2),
            ]
        )
    )
    _pdf_frame(canvas, box, [table])


def _pdf_picture(canvas, png: bytes, box: Box) -> None:  # noqa: ANN001
    from reportlab.lib.utils import ImageReader

    place = fit_picture(box)
    canvas.drawImage(ImageReader(io.BytesIO(png)), _pt(place.x), _pdf_y(place), _pt(place.w), _pt(place.h))


def _pdf_notes(canvas, box: Box, font: PdfFont) -> None:  # noqa: ANN001
    """The three headings, each over ruled lines to write on."""
    from reportlab.lib import colors

    section = box.h / len(NOTES_HEADINGS)
    for index, heading in enumerate(NOTES_HEADINGS):
        top = box.y + index * section
        canvas.setFillColor(colors.HexColor(ACCENT))
        canvas.setFont(font.bold, 16)
        canvas.drawString(_pt(box.x), _pt(SLIDE_H - top - 0.3), heading)
        canvas.setStrokeColor(colors.HexColor("#9aa5b1"))
        canvas.setLineWidth(0.5)
        line_y = top + 0.7
        while line_y < top + section - 0.05:
            canvas.line(_pt(box.x), _pt(SLIDE_H - line_y), _pt(box.x + box.w), _pt(SLIDE_H - line_y))
            line_y += 0.38


def _pdf_rect(canvas, box: Box, fill: str, stroke: str | None = None) -> None:  # noqa: ANN001
    from reportlab.lib import colors

    canvas.setFillColor(colors.HexColor(fill))
    if stroke:
        canvas.setStrokeColor(colors.HexColor(stroke))
        canvas.setLineWidth(1.5)
    canvas.rect(_pt(box.x), _pdf_y(box), _pt(box.w), _pt(box.h), stroke=1 if stroke else 0, fill=1)


def _pdf_title_slide(canvas, content: Slide, font: PdfFont) -> None:  # noqa: ANN001
    _pdf_rect(canvas, Box(0, 0, SLIDE_W, 0.25), ACCENT)
    inner = BODY_W - 0.6
    _pdf_text(canvas, Box(MARGIN + 0.3, 1.5, inner, 1.0), [content.title], font, 40, colour=ACCENT, bold=True)
    _pdf_text(canvas, Box(MARGIN + 0.3, 2.5, inner, 0.8), [content.subtitle], font, 28)
    _pdf_text(canvas, Box(MARGIN + 0.3, 3.5, inner, 1.4), content.lines, font, 18, colour=MUTED)
    if content.demo_notice:
        box, text = demo_boxes(content.demo_notice)
        _pdf_rect(canvas, box, "#fdecea", DEMO_COLOUR)
        _pdf_text(canvas, text, [content.demo_notice], font, DEMO_PT, colour=DEMO_COLOUR, bold=True)


def _pdf_content_slide(canvas, content: Slide, font: PdfFont) -> None:  # noqa: ANN001
    title = Box(MARGIN, TITLE_TOP, BODY_W, TITLE_H)
    _pdf_text(canvas, title, [content.title], font, title_size(content.title), colour=ACCENT, bold=True)
    _pdf_rect(canvas, Box(MARGIN, TITLE_TOP + TITLE_H + 0.05, BODY_W, 0.03), ACCENT)
    boxes = layout(content)
    if boxes.lines is not None:
        style = _pdf_style(font, LINE_PT)
        flowables = [_pdf_paragraph(line, style, font) for line in content.lines]
        if content.warning:
            flowables.append(_pdf_paragraph(content.warning, _pdf_style(font, LINE_PT, DEMO_COLOUR, True), font))
        _pdf_frame(canvas, boxes.lines, flowables)
    if boxes.table is not None and content.table is not None:
        _pdf_table(canvas, content.table, boxes.table, font)
    if boxes.picture is not None and content.chart is not None and content.chart.png is not None:
        _pdf_picture(canvas, content.chart.png, boxes.picture)
    if boxes.notes is not None:
        _pdf_notes(canvas, boxes.notes, font)


def _pdf_footer(canvas, text: str, number: int, total: int, font: PdfFont) -> None:  # noqa: ANN001
    _pdf_rect(canvas, Box(MARGIN, FOOTER_TOP - 0.06, BODY_W, 0.01), "#c5ccd3")
    colour = DEMO_COLOUR if text.startswith(DEMO_LABEL) else MUTED
    _pdf_text(canvas, Box(MARGIN, FOOTER_TOP, BODY_W - 1.0, SLIDE_H - FOOTER_TOP - 0.1), [text], font, 8, colour=colour)
    page = Box(SLIDE_W - MARGIN - 0.9, FOOTER_TOP, 0.9, 0.3)
    _pdf_text(canvas, page, [f"{number} / {total}"], font, 10, colour=MUTED, align=2)


def pack_pdf(pack: Pack) -> bytes:
    """The pack as a PDF: one landscape 16:9 page per slide, the same content and places as the pptx."""
    from reportlab.pdfgen.canvas import Canvas

    font = pdf_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(_pt(SLIDE_W), _pt(SLIDE_H)), pageCompression=1)
    canvas.setTitle(pack.title)
    canvas.setAuthor("AQB-Dashboard")
    canvas.setSubject(SUBTITLE)
    for number, content in enumerate(pack.slides, start=1):
        if content.kind == "title":
            _pdf_title_slide(canvas, content, font)
        else:
            _pdf_content_slide(canvas, content, font)
        _pdf_footer(canvas, content.footer, number, len(pack.slides), font)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render(pack: Pack, fmt: str) -> bytes:
    """The pack as `pptx` or `pdf`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return pack_pptx(pack) if fmt == "pptx" else pack_pdf(pack)
