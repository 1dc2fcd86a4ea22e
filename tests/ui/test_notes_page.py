"""Notes and agreed actions on the pages: add one on the district page, see it, mark it done; the text shown and
exported as written; the projects table's Excel file carries the notes."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from aqb_data.store.database import open_store
from tests.screen import Downloads
from tests.ui.test_pages import open_app

PAYLOAD = "**nicht fett** [Link](http://x.example) :red[rot]\n# keine Überschrift\n=SUMME(A1:A3)"


def _notes_shown(at: AppTest) -> list[str]:
    return [element.value for element in at.text]


def _add(at: AppTest, text: str, kind: str = "Vereinbarte Maßnahme") -> None:
    at.radio(key="notes_kind").set_value(kind)
    at.text_area(key="notes_text").set_value(text)
    at.button(key="notes_add").click().run()
    assert not at.exception, [e.message for e in at.exception]


def test_an_action_added_on_the_district_page_shows_at_once_and_can_be_marked_done(fresh_db: Path) -> None:
    at = open_app("app_pages/gebietskoerperschaft.py", kreis="Waldeck-Frankenberg", jahr="2025")
    assert any("noch keine Notizen" in c.value for c in at.caption)
    _add(at, "Kreis legt bis 30.11. einen Plan zur Nachsteuerung vor.")
    assert "Kreis legt bis 30.11. einen Plan zur Nachsteuerung vor." in _notes_shown(at)
    assert [s.value for s in at.success][0].startswith("Vereinbarte Maßnahme Nr. ")
    assert any("1 offene Maßnahme · 0 erledigt · 0 Notizen" in c.value for c in at.caption)
    assert any("○ offen" in m.value for m in at.markdown)

    note_id = int(open_store(fresh_db).notes(2025, "06635")["note_id"].iloc[0])
    at.button(key=f"notes_status_{note_id}").click().run()
    assert not at.exception
    assert any("● erledigt" in m.value for m in at.markdown)
    assert at.button(key=f"notes_status_{note_id}").label == "Wieder öffnen"
    assert open_store(fresh_db).notes(2025, "06635")["status"].tolist() == ["erledigt"]


def test_an_empty_note_is_refused_with_a_german_message(fresh_db: Path) -> None:
    at = open_app("app_pages/gebietskoerperschaft.py", kreis="Waldeck-Frankenberg", jahr="2025")
    _add(at, "   ", kind="Notiz")
    assert [e.value for e in at.error] == ["Bitte einen Text eingeben; eine leere Notiz wird nicht gespeichert."]
    assert open_store(fresh_db).notes(2025, "06635").empty  # the demo's notes are all of other districts


def test_a_markdown_and_formula_payload_is_shown_as_text_and_exported_as_text(
    fresh_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads = Downloads(monkeypatch)
    at = open_app("app_pages/gebietskoerperschaft.py", kreis="Waldeck-Frankenberg", jahr="2025")
    _add(at, PAYLOAD, kind="Notiz")
    assert PAYLOAD in _notes_shown(at)  # st.text: no Markdown
    assert not any("keine Überschrift" in m.value for m in at.markdown)
    workbook = load_workbook(io.BytesIO(downloads.file(at, "table_xlsx_AQB_Projekte_Waldeck-Frankenberg_2025")))
    sheet = workbook["Notizen"]
    headings = [cell.value for cell in sheet[1]]
    text = sheet.cell(2, headings.index("Text") + 1)
    assert (text.value, text.data_type) == (PAYLOAD, "s")
    assert sheet.cell(2, headings.index("Art") + 1).value == "Notiz"


def test_zielerreichung_shows_the_district_s_notes_beside_its_figures(fresh_db: Path) -> None:
    from datetime import date

    from aqb_data.domain.notes import NoteKind

    open_store(fresh_db).add_note(
        2025, "06635", NoteKind.ACTION, "Abfluss in Maßnahmenart 2 prüfen", measure_type=2, due=date(2025, 1, 15)
    )
    at = open_app("app_pages/zielerreichung.py", kreis="Waldeck-Frankenberg", jahr="2025")
    assert "Abfluss in Maßnahmenart 2 prüfen" in _notes_shown(at)
    heads = [m.value for m in at.markdown if "Nr." in m.value]
    assert any(":red[■ überfällig seit 15.01.2025]" in h and "Maßnahmenart 2 Ausbildung & Coaching" in h for h in heads)
    at = open_app("app_pages/zielerreichung.py", jahr="2025")
    assert "Abfluss in Maßnahmenart 2 prüfen" not in _notes_shown(at)  # the Land view has no district's notes


def test_hostile_note_text_project_and_author_are_shown_only_as_text(fresh_db: Path) -> None:
    from aqb_data.domain.access import Role, User
    from aqb_data.domain.notes import NoteKind
    from tests.markdown_payloads import PAYLOADS
    from tests.ui.test_markdown_attacks import check

    store = open_store(fresh_db)
    for payload in PAYLOADS:
        author = User("x@example", payload, frozenset({Role.MAINTAIN}))
        store.add_note(2025, "06635", NoteKind.ACTION, payload, project=payload, user=author)
    at = open_app("app_pages/gebietskoerperschaft.py", kreis="Waldeck-Frankenberg", jahr="2025")
    check(at)
    assert set(PAYLOADS) <= set(_notes_shown(at))
