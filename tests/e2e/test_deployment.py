"""The service as `deploy/` describes it: two instances started with the systemd unit's command, behind nginx with
the site configuration of `deploy/nginx/`, sharing one database (README, „Betrieb als Dienst“).

Checked in the browser: sessions stay on their instance (cookie), an import through one instance shows on the
other, stopping one instance leaves the other serving (its sessions and new ones), and the health endpoint answers
through the proxy. Needs Debian's nginx (apt-get install nginx-light) besides Chromium; skipped with a reason
where it is missing.
"""

from __future__ import annotations

import os
import re
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bench.service import NGINX, Service, ServiceError, cookies_for, instance_of, running_service
from tests.databases import POSTGRES_ENV, postgres_schema, query
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean, open_page, wait_for_metric, wait_until_idle
from tests.e2e.idp import auth_secrets, ensure_idp, free_app_port
from tests.e2e.test_login import sign_in

pytestmark = [
    *NEEDS_CHROMIUM,
    pytest.mark.skipif(not Path(NGINX).exists(), reason=f"kein nginx unter {NGINX} (apt-get install nginx-light)"),
]


@contextmanager
def _service(folder: Path, listen: int | None = None, extra: dict[str, str] | None = None) -> Iterator[Service]:
    """The service on PostgreSQL (a schema of its own) where AQB_TEST_POSTGRES names a server, as a ministry runs it;
    else on one SQLite file that both instances share (same machine)."""
    with ExitStack() as stack:
        if os.environ.get(POSTGRES_ENV):
            database = stack.enter_context(postgres_schema())
        else:
            database = str(folder / "aqb.sqlite")
        try:
            service = stack.enter_context(running_service(folder, database, listen, extra))
        except ServiceError as error:
            pytest.fail(str(error))
        yield service


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Two instances on one database and nginx in front, without login."""
    with _service(tmp_path_factory.mktemp("deploy")) as running:
        yield running


@pytest.fixture(scope="module")
def service_with_login(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The same with login at the test provider: both instances read the same secrets (one cookie_secret)."""
    ensure_idp()
    folder = tmp_path_factory.mktemp("deploy_login")
    listen = free_app_port()  # a port whose redirect_uri the provider accepts: the proxy's
    secrets = folder / "secrets.toml"
    secrets.write_text(auth_secrets(listen), encoding="utf-8")
    with _service(folder, listen, {"STREAMLIT_SECRETS_FILES": str(secrets)}) as running:
        # The browser must use the host of the registered redirect_uri, where the login cookie is set.
        running.url = running.url.replace("127.0.0.1", "localhost")
        yield running


def _browser_on(browser: object, url: str, cookie: str) -> object:
    context = browser.new_context(viewport={"width": 1440, "height": 2200}, locale="de-DE", accept_downloads=True)
    context.add_cookies([{"name": "aqb_instance", "value": cookie, "url": url}])
    return context.new_page()


def _budget(page: object) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Haushaltsmittel").first
    return re.search(r"[\d.]+ €", metric.inner_text()).group(0)


def test_the_proxy_answers_the_health_check_and_gives_each_browser_its_instance(service: Service) -> None:
    with urllib.request.urlopen(f"{service.url}/_stcore/health", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"ok"
    with urllib.request.urlopen(f"{service.url}/", timeout=10) as response:
        cookies = response.headers.get_all("Set-Cookie")
        assert any(re.fullmatch(r"aqb_instance=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", c) for c in cookies)
        assert int(response.headers["X-AQB-Instance"].rsplit(":", 1)[1]) in service.ports


def test_two_instances_share_imports_and_one_keeps_serving_when_the_other_stops(
    service: Service, browser: object, tmp_path: Path
) -> None:
    from tests.workbooks import make_workbook

    url, ports = service.url, service.ports
    first, second = ports
    cookies = cookies_for(url, ports)
    on_first, on_second = _browser_on(browser, url, cookies[first]), _browser_on(browser, url, cookies[second])

    # A session on the second instance, open before the import.
    open_page(on_second, f"{url}/?jahr=2025")
    before = _budget(on_second)

    # The import through the first instance.
    report = tmp_path / "bericht.xlsx"
    report.write_bytes(
        make_workbook({"Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, "06635", "800.000"]]})
    )
    open_page(on_first, f"{url}/hochladen", wait_for_chart=False)
    on_first.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(report))
    on_first.get_by_role("button", name="Übernehmen").click()
    on_first.wait_for_selector("text=ist übernommen", timeout=60_000)
    assert query(service.database, "SELECT MAX(id) FROM imports")[0][0] == 2  # in the one shared database

    # The second instance shows it at the next interaction of its session, and to a new visitor.
    on_second.reload()
    open_page(on_second, f"{url}/?jahr=2025")
    wait_for_metric(on_second, "Haushaltsmittel", "28.326.080 €")
    assert before != "28.326.080 €"

    # The first instance stops: the session on the second goes on (a filter change reruns there) ...
    service.stop(first)
    on_second.get_by_role("combobox", name="Jahr").click()
    on_second.get_by_role("option", name="2024", exact=True).click()
    wait_until_idle(on_second)
    assert on_second.locator("h1").first.inner_text() == "Übersicht 2024 – Hessen"
    assert_clean(on_second)

    # ... and a browser that was on the first instance is served by the second, with the imported data.
    assert instance_of(url, cookies[first]) == second
    open_page(on_first, f"{url}/?jahr=2025")
    wait_for_metric(on_first, "Haushaltsmittel", "28.326.080 €")
    assert_clean(on_first)
    on_first.context.close()
    on_second.context.close()


def test_with_login_a_session_stays_on_its_instance_and_its_login_holds_on_the_other(
    service_with_login: Service, browser: object
) -> None:
    url, ports = service_with_login.url, service_with_login.ports
    first, second = ports
    cookies = cookies_for(url, ports)
    page = _browser_on(browser, url, cookies[first])
    sign_in(page, url, "pflege")
    for path in ("/verlauf", "/hochladen", "/?jahr=2024"):
        open_page(page, url + path, wait_for_chart=False)
        assert "Angemeldet:" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert instance_of(url, cookies[first]) == first  # every request of the session went to its instance

    # Its instance stops: the other one takes the browser and accepts its login cookie (same cookie_secret).
    service_with_login.stop(first)
    page.goto(url + "/verlauf")
    page.locator('[data-testid="stSidebar"]').get_by_text("Angemeldet:").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Anmelden").count() == 0
    assert page.locator("h1").first.inner_text() == "Verlauf"
    assert instance_of(url, cookies[first]) == second
    assert_clean(page)
    page.context.close()
