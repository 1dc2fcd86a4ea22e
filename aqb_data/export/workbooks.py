"""Workbooks the dashboard writes in the upload format: the data tables, the districts' template, the Prüfbericht.

Every cell goes through `xlsx` (formula-safe, reproducible).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import fields, replace
from pathlib import Path

import pandas as pd

from aqb_data.domain.districts import load_districts
from aqb_data.domain.model import MEASURE_TYPES, TABLES, Kind, Table
from aqb_data.domain.problems import Problem, problems_frame
from aqb_data.export import xlsx

_NUMBER_FORMATS = {
    Kind.MONEY: '#,##0.00 "€"',
    Kind.COUNT: "#,##0",
    Kind.YEAR: "0",
    Kind.DATE: "DD.MM.YYYY",
    Kind.MEASURE_TYPE: "0",
}


def write_workbook(tables: dict[str, pd.DataFrame], target: str | Path | io.BytesIO) -> None:
    """Write canonical tables as a workbook in the upload format (German headings, number formats); text from
    the files stays text (see `xlsx`)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    labels = load_districts().set_index("ags")["label"]
    workbook = xlsx.new_workbook()
    for table in TABLES:
        if table.name not in tables:
            continue
        frame = tables[table.name]
        sheet = workbook.create_sheet(table.sheet)
        xlsx.append_row(sheet, [column.heading for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            record = row._asdict()
            record["district"] = labels.get(record["ags"])
            xlsx.append_row(sheet, [record.get(column.name) for column in table.columns])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(12, min(60, len(column.heading) + 4))
            number_format = _NUMBER_FORMATS.get(column.kind)
            if number_format:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = number_format
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    xlsx.save(workbook, target, reproducible=True)


def write_state_workbook(
    rows: Mapping[str, Iterable[Sequence[object]]], target: str | Path | io.BytesIO | None = None
) -> bytes:
    """The same workbook as `write_workbook`, streamed: per table, rows in the order of its `column_names` (as
    `Store.state_rows` gives them), each written once and never held as a table — a stored state of hundreds of
    thousands of rows. Returns the bytes (also written to `target` if given)."""
    labels = load_districts().set_index("ags")["label"].to_dict()

    def with_district(table: Table, records: Iterable[Sequence[object]]) -> Iterator[list[object]]:
        # Where each written column comes from: a stored column's position, or None for the district's name.
        sources = [None if c.kind is Kind.DISTRICT_NAME else table.column_names.index(c.name) for c in table.columns]
        ags = table.column_names.index("ags")
        for record in records:
            district = labels.get(record[ags])
            yield [district if source is None else record[source] for source in sources]

    sheets = [
        xlsx.StreamedSheet(
            table.sheet,
            [column.heading for column in table.columns],
            [_NUMBER_FORMATS.get(column.kind) for column in table.columns],
            [max(12, min(60, len(column.heading) + 4)) for column in table.columns],
            with_district(table, rows[table.name]),
        )
        for table in TABLES
        if table.name in rows
    ]
    return xlsx.write_streamed(sheets, target)


def notice_workbook(text: str, target: str | Path | io.BytesIO | None = None) -> bytes:
    """A workbook of one sheet „Hinweis“ holding one German message: what a download gives when its data cannot be
    read at the moment of the click (a download made then cannot show a message on the page)."""
    sheet = xlsx.StreamedSheet("Hinweis", ["Hinweis"], [None], [120], iter([[text]]))
    return xlsx.write_streamed([sheet], target)


TEMPLATE_ROWS = 2000
_EXAMPLES = {
    "year": "2025",
    "ags": "06635",
    "district": "Waldeck-Frankenberg",
    "budget_eur": "773.920,00",
    "signed_ministry": "02.08.2025",
    "signed_district": "13.08.2025",
    "signed_ministry_place": "Wiesbaden",
    "signed_district_place": "Korbach",
    "measure_type": "Ausbildungsvorbereitung",
    "project": "AVIA (Aktivierung und Vermittlung von Migranten)",
    "as_of": "30.06.2025",
    "planned_eur": "120.000,00",
    "spent_eur": "60.000,00",
    "received": "15.07.2025",
    "valid_from": "01.10.2025",
    "reason": "Aufstockung für ein zusätzliches Projekt",
}
# Where a column's example differs by sheet: the amended budget is not the signed one.
_TABLE_EXAMPLES = {("amendments", "budget_eur"): "850.000,00"}


def write_template(target: str | Path | io.BytesIO) -> None:
    """The empty workbook for the districts: one sheet per table (the four of `TABLES`), drop-down lists, formats,
    and a `Hinweise` sheet."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    districts = load_districts().sort_values("label")
    workbook = xlsx.new_workbook()
    heading_font, heading_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="0B5394")

    lists = workbook.create_sheet("Listen")
    xlsx.append_row(lists, ["AGS", "Gebietskörperschaft", "Maßnahmenart"])
    measure_labels = [mt.short_label for mt in MEASURE_TYPES.values()]
    for index, row in enumerate(districts.itertuples()):
        xlsx.append_row(lists, [row.ags, row.label, measure_labels[index] if index < len(measure_labels) else None])
    lists.sheet_state = "hidden"
    last = len(districts) + 1
    list_ranges = {
        Kind.AGS: f"Listen!$A$2:$A${last}",
        Kind.DISTRICT_NAME: f"Listen!$B$2:$B${last}",
        Kind.MEASURE_TYPE: f"Listen!$C$2:$C${len(measure_labels) + 1}",
    }
    list_messages = {
        Kind.AGS: "Bitte einen der 26 Kreisschlüssel wählen.",
        Kind.DISTRICT_NAME: "Bitte eine der 26 Gebietskörperschaften wählen.",
        Kind.MEASURE_TYPE: "Bitte eine der vier Maßnahmenarten wählen.",
    }

    for table in TABLES:
        sheet = workbook.create_sheet(table.sheet)
        xlsx.append_row(sheet, [column.heading for column in table.columns])
        for index, column in enumerate(table.columns, start=1):
            letter = get_column_letter(index)
            cell = sheet.cell(row=1, column=index)
            cell.font, cell.fill = heading_font, heading_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            sheet.column_dimensions[letter].width = max(14, min(48, len(column.heading) + 6))
            cells = f"{letter}2:{letter}{TEMPLATE_ROWS}"
            if column.kind in list_ranges:
                validation = DataValidation(
                    type="list",
                    formula1=list_ranges[column.kind],
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="Unbekannter Wert",
                    error=list_messages[column.kind],
                )
                sheet.add_data_validation(validation)
                validation.add(cells)
            number_format = {**_NUMBER_FORMATS, Kind.AGS: "@", Kind.TEXT: "@"}.get(column.kind)
            if number_format:
                for (data_cell,) in sheet.iter_rows(min_row=2, max_row=TEMPLATE_ROWS, min_col=index, max_col=index):
                    data_cell.number_format = number_format
        sheet.row_dimensions[1].height = 32
        sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("Hinweise", 0)
    xlsx.append_row(notes, ["AQB-Berichtsvorlage: so wird sie ausgefüllt"])
    notes["A1"].font = Font(bold=True, size=14)
    for line in (
        "Eine Zeile je Zielvereinbarung, je Projekt, je Projekt und Stichtag bzw. je Änderung. Leere Blätter dürfen "
        "fehlen.",
        "Beträge in Euro (z. B. 773.920,00), Daten als TT.MM.JJJJ. Eine Zeile „Summe“ am Ende ist erlaubt.",
        "AGS oder Gebietskörperschaft genügt; steht beides da, gilt der AGS.",
        "Eine Datei ersetzt beim Einlesen die Zeilen derselben Gebietskörperschaft und desselben Jahres im "
        "jeweiligen Blatt, im Umsetzungsstand die desselben Stichtags, in den Änderungen die mit demselben Tag "
        "„Gültig ab“; frühere Stände bleiben im Verlauf erhalten.",
        "Umsetzungsstand: „Eingegangen am“ trägt das Ministerium ein (Tag, an dem der Bericht einging); bleibt die "
        "Spalte leer, gilt der Tag des Hochladens.",
        "Änderungen: eine Zeile je Änderung einer Zielvereinbarung mit dem Tag, ab dem sie gilt, den neuen "
        "Haushaltsmitteln nach § 4 und dem Grund. Im Blatt Zielvereinbarungen bleiben die Haushaltsmittel wie "
        "unterzeichnet.",
    ):
        xlsx.append_row(notes, [line])
    xlsx.append_row(notes, [])
    xlsx.append_row(notes, ["Blatt", "Spalte", "Pflicht", "Bedeutung", "Beispiel"])
    for cell in notes[notes.max_row]:
        cell.font, cell.fill = heading_font, heading_fill
    for table in TABLES:
        for column in table.columns:
            required = "ja" if column.required else "AGS oder Name" if column.name in ("ags", "district") else "nein"
            example = _TABLE_EXAMPLES.get((table.name, column.name), _EXAMPLES.get(column.name, ""))
            xlsx.append_row(notes, [table.sheet, column.heading, required, column.help, example])
    for letter, width in zip("ABCDE", (22, 30, 16, 70, 44), strict=True):
        notes.column_dimensions[letter].width = width
    xlsx.save(workbook, target, reproducible=True)


PROBLEMS_SHEET = "Prüfbericht"


def problems_workbook(problems: Iterable[Problem]) -> bytes:
    """The problem list as an .xlsx for the district (sheet `Prüfbericht`): German headings, frozen, filterable;
    file names and values from the files stay text (see `xlsx`)."""
    from openpyxl.styles import Font

    # Spelled out first: a file name from a shell may hold a lone surrogate, which a pandas text column refuses.
    frame = problems_frame(
        replace(p, **{f.name: xlsx.cell_text(v) for f in fields(p) if isinstance(v := getattr(p, f.name), str)})
        for p in problems
    )
    workbook = xlsx.new_workbook()
    sheet = workbook.create_sheet(PROBLEMS_SHEET)
    xlsx.append_row(sheet, frame.columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        xlsx.append_row(sheet, row)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGHI", (10, 22, 24, 20, 8, 28, 10, 24, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    return xlsx.save(workbook, reproducible=True)
