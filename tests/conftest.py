"""Test-wide settings: no test ever touches the analysts' database (var/aqb.sqlite)."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import ENGINES, Location, new_location


@pytest.fixture(autouse=True, scope="session")
def _separate_database(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The whole session uses a database of its own, filled with the demo data on first use."""
    os.environ["AQB_DB"] = str(tmp_path_factory.mktemp("aqb") / "aqb.sqlite")


@pytest.fixture(params=ENGINES)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Location]:
    """Where a test's new, empty database is made, once per engine: a SQLite file, and a PostgreSQL schema of its own
    when AQB_TEST_POSTGRES names a server (skipped otherwise, saying how to enable it)."""
    with new_location(request.param, tmp_path) as location:
        yield location


@pytest.fixture
def fresh_db(store_location: Location, monkeypatch: pytest.MonkeyPatch) -> Location:
    """A new, empty database for one test (the dashboard fills it with the demo data when it opens it)."""
    monkeypatch.setenv("AQB_DB", str(store_location))
    return store_location
