"""Backtest of the year-end projection on the bundled data (or given workbooks), run on demand:

    .venv/bin/python -m bench.backtest [WORKBOOK.xlsx …]

Every complete year with an earlier complete year is projected at each of its Stichtage with only what was known
then and compared with its actual year-end spending. Prints per Stichtag and level (project, district, Land) the
mean absolute percentage error of the method and of the run rate alone, and how often the 80 % interval held the
actual value. `python -m aqb_data backtest` prints the same table in German.
"""

from __future__ import annotations

import sys

import pandas as pd

from aqb_data.analysis.projection import backtest
from aqb_data.read.files import bundled_data, load_workbooks
from aqb_data.read.sandbox import read_workbook_isolated


def main(argv: list[str]) -> int:
    """Print the backtest table; 0 always (a benchmark reports, it does not gate)."""
    data = load_workbooks(argv, read_workbook_isolated) if argv else bundled_data()
    frame = backtest(data)
    if frame.empty:
        print("no complete year with an earlier complete year: nothing to replay")
        return 0
    shown = frame[["stichtag_label", "level", "years", "n_units", "mape", "mape_run_rate", "coverage"]].rename(
        columns={"stichtag_label": "stichtag", "n_units": "units", "mape_run_rate": "mape_run_rate_only"}
    )
    for column in ("mape", "mape_run_rate_only", "coverage"):
        shown[column] = (shown[column] * 100).map(lambda v: "–" if pd.isna(v) else f"{v:.1f} %")
    print("Year-end projection: backtest (80 % interval, target coverage 80 %)")
    print(shown.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
