"""Taking in a district's report: check it completely, show what would change, then import it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.model import TABLE_BY_NAME
from aqb_data.domain.problems import Problem, ProblemList, Severity
from aqb_data.read.sandbox import read_workbook_isolated
from aqb_data.read.workbook import WorkbookResult
from aqb_data.store.database import ChangePreview, ImportRecord, Store, sha256

CHECK_ATTEMPTS = 3  # a check is made again when an import landed during it


@dataclass
class UploadCheck(ProblemList):
    """One file, read and checked: every problem, and (when it has no errors) what importing would change."""

    result: WorkbookResult
    problems: list[Problem]
    digest: str
    preview: ChangePreview | None
    version: tuple[int, int] = (0, 0)  # the store's state the preview was made on
    sources_given: frozenset[str] = frozenset()  # tables whose sheet has its own Quelle column

    @property
    def empty(self) -> bool:
        """True if the file was read but holds no data rows."""
        return not self.result.unreadable and all(self.result.tables[t].empty for t in self.result.sheets_read)

    @property
    def importable(self) -> bool:
        """True if the file has no errors and would change something."""
        return not self.errors and self.preview is not None and self.preview.any


def upload_source(file_name: str, when: datetime) -> str:
    """What an uploaded row without its own `Quelle` says: the file and the time of the upload."""
    return f"{file_name} (hochgeladen am {when:%d.%m.%Y %H:%M})"


def keep_stored_values(result: WorkbookResult, current: AqbData) -> None:
    """Columns a sheet does not have keep the stored values of the same rows (a sheet with only Jahr, AGS
    and Haushaltsmittel does not erase the stored signing dates)."""
    for name in result.sheets_read:
        frame, table = result.tables[name], TABLE_BY_NAME[name]
        present = set(result.headings.get(name, {}))
        absent = [c for c in table.column_names if c not in present and c not in table.key and c != "source"]
        if frame.empty or not absent:
            continue
        stored = current.table(name).set_index(list(table.key))
        keys = pd.MultiIndex.from_frame(frame[list(table.key)])
        for column in absent:
            frame[column] = stored[column].reindex(keys).to_numpy()
        result.tables[name] = table.conform(frame)


def check_upload(data: bytes, file_name: str, store: Store, when: datetime | None = None) -> UploadCheck:
    """Read the file (in an isolated worker), check it against itself and the stored data, preview the changes."""
    source = upload_source(file_name, when or datetime.now())
    digest = sha256(data)
    for _attempt in range(CHECK_ATTEMPTS):
        version = store.version()
        current = store.load()
        result = read_workbook_isolated(data, file_name, source, current)  # plausibility against `current` too
        given = frozenset(name for name in result.sheets_read if "source" in result.headings.get(name, {}))
        problems = result.problems
        if not result.unreadable:
            keep_stored_values(result, current)
        blocked = any(p.severity is Severity.ERROR for p in problems)
        preview = None if blocked else store.preview(result.tables, digest, given)
        if store.version() == version:
            break  # the checks and the preview rest on one state of the data (else another import came between)
    return UploadCheck(result, problems, digest, preview, version, given)


def import_checked(check: UploadCheck, store: Store) -> ImportRecord | None:
    """Import a checked file exactly as previewed (one transaction); None if it would change nothing.

    Refuses files with errors, and (StoreConflictError) files whose preview is out of date: since it was made,
    another import or an undo changed a district's year in a table this file brings. Changes elsewhere do not
    matter, so imports of different districts all land, one after the other.
    """
    if check.errors:
        raise ValueError("Eine Datei mit Fehlern wird nicht importiert")
    return store.import_tables(
        check.result.tables,
        check.result.file,
        check.digest,
        sources_given=check.sources_given,
        expected_version=check.version,
        expected_basis=check.preview.basis if check.preview is not None else None,
    )
