"""What a view shows, with no Streamlit and no files: one specification per shown table and sentence.

A table is described once, as columns → (German heading, formatter): the page draws it through
`ui.widgets.table`, `export.tables` writes the same columns to xlsx and CSV (the formatter names the kind of
value, its unit and rounding), and a slide takes the same headings and text (`text_cells`). A `View` carries
a table with its title, the sentences around it and the rows its demo label and source rest on. The sentences
that a page and the meeting pack both say (the budget's parts, "keine Zielvereinbarung", the status counts)
are functions here, so they are worded once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from aqb_data.analysis import indicators as ind
from aqb_data.analysis import portfolio, projection
from aqb_data.analysis.achievement import (
    BEHIND,
    NO_DATA,
    ON_TRACK,
    STATUS_SYMBOL,
    WATCH,
    behind_first,
    behind_first_achievement,
    budget_mismatch,
    budget_note,
    status_reason,
)
from aqb_data.analysis.comparison import (
    BENCHMARK_KEYS,
    INDICATORS,
    district_benchmarks,
    district_comparison,
    group_summary,
    peers_note,
)
from aqb_data.analysis.lapse import lapse_history, measure_type_history
from aqb_data.analysis.provenance import Rows, Shown
from aqb_data.analysis.significance import LIMITED_SYMBOL
from aqb_data.analysis.versions import amended_hint, amendment_history, version_text, versions_note
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import (
    NOT_AVAILABLE,
    format_change,
    format_change_percent,
    format_date,
    format_eur,
    format_eur_cents,
    format_number,
    format_percent,
    format_points,
)

Formatter = Callable[[object], str]


@dataclass(frozen=True)
class FormatByRow:
    """A column whose rows differ in kind (one row per indicator): `column` of the frame names each row's
    format, a key of `formats`; the screen and the files format each cell by its row's formatter."""

    column: str
    formats: Mapping[str, Formatter | None] = field(hash=False)

    def formatter(self, key: object) -> Formatter | None:
        """The formatter of a row whose format column holds `key`."""
        return self.formats.get(key) if isinstance(key, str) else None  # type: ignore[return-value]


# A table's columns: frame column → (German heading, formatter). The formatter names the kind of value for the
# files (`export.tables.VALUE_FORMATS`); None shows the value as it is.
Columns = dict[str, tuple[str, Formatter | FormatByRow | None]]


@dataclass(frozen=True)
class View:
    """A shown table: its rows, its columns (heading, formatter), its title (also the title of its files), the
    sentences shown around it, and the rows its demo label, Datenstand and source rest on (None: the selection's)."""

    frame: pd.DataFrame
    columns: Columns
    title: str
    lines: tuple[str, ...] = ()
    shown: Shown | None = None

    @property
    def headings(self) -> list[str]:
        """The German headings, in the order shown."""
        return [heading for heading, _ in self.columns.values()]

    def cells(self, keys: Sequence[str] | None = None) -> pd.DataFrame:
        """The table as a slide shows it: German headings, every cell the text the screen shows (`keys`: the
        columns that fit, in the view's order)."""
        columns = self.columns if keys is None else {k: spec for k, spec in self.columns.items() if k in keys}
        return text_cells(self.frame, columns)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and not math.isfinite(value)


def cell_text(value: object, formatter: Formatter | None) -> str:
    """One cell as the screen shows it: formatted, or as is; `–` where there is no value."""
    if _missing(value):
        return NOT_AVAILABLE
    text = formatter(value) if formatter is not None else str(value).strip()
    return text if text else NOT_AVAILABLE


def text_cells(frame: pd.DataFrame, columns: Columns) -> pd.DataFrame:
    """A table of text cells under German headings, each formatted as on the screen (also with no rows)."""
    cells: dict[str, list[str]] = {}
    for name, (heading, formatter) in columns.items():
        if isinstance(formatter, FormatByRow):
            formatters = [formatter.formatter(key) for key in frame[formatter.column].tolist()]
        else:
            formatters = [formatter] * len(frame)
        cells[heading] = [cell_text(v, f) for v, f in zip(frame[name].tolist(), formatters, strict=True)]
    return pd.DataFrame(cells, columns=[heading for heading, _ in columns.values()], dtype=object)


# ---------------------------------------------------------------------------------------------------------------
# Cells of their own kind
# ---------------------------------------------------------------------------------------------------------------


def status_text(status: object) -> str:
    """A status as symbol and text, never as colour only: `■ im Verzug`."""
    return f"{STATUS_SYMBOL[status]} {status}"


def data_date_text(first: object, last: object) -> str:
    """The Stichtag the figures rest on: one date, a span of dates, or `kein Bericht`."""
    if _missing(last):
        return "kein Bericht"
    return format_date(last) if first == last else f"{format_date(first)}–{format_date(last)}"


# ---------------------------------------------------------------------------------------------------------------
# Column specifications (page, its files and the slides)
# ---------------------------------------------------------------------------------------------------------------

ALLOCATION_COLUMNS: Columns = {
    "unit_label": ("Gebiet", None),
    "measure_label": ("Maßnahmenart", None),
    "planned_eur": ("Geplante Mittel", format_eur),
    "share": ("Anteil am Budget", format_percent),
    "budget_eur": ("Haushaltsmittel", format_eur),
}
TREND_COLUMNS: Columns = {
    "year": ("Jahr", str),
    "budget_eur": ("Haushaltsmittel", format_eur),
    "change_eur": ("Veränderung", format_change),
    "budget_per_inhabitant": ("€ je Einwohner/in", format_eur_cents),
    "n_districts": ("Gebietskörperschaften", str),
}
# Zeitreihe also says over how many districts each year's change is like for like.
TREND_COMPARED_COLUMNS: Columns = {
    **TREND_COLUMNS,
    "n_comparable": ("Gebietskörperschaften im Vorjahresvergleich", str),
}
PER_INHABITANT_COLUMNS: Columns = {
    "label": ("Gebietskörperschaft", None),
    "budget_per_inhabitant": ("€ je Einwohner/in", format_eur_cents),
    "budget_eur": ("Haushaltsmittel", format_eur),
    "population": ("Einwohner/innen", format_number),
}
PER_INHABITANT_TREND_COLUMNS: Columns = {
    "year": ("Jahr", str),
    "unit_label": ("Gebiet", None),
    "budget_per_inhabitant": ("€ je Einwohner/in", format_eur_cents),
}
ALLOCATION_TREND_COLUMNS: Columns = {
    "year": ("Jahr", str),
    "measure_label": ("Maßnahmenart", None),
    "planned_eur": ("Geplante Mittel", format_eur),
}
ACHIEVEMENT_TREND_COLUMNS: Columns = {
    "year": ("Jahr", str),
    "unit_label": ("Gebiet", None),
    "spending_rate": ("Mittelabfluss", format_percent),
    "expected_rate": ("erwartet", format_percent),
    "occupancy": ("Auslastung", format_percent),
    "transition_rate": ("Übergangsquote", format_percent),
    "significance_flag": ("Aussagekraft", None),
    "last_as_of": ("Stichtag", format_date),
}
DEVIATION_COLUMNS: Columns = {
    "unit_label": ("Einheit", None),
    "status": ("Status", None),
    "spending_rate": ("Mittelabfluss", format_percent),
    "expected_rate": ("erwartet", format_percent),
    "deviation": ("Abweichung", format_points),
    "report_flag": ("Bericht", None),
    "occupancy": ("Auslastung", format_percent),
}
PROJECT_COLUMNS: Columns = {
    "measure_label": ("Maßnahmenart", None),
    "project": ("Projekt", None),
    "provider": ("Träger", None),
    "target_group": ("Zielgruppe", None),
    "planned_eur": ("Geplante Mittel", format_eur),
    "planned_places": ("Geplante Plätze", format_number),
    "share": ("Anteil am Budget", format_percent),
    "source": ("Quelle", None),
}
ACHIEVEMENT_COLUMNS: Columns = {
    "status": ("Status", status_text),
    "spending_rate": ("Mittelabfluss", format_percent),
    "expected_rate": ("erwartet", format_percent),
    "deviation": ("Abweichung", format_points),
    # Beside the rates it qualifies: "⚠ Bericht vom 30.06.2025" where a figure rests on a report older than the
    # Stichtag (`reporting.report_flags`).
    "report_flag": ("Bericht", None),
    "occupancy": ("Auslastung", format_percent),
    "transition_rate": ("Übergangsquote", format_percent),
    "dropout_rate": ("Abbruchquote", format_percent),
    "cost_per_participant": ("Kosten je TN", format_eur),
    # Beside the rates it qualifies: "◊ eingeschränkt aussagekräftig: Übergangsquote (6 Austritte)" where a rate
    # rests on fewer cases than its minimum (`significance`).
    "significance_flag": ("Aussagekraft", None),
    "planned_eur": ("Geplant", format_eur),
    "spent_eur": ("Verausgabt", format_eur),
    # The dates the figures rest on, as dates (a unit's projects may have reported on different days).
    "first_as_of": ("Erster Stichtag", format_date),
    "last_as_of": ("Letzter Stichtag", format_date),
}
# Districts have a § 4 budget: beside the rate against plan, the spending against the budget, so that a
# district that planned too little cannot look on track (its own light next to the status).
_DATES = ("first_as_of", "last_as_of")
DISTRICT_ACHIEVEMENT_COLUMNS: Columns = {
    "status": ACHIEVEMENT_COLUMNS["status"],
    # In the wide district table the flag stands beside the status it qualifies, visible without scrolling.
    "report_flag": ACHIEVEMENT_COLUMNS["report_flag"],
    "budget_status": ("Status ggü. § 4", status_text),
    "spending_rate": ACHIEVEMENT_COLUMNS["spending_rate"],
    "expected_rate": ACHIEVEMENT_COLUMNS["expected_rate"],
    "deviation": ACHIEVEMENT_COLUMNS["deviation"],
    "budget_spent_share": ("Abfluss ggü. § 4", format_percent),
    "budget_gap_eur": ("Rückstand zum § 4-Pfad", format_eur_cents),
    **{name: spec for name, spec in list(ACHIEVEMENT_COLUMNS.items())[4:] if name not in (*_DATES, "report_flag")},
    "budget_eur": ("Haushaltsmittel", format_eur),
    # Which version of the budget the § 4 columns are judged against (as signed, or an amendment in force).
    "budget_version": ("Fassung § 4", None),
    **{name: ACHIEVEMENT_COLUMNS[name] for name in _DATES},
}
# The spending against § 4 beside the rate against plan, as the Hessen pack's § 4 slide shows it. Its path is
# the § 4 path (the card on Zielerreichung), not the plan's "erwartet".
BUDGET_SPENDING_COLUMNS: Columns = {
    "unit_label": ("Gebietskörperschaft", None),
    "status": DISTRICT_ACHIEVEMENT_COLUMNS["status"],
    "budget_status": DISTRICT_ACHIEVEMENT_COLUMNS["budget_status"],
    "spending_rate": DISTRICT_ACHIEVEMENT_COLUMNS["spending_rate"],
    "budget_spent_share": DISTRICT_ACHIEVEMENT_COLUMNS["budget_spent_share"],
    "budget_expected_share": ("anteiliger § 4-Pfad", format_percent),
    "budget_gap_eur": DISTRICT_ACHIEVEMENT_COLUMNS["budget_gap_eur"],
    "budget_eur": DISTRICT_ACHIEVEMENT_COLUMNS["budget_eur"],
}
DISTRICT_BUDGET_COLUMNS: Columns = {
    "label": ("Gebietskörperschaft", None),
    "regierungsbezirk": ("Regierungsbezirk", None),
    "budget_eur": ("Haushaltsmittel", format_eur),
    "planned_total_eur": ("Geplante Mittel", format_eur),
    "over_planned_eur": ("Überplant", format_eur),
    "unplanned_eur": ("Nicht verplant", format_eur),
    "unknown_eur": ("Ohne Projektbeträge", format_eur),
    "status": ("Hinweis", None),
    "n_projects": ("Projekte", format_number),
    "budget_per_inhabitant": ("€ je Einwohner/in", format_eur_cents),
    "change_eur": ("Veränderung ggü. Vorjahr", format_change),
    "change_share": ("Veränderung (%)", format_change_percent),
    "source": ("Quelle", None),
}
# The columns of the district budget table that fit the width of a slide.
DISTRICT_BUDGET_SLIDE_KEYS = (
    "label",
    "regierungsbezirk",
    "budget_eur",
    "planned_total_eur",
    "over_planned_eur",
    "unplanned_eur",
    "unknown_eur",
    "n_projects",
    "change_eur",
    "status",
)
_UNIT_HEADINGS = {"district": "Gebietskörperschaft", "measure_type": "Maßnahmenart", "project": "Projekt"}
_ACHIEVEMENT_TITLES = {
    "district": "der Gebietskörperschaften",
    "measure_type": "nach Maßnahmenarten",
    "project": "der Projekte",
}


# ---------------------------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------------------------

LIKE_FOR_LIKE_SENTENCE = (
    "Die Veränderung zum Vorjahr zählt nur Gebietskörperschaften mit einer Zielvereinbarung in beiden Jahren."
)
_READING = {
    "none": "Die Projekte nennen keine Beträge: Das Budget zählt als „ohne Projektbeträge“, nicht als frei.",
    "partial": "Einige Projekte nennen keinen Betrag: Der Rest des Budgets zählt als „ohne Projektbeträge“.",
    "no_projects": "Es gibt keine Projektliste: Das Budget zählt als „ohne Projektbeträge“, nicht als frei.",
}
OVER_BUDGET_SENTENCE = "Die Planung übersteigt das Budget."


def no_agreement_sentence(name: str, year: int) -> str:
    """`Für <name> liegt für <year> keine Zielvereinbarung vor.`"""
    return f"Für {name} liegt für {year} keine Zielvereinbarung vor."


_SIGNATURES = (
    ("HMSI", "signed_ministry", "signed_ministry_place"),
    ("Kreis/Stadt", "signed_district", "signed_district_place"),
)


def signature_sentence(agreement: Mapping[str, object]) -> str:
    """Where and when an agreement (its row) was signed: `Unterzeichnet in Wiesbaden am 02.08.2025 (HMSI) und in
    Korbach am 13.08.2025 (Kreis/Stadt)`; without a place only the date, without a date `nicht unterzeichnet
    erfasst`. The place is text from a document or workbook: a page shows the sentence escaped."""
    signed, unsigned = [], []
    for party, day_key, place_key in _SIGNATURES:
        day, place = agreement.get(day_key), agreement.get(place_key)
        if _missing(day):
            unsigned.append(party)  # a place without a day does not say that it was signed
            continue
        place = "" if _missing(place) else str(place).strip()
        signed.append(f"{f'in {place} ' if place else ''}am {format_date(day)} ({party})")
    parts = [f"Unterzeichnet {' und '.join(signed)}"] if signed else []
    if unsigned:
        parts.append(f"{' und '.join(unsigned)}: nicht unterzeichnet erfasst")
    return "; ".join(parts)


def no_report_sentence(year: int) -> str:
    """`Für <year> liegt noch kein Umsetzungsbericht vor.`"""
    return f"Für {year} liegt noch kein Umsetzungsbericht vor."


def planned_sentence(budgets: Mapping[str, object], parts: Mapping[str, object], markdown: bool = False) -> str:
    """A district's budget in its parts (`indicators.budget_parts_sentence`), whether its planning exceeds the
    budget, and how to read a budget whose projects lack amounts; from its row of `district_budgets` and of
    `budget_decomposition`. `markdown`: the exceeded budget in bold (only numbers and fixed words are written)."""
    text = ind.budget_parts_sentence(parts)
    if budgets["over_committed"]:
        text += f" **{OVER_BUDGET_SENTENCE}**" if markdown else f" {OVER_BUDGET_SENTENCE}"
    reading = _READING.get(str(budgets["project_amounts"]))
    return f"{text} {reading}" if reading else text


def budget_part_rows(totals: Mapping[str, float | int]) -> list[tuple[str, float, str]]:
    """The parts of a budget beside the planned money, each where it is not 0 and none netted against another,
    from `indicators.land_totals`: (label, amount with its sign in the sum, why). They add up to the budget."""
    rows: list[tuple[str, float, str]] = [("Geplante Mittel", float(totals["planned_total_eur"]), "")]
    if totals["over_planned_eur"]:
        rows.append(
            (
                "Überplant",
                -float(totals["over_planned_eur"]),
                f"{totals['n_over_planned']} Gebietskörperschaft(en) über dem Budget",
            )
        )
    if totals["unplanned_eur"]:
        rows.append(("Nicht verplant", float(totals["unplanned_eur"]), "freie Mittel"))
    if totals["unknown_eur"]:
        rows.append(
            (
                "Ohne Projektbeträge",
                float(totals["unknown_eur"]),
                f"{totals['n_unknown']} Gebietskörperschaft(en) ohne Beträge je Projekt oder ohne Projektliste",
            )
        )
    return rows


def sum_sentence(totals: Mapping[str, float | int], all_measure_types: bool = True) -> str:
    """`Summe: <budget> Haushaltsmittel = <planned> geplant − … überplant + … nicht verplant + … ohne
    Projektbeträge.`, then how much of it the chosen measure types plan (from `indicators.land_totals`)."""
    text = (
        f"Summe: {format_eur(totals['budget_eur'])} Haushaltsmittel = {format_eur(totals['planned_total_eur'])} "
        f"geplant − {format_eur(totals['over_planned_eur'])} überplant + "
        f"{format_eur(totals['unplanned_eur'])} nicht verplant + {format_eur(totals['unknown_eur'])} ohne "
        "Projektbeträge. Geplante Mittel und die Teile zählen alle vier Maßnahmenarten"
    )
    if not all_measure_types:
        return (
            f"{text}; davon in den gewählten Maßnahmenarten {format_eur(totals['planned_eur'])} "
            f"({format_percent(totals['planned_share'])})."
        )
    share = ind.ratio(totals["planned_total_eur"], totals["budget_eur"])
    return f"{text} ({format_percent(share)} der Haushaltsmittel)."


def status_line(frame: pd.DataFrame, what: str, markdown: bool = False) -> str:
    """How many units (rows of `achievement`) have each status, worst first: `■ 3 im Verzug · ▲ 5 beobachten ·
    ● 17 im Plan · ○ 1 keine Daten (Gebietskörperschaften)`; `markdown`: the counts in bold."""
    counts = frame["status"].value_counts()
    wrap = "**{}**" if markdown else "{}"
    return (
        " · ".join(
            f"{STATUS_SYMBOL[s]} {wrap.format(counts.get(s, 0))} {s}" for s in (BEHIND, WATCH, ON_TRACK, NO_DATA)
        )
        + f" ({what})"
    )


# ---------------------------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------------------------


def overview_shown(selection: ind.Selection) -> Shown:
    """The rows Übersicht draws: the year's agreements and projects and the previous year's budgets its change
    compares with."""
    previous = Rows(ind.Selection(selection.year - 1, selection.regierungsbezirk, selection.ags), ("agreements",))
    return Shown.of(selection, ("agreements", "projects"), also=(previous,))


def district_hint(row: Mapping[str, object]) -> str:
    """What a district's budget row needs said beside its numbers: `überplant`, a budget whose projects lack
    amounts, or that has no project list or no agreement, and an amended budget (`geändert am 15.07.2025`);
    "" when all is known and as signed."""
    hints = ["überplant"] if row["over_committed"] else []
    if amended_hint(row.get("amended_on")):
        hints.append(amended_hint(row["amended_on"]))
    amounts = str(row["project_amounts"])
    if amounts != "complete" and amounts in ind.PROJECT_AMOUNTS_LABELS:
        hints.append(ind.PROJECT_AMOUNTS_LABELS[amounts])
    return ", ".join(hints)


def district_budget_view(data: AqbData, selection: ind.Selection) -> View:
    """Every selected district's budget in its parts, largest budget first (then by name), with the sum
    sentence under it: the table of Übersicht, its files and the Hessen pack's budget slides
    (`DISTRICT_BUDGET_SLIDE_KEYS`)."""
    budgets = ind.district_budgets(data, selection).sort_values(
        ["budget_eur", "label"], ascending=[False, True], ignore_index=True
    )
    budgets["status"] = [district_hint(row) for row in budgets.to_dict("records")]
    totals = ind.land_totals(data, selection)
    scope = ind.scope_label(selection)
    return View(
        budgets,
        DISTRICT_BUDGET_COLUMNS,
        f"Haushaltsmittel je Gebietskörperschaft – {scope} {selection.year}",
        (sum_sentence(totals, selection.all_measure_types),),
        overview_shown(selection),
    )


def budget_trend_view(data: AqbData, selection: ind.Selection) -> View:
    """The budget of the selection in every year, with the like-for-like change: the chart's numbers on
    Gebietskörperschaft and the pack's trend slide (its source and files name every year)."""
    every_year = selection.every_year()
    return View(
        ind.budget_trend(data, every_year),
        TREND_COLUMNS,
        f"Haushaltsmittel {ind.scope_label(selection)} über die Jahre",
        (LIKE_FOR_LIKE_SENTENCE,),
        Shown.of(every_year),
    )


def per_inhabitant_view(data: AqbData, selection: ind.Selection) -> View:
    """€ per inhabitant of every selected district, highest first (districts without an agreement last)."""
    budgets = ind.district_budgets(data, selection).sort_values(
        ["budget_per_inhabitant", "label"], ascending=[False, True], ignore_index=True
    )
    return View(budgets, PER_INHABITANT_COLUMNS, f"€ je Einwohner/in {selection.year}")


def achievement_view(data: AqbData, selection: ind.Selection, level: str, as_of: date) -> View:
    """The achievement of each unit of `level` (district, measure_type, project) at `as_of`, behind plan first,
    with the dates its figures rest on (districts also against § 4), as Zielerreichung and its files show it."""
    frame = behind_first_achievement(data, selection, level, as_of)
    if level == "district":
        frame["budget_version"] = [budget_version_text(row) for row in frame.to_dict("records")]
    columns = DISTRICT_ACHIEVEMENT_COLUMNS if level == "district" else ACHIEVEMENT_COLUMNS
    title = (
        f"Zielerreichung {_ACHIEVEMENT_TITLES[level]} – {ind.scope_label(selection)} {selection.year}, "
        f"Stichtag {format_date(as_of)}"
    )
    return View(
        frame,
        {"unit_label": (_UNIT_HEADINGS[level], None), **columns},
        title,
        shown=Shown.of(selection, ("projects", "progress"), as_of=as_of),
    )


def achievement_cells(frame: pd.DataFrame, unit: str, reports: bool = True, budget: bool = False) -> pd.DataFrame:
    """An achievement table as a slide shows it, behind plan first: status, unit, reason, rate against plan and
    its expectation, (with `budget`) the § 4 light and share in one cell, occupancy, transition rate and (with
    `reports`) how many projects reported; headings and formats those of `ACHIEVEMENT_COLUMNS`."""
    ordered = behind_first(frame).reset_index(drop=True)
    ordered = ordered.assign(
        reason=[status_reason(row) for _, row in ordered.iterrows()],
        reports=[f"{int(r.n_reported)} von {int(r.n_projects)}" for r in ordered.itertuples()],
    )
    columns: Columns = {
        "status": ACHIEVEMENT_COLUMNS["status"],
        "unit_label": (unit, None),
        "reason": ("Begründung", None),
        "spending_rate": ACHIEVEMENT_COLUMNS["spending_rate"],
        "expected_rate": ACHIEVEMENT_COLUMNS["expected_rate"],
    }
    if budget:
        ordered["budget_cell"] = [
            f"{STATUS_SYMBOL[r.budget_status]} {format_percent(r.budget_spent_share)}" for r in ordered.itertuples()
        ]
        columns["budget_cell"] = ("ggü. § 4", None)
    columns["occupancy"] = ACHIEVEMENT_COLUMNS["occupancy"]
    columns["transition_rate"] = ACHIEVEMENT_COLUMNS["transition_rate"]
    if "significance_flag" in ordered and ordered["significance_flag"].ne("").any():  # said on the slide too
        columns["significance_flag"] = ACHIEVEMENT_COLUMNS["significance_flag"]
    if "stale" in ordered and ordered["stale"].any():  # figures from older reports: said on the slide too
        columns["report_flag"] = ACHIEVEMENT_COLUMNS["report_flag"]
    if reports:
        columns["reports"] = ("Berichte", None)
    return text_cells(ordered, columns)


def budget_spending_view(districts: pd.DataFrame, land: Mapping[str, object]) -> View:
    """Every district's spending against its § 4 budget beside its rate against plan (rows of `achievement`):
    first those that look better against plan than against the budget, then by the € gap to the path."""
    mismatched = set(budget_mismatch(districts)["unit"])
    order = (
        districts.assign(
            _first=~districts["unit"].isin(mismatched), _gap=-districts["budget_gap_eur"].fillna(-math.inf)
        )
        .sort_values(["_first", "_gap", "unit_label"])
        .drop(columns=["_first", "_gap"])
        .reset_index(drop=True)
    )
    path = "(Haushaltsmittel × Anteil des Jahres am Stichtag ihrer Berichte − verausgabt; negativ: vor dem Pfad)."
    if mismatched:
        first = (
            "Zuerst die Gebietskörperschaft, die"
            if len(mismatched) == 1
            else f"Zuerst die {len(mismatched)} Gebietskörperschaften, die"
        )
        order_line = f"{first} gegenüber der Planung besser dastehen als gegenüber § 4; dann nach Rückstand zum "
        order_line += f"anteiligen Pfad {path}"
    else:
        order_line = f"Nach Rückstand zum anteiligen Pfad {path}"
    return View(
        order, BUDGET_SPENDING_COLUMNS, "Mittelabfluss gegenüber § 4", (f"Hessen {budget_note(land)}.", order_line)
    )


def deviation_cells(frame: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The numbers of the deviation chart as a slide shows them (units with a deviation, furthest behind first)."""
    shown = frame.dropna(subset=["deviation"]).sort_values("deviation")
    columns: Columns = {
        "unit_label": (unit, None),
        "status": ACHIEVEMENT_COLUMNS["status"],
        "spending_rate": DEVIATION_COLUMNS["spending_rate"],
        "deviation": DEVIATION_COLUMNS["deviation"],
    }
    if "stale" in shown and shown["stale"].any():  # only when a figure rests on an older report
        columns["report_flag"] = DEVIATION_COLUMNS["report_flag"]
    return text_cells(shown, columns)


# ---------------------------------------------------------------------------------------------------------------
# Agreement versions (amendments)
# ---------------------------------------------------------------------------------------------------------------


def budget_version_text(row: Mapping[str, object], district: bool = True) -> str:
    """Which version of the § 4 budget a row of `achievement` is judged against: for a `district`
    `Haushaltsmittel laut Änderung vom 15.07.2025; ursprünglich 773.920 €` (or `wie unterzeichnet`), for a
    Regierungsbezirk or the Land how many of its districts count an amendment; "" where there is no budget."""
    if _missing(row.get("budget_eur")):
        return ""
    if district:
        amended_on = row.get("budget_amended_on")
        return version_text(row.get("budget_signed_eur"), None if _missing(amended_on) else amended_on)
    return versions_note(int(row.get("n_budget_amended", 0) or 0), row.get("budget_signed_eur"))


AMENDMENT_HISTORY_COLUMNS: Columns = {
    "version": ("Fassung", None),
    "valid_from": ("Gültig ab", format_date),
    "budget_eur": ("Haushaltsmittel", format_eur),
    "change_eur": ("Änderung", format_change),
    "reason": ("Grund", None),
    "source": ("Quelle", None),
}


def amendment_history_view(data: AqbData, year: int, ags: str, name: str) -> View:
    """Every version of a district's agreement (signed, then each amendment with its day, budget, change and
    reason): the table under „Änderung der Zielvereinbarung“ and its files."""
    selection = ind.Selection(year, ags=ags)
    return View(
        amendment_history(data, year, ags),
        AMENDMENT_HISTORY_COLUMNS,
        f"Fassungen der Zielvereinbarung {year} – {name}",
        ("Die Zielvereinbarung behält die unterzeichneten Haushaltsmittel; jede Änderung gilt ab ihrem Tag.",),
        Shown.of(selection, ("agreements", "amendments")),
    )


# ---------------------------------------------------------------------------------------------------------------
# Year-end projection (analysis/projection.py)
# ---------------------------------------------------------------------------------------------------------------

_PROJECTION_MONEY: Columns = {
    "planned_eur": ("Geplant", format_eur),
    "spent_eur": ("Verausgabt laut Bericht", format_eur),
    "projected_eur": ("voraussichtlich verausgabt", format_eur),
    "low_eur": ("80 %-Intervall von", format_eur),
    "high_eur": ("80 %-Intervall bis", format_eur),
    "unspent_eur": ("voraussichtlich nicht verausgabt (€)", format_eur),
}
PROJECTION_COLUMNS: Columns = {
    **_PROJECTION_MONEY,
    "method": ("Methode", None),
    "first_as_of": ("Ältester Bericht", format_date),
    "last_as_of": ("Neuester Bericht", format_date),
    "n_stale": ("Projekte mit älterem Bericht", format_number),
    "n_without_report": ("Projekte ohne Bericht", format_number),
}
DISTRICT_PROJECTION_COLUMNS: Columns = {
    **_PROJECTION_MONEY,
    "budget_eur": ("Haushaltsmittel § 4 am Stichtag", format_eur),
    "budget_unspent_eur": ("voraussichtlich nicht verausgabt ggü. § 4 (€)", format_eur),
    **{name: spec for name, spec in PROJECTION_COLUMNS.items() if name not in _PROJECTION_MONEY},
}
PROJECT_PROJECTION_COLUMNS: Columns = {
    **_PROJECTION_MONEY,
    "method": ("Methode", None),
    "as_of": ("Bericht vom", format_date),
    "report_note": ("Hinweis", None),
}
_PROJECTION_UNITS = {
    "district": "Gebietskörperschaft",
    "measure_type": "Maßnahmenart",
    "project": "Projekt",
    "regierungsbezirk": "Regierungsbezirk",
    "land": "Gebiet",
}


def projection_shown(selection: ind.Selection, as_of: date | None) -> Shown:
    """The rows a projection draws: the year's projects and reports up to the Stichtag, and the earlier years'
    reports its profiles and intervals come from."""
    return Shown.of(
        selection, ("projects", "progress"), also=(Rows(selection.every_year(), ("progress",)),), as_of=as_of
    )


def report_note(row: Mapping[str, object], as_of: object) -> str:
    """Why a project's projection is less than current: `kein Bericht` or `Bericht vom <date> (vor dem
    Stichtag)`; "" for a report at the Stichtag."""
    if row.get("method") == projection.METHOD_NONE:
        return "kein Bericht: nicht hochgerechnet"
    if bool(row.get("stale")):
        return f"Bericht vom {format_date(row.get('as_of'))}, älter als der Stichtag {format_date(as_of)}"
    return ""


def projection_sentence(row: Mapping[str, object], scope: str, as_of: object) -> str:
    """A unit's projection in one German sentence (a row of `projection` at district level or above)."""
    if _missing(row.get("projected_eur")):
        return f"{scope}: keine Hochrechnung – bis zum Stichtag {format_date(as_of)} liegt kein Bericht vor."
    text = (
        f"{scope}: voraussichtlich verausgabt {format_eur(row['projected_eur'])}"
        + (
            f" (80 %-Intervall {format_eur(row['low_eur'])} bis {format_eur(row['high_eur'])})"
            if not _missing(row.get("low_eur"))
            else " (ohne Intervall: kein früheres Jahr zum Vergleich)"
        )
        + f", voraussichtlich nicht verausgabt {format_eur(row['unspent_eur'])} der geplanten Mittel"
    )
    if not _missing(row.get("budget_unspent_eur")):
        text += f" und {format_eur(row['budget_unspent_eur'])} der Haushaltsmittel nach § 4"
    text += f". Methode: {row['method']}; Berichte bis {format_date(as_of)}"
    stale, missing = int(row.get("n_stale", 0) or 0), int(row.get("n_without_report", 0) or 0)
    if stale:
        text += f"; {stale} Projekt(e) mit älterem Bericht"
    if missing:
        text += f"; {missing} Projekt(e) ohne Bericht, nicht hochgerechnet"
    return text + "."


def backtest_sentence(data: AqbData, level: str, as_of: date) -> str:
    """How well the projection did in earlier years at the same calendar day, for units like the one shown (a
    district, the Land; a Regierungsbezirk is judged by its districts): the companion figure to every projection."""
    judged = "land" if level == "land" else "district" if level in ("district", "regierungsbezirk") else "project"
    day = pd.Timestamp(as_of)
    frame = projection.backtest(data)
    row = frame[(frame["stichtag"] == day.month * 100 + day.day) & (frame["level"] == judged)]
    if row.empty:
        return (
            f"Zum {day.strftime('%d.%m.')} gibt es keinen Rückblick auf frühere Jahre (kein früheres Jahr mit Bericht "
            "an diesem Tag): wie verlässlich die Hochrechnung ist, lässt sich nicht sagen."
        )
    found = row.iloc[0]
    coverage = (
        f"; das 80 %-Intervall traf in {format_percent(found['coverage'])} der Fälle"
        if not _missing(found["coverage"])
        else ""
    )
    return (
        f"Verlässlichkeit: Zum {found['stichtag_label']} lag die Hochrechnung {found['years']} für "
        f"{found['level_label']} im Mittel {format_percent(found['mape'])} neben dem tatsächlichen Jahresende"
        f"{coverage} ({int(found['n_units'])} Fälle; Rückblick auf der Seite Methodik & Quellen)."
    )


def projection_view(data: AqbData, selection: ind.Selection, level: str, as_of: date | None = None) -> View:
    """The year-end projection of each unit of `level` at the Stichtag (None: the year's latest), largest
    projected non-spending first: the tables „Hochrechnung zum Jahresende“ and their files."""
    as_of = as_of or projection.latest_stichtag(data, selection.year)
    frame = projection.projection(data, selection, level, as_of)
    if level == "project":
        frame["report_note"] = [report_note(row, as_of) for row in frame.to_dict("records")]
        columns = PROJECT_PROJECTION_COLUMNS
    else:
        columns = DISTRICT_PROJECTION_COLUMNS if level == "district" else PROJECTION_COLUMNS
    frame = frame.sort_values(["unspent_eur", "unit_label"], ascending=[False, True], na_position="last")
    title = (
        f"Hochrechnung zum Jahresende {_ACHIEVEMENT_TITLES.get(level, '')} – {ind.scope_label(selection)} "
        f"{selection.year}, Stichtag {format_date(as_of)}"
    ).replace("  ", " ")
    return View(
        frame.reset_index(drop=True),
        {"unit_label": (_PROJECTION_UNITS[level], None), **columns},
        title,
        shown=projection_shown(selection, as_of),
    )


PROJECTION_PATH_COLUMNS: Columns = {
    "year": ("Jahr", str),
    "as_of": ("Stichtag", format_date),
    "kind": ("Art", None),
    "spent_eur": ("Verausgabt (kumuliert)", format_eur),
    "low_eur": ("80 %-Intervall von", format_eur),
    "high_eur": ("80 %-Intervall bis", format_eur),
}
BACKTEST_VIEW_COLUMNS: Columns = {
    "stichtag_label": ("Stichtag", None),
    "level_label": ("Ebene", None),
    "years": ("Nachgerechnete Jahre", None),
    "n_units": ("Einheiten", format_number),
    "mape": ("Mittlere Abweichung (MAPE)", format_percent),
    "mape_run_rate": ("MAPE nur Laufrate", format_percent),
    "coverage": ("Intervall traf (Soll 80 %)", format_percent),
}


def backtest_view(data: AqbData) -> View:
    """The backtest of the projection per Stichtag and level: the table on the methods page and its files."""
    return View(
        projection.backtest(data),
        BACKTEST_VIEW_COLUMNS,
        "Rückblick: Hochrechnung früherer Jahre gegen das tatsächliche Jahresende",
        (
            "Jedes abgeschlossene Jahr mit einem früheren Jahr, an jedem seiner Stichtage nur mit dem damals "
            "Bekannten hochgerechnet. MAPE: mittlere absolute Abweichung vom tatsächlich Verausgabten in Prozent; "
            "„Intervall traf“: Anteil der Einheiten, deren 80 %-Intervall den tatsächlichen Wert enthielt.",
        ),
        Shown.of(ind.Selection(None), ("progress",)),
    )


# ---------------------------------------------------------------------------------------------------------------
# Money that lapsed in closed years (analysis/lapse.py)
# ---------------------------------------------------------------------------------------------------------------

LAPSE_SENTENCE = (
    "Abgeschlossen ist ein Jahr mit Berichten zum 31.12. Nicht verausgabt ggü. § 4 = Haushaltsmittel (Stand 31.12.) "
    "− verausgabt = geplant, nicht verausgabt + nicht verplant + ohne Projektbeträge − überplant, centgenau; "
    "geplant, nicht verausgabt = Projekte unter Plan − Projekte über Plan (je Projekt, nie still verrechnet). "
    "Eine Gebietskörperschaft ohne Jahresabschlussbericht zählt nicht mit und wird genannt."
)
LAPSE_HISTORY_COLUMNS: Columns = {
    "year": ("Jahr", str),
    "budget_eur": ("Haushaltsmittel (Stand 31.12.)", format_eur),
    "planned_eur": ("Geplant", format_eur),
    "spent_eur": ("Verausgabt zum 31.12.", format_eur),
    "lapsed_eur": ("Nicht verausgabt ggü. § 4", format_eur),
    "lapsed_share": ("Anteil nicht verausgabt", format_percent),
    "unspent_planned_eur": ("davon geplant, nicht verausgabt", format_eur),
    "underspent_eur": ("Projekte unter Plan", format_eur),
    "overspent_eur": ("Projekte über Plan", format_eur),
    "planned_unreported_eur": ("Geplant ohne Wert zum 31.12.", format_eur),
    "spent_unplanned_eur": ("Verausgabt ohne geplanten Betrag", format_eur),
    "unplanned_eur": ("davon nicht verplant", format_eur),
    "unknown_eur": ("davon ohne Projektbeträge", format_eur),
    "over_planned_eur": ("abzüglich überplant", format_eur),
    "n_districts": ("Gebietskörperschaften mit Jahresabschluss", str),
    "without_report": ("Ohne Jahresabschlussbericht", None),
}
LAPSE_MEASURE_TYPE_COLUMNS: Columns = {
    "year": ("Jahr", str),
    "measure_label": ("Maßnahmenart", None),
    "planned_eur": ("Geplant", format_eur),
    "spent_eur": ("Verausgabt zum 31.12.", format_eur),
    "unspent_planned_eur": ("Nicht verausgabt ggü. Plan", format_eur),
    "unspent_planned_share": ("Anteil am Plan", format_percent),
    "underspent_eur": ("Projekte unter Plan", format_eur),
    "overspent_eur": ("Projekte über Plan", format_eur),
    "planned_unreported_eur": ("Geplant ohne Wert zum 31.12.", format_eur),
    "spent_unplanned_eur": ("Verausgabt ohne geplanten Betrag", format_eur),
}


def lapse_shown(selection: ind.Selection) -> Shown:
    """The rows a lapse view draws: the selection's agreements, amendments, projects and reports in every year."""
    return Shown.of(selection.every_year(), ("agreements", "amendments", "projects", "progress"))


def lapse_history_view(data: AqbData, selection: ind.Selection) -> View:
    """Per closed year the selection's budget, spent and lapsed money with its parts (all measure types: the
    budget is not divided by them): the tables on Gebietskörperschaft and Zeitreihe, their files and slides."""
    return View(
        lapse_history(data, selection),
        LAPSE_HISTORY_COLUMNS,
        f"Nicht verausgabte Mittel in abgeschlossenen Jahren – {ind.scope_label(selection)}",
        (LAPSE_SENTENCE,),
        lapse_shown(selection),
    )


def lapse_measure_type_view(data: AqbData, selection: ind.Selection) -> View:
    """Per closed year and selected measure type the planned, spent and unspent money of the selection."""
    frame = measure_type_history(data, selection)
    frame["measure_label"] = [ind.measure_label(int(code)) for code in frame["measure_type"]]
    return View(
        frame,
        LAPSE_MEASURE_TYPE_COLUMNS,
        f"Nicht verausgabte Mittel nach Maßnahmenarten – {ind.scope_label(selection)}",
        ("Je Projekt: geplant − verausgabt zum 31.12.; Überschreitungen stehen in eigener Spalte.",),
        lapse_shown(selection),
    )


INDICATOR_FORMATS: dict[str, Formatter] = {
    "eur": format_eur,
    "eur2": format_eur_cents,
    "percent": format_percent,
    "points": format_points,
}
_PEER_HEADINGS = {"group": "Gruppe", "chosen": "Auswahl"}


def benchmark_view(
    data: AqbData,
    selection: ind.Selection,
    chosen: tuple[str, ...] = (),
    as_of: date | None = None,
    keys: Sequence[str] = BENCHMARK_KEYS,
) -> View:
    """The selected district against its structural comparison group and the analyst's chosen set: per indicator
    its value, flag, position, median and quartiles (Vergleich, Zielerreichung, their files and the pack)."""
    frame = district_benchmarks(data, selection, chosen, as_of)
    peers = frame.attrs["peers"]
    frame = frame[frame["indicator"].isin(keys)].reset_index(drop=True)
    frame.attrs["peers"] = peers
    note = peers_note(frame)
    frame.attrs = {}  # the Peers are said in the note; a table's attrs must be plain for the screen
    by_row = FormatByRow("kind", INDICATOR_FORMATS)
    columns: Columns = {
        "label": ("Kennzahl", None),
        "value": (ind.scope_label(selection), by_row),
        "flag": ("Aussagekraft", None),
    }
    for set_ in peers:
        word = _PEER_HEADINGS[set_.key]
        columns |= {
            f"{set_.key}_position": (f"Lage ({word})", None),
            f"{set_.key}_median": (f"Median ({word})", by_row),
            f"{set_.key}_q1": (f"unteres Quartil ({word})", by_row),
            f"{set_.key}_q3": (f"oberes Quartil ({word})", by_row),
            f"{set_.key}_n": (f"Werte ({word})", format_number),
        }
    everywhere = ind.Selection(selection.year, measure_types=selection.measure_types)
    title = f"{ind.scope_label(selection)} im Vergleich mit ähnlichen Gebietskörperschaften {selection.year}"
    if as_of is not None:
        title += f", Stichtag {format_date(as_of)}"
    return View(frame, columns, title, (note,), Shown.of(everywhere, as_of=as_of))


def group_summary_view(data: AqbData, selection: ind.Selection, key: str, chosen: tuple[str, ...] = ()) -> View:
    """Median and quartiles of one indicator in each structural comparison group, in Hessen and in the chosen set
    (Vergleich and its files)."""
    everywhere = ind.Selection(selection.year, measure_types=selection.measure_types)
    frame = group_summary(district_comparison(data, everywhere), key, chosen)
    value = INDICATOR_FORMATS.get(INDICATORS[key].kind)
    columns: Columns = {
        "group": ("Vergleichsgruppe", None),
        "median": ("Median", value),
        "q1": ("unteres Quartil", value),
        "q3": ("oberes Quartil", value),
        "n": ("Werte", format_number),
        "n_limited": (f"nicht eingerechnet ({LIMITED_SYMBOL})", format_number),
        "members": ("Gebietskörperschaften", None),
    }
    line = (
        f"Werte mit {LIMITED_SYMBOL} (eingeschränkt aussagekräftig) und fehlende Werte sind nicht eingerechnet; "
        "Quartile linear zwischen den Werten."
    )
    return View(
        frame,
        columns,
        f"{INDICATORS[key].label} nach Vergleichsgruppen {selection.year}",
        (line,),
        Shown.of(everywhere),
    )


# ---------------------------------------------------------------------------------------------------------------
# All projects in one table (analysis/portfolio.py)
# ---------------------------------------------------------------------------------------------------------------

_PORTFOLIO_RATES: Columns = {
    "spending_rate": ("Mittelabfluss", format_percent),
    "deviation": ("Abweichung", format_points),
    "occupancy": ("Auslastung", format_percent),
    "transition_rate": ("Übergangsquote", format_percent),
    "dropout_rate": ("Abbruchquote", format_percent),
}
# What answers "which projects are underused?" first, in view without scrolling: the flag and the occupancy.
ALL_PROJECTS_COLUMNS: Columns = {
    "district": ("Gebietskörperschaft", None),
    "project": ("Projekt", None),
    "underused_flag": ("Unterausgelastet", None),
    "occupancy": _PORTFOLIO_RATES["occupancy"],
    "status": ("Status", status_text),
    "significance_flag": ("Aussagekraft", None),
    **{key: spec for key, spec in _PORTFOLIO_RATES.items() if key != "occupancy"},
    "planned_places": ("Geplante Plätze", format_number),
    "planned_eur": ("Geplante Mittel", format_eur),
    "spent_eur": ("Verausgabt", format_eur),
    "measure_label": ("Maßnahmenart", None),
    "provider": ("Träger", None),
    "target_group_folded": ("Zielgruppe (zusammengefasst)", None),
    "target_group": ("Zielgruppe (wie berichtet)", None),
    "report_flag": ("Bericht", None),
    "regierungsbezirk": ("Regierungsbezirk", None),
}
# Per Träger or target group (its key column first): sums, rates from sums, and how many projects are flagged.
PORTFOLIO_GROUP_COLUMNS: Columns = {
    "n_projects": ("Projekte", format_number),
    "n_districts": ("Gebietskörperschaften", format_number),
    "planned_eur": ("Geplante Mittel", format_eur),
    "spent_eur": ("Verausgabt", format_eur),
    "planned_places": ("Geplante Plätze", format_number),
    "entries": ("Eintritte", format_number),
    **_PORTFOLIO_RATES,
    "status": ("Status", status_text),
    "n_underused": ("Unterausgelastet", format_number),
    "significance_flag": ("Aussagekraft", None),
    "note": ("Anmerkung", None),
}


def all_projects_views(
    frame: pd.DataFrame,
    selection: ind.Selection,
    as_of: date | None,
    underused_first: bool = False,
    total: int | None = None,
) -> tuple[View, View, View]:
    """The projects of `frame` (rows of `portfolio.all_projects`, as filtered on the page; `total` before the
    filters), underused first if asked, and the same rows per Träger and per folded target group: the tables of
    *Alle Projekte* and their files."""
    scope = f"{ind.scope_label(selection)} {selection.year}"
    day = f", Stichtag {format_date(as_of)}" if as_of is not None else ""
    shown = Shown.of(selection, ("projects", "progress"), as_of=as_of)
    rows = portfolio.underused_first(frame) if underused_first else frame.reset_index(drop=True)
    order = " – unterausgelastete zuerst" if underused_first else ""
    projects = View(
        rows,
        ALL_PROJECTS_COLUMNS,
        f"Alle Projekte – {scope}{day}{order}",
        (portfolio.summary_text(frame, total), portfolio.underused_rule_text()),
        shown,
    )
    providers = View(
        portfolio.by_provider(frame),
        {"provider": ("Träger", None), **PORTFOLIO_GROUP_COLUMNS},
        f"Projekte nach Trägern – {scope}{day}",
        (portfolio.AGGREGATION_TEXT,),
        shown,
    )
    groups = View(
        portfolio.by_target_group(frame),
        {
            "target_group_folded": ("Zielgruppe (zusammengefasst)", None),
            "written": ("Zielgruppen wie berichtet", None),
            **PORTFOLIO_GROUP_COLUMNS,
        },
        f"Projekte nach Zielgruppen – {scope}{day}",
        (portfolio.FOLDING_TEXT,),
        shown,
    )
    return projects, providers, groups
