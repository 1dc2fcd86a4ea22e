"""The data the dashboard shows: canonical tables from one or more workbooks, and what they rest on."""

from __future__ import annotations

import functools
import hashlib
import io
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import pandas as pd

from aqb_data.domain.model import AMENDMENTS, TABLES, demo_mask
from aqb_data.domain.problems import Problem


class DataError(Exception):
    """Workbooks that cannot be used; `problems` says why, in German."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.text() for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class AqbData:
    """Agreements, projects, progress and amendments, with the files they were read from."""

    agreements: pd.DataFrame
    projects: pd.DataFrame
    progress: pd.DataFrame
    files: tuple[str, ...] = field(default=())
    amendments: pd.DataFrame = field(default_factory=AMENDMENTS.empty)
    # Figures computed from these tables (see `memoised`); a new version of the data starts empty.
    memo: dict = field(default_factory=dict, repr=False, compare=False, hash=False)

    @classmethod
    def of(cls, tables: Mapping[str, pd.DataFrame], files: tuple[str, ...] = ()) -> AqbData:
        """The data from its canonical tables by name (a table not given is empty)."""
        given = {table.name: tables[table.name] if table.name in tables else table.empty() for table in TABLES}
        return cls(**given, files=files)

    def with_tables(self, change: Callable[[pd.DataFrame], pd.DataFrame]) -> AqbData:
        """The same data with `change` applied to every table (e.g. one district's rows only)."""
        return AqbData.of({table.name: change(self.table(table.name)) for table in TABLES}, self.files)

    def __getstate__(self) -> dict[str, object]:
        """Pickled (to a reading worker) with the tables only: the figures remembered here belong to this process."""
        return {**self.__dict__, "memo": {}}

    @property
    def years(self) -> list[int]:
        """The years that have an agreement, ascending."""
        return sorted(int(y) for y in self.agreements["year"].dropna().unique())

    def data_date(self, year: int | None = None) -> date | None:
        """The latest Stichtag of the progress reports (of one year, if given); None if there are none."""
        progress = self.progress if year is None else self.progress[self.progress["year"] == year]
        latest = progress["as_of"].max()
        return None if pd.isna(latest) else latest.date()

    def table(self, name: str) -> pd.DataFrame:
        """One of the canonical tables by name."""
        if name not in {table.name for table in TABLES}:
            raise KeyError(name)
        return getattr(self, name)

    def synthetic_rows(self) -> int:
        """How many rows of all tables are demo data (by their `demo` flag)."""
        return sum(int(demo_mask(self.table(t.name)).sum()) for t in TABLES)


T = TypeVar("T")
MEMO_LIMIT = 512  # remembered results per data version; past it the memory starts afresh


def memoised(function: Callable[..., T]) -> Callable[..., T]:
    """Remember a figure computed from the data and hashable arguments (a selection, a level, a date).

    A page asks for the same figures several times in one run, and again when the analyst returns to a
    view; the tables behind them do not change within one version of the data, so the result is kept on
    the data object. Callers get a copy: changing it changes nothing remembered.
    """

    @functools.wraps(function)
    def remembered(data: AqbData, *args: object, **kwargs: object) -> T:
        key = (function.__qualname__, args, tuple(sorted(kwargs.items())))
        value = data.memo.get(key)  # read once: another session may clear the memory meanwhile
        if value is None:
            if len(data.memo) >= MEMO_LIMIT:
                data.memo.clear()
            value = data.memo[key] = function(data, *args, **kwargs)
        return value.copy() if hasattr(value, "copy") else value

    return remembered


class _ContentPickler(pickle.Pickler):
    """Pickles a table by its content (columns, dtypes, a hash per row) rather than its memory layout: the same
    rows filtered or built another way (e.g. differently chunked text columns) give the same bytes."""

    def reducer_override(self, obj: object) -> object:
        if isinstance(obj, pd.DataFrame | pd.Series):
            try:
                rows = pd.util.hash_pandas_object(obj, index=True).to_numpy().tobytes()
            except TypeError:  # cells that cannot be hashed: pickle them as they are
                return NotImplemented
            frame = obj.to_frame() if isinstance(obj, pd.Series) else obj
            return tuple, ((type(obj).__name__, list(frame.columns), [str(d) for d in frame.dtypes], rows),)
        return NotImplemented


def content_digest(*parts: object) -> str:
    """A digest of plain data (frames, numbers, text, a figure's traces and layout): the same content gives the
    same digest, any other content another one."""
    buffer = io.BytesIO()
    _ContentPickler(buffer, protocol=5).dump(parts)
    return hashlib.blake2b(buffer.getvalue(), digest_size=16).hexdigest()


def kept(limit: int) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Keep the last `limit` results of a pure function of plain data, keyed by the content of its arguments.

    For figures built from small frames: the same frames give the same figure, and a view seen before is
    quick again. The result is shared, not copied: callers must not change it (copy a figure to change it).
    """

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        results: OrderedDict[str, T] = OrderedDict()
        lock = threading.Lock()  # sessions run in threads of one process

        @functools.wraps(function)
        def remembered(*args: object, **kwargs: object) -> T:
            key = content_digest(args, sorted(kwargs.items()))
            with lock:
                if key in results:
                    results.move_to_end(key)
                    return results[key]
            value = function(*args, **kwargs)
            with lock:
                results[key] = value
                while len(results) > limit:
                    results.popitem(last=False)
            return value

        return remembered

    return decorate
