"""The embedded database: round trips, replace semantics, re-imports, undo, history, concurrency."""

import multiprocessing
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from aqb_data.read.files import bundled_data
from aqb_data.read.workbook import read_workbook
from aqb_data.store.database import SCHEMA_VERSION, Store, StoreBusyError, StoreError, is_url, open_store, sha256
from tests.databases import Location, connect, query, set_stored_version, stored_version, writer_holding_the_lock
from tests.workbooks import make_workbook

WALDECK, KASSEL_CITY = "06635", "06611"
AGREEMENT_HEADINGS = ["Jahr", "AGS", "Haushaltsmittel (EUR)"]
PROJECT_HEADINGS = ["Jahr", "AGS", "Maßnahmenart", "Projekt", "Geplante Mittel (EUR)"]
PROGRESS_HEADINGS = ["Jahr", "AGS", "Projekt", "Stichtag", "Verausgabte Mittel (EUR)", "Eintritte", "Austritte"]


def tables(sheets: dict[str, list[list[object]]]) -> dict[str, pd.DataFrame]:
    result = read_workbook(make_workbook(sheets), "bericht.xlsx")
    assert result.problems == []
    return result.tables


def projects(*rows: list[object]) -> dict[str, pd.DataFrame]:
    return tables({"Projekte": [PROJECT_HEADINGS, *rows]})


@pytest.fixture
def store(store_location: Location) -> Store:
    return Store(store_location)


def test_a_new_store_has_the_versioned_schema_and_is_empty(store: Store) -> None:
    assert stored_version(store.path) == SCHEMA_VERSION
    assert store.is_new()
    assert store.load().agreements.empty


def test_open_store_fills_a_new_store_with_the_demo_data_exactly(store_location: Location) -> None:
    store = open_store(store_location)
    loaded, bundled = store.load(), bundled_data()
    for name, key in (("agreements", ["year", "ags"]), ("projects", ["year", "ags", "project"])):
        expected = bundled.table(name).sort_values(key, ignore_index=True)
        pd.testing.assert_frame_equal(loaded.table(name), expected)
    assert len(loaded.progress) == len(bundled.progress)
    assert loaded.agreements["budget_eur"].sum().round(2) == 138_650_000.00  # five Land totals, to the cent
    (record,) = store.history()
    assert record.kind == "demo" and record.file_name == "aqb_demo.xlsx"
    assert open_store(store_location).history() == [record]  # opened again: not filled twice


def test_amounts_survive_the_round_trip_to_the_cent(store: Store) -> None:
    store.import_tables(projects([2025, WALDECK, 1, "A", "0,10"], [2025, WALDECK, 3, "B", "773.919,90"]), "b", "x")
    planned = store.load().projects["planned_eur"]
    assert planned.tolist() == [0.10, 773_919.90]
    assert round(planned.sum(), 2) == 773_920.00


def test_a_file_replaces_its_district_year_and_keeps_the_rest(store: Store) -> None:
    store.import_tables(
        projects([2025, WALDECK, 1, "AVIA", 100], [2025, WALDECK, 3, "Restart", 200], [2025, KASSEL_CITY, 1, "K", 9]),
        "erste.xlsx",
        "1",
    )
    second = projects([2025, WALDECK, 1, "AVIA", 150], [2025, WALDECK, 3, "FiB", 50])
    record = store.import_tables(second, "zweite.xlsx", "2")
    assert record.summary["projects"] == {"neu": 1, "geändert": 1, "unverändert": 0, "entfällt": 1}
    current = store.load().projects.set_index(["ags", "project"])["planned_eur"].to_dict()
    assert current == {(KASSEL_CITY, "K"): 9.0, (WALDECK, "AVIA"): 150.0, (WALDECK, "FiB"): 50.0}


def test_progress_is_replaced_per_stichtag_so_earlier_reports_stay(store: Store) -> None:
    june = tables({"Umsetzungsstand": [PROGRESS_HEADINGS, [2025, WALDECK, "AVIA", "30.06.2025", 100, 5, 1]]})
    september = tables({"Umsetzungsstand": [PROGRESS_HEADINGS, [2025, WALDECK, "AVIA", "30.09.2025", 300, 9, 4]]})
    store.import_tables(june, "juni.xlsx", "j")
    store.import_tables(september, "september.xlsx", "s")
    progress = store.load().progress
    assert [d.date() for d in progress["as_of"]] == [date(2025, 6, 30), date(2025, 9, 30)]
    corrected = tables({"Umsetzungsstand": [PROGRESS_HEADINGS, [2025, WALDECK, "AVIA", "30.06.2025", 120, 5, 1]]})
    store.import_tables(corrected, "juni_korrigiert.xlsx", "k")
    assert store.load().progress["spent_eur"].tolist() == [120.0, 300.0]


def test_importing_the_same_content_again_changes_nothing(store: Store) -> None:
    data = make_workbook({"Projekte": [PROJECT_HEADINGS, [2025, WALDECK, 1, "AVIA", 100]]})
    result = read_workbook(data, "bericht.xlsx")
    assert store.import_tables(result.tables, "bericht.xlsx", sha256(data)) is not None
    version = store.version()
    preview = store.preview(result.tables, sha256(data))
    assert not preview.any
    assert preview.same_file["file_name"] == "bericht.xlsx"
    assert store.import_tables(result.tables, "bericht.xlsx", sha256(data)) is None
    assert store.version() == version
    assert len(store.history()) == 1


def test_preview_shows_counts_rows_and_money_before_anything_is_stored(store: Store) -> None:
    store.import_tables(tables({"Zielvereinbarungen": [AGREEMENT_HEADINGS, [2025, WALDECK, 700_000]]}), "a", "a")
    new = tables({"Zielvereinbarungen": [AGREEMENT_HEADINGS, [2025, WALDECK, 773_920], [2025, KASSEL_CITY, 1_000]]})
    version = store.version()
    preview = store.preview(new)
    assert store.version() == version
    assert preview.counts().to_dict("records") == [
        {"Blatt": "Zielvereinbarungen", "neu": 1, "geändert": 1, "unverändert": 0, "entfällt": 0}
    ]
    money = preview.money_by_district().set_index("Gebietskörperschaft")
    assert money.loc["Waldeck-Frankenberg", "Differenz"] == 73_920.00
    assert money.loc["Kassel (Stadt)", "vorher"] == 0.0
    assert sorted(preview.changed_rows()["Änderung"]) == ["geändert", "neu"]


def test_undo_brings_back_exactly_the_rows_the_last_import_replaced(store: Store) -> None:
    store.import_tables(projects([2025, WALDECK, 1, "AVIA", 100]), "erste.xlsx", "1")
    before = store.load().projects
    store.import_tables(projects([2025, WALDECK, 3, "Restart", 999]), "zweite.xlsx", "2")
    undone = store.undo_last()
    assert undone.file_name == "zweite.xlsx" and undone.undone_at is not None
    pd.testing.assert_frame_equal(store.load().projects, before)
    assert store.undo_last().file_name == "erste.xlsx"
    assert store.load().projects.empty
    assert store.undo_last() is None


def test_any_earlier_state_can_be_inspected(store: Store) -> None:
    first = store.import_tables(projects([2025, WALDECK, 1, "AVIA", 100]), "erste.xlsx", "1")
    store.import_tables(projects([2025, WALDECK, 1, "AVIA", 200]), "zweite.xlsx", "2")
    store.import_tables(projects([2025, KASSEL_CITY, 1, "K", 5]), "dritte.xlsx", "3")
    then = store.load(as_of=first.id)
    assert then.projects["planned_eur"].tolist() == [100.0]
    assert then.files == ("erste.xlsx",)
    assert store.load().projects["planned_eur"].tolist() == [5.0, 200.0]


def test_removing_demo_rows_keeps_the_real_ones_and_can_be_undone(store_location: Location) -> None:
    store = open_store(store_location)
    record = store.remove_synthetic()
    remaining = store.load()
    assert record.summary["agreements"] == {"entfällt": 128}
    # Real: the signed Waldeck-Frankenberg 2025 agreement and the published Wetteraukreis 2024 budget.
    assert sorted(zip(remaining.agreements["ags"], remaining.agreements["year"], strict=True)) == [
        ("06440", 2024),
        (WALDECK, 2025),
    ]
    assert remaining.synthetic_rows() == 0
    assert store.remove_synthetic() is None
    store.undo_last()
    assert len(store.load().agreements) == 130


def test_a_newer_schema_is_refused_with_a_german_message(store_location: Location) -> None:
    Store(store_location)
    set_stored_version(store_location, SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match=f"neueren Version des Dashboards \\(Schema {SCHEMA_VERSION + 1}, "):
        Store(store_location)
    assert stored_version(store_location) == SCHEMA_VERSION + 1  # left as it was


def test_a_locked_database_says_try_again_and_changes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("aqb_data.store.database.BUSY_TIMEOUT_S", 0.2)
    with writer_holding_the_lock(store.path), pytest.raises(StoreBusyError, match="erneut versuchen; es wurde nichts"):
        store.import_tables(projects([2025, WALDECK, 1, "AVIA", 100]), "b", "b")
    assert store.is_new()
    assert store.import_tables(projects([2025, WALDECK, 1, "AVIA", 100]), "b", "b") is not None  # free again


def _import_in_process(path: str, ags: str, rows: int) -> str:
    sheet = [PROJECT_HEADINGS, *[[2025, ags, 1 + i % 4, f"Projekt {i}", 1_000 + i] for i in range(rows)]]
    data = make_workbook({"Projekte": sheet})
    result = read_workbook(data, f"{ags}.xlsx")
    record = Store(path).import_tables(result.tables, result.file, sha256(data))
    return "importiert" if record else "unverändert"


def test_several_processes_importing_at_once_all_succeed_and_nothing_is_lost(store_location: Location) -> None:
    path = str(store_location)
    Store(path)
    districts = ["06411", "06412", "06413", "06414", "06431", "06432", WALDECK, WALDECK]
    rows_per_file = 250
    with multiprocessing.get_context("spawn").Pool(len(districts)) as pool:
        outcomes = pool.starmap(_import_in_process, [(path, ags, rows_per_file) for ags in districts])
    # The same file twice: one import, the other finds nothing to change.
    assert sorted(outcomes) == ["importiert"] * 7 + ["unverändert"]
    store = Store(path)
    current = store.load().projects
    assert len(current) == 7 * rows_per_file
    assert current.groupby("ags").size().eq(rows_per_file).all()
    assert len(store.history()) == 7
    assert query(path, "SELECT COUNT(*) FROM projects")[0][0] == 7 * rows_per_file
    # The import numbers follow the order in which the imports landed: each replaced only what was there before it.
    assert [record.id for record in store.history()] == list(range(7, 0, -1))


def _open_in_process(path: str) -> int:
    return Store(path).version()[0]


def test_several_processes_opening_a_new_database_at_once_all_succeed(store_location: Location) -> None:
    path = str(store_location)  # not created beforehand: the schema is made by the race's winner
    with multiprocessing.get_context("spawn").Pool(6) as pool:
        assert pool.map(_open_in_process, [path] * 6) == [0] * 6
    assert stored_version(path) == SCHEMA_VERSION


def test_a_file_that_is_not_a_database_is_refused_in_german(tmp_path: Path) -> None:
    path = tmp_path / "aqb.sqlite"
    path.write_text("keine Datenbank", encoding="utf-8")
    with pytest.raises(StoreError, match="ist keine Datenbank des AQB-Dashboards"):
        Store(path)


def test_a_confirm_on_an_outdated_preview_is_refused(store: Store) -> None:
    version = store.version()
    store.import_tables(projects([2025, WALDECK, 1, "AVIA", 100]), "anderer_import.xlsx", "1")
    with pytest.raises(StoreError, match="inzwischen geändert"):
        store.import_tables(projects([2025, WALDECK, 1, "AVIA", 200]), "meiner.xlsx", "2", expected_version=version)
    assert store.load().projects["planned_eur"].tolist() == [100.0]


def test_undo_of_a_named_import_refuses_when_another_came_since(store: Store) -> None:
    first = store.import_tables(projects([2025, WALDECK, 1, "AVIA", 100]), "erste.xlsx", "1")
    store.import_tables(projects([2025, KASSEL_CITY, 1, "K", 5]), "zweite.xlsx", "2")
    with pytest.raises(StoreError, match=f"Import Nr. {first.id} ist nicht mehr der letzte"):
        store.undo_last(first.id)
    assert len(store.load().projects) == 2


def test_duplicate_keys_are_refused_in_german_not_with_a_traceback(store: Store) -> None:
    frame = projects([2025, WALDECK, 1, "AVIA", 100])["projects"]
    doubled = {"projects": pd.concat([frame, frame.assign(measure_type=3)], ignore_index=True)}
    with pytest.raises(StoreError, match="Projekte: dieselbe Zeile steht doppelt .*Projekt „AVIA“"):
        store.import_tables(doubled, "doppelt.xlsx", "d")
    assert store.is_new()


def test_a_new_source_counts_as_a_change_only_where_the_file_gives_its_own(store: Store) -> None:
    store.import_tables(projects([2025, WALDECK, 1, "AVIA", 100]), "erste.xlsx", "1")
    relabelled = projects([2025, WALDECK, 1, "AVIA", 100])
    relabelled["projects"]["source"] = "Projektliste des Kreises vom 01.10.2025"
    assert not store.preview(relabelled).any  # a default "uploaded at …" source is no change
    assert store.preview(relabelled, sources_given=frozenset({"projects"})).tables["projects"].changed == 1


def test_money_preview_of_a_report_for_one_stichtag_counts_the_others_that_stay(store: Store) -> None:
    store.import_tables(projects([2025, WALDECK, 1, "A", 1_000], [2025, WALDECK, 1, "B", 1_000]), "liste.xlsx", "l")
    june = [[2025, WALDECK, "A", "30.06.2025", 100, 1, 0], [2025, WALDECK, "B", "30.06.2025", 200, 1, 0]]
    store.import_tables(tables({"Umsetzungsstand": [PROGRESS_HEADINGS, *june]}), "juni.xlsx", "j")
    september = tables({"Umsetzungsstand": [PROGRESS_HEADINGS, [2025, WALDECK, "A", "30.09.2025", 150, 2, 1]]})
    money = store.preview(september).money_by_district().iloc[0]
    # Latest spent per project: before A 100 + B 200; after A 150 (September) + B 200 (June stays).
    assert (money["vorher"], money["nachher"], money["Differenz"]) == (300.0, 350.0, 50.0)


def test_a_database_with_other_tables_is_refused_and_left_alone(store_location: Location) -> None:
    with connect(store_location) as connection:
        connection.exec_driver_sql("CREATE TABLE kunden (id INTEGER PRIMARY KEY, name TEXT)")
    engine = "PostgreSQL" if is_url(store_location) else "SQLite"
    with pytest.raises(StoreError, match=f"keine Datenbank des AQB-Dashboards \\(eine {engine}-Datenbank mit anderen "):
        open_store(store_location)
    assert [row[0] for row in query(store_location, "SELECT COUNT(*) FROM kunden")] == [0]
    with connect(store_location) as connection:
        assert sa.inspect(connection).get_table_names() == ["kunden"]  # nothing created beside it


def test_a_server_that_cannot_be_reached_is_named_without_its_password() -> None:
    with pytest.raises(StoreError) as error:
        Store("postgresql://aqb:geheim-1@127.0.0.1:1/aqb_daten?password=geheim-2")
    message = str(error.value)
    assert message.startswith(
        "Die Datenbank postgresql://aqb@127.0.0.1:1/aqb_daten ist nicht erreichbar (PostgreSQL meldet: "
    )
    assert "geheim" not in message
    assert message.endswith(
        "Rechner, Port, Datenbank, Benutzer und Passwort in der Umgebungsvariablen AQB_DB "
        "(auf der Kommandozeile --db) stimmen."
    )


@pytest.mark.parametrize("address", ["mysql://aqb:geheim@rechner/aqb", "postgresql://aqb:geheim@rechner:port/aqb"])
def test_an_address_the_store_cannot_use_is_refused_in_german_without_its_password(address: str) -> None:
    with pytest.raises(StoreError, match="Datenbank-Adresse") as error:
        Store(address)
    assert "geheim" not in str(error.value)
