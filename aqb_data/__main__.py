"""The engine from the command line: `python -m aqb_data validate|summary|demo …` (messages in German)."""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pandas as pd

from aqb_data.analysis.indicators import (
    LAND_LABEL,
    LEVELS,
    Selection,
    allocation_by_measure_type,
    budget_decomposition,
    district_budgets,
    land_totals,
    ratio,
)
from aqb_data.domain.dataset import AqbData, DataError
from aqb_data.domain.districts import load_districts
from aqb_data.domain.formatting import format_number
from aqb_data.domain.model import MEASURE_TYPES, TABLES
from aqb_data.domain.problems import Problem, Severity
from aqb_data.domain.values import visible
from aqb_data.export.demo import DEFAULT_SEED, real_agreement, write_demo
from aqb_data.export.workbooks import problems_workbook, write_state_workbook, write_template
from aqb_data.export.xlsx import is_xlsx_file, neutralise
from aqb_data.present.argparse_de import german_argparse, whole_number
from aqb_data.present.views import backtest_view
from aqb_data.read.files import load_workbooks
from aqb_data.read.sandbox import read_agreement_isolated, read_workbook_isolated
from aqb_data.store.database import KIND_LABELS, AuditEvent, StoreError, open_store, sha256
from aqb_data.store.intake import UploadCheck, check_upload, import_checked

EXIT_OK, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2

# What a terminal acts on instead of showing: C0 and C1 controls (ESC starts colour, cursor and title sequences;
# U+009B is a one-character CSI), and the direction marks and overrides that show a name reversed.
# A byte of a file name that is not UTF-8 arrives as a lone surrogate (U+DC80–U+DCFF) and would leave as that
# raw byte: 0x9B alone is a CSI on terminals that read 8-bit controls.
_TERMINAL_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\udc80-\udcff"
_IN_OUTPUT = re.compile(f"[{_TERMINAL_CONTROLS}]")  # line breaks and tabs of the messages themselves pass
_IN_NAMES = re.compile(f"[{_TERMINAL_CONTROLS}\t\n]")  # a name is one line


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"<0x{code - 0xDC00:02X}>" if 0xDC80 <= code <= 0xDCFF else f"<U+{code:04X}>"


def _shown(name: object) -> str:
    """A file name or path as a message shows it: control and direction characters spelled out (<U+001B>)."""
    return _IN_NAMES.sub(_spelled, str(name))


class _TerminalSafe:
    """A text stream that spells out control characters before they reach the terminal: whatever a message
    quotes from a file (names, cells, sheet names), an escape sequence in it must never act on the terminal."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        """Write `text` with its control characters spelled out; returns the length of `text`."""
        self._stream.write(_IN_OUTPUT.sub(_spelled, text))
        return len(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


class _GermanParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # pragma: no cover - argparse prints and exits
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"Fehler: {message}\n")


def _validate(files: list[str], report: Path | None = None) -> int:
    """Print every problem of each file, and write them all as a Prüfbericht to `report` if given;
    0 valid, 1 problems, 2 a file could not be read at all or the report cannot be written."""
    if report is not None and (refusal := _output_refusal(report, files)):
        print(f"Fehler: {refusal}", file=sys.stderr)
        return EXIT_UNREADABLE
    worst = EXIT_OK
    problems: list[Problem] = []
    for file in files:
        result = read_workbook_isolated(file)
        problems += result.problems
        if result.unreadable:
            worst = EXIT_UNREADABLE
        elif result.errors:
            worst = max(worst, EXIT_PROBLEMS)
        sheets = {table.name: table.sheet for table in TABLES}
        counts = (
            ", ".join(f"{sheets[t]}: {len(result.tables[t])} Zeilen" for t in result.sheets_read) or "keine Blätter"
        )
        status = "nicht lesbar" if result.unreadable else "Fehler" if result.errors else "gültig"
        errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
        print(f"{file}: {status} ({counts}; {format_number(errors)} Fehler, {format_number(warnings)} Warnungen)")
        for problem in result.problems:
            print(f"  {problem.text()}")
    if report is not None:
        if failure := _write_output(report, problems_workbook(problems)):
            print(f"Fehler: {failure}", file=sys.stderr)
            return EXIT_UNREADABLE
        errors = sum(p.stands_for for p in problems if p.severity is Severity.ERROR)
        warnings = sum(p.stands_for for p in problems if p.severity is Severity.WARNING)
        print(
            f"{_shown(report)}: Prüfbericht mit {_counted(errors, 'Fehler', 'Fehlern')} und "
            f"{_counted(warnings, 'Warnung', 'Warnungen')} aus {_counted(len(files), 'Datei', 'Dateien')} geschrieben."
        )
    return worst


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _output_refusal(path: Path, inputs: Sequence[str] = ()) -> str | None:
    """Why a workbook must not be written to `path` (German), or None: only .xlsx, never over one of `inputs`,
    never over an existing file that is not an xlsx workbook."""
    if path.suffix.lower() != ".xlsx":
        return (
            f"{_shown(path)}: Die Ausgabe muss eine Excel-Arbeitsmappe mit der Endung .xlsx sein "
            f"(angegeben: „{visible(path.suffix) or '(ohne Endung)'}“)."
        )
    if path.is_dir():
        return f"{_shown(path)} kann nicht geschrieben werden (das ist ein Ordner)."
    if not path.parent.is_dir():
        return f"{_shown(path)} kann nicht geschrieben werden (den Ordner {_shown(path.parent)} gibt es nicht)."
    if path.exists():
        if any(_same_file(path, Path(source)) for source in inputs):
            return (
                f"{_shown(path)} ist eine der zu prüfenden Dateien und wird nicht überschrieben; "
                "bitte für den Prüfbericht einen anderen Namen wählen."
            )
        if not is_xlsx_file(path):
            return (
                f"{_shown(path)} gibt es schon, und es ist keine Excel-Arbeitsmappe (.xlsx); die Datei wird nicht "
                "überschrieben. Bitte einen anderen Namen wählen."
            )
    return None


def _same_file(path: Path, other: Path) -> bool:
    try:
        return other.exists() and path.samefile(other)
    except OSError:
        return False


def _write_output(path: Path, content: bytes) -> str | None:
    """Write `content` to `path`; None, or why it could not be written (German)."""
    try:
        path.write_bytes(content)
    except OSError as error:
        reasons = {
            PermissionError: "keine Schreibrechte",
            IsADirectoryError: "das ist ein Ordner",
            FileNotFoundError: "Ordner nicht gefunden",
        }
        reason = reasons.get(type(error), error.strerror or error.__class__.__name__)
        return f"{_shown(path)} kann nicht geschrieben werden ({reason})."
    return None


def _round(value: float, digits: int) -> float | None:
    return None if pd.isna(value) else round(float(value), digits)


def _sources(data: AqbData, year: int, ags: str) -> list[str]:
    """The sources named by a district's agreement and projects of the year, each once, agreement first."""
    named: list[str] = []
    for frame in (data.agreements, data.projects):
        rows = frame[(frame["year"] == year) & (frame["ags"] == ags)]
        named += [str(source) for source in rows["source"].dropna()]
    return list(dict.fromkeys(named))


# The fields of every level of the summary: the parts of the budget (budget = planned − over_planned + unplanned
# + unknown, to the cent; see `budget_decomposition`) and the counts that explain them.
_PART_FIELDS = ("budget_eur", "planned_eur", "over_planned_eur", "unplanned_eur", "unknown_eur")
IDENTITY = "budget_eur = planned_eur - over_planned_eur + unplanned_eur + unknown_eur"


def summary_table(data: AqbData, year: int) -> dict[str, object]:
    """The allocation summary of a year as plain data: year, the identity, files, the Land, each
    Regierungsbezirk and each district with the parts of its budget (`_PART_FIELDS`), its measure types,
    sources (districts) and demo flag. Amounts are euros to the cent; null where there is no value (no
    agreement, a measure type whose projects have no amounts)."""
    selection = Selection(year)
    decomposition = budget_decomposition(data, selection)
    budgets = district_budgets(data, selection).set_index("ags")
    allocation = {level: allocation_by_measure_type(data, selection, level) for level in LEVELS}

    def by_type(rows: pd.DataFrame, budget: float) -> dict[str, dict[str, float | None]]:
        """Planned euros and share of the budget per measure type; a type without projects has 0."""
        planned = rows.set_index("measure_type")["planned_eur"]
        return {
            str(code): {
                "planned_eur": _round(planned.get(code, 0.0), 2),
                "share": _round(ratio(planned.get(code, 0.0), budget), 6),
            }
            for code in MEASURE_TYPES
        }

    def entry(row: pd.Series, level: str, per_inhabitant: float) -> dict[str, object]:
        shown = allocation[level]
        key = row["unit"] if level != "regierungsbezirk" else row["regierungsbezirk"]
        return {
            **{field: _round(row[field], 2) for field in _PART_FIELDS},
            "planned_without_agreement_eur": _round(row["planned_without_agreement_eur"], 2),
            "n_districts": int(row["n_districts"]),
            "n_over_planned": int(row["n_over_planned"]),
            "n_unknown": int(row["n_unknown"]),
            "projects_without_amount": int(row["projects_without_amount"]),
            "budget_per_inhabitant": _round(per_inhabitant, 4),
            "by_measure_type": by_type(shown[shown["unit"] == key], row["budget_eur"]),
            "demo": bool(row["demo"]),
        }

    land_row = decomposition[decomposition["level"] == "land"].iloc[0]
    land = {"label": LAND_LABEL} | entry(land_row, "land", land_totals(data, selection)["budget_per_inhabitant"])
    land["n_demo_districts"] = int(land_row["n_demo"])
    regions = []
    for _, row in decomposition[decomposition["level"] == "regierungsbezirk"].iterrows():
        totals = land_totals(data, Selection(year, regierungsbezirk=row["unit"]))
        region = {"name": row["unit"], "label": row["unit_label"]}
        region |= entry(row, "regierungsbezirk", totals["budget_per_inhabitant"])
        region["n_demo_districts"] = int(row["n_demo"])
        regions.append(region)
    districts = []
    for _, row in decomposition[decomposition["level"] == "district"].iterrows():
        district = budgets.loc[row["unit"]]
        head = {"ags": row["unit"], "name": district["name"], "label": row["unit_label"]}
        head |= {"regierungsbezirk": row["regierungsbezirk"], "project_amounts": row["project_amounts"]}
        body = entry(row, "district", district["budget_per_inhabitant"])
        for field in ("n_districts", "n_over_planned", "n_unknown"):
            del body[field]
        districts.append(head | body | {"sources": _sources(data, year, row["unit"])})
    return {
        "year": year,
        "identity": IDENTITY,
        "files": list(data.files),
        "land": land,
        "regierungsbezirke": regions,
        "districts": districts,
    }


_CSV_FIRST = ("level", "ags", "name", "label", "regierungsbezirk")


def summary_csv(summary: dict[str, object]) -> str:
    """The Land, Regierungsbezirk and district rows of a summary as CSV for German Excel (`;`, decimal comma):
    one row each with its `level`; sources joined by ` | `; text a spreadsheet could take for a formula starts
    with an apostrophe."""
    rows = []
    levels = [("land", [summary["land"]]), ("regierungsbezirk", summary["regierungsbezirke"])]
    levels.append(("district", summary["districts"]))
    for level, entries in levels:
        for entry in entries:  # type: ignore[union-attr]
            row: dict[str, object] = {"level": level}
            for key, value in entry.items():
                if key == "by_measure_type":
                    continue
                if key == "sources":
                    value = " | ".join(value)
                if key == "demo":
                    value = "ja" if value else "nein"
                row[key] = neutralise(value) if isinstance(value, str) else value
            for code, values in entry["by_measure_type"].items():
                row[f"planned_eur_{code}"] = values["planned_eur"]
                row[f"share_{code}"] = values["share"]
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame = frame[[*_CSV_FIRST, *[c for c in frame.columns if c not in _CSV_FIRST]]]
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=";", decimal=",", index=False)
    return buffer.getvalue()


def _summary(year: int, output_format: str, files: list[str], db: str | None) -> int:
    try:
        data = load_workbooks(files, read_workbook_isolated) if files else open_store(db).load()
    except DataError as error:
        print("Die Daten enthalten Fehler; keine Zusammenfassung:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.text()}", file=sys.stderr)
        return EXIT_UNREADABLE if any(p.kind == "Datei unlesbar" for p in error.problems) else EXIT_PROBLEMS
    if year not in data.years:
        available = ", ".join(str(y) for y in data.years) or "keine"
        print(f"Für {year} gibt es keine Zielvereinbarungen (vorhanden: {available}).", file=sys.stderr)
        return EXIT_PROBLEMS
    summary = summary_table(data, year)
    if output_format == "json":
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(summary_csv(summary))
    return EXIT_OK


def _backtest(files: list[str], db: str | None) -> int:
    """Print the projection's backtest (each earlier year replayed at its Stichtage) as a German table."""
    try:
        data = load_workbooks(files, read_workbook_isolated) if files else open_store(db).load()
    except DataError as error:
        print("Die Daten enthalten Fehler; kein Rückblick:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.text()}", file=sys.stderr)
        return EXIT_UNREADABLE if any(p.kind == "Datei unlesbar" for p in error.problems) else EXIT_PROBLEMS
    view = backtest_view(data)
    if view.frame.empty:
        print(
            "Kein Rückblick möglich: Es fehlen abgeschlossene Jahre (mit Bericht zum 31.12.) mit einem früheren Jahr."
        )
        return EXIT_OK
    print(view.title)
    cells = view.cells()
    widths = [max(len(heading), *(len(v) for v in cells[heading])) for heading in cells.columns]
    print("  ".join(h.ljust(w) for h, w in zip(cells.columns, widths, strict=True)))
    for row in cells.itertuples(index=False):
        print(
            "  ".join(
                str(v).rjust(w) if i >= 3 else str(v).ljust(w) for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    for line in view.lines:
        print(line)
    return EXIT_OK


def _import(files: list[str], db: str | None) -> int:
    """Check all files first; if none has an error, import them in order, each in one transaction.

    A file that rests on what an earlier file of the same command saved is checked again on that state; a change
    by someone else, since the check, to a district's year in a table a file brings refuses that file (exit 1).
    """
    store = open_store(db)
    checked: list[tuple[bytes, UploadCheck]] = []
    for file in files:
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            reason = "nicht gefunden" if isinstance(error, FileNotFoundError) else error.strerror or "nicht lesbar"
            print(f"Fehler: {_shown(file)}: Die Datei kann nicht gelesen werden ({reason}).", file=sys.stderr)
            return EXIT_PROBLEMS
        checked.append((data, check_upload(data, path.name, store)))
    errors = 0
    for _, check in checked:
        errors += check.count(Severity.ERROR)
        for problem in check.problems:
            print(problem.text(), file=sys.stderr if problem.severity is Severity.ERROR else sys.stdout)
    if errors:
        print(f"Abgelehnt: {errors} Fehler; es wurde nichts gespeichert.", file=sys.stderr)
        return EXIT_PROBLEMS
    saved_units: set[tuple[str, str, int]] = set()
    saved_files: list[str] = []
    for data, check in checked:
        name = _shown(check.result.file)
        if check.preview is not None and saved_units & check.preview.basis.keys():
            check = check_upload(data, check.result.file, store)  # an earlier file of this command changed its basis
            if check.errors:
                for problem in check.errors:
                    print(problem.text(), file=sys.stderr)
                print(f"{name}: nicht gespeichert. {_already_saved(saved_files)}", file=sys.stderr)
                return EXIT_PROBLEMS
        try:
            record = import_checked(check, store)
        except StoreError as error:
            print(f"{name}: {error} {_already_saved(saved_files)}", file=sys.stderr)
            return EXIT_PROBLEMS
        if record is None:
            print(f"{name}: keine Änderungen – dieser Stand ist bereits gespeichert.")
            continue
        saved_units |= check.preview.basis.keys() if check.preview is not None else set()
        saved_files.append(name)
        print(f"{name}: importiert als Nr. {record.id} ({record.describe()})")
    return EXIT_OK


def _already_saved(names: list[str]) -> str:
    """Which files of the command were saved before a refusal (each stays a complete import)."""
    return f"Bereits gespeichert: {', '.join(names)}." if names else "Aus diesem Aufruf wurde nichts gespeichert."


def _parse_agreement(file: str) -> int:
    """Print what a Zielvereinbarung says as JSON; exit 1 with the German reason if it cannot be read."""
    reading = read_agreement_isolated(Path(file))
    if reading.agreement is None:
        for error in reading.errors:
            print(f"Fehler: {reading.file}: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    for warning in reading.warnings:
        print(f"Hinweis: {reading.file}: {warning}", file=sys.stderr)
    print(json.dumps(reading.agreement.as_json(), ensure_ascii=False, indent=2))
    return EXIT_OK


def _template(output: Path) -> int:
    """Write the empty report template; only to .xlsx, never over a file that is not an xlsx workbook."""
    if refusal := _output_refusal(output):
        print(f"Fehler: {refusal}", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        write_template(output)
    except OSError as error:
        print(
            f"Fehler: {_shown(output)} kann nicht geschrieben werden ({error.strerror or error.__class__.__name__}).",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    print(
        f"{_shown(output)}: Vorlage mit den Blättern Zielvereinbarungen, Projekte, Umsetzungsstand, Änderungen "
        "und Hinweise."
    )
    return EXIT_OK


def _export_state(output: Path, as_of: int | None, db: str | None) -> int:
    """Write the stored data (now, or right after import `as_of`) as a workbook, as the Verlauf page's
    "Diesen Stand herunterladen"; 1 for an unknown or undone import, 2 if the output cannot be written."""
    if refusal := _output_refusal(output):
        print(f"Fehler: {refusal}", file=sys.stderr)
        return EXIT_UNREADABLE
    store = open_store(db)
    state = "Aktueller Stand"
    if as_of is not None:
        records = {record.id: record for record in store.history()}
        record = records.get(as_of)
        if record is None:
            in_force = sorted(r.id for r in records.values() if r.undone_at is None)
            print(
                f"Fehler: Einen Import Nr. {as_of} gibt es nicht ({_numbers_in_force(in_force)}); "
                "„history“ listet alle Importe.",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        if record.undone_at is not None:
            print(
                f"Fehler: Import Nr. {as_of} ({visible(record.file_name)}) ist am {record.undone_at:%d.%m.%Y %H:%M} "
                "rückgängig gemacht worden; seinen Stand gibt es nicht mehr.",
                file=sys.stderr,
            )
            return EXIT_PROBLEMS
        state = f"Stand nach Import Nr. {as_of} ({visible(record.file_name)}, {record.imported_at:%d.%m.%Y %H:%M})"
    written: Counter[str] = Counter()

    def counting(name: str, records: Iterable[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
        for record in records:
            written[name] += 1
            yield record

    with store.state_rows(as_of) as rows:  # streamed as the Verlauf page does: no table held whole
        content = write_state_workbook({name: counting(name, records) for name, records in rows.items()})
    if failure := _write_output(output, content):
        print(f"Fehler: {failure}", file=sys.stderr)
        return EXIT_UNREADABLE
    store.record(AuditEvent.EXPORT_STATE, file_name=output.name, digest=sha256(content), detail=state)
    print(
        f"{_shown(output)}: {state} mit {_counted(written['agreements'], 'Zielvereinbarung', 'Zielvereinbarungen')}, "
        f"{_counted(written['projects'], 'Projekt', 'Projekten')} und "
        f"{_counted(written['progress'], 'Umsetzungsstand', 'Umsetzungsständen')} geschrieben."
    )
    return EXIT_OK


def _numbers_in_force(numbers: list[int]) -> str:
    if not numbers:
        return "kein Import ist in Kraft"
    if len(numbers) <= 10:
        return f"in Kraft: Nr. {', '.join(map(str, numbers))}"
    return f"in Kraft: {len(numbers)} Importe zwischen Nr. {numbers[0]} und Nr. {numbers[-1]}"


def _history(db: str | None) -> int:
    records = open_store(db).history()
    for record in records:
        undone = f" – rückgängig gemacht am {record.undone_at:%d.%m.%Y %H:%M}" if record.undone_at else ""
        print(
            f"Nr. {record.id} · {record.imported_at:%d.%m.%Y %H:%M} · {KIND_LABELS[record.kind]} · "
            f"{_shown(record.file_name)} · {record.describe()}{undone}"
        )
    if not records:
        print("Noch keine Importe.")
    return EXIT_OK


def _undo(db: str | None) -> int:
    store = open_store(db)  # a database that cannot be opened is exit 2 (in main), a refused undo exit 1
    try:
        record = store.undo_last()
    except StoreError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS
    if record is None:
        print("Es gibt keinen Import, der rückgängig gemacht werden könnte.")
    else:
        print(f"Rückgängig gemacht: Nr. {record.id} ({_shown(record.file_name)}, {record.imported_at:%d.%m.%Y %H:%M}).")
    return EXIT_OK


def _remove_demo(db: str | None) -> int:
    store = open_store(db)
    try:
        record = store.remove_synthetic()
    except StoreError as error:
        print(error, file=sys.stderr)
        return EXIT_PROBLEMS
    if record is None:
        print("Es gibt keine Demodaten (mehr).")
    else:
        print(f"Demodaten entfernt ({record.describe()}); mit „undo“ rückgängig zu machen.")
    return EXIT_OK


def _meeting_pack(district: str | None, year: int, outputs: list[str], db: str | None) -> int:
    """Write the meeting pack of a district (or, without one, of the Land) as .pptx and/or .pdf; 2 on any error."""
    from aqb_data.domain.districts import DistrictError, normalise_ags, resolve_ags, resolve_name
    from aqb_data.export import meeting_pack

    paths = [Path(output) for output in outputs]
    for path in paths:
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in meeting_pack.FORMATS:
            print(
                f"Fehler: {path}: Das Format „{path.suffix or '(ohne Endung)'}“ wird nicht unterstützt; "
                "bitte eine Datei mit der Endung .pptx oder .pdf angeben.",
                file=sys.stderr,
            )
            return EXIT_UNREADABLE
        if not path.parent.is_dir():
            print(
                f"Fehler: {path} kann nicht geschrieben werden (den Ordner {path.parent} gibt es nicht).",
                file=sys.stderr,
            )
            return EXIT_UNREADABLE
    ags = None
    if district is not None:
        try:
            ags = resolve_ags(district) if normalise_ags(district) else resolve_name(district)
        except DistrictError as error:
            print(f"Fehler: {error}.", file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        store = open_store(db)
        data = store.load()
    except (StoreError, DataError) as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if year not in data.years:
        available = ", ".join(str(y) for y in data.years) or "keine"
        print(f"Fehler: Für {year} gibt es keine Zielvereinbarungen (vorhanden: {available}).", file=sys.stderr)
        return EXIT_UNREADABLE
    pack = (
        meeting_pack.district_pack(data, year, ags, notes=store.notes(year, ags))
        if ags
        else meeting_pack.land_pack(data, year)
    )
    if pack.image_problem:
        print(f"Warnung: Diagramme sind durch ihre Zahlentabellen ersetzt. {pack.image_problem}", file=sys.stderr)
    for path in paths:
        document = meeting_pack.render(pack, path.suffix.lower().lstrip("."))
        refusal = _write_output(path, document)
        if refusal:
            print(f"Fehler: {refusal}", file=sys.stderr)
            return EXIT_UNREADABLE
        store.record(AuditEvent.EXPORT_PACK, file_name=path.name, digest=sha256(document), detail=pack.title)
        kind = "PowerPoint" if path.suffix.lower() == ".pptx" else "PDF"
        print(f"{path}: {pack.title} als {kind} mit {len(pack.slides)} Folien geschrieben.")
    return EXIT_OK


def _meeting_pack_all(outdir: Path, year: int, db: str | None) -> int:
    """Write every district's meeting pack as .pptx and .pdf into `outdir`, a progress line per district on stderr;
    1 naming the districts that failed (the others are written), 2 if nothing could start."""
    from aqb_data.export.meeting_pack.batch import district_packs

    try:
        outdir.mkdir(parents=True, exist_ok=True)
        store = open_store(db)
        data = store.load()
    except OSError as error:
        print(f"Fehler: Der Ordner {_shown(outdir)} kann nicht angelegt werden ({error.strerror}).", file=sys.stderr)
        return EXIT_UNREADABLE
    except (StoreError, DataError) as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return EXIT_UNREADABLE
    if year not in data.years:
        available = ", ".join(str(y) for y in data.years) or "keine"
        print(f"Fehler: Für {year} gibt es keine Zielvereinbarungen (vorhanden: {available}).", file=sys.stderr)
        return EXIT_UNREADABLE
    failed, written = [], 0
    for made in district_packs(data, year, notes_of=lambda ags: store.notes(year, ags)):
        for name, document in made.files.items():
            if refusal := _write_output(outdir / name, document):
                made.error = refusal
                break
            store.record(AuditEvent.EXPORT_PACK, file_name=name, digest=sha256(document), detail=made.title)
        print(made.line, file=sys.stderr)
        if made.error:
            failed.append(made.name)
        else:
            written += 1
    if failed:
        print(f"Fehler: Nicht erstellt für {', '.join(failed)}; die übrigen sind geschrieben.", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"{_shown(outdir)}: {written} Sitzungsmappen {year} als PowerPoint und PDF geschrieben.")
    return EXIT_OK


def _notes(year: int, district: str | None, db: str | None) -> int:
    """Print the notes and agreed actions of a year (of one district if given), open actions first, one block each."""
    from datetime import date

    from aqb_data.domain.districts import DistrictError, normalise_ags, resolve_ags, resolve_name
    from aqb_data.present.notes import notes_frame

    ags = None
    if district is not None:
        try:
            ags = resolve_ags(district) if normalise_ags(district) else resolve_name(district)
        except DistrictError as error:
            print(f"Fehler: {error}.", file=sys.stderr)
            return EXIT_UNREADABLE
    frame = notes_frame(open_store(db).notes(year=year, ags=ags), date.today(), year, ags)
    for row in frame.to_dict("records"):
        parts = [f"Nr. {row['Nr.']}", f"{row['Gebietskörperschaft']} {row['Jahr']}", row["Art"]]
        parts += [row[c] for c in ("Status", "Maßnahmenart") if pd.notna(row[c])]
        if pd.notna(row["Fällig am"]) and row["Status"] == "○ offen":
            parts.append(f"fällig am {row['Fällig am']:%d.%m.%Y}")
        if pd.notna(row["Projekt"]):
            parts.append(f"Projekt „{_shown(row['Projekt'])}“")
        parts.append(f"{_shown(row['Verfasst von'])}, {row['Angelegt am']:%d.%m.%Y %H:%M}")
        print(" · ".join(parts))
        for line in str(row["Text"]).splitlines():
            print(f"    {_shown(line)}")
    if frame.empty:
        print("Keine Notizen oder vereinbarten Maßnahmen.")
    return EXIT_OK


def _audit(db: str | None) -> int:
    """Print the audit trail, newest first, one line per entry (the CLI runs as the operating-system user, who can
    read the database file anyway)."""
    log = open_store(db).audit_log()
    for entry in log.itertuples(index=False):
        number = f" · Import Nr. {entry[5]}" if pd.notna(entry[5]) else ""
        digest = f" (SHA-256 {entry[7][:12]}…)" if entry[7] else ""
        file = f" · {_shown(entry[6])}{digest}" if entry[6] else ""
        print(f"{entry[0]:%d.%m.%Y %H:%M} · {_shown(entry[1])} · {entry[4]}{number}{file} · {_shown(entry[8])}")
    if log.empty:
        print("Das Protokoll ist leer.")
    return EXIT_OK


def _backup(output: Path, db: str | None) -> int:
    """Write the whole database to a new SQLite file (any engine), from one snapshot."""
    from aqb_data.store.backup import backup
    from aqb_data.store.database import Store, default_path, is_url

    location = db or default_path()
    if not is_url(location) and not Path(location).exists():
        print(f"Fehler: Die Datenbank {_shown(location)} gibt es nicht; nichts zu sichern.", file=sys.stderr)
        return EXIT_UNREADABLE
    copied = backup(Store(location), output)
    print(f"{_shown(output)}: Sicherung von {copied.database} geschrieben ({copied.describe()}).")
    return EXIT_OK


def _restore(source: Path, replace: bool, db: str | None) -> int:
    """Replace everything in the database by a backup, in one transaction."""
    from aqb_data.store.backup import restore
    from aqb_data.store.database import default_path

    copied = restore(source, db or default_path(), replace)
    print(f"{_shown(source)}: in {copied.database} zurückgespielt ({copied.describe()}).")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code. Nothing it prints can act on the terminal."""
    with redirect_stdout(_TerminalSafe(sys.stdout)), redirect_stderr(_TerminalSafe(sys.stderr)), german_argparse():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = _GermanParser(prog="python -m aqb_data", description="AQB-Dashboard: Daten prüfen und auswerten.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")
    validate = commands.add_parser("validate", help="Arbeitsmappen prüfen (Exit 0 gültig, 1 Fehler, 2 unlesbar)")
    validate.add_argument("files", nargs="+", metavar="DATEI", help="Excel-Arbeitsmappen (.xlsx)")
    validate.add_argument(
        "--report",
        type=Path,
        metavar="BERICHT.xlsx",
        help="zusätzlich den Prüfbericht aller Dateien als Excel-Datei schreiben (wie „Prüfbericht herunterladen“)",
    )
    summary = commands.add_parser("summary", help="Verteilung der Mittel eines Jahres je Gebietskörperschaft")
    summary.add_argument("--year", type=whole_number, required=True, metavar="JAHR", help="Haushaltsjahr")
    summary.add_argument(
        "--format",
        choices=("json", "csv"),
        default="json",
        dest="output_format",
        help="JSON oder CSV für deutsches Excel (Standard json)",
    )
    summary.add_argument("files", nargs="*", metavar="DATEI", help="ohne Dateien: die Daten des Dashboards")
    backtesting = commands.add_parser(
        "backtest", help="Rückblick: die Hochrechnung zum Jahresende in früheren Jahren gegen das tatsächliche Ergebnis"
    )
    backtesting.add_argument("files", nargs="*", metavar="DATEI", help="ohne Dateien: die Daten des Dashboards")
    importing = commands.add_parser("import", help="Arbeitsmappen prüfen und in die Datenbank übernehmen")
    importing.add_argument("files", nargs="+", metavar="DATEI", help="Excel-Arbeitsmappen (.xlsx)")
    commands.add_parser("history", help="die Importe auflisten")
    commands.add_parser("undo", help="den letzten Import rückgängig machen")
    commands.add_parser("remove-demo", help="alle synthetischen Demodaten entfernen")
    commands.add_parser("audit", help="das Protokoll: wer wann was geändert oder exportiert hat")
    notes = commands.add_parser("notizen", help="Notizen und vereinbarte Maßnahmen eines Jahres auflisten")
    notes.add_argument("--jahr", type=whole_number, required=True, help="Haushaltsjahr")
    notes.add_argument("--ags", help="Kreisschlüssel oder Name der Gebietskörperschaft; ohne: alle")
    parse = commands.add_parser("parse-agreement", help="eine Zielvereinbarung (.md, .txt, .pdf) lesen, JSON ausgeben")
    parse.add_argument("file", metavar="DATEI")
    export_state = commands.add_parser(
        "export-state",
        help="einen gespeicherten Stand als Arbeitsmappe schreiben (wie „Diesen Stand herunterladen“ im Verlauf)",
    )
    export_state.add_argument(
        "--as-of",
        type=whole_number,
        metavar="IMPORT",
        help="der Stand direkt nach diesem Import (Nr. wie in „history“); ohne: der aktuelle Stand",
    )
    export_state.add_argument("output", metavar="AUSGABE.xlsx", help="Datei mit der Endung .xlsx")
    backing_up = commands.add_parser(
        "backup", help="die ganze Datenbank in eine neue SQLite-Datei sichern (auch PostgreSQL, im laufenden Betrieb)"
    )
    backing_up.add_argument("output", metavar="SICHERUNG.sqlite", help="neue Datei (wird nie überschrieben)")
    restoring = commands.add_parser(
        "restore", help="eine Sicherung zurückspielen: ersetzt alles in der Datenbank, in einem Schritt"
    )
    restoring.add_argument("source", metavar="SICHERUNG.sqlite", help="eine mit „backup“ geschriebene Datei")
    restoring.add_argument(
        "--ersetzen",
        action="store_true",
        dest="replace",
        help="auch eine Datenbank mit Daten ersetzen (vorher die Dienste anhalten)",
    )
    template = commands.add_parser("template", help="die leere Berichtsvorlage schreiben")
    template.add_argument("output", metavar="AUSGABE.xlsx")
    demo = commands.add_parser("demo", help="den Demodatensatz erzeugen")
    demo.add_argument("output", metavar="AUSGABE.xlsx")
    demo.add_argument(
        "--seed",
        type=whole_number,
        default=DEFAULT_SEED,
        metavar="STARTWERT",
        help=f"Startwert (Standard {DEFAULT_SEED})",
    )
    pack = commands.add_parser(
        "meeting-pack",
        help="Unterlage zur Umsetzungsbesprechung (.pptx oder .pdf) für eine Gebietskörperschaft oder Hessen",
    )
    pack.add_argument("--ags", help="Kreisschlüssel oder Name der Gebietskörperschaft; ohne: ganz Hessen")
    pack.add_argument("--year", type=whole_number, required=True, metavar="JAHR", help="Haushaltsjahr")
    pack.add_argument("--all", type=Path, metavar="ORDNER", help="alle 26 Gebietskörperschaften (.pptx und .pdf)")
    pack.add_argument("outputs", nargs="*", metavar="AUSGABE", help="Datei(en) mit der Endung .pptx oder .pdf")
    for command in (
        summary,
        backtesting,
        importing,
        pack,
        export_state,
        backing_up,
        restoring,
        *(commands.choices[c] for c in ("history", "undo", "remove-demo", "audit", "notizen")),
    ):
        command.add_argument(
            "--db",
            metavar="DATENBANK",
            help="Datenbankdatei oder PostgreSQL-Adresse postgresql://benutzer:passwort@rechner/datenbank "
            "(Standard: $AQB_DB oder var/aqb.sqlite)",
        )
    args = parser.parse_args(argv)
    if args.command == "meeting-pack" and args.all is not None and (args.outputs or args.ags):
        pack.error("--all schreibt alle Gebietskörperschaften in den Ordner; ohne --ags und ohne AUSGABE angeben")
    if args.command == "meeting-pack" and args.all is None and not args.outputs:
        pack.error("bitte AUSGABE (.pptx oder .pdf) oder --all ORDNER angeben")
    handlers = {
        "validate": lambda: _validate(args.files, args.report),
        "export-state": lambda: _export_state(Path(args.output), args.as_of, args.db),
        "summary": lambda: _summary(args.year, args.output_format, args.files, args.db),
        "import": lambda: _import(args.files, args.db),
        "backtest": lambda: _backtest(args.files, args.db),
        "history": lambda: _history(args.db),
        "undo": lambda: _undo(args.db),
        "remove-demo": lambda: _remove_demo(args.db),
        "audit": lambda: _audit(args.db),
        "notizen": lambda: _notes(args.jahr, args.ags, args.db),
        "backup": lambda: _backup(Path(args.output), args.db),
        "restore": lambda: _restore(Path(args.source), args.replace, args.db),
        "template": lambda: _template(Path(args.output)),
        "parse-agreement": lambda: _parse_agreement(args.file),
        "meeting-pack": lambda: (
            _meeting_pack_all(args.all, args.year, args.db)
            if args.all is not None
            else _meeting_pack(args.ags, args.year, args.outputs, args.db)
        ),
    }
    if args.command in handlers:
        try:
            return handlers[args.command]()
        except StoreError as error:  # e.g. --db names a file that is not a database
            print(f"Fehler: {error}", file=sys.stderr)
            return EXIT_UNREADABLE
    note = real_agreement()[1]
    if note:
        print(note, file=sys.stderr)
    output = Path(args.output)
    if refusal := _output_refusal(output):
        print(f"Fehler: {refusal}", file=sys.stderr)
        return EXIT_UNREADABLE
    buffer = io.BytesIO()
    tables = write_demo(buffer, args.seed)
    if failure := _write_output(output, buffer.getvalue()):
        print(f"Fehler: {failure}", file=sys.stderr)
        return EXIT_UNREADABLE
    print(
        f"{_shown(output)}: {len(tables['agreements'])} Zielvereinbarungen, {len(tables['projects'])} Projekte, "
        f"{len(tables['progress'])} Umsetzungsstände für {load_districts()['ags'].nunique()} Gebietskörperschaften"
    )
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
