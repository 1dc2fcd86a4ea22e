#!/usr/bin/env bash
# Starts the test identity provider (idp/server.js) in the background: installs its Node modules (npm ci) on
# first use, writes the pid to idp/.pid and the log to idp/idp.log, and waits until discovery answers.
# Environment: AQB_IDP_PORT (default 9400), AQB_IDP_ID_TOKEN_TTL (seconds, default 3600), see idp/README.md.
# Exit status 0: the provider answers (started now or already running); otherwise the reason is on stderr.
set -euo pipefail
cd "$(dirname "$0")"
port="${AQB_IDP_PORT:-9400}"
# The provider on the default port keeps idp/.pid and idp/idp.log; one on another port (e.g. with a short token
# lifetime for an expiry test) idp/.pid-PORT and idp/idp-PORT.log.
if [ "$port" = 9400 ]; then pidfile=.pid; logfile=idp.log; else pidfile=".pid-$port"; logfile="idp-$port.log"; fi
discovery="http://127.0.0.1:${port}/.well-known/openid-configuration"

answers() { node -e "fetch(process.argv[1]).then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))" "$discovery"; }

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "idp: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
    exit 1
fi
# oidc-provider 9 needs Node.js 20.19 or newer (it recommends 22 LTS).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "idp: Node.js $(node --version) is too old for oidc-provider 9, 20.19 or newer is needed" >&2
    exit 1
fi
if answers; then
    echo "idp: already running at http://127.0.0.1:${port}"
    exit 0
fi
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "idp: process $(cat "$pidfile") from idp/$pidfile runs but does not answer at ${discovery}; ./idp/stop.sh first" >&2
    exit 1
fi
if [ ! -d node_modules/oidc-provider ]; then
    echo "idp: installing Node modules (npm ci)"
    if ! npm ci --no-audit --no-fund --loglevel=error >"$logfile" 2>&1; then
        echo "idp: npm ci failed:" >&2
        tail -n 20 "$logfile" >&2
        exit 1
    fi
fi
nohup node server.js >"$logfile" 2>&1 &
echo $! >"$pidfile"
for _ in $(seq 1 100); do
    if answers; then
        echo "idp: running at http://127.0.0.1:${port} (pid $(cat "$pidfile"), log idp/$logfile)"
        exit 0
    fi
    if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
        break
    fi
    sleep 0.1
done
echo "idp: did not start, see idp/$logfile:" >&2
tail -n 20 "$logfile" >&2
if kill -0 "$(cat "$pidfile")" 2>/dev/null; then kill "$(cat "$pidfile")"; fi
rm -f "$pidfile"
exit 1
