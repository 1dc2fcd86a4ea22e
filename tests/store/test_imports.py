"""Checking an upload against the stored data: columns a sheet lacks, empty files."""

import pandas as pd

from aqb_data.store.database import open_store
from aqb_data.store.intake import check_upload, import_checked
from tests.databases import Location
from tests.workbooks import make_workbook

WALDECK = "06635"


def test_a_sheet_without_a_column_keeps_the_stored_values(store_location: Location) -> None:
    store = open_store(store_location)  # demo data: Waldeck-Frankenberg 2025 signed 02.08./13.08.2025
    data = make_workbook({"Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, WALDECK, 773_920]]})
    check = check_upload(data, "nur_budget.xlsx", store)
    assert not check.preview.any  # same budget, and the signing dates are not erased
    changed = make_workbook(
        {"Zielvereinbarungen": [["Jahr", "AGS", "Haushaltsmittel (EUR)"], [2025, WALDECK, 800_000]]}
    )
    import_checked(check_upload(changed, "neues_budget.xlsx", store), store)
    row = store.load().agreements.set_index(["ags", "year"]).loc[(WALDECK, 2025)]
    assert row["budget_eur"] == 800_000.0
    assert (row["signed_ministry"], row["signed_district"]) == (pd.Timestamp("2025-08-02"), pd.Timestamp("2025-08-13"))


def test_a_file_with_headings_only_is_empty_not_already_stored(store_location: Location) -> None:
    store = open_store(store_location)
    check = check_upload(make_workbook({"Projekte": [["Jahr", "AGS", "Maßnahmenart", "Projekt"]]}), "leer.xlsx", store)
    assert check.empty and check.errors == []
