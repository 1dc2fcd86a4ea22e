#!/usr/bin/env bash
# Startet das AQB-Dashboard. Beim ersten Aufruf wird eine eigene Python-Umgebung (.venv) angelegt und
# eingerichtet; danach startet es in Sekunden. Weitere Argumente gehen an `streamlit run`,
# z. B. ./start.sh --server.port 8502
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv requirements.txt
exec .venv/bin/python -m streamlit run dashboard.py "$@"
