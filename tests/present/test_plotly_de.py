"""Plotly's German locale: every chart's config carries it, and it covers every text of the toolbar that the
plotly.js bundled with Streamlit can show."""

import re
from pathlib import Path

import streamlit

from aqb_data.present import charts
from aqb_data.present.plotly_de import DICTIONARY

BUNDLE = Path(streamlit.__file__).parent / "static" / "static" / "js"
# Texts of editing mode and of sharing to Plotly's cloud: never shown (charts are not editable, sharing is off).
NEVER_SHOWN = re.compile(r"^Click to enter|serverUrl|Plotly Cloud")


def test_every_charts_config_asks_plotly_for_german() -> None:
    config = charts.image_config("aqb_verteilung_Hessen_2025", "svg")
    assert config["locale"] == "de"
    german = config["locales"]["de"]
    assert german["dictionary"]["Download plot as a PNG"] == "Diagramm als PNG herunterladen"
    assert german["dictionary"]["Autoscale"] == "Automatisch skalieren"
    assert german["format"]["shortMonths"][2] == "Mär" and german["format"]["decimal"] == ","
    assert config["toImageButtonOptions"]["format"] == "svg" and config["displaylogo"] is False


def test_the_dictionary_covers_every_text_plotly_translates() -> None:
    (bundle,) = BUNDLE.glob("PlotlyChart.*.js")
    # plotly.js passes each text it shows through its translation function: `_(gd, "Text")`, minified.
    texts = set(re.findall(r"\b\w{1,2}(?:\._)?\(\w{1,2},`([A-Z][^`$]{2,80})`\)", bundle.read_text(encoding="utf-8")))
    assert {"Download plot as a PNG", "Zoom", "Pan", "Reset axes"} <= texts  # the search finds them at all
    missing = sorted(text for text in texts if not NEVER_SHOWN.search(text) and text not in DICTIONARY)
    assert missing == []
