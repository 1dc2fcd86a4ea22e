"""The login against a real OpenID Connect provider (idp/, started by .ci/run or here): every role sees what it
may use and nothing else, a district user sees no other district in any page or file, an expired token ends the
session, logout ends the provider's session too, and the audit trail names each action's user.

Skipped, saying why, where Chromium or the provider (Node.js, idp/start.sh) is missing.
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from aqb_data.domain.districts import load_districts
from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean, download, shot, wait_until_idle
from tests.e2e.idp import USERS, auth_secrets, ensure_idp, free_app_port, login
from tests.workbooks import make_workbook

pytestmark = NEEDS_CHROMIUM

WALDECK = "Waldeck-Frankenberg"
SHORT_TTL_PORT, SHORT_TTL_S = 9401, 20
ANALYSIS_PAGES = [
    "Übersicht",
    "Gebietskörperschaft",
    "Zielerreichung",
    "Berichtseingang",
    "Zeitreihe",
    "Export",
    "Methodik & Quellen",
]
DATA_PAGES = ["Daten hochladen", "Zielvereinbarung einlesen", "Verlauf"]


def _dashboard(folder: Path, idp_port: int | None = None) -> Iterator[str]:
    port = free_app_port()
    secrets = folder / "secrets.toml"
    secrets.write_text(auth_secrets(port, idp_port), encoding="utf-8")
    env = {**os.environ, "AQB_DB": str(folder / "aqb.sqlite")}
    env.pop("AQB_ROLES", None)
    try:
        with streamlit_server("dashboard.py", env, port=port, args=[f"--secrets.files={secrets}"]) as (url, _):
            # The browser must use the host of the registered redirect_uri, where the login cookie is set.
            yield url.replace("127.0.0.1", "localhost")
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard with login at the test provider, on a database of its own."""
    ensure_idp()
    yield from _dashboard(tmp_path_factory.mktemp("login"))


def sign_in(page: object, app: str, user: str, path: str = "/") -> None:
    """Open the dashboard, press "Anmelden", sign in at the provider and wait for the signed-in sidebar."""
    page.goto(app + path)
    page.get_by_role("button", name="Anmelden").click()
    login(page, user)
    page.locator('[data-testid="stSidebar"]').get_by_text("Angemeldet:").wait_for(timeout=30_000)
    page.wait_for_selector("h1", timeout=30_000)


def navigation(page: object) -> list[str]:
    """The page names in the sidebar's navigation."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [text.strip().splitlines()[-1].strip() for text in links.all_inner_texts()]  # after the icon's name


def test_without_login_no_page_is_drawn(app: str, page: object) -> None:
    for path in ("/", "/hochladen", "/verlauf", "/export"):
        page.goto(app + path)
        page.get_by_role("button", name="Anmelden").wait_for(timeout=30_000)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    shot(page, "login_anmelden")


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        ("lesen", [*ANALYSIS_PAGES, "Vergleich"], DATA_PAGES),
        ("pflege", [*ANALYSIS_PAGES, "Vergleich", *DATA_PAGES], []),
        ("verwaltung", [*ANALYSIS_PAGES, "Vergleich", *DATA_PAGES], []),
        ("kreis-kb", [*ANALYSIS_PAGES, "Daten hochladen"], ["Vergleich", "Zielvereinbarung einlesen", "Verlauf"]),
    ],
)
def test_each_role_sees_the_pages_it_may_use_and_no_other(
    app: str, page: object, user: str, shown: list[str], hidden: list[str]
) -> None:
    sign_in(page, app, user)
    pages = navigation(page)
    assert set(shown) <= set(pages) and not set(hidden) & set(pages), pages
    # The name comes from the provider: shown as text, with a word joiner after "@" so it is never an autolink.
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text().replace("\u2060", "")
    assert USERS[user]["email"] in sidebar
    assert_clean(page)
    shot(page, f"login_{user}")


def test_a_page_a_role_may_not_use_is_not_reached_by_its_address(app: str, page: object) -> None:
    sign_in(page, app, "lesen", "/hochladen")
    page.goto(app + "/hochladen")
    page.wait_for_selector("h1", timeout=30_000)
    assert page.locator("h1").first.inner_text() != "Daten hochladen"
    assert page.locator('[data-testid="stFileUploader"]').count() == 0


def test_a_maintainer_sees_no_audit_trail_and_the_administrator_does(app: str, page: object) -> None:
    sign_in(page, app, "pflege", "/verlauf")
    page.goto(app + "/verlauf")
    page.get_by_role("heading", name="Verlauf").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Protokoll").count() == 0
    assert page.get_by_role("button", name="Demodaten entfernen").count() == 0


def test_a_district_user_sees_no_other_district_on_any_page_or_file(app: str, page: object, tmp_path: Path) -> None:
    sign_in(page, app, "kreis-kb")
    assert WALDECK in page.locator("h1").first.inner_text()
    # Every other district by its full label ("Kassel" alone is also the Regierungsbezirk Waldeck-Frankenberg is in).
    others = [label for label in load_districts()["label"] if label != WALDECK]
    for path in (
        "/",
        "/zielerreichung",
        "/berichtseingang",
        "/zeitreihe",
        "/gebietskoerperschaft",
        "/export",
        "/vergleich",
    ):
        page.goto(app + path)
        page.wait_for_selector("h1", timeout=30_000)
        wait_until_idle(page)
        # The ministry signs its agreements in Wiesbaden: the place of its signature, not the district's data.
        text = page.locator('[data-testid="stMain"]').inner_text().replace("Unterzeichnet in Wiesbaden am", "")
        seen = [name for name in others if name in text]
        assert seen == [], f"{path}: {seen}"
        assert "Hessen" not in page.locator("h1").first.inner_text()
        assert_clean(page)
    page.goto(app + "/")
    page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=30_000)
    button = page.get_by_role("button", name="Excel").first
    saved = download(page, button, tmp_path)
    cells = [str(c) for row in openpyxl.load_workbook(saved).active.iter_rows(values_only=True) for c in row if c]
    assert not [c for c in cells if any(name in c for name in others)]
    shot(page, "login_kreis_uebersicht")


def test_a_user_without_a_role_sees_only_how_to_get_one(app: str, page: object) -> None:
    page.goto(app)
    page.get_by_role("button", name="Anmelden").click()
    login(page, "niemand")
    page.get_by_text("ohne Rolle im AQB-Dashboard").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0


def test_logout_ends_the_providers_session_too(app: str, page: object) -> None:
    sign_in(page, app, "lesen")
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Abmelden").click()
    page.get_by_role("button", name="Anmelden").wait_for(timeout=30_000)
    page.get_by_role("button", name="Anmelden").click()
    page.locator("form:has(#username)").wait_for(timeout=30_000)  # the provider asks for the password again


def test_the_audit_trail_names_who_imported_and_who_exported(app: str, page: object, tmp_path: Path) -> None:
    report = tmp_path / "bericht_waldeck.xlsx"
    report.write_bytes(
        make_workbook(
            {
                "Projekte": [
                    ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"],
                    [2025, "06635", 1, "Neues Projekt im Test", "10.000,00"],
                ]
            }
        )
    )
    sign_in(page, app, "kreis-kb", "/hochladen")
    page.goto(app + "/hochladen")
    page.locator('[data-testid="stFileUploader"] input[type=file]').set_input_files(str(report))
    page.get_by_role("button", name="Übernehmen").click()
    page.get_by_text("ist übernommen").first.wait_for(timeout=60_000)
    page.context.clear_cookies()

    sign_in(page, app, "verwaltung", "/verlauf")
    page.goto(app + "/verlauf")
    page.get_by_role("heading", name="Protokoll").wait_for(timeout=30_000)
    shot(page, "login_verwaltung_protokoll")
    saved = download(page, page.get_by_role("button", name="Excel").last, tmp_path)
    rows = [[str(c) for c in row] for row in openpyxl.load_workbook(saved).active.iter_rows(values_only=True)]
    imported = [row for row in rows if "bericht_waldeck.xlsx" in row]
    assert imported and USERS["kreis-kb"]["email"] in imported[0] and "Arbeitsmappe eingelesen" in imported[0]


def test_an_expired_id_token_ends_the_session(tmp_path_factory: pytest.TempPathFactory, page: object) -> None:
    ensure_idp(SHORT_TTL_PORT, SHORT_TTL_S)
    for app in _dashboard(tmp_path_factory.mktemp("expiry"), SHORT_TTL_PORT):
        sign_in(page, app, "lesen")
        time.sleep(SHORT_TTL_S + 2)
        page.goto(app + "/zeitreihe")
        page.get_by_role("button", name="Anmelden").wait_for(timeout=30_000)
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
