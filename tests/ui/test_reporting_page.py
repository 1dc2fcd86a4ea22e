"""The page „Berichtseingang“ through AppTest on a store with hand-made reports: statuses as symbol, word and
date, the late and missing reports first, the reminder texts, and no "nan" anywhere; the warning on Zielerreichung."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from aqb_data.analysis.indicators import Selection
from aqb_data.analysis.reporting import ReportStatus, report_status, status_counts
from aqb_data.domain.calendar import CALENDAR_ENV, load_calendar
from aqb_data.store.database import open_store
from tests.factory import agreements_table, progress_table, projects_table

ROOT = Path(__file__).resolve().parents[2]
KASSEL, FULDA = "06611", "06631"
JUNE, SEPTEMBER = date(2025, 6, 30), date(2025, 9, 30)
OUTSIDE = ReportStatus.OUTSIDE


@pytest.fixture
def store_with_reports(fresh_db: Path) -> Path:
    """Hand-made rows for 2025 beside the real ones kept: Kassel reported at 30.06. on the due day and at 30.09.;
    Fulda at 30.06. one day late and neither at 31.03. nor at 30.09."""
    store = open_store(fresh_db)
    store.remove_synthetic()
    progress = progress_table(
        [
            (KASSEL, 2025, "Werkstatt", JUNE, 10_000.0),
            (KASSEL, 2025, "Werkstatt", SEPTEMBER, 20_000.0),
            (FULDA, 2025, "Coaching", JUNE, 9_000.0),
        ]
    ).drop(columns="demo")
    progress["received"] = pd.to_datetime(["2025-07-30", "2025-10-20", "2025-07-31"]).astype("datetime64[us]")
    tables = {
        "agreements": agreements_table([(KASSEL, 2025, 100_000.0), (FULDA, 2025, 80_000.0)]).drop(columns="demo"),
        "projects": projects_table(
            [(KASSEL, 2025, 1, "Werkstatt", 40_000.0), (FULDA, 2025, 2, "Coaching", 30_000.0)]
        ).drop(columns="demo"),
        "progress": progress,
    }
    store.import_tables(tables, "berichte.xlsx", "digest-berichte")
    return fresh_db


def _open(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "info", "success", "code") for e in at.get(kind)]
    parts += [frame.value.to_string() for frame in at.dataframe]
    return "\n".join(str(p) for p in parts)


def test_the_page_shows_each_report_s_status_the_late_ones_first_and_a_reminder(store_with_reports: Path) -> None:
    at = _open("app_pages/berichtseingang.py", jahr="2025")
    at.date_input(key="auswertungstag").set_value(date(2025, 11, 15)).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value.startswith("Berichtseingang 2025")
    # The counts are the engine's, over every 2025 agreement left in the store (also the real ones kept).
    data = open_store(store_with_reports).load()
    frame = report_status(data, Selection(2025), load_calendar(), date(2025, 11, 15))
    shown = {m.label: m.value for m in at.metric}
    assert shown == {f"{s.symbol} {s.label}": str(n) for s, n in status_counts(frame).items() if s is not OUTSIDE}
    late = at.dataframe[0].value
    statuses = list(late["Status"])
    first_late = next(i for i, s in enumerate(statuses) if s.startswith("◑"))
    assert all(s.startswith("✗") for s in statuses[:first_late])  # missing first, then late
    fulda = late[late["Gebietskörperschaft"] == "Fulda"]
    assert list(fulda["Status"]) == [
        "✗ fehlt – 199 Tage überfällig",  # 31.03., due 30.04.
        "✗ fehlt – 16 Tage überfällig",  # 30.09., due 30.10., 16 days before the evaluation day
        "◑ verspätet eingegangen am 31.07.2025 (1 Tag nach Frist)",
    ]
    kassel = late[late["Gebietskörperschaft"] == "Kassel (Stadt)"]
    assert list(kassel["Status"]) == ["✗ fehlt – 199 Tage überfällig"]  # 31.03. only: 30.06. came on the due day
    grid = at.dataframe[1].value.set_index("Gebietskörperschaft")
    assert grid.loc["Kassel (Stadt)", "30.06.2025"] == "✓ eingegangen am 30.07.2025"
    assert grid.loc["Kassel (Stadt)", "31.12.2025"] == "○ noch nicht fällig"
    reminder = next(code.value for code in at.code if code.value.splitlines()[0].endswith("– Fulda"))
    assert "- Stichtag 30.09.2025, fällig am 30.10.2025, seit 16 Tagen überfällig" in reminder
    assert "nan" not in _texts(at).lower().replace("finanz", "")


def test_a_broken_calendar_is_said_and_the_default_used(
    store_with_reports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "kalender.toml"
    broken.write_text('[standard]\nstichtage = ["30.06.", "31.02."]\n', encoding="utf-8")
    monkeypatch.setenv(CALENDAR_ENV, str(broken))
    at = _open("app_pages/berichtseingang.py", jahr="2025")
    warning = at.warning[0].value
    assert "Zeile 2" in warning and "31.02." in warning and "Standardkalender" in warning
    assert "30.09.2025" in at.dataframe[1].value.columns  # the default calendar's Stichtage


def test_zielerreichung_warns_which_districts_have_not_reported_at_the_stichtag(store_with_reports: Path) -> None:
    at = _open("app_pages/zielerreichung.py", jahr="2025")
    warnings = [w.value for w in at.warning]
    assert any(
        "1 Gebietskörperschaft hat zum 30.09.2025 nicht berichtet; ihre Zahlen stammen aus älteren Berichten: "
        "Fulda (30.06.2025)." in w
        for w in warnings
    ), warnings
    districts = at.dataframe[0].value.set_index("Gebietskörperschaft")
    assert districts.loc["Fulda", "Bericht"] == "⚠ Bericht vom 30.06.2025"
