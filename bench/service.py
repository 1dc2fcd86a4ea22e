"""The dashboard run as `deploy/` describes it, on this machine: instances started with the systemd unit's command
line behind a private nginx with the site configuration of `deploy/nginx/` (used by the load benchmark
`bench/load.py` and the browser test `tests/e2e/test_deployment.py`).

The unit's install folder /opt/aqb-dashboard stands for this checkout, its port %i for a free port; nginx gets a
main configuration of its own in a temporary folder that includes the site file with the test's ports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.browser import free_port, wait_healthy

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "systemd" / "aqb-dashboard@.service"
SITE = DEPLOY / "nginx" / "aqb-dashboard.conf"
ENV_EXAMPLE = DEPLOY / "aqb-dashboard.env.example"
INSTALLED = "/opt/aqb-dashboard"  # where the unit expects the checkout
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class ServiceError(RuntimeError):
    """An instance or the proxy did not start; the message holds the end of its log."""


@dataclass
class Service:
    """A running service: the proxy's address, each instance's port and process."""

    url: str
    ports: tuple[int, ...]
    instances: dict[int, subprocess.Popen]
    folder: Path
    database: str

    def stop(self, port: int) -> None:
        """Stop one instance (as `systemctl stop` would: SIGTERM, then SIGKILL after 15 s)."""
        stop(self.instances[port])


def unit_settings() -> dict[str, str]:
    """The [Service] settings of the unit file."""
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


def environment(database: str, extra: dict[str, str]) -> dict[str, str]:
    """The example environment file's settings, with this run's database (and `extra` settings)."""
    values = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return {**os.environ, **values, "AQB_DB": database, **extra}


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    """Until `url` answers its health check; ServiceError with the end of `log` if it does not within 90 s."""
    if not wait_healthy(url, process, 90):
        text = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise ServiceError(f"{url} antwortet nicht:\n{text}")


def start_instance(port: int, database: str, folder: Path, extra: dict[str, str]) -> subprocess.Popen:
    """One instance, started as the systemd unit starts it (ExecStart, WorkingDirectory) for instance `port`."""
    settings = unit_settings()
    command = settings["ExecStart"].replace("%i", str(port)).replace(INSTALLED, str(ROOT)).split()
    workdir = settings["WorkingDirectory"].replace(INSTALLED, str(ROOT))
    log = folder / f"instance-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=workdir, env=environment(database, extra), stdout=output, stderr=subprocess.STDOUT
        )
    _wait_healthy(f"http://127.0.0.1:{port}", process, log)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def nginx_config(folder: Path, listen: int, ports: tuple[int, ...]) -> Path:
    """A main configuration for a private nginx that includes the site file of deploy/ on these ports."""
    site = SITE.read_text(encoding="utf-8").replace("listen 80;", f"listen 127.0.0.1:{listen};")
    servers = [line for line in site.splitlines() if line.strip().startswith("server 127.0.0.1:")]
    template = servers[0].replace("127.0.0.1:8501", "127.0.0.1:{port}")
    site = site.replace("\n".join(servers), "\n".join(template.format(port=port) for port in ports))
    (folder / "site.conf").write_text(site, encoding="utf-8")
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in kinds)
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must reach the private folder
    main = (
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {folder}/access.log;\n{temp}\n    include {folder}/site.conf;\n}}\n"
    )
    config = folder / "nginx.conf"
    config.write_text(main, encoding="utf-8")
    return config


@contextmanager
def running_service(
    folder: Path, database: str, listen: int | None = None, extra: dict[str, str] | None = None, instances: int = 2
) -> Iterator[Service]:
    """`instances` instances on one database and nginx in front (on port `listen`, a free one if None)."""
    ports = tuple(free_port() for _ in range(instances))
    listen = listen or free_port()
    with ExitStack() as stack:
        processes = {}
        for port in ports:
            processes[port] = start_instance(port, database, folder, extra or {})
            stack.callback(stop, processes[port])
        config = nginx_config(folder, listen, ports)
        check = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(config)], capture_output=True, text=True)
        if check.returncode != 0:
            raise ServiceError(f"nginx -t: {check.stderr}")
        proxy = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(config), "-g", "daemon off;"])
        stack.callback(stop, proxy)
        url = f"http://127.0.0.1:{listen}"
        _wait_healthy(url, proxy, folder / "error.log")
        yield Service(url, ports, processes, folder, database)


def instance_of(url: str, cookie: str) -> int:
    """The port of the instance nginx sends a browser with this sticky cookie to (header X-AQB-Instance)."""
    request = urllib.request.Request(f"{url}/", headers={"Cookie": f"aqb_instance={cookie}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.headers["X-AQB-Instance"].rsplit(":", 1)[1])


def cookies_for(url: str, ports: tuple[int, ...]) -> dict[int, str]:
    """A sticky-cookie value for each instance (the hash spreads values; a few tries find one for each)."""
    found: dict[int, str] = {}
    for number in range(500):
        found.setdefault(instance_of(url, f"probe{number}"), f"probe{number}")
        if len(found) == len(ports):
            return found
    raise ServiceError(f"nginx verteilt nicht auf alle Instanzen: {found}")
