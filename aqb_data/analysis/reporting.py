"""Reporting completeness: which district's report has come in for which Stichtag, and which figures rest on
reports older than the chosen Stichtag.

A district has reported at a Stichtag when it has progress rows with that `as_of`; the day it reached the ministry
is their `received` (the store fills it with the import day where a file left it empty; of several rows the latest,
when the report was complete). A report is on time when it arrived on or before its due day. Districts with an
agreement in the year are expected to report; reports at days not in the calendar are shown too, never dropped.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

import numpy as np
import pandas as pd

from aqb_data.analysis.indicators import Selection
from aqb_data.domain.calendar import ReportingCalendar
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.districts import district_label
from aqb_data.domain.formatting import format_date, format_number


class ReportStatus(Enum):
    """The state of one expected report, with a symbol so that it never rests on colour alone."""

    MISSING = ("fehlt", "✗")
    LATE = ("verspätet eingegangen", "◑")
    RECEIVED = ("eingegangen", "✓")
    NOT_DUE = ("noch nicht fällig", "○")
    OUTSIDE = ("außerhalb des Kalenders", "◇")

    @property
    def label(self) -> str:
        """The German word for the status."""
        return self.value[0]

    @property
    def symbol(self) -> str:
        """The symbol shown beside the word."""
        return self.value[1]

    @property
    def order(self) -> int:
        """Worst first: missing, late, on time, not yet due, outside the calendar."""
        return list(ReportStatus).index(self)


def _days(count: int) -> str:
    return f"{format_number(count)} {'Tag' if count == 1 else 'Tage'}"


def status_cell(status: ReportStatus, received: object, days_late: object) -> str:
    """One report as a cell: symbol, word and date, e.g. "◑ verspätet eingegangen am 14.11.2025 (15 Tage nach
    Frist)" or "✗ fehlt – 12 Tage überfällig"."""
    text = f"{status.symbol} {status.label}"
    if status is ReportStatus.MISSING:
        return f"{text} – {_days(int(days_late))} überfällig"  # type: ignore[call-overload]
    if status in (ReportStatus.RECEIVED, ReportStatus.LATE, ReportStatus.OUTSIDE):
        text += " (Eingangstag unbekannt)" if pd.isna(received) else f" am {format_date(received)}"
    if status is ReportStatus.LATE:
        text += f" ({_days(int(days_late))} nach Frist)"  # type: ignore[call-overload]
    return text


_COLUMNS = ["year", "ags", "unit_label", "as_of", "due", "in_calendar", "received", "days_late", "status", "cell"]


def report_status(
    data: AqbData, selection: Selection, calendar: ReportingCalendar, evaluation_day: date | None = None
) -> pd.DataFrame:
    """Per district of the selection with an agreement in its year and per Stichtag of the calendar (and per day a
    district reported outside it), the report's status on `evaluation_day` (default: today).

    Columns: year, ags, unit_label, as_of, due (NaT outside the calendar), in_calendar, received (NaT: none, or
    the day is unknown), days_late (days after the due day the report came, or has been missing; else NaN),
    status (`ReportStatus`), cell (symbol, word and date as the page shows it). Sorted by district, then Stichtag."""
    year = selection.year
    today = pd.Timestamp(evaluation_day or date.today())
    agreements = data.agreements
    expected_ags = set(agreements.loc[agreements["year"] == year, "ags"]) & set(selection.districts()["ags"])
    progress = data.progress[(data.progress["year"] == year) & data.progress["ags"].isin(expected_ags)]
    if "received" not in progress:
        progress = progress.assign(received=pd.NaT)
    reports = progress.groupby(["ags", "as_of"], as_index=False).agg(received=("received", "max"))
    reports = reports.assign(reported=True, as_of=reports["as_of"].astype("datetime64[us]"))
    expected = pd.DataFrame(
        [
            {"ags": ags, "as_of": pd.Timestamp(report.as_of), "due": pd.Timestamp(report.due)}
            for ags in sorted(expected_ags)
            for report in calendar.expected(int(year))  # type: ignore[arg-type]
        ],
        columns=["ags", "as_of", "due"],
    ).astype({"as_of": "datetime64[us]", "due": "datetime64[us]"})
    frame = expected.merge(reports, on=["ags", "as_of"], how="outer", validate="1:1")
    frame["in_calendar"] = frame["due"].notna()
    frame["reported"] = frame["reported"].astype("boolean").fillna(False).astype(bool)
    # Looking back from an earlier evaluation day, a report received after it had not come yet.
    arrived_later = frame["received"].notna() & (frame["received"] > today)
    frame.loc[arrived_later, "reported"] = False
    frame.loc[arrived_later, "received"] = pd.NaT
    statuses: list[ReportStatus] = []
    late: list[float] = []
    for row in frame.itertuples():
        days = np.nan
        if not row.in_calendar:
            status = ReportStatus.OUTSIDE
        elif row.reported and pd.notna(row.received) and row.received > row.due:
            status, days = ReportStatus.LATE, (row.received - row.due).days
        elif row.reported:
            status = ReportStatus.RECEIVED
        elif today > row.due:
            status, days = ReportStatus.MISSING, (today - row.due).days
        else:
            status = ReportStatus.NOT_DUE
        statuses.append(status)
        late.append(days)
    frame["status"] = statuses
    frame["days_late"] = late
    frame["year"] = year
    frame["unit_label"] = frame["ags"].map(district_label)
    frame["cell"] = [
        status_cell(s, r, d) for s, r, d in zip(frame["status"], frame["received"], frame["days_late"], strict=True)
    ]
    return frame.sort_values(["unit_label", "as_of"], ignore_index=True)[_COLUMNS]


def status_counts(frame: pd.DataFrame) -> dict[ReportStatus, int]:
    """How many reports (rows of `report_status`) have each status, worst first (every status, also 0)."""
    counts = frame["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in ReportStatus}


def counts_line(frame: pd.DataFrame) -> str:
    """The counts in one line: `✗ 2 fehlt · ◑ 1 verspätet eingegangen · ✓ 70 eingegangen · ○ 26 noch nicht fällig`
    (reports outside the calendar only when there are any)."""
    counts = status_counts(frame)
    return " · ".join(
        f"{status.symbol} {count} {status.label}"
        for status, count in counts.items()
        if count or status is not ReportStatus.OUTSIDE
    )


def overdue(frame: pd.DataFrame) -> pd.DataFrame:
    """The late and missing reports (rows of `report_status`): missing first, then late; longest overdue first."""
    chosen = frame[frame["status"].isin([ReportStatus.MISSING, ReportStatus.LATE])]
    order = chosen["status"].map(lambda status: status.order)
    return (
        chosen.assign(_o=order, _d=-chosen["days_late"])
        .sort_values(["_o", "_d", "unit_label", "as_of"])
        .drop(columns=["_o", "_d"])
        .reset_index(drop=True)
    )


def matrix(frame: pd.DataFrame) -> pd.DataFrame:
    """District × Stichtag: one row per district (`unit_label`), one column per Stichtag (`dd.mm.yyyy`, with
    "(außerhalb des Kalenders)" for days not in it), each cell the report's `cell`; "" where no report is expected."""
    if frame.empty:
        return pd.DataFrame(columns=["unit_label"])
    heading = [
        format_date(day) + ("" if planned else " (außerhalb des Kalenders)")
        for day, planned in zip(frame["as_of"], frame["in_calendar"], strict=True)
    ]
    order = list(dict.fromkeys(h for _, h in sorted(zip(frame["as_of"], heading, strict=True))))
    table = frame.assign(_heading=heading).pivot(index="unit_label", columns="_heading", values="cell")
    return table.reindex(columns=order).fillna("").reset_index().rename_axis(columns=None)


REMINDER_SUBJECT = "Erinnerung: Umsetzungsbericht zum Ausbildungs- und Qualifizierungsbudget (AQB) {year}"


def reminder_text(rows: pd.DataFrame) -> str:
    """The German reminder to one district for its missing reports (its `MISSING` rows of `report_status`):
    district, each Stichtag with its due day and days overdue, what to send, and a polite closing."""
    first = rows.iloc[0]
    year, name = int(first["year"]), str(first["unit_label"])
    missing = rows.sort_values("as_of")
    lines = [
        f"- Stichtag {format_date(r.as_of)}, fällig am {format_date(r.due)}, seit {format_number(int(r.days_late))} "
        f"{'Tag' if int(r.days_late) == 1 else 'Tagen'} überfällig"
        for r in missing.itertuples()
    ]
    one = len(lines) == 1
    return "\n".join(
        [
            f"Betreff: {REMINDER_SUBJECT.format(year=year)} – {name}",
            "",
            "Sehr geehrte Damen und Herren,",
            "",
            f"nach § 6 der Zielvereinbarung {year} berichtet {name} dem Ministerium zu festen Stichtagen über den "
            f"Umsetzungsstand. {'Der folgende Bericht ist' if one else 'Die folgenden Berichte sind'} bei uns bisher "
            "nicht eingegangen:",
            "",
            *lines,
            "",
            f"Bitte senden Sie uns {'den Bericht' if one else 'die Berichte'} als Excel-Arbeitsmappe nach der "
            "Berichtsvorlage (Blatt „Umsetzungsstand“): je Projekt die bis zum Stichtag verausgabten Mittel, "
            "Eintritte, Austritte, Übergänge in Ausbildung, Beschäftigung und sonstige sowie Abbrüche.",
            "",
            "Sollte sich Ihr Bericht mit diesem Schreiben überschnitten haben, betrachten Sie es bitte als "
            "gegenstandslos. Für Rückfragen stehen wir Ihnen gern zur Verfügung.",
            "",
            "Vielen Dank und freundliche Grüße",
            "",
            "Hessisches Ministerium für Arbeit, Integration, Jugend und Soziales",
        ]
    )


def reminders(frame: pd.DataFrame) -> dict[str, str]:
    """Per district with a missing report (rows of `report_status`), by district name: its reminder text."""
    missing = frame[frame["status"] == ReportStatus.MISSING]
    return {str(name): reminder_text(rows) for name, rows in missing.groupby("unit_label", sort=True)}


# ---------------------------------------------------------------------------------------------------------------
# Figures from reports older than the chosen Stichtag
# ---------------------------------------------------------------------------------------------------------------

CURRENT_FLAG = "✓ zum Stichtag"
NO_REPORT_FLAG = "✗ kein Bericht"
STALE_SYMBOL = "⚠"


def report_flags(first_as_of: pd.Series, last_as_of: pd.Series, as_of: date | None) -> tuple[pd.Series, pd.Series]:
    """For units whose figures rest on reports from `first_as_of` to `last_as_of`, judged at the Stichtag `as_of`:
    whether any figure comes from a report older than it (`stale`), and the flag shown beside the figures:
    "⚠ Bericht vom 30.06.2025" (every figure older), "⚠ teils Bericht vom 31.03.2025" (some), "✓ zum Stichtag",
    "✗ kein Bericht"."""
    first, last = pd.to_datetime(first_as_of), pd.to_datetime(last_as_of)
    if as_of is None:
        day = last.max()
    else:
        day = pd.Timestamp(as_of)
    stale = (first < day) & last.notna() if pd.notna(day) else pd.Series(False, index=first.index)
    flags = []
    for begin, end, old in zip(first, last, stale, strict=True):
        if pd.isna(end):
            flags.append(NO_REPORT_FLAG)
        elif not old:
            flags.append(CURRENT_FLAG)
        elif end < day:
            dates = format_date(end) if begin == end else f"{format_date(begin)}–{format_date(end)}"
            flags.append(f"{STALE_SYMBOL} Bericht{'e' if begin != end else ''} vom {dates}")
        else:
            flags.append(f"{STALE_SYMBOL} teils Bericht vom {format_date(begin)}")
    return stale.astype(bool), pd.Series(flags, index=first.index, dtype="str")


UNIT_WORDS = {
    "district": ("Gebietskörperschaft", "Gebietskörperschaften", "ihre"),
    "measure_type": ("Maßnahmenart", "Maßnahmenarten", "ihre"),
    "project": ("Projekt", "Projekte", "seine"),
}


def stale_sentence(frame: pd.DataFrame, as_of: date, level: str = "district") -> str:
    """The warning above an achievement table (rows of `achievement` of `level`, with `stale` and `last_as_of`):
    which units have not reported at `as_of` and from which report their figures come, e.g. "3
    Gebietskörperschaften haben zum 30.09.2025 nicht berichtet; ihre Zahlen stammen aus älteren Berichten: A
    (30.06.2025), …"; "" if every figure is from a report at `as_of`."""
    day = pd.Timestamp(as_of)
    last = pd.to_datetime(frame["last_as_of"])
    older = frame[last < day].sort_values("unit_label")
    partly = frame[frame["stale"].astype(bool) & (last >= day)].sort_values("unit_label")
    singular, plural, possessive = UNIT_WORDS[level]
    parts = []
    if len(older):
        names = ", ".join(f"{r.unit_label} ({format_date(r.last_as_of)})" for r in older.itertuples())
        one = len(older) == 1
        parts.append(
            f"{len(older)} {singular if one else plural} {'hat' if one else 'haben'} zum {format_date(day)} nicht "
            f"berichtet; {possessive if one else 'ihre'} Zahlen stammen aus älteren Berichten: {names}."
        )
    if len(partly):
        names = ", ".join(f"{r.unit_label} (teils {format_date(r.first_as_of)})" for r in partly.itertuples())
        parts.append(
            f"{'Außerdem stammen' if parts else 'Es stammen'} bei {names} die Zahlen einzelner Projekte "
            "aus älteren Berichten (Spalte „Bericht“)."
        )
    return " ".join(parts)
