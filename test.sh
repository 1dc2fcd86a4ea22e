#!/usr/bin/env bash
# Führt alle Prüfungen aus: Stil (ruff), Unit-, Seiten- und Browsertests (pytest).
# Legt beim ersten Aufruf die Python-Umgebung (.venv) mit den Test-Werkzeugen an. Browsertests brauchen
# Chromium (Debian: apt-get install chromium); ohne Chromium werden sie mit Begründung übersprungen.
# Weitere Argumente gehen an pytest, z. B. ./test.sh -k workbook
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh
ensure_venv requirements-dev.txt
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
exec .venv/bin/python -m pytest "$@"
