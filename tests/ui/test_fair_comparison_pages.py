"""Vergleich and Zielerreichung put a district beside similar ones: its group and the analyst's own set (from the
link), median, quartiles and position on screen and in the table's file; values over too few cases unranked."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.screen import Downloads
from tests.ui.test_pages import open_app

GROUP_NOTE = "Vergleichsgruppe Landkreise, dünn (unter 150 Einw./km²): Vogelsbergkreis, Hersfeld-Rotenburg"


def _benchmarks(at: object) -> pd.DataFrame:
    tables = [df.value for df in at.dataframe if "Lage (Gruppe)" in df.value.columns]  # type: ignore[attr-defined]
    assert len(tables) == 1
    return tables[0].set_index("Kennzahl")


def _sheet(content: bytes) -> dict[str, dict[str, object]]:
    """The rows of a table file's first sheet, by the text in their first column."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    heading = next(i for i, row in enumerate(rows) if row and row[0] == "Kennzahl")
    return {row[0]: dict(zip(rows[heading], row, strict=False)) for row in rows[heading + 1 :] if row and row[0]}


def test_zielerreichung_puts_a_district_beside_its_group_and_the_set_from_the_link(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    downloads = Downloads(monkeypatch)
    at = open_app(
        "app_pages/zielerreichung.py",
        kreis="Werra-Meißner-Kreis",
        vergleich=["Frankfurt am Main", "Vogelsbergkreis", "Fulda"],
    )
    assert at.multiselect(key="vergleich").value == ["Frankfurt am Main", "Vogelsbergkreis", "Fulda"]
    assert any(c.value.startswith(GROUP_NOTE) for c in at.caption)
    assert any(
        "Freie Auswahl (4 Gebietskörperschaften): Werra-Meißner-Kreis, Frankfurt am Main" in c.value for c in at.caption
    )
    screen = _benchmarks(at)
    assert list(screen.index) == [
        "Mittelabfluss",
        "Abweichung vom Jahresfortschritt",
        "Auslastung",
        "Übergangsquote",
        "Abbruchquote",
        "Kosten je Teilnehmer/in",
    ]
    assert set(screen["Lage (Gruppe)"]) <= {
        "unteres Viertel",
        "zweites Viertel",
        "drittes Viertel",
        "oberes Viertel",
        "nicht eingeordnet (◊)",
    }
    stem = next(b.proto.id for b in downloads.buttons(at) if "im_Vergleich_mit" in b.proto.id and "xlsx" in b.proto.id)
    file = _sheet(downloads.file(at, stem))
    for indicator in ("Auslastung", "Mittelabfluss"):
        # The file holds the numbers the screen shows, as numbers (rates to the tenth of a percent shown).
        median = screen.loc[indicator, "Median (Gruppe)"]
        assert file[indicator]["Median (Gruppe)"] == pytest.approx(median, abs=0.0005)
        assert file[indicator]["Lage (Auswahl)"] == screen.loc[indicator, "Lage (Auswahl)"]


def test_vergleich_ranks_a_rate_over_too_few_exits_last_and_without_a_rank() -> None:
    at = open_app("app_pages/vergleich.py", kreis="Werra-Meißner-Kreis", kennzahl="Übergangsquote")
    ranking = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    flagged = ranking[ranking["Aussagekraft"].str.startswith("◊ eingeschränkt aussagekräftig", na=False)]
    assert len(flagged) >= 1
    assert flagged["Rang"].isna().all()  # shown, not ranked
    ranked = ranking["Rang"].notna()
    assert ranked[: ranked.sum()].all()  # every ranked row comes before every unranked one
    summary = next(df.value for df in at.dataframe if "Vergleichsgruppe" in df.value.columns)
    assert "Hessen (alle 26)" in set(summary["Vergleichsgruppe"])
    assert summary["nicht eingerechnet (◊)"].sum() >= 1
