"""Where the data comes from: the method texts and the published figures the dataset is checked against."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from aqb_data.dataset import AqbData
from aqb_data.demo import KNOWN_FIGURES_CSV
from aqb_data.districts import district_label
from aqb_data.indicators import Selection, budget_trend

TEXTS_DIR = Path(__file__).resolve().parent / "texts"


def method_text(name: str) -> str:
    """A Markdown text from aqb_data/texts/ (e.g. `indikatoren`)."""
    return (TEXTS_DIR / f"{name}.md").read_text(encoding="utf-8")


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
