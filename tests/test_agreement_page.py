"""The page that reads agreement documents: what was read, corrections, adding to the data."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aqb_data.store.database import Store, default_path
from tests.documents import pdf_from_text

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "zielvereinbarung-2025-waldeck-frankenberg.md"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds fehlt (eigener Klon ohne shared/)")


def page_with(name: str, data: bytes, mime: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/zielvereinbarung.py").run()
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@needs_seed
@pytest.mark.usefixtures("fresh_db")
@pytest.mark.parametrize("as_pdf", [False, True], ids=["markdown", "pdf"])
def test_the_seed_agreement_is_read_and_added_with_a_correction(as_pdf: bool) -> None:
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

    at.text_input[0].set_value("780.000,00")
    next(b for b in at.button if b.label == "Zu den Daten hinzufügen").click().run()
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


@pytest.mark.usefixtures("fresh_db")
def test_a_text_that_is_not_an_agreement_is_refused_with_a_message() -> None:
    at = page_with("rezept.txt", "Apfelkuchen: 500 g Mehl, 3 Äpfel.".encode(), "text/plain")
    assert at.error[0].value.startswith(
        "Der Text ist keine Zielvereinbarung zum Ausbildungs- und Qualifizierungsbudget"
    )
    assert at.info[0].value == "Aus diesem Dokument lässt sich keine Zielvereinbarung übernehmen."
    assert not [b for b in at.button if b.label == "Zu den Daten hinzufügen"]
