"""Agreement versions: the § 4 budget as signed and as amended, and which version is in force on a day.

An agreement's own row keeps the budget as signed. Each amendment (sheet „Änderungen“) sets a new budget from
its day `valid_from`, with its reason. The budget in force on a day is the latest amendment valid on or before
that day, else the signed budget; without a day, the latest version of each year (what holds at its end).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from aqb_data.domain.dataset import AqbData, memoised
from aqb_data.domain.formatting import format_date, format_eur
from aqb_data.domain.model import demo_mask, is_demo

VERSION_COLUMNS = [
    "year",
    "ags",
    "budget_eur",
    "budget_signed_eur",
    "amended",
    "valid_from",
    "reason",
    "n_amendments",
]


@memoised
def budgets_in_force(data: AqbData, day: date | None = None) -> pd.DataFrame:
    """One row per agreement: the budget in force on `day` (None: each year's latest version) beside the budget
    as signed; `amended` is True where an amendment applies, with its `valid_from` and `reason`, and
    `n_amendments` counts the year's amendments valid by then."""
    signed = data.agreements[["year", "ags", "budget_eur"]].rename(columns={"budget_eur": "budget_signed_eur"})
    amendments = data.amendments
    if day is not None:
        amendments = amendments[amendments["valid_from"] <= pd.Timestamp(day)]
    amendments = amendments.sort_values(["year", "ags", "valid_from"])
    counts = amendments.groupby(["year", "ags"]).size().rename("n_amendments").reset_index()
    latest = amendments.groupby(["year", "ags"], as_index=False).tail(1)[
        ["year", "ags", "budget_eur", "valid_from", "reason"]
    ]
    frame = signed.merge(latest, on=["year", "ags"], how="left", validate="1:1").merge(
        counts, on=["year", "ags"], how="left", validate="1:1"
    )
    frame["amended"] = frame["valid_from"].notna()
    frame["budget_eur"] = frame["budget_eur"].where(frame["amended"], frame["budget_signed_eur"]).astype("float64")
    frame["n_amendments"] = frame["n_amendments"].fillna(0).astype("int64")
    return frame[VERSION_COLUMNS].reset_index(drop=True)


HISTORY_COLUMNS = ["version", "valid_from", "budget_eur", "change_eur", "reason", "source", "demo"]


@memoised
def amendment_history(data: AqbData, year: int, ags: str) -> pd.DataFrame:
    """Every version of one agreement, oldest first: the signed budget (`valid_from` = the later signature, if
    known) and each amendment, with the change against the version before, the reason, source and demo flag.
    Columns: HISTORY_COLUMNS."""
    agreement = data.agreements[(data.agreements["year"] == year) & (data.agreements["ags"] == ags)]
    if agreement.empty:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    row = agreement.iloc[0]
    signed_on = max((d for d in (row["signed_ministry"], row["signed_district"]) if pd.notna(d)), default=pd.NaT)
    first = {
        "version": "unterzeichnet",
        "valid_from": signed_on,
        "budget_eur": row["budget_eur"],
        "reason": "",
        "source": row["source"],
        "demo": is_demo(row),
    }
    changes = data.amendments[(data.amendments["year"] == year) & (data.amendments["ags"] == ags)].sort_values(
        "valid_from"
    )
    rows = [first] + [
        {
            "version": f"Änderung {number}",
            "valid_from": amendment.valid_from,
            "budget_eur": amendment.budget_eur,
            "reason": amendment.reason if isinstance(amendment.reason, str) else "",
            "source": amendment.source,
            "demo": bool(demo),
        }
        for number, (amendment, demo) in enumerate(zip(changes.itertuples(), demo_mask(changes), strict=True), 1)
    ]
    frame = pd.DataFrame(rows)
    frame["change_eur"] = frame["budget_eur"].diff().round(2)
    frame["valid_from"] = pd.to_datetime(frame["valid_from"])
    return frame[HISTORY_COLUMNS]


def year_budgets(data: AqbData, year: int | None, day: date | None = None) -> pd.DataFrame:
    """`budgets_in_force` of one year (all years if None), with the agreement's `source` and `demo` flag beside
    it: the one place the figures take a district's § 4 budget from. Columns: VERSION_COLUMNS, source, demo."""
    frame = _every_year_budgets(data, day)
    if year is None:
        return frame
    return frame[frame["year"] == year].reset_index(drop=True)


@memoised
def _every_year_budgets(data: AqbData, day: date | None) -> pd.DataFrame:
    """`year_budgets` of every year at once: a new year is a slice of it, not another merge."""
    agreements = data.agreements
    extra = agreements[["year", "ags", "source"]].assign(demo=demo_mask(agreements).to_numpy())
    frame = budgets_in_force(data, day)
    return frame.merge(extra, on=["year", "ags"], how="left", validate="1:1").reset_index(drop=True)


def amended_hint(valid_from: object) -> str:
    """The marker of an amended budget beside its figures, e.g. `geändert am 15.07.2025` ("" if not amended)."""
    return "" if _missing(valid_from) else f"geändert am {format_date(valid_from)}"


def version_text(budget_signed_eur: object, valid_from: object) -> str:
    """Which version of a § 4 budget a figure is judged against, in German: `Haushaltsmittel laut Änderung vom
    15.07.2025; ursprünglich 773.920 €`, or `Haushaltsmittel wie unterzeichnet`."""
    if _missing(valid_from):
        return "Haushaltsmittel wie unterzeichnet"
    return f"Haushaltsmittel laut Änderung vom {format_date(valid_from)}; ursprünglich {format_eur(budget_signed_eur)}"


def versions_note(n_amended: int, budget_signed_eur: object) -> str:
    """`version_text` for a sum over several districts: how many of them count an amended budget."""
    if not n_amended:
        return "Haushaltsmittel wie unterzeichnet"
    districts = "Gebietskörperschaft" if n_amended == 1 else "Gebietskörperschaften"
    return f"{n_amended} {districts} laut Änderung; unterzeichnet zusammen {format_eur(budget_signed_eur)}"


def amendment_summary(data: AqbData, year: int, ags: str, day: date | None = None) -> dict[str, object] | None:
    """What the box „Änderung der Zielvereinbarung“ says about one agreement; None if it was never amended.

    Keys: budget_signed_eur, budget_eur (in force on `day`, or the latest version), valid_from, reason, source,
    demo (of the amendment in force, else of the latest one), in_force (an amendment applies on `day`),
    n_amendments (all of the year), later (amendments valid only after `day`, oldest first: valid_from, budget_eur).
    """
    changes = data.amendments[(data.amendments["year"] == year) & (data.amendments["ags"] == ags)]
    row = year_budgets(data, year, day)
    row = row[row["ags"] == ags]
    if changes.empty or row.empty:
        return None
    changes = changes.sort_values("valid_from")
    version = row.iloc[0]
    applied = changes[changes["valid_from"] <= pd.Timestamp(day)] if day is not None else changes
    shown = applied.iloc[-1] if len(applied) else changes.iloc[0]
    later = changes[changes["valid_from"] > pd.Timestamp(day)] if day is not None else changes.iloc[0:0]
    return {
        "budget_signed_eur": float(version["budget_signed_eur"]),
        "budget_eur": float(version["budget_eur"]),
        "valid_from": shown["valid_from"],
        "budget_amended_eur": float(shown["budget_eur"]),
        "reason": shown["reason"] if isinstance(shown["reason"], str) else "",
        "source": shown["source"],
        "demo": is_demo(shown),
        "in_force": bool(len(applied)),
        "n_amendments": len(changes),
        "later": list(zip(later["valid_from"], later["budget_eur"].astype(float), strict=True)),
    }


def _missing(value: object) -> bool:
    return value is None or value is pd.NaT or (not isinstance(value, str) and bool(pd.isna(value)))
