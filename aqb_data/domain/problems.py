"""What is wrong with a file: problems located by file, sheet, row, column and cell, in German."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import pandas as pd

from aqb_data.domain.formatting import format_number


class Severity(Enum):
    """Errors block an import; warnings are shown but do not."""

    ERROR = "Fehler"
    WARNING = "Warnung"
    NOTE = "Hinweis"  # what the reader did and the analyst should know, e.g. a total line it did not read


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, located as precisely as possible."""

    file: str
    severity: Severity
    kind: str
    expected: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    cell: str | None = None
    stands_for: int = 1  # a summary line of problems not listed one by one stands for that many

    def location(self) -> str:
        """Where the problem is, in German: file, sheet, row, column (and the cell, e.g. G7)."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"Blatt „{self.sheet}“")
        if self.row:
            parts.append(f"Zeile {self.row}")
        if self.column:
            parts.append(f"Spalte „{self.column}“" + (f" (Zelle {self.cell})" if self.cell else ""))
        elif self.cell:
            parts.append(f"{'Zellen' if ':' in self.cell else 'Zelle'} {self.cell}")
        return ", ".join(parts)

    def text(self) -> str:
        """The whole problem as one German sentence."""
        found = f"Wert „{self.value}“ – " if self.value not in (None, "") else ""
        return f"{self.severity.value}: {self.location()}: {found}{self.expected}"


class ProblemList:
    """Errors and warnings of anything that holds `problems`."""

    problems: list[Problem]

    def count(self, severity: Severity) -> int:
        """How many problems of this severity there are, counting those only summarised (see `limit_problems`)."""
        return sum(p.stands_for for p in self.problems if p.severity is severity)

    @property
    def errors(self) -> list[Problem]:
        """The problems that block an import."""
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are reported but do not block."""
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Problem]:
        """What the reader did without anything being wrong, e.g. a total line it did not read as data."""
        return [p for p in self.problems if p.severity is Severity.NOTE]


MAX_LISTED_PROBLEMS = 1000  # per file and severity: a report with more is summarised, not listed to the end


def limit_problems(problems: list[Problem], limit: int = MAX_LISTED_PROBLEMS) -> list[Problem]:
    """The first `limit` problems of each severity, and for the rest one line per file, severity and kind that
    counts them: a file broken in every row must not make the page, the Prüfbericht or the server carry millions."""
    kept: list[Problem] = []
    listed: dict[Severity, int] = {}
    rest: dict[tuple[str, Severity, str], int] = {}
    for problem in problems:
        if listed.get(problem.severity, 0) < limit:
            listed[problem.severity] = listed.get(problem.severity, 0) + 1
            kept.append(problem)
        else:
            key = (problem.file, problem.severity, problem.kind)
            rest[key] = rest.get(key, 0) + problem.stands_for
    for (file, severity, kind), count in rest.items():
        what = {Severity.ERROR: "Fehler", Severity.WARNING: "Warnungen", Severity.NOTE: "Hinweise"}[severity]
        expected = (
            f"Weitere {format_number(count)} {what} dieser Art sind nicht einzeln aufgeführt (es werden höchstens "
            f"{format_number(limit)} gezeigt); bitte die aufgeführten Stellen beheben und die Datei erneut prüfen"
        )
        kept.append(Problem(file, severity, kind, expected, stands_for=count))
    return kept


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table with German headings, for display and download."""
    rows = [
        {
            "Art": p.severity.value,
            "Kategorie": p.kind,
            "Datei": p.file,
            "Blatt": p.sheet or "",
            "Zeile": p.row,
            "Spalte": p.column or "",
            "Zelle": p.cell or "",
            "Wert": p.value or "",
            "Erwartet / Hinweis": p.expected,
        }
        for p in problems
    ]
    columns = ["Art", "Kategorie", "Datei", "Blatt", "Zeile", "Spalte", "Zelle", "Wert", "Erwartet / Hinweis"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Zeile"] = pd.array(frame["Zeile"], dtype="Int64")
    return frame
