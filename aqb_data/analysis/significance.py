"""Limited significance: a ratio over too few cases is not evidence. Below a stated minimum of its denominator a
ratio is flagged "eingeschränkt aussagekräftig" wherever it appears, shown but not ranked, and counted apart in the
notes of aggregates (as the SGB II Kennzahlen mark "Werte mit eingeschränkter Aussagekraft")."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from aqb_data.domain.formatting import format_number

LIMITED_SYMBOL = "◊"
LIMITED_TEXT = "eingeschränkt aussagekräftig"


@dataclass(frozen=True)
class Minimum:
    """The least denominator a ratio needs to count as evidence: `count` of `what` (German, plural; `one`: the
    singular)."""

    label: str  # the ratio's German name
    denominator: str  # the column of `achievement` (or the comparison) holding the denominator
    count: int
    what: str
    one: str

    def cases(self, value: object) -> str:
        """A number of cases with its noun, e.g. `6 Austritte`, `1 Austritt`, `0 geplante Plätze`."""
        number = pd.to_numeric(value, errors="coerce")
        number = 0 if pd.isna(number) else number
        return f"{format_number(number)} {self.one if number == 1 else self.what}"


MINIMUMS = {
    "occupancy": Minimum("Auslastung", "n_places", 5, "geplante Plätze", "geplanter Platz"),
    "transition_rate": Minimum("Übergangsquote", "n_exits", 10, "Austritte", "Austritt"),
    "dropout_rate": Minimum("Abbruchquote", "n_exits_dropouts", 10, "Austritte", "Austritt"),
    "cost_per_participant": Minimum("Kosten je Teilnehmer/in", "n_participants", 10, "Eintritte", "Eintritt"),
    "planned_per_place": Minimum(
        "Geplante Mittel je Platz", "n_places_planned", 5, "geplante Plätze", "geplanter Platz"
    ),
}


def is_limited(values: pd.Series, denominators: pd.Series, key: str) -> pd.Series:
    """Whether each value of ratio `key` rests on fewer cases than its minimum (a missing value is not flagged:
    it is shown as "–" and says so itself)."""
    minimum = MINIMUMS[key]
    known = pd.to_numeric(values, errors="coerce").notna()
    cases = pd.to_numeric(denominators, errors="coerce").fillna(0)
    return (known & cases.lt(minimum.count)).astype(bool)


def limited_columns(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """For the rows of a table holding ratios and their denominators (`MINIMUMS`): the keys of the ratios flagged
    in each row (a tuple, empty when all hold) and the flag shown beside them, e.g.
    "◊ eingeschränkt aussagekräftig: Übergangsquote (6 Austritte)"."""
    keys = [key for key, minimum in MINIMUMS.items() if key in frame and minimum.denominator in frame]
    flagged = {key: is_limited(frame[key], frame[MINIMUMS[key].denominator], key) for key in keys}
    limited, flags = [], []
    for position in range(len(frame)):
        row = tuple(key for key in keys if flagged[key].iloc[position])
        limited.append(row)
        # Ratios over the same cases share them: "Übergangsquote, Abbruchquote (9 Austritte)".
        cases: dict[str, list[str]] = {}
        for key in row:
            minimum = MINIMUMS[key]
            count = minimum.cases(frame[minimum.denominator].iloc[position])
            cases.setdefault(count, []).append(minimum.label)
        parts = [f"{', '.join(labels)} ({count})" for count, labels in cases.items()]
        flags.append(f"{LIMITED_SYMBOL} {LIMITED_TEXT}: {', '.join(parts)}" if parts else "")
    return pd.Series(limited, index=frame.index, dtype="object"), pd.Series(flags, index=frame.index, dtype="str")


def minimums_text() -> str:
    """The minimums in force, in German Markdown (the methods page reads them here, so it cannot drift)."""
    lines = [f"- **{minimum.label}**: unter {minimum.count} {minimum.what}" for minimum in MINIMUMS.values()]
    return (
        f"Eine Quote über zu wenige Fälle ist kein Beleg. Sie wird mit {LIMITED_SYMBOL} und dem Text "
        f"„{LIMITED_TEXT}“ gekennzeichnet, wenn ihr Nenner unter dem Mindestwert liegt:\n\n"
        + "\n".join(lines)
        + "\n\nGekennzeichnete Werte werden gezeigt, aber nicht in Rangfolgen eingeordnet und nicht in Median und "
        "Quartile einer Vergleichsgruppe eingerechnet; Summen über mehrere Einheiten (Regierungsbezirk, Hessen) "
        "enthalten sie, ihre Anzahl steht in der Anmerkung."
    )
