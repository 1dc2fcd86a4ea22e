"""Every Streamlit cache of the dashboard, in one module: what each keeps, what keys it, how much, and why.

Pages and widgets call the plain functions below; no other file uses `st.cache_data` or `st.cache_resource`
(tests/test_ui_cache.py checks that). Pages do not take their data from here but from `ui.data.get_data()`,
which adds what a page must not skip (a German message instead of a traceback when the store cannot be read).

Results are kept in three layers, each for its own reason; this module is the first, the other two are:

- The engine's memory of figures, on the data itself (no Streamlit): `aqb_data.domain.dataset.memoised`
  keeps a figure computed from one version of the data (keyed by function, selection and the other
  arguments, at most `MEMO_LIMIT` per version, gone with that version), used across `analysis/` (indicators,
  achievement, comparison, provenance; `indicators.over_the_years` leaves the year out of its key) and for
  the map and the facets in `present/charts.py`. `dataset.kept(limit)` keeps the last `FIGURES_KEPT` figures
  per chart builder in `present/charts.py`, keyed by the content of the small frames they are built from.
- `functools` caches on shipped reference data and pure helpers, read once per process:
  `domain/districts.py` (`load_districts`, `_name_index`, `_by_ags`, `resolve_name` for 4.096 names),
  `analysis/comparison.py` (`geojson`, the district outlines), `analysis/portfolio.py` (`target_group_rules`, the
  target-group list), `domain/model.py` (`_empty_frame` per table)
  and `read/package.py` (`_column`, column letters to numbers).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from datetime import datetime

import pandas as pd
import streamlit as st

from aqb_data.domain.access import RoleMapping, restricted_to
from aqb_data.domain.dataset import AqbData
from aqb_data.export.workbooks import write_template
from aqb_data.read.agreement import AgreementReading
from aqb_data.read.sandbox import read_agreement_isolated
from aqb_data.store.database import Store, open_store
from aqb_data.store.intake import UploadCheck, check_upload
from ui.auth import login_configured

# Drawn charts and tables kept for replay (see `replayed_chart`): a map is about 0,3 MB, a table a few KB.
REPLAYED_CHARTS, REPLAYED_TABLES = 128, 512
LOADED_VERSIONS, EARLIER_STATES = 4, 8
CHECKED_UPLOADS, READ_AGREEMENTS = 32, 16
NOTES_KEPT = 64


@st.cache_resource(show_spinner="Datenbank wird geöffnet …")
def store(path: str) -> Store:
    """The store of the database file at `path`, opened once per process and shared by every session.

    Keyed by the path (one entry per database; tests open several). A resource, not data: the store holds
    its connection and lock, which must be one object, never a copy. With login configured every write must
    name its user; the audit trail's retention comes from the role settings (both read once per process).
    """
    retention = RoleMapping.load().audit_retention_days
    return open_store(path, require_user=login_configured(), audit_retention_days=retention)


@st.cache_resource(show_spinner="Daten werden geladen …", max_entries=LOADED_VERSIONS)
def data_now(path: str, version: tuple[int, int]) -> AqbData:  # noqa: ARG001 - the version keys the cache
    """The data of the store at `path` as of `version` (its import counter and undo counter).

    Keyed by path and version: an import or undo changes the version, so every page shows it at once. Up to
    4 versions, so that sessions still on the previous one are not reloaded. Shared, not copied (a resource):
    the data is read-only, and its figures (`memoised`) are kept on it for every session to use.
    """
    return store(path).load()


@st.cache_resource(max_entries=LOADED_VERSIONS * 4)
def data_in_scope(path: str, version: tuple[int, int], scope: str | None) -> AqbData:
    """`data_now` as a user with this scope sees it: a district user only their own district's rows.

    Keyed by path, version and scope (None: the whole Land, the very object `data_now` returns); shared like it,
    so a district's figures are computed once for all its staff.
    """
    return restricted_to(data_now(path, version), scope)


@st.cache_resource(show_spinner="Früherer Stand wird geladen …", max_entries=EARLIER_STATES)
def data_after_import(path: str, version: tuple[int, int], import_id: int) -> AqbData:  # noqa: ARG001 - keyed
    """The data of the store at `path` as it stood right after import `import_id` (the Verlauf page).

    Keyed by path, the store's version and the import; up to 8 earlier states, each shared like `data_now`.
    """
    return store(path).load(as_of=import_id)


@st.cache_data(max_entries=NOTES_KEPT, show_spinner=False)
def notes(path: str, version: tuple[int, int], year: int, ags: str) -> pd.DataFrame:  # noqa: ARG001 - keyed
    """The notes and agreed actions of one district and year in the store at `path` as of `version`.

    Keyed by path, version, year and district: a new note, change or undo changes the version, so it shows at
    once. Up to 64 district-years (a page shows one); each session gets a copy.
    """
    return store(path).notes(year=year, ags=ags)


@st.cache_data(max_entries=CHECKED_UPLOADS, show_spinner="Datei wird geprüft …")
def checked_upload(
    data: bytes,
    file_name: str,
    path: str,
    version: tuple[int, int],  # noqa: ARG001 - the version keys the cache
    scope: str | None,
) -> UploadCheck:
    """An uploaded report checked against the store at `path` as of `version`, for a user with this `scope` (a
    district user: only their own district's rows are allowed and compared): problems and preview.

    Keyed by the file's bytes and name, the store, its version and the scope: the check is the slow part of an upload
    (a worker reads the file), and the page runs again on every click; after an import the version changes,
    so the preview is made afresh. Up to 32 files (one upload may hold several); each session gets a copy.
    """
    return check_upload(data, file_name, store(path), datetime.now(), scope)


@st.cache_data(max_entries=READ_AGREEMENTS, show_spinner="Dokument wird gelesen …")
def agreement_reading(data: bytes, file_name: str) -> AgreementReading:
    """An uploaded agreement document read in the isolated worker (what the form shows for correction).

    Keyed by the document's bytes and name; up to 16. Reading a PDF takes a second, and the page runs again
    on every edit of the form; each session gets a copy, so corrections never change what is kept.
    """
    return read_agreement_isolated(data, file_name)


@functools.lru_cache(maxsize=1)
def template_bytes() -> bytes:
    """The empty report template as .xlsx bytes, made once per process on the first click of its download.

    No key (there is one template). A plain `functools` cache, not Streamlit's: the download button calls
    it after the page's run, where Streamlit's caches have no session to work in.
    """
    buffer = io.BytesIO()
    write_template(buffer)
    return buffer.getvalue()


# Streamlit turns a figure or a styled table into its message anew on every run: a deep copy of the figure
# and its JSON (a map carries all 26 districts' shapes), every table cell through the pandas Styler. That is
# most of a rerun. st.cache_data keeps the elements a function draws and replays them on the next call.
@st.cache_data(show_spinner=False, max_entries=REPLAYED_CHARTS)
def replayed_chart(fingerprint: str, _draw: Callable[[], object]) -> None:  # noqa: ARG001 - the key
    """Draw a chart with `_draw` once, and replay what it drew while `fingerprint` stays the same.

    Keyed by `fingerprint` only, a digest of everything drawn (the figure's traces and layout, its toolbar
    settings): the same content is replayed, any change is drawn anew. Up to 128 charts.
    """
    _draw()


@st.cache_data(show_spinner=False, max_entries=REPLAYED_TABLES)
def replayed_table(fingerprint: str, _draw: Callable[[], object]) -> None:  # noqa: ARG001 - the key
    """Draw a table with `_draw` once, and replay what it drew while `fingerprint` stays the same.

    Keyed by `fingerprint` only, a digest of the cells, their formats and the height; up to 512 tables.
    Never for a table whose rows can be selected: a widget must be drawn on every run.
    """
    _draw()
