"""All projects in one table: every project of the selection with its achievement, Träger and target group, and the
same indicators per Träger and per target group.

Nothing is computed twice. The rows are `achievement(…, "project")`; the aggregations sum the very numerators and
denominators `achievement` sums from project to Land (`achievement.project_rows`), so a Träger's occupancy is
Σ entries ÷ Σ planned places over its projects with both, never an average of its projects' rates.

Target groups are kept as the districts write them and beside that folded to a short list of categories by the
keywords in `data/zielgruppen.toml` (first match wins); what matches none is "Sonstige (wie berichtet)".
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from aqb_data import paths

# The numerators and denominators `achievement` sums (and how it turns them into rates): summed here the same way,
# so that a Träger or target group is one more level of the same aggregation, not a second calculation.
from aqb_data.analysis.achievement import (
    RATE_SUMS,
    THRESHOLDS,
    achievement,
    project_rows,
    status_of,
    with_rates,
)
from aqb_data.analysis.indicators import Selection, measure_label
from aqb_data.analysis.significance import LIMITED_SYMBOL, LIMITED_TEXT, MINIMUMS, limited_columns
from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.domain.formatting import format_number, format_percent
from aqb_data.paths import PROJECT_ROOT, TARGET_GROUPS

NO_ENTRY = "ohne Angabe"
OTHER_TARGET_GROUP = "Sonstige (wie berichtet)"
# Underused: occupancy below the status threshold "im Verzug" (the number the traffic light uses). The "beobachten"
# threshold (80 %) would flag two thirds of the demo's projects: a list that long answers no question.
UNDERUSED_BELOW = THRESHOLDS.occupancy_behind
UNDERUSED_SYMBOL = "▼"
UNDERUSED_FLAG = f"{UNDERUSED_SYMBOL} unterausgelastet"
# Summed per project beside the money (which is summed in cents).
_RATIO_SUMS = [name for name in RATE_SUMS if name not in ("planned_eur", "spent_eur")]


# ---------------------------------------------------------------------------------------------------------------
# Target groups
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetGroupRule:
    """One category of the short list and the keywords (normalised, lower case) that put a written group in it."""

    name: str
    keywords: tuple[str, ...]


def _normalised(text: str) -> str:
    """Text compared case-insensitively, with one space between words (`Jugendliche  unter 25` → `jugendliche
    unter 25`)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


@functools.cache
def target_group_rules(path: Path | None = None) -> tuple[TargetGroupRule, ...]:
    """The categories of `data/zielgruppen.toml` (`paths.TARGET_GROUPS` when called, or `path`) in the order of the
    file; a German ValueError naming the file and the entry where it cannot be used."""
    path = paths.TARGET_GROUPS if path is None else path
    where = f"Die Zielgruppen-Datei {path.name}"
    try:
        settings = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ValueError(f"{where} lässt sich nicht lesen ({error.strerror or 'Lesefehler'}).") from error
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as error:
        raise ValueError(f"{where} ist keine gültige TOML-Datei: {str(error)[:200]}") from error
    groups = settings.get("gruppe")
    if not isinstance(groups, list) or not groups:
        raise ValueError(f"{where} enthält keine Gruppe ([[gruppe]] mit name und stichworte).")
    rules = []
    for number, group in enumerate(groups, start=1):
        name = group.get("name") if isinstance(group, dict) else None
        keywords = group.get("stichworte") if isinstance(group, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f'{where}: Gruppe {number} hat keinen Namen (name = "…").')
        if (
            not isinstance(keywords, list)
            or not keywords
            or not all(isinstance(k, str) and _normalised(k) for k in keywords)
        ):
            raise ValueError(f"{where}: Gruppe {number} („{name.strip()[:80]}“) braucht eine Liste von Stichworten.")
        rules.append(TargetGroupRule(name.strip(), tuple(_normalised(k) for k in keywords)))
    return tuple(rules)


def fold_target_group(written: object, rules: Iterable[TargetGroupRule] | None = None) -> str:
    """The category of a target group as written: the first rule with a keyword in it, "Sonstige (wie berichtet)"
    if none has, "ohne Angabe" for no target group."""
    if written is None or (not isinstance(written, str) and pd.isna(written)) or not str(written).strip():
        return NO_ENTRY
    text = _normalised(str(written))
    for rule in target_group_rules() if rules is None else rules:
        if any(keyword in text for keyword in rule.keywords):
            return rule.name
    return OTHER_TARGET_GROUP


def _shown_path(path: Path) -> str:
    """A shipped file's path relative to the project (never the server's full path)."""
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return path.name


_RULES_FILE = _shown_path(TARGET_GROUPS)


def target_group_rules_text(rules: Iterable[TargetGroupRule] | None = None, escape: Callable[[str], str] = str) -> str:
    """How target groups are folded, in German Markdown, from the rules in force (the methods page prints it);
    `escape` makes the file's names and keywords plain Markdown text (the page passes its escaping)."""
    rules = target_group_rules() if rules is None else tuple(rules)
    lines = [f"- **{escape(rule.name)}**: {', '.join(f'„{escape(k)}“' for k in rule.keywords)}" for rule in rules]
    return (
        "Die Zielgruppe steht so in der Tabelle, wie die Gebietskörperschaft sie berichtet, und daneben "
        "zusammengefasst zu einer kurzen Liste. Eine Zielgruppe gehört zur ersten Gruppe dieser Liste, von deren "
        "Stichworten eines in ihr vorkommt (Groß- und Kleinschreibung zählen nicht; die besonderen Gruppen stehen "
        "vor den allgemeinen, so zählt „Junge Geflüchtete“ zu den Geflüchteten):\n\n"
        + "\n".join(lines)
        + f"\n\nPasst keine Gruppe, heißt die Zielgruppe „{OTHER_TARGET_GROUP}“; ohne Zielgruppe „{NO_ENTRY}“. "
        f"Die Liste steht in `{_RULES_FILE}` und lässt sich dort ändern."
    )


# ---------------------------------------------------------------------------------------------------------------
# Every project
# ---------------------------------------------------------------------------------------------------------------


@memoised
def all_projects(data: AqbData, selection: Selection, as_of: date | None = None) -> pd.DataFrame:
    """Every planned project of the selection's year and measure types in its districts (all of Hessen unless a
    Regierungsbezirk or district is chosen), as of a Stichtag (latest if None), ordered by district, measure type
    and project.

    Columns: the rows of `achievement(…, "project", as_of)` (rates, status, report_flag, significance_flag,
    limited, …) and district (label), regierungsbezirk, measure_label, provider (Träger, as written),
    target_group (as written), target_group_folded, planned_places, entries, occupancy_limited (the occupancy is
    flagged as resting on too few places), underused (see `underused_rule_text`), underused_flag (its text, ""
    when not), and the numerators and denominators `achievement` sums (n_…, d_…) for `by_provider` and
    `by_target_group`.
    """
    projects = achievement(data, selection, "project", as_of)
    parts = project_rows(data, selection, as_of)[
        ["ags", "project", "label", "regierungsbezirk", "provider", "target_group", "planned_places", "entries"]
        + _RATIO_SUMS
    ]
    frame = projects.merge(parts, on=["ags", "project"], how="left", validate="1:1").rename(
        columns={"label": "district"}
    )
    frame["measure_label"] = frame["measure_type"].map(measure_label).astype("str")
    rules = target_group_rules()
    # Each target group as written folded once: a hundred projects share a handful of them.
    folded = {value: fold_target_group(value, rules) for value in frame["target_group"].dropna().unique()}
    frame["target_group_folded"] = pd.Series(
        [folded.get(value, NO_ENTRY) if pd.notna(value) else NO_ENTRY for value in frame["target_group"]],
        index=frame.index,
        dtype="str",
    )
    for count in ("planned_places", "entries"):
        frame[count] = frame[count].astype("float64")
    frame["occupancy_limited"] = pd.Series(
        ["occupancy" in keys for keys in frame["limited"]], index=frame.index, dtype=bool
    )
    frame["underused"] = frame["occupancy"].lt(UNDERUSED_BELOW).fillna(False).astype(bool)
    frame["underused_flag"] = pd.Series(
        np.where(frame["underused"], UNDERUSED_FLAG, ""), index=frame.index, dtype="str"
    )
    return frame.sort_values(["district", "measure_type", "project"], ignore_index=True)


def underused_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of `all_projects` with the underused projects first, lowest occupancy first, those whose occupancy
    rests on too few places (◊) after the evidence-backed ones; then the others by occupancy (none last). Ties keep
    their order."""
    rank = np.where(frame["underused"] & ~frame["occupancy_limited"], 0, np.where(frame["underused"], 1, 2))
    ordered = frame.assign(_rank=rank).sort_values(["_rank", "occupancy"], na_position="last", kind="stable")
    return ordered.drop(columns="_rank").reset_index(drop=True)


def provider_names(frame: pd.DataFrame) -> pd.Series:
    """Each row's Träger as grouped and filtered: as written, "ohne Angabe" where there is none."""
    return _named(frame["provider"])


def _named(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    return text.where(values.notna() & text.ne(""), NO_ENTRY)


def filter_projects(
    frame: pd.DataFrame,
    providers: Iterable[str] = (),
    target_groups: Iterable[str] = (),
    statuses: Iterable[str] = (),
    hide_limited: bool = False,
) -> pd.DataFrame:
    """The rows of `all_projects` of the chosen Träger (`provider_names`), folded target groups and statuses (none
    chosen: all), without the rows flagged as of limited significance if `hide_limited`."""
    keep = pd.Series(True, index=frame.index)
    for values, chosen in (
        (provider_names(frame), providers),
        (frame["target_group_folded"], target_groups),
        (frame["status"], statuses),
    ):
        chosen = list(chosen)
        if chosen:
            keep &= values.isin(chosen)
    if hide_limited:
        keep &= frame["significance_flag"].eq("")
    return frame[keep].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------------
# Per Träger and per target group
# ---------------------------------------------------------------------------------------------------------------


def _cents(values: pd.Series) -> pd.Series:
    """Euros as whole cents in float (exact integers): their sum is exact to the cent."""
    return (values.astype("float64") * 100).round()


def _aggregate(frame: pd.DataFrame, keys: pd.Series, name: str) -> pd.DataFrame:
    """The rows of `all_projects` summed per key, the rates from the sums (as `achievement` aggregates)."""
    work = frame.assign(
        _key=keys.to_numpy(),
        _planned=_cents(frame["planned_eur"]),
        _spent=_cents(frame["spent_eur"]),
        _limited=frame["significance_flag"].ne(""),
    )
    grouping = work.groupby("_key", sort=False)
    sums = grouping[_RATIO_SUMS].sum(min_count=1)
    result = sums.assign(
        n_projects=grouping.size(),
        n_districts=grouping["ags"].nunique(),
        planned_eur=(grouping["_planned"].sum(min_count=1) / 100).round(2),
        spent_eur=(grouping["_spent"].sum(min_count=1) / 100).round(2),
        planned_places=grouping["planned_places"].sum(min_count=1),
        entries=grouping["entries"].sum(min_count=1),
        n_underused=grouping["underused"].sum().astype("int64"),
        n_limited=grouping["_limited"].sum().astype("int64"),
    )
    result = with_rates(result)
    result["status"] = [status_of(d, o) for d, o in zip(result["deviation"], result["occupancy"], strict=True)]
    # The sum's own significance: a Träger with one small project rests on as few cases as that project.
    result["n_places"] = result["d_places"]
    result["n_exits"] = result["d_exits"]
    result["n_exits_dropouts"] = result["d_exits_dropouts"]
    result["n_participants"] = result["d_cost_entries"]
    result["limited"], result["significance_flag"] = limited_columns(result)
    result["note"] = [
        limited_note(n, total) for n, total in zip(result["n_limited"], result["n_projects"], strict=True)
    ]
    result = result.reset_index().rename(columns={"_key": name})
    result[name] = result[name].astype("str")
    return result.sort_values(["planned_eur", name], ascending=[False, True], na_position="last", ignore_index=True)


def by_provider(frame: pd.DataFrame) -> pd.DataFrame:
    """Per Träger (`provider_names`) of the rows of `all_projects`: n_projects, n_districts, planned_eur, spent_eur
    (to the cent), planned_places, entries, the rates of `achievement` from summed numerators and denominators
    (spending_rate, expected_rate, deviation, occupancy, transition_rate, dropout_rate, cost_per_participant),
    status, the sum's own significance_flag, n_underused, n_limited (projects flagged ◊) and note; largest
    planned amount first."""
    return _aggregate(frame, provider_names(frame), "provider")


def by_target_group(frame: pd.DataFrame) -> pd.DataFrame:
    """Per folded target group of the rows of `all_projects`, the columns of `by_provider` and `written`: the
    target groups as written that fold into it."""
    result = _aggregate(frame, frame["target_group_folded"], "target_group_folded")
    written = frame.groupby("target_group_folded")["target_group"].agg(
        lambda values: "; ".join(sorted({str(v).strip() for v in values.dropna() if str(v).strip()}))
    )
    result["written"] = result["target_group_folded"].map(written).fillna("").astype("str")
    return result


# ---------------------------------------------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------------------------------------------


def limited_note(n_limited: int, n_projects: int) -> str:
    """How many projects of an aggregate carry a value of limited significance, e.g. "2 von 5 Projekten mit ◊";
    "" if none."""
    if not n_limited:
        return ""
    projects = "Projekt" if n_projects == 1 else "Projekten"
    return f"{format_number(n_limited)} von {format_number(n_projects)} {projects} mit {LIMITED_SYMBOL}"


def underused_rule_text() -> str:
    """The rule for „unterausgelastet“ and for the order „Unterausgelastete zuerst“, in German (page and methods)."""
    places = MINIMUMS["occupancy"]
    return (
        f"{UNDERUSED_SYMBOL} Unterausgelastet ist ein Projekt, dessen Auslastung (Eintritte ÷ geplante Plätze) unter "
        f"{format_percent(UNDERUSED_BELOW, 0)} liegt – der Schwelle, ab der der Status „im Verzug“ lautet. Ohne "
        "berechenbare Auslastung (kein Bericht, keine geplanten Plätze) gilt es nicht als unterausgelastet. "
        "„Unterausgelastete zuerst“ ordnet diese Projekte nach Auslastung, die niedrigste zuerst; beruht die "
        f"Auslastung auf zu wenigen Plätzen (Mindestwert: {places.count} {places.what}; {LIMITED_SYMBOL} "
        f"{LIMITED_TEXT}), steht das Projekt nach den belastbaren. Danach folgen die übrigen Projekte, ebenfalls "
        "nach Auslastung."
    )


AGGREGATION_TEXT = (
    "Je Träger und je Zielgruppe werden die Projekte summiert: Geplante und verausgabte Mittel centgenau, die Quoten "
    "aus den Summen ihrer Zähler und Nenner (z. B. Auslastung = Σ Eintritte ÷ Σ geplante Plätze der Projekte mit "
    "beidem), wie für Gebietskörperschaften und Hessen – keine Durchschnitte von Quoten. Projekte mit "
    f"{LIMITED_SYMBOL} {LIMITED_TEXT}en Werten sind eingerechnet; ihre Zahl steht in der Spalte „Anmerkung“."
)


FOLDING_TEXT = (
    "Die Zielgruppen, wie die Gebietskörperschaften sie berichten, sind zu einer kurzen Liste zusammengefasst "
    f"(Stichworte in {_RULES_FILE}, Regeln auf der Seite Methodik & Quellen); was zu keiner passt, steht "
    f"unter „{OTHER_TARGET_GROUP}“. Summen und Quoten wie je Träger."
)


def summary_text(frame: pd.DataFrame, total: int | None = None) -> str:
    """The rows of `all_projects` in one German sentence: how many projects, how many underused and flagged
    (`total`: the projects before the page's filters, if they differ)."""
    shown = len(frame)
    text = (
        f"{format_number(shown)} Projekte"
        if total in (None, shown)
        else f"{format_number(shown)} von {format_number(total)} Projekten"
    )
    if shown == 0:
        return f"{text}."
    underused = int(frame["underused"].sum())
    limited = int(frame["significance_flag"].ne("").sum())
    text += (
        f", davon {format_number(underused)} {UNDERUSED_FLAG} (Auslastung unter "
        f"{format_percent(UNDERUSED_BELOW, 0)}) und {format_number(limited)} mit {LIMITED_SYMBOL} {LIMITED_TEXT}en "
        "Werten."
    )
    return text
