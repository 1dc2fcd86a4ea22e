"""The meeting pack prepares the autumn meeting: reports received, detail, projection, earlier years, amendments,
agreed actions and notes, each slide carrying the numbers its analysis function gives (German formats)."""

from datetime import date, datetime

import pandas as pd
import pytest

from aqb_data.analysis import indicators as ind
from aqb_data.analysis.achievement import achievement
from aqb_data.analysis.lapse import lapse_history
from aqb_data.analysis.projection import projection
from aqb_data.analysis.versions import amendment_history
from aqb_data.domain.dataset import AqbData
from aqb_data.domain.formatting import format_date, format_eur, format_eur_cents, format_percent
from aqb_data.domain.notes import conform_notes
from aqb_data.export import images
from aqb_data.export.meeting_pack import district_pack, land_pack
from aqb_data.export.meeting_pack.layout import FOOTER_TOP
from aqb_data.read.files import bundled_data
from tests.export.test_meeting_pack import JUNK, Opened, _overlap, _recorded, _words

YEAR = 2025
WERRA = "06636"  # its 30.09.2025 report is missing in the bundled data
CREATED = date(2025, 11, 5)
AS_OF = pd.Timestamp(2025, 9, 30)


def _note(note_id: int, kind: str, text: str, status: str | None, due: date | None, **extra: object) -> dict:
    written = datetime(2025, 6, note_id, 10, 0)
    row = {
        "note_id": note_id,
        "year": YEAR,
        "ags": WERRA,
        "measure_type": None,
        "project": None,
        "kind": kind,
        "text": text,
    }
    row |= {"status": status, "due": due, "author_login": "a.b", "author_name": "Anna Berg", "written_at": written}
    return row | {"created_by": "Anna Berg", "created_at": written, "demo": False} | extra


NOTES = conform_notes(
    pd.DataFrame(
        [
            _note(1, "Vereinbarte Maßnahme", "Bericht zum 30.09. nachreichen", "offen", date(2025, 10, 1)),
            _note(2, "Vereinbarte Maßnahme", "Coaching aufstocken", "erledigt", date(2025, 9, 1), measure_type=2),
            _note(3, "Vereinbarte Maßnahme", "Trägergespräch führen", "offen", date(2025, 12, 15)),
            _note(4, "Notiz", "Träger wechselt zum 1. Januar", None, None),
        ]
    )
)


@pytest.fixture(scope="module")
def data() -> AqbData:
    return bundled_data()


@pytest.fixture(scope="module")
def werra(data: AqbData) -> Opened:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)
        return Opened(district_pack(data, YEAR, WERRA, created=CREATED, notes=NOTES))


@pytest.fixture(scope="module")
def land(data: AqbData) -> Opened:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)
        return Opened(land_pack(data, YEAR, created=CREATED))


def test_the_district_pack_prepares_the_meeting_in_this_order(werra: Opened) -> None:
    titles = werra.titles()
    order = [
        "Berichtseingang 2025",
        "Zielvereinbarung 2025",
        "Umsetzung im Detail zum Stichtag 30.09.2025",
        "Hochrechnung zum Jahresende 2025",
        "Vorjahre: nicht verausgabte Mittel",
        "Entwicklung über die Jahre",
        "Vereinbarte Maßnahmen der letzten Besprechung",
        "Notizen",
        "Notizen zur Besprechung",
    ]
    assert [t for t in titles if t in order] == order


def test_a_missing_report_is_shown_and_the_figures_say_which_report_they_rest_on(werra: Opened) -> None:
    text = werra.text(werra.slide_with("Berichtseingang"))
    assert "✗ fehlt – 6 Tage überfällig" in text
    assert "✓ eingegangen am 25.07.2025" in text
    assert (
        "⚠ Der Bericht zum Stichtag 30.09.2025 liegt nicht vor (✗ fehlt – 6 Tage überfällig); die Zahlen dieser "
        "Unterlage beruhen auf dem Bericht vom 30.06.2025."
    ) in text
    stale = "⚠ Zum Stichtag 30.09.2025 liegt von Werra-Meißner-Kreis kein Bericht vor: Die Zahlen beruhen auf dem "
    for title in ("Umsetzung im Detail", "Hochrechnung zum Jahresende"):
        assert f"{stale}Bericht vom 30.06.2025." in werra.text(werra.slide_with(title)), title
    assert "⚠ Bericht vom 30.06.2025" in werra.text(werra.slide_with("Umsetzung im Detail"))


def test_the_detail_slide_carries_gap_dropout_and_cost_per_participant(werra: Opened, data: AqbData) -> None:
    selection = ind.Selection(YEAR, ags=WERRA)
    total = achievement(data, selection, "district", AS_OF.date()).iloc[0]
    text = werra.text(werra.slide_with("Umsetzung im Detail"))
    assert f"Rückstand zum anteiligen § 4-Pfad: {format_eur_cents(total['budget_gap_eur'])} (hinter dem Pfad" in text
    rows = achievement(data, selection, "measure_type", AS_OF.date())
    for row in [*rows[rows["n_reported"] > 0].itertuples(), total]:
        for value in (
            format_eur(row.planned_eur),
            format_percent(row.dropout_rate),
            format_eur(row.cost_per_participant),
        ):
            assert value in text


def test_the_projection_slide_carries_the_projection_interval_and_what_will_not_be_spent(
    werra: Opened, data: AqbData
) -> None:
    selection = ind.Selection(YEAR, ags=WERRA)
    district = projection(data, selection, "district", AS_OF.date()).iloc[0]
    text = werra.text(werra.slide_with("Hochrechnung zum Jahresende"))
    assert (
        f"voraussichtlich verausgabt {format_eur(district['projected_eur'])} (80 %-Intervall "
        f"{format_eur(district['low_eur'])} – {format_eur(district['high_eur'])})"
    ) in text
    assert f"voraussichtlich nicht verausgabt {format_eur(district['budget_unspent_eur'])} gegenüber § 4" in text
    assert f"{format_eur(district['unspent_eur'])} gegenüber den geplanten Mitteln" in text
    assert "Methode:" in text
    for row in projection(data, selection, "measure_type", AS_OF.date()).dropna(subset=["projected_eur"]).itertuples():
        assert format_eur(row.projected_eur) in text and format_eur(row.unspent_eur) in text


def test_the_earlier_years_slide_carries_the_lapsed_money(werra: Opened, data: AqbData) -> None:
    text = werra.text(werra.slide_with("Vorjahre"))
    history = lapse_history(data, ind.Selection(YEAR, ags=WERRA))
    assert len(history) >= 1
    for row in history[history["year"] < YEAR].itertuples():
        assert str(row.year) in text
        assert format_eur(row.budget_eur) in text and format_eur(row.spent_eur) in text
        assert format_eur(row.lapsed_eur) in text and format_percent(row.lapsed_share) in text


def test_agreed_actions_show_status_due_date_and_overdue_with_symbol_and_text(werra: Opened) -> None:
    index = werra.slide_with("Vereinbarte Maßnahmen")
    cells = werra.texts(index)
    assert (
        "3 vereinbarte Maßnahmen für Werra-Meißner-Kreis 2025: 2 offen, davon 1 überfällig (fällig vor dem "
        "05.11.2025); 1 erledigt. Offene zuerst, überfällige vorn."
    ) in cells
    # Overdue first, then open, then done; each status with its symbol and its words.
    statuses = [c for c in cells if c.startswith(("■", "○", "●"))]
    assert statuses == ["■ überfällig seit 01.10.2025", "○ offen", "● erledigt"]
    for text in ("Bericht zum 30.09. nachreichen", "Coaching aufstocken", "15.12.2025", "01.09.2025", "Anna Berg"):
        assert text in cells
    notes = werra.text(werra.slide_with("Notizen"))
    assert "Träger wechselt zum 1. Januar" in notes and "1 Notiz zu Werra-Meißner-Kreis 2025" in notes
    assert "Bericht zum 30.09. nachreichen" not in notes


def test_without_notes_from_the_store_there_are_no_notes_slides_and_empty_ones_say_so(data: AqbData) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)
        without = district_pack(data, YEAR, WERRA, created=CREATED)
        empty = district_pack(data, YEAR, WERRA, created=CREATED, notes=NOTES.iloc[0:0])
    assert [s.title for s in without.slides if s.title.startswith(("Vereinbarte", "Notizen"))] == [
        "Notizen zur Besprechung"
    ]
    said = {s.title: s.lines for s in empty.slides}
    assert said["Vereinbarte Maßnahmen der letzten Besprechung"] == [
        "Für Werra-Meißner-Kreis sind für 2025 keine vereinbarten Maßnahmen erfasst."
    ]
    assert said["Notizen"] == ["Für Werra-Meißner-Kreis sind für 2025 keine Notizen erfasst."]


def test_an_amended_agreement_shows_every_version(data: AqbData) -> None:
    ags = str(data.amendments.loc[data.amendments["year"] == YEAR, "ags"].iloc[0])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images, "browser_path", lambda: None)
        opened = Opened(district_pack(data, YEAR, ags, created=CREATED))
    text = opened.text(opened.slide_with(f"Änderungen der Zielvereinbarung {YEAR}"))
    history = amendment_history(data, YEAR, ags)
    assert len(history) >= 2
    for row in history.itertuples():
        assert row.version in text and format_date(row.valid_from) in text and format_eur(row.budget_eur) in text
    assert str(history["reason"].iloc[-1]) in text
    assert "Die Zielerreichung zum Stichtag 30.09.2025 misst an der Änderung vom" in text


def test_the_land_pack_lists_late_and_missing_reports_projection_and_earlier_years(land: Opened) -> None:
    text = land.text(land.slide_with("Berichtseingang"))
    assert "Werra-Meißner-Kreis" in text and "✗ fehlt – 6 Tage überfällig" in text
    assert "Hessen: voraussichtlich verausgabt" in land.text(land.slide_with("Hochrechnung zum Jahresende"))
    assert "Nicht verausgabt ggü. § 4" in land.text(land.slide_with("Vorjahre"))


def test_the_new_slides_keep_the_layout_and_the_same_texts_in_pptx_and_pdf(werra: Opened, land: Opened) -> None:
    for opened in (werra, land):
        canvas = _recorded(opened.pack)
        for index, title in enumerate(opened.titles()):
            shown = [_words(t) for t in opened.texts(index) if t.strip()]
            page = _words(opened.page_text(index))
            assert "".join(page.split()) == "".join("".join(shown).split()), title
            assert not JUNK.search(page), title
            body = [d for d in canvas.on(index + 1) if d.what != "rect" and d.box.y < FOOTER_TOP]
            for number, item in enumerate(body):
                assert item.box.y + item.box.h < FOOTER_TOP, (title, item.what)
                for other in body[number + 1 :]:
                    assert not _overlap(item.box, other.box), (title, item.what, other.what)
