"""Test databases on both engines: a SQLite file always, a PostgreSQL schema of its own per test when the variable
AQB_TEST_POSTGRES names a server (e.g. postgresql://aqb_test:aqb_test@localhost:5432/aqb_test)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from aqb_data.store.database import WRITE_LOCK_KEY, is_url
from bench.engines import postgres_schema as bench_schema
from bench.engines import server_engine

POSTGRES_ENV = "AQB_TEST_POSTGRES"
SKIP_POSTGRES = (
    "PostgreSQL-Variante übersprungen: AQB_TEST_POSTGRES=postgresql://benutzer:passwort@rechner:5432/datenbank "
    "setzen (ein Benutzer, der dort Schemata anlegen darf; .ci/run richtet das ein)"
)
# Parameters of a fixture or test that runs once per engine; the PostgreSQL run is skipped, saying how to enable it.
ENGINES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=SKIP_POSTGRES),
    ),
]
Location = Path | str  # what Store and open_store take: a SQLite file or a PostgreSQL URL


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A new, empty schema on the test server, as the URL the store takes (its search path); dropped afterwards."""
    with bench_schema(os.environ[POSTGRES_ENV], "aqb_test") as url:
        yield url


@contextmanager
def new_location(engine: str, folder: Path, name: str = "aqb.sqlite") -> Iterator[Location]:
    """Where a new, empty database of this engine is made: a file in `folder`, or a fresh PostgreSQL schema."""
    if engine == "sqlite":
        yield folder / name
    else:
        with postgres_schema() as url:
            yield url


@contextmanager
def connect(location: Location) -> Iterator[sa.Connection]:
    """A plain connection to a test database, outside the store (autocommit), to look at or prepare it."""
    engine = (
        server_engine(str(location))
        if is_url(location)
        else sa.create_engine(f"sqlite:///{location}", poolclass=NullPool, isolation_level="AUTOCOMMIT")
    )
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def query(location: Location, sql: str) -> Sequence[sa.Row]:
    """The rows of one query against a test database."""
    with connect(location) as connection:
        return connection.exec_driver_sql(sql).all()


def stored_version(location: Location) -> int:
    """The schema version the database records (SQLite: user_version; PostgreSQL: the table schema_version)."""
    if is_url(location):
        return int(query(location, "SELECT version FROM schema_version")[0][0])
    return int(query(location, "PRAGMA user_version")[0][0])


def set_stored_version(location: Location, version: int) -> None:
    with connect(location) as connection:
        if is_url(location):
            connection.exec_driver_sql(f"UPDATE schema_version SET version = {int(version)}")
        else:
            connection.exec_driver_sql(f"PRAGMA user_version = {int(version)}")


def column_names(location: Location, table: str) -> list[str]:
    with connect(location) as connection:
        return [column["name"] for column in sa.inspect(connection).get_columns(table)]


@contextmanager
def writer_holding_the_lock(location: Location) -> Iterator[None]:
    """Another writer in the middle of its transaction (another process or server importing)."""
    if is_url(location):
        with connect(location) as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({WRITE_LOCK_KEY})")
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({WRITE_LOCK_KEY})")
        return
    blocker = sqlite3.connect(location, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
