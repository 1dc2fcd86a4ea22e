"""Taking in a district's report: check it completely, show what would change, then import it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aqb_data.plausibility import plausibility_problems
from aqb_data.store import ChangePreview, ImportRecord, Store, sha256
from aqb_data.workbook import Problem, ProblemList, Severity, WorkbookResult, read_workbook


@dataclass
class UploadCheck(ProblemList):
    """One file, read and checked: every problem, and (when it has no errors) what importing would change."""

    result: WorkbookResult
    problems: list[Problem]
    digest: str
    preview: ChangePreview | None

    @property
    def importable(self) -> bool:
        """True if the file has no errors and would change something."""
        return not self.errors and self.preview is not None and self.preview.any


def upload_source(file_name: str, when: datetime) -> str:
    """What an uploaded row without its own `Quelle` says: the file and the time of the upload."""
    return f"{file_name} (hochgeladen am {when:%d.%m.%Y %H:%M})"


def check_upload(data: bytes, file_name: str, store: Store, when: datetime | None = None) -> UploadCheck:
    """Read the file, check it against itself and the stored data, and preview the changes."""
    result = read_workbook(data, file_name, default_source=upload_source(file_name, when or datetime.now()))
    problems = list(result.problems)
    if not result.unreadable:
        problems += plausibility_problems(result, store.load())
    digest = sha256(data)
    preview = None if any(p.severity is Severity.ERROR for p in problems) else store.preview(result.tables, digest)
    return UploadCheck(result, problems, digest, preview)


def import_checked(check: UploadCheck, store: Store) -> ImportRecord | None:
    """Import a checked file (one transaction); None if it would change nothing. Refuses files with errors."""
    if check.errors:
        raise ValueError("Eine Datei mit Fehlern wird nicht importiert")
    return store.import_tables(check.result.tables, check.result.file, check.digest)
