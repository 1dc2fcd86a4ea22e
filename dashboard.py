"""AQB-Dashboard: the entry point. Start with `streamlit run dashboard.py` (or ./start.sh)."""

import streamlit as st

from aqb_data.domain.access import Action
from aqb_data.paths import PAGE_ICON
from ui.accessibility_statement import german_document, statement_link
from ui.auth import current_user, sidebar_account
from ui.data import get_data
from ui.filters import sidebar_filters
from ui.widgets import toolbar_format_setting

st.set_page_config(page_title="AQB-Dashboard Hessen", page_icon=str(PAGE_ICON), layout="wide")
german_document()  # <html lang="de"> on every page, the login page included

user = current_user()  # without login configured: the single-seat operator; else the login page until signed in
ANALYSIS = [
    st.Page("app_pages/uebersicht.py", title="Übersicht", icon=":material/bar_chart:", default=True),
    st.Page("app_pages/gebietskoerperschaft.py", title="Gebietskörperschaft", icon=":material/account_balance:"),
    st.Page("app_pages/zielerreichung.py", title="Zielerreichung", icon=":material/flag:"),
    st.Page("app_pages/projekte.py", title="Alle Projekte", icon=":material/table_rows:"),
    st.Page("app_pages/berichtseingang.py", title="Berichtseingang", icon=":material/inbox:"),
    st.Page("app_pages/vergleich.py", title="Vergleich", icon=":material/map:"),
    st.Page("app_pages/zeitreihe.py", title="Zeitreihe", icon=":material/timeline:"),
    st.Page("app_pages/export.py", title="Export", icon=":material/slideshow:"),
]
if user.scope:  # a district user sees only their own district: there is nothing to compare it with
    ANALYSIS = [p for p in ANALYSIS if p.title != "Vergleich"]
DATA = [
    (Action.UPLOAD, st.Page("app_pages/hochladen.py", title="Daten hochladen", icon=":material/upload_file:")),
    (
        Action.AGREEMENT,
        st.Page("app_pages/zielvereinbarung.py", title="Zielvereinbarung einlesen", icon=":material/contract:"),
    ),
    (Action.UNDO, st.Page("app_pages/verlauf.py", title="Verlauf", icon=":material/history:")),
]
PAGES = {
    "Auswertung": ANALYSIS,
    # A page a role may not use is not in the navigation, so its address opens the Übersicht instead.
    "Daten": [page for action, page in DATA if user.may(action)],
    "Hilfe": [
        st.Page("app_pages/methodik.py", title="Methodik & Quellen", icon=":material/menu_book:", url_path="methodik"),
        st.Page(
            "app_pages/barrierefreiheit.py",
            title="Erklärung zur Barrierefreiheit",
            icon=":material/accessibility_new:",
            url_path="barrierefreiheit",
        ),
    ],
}

# Every page listed: collapsed, Streamlit would hide some behind an English "View 3 more".
page = st.navigation({section: pages for section, pages in PAGES.items() if pages}, expanded=True)
data = get_data()
sidebar_account(user)
sidebar_filters(data, scope=user.scope)
if data.synthetic_rows():
    where = " Sie lassen sich unter *Verlauf* entfernen." if user.may(Action.REMOVE_DEMO) else ""
    st.sidebar.info(f"Die Daten enthalten **synthetische Demodaten**.{where}", icon=":material/science:")
toolbar_format_setting()
st.sidebar.caption(
    "Ausbildungs- und Qualifizierungsbudget (AQB) · Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales"
)
statement_link()
page.run()
