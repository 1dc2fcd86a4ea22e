"""The database: agreements, projects and progress with their full import history.

A SQLite file (the default) or a PostgreSQL database (`AQB_DB=postgresql://…`), both through SQLAlchemy Core: one
schema and one set of statements for both. Every import is one transaction: the rows a file brings for a (table,
district, year) replace that district's year in that table; replaced rows stay, marked with the import that replaced
them, so that the last import can be undone and any earlier state inspected. Amounts are stored as whole cents, so
sums are exact. Writes queue: on SQLite through the file's write lock, on PostgreSQL through an advisory lock that
every instance of the dashboard takes, so that imports from several servers land one after the other.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from aqb_data.analysis.achievement import latest_reports
from aqb_data.domain.access import AccessDeniedError, Action, User, operator
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label, load_districts
from aqb_data.domain.model import (
    AMENDMENTS,
    DEMO_FLAG,
    PROGRESS,
    SYNTHETIC_SOURCE,
    TABLE_BY_NAME,
    TABLES,
    Kind,
    Table,
    synthetic_mask,
)
from aqb_data.domain.notes import (
    NOTE_COLUMNS,
    NoteError,
    NoteKind,
    NoteStatus,
    check_place,
    clean_text,
    conform_notes,
)
from aqb_data.domain.values import visible
from aqb_data.paths import DEFAULT_DB, DEMO_NOTES, DEMO_WORKBOOK

# 2: every row has a `demo` flag (before, demo rows were told by the word "synthetisch" in their source).
# 3: the audit trail (who did what, when, with which file).
# 4: amendments to agreements, and the day each report was received.
# 5: notes and agreed actions per district and year, with their versions.
# 6: the places where ministry and district signed an agreement.
SCHEMA_VERSION = 6
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 15.0
CONNECT_TIMEOUT_S = 10  # PostgreSQL: how long to wait for the server before saying it cannot be reached
# Every write on PostgreSQL holds this transaction-level advisory lock (per database): writers of all instances queue.
WRITE_LOCK_KEY = 0x41514244  # "AQBD"
POSTGRES_SCHEMES = ("postgresql", "postgresql+psycopg")
KIND_WORKBOOK, KIND_DEMO, KIND_AGREEMENT, KIND_REMOVE_DEMO = "workbook", "demo", "agreement", "remove-demo"
KIND_NOTE = "note"  # a note or agreed action written, changed, done or reopened: one entry per change
KIND_LABELS = {
    KIND_WORKBOOK: "Arbeitsmappe",
    KIND_DEMO: "Demodaten",
    KIND_AGREEMENT: "Zielvereinbarung",
    KIND_REMOVE_DEMO: "Demodaten entfernt",
    KIND_NOTE: "Notiz",
}
NOTES_TABLE = "notes"
TABLE_LABELS = {table.name: table.sheet for table in TABLES}
# What an entry of the import log may have changed: the data tables, and the notes.
CHANGE_LABELS = {**TABLE_LABELS, NOTES_TABLE: "Notizen"}
DEFAULT_AUDIT_RETENTION_DAYS = 365
Places = Collection[tuple[str, int]]  # (ags, year) pairs: the district-years a check or preview reads


class AuditEvent(Enum):
    """What the audit trail records; `label` is the German wording on *Verlauf* and in its download."""

    IMPORT = "Arbeitsmappe eingelesen"
    AGREEMENT = "Zielvereinbarung übernommen"
    DEMO = "Demodaten angelegt"
    UNDO = "Import zurückgenommen"
    REMOVE_DEMO = "Demodaten entfernt"
    EXPORT_PACK = "Besprechungsunterlage exportiert"
    EXPORT_STATE = "Datenstand exportiert"
    NOTE_ADDED = "Notiz angelegt"
    NOTE_CHANGED = "Notiz geändert"
    ACTION_DONE = "Maßnahme erledigt"
    ACTION_REOPENED = "Maßnahme wieder geöffnet"

    @property
    def label(self) -> str:
        """The German wording."""
        return self.value


_IMPORT_EVENTS = {KIND_WORKBOOK: AuditEvent.IMPORT, KIND_AGREEMENT: AuditEvent.AGREEMENT, KIND_DEMO: AuditEvent.DEMO}
# Who may cause each event; the store checks it again before it writes.
_EVENT_ACTIONS = {
    AuditEvent.IMPORT: Action.UPLOAD,
    AuditEvent.AGREEMENT: Action.AGREEMENT,
    AuditEvent.DEMO: Action.UPLOAD,
    AuditEvent.UNDO: Action.UNDO,
    AuditEvent.REMOVE_DEMO: Action.REMOVE_DEMO,
    AuditEvent.EXPORT_PACK: Action.READ,
    AuditEvent.EXPORT_STATE: Action.EXPORT_STATE,
    AuditEvent.NOTE_ADDED: Action.NOTE,
    AuditEvent.NOTE_CHANGED: Action.NOTE,
    AuditEvent.ACTION_DONE: Action.NOTE,
    AuditEvent.ACTION_REOPENED: Action.NOTE,
}
AUDIT_COLUMNS = ["Zeitpunkt", "Benutzer", "Name", "Rollen", "Vorgang", "Import Nr.", "Datei", "SHA-256", "Änderung"]


class Keep(Enum):
    """`Store.update_note`: leave this value of the note as it is."""

    KEEP = "keep"


class StoreError(RuntimeError):
    """The database cannot do what was asked; the message says why, in German."""


class StoreBusyError(StoreError):
    """Another import holds the database; the German message asks to try again."""


class StoreConflictError(StoreError):
    """Since the preview, another import or an undo changed the same district, year and table."""


def is_url(location: object) -> bool:
    """True if `location` names a database server (`postgresql://…`) rather than a file."""
    return isinstance(location, str) and "://" in location


def default_path() -> Path | str:
    """The database: $AQB_DB if set (a file path, or a URL `postgresql://…`), else var/aqb.sqlite in the project."""
    location = os.environ.get("AQB_DB") or ""
    return location if is_url(location) else Path(location or DEFAULT_DB)


def sha256(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def _sql_column(column_name: str, kind: Kind) -> str:
    return f"{column_name}_cents" if kind is Kind.MONEY else column_name


# Text compares and sorts by code point on both engines (SQLite's BINARY; "C" on PostgreSQL, whatever the database's
# locale), so that the store sorts as pandas does.
_TEXT = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def _sql_type(kind: Kind) -> sa.types.TypeEngine:
    return sa.Integer() if kind in (Kind.YEAR, Kind.MEASURE_TYPE, Kind.COUNT, Kind.MONEY) else _TEXT


def _columns(table: Table) -> list[tuple[str, str, Kind]]:
    """(canonical name, SQL column, kind) for every stored column of a table."""
    return [(c.name, _sql_column(c.name, c.kind), c.kind) for c in table.columns if c.name in table.column_names]


_METADATA = sa.MetaData()
_IMPORTS = sa.Table(
    "imports",
    _METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    *(sa.Column(name, _TEXT, nullable=False) for name in ("file_name", "sha256", "kind", "imported_at", "summary")),
    sa.Column("undone_at", _TEXT),
)
_AUDIT = sa.Table(
    "audit",
    _METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    *(sa.Column(name, _TEXT, nullable=False) for name in ("at", "login", "name", "roles", "event")),
    sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id")),
    *(sa.Column(name, _TEXT, nullable=False, server_default="") for name in ("file_name", "sha256", "detail")),
)


def _history_table(name: str, *columns: sa.Column, indexes: tuple[sa.Index, ...] = ()) -> sa.Table:
    """A table whose rows are replaced, never changed: which import brought a row, and which replaced it."""
    return sa.Table(
        name,
        _METADATA,
        sa.Column("row_id", sa.Integer, primary_key=True),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("imports.id"), nullable=False),
        sa.Column("replaced_by", sa.Integer, sa.ForeignKey("imports.id")),
        *columns,
        sa.Column(DEMO_FLAG, sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Index(f"{name}_current", "replaced_by", "ags", "year"),
        sa.Index(f"{name}_import", "import_id"),
        *indexes,
    )


_DATA_TABLES = {
    table.name: _history_table(table.name, *(sa.Column(sql, _sql_type(kind)) for _, sql, kind in _columns(table)))
    for table in TABLES
}

# What a change of a note can touch, as the audit trail names it (status last: it is named on its own).
_NOTE_FIELDS = {
    "text": "Text",
    "due": "Fälligkeit",
    "measure_type": "Maßnahmenart",
    "project": "Projekt",
    "status": "Status",
}
# One row per version of a note: a change adds a row and marks the one before `replaced_by` (as imports do).
_NOTES = _history_table(
    NOTES_TABLE,
    sa.Column("note_id", sa.Integer, nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("ags", _TEXT, nullable=False),
    sa.Column("measure_type", sa.Integer),
    sa.Column("project", _TEXT),
    sa.Column("kind", _TEXT, nullable=False),
    sa.Column("text", _TEXT, nullable=False),
    sa.Column("status", _TEXT),
    sa.Column("due", _TEXT),
    *(sa.Column(name, _TEXT, nullable=False) for name in ("author_login", "author_name", "written_at")),
    indexes=(sa.Index(f"{NOTES_TABLE}_note", "note_id"),),
)
# Where PostgreSQL keeps the schema version (SQLite: in the file's header, `PRAGMA user_version`).
_VERSION_TABLE = sa.Table("schema_version", sa.MetaData(), sa.Column("version", sa.Integer, nullable=False))


def _stored_version(connection: Connection) -> int:
    """The schema version the database says it has (0 for a database that says nothing)."""
    if connection.dialect.name == "sqlite":
        return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())
    if not sa.inspect(connection).has_table(_VERSION_TABLE.name):
        return 0
    return int(connection.execute(sa.select(sa.func.max(_VERSION_TABLE.c.version))).scalar() or 0)


def _set_version(connection: Connection, version: int) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA user_version = {int(version)}")
        return
    _VERSION_TABLE.create(connection, checkfirst=True)
    connection.execute(_VERSION_TABLE.delete())
    connection.execute(_VERSION_TABLE.insert().values(version=int(version)))


def _add_column(connection: Connection, table: str, column: str, type_: sa.types.TypeEngine, extra: str = "") -> None:
    """ALTER TABLE … ADD COLUMN, with the column's type as this engine names it."""
    rendered = type_.compile(dialect=connection.dialect)
    connection.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} {rendered} {extra}".rstrip()))


def _upgrade_from_5(connection: Connection) -> None:
    """Schema 5 → 6: agreements get the places of their signatures (empty for earlier imports: the workbooks and
    readings before did not keep them)."""
    for column in ("signed_ministry_place", "signed_district_place"):
        _add_column(connection, "agreements", column, _TEXT)


def _upgrade_from_4(connection: Connection) -> None:
    """Schema 4 → 5: an empty table of notes and agreed actions."""
    _NOTES.create(connection)


def _upgrade_from_3(connection: Connection) -> None:
    """Schema 3 → 4: an empty table of amendments; reports get the day they were received (empty for earlier
    imports: they count as received on the day they were imported)."""
    _DATA_TABLES[AMENDMENTS.name].create(connection)
    _add_column(connection, "progress", "received", _TEXT)


def _upgrade_from_2(connection: Connection) -> None:
    """Schema 2 → 3: an empty audit trail (earlier imports stay in the import log, without a user)."""
    _AUDIT.create(connection)


def _upgrade_from_1(connection: Connection) -> None:
    """Schema 1 → 2: the rows the demo seed brought whose source says "synthetisch" become demo rows (schema 1
    told demo rows by that word alone, so a real project called so by its district counted as demo)."""
    for table in _SCHEMA_1_TABLES:
        _add_column(connection, table, DEMO_FLAG, sa.Integer(), "NOT NULL DEFAULT 0")
        connection.execute(
            sa.text(
                f"UPDATE {table} SET {DEMO_FLAG} = 1 WHERE source LIKE :pattern "
                "AND import_id IN (SELECT id FROM imports WHERE kind = :kind)"
            ),
            {"pattern": f"%{SYNTHETIC_SOURCE}%", "kind": KIND_DEMO},
        )


_SCHEMA_1_TABLES = ("agreements", "projects", "progress")  # what every schema has; amendments came with 4
# From each earlier schema to the next.
_UPGRADES = {1: _upgrade_from_1, 2: _upgrade_from_2, 3: _upgrade_from_3, 4: _upgrade_from_4, 5: _upgrade_from_5}
_REMEDY = (
    "Es wurde nichts geändert. Bitte die Datei aus einer Sicherung wiederherstellen oder eine andere Datenbank "
    "wählen (Umgebungsvariable AQB_DB, auf der Kommandozeile --db); eine neue Datenbank mit den Demodaten entsteht "
    "nur unter einem Pfad, an dem noch keine Datei liegt."
)
_SERVER_REMEDY = (
    "Es wurde nichts geändert. Bitte prüfen, ob der Datenbankserver läuft und ob Rechner, Port, Datenbank, Benutzer "
    "und Passwort in der Umgebungsvariablen AQB_DB (auf der Kommandozeile --db) stimmen."
)
_FOREIGN_REMEDY = (
    "Es wurde nichts geändert. Bitte in AQB_DB (auf der Kommandozeile --db) eine leere Datenbank oder eine Datenbank "
    "des Dashboards angeben; in einer leeren Datenbank legt das Dashboard seine Tabellen mit den Demodaten an."
)


def _postgres_url(location: str) -> sa.URL:
    """The SQLAlchemy URL of a `postgresql://…` location, for psycopg 3; StoreError (German, without the password)
    for anything else."""
    try:
        url = sa.make_url(location)
    except (sa.exc.ArgumentError, ValueError):
        raise StoreError(
            "Die Datenbank-Adresse in AQB_DB (auf der Kommandozeile --db) ist ungültig. Erwartet wird ein Dateipfad "
            "(SQLite) oder eine Adresse der Form postgresql://benutzer:passwort@rechner:5432/datenbank."
        ) from None
    if url.drivername not in POSTGRES_SCHEMES:
        raise StoreError(
            f"Die Datenbank-Adresse {visible(_shown_url(url))} wird nicht unterstützt: möglich sind ein Dateipfad "
            "(SQLite) oder eine Adresse postgresql://… (PostgreSQL)."
        )
    return url.set(drivername="postgresql+psycopg")


def _shown_url(url: sa.URL) -> str:
    """The address as a message may show it: engine, user, host, port and database, never a password (not even one
    given in the query part)."""
    shown = sa.URL.create(
        url.drivername.split("+")[0], username=url.username, host=url.host, port=url.port, database=url.database
    )
    return shown.render_as_string(hide_password=False)


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def _sqlite_engine(path: Path) -> Engine:
    """Connections to an existing SQLite file, one per use (no pool: a file deleted while the dashboard runs is not
    kept open). Transactions begin explicitly: deferred for reading, IMMEDIATE for writing (`write` option)."""
    # mode=rw: a file deleted while the dashboard runs must not come back as an empty one.
    uri = f"{path.resolve().as_uri()}?mode=rw"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)

    engine = sa.create_engine("sqlite://", creator=connect, poolclass=NullPool)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get("aqb_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _engine(location: Path | sa.URL) -> Engine:
    """The engine of a database, shared by every Store of this process (PostgreSQL: one pool of connections)."""
    key = str(location.resolve()) if isinstance(location, Path) else location.render_as_string(hide_password=False)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            if isinstance(location, Path):
                engine = _sqlite_engine(location)
            else:
                engine = sa.create_engine(
                    location, pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}
                )
            _ENGINES[key] = engine
        return engine


def close_connections() -> None:
    """Close every pooled database connection of this process (before a test drops its database, or at exit)."""
    with _ENGINES_LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def _forget_inherited_connections() -> None:
    """In a forked child: never use the parent's connections (they stay the parent's; the child opens its own)."""
    for engine in list(_ENGINES.values()):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_forget_inherited_connections)


def _first_line(error: BaseException | None) -> str:
    """The first line of a database's message (PostgreSQL adds details and hints on further lines)."""
    return str(error).strip().splitlines()[0] if str(error).strip() else error.__class__.__name__


def _busy(error: sa.exc.DBAPIError) -> bool:
    """True if the database refused because another transaction holds its lock too long."""
    cause = error.orig
    if isinstance(cause, sqlite3.OperationalError):
        return "locked" in str(cause) or "busy" in str(cause)
    return getattr(cause, "sqlstate", None) == "55P03"  # PostgreSQL: lock_not_available


def _units_text(units: Iterable[tuple[str, str, int]]) -> str:
    """`Projekte: Waldeck-Frankenberg 2025; Umsetzungsstand: Kassel (Stadt) 2024` for (table, ags, year) units."""
    by_table: dict[str, list[str]] = {}
    for table, ags, year in sorted(units):
        by_table.setdefault(TABLE_LABELS[table], []).append(f"{district_label(ags)} {year}")
    return "; ".join(f"{label}: {', '.join(places)}" for label, places in by_table.items())


def _to_sql(frame: pd.DataFrame, table: Table) -> list[tuple[object, ...]]:
    """Rows as plain Python values: cents for money, ISO text for dates, None for missing."""
    converted = {}
    for name, _, kind in _columns(table):
        series = frame[name]
        if kind is Kind.MONEY:
            converted[name] = [None if pd.isna(v) else round(float(v) * 100) for v in series]
        elif kind is Kind.DATE:
            converted[name] = [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in series]
        elif kind in (Kind.YEAR, Kind.MEASURE_TYPE, Kind.COUNT):
            converted[name] = [None if pd.isna(v) else int(v) for v in series]
        else:
            converted[name] = [None if pd.isna(v) else str(v) for v in series]
    return list(zip(*converted.values(), strict=True)) if len(frame) else []


def _sql_value(value: object) -> object:
    """A key value as stored: ISO text for dates, plain int for numbers."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return int(value) if hasattr(value, "item") and not isinstance(value, str) else value


def _from_sql(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Stored rows back as a canonical table, with the `demo` flag as a last column."""
    renamed = {}
    for name, sql, kind in _columns(table):
        series = frame[sql]
        renamed[name] = (pd.to_numeric(series) / 100).round(2) if kind is Kind.MONEY else series
    result = table.conform(pd.DataFrame(renamed))
    result[DEMO_FLAG] = frame[DEMO_FLAG].astype(bool).to_numpy()
    return result.sort_values(list(table.key), ignore_index=True)


def _in_effect(as_of: int | None, prefix: str = "") -> tuple[str, dict[str, object]]:
    """The condition (and its parameters) for the rows in effect now, or right after import `as_of`."""
    if as_of is None:
        return f"{prefix}replaced_by IS NULL", {}
    return (
        f"{prefix}import_id <= :as_of AND ({prefix}replaced_by IS NULL OR {prefix}replaced_by > :as_of)",
        {"as_of": int(as_of)},
    )


def _frame(connection: Connection, statement: sa.TextClause, params: Mapping[str, object]) -> pd.DataFrame:
    """The rows of a query as a frame, one column per selected column (values as the driver gives them)."""
    result = connection.execute(statement, params)
    # The driver's own rows (plain tuples; text() has no result types to process): a large table builds in a
    # tenth less time than through SQLAlchemy's rows.
    rows = result.cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=list(result.keys()), coerce_float=True)


def _add_import(
    connection: Connection, file_name: str, digest: str, kind: str, at: datetime, summary: Mapping[str, object]
) -> int:
    """A new entry of the import log; its number."""
    result = connection.execute(
        _IMPORTS.insert().values(
            file_name=file_name,
            sha256=digest,
            kind=kind,
            imported_at=at.isoformat(),
            summary=json.dumps(summary, ensure_ascii=False),
        )
    )
    return int(result.inserted_primary_key[0])


@dataclass
class TableChange:
    """What an import does to one table: counts of rows and which district-years it touches."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0
    units: list[tuple[object, ...]] = field(default_factory=list)  # values of Table.replaces

    @property
    def any(self) -> bool:
        """True if the table would change."""
        return bool(self.added or self.changed or self.removed)


@dataclass
class ChangePreview:
    """Everything an import would change, before it is confirmed.

    `rows` lists the added, changed and removed rows (column `Änderung`); `money` the euro deltas per
    district and year (budget, planned, latest spent).
    """

    tables: dict[str, TableChange]
    rows: pd.DataFrame
    money: pd.DataFrame
    same_file: dict[str, object] | None = None
    # What the preview rests on: per (table, ags, year) the file touches, a digest of the rows in effect there.
    basis: dict[tuple[str, str, int], str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        """True if the import would change anything."""
        return any(change.any for change in self.tables.values())

    def counts(self) -> pd.DataFrame:
        """Rows per sheet: new, changed, unchanged, removed (German headings)."""
        return pd.DataFrame(
            [
                {
                    "Blatt": TABLE_LABELS[name],
                    "neu": c.added,
                    "geändert": c.changed,
                    "unverändert": c.unchanged,
                    "entfällt": c.removed,
                }
                for name, c in self.tables.items()
            ]
        )

    def changed_rows(self) -> pd.DataFrame:
        """The new, changed and removed rows, named as an analyst knows them (German headings)."""
        if self.rows.empty:
            return pd.DataFrame(columns=["Blatt", "Änderung", "Jahr", "Gebietskörperschaft", "Projekt", "Stichtag"])
        rows = self.rows
        return pd.DataFrame(
            {
                "Blatt": rows["Tabelle"],
                "Änderung": rows["Änderung"],
                "Jahr": rows["year"],
                "Gebietskörperschaft": rows["ags"].map(district_label),
                "Projekt": rows.get("project"),
                "Stichtag": rows.get("as_of"),
            }
        )

    def money_by_district(self) -> pd.DataFrame:
        """The euro deltas per district and year (German headings)."""
        if self.money.empty:
            return self.money
        return self.money.assign(Gebietskörperschaft=self.money["ags"].map(district_label)).rename(
            columns={"year": "Jahr"}
        )[["Gebietskörperschaft", "Jahr", "Kennzahl", "vorher", "nachher", "Differenz"]]


@dataclass(frozen=True)
class ImportRecord:
    """One entry of the import log."""

    id: int
    file_name: str
    sha256: str
    kind: str
    imported_at: datetime
    summary: dict[str, dict[str, int]]
    undone_at: datetime | None = None
    note_id: int | None = None  # for a change of a note: which note

    def describe(self) -> str:
        """What the import changed, in German: `Projekte: 1 neu, 2 geändert; Umsetzungsstand: 4 neu`."""
        parts = []
        for table, counts in self.summary.items():
            numbers = ", ".join(f"{count} {label}" for label, count in counts.items() if count)
            parts.append(f"{CHANGE_LABELS[table]}: {numbers or 'keine Änderung'}")
        return "; ".join(parts)


# What counts as a change: the figures, not where or when they came (source, day received).
_COMPARED = {
    table.name: [c for c in table.column_names if c not in (*table.key, "source", "received")] for table in TABLES
}


def _diff(table: Table, old: pd.DataFrame, new: pd.DataFrame, compare_source: bool) -> tuple[TableChange, pd.DataFrame]:
    """Compare the current rows of the touched units with the incoming rows (`source` only where the file
    gives its own: a default "uploaded at …" source differs every time and is no change)."""
    unit = list(table.replaces)
    groups = sorted(set(pd.MultiIndex.from_frame(new[unit]).tolist()))
    old = old[pd.MultiIndex.from_frame(old[unit]).isin(groups)] if len(old) else old
    key = list(table.key)
    merged = old.merge(new, on=key, how="outer", suffixes=("_alt", "_neu"), indicator=True, validate="1:1")
    compared = _COMPARED[table.name] + (["source"] if compare_source else [])

    both = merged[merged["_merge"] == "both"]
    changed_mask = pd.Series(False, index=both.index)
    for column in compared:
        before, after = both[f"{column}_alt"], both[f"{column}_neu"]
        same = (before == after).fillna(False).astype(bool) | (before.isna() & after.isna())
        changed_mask |= ~same
    change = TableChange(
        added=int((merged["_merge"] == "right_only").sum()),
        changed=int(changed_mask.sum()),
        unchanged=int(len(both) - changed_mask.sum()),
        removed=int((merged["_merge"] == "left_only").sum()),
        units=groups,
    )
    status = merged["_merge"].map({"right_only": "neu", "left_only": "entfällt", "both": "geändert"}).astype(str)
    shown = merged.assign(Änderung=status, Tabelle=table.sheet)
    shown = shown[(shown["Änderung"] != "geändert") | shown.index.isin(changed_mask[changed_mask].index)]
    return change, shown


def _money(table: Table, frame: pd.DataFrame) -> pd.Series:
    """The euro figure a table contributes per (ags, year): budget or planned (spent: see `_spent`)."""
    if frame.empty:
        return pd.Series(dtype="float64")
    return frame.groupby(["ags", "year"])["budget_eur" if table.name == "agreements" else "planned_eur"].sum()


def _spent(projects: pd.DataFrame, progress: pd.DataFrame) -> pd.Series:
    """Spent money per (ags, year) as Zielerreichung counts it: per project of the year's project list its latest
    report (`achievement.latest_reports`); reports of projects that are not on the list do not count."""
    if projects.empty or progress.empty:
        return pd.Series(dtype="float64")
    latest = latest_reports(AqbData(pd.DataFrame(), projects, progress), None)[["year", "ags", "project", "spent_eur"]]
    counted = projects[["year", "ags", "project"]].merge(
        latest, on=["year", "ags", "project"], how="inner", validate="1:1"
    )
    return counted.groupby(["ags", "year"])["spent_eur"].sum()


_MONEY_LABELS = {
    "agreements": "Haushaltsmittel",
    "projects": "Geplante Mittel",
    "progress": "Verausgabt (letzter Stichtag)",
}


class Store:
    """The database at one path or address: a new one is created with the current schema, an existing one is checked
    (and an earlier schema brought up to date)."""

    def __init__(
        self,
        path: str | Path | None = None,
        require_user: bool = False,
        audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS,
    ) -> None:
        """Open (or create) the database: a SQLite file, or a PostgreSQL database named by a URL `postgresql://…`.
        With `require_user` (the dashboard's server) every write must name its user; otherwise a write without one
        is the operating-system user's (command line, single seat)."""
        location = path if path else default_path()
        self.url = _postgres_url(str(location)) if is_url(location) else None
        self.path: Path | str = str(location) if self.url is not None else Path(location)
        self.require_user = require_user
        self.audit_retention_days = audit_retention_days
        # A path is text from outside too: never raw in a message; an address is shown without its password.
        self.shown_path = visible(_shown_url(self.url) if self.url is not None else str(self.path))
        if self.url is None:
            if not os.path.lexists(self.path):
                self._create()
            self._check_file()
            self._engine = _engine(Path(self.path))
        else:
            self._engine = _engine(self.url)
        self._check()

    @property
    def engine_name(self) -> str:
        """The engine's name as messages give it: SQLite or PostgreSQL."""
        return "SQLite" if self.url is None else "PostgreSQL"

    def _create(self) -> None:
        """Make the new SQLite file beside its path and link it in whole: the path never shows a half-made file (which
        the next start would refuse), and when several processes create it at once, the first one's stays."""
        path = Path(self.path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, draft_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".neu", dir=path.parent)
            os.close(handle)
            draft = Path(draft_name)
        except OSError as error:
            raise StoreError(
                f"Die Datenbank {self.shown_path} kann nicht angelegt werden "
                f"({error.strerror or error.__class__.__name__}). Bitte den Ordner und die Schreibrechte prüfen."
            ) from None
        engine = None
        try:
            connection = sqlite3.connect(draft, isolation_level=None)
            try:
                connection.execute("PRAGMA journal_mode=WAL")  # outside a transaction, before the schema
            finally:
                connection.close()
            engine = _sqlite_engine(draft)
            with engine.connect() as connection:
                connection.execution_options(aqb_write=True)
                with connection.begin():
                    self._create_schema(connection)
            try:
                os.link(draft, path)
            except FileExistsError:
                pass  # another process created it first: use theirs
            except OSError:  # a file system without hard links
                if not os.path.lexists(path):
                    draft.replace(path)
        except (OSError, sqlite3.Error, sa.exc.DBAPIError) as error:
            reason = error.orig if isinstance(error, sa.exc.DBAPIError) else error
            raise StoreError(
                f"Die Datenbank {self.shown_path} kann nicht angelegt werden ({visible(str(reason))}). "
                "Bitte den Ordner und die Schreibrechte prüfen."
            ) from None
        finally:
            if engine is not None:
                engine.dispose()
            for leftover in (draft, draft.with_name(f"{draft.name}-wal"), draft.with_name(f"{draft.name}-shm")):
                leftover.unlink(missing_ok=True)

    @staticmethod
    def _create_schema(connection: Connection) -> None:
        _METADATA.create_all(connection)
        _set_version(connection, SCHEMA_VERSION)

    def _check_file(self) -> None:
        """Refuse, with a German message that names the file and what to do, a path that holds no SQLite database."""
        try:
            with Path(self.path).open("rb") as file:
                head = file.read(len(SQLITE_HEADER))
        except IsADirectoryError:
            raise StoreError(
                f"{self.shown_path} ist ein Ordner, keine Datenbank des AQB-Dashboards. {_REMEDY}"
            ) from None
        except OSError as error:
            raise StoreError(
                f"Die Datenbank {self.shown_path} kann nicht gelesen werden "
                f"({error.strerror or error.__class__.__name__}). {_REMEDY}"
            ) from None
        if not head:
            raise StoreError(
                f"Die Datenbank {self.shown_path} ist leer (0 Byte), etwa nach einem abgebrochenen Kopieren oder "
                "auf einem vollen Datenträger. Sie wird nicht neu angelegt, damit nichts überschrieben wird. "
                f"{_REMEDY} Wer neu mit den Demodaten beginnen will, löscht die leere Datei."
            )
        if head != SQLITE_HEADER:
            raise StoreError(
                f"{self.shown_path} ist keine Datenbank des AQB-Dashboards (die Datei ist keine SQLite-Datenbank). "
                f"{_REMEDY}"
            )

    def _check(self) -> None:
        """Refuse, with a German message that names the database and what to do, anything but an intact database of
        the dashboard; bring an earlier schema up to date. An empty PostgreSQL database gets the schema."""
        with self._connect() as connection:
            if self.url is None:
                problems = [str(row[0]) for row in connection.exec_driver_sql("PRAGMA quick_check(3)")]
                if problems != ["ok"]:
                    raise StoreError(self._damaged("; ".join(problems)))
            tables = set(sa.inspect(connection).get_table_names())
            version = _stored_version(connection)
        if self.url is not None and not tables:
            with self._write() as connection:  # when several instances start at once, the first one creates it
                if not sa.inspect(connection).get_table_names():
                    self._create_schema(connection)
            return
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"Die Datenbank {self.shown_path} stammt von einer neueren Version des Dashboards "
                f"(Schema {version}, diese Version kennt bis {SCHEMA_VERSION}). Bitte das Dashboard aktualisieren."
            )
        ours = {"imports", *_SCHEMA_1_TABLES}
        if (version != SCHEMA_VERSION and version not in _UPGRADES) or not ours <= tables:
            names = ", ".join(f"„{visible(name[:40])}“" for name in sorted(tables)[:8]) or "keine"
            raise StoreError(
                f"{self.shown_path} ist keine Datenbank des AQB-Dashboards (eine {self.engine_name}-Datenbank mit "
                f"anderen Tabellen: {names}). {_REMEDY if self.url is None else _FOREIGN_REMEDY}"
            )
        if version < SCHEMA_VERSION:
            self._upgrade()

    def _upgrade(self) -> None:
        """Bring an earlier schema to the current one in one transaction (once, when several processes open it)."""
        with self._write() as connection:
            version = _stored_version(connection)
            while version < SCHEMA_VERSION:
                _UPGRADES[version](connection)
                version += 1
            _set_version(connection, SCHEMA_VERSION)

    def _damaged(self, reason: object) -> str:
        return f"Die Datenbank {self.shown_path} ist beschädigt (SQLite meldet: {visible(str(reason))}). {_REMEDY}"

    def _failed(self, error: sa.exc.DBAPIError) -> str:
        """The German message for an error the database reported."""
        cause = error.orig
        if self.url is not None:
            return (
                f"Die Datenbank {self.shown_path} kann nicht gelesen oder geschrieben werden (PostgreSQL meldet: "
                f"{visible(_first_line(cause))}). Es wurde nichts geändert."
            )
        if isinstance(cause, sqlite3.OperationalError) and "malformed" not in str(cause):
            return (
                f"Die Datenbank {self.shown_path} kann nicht gelesen oder geschrieben werden (SQLite meldet: "
                f"{visible(str(cause))}). Es wurde nichts geändert."
            )
        return self._damaged(cause)

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[Connection]:
        """A connection to the existing database (never creating a file); the database's errors come out as
        StoreError. Reading sees one state of the data throughout (SQLite: one transaction; PostgreSQL: repeatable
        read, read only); with `write`, the transaction `_write` begins."""
        try:
            connection = self._engine.connect()
            if write:
                connection.execution_options(aqb_write=True)  # SQLite: BEGIN IMMEDIATE
            elif self.url is not None:
                connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        except sa.exc.DBAPIError as error:
            if self.url is not None:
                raise StoreError(
                    f"Die Datenbank {self.shown_path} ist nicht erreichbar (PostgreSQL meldet: "
                    f"{visible(_first_line(error.orig))}). {_SERVER_REMEDY}"
                ) from None
            if isinstance(error.orig, sqlite3.OperationalError):
                raise StoreError(
                    f"Die Datenbank {self.shown_path} kann nicht geöffnet werden ({visible(str(error.orig))}). "
                    f"{_REMEDY}"
                ) from None
            raise StoreError(self._failed(error)) from None
        try:
            yield connection
        except sa.exc.DBAPIError as error:
            raise StoreError(self._failed(error)) from None
        finally:
            connection.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction, after every earlier writer's (of any process or server); StoreBusyError if another
        import holds the database too long."""
        with self._connect(write=True) as connection:
            try:
                transaction = connection.begin()
                if self.url is not None:
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                    connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            except sa.exc.OperationalError as error:
                if _busy(error):
                    raise StoreBusyError(
                        "Die Datenbank ist gerade durch einen anderen Import belegt. Bitte in einigen Sekunden "
                        "erneut versuchen; es wurde nichts geändert."
                    ) from None
                raise
            with transaction:  # commits at the end, rolls back on any exception
                yield connection

    # --- reading ---------------------------------------------------------------------------------

    def version(self) -> tuple[int, int]:
        """Changes whenever the data changes (newest import id, number of undone imports): a cache key."""
        with self._connect() as connection:
            return self._version(connection)

    @staticmethod
    def _version(connection: Connection) -> tuple[int, int]:
        row = connection.execute(sa.text("SELECT COALESCE(MAX(id), 0), COUNT(undone_at) FROM imports")).one()
        return int(row[0]), int(row[1])

    def is_new(self) -> bool:
        """True if nothing was ever imported."""
        return self.version() == (0, 0)

    def _table(
        self,
        connection: Connection,
        table: Table,
        as_of: int | None = None,
        places: Places | None = None,
    ) -> pd.DataFrame:
        """The rows in effect (now, or right after import `as_of`); with `places`, only those district-years."""
        columns = ", ".join([*(sql for _, sql, _ in _columns(table)), DEMO_FLAG])
        if table is PROGRESS:  # a report without its day of receipt was received when it was imported
            columns = columns.replace(
                "received",
                "COALESCE(received, substr((SELECT imported_at FROM imports WHERE id = import_id), 1, 10)) AS received",
            )
        condition, params = _in_effect(as_of)
        wanted = None
        expanding = []
        if places is not None:
            # Districts and years through the index (replaced_by, ags, year); the exact pairs after it.
            wanted = {(str(ags), int(year)) for ags, year in places}
            params["districts"] = sorted({ags for ags, _ in wanted}) or [""]
            params["years"] = sorted({year for _, year in wanted}) or [0]
            condition += " AND ags IN :districts AND year IN :years"
            expanding = [sa.bindparam("districts", expanding=True), sa.bindparam("years", expanding=True)]
        statement = sa.text(f"SELECT {columns} FROM {table.name} WHERE {condition}").bindparams(*expanding)
        frame = _frame(connection, statement, params)
        if wanted is not None and len(frame):
            frame = frame[[pair in wanted for pair in zip(frame["ags"], frame["year"].astype(int), strict=True)]]
            frame = frame.reset_index(drop=True)
        return _from_sql(frame, table)

    def load(self, as_of: int | None = None, places: Places | None = None) -> AqbData:
        """The data as it stands now, or right after import `as_of`; with `places` ((ags, year) pairs), only the
        rows of those district-years (what checking a district's report needs, however large the store grows)."""
        with self._connect() as connection:
            tables = {table.name: self._table(connection, table, as_of, places) for table in TABLES}
            condition = "undone_at IS NULL" + (" AND id <= :as_of" if as_of is not None else "")
            files = (
                connection.execute(
                    sa.text(
                        f"SELECT file_name FROM imports WHERE {condition} AND kind NOT IN (:remove, :note) ORDER BY id"
                    ),
                    {"as_of": as_of, "remove": KIND_REMOVE_DEMO, "note": KIND_NOTE},
                )
                .scalars()
                .all()
            )
        return AqbData.of(tables, tuple(dict.fromkeys(files)))

    @contextmanager
    def state_rows(
        self, as_of: int | None = None, ags: str | None = None
    ) -> Iterator[dict[str, Iterator[tuple[object, ...]]]]:
        """The rows of every table as they stand now (or right after import `as_of`), only district `ags`'s if
        given, streamed from one reading of the database (no table is held whole): per table, tuples in the order
        of its `column_names` with the values `load` gives (euros, dates, whole numbers, text, None), sorted by its
        key as `load` sorts them. For writing a large state without building its tables first."""
        with self._connect() as connection:  # one snapshot for all tables, however long the writing takes
            yield {table.name: self._rows(connection, table, as_of, ags) for table in TABLES}

    @staticmethod
    def _rows(connection: Connection, table: Table, as_of: int | None, ags: str | None) -> Iterator[tuple[object, ...]]:
        selected = []
        for name, sql, kind in _columns(table):
            if kind is Kind.MONEY:
                selected.append(f"CAST({sql} AS DOUBLE PRECISION) / 100")  # the same double as cents / 100 in Python
            elif table is PROGRESS and name == "received":  # as `_table`: received when imported, if not said
                selected.append(
                    "COALESCE(received, substr((SELECT imported_at FROM imports WHERE id = import_id), 1, 10))"
                )
            else:
                selected.append(sql)
        condition, params = _in_effect(as_of)
        if ags is not None:
            condition, params = f"{condition} AND ags = :ags", {**params, "ags": str(ags)}
        order = ", ".join(_sql_column(name, table.column(name).kind) for name in table.key)
        statement = sa.text(f"SELECT {', '.join(selected)} FROM {table.name} WHERE {condition} ORDER BY {order}")
        # PostgreSQL: a server-side cursor, so that a large table is never held whole (SQLite reads as it goes).
        result = connection.execute(statement.execution_options(stream_results=True, max_row_buffer=5_000), params)
        dates = [index for index, (_, _, kind) in enumerate(_columns(table)) if kind is Kind.DATE]
        days: dict[str, date] = {}
        while batch := result.fetchmany(5_000):
            if not dates:
                yield from map(tuple, batch)
                continue
            for row in batch:
                values = list(row)
                for index in dates:
                    text = values[index]
                    if text is not None:
                        day = days.get(text)
                        if day is None:
                            day = days[text] = date.fromisoformat(text)
                        values[index] = day
                yield tuple(values)

    def history(self) -> list[ImportRecord]:
        """All imports, newest first."""
        with self._connect() as connection:
            return self._history(connection)

    @staticmethod
    def _history(connection: Connection) -> list[ImportRecord]:
        rows = connection.execute(
            sa.text("SELECT id, file_name, sha256, kind, imported_at, summary, undone_at FROM imports ORDER BY id DESC")
        ).all()
        return [
            ImportRecord(
                id=row[0],
                file_name=row[1],
                sha256=row[2],
                kind=row[3],
                imported_at=datetime.fromisoformat(row[4]),
                summary=json.loads(row[5]),
                undone_at=datetime.fromisoformat(row[6]) if row[6] else None,
            )
            for row in rows
        ]

    # --- changing --------------------------------------------------------------------------------

    def _preview(
        self,
        connection: Connection,
        tables: dict[str, pd.DataFrame],
        digest: str,
        sources_given: frozenset[str] = frozenset(),
    ) -> ChangePreview:
        changes, rows, money = {}, [], []
        basis: dict[tuple[str, str, int], str] = {}
        everything: dict[str, tuple[pd.DataFrame, pd.DataFrame]] = {}  # per table: its rows before and after
        spent_touched: set[tuple[str, int]] = set()
        # Every figure below is per district-year the file brings: only those rows are read, in every table.
        places = {
            (str(ags), int(year))
            for frame in tables.values()
            if frame is not None and len(frame)
            for ags, year in zip(frame["ags"], frame["year"], strict=True)
            if pd.notna(ags) and pd.notna(year)
        }
        for table in TABLES:
            new = tables.get(table.name)
            if new is None or new.empty:
                continue
            doubled = new[new.duplicated(list(table.key), keep=False)]
            if len(doubled):
                first = doubled.iloc[0]
                raise StoreError(
                    f"{table.sheet}: dieselbe Zeile steht doppelt ({district_label(first['ags'])} {first['year']}"
                    + (f", Projekt „{first['project']}“" if "project" in doubled else "")
                    + "); bitte nur einmal angeben"
                )
            old = self._table(connection, table, places=places).drop(columns=DEMO_FLAG)
            new = new.drop(columns=DEMO_FLAG, errors="ignore")
            change, shown = _diff(table, old, new, table.name in sources_given)
            changes[table.name] = change
            rows.append(shown)
            touched = pd.MultiIndex.from_tuples(
                sorted({(ags, int(year)) for ags, year, *_ in change.units}), names=["ags", "year"]
            )
            # After the import: the touched years' rows that stay (other Stichtage) plus the new ones.
            old_touched = old[pd.MultiIndex.from_frame(old[["ags", "year"]]).isin(touched)] if len(old) else old
            stays = (
                old_touched[~pd.MultiIndex.from_frame(old_touched[list(table.replaces)]).isin(change.units)]
                if len(old_touched)
                else old_touched
            )
            kept = old[~pd.MultiIndex.from_frame(old[list(table.replaces)]).isin(change.units)] if len(old) else old
            everything[table.name] = (old, pd.concat([kept, new], ignore_index=True))
            if table.name == "agreements" or table.name == "projects":
                before = _money(table, old_touched).reindex(touched).fillna(0.0)
                after = _money(table, pd.concat([stays, new], ignore_index=True)).reindex(touched).fillna(0.0)
                money.append(
                    pd.DataFrame(
                        {"Kennzahl": _MONEY_LABELS[table.name], "vorher": before, "nachher": after}
                    ).reset_index()
                )
            if table.name != "agreements":  # a new project list changes which reports count as well
                spent_touched |= set(touched)
            for (ags, year), rows_in_effect in self._bases(connection, table, touched).items():
                basis[(table.name, ags, year)] = rows_in_effect
        if spent_touched:
            money.append(self._spent_change(connection, everything, spent_touched, places))
        same = connection.execute(
            sa.text(
                "SELECT file_name, imported_at FROM imports WHERE sha256 = :digest AND undone_at IS NULL "
                "ORDER BY id DESC"
            ),
            {"digest": digest},
        ).first()
        money_frame = pd.concat(money, ignore_index=True) if money else pd.DataFrame()
        if len(money_frame):
            money_frame["Differenz"] = (money_frame["nachher"] - money_frame["vorher"]).round(2)
        return ChangePreview(
            tables=changes,
            rows=pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(),
            money=money_frame,
            same_file={"file_name": same[0], "imported_at": datetime.fromisoformat(same[1])} if same else None,
            basis=basis,
        )

    def _spent_change(
        self,
        connection: Connection,
        everything: dict[str, tuple[pd.DataFrame, pd.DataFrame]],
        touched: set[tuple[str, int]],
        places: Places,
    ) -> pd.DataFrame:
        """Spent money before and after the import per touched (ags, year), counted as Zielerreichung counts it:
        from the project list and the reports in effect before, and from those the import leaves (`everything`
        holds the rows of `places`, which include the touched ones)."""
        index = pd.MultiIndex.from_tuples(sorted(touched), names=["ags", "year"])
        frames = {}
        for name in ("projects", "progress"):
            if name not in everything:  # the file leaves this sheet as it is
                stored = self._table(connection, TABLE_BY_NAME[name], places=places).drop(columns=DEMO_FLAG)
                everything[name] = (stored, stored)
            frames[name] = [
                frame[pd.MultiIndex.from_frame(frame[["ags", "year"]]).isin(index)] if len(frame) else frame
                for frame in everything[name]
            ]
        (projects_before, projects_after), (progress_before, progress_after) = frames["projects"], frames["progress"]
        before = _spent(projects_before, progress_before).reindex(index).fillna(0.0)
        after = _spent(projects_after, progress_after).reindex(index).fillna(0.0)
        return pd.DataFrame({"Kennzahl": _MONEY_LABELS["progress"], "vorher": before, "nachher": after}).reset_index()

    @staticmethod
    def _bases(
        connection: Connection, table: Table, units: Iterable[tuple[object, object]]
    ) -> dict[tuple[str, int], str]:
        """For each district's year in `units`, a digest of which rows are in effect in a table (one query for all of
        them). Rows never change once stored and import numbers are never reused, so (import, row) pairs change
        exactly when that data changes."""
        wanted = {(str(ags), int(year)) for ags, year in units}
        if not wanted:
            return {}
        statement = sa.text(
            f"SELECT ags, year, import_id, row_id FROM {table.name} WHERE replaced_by IS NULL "
            "AND ags IN :ags AND year IN :years ORDER BY row_id"
        ).bindparams(sa.bindparam("ags", expanding=True), sa.bindparam("years", expanding=True))
        found: dict[tuple[str, int], list[list[int]]] = {unit: [] for unit in wanted}
        rows = connection.execute(
            statement, {"ags": sorted({a for a, _ in wanted}), "years": sorted({y for _, y in wanted})}
        )
        for ags, year, import_id, row_id in rows:  # rows of every wanted district and year, and a few others
            unit = (str(ags), int(year))
            if unit in found:
                found[unit].append([import_id, row_id])
        return {unit: hashlib.sha256(json.dumps(pairs).encode()).hexdigest() for unit, pairs in found.items()}

    def preview(
        self, tables: dict[str, pd.DataFrame], digest: str = "", sources_given: frozenset[str] = frozenset()
    ) -> ChangePreview:
        """What importing these tables would change, without changing anything.

        `sources_given` names the tables whose file has its own `Quelle` column (then a new source is a change).
        """
        with self._connect() as connection:
            return self._preview(connection, tables, digest, sources_given)

    def import_tables(
        self,
        tables: dict[str, pd.DataFrame],
        file_name: str,
        digest: str,
        kind: str = KIND_WORKBOOK,
        sources_given: frozenset[str] = frozenset(),
        expected_version: tuple[int, int] | None = None,
        expected_basis: dict[tuple[str, str, int], str] | None = None,
        user: User | None = None,
    ) -> ImportRecord | None:
        """Import the tables of one file as one transaction; None if that would change nothing.

        With `expected_version` (the store's version when the preview was made), refuse (StoreConflictError) if
        the data changed since: the analyst confirmed a preview, not whatever the import would now do. With
        `expected_basis` too (the preview's `basis`), refuse only if the change touched a district's year in a
        table this file touches: imports of different districts all land, one after the other.

        `user` must be allowed to upload (AccessDeniedError otherwise, nothing stored); a district user only rows
        of their own district. The import is recorded in the audit trail with its user.
        """
        event = _IMPORT_EVENTS.get(kind, AuditEvent.IMPORT)
        actor = self._actor(user, event)
        actor.require_district(ags for frame in tables.values() if "ags" in frame for ags in frame["ags"].dropna())
        with self._write() as connection:
            preview = self._preview(connection, tables, digest, sources_given)
            if expected_version is not None and self._version(connection) != expected_version:
                changed = [unit for unit, now in preview.basis.items() if (expected_basis or {}).get(unit) != now]
                if changed:
                    raise StoreConflictError(
                        "Die Daten wurden inzwischen geändert: Ein anderer Import oder eine Rücknahme betrifft "
                        f"dieselben Zeilen ({_units_text(changed)}). Es wurde nichts gespeichert; bitte die Datei "
                        "erneut prüfen und dann importieren."
                    )
            if not preview.any:
                return None
            summary = {
                name: {"neu": c.added, "geändert": c.changed, "unverändert": c.unchanged, "entfällt": c.removed}
                for name, c in preview.tables.items()
            }
            now = datetime.now().replace(microsecond=0)
            import_id = _add_import(connection, file_name, digest, kind, now, summary)
            for table in TABLES:
                if table.name not in preview.tables:
                    continue
                condition = " AND ".join(f"{column} = :{column}" for column in table.replaces)
                connection.execute(
                    sa.text(
                        f"UPDATE {table.name} SET replaced_by = :import_id WHERE replaced_by IS NULL AND {condition}"
                    ),
                    [
                        {"import_id": import_id, **dict(zip(table.replaces, map(_sql_value, unit), strict=True))}
                        for unit in preview.tables[table.name].units
                    ],
                )
                names = ["import_id", *(sql for _, sql, _ in _columns(table)), DEMO_FLAG]
                frame = tables[table.name]
                # Only the demo seed brings demo rows: the generated ones, which its workbook marks as such.
                flags = synthetic_mask(frame["source"]) if kind == KIND_DEMO else pd.Series(False, index=frame.index)
                rows = [
                    dict(zip(names, (import_id, *row, int(flag)), strict=True))
                    for row, flag in zip(_to_sql(frame, table), flags.tolist(), strict=True)
                ]
                if rows:
                    connection.execute(_DATA_TABLES[table.name].insert(), rows)
            record = ImportRecord(import_id, file_name, digest, kind, now, summary)
            self._audit(connection, actor, event, record)
        return record

    def undo_last(self, import_id: int | None = None, user: User | None = None) -> ImportRecord | None:
        """Undo the newest import still in effect; its rows go, the rows it replaced come back.

        With `import_id`, only if that import is still the newest (another analyst may have imported since).
        """
        actor = self._actor(user, AuditEvent.UNDO)
        with self._write() as connection:
            row = connection.execute(
                sa.text("SELECT id FROM imports WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1")
            ).first()
            if row is None:
                return None
            if import_id is not None and row[0] != import_id:
                raise StoreError(
                    f"Import Nr. {import_id} ist nicht mehr der letzte (inzwischen Nr. {row[0]}); es wurde nichts "
                    "zurückgenommen. Bitte die Liste prüfen."
                )
            import_id = row[0]
            for name in (*(table.name for table in TABLES), NOTES_TABLE):
                connection.execute(sa.text(f"DELETE FROM {name} WHERE import_id = :id"), {"id": import_id})
                connection.execute(
                    sa.text(f"UPDATE {name} SET replaced_by = NULL WHERE replaced_by = :id"), {"id": import_id}
                )
            connection.execute(
                sa.text("UPDATE imports SET undone_at = :at WHERE id = :id"),
                {"at": datetime.now().replace(microsecond=0).isoformat(), "id": import_id},
            )
            undone = next(record for record in self._history(connection) if record.id == import_id)
            self._audit(connection, actor, AuditEvent.UNDO, undone)
        return undone

    def remove_synthetic(self, user: User | None = None) -> ImportRecord | None:
        """Retire every demo row (brought by the demo seed, see `DEMO_FLAG`) in one step, recorded as an import
        that can be undone. Rows of any other import stay, whatever their source says."""
        actor = self._actor(user, AuditEvent.REMOVE_DEMO)
        with self._write() as connection:
            counts = {
                table.name: connection.execute(
                    sa.text(f"SELECT COUNT(*) FROM {table.name} WHERE replaced_by IS NULL AND {DEMO_FLAG} = 1")
                ).scalar_one()
                for table in TABLES
            }
            demo_notes = connection.execute(
                sa.text(f"SELECT COUNT(*) FROM {NOTES_TABLE} WHERE replaced_by IS NULL AND {DEMO_FLAG} = 1")
            ).scalar_one()
            if demo_notes:
                counts[NOTES_TABLE] = demo_notes
            if not any(counts.values()):
                return None
            now = datetime.now().replace(microsecond=0)
            summary = {name: {"entfällt": count} for name, count in counts.items()}
            import_id = _add_import(connection, "Demodaten entfernen", "", KIND_REMOVE_DEMO, now, summary)
            for name in (*(table.name for table in TABLES), NOTES_TABLE):
                connection.execute(
                    sa.text(f"UPDATE {name} SET replaced_by = :id WHERE replaced_by IS NULL AND {DEMO_FLAG} = 1"),
                    {"id": import_id},
                )
            record = ImportRecord(import_id, "Demodaten entfernen", "", KIND_REMOVE_DEMO, now, summary)
            self._audit(connection, actor, AuditEvent.REMOVE_DEMO, record)
        return record

    # --- notes and agreed actions ----------------------------------------------------------------

    def notes(self, year: int | None = None, ags: str | None = None, as_of: int | None = None) -> pd.DataFrame:
        """The notes and agreed actions as they stand now (or right after import `as_of`), of one year and/or
        district if given: columns `notes.NOTE_COLUMNS` plus `version` (the change that wrote the version shown),
        oldest first."""
        condition, params = _in_effect(as_of, "n.")
        if year is not None:
            condition, params = f"{condition} AND n.year = :year", {**params, "year": int(year)}
        if ags is not None:
            condition, params = f"{condition} AND n.ags = :ags", {**params, "ags": str(ags)}
        with self._connect() as connection:
            rows = connection.execute(
                sa.text(
                    f"""SELECT n.note_id, n.year, n.ags, n.measure_type, n.project, n.kind, n.text, n.status, n.due,
                       n.author_login, n.author_name, n.written_at, origin.author_name, origin.written_at,
                       n.{DEMO_FLAG}, n.import_id
                    FROM {NOTES_TABLE} n
                    JOIN {NOTES_TABLE} origin
                      ON origin.row_id = (SELECT MIN(row_id) FROM {NOTES_TABLE} f WHERE f.note_id = n.note_id)
                    WHERE {condition} ORDER BY n.note_id"""
                ),
                params,
            ).all()
        frame = pd.DataFrame([tuple(row) for row in rows], columns=[*NOTE_COLUMNS, "version"])
        result = conform_notes(frame)
        result["version"] = pd.array(frame["version"], dtype="Int64")
        return result

    def add_note(
        self,
        year: int,
        ags: str,
        kind: NoteKind,
        text: str,
        *,
        measure_type: int | None = None,
        project: str | None = None,
        due: date | None = None,
        user: User | None = None,
        demo: bool = False,
    ) -> ImportRecord:
        """Store a new note or agreed action (an action starts „offen“) as one change in the import log, which
        the audit trail records and `undo_last` takes back; its `id` is the new note's `note_id`.

        AccessDeniedError unless `user` may write notes (a district user: only for their own district); NoteError
        (German) for an empty or too long text or a place that cannot hold a note. Nothing is stored then.
        """
        actor = self._actor(user, AuditEvent.NOTE_ADDED)
        self._require_own_district(actor, ags)
        check_place(year, ags, measure_type, project or None)
        if due is not None and kind is not NoteKind.ACTION:
            raise NoteError("Ein Fälligkeitsdatum gibt es nur für vereinbarte Maßnahmen; es wurde nichts gespeichert.")
        row = {
            "year": year,
            "ags": ags,
            "measure_type": measure_type,
            "project": project or None,
            "kind": NoteKind(kind).value,
            "text": clean_text(text),
            "status": NoteStatus.OPEN.value if kind is NoteKind.ACTION else None,
            "due": due.isoformat() if due is not None else None,
        }
        with self._write() as connection:
            return self._write_note(connection, None, row, actor, AuditEvent.NOTE_ADDED, demo)

    def update_note(
        self,
        note_id: int,
        *,
        text: str | None = None,
        status: NoteStatus | None = None,
        due: date | None | Keep = Keep.KEEP,
        measure_type: int | None | Keep = Keep.KEEP,
        project: str | None | Keep = Keep.KEEP,
        user: User | None = None,
        seen: int | None = None,
    ) -> ImportRecord | None:
        """Change a note or action (its text, status, due date, measure type or project; `Keep.KEEP` leaves a
        value as it is, None clears it) as one change like `add_note`; None if nothing would change.

        With `seen` (the `version` the user saw), refuse (StoreConflictError) if the note was changed since.
        A district user may change only their own district's notes (AccessDeniedError).
        """
        with self._write() as connection:
            current = connection.execute(
                sa.text(
                    f"SELECT year, ags, measure_type, project, kind, text, status, due, import_id, {DEMO_FLAG} "
                    f"FROM {NOTES_TABLE} WHERE note_id = :note_id AND replaced_by IS NULL"
                ),
                {"note_id": int(note_id)},
            ).first()
            if current is None:
                raise NoteError(f"Die Notiz Nr. {note_id} gibt es nicht (mehr); es wurde nichts geändert.")
            names = ["year", "ags", "measure_type", "project", "kind", "text", "status", "due"]
            before = dict(zip(names, current[:8], strict=True))
            after = dict(before)
            if text is not None:
                after["text"] = clean_text(text)
            if not isinstance(measure_type, Keep):
                after["measure_type"] = measure_type
            if not isinstance(project, Keep):
                after["project"] = project or None
            if before["kind"] != NoteKind.ACTION.value and (status is not None or not isinstance(due, Keep)):
                raise NoteError(
                    "Status und Fälligkeit gibt es nur für vereinbarte Maßnahmen, nicht für Notizen; "
                    "es wurde nichts geändert."
                )
            if status is not None:
                after["status"] = NoteStatus(status).value
            if not isinstance(due, Keep):
                after["due"] = due.isoformat() if due is not None else None
            event = (
                AuditEvent.NOTE_CHANGED
                if after["status"] == before["status"]
                else AuditEvent.ACTION_DONE
                if after["status"] == NoteStatus.DONE.value
                else AuditEvent.ACTION_REOPENED
            )
            actor = self._actor(user, event)
            self._require_own_district(actor, before["ags"])
            check_place(after["year"], after["ags"], after["measure_type"], after["project"])
            if seen is not None and int(seen) != current[8]:
                raise StoreConflictError(
                    f"Die Notiz Nr. {note_id} wurde inzwischen von anderer Seite geändert; es wurde nichts "
                    "gespeichert. Bitte die Seite neu laden und die Änderung erneut vornehmen."
                )
            if after == before:
                return None
            changed = [label for name, label in _NOTE_FIELDS.items() if after[name] != before[name]]
            detail = f"{', '.join(changed)} geändert"
            if after["status"] != before["status"]:
                detail = f"Status {before['status']} → {after['status']}" + (
                    f"; {', '.join(changed[:-1])} geändert" if len(changed) > 1 else ""
                )
            return self._write_note(connection, int(note_id), after, actor, event, bool(current[9]), detail)

    def _write_note(
        self,
        connection: Connection,
        note_id: int | None,
        row: dict[str, object],
        actor: User,
        event: AuditEvent,
        demo: bool,
        detail: str = "",
    ) -> ImportRecord:
        """One version of a note, recorded as a change (import log, audit trail); `note_id` None: a new note."""
        now = datetime.now().replace(microsecond=0)
        summary = {NOTES_TABLE: {"neu" if note_id is None else "geändert": 1}}
        import_id = _add_import(connection, "", "", KIND_NOTE, now, summary)
        if note_id is None:  # the change's number, unless the demo seed's notes hold it already
            note_id = max(import_id, self._next_note_id(connection))
        # What the import log and the audit trail name: which note, where; never its text (it may hold names).
        file_name = f"{row['kind']} Nr. {note_id} – {district_label(str(row['ags']))} {row['year']}"
        connection.execute(
            sa.text("UPDATE imports SET file_name = :file_name WHERE id = :id"),
            {"file_name": file_name, "id": import_id},
        )
        connection.execute(
            sa.text(f"UPDATE {NOTES_TABLE} SET replaced_by = :id WHERE note_id = :note_id AND replaced_by IS NULL"),
            {"id": import_id, "note_id": note_id},
        )
        connection.execute(
            _NOTES.insert(),
            {
                "import_id": import_id,
                "note_id": note_id,
                "year": int(row["year"]),
                "ags": str(row["ags"]),
                "measure_type": None if row["measure_type"] is None else int(row["measure_type"]),
                "project": row["project"],
                "kind": row["kind"],
                "text": row["text"],
                "status": row["status"],
                "due": row["due"],
                "author_login": actor.login,
                "author_name": actor.name,
                "written_at": now.isoformat(),
                DEMO_FLAG: int(demo),
            },
        )
        record = ImportRecord(import_id, file_name, "", KIND_NOTE, now, summary, note_id=note_id)
        self._audit(connection, actor, event, record, detail=detail)
        return record

    @staticmethod
    def _next_note_id(connection: Connection) -> int:
        return int(connection.execute(sa.text(f"SELECT COALESCE(MAX(note_id), 0) + 1 FROM {NOTES_TABLE}")).scalar_one())

    def add_demo_notes(self, import_id: int, notes: Iterable[Mapping[str, object]]) -> int:
        """Store the bundled demo's synthetic notes and agreed actions as part of the demo import `import_id` (so
        that undoing it or removing the demo data takes them too); returns how many. Only the demo seed calls it."""
        now = datetime.now().replace(microsecond=0).isoformat()
        with self._write() as connection:
            note_id = self._next_note_id(connection)
            rows = []
            for number, note in enumerate(notes):
                kind = NoteKind(note["Art"])
                check_place(int(note["Jahr"]), str(note["AGS"]), note.get("Maßnahmenart"))
                status = NoteStatus(note.get("Status") or NoteStatus.OPEN.value) if kind is NoteKind.ACTION else None
                rows.append(
                    {
                        "import_id": import_id,
                        "note_id": note_id + number,
                        "year": int(note["Jahr"]),
                        "ags": str(note["AGS"]),
                        "measure_type": note.get("Maßnahmenart"),
                        "project": None,
                        "kind": kind.value,
                        "text": clean_text(note["Text"]),
                        "status": None if status is None else status.value,
                        "due": note.get("Fällig am") if kind is NoteKind.ACTION else None,
                        "author_login": "demo",
                        "author_name": DEMO_NOTES_AUTHOR,
                        "written_at": now,
                        DEMO_FLAG: 1,
                    }
                )
            if rows:
                connection.execute(_NOTES.insert(), rows)
            stored = connection.execute(
                sa.text("SELECT summary FROM imports WHERE id = :id"), {"id": import_id}
            ).scalar_one()
            summary = json.loads(stored)
            summary[NOTES_TABLE] = {"neu": len(rows)}
            connection.execute(
                sa.text("UPDATE imports SET summary = :summary WHERE id = :id"),
                {"summary": json.dumps(summary, ensure_ascii=False), "id": import_id},
            )
        return len(rows)

    @staticmethod
    def _require_own_district(user: User, ags: object) -> None:
        """AccessDeniedError unless a district user writes about their own district (others: any district)."""
        if user.scope is not None and str(ags) != user.scope:
            raise AccessDeniedError(
                f"{user.name} darf nur Notizen zu {district_label(user.scope)} schreiben oder ändern, nicht zu "
                f"{district_label(str(ags)) if ags in set(load_districts()['ags']) else 'einer anderen'}. "
                "Es wurde nichts geändert."
            )

    # --- who did what ----------------------------------------------------------------------------

    def _actor(self, user: User | None, event: AuditEvent) -> User:
        """The user a write is done for, after checking they may; without one, the operating-system user, unless
        this store serves the dashboard (`require_user`), where a write without a user is refused."""
        if user is None:
            if self.require_user:
                raise AccessDeniedError(
                    f"{event.label}: ohne angemeldeten Benutzer nicht erlaubt. Es wurde nichts geändert."
                )
            user = operator()
        user.require(_EVENT_ACTIONS[event])
        return user

    def _audit(
        self,
        connection: Connection,
        user: User,
        event: AuditEvent,
        record: ImportRecord | None = None,
        file_name: str = "",
        digest: str = "",
        detail: str = "",
    ) -> None:
        """One entry of the audit trail, in the transaction of the change it records; entries past the retention
        period go at the same time (the log holds personal data: DSGVO Art. 5 (1) e)."""
        now = datetime.now().replace(microsecond=0)
        roles = ", ".join(sorted(role.label for role in user.roles))
        connection.execute(
            _AUDIT.insert(),
            {
                "at": now.isoformat(),
                "login": user.login if user.signed_in else f"{user.login} (ohne Anmeldung)",
                "name": user.name,
                "roles": roles,
                "event": event.name,
                "import_id": record.id if record else None,
                "file_name": record.file_name if record else file_name,
                "sha256": record.sha256 if record else digest,
                "detail": record.describe() if record and not detail else detail,
            },
        )
        cutoff = now - timedelta(days=self.audit_retention_days)
        connection.execute(sa.text("DELETE FROM audit WHERE at < :cutoff"), {"cutoff": cutoff.isoformat()})

    def record(
        self, event: AuditEvent, user: User | None = None, file_name: str = "", digest: str = "", detail: str = ""
    ) -> None:
        """Record something that changes no data but must be traceable (a meeting pack or an earlier state
        exported), after checking the user may do it."""
        actor = self._actor(user, event)
        with self._write() as connection:
            self._audit(connection, actor, event, file_name=file_name, digest=digest, detail=detail)

    def audit_log(self, user: User | None = None) -> pd.DataFrame:
        """The audit trail, newest first, with German headings (`AUDIT_COLUMNS`); only for the role Verwaltung."""
        (user or operator()).require(Action.AUDIT)
        with self._connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT at, login, name, roles, event, import_id, file_name, sha256, detail FROM audit "
                    "ORDER BY id DESC"
                )
            ).all()
        frame = pd.DataFrame([tuple(row) for row in rows], columns=AUDIT_COLUMNS)
        frame["Zeitpunkt"] = pd.to_datetime(frame["Zeitpunkt"])
        frame["Vorgang"] = frame["Vorgang"].map(lambda name: AuditEvent[name].label)
        frame["Import Nr."] = pd.array(frame["Import Nr."], dtype="Int64")
        return frame


def seed_demo(store: Store) -> ImportRecord | None:
    """Fill a new, empty store with the bundled demo workbook (its rows keep their sources)."""
    from aqb_data.read.workbook import read_workbook

    data = DEMO_WORKBOOK.read_bytes()
    result = read_workbook(data, DEMO_WORKBOOK.name)
    if result.errors:
        raise ValueError("; ".join(p.text() for p in result.errors))
    # The dashboard's own service account brings the demo data into a new database.
    record = store.import_tables(result.tables, DEMO_WORKBOOK.name, sha256(data), KIND_DEMO, user=operator())
    if record is not None and DEMO_NOTES.exists():
        store.add_demo_notes(record.id, json.loads(DEMO_NOTES.read_text(encoding="utf-8"))["notizen"])
    return record


DEMO_NOTES_AUTHOR = "Demo-Datensatz"  # the page adds "Demodaten (synthetisch)" to every demo note


def open_store(
    path: str | Path | None = None,
    require_user: bool = False,
    audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS,
) -> Store:
    """The store at `path`, a SQLite file or a URL `postgresql://…` (default: $AQB_DB or var/aqb.sqlite); a new one
    starts with the demo data. The options are the `Store`'s (every write names its user; how long the audit trail
    keeps an entry).

    StoreError (German, naming the file or server and what to do, never a password) for a file that is empty,
    damaged or not the dashboard's, a server that cannot be reached, or a database with other tables.
    """
    store = Store(path, require_user, audit_retention_days)
    if store.is_new():
        seed_demo(store)
    return store
