"""AQB-Dashboard: the entry point. Start with `streamlit run dashboard.py` (or ./start.sh)."""

import streamlit as st

from ui.data import get_data
from ui.filters import sidebar_filters

st.set_page_config(page_title="AQB-Dashboard Hessen", page_icon="📊", layout="wide")

PAGES = [
    st.Page("app_pages/uebersicht.py", title="Übersicht", icon="🗺️", url_path="uebersicht", default=True),
    st.Page("app_pages/gebietskoerperschaft.py", title="Gebietskörperschaft", icon="🏛️", url_path="gebietskoerperschaft"),
    st.Page("app_pages/methodik.py", title="Methodik & Quellen", icon="📖", url_path="methodik"),
]

page = st.navigation(PAGES)
data = get_data()
sidebar_filters(data)
st.sidebar.caption(
    "Ausbildungs- und Qualifizierungsbudget (AQB) · Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
)
page.run()
