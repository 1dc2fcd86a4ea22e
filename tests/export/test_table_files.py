"""Every table a page draws, as its xlsx and CSV files: numbers stay numbers and dates dates, a CSV heading
names its unit once, and each value is the one the screen shows, rounded as shown."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook

import ui.widgets
from aqb_data.domain.formatting import (
    format_change,
    format_change_percent,
    format_eur,
    format_eur_cents,
    format_percent,
    format_points,
)
from aqb_data.export.tables import Columns, FormatByRow, ValueKind, export_table, table_csv, table_xlsx, value_kind
from tests.ui.test_pages import open_app

UNITS = ("€", "%", "Pp.")
# Text that is really a number or a date: "5,87 €", "-9,7 Pp.", "64,6 %", "13.08.2025", "13.08.2025–30.09.2025".
NUMBER_AS_TEXT = re.compile(r"^[+\-±]?\d[\d.]*(,\d+)?\s*(€|%|Pp\.)$|^\d{2}\.\d{2}\.\d{4}")


@dataclass
class Drawn:
    """One table as a page hands it to the widgets: its frame and its column specification."""

    where: str
    frame: pd.DataFrame
    columns: Columns


def _record(monkeypatch: pytest.MonkeyPatch) -> list[Drawn]:
    """Every table and every chart's table the pages draw, as they pass them (charts' tables are drawn only
    when their expander is open, so the chart's specification is taken from the chart call)."""
    drawn: list[Drawn] = []
    table, chart = ui.widgets.table, ui.widgets.chart

    def recording_table(frame: pd.DataFrame, columns: Columns, title: str, *args: object, **kwargs: object) -> None:
        drawn.append(Drawn(f"Tabelle „{title}“", frame.copy(), columns))
        table(frame, columns, title, *args, **kwargs)  # type: ignore[arg-type]

    def recording_chart(fig: object, file_stem: str, numbers: pd.DataFrame, columns: Columns, *a, **kw) -> None:  # noqa: ANN002, ANN003
        drawn.append(Drawn(f"Diagramm {file_stem}", numbers.copy(), columns))
        chart(fig, file_stem, numbers, columns, *a, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(ui.widgets, "table", recording_table)
    monkeypatch.setattr(ui.widgets, "chart", recording_chart)
    return drawn


def _row_formatters(frame: pd.DataFrame, formatter: object) -> list[object]:
    if isinstance(formatter, FormatByRow):
        return [formatter.formatter(key) for key in frame[formatter.column]]
    return [formatter] * len(frame)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not pd.isna(value)


def shown_number(text: str) -> Decimal:
    """The number a German formatted text shows: "+1.312.450,50 €" → 1312450.50, "-9,7 Pp." → -9.7."""
    core = text.replace("±", "").replace("€", "").replace("%", "").replace("Pp.", "").strip()
    return Decimal(core.replace(".", "").replace(",", "."))


def problems_of(table: Drawn) -> list[str]:
    """What is wrong with this table's files, in words: empty when numbers, dates, units and rounding hold."""
    found: list[str] = []
    frame = table.frame
    for name, (heading, formatter) in table.columns.items():
        for value, row_formatter in zip(frame[name].tolist(), _row_formatters(frame, formatter), strict=True):
            if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
                value = value.item()
            kind = value_kind(row_formatter)
            if _is_number(value) and kind is None and not (row_formatter is None and float(value).is_integer()):
                found.append(f"{heading}: Zahl {value!r} ohne Zahlenformat (Formatierer {row_formatter!r})")
            if isinstance(value, date | pd.Timestamp) and not pd.isna(value) and kind is None:
                found.append(f"{heading}: Datum {value!r} ohne Datumsformat")
            text = row_formatter(value) if kind is None and row_formatter is not None else value
            if isinstance(text, str) and NUMBER_AS_TEXT.search(text.strip()):
                found.append(f"{heading}: Zahl oder Datum als Text {text!r}")
    described, rows = export_table(frame, table.columns)
    headings = csv_lines(table)[0]
    for heading in headings:
        found += [f"CSV-Überschrift {heading!r} nennt {unit} mehrfach" for unit in UNITS if heading.count(unit) > 1]
    for c, ((name, (heading, formatter)), column) in enumerate(zip(table.columns.items(), described, strict=True)):
        for r, (value, row_formatter) in enumerate(zip(frame[name], _row_formatters(frame, formatter), strict=True)):
            kind = value_kind(row_formatter)
            cell = rows[r][c]
            if kind is None or isinstance(value, str) or pd.isna(value):
                continue
            if kind.value_kind is ValueKind.DATE:
                if not isinstance(cell, date):
                    found.append(f"{heading}: Datum {value!r} in der Datei als {cell!r}")
                continue
            if not _is_number(cell):
                found.append(f"{heading}: Zahl {value!r} in der Datei als {cell!r}")
                continue
            on_screen = shown_number(row_formatter(value))
            in_file = Decimal(repr(cell)) * (100 if kind.value_kind is ValueKind.SHARE else 1)
            if in_file != on_screen:
                found.append(f"{heading}: Bildschirm {row_formatter(value)!r}, Datei {cell!r}")
            assert column.kinds[r] is kind
    return found


def csv_lines(table: Drawn) -> list[list[str]]:
    text = table_csv(table.frame, table.columns).decode("utf-8-sig")
    return [line.split(";") for line in text.split("\r\n") if line]


def xlsx_problems(table: Drawn) -> list[str]:
    """In the xlsx, a number column's cells are numbers and a date column's cells are dates."""
    sheet = load_workbook(io.BytesIO(table_xlsx(table.frame, table.columns, [])))["Daten"]
    found = []
    for c, (name, (heading, formatter)) in enumerate(table.columns.items(), start=1):
        for r, (value, row_formatter) in enumerate(
            zip(table.frame[name], _row_formatters(table.frame, formatter), strict=True), start=2
        ):
            kind, cell = value_kind(row_formatter), sheet.cell(row=r, column=c)
            if kind is None or isinstance(value, str) or pd.isna(value):
                continue
            if kind.value_kind is ValueKind.DATE and not cell.is_date:
                found.append(f"{heading} Zeile {r}: {cell.value!r} ist kein Datum")
            if kind.value_kind is not ValueKind.DATE and cell.data_type != "n":
                found.append(f"{heading} Zeile {r}: {cell.value!r} ist keine Zahl")
    return found


VIEWS = [
    ("app_pages/uebersicht.py", {}),
    ("app_pages/uebersicht.py", {"rb": "Kassel", "ma": ["1 Ausbildungsvorbereitung", "3 Qualifizierung"]}),
    ("app_pages/gebietskoerperschaft.py", {"kreis": "Waldeck-Frankenberg"}),
    ("app_pages/zielerreichung.py", {}),
    ("app_pages/zielerreichung.py", {"kreis": "Waldeck-Frankenberg"}),
    ("app_pages/vergleich.py", {}),
    ("app_pages/vergleich.py", {"kreis": "Waldeck-Frankenberg"}),
    ("app_pages/zeitreihe.py", {"kreis": "Gießen"}),
    ("app_pages/methodik.py", {}),
    ("app_pages/verlauf.py", {}),
]


@pytest.mark.parametrize(("page", "params"), VIEWS, ids=[f"{p.split('/')[-1][:-3]}-{len(q)}" for p, q in VIEWS])
def test_every_table_a_page_draws_keeps_numbers_dates_units_and_rounding(
    page: str, params: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = _record(monkeypatch)
    open_app(page, **params)
    assert drawn, f"{page} draws no table"
    found = {t.where: p for t in drawn if (p := problems_of(t) + xlsx_problems(t))}
    assert found == {}


def test_the_comparison_of_a_district_keeps_its_24_values_as_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _record(monkeypatch)
    open_app("app_pages/vergleich.py", kreis="Waldeck-Frankenberg")
    context = next(t for t in drawn if "im Vergleich" in t.where)
    sheet = load_workbook(io.BytesIO(table_xlsx(context.frame, context.columns, [])))["Daten"]
    values = [cell for row in sheet.iter_rows(min_row=2, min_col=2, max_col=4) for cell in row]
    assert len(values) == 24
    assert all(cell.data_type == "n" for cell in values if cell.value is not None)
    formats = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=4).number_format for r in range(2, 10)}
    assert formats["Haushaltsmittel"].endswith('"€"') and "%" in formats["Mittelabfluss"]
    lines = csv_lines(context)
    assert lines[0][:2] == ["Kennzahl", "Einheit"]  # each row names its unit, as the columns' units differ
    assert {line[1] for line in lines[1:]} <= {"€", "%", "Pp."}


def test_the_achievement_table_holds_its_stichtage_as_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _record(monkeypatch)
    open_app("app_pages/zielerreichung.py")
    achieved = next(t for t in drawn if t.where.startswith("Tabelle „Zielerreichung"))
    sheet = load_workbook(io.BytesIO(table_xlsx(achieved.frame, achieved.columns, [])))["Daten"]
    headings = [cell.value for cell in sheet[1]]
    last = sheet.cell(row=2, column=headings.index("Letzter Stichtag") + 1)
    assert last.is_date and last.value.date() == date(2025, 9, 30) and last.number_format == "DD.MM.YYYY"


def test_the_import_log_holds_its_times_as_times(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = _record(monkeypatch)
    open_app("app_pages/verlauf.py")
    log = next(t for t in drawn if "Importprotokoll" in t.where)
    sheet = load_workbook(io.BytesIO(table_xlsx(log.frame, log.columns, [])))["Daten"]
    assert isinstance(sheet["B2"].value, datetime) and sheet["B2"].number_format == "DD.MM.YYYY HH:MM"
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", csv_lines(log)[1][1])


# Tables built by hand, independently of the pages: the rules themselves.
MONEY_COLUMNS: Columns = {
    "name": ("Gebietskörperschaft", None),
    "budget": ("Haushaltsmittel", format_eur),
    "per_head": ("€ je Einwohner/in", format_eur_cents),
    "change": ("Veränderung ggü. Vorjahr", format_change),
    "change_share": ("Veränderung (%)", format_change_percent),
    "share": ("Anteil verplant", format_percent),
    "gap": ("Abweichung", format_points),
}
MONEY = pd.DataFrame(
    {
        "name": ["Waldeck-Frankenberg", "Fulda"],
        "budget": [1_312_450.50, 773_920.0],
        "per_head": [5.867346, 4.0],
        "change": [-12_000.25, 0.004],
        "change_share": [0.05867346, -0.0004],
        "share": [0.6458, 1.0],
        "gap": [-0.09749, 0.0],
    }
)


def test_an_amount_keeps_its_cents_on_screen_and_in_both_files() -> None:
    assert format_eur(1_312_450.50) == "1.312.450,50 €"
    sheet = load_workbook(io.BytesIO(table_xlsx(MONEY, MONEY_COLUMNS, [])))["Daten"]
    assert sheet["B2"].value == 1_312_450.5 and sheet["B2"].number_format == '#,##0.00 "€"'
    assert sheet["B3"].value == 773_920 and sheet["B3"].number_format == '#,##0 "€"'
    assert sheet["D2"].value == -12_000.25 and sheet["D2"].number_format.startswith("+#,##0.00")
    lines = csv_lines(Drawn("Hand", MONEY, MONEY_COLUMNS))
    assert lines[1][1] == "1312450,50" and lines[2][1] == "773920"


def test_csv_values_are_rounded_as_shown_and_headings_name_their_unit_once() -> None:
    lines = csv_lines(Drawn("Hand", MONEY, MONEY_COLUMNS))
    assert lines[0] == [
        "Gebietskörperschaft",
        "Haushaltsmittel (€)",
        "€ je Einwohner/in",
        "Veränderung ggü. Vorjahr (€)",
        "Veränderung (%)",
        "Anteil verplant (%)",
        "Abweichung (Pp.)",
    ]
    assert lines[1][2:] == ["5,87", "-12000,25", "5,9", "64,6", "-9,7"]
    assert lines[2][2:] == ["4,00", "0", "0,0", "100,0", "0,0"]  # -0,0 % shows as ±0,0 %, and is 0 in the file


def test_hand_built_tables_pass_the_check_and_text_numbers_do_not() -> None:
    assert problems_of(Drawn("Hand", MONEY, MONEY_COLUMNS)) == []
    as_text = MONEY.assign(budget=[format_eur(v) for v in MONEY["budget"]])
    found = problems_of(Drawn("Text", as_text, {**MONEY_COLUMNS, "budget": ("Haushaltsmittel", None)}))
    assert found == [
        "Haushaltsmittel: Zahl oder Datum als Text '1.312.450,50 €'",
        "Haushaltsmittel: Zahl oder Datum als Text '773.920 €'",
    ]
    unformatted = problems_of(Drawn("Roh", MONEY, {**MONEY_COLUMNS, "per_head": ("€ je Einwohner/in", None)}))
    assert unformatted[0].startswith("€ je Einwohner/in: Zahl 5.867346 ohne Zahlenformat")


def test_a_number_under_a_text_formatter_stays_a_number_in_the_file() -> None:
    frame = pd.DataFrame({"value": [5.867346]})
    sheet = load_workbook(io.BytesIO(table_xlsx(frame, {"value": ("Wert", lambda v: f"{v} Stück")}, [])))["Daten"]
    assert sheet["A2"].data_type == "n" and sheet["A2"].value == pytest.approx(5.867346)


def test_rows_of_different_kinds_are_each_stored_in_their_own_format() -> None:
    frame = pd.DataFrame(
        {"label": ["Haushaltsmittel", "Mittelabfluss", "Abweichung"], "kind": ["eur", "percent", "points"]}
    ).assign(value=[1_312_450.5, 0.6458, -0.09749])
    by_row = FormatByRow("kind", {"eur": format_eur, "percent": format_percent, "points": format_points})
    columns: Columns = {"label": ("Kennzahl", None), "value": ("Waldeck-Frankenberg", by_row)}
    sheet = load_workbook(io.BytesIO(table_xlsx(frame, columns, [])))["Daten"]
    assert [sheet[f"B{r}"].value for r in (2, 3, 4)] == [1_312_450.5, 0.646, -9.7]
    assert [sheet[f"B{r}"].number_format for r in (2, 3, 4)] == ['#,##0.00 "€"', "0.0 %", '0.0 "Pp."']
    assert csv_lines(Drawn("Hand", frame, columns)) == [
        ["Kennzahl", "Einheit", "Waldeck-Frankenberg"],
        ["Haushaltsmittel", "€", "1312450,50"],
        ["Mittelabfluss", "%", "64,6"],
        ["Abweichung", "Pp.", "-9,7"],
    ]
