"""Text from files and links is shown as text: never as Markdown (links, images, KaTeX, colours, icons), never as
Plotly's HTML. The helper on every construct, then every page of a dashboard whose data is hostile."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf.descriptor import FieldDescriptor
from streamlit.testing.v1 import AppTest

from aqb_data.present.charts import deviation_bars, plain_text
from aqb_data.read.workbook import XLSX_MIME
from tests.documents import agreement_text
from tests.markdown_payloads import (
    FILE_NAME,
    HTML_PROJECT,
    LINK,
    MARKERS,
    PAYLOADS,
    PROJECT,
    PROVIDER,
    SHEET_NAME,
    SOURCE,
    TARGET_GROUP,
    broken_report,
    hostile_report,
    sheetless_report,
)
from ui.text import WORD_JOINER, escape_markdown, link_value

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "app_pages/uebersicht.py",
    "app_pages/gebietskoerperschaft.py",
    "app_pages/zielerreichung.py",
    "app_pages/projekte.py",
    "app_pages/vergleich.py",
    "app_pages/zeitreihe.py",
    "app_pages/export.py",
    "app_pages/hochladen.py",
    "app_pages/zielvereinbarung.py",
    "app_pages/verlauf.py",
    "app_pages/methodik.py",
    "app_pages/barrierefreiheit.py",
]
WALDECK = "Waldeck-Frankenberg"


# --- the helper -----------------------------------------------------------------------------------------------


def _as_rendered(escaped: str) -> str:
    """What CommonMark makes of backslash escapes (any ASCII punctuation), with the invisible joiners dropped."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", escaped).replace(WORD_JOINER, "")


CONSTRUCTS = {
    "link": "[Bitte neu anmelden](http://127.0.0.1:9/)",
    "image": "![x](http://127.0.0.1:9/p.png)",
    "reference link": "[x]: http://127.0.0.1:9/ref",
    "autolink": "<http://127.0.0.1:9/>",
    "bare url": "siehe http://127.0.0.1:9/x",
    "www": "www.example.org",
    "e-mail": "a@example.org",
    "emphasis": "*kursiv* _kursiv_ **fett** __fett__",
    "strikethrough": "~~weg~~ ~weg~",
    "code": "`code` ``code``",
    "heading": "# Kopf",
    "heading 6": "###### Kopf",
    "bullet list": "- Liste",
    "plus list": "+ Liste",
    "ordered list": "1. Liste",
    "ordered list paren": "12) Liste",
    "thematic break": "---",
    "blockquote": "> Zitat",
    "table": "| a | b |",
    "katex": "$x^2$",
    "katex block": "$$\\int_0^1 x$$",
    "colour": ":red[SITZUNG ABGELAUFEN]",
    "background": ":blue-background[x]",
    "badge": ":green-badge[ok]",
    "small": ":small[klein]",
    "material icon": ":material/warning:",
    "material icon as parsed": ":material_warning:",
    "emoji": ":smile:",
    "streamlit logo": ":streamlit:",
    "html": "<b>b</b> <img src=x onerror=alert(1)>",
    "entity": "&lt;b&gt; &#58;red[x] &#x3A;",
    "backslash": "\\*nicht kursiv\\* und \\",
    "footnote": "[^1]",
    "task": "[ ] offen",
    "typography": "a -> b <- c <-> d -- e >= f <= g ~= h",
    "directive block": "::: note",
}


@pytest.mark.parametrize("text", CONSTRUCTS.values(), ids=CONSTRUCTS.keys())
def test_every_markdown_construct_is_escaped_and_reads_as_written(text: str) -> None:
    escaped = escape_markdown(text)
    assert _as_rendered(escaped) == text
    # Nothing that opens a construct is left unescaped.
    assert not re.search(r"(?<!\\)[\[\]*_`~<>$|]", escaped), escaped
    assert not re.search(r"(?<!\\)&(?=#?\w+;)", escaped), escaped
    # Streamlit's text-level features (icons, emoji, bare links, arrows) find nothing to match.
    assert not re.search(r":[\w+-]+:|https?://|www\.|@\w|[-<]-|->|[<>~]=", escaped), escaped
    # No block can start: the first character is escaped or plain text.
    assert not re.match(r"\s*(#|[-+*>](\s|$)|\d+[.)](\s|$)|---)", escaped), escaped


def test_the_phishing_link_from_the_issue_is_escaped_exactly() -> None:
    assert escape_markdown("[Bitte neu anmelden](http://127.0.0.1:9/) :red[SITZUNG ABGELAUFEN]") == (
        "\\[Bitte neu anmelden\\](http:\u2060//127.0.0.1:\u20609/) :\u2060red\\[SITZUNG ABGELAUFEN\\]"
    )
    assert escape_markdown("![x](http://h/p.png)") == "!\\[x\\](http:\u2060//h/p.png)"
    assert escape_markdown("$x^2$ :material/warning:") == "\\$x^2\\$ :\u2060material/warning:"


def test_line_breaks_become_spaces_so_no_new_block_starts() -> None:
    escaped = escape_markdown("# Kopf\n# Kopf\r\n- Liste\r> Zitat\u2028| a |")
    assert escaped == "\\# Kopf # Kopf - Liste \\> Zitat \\| a \\|"


@pytest.mark.parametrize(
    "text",
    ["Kassel (Stadt)", "2 Ausbildung & Coaching", "erwartet: ein Betrag in Euro, z. B. 773.920,00", "31.02.2025", ""],
)
def test_ordinary_text_is_left_as_it_is(text: str) -> None:
    assert escape_markdown(text) == text


def test_a_value_from_a_link_is_cut_to_40_characters() -> None:
    shown = link_value("x" * 100)
    assert shown == "x" * 39 + "…"
    assert link_value("1999") == "1999"
    assert link_value(LINK) == escape_markdown(LINK[:39] + "…")


def test_chart_texts_show_plotlys_html_literally() -> None:
    assert plain_text('<a href="http://127.0.0.1:9/">x</a> &lt; & b') == (
        '&lt;a href="http://127.0.0.1:9/"&gt;x&lt;/a&gt; &amp;lt; & b'
    )
    frame = pd.DataFrame(
        {
            "unit_label": [HTML_PROJECT],
            "status": ["im Plan"],
            "deviation": [0.1],
            "spending_rate": [0.5],
            "expected_rate": [0.4],
            "occupancy": [0.9],
        }
    )
    spec = deviation_bars(frame, "Titel", "Quelle: <b>x</b>.xlsx").to_plotly_json()
    texts = [*spec["data"][0]["y"], *spec["data"][0]["hovertext"], spec["layout"]["annotations"][0]["text"]]
    assert not [t for t in texts if "<a" in t or "<b>x" in t]
    assert plain_text(HTML_PROJECT) in spec["data"][0]["y"][0]


# --- the pages ------------------------------------------------------------------------------------------------

# Element types whose body is plain text (st.text, st.code): everything else that carries a body, label or help
# renders Markdown.
PLAIN_ELEMENTS = {"text", "code"}
MARKDOWN_FIELDS = {"body", "label", "help"}


def _proto_strings(message: object) -> Iterator[str]:
    """The Markdown-rendered strings of a protobuf message and the messages inside it."""
    for field, value in message.ListFields():
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            for item in value if field.is_repeated else [value]:
                yield from _proto_strings(item)
        elif field.type == FieldDescriptor.TYPE_STRING and field.name in MARKDOWN_FIELDS:
            yield from (value if field.is_repeated else [value])


def markdown_bodies(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown: bodies of markdown, captions, alerts, titles and headings, the
    labels and help texts of widgets, metrics, expanders, tabs and popovers, and the cells of static tables."""
    found: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", None) not in PLAIN_ELEMENTS:
            found.extend(_proto_strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for table in at.table:
        found += [str(c) for c in table.value.columns]
        found += [str(v) for v in table.value.to_numpy().ravel()]
    return found


def chart_texts(at: AppTest) -> list[str]:
    """Every string in the charts' specifications (titles, ticks, hover labels, annotations)."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for chart in at.get("plotly_chart"):
        walk(json.loads(chart.proto.spec))
    return texts


ESCAPED = sorted({escape_markdown(p) for p in PAYLOADS} | {link_value(p) for p in PAYLOADS}, key=len, reverse=True)


# What a payload looks like unescaped, whatever the helper does: a link or image, a colour, KaTeX, an icon, an
# emoji, HTML, a bare URL, the file name's brackets (the escaped form has an invisible joiner after every colon).
RAW = re.compile(r"(?<!\\)(\]\(|!\[|:red\[|\$x|Bericht\*|\[final|~~|\*\*fett)|:material/|:smile:|<b>|http://127|1:9/")


def unescaped(bodies: list[str]) -> list[str]:
    """The bodies in which a payload shows other than in its escaped form."""
    found = []
    for body in bodies:
        rest = body
        for escaped in ESCAPED:
            rest = rest.replace(escaped, "")
        if RAW.search(body) or any(marker in rest for marker in MARKERS):
            found.append(body)
    return found


def check(at: AppTest) -> list[str]:
    """The page ran, every payload it shows is escaped, and its charts show no HTML from the data."""
    assert not at.exception, [e.message for e in at.exception]
    bodies = markdown_bodies(at)
    assert bodies, "the walk finds the page's texts"
    assert unescaped(bodies) == []
    html = [t for t in chart_texts(at) if re.search(r"<a\b|<b>fett|<b>b</b>|<img", t)]
    assert html == []
    return bodies


def run_app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return at


def upload(at: AppTest, *files: tuple[str, bytes]) -> None:
    at.file_uploader[0].set_value([(name, data, XLSX_MIME) for name, data in files]).run()


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database with the demo data and, through the upload page, a report whose names are all payloads."""
    path = tmp_path_factory.mktemp("hostile") / "aqb.sqlite"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AQB_DB", str(path))
        at = run_app()
        at.switch_page("app_pages/hochladen.py").run()
        upload(at, (FILE_NAME, hostile_report()))
        bodies = check(at)
        assert escape_markdown(FILE_NAME) in [s.value for s in at.main.header]
        assert at.success[0].value == "Keine Fehler, keine Warnungen."
        next(b for b in at.button if b.label == "Übernehmen").click().run()
        bodies = check(at)
        assert any(b.startswith(f"{escape_markdown(FILE_NAME)} ist übernommen") for b in bodies)
        yield path


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("view", [{}, {"kreis": WALDECK}], ids=["Hessen", WALDECK])
def test_every_page_shows_hostile_names_from_the_data_only_as_text(hostile_db: Path, page: str, view: dict) -> None:
    at = run_app(**view)
    check(at)
    at.switch_page(page).run()
    bodies = check(at)
    shown = "\n".join(bodies)
    # The data's file names reach the captions (Datenstand, Methodik): escaped, and found by the walk.
    if page in ("app_pages/uebersicht.py", "app_pages/methodik.py") or (view and page.endswith("schaft.py")):
        assert escape_markdown(FILE_NAME) in shown
    if view and page == "app_pages/gebietskoerperschaft.py":
        assert f"   - {escape_markdown(PROJECT)}" in shown  # the § 5 list
        assert f"Quelle: {escape_markdown(SOURCE)}" in shown
    if view and page == "app_pages/zielerreichung.py":
        ticks = chart_texts(at)
        assert any(plain_text(HTML_PROJECT) in t for t in ticks)  # the project chart shows the name as text


def test_a_link_cannot_put_markdown_or_its_own_words_into_the_page(hostile_db: Path) -> None:
    hostile = {"jahr": LINK, "kreis": LINK, "rb": LINK, "ma": [LINK, PROVIDER], "kennzahl": LINK, "stichtag": LINK}
    at = run_app(**hostile)
    bodies = check(at)
    warned = [w.value for w in at.sidebar.warning]
    assert f"Das Jahr „{link_value(LINK)}“ aus dem Link gibt es in den Daten nicht; gezeigt wird 2025." in warned
    assert f"„{link_value(LINK)}“ aus dem Link ist keine Gebietskörperschaft; gezeigt wird ganz Hessen." in warned
    assert not [b for b in bodies if "Bitte neu anmelden" in b and link_value(LINK) not in b]
    for page in PAGES:
        at.switch_page(page).run()
        check(at)
        headings = [h.value for h in [*at.title, *at.header, *at.subheader]]
        assert not [h for h in headings if any(m in h for m in ("Bitte", *MARKERS))], page
    at = run_app(stichtag=LINK)
    at.switch_page("app_pages/zielerreichung.py").run()
    check(at)
    said = [w.value for w in at.main.warning]
    assert f"Den Stichtag „{link_value(LINK)}“ aus dem Link gibt es für 2025 nicht; gezeigt wird 30.09.2025." in said


@pytest.mark.usefixtures("fresh_db")
def test_the_upload_page_shows_problems_that_quote_hostile_values_as_text() -> None:
    at = run_app()
    at.switch_page("app_pages/hochladen.py").run()
    second = "Zweite ~~Datei~~ :red[x].xlsx"
    upload(at, (FILE_NAME, broken_report()), (second, sheetless_report()))
    bodies = check(at)
    assert [s.value for s in at.main.header] == [escape_markdown(FILE_NAME), escape_markdown(second)]
    cells = {str(v) for table in at.table for v in table.value.to_numpy().ravel()}
    for value in (PROVIDER, PROJECT, SOURCE):  # the values of the cells the report names
        assert escape_markdown(value) in cells
    assert f"„{escape_markdown(PROVIDER)}“ ist kein fünfstelliger Kreisschlüssel (AGS)" in cells
    sheets = [c for c in cells if "Keines der Blätter" in c]
    assert len(sheets) == 1 and escape_markdown(SHEET_NAME) in sheets[0]
    assert escape_markdown(f"„{SHEET_NAME}“") in "\n".join(bodies)


@pytest.mark.usefixtures("fresh_db")
def test_the_agreement_page_shows_what_it_read_from_a_hostile_document_as_text() -> None:
    text = agreement_text(measures={1: (PROJECT,), 3: (TARGET_GROUP, PROVIDER)}, flavour="txt")
    name = FILE_NAME.replace(".xlsx", ".txt")
    at = run_app()
    at.switch_page("app_pages/zielvereinbarung.py").run()
    at.file_uploader[0].set_value((name, text.encode(), "text/plain")).run()
    bodies = check(at)
    summary = next(b for b in bodies if b.startswith(f"**{WALDECK}**"))
    assert f"- 1. Ausbildungsvorbereitung: {escape_markdown(PROJECT)}\n" in summary
    assert f"- 3. Qualifizierung: {escape_markdown(TARGET_GROUP)}; {escape_markdown(PROVIDER)}\n" in summary
    assert escape_markdown(name) in [s.value for s in at.main.header]
