"""Plausibility warnings across the sheets of a report (and against what is already stored).

Warnings do not block an import: the figures may be right (a district may over-commit on purpose), but
an analyst should look. Each warning points at the cell, as the file names it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from aqb_data.domain import values
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import format_date, format_eur, format_number
from aqb_data.domain.model import TABLE_BY_NAME
from aqb_data.domain.problems import Problem, Severity
from aqb_data.read.workbook import WorkbookResult

KIND = "Plausibilität"
LOOK_ALIKE = "gleich bis auf Groß-/Kleinschreibung, Leerzeichen oder unsichtbare Zeichen"


class _Locator:
    """Turns (table, row position, column) into a warning located as the file shows it."""

    def __init__(self, result: WorkbookResult) -> None:
        self.result = result

    def warn(self, table: str, position: int, column: str, value: str, expected: str) -> Problem:
        heading, letter = self.result.headings.get(table, {}).get(
            column, (TABLE_BY_NAME[table].column(column).heading, "")
        )
        row = self.result.excel_rows[table][position]
        return Problem(
            self.result.file,
            Severity.WARNING,
            KIND,
            expected,
            self.result.sheet_names[table],
            row,
            heading,
            value,
            f"{letter}{row}" if letter else None,
        )


def _with_context(result: WorkbookResult, context: AqbData | None, name: str) -> pd.DataFrame:
    """The file's table, completed by stored rows of district-years the file does not bring itself."""
    own = result.tables[name]
    if context is None:
        return own
    stored = context.table(name)
    brought = set(zip(own["ags"], own["year"], strict=True))
    others = stored[[pair not in brought for pair in zip(stored["ags"], stored["year"], strict=True)]]
    return pd.concat([own, others], ignore_index=True) if len(others) else own


def _amendments(result: WorkbookResult, context: AqbData | None) -> pd.DataFrame:
    """The file's amendments and the stored ones it does not replace (an amendment replaces only the one of its
    own day, so earlier versions of the same year stay)."""
    own = result.tables["amendments"]
    if context is None or context.amendments.empty:
        return own
    stored = context.amendments
    key = ["ags", "year", "valid_from"]
    replaced = pd.MultiIndex.from_frame(stored[key]).isin(pd.MultiIndex.from_frame(own[key])) if len(own) else False
    return pd.concat([own, stored[~replaced]], ignore_index=True) if len(own) else stored


def _in_force(agreements: pd.DataFrame, amendments: pd.DataFrame) -> pd.Series:
    """Per (ags, year) the budget that holds at the end of the year: the latest amendment's, else the agreement's
    (the rule of `aqb_data.analysis.versions.budgets_in_force`, which the read layer may not import)."""
    budgets = agreements.drop_duplicates(["ags", "year"]).set_index(["ags", "year"])["budget_eur"].astype("float64")
    if amendments.empty:
        return budgets
    latest = amendments.sort_values("valid_from").groupby(["ags", "year"])["budget_eur"].last().astype("float64")
    amended = latest.reindex(budgets.index)
    return amended.where(amended.notna(), budgets)


def _amendment_problems(
    result: WorkbookResult, agreements: pd.DataFrame, amendments: pd.DataFrame, projects: pd.DataFrame, at: _Locator
) -> list[Problem]:
    """The file's amendments: one without an agreement to amend, a day outside its year, and planned money beyond
    the amended budget."""
    own = result.tables["amendments"]
    problems: list[Problem] = []
    if own.empty:
        return problems
    agreed = set(zip(agreements["ags"], agreements["year"], strict=True))
    latest = amendments.sort_values("valid_from").groupby(["ags", "year"])["valid_from"].max()
    planned = projects.groupby(["ags", "year"])["planned_eur"].sum(min_count=1)
    for position, row in enumerate(own.itertuples(index=False)):
        where = f"{district_label(row.ags)} {row.year}"
        if (row.ags, row.year) not in agreed:
            expected = (
                f"Für {where} ist keine Zielvereinbarung gespeichert und keine in der Datei; die Änderung zählt erst, "
                "wenn die Vereinbarung vorliegt"
            )
            problems.append(at.warn("amendments", position, "ags", district_label(row.ags), expected))
        if pd.notna(row.valid_from) and row.valid_from.year != row.year:
            expected = f"Das Datum „Gültig ab“ liegt nicht im Jahr {row.year}"
            problems.append(at.warn("amendments", position, "valid_from", format_date(row.valid_from), expected))
        total = planned.get((row.ags, row.year))
        is_latest = latest.get((row.ags, row.year)) == row.valid_from
        if is_latest and total is not None and pd.notna(total) and round(total - row.budget_eur, 2) > 0:
            expected = (
                f"Die geplanten Mittel von {where} ({format_eur(total, 2)}) übersteigen die geänderten Haushaltsmittel"
            )
            problems.append(at.warn("amendments", position, "budget_eur", format_eur(row.budget_eur, 2), expected))
    return problems


def _spellings(projects: pd.DataFrame) -> dict[tuple[str, int, str], str]:
    """The first spelling of each project name per district and year, by its `values.name_key`."""
    spellings: dict[tuple[str, int, str], str] = {}
    for ags, year, project in zip(projects["ags"], projects["year"], projects["project"], strict=True):
        spellings.setdefault((ags, year, values.name_key(project)), project)
    return spellings


def _stored_look_alikes(result: WorkbookResult, context: AqbData | None, at: _Locator) -> list[Problem]:
    """The file's projects whose names differ from a stored project of the same district and year only in
    case, spaces or invisible characters: they would be stored as a second, different project.
    """
    projects = result.tables["projects"]
    if context is None or projects.empty:
        return []
    stored = context.table("projects")
    brought = set(zip(projects["ags"], projects["year"], strict=True))
    stored = stored[[pair in brought for pair in zip(stored["ags"], stored["year"], strict=True)]]
    if stored.empty:
        return []
    exact = set(zip(stored["ags"], stored["year"], stored["project"], strict=True))
    spellings = _spellings(stored)
    problems = []
    for position, row in enumerate(projects.itertuples(index=False)):
        if (row.ags, row.year, row.project) in exact:
            continue
        other = spellings.get((row.ags, row.year, values.name_key(row.project)))
        if other is not None:
            expected = (
                f"Gespeichert ist für {district_label(row.ags)} {row.year} das Projekt „{values.spelled(other)}“ "
                f"({LOOK_ALIKE}); diese Schreibweise zählt als anderes Projekt – bitte dieselbe verwenden"
            )
            problems.append(at.warn("projects", position, "project", values.spelled(row.project), expected))
    return problems


def _received_problem(
    received: pd.Timestamp, as_of: pd.Timestamp, position: int, today: date, at: _Locator
) -> Problem | None:
    """A day received after `today` or before the report's own Stichtag: Berichtseingang would then call a report
    whose figures are used missing, or received before there was anything to report."""
    if pd.isna(received):
        return None  # left empty: the store takes the day of the import
    if received.date() > today:
        expected = (
            f"Der Eingangstag liegt nach dem heutigen Tag ({format_date(today)}); bis dahin zählt der Bericht im "
            "Berichtseingang als fehlend, obwohl seine Zahlen schon verwendet werden"
        )
    elif received < as_of:
        expected = (
            f"Der Eingangstag liegt vor dem Stichtag des Berichts ({format_date(as_of)}); "
            "ein Bericht kann frühestens an seinem Stichtag eingehen"
        )
    else:
        return None
    return at.warn("progress", position, "received", format_date(received), expected)


def plausibility_problems(
    result: WorkbookResult, context: AqbData | None = None, today: date | None = None
) -> list[Problem]:
    """Warnings for implausible figures in a read workbook; `context` is the data stored so far, `today` the day of
    the check (default: the current day)."""
    today = today or date.today()
    at = _Locator(result)
    problems: list[Problem] = []
    projects, progress = result.tables["projects"], result.tables["progress"]
    agreements = _with_context(result, context, "agreements")
    all_projects = _with_context(result, context, "projects")
    amendments = _amendments(result, context)
    problems += _stored_look_alikes(result, context, at)
    problems += _amendment_problems(result, agreements, amendments, all_projects, at)
    # Planned money is held against the budget in force at the end of the year: amended, where it was.
    budgets = _in_force(agreements, amendments)
    amended_here = set(zip(result.tables["amendments"]["ags"], result.tables["amendments"]["year"], strict=True))

    if len(result.tables["agreements"]) and projects.empty and len(all_projects):
        # Only budgets in the file: check them against the stored plans, at the budget's cell.
        planned = all_projects.groupby(["ags", "year"])["planned_eur"].sum(min_count=1)
        for position, row in enumerate(result.tables["agreements"].itertuples(index=False)):
            total = planned.get((row.ags, row.year))
            budget = budgets.get((row.ags, row.year), row.budget_eur)
            amended = round(budget - row.budget_eur, 2) != 0
            if (row.ags, row.year) in amended_here:
                continue  # the file's own amendment is checked at its cell
            if total is not None and pd.notna(total) and round(total - budget, 2) > 0:
                which = (
                    f"die geänderten Haushaltsmittel ({format_eur(budget, 2)})" if amended else "diese Haushaltsmittel"
                )
                expected = (
                    f"Die gespeicherten geplanten Mittel von {district_label(row.ags)} {row.year} "
                    f"({format_eur(total, 2)}) übersteigen {which}"
                )
                problems.append(at.warn("agreements", position, "budget_eur", format_eur(row.budget_eur, 2), expected))
    if len(projects) and len(agreements):
        planned = projects.groupby(["ags", "year"])["planned_eur"].sum(min_count=1)
        # A doubled key is already an error of the reader; its first row stands for it here.
        signed = agreements.drop_duplicates(["ags", "year"]).set_index(["ags", "year"])["budget_eur"]
        for (ags, year), total in planned.items():
            budget = budgets.get((ags, year))
            if pd.notna(total) and budget is not None and pd.notna(budget) and round(total - budget, 2) > 0:
                first = int(((projects["ags"] == ags) & (projects["year"] == year)).to_numpy().argmax())
                which = "geänderten Haushaltsmittel" if round(budget - signed[(ags, year)], 2) else "Haushaltsmittel"
                expected = (
                    f"Die geplanten Mittel von {district_label(ags)} {year} ({format_eur(total, 2)}) übersteigen die "
                    f"{which} der Zielvereinbarung ({format_eur(budget, 2)})"
                )
                problems.append(at.warn("projects", first, "planned_eur", format_eur(total, 2), expected))

    if len(progress):
        keys = ["ags", "year", "project"]
        planned_by_project = all_projects.drop_duplicates(keys).set_index(keys)["planned_eur"]
        known = set(planned_by_project.index)
        spellings: dict[tuple[str, int, str], str] | None = None  # built on the first name not known as written
        for position, row in enumerate(progress.itertuples(index=False)):
            key = (row.ags, row.year, row.project)
            if row.as_of.year != row.year:
                expected = f"Der Stichtag liegt nicht im Jahr {row.year}"
                problems.append(at.warn("progress", position, "as_of", format_date(row.as_of), expected))
            received = _received_problem(row.received, row.as_of, position, today, at)
            if received is not None:
                problems.append(received)
            other = None
            if key not in known:
                spellings = _spellings(all_projects) if spellings is None else spellings
                other = spellings.get((row.ags, row.year, values.name_key(row.project)))
            if other is not None:
                expected = (
                    f"Das Projekt heißt für {district_label(row.ags)} {row.year} „{values.spelled(other)}“ "
                    f"({LOOK_ALIKE}); bitte dieselbe Schreibweise verwenden, sonst zählt der Umsetzungsstand "
                    "zu keinem Projekt"
                )
                problems.append(at.warn("progress", position, "project", values.spelled(row.project), expected))
            elif key not in known:
                expected = (
                    f"Kein Projekt „{values.spelled(row.project)}“ für {district_label(row.ags)} {row.year} bekannt "
                    "(weder im Blatt Projekte noch in den gespeicherten Daten)"
                )
                problems.append(at.warn("progress", position, "project", values.spelled(row.project), expected))
            else:
                planned = planned_by_project[key]
                if pd.notna(row.spent_eur) and pd.notna(planned) and round(row.spent_eur - planned, 2) > 0:
                    expected = f"Verausgabt ist mehr als geplant ({format_eur(planned, 2)})"
                    problems.append(at.warn("progress", position, "spent_eur", format_eur(row.spent_eur, 2), expected))
            if pd.notna(row.exits) and pd.notna(row.entries) and row.exits > row.entries:
                expected = f"Mehr Austritte als Eintritte ({format_number(row.entries)})"
                problems.append(at.warn("progress", position, "exits", format_number(row.exits), expected))
            outcomes = [row.to_training, row.to_employment, row.to_other, row.dropouts]
            known_outcomes = [int(v) for v in outcomes if pd.notna(v)]
            if pd.notna(row.exits) and known_outcomes and sum(known_outcomes) > row.exits:
                expected = (
                    f"Übergänge und Abbrüche zusammen ({format_number(sum(known_outcomes))}) sind mehr als die "
                    f"Austritte ({format_number(row.exits)})"
                )
                problems.append(at.warn("progress", position, "to_training", format_number(row.to_training), expected))
    return problems
