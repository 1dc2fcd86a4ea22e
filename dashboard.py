"""AQB-Dashboard: the entry point. Start with `streamlit run dashboard.py` (or ./start.sh)."""

import streamlit as st

from ui.data import get_data
from ui.filters import sidebar_filters

st.set_page_config(page_title="AQB-Dashboard Hessen", page_icon=":material/bar_chart:", layout="wide")

PAGES = [
    st.Page("app_pages/uebersicht.py", title="Übersicht", icon=":material/bar_chart:", default=True),
    st.Page("app_pages/gebietskoerperschaft.py", title="Gebietskörperschaft", icon=":material/account_balance:"),
    st.Page("app_pages/methodik.py", title="Methodik & Quellen", icon=":material/menu_book:", url_path="methodik"),
]

page = st.navigation(PAGES)
data = get_data()
sidebar_filters(data)
st.sidebar.caption(
    "Ausbildungs- und Qualifizierungsbudget (AQB) · Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
)
page.run()
