"""The page that reads agreement documents: what was read, corrections, adding to the data."""

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aqb_data.store.database import KIND_AGREEMENT, Store, default_path, sha256
from aqb_data.store.intake import check_agreement, import_agreement_checked
from tests.documents import agreement_text, pdf_from_text

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "zielvereinbarung-2025-waldeck-frankenberg.md"
AGREEMENT = agreement_text().encode()
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds fehlt (eigener Klon ohne shared/)")


def page_with(name: str, data: bytes, mime: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/zielvereinbarung.py").run()
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def button(at: AppTest, label: str) -> object:
    return next(b for b in at.button if b.label == label)


def correct_budget(at: AppTest, amount: str) -> AppTest:
    """Type a corrected § 4 amount and have it checked; the page then shows problems and the preview."""
    at.text_input[0].set_value(amount)
    button(at, "Korrekturen prüfen").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def budget_row(at: AppTest) -> list[object]:
    """The preview's Haushaltsmittel row: district, year, before, after."""
    money = next(d.value for d in at.dataframe if "Kennzahl" in d.value.columns)
    row = money[money["Kennzahl"] == "Haushaltsmittel"].iloc[0]
    return [row["Gebietskörperschaft"], row["Jahr"], row["vorher"], row["nachher"]]


def stored_budget() -> float:
    return float(Store(default_path()).load().agreements.set_index(["ags", "year"]).loc[("06635", 2025), "budget_eur"])


@needs_seed
@pytest.mark.usefixtures("fresh_db")
@pytest.mark.parametrize("as_pdf", [False, True], ids=["markdown", "pdf"])
def test_the_seed_agreement_is_read_checked_previewed_and_added_with_a_correction(as_pdf: bool) -> None:
    text = SEED.read_text(encoding="utf-8")
    data, name, mime = (
        (pdf_from_text(text), "zv.pdf", "application/pdf") if as_pdf else (text.encode(), "zv.md", "text/markdown")
    )
    at = page_with(name, data, mime)
    read = next(m.value for m in at.markdown if m.value.startswith("**Waldeck-Frankenberg**"))
    assert read.startswith("**Waldeck-Frankenberg** (AGS 06635) · **2025** · § 4: **773.920 €**")
    assert "- 1. Ausbildungsvorbereitung: AVIA (Aktivierung und Vermittlung von Migranten)" in read
    assert "- 2. Ausbildung & Coaching: keine Projekte" in read
    assert (
        "- 3. Qualifizierung: Checkpoint; Restart; FiB (Fit für die Berufswelt); Berufs- und Sprachscout Projekt (BSP)"
        in read
    )
    assert "Unterzeichnung HMSI: Wiesbaden, 02.08.2025 (Heike Hofmann, Staatsministerin)" in read
    assert "Unterzeichnung Kreis/Stadt: Korbach, 13.08.2025" in read
    assert [str(d.value) for d in at.date_input] == ["2025-08-02", "2025-08-13"]
    # The demo data holds this agreement already: nothing to confirm.
    assert at.success[0].value == "Keine Fehler, keine Warnungen."
    assert at.info[0].value == "Keine Änderungen: Dieser Stand ist bereits gespeichert."
    assert not [b for b in at.button if b.label == "Übernehmen"]

    correct_budget(at, "780.000,00")
    assert at.warning[-1].value.startswith("**1 Warnungen** – bitte prüfen")
    problems = next(t.value for t in at.table)
    assert list(problems.columns) == ["Spalte", "Wert", "Erwartet / Hinweis"]  # no sheet, row or cell in a document
    assert problems.iloc[0]["Wert"] == "780.000,00 €"
    assert problems.iloc[0]["Erwartet / Hinweis"].startswith(
        "Für Waldeck-Frankenberg 2025 ist bereits eine Zielvereinbarung gespeichert (Haushaltsmittel 773.920,00 €"
    )
    assert budget_row(at) == ["Waldeck-Frankenberg", 2025, 773_920.0, 780_000.0]
    assert stored_budget() == 773_920.0  # checked and previewed, not yet stored

    button(at, "Übernehmen").click().run()
    assert at.success[0].value.startswith("Zielvereinbarung 2025 Waldeck-Frankenberg ist übernommen (Import Nr. 2)")
    stored = Store(default_path()).load()
    agreement = stored.agreements.set_index(["ags", "year"]).loc[("06635", 2025)]
    assert agreement["budget_eur"] == 780_000.0  # the analyst's correction
    assert agreement["source"] == f"Zielvereinbarung 2025 ({name})"
    projects = stored.projects[(stored.projects["ags"] == "06635") & (stored.projects["year"] == 2025)]
    assert sorted(projects["project"]) == [
        "AVIA (Aktivierung und Vermittlung von Migranten)",
        "Berufs- und Sprachscout Projekt (BSP)",
        "Checkpoint",
        "FiB (Fit für die Berufswelt)",
        "Restart",
    ]
    assert projects["planned_eur"].isna().all()
    record = Store(default_path()).history()[0]
    assert (record.file_name, record.sha256, record.kind) == (name, sha256(data), KIND_AGREEMENT)
    assert not at.file_uploader[0].value  # a new, empty uploader for the next document


@needs_seed
@pytest.mark.usefixtures("fresh_db")
def test_an_import_of_the_same_district_since_the_preview_refuses_the_confirm_with_a_message() -> None:
    data = SEED.read_bytes()
    at = correct_budget(page_with("zv.md", data, "text/markdown"), "780.000,00")
    assert budget_row(at)[2:] == [773_920.0, 780_000.0]
    # Meanwhile a colleague stores another Waldeck-Frankenberg 2025 agreement.
    store = Store(default_path())
    theirs = check_agreement(store, data, "kollegin.md")
    theirs = check_agreement(store, data, "kollegin.md", corrected=replace(theirs.agreement, budget_eur=790_000.0))
    import_agreement_checked(store, theirs)

    button(at, "Übernehmen").click().run()
    message = at.error[0].value
    assert message.startswith("zv.md: Die Daten wurden inzwischen geändert: Ein anderer Import oder eine Rücknahme")
    assert message.endswith(
        "Es wurde nichts gespeichert; bitte die Datei erneut prüfen und dann importieren. Die Prüfung und die "
        "Vorschau unten zeigen schon den neuen Stand."
    )
    assert stored_budget() == 790_000.0  # the colleague's, untouched
    assert budget_row(at)[2:] == [790_000.0, 780_000.0]  # checked anew against what is stored now
    button(at, "Übernehmen").click().run()
    assert at.success[0].value.startswith("Zielvereinbarung 2025 Waldeck-Frankenberg ist übernommen (Import Nr. 3)")
    assert stored_budget() == 780_000.0


@pytest.mark.usefixtures("fresh_db")
def test_an_amount_that_is_not_one_is_refused_before_anything_is_checked() -> None:
    at = page_with("zv.md", AGREEMENT, "text/markdown")
    at.text_input[0].set_value("siebenhundert Euro")
    button(at, "Korrekturen prüfen").click().run()
    assert at.error[0].value.startswith("Haushaltsmittel: ")
    assert not [b for b in at.button if b.label == "Übernehmen"]


@pytest.mark.usefixtures("fresh_db")
def test_a_text_that_is_not_an_agreement_is_refused_with_a_message() -> None:
    at = page_with("rezept.txt", "Apfelkuchen: 500 g Mehl, 3 Äpfel.".encode(), "text/plain")
    assert at.error[0].value.startswith(
        "Der Text ist keine Zielvereinbarung zum Ausbildungs- und Qualifizierungsbudget"
    )
    assert at.info[0].value == "Aus diesem Dokument lässt sich keine Zielvereinbarung übernehmen."
    assert not [b for b in at.button if b.label == "Zu den Daten hinzufügen"]
