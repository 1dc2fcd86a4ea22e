"""Login with the ministry's identity provider (OpenID Connect through `st.login`), and who is using the page.

With an `[auth]` section in `.streamlit/secrets.toml` no page is drawn before login. Streamlit keeps the ID
token's claims in a signed cookie for 30 days and does not look at their expiry: `current_user` ends the
session itself once the token's `exp` has passed. `st.logout` ends the provider's session too (end-session
endpoint with `id_token_hint`). Without `[auth]` the dashboard is a single-seat tool: the person at this
computer, named by their operating-system account, with every role; it then listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import time

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from aqb_data.domain.access import RoleMapping, User, operator
from ui.accessibility_statement import statement_on_login_page
from ui.text import escape_markdown

SINGLE_SEAT = "Einzelplatzbetrieb ohne Anmeldung"
# Set to 1 to serve a network without login on purpose (a warning then shows on every page).
ALLOW_NETWORK_ENV = "AQB_OHNE_ANMELDUNG_IM_NETZ"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def login_configured() -> bool:
    """True if `.streamlit/secrets.toml` has an `[auth]` section (then every page needs a login)."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def _listening_on_network() -> bool:
    address = st.get_option("server.address")
    return bool(address) and address not in _LOOPBACK


def _login_page() -> None:
    st.title("AQB-Dashboard Hessen")
    st.write("Bitte mit dem Konto des Ministeriums anmelden.")
    if st.button("Anmelden", type="primary", icon=":material/login:"):
        st.login()
    statement_on_login_page()
    st.stop()


def _no_role_page(user: User) -> None:
    st.title("AQB-Dashboard Hessen")
    st.error(
        f"Angemeldet als {escape_markdown(user.login)}, aber ohne Rolle im AQB-Dashboard. Bitte bei der Verwaltung "
        "des Dashboards eine der Gruppen für Lesen, Datenpflege, Verwaltung oder Kreis beantragen.",
        icon=":material/block:",
    )
    if st.button("Abmelden", icon=":material/logout:"):
        st.logout()
    st.stop()


def current_user() -> User:
    """The user of this session. Draws the login page and stops the run while nobody is signed in; signs out once
    the ID token has expired; refuses a network without login unless explicitly allowed."""
    if not login_configured():
        if _listening_on_network() and os.environ.get(ALLOW_NETWORK_ENV) != "1":
            st.error(
                f"Das Dashboard ist ohne Anmeldung im Netz erreichbar (server.address = "
                f"{st.get_option('server.address')}). Das ist abgeschaltet: Bitte die Anmeldung einrichten (README, "
                f"„Anmeldung und Rollen“) oder, nur in einem geschützten Netz, {ALLOW_NETWORK_ENV}=1 setzen.",
                icon=":material/gpp_bad:",
            )
            st.stop()
        return operator()
    if not st.user.is_logged_in:
        _login_page()
    claims = st.user.to_dict()
    expires = claims.get("exp")
    if not isinstance(expires, int | float) or expires <= time.time():
        st.logout()  # the token's lifetime is over: a new login, which the provider may answer from its session
        st.stop()
    try:
        user = RoleMapping.load().user(claims)
    except ValueError as error:  # the operators' roles.toml is wrong: nobody gets a role until it is fixed
        notice = f"{escape_markdown(error)} Bitte die Verwaltung des Dashboards benachrichtigen."
        st.error(notice, icon=":material/error:")
        st.stop()
    if not user.roles:
        _no_role_page(user)
    return user


def sidebar_account(user: User) -> None:
    """Who is signed in, with the button to sign out; in single-seat mode the notice saying so (and a warning if
    the dashboard is served to a network without login)."""
    if user.signed_in:
        st.sidebar.caption(f"Angemeldet: {escape_markdown(user.describe())}")
        if st.sidebar.button("Abmelden", icon=":material/logout:"):
            st.logout()
        return
    st.sidebar.caption(f"{SINGLE_SEAT} · {escape_markdown(user.login)}")
    if _listening_on_network():
        st.warning(
            f"{SINGLE_SEAT}, aber im Netz erreichbar: Jeder, der diese Adresse erreicht, kann Daten ändern. Bitte die "
            "Anmeldung einrichten (README, „Anmeldung und Rollen“).",
            icon=":material/warning:",
        )
