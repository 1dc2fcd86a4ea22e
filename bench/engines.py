"""PostgreSQL against SQLite: the growth benchmark's operations on the same data in both engines, interleaved.

For each round and engine (the order alternates): a fresh copy of the benchmark store (SQLite: a copy of the file;
PostgreSQL: a schema of its own, filled from that file with `aqb_data.store.backup.restore`), then
- loading the whole store (`Store.load`, what a new data version costs every instance);
- importing one district's report (check, preview, one transaction);
- the first view after the import (Übersicht in a new process) and a rerun to a new year;
- „Diesen Stand herunterladen“.
Each is reported as PostgreSQL ÷ SQLite (no target: the issue asks for the ratio). Needs a PostgreSQL server whose
address is in AQB_BENCH_POSTGRES (or AQB_TEST_POSTGRES), with a user that may create schemas.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from aqb_data.store.backup import restore
from aqb_data.store.database import Store, close_connections
from bench.growth import ScaleRuns, download_state, first_views, import_report
from bench.scale import ensure_store, working_copy

ENGINES = ("SQLite", "PostgreSQL")


def postgres_server() -> str | None:
    """The PostgreSQL server to measure on (AQB_BENCH_POSTGRES, else AQB_TEST_POSTGRES), or None."""
    return os.environ.get("AQB_BENCH_POSTGRES") or os.environ.get("AQB_TEST_POSTGRES")


def server_engine(url: str) -> sa.Engine:
    """Connections to a PostgreSQL server outside the store (autocommit, no pool), to make or drop a schema."""
    return sa.create_engine(
        sa.make_url(url).set(drivername="postgresql+psycopg"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )


@contextmanager
def postgres_schema(server: str, prefix: str) -> Iterator[str]:
    """A new, empty schema on the server (named `prefix` and a random part) as the address the store takes (its
    search path); dropped afterwards, with the store's connections into it (the benchmarks and the tests use it)."""
    name = f"{prefix}_{uuid.uuid4().hex[:16]}"
    admin = server_engine(server)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    url = sa.make_url(server).update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        close_connections()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        admin.dispose()


@contextmanager
def _copy(engine: str, scale: int, folder: Path, server: str) -> Iterator[Path | str]:
    if engine == "SQLite":
        yield working_copy(scale, folder)
        return
    with postgres_schema(server, "aqb_bench") as url:
        restore(ensure_store(scale)[0], url)
        yield url


def run_engines(scale: int, repeat: int, server: str) -> dict[str, ScaleRuns]:
    """Every operation on both engines, `repeat` rounds, the engines in alternating order."""
    timing = {engine: ScaleRuns() for engine in ENGINES}
    with tempfile.TemporaryDirectory() as folder:
        for index in range(repeat):
            for engine in ENGINES if index % 2 == 0 else ENGINES[::-1]:
                runs = timing[engine]
                with _copy(engine, scale, Path(folder), server) as location:
                    started = time.perf_counter()
                    data = Store(location).load()
                    runs.load_s.append(time.perf_counter() - started)
                    runs.rows = len(data.agreements) + len(data.projects) + len(data.progress)
                    import_id = import_report(location, runs)
                    if import_id is None:
                        continue
                    first_views(location, runs, plain_first=index % 2 == 0)
                    runs.download_s.append(download_state(location, import_id))
    return timing
