"""Methodik & Quellen: what each indicator means, where each dataset comes from, licences, data date."""

import streamlit as st

from aqb_data.analysis.achievement import thresholds_text
from aqb_data.analysis.comparison import groups_method_text
from aqb_data.analysis.portfolio import AGGREGATION_TEXT, underused_rule_text
from aqb_data.analysis.provenance import known_figures_check, method_text
from aqb_data.analysis.significance import minimums_text
from aqb_data.domain.districts import load_districts
from aqb_data.domain.formatting import NOT_AVAILABLE, format_date, format_eur, format_number
from ui.data import get_data
from ui.projection import methods_section
from ui.projects import target_group_method
from ui.text import escape_markdown
from ui.widgets import table

data = get_data()

st.title("Methodik & Quellen")

st.header("Kennzahlen")
st.markdown(method_text("indikatoren"))

st.subheader("Status (Ampel)")
st.markdown(thresholds_text())

methods_section(data)

st.header("Faire Vergleiche")
st.markdown(groups_method_text())
districts = load_districts().sort_values(["group", "density"])
table(
    districts,
    {
        "label": ("Gebietskörperschaft", None),
        "group": ("Vergleichsgruppe", None),
        "density": ("Einwohner je km²", format_number),
        "population": ("Einwohner (31.12.2021)", format_number),
        "area_km2": ("Fläche in km² (31.12.2018)", format_number),
        "regierungsbezirk": ("Regierungsbezirk", None),
    },
    "Vergleichsgruppen der Gebietskörperschaften",
    data=data,
    view=None,
)
st.caption(
    "Quelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis, „Kreisfreie Städte und Landkreise nach Fläche, "
    "Bevölkerung und Bevölkerungsdichte“ (Bevölkerung: Stand 31.12.2021; Fläche: Stand 31.12.2018), "
    "dl-de/by-2-0. Die Einwohnerdichte berechnet das Dashboard."
)
st.subheader("Eingeschränkte Aussagekraft")
st.markdown(minimums_text())
st.subheader("Alle Projekte, Träger und Zielgruppen")
st.markdown(f"{underused_rule_text()}\n\n{AGGREGATION_TEXT}")
target_group_method()

st.header("Herbstbesprechung")
st.markdown(method_text("herbstbesprechung"))

st.header("Datenstand")
as_of = data.data_date()
st.markdown(
    f"- Gelesene Datei(en): {', '.join(escape_markdown(name) for name in data.files) or NOT_AVAILABLE}\n"
    f"- Jahre: {', '.join(str(y) for y in data.years)}\n"
    f"- Letzter Stichtag eines Umsetzungsberichts: {format_date(as_of)}\n"
    f"- Zeilen: {len(data.agreements)} Zielvereinbarungen, {len(data.projects)} Projekte, "
    f"{len(data.progress)} Umsetzungsstände"
)

st.header("Quellen und Lizenzen")
st.markdown(method_text("quellen"))

st.subheader("Veröffentlichte Zahlen im Vergleich mit dem Datensatz")
st.caption(
    "Diese Zahlen sind veröffentlicht und im Datensatz als echte Werte übernommen, soweit ihr Jahr im Datensatz "
    "liegt. „–“: Das Jahr fehlt im Datensatz oder die Zahl ist nicht vergleichbar."
)
check = known_figures_check(data)
table(
    check,
    {
        "unit": ("Gebiet", None),
        "year": ("Jahr", str),
        "figure": ("Kennzahl", None),
        "published_eur": ("Veröffentlicht", format_eur),
        "dataset_eur": ("Im Datensatz", format_eur),
        "source": ("Quelle", None),
    },
    "Veröffentlichte Zahlen und Datensatz",
    data=data,
    view=None,
)
