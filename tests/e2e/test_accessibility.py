"""Accessibility (BITV 2.0 / WCAG 2.1 AA) checked by axe-core on every page of the navigation: after loading,
after a filter change in the sidebar, and with the report of a faulty upload open. A serious or critical
violation fails the test with its rule, what it asks for and the first elements concerned.

Only violations inside Streamlit's own elements, which the project cannot change, are left out, each for one
rule on one element (KNOWN_STREAMLIT below, also listed in the README's statement on accessibility). Needs
Debian's chromium and axe-playwright-python (requirements-dev.txt); skipped with a reason where either is missing.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.browser import streamlit_server
from tests.e2e.helpers import NEEDS_CHROMIUM, open_page, wait_for_rerun, wait_until_idle
from tests.e2e.pages import navigation_paths

pytestmark = NEEDS_CHROMIUM

DISTRICT = "Werra-Meißner-Kreis"
FAILING = ("serious", "critical")
# Moderate rules the project meets all the same and keeps: headings without a skipped level (h1, then h2).
ALSO_FAILING = ("heading-order",)
# (axe rule, the Streamlit element it is left out on, why the project cannot change it)
KNOWN_STREAMLIT = [
    (
        "list",
        '[data-testid="stSidebarNavItems"]',
        "Streamlit's page navigation puts each section's heading (Auswertung, Daten, Hilfe) as a <div> directly "
        "into the <ul> of page links; the markup is Streamlit's own.",
    ),
    (
        "listitem",
        '[data-testid="stSidebarNavItems"] li',
        "The same navigation: its page links (<li>) sit inside that section <div>, not directly in the <ul>.",
    ),
]


@pytest.fixture(scope="module")
def axe() -> object:
    """axe-core (bundled with axe-playwright-python), ready to run on a page."""
    module = pytest.importorskip(
        "axe_playwright_python.sync_playwright", reason="axe-playwright-python fehlt (requirements-dev.txt)"
    )
    return module.Axe()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free local port with a database of its own; stopped afterwards."""
    env = {**os.environ, "AQB_DB": str(tmp_path_factory.mktemp("barrierefrei") / "aqb.sqlite")}
    try:
        with streamlit_server("dashboard.py", env) as (url, _):
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


def _known(page: object, rule: str, target: list) -> bool:
    """Whether the element `target` (axe's selector path) lies in a Streamlit element left out for `rule`."""
    if len(target) != 1 or not isinstance(target[0], str):  # inside an iframe or shadow root: never left out
        return False
    selectors = [selector for known_rule, selector, _ in KNOWN_STREAMLIT if known_rule == rule]
    return bool(selectors) and page.evaluate(
        "([target, selectors]) => { const el = document.querySelector(target);"
        " return !!el && selectors.some(s => el.matches(s)); }",
        [target[0], selectors],
    )


def violations(page: object, axe: object) -> list[str]:
    """The serious and critical violations (and ALSO_FAILING) axe finds on the page as it is now, one each."""
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] not in FAILING and violation["id"] not in ALSO_FAILING:
            continue
        nodes = [node for node in violation["nodes"] if not _known(page, violation["id"], node["target"])]
        if nodes:
            targets = "; ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
            first = nodes[0]
            detail = "; ".join(check["message"] for check in first["any"] + first["all"] + first["none"])
            found.append(
                f"{violation['id']} ({violation['impact']}, {len(nodes)}×): {violation['help']}\n"
                f"    bei: {targets}\n    erstes Element: {first['html'][:200]}\n    {detail[:300]}"
            )
    return found


def assert_accessible(page: object, axe: object, where: str) -> None:
    """No serious or critical violation on the page as it is now (else each is listed)."""
    found = violations(page, axe)
    assert not found, f"{where}: {len(found)} Verstöße\n" + "\n".join(found)


def choose_district(page: object, name: str) -> None:
    """Choose a Gebietskörperschaft in the sidebar and wait until the page has been drawn for it."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("combobox", name="Gebietskörperschaft").focus()
    # The list draws only the options in view: typing narrows it to the one wanted, Enter takes it.
    page.keyboard.press("ArrowDown")
    page.keyboard.type(name)
    page.get_by_role("option").filter(has_text=name).first.wait_for(timeout=30_000)
    page.keyboard.press("Enter")
    page.wait_for_url("**kreis=*", timeout=30_000)
    wait_for_rerun(page)


@pytest.mark.parametrize("path", navigation_paths())
def test_no_serious_violation_after_loading(server: str, page: object, axe: object, path: str) -> None:
    open_page(page, server + path, wait_for_chart=False)
    wait_until_idle(page)
    assert_accessible(page, axe, path)


@pytest.mark.parametrize("path", navigation_paths())
def test_no_serious_violation_after_a_filter_change(server: str, page: object, axe: object, path: str) -> None:
    open_page(page, server + path, wait_for_chart=False)
    wait_until_idle(page)
    choose_district(page, DISTRICT)
    assert_accessible(page, axe, path)


def test_no_serious_violation_with_an_upload_report_open(
    server: str, page: object, axe: object, tmp_path: Path
) -> None:
    from tests.workbooks import make_workbook

    broken = tmp_path / "bericht_fehler.xlsx"
    headings = ["Jahr", "Gebietskörperschaft", "Haushaltsmittel (EUR)"]
    broken.write_bytes(make_workbook({"Zielvereinbarungen": [headings, [2025, "Kassel", "viel"]]}))
    open_page(page, server + "/hochladen", wait_for_chart=False)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(broken))
    page.get_by_text("die Datei wird nicht übernommen").wait_for(timeout=60_000)
    # The report's tables render after the summary line: wait for a message in them.
    page.get_by_text("nicht eindeutig: Kassel").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert_accessible(page, axe, "Prüfbericht auf Daten hochladen")
