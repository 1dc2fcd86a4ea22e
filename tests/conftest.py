"""Test-wide settings: no test ever touches the analysts' database (var/aqb.sqlite)."""

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _separate_database(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The whole session uses a database of its own, filled with the demo data on first use."""
    os.environ["AQB_DB"] = str(tmp_path_factory.mktemp("aqb") / "aqb.sqlite")


@pytest.fixture
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new, empty database for one test (the dashboard fills it with the demo data when it opens it)."""
    path = tmp_path / "aqb.sqlite"
    monkeypatch.setenv("AQB_DB", str(path))
    return path
