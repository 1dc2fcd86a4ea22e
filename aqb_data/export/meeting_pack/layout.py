"""Where things go on a slide, and how much room text takes: geometry in inches (origin top left) and text measured
in the PDF's font (wider than PowerPoint's Calibri, so what fits in the PDF fits in PowerPoint too).

Pure: no slide model, no renderer. The content asks it how to split a long table over slides and how large a
chart's picture must be; the canvas asks it where each part of a slide goes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from aqb_data.domain.formatting import NOT_AVAILABLE
from aqb_data.export import images

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
    """The names of a registered font (regular, bold) and the characters it can draw."""

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
    """A rectangle on the slide in inches: left, top, width, height."""

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


_SLACK = 2 * PAD_X + 0.04  # a cell's padding and a little air, in inches


def _column_extent(frame: pd.DataFrame, size_pt: float) -> tuple[list[float], list[float]]:
    """Per column the width (inches) of its longest text unbroken, and the narrowest it may get: its longest
    word, or all of it for numbers and short texts (a status or an amount is never broken)."""
    slack = _SLACK
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
    texts wrap, but no column is narrower than its longest word (while that is possible). One overlong word (a
    pasted link in a note) claims at most a third of the width and is broken across lines, so that the other
    columns keep room for their padding."""
    natural, minimum = _column_extent(frame, size_pt)
    # A column of long text (not a number or a short word, which never break) is never forced wider than a third.
    minimum = [
        m if n - _SLACK <= NO_WRAP_WIDTH else min(m, width_in / 3) for m, n in zip(minimum, natural, strict=True)
    ]
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


@dataclass(frozen=True)
class Layout:
    """Where a content slide's parts go."""

    lines: Box | None
    table: Box | None
    picture: Box | None
    notes: Box | None


def layout(lines: Sequence[str], table: pd.DataFrame | None, picture: bool, notes_area: bool) -> Layout:
    """The boxes of a content slide: the lines on top; below them table and picture side by side when the
    table is narrow enough, else the picture above the table; or the notes area below the lines."""
    top = BODY_TOP
    lines_box = None
    if lines:
        height = text_height(lines, BODY_W)
        lines_box = Box(MARGIN, top, BODY_W, height)
        top += height + GAP
    room = Box(MARGIN, top, BODY_W, max(BODY_BOTTOM - top, 0.5))
    if notes_area:
        return Layout(lines_box, None, None, room)
    if picture and table is not None:
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
    if picture:
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


def table_parts(
    frame: pd.DataFrame, lines: Sequence[str], repeat_lines: bool, max_rows: int | None = None
) -> list[pd.DataFrame]:
    """The table in parts of whole rows, each fitting a slide: the first below `lines`, the later ones below
    them too when every slide repeats the lines (`repeat_lines`), else on the whole body."""
    body = BODY_BOTTOM - BODY_TOP
    first = body - (text_height(lines, BODY_W) + GAP if lines else 0)
    return split_rows(frame, first, first if repeat_lines else body, max_rows=max_rows)


def picture_pixels(box: Box, bars: int) -> tuple[int, int]:
    """A chart's size in CSS pixels (16:9) for a picture placed in `box`: about PIXELS_PER_INCH, so that its text
    comes out at a readable size, but tall enough for `bars` horizontal bars to keep each its label (Plotly
    leaves labels out where they would overlap)."""
    width = max(fit_picture(box).w * PIXELS_PER_INCH, (240 + 21 * bars) * ASPECT, 800)
    width = int(min(width, images.WIDTH))
    return width, round(width / ASPECT)
