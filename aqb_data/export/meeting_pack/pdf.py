"""The meeting pack's canvas for PDF (reportlab): one landscape 16:9 page per slide, in the measuring font."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, KeepInFrame, Table, TableStyle
from reportlab.platypus import Paragraph as PdfParagraph

from aqb_data.export.meeting_pack.canvas import TEXT, Paragraph, TableSpec
from aqb_data.export.meeting_pack.layout import PAD_X, PAD_Y, SLIDE_H, SLIDE_W, Box, PdfFont, clean_text, glue, pdf_font

_ALIGN = {"left": 0, "center": 1, "right": 2}
_NOTE_LINE = "#9aa5b1"


def _pt(inches: float) -> float:
    return inches * 72


def _bottom(box: Box) -> float:
    """The bottom of a box in PDF coordinates (origin bottom left)."""
    return _pt(SLIDE_H - box.y - box.h)


class PdfCanvas:
    """Draws on the pages of a new PDF; `finish` returns the file."""

    def __init__(self, title: str, subject: str) -> None:
        self._font: PdfFont = pdf_font()
        self._buffer = io.BytesIO()
        # German for screen readers; reportlab writes no structure tree (no tagged PDF), so the slides' titles are
        # the outline (bookmarks) and the viewer shows the document's title, not its file name.
        self._canvas = Canvas(self._buffer, pagesize=(_pt(SLIDE_W), _pt(SLIDE_H)), pageCompression=1, lang="de-DE")
        self._canvas.setViewerPreference("DisplayDocTitle", "true")
        self._canvas.setTitle(title)
        self._canvas.setAuthor("AQB-Dashboard")
        self._canvas.setSubject(subject)
        self._pages = 0

    def page(self) -> None:
        """A new page (the one before is finished)."""
        if self._pages:
            self._canvas.showPage()
        self._pages += 1

    def text(self, box: Box, paragraphs: Sequence[Paragraph]) -> None:
        """The paragraphs in the box, shrunk if they would not fit (nothing is ever cut off); the slide's title also
        as the page's entry in the outline."""
        if paragraphs and paragraphs[0].heading:
            key = f"folie{self._pages}"
            self._canvas.bookmarkPage(key)
            self._canvas.addOutlineEntry(clean_text(paragraphs[0].text, self._font), key, level=0)
        self._frame(box, [self._paragraph(p.text, self._style(p.size, p.colour, p.bold, p.align)) for p in paragraphs])

    def rect(self, box: Box, fill: str, stroke: str | None = None) -> None:
        """A filled rectangle, framed 1.5 pt wide if `stroke` is given."""
        self._canvas.setFillColor(colors.HexColor(fill))
        if stroke:
            self._canvas.setStrokeColor(colors.HexColor(stroke))
            self._canvas.setLineWidth(1.5)
        self._canvas.rect(_pt(box.x), _bottom(box), _pt(box.w), _pt(box.h), stroke=1 if stroke else 0, fill=1)

    def table(self, box: Box, table: TableSpec) -> None:
        """A table with the given column widths (rows as high as their text), a rule under each body row."""
        head = [self._style(table.size, table.head_text, True, "right" if n else "left", 0) for n in table.numeric]
        body = [self._style(table.size, table.body_text, False, "right" if n else "left", 0) for n in table.numeric]
        cells = [
            [self._paragraph(value, (head if r == 0 else body)[c]) for c, value in enumerate(values)]
            for r, values in enumerate(table.rows)
        ]
        grid = Table(cells, colWidths=[_pt(w) for w in table.widths], repeatRows=1, hAlign="LEFT")
        grid.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(table.head_fill)),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.HexColor(table.body_fill), colors.HexColor(table.band)],
                    ),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor(table.rule)),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (-1, -1), _pt(PAD_X)),
                    ("RIGHTPADDING", (0, 0), (-1, -1), _pt(PAD_X)),
                    ("TOPPADDING", (0, 0), (-1, -1), _pt(PAD_Y) + 1),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), _pt(PAD_Y) + 2),
                ]
            )
        )
        self._frame(box, [grid])

    def picture(self, png: bytes, box: Box, alt: str = "") -> None:  # noqa: ARG002 - see below
        """The PNG, scaled to the box. reportlab writes no structure tree, so an image cannot carry `alt` in the
        PDF; the chart's sentence is its alternative text in the PowerPoint file and stands under it on the page."""
        self._canvas.drawImage(ImageReader(io.BytesIO(png)), _pt(box.x), _bottom(box), _pt(box.w), _pt(box.h))

    def notes(self, box: Box, headings: Sequence[str], colour: str) -> None:
        """The headings, each over ruled lines to write on."""
        section = box.h / len(headings)
        for index, heading in enumerate(headings):
            top = box.y + index * section
            self._canvas.setFillColor(colors.HexColor(colour))
            self._canvas.setFont(self._font.bold, 16)
            self._canvas.drawString(_pt(box.x), _pt(SLIDE_H - top - 0.3), heading)
            self._canvas.setStrokeColor(colors.HexColor(_NOTE_LINE))
            self._canvas.setLineWidth(0.5)
            line_y = top + 0.7
            while line_y < top + section - 0.05:
                self._canvas.line(_pt(box.x), _pt(SLIDE_H - line_y), _pt(box.x + box.w), _pt(SLIDE_H - line_y))
                line_y += 0.38

    def finish(self) -> bytes:
        """The PDF file, with its title, author and subject."""
        if self._pages:
            self._canvas.showPage()
        self._canvas.save()
        return self._buffer.getvalue()

    def _style(
        self, size: float, colour: str = TEXT, bold: bool = False, align: str = "left", space_after: float | None = None
    ) -> ParagraphStyle:
        return ParagraphStyle(
            "aqb",
            fontName=self._font.bold if bold else self._font.regular,
            fontSize=size,
            leading=size * 1.2,
            textColor=colors.HexColor(colour),
            alignment=_ALIGN[align],
            spaceAfter=size * 0.25 if space_after is None else space_after,
        )

    def _paragraph(self, text: str, style: ParagraphStyle) -> PdfParagraph:
        return PdfParagraph(escape(glue(clean_text(text, self._font))).replace("\n", "<br/>"), style)

    def _frame(self, box: Box, flowables: list[Flowable]) -> None:
        frame = Frame(_pt(box.x), _bottom(box), _pt(box.w), _pt(box.h), 0, 0, 0, 0, showBoundary=0)
        frame.addFromList([KeepInFrame(_pt(box.w), _pt(box.h), flowables, mode="shrink", vAlign="TOP")], self._canvas)
