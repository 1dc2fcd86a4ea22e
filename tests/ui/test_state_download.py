"""The Verlauf page's „Diesen Stand herunterladen“: the file made at the click, and what it holds when the database
cannot be read then (Streamlit would otherwise answer with its English „Failed to generate file for download“)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl

from aqb_data.store.database import open_store
from ui.data import state_workbook


def _sheets(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_the_download_holds_the_stored_state(tmp_path: Path) -> None:
    store = open_store(tmp_path / "aqb.sqlite")  # a new store starts with the demo data: import 1
    (record,) = store.history()

    sheets = _sheets(state_workbook(store, record.id, None))

    assert set(sheets) >= {"Zielvereinbarungen", "Projekte", "Umsetzungsstand"}
    assert len(sheets["Zielvereinbarungen"]) - 1 == len(store.load().agreements)


def test_a_database_gone_at_the_click_gives_a_file_with_the_german_message(tmp_path: Path) -> None:
    path = tmp_path / "aqb.sqlite"
    store = open_store(path)
    (record,) = store.history()
    path.unlink()  # e.g. the file was moved away between the page's run and the click

    sheets = _sheets(state_workbook(store, record.id, None))

    assert list(sheets) == ["Hinweis"]
    heading, (message,) = sheets["Hinweis"][0], sheets["Hinweis"][1]
    assert heading == ("Hinweis",)
    assert message.startswith(f"Der Stand nach Import Nr. {record.id} konnte nicht gelesen werden: ")
    assert "Die Datenbank" in message and "kann nicht geöffnet werden" in message
