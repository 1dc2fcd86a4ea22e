"""The Erklärung zur Barrierefreiheit: reachable from every page, names the operator's feedback contact (or says
plainly that it is not set up), the state of compliance and the enforcement body; the page language is German."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.test_pages import ROOT, open_app
from ui.accessibility_statement import (
    CONTACT_VARIABLES,
    ENV_EMAIL,
    ENV_OFFICE,
    ENV_PHONE,
    PAGE,
    TITLE,
    app_version,
    feedback_contact,
    statement_markdown,
)
from ui.text import escape_markdown

CONTACT = {
    ENV_OFFICE: "Referat Barrierefreiheit, Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales",
    ENV_EMAIL: "barriere_frei@aqb.example",
    ENV_PHONE: "0611 12345-678",
}


def statement(monkeypatch: pytest.MonkeyPatch, **environment: str) -> tuple[str, list[str]]:
    """The statement page as the dashboard draws it with these contact variables: its text and its warnings."""
    for name in CONTACT_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    at = open_app(PAGE)
    assert [t.value for t in at.title] == [TITLE]
    return "\n".join(m.value for m in at.main.markdown), [w.value for w in at.main.warning]


def test_the_statement_names_the_contact_the_operator_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    text, warnings = statement(monkeypatch, **CONTACT)
    assert f"- Stelle: {CONTACT[ENV_OFFICE]}\n" in text
    # A plain address stays an address (Streamlit links it); its underscore cannot start emphasis.
    assert "- E-Mail: barriere\\_frei@aqb.example\n" in text
    assert f"- Telefon: {escape_markdown(CONTACT[ENV_PHONE])}\n" in text
    assert "nicht eingerichtet" not in text
    assert warnings == []


def test_without_configuration_the_statement_says_the_operator_must_set_the_contact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text, warnings = statement(monkeypatch, **{ENV_EMAIL: "barrierefreiheit@aqb.example", ENV_PHONE: "  "})
    assert "- E-Mail: barrierefreiheit@aqb.example\n" in text
    for name in (ENV_OFFICE, ENV_PHONE):  # unset, and blank
        assert (
            f"**nicht eingerichtet** – vom Betrieb des Dashboards in der Umgebungsvariablen `{name}` festzulegen"
            in text
        )
    assert warnings == [
        "Die Kontaktangaben für Rückmeldungen zur Barrierefreiheit sind noch nicht vollständig eingerichtet. "
        f"Der Betrieb des Dashboards legt sie in den Umgebungsvariablen `{ENV_OFFICE}`, `{ENV_PHONE}` fest."
    ]
    assert "@" not in text.split("## Feedback und Kontaktangaben")[1].split("## Durchsetzungsverfahren")[0].replace(
        "barrierefreiheit@aqb.example", ""
    ), "no made-up address stands in for a missing one"


def test_the_statement_follows_the_hessian_structure_and_names_the_enforcement_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text, _ = statement(monkeypatch)
    headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
    assert headings == [
        "Geltungsbereich",
        "Stand der Vereinbarkeit mit den Anforderungen",
        "Nicht barrierefreie Inhalte",
        "Erstellung dieser Erklärung",
        "Feedback und Kontaktangaben",
        "Durchsetzungsverfahren",
    ]
    assert f"**AQB-Dashboard, Version {app_version()}**" in text
    assert "**teilweise vereinbar**" in text
    assert "axe-core" in text and "allein mit der Tastatur durchlaufen" in text
    assert re.search(r"am \d{2}\.\d{2}\.\d{4} erstellt und zuletzt am \d{2}\.\d{2}\.\d{4} überprüft", text)
    for barrier in ("Diagramme und Karte", "Interaktive Tabellen", "PDF-Fassung der Sitzungsmappe"):
        assert f"### {barrier}" in text
    assert "Zahlen zum Diagramm" in text  # the accessible alternative to every chart
    enforcement = text.split("## Durchsetzungsverfahren")[1]
    assert (
        "Durchsetzungs- und Überwachungsstelle für barrierefreie Informationstechnik des Landes Hessen" in enforcement
    )
    assert "Landgraf-Philipp-Platz 1–7, 35390 Gießen" in enforcement
    assert "Durchsetzungsstelle-LBIT@rpgi.hessen.de" in enforcement
    assert (
        "https://lbit.hessen.de/Durchsetzungs-und-Ueberwachungsstelle/Durchsetzungsverfahren-beantragen" in enforcement
    )
    assert "<!--" not in text and "$" not in text  # editors' notes hidden, every value filled in


def test_contact_values_are_shown_as_written_never_as_markdown() -> None:
    office, email = "**Referat** [hier](http://127.0.0.1:9/)", "kein Link <b>"
    text = statement_markdown(feedback_contact({ENV_OFFICE: office, ENV_EMAIL: email}), "1.0")
    assert f"- Stelle: {escape_markdown(office)}\n" in text and "[hier](" not in text
    assert f"- E-Mail: {escape_markdown(email)}\n" in text and "<b>" not in text


@pytest.mark.parametrize("page", [None, "app_pages/vergleich.py", "app_pages/methodik.py", PAGE])
def test_every_page_links_to_the_statement_and_sets_the_document_language(page: str | None) -> None:
    at = open_app(page)
    links = [link for link in at.sidebar.get("page_link") if link.value == TITLE]
    assert len(links) == 1 and links[0].proto.page == "barrierefreiheit"  # the page's url_path
    scripts = [h.proto.body for h in at.get("html")]
    assert any('document.documentElement.lang = "de"' in body for body in scripts)


def test_the_login_page_opens_the_statement_before_anyone_signs_in() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = {"client_id": "aqb", "client_secret": "x", "server_metadata_url": "http://127.0.0.1:9/"}
    at.user["is_logged_in"] = False
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [b.label for b in at.button] == ["Anmelden"]
    statement = [e for e in at.expander if e.label == TITLE]
    assert len(statement) == 1
    shown = " ".join(m.value for m in statement[0].markdown)
    assert "Durchsetzungsverfahren" in shown and "Durchsetzungsstelle-LBIT@rpgi.hessen.de" in shown
    scripts = [h.proto.body for h in at.get("html")]
    assert any('document.documentElement.lang = "de"' in body for body in scripts)
