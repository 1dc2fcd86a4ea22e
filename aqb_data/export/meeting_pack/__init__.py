"""The autumn meeting pack (Umsetzungsbesprechung, § 6 of the target agreement) as PowerPoint and PDF.

`content` builds what every slide shows from the data; `layout` says where things go; `canvas` draws a slide
once on any `Canvas`; `pptx` and `pdf` are the two canvases. Both files therefore show the same slides, texts,
tables and pictures in the same order and on the same places.
"""

from __future__ import annotations

from aqb_data.export.meeting_pack.canvas import Canvas, draw_pack, draw_slide
from aqb_data.export.meeting_pack.content import (
    DEMO_NOTICE,
    MISSING_CHART,
    NOTES_HEADINGS,
    SUBTITLE,
    Chart,
    Pack,
    Progress,
    Slide,
    _trend_slide,
    district_pack,
    land_pack,
)
from aqb_data.export.meeting_pack.pdf import PdfCanvas
from aqb_data.export.meeting_pack.pptx import PptxCanvas

__all__ = [
    "DEMO_NOTICE",
    "FORMATS",
    "MISSING_CHART",
    "NOTES_HEADINGS",
    "SUBTITLE",
    "Canvas",
    "Chart",
    "Pack",
    "Progress",
    "Slide",
    "_trend_slide",  # tests/test_provenance.py checks the trend slide's source line on its own
    "district_pack",
    "draw_slide",
    "land_pack",
    "pack_pdf",
    "pack_pptx",
    "render",
]

FORMATS = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
}


def pack_pptx(pack: Pack) -> bytes:
    """The pack as a PowerPoint file (16:9), one slide per model slide, tables as real tables."""
    canvas = PptxCanvas(pack.title)
    draw_pack(canvas, pack)
    return canvas.finish()


def pack_pdf(pack: Pack) -> bytes:
    """The pack as a PDF: one landscape 16:9 page per slide, the same content and places as the pptx."""
    canvas = PdfCanvas(pack.title, SUBTITLE)
    draw_pack(canvas, pack)
    return canvas.finish()


def render(pack: Pack, fmt: str) -> bytes:
    """The pack as `pptx` or `pdf`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return pack_pptx(pack) if fmt == "pptx" else pack_pdf(pack)
