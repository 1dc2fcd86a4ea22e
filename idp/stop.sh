#!/usr/bin/env bash
# Stops the test identity provider started by idp/start.sh (the process in idp/.pid; AQB_IDP_PORT as for start.sh).
set -euo pipefail
cd "$(dirname "$0")"
port="${AQB_IDP_PORT:-9400}"
# The provider on the default port keeps idp/.pid and idp/idp.log; one on another port (e.g. with a short token
# lifetime for an expiry test) idp/.pid-PORT and idp/idp-PORT.log.
if [ "$port" = 9400 ]; then pidfile=.pid; logfile=idp.log; else pidfile=".pid-$port"; logfile="idp-$port.log"; fi
if [ ! -f "$pidfile" ]; then
    echo "idp: not running (no idp/$pidfile)"
    exit 0
fi
pid="$(cat "$pidfile")"
# Only end the process if it still is our server.js (the pid may have been reused since).
if kill -0 "$pid" 2>/dev/null && ps -p "$pid" -o args= 2>/dev/null | grep -q "server.js"; then
    kill "$pid"
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "idp: stopped (pid $pid)"
else
    echo "idp: process $pid is gone"
fi
rm -f "$pidfile"
