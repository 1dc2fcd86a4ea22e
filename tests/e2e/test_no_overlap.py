"""No chart label runs into another or into the source line, and no metric value is cut off, at the two usual
window sizes.

Reads the SVG texts of every Plotly chart on Übersicht, Zielerreichung (Hessen and a district whose figures come
from an older report, with the longest bar labels), Vergleich and Zeitreihe and compares their boxes (see
`tests/e2e/overlap.py`). Needs Debian's chromium; skipped with a reason where it is missing.
"""

import os
import time
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, assert_clean
from tests.e2e.overlap import MEASURE_JS, chart_problems, figure_problems

pytestmark = NEEDS_CHROMIUM

CHARTS = '[data-testid="stPlotlyChart"]'
WERRA = "Werra-Meißner-Kreis"
# The shown text of every metric value the browser cuts off with an ellipsis ("18.139.72…").
CUT_METRICS_JS = """() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
    .filter((m) => [m, ...m.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth + 1))
    .map((m) => m.innerText)"""
SIZES = [(1366, 768), (1920, 1080)]
PAGES = {
    "Übersicht": "/?jahr=2025",
    "Zielerreichung Hessen": "/zielerreichung?jahr=2025&stichtag=30.09.2025",
    "Zielerreichung Werra-Meißner-Kreis": f"/zielerreichung?jahr=2025&stichtag=30.09.2025&kreis={quote(WERRA)}",
    "Vergleich": "/vergleich?jahr=2025",
    "Zeitreihe": "/zeitreihe?jahr=2025",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("ueberlappung") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


def drawn_charts(page: object) -> int:
    """Wait until the app has finished running and every chart is drawn with its title; how many there are."""
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    count = page.evaluate(
        """(root) => {
            const charts = [...document.querySelectorAll(root)];
            return charts.every((chart) => chart.querySelector('.main-svg .g-gtitle text')) ? charts.length : -1;
        }""",
        CHARTS,
    )
    deadline = time.monotonic() + 60
    while True:  # the same number twice: Plotly draws the charts one after the other
        page.wait_for_timeout(500)
        again = page.evaluate(
            """(root) => {
                const charts = [...document.querySelectorAll(root)];
                return charts.every((chart) => chart.querySelector('.main-svg .g-gtitle text')) ? charts.length : -1;
            }""",
            CHARTS,
        )
        if again == count and count > 0 or time.monotonic() > deadline:
            return again
        count = again


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_chart_label_overlaps_another_or_the_source_line(
    server: str, browser: object, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="de-DE")
    page = context.new_page()
    problems = []
    try:
        for name, path in PAGES.items():
            page.goto(f"{server}{path}")
            count = drawn_charts(page)
            assert count > 0, f"{name}: kein Diagramm gezeichnet"
            assert_clean(page)
            problems += [f"{name}: {problem}" for problem in chart_problems(page.evaluate(MEASURE_JS, CHARTS))]
            problems += [f"{name}: Kennzahl abgeschnitten: {value}" for value in page.evaluate(CUT_METRICS_JS)]
        # The allocation as shares of the budget: other axis labels ("100 %").
        page.goto(f"{server}{PAGES['Übersicht']}")
        drawn_charts(page)
        page.locator('[data-testid="stMain"]').get_by_text("Anteil am Budget", exact=True).click()
        page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
        drawn_charts(page)
        problems += [f"Übersicht (Anteile): {p}" for p in chart_problems(page.evaluate(MEASURE_JS, CHARTS))]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_no_label_overlaps_in_the_charts_of_the_meeting_packs(browser: object) -> None:
    """Every chart of the Hessen pack and of a district's (Werra-Meißner-Kreis: stale reports, long bar labels) at
    the size its picture is made for its slide, laid out as `images.figure_image` exports it."""
    import plotly.graph_objects as go

    from aqb_data.export.meeting_pack import content
    from aqb_data.read.files import bundled_data

    data = bundled_data()
    with pytest.MonkeyPatch.context() as patch:  # the pictures themselves are not needed here
        patch.setattr(content.images, "figure_image", lambda *args, **kwargs: b"")
        slides = [*content.land_pack(data, 2025).slides, *content.district_pack(data, 2025, "06636").slides]
    page = browser.new_page()
    problems = []
    try:
        for slide in slides:
            if slide.chart is None:
                continue
            width, height = content._export_size(slide)
            figure = go.Figure(slide.chart.figure).update_layout(title_x=0.012, margin_l=30, margin_r=30)
            problems += [f"Folie „{slide.title}“: {p}" for p in figure_problems(page, figure, width, height)]
    finally:
        page.close()
    assert not problems, "\n".join(problems)
