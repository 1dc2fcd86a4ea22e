"""Where the data comes from: the method texts and the published figures the dataset is checked against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from aqb_data.analysis.indicators import Selection, budget_trend
from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.domain.districts import district_label, population_date
from aqb_data.domain.formatting import format_date
from aqb_data.domain.model import demo_mask
from aqb_data.paths import KNOWN_FIGURES_CSV, TEXTS_DIR


def method_text(name: str) -> str:
    """A Markdown text from aqb_data/texts/ (e.g. `indikatoren`)."""
    return (TEXTS_DIR / f"{name}.md").read_text(encoding="utf-8")


DEMO_LABEL = "DEMODATEN (synthetisch, keine amtlichen Werte)"
ALL_TABLES = ("agreements", "projects", "progress")


@dataclass(frozen=True)
class Rows:
    """A part of what a view draws: the rows of `tables` in the selection's districts and year (every year if
    the selection's year is None)."""

    selection: Selection
    tables: tuple[str, ...] = ALL_TABLES


@dataclass(frozen=True)
class Shown:
    """The rows a view draws (its own selection first, then what it draws beside it: comparison districts,
    Hessen as context, the previous year a change compares with) and the Stichtag it shows (None: the
    latest of its year). Demo label, Datenstand and source line are counted on exactly these rows."""

    parts: tuple[Rows, ...]
    as_of: date | None = None

    @classmethod
    def of(
        cls,
        selection: Selection,
        tables: tuple[str, ...] = ALL_TABLES,
        also: tuple[Rows, ...] = (),
        as_of: date | None = None,
    ) -> Shown:
        """A view of `selection`'s rows in `tables`, with the further rows `also` drawn beside them."""
        return cls((Rows(selection, tables), *also), as_of)

    @property
    def selection(self) -> Selection:
        """The view's own selection (its year names the Datenstand and the span of the source line)."""
        return self.parts[0].selection


def _shown(view: Selection | Shown) -> Shown:
    return view if isinstance(view, Shown) else Shown.of(view)


@memoised
def demo_rows(data: AqbData, view: Selection | Shown) -> tuple[int, int]:
    """(synthetic rows, all rows) a view draws; a row drawn by two parts of it counts once. Progress rows
    count up to the view's Stichtag."""
    shown = _shown(view)
    chosen: dict[str, pd.Series] = {}
    for part in shown.parts:
        ags = set(part.selection.districts()["ags"])
        for name in part.tables:
            frame = data.table(name)
            rows = frame["ags"].isin(ags)
            if part.selection.year is not None:
                rows &= frame["year"] == part.selection.year
            if name == "progress" and shown.as_of is not None:
                rows &= frame["as_of"] <= pd.Timestamp(shown.as_of)
            chosen[name] = chosen[name] | rows if name in chosen else rows
    synthetic = sum(int((demo_mask(data.table(name)) & rows).sum()) for name, rows in chosen.items())
    total = sum(int(rows.sum()) for rows in chosen.values())
    return synthetic, total


def demo_share(data: AqbData, view: Selection | Shown) -> float:
    """The share of the rows a view draws that are synthetic demo data (0–1; 0 when it draws none)."""
    synthetic, total = demo_rows(data, view)
    return synthetic / total if total else 0.0


def data_status(data: AqbData, year: int | None, as_of: date | None = None, selection: Selection | None = None) -> str:
    """The data date in words: the chosen Stichtag, else the latest Stichtag of the year's (or all) reports of
    the selection's districts (all without one), or that there is none yet."""
    if as_of is None and selection is not None and (selection.ags or selection.regierungsbezirk):
        # A district that did not report at the latest Stichtag: its view rests on its own latest report.
        progress = data.progress[data.progress["ags"].isin(selection.districts()["ags"])]
        if year is not None:
            progress = progress[progress["year"] == year]
        latest = progress["as_of"].max()
        as_of = None if pd.isna(latest) else latest.date()
        return f"Stichtag {format_date(as_of)}" if as_of else "noch kein Umsetzungsbericht"
    as_of = as_of or data.data_date(year)
    return f"Stichtag {format_date(as_of)}" if as_of else "noch kein Umsetzungsbericht"


def view_data_status(data: AqbData, view: Selection | Shown) -> str:
    """`data_status` of a view: its chosen Stichtag, else the latest of its year and districts."""
    shown = _shown(view)
    return data_status(data, shown.selection.year, shown.as_of, shown.selection)


@memoised
def source_line(data: AqbData, view: Selection | Shown) -> str:
    """The source line under every chart, kept in its exports: files, data date, population, and a demo
    label where any of the rows the view draws is synthetic. `; ` separates the parts (a chart breaks lines
    there). For every year (`Selection.every_year`) it names the span of years and the latest Stichtag of all."""
    shown = _shown(view)
    year = shown.selection.year
    files = ", ".join(data.files) or "–"
    years = data.years
    if year is not None:
        span = str(year)
    else:
        span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "–")
    line = (
        f"Quelle: Zielvereinbarungen und Projektlisten {span} ({files}); "
        f"Datenstand: {view_data_status(data, shown)}; Einwohner: Destatis {population_date()}"
    )
    if demo_rows(data, shown)[0] > 0:
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
