"""Shared test data, made in one place: canonical tables from short row specs, an `AqbData` from them,
workbooks (openpyxl, or zipped from hand-written XML parts, independent of the project's reader and writer),
and hypothesis strategies for random stores.

Row specs (a trailing `True` marks a row as demo data, like the rows the demo seed brings):

- agreement: `(ags, year, budget_eur)`
- project: `(ags, year, measure_type, project, planned_eur or None)`
- progress: `(ags, year, project, as_of, spent_eur)`
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
from hypothesis import strategies as st
from openpyxl import Workbook

from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import load_districts
from aqb_data.domain.model import AGREEMENTS, DEMO_FLAG, PROGRESS, PROJECTS, Table

Row = Sequence[object]
AgreementSpec = tuple  # (ags, year, budget_eur[, demo])
ProjectSpec = tuple  # (ags, year, measure_type, project, planned_eur | None[, demo])
ProgressSpec = tuple  # (ags, year, project, as_of, spent_eur[, demo])


# --- canonical tables ----------------------------------------------------------------------------------------


def _split_demo(spec: Sequence[object], width: int) -> tuple[Sequence[object], bool]:
    """The row's values and its demo flag (a trailing True beyond the `width` values)."""
    if len(spec) not in (width, width + 1):
        raise ValueError(f"a row spec has {width} values and an optional demo flag, not {spec!r}")
    return spec[:width], bool(spec[width]) if len(spec) > width else False


def _table(table: Table, rows: list[dict[str, object]]) -> pd.DataFrame:
    """The rows as a canonical table, with the store's `demo` flag beside the canonical columns."""
    if not rows:
        return table.empty().assign(**{DEMO_FLAG: pd.Series(dtype=bool)})
    frame = pd.DataFrame(rows)
    demo = frame.pop(DEMO_FLAG).astype(bool)
    return table.conform(frame).assign(**{DEMO_FLAG: demo.to_numpy()})


def agreements_table(specs: Iterable[AgreementSpec], source: str = "Zielvereinbarung") -> pd.DataFrame:
    """Agreements from `(ags, year, budget_eur[, demo])`; no signing dates."""
    rows = []
    for spec in specs:
        (ags, year, budget), demo = _split_demo(spec, 3)
        rows.append(
            {"year": year, "ags": ags, "budget_eur": budget, "signed_ministry": None, "signed_district": None}
            | {"source": source, DEMO_FLAG: demo}
        )
    return _table(AGREEMENTS, rows)


def projects_table(specs: Iterable[ProjectSpec], source: str = "Projektliste") -> pd.DataFrame:
    """Projects from `(ags, year, measure_type, project, planned_eur or None[, demo])`; 10 places each."""
    rows = []
    for spec in specs:
        (ags, year, measure_type, project, planned), demo = _split_demo(spec, 5)
        rows.append(
            {"year": year, "ags": ags, "measure_type": measure_type, "project": project, "provider": None}
            | {"target_group": None, "planned_eur": planned, "planned_places": 10, "source": source, DEMO_FLAG: demo}
        )
    return _table(PROJECTS, rows)


def progress_table(specs: Iterable[ProgressSpec], source: str = "Bericht") -> pd.DataFrame:
    """Progress reports from `(ags, year, project, as_of, spent_eur[, demo])`; 5 entries and 1 exit each."""
    rows = []
    for spec in specs:
        (ags, year, project, as_of, spent), demo = _split_demo(spec, 5)
        rows.append(
            {"year": year, "ags": ags, "project": project, "as_of": pd.Timestamp(as_of), "spent_eur": spent}
            | {"entries": 5, "exits": 1, "to_training": 1, "to_employment": 0, "to_other": 0, "dropouts": 0}
            | {"source": source, DEMO_FLAG: demo}
        )
    return _table(PROGRESS, rows)


def make_data(
    agreements: Iterable[AgreementSpec] = (),
    projects: Iterable[ProjectSpec] = (),
    progress: Iterable[ProgressSpec] = (),
    files: tuple[str, ...] = ("test.xlsx",),
) -> AqbData:
    """An `AqbData` of the three tables made from row specs (see the module's docstring)."""
    return AqbData(agreements_table(agreements), projects_table(projects), progress_table(progress), files)


# --- workbooks ----------------------------------------------------------------------------------------------


def make_workbook(sheets: Mapping[str, Sequence[Row]]) -> bytes:
    """The .xlsx bytes of a workbook written with openpyxl, one sheet per key (in order), its rows appended:
    row 1 of the list is Excel row 1, an empty list a blank row, `None` an empty cell."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# A sheet part: its XML, or a function that writes it into the open zip member (for sheets too large to hold).
SheetPart = str | bytes | Callable[[IO[bytes]], None]


def worksheet(rows: str, before: str = "", after: str = "") -> str:
    """A worksheet part with these `<row>` elements in its sheetData, `before` and `after` around it."""
    return f"<worksheet xmlns='{MAIN}'>{before}<sheetData>{rows}</sheetData>{after}</worksheet>"


def column_letter(index: int) -> str:
    """The column letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(reference: str, value: object) -> str:
    """One cell: a number as a value, anything else as an inline string exactly as given (never a formula)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{reference}"><v>{value}</v></c>'
    text = str(value)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}" t="inlineStr"><is><t{space}>{escape(text, {chr(13): "&#13;"})}</t></is></c>'


def rows_xml(rows: Sequence[Row]) -> str:
    """The `<row>` elements of rows of values (row 1 of the list is Excel row 1; None leaves a cell out)."""
    return "".join(
        f'<row r="{r}">'
        + "".join(cell_xml(f"{column_letter(c)}{r}", v) for c, v in enumerate(row) if v is not None)
        + "</row>"
        for r, row in enumerate(rows, 1)
    )


def xlsx_package(
    sheets: Mapping[str, SheetPart], folder: str = "xl/", extra: Mapping[str, str | bytes] | None = None
) -> bytes:
    """A workbook zipped from hand-written parts: content types, relationships and a workbook naming the sheets
    (in order), each sheet part as given, then the `extra` members (which may replace any part)."""
    numbers = range(1, len(sheets) + 1)
    overrides = f'<Override PartName="/{folder}workbook.xml" ContentType="application/vnd.openxmlformats-'
    overrides += 'officedocument.spreadsheetml.sheet.main+xml"/>'
    overrides += "".join(
        f'<Override PartName="/{folder}worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in numbers
    )
    parts: dict[str, SheetPart] = {
        "[Content_Types].xml": _XML_DECLARATION + f'<Types xmlns="{_TYPES}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>',
        "_rels/.rels": _XML_DECLARATION + f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" '
        f'Type="{REL}/officeDocument" Target="{folder}workbook.xml"/></Relationships>',
        f"{folder}workbook.xml": _XML_DECLARATION
        + f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, name in zip(numbers, sheets, strict=True)
        )
        + "</sheets></workbook>",
        f"{folder}_rels/workbook.xml.rels": _XML_DECLARATION
        + f'<Relationships xmlns="{PKG}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in numbers
        )
        + "</Relationships>",
    }
    parts |= {f"{folder}worksheets/sheet{n}.xml": part for n, part in zip(numbers, sheets.values(), strict=True)}
    parts |= dict(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in parts.items():
            if callable(content):
                with archive.open(member, "w") as out:
                    content(out)
            else:
                archive.writestr(member, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def hand_written_xlsx(sheets: Mapping[str, Sequence[Row]]) -> bytes:
    """A minimal .xlsx with inline strings, one sheet per key: each value exactly as given, none a formula."""
    return xlsx_package({name: worksheet(rows_xml(rows)) for name, rows in sheets.items()})


def rewrite_part(data: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The zip with one member changed (the change must change it); every other member and entry stays."""
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        assert member in source.namelist(), (member, source.namelist())
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == member:
                changed = change(content)
                assert changed != content, f"{member} was not changed"
                content = changed
            out.writestr(item, content)
    return target.getvalue()


# --- random stores ------------------------------------------------------------------------------------------

ALL_AGS: tuple[str, ...] = tuple(load_districts()["ags"])
YEARS = (2023, 2024, 2025)
MAX_BUDGET_CENTS = 500_000_000  # 5 Mio. €, above any district's budget


def euros(cents: int) -> float:
    """Whole cents as euros."""
    return cents / 100


@st.composite
def district_years(draw: st.DrawFn, years: Sequence[int] = YEARS) -> dict[str, object]:
    """One district's year: its budget (None: no agreement), its project list (None: none; amounts in whole
    cents, None where a project names no amount; possibly over the budget) and its progress reports."""
    budget = draw(st.one_of(st.none(), st.integers(0, MAX_BUDGET_CENTS)))
    limit = budget if budget else MAX_BUDGET_CENTS // 10
    amount = st.one_of(st.none(), st.integers(0, limit))
    projects = draw(st.one_of(st.none(), st.lists(st.tuples(st.integers(1, 4), amount), min_size=1, max_size=4)))
    demo = draw(st.booleans())
    reports = []
    for index, _project in enumerate(projects or []):
        if draw(st.booleans()):
            as_of = draw(st.sampled_from(((6, 30), (9, 30))))
            reports.append((index, as_of, draw(st.integers(0, limit))))
    return {"budget": budget, "projects": projects, "reports": reports, "demo": demo}


@st.composite
def stores(draw: st.DrawFn, max_districts: int = 8) -> AqbData:
    """A random store: some of the 26 districts in some of YEARS, with or without agreement, with or without a
    project list, amounts known, partly or wholly missing, over-planning beside free money, progress reports,
    demo and real rows. At least one agreement, so that there is a year to show."""
    chosen = draw(
        st.lists(
            st.tuples(st.sampled_from(ALL_AGS), st.sampled_from(YEARS)), min_size=1, max_size=max_districts, unique=True
        )
    )
    agreements, projects, progress = [], [], []
    for ags, year in chosen:
        unit = draw(district_years())
        demo = unit["demo"]
        if unit["budget"] is not None:
            agreements.append((ags, year, euros(unit["budget"]), demo))
        for index, (measure_type, cents) in enumerate(unit["projects"] or []):
            planned = None if cents is None else euros(cents)
            projects.append((ags, year, measure_type, f"Projekt {index + 1}", planned, demo))
        for index, (month, day), spent in unit["reports"]:
            progress.append((ags, year, f"Projekt {index + 1}", date(year, month, day), euros(spent), demo))
    if not agreements:
        ags, year = chosen[0]
        agreements.append((ags, year, euros(draw(st.integers(0, MAX_BUDGET_CENTS))), draw(st.booleans())))
    return make_data(agreements, projects, progress)
