"""The Erklärung zur Barrierefreiheit (HVBIT: a statement reachable from every page, with a feedback contact and the
enforcement body), the link to it, and German as the document language for assistive technology.

The statement's text, and with it the one list of what is and is not accessible, is aqb_data/texts/barrierefreiheit.md;
the operator sets the feedback contact in the environment (AQB_BARRIEREFREIHEIT_KONTAKT_STELLE, _EMAIL, _TELEFON).

Why the language is set by a script in the page: Streamlit 1.67 serves its own index.html with `<html lang="en">`
and has no setting for it (no option in streamlit/config.py; the static handler serves the file as it is). The
alternatives were worse: patching that file inside the installed package when start.sh runs is lost with every
`streamlit run` that bypasses start.sh (Windows, the browser tests, a service unit) and fails on a read-only or
shared installation; wrapping the app in `st.App` with a middleware that rewrites the page adds a second entry point
for every way the app is started. A two-line script through `st.html(..., unsafe_allow_javascript=True)` runs in
the page itself (not in an iframe), uses public API only, needs nothing from outside, and covers every page
including the login page; a style rule hides its empty element so that it takes no space. Until it has run (a
moment after the page loads) the document says "en"; the statement says so.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from string import Template

import streamlit as st

from aqb_data.analysis.provenance import method_text
from aqb_data.paths import PYPROJECT
from ui.text import escape_markdown

PAGE = "app_pages/barrierefreiheit.py"
TITLE = "Erklärung zur Barrierefreiheit"
ENV_OFFICE = "AQB_BARRIEREFREIHEIT_KONTAKT_STELLE"
ENV_EMAIL = "AQB_BARRIEREFREIHEIT_KONTAKT_EMAIL"
ENV_PHONE = "AQB_BARRIEREFREIHEIT_KONTAKT_TELEFON"
CONTACT_VARIABLES = (ENV_OFFICE, ENV_EMAIL, ENV_PHONE)

# Only a plain address becomes a link (Streamlit links bare e-mail addresses itself); anything else is shown as text.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Notes for the editors of the text (sources, how to update it) are not shown.
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# The element of the language script takes no room in the page (it draws nothing).
_LANGUAGE_SCRIPT = (
    "<style>.stElementContainer:has(script[data-aqb-lang]){display:none}</style>"
    '<script data-aqb-lang>document.documentElement.lang = "de";</script>'
)


@dataclass(frozen=True)
class FeedbackContact:
    """Where users report barriers: the office, its e-mail address and telephone number (None: not set)."""

    office: str | None
    email: str | None
    phone: str | None

    def missing(self) -> list[str]:
        """The environment variables still to be set by the operator."""
        values = (self.office, self.email, self.phone)
        return [name for name, value in zip(CONTACT_VARIABLES, values, strict=True) if value is None]


def feedback_contact(environ: Mapping[str, str] | None = None) -> FeedbackContact:
    """The feedback contact as the operator set it in the environment (blank counts as not set)."""
    env = os.environ if environ is None else environ

    def value(name: str) -> str | None:
        return env.get(name, "").strip() or None

    return FeedbackContact(value(ENV_OFFICE), value(ENV_EMAIL), value(ENV_PHONE))


def placeholder(variable: str) -> str:
    """What the statement says in place of a contact detail the operator has not set."""
    return f"**nicht eingerichtet** – vom Betrieb des Dashboards in der Umgebungsvariablen `{variable}` festzulegen"


def _email(address: str) -> str:
    if _EMAIL.fullmatch(address):
        return address.replace("_", "\\_")  # the only Markdown character the pattern admits
    return escape_markdown(address)


def app_version() -> str:
    """The dashboard's version (pyproject.toml)."""
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]


def statement_markdown(contact: FeedbackContact, version: str) -> str:
    """The statement as Markdown, with the version and the feedback contact (or its placeholders) filled in."""
    text = _COMMENT.sub("", method_text("barrierefreiheit")).strip()
    return Template(text).substitute(
        version=escape_markdown(version),
        stelle=escape_markdown(contact.office) if contact.office else placeholder(ENV_OFFICE),
        email=_email(contact.email) if contact.email else placeholder(ENV_EMAIL),
        telefon=escape_markdown(contact.phone) if contact.phone else placeholder(ENV_PHONE),
    )


def statement_page() -> None:
    """The page: title, a notice while the feedback contact is incomplete, and the statement."""
    st.title(TITLE)
    contact = feedback_contact()
    if missing := contact.missing():
        names = ", ".join(f"`{name}`" for name in missing)
        st.warning(
            "Die Kontaktangaben für Rückmeldungen zur Barrierefreiheit sind noch nicht vollständig eingerichtet. "
            f"Der Betrieb des Dashboards legt sie in den Umgebungsvariablen {names} fest.",
            icon=":material/contact_support:",
        )
    st.markdown(statement_markdown(contact, app_version()))


def statement_on_login_page() -> None:
    """Before signing in there is no navigation: the statement is opened in place (HVBIT: reachable everywhere)."""
    with st.expander(TITLE, icon=":material/accessibility_new:"):
        st.markdown(statement_markdown(feedback_contact(), app_version()))


def statement_link() -> None:
    """The link to the statement at the bottom of the sidebar (on every page)."""
    st.sidebar.page_link(PAGE, label=TITLE, icon=":material/accessibility_new:")


def german_document() -> None:
    """Sets the page's document language to German (`<html lang="de">`) for screen readers and hyphenation."""
    st.html(_LANGUAGE_SCRIPT, unsafe_allow_javascript=True)
