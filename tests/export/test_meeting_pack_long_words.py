"""A pasted link in a note or an amendment's reason (one overlong word) must not stop the meeting pack: the PDF
renderer once failed with "negative availWidth" when one word claimed a table's whole width."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from aqb_data.domain.notes import conform_notes
from aqb_data.export import images
from aqb_data.export.meeting_pack import district_pack, render
from aqb_data.read.files import bundled_data
from tests import autumn_payloads as hostile

WERRA = "06636"


def _notes(text: str) -> pd.DataFrame:
    from tests.export.test_meeting_pack_review import _note

    return conform_notes(
        pd.DataFrame(
            [
                _note(1, "Vereinbarte Maßnahme", text, "offen", date(2025, 12, 1)),
                _note(2, "Notiz", text, None, None),
            ]
        )
    )


@pytest.fixture
def no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "browser_path", lambda: None)


def test_a_note_with_one_long_word_still_renders_the_pack_as_pdf(no_browser: None) -> None:
    pack = district_pack(bundled_data(), 2025, WERRA, created=date(2025, 11, 5), notes=_notes(hostile.LONG_WORD))
    assert render(pack, "pptx")
    assert render(pack, "pdf").startswith(b"%PDF")


def test_an_amendment_reason_with_one_long_word_still_renders_the_pack_as_pdf(no_browser: None) -> None:
    data = bundled_data()
    reason = "https://example.org/" + "b" * 1_500  # a workbook's Grund has no length limit
    amendment = pd.DataFrame(
        {
            "year": [2025],
            "ags": [WERRA],
            "valid_from": [pd.Timestamp("2025-08-01")],
            "budget_eur": [600_000.0],
            "reason": [reason],
            "source": ["ÄV"],
            "demo": [False],
        }
    )
    data = data.of(
        {
            "agreements": data.agreements,
            "projects": data.projects,
            "progress": data.progress,
            "amendments": pd.concat([data.amendments, amendment], ignore_index=True),
        },
        data.files,
    )
    pack = district_pack(data, 2025, WERRA, created=date(2025, 11, 5))
    assert render(pack, "pdf").startswith(b"%PDF")
