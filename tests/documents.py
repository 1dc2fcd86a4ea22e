"""Agreement documents for tests: PDFs rendered at test time from text, with real line wrapping."""

import io
import re
from xml.sax.saxutils import escape


def pdf_from_text(text: str) -> bytes:
    """A born-digital A4 PDF of the text (Markdown marks dropped), wrapped as a word processor would wrap it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = []
    for line in text.splitlines():
        plain = re.sub(r"^\s*#{1,6}\s*", "", line).replace("**", "").strip()
        if not plain:
            story.append(Spacer(1, 6))
            continue
        bullet = re.match(r"^[-*]\s+(.*)$", plain)
        style = styles["Heading2"] if line.lstrip().startswith("#") else styles["BodyText"]
        if bullet:
            story.append(Paragraph(escape(bullet.group(1)), styles["BodyText"], bulletText="•"))
        else:
            story.append(Paragraph(escape(plain), style))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Zielvereinbarung").build(story)
    return buffer.getvalue()
