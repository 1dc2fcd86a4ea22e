"""The one-sentence summary of every chart: read from the chart's own numbers, German formats, never a missing
value as 0, an empty chart said plainly."""

import math

import pandas as pd
import plotly.graph_objects as go

from aqb_data.analysis.achievement import BEHIND, NO_DATA, ON_TRACK, WATCH
from aqb_data.analysis.indicators import Selection, allocation_by_measure_type
from aqb_data.domain.formatting import format_eur, format_eur_cents
from aqb_data.present import charts, summaries
from aqb_data.present.views import budget_trend_view, per_inhabitant_view
from aqb_data.read.files import bundled_data

NAN = float("nan")


def _budgets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Frankfurt am Main", "Odenwaldkreis", "Kassel (Stadt)", "Fulda"],
            "budget_per_inhabitant": [5.867346, 3.391, NAN, 4.5],
        }
    )


def test_the_sentence_names_the_highest_and_lowest_with_german_values_and_the_sum() -> None:
    frame = pd.DataFrame(
        {"unit": ["Frankfurt am Main", "Odenwaldkreis", "Fulda"], "eur": [4_812_300.0, 612_000.0, 1_500_000.5]}
    )
    sentence = summaries.ranked(frame, "unit", "eur", format_eur, total=True)
    assert sentence == (
        "3 Balken, am höchsten Frankfurt am Main mit 4.812.300 €, am niedrigsten Odenwaldkreis mit 612.000 €, "
        "zusammen 6.924.300,50 €."
    )


def test_a_missing_value_is_counted_as_missing_never_as_zero() -> None:
    sentence = summaries.per_inhabitant_bars(_budgets(), 4.4956)
    assert sentence == (
        "3 Balken, am höchsten Frankfurt am Main mit 5,87 €, am niedrigsten Odenwaldkreis mit 3,39 €, "
        "1 Balken ohne Wert (–); Linie Hessen 4,50 €."
    )
    assert "0,00 €" not in sentence and "nan" not in sentence.lower()


def test_infinite_values_are_not_drawn_and_not_reported() -> None:
    frame = pd.DataFrame({"unit": ["A", "B", "C"], "rate": [0.5, math.inf, 0.25]})
    sentence = summaries.ranked(frame, "unit", "rate", format_eur)
    assert "B" not in sentence.replace("Balken", "") and "1 Balken ohne Wert (–)" in sentence


def test_an_empty_chart_says_so() -> None:
    empty = _budgets().iloc[0:0]
    assert summaries.per_inhabitant_bars(empty, NAN) == summaries.EMPTY == "Keine Werte für diese Auswahl."
    only_missing = _budgets().assign(budget_per_inhabitant=NAN)
    assert summaries.per_inhabitant_bars(only_missing, NAN) == summaries.EMPTY
    assert summaries.deviation_bars(pd.DataFrame({"unit_label": [], "deviation": [], "status": []})) == summaries.EMPTY
    assert summaries.lapse_bars(pd.DataFrame({"year": [], "lapsed_eur": [], "lapsed_share": []})) == summaries.EMPTY


def test_the_chosen_year_and_district_are_named_with_their_values() -> None:
    trend = pd.DataFrame({"year": [2024, 2025], "budget_eur": [27_942_700.0, 28_300_000.0]})
    assert summaries.budget_trend_bars(trend, 2024).endswith("gewählt 2024 mit 27.942.700 €.")
    ranked = pd.DataFrame(
        {"rank": [1, 2, pd.NA], "label": ["Fulda", "Kassel (Stadt)", "Werra-Meißner-Kreis"], "v": [0.8, 0.4, NAN]}
    )
    ranked["rank"] = ranked["rank"].astype("Int64")
    chosen = ranked["label"].eq("Kassel (Stadt)")
    sentence = summaries.indicator_chart(ranked, "label", "v", charts.indicator_formatter("percent"), chosen)
    assert sentence == (
        "2 Gebietskörperschaften, am höchsten Fulda mit 80,0 %, am niedrigsten Kassel (Stadt) mit 40,0 %, "
        "1 Gebietskörperschaft ohne Wert (–); gewählt Kassel (Stadt) mit 40,0 %, Rang 2."
    )
    missing = summaries.indicator_chart(ranked, "label", "v", charts.indicator_formatter("percent"), ~ranked["v"].gt(0))
    assert missing.endswith("gewählt Werra-Meißner-Kreis ohne Wert (–).")


def test_the_status_is_told_as_counts() -> None:
    frame = pd.DataFrame(
        {
            "unit_label": ["A", "B", "C", "D", "E"],
            "deviation": [0.02, -0.05, -0.2, NAN, -0.01],
            "status": [ON_TRACK, WATCH, BEHIND, NO_DATA, WATCH],
        }
    )
    sentence = summaries.deviation_bars(frame)
    assert sentence == (
        "4 Balken, am höchsten A mit 2,0 Pp., am niedrigsten C mit -20,0 Pp., 1 Balken ohne Wert (–); "
        "Status: 1 im Plan, 2 beobachten, 1 im Verzug."
    )
    status = summaries.indicator_chart(frame, "unit_label", "status", None, frame["unit_label"].eq("C"))
    assert (
        status
        == "5 Gebietskörperschaften, Status: 1 im Plan, 2 beobachten, 1 im Verzug, 1 keine Daten, gewählt C: im Verzug."
    )


def test_summaries_of_the_bundled_data_read_the_engines_numbers() -> None:
    data = bundled_data()
    darmstadt = allocation_by_measure_type(data, Selection(2025, ags="06411"), "district")
    assert summaries.measure_type_bars(darmstadt) == (
        "3 Maßnahmenarten mit geplanten Mitteln, am meisten Qualifizierung mit 459.900 € (50,3 % des Budgets), "
        "am wenigsten Weiterbildung Personal mit 54.600 € (6,0 % des Budgets), außerdem nicht verplant 105.530 €, "
        "Haushaltsmittel 913.830 €."
    )
    view = per_inhabitant_view(data, Selection(2025))
    top = view.frame.loc[view.frame["budget_per_inhabitant"].idxmax()]
    assert f"am höchsten {top['label']} mit {format_eur_cents(top['budget_per_inhabitant'])}" in (
        summaries.per_inhabitant_bars(view.frame, 4.5)
    )
    everywhere = allocation_by_measure_type(data, Selection(2025), "district")
    # Waldeck-Frankenberg's agreement names no project amounts: its bar is "ohne Projektbeträge", not 0 €.
    assert "1 Gebiet ohne Projektbeträge (–)" in summaries.allocation_bars(everywhere)
    trend = budget_trend_view(data, Selection(2025)).frame
    assert summaries.budget_trend_bars(trend, 2025).startswith(f"{len(trend)} Jahre, am höchsten 2025 mit 28.300.000 €")


def test_the_full_sentence_starts_with_the_charts_title_as_plain_text() -> None:
    fig = go.Figure(layout={"title": {"text": "Mittelabfluss gegenüber dem<br>Jahresfortschritt &amp; mehr"}})
    assert summaries.titled(fig, "2 Balken.") == "Mittelabfluss gegenüber dem Jahresfortschritt & mehr: 2 Balken."
    assert summaries.titled(go.Figure(), "2 Balken.") == "2 Balken."


def test_hessen_beside_its_regierungsbezirke_is_named_first_not_ranked_among_them() -> None:
    rows = [("Hessen", 20_000_000.0), ("Regierungsbezirk Darmstadt", 12_000_000.0), ("Regierungsbezirk Gießen", 3e6)]
    allocation = pd.DataFrame(
        [{"unit_label": unit, "measure_type": 1, "planned_eur": eur, "share": NAN} for unit, eur in rows]
    )
    assert summaries.allocation_bars(allocation, total=False) == (
        "Hessen 20.000.000 € geplant; darin 2 Gebiete mit geplanten Mitteln, am meisten geplant Regierungsbezirk "
        "Darmstadt mit 12.000.000 €, am wenigsten geplant Regierungsbezirk Gießen mit 3.000.000 €."
    )
