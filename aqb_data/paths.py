"""Every file and folder the dashboard reads or writes, in one place."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The project's name and version (the version is named in the accessibility statement).
PYPROJECT = PROJECT_ROOT / "pyproject.toml"

# Bundled, read-only data (see data/SOURCE.md for where each file comes from).
DATA_DIR = PROJECT_ROOT / "data"
DISTRICTS_CSV = DATA_DIR / "districts.csv"
GEOJSON = DATA_DIR / "hessen_kreise.geojson"
KNOWN_FIGURES_CSV = DATA_DIR / "known_figures.csv"
DEMO_WORKBOOK = DATA_DIR / "aqb_demo.xlsx"
# The demo's synthetic notes and agreed actions (notes never come from a workbook; the demo seed stores them).
DEMO_NOTES = DATA_DIR / "aqb_demo_notizen.json"
# When the districts report and by when (overridden by AQB_BERICHTSKALENDER; see the file for its format).
REPORTING_CALENDAR = DATA_DIR / "berichtskalender.toml"
# How reported target groups fold to a short list of categories (first matching keyword wins).
TARGET_GROUPS = DATA_DIR / "zielgruppen.toml"
# The German method texts shown on *Methodik* and in the meeting pack.
TEXTS_DIR = Path(__file__).resolve().parent / "texts"
# The real agreement the demo data is anchored on; absent in a clone without the shared folder beside it.
SEED_AGREEMENT = PROJECT_ROOT.parent / "shared" / "seeds" / "zielvereinbarung-2025-waldeck-frankenberg.md"

# The browser tab's icon, served by the app itself (a Material icon would be fetched from Google's font server).
PAGE_ICON = PROJECT_ROOT / "ui" / "assets" / "page_icon.svg"

# Which identity-provider groups mean which role (optional; see README, "Anmeldung und Rollen").
ROLES_FILE = PROJECT_ROOT / ".streamlit" / "roles.toml"

# What the dashboard writes: the database with every import (overridden by AQB_DB).
DEFAULT_DB = PROJECT_ROOT / "var" / "aqb.sqlite"
