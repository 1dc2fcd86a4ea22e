"""Taking in an upload (a district's report or an agreement document): check it completely against itself and
the stored data, show what would change, then import exactly what was shown, in one transaction.

Both kinds of upload share one check object (`IntakeCheck`: problems, preview, the store's version it rests
on), one way of checking on a single state of the data, and one import that refuses when the data changed
since the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import ClassVar, TypeVar

import pandas as pd

from aqb_data.analysis.versions import year_budgets
from aqb_data.domain.access import User, restricted_to
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import format_date, format_eur, format_number, format_percent
from aqb_data.domain.model import AMENDMENTS, MEASURE_TYPES, TABLE_BY_NAME
from aqb_data.domain.problems import Problem, ProblemList, Severity
from aqb_data.domain.values import forbidden_character, name_key, spelled, visible
from aqb_data.read.agreement import Agreement, AgreementReading, agreement_tables
from aqb_data.read.plausibility import KIND as PLAUSIBILITY
from aqb_data.read.plausibility import LOOK_ALIKE
from aqb_data.read.sandbox import check_isolated, read_agreement_isolated, read_workbook_isolated
from aqb_data.read.workbook import WorkbookResult
from aqb_data.store.database import (
    KIND_AGREEMENT,
    KIND_WORKBOOK,
    ChangePreview,
    ImportRecord,
    Places,
    Store,
    StoreError,
    sha256,
)

CHECK_ATTEMPTS = 3  # a check is made again when an import landed during it
BUDGET_CHANGE_WARNING = 0.25  # a § 4 budget that moves more than this against the year before is worth a look
MAX_NAMED_PROJECTS = 10  # projects named one by one in a warning; the rest are counted
AGREEMENT_DOCUMENT = "Zielvereinbarung"  # problem category of what the reader could not take from the document
BUDGET_FIELD, PROJECTS_FIELD = "§ 4 Haushaltsmittel", "§ 5 Projekte"
VALID_FROM_FIELD, REASON_FIELD = "Gültig ab", "Grund"
MAX_REASON_CHARACTERS = 500

T = TypeVar("T")


@dataclass(kw_only=True)
class IntakeCheck(ProblemList):
    """One upload, checked: every problem, the rows an import would store, what it would change (None while there
    are errors) and the store's version all of it rests on."""

    import_kind: ClassVar[str] = KIND_WORKBOOK

    file: str
    problems: list[Problem]
    digest: str  # SHA-256 of the uploaded file
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    preview: ChangePreview | None = None
    version: tuple[int, int] = (0, 0)
    sources_given: frozenset[str] = frozenset()  # tables whose rows bring their own Quelle

    @property
    def importable(self) -> bool:
        """True if the upload has no errors and would change something."""
        return not self.errors and self.preview is not None and self.preview.any


@dataclass(kw_only=True)
class UploadCheck(IntakeCheck):
    """One workbook, read and checked (see `IntakeCheck`)."""

    result: WorkbookResult

    @property
    def empty(self) -> bool:
        """True if the file was read but holds no data rows."""
        return not self.result.unreadable and all(self.result.tables[t].empty for t in self.result.sheets_read)


@dataclass(frozen=True)
class AmendmentRequest:
    """An agreement document taken as an amendment of the stored agreement (its § 4 budget from a day on, with the
    reason) instead of replacing it: the signed agreement stays as it was."""

    valid_from: date
    reason: str


@dataclass(kw_only=True)
class AgreementCheck(IntakeCheck):
    """One agreement document, read and checked as it will be stored (with the analyst's corrections); with an
    `amendment`, checked as an amendment row, and `amendment_text` says what it changes."""

    import_kind: ClassVar[str] = KIND_AGREEMENT

    reading: AgreementReading
    agreement: Agreement | None  # what is checked and would be stored; None if the document yields none
    amendment: AmendmentRequest | None = None
    amendment_text: str = ""


class StaleCheckError(StoreError):
    """What is to be stored is not what was checked and previewed."""


def upload_source(file_name: str, when: datetime) -> str:
    """What an uploaded row without its own `Quelle` says: the file and the time of the upload."""
    return f"{file_name} (hochgeladen am {when:%d.%m.%Y %H:%M})"


def agreement_source(agreement: Agreement, file_name: str) -> str:
    """What the rows of an agreement document say as their `Quelle`."""
    return f"Zielvereinbarung {agreement.year} ({file_name})"


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


def _on_one_state(store: Store, places: Places, check: Callable[[AqbData], T]) -> tuple[T, tuple[int, int]]:
    """`check` run on the stored rows of `places` (the district-years the upload brings: nothing it checks or
    previews depends on any other), and the version of that data: made again (up to CHECK_ATTEMPTS times) when
    another import landed meanwhile, so that problems and preview rest on one state."""
    for _attempt in range(CHECK_ATTEMPTS):
        version = store.version()
        outcome = check(store.load(places=places))
        if store.version() == version:
            break
    return outcome, version


def _places(tables: dict[str, pd.DataFrame]) -> set[tuple[str, int]]:
    """The (ags, year) pairs of the rows of `tables`."""
    return {
        (str(ags), int(year))
        for frame in tables.values()
        for ags, year in zip(frame["ags"], frame["year"], strict=True)
        if pd.notna(ags) and pd.notna(year)
    }


def _preview(
    store: Store, problems: list[Problem], tables: dict[str, pd.DataFrame], digest: str, given: frozenset[str]
) -> ChangePreview | None:
    """What importing would change; None while there are errors (nothing of it would be stored)."""
    if any(p.severity is Severity.ERROR for p in problems):
        return None
    return store.preview(tables, digest, given)


def _import(store: Store, check: IntakeCheck, user: User | None) -> ImportRecord | None:
    """Store a check's rows as one transaction, refusing (StoreConflictError) if a district's year in a table
    they touch changed since the check. `user` is who confirmed: the store checks their role (AccessDeniedError)
    and names them in the audit trail; None is the operating-system user (CLI, single-seat)."""
    if check.errors:
        raise ValueError("Eine Datei mit Fehlern wird nicht importiert")
    return store.import_tables(
        check.tables,
        check.file,
        check.digest,
        check.import_kind,
        sources_given=check.sources_given,
        expected_version=check.version,
        expected_basis=check.preview.basis if check.preview is not None else None,
        user=user,
    )


# --- workbooks -------------------------------------------------------------------------------------------


def check_upload(
    data: bytes, file_name: str, store: Store, when: datetime | None = None, scope: str | None = None
) -> UploadCheck:
    """Read the file (in an isolated worker), check it against itself and the stored data, preview the changes.

    With a `scope` (a district user's own district), rows of any other district are errors and the file is
    checked against that district's stored rows only, so neither problems nor preview show another district."""
    source = upload_source(file_name, when or datetime.now())
    digest = sha256(data)
    read = read_workbook_isolated(data, file_name, source)  # the file's content alone, once
    given = frozenset(name for name in read.sheets_read if "source" in read.headings.get(name, {}))

    def check(current: AqbData) -> tuple[WorkbookResult, ChangePreview | None]:
        if read.unreadable:
            return read, None
        current = restricted_to(current, scope)
        result = check_isolated(read, current)  # plausibility against `current`, in the worker too
        if not result.unreadable:
            keep_stored_values(result, current)
            result.problems += _outside_scope(result, scope)
        return result, _preview(store, result.problems, result.tables, digest, given)

    (result, preview), version = _on_one_state(store, set() if read.unreadable else _places(read.tables), check)
    return UploadCheck(
        file=result.file,
        problems=result.problems,
        digest=digest,
        tables=result.tables,
        preview=preview,
        version=version,
        sources_given=given,
        result=result,
    )


def _outside_scope(result: WorkbookResult, scope: str | None) -> list[Problem]:
    """One error per sheet with rows of a district other than `scope`, naming the first such row."""
    problems = []
    for name, frame in result.tables.items() if scope else ():
        foreign = frame.index[frame["ags"].notna() & (frame["ags"] != scope)]
        if len(foreign):
            first = foreign[0]
            rows = result.excel_rows.get(name, [])
            problems.append(
                Problem(
                    result.file,
                    Severity.ERROR,
                    "Fremde Gebietskörperschaft",
                    f"{len(foreign)} Zeile(n) gehören nicht zu {district_label(scope)}; Sie dürfen nur Zeilen Ihrer "
                    "eigenen Gebietskörperschaft einlesen",
                    sheet=result.sheet_names.get(name),
                    row=rows[first] if first < len(rows) else None,
                    value=district_label(frame.at[first, "ags"]),
                )
            )
    return problems


def import_checked(check: UploadCheck, store: Store, user: User | None = None) -> ImportRecord | None:
    """Import a checked file exactly as previewed (one transaction); None if it would change nothing.

    Refuses files with errors, and (StoreConflictError) files whose preview is out of date: since it was made,
    another import or an undo changed a district's year in a table this file brings. Changes elsewhere do not
    matter, so imports of different districts all land, one after the other.
    """
    return _import(store, check, user)


# --- agreement documents ---------------------------------------------------------------------------------


def _names(names: list[str]) -> str:
    """Up to MAX_NAMED_PROJECTS project names in quotes, the rest counted."""
    shown = ", ".join(f"„{spelled(name)}“" for name in names[:MAX_NAMED_PROJECTS])
    rest = len(names) - MAX_NAMED_PROJECTS
    return shown + (f" und {format_number(rest)} weitere" if rest > 0 else "")


def _agreement_errors(agreement: Agreement, file_name: str) -> list[Problem]:
    """What makes an agreement unstorable as it stands: no budget, an unknown measure type, a name with control
    or direction characters, a project named twice (by `name_key`, as the store would count it)."""
    problems = []
    if not agreement.budget_eur or agreement.budget_eur <= 0:
        problems.append(
            Problem(
                file_name,
                Severity.ERROR,
                AGREEMENT_DOCUMENT,
                "Haushaltsmittel größer als 0 € (bitte den Betrag aus § 4 angeben)",
                column=BUDGET_FIELD,
                value=format_eur(agreement.budget_eur, 2),
            )
        )
    seen: dict[str, str] = {}
    for code, names in agreement.measures.items():
        if code not in MEASURE_TYPES and names:
            expected = f"eine Maßnahmenart 1 bis {len(MEASURE_TYPES)}"
            problems.append(
                Problem(file_name, Severity.ERROR, AGREEMENT_DOCUMENT, expected, column="Maßnahmenart", value=str(code))
            )
        for name in names:
            found, first = forbidden_character(name), seen.get(name_key(name))
            if found:
                expected = f"ein Projektname ohne Steuer- oder Richtungszeichen ({found}); bitte neu eintippen"
            elif first is not None:
                both = f" (einmal „{spelled(first)}“, einmal „{spelled(name)}“)" if first != name else ""
                expected = f"jedes Projekt nur einmal – „{spelled(first)}“ steht zweimal in der Liste{both}"
            else:
                seen[name_key(name)] = name
                continue
            problems.append(
                Problem(
                    file_name, Severity.ERROR, AGREEMENT_DOCUMENT, expected, column=PROJECTS_FIELD, value=visible(name)
                )
            )
    return problems


def agreement_problems(
    agreement: Agreement, tables: dict[str, pd.DataFrame], current: AqbData, file_name: str
) -> list[Problem]:
    """Warnings for an agreement against the stored data: the one it replaces, a budget far from the year before,
    stored projects it drops or spells differently, planned money beyond its budget."""
    ags, year, budget = agreement.ags, agreement.year, agreement.budget_eur
    where = f"{district_label(ags)} {year}"
    amount = format_eur(budget, 2)
    problems: list[Problem] = []

    def warn(column: str, value: str, expected: str) -> None:
        problems.append(Problem(file_name, Severity.WARNING, PLAUSIBILITY, expected, column=column, value=value))

    agreements = current.agreements
    stored = agreements[(agreements["ags"] == ags) & (agreements["year"] == year)]
    if len(stored) and round(float(stored["budget_eur"].iloc[0]) - budget, 2) != 0:
        warn(
            BUDGET_FIELD,
            amount,
            f"Für {where} ist bereits eine Zielvereinbarung gespeichert (Haushaltsmittel "
            f"{format_eur(stored['budget_eur'].iloc[0], 2)}, Quelle „{stored['source'].iloc[0]}“); diese ersetzt "
            "sie – bitte prüfen, ob sie die geltende ist",
        )
    before = agreements[(agreements["ags"] == ags) & (agreements["year"] == year - 1)]
    if len(before) and before["budget_eur"].iloc[0] > 0:
        previous = float(before["budget_eur"].iloc[0])
        change = budget / previous - 1
        if abs(change) > BUDGET_CHANGE_WARNING:
            warn(
                BUDGET_FIELD,
                amount,
                f"Haushaltsmittel in der Größenordnung des Vorjahres ({year - 1}: {format_eur(previous, 2)}); diese "
                f"sind {format_percent(abs(change), 0)} {'höher' if change > 0 else 'niedriger'} – bitte den Betrag "
                "prüfen (z. B. eine fehlende oder überzählige Stelle)",
            )

    projects = current.projects
    mine = projects[(projects["ags"] == ags) & (projects["year"] == year)]
    named = {name for names in agreement.measures.values() for name in names}
    keys = {name_key(name): name for name in named}
    look_alike = [(old, keys[name_key(old)]) for old in mine["project"] if old not in named and name_key(old) in keys]
    for old, new in look_alike:
        warn(
            PROJECTS_FIELD,
            spelled(new),
            f"Gespeichert ist für {where} das Projekt „{spelled(old)}“ ({LOOK_ALIKE}); diese Schreibweise zählt als "
            "anderes Projekt und übernimmt seine geplanten Mittel nicht – bitte dieselbe verwenden",
        )
    similar = {old for old, _ in look_alike}
    dropped = mine[~mine["project"].isin(named) & ~mine["project"].isin(similar)]
    if len(dropped):
        money = dropped["planned_eur"].sum(min_count=1)
        planned = f" (geplante Mittel zusammen {format_eur(money, 2)})" if pd.notna(money) else ""
        warn(
            PROJECTS_FIELD,
            format_number(len(dropped)),
            f"Gespeichert sind für {where} Projekte, die diese Vereinbarung nicht nennt: "
            f"{_names(sorted(dropped['project']))}{planned}; sie entfallen mit der Übernahme",
        )

    total = tables["projects"]["planned_eur"].sum(min_count=1)
    if pd.notna(total) and round(total - budget, 2) > 0:
        warn(
            BUDGET_FIELD,
            amount,
            f"Die geplanten Mittel der gespeicherten Projekte von {where} ({format_eur(total, 2)}) übersteigen diese "
            "Haushaltsmittel",
        )
    return problems


def amendment_offered(agreement: Agreement | None, current: AqbData) -> bool:
    """True when the document could amend a stored agreement: one of the same district and year is stored and
    the document's § 4 budget differs from the signed one (storing it as an agreement would overwrite that)."""
    if agreement is None or not agreement.budget_eur:
        return False
    agreements = current.agreements
    stored = agreements[(agreements["ags"] == agreement.ags) & (agreements["year"] == agreement.year)]
    return bool(len(stored)) and round(float(stored["budget_eur"].iloc[0]) - agreement.budget_eur, 2) != 0


def default_valid_from(agreement: Agreement) -> date | None:
    """The day an amendment document takes effect unless the analyst says otherwise: its later signature."""
    days = [s.date for s in (agreement.signed_ministry, agreement.signed_district) if s is not None and s.date]
    return max(days, default=None)


def amendment_tables(agreement: Agreement, request: AmendmentRequest, source: str) -> dict[str, pd.DataFrame]:
    """The amendment as canonical rows: one row of the sheet „Änderungen“ (the agreement itself is not touched)."""
    row = {
        "year": agreement.year,
        "ags": agreement.ags,
        "valid_from": request.valid_from,
        "budget_eur": agreement.budget_eur,
        "reason": request.reason.strip(),
        "source": source,
    }
    return {"amendments": AMENDMENTS.conform(pd.DataFrame([row]))}


def amendment_sentence(agreement: Agreement, request: AmendmentRequest, current: AqbData) -> str:
    """What an amendment changes, in German: `Haushaltsmittel 773.920 € → 810.000 €, gültig ab 15.07.2025, Grund:
    …` (before: the version in force the day before it; the reason is the analyst's text, shown as text)."""
    day_before = request.valid_from - timedelta(days=1)
    before = year_budgets(current, agreement.year, day_before)
    before = before.loc[before["ags"] == agreement.ags, "budget_eur"]
    was = format_eur(before.iloc[0]) if len(before) else "–"
    return (
        f"Haushaltsmittel {was} → {format_eur(agreement.budget_eur)}, gültig ab {format_date(request.valid_from)}, "
        f"Grund: {request.reason.strip()}"
    )


def _amendment_problems(
    agreement: Agreement, request: AmendmentRequest, current: AqbData, file_name: str
) -> list[Problem]:
    """Errors that keep an amendment from being stored (no agreement to amend, no budget, no or an overlong
    reason) and warnings (a day outside the year, planned money beyond the new budget)."""
    where = f"{district_label(agreement.ags)} {agreement.year}"
    problems: list[Problem] = []

    def add(severity: Severity, column: str, value: str, expected: str) -> None:
        category = AGREEMENT_DOCUMENT if severity is Severity.ERROR else PLAUSIBILITY
        problems.append(Problem(file_name, severity, category, expected, column=column, value=value))

    agreements = current.agreements
    if not ((agreements["ags"] == agreement.ags) & (agreements["year"] == agreement.year)).any():
        add(Severity.ERROR, BUDGET_FIELD, where, f"eine gespeicherte Zielvereinbarung {where}, die sich ändern lässt")
    if not agreement.budget_eur or agreement.budget_eur <= 0:
        add(Severity.ERROR, BUDGET_FIELD, format_eur(agreement.budget_eur, 2), "Haushaltsmittel größer als 0 €")
    reason = request.reason.strip()
    if not reason:
        add(Severity.ERROR, REASON_FIELD, "", "ein Grund für die Änderung (Pflichtangabe)")
    elif len(reason) > MAX_REASON_CHARACTERS:
        add(Severity.ERROR, REASON_FIELD, visible(reason[:40]), f"höchstens {MAX_REASON_CHARACTERS} Zeichen")
    elif forbidden_character(reason):
        add(Severity.ERROR, REASON_FIELD, visible(reason[:40]), "ein Text ohne Steuer- oder Richtungszeichen")
    if request.valid_from.year != agreement.year:
        add(Severity.WARNING, VALID_FROM_FIELD, format_date(request.valid_from), f"ein Tag im Jahr {agreement.year}")
    projects = current.projects
    mine = projects[(projects["ags"] == agreement.ags) & (projects["year"] == agreement.year)]
    total = mine["planned_eur"].sum(min_count=1)
    if pd.notna(total) and agreement.budget_eur and round(total - agreement.budget_eur, 2) > 0:
        add(
            Severity.WARNING,
            BUDGET_FIELD,
            format_eur(agreement.budget_eur, 2),
            f"Die geplanten Mittel der gespeicherten Projekte von {where} ({format_eur(total, 2)}) übersteigen die "
            "geänderten Haushaltsmittel",
        )
    return problems


def _reading_problems(reading: AgreementReading, corrected: bool) -> list[Problem]:
    """The reader's messages about the document, in the shared problem vocabulary. Once the analyst gave the
    agreement (`corrected`), what the reader could not read no longer blocks; what it warned about still applies."""
    errors = [] if corrected else reading.errors
    return [
        Problem(reading.file, severity, AGREEMENT_DOCUMENT, message)
        for severity, messages in ((Severity.ERROR, errors), (Severity.WARNING, reading.warnings))
        for message in messages
    ]


def check_agreement(
    store: Store,
    data: bytes,
    file_name: str,
    corrected: Agreement | None = None,
    reading: AgreementReading | None = None,
    amendment: AmendmentRequest | None = None,
) -> AgreementCheck:
    """Read an agreement document (in an isolated worker, unless its `reading` is given), check the agreement
    (`corrected`, the analyst's version, or else the one read) against itself and the stored data, preview what
    storing it would change. With `amendment`, the document amends the stored agreement of its district and year:
    one row of „Änderungen“ (its budget from `valid_from`, with the reason) is checked and previewed instead."""
    reading = reading if reading is not None else read_agreement_isolated(data, file_name)
    digest = sha256(data)
    agreement = corrected if corrected is not None else reading.agreement
    problems = _reading_problems(reading, corrected is not None)
    if agreement is None:
        return AgreementCheck(file=reading.file, problems=problems, digest=digest, reading=reading, agreement=None)

    def check(current: AqbData) -> tuple[list[Problem], dict[str, pd.DataFrame], ChangePreview | None, str]:
        source = agreement_source(agreement, reading.file)
        if amendment is not None:
            tables = amendment_tables(agreement, amendment, f"Änderung der {source}")
            found = problems + _amendment_problems(agreement, amendment, current, reading.file)
            text = amendment_sentence(agreement, amendment, current)
            return found, tables, _preview(store, found, tables, digest, frozenset()), text
        tables = agreement_tables(agreement, source, current.projects)
        found = problems + _agreement_errors(agreement, reading.file)
        if not any(p.severity is Severity.ERROR for p in found):
            found += agreement_problems(agreement, tables, current, reading.file)
        return found, tables, _preview(store, found, tables, digest, frozenset()), ""

    # What is checked against: the stored agreement of its district and year, the year before, their projects.
    places = {(agreement.ags, agreement.year), (agreement.ags, agreement.year - 1)}
    (found, tables, preview, text), version = _on_one_state(store, places, check)
    return AgreementCheck(
        file=reading.file,
        problems=found,
        digest=digest,
        tables=tables,
        preview=preview,
        version=version,
        reading=reading,
        agreement=agreement,
        amendment=amendment,
        amendment_text=text,
    )


def import_agreement_checked(
    store: Store, check: AgreementCheck, corrected_agreement: Agreement | None = None, user: User | None = None
) -> ImportRecord | None:
    """Store a checked agreement exactly as previewed (one transaction, with the document's name and SHA-256);
    None if it would change nothing.

    `corrected_agreement`, if given, must be the agreement the check was made on: corrections are checked and
    previewed first (`check_agreement(..., corrected=...)`), else StaleCheckError. Refuses (StoreConflictError)
    when another import or an undo changed the district's year since the check, and (AccessDeniedError) a `user`
    whose role may not store agreements; the audit trail names `user` (None: the operating-system user).
    """
    if check.agreement is None:
        raise ValueError("Aus diesem Dokument lässt sich keine Zielvereinbarung übernehmen")
    if corrected_agreement is not None and corrected_agreement != check.agreement:
        raise StaleCheckError(
            "Die Angaben wurden nach der Prüfung geändert; es wurde nichts gespeichert. Bitte die Korrekturen "
            "erneut prüfen („Korrekturen prüfen“) und die neue Vorschau übernehmen."
        )
    return _import(store, check, user)
