"""The test identity provider (idp/, OpenID Connect, `oidc-provider`) for the browser tests of the login.

`ensure_idp()` starts it if it does not answer (or skips the test, saying why), `login(page, user)` signs in on its
form, `USERS` holds the test users (read from idp/users.json, which the provider reads too) and `auth_secrets()` the
`[auth]` section of `.streamlit/secrets.toml` for a dashboard started on one of `APP_PORTS`.
"""

import fcntl
import json
import os
import socket
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IDP_DIR = ROOT / "idp"
DEFAULT_PORT = 9400
CLIENT_ID = "aqb-dashboard"
# The provider's fixed test secret (idp/server.js); both read AQB_IDP_CLIENT_SECRET first.
CLIENT_SECRET = os.environ.get("AQB_IDP_CLIENT_SECRET", "aqb-test-secret-not-for-production")
# The ports the provider accepts as redirect_uri (http://localhost:PORT/oauth2callback and 127.0.0.1): 8501 for
# ./start.sh, 8510-8519 for the browser tests.
APP_PORTS = range(8510, 8520)


def _read_users() -> dict[str, dict]:
    data = json.loads((IDP_DIR / "users.json").read_text(encoding="utf-8"))
    return {
        name: {
            "password": user["password"],
            "groups": list(user["groups"]),
            "ags": user.get("ags"),
            "name": user["name"],
            "email": user["email"],
        }
        for name, user in data["users"].items()
    }


# username -> password, groups, ags (None without district), name, email. A user without groups (`niemand`)
# receives no `groups` claim at all; one without district no `ags` claim.
USERS: dict[str, dict] = _read_users()


def idp_url(port: int | None = None) -> str:
    """The issuer: http://127.0.0.1:PORT (AQB_IDP_PORT, default 9400)."""
    return f"http://127.0.0.1:{port or int(os.environ.get('AQB_IDP_PORT', DEFAULT_PORT))}"


def discovery_url(port: int | None = None) -> str:
    return idp_url(port) + "/.well-known/openid-configuration"


def _discovery(port: int | None) -> dict | None:
    try:
        with urllib.request.urlopen(discovery_url(port), timeout=3) as response:
            return json.load(response)
    except (OSError, urllib.error.URLError, ValueError):
        return None


def ensure_idp(port: int | None = None, id_token_ttl: int | None = None) -> str:
    """The issuer of a running provider, started by idp/start.sh if discovery does not answer; else pytest.skip.

    With `id_token_ttl` (seconds) the provider must issue ID tokens of that lifetime: use a port of its own for
    that (e.g. 9401 with 20 s), since the provider on the default port issues them for an hour. A provider
    started here keeps running (idp/stop.sh ends it; .ci/run stops the one on the default port)."""
    issuer = idp_url(port)
    # One start at a time, also across pytest processes.
    with (IDP_DIR / ".start.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        metadata = _discovery(port)
        if metadata is None:
            env = dict(os.environ, AQB_IDP_PORT=issuer.rsplit(":", 1)[1])
            if id_token_ttl is not None:
                env["AQB_IDP_ID_TOKEN_TTL"] = str(id_token_ttl)
            else:
                env.pop("AQB_IDP_ID_TOKEN_TTL", None)
            try:
                started = subprocess.run(
                    [str(IDP_DIR / "start.sh")], env=env, capture_output=True, text=True, timeout=300, check=False
                )
            except (OSError, subprocess.TimeoutExpired) as error:
                pytest.skip(f"Test-Identitätsprovider nicht gestartet: {error}")
            if started.returncode != 0:
                reason = (started.stderr or started.stdout).strip().splitlines()
                pytest.skip(f"Test-Identitätsprovider nicht gestartet: {' '.join(reason[-3:])}")
            metadata = _discovery(port)
            if metadata is None:
                pytest.skip(f"Test-Identitätsprovider antwortet nicht unter {discovery_url(port)}")
    if metadata.get("issuer") != issuer:
        pytest.skip(f"unter {issuer} antwortet ein anderer Dienst (issuer {metadata.get('issuer')!r})")
    if id_token_ttl is not None and metadata.get("aqb_test_id_token_ttl") != id_token_ttl:
        pytest.skip(
            f"der Identitätsprovider unter {issuer} stellt ID-Tokens für {metadata.get('aqb_test_id_token_ttl')} s "
            f"aus, nicht {id_token_ttl} s (idp/stop.sh mit AQB_IDP_PORT, dann neu starten)"
        )
    return issuer


def free_app_port() -> int:
    """A free port among APP_PORTS, for a dashboard that logs in at the provider."""
    for port in APP_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"kein freier Port in {APP_PORTS.start}-{APP_PORTS.stop - 1} für das Dashboard mit Anmeldung")


def auth_secrets(app_port: int, idp_port: int | None = None, host: str = "localhost") -> str:
    """The `[auth]` section of .streamlit/secrets.toml for a dashboard at http://HOST:APP_PORT (test values)."""
    return (
        "[auth]\n"
        f'redirect_uri = "http://{host}:{app_port}/oauth2callback"\n'
        'cookie_secret = "aqb-test-cookie-secret-not-for-production"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{discovery_url(idp_port)}"\n'
    )


def login(page: object, user: str, password: str | None = None, timeout_ms: int = 30_000) -> None:
    """On a page at the provider's login form: sign in as `user` (its test password unless `password` is given)
    and wait until the browser has left the form. AssertionError if the provider rejects the login."""
    form = page.locator("form:has(#username)")
    form.wait_for(timeout=timeout_ms)
    page.fill("#username", user)
    page.fill("#password", password if password is not None else USERS[user]["password"])
    with page.expect_navigation(timeout=timeout_ms):
        page.click("#submit")
    error = page.locator(".error")
    if "/interaction/" in page.url and error.count():
        raise AssertionError(f"Anmeldung als {user} abgelehnt: {error.inner_text()}")
