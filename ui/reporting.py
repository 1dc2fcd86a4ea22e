"""Reporting completeness on the pages: the page „Berichtseingang“ (one function per section) and the warning
above Zielerreichung's tables when figures rest on reports older than the chosen Stichtag."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.provenance import Shown, demo_share
from aqb_data.analysis.reporting import (
    ReportStatus,
    matrix,
    overdue,
    reminders,
    report_status,
    stale_sentence,
    status_counts,
)
from aqb_data.domain.calendar import ReportingCalendar, calendar_or_default
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_date, format_number, safe_file_stem
from aqb_data.present.views import Columns
from ui.text import escape_markdown
from ui.widgets import synthetic_notice, table

OVERDUE_COLUMNS: Columns = {
    "unit_label": ("Gebietskörperschaft", None),
    "as_of": ("Stichtag", format_date),
    "due": ("Fällig am", format_date),
    "cell": ("Status", None),
    "received": ("Eingegangen am", format_date),
    "days_late": ("Tage nach Frist", format_number),
}
REMINDER_SEPARATOR = "\n\n" + "-" * 72 + "\n\n"


def stale_warning(data: AqbData, selection: ind.Selection, as_of: date) -> None:
    """Above Zielerreichung's tables: which districts (for one district: which projects) have not reported at the
    chosen Stichtag, and from which older report their figures come (nothing when all are current)."""
    level = "project" if selection.ags else "district"
    sentence = stale_sentence(achievement(data, selection, level, as_of), as_of, level)
    if sentence:
        st.warning(escape_markdown(sentence), icon=":material/history:")


def _calendar() -> ReportingCalendar:
    """The configured calendar; a broken file is said (file, line, key, value) and the default calendar used."""
    calendar, problem = calendar_or_default()
    if problem:
        st.warning(
            f"{escape_markdown(problem)}\n\nDeshalb gilt hier der Standardkalender (31.03., 30.06., 30.09., "
            "31.12.; fällig 30 Tage nach dem Stichtag).",
            icon=":material/event_busy:",
        )
    return calendar


def _calendar_caption(calendar: ReportingCalendar, year: int) -> None:
    expected = calendar.expected(year)
    days = ", ".join(f"{format_date(r.as_of)} (fällig {format_date(r.due)})" for r in expected)
    st.caption(f"Berichtskalender {year}: {days}. Quelle: {escape_markdown(calendar.source)}.")


def _counts(frame: pd.DataFrame) -> None:
    counts = status_counts(frame)
    shown = [s for s in ReportStatus if s is not ReportStatus.OUTSIDE or counts[s]]
    for column, status in zip(st.columns(len(shown)), shown, strict=True):
        column.metric(f"{status.symbol} {status.label}", format_number(counts[status]))


def _overdue(data: AqbData, selection: ind.Selection, frame: pd.DataFrame, day: date) -> None:
    st.header("Verspätet und fehlend")
    late = overdue(frame)
    if late.empty:
        st.success(f"Bis zum {format_date(day)} ist jeder fällige Bericht pünktlich eingegangen.")
        return
    table(
        late,
        OVERDUE_COLUMNS,
        f"Verspätete und fehlende Berichte {selection.year} – {ind.scope_label(selection)}, Stand {format_date(day)}",
        data=data,
        view=selection,
        provenance=Shown.of(selection, ("agreements", "progress")),
    )


def _matrix(data: AqbData, selection: ind.Selection, frame: pd.DataFrame) -> None:
    st.header("Je Gebietskörperschaft und Stichtag")
    grid = matrix(frame)
    columns: Columns = {"unit_label": ("Gebietskörperschaft", None)}
    columns |= {name: (name, None) for name in grid.columns if name != "unit_label"}
    table(
        grid,
        columns,
        f"Berichtseingang {selection.year} – {ind.scope_label(selection)}",
        data=data,
        view=selection,
        provenance=Shown.of(selection, ("agreements", "progress")),
    )
    st.caption(
        "✓ pünktlich (am oder vor dem Fälligkeitstag) · ◑ nach dem Fälligkeitstag · ✗ fällig und nicht eingegangen · "
        "○ noch nicht fällig · ◇ Bericht zu einem Tag, der nicht im Kalender steht. Eingangstag: Spalte „Eingegangen "
        "am“ der Datei, sonst der Tag des Hochladens."
    )


def _reminders(selection: ind.Selection, frame: pd.DataFrame) -> None:
    st.header("Erinnerungen")
    texts = reminders(frame)
    if not texts:
        st.caption("Kein fälliger Bericht fehlt: keine Erinnerung nötig.")
        return
    st.caption(
        f"Je Gebietskörperschaft mit fehlendem Bericht ein Schreiben zum Kopieren (Symbol oben rechts im Feld) "
        f"oder als Textdatei; {len(texts)} insgesamt."
    )
    st.download_button(
        "Alle Erinnerungen (.txt)",
        data=REMINDER_SEPARATOR.join(texts.values()).encode("utf-8"),
        file_name=f"AQB_Erinnerungen_{selection.year}.txt",
        mime="text/plain",
        on_click="ignore",
        icon=":material/download:",
        key="reminders_all",
    )
    for name, text in texts.items():
        with st.expander(f"Erinnerung an {name}"):
            st.code(text, language=None, wrap_lines=True)
            stem = safe_file_stem(f"AQB Erinnerung {name} {selection.year}")
            st.download_button(
                "Als Textdatei",
                data=text.encode("utf-8"),
                file_name=f"{stem}.txt",
                mime="text/plain",
                on_click="ignore",
                icon=":material/download:",
                type="tertiary",
                key=f"reminder_{stem}",
            )


def reporting_page(data: AqbData, selection: ind.Selection) -> None:
    """The page „Berichtseingang“: calendar, evaluation day, counts, late and missing reports first, the matrix
    district × Stichtag, and a reminder per district with a missing report."""
    year = int(selection.year)  # type: ignore[arg-type]
    st.title(f"Berichtseingang {year} – {ind.scope_label(selection)}")
    calendar = _calendar()
    _calendar_caption(calendar, year)
    day = st.date_input(
        "Auswertungstag",
        value=date.today(),
        format="DD.MM.YYYY",
        key="auswertungstag",
        help="Bis zu diesem Tag fällige Berichte, die nicht eingegangen sind, zählen als fehlend.",
    )
    synthetic_notice(demo_share(data, Shown.of(selection, ("agreements", "progress"))))
    frame = report_status(data, selection, calendar, day)
    if frame.empty:
        st.info(f"Für {year} gibt es in der Auswahl keine Zielvereinbarung: Es wird kein Bericht erwartet.")
        return
    _counts(frame)
    _overdue(data, selection, frame, day)
    _matrix(data, selection, frame)
    _reminders(selection, frame)
