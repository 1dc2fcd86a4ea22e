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
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from tests.e2e.helpers import NEEDS_CHROMIUM, ROOT, assert_clean, open_page, wait_for_metric, wait_until_idle
from tests.e2e.idp import auth_secrets, ensure_idp, free_app_port
from tests.e2e.test_login import sign_in

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "systemd" / "aqb-dashboard@.service"
SITE = DEPLOY / "nginx" / "aqb-dashboard.conf"
ENV_EXAMPLE = DEPLOY / "aqb-dashboard.env.example"
INSTALLED = "/opt/aqb-dashboard"  # where the unit expects the checkout

pytestmark = [
    *NEEDS_CHROMIUM,
    pytest.mark.skipif(not Path(NGINX).exists(), reason=f"kein nginx unter {NGINX} (apt-get install nginx-light)"),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _unit_settings() -> dict[str, str]:
    """The [Service] settings of the unit file (one value per key; systemd's syntax has no sections in values)."""
    settings: dict[str, str] = {}
    section = ""
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            settings[key] = value
    return settings


def _environment(database: str, extra: dict[str, str]) -> dict[str, str]:
    """The example environment file's settings, with this test's database (and `extra` settings)."""
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return {**os.environ, **values, "AQB_DB": database, **extra}


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 90) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{url} antwortet nicht:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.3)


def _start_instance(port: int, database: str, folder: Path, extra: dict[str, str]) -> subprocess.Popen:
    """One instance, started as the systemd unit starts it: its ExecStart and WorkingDirectory for instance `port`,
    with the install folder replaced by this checkout."""
    settings = _unit_settings()
    command = settings["ExecStart"].replace("%i", str(port)).replace(INSTALLED, str(ROOT)).split()
    workdir = settings["WorkingDirectory"].replace(INSTALLED, str(ROOT))
    log = folder / f"instance-{port}.log"
    process = subprocess.Popen(
        command, cwd=workdir, env=_environment(database, extra), stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    _wait_healthy(f"http://127.0.0.1:{port}", process, log)
    return process


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _nginx_config(folder: Path, listen: int, ports: tuple[int, int]) -> Path:
    """A main configuration for a private nginx that includes the site file of deploy/, on this test's ports."""
    site = SITE.read_text(encoding="utf-8")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    site = site.replace("127.0.0.1:8501", f"127.0.0.1:{ports[0]}").replace("127.0.0.1:8502", f"127.0.0.1:{ports[1]}")
    (folder / "site.conf").write_text(site, encoding="utf-8")
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in kinds)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the test's private folder
    main = (
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {folder}/access.log;\n{temp}\n    include {folder}/site.conf;\n}}\n"
    )
    config = folder / "nginx.conf"
    config.write_text(main, encoding="utf-8")
    return config


@contextmanager
def _service(folder: Path, listen: int, extra: dict[str, str] | None = None) -> Iterator[dict[str, object]]:
    """Two instances on one database and nginx in front on port `listen`: {'url', 'ports', 'instances'}."""
    database = os.environ.get("AQB_TEST_DEPLOY_DB") or str(folder / "aqb.sqlite")
    ports = (_free_port(), _free_port())
    with ExitStack() as stack:
        instances = {}
        for port in ports:
            instances[port] = _start_instance(port, database, folder, extra or {})
            stack.callback(_stop, instances[port])
        config = _nginx_config(folder, listen, ports)
        check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(config)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr  # the site file of deploy/ is valid nginx configuration
        proxy = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"])
        stack.callback(_stop, proxy)
        url = f"http://127.0.0.1:{listen}"
        _wait_healthy(url, proxy, folder / "error.log")
        yield {"url": url, "ports": ports, "instances": instances}


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The service without login."""
    with _service(tmp_path_factory.mktemp("deploy"), _free_port()) as running:
        yield running


@pytest.fixture(scope="module")
def service_with_login(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    """The service with login at the test provider: both instances read the same secrets (one cookie_secret)."""
    ensure_idp()
    folder = tmp_path_factory.mktemp("deploy_login")
    listen = free_app_port()  # a port whose redirect_uri the provider accepts: the proxy's
    secrets = folder / "secrets.toml"
    secrets.write_text(auth_secrets(listen), encoding="utf-8")
    extra = {"STREAMLIT_SECRETS_FILES": str(secrets)}
    with _service(folder, listen, extra) as running:
        # The browser must use the host of the registered redirect_uri, where the login cookie is set.
        yield {**running, "url": str(running["url"]).replace("127.0.0.1", "localhost")}


def _instance_of(url: str, cookie: str) -> int:
    """The port of the instance nginx sends a browser with this sticky cookie to (header X-AQB-Instance)."""
    request = urllib.request.Request(f"{url}/", headers={"Cookie": f"aqb_instance={cookie}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.headers["X-AQB-Instance"].rsplit(":", 1)[1])


def _cookies_for(url: str, ports: tuple[int, int]) -> dict[int, str]:
    """A sticky-cookie value for each instance (the hash spreads values; a few tries find one for each)."""
    found: dict[int, str] = {}
    for number in range(200):
        found.setdefault(_instance_of(url, f"probe{number}"), f"probe{number}")
        if len(found) == len(ports):
            return found
    pytest.fail(f"nginx verteilt nicht auf beide Instanzen: {found}")


def _browser_on(browser: object, url: str, cookie: str) -> object:
    context = browser.new_context(viewport={"width": 1440, "height": 2200}, locale="de-DE", accept_downloads=True)
    context.add_cookies([{"name": "aqb_instance", "value": cookie, "url": url}])
    return context.new_page()


def _budget(page: object) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Haushaltsmittel").first
    return re.search(r"[\d.]+ €", metric.inner_text()).group(0)


def test_the_proxy_answers_the_health_check_and_gives_each_browser_its_instance(service: dict[str, object]) -> None:
    with urllib.request.urlopen(f"{service['url']}/_stcore/health", timeout=10) as response:
        assert response.status == 200
        assert response.read() == b"ok"
    with urllib.request.urlopen(f"{service['url']}/", timeout=10) as response:
        cookies = response.headers.get_all("Set-Cookie")
        assert any(re.fullmatch(r"aqb_instance=[0-9a-f]{32}; Path=/; HttpOnly; SameSite=Lax", c) for c in cookies)
        assert int(response.headers["X-AQB-Instance"].rsplit(":", 1)[1]) in service["ports"]


def test_two_instances_share_imports_and_one_keeps_serving_when_the_other_stops(
    service: dict[str, object], browser: object, tmp_path: Path
) -> None:
    from tests.workbooks import make_workbook

    url, ports = service["url"], service["ports"]
    first, second = ports
    cookies = _cookies_for(url, ports)
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

    # The second instance shows it at the next interaction of its session, and to a new visitor.
    on_second.reload()
    open_page(on_second, f"{url}/?jahr=2025")
    wait_for_metric(on_second, "Haushaltsmittel", "28.326.080 €")
    assert before != "28.326.080 €"

    # The first instance stops: the session on the second goes on (a filter change reruns there) ...
    _stop(service["instances"][first])
    on_second.get_by_role("combobox", name="Jahr").click()
    on_second.get_by_role("option", name="2024", exact=True).click()
    wait_until_idle(on_second)
    assert on_second.locator("h1").first.inner_text() == "Übersicht 2024 – Hessen"
    assert_clean(on_second)

    # ... and a browser that was on the first instance is served by the second, with the imported data.
    assert _instance_of(url, cookies[first]) == second
    open_page(on_first, f"{url}/?jahr=2025")
    wait_for_metric(on_first, "Haushaltsmittel", "28.326.080 €")
    assert_clean(on_first)
    on_first.context.close()
    on_second.context.close()


def test_with_login_a_session_stays_on_its_instance_and_its_login_holds_on_the_other(
    service_with_login: dict[str, object], browser: object
) -> None:
    url, ports = service_with_login["url"], service_with_login["ports"]
    first, second = ports
    cookies = _cookies_for(url, ports)
    page = _browser_on(browser, url, cookies[first])
    sign_in(page, url, "pflege")
    for path in ("/verlauf", "/hochladen", "/?jahr=2024"):
        open_page(page, url + path, wait_for_chart=False)
        assert "Angemeldet:" in page.locator('[data-testid="stSidebar"]').inner_text()
    assert _instance_of(url, cookies[first]) == first  # every request of the session went to its instance

    # Its instance stops: the other one takes the browser and accepts its login cookie (same cookie_secret).
    _stop(service_with_login["instances"][first])
    page.goto(url + "/verlauf")
    page.locator('[data-testid="stSidebar"]').get_by_text("Angemeldet:").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Anmelden").count() == 0
    assert page.locator("h1").first.inner_text() == "Verlauf"
    assert _instance_of(url, cookies[first]) == second
    assert_clean(page)
    page.context.close()
