"""The one place where Streamlit caches data: the store, and the data as of its current version."""

from __future__ import annotations

import functools
import io
from typing import NoReturn

import streamlit as st

from aqb_data.domain.dataset import AqbData
from aqb_data.export.workbooks import write_template
from aqb_data.store.database import Store, StoreError, default_path, open_store
from ui.text import escape_markdown


@st.cache_resource(show_spinner="Datenbank wird geöffnet …")
def _store(path: str) -> Store:
    return open_store(path)


@st.cache_resource(show_spinner="Daten werden geladen …", max_entries=4)
def _load(path: str, version: tuple[int, int]) -> AqbData:  # noqa: ARG001 - the version keys the cache
    return _store(path).load()


@st.cache_resource(show_spinner="Früherer Stand wird geladen …", max_entries=8)
def _load_as_of(path: str, version: tuple[int, int], import_id: int) -> AqbData:  # noqa: ARG001 - keyed
    return _store(path).load(as_of=import_id)


def _refuse(error: Exception) -> NoReturn:
    """Say on the page, in German and as plain text, why the data cannot be shown, and stop the page."""
    st.error(f"Die Daten des Dashboards können nicht gelesen werden: {escape_markdown(error)}")
    st.stop()


def data_as_of(import_id: int) -> AqbData:
    """The data as it stood right after import `import_id` (kept while the store does not change)."""
    store = get_store()
    try:
        return _load_as_of(str(store.path), store.version(), import_id)
    except StoreError as error:
        _refuse(error)


def get_store() -> Store:
    """The analysts' database ($AQB_DB or var/aqb.sqlite); new databases start with the demo data.

    A file that is empty, damaged or not the dashboard's stops the page with a German message (nothing re-seeded).
    """
    try:
        return _store(str(default_path()))
    except (OSError, ValueError, StoreError) as error:
        _refuse(error)


def get_data() -> AqbData:
    """The data as it stands in the store now; every import or undo shows at once on every page."""
    store = get_store()
    try:
        return _load(str(store.path), store.version())
    except (OSError, ValueError, StoreError) as error:
        _refuse(error)


@functools.lru_cache(maxsize=1)
def template_bytes() -> bytes:
    """The empty report template, made once (on the first click of its download button: a plain cache,
    because the button calls it outside the page's run)."""
    buffer = io.BytesIO()
    write_template(buffer)
    return buffer.getvalue()
