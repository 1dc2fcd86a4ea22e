"""Preparing the autumn review in the browser: a late report is flagged where its figures are shown, listed on
Berichtseingang with a reminder to send, and an action agreed on the district page is kept, done and undone.

On the bundled demo data the Werra-Meißner-Kreis has not sent its report for 30.09.2025 (its latest is of
30.06.2025) and Waldeck-Frankenberg none for 2025. Needs Debian's chromium; skipped with a reason where it is missing.
"""

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean, download, open_page, shot, wait_until_idle

pytestmark = NEEDS_CHROMIUM

WERRA = "Werra-Meißner-Kreis"
FLAG = "⚠ Bericht vom 30.06.2025"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("herbst") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


def csv_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a downloaded CSV file (German Excel: semicolons, UTF-8 with BOM) by column heading."""
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def alert(page: object, containing: str) -> str:
    """The text of the first message box containing `containing` (without its icon's name)."""
    box = page.locator('[data-testid="stAlert"]').filter(has_text=containing).first
    return box.locator('[data-testid="stMarkdownContainer"]').inner_text().strip()


def table_csv(page: object, heading: str, folder: Path) -> list[dict[str, str]]:
    """Download the CSV file of the first table after the subheading `heading`."""
    title = page.get_by_role("heading", name=heading, exact=True)
    button = title.locator("xpath=following::button[contains(., 'CSV')][1]")
    return csv_rows(download(page, button, folder))


def test_zielerreichung_flags_the_figures_of_a_district_that_has_not_reported(
    server: str, page: object, tmp_path: Path
) -> None:
    open_page(page, f"{server}/zielerreichung?jahr=2025&stichtag=30.09.2025")
    assert page.locator("h1").first.inner_text() == "Zielerreichung 2025 – Hessen"
    assert alert(page, "nicht berichtet") == (
        "1 Gebietskörperschaft hat zum 30.09.2025 nicht berichtet; ihre Zahlen stammen aus älteren Berichten: "
        "Werra-Meißner-Kreis (30.06.2025)."
    )
    rows = {row["Gebietskörperschaft"]: row for row in table_csv(page, "Gebietskörperschaften", tmp_path)}
    assert rows[WERRA]["Bericht"] == FLAG
    assert rows["Bergstraße"]["Bericht"] == "✓ zum Stichtag"
    assert_clean(page)
    shot(page, "herbst_zielerreichung")

    open_page(page, f"{server}/zielerreichung?jahr=2025&stichtag=30.09.2025&kreis={quote(WERRA)}")
    assert page.locator("h1").first.inner_text() == f"Zielerreichung 2025 – {WERRA}"
    assert alert(page, "nicht berichtet").startswith("3 Projekte haben zum 30.09.2025 nicht berichtet")
    projects = table_csv(page, "Projekte", tmp_path)
    assert len(projects) == 3 and {row["Bericht"] for row in projects} == {FLAG}
    assert_clean(page)


def test_berichtseingang_lists_the_missing_report_with_a_reminder(server: str, page: object, tmp_path: Path) -> None:
    open_page(page, f"{server}/berichtseingang?jahr=2025", wait_for_chart=False)
    assert page.locator("h1").first.inner_text() == "Berichtseingang 2025 – Hessen"
    # The day of the autumn meeting, so that the 31.12. report is not yet due whatever day the test runs.
    page.get_by_role("spinbutton", name="day, Auswertungstag").click()
    page.keyboard.type("15112025")  # the field moves on to month and year by itself
    page.locator("h1").click()  # the date counts once the field is left
    page.locator('[data-testid="stMetric"]').filter(has_text="noch nicht fällig").filter(has_text="26").wait_for(
        timeout=30_000
    )
    missing = [
        (row["Gebietskörperschaft"], row["Stichtag"], row["Tage nach Frist"])
        for row in table_csv(page, "Verspätet und fehlend", tmp_path)
        if row["Status"].startswith("✗ fehlt")
    ]
    assert sorted(missing) == [
        ("Waldeck-Frankenberg", "30.06.2025", "108"),
        ("Waldeck-Frankenberg", "30.09.2025", "16"),
        ("Waldeck-Frankenberg", "31.03.2025", "199"),
        (WERRA, "30.09.2025", "16"),
    ]
    reminders = page.locator('[data-testid="stExpander"]').filter(has_text="Erinnerung an")
    assert reminders.count() == 2
    reminder = reminders.filter(has_text=f"Erinnerung an {WERRA}")
    reminder.get_by_text(f"Erinnerung an {WERRA}").click()
    text = reminder.locator('[data-testid="stCode"]').inner_text()
    assert text.startswith("Betreff:") and f"– {WERRA}" in text.splitlines()[0]
    assert "- Stichtag 30.09.2025, fällig am 30.10.2025, seit 16 Tagen überfällig" in text
    assert "30.06.2025" not in text  # that report came in
    saved = download(page, reminder.get_by_role("button", name="Als Textdatei"), tmp_path)
    assert saved.read_text(encoding="utf-8") == text.strip()
    assert_clean(page)
    shot(page, "herbst_berichtseingang")


def test_an_agreed_action_is_kept_done_and_undone_on_verlauf(server: str, page: object) -> None:
    action = "Kreis legt bis 30.11. einen Plan zur Nachsteuerung der Digitalen Grundbildung vor (Test)."
    open_page(page, f"{server}/gebietskoerperschaft?jahr=2025&kreis={quote(WERRA)}")
    page.get_by_text("Notiz oder vereinbarte Maßnahme hinzufügen").click()
    page.get_by_text("Vereinbarte Maßnahme", exact=True).click()
    page.get_by_label("Text").fill(action)
    page.get_by_role("button", name="Speichern").click()
    page.locator('[data-testid="stAlert"]').filter(has_text="gespeichert").wait_for(timeout=30_000)
    wait_until_idle(page)  # the message comes early in the run; the list of notes after it
    number = alert(page, "gespeichert").removeprefix("Vereinbarte Maßnahme Nr. ").split(" ", 1)[0]
    assert number.isdigit()
    card = page.locator('[data-testid="stVerticalBlock"]').filter(has_text=action).last
    assert f"Vereinbarte Maßnahme Nr. {number}" in card.inner_text() and "offen" in card.inner_text()

    card.get_by_role("button", name="Als erledigt markieren").click()
    page.get_by_text(f"Maßnahme Nr. {number} ist als erledigt markiert.").wait_for(timeout=30_000)
    wait_until_idle(page)
    card = page.locator('[data-testid="stVerticalBlock"]').filter(has_text=action).last
    card.get_by_role("button", name="Wieder öffnen").wait_for(timeout=30_000)
    assert "● erledigt" in card.inner_text()
    assert_clean(page)

    open_page(page, f"{server}/verlauf", wait_for_chart=False)
    page.get_by_role("button", name="Letzten Import rückgängig machen").click()
    popover = page.locator('[data-testid="stPopoverBody"]')
    assert f"Vereinbarte Maßnahme Nr. {number} – {WERRA} 2025" in popover.inner_text()
    popover.get_by_role("button", name="Ja, rückgängig machen").click()
    page.get_by_text("ist rückgängig gemacht").wait_for(timeout=30_000)

    # Undoing the last change (done) leaves the action as it was agreed: open.
    open_page(page, f"{server}/gebietskoerperschaft?jahr=2025&kreis={quote(WERRA)}")
    card = page.locator('[data-testid="stVerticalBlock"]').filter(has_text=action).last
    card.get_by_role("button", name="Als erledigt markieren").wait_for(timeout=30_000)
    assert_clean(page)
    shot(page, "herbst_notizen")
