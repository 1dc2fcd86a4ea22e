"""Schema 6: the places of signature in the store — a schema 5 database upgraded in place keeps every row (with
empty places), and what an agreement or the demo data bring is stored and given back."""

import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd

from aqb_data.read.agreement import Agreement, AgreementReading, Signature
from aqb_data.store.database import SCHEMA_VERSION, Store, open_store
from aqb_data.store.intake import check_agreement, import_agreement_checked

WALDECK, GIESSEN, DARMSTADT, FULDA = "06635", "06531", "06411", "06631"
PLACES = ["signed_ministry_place", "signed_district_place"]


def _schema_5(path: Path) -> None:
    """A database as schema 5 left it (the demo data stored): agreements without the places of signature."""
    open_store(path)
    with sqlite3.connect(path) as connection:
        for column in PLACES:
            connection.execute(f"ALTER TABLE agreements DROP COLUMN {column}")
        connection.execute("PRAGMA user_version = 5")
    connection.close()


def _agreement_columns(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(agreements)")]
    connection.close()
    return columns


def _stored_rows(path: Path) -> list[tuple[object, ...]]:
    """Every agreements row, current and replaced, as schema 5 knew it."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT row_id, import_id, replaced_by, year, ags, budget_eur_cents, signed_ministry, signed_district, "
            "source, demo FROM agreements ORDER BY row_id"
        ).fetchall()
    connection.close()
    return rows


def test_a_schema_5_database_is_upgraded_in_place_keeping_every_row_with_empty_places(tmp_path: Path) -> None:
    path = tmp_path / "aqb.sqlite"
    _schema_5(path)
    assert not set(PLACES) & set(_agreement_columns(path))
    before = _stored_rows(path)
    assert len(before) == 130

    store = Store(path)
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    connection.close()
    assert _agreement_columns(path)[-2:] == PLACES
    assert _stored_rows(path) == before
    agreements = store.load().agreements
    assert len(agreements) == 130 and agreements[PLACES].isna().all(axis=None)
    waldeck = agreements[(agreements["ags"] == WALDECK) & (agreements["year"] == 2025)].iloc[0]
    assert (waldeck["signed_ministry"], waldeck["signed_district"]) == (
        pd.Timestamp("2025-08-02"),
        pd.Timestamp("2025-08-13"),
    )
    assert len(store.history()) == 1  # opened and upgraded, not seeded again
    assert len(Store(path).load().agreements) == 130  # opened again: upgraded once


def test_after_the_upgrade_an_agreement_brings_its_places_and_undo_takes_them_back(tmp_path: Path) -> None:
    path = tmp_path / "aqb.sqlite"
    _schema_5(path)
    store = Store(path)
    agreement = Agreement(
        ags=GIESSEN,
        year=2025,
        budget_eur=977_930.0,
        measures={1: ["Produktionsschule"], 2: [], 3: [], 4: []},
        signed_ministry=Signature("Wiesbaden", date(2025, 3, 3)),
        signed_district=Signature("Gießen", date(2025, 3, 10)),
    )
    reading = AgreementReading("zv_giessen.pdf", "…", agreement)
    check = check_agreement(store, b"Zielvereinbarung", "zv_giessen.pdf", reading=reading)
    assert import_agreement_checked(store, check) is not None

    def giessen() -> pd.Series:
        agreements = store.load().agreements
        return agreements[(agreements["ags"] == GIESSEN) & (agreements["year"] == 2025)].iloc[0]

    assert giessen()[PLACES].tolist() == ["Wiesbaden", "Gießen"]
    store.undo_last()
    assert giessen()[PLACES].isna().all()  # the demo row as schema 5 stored it


def test_a_new_store_keeps_the_places_of_the_demo_data(tmp_path: Path) -> None:
    agreements = open_store(tmp_path / "aqb.sqlite").load().agreements.set_index(["ags", "year"])
    assert agreements.loc[(WALDECK, 2025), PLACES].tolist() == ["Wiesbaden", "Korbach"]
    assert agreements.loc[(DARMSTADT, 2024), PLACES].tolist() == ["Wiesbaden", "Darmstadt"]  # a city signs in itself
    # No seat of a Landkreis in the shipped data: its place stays empty rather than invented.
    assert agreements.loc[(FULDA, 2024), "signed_ministry_place"] == "Wiesbaden"
    assert pd.isna(agreements.loc[(FULDA, 2024), "signed_district_place"])
