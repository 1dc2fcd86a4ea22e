"""The one sentence that says where and when an agreement was signed (page, slide and PDF say it alike)."""

import pandas as pd
import pytest

from aqb_data.domain.model import AGREEMENTS
from aqb_data.present.views import signature_sentence

MINISTRY_DAY, DISTRICT_DAY = pd.Timestamp("2025-08-02"), pd.Timestamp("2025-08-13")


def row(**values: object) -> pd.Series:
    """One conformed agreements row: Waldeck-Frankenberg 2025 with the given signature columns (others empty)."""
    frame = pd.DataFrame([{"year": 2025, "ags": "06635", "budget_eur": 773_920.0, **values}])
    return AGREEMENTS.conform(frame).iloc[0]


@pytest.mark.parametrize(
    ("values", "sentence"),
    [
        (
            {
                "signed_ministry": MINISTRY_DAY,
                "signed_district": DISTRICT_DAY,
                "signed_ministry_place": "Wiesbaden",
                "signed_district_place": "Korbach",
            },
            "Unterzeichnet in Wiesbaden am 02.08.2025 (HMSI) und in Korbach am 13.08.2025 (Kreis/Stadt)",
        ),
        (
            {"signed_ministry": MINISTRY_DAY, "signed_district": DISTRICT_DAY, "signed_ministry_place": "Wiesbaden"},
            "Unterzeichnet in Wiesbaden am 02.08.2025 (HMSI) und am 13.08.2025 (Kreis/Stadt)",
        ),
        (
            {"signed_ministry": MINISTRY_DAY, "signed_district": DISTRICT_DAY},
            "Unterzeichnet am 02.08.2025 (HMSI) und am 13.08.2025 (Kreis/Stadt)",
        ),
        (
            {"signed_ministry": MINISTRY_DAY, "signed_ministry_place": "Wiesbaden", "signed_district_place": "Korbach"},
            "Unterzeichnet in Wiesbaden am 02.08.2025 (HMSI); Kreis/Stadt: nicht unterzeichnet erfasst",
        ),
        ({}, "HMSI und Kreis/Stadt: nicht unterzeichnet erfasst"),
        (
            {"signed_district": DISTRICT_DAY, "signed_district_place": "  "},
            "Unterzeichnet am 13.08.2025 (Kreis/Stadt); HMSI: nicht unterzeichnet erfasst",
        ),
    ],
    ids=["both places", "one place", "no places", "one not signed", "none signed", "blank place"],
)
def test_the_signature_sentence_names_place_and_day_only_where_known(values: dict, sentence: str) -> None:
    assert signature_sentence(row(**values)) == sentence


def test_a_row_of_an_older_frame_without_place_columns_says_the_days() -> None:
    old = {"signed_ministry": MINISTRY_DAY, "signed_district": DISTRICT_DAY}
    assert signature_sentence(old) == "Unterzeichnet am 02.08.2025 (HMSI) und am 13.08.2025 (Kreis/Stadt)"
