"""Comparing districts: one table of every indicator per district, and a district against its
Regierungsbezirk and the Land (each computed by summing numerators and denominators, never averaging)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from aqb_data.analysis.achievement import STATUS_ORDER, achievement
from aqb_data.analysis.indicators import Selection, district_budgets, land_totals, ratio, selected_projects
from aqb_data.analysis.significance import LIMITED_SYMBOL, LIMITED_TEXT, MINIMUMS, limited_columns
from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.domain.districts import CITY_GROUP, DENSITY_GROUPS, GROUPS, district_label, load_districts
from aqb_data.paths import GEOJSON

MAP_ATTRIBUTION = "© GeoBasis-DE / BKG (2020), dl-de/by-2-0 (Daten verändert)"


@dataclass(frozen=True)
class Indicator:
    """A figure that can be compared across districts."""

    key: str
    label: str
    kind: str  # "eur", "eur2", "percent", "points", "status"


INDICATORS = {
    indicator.key: indicator
    for indicator in (
        Indicator("budget_eur", "Haushaltsmittel", "eur"),
        Indicator("budget_per_inhabitant", "Haushaltsmittel je Einwohner/in", "eur2"),
        Indicator("planned_per_place", "Geplante Mittel je Platz", "eur"),
        Indicator("planned_share", "Anteil der gewählten Maßnahmenarten am Budget", "percent"),
        Indicator("spending_rate", "Mittelabfluss", "percent"),
        Indicator("deviation", "Abweichung vom Jahresfortschritt", "points"),
        Indicator("occupancy", "Auslastung", "percent"),
        Indicator("transition_rate", "Übergangsquote", "percent"),
        Indicator("dropout_rate", "Abbruchquote", "percent"),
        Indicator("cost_per_participant", "Kosten je Teilnehmer/in", "eur"),
        Indicator("status", "Status", "status"),
    )
}


def indicator_label(key: str) -> str:
    """The German name of an indicator."""
    return INDICATORS[key].label


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False  # shared by every map: a change would fail, not spread
    return array


@cache
def geojson() -> dict:
    """The 26 district outlines (BKG, simplified), keyed by `properties.ags`; read once, shared, not to be changed.

    Each ring of coordinates is an array, not a list of pairs: a map figure is copied and turned into JSON on
    every draw, and copying 40.000 small lists costs 25 times what copying the arrays costs (same JSON).
    """
    outlines = json.loads(GEOJSON.read_text(encoding="utf-8"))
    for feature in outlines["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings = [[_read_only(np.asarray(ring, dtype="float64")) for ring in polygon] for polygon in polygons]
        geometry["coordinates"] = rings if geometry["type"] == "MultiPolygon" else rings[0]
    return outlines


@memoised
def district_comparison(data: AqbData, selection: Selection, as_of: date | None = None) -> pd.DataFrame:
    """Every comparable indicator for each of the 26 districts (the year and measure types of the selection).

    Columns: ags, label, regierungsbezirk, group (structural comparison group), the keys of INDICATORS, the cases
    the ratios rest on (`significance.MINIMUMS`), limited (the keys flagged "eingeschränkt aussagekräftig") and
    significance_flag.
    """
    everywhere = Selection(selection.year, measure_types=selection.measure_types)
    budgets = district_budgets(data, everywhere)
    places = selected_projects(data, everywhere).groupby("ags")["planned_places"].sum(min_count=1).astype("float64")
    achieved = achievement(data, everywhere, "district", as_of).set_index("unit")
    frame = budgets[["ags", "label", "regierungsbezirk", "budget_eur", "budget_per_inhabitant", "planned_eur"]].copy()
    frame["group"] = frame["ags"].map(load_districts().set_index("ags")["group"])
    frame["n_places_planned"] = frame["ags"].map(places)
    frame["planned_per_place"] = ratio(frame["planned_eur"], frame["n_places_planned"])
    frame["planned_share"] = ratio(frame["planned_eur"], frame["budget_eur"])
    cases = [minimum.denominator for minimum in MINIMUMS.values() if minimum.denominator in achieved]
    for column in (*_ACHIEVED, *cases):
        frame[column] = frame["ags"].map(achieved[column])
    frame["limited"], frame["significance_flag"] = limited_columns(frame)
    return frame[
        [
            "ags",
            "label",
            "regierungsbezirk",
            "group",
            *INDICATORS,
            *cases,
            "n_places_planned",
            "limited",
            "significance_flag",
        ]
    ]


# The indicators of Zielerreichung (and the district pack) a district is compared on with similar districts.
ACHIEVEMENT_KEYS = (
    "spending_rate",
    "deviation",
    "occupancy",
    "transition_rate",
    "dropout_rate",
    "cost_per_participant",
)
_ACHIEVED = (*ACHIEVEMENT_KEYS, "status")


def flagged(comparison: pd.DataFrame, key: str) -> pd.Series:
    """Whether each district's value of indicator `key` is of limited significance (rows of `district_comparison`)."""
    return comparison["limited"].map(lambda keys: key in keys).astype(bool)


def limited_flag(row: pd.Series | dict, key: str) -> str:
    """The flag of one indicator in a row of `district_comparison`: "◊ eingeschränkt aussagekräftig (6 Austritte)",
    or "" where its value rests on enough cases."""
    if key not in row["limited"]:
        return ""
    minimum = MINIMUMS[key]
    return f"{LIMITED_SYMBOL} {LIMITED_TEXT} ({minimum.cases(row[minimum.denominator])})"


def ranking(comparison: pd.DataFrame, key: str) -> pd.DataFrame:
    """The districts ranked by one indicator: highest first; for the status, behind plan first and then by
    the largest gap. Values of limited significance follow unranked (`rank` NA, the reason in `rank_flag`), then
    districts without a value (unranked too). Adds `rank` and `rank_flag`."""
    if INDICATORS[key].kind == "status":
        order = [comparison["status"].map(STATUS_ORDER), comparison["deviation"].fillna(float("inf"))]
    else:
        order = [-comparison[key]]
    # A value of limited significance is shown, not ranked: after the ranked ones, without a rank; then no value.
    limited = flagged(comparison, key)
    missing = comparison[key].isna()
    ranked = (
        comparison.assign(_unranked=np.where(missing, 2, np.where(limited, 1, 0)), _first=order[0], _second=order[-1])
        .sort_values(["_unranked", "_first", "_second"], na_position="last", kind="stable")
        .reset_index(drop=True)
    )
    ranks = ranked["_unranked"].eq(0).cumsum().where(ranked["_unranked"].eq(0))
    ranked.insert(0, "rank", ranks.astype("Int64"))
    ranked["rank_flag"] = [limited_flag(row, key) if key in MINIMUMS else "" for _, row in ranked.iterrows()]
    return ranked.drop(columns=["_unranked", "_first", "_second"])


def district_against_context(data: AqbData, selection: Selection, as_of: date | None = None) -> pd.DataFrame:
    """One district beside its Regierungsbezirk and the Land: one row per indicator (except status).

    Columns: indicator, label, district, regierungsbezirk, land.
    """
    if not selection.ags:
        raise ValueError("a district must be selected")
    rb = district_budgets(data, selection).iloc[0]["regierungsbezirk"]
    units = {
        "district": selection,
        "regierungsbezirk": Selection(selection.year, regierungsbezirk=rb, measure_types=selection.measure_types),
        "land": Selection(selection.year, measure_types=selection.measure_types),
    }
    columns = {}
    for name, unit in units.items():
        totals = land_totals(data, unit)
        achieved = achievement(data, unit, "land", as_of).iloc[0]
        with_budget = district_budgets(data, unit).dropna(subset=["budget_eur"])["ags"]  # as land_totals counts
        unit_projects = selected_projects(data, unit)
        places = unit_projects.loc[unit_projects["ags"].isin(with_budget), "planned_places"].sum(min_count=1)
        columns[name] = {
            "budget_eur": totals["budget_eur"],
            "budget_per_inhabitant": totals["budget_per_inhabitant"],
            "planned_per_place": ratio(totals["planned_eur"], float(places) if pd.notna(places) else None),
            "planned_share": totals["planned_share"],
            "spending_rate": achieved["spending_rate"],
            "deviation": achieved["deviation"],
            "occupancy": achieved["occupancy"],
            "transition_rate": achieved["transition_rate"],
        }
    frame = pd.DataFrame(columns)
    frame.index.name = "indicator"
    frame = frame.reset_index()
    frame["label"] = frame["indicator"].map(lambda key: INDICATORS[key].label)
    frame = frame[["indicator", "label", "district", "regierungsbezirk", "land"]]
    frame.attrs["regierungsbezirk"] = rb
    return frame


# Where a district's value lies among its peers' values (quartiles by linear interpolation, as pandas computes them).
POSITIONS = {1: "unteres Viertel", 2: "zweites Viertel", 3: "drittes Viertel", 4: "oberes Viertel"}
MIN_PEERS = 4  # fewer values than this: median and quartiles are shown, no position
ON_THE_MEDIAN = "am Median (Quartile gleich)"
PEER_SETS = ("group", "chosen")


@dataclass(frozen=True)
class Peers:
    """A set of districts a district is compared with: its structural group or the analyst's own choice."""

    key: str  # "group" or "chosen"
    label: str
    members: tuple[str, ...]  # ags, the district itself included


def peer_sets(ags: str, chosen: tuple[str, ...] = ()) -> tuple[Peers, ...]:
    """The district's structural comparison group and, if the analyst chose districts, that set with the district
    itself added (so its position is among them)."""
    districts = load_districts()
    group = districts.set_index("ags").loc[ags, "group"]
    sets = [Peers("group", f"Vergleichsgruppe {group}", tuple(districts.loc[districts["group"] == group, "ags"]))]
    if chosen:
        members = tuple(dict.fromkeys([ags, *chosen]))
        sets.append(Peers("chosen", f"Freie Auswahl ({len(members)} Gebietskörperschaften)", members))
    return tuple(sets)


def peer_statistics(comparison: pd.DataFrame, key: str, members: tuple[str, ...]) -> dict[str, float]:
    """Median, quartiles and counts of one indicator over `members` (rows of `district_comparison`): values of
    limited significance and missing values are left out and counted (n, n_limited, n_missing)."""
    rows = comparison[comparison["ags"].isin(members)]
    limited = flagged(rows, key)
    values = pd.to_numeric(rows.loc[~limited, key], errors="coerce").dropna()
    q1, median, q3 = (values.quantile(q) if len(values) else np.nan for q in (0.25, 0.5, 0.75))
    return {
        "q1": float(q1),
        "median": float(median),
        "q3": float(q3),
        "n": len(values),
        "n_limited": int(limited.sum()),
        "n_missing": int((~limited & pd.to_numeric(rows[key], errors="coerce").isna()).sum()),
    }


def quartile_position(value: float, stats: dict[str, float]) -> int | None:
    """1–4: the quarter of its peers' values the value lies in (at a bound: the lower quarter; on the median: the
    second, also where the lower quartile equals it), None without a value or with fewer than `MIN_PEERS` peer
    values."""
    if pd.isna(value) or stats["n"] < MIN_PEERS:
        return None
    if value == stats["median"]:  # tied with the lower quartile too: not "unteres Viertel" for a median value
        return 2
    return 1 if value <= stats["q1"] else 2 if value <= stats["median"] else 3 if value <= stats["q3"] else 4


def position_text(value: float, limited: bool, stats: dict[str, float]) -> str:
    """The position in words: "oberes Viertel", "nicht eingeordnet (◊)", "– (nur 3 Werte)"."""
    if limited:
        return f"nicht eingeordnet ({LIMITED_SYMBOL})"
    position = quartile_position(value, stats)
    if position is None:
        return "–" if pd.isna(value) else f"– (nur {stats['n']} Werte)"
    if value == stats["q1"] == stats["q3"]:  # the middle half is this one value: no quarter of its own
        return ON_THE_MEDIAN
    return POSITIONS[position]


BENCHMARK_KEYS = tuple(key for key, indicator in INDICATORS.items() if indicator.kind != "status")


@memoised
def district_benchmarks(
    data: AqbData, selection: Selection, chosen: tuple[str, ...] = (), as_of: date | None = None
) -> pd.DataFrame:
    """One district against its structural group and the chosen set, one row per indicator (`keys`): its value,
    its flag of limited significance, and per peer set (`PEER_SETS` prefixes) median, q1, q3, n, n_limited and
    the position in words. `attrs["peers"]` holds the `Peers` compared with."""
    if not selection.ags:
        raise ValueError("a district must be selected")
    comparison = district_comparison(data, selection, as_of)
    own = comparison.set_index("ags").loc[selection.ags]
    sets = peer_sets(selection.ags, tuple(a for a in chosen if a != selection.ags))
    rows = []
    for key in BENCHMARK_KEYS:
        limited = key in own["limited"]
        row: dict[str, object] = {
            "indicator": key,
            "label": INDICATORS[key].label,
            "kind": INDICATORS[key].kind,
            "value": own[key],
            "flag": limited_flag(own, key),
        }
        for peers in sets:
            stats = peer_statistics(comparison, key, peers.members)
            row.update({f"{peers.key}_{name}": value for name, value in stats.items()})
            row[f"{peers.key}_position"] = position_text(own[key], limited, stats)
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs["peers"] = sets
    return frame


def peers_note(frame: pd.DataFrame) -> str:
    """What the peer columns of `district_benchmarks` count, in one German sentence per set."""
    sentences = []
    for peers in frame.attrs["peers"]:
        names = ", ".join(district_label(ags) for ags in peers.members)
        limited = int(frame[f"{peers.key}_n_limited"].sum())
        left_out = f"; ohne {limited} Werte mit {LIMITED_SYMBOL} (eingeschränkt aussagekräftig)" if limited else ""
        sentences.append(f"{peers.label}: {names}{left_out}.")
    return (
        " ".join(sentences) + " Median und Quartile über die Werte der Gruppe, die Gebietskörperschaft eingeschlossen."
    )


def group_summary(comparison: pd.DataFrame, key: str, chosen: tuple[str, ...] = ()) -> pd.DataFrame:
    """Median and quartiles of one indicator in each structural group, in Hessen and (if any) the chosen set:
    one row per set with group, members (names), q1, median, q3, n, n_limited, n_missing."""
    districts = load_districts()
    sets = [(group, tuple(districts.loc[districts["group"] == group, "ags"])) for group in GROUPS]
    sets.append(("Hessen (alle 26)", tuple(districts["ags"])))
    if chosen:
        sets.append((f"Freie Auswahl ({len(chosen)})", chosen))
    rows = [
        {"group": name, "members": ", ".join(district_label(a) for a in members)}
        | peer_statistics(comparison, key, members)
        for name, members in sets
    ]
    return pd.DataFrame(rows)


def limited_note(comparison: pd.DataFrame, sets: dict[str, tuple[str, ...]]) -> str:
    """Sums over several districts include values of limited significance: one German sentence counting them per
    indicator and set (e.g. "Regierungsbezirk Kassel"), or "" where there are none."""
    parts = []
    for key, minimum in MINIMUMS.items():
        counts = [
            f"{int(n)} in {name}"
            for name, members in sets.items()
            if (n := (flagged(comparison, key) & comparison["ags"].isin(members)).sum())
        ]
        if counts:
            parts.append(f"{minimum.label} ({', '.join(counts)})")
    if not parts:
        return ""
    return (
        f"In den Summen enthalten sind Gebietskörperschaften, deren eigener Wert {LIMITED_TEXT} ist "
        f"({LIMITED_SYMBOL}): {'; '.join(parts)}."
    )


def groups_method_text() -> str:
    """How districts are grouped and placed among their peers, in German Markdown (the methods page prints it,
    from the bounds in force)."""
    bounds = ", ".join(label for _, label in DENSITY_GROUPS)
    return (
        "Eine Gebietskörperschaft wird mit ähnlichen verglichen, nicht nur mit ihrem Regierungsbezirk und Hessen. Die "
        f"**Vergleichsgruppen** beruhen allein auf öffentlichen Zahlen des Statistischen Bundesamts: die fünf "
        f"kreisfreien Städte bilden eine Gruppe ({CITY_GROUP}); die 21 Landkreise sind nach ihrer Einwohnerdichte "
        f"(Einwohner 31.12.2021 ÷ Fläche 31.12.2018) geteilt: {bounds}. 150 Einw./km² ist die Dichtegrenze der "
        "siedlungsstrukturellen Kreistypen des BBSR, 300 Einw./km² etwa die Dichte Hessens (298).\n\n"
        "Zusätzlich lässt sich auf *Vergleich* und *Zielerreichung* eine **eigene Vergleichsauswahl** treffen; sie "
        "steht im Link. Für jede Kennzahl stehen dort **Median** und **Quartile** der Gruppe und der Auswahl – die "
        "gewählte Gebietskörperschaft eingeschlossen – und ihre **Lage**: im unteren Viertel (bis zum unteren "
        "Quartil), im zweiten (bis zum Median), im dritten (bis zum oberen Quartil) oder im oberen Viertel. Die "
        "Quartile sind linear zwischen den geordneten Werten gebildet. Ein Wert auf dem Median liegt im zweiten "
        f"Viertel; sind unteres und oberes Quartil gleich und der Wert ebenso, heißt die Lage „{ON_THE_MEDIAN}“. "
        "Werte mit "
        f"{LIMITED_SYMBOL} ({LIMITED_TEXT}) und fehlende Werte zählen nicht mit, ihre Zahl steht daneben; bei "
        f"weniger als {MIN_PEERS} Werten wird keine Lage angegeben."
    )
