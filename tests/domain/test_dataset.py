"""Loading workbooks into the dashboard's data: replace semantics, errors, data date."""

from datetime import date

import pytest

from aqb_data.domain.dataset import DataError
from aqb_data.read.files import bundled_data, combine, load_workbooks
from aqb_data.read.workbook import read_workbook
from tests.workbooks import make_workbook

HEADINGS = ["Jahr", "AGS", "Haushaltsmittel (EUR)"]


def _agreements(*rows: list[object]) -> bytes:
    return make_workbook({"Zielvereinbarungen": [HEADINGS, *rows]})


def test_a_later_file_replaces_a_districts_year_and_keeps_the_rest() -> None:
    first = read_workbook(_agreements([2025, "06635", 700_000], [2025, "06611", 1_000_000]), "alt.xlsx")
    second = read_workbook(_agreements([2025, "06635", "773.920,00"]), "neu.xlsx")
    data = combine([first, second])
    budgets = data.agreements.set_index("ags")["budget_eur"].to_dict()
    assert budgets == {"06611": 1_000_000.0, "06635": 773_920.0}
    assert data.files == ("alt.xlsx", "neu.xlsx")


def test_load_workbooks_refuses_files_with_errors_and_lists_them(tmp_path) -> None:
    bad = tmp_path / "bericht.xlsx"
    bad.write_bytes(_agreements([2025, "Kassel", "viel"]))
    with pytest.raises(DataError) as raised:
        load_workbooks([bad])
    texts = [p.text() for p in raised.value.problems]
    assert any("Zeile 2" in t and "„viel“" in t for t in texts)
    assert any("Spalte „AGS“" in t and "„Kassel“ ist kein fünfstelliger Kreisschlüssel" in t for t in texts)


def test_bundled_data_has_five_years_and_a_data_date() -> None:
    data = bundled_data()
    assert data.years == [2021, 2022, 2023, 2024, 2025]
    assert data.data_date(2025) == date(2025, 9, 30)
    assert data.data_date(2024) == date(2024, 12, 31)
    assert data.data_date(2019) is None
    assert data.files == ("aqb_demo.xlsx",)


def test_remembered_figures_are_copies_and_belong_to_one_version_of_the_data() -> None:
    from aqb_data.analysis.indicators import Selection, district_budgets, land_totals

    data = bundled_data()
    selection = Selection(2025, regierungsbezirk="Kassel")
    first = district_budgets(data, selection)
    first.loc[:, "budget_eur"] = 0.0  # a page changing what it got …
    second = district_budgets(data, selection)
    assert second["budget_eur"].sum() == land_totals(data, selection)["budget_eur"] > 0  # … changes nothing kept
    assert any(key[0] == "district_budgets" for key in data.memo)
    assert bundled_data().memo == {}  # a new version of the data remembers nothing of the old one


def test_kept_results_are_keyed_by_the_content_of_the_arguments() -> None:
    import pandas as pd

    from aqb_data.domain.dataset import kept

    calls = []

    @kept(2)
    def total(frame: pd.DataFrame, label: str) -> str:
        calls.append(label)
        return f"{label}: {frame['eur'].sum()}"

    frame = pd.DataFrame({"eur": [100.0, 250.0]})
    assert total(frame, "Hessen") == "Hessen: 350.0"
    assert total(frame.copy(), "Hessen") == "Hessen: 350.0"  # an equal frame: kept, not computed again
    assert calls == ["Hessen"]
    changed = frame.copy()
    changed.loc[1, "eur"] = 251.0
    assert total(changed, "Hessen") == "Hessen: 351.0"  # one cell changed: computed anew
    assert total(frame, "Kassel") == "Kassel: 350.0"  # another argument: computed anew
    assert calls == ["Hessen", "Hessen", "Kassel"]
    total(frame, "Hessen")  # the oldest of the two kept was pushed out by the third
    assert calls == ["Hessen", "Hessen", "Kassel", "Hessen"]


def test_the_same_rows_reached_another_way_have_the_same_content_digest() -> None:
    """Filtering text columns may leave them laid out differently in memory; the digest follows the content
    (so the backtest of the closed years is kept when only the running year changes), and a changed cell, a
    renamed column or another dtype changes it."""
    import pandas as pd

    from aqb_data.domain.dataset import content_digest

    whole = pd.DataFrame({"year": [2024, 2025, 2024], "project": ["AVIA", "Start", "Brücke"], "eur": [1.0, 2.0, 3.0]})
    built = pd.DataFrame({"year": [2024, 2024], "project": ["AVIA", "Brücke"], "eur": [1.0, 3.0]})
    filtered = whole[whole["year"] == 2024].reset_index(drop=True)
    assert content_digest(filtered) == content_digest(built)
    assert content_digest(built.assign(eur=[1.0, 3.5])) != content_digest(built)
    assert content_digest(built.rename(columns={"eur": "euro"})) != content_digest(built)
    assert content_digest(built.astype({"eur": "int64"})) != content_digest(built)
