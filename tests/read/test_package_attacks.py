"""Attacks on the .xlsx package check (issue 15): every part the cell reader reads is parsed, not pattern-matched.

Each file is zipped from hand-written XML (`tests.factory.xlsx_package`: no openpyxl, no writer of the project).
A file that could make the cell reader allocate a huge grid is read with `read_workbook_isolated`, under the
sandbox's limits.
"""

from __future__ import annotations

import random

import pytest

from aqb_data.read.sandbox import read_workbook_isolated
from aqb_data.read.workbook import read_workbook
from tests.factory import MAIN, worksheet, xlsx_package

FILE = "bericht.xlsx"
TOO_WIDE = "Das Blatt hat Zellen jenseits von Spalte CV; ein Bericht hat etwa 15 Spalten"
DTD = "Die Datei enthält unzulässige XML-Definitionen (DOCTYPE/ENTITY in xl/worksheets/sheet1.xml)"
UNREADABLE_SHEET = "Blatt nicht lesbar: sein Inhalt ist beschädigt oder falsch kodiert"
HEADINGS = ("Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)")


def _text(reference: str, text: str) -> str:
    return f"<c r='{reference}' t='inlineStr'><is><t>{text}</t></is></c>"


HEADING_ROW = "<row r='1'>" + "".join(_text(f"{'ABCDE'[i]}1", h) for i, h in enumerate(HEADINGS)) + "</row>"
AVIA_ROW = (
    "<row r='2'><c r='A2'><v>2025</v></c>" + _text("B2", "06635") + "<c r='C2'><v>1</v></c>"
    f"{_text('D2', 'AVIA')}<c r='E2'><v>120000</v></c></row>"
)


VALID = worksheet(HEADING_ROW + AVIA_ROW)


def package(
    sheet_xml: str | bytes = VALID,
    extra: dict[str, bytes] | None = None,
    folder: str = "xl/",
    name: str = "Projekte",
) -> bytes:
    """A one-sheet workbook zipped from hand-written parts (the sheet as given), plus `extra` members."""
    return xlsx_package({name: sheet_xml}, folder, extra)


def padding(size: int) -> dict[str, bytes]:
    """An incompressible picture, so that a highly compressible part does not make the file a zip bomb."""
    return {"xl/media/image1.png": random.Random(15).randbytes(size)}


def messages(data: bytes, isolated: bool = False) -> list[tuple[str | None, str]]:
    result = (read_workbook_isolated if isolated else read_workbook)(data, FILE)
    return [(problem.sheet, problem.expected) for problem in result.errors]


def assert_refused(data: bytes, expected: str, sheet_name: str | None = "Projekte", isolated: bool = True) -> None:
    found = messages(data, isolated)
    assert any(sheet == sheet_name and text.startswith(expected) for sheet, text in found), found


def test_hand_written_workbook_reads() -> None:
    result = read_workbook(package(), FILE)
    assert result.problems == []
    projects = result.tables["projects"]
    assert list(projects["project"]) == ["AVIA"]
    assert list(projects["planned_eur"]) == [120000.0]


def test_prefixed_elements_read_like_plain_ones() -> None:
    prefixed = VALID.replace("<", "<x:").replace("<x:/", "</x:").replace(f"xmlns='{MAIN}'", f"xmlns:x='{MAIN}'", 1)
    assert "<x:c r='A2'>" in prefixed
    result = read_workbook(package(prefixed), FILE)
    assert result.problems == []
    assert list(result.tables["projects"]["project"]) == ["AVIA"]


@pytest.mark.parametrize("reference", ["XFD7", "CW1", "cw2"])
def test_single_quoted_cell_beyond_column_cv_is_too_wide(reference: str) -> None:
    assert_refused(
        package(worksheet(HEADING_ROW + AVIA_ROW + f"<row r='3'><c r='{reference}'><v>1</v></c></row>")), TOO_WIDE
    )


def test_prefixed_cell_beyond_column_cv_is_too_wide() -> None:
    xml = f"<x:worksheet xmlns:x='{MAIN}'><x:sheetData><x:row r='1'><x:c r='XFD1'><x:v>1</x:v></x:c></x:row>"
    assert_refused(package(xml + "</x:sheetData></x:worksheet>"), TOO_WIDE)


def test_cells_without_r_are_counted_by_position() -> None:
    row = "<row>" + "<c><v>1</v></c>" * 101 + "</row>"  # the 101st is column CW
    assert_refused(package(worksheet(HEADING_ROW + AVIA_ROW + row)), TOO_WIDE)


def test_cells_after_an_r_continue_from_it() -> None:
    row = "<row r='3'><c r='CU3'><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>"  # CU, CV, then CW
    assert_refused(package(worksheet(HEADING_ROW + AVIA_ROW + row)), TOO_WIDE)


def test_rows_without_r_are_counted_by_position() -> None:
    rows = HEADING_ROW + AVIA_ROW + "<row><c><v>1</v></c></row>" * 99_999  # rows 3 … 100.001
    data = package(worksheet(rows), padding(30_000))
    assert_refused(data, "Das Blatt hat 100.001 Zeilen; ein Bericht darf höchstens 100.000 haben")


def test_single_quoted_last_row_is_too_many_rows() -> None:
    row = "<row r='1048576'><c r='A1048576'><v>1</v></c></row>"
    assert_refused(package(worksheet(HEADING_ROW + AVIA_ROW + row)), "Das Blatt hat 1.048.576 Zeilen")


def test_merged_range_beyond_the_limits_is_too_wide() -> None:
    data = package(
        worksheet(HEADING_ROW + AVIA_ROW, after="<mergeCells count='1'><mergeCell ref='A1:ZZZZ1'/></mergeCells>")
    )
    assert_refused(data, TOO_WIDE)


def test_huge_dimension_is_harmless() -> None:
    data = package(worksheet(HEADING_ROW + AVIA_ROW, before="<dimension ref='A1:XFD1048576'/>"))
    result = read_workbook_isolated(data, FILE)
    assert result.problems == []
    assert list(result.tables["projects"]["project"]) == ["AVIA"]


def test_formula_without_value_in_single_quotes_is_named() -> None:
    row = "<row r='3'><c r='A3'><v>2025</v></c><c r='B3' t='inlineStr'><is><t>06635</t></is></c>"
    row += "<c r='C3'><v>1</v></c><c r='D3' t='inlineStr'><is><t>Checkpoint</t></is></c><c r='E3'><f>E2*2</f></c></row>"
    result = read_workbook(package(worksheet(HEADING_ROW + AVIA_ROW + row)), FILE)
    (error,) = result.errors
    assert (error.sheet, error.row, error.cell) == ("Projekte", 3, "E3")
    assert error.expected.startswith("Die Zelle enthält eine Formel ohne gespeichertes Ergebnis")


def test_error_value_without_r_is_named_by_position() -> None:
    row = "<row r='3'><c><v>2025</v></c><c t='inlineStr'><is><t>06635</t></is></c><c><v>1</v></c>"
    row += "<c t='inlineStr'><is><t>Checkpoint</t></is></c><c t='e'><f>1/0</f><v>#DIV/0!</v></c></row>"
    result = read_workbook(package(worksheet(HEADING_ROW + AVIA_ROW + row)), FILE)
    (error,) = result.errors
    assert (error.row, error.cell) == (3, "E3")
    assert "#DIV/0!" in error.expected


def test_unreferenced_member_of_broken_tags_is_not_scanned() -> None:
    hostile = b"<c " * 350_000  # about 1 MB: quadratic for the former patterns
    result = read_workbook(package(extra={"xl/unused.xml": hostile, **padding(8_000)}), FILE)
    assert result.problems == []
    assert list(result.tables["projects"]["project"]) == ["AVIA"]


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"", "utf-16-le"), (b"\xef\xbb\xbf", "utf-8")],
    ids=["utf16-le", "utf16-be", "utf16-le-without-bom", "utf8-bom"],
)
def test_doctype_is_refused_in_any_encoding(bom: bytes, codec: str) -> None:
    encoding = "UTF-8" if codec == "utf-8" else "UTF-16"
    xml = f"<?xml version='1.0' encoding='{encoding}'?><!DOCTYPE w [<!ENTITY a 'aaaa'>]>" + VALID
    found = messages(package(bom + xml.encode(codec)))
    assert any(text.startswith(DTD) for _, text in found), found


@pytest.mark.parametrize(("bom", "codec"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")])
def test_sheet_in_utf16_reads(bom: bytes, codec: str) -> None:
    xml = "<?xml version='1.0' encoding='UTF-16'?>" + VALID
    result = read_workbook(package(bom + xml.encode(codec)), FILE)
    assert result.problems == []
    assert list(result.tables["projects"]["project"]) == ["AVIA"]


def test_cell_outside_a_row_makes_the_sheet_unreadable() -> None:
    xml = worksheet(HEADING_ROW + AVIA_ROW).replace("</sheetData>", "<c r='XFD3'><v>1</v></c></sheetData>")
    assert_refused(package(xml), UNREADABLE_SHEET, isolated=False)


def test_workbook_in_another_folder_is_checked_there() -> None:
    """The cell reader finds the workbook through _rels/.rels, not at xl/: that is where the check looks too."""
    hostile = worksheet(HEADING_ROW + AVIA_ROW + "<row r='3'><c r='XFD3'><v>1</v></c></row>")
    data = package(hostile, folder="daten/", extra={"xl/workbook.xml": "<workbook/>"})
    assert_refused(data, TOO_WIDE)


def test_parts_of_another_format_are_refused() -> None:
    found = messages(package(extra={"xl/workbook.bin": b"\x83\x01\x00"}))
    assert found == [(None, found[0][1])]
    assert found[0][1].startswith("Die Datei enthält Teile eines anderen Tabellenformats (xl/workbook.bin)")


def test_two_members_the_reader_cannot_tell_apart_are_refused() -> None:
    found = messages(
        package(extra={"XL/Worksheets/Sheet1.xml": worksheet("<row r='1'><c r='XFD1'><v>1</v></c></row>")})
    )
    assert len(found) == 1
    assert found[0][1].startswith("Die Datei ist beschädigt: der Teil „XL/Worksheets/Sheet1.xml“ ist doppelt enthalten")


def test_huge_tag_is_refused_quickly() -> None:
    xml = VALID.replace("<sheetData>", "<sheetData><!--" + "x" * 5_000_000 + "-->")
    found = messages(package(xml, padding(40_000)))
    assert any(sheet == "Projekte" and text.startswith(UNREADABLE_SHEET) for sheet, text in found), found
