"""Every chart on a page has its sentence right under it („Kurz gesagt: …“), also as the chart's accessible name."""

import pytest

from aqb_data.present.summaries import PREFIX
from tests.ui.test_pages import open_app


def _summaries(at) -> list[str]:  # noqa: ANN001 - streamlit's AppTest
    return [caption.value for caption in at.caption if caption.value.startswith(PREFIX)]


@pytest.mark.parametrize(
    ("page", "params"),
    [
        (None, {"jahr": "2025"}),
        (None, {"jahr": "2025", "kreis": "Darmstadt"}),
        ("app_pages/zeitreihe.py", {"jahr": "2025"}),
        ("app_pages/vergleich.py", {"jahr": "2025", "kreis": "Darmstadt"}),
        ("app_pages/zielerreichung.py", {"jahr": "2025"}),
    ],
)
def test_every_chart_has_a_summary_caption_and_name(page: str | None, params: dict[str, str]) -> None:
    at = open_app(page, **params)
    shown = at.get("plotly_chart")
    sentences = _summaries(at)
    assert shown and len(sentences) == len(shown)
    for chart, sentence in zip(shown, sentences, strict=True):
        # The same sentence, without the visible prefix, is what a screen reader announces for the chart.
        assert chart.proto.alt and chart.proto.alt in sentence.replace("\\", "")
        assert "nan" not in sentence.lower()


def test_the_overview_summary_names_the_district_with_the_highest_budget_per_inhabitant() -> None:
    at = open_app(None, jahr="2025")
    sentence = next(s for s in _summaries(at) if "je Einwohner/in" in s)
    assert "26 Balken, am höchsten Frankfurt am Main mit 5,87 €" in sentence
    assert sentence.endswith("Linie Hessen 4,50 €.")
