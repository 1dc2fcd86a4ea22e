"""Where the data comes from: the method texts and the published figures the dataset is checked against."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aqb_data.dataset import AqbData, memoised
from aqb_data.demo import KNOWN_FIGURES_CSV
from aqb_data.districts import district_label, population_date
from aqb_data.formatting import format_date
from aqb_data.indicators import Selection, budget_trend, synthetic_share

TEXTS_DIR = Path(__file__).resolve().parent / "texts"


def method_text(name: str) -> str:
    """A Markdown text from aqb_data/texts/ (e.g. `indikatoren`)."""
    return (TEXTS_DIR / f"{name}.md").read_text(encoding="utf-8")


DEMO_LABEL = "DEMODATEN (synthetisch, keine amtlichen Werte)"


def data_status(data: AqbData, year: int | None) -> str:
    """The data date in words: the latest Stichtag of the year's (or all) reports, or that there is none yet."""
    as_of = data.data_date(year)
    return f"Stichtag {format_date(as_of)}" if as_of else "noch kein Umsetzungsbericht"


@memoised
def source_line(data: AqbData, selection: Selection) -> str:
    """The source line under every chart, kept in its exports: files, data date, population, and a demo
    label where any of the selected rows is synthetic. `; ` separates the parts (a chart breaks lines there).
    For every year (`Selection.every_year`) it names the span of years and the latest Stichtag of all."""
    files = ", ".join(data.files) or "–"
    years = data.years
    if selection.year is not None:
        span = str(selection.year)
    else:
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "–")
    line = (
        f"Quelle: Zielvereinbarungen und Projektlisten {span} ({files}); "
        f"Datenstand: {data_status(data, selection.year)}; Einwohner: Destatis {population_date()}"
    )
    if synthetic_share(data, selection, ("agreements", "projects", "progress")) > 0:
        line = f"{DEMO_LABEL}; {line}"
    return line


def known_figures_check(data: AqbData) -> pd.DataFrame:
    """Published figures beside the dataset's value for the same district/Land and year.

    Columns: scope, ags, unit, year, figure, published_eur, dataset_eur, source. `dataset_eur` is NaN
    where the dataset has no such year or the figure is not comparable (e.g. a separate Land programme).
    """
    known = pd.read_csv(KNOWN_FIGURES_CSV, dtype={"ags": str})
    by_district = data.agreements.set_index(["ags", "year"])["budget_eur"]
    by_year = budget_trend(data, Selection(year=max(data.years, default=0))).set_index("year")["budget_eur"]
    rows = []
    for figure in known.itertuples():
        year = int(figure.year)
        if figure.scope == "district":
            unit = district_label(figure.ags)
            dataset = by_district.get((figure.ags, year), float("nan"))
        else:
            unit = "Hessen"
            comparable = "Landesmittel" in figure.figure and year in by_year.index
            dataset = by_year[year] if comparable else float("nan")
        rows.append(
            {
                "scope": figure.scope,
                "ags": figure.ags if isinstance(figure.ags, str) else "",
                "unit": unit,
                "year": year,
                "figure": figure.figure,
                "published_eur": float(figure.value_eur),
                "dataset_eur": float(dataset),
                "source": figure.source,
            }
        )
    return pd.DataFrame(rows)
