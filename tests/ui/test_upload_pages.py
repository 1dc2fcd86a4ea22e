"""The upload and history pages through AppTest: report, preview, confirm, undo, and every page updated."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aqb_data.read.workbook import XLSX_MIME
from tests.workbooks import make_workbook

ROOT = Path(__file__).resolve().parents[2]
AGREEMENTS = [["Jahr", "AGS", "Haushaltsmittel (EUR)"]]


def app_on(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader[0].set_value((name, data, XLSX_MIME)).run()
    assert not at.exception, [e.message for e in at.exception]


def budget_shown(at: AppTest) -> str:
    at.switch_page("app_pages/uebersicht.py").run()
    return next(m.value for m in at.metric if m.label == "Haushaltsmittel")


@pytest.mark.usefixtures("fresh_db")
def test_a_broken_report_is_explained_and_changes_nothing() -> None:
    at = app_on("app_pages/hochladen.py")
    upload(at, "kaputt.xlsx", make_workbook({"Zielvereinbarungen": [*AGREEMENTS, [2025, "Kassel", "viel"]]}))
    assert at.error[0].value.startswith("**2 Fehler, 0 Warnungen** – die Datei wird nicht übernommen.")
    assert [e.label for e in at.expander][:2] == ["Fehler: Gebietskörperschaft (1)", "Fehler: Ungültiger Wert (1)"]
    report = at.table[1].value
    assert report.iloc[0].to_dict() == {
        "Blatt": "Zielvereinbarungen",
        "Zeile": "2",
        "Spalte": "Haushaltsmittel (EUR)",
        "Zelle": "C2",
        "Wert": "viel",
        "Erwartet / Hinweis": "erwartet: ein Betrag in Euro, z. B. 773.920,00 oder 773920",
    }
    assert not [b for b in at.button if b.label == "Übernehmen"]
    assert budget_shown(at) == "28.300.000 €"


@pytest.mark.usefixtures("fresh_db")
def test_upload_preview_confirm_and_every_page_shows_the_new_figures_then_undo() -> None:
    at = app_on("app_pages/hochladen.py")
    upload(at, "waldeck.xlsx", make_workbook({"Zielvereinbarungen": [*AGREEMENTS, [2025, "06635", "800.000"]]}))
    assert at.success[0].value == "Keine Fehler, keine Warnungen."
    money = at.dataframe[1].value.iloc[0]
    assert (money["vorher"], money["nachher"], money["Differenz"]) == (773_920.0, 800_000.0, 26_080.0)
    confirm = next(b for b in at.button if b.label == "Übernehmen")
    confirm.click().run()
    assert "waldeck.xlsx ist übernommen (Import Nr. 2)" in at.success[0].value
    assert budget_shown(at) == "28.326.080 €"  # 28.300.000 € + 26.080 €
    at.switch_page("app_pages/gebietskoerperschaft.py").run()
    at.selectbox(key="kreis").set_value("06635").run()
    assert next(m.value for m in at.metric if m.label == "§ 4 Haushaltsmittel") == "800.000 €"

    at.switch_page("app_pages/verlauf.py").run()
    log = at.dataframe[0].value
    assert log.iloc[0][["Nr.", "Art", "Datei", "Änderungen", "Status"]].tolist() == [
        2,
        "Arbeitsmappe",
        "waldeck.xlsx",
        "Zielvereinbarungen: 1 geändert",
        "in Kraft",
    ]
    next(b for b in at.button if b.label == "Ja, rückgängig machen").click().run()
    assert at.success[0].value == "Import Nr. 2 (waldeck.xlsx) ist rückgängig gemacht."
    assert budget_shown(at) == "773.920 €"  # the filter still shows Waldeck-Frankenberg: the signed budget is back


@pytest.mark.usefixtures("fresh_db")
def test_the_same_file_again_is_recognised() -> None:
    at = app_on("app_pages/hochladen.py")
    data = make_workbook({"Zielvereinbarungen": [*AGREEMENTS, [2025, "06635", "800.000"]]})
    upload(at, "waldeck.xlsx", data)
    next(b for b in at.button if b.label == "Übernehmen").click().run()
    upload(at, "waldeck.xlsx", data)
    assert at.info[0].value.startswith("Keine Änderungen: Dieser Stand ist bereits gespeichert (zuletzt am ")
    assert not [b for b in at.button if b.label == "Übernehmen"]


@pytest.mark.usefixtures("fresh_db")
def test_the_same_file_uploaded_twice_and_confirming_one_keeps_the_other() -> None:
    at = app_on("app_pages/hochladen.py")
    data = make_workbook({"Zielvereinbarungen": [*AGREEMENTS, [2025, "06635", "800.000"]]})
    at.file_uploader[0].set_value([("a.xlsx", data, XLSX_MIME), ("a (1).xlsx", data, XLSX_MIME)]).run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.main.header] == ["a.xlsx", "a (1).xlsx"]
    next(b for b in at.button if b.label == "Übernehmen").click().run()
    assert "a.xlsx ist übernommen (Import Nr. 2)" in at.success[0].value
    assert [s.value for s in at.main.header] == ["a.xlsx", "a (1).xlsx"]  # the other upload is still there
    notes = [i.value for i in at.main.info]
    assert len(notes) == 2 and all(n.startswith("Keine Änderungen") for n in notes)  # both match what is stored


def test_the_template_button_delivers_the_report_template(monkeypatch) -> None:
    import io

    from openpyxl import load_workbook

    from tests.screen import Downloads
    from tests.ui.test_pages import open_app

    downloads = Downloads(monkeypatch)
    at = open_app("app_pages/hochladen.py")
    book = load_workbook(io.BytesIO(downloads.file(at, "Leere Berichtsvorlage herunterladen (.xlsx)")))
    assert {"Zielvereinbarungen", "Projekte", "Umsetzungsstand"} <= set(book.sheetnames)


@pytest.mark.usefixtures("fresh_db")
def test_an_earlier_state_s_table_file_names_the_files_of_that_state(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from openpyxl import load_workbook

    from tests.screen import Downloads

    downloads = Downloads(monkeypatch)
    at = app_on("app_pages/hochladen.py")
    upload(at, "waldeck.xlsx", make_workbook({"Zielvereinbarungen": [*AGREEMENTS, [2025, "06635", "800.000"]]}))
    next(b for b in at.button if b.label == "Übernehmen").click().run()
    at.switch_page("app_pages/verlauf.py").run()
    next(s for s in at.selectbox if s.label == "Stand nach Import").set_value(1).run()
    assert not at.exception, [e.message for e in at.exception]

    def files_named(key: str) -> str:
        book = load_workbook(io.BytesIO(downloads.file(at, key)))
        return {row[0]: row[1] for row in book["Metadaten"].iter_rows(values_only=True)}["Dateien"]

    then, now = (
        files_named("table_xlsx_AQB_Haushaltsmittel_nach_Import_Nr._1"),
        files_named("table_xlsx_AQB_Importprotokoll"),
    )
    assert "waldeck.xlsx" not in then and now.endswith(", waldeck.xlsx")
    assert now.startswith(then)
