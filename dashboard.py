"""AQB-Dashboard: the entry point. Start with `streamlit run dashboard.py` (or ./start.sh)."""

import streamlit as st

from ui.data import get_data
from ui.filters import sidebar_filters
from ui.widgets import toolbar_format_setting

st.set_page_config(page_title="AQB-Dashboard Hessen", page_icon=":material/bar_chart:", layout="wide")

PAGES = {
    "Auswertung": [
        st.Page("app_pages/uebersicht.py", title="Übersicht", icon=":material/bar_chart:", default=True),
        st.Page("app_pages/gebietskoerperschaft.py", title="Gebietskörperschaft", icon=":material/account_balance:"),
        st.Page("app_pages/zielerreichung.py", title="Zielerreichung", icon=":material/flag:"),
        st.Page("app_pages/vergleich.py", title="Vergleich", icon=":material/map:"),
        st.Page("app_pages/zeitreihe.py", title="Zeitreihe", icon=":material/timeline:"),
        st.Page("app_pages/export.py", title="Export", icon=":material/slideshow:"),
    ],
    "Daten": [
        st.Page("app_pages/hochladen.py", title="Daten hochladen", icon=":material/upload_file:"),
        st.Page("app_pages/zielvereinbarung.py", title="Zielvereinbarung einlesen", icon=":material/contract:"),
        st.Page("app_pages/verlauf.py", title="Verlauf", icon=":material/history:"),
    ],
    "Hilfe": [
        st.Page("app_pages/methodik.py", title="Methodik & Quellen", icon=":material/menu_book:", url_path="methodik"),
    ],
}

page = st.navigation(PAGES)
data = get_data()
sidebar_filters(data)
if data.synthetic_rows():
    st.sidebar.info(
        "Die Daten enthalten **synthetische Demodaten**. Sie lassen sich unter *Verlauf* entfernen.",
        icon=":material/science:",
    )
toolbar_format_setting()
st.sidebar.caption(
    "Ausbildungs- und Qualifizierungsbudget (AQB) · Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
)
page.run()
