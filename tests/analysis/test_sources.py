"""Method texts and the check of the dataset against published figures."""

import math

from aqb_data.analysis.provenance import known_figures_check, method_text
from aqb_data.read.files import bundled_data


def test_published_figures_beside_the_dataset() -> None:
    check = known_figures_check(bundled_data()).set_index(["unit", "year", "figure"])
    assert (
        check.loc[("Waldeck-Frankenberg", 2025, "Haushaltsmittel AQB (Zielvereinbarung § 4)"), "dataset_eur"]
        == 773_920.0
    )
    assert check.loc[("Wetteraukreis", 2024, "Fördermittel AQB 2024"), "dataset_eur"] == 1_140_300.0
    assert check.loc[("Hessen", 2023, "AQB Landesmittel"), "dataset_eur"] == 27_700_000.0
    # Outside the dataset's years, or a separate programme: not comparable, not a silent 0.
    assert math.isnan(check.loc[("Kassel (Landkreis)", 2016, "Zielvereinbarung AQB 2016"), "dataset_eur"])
    assert math.isnan(check.loc[("Hessen", 2023, "AQB Teilzeitausbildung (zusätzlich)"), "dataset_eur"])
    assert check.loc[("Wetteraukreis", 2024, "Fördermittel AQB 2024"), "source"].startswith("Wetteraukreis, Pressemit")


def test_method_text_defines_every_indicator_shown() -> None:
    text = method_text("indikatoren")
    for term in ("Haushaltsmittel", "Anteil", "Nicht verplant", "überplant", "je Einwohner/in", "Vorjahr", "–"):
        assert term in text
