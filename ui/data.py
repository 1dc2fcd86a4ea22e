"""Where pages get their data: the store, the data as it stands now, and earlier states (cached in ui/cache.py)."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from aqb_data.domain.access import restricted_to
from aqb_data.domain.dataset import AqbData
from aqb_data.export.workbooks import notice_workbook, write_state_workbook
from aqb_data.store.database import Store, StoreError, default_path
from ui import cache
from ui.auth import current_user
from ui.text import escape_markdown


def _refuse(error: Exception) -> NoReturn:
    """Say on the page, in German and as plain text, why the data cannot be shown, and stop the page."""
    st.error(f"Die Daten des Dashboards können nicht gelesen werden: {escape_markdown(error)}")
    st.stop()


def get_store() -> Store:
    """The analysts' database ($AQB_DB or var/aqb.sqlite); new databases start with the demo data.

    A file that is empty, damaged or not the dashboard's stops the page with a German message (nothing re-seeded).
    """
    try:
        return cache.store(str(default_path()))
    except (OSError, ValueError, StoreError) as error:
        _refuse(error)


def get_data() -> AqbData:
    """The data as it stands in the store now, as this user may see it (a district user: only their own
    district's rows, so every page, table, chart and file holds nothing else); every import or undo shows at once.

    The one function pages obtain the data from: widgets take it as an argument, never fetch it themselves.
    """
    store = get_store()
    try:
        return cache.data_in_scope(str(store.path), store.version(), current_user().scope)
    except (OSError, ValueError, StoreError) as error:
        _refuse(error)


def data_as_of(import_id: int) -> AqbData:
    """The data as it stood right after import `import_id` (kept while the store does not change), as this user
    may see it."""
    store = get_store()
    try:
        return restricted_to(cache.data_after_import(str(store.path), store.version(), import_id), current_user().scope)
    except (OSError, ValueError, StoreError) as error:
        _refuse(error)


def state_workbook(store: Store, import_id: int, scope: str | None) -> bytes:
    """The stored state right after import `import_id` as an .xlsx, only district `scope`'s rows if given, streamed
    (no table held whole). Made when the download is clicked, after the page's run: if the database cannot be read
    then, the file holds the German message instead of Streamlit's English „Failed to generate file“."""
    try:
        with store.state_rows(import_id, scope) as rows:
            return write_state_workbook(rows)
    except StoreError as error:
        return notice_workbook(f"Der Stand nach Import Nr. {import_id} konnte nicht gelesen werden: {error}")
