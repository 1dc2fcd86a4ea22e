"""An agreement document stored as an amendment of the stored agreement: offered when the budget differs, checked
(a reason is required), previewed in one German sentence, stored as one row of „Änderungen“ with the audit trail,
and undone like any import — the signed agreement is never touched."""

from __future__ import annotations

from datetime import date

import pytest

from aqb_data.analysis.versions import budgets_in_force
from aqb_data.domain.access import Role, User
from aqb_data.domain.problems import Severity
from aqb_data.read.agreement import Agreement, AgreementReading, Signature
from aqb_data.store.database import KIND_AGREEMENT, Store, open_store
from aqb_data.store.intake import (
    AgreementCheck,
    AmendmentRequest,
    amendment_offered,
    check_agreement,
    default_valid_from,
    import_agreement_checked,
)
from tests.databases import Location

GIESSEN = "06531"  # demo data: 977.930 € in 2025
DOCUMENT = b"Aenderungsvereinbarung"
ANALYST = User("analystin@hmsi.example", "Analystin", frozenset({Role.MAINTAIN}))
REASON = "Aufstockung aus nicht verausgabten Mitteln anderer Kreise"


@pytest.fixture
def store(store_location: Location) -> Store:
    return open_store(store_location)  # the demo data


def giessen(budget: float) -> Agreement:
    return Agreement(
        ags=GIESSEN,
        year=2025,
        budget_eur=budget,
        measures={1: ["Produktionsschule"], 2: [], 3: [], 4: []},
        signed_ministry=Signature("Wiesbaden", date(2025, 7, 1)),
        signed_district=Signature("Gießen", date(2025, 7, 8)),
    )


def check(store: Store, agreement: Agreement, request: AmendmentRequest | None) -> AgreementCheck:
    reading = AgreementReading("aenderung_giessen.pdf", "…", agreement)
    return check_agreement(store, DOCUMENT, reading.file, reading=reading, amendment=request)


def giessen_2025(store: Store) -> tuple[float, float]:
    """(signed, in force at year end) of Gießen 2025."""
    row = budgets_in_force(store.load()).set_index(["ags", "year"]).loc[(GIESSEN, 2025)]
    return float(row["budget_signed_eur"]), float(row["budget_eur"])


def test_an_amendment_is_offered_only_when_a_stored_agreement_names_another_budget(store: Store) -> None:
    data = store.load()
    assert amendment_offered(giessen(1_000_000.0), data)
    assert not amendment_offered(giessen(977_930.0), data)
    assert not amendment_offered(Agreement("06635", 2031, 1.0, {}), data)  # nothing stored to amend
    assert default_valid_from(giessen(1.0)) == date(2025, 7, 8)  # the later signature


def test_the_amendment_is_previewed_in_one_german_sentence_stored_as_a_row_and_undone(store: Store) -> None:
    request = AmendmentRequest(date(2025, 7, 15), REASON)
    checked = check(store, giessen(1_000_000.0), request)
    assert not checked.errors and checked.importable
    assert checked.amendment_text == (f"Haushaltsmittel 977.930 € → 1.000.000 €, gültig ab 15.07.2025, Grund: {REASON}")
    counts = checked.preview.counts().set_index("Blatt")
    assert counts.loc["Änderungen", "neu"] == 1
    assert "Zielvereinbarungen" not in counts.index  # the signed agreement is not replaced

    record = import_agreement_checked(store, checked, checked.agreement, user=ANALYST)
    assert record is not None and record.kind == KIND_AGREEMENT
    amendments = store.load().amendments
    (stored,) = [row for _, row in amendments.iterrows() if row["ags"] == GIESSEN]
    assert (stored["ags"], stored["valid_from"].date(), stored["budget_eur"], stored["reason"]) == (
        GIESSEN,
        date(2025, 7, 15),
        1_000_000.0,
        REASON,
    )
    assert stored["source"] == "Änderung der Zielvereinbarung 2025 (aenderung_giessen.pdf)"
    assert giessen_2025(store) == (977_930.0, 1_000_000.0)
    latest = store.audit_log().iloc[0]
    assert (latest["Name"], latest["Import Nr."], latest["Datei"]) == ("Analystin", record.id, "aenderung_giessen.pdf")

    store.undo_last(record.id, user=ANALYST)
    assert GIESSEN not in set(store.load().amendments["ags"])
    assert len(store.load().amendments) == len(amendments) - 1
    assert giessen_2025(store) == (977_930.0, 977_930.0)


def test_an_amendment_without_a_reason_is_an_error_and_stores_nothing(store: Store) -> None:
    checked = check(store, giessen(1_000_000.0), AmendmentRequest(date(2025, 7, 15), "  "))
    (error,) = [p for p in checked.problems if p.severity is Severity.ERROR]
    assert error.column == "Grund" and "Pflichtangabe" in error.expected
    assert checked.preview is None and not checked.importable


def test_an_amendment_of_an_agreement_that_is_not_stored_is_an_error(store: Store) -> None:
    other_year = Agreement(GIESSEN, 2031, 5_000.0, {1: [], 2: [], 3: [], 4: []})
    checked = check(store, other_year, AmendmentRequest(date(2031, 3, 1), "Grund"))
    assert any("gespeicherte Zielvereinbarung Gießen 2031" in p.expected for p in checked.errors)


def test_a_day_outside_the_year_is_a_warning_and_a_second_amendment_previews_from_the_first(store: Store) -> None:
    first = check(store, giessen(1_000_000.0), AmendmentRequest(date(2025, 7, 15), REASON))
    import_agreement_checked(store, first, first.agreement, user=ANALYST)
    second = check(store, giessen(950_000.0), AmendmentRequest(date(2026, 1, 2), "Kürzung"))
    assert [p.column for p in second.warnings] == ["Gültig ab"]
    assert second.amendment_text.startswith("Haushaltsmittel 1.000.000 € → 950.000 €, gültig ab 02.01.2026")
