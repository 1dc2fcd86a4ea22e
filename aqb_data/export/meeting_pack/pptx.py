"""The meeting pack's canvas for PowerPoint (python-pptx): 16:9 slides, text boxes, real tables, pictures."""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from aqb_data.export.meeting_pack.canvas import RULE, Paragraph, TableSpec
from aqb_data.export.meeting_pack.layout import PAD_X, PAD_Y, Box

_ALIGN = {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}
TITLE_ONLY = 5  # the default template's layout with just a title placeholder


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


class PptxCanvas:
    """Draws on the slides of a new PowerPoint file; `finish` returns the file."""

    def __init__(self, title: str) -> None:
        self._presentation = Presentation()
        self._presentation.slide_width, self._presentation.slide_height = Emu(12_192_000), Emu(6_858_000)
        self._title = title
        self._slide = None

    def page(self) -> None:
        """A new slide with a title placeholder ("Title Only"): screen readers and PowerPoint's outline read the
        slide's title from it, first."""
        self._slide = self._presentation.slides.add_slide(self._presentation.slide_layouts[TITLE_ONLY])

    def text(self, box: Box, paragraphs: Sequence[Paragraph]) -> None:
        """A text box without margins or autofit, one paragraph per item; the slide's title in its placeholder."""
        self._text_box(box, paragraphs)

    def _text_box(self, box: Box, paragraphs: Sequence[Paragraph]):  # noqa: ANN202 - pptx's Shape
        title = self._slide.shapes.title if self._slide is not None else None
        if paragraphs and paragraphs[0].heading and title is not None:
            shape = title
            shape.left, shape.top, shape.width, shape.height = (Inches(v) for v in (box.x, box.y, box.w, box.h))
        else:
            shape = self._shapes.add_textbox(Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
        frame = shape.text_frame
        frame.word_wrap = True
        frame.auto_size = MSO_AUTO_SIZE.NONE
        frame.vertical_anchor = MSO_ANCHOR.TOP
        for margin in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(frame, margin, 0)
        for index, item in enumerate(paragraphs):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = _ALIGN[item.align]
            paragraph.space_after = Pt(3)
            run = paragraph.add_run()
            run.text = item.text
            run.font.size = Pt(item.size)
            run.font.bold = item.bold
            run.font.color.rgb = _rgb(item.colour)
            if item.heading:
                run.font.name = "+mn-lt"  # the body font, as in every other text box (the placeholder's is lighter)
        return shape

    def rect(self, box: Box, fill: str, stroke: str | None = None) -> None:
        """A rectangle without shadow, framed 1.5 pt wide if `stroke` is given."""
        shape = self._shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(fill)
        if stroke:
            shape.line.color.rgb = _rgb(stroke)
            shape.line.width = Pt(1.5)
        else:
            shape.line.fill.background()
        shape.shadow.inherit = False

    def table(self, box: Box, table: TableSpec) -> None:
        """A PowerPoint table with the given column widths and row heights, cells vertically centred."""
        shape = self._shapes.add_table(
            len(table.rows), len(table.widths), Inches(box.x), Inches(box.y), Inches(box.w), Inches(sum(table.heights))
        )
        grid = shape.table
        for index, width in enumerate(table.widths):
            grid.columns[index].width = Inches(width)
        for index, height in enumerate(table.heights):
            grid.rows[index].height = Inches(height)
        for r, values in enumerate(table.rows):
            for c, value in enumerate(values):
                cell = grid.cell(r, c)
                cell.margin_left = cell.margin_right = Inches(PAD_X)
                cell.margin_top = cell.margin_bottom = Inches(PAD_Y)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                cell.fill.solid()
                fill = table.head_fill if r == 0 else table.band if r % 2 == 0 else table.body_fill
                cell.fill.fore_color.rgb = _rgb(fill)
                cell.text_frame.word_wrap = True
                paragraph = cell.text_frame.paragraphs[0]
                paragraph.alignment = PP_ALIGN.RIGHT if table.numeric[c] else PP_ALIGN.LEFT
                run = paragraph.add_run()
                run.text = value
                run.font.size = Pt(table.size)
                run.font.bold = r == 0
                run.font.color.rgb = _rgb(table.head_text if r == 0 else table.body_text)

    def picture(self, png: bytes, box: Box, alt: str = "") -> None:
        """The PNG, scaled to the box, with `alt` as its alternative text (PowerPoint's „Alternativtext“, read by
        screen readers)."""
        shape = self._shapes.add_picture(io.BytesIO(png), Inches(box.x), Inches(box.y), Inches(box.w), Inches(box.h))
        if alt:
            shape._element.nvPicPr.cNvPr.set("descr", alt)  # python-pptx has no property for it

    def notes(self, box: Box, headings: Sequence[str], colour: str) -> None:
        """One framed text box with the headings and empty paragraphs under each, ready to type into."""
        paragraphs: list[Paragraph] = []
        for heading in headings:
            paragraphs.append(Paragraph(heading, 18, colour, bold=True))
            paragraphs += [Paragraph("", 16)] * 4
        shape = self._text_box(box, paragraphs)
        shape.line.color.rgb = _rgb(RULE)
        for margin in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
            setattr(shape.text_frame, margin, Inches(0.15))

    def finish(self) -> bytes:
        """The PowerPoint file, with its title, author and language."""
        properties = self._presentation.core_properties
        properties.title = self._title
        properties.author = "AQB-Dashboard"
        properties.language = "de-DE"
        buffer = io.BytesIO()
        self._presentation.save(buffer)
        return buffer.getvalue()

    @property
    def _shapes(self):  # noqa: ANN202 - pptx's SlideShapes
        if self._slide is None:
            raise RuntimeError("page() must start a slide before anything is drawn on it")
        return self._slide.shapes
