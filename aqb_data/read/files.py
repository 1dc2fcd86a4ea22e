"""Datasets from workbook files: several files combined, or the bundled demo workbook."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from aqb_data.domain.dataset import AqbData, DataError
from aqb_data.domain.model import TABLE_BY_NAME, TABLES, mark_demo
from aqb_data.paths import DEMO_WORKBOOK
from aqb_data.read.workbook import WorkbookResult, read_workbook


def combine(results: Iterable[WorkbookResult]) -> AqbData:
    """Tables of several files; a later file's rows replace a district's year in each table it brings."""
    tables = {table.name: table.empty() for table in TABLES}
    files = []
    for result in results:
        files.append(result.file)
        for name, new in result.tables.items():
            if new.empty:
                continue
            old = tables[name]
            unit = list(TABLE_BY_NAME[name].replaces)
            replaced = old.set_index(unit).index.isin(new.set_index(unit).index)
            tables[name] = pd.concat([old[~replaced], new], ignore_index=True)
    return AqbData.of(tables, tuple(files))


def load_workbooks(
    paths: Iterable[str | Path], read: Callable[[str | Path], WorkbookResult] = read_workbook
) -> AqbData:
    """The tables of the given workbooks, each read with `read`; DataError listing every error if any has one."""
    results = [read(path) for path in paths]
    errors = [problem for result in results for problem in result.errors]
    if errors:
        raise DataError(errors)
    return combine(results)


def bundled_data() -> AqbData:
    """The dataset shipped in data/ (the synthetic demo, anchored on published figures), its generated rows
    flagged as demo data as the store flags them."""
    data = load_workbooks([DEMO_WORKBOOK])
    return data.with_tables(mark_demo)
