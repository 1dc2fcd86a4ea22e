"""Plotly's own texts in German: the chart toolbar's button titles, its messages, month and day names.

The plotly.js that Streamlit ships registers only English; a chart's config can carry a locale of its own
(`locales`), which `config()` gives together with `locale: "de"`.
"""

from __future__ import annotations

# plotly.js's English texts (its modebar buttons and notifier messages, as of plotly.js 3) → German. Texts of
# editing mode ("Click to enter … title") are left out: the charts are never editable.
DICTIONARY: dict[str, str] = {
    "Download plot as a PNG": "Diagramm als PNG herunterladen",
    "Download plot as a png": "Diagramm als PNG herunterladen",  # plotly.js 2
    "Download plot": "Diagramm herunterladen",
    "Download plot as JSON": "Diagramm als JSON herunterladen",
    "Preparing image - this may take a few seconds": "Bild wird erstellt – das kann einige Sekunden dauern",
    "Taking snapshot - this may take a few seconds": "Bild wird erstellt – das kann einige Sekunden dauern",
    "Image download succeeded": "Bild heruntergeladen",
    "Snapshot succeeded": "Bild heruntergeladen",
    "Sorry, there was a problem downloading your image!": "Das Bild konnte leider nicht erstellt werden.",
    "Sorry, there was a problem downloading your snapshot!": "Das Bild konnte leider nicht erstellt werden.",
    "JSON download succeeded": "JSON-Datei heruntergeladen",
    "Sorry, there was a problem downloading your JSON file!": "Die JSON-Datei konnte leider nicht erstellt werden.",
    "Zoom": "Zoomen (Bereich aufziehen)",
    "Pan": "Verschieben",
    "Box Select": "Rechteckauswahl",
    "Lasso Select": "Lassoauswahl",
    "Zoom in": "Vergrößern",
    "Zoom out": "Verkleinern",
    "Autoscale": "Automatisch skalieren",
    "Reset axes": "Achsen zurücksetzen",
    "Reset": "Zurücksetzen",
    "Reset view": "Ansicht zurücksetzen",
    "Reset views": "Ansichten zurücksetzen",
    "Show closest data on hover": "Nächsten Wert beim Überfahren zeigen",
    "Compare data on hover": "Werte beim Überfahren vergleichen",
    "Toggle show closest data on hover": "Werte beim Überfahren ein/aus",
    "Toggle Spike Lines": "Hilfslinien ein/aus",
    "Orbital rotation": "Frei drehen",
    "Turntable rotation": "Wie ein Drehteller drehen",
    "Reset camera to default": "Blickwinkel zurücksetzen",
    "Reset camera to last save": "Blickwinkel auf den zuletzt gespeicherten zurücksetzen",
    "Draw line": "Linie zeichnen",
    "Draw rectangle": "Rechteck zeichnen",
    "Draw circle": "Kreis zeichnen",
    "Draw open freeform": "Offene Freiform zeichnen",
    "Draw closed freeform": "Geschlossene Freiform zeichnen",
    "Erase active shape": "Ausgewählte Form löschen",
    "Double-click to zoom back out": "Doppelklick zeigt wieder alles",
    "Double-click on legend to isolate one trace": "Doppelklick auf einen Legendeneintrag zeigt nur diesen",
    "Share": "Teilen",
    "Share chart": "Diagramm teilen",
    "Share chart...": "Diagramm teilen …",
    "Cancel": "Abbrechen",
}

# d3's time formats in German (for date axes and hovers without a format of their own); the decimal and thousands
# separators match the charts' own `separators`.
FORMAT: dict[str, object] = {
    "days": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
    "shortDays": ["So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"],
    "months": [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    "shortMonths": ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"],
    "date": "%d.%m.%Y",
    "decimal": ",",
    "thousands": ".",
    "year": "%Y",
    "month": "%b %Y",
    "dayMonth": "%e. %b",
    "dayMonthYear": "%e. %b %Y",
}


def config() -> dict[str, object]:
    """The part of a chart's Plotly config that makes its toolbar and dates German."""
    return {"locale": "de", "locales": {"de": {"dictionary": DICTIONARY, "format": FORMAT}}}
