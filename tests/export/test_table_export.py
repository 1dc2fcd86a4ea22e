"""Tables as Excel and CSV files: what the screen shows, numbers as numbers, German formats, no formulas."""

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from aqb_data.analysis.indicators import Selection
from aqb_data.domain.formatting import (
    format_change,
    format_date,
    format_eur,
    format_eur_cents,
    format_percent,
    format_points,
)
from aqb_data.export.tables import table_csv, table_xlsx, view_metadata
from aqb_data.read.files import bundled_data
from tests.screen import Downloads, shown
from tests.ui.test_pages import open_app

COLUMNS = {
    "name": ("Projekt", None),
    "planned": ("Geplante Mittel", format_eur),
    "per_head": ("€ je Einwohner/in", format_eur_cents),
    "rate": ("Mittelabfluss", format_percent),
    "gap": ("Abweichung", format_points),
    "change": ("Veränderung", format_change),
    "year": ("Jahr", str),
    "as_of": ("Stichtag", format_date),
}
FRAME = pd.DataFrame(
    {
        "name": ["Jugendwerkstatt", '=HYPERLINK("http://x")', "-Kurs", None],
        "planned": [773920.0, 1234.5, None, 0.0],
        "per_head": [4.9375, 0.1, None, 2.0],
        "rate": [0.646, 0.0, None, 1.0],
        "gap": [-0.097, 0.12, None, 0.0],
        "change": [-12000.0, 500.0, None, 0.0],
        "year": [2025, 2025, 2024, 2025],
        "as_of": pd.to_datetime(["2025-08-13", "2025-09-30", None, "2025-06-30"]),
    }
)


def _sheet(content: bytes, name: str = "Daten"):
    return load_workbook(io.BytesIO(content))[name]


def test_xlsx_keeps_numbers_as_numbers_with_german_formats() -> None:
    sheet = _sheet(table_xlsx(FRAME, COLUMNS, [("Ansicht", "Test")]))
    assert [c.value for c in sheet[1]] == [heading for heading, _ in COLUMNS.values()]
    assert sheet["B2"].value == 773920 and sheet["B2"].number_format == '#,##0 "€"'
    # Rounded as the screen shows it (4,94 €), so that sums in Excel add what the screen shows.
    assert sheet["C2"].value == 4.94 and sheet["C2"].number_format == '#,##0.00 "€"'
    # An amount with cents keeps them, in a cell format with cents; whole amounts have none.
    assert sheet["B3"].value == 1234.5 and sheet["B3"].number_format == '#,##0.00 "€"'
    assert sheet["D2"].value == pytest.approx(0.646) and sheet["D2"].number_format == "0.0 %"
    # Percentage points have no Excel format: stored as the points the screen shows (-9,7 Pp.).
    assert sheet["E2"].value == pytest.approx(-9.7) and sheet["E2"].number_format == '0.0 "Pp."'
    assert sheet["F2"].value == -12000 and sheet["F2"].number_format.startswith("+#,##0")
    assert sheet["G2"].value == 2025 and sheet["G2"].number_format == "0"
    assert sheet["H2"].value.date() == date(2025, 8, 13) and sheet["H2"].number_format == "DD.MM.YYYY"
    # Missing values are empty cells, not "nan" or "–" in a number column.
    assert sheet["B4"].value is None and sheet["D4"].value is None and sheet["A5"].value is None


def test_xlsx_has_frozen_filterable_headings_and_metadata() -> None:
    content = table_xlsx(FRAME, COLUMNS, [("Ansicht", "Projekte Waldeck-Frankenberg 2025"), ("Jahr", "2025")])
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Daten", "Metadaten"]
    sheet = book["Daten"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H5"
    assert all(cell.font.bold for cell in sheet[1])
    meta = {row[0]: row[1] for row in book["Metadaten"].iter_rows(min_row=2, values_only=True)}
    assert meta == {"Ansicht": "Projekte Waldeck-Frankenberg 2025", "Jahr": "2025"}


def test_text_that_looks_like_a_formula_stays_text() -> None:
    sheet = _sheet(table_xlsx(FRAME, COLUMNS, []))
    for cell, text in ((sheet["A3"], '=HYPERLINK("http://x")'), (sheet["A4"], "-Kurs")):
        assert cell.value == text  # the text as uploaded …
        assert cell.data_type == "s"  # … stored as a string, not a formula …
        assert cell.quotePrefix  # … and kept text when someone edits the cell in Excel
    assert sheet["A2"].data_type == "s" and not sheet["A2"].quotePrefix


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_neutralised_in_both_files(start: str) -> None:
    frame = pd.DataFrame({"name": [f"{start}SUM(A1:A9)"]})
    columns = {"name": ("Projekt", None)}
    cell = _sheet(table_xlsx(frame, columns, []))["A2"]
    assert cell.data_type == "s" and cell.quotePrefix
    line = table_csv(frame, columns).decode("utf-8-sig").split("\r\n")[1]
    assert line.lstrip('"').startswith("'" + start)


def test_csv_is_for_german_excel() -> None:
    content = table_csv(FRAME, COLUMNS)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, so Excel reads the umlauts
    lines = content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "Projekt;Geplante Mittel (€);€ je Einwohner/in;Mittelabfluss (%);Abweichung (Pp.);Veränderung (€);Jahr;Stichtag"
    )
    assert lines[1] == "Jugendwerkstatt;773920;4,94;64,6;-9,7;-12000;2025;13.08.2025"
    assert lines[2].endswith(";1234,50;0,10;0,0;12,0;500;2025;30.09.2025")  # rounded as shown, cents kept
    assert lines[3] == "'-Kurs;;;;;;2024;"
    frame = pd.read_csv(io.BytesIO(content), sep=";", decimal=",", encoding="utf-8-sig")
    assert frame["Geplante Mittel (€)"].tolist()[:2] == [773920, 1234.5]


def test_metadata_names_the_filters_data_date_and_demo_label() -> None:
    data = bundled_data()
    selection = Selection(2025, regierungsbezirk="Kassel", measure_types=(1, 2))
    meta = dict(view_metadata("Übersicht", data, selection))
    assert meta["Jahr"] == "2025"
    assert meta["Regierungsbezirk"] == "Kassel"
    assert meta["Gebietskörperschaft"] == "alle"
    assert meta["Maßnahmenarten"].startswith("1 ") and ", 2 " in meta["Maßnahmenarten"]
    assert meta["Datenstand"].startswith("Stichtag ")
    assert "DEMODATEN" in meta["Hinweis"]
    assert meta["Dateien"] == ", ".join(data.files)
    assert len(meta["Exportiert am"]) == len("24.11.2026 08:30")


def _numbers_equal(left: object, right: object) -> bool:
    if pd.isna(left) or left is None:
        return pd.isna(right) or right is None
    if isinstance(left, int | float) and not isinstance(left, bool):
        # The file holds the value rounded as shown: to the cent, or to a tenth of a percent of a share
        # (exactly as shown: tests/export/test_table_files.py).
        return right == pytest.approx(left, abs=0.005)
    return str(left) == str(right)


def test_the_exported_table_is_exactly_the_one_on_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Übersicht under filters: the Excel and CSV files hold the screen's headings, rows, order and values."""
    downloads = Downloads(monkeypatch)
    at = open_app(None, rb="Kassel", ma=["1 Ausbildungsvorbereitung", "3 Qualifizierung"])
    element = next(d for d in at.dataframe if "Hinweis" in d.value.columns)
    screen_values, screen_text = element.value, shown(element)
    stem = "AQB_Haushaltsmittel_je_Gebietskoerperschaft_Regierungsbezirk_Kassel_2025"

    book = load_workbook(io.BytesIO(downloads.file(at, f"table_xlsx_{stem}")))
    rows = list(book["Daten"].iter_rows(values_only=True))
    assert list(rows[0]) == list(screen_values.columns)
    assert len(rows) - 1 == len(screen_values) == 7  # the seven districts of Regierungsbezirk Kassel
    for row, (_, expected) in zip(rows[1:], screen_values.iterrows(), strict=True):
        for value, (heading, wanted) in zip(row, expected.items(), strict=True):
            if heading == "Hinweis" and wanted == "":
                continue  # an empty text is an empty cell
            assert _numbers_equal(wanted, value), (heading, wanted, value)
    meta = {row[0]: row[1] for row in book["Metadaten"].iter_rows(min_row=2, values_only=True)}
    assert meta["Regierungsbezirk"] == "Kassel"
    assert meta["Maßnahmenarten"] == "1 Ausbildungsvorbereitung, 3 Qualifizierung"

    csv = pd.read_csv(
        io.BytesIO(downloads.file(at, f"table_csv_{stem}")), sep=";", decimal=",", encoding="utf-8-sig", dtype=str
    )
    assert csv["Gebietskörperschaft"].tolist() == screen_text["Gebietskörperschaft"].tolist()
    money = [format_eur(float(v.replace(",", "."))) for v in csv["Haushaltsmittel (€)"]]
    assert money == screen_text["Haushaltsmittel"].tolist()


def test_every_table_and_chart_offers_its_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    downloads = Downloads(monkeypatch)
    at = open_app("app_pages/gebietskoerperschaft.py", kreis="Waldeck-Frankenberg")
    ids = [b.proto.id for b in downloads.buttons(at)]
    tables = [d for d in at.dataframe if d.proto.arrow_data.HasField("styler")]
    assert sum("table_xlsx_" in i for i in ids) == sum("table_csv_" in i for i in ids) == len(tables)
    project_file = downloads.file(at, "table_xlsx_AQB_Projekte_Waldeck-Frankenberg_2025")
    projects = list(load_workbook(io.BytesIO(project_file))["Daten"].iter_rows(values_only=True))
    screen = next(d.value for d in tables if "Träger" in d.value.columns)
    assert [r[1] for r in projects[1:]] == screen["Projekt"].tolist()


def test_a_control_character_stored_earlier_does_not_break_the_export() -> None:
    frame = pd.DataFrame({"name": ["Jugend\x00werkstatt"]})
    sheet = _sheet(table_xlsx(frame, {"name": ("Projekt", None)}, []))
    assert sheet["A2"].value == "Jugend<U+0000>werkstatt"
