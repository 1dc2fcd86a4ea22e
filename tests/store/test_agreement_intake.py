"""An agreement document through the intake service: problems against the stored data, the preview, the version
check, and what is stored (the analyst's corrections, the document's name and SHA-256)."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from aqb_data.domain.access import AccessDeniedError, Role, User
from aqb_data.domain.problems import Severity
from aqb_data.read.agreement import Agreement, AgreementReading, Signature
from aqb_data.store.database import KIND_AGREEMENT, Store, StoreConflictError, open_store, sha256
from aqb_data.store.intake import (
    AgreementCheck,
    StaleCheckError,
    check_agreement,
    import_agreement_checked,
)
from tests.databases import Location

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "zielvereinbarung-2025-waldeck-frankenberg.md"
WALDECK, GIESSEN = "06635", "06531"
DOCUMENT = b"Zielvereinbarung (Inhalt wie gelesen)"
# The demo data: Gießen 2025 has 977.930 EUR (2024: 947.480 EUR) and five projects planned at 884.100 EUR together.
ANALYST = User("analystin@hmsi.example", "Analystin", frozenset({Role.MAINTAIN}))
GIESSEN_PROJECTS = {
    1: ["Berufsorientierung kompakt", "Produktionsschule"],
    2: ["Ausbildung statt Abbruch"],
    3: ["Lager und Logistik mit Staplerschein", "Qualifizierung Kinderbetreuung"],
    4: [],
}


@pytest.fixture
def store(store_location: Location) -> Store:
    return open_store(store_location)  # the demo data


def giessen(budget: float = 977_930.0, **measures: list[str]) -> Agreement:
    names = {**GIESSEN_PROJECTS, **{int(code.removeprefix("m")): value for code, value in measures.items()}}
    return Agreement(
        ags=GIESSEN,
        year=2025,
        budget_eur=budget,
        measures=names,
        signed_ministry=Signature("Wiesbaden", date(2025, 3, 3)),
        signed_district=Signature("Gießen", date(2025, 3, 10)),
    )


def check(store: Store, agreement: Agreement, file_name: str = "zv_giessen.pdf") -> AgreementCheck:
    """The agreement checked as the page checks it: already read (here: built by hand), nothing read again."""
    return check_agreement(store, DOCUMENT, file_name, reading=AgreementReading(file_name, "…", agreement))


def texts(check: AgreementCheck, severity: Severity) -> list[str]:
    return [p.text() for p in check.problems if p.severity is severity]


def stored_budget(store: Store, ags: str = GIESSEN, year: int = 2025) -> float:
    return float(store.load().agreements.set_index(["ags", "year"]).loc[(ags, year), "budget_eur"])


def test_an_agreement_that_replaces_a_stored_one_says_so_and_previews_the_budget_before_and_after(store: Store) -> None:
    checked = check(store, giessen(990_000.0))
    assert texts(checked, Severity.WARNING) == [
        "Warnung: zv_giessen.pdf, Spalte „§ 4 Haushaltsmittel“: Wert „990.000,00 €“ – Für Gießen 2025 ist bereits "
        "eine Zielvereinbarung gespeichert (Haushaltsmittel 977.930,00 €, Quelle „synthetisch“); diese ersetzt sie – "
        "bitte prüfen, ob sie die geltende ist"
    ]
    assert checked.importable and checked.version == store.version()
    counts = checked.preview.counts().set_index("Blatt")
    assert counts.loc["Zielvereinbarungen", "geändert"] == 1
    assert counts.loc["Projekte", "unverändert"] == 5  # known projects keep their planned money
    money = checked.preview.money_by_district().set_index("Kennzahl")
    assert money.loc["Haushaltsmittel", ["Gebietskörperschaft", "vorher", "nachher", "Differenz"]].tolist() == [
        "Gießen",
        977_930.0,
        990_000.0,
        12_070.0,
    ]
    assert money.loc["Geplante Mittel", "Differenz"] == 0.0


def test_a_budget_far_from_the_year_before_is_a_warning(store: Store) -> None:
    checked = check(store, giessen(97_793.0))  # a digit short
    assert (
        "Haushaltsmittel in der Größenordnung des Vorjahres (2024: 947.480,00 €); diese sind 90 % niedriger – bitte "
        "den Betrag prüfen (z. B. eine fehlende oder überzählige Stelle)"
    ) in " ".join(texts(checked, Severity.WARNING))
    assert not any("Vorjahres" in text for text in texts(check(store, giessen(1_100_000.0)), Severity.WARNING))


def test_stored_projects_planned_beyond_the_new_budget_are_a_warning(store: Store) -> None:
    checked = check(store, giessen(800_000.0))
    assert (
        "Die geplanten Mittel der gespeicherten Projekte von Gießen 2025 (884.100,00 €) übersteigen diese "
        "Haushaltsmittel"
    ) in " ".join(texts(checked, Severity.WARNING))
    assert checked.importable  # a warning, not an error


def test_stored_projects_the_agreement_drops_or_spells_differently_are_named(store: Store) -> None:
    checked = check(store, giessen(m1=["berufsorientierung  kompakt"], m3=[]))
    warnings = texts(checked, Severity.WARNING)
    assert any(
        "Gespeichert ist für Gießen 2025 das Projekt „Berufsorientierung kompakt“" in text
        and "diese Schreibweise zählt als anderes Projekt" in text
        for text in warnings
    )
    assert any(
        "Gespeichert sind für Gießen 2025 Projekte, die diese Vereinbarung nicht nennt: „Lager und Logistik mit "
        "Staplerschein“, „Produktionsschule“, „Qualifizierung Kinderbetreuung“ (geplante Mittel zusammen "
        "518.800,00 €); sie entfallen mit der Übernahme" in text
        for text in warnings
    )
    counts = checked.preview.counts().set_index("Blatt")
    assert counts.loc["Projekte", ["neu", "unverändert", "entfällt"]].tolist() == [1, 1, 4]


def test_a_project_named_twice_is_an_error_and_nothing_can_be_stored(store: Store) -> None:
    checked = check(store, giessen(m4=["Produktionsschule"]))
    assert texts(checked, Severity.ERROR) == [
        "Fehler: zv_giessen.pdf, Spalte „§ 5 Projekte“: Wert „Produktionsschule“ – jedes Projekt nur einmal – "
        "„Produktionsschule“ steht zweimal in der Liste"
    ]
    assert checked.preview is None and not checked.importable
    with pytest.raises(ValueError, match="Fehlern"):
        import_agreement_checked(store, checked)
    assert len(store.history()) == 1  # the demo data only


def test_a_document_that_yields_no_agreement_has_its_reasons_as_errors(store: Store) -> None:
    reading = AgreementReading("rezept.txt", "Apfelkuchen", errors=["Der Text ist keine Zielvereinbarung"])
    checked = check_agreement(store, b"Apfelkuchen", "rezept.txt", reading=reading)
    assert [p.text() for p in checked.problems] == ["Fehler: rezept.txt: Der Text ist keine Zielvereinbarung"]
    assert checked.agreement is None and checked.preview is None and not checked.importable


def test_corrected_projects_are_stored_as_corrected_with_the_documents_name_and_digest(store: Store) -> None:
    read = giessen()
    corrected = replace(read, measures={**GIESSEN_PROJECTS, 2: [], 4: ["Ausbildung statt Abbruch", "Neu im Netz"]})
    checked = check_agreement(
        store, DOCUMENT, "zv.pdf", corrected=corrected, reading=AgreementReading("zv.pdf", "…", read)
    )
    record = import_agreement_checked(store, checked, corrected, user=ANALYST)
    assert (record.file_name, record.sha256, record.kind) == ("zv.pdf", sha256(DOCUMENT), KIND_AGREEMENT)
    assert store.history()[0].id == record.id
    entry = store.audit_log().iloc[0]
    assert entry[["Benutzer", "Vorgang", "Import Nr.", "Datei", "SHA-256"]].tolist() == [
        "analystin@hmsi.example",
        "Zielvereinbarung übernommen",
        record.id,
        "zv.pdf",
        sha256(DOCUMENT),
    ]
    projects = store.load().projects
    projects = projects[(projects["ags"] == GIESSEN) & (projects["year"] == 2025)].set_index("project")
    assert projects.loc["Ausbildung statt Abbruch", "measure_type"] == 4  # moved by the analyst
    assert projects.loc["Ausbildung statt Abbruch", "planned_eur"] == 190_800.0  # its planned money kept
    assert pd.isna(projects.loc["Neu im Netz", "planned_eur"])  # until a project list brings it
    assert projects.loc["Neu im Netz", "source"] == "Zielvereinbarung 2025 (zv.pdf)"


def test_a_district_user_may_not_store_an_agreement(store: Store) -> None:
    checked = check(store, giessen(990_000.0))
    district_user = User("kreis@giessen.example", "Kreis Gießen", frozenset({Role.DISTRICT}), ags=GIESSEN)
    with pytest.raises(AccessDeniedError, match="Zielvereinbarungen übernehmen"):
        import_agreement_checked(store, checked, user=district_user)
    assert stored_budget(store) == 977_930.0


def test_an_agreement_changed_after_its_check_is_refused(store: Store) -> None:
    checked = check(store, giessen(990_000.0))
    with pytest.raises(StaleCheckError, match="Korrekturen erneut prüfen"):
        import_agreement_checked(store, checked, giessen(999_999.0))
    assert stored_budget(store) == 977_930.0


def test_an_import_of_the_same_district_since_the_check_refuses_the_confirm_and_stores_nothing(store: Store) -> None:
    mine = check(store, giessen(990_000.0), "meine.pdf")
    theirs = check(store, giessen(985_000.0), "kollegin.pdf")
    import_agreement_checked(store, theirs)
    with pytest.raises(StoreConflictError) as refused:
        import_agreement_checked(store, mine)
    assert str(refused.value).startswith(
        "Die Daten wurden inzwischen geändert: Ein anderer Import oder eine Rücknahme betrifft dieselben Zeilen"
    )
    assert "Es wurde nichts gespeichert; bitte die Datei erneut prüfen und dann importieren." in str(refused.value)
    assert stored_budget(store) == 985_000.0
    assert [r.file_name for r in store.history()][0] == "kollegin.pdf"
    again = check(store, giessen(990_000.0), "meine.pdf")  # checked anew, it lands
    assert import_agreement_checked(store, again) is not None
    assert stored_budget(store) == 990_000.0


def test_an_import_of_another_district_since_the_check_does_not_block(store: Store) -> None:
    mine = check(store, giessen(990_000.0))
    other = replace(giessen(700_000.0), ags=WALDECK, measures={1: ["AVIA"], 2: [], 3: [], 4: []})
    import_agreement_checked(store, check(store, other, "waldeck.pdf"))
    assert import_agreement_checked(store, mine) is not None
    assert stored_budget(store) == 990_000.0


@pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds fehlt (eigener Klon ohne shared/)")
def test_the_seed_read_in_its_worker_is_already_stored_in_the_demo_data(store: Store) -> None:
    data = SEED.read_bytes()
    checked = check_agreement(store, data, SEED.name)
    assert checked.agreement.ags == WALDECK and checked.agreement.budget_eur == 773_920.0
    assert checked.errors == [] and checked.warnings == []
    assert checked.preview is not None and not checked.preview.any
    assert import_agreement_checked(store, checked) is None
