"""The places of signature: read from the agreement, from a workbook's Zielvereinbarungen sheet, and written back
into an .xlsx as plain text (a formula stays text)."""

import io
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook

from aqb_data.domain.model import AGREEMENTS
from aqb_data.export.workbooks import write_workbook
from aqb_data.paths import SEED_AGREEMENT
from aqb_data.read.agreement import Agreement, Signature, agreement_tables, read_agreement
from aqb_data.read.workbook import read_workbook
from tests.factory import rows_xml, worksheet, xlsx_package
from tests.workbooks import make_workbook

WALDECK, KASSEL_CITY = "06635", "06611"


def test_the_seed_agreement_names_wiesbaden_and_korbach_and_its_row_keeps_them() -> None:
    if not SEED_AGREEMENT.exists():
        pytest.skip(f"Die unterzeichnete Zielvereinbarung fehlt ({SEED_AGREEMENT}): Klon ohne ../shared")
    reading = read_agreement(SEED_AGREEMENT)
    assert reading.errors == [] and reading.agreement is not None
    row = agreement_tables(reading.agreement, "Zielvereinbarung 2025")["agreements"].iloc[0]
    assert (row["signed_ministry_place"], row["signed_ministry"]) == ("Wiesbaden", pd.Timestamp("2025-08-02"))
    assert (row["signed_district_place"], row["signed_district"]) == ("Korbach", pd.Timestamp("2025-08-13"))


def test_a_signature_without_place_or_a_missing_one_leaves_the_place_empty() -> None:
    agreement = Agreement(
        ags=WALDECK,
        year=2025,
        budget_eur=773_920.0,
        measures={1: ["AVIA"], 2: [], 3: [], 4: []},
        signed_ministry=Signature(None, date(2025, 8, 2)),
        signed_district=None,
    )
    row = agreement_tables(agreement, "ZV")["agreements"].iloc[0]
    assert pd.isna(row["signed_ministry_place"]) and pd.isna(row["signed_district_place"])
    assert row["signed_ministry"] == pd.Timestamp("2025-08-02") and pd.isna(row["signed_district"])


def test_an_older_agreements_frame_without_places_conforms_with_empty_ones() -> None:
    old = pd.DataFrame(
        [{"year": 2025, "ags": WALDECK, "budget_eur": 1.0, "signed_ministry": None, "signed_district": None}]
    )
    conformed = AGREEMENTS.conform(old)
    assert conformed.columns.tolist() == AGREEMENTS.column_names
    assert conformed[["signed_ministry_place", "signed_district_place"]].isna().all(axis=None)


# A cell typed as text in the district's file that Excel would evaluate if it were written back as a formula.
PAYLOADS = ('=HYPERLINK("http://x.example";"klick")', "+cmd|' /C calc'!A0", "-2+3", "@SUMME(A1)")


def test_places_from_a_workbook_are_text_and_a_formula_is_written_back_as_text() -> None:
    headings = ["Jahr", "AGS", "Haushaltsmittel (EUR)", "Ort Unterzeichnung HMSI", "Ort Unterzeichnung Kreis/Stadt"]
    rows = [[2025 - i, KASSEL_CITY, "900.000,00", payload, payload] for i, payload in enumerate(PAYLOADS)]
    data = xlsx_package({"Zielvereinbarungen": worksheet(rows_xml([headings, *rows]))})
    result = read_workbook(data, "kassel.xlsx")
    assert result.problems == []
    agreements = result.tables["agreements"].sort_values("year", ascending=False, ignore_index=True)
    assert agreements["signed_ministry_place"].tolist() == list(PAYLOADS)
    assert agreements["signed_district_place"].tolist() == list(PAYLOADS)

    written = io.BytesIO()
    write_workbook(result.tables, written)
    sheet = load_workbook(io.BytesIO(written.getvalue()))["Zielvereinbarungen"]
    titles = [cell.value for cell in sheet[1]]
    for heading in ("Ort Unterzeichnung HMSI", "Ort Unterzeichnung Kreis/Stadt"):
        cells = [row[titles.index(heading)] for row in sheet.iter_rows(min_row=2)]
        assert sorted(cell.value for cell in cells) == sorted(PAYLOADS)
        assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)  # shown as text, never evaluated
    again = read_workbook(written.getvalue(), "zurück.xlsx")
    assert again.problems == []
    assert sorted(again.tables["agreements"]["signed_district_place"]) == sorted(PAYLOADS)


def test_a_place_with_a_control_character_is_refused_with_the_cell_named() -> None:
    data = make_workbook(
        {
            "Zielvereinbarungen": [
                ["Jahr", "AGS", "Haushaltsmittel (EUR)", "Ort Unterzeichnung HMSI"],
                [2025, KASSEL_CITY, "900.000,00", "Wies\u202ebaden"],
            ]
        }
    )
    result = read_workbook(data, "kassel.xlsx")
    [problem] = result.problems
    assert "Ort Unterzeichnung HMSI" in problem.text() and "U+202E" in problem.text()
