"""Hostile names for the Markdown attacks: text that Streamlit or Plotly would render if shown unescaped.

The workbooks are built with openpyxl (not the project's writer); sheet names that Excel forbids (`[`, `]`,
`:`, `*`, `/`) are written into the package's XML by hand afterwards.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from tests.factory import make_workbook, rewrite_part

# An image: every viewer's browser would fetch the URL.
PROJECT = "![x](http://127.0.0.1:9/p.png)"
# A link and a red warning inside the app's own boxes.
PROVIDER = "[Bitte neu anmelden](http://127.0.0.1:9/) :red[SITZUNG ABGELAUFEN]"
# KaTeX, an icon, emphasis and HTML.
SOURCE = "$x^2$ :material/warning: **fett** <b>b</b>"
# Plotly's HTML subset (project names reach the Zielerreichung chart's ticks and hover labels).
HTML_PROJECT = '<a href="http://127.0.0.1:9/">Klick</a> <b>fett</b>'
# Line starts, code, strikethrough, shortcodes, a bare URL and an e-mail address.
TARGET_GROUP = "# Kopf - `code` ~~weg~~ :smile: :streamlit: www.example.org a@example.org"
FILE_NAME = "Bericht*2025[final]_(v2).xlsx"
SHEET_NAME = "![s](http://127.0.0.1:9/s.png)"
LINK = "[Bitte neu anmelden](http://127.0.0.1:9/) :red[SITZUNG ABGELAUFEN] $x^2$"

PAYLOADS = (PROJECT, PROVIDER, SOURCE, HTML_PROJECT, TARGET_GROUP, FILE_NAME, SHEET_NAME, LINK)
# Pieces that only these payloads contain: none may appear on a page other than in its escaped form.
MARKERS = (
    "127.0.0.1",
    "SITZUNG",
    "x^2",
    "material/warning",
    "fett",
    "<b>",
    "~~weg",
    ":smile:",
    "example.org",
    "final]",
)

DISTRICT = "06635"  # Waldeck-Frankenberg
AGREEMENTS = ["Jahr", "AGS", "Haushaltsmittel (EUR)", "Quelle"]
PROJECTS = [
    "Jahr",
    "AGS",
    "Maßnahmenart",
    "Projekt",
    "Träger",
    "Zielgruppe",
    "Geplante Mittel (EUR)",
    "Geplante Plätze",
    "Quelle",
]
PROGRESS = ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)", "Eintritte", "Austritte", "Quelle"]


def _renamed_sheet(data: bytes, old: str, new: str) -> bytes:
    """The workbook with sheet `old` renamed to `new` in xl/workbook.xml, bypassing openpyxl's name check."""

    def rename(content: bytes) -> bytes:
        before = f"name={quoteattr(old)}".encode()
        assert before in content, content
        return content.replace(before, f"name={quoteattr(new)}".encode())

    return rewrite_part(data, "xl/workbook.xml", rename)


def hostile_report() -> bytes:
    """A valid report for Waldeck-Frankenberg 2025 whose names are all payloads, plus an unknown sheet with a
    hostile name (a warning, not an error)."""
    book = make_workbook(
        {
            "Zielvereinbarungen": [AGREEMENTS, [2025, DISTRICT, "800.000", SOURCE]],
            "Projekte": [
                PROJECTS,
                [2025, DISTRICT, 1, PROJECT, PROVIDER, TARGET_GROUP, "500.000", 20, SOURCE],
                [2025, DISTRICT, 3, HTML_PROJECT, PROVIDER, TARGET_GROUP, "200.000", 10, SOURCE],
            ],
            "Umsetzungsstand": [
                PROGRESS,
                [2025, DISTRICT, PROJECT, "30.06.2025", "100.000", 8, 2, SOURCE],
                [2025, DISTRICT, HTML_PROJECT, "30.06.2025", "150.000", 6, 1, SOURCE],
            ],
            "Platzhalter": [["Notiz"], [PROVIDER]],
        }
    )
    return _renamed_sheet(book, "Platzhalter", SHEET_NAME)


def broken_report() -> bytes:
    """A report whose problems quote hostile values: an unknown district, an amount that is no number and an
    unknown measure type."""
    return make_workbook(
        {
            "Zielvereinbarungen": [AGREEMENTS, [2025, PROVIDER, "800.000", SOURCE], [2025, DISTRICT, PROJECT, SOURCE]],
            "Projekte": [PROJECTS, [2025, DISTRICT, SOURCE, PROJECT, PROVIDER, "", "1.000", 1, ""]],
        }
    )


def sheetless_report() -> bytes:
    """A workbook whose only sheet has a hostile name: the error lists the sheets it found."""
    return _renamed_sheet(make_workbook({"Platzhalter": [["Notiz"], ["x"]]}), "Platzhalter", SHEET_NAME)
