"""Agreement versions: the § 4 budget as signed and as amended, and which version is in force on a day.

An agreement's own row keeps the budget as signed. Each amendment (sheet „Änderungen“) sets a new budget from
its day `valid_from`, with its reason. The budget in force on a day is the latest amendment valid on or before
that day, else the signed budget; without a day, the latest version of each year (what holds at its end).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from aqb_data.domain.dataset import AqbData, memoised

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


def amendment_history(data: AqbData, year: int, ags: str) -> pd.DataFrame:
    """Every version of one agreement, oldest first: the signed budget (`valid_from` = the later signature, if
    known) and each amendment, with the change against the version before and the reason."""
    agreement = data.agreements[(data.agreements["year"] == year) & (data.agreements["ags"] == ags)]
    if agreement.empty:
        return pd.DataFrame(columns=["version", "valid_from", "budget_eur", "change_eur", "reason", "source"])
    row = agreement.iloc[0]
    signed_on = max((d for d in (row["signed_ministry"], row["signed_district"]) if pd.notna(d)), default=pd.NaT)
    first = {
        "version": "unterzeichnet",
        "valid_from": signed_on,
        "budget_eur": row["budget_eur"],
        "reason": "",
        "source": row["source"],
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
        }
        for number, amendment in enumerate(changes.itertuples(), start=1)
    ]
    frame = pd.DataFrame(rows)
    frame["change_eur"] = frame["budget_eur"].diff().round(2)
    return frame[["version", "valid_from", "budget_eur", "change_eur", "reason", "source"]]
