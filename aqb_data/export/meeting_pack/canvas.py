"""A slide drawn once, on any canvas: the PowerPoint file, the PDF, or a test that records what is drawn.

`Canvas` is the small set of primitives both files can draw (a page, text in a box, a rectangle, a table, a
picture, an area for notes). `draw_slide` decides everything else once: which parts a slide has, where each goes
(from `layout`), in which size, colour and weight. So the PowerPoint and the PDF cannot drift apart: neither
knows what a title slide or a footer is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import pandas as pd

from aqb_data.analysis.provenance import DEMO_LABEL
from aqb_data.export.meeting_pack.content import NOTES_HEADINGS, Pack, Slide
from aqb_data.export.meeting_pack.layout import (
    BODY_W,
    DEMO_PT,
    FOOTER_TOP,
    LINE_PT,
    MARGIN,
    SLIDE_H,
    SLIDE_W,
    TITLE_H,
    TITLE_TOP,
    Box,
    demo_boxes,
    fit_picture,
    layout,
    numeric_columns,
    table_font,
    title_size,
)
from aqb_data.present import charts

ACCENT = charts.ACCENT
TEXT = charts.TEXT_COLOUR
MUTED = "#52606d"
DEMO_COLOUR = "#b00020"
DEMO_FILL = "#fdecea"
BAND = "#eef2f7"
RULE = "#c5ccd3"
WHITE = "#ffffff"

Align = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a text box, in its size (pt), colour, weight and alignment."""

    text: str
    size: float
    colour: str = TEXT
    bold: bool = False
    align: Align = "left"
    heading: bool = False  # the slide's title: PowerPoint's title placeholder, a bookmark in the PDF


@dataclass(frozen=True)
class TableSpec:
    """A table as it is drawn: cells as text (the heading row first), font size (pt), column widths and row
    heights (inches), which columns are right-aligned (numbers), and its colours."""

    rows: list[list[str]]
    size: float
    widths: list[float]
    heights: list[float]
    numeric: list[bool]
    head_fill: str = ACCENT
    head_text: str = WHITE
    body_text: str = TEXT
    body_fill: str = WHITE
    band: str = BAND  # every second body row
    rule: str = RULE  # under each body row, where the medium draws one


class Canvas(Protocol):
    """What a file format must draw for a meeting pack; boxes in inches from the slide's top left."""

    def page(self) -> None:
        """Start a new, empty slide (page)."""

    def text(self, box: Box, paragraphs: Sequence[Paragraph]) -> None:
        """Paragraphs from the top of the box, wrapped at its width; never cut off."""

    def rect(self, box: Box, fill: str, stroke: str | None = None) -> None:
        """A filled rectangle, framed in `stroke` if given."""

    def table(self, box: Box, table: TableSpec) -> None:
        """A table from the top left of the box, in the given sizes and colours."""

    def picture(self, png: bytes, box: Box, alt: str = "") -> None:
        """A PNG filling the box (the box has the picture's aspect); `alt` its alternative text, where the format
        has one."""

    def notes(self, box: Box, headings: Sequence[str], colour: str) -> None:
        """An area to take notes under each heading (typed into in PowerPoint, written on in print)."""


def draw_pack(canvas: Canvas, pack: Pack) -> None:
    """Every slide of the pack, in order, each on its own page with its page number."""
    for number, slide in enumerate(pack.slides, start=1):
        draw_slide(canvas, slide, number, len(pack.slides))


def draw_slide(canvas: Canvas, slide: Slide, number: int, total: int) -> None:
    """The slide on a new page: a title slide (title, subtitle, data date, demo notice) or a content slide
    (title, lines, table, picture or notes area), and the footer with the source line and `number / total`."""
    canvas.page()
    if slide.kind == "title":
        _title_slide(canvas, slide)
    else:
        _content_slide(canvas, slide)
    canvas.rect(Box(MARGIN, FOOTER_TOP - 0.06, BODY_W, 0.01), RULE)
    colour = DEMO_COLOUR if slide.footer.startswith(DEMO_LABEL) else MUTED
    canvas.text(Box(MARGIN, FOOTER_TOP, BODY_W - 1.0, SLIDE_H - FOOTER_TOP - 0.1), [Paragraph(slide.footer, 8, colour)])
    page = Box(SLIDE_W - MARGIN - 0.9, FOOTER_TOP, 0.9, 0.3)
    canvas.text(page, [Paragraph(f"{number} / {total}", 10, MUTED, align="right")])


def _title_slide(canvas: Canvas, slide: Slide) -> None:
    canvas.rect(Box(0, 0, SLIDE_W, 0.25), ACCENT)
    inner = BODY_W - 0.6
    canvas.text(Box(MARGIN + 0.3, 1.5, inner, 1.0), [Paragraph(slide.title, 40, ACCENT, bold=True, heading=True)])
    canvas.text(Box(MARGIN + 0.3, 2.5, inner, 0.8), [Paragraph(slide.subtitle, 28)])
    canvas.text(Box(MARGIN + 0.3, 3.5, inner, 1.4), [Paragraph(line, 18, MUTED) for line in slide.lines])
    if slide.demo_notice:
        frame, inside = demo_boxes(slide.demo_notice)
        canvas.rect(frame, DEMO_FILL, DEMO_COLOUR)
        canvas.text(inside, [Paragraph(slide.demo_notice, DEMO_PT, DEMO_COLOUR, bold=True)])


def _content_slide(canvas: Canvas, slide: Slide) -> None:
    title = Box(MARGIN, TITLE_TOP, BODY_W, TITLE_H)
    canvas.text(title, [Paragraph(slide.title, title_size(slide.title), ACCENT, bold=True, heading=True)])
    canvas.rect(Box(MARGIN, TITLE_TOP + TITLE_H + 0.05, BODY_W, 0.03), ACCENT)
    png = slide.chart.png if slide.chart is not None else None
    boxes = layout(slide.shown_lines, slide.table, png is not None, slide.notes_area)
    if boxes.lines is not None:
        paragraphs = [Paragraph(line, LINE_PT) for line in slide.lines]
        if slide.warning:
            paragraphs.append(Paragraph(slide.warning, LINE_PT, DEMO_COLOUR, bold=True))
        canvas.text(boxes.lines, paragraphs)
    if boxes.table is not None and slide.table is not None:
        canvas.table(boxes.table, table_spec(slide.table, boxes.table))
    if boxes.picture is not None and png is not None:
        canvas.picture(png, fit_picture(boxes.picture), slide.chart.summary if slide.chart is not None else "")
    if boxes.notes is not None:
        canvas.notes(boxes.notes, NOTES_HEADINGS, ACCENT)


def table_spec(frame: pd.DataFrame, box: Box) -> TableSpec:
    """The table at the largest font size at which it fits the box, numbers right-aligned."""
    size, widths, heights = table_font(frame, box)
    rows = [[str(c) for c in frame.columns], *([str(v) for v in row] for row in frame.itertuples(index=False))]
    return TableSpec(rows, size, widths, heights, numeric_columns(frame))
