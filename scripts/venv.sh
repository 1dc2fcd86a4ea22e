# Shared by start.sh and test.sh: create .venv with Python >= 3.11 and install a requirements file
# when it is new or has changed since the last install.
ensure_venv() {
    local requirements="$1"
    local python="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "Fehler: Python 3.11 oder neuer wird benötigt (gefunden: $("$python" --version 2>&1))." >&2
            echo "Einen anderen Interpreter wählen: PYTHON=/pfad/zu/python3.12 $0" >&2
            exit 1
        fi
        echo "Lege die Python-Umgebung .venv an …"
        "$python" -m venv .venv
    fi
    local stamp=".venv/.installed-$(basename "$requirements" .txt)"
    if [ ! -f "$stamp" ] || [ "$requirements" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
        echo "Installiere Pakete aus $requirements …"
        .venv/bin/python -m pip install --quiet --upgrade pip
        .venv/bin/python -m pip install --quiet -r "$requirements"
        touch "$stamp"
    fi
}
