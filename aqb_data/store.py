"""The embedded database: agreements, projects and progress with their full import history.

One SQLite file (standard library). Every import is one transaction: the rows a file brings for a
(table, district, year) replace that district's year in that table; replaced rows stay, marked with
the import that replaced them, so that the last import can be undone and any earlier state inspected.
Amounts are stored as whole cents, so sums are exact.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from aqb_data.dataset import AqbData
from aqb_data.districts import district_label
from aqb_data.model import SYNTHETIC_SOURCE, TABLES, Kind, Table
from aqb_data.workbook import canonical_table

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_ROOT / "var" / "aqb.sqlite"
SCHEMA_VERSION = 1
BUSY_TIMEOUT_S = 15.0
KIND_WORKBOOK, KIND_DEMO, KIND_AGREEMENT, KIND_REMOVE_DEMO = "workbook", "demo", "agreement", "remove-demo"
KIND_LABELS = {
    KIND_WORKBOOK: "Arbeitsmappe",
    KIND_DEMO: "Demodaten",
    KIND_AGREEMENT: "Zielvereinbarung",
    KIND_REMOVE_DEMO: "Demodaten entfernt",
}
TABLE_LABELS = {table.name: table.sheet for table in TABLES}


class StoreError(RuntimeError):
    """The database cannot do what was asked; the message says why, in German."""


class StoreBusyError(StoreError):
    """Another import holds the database; the German message asks to try again."""


def default_path() -> Path:
    """The database file: $AQB_DB if set, else var/aqb.sqlite in the project."""
    return Path(os.environ.get("AQB_DB") or DEFAULT_DB)


def sha256(data: bytes) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def _sql_column(column_name: str, kind: Kind) -> str:
    return f"{column_name}_cents" if kind is Kind.MONEY else column_name


def _sql_type(kind: Kind) -> str:
    return "INTEGER" if kind in (Kind.YEAR, Kind.MEASURE_TYPE, Kind.COUNT, Kind.MONEY) else "TEXT"


def _columns(table: Table) -> list[tuple[str, str, Kind]]:
    """(canonical name, SQL column, kind) for every stored column of a table."""
    return [(c.name, _sql_column(c.name, c.kind), c.kind) for c in table.columns if c.name in table.column_names]


def _schema() -> str:
    statements = [
        """CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            summary TEXT NOT NULL,
            undone_at TEXT
        )"""
    ]
    for table in TABLES:
        columns = ", ".join(f"{sql} {_sql_type(kind)}" for _, sql, kind in _columns(table))
        statements.append(
            f"""CREATE TABLE {table.name} (
                row_id INTEGER PRIMARY KEY,
                import_id INTEGER NOT NULL REFERENCES imports(id),
                replaced_by INTEGER REFERENCES imports(id),
                {columns}
            )"""
        )
        statements.append(f"CREATE INDEX {table.name}_current ON {table.name} (replaced_by, ags, year)")
        statements.append(f"CREATE INDEX {table.name}_import ON {table.name} (import_id)")
    return ";\n".join(statements)


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
    """Stored rows back as a canonical table."""
    renamed = {}
    for name, sql, kind in _columns(table):
        series = frame[sql]
        renamed[name] = (pd.to_numeric(series) / 100).round(2) if kind is Kind.MONEY else series
    result = canonical_table(pd.DataFrame(renamed), table)
    return result.sort_values(list(table.key), ignore_index=True)


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

    def describe(self) -> str:
        """What the import changed, in German: `Projekte: 1 neu, 2 geändert; Umsetzungsstand: 4 neu`."""
        parts = []
        for table, counts in self.summary.items():
            numbers = ", ".join(f"{count} {label}" for label, count in counts.items() if count)
            parts.append(f"{TABLE_LABELS[table]}: {numbers or 'keine Änderung'}")
        return "; ".join(parts)


_COMPARED = {table.name: [c for c in table.column_names if c not in (*table.key, "source")] for table in TABLES}


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
    """The euro figure a table contributes per (ags, year): budget, planned, or the latest spent."""
    if frame.empty:
        return pd.Series(dtype="float64")
    if table.name == "agreements":
        return frame.groupby(["ags", "year"])["budget_eur"].sum()
    if table.name == "projects":
        return frame.groupby(["ags", "year"])["planned_eur"].sum()
    latest = frame.sort_values("as_of").groupby(["ags", "year", "project"]).tail(1)
    return latest.groupby(["ags", "year"])["spent_eur"].sum()


_MONEY_LABELS = {
    "agreements": "Haushaltsmittel",
    "projects": "Geplante Mittel",
    "progress": "Verausgabt (letzter Stichtag)",
}


class Store:
    """The database at one path; created with the current schema on first use."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self._connect() as connection:
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version == 0:
                    self._use_wal(connection)
                    self._create_schema(connection)
                elif version > SCHEMA_VERSION:
                    raise StoreError(
                        f"Die Datenbank {self.path} stammt von einer neueren Version des Dashboards (Schema {version})."
                    )
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path} ist keine Datenbank des AQB-Dashboards ({error})") from None

    @staticmethod
    def _use_wal(connection: sqlite3.Connection) -> None:
        """Switch a new database to write-ahead logging. SQLite does not wait for a lock to change the journal
        mode, so when several processes open the new file at once, the losers try again for a while."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    @staticmethod
    def _create_schema(connection: sqlite3.Connection) -> None:
        """Create the tables once, even when several processes open a new database at the same moment."""
        connection.execute("BEGIN IMMEDIATE")
        try:
            if connection.execute("PRAGMA user_version").fetchone()[0] == 0:
                for statement in _schema().split(";\n"):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            yield connection
        finally:
            connection.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; StoreBusyError if another import holds the database too long."""
        with self._connect() as connection:
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                if "locked" in str(error) or "busy" in str(error):
                    raise StoreBusyError(
                        "Die Datenbank ist gerade durch einen anderen Import belegt. Bitte in einigen Sekunden "
                        "erneut versuchen; es wurde nichts geändert."
                    ) from error
                raise
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    # --- reading ---------------------------------------------------------------------------------

    def version(self) -> tuple[int, int]:
        """Changes whenever the data changes (newest import id, number of undone imports): a cache key."""
        with self._connect() as connection:
            return self._version(connection)

    @staticmethod
    def _version(connection: sqlite3.Connection) -> tuple[int, int]:
        row = connection.execute("SELECT COALESCE(MAX(id), 0), COUNT(undone_at) FROM imports").fetchone()
        return int(row[0]), int(row[1])

    def is_new(self) -> bool:
        """True if nothing was ever imported."""
        return self.version() == (0, 0)

    def _table(self, connection: sqlite3.Connection, table: Table, as_of: int | None = None) -> pd.DataFrame:
        columns = ", ".join(sql for _, sql, _ in _columns(table))
        if as_of is None:
            query, params = f"SELECT {columns} FROM {table.name} WHERE replaced_by IS NULL", ()
        else:
            query = (
                f"SELECT {columns} FROM {table.name} WHERE import_id <= ? AND (replaced_by IS NULL OR replaced_by > ?)"
            )
            params = (as_of, as_of)
        return _from_sql(pd.read_sql_query(query, connection, params=params), table)

    def load(self, as_of: int | None = None) -> AqbData:
        """The data as it stands now, or right after import `as_of`."""
        with self._connect() as connection:
            tables = {table.name: self._table(connection, table, as_of) for table in TABLES}
            condition = "undone_at IS NULL" + (" AND id <= ?" if as_of is not None else "")
            params = (as_of,) if as_of is not None else ()
            files = [
                row[0]
                for row in connection.execute(
                    f"SELECT file_name FROM imports WHERE {condition} AND kind != ? ORDER BY id",
                    (*params, KIND_REMOVE_DEMO),
                )
            ]
        return AqbData(tables["agreements"], tables["projects"], tables["progress"], tuple(dict.fromkeys(files)))

    def history(self) -> list[ImportRecord]:
        """All imports, newest first."""
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT id, file_name, sha256, kind, imported_at, summary, undone_at FROM imports ORDER BY id DESC"
            ).fetchall()
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
        connection: sqlite3.Connection,
        tables: dict[str, pd.DataFrame],
        digest: str,
        sources_given: frozenset[str] = frozenset(),
    ) -> ChangePreview:
        changes, rows, money = {}, [], []
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
            old = self._table(connection, table)
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
            before = _money(table, old_touched).reindex(touched).fillna(0.0)
            after = _money(table, pd.concat([stays, new], ignore_index=True)).reindex(touched).fillna(0.0)
            money.append(
                pd.DataFrame({"Kennzahl": _MONEY_LABELS[table.name], "vorher": before, "nachher": after}).reset_index()
            )
        same = connection.execute(
            "SELECT file_name, imported_at FROM imports WHERE sha256 = ? AND undone_at IS NULL ORDER BY id DESC",
            (digest,),
        ).fetchone()
        money_frame = pd.concat(money, ignore_index=True) if money else pd.DataFrame()
        if len(money_frame):
            money_frame["Differenz"] = (money_frame["nachher"] - money_frame["vorher"]).round(2)
        return ChangePreview(
            tables=changes,
            rows=pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(),
            money=money_frame,
            same_file={"file_name": same[0], "imported_at": datetime.fromisoformat(same[1])} if same else None,
        )

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
    ) -> ImportRecord | None:
        """Import the tables of one file as one transaction; None if that would change nothing.

        With `expected_version` (the store's version when the preview was shown), refuse if the data changed
        since: the analyst confirmed a preview, not whatever the import would now do.
        """
        with self._write() as connection:
            if expected_version is not None and self._version(connection) != expected_version:
                raise StoreError(
                    "Die Daten wurden inzwischen geändert (ein anderer Import oder eine Rücknahme). Bitte die "
                    "Vorschau erneut prüfen; es wurde nichts gespeichert."
                )
            preview = self._preview(connection, tables, digest, sources_given)
            if not preview.any:
                return None
            summary = {
                name: {"neu": c.added, "geändert": c.changed, "unverändert": c.unchanged, "entfällt": c.removed}
                for name, c in preview.tables.items()
            }
            now = datetime.now().replace(microsecond=0)
            cursor = connection.execute(
                "INSERT INTO imports (file_name, sha256, kind, imported_at, summary) VALUES (?, ?, ?, ?, ?)",
                (file_name, digest, kind, now.isoformat(), json.dumps(summary, ensure_ascii=False)),
            )
            import_id = int(cursor.lastrowid)
            for table in TABLES:
                if table.name not in preview.tables:
                    continue
                condition = " AND ".join(f"{column} = ?" for column in table.replaces)
                connection.executemany(
                    f"UPDATE {table.name} SET replaced_by = ? WHERE replaced_by IS NULL AND {condition}",
                    [(import_id, *map(_sql_value, unit)) for unit in preview.tables[table.name].units],
                )
                columns = _columns(table)
                placeholders = ", ".join("?" for _ in range(len(columns) + 1))
                names = ", ".join(sql for _, sql, _ in columns)
                connection.executemany(
                    f"INSERT INTO {table.name} (import_id, {names}) VALUES ({placeholders})",
                    [(import_id, *row) for row in _to_sql(tables[table.name], table)],
                )
        return ImportRecord(import_id, file_name, digest, kind, now, summary)

    def undo_last(self, import_id: int | None = None) -> ImportRecord | None:
        """Undo the newest import still in effect; its rows go, the rows it replaced come back.

        With `import_id`, only if that import is still the newest (another analyst may have imported since).
        """
        with self._write() as connection:
            row = connection.execute(
                "SELECT id FROM imports WHERE undone_at IS NULL ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            if import_id is not None and row[0] != import_id:
                raise StoreError(
                    f"Import Nr. {import_id} ist nicht mehr der letzte (inzwischen Nr. {row[0]}); es wurde nichts "
                    "zurückgenommen. Bitte die Liste prüfen."
                )
            import_id = row[0]
            for table in TABLES:
                connection.execute(f"DELETE FROM {table.name} WHERE import_id = ?", (import_id,))
                connection.execute(f"UPDATE {table.name} SET replaced_by = NULL WHERE replaced_by = ?", (import_id,))
            connection.execute(
                "UPDATE imports SET undone_at = ? WHERE id = ?",
                (datetime.now().replace(microsecond=0).isoformat(), import_id),
            )
        return next(record for record in self.history() if record.id == import_id)

    def remove_synthetic(self) -> ImportRecord | None:
        """Retire every synthetic (demo) row in one step, recorded as an import that can be undone."""
        with self._write() as connection:
            counts = {
                table.name: connection.execute(
                    f"SELECT COUNT(*) FROM {table.name} WHERE replaced_by IS NULL AND source LIKE ?",
                    (f"%{SYNTHETIC_SOURCE}%",),
                ).fetchone()[0]
                for table in TABLES
            }
            if not any(counts.values()):
                return None
            now = datetime.now().replace(microsecond=0)
            summary = {name: {"entfällt": count} for name, count in counts.items()}
            cursor = connection.execute(
                "INSERT INTO imports (file_name, sha256, kind, imported_at, summary) VALUES (?, '', ?, ?, ?)",
                ("Demodaten entfernen", KIND_REMOVE_DEMO, now.isoformat(), json.dumps(summary, ensure_ascii=False)),
            )
            import_id = int(cursor.lastrowid)
            for table in TABLES:
                connection.execute(
                    f"UPDATE {table.name} SET replaced_by = ? WHERE replaced_by IS NULL AND source LIKE ?",
                    (import_id, f"%{SYNTHETIC_SOURCE}%"),
                )
        return ImportRecord(import_id, "Demodaten entfernen", "", KIND_REMOVE_DEMO, now, summary)


def seed_demo(store: Store) -> ImportRecord | None:
    """Fill a new, empty store with the bundled demo workbook (its rows keep their sources)."""
    from aqb_data.demo import DEMO_WORKBOOK
    from aqb_data.workbook import read_workbook

    data = DEMO_WORKBOOK.read_bytes()
    result = read_workbook(data, DEMO_WORKBOOK.name)
    if result.errors:
        raise ValueError("; ".join(p.text() for p in result.errors))
    return store.import_tables(result.tables, DEMO_WORKBOOK.name, sha256(data), KIND_DEMO)


def open_store(path: str | Path | None = None) -> Store:
    """The store at `path` (default: $AQB_DB or var/aqb.sqlite); a new one starts with the demo data."""
    store = Store(path)
    if store.is_new():
        seed_demo(store)
    return store
