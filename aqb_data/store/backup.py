"""Backup and restore of the store, the same on both engines.

A backup is a SQLite file of the dashboard's own schema holding every row of every table as they stood at one
moment: the import log, the audit trail, the data tables with their replaced rows, the notes with their versions.
It is read from one snapshot of the database (SQLite: one read transaction; PostgreSQL: repeatable read), so imports
may go on meanwhile, and it is a database the dashboard opens itself (`AQB_DB=sicherung.sqlite ./start.sh`).

Restoring checks the backup as the store checks any database (SQLite header, integrity, schema version; a backup
of an earlier version is brought up to date on a copy, never changed itself) and replaces every row of the target
in one transaction: afterwards the target holds exactly the backup, or, if anything fails, what it held before.
PostgreSQL's counters of new row numbers continue after the restored rows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from aqb_data.domain.formatting import format_number
from aqb_data.domain.values import visible
from aqb_data.store.database import _METADATA as SCHEMA  # noqa: PLC2701 - the store's own tables, one package
from aqb_data.store.database import Store, StoreError, is_url

CHUNK_ROWS = 5_000  # rows copied per statement: memory stays flat however large the database


@dataclass(frozen=True)
class Copied:
    """What a backup or restore copied: rows per table, the newest import, and the database it came from or went to
    (as messages show it: never a password)."""

    rows: dict[str, int]
    newest_import: int
    database: str

    def describe(self) -> str:
        """In German, e.g. `12.345 Zeilen in 7 Tabellen, bis Import Nr. 42`."""
        total = format_number(sum(self.rows.values()))
        return f"{total} Zeilen in {len(self.rows)} Tabellen, bis Import Nr. {self.newest_import}"


def _copy(source: sa.Connection, target: sa.Connection, database: str) -> Copied:
    """Every row of every table from `source` to the empty tables of `target`, parents before children."""
    rows: dict[str, int] = {}
    for table in SCHEMA.sorted_tables:
        count = 0
        keys = list(table.primary_key.columns)
        result = source.execution_options(yield_per=CHUNK_ROWS).execute(sa.select(table).order_by(*keys))
        for chunk in result.partitions():
            target.execute(table.insert(), [row._asdict() for row in chunk])
            count += len(chunk)
        rows[table.name] = count
    newest = target.execute(sa.select(sa.func.coalesce(sa.func.max(SCHEMA.tables["imports"].c.id), 0))).scalar_one()
    return Copied(rows, int(newest), database)


def backup(store: Store, target: Path) -> Copied:
    """Write the whole database of `store` to the new SQLite file `target` (never overwriting a file)."""
    if os.path.lexists(target):
        raise _exists(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, draft_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".neu", dir=target.parent)
    os.close(handle)
    draft = Path(draft_name)
    draft.unlink()  # the store creates the file itself, with its schema
    try:
        copy = Store(draft)
        with store._connect() as source, copy._write() as written:  # noqa: SLF001 - one snapshot, one transaction
            copied = _copy(source, written, store.shown_path)
        try:
            os.link(draft, target)  # whole or not at all; never over a file that appeared meanwhile
        except FileExistsError:
            raise _exists(target) from None
        return copied
    finally:
        for leftover in (draft, draft.with_name(f"{draft.name}-wal"), draft.with_name(f"{draft.name}-shm")):
            leftover.unlink(missing_ok=True)


def _exists(target: Path) -> StoreError:
    return StoreError(f"{visible(str(target))} gibt es schon; eine Sicherung überschreibt keine Datei.")


def _opened_backup(source: Path, folder: Path) -> Store:
    """The backup as a store, opened from a copy (an earlier schema is upgraded there, the backup stays as it is)."""
    if not source.is_file():
        raise StoreError(f"Die Sicherung {visible(str(source))} gibt es nicht (oder sie ist keine Datei).")
    copy = folder / "sicherung.sqlite"
    shutil.copyfile(source, copy)
    try:
        return Store(copy)
    except StoreError as error:
        raise StoreError(f"Die Sicherung {visible(str(source))} ist nicht verwendbar: {error}") from None


def restore(source: Path, location: str | Path, replace: bool = False) -> Copied:
    """Replace everything in the database at `location` (a file or a PostgreSQL URL; made if new) by the backup
    `source`, in one transaction. A database that holds imports is replaced only with `replace`."""
    with tempfile.TemporaryDirectory() as folder:
        backup_store = _opened_backup(source, Path(folder))
        target = Store(location)
        if not replace and not target.is_new():
            raise StoreError(
                f"Die Datenbank {target.shown_path} enthält schon Daten (Import Nr. {target.version()[0]}). "
                "Zurückspielen ersetzt alles darin: dafür --ersetzen angeben (vorher die Dienste anhalten)."
            )
        with backup_store._connect() as read, target._write() as written:  # noqa: SLF001 - the store's transactions
            for table in reversed(SCHEMA.sorted_tables):
                written.execute(table.delete())
            copied = _copy(read, written, target.shown_path)
            if is_url(str(location)):
                _continue_counters(written)
        return copied


def _continue_counters(connection: sa.Connection) -> None:
    """PostgreSQL: every table's counter of new row numbers after its highest restored number."""
    for table in SCHEMA.sorted_tables:
        (key,) = table.primary_key.columns
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key.name}'), "
                f"COALESCE((SELECT MAX({key.name}) FROM {table.name}), 0) + 1, false)"
            )
        )
