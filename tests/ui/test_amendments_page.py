"""Amended agreements on the pages: the box „Änderung der Zielvereinbarung“ on the district page and on
Zielerreichung (the version in force at the Stichtag), the marker on Übersicht, and an agreement document stored
as an amendment on „Zielvereinbarung einlesen“.

The bundled demo data amends Lahn-Dill-Kreis 2025: signed 1.095.080 €, 1.182.680 € from 15.07.2025."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from aqb_data.analysis.versions import budgets_in_force
from aqb_data.store.database import Store, default_path
from tests.ui.test_agreement_page import SEED, button, correct_budget, needs_seed, page_with
from tests.ui.test_pages import open_app

BOX = "Änderung der Zielvereinbarung"
LAHN_DILL = "Lahn-Dill-Kreis"
REASON = "Aufstockung aus nicht verausgabten Mitteln anderer Kreise"


def box_texts(at: AppTest) -> list[str]:
    """Everything written on the page as Markdown or caption, in order."""
    return [element.value for element in at.main if element.type in ("markdown", "caption", "header")]


def history_table(at: AppTest) -> object:
    return next(d.value for d in at.dataframe if "Fassung" in d.value.columns)


def test_the_district_page_shows_the_amendment_with_reason_source_and_every_version() -> None:
    at = open_app("app_pages/gebietskoerperschaft.py", kreis=LAHN_DILL)
    texts = box_texts(at)
    assert BOX in [s.value for s in at.main.header]
    assert "§ 4 Haushaltsmittel **1.095.080 €** (unterzeichnet) → **1.182.680 €**, gültig ab 15.07.2025" in texts
    assert f"Grund: {REASON}  \nQuelle: Demodaten (synthetisch)" in texts
    assert (
        "Die Zahlen gegenüber § 4 zum Jahresende 2025: Haushaltsmittel laut Änderung vom 15.07.2025; ursprünglich "
        "1.095.080 €." in texts
    )
    history = history_table(at)
    assert history["Fassung"].tolist() == ["unterzeichnet", "Änderung 1"]
    assert history["Haushaltsmittel"].tolist() == [1_095_080.0, 1_182_680.0]
    assert history["Änderung"].tolist()[1] == 87_600.0
    assert history["Grund"].tolist()[1] == REASON
    assert not any(re.search(r"\bnan\b", text) for text in texts)
    assert history["Änderung"].isna().tolist() == [True, False]  # the signed version has no change: "–"


def test_a_district_whose_agreement_was_never_amended_has_no_box() -> None:
    at = open_app("app_pages/gebietskoerperschaft.py", kreis="Waldeck-Frankenberg")
    assert BOX not in [s.value for s in at.main.header]


def test_zielerreichung_before_the_amendment_judges_against_the_signed_budget_and_names_the_later_one() -> None:
    at = open_app("app_pages/zielerreichung.py", kreis=LAHN_DILL, stichtag="30.06.2025")
    texts = box_texts(at)
    assert BOX in texts
    assert "Die Zahlen gegenüber § 4 am Stichtag 30.06.2025: Haushaltsmittel wie unterzeichnet (1.095.080 €)." in texts
    assert "Ab 15.07.2025 gelten 1.182.680 € (nach dem gewählten Stichtag)." in texts
    after = open_app("app_pages/zielerreichung.py", kreis=LAHN_DILL, stichtag="30.09.2025")
    assert (
        "Die Zahlen gegenüber § 4 am Stichtag 30.09.2025: Haushaltsmittel laut Änderung vom 15.07.2025; ursprünglich "
        "1.095.080 €." in box_texts(after)
    )


def test_zielerreichung_names_the_version_in_the_district_table() -> None:
    at = open_app("app_pages/zielerreichung.py", stichtag="30.09.2025")
    table = next(d.value for d in at.dataframe if "Fassung § 4" in d.value.columns)
    versions = dict(zip(table["Gebietskörperschaft"], table["Fassung § 4"], strict=True))
    assert versions[LAHN_DILL] == "Haushaltsmittel laut Änderung vom 15.07.2025; ursprünglich 1.095.080 €"
    assert versions["Waldeck-Frankenberg"] == "Haushaltsmittel wie unterzeichnet"


def test_uebersicht_marks_the_amended_district_in_the_hinweis_column() -> None:
    at = open_app("app_pages/uebersicht.py")
    table = next(d.value for d in at.dataframe if "Hinweis" in d.value.columns)
    row = table[table["Gebietskörperschaft"] == LAHN_DILL].iloc[0]
    assert "geändert am 15.07.2025" in row["Hinweis"]
    assert row["Haushaltsmittel"] == 1_182_680.0


@needs_seed
@pytest.mark.usefixtures("fresh_db")
def test_an_uploaded_document_with_another_budget_is_stored_as_an_amendment_and_the_signed_one_stays() -> None:
    at = page_with("aenderung.md", SEED.read_text(encoding="utf-8").encode(), "text/markdown")
    correct_budget(at, "810.000,00")
    at.radio[0].set_value("als Änderung übernehmen").run()
    assert [str(d.value) for d in at.date_input][-1] == "2025-08-13"  # the later signature
    assert at.error[0].value.startswith("**1 Fehler")  # the required reason is missing
    problems = next(t.value for t in at.table)
    assert problems.iloc[0]["Spalte"] == "Grund"
    assert problems.iloc[0]["Erwartet / Hinweis"] == "ein Grund für die Änderung (Pflichtangabe)"
    assert not [b for b in at.button if b.label == "Übernehmen"]

    at.text_input[-1].set_value("Aufstockung für ein zusätzliches Projekt").run()
    assert at.info[0].value == (
        "Änderung der Zielvereinbarung: Haushaltsmittel 773.920 € → 810.000 €, gültig ab 13.08.2025, Grund: "
        "Aufstockung für ein zusätzliches Projekt"
    )
    button(at, "Übernehmen").click().run()
    assert at.success[0].value.startswith("Die Änderung der Zielvereinbarung 2025 Waldeck-Frankenberg ist übernommen")
    budgets = budgets_in_force(Store(default_path()).load()).set_index(["ags", "year"]).loc[("06635", 2025)]
    assert (budgets["budget_signed_eur"], budgets["budget_eur"]) == (773_920.0, 810_000.0)
