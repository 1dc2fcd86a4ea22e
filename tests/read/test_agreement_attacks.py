"""Hostile agreement documents (issue 15): long pathological texts, PDF bombs, page trees that never end,
cyclic references, lying stream lengths, control and direction characters.

Every document here is written by hand (the PDFs object by object, as bytes), not by the project's reader or
writer. Whatever the document does, reading it ends with the agreement or with German messages, never with
a traceback. Documents that could exhaust the process go through the isolated reader, so that a reader that
lost its linear time or its budgets fails here with its German limit message instead of hanging the suite.
"""

from __future__ import annotations

import re
import zlib

import pytest

from aqb_data.read.agreement import AgreementReading, read_agreement
from aqb_data.read.sandbox import read_agreement_isolated

MB = 1024 * 1024
FULDA = "06631"

PROJECTS = {
    1: ["Startklar"],
    2: ["Azubi-Coaching"],
    3: ["Werkstatt Zukunft", "Neustart"],
    4: ["Fortbildung Fallmanagement"],
}


PARTIES = (
    "zwischen dem Hessischen Ministerium für Arbeit, Integration, Jugend und Soziales\n"
    "und dem Landkreis Fulda\n"
    "zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets"
)


def agreement(
    preamble: str = "", budget_lines: str = "", projects: str | None = None, title: str = "", parties: str = PARTIES
) -> str:
    """A short agreement of the Land with the Landkreis Fulda; `preamble` goes before § 1, `budget_lines` into
    § 4 before its sentence, `projects` replaces the list of § 5, `title` and `parties` the title block."""
    title = title or "Zielvereinbarung 2025"
    if projects is None:
        projects = (
            "1. Ausbildungsvorbereitung\n- Startklar\n"
            "2. Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen\n- Azubi-Coaching\n"
            "3. Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung\n- Werkstatt Zukunft\n"
            "- Neustart\n"
            "4. Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte\n"
            "- Fortbildung Fallmanagement\n"
        )
    return (
        f"{title}\n\n{parties}\n\n"
        f"{preamble}\n\n"
        "§ 1 Ziele\n\nDas Land verfolgt mit dem Budget seine Ziele.\n\n"
        "§ 4 Haushaltsmittel\n\n"
        f"{budget_lines}\n"
        "Das HMSI stellt dem Landkreis Fulda im Jahr 2025 Haushaltsmittel in Höhe von insgesamt\n"
        "812.500 Euro\n"
        "zur Verfügung.\n\n"
        "§ 5 Projekte\n\n"
        "Der Landkreis finanziert folgende Projekte:\n\n"
        f"{projects}\n"
        "Die Förderung erfolgt nach Maßgabe des Bescheides des Regierungspräsidiums Kassel.\n\n"
        "§ 6 Unterschriften\n\n"
        "Wiesbaden, den 02.08.2025\n"
        "Heike Hofmann\n"
        "Staatsministerin\n\n"
        "Fulda, den 13.08.2025\n"
        "Bernd Woide\n"
        "Landrat\n"
    )


def repeated(unit: str, size: int) -> str:
    """`unit` repeated to about `size` characters."""
    return unit * (size // len(unit))


def assert_fulda_2025(reading: AgreementReading) -> None:
    assert reading.errors == []
    assert reading.agreement is not None
    assert (reading.agreement.ags, reading.agreement.year, reading.agreement.budget_eur) == (FULDA, 2025, 812500.0)


def assert_german(messages: list[str]) -> None:
    """Messages a person can read: German sentences, no traceback, no English exception, no server path."""
    assert messages
    for message in messages:
        assert re.match(r"^(?:(?:Das|Der|Die|In|Bis|Keine|Nur)\b|§ )", message), message
        for leak in ("Traceback", "Error", "Exception", "pypdf", "/work/", "site-packages", ".py"):
            assert leak not in message, message


def test_our_agreement_is_read() -> None:
    reading = read_agreement(agreement().encode(), "zv.md")
    assert_fulda_2025(reading)
    assert reading.agreement.measures == PROJECTS
    assert reading.warnings == []


# --- long pathological texts: read in linear time ----------------------------------------------------------
# Before issue 15 the first took 127 s (300 KB), the blank lines under the title hours; see the report.


@pytest.mark.parametrize(
    "lines",
    ["Arbeitsmarkt-\nintegrations-\n", "Waldeck-\n", "Berufs-\nund Sprachscout-\n"],
    ids=["word-broken", "name-broken", "before-a-conjunction"],
)
def test_300_kb_of_hyphen_ended_lines_are_joined_and_the_agreement_is_read(lines: str) -> None:
    text = agreement(preamble=repeated(lines, 300_000))
    assert_fulda_2025(read_agreement_isolated(text.encode(), "zv.md"))


def test_a_project_wrapped_over_300_kb_of_lines_is_read_as_one_project() -> None:
    projects = "1. Ausbildungsvorbereitung\n- Startklar\n" + repeated("und weiter-\nmit Bindestrich\n", 300_000)
    reading = read_agreement_isolated(agreement(projects=projects).encode(), "zv.md")
    assert_fulda_2025(reading)
    (project,) = reading.agreement.measures[1]
    assert project.startswith("Startklar und weitermit Bindestrich und weitermit Bindestrich")


def test_100_000_blank_lines_under_the_title_still_give_the_year() -> None:
    title = "Zielvereinbarung" + "\n" * 100_000 + "2025"
    assert_fulda_2025(read_agreement_isolated(agreement(title=title).encode(), "zv.md"))


def test_100_000_blank_lines_after_the_title_without_a_year_are_read_in_linear_time() -> None:
    text = agreement(title="Zielvereinbarung" + " \n" * 100_000 + "x") + "\nZielvereinbarung 2025\n"
    assert_fulda_2025(read_agreement_isolated(text.encode(), "zv.md"))


def test_thousands_of_district_phrases_without_an_end_do_not_hide_the_district_in_section_4() -> None:
    parties = repeated("Soziales und der Landkreis Ort ", 300_000)
    assert_fulda_2025(read_agreement_isolated(agreement(parties=parties).encode(), "zv.md"))


def test_thousands_of_budget_sentences_without_a_year_do_not_hide_the_real_one() -> None:
    reading = read_agreement_isolated(agreement(budget_lines=repeated("stellt dem Ort ", 300_000)).encode(), "zv.md")
    assert_fulda_2025(reading)


def test_twenty_thousand_amounts_in_section_4_give_one_short_warning() -> None:
    text = agreement().replace("812.500 Euro\n", "812.500 Euro\n" + repeated("1.000 € ", 160_000) + "\n")
    reading = read_agreement_isolated(text.encode(), "zv.md")
    assert_fulda_2025(reading)
    (warning,) = reading.warnings
    assert warning.startswith("§ 4 nennt weitere Beträge (1.000,00 €, 1.000,00 €,")
    assert warning.endswith("weitere); übernommen ist der erste")
    listed = warning.count("1.000,00 €")
    assert listed < 20
    assert f"und {20_000 - listed} weitere" in warning


def test_fifty_thousand_repeated_projects_are_taken_once_with_a_few_warnings() -> None:
    projects = "1. Ausbildungsvorbereitung\n" + repeated("- Startklar\n", 600_000)
    reading = read_agreement_isolated(agreement(projects=projects).encode(), "zv.md")
    assert_fulda_2025(reading)
    assert reading.agreement.measures[1] == ["Startklar"]
    said = [w for w in reading.warnings if w.startswith("Das Projekt „Startklar“ steht unter Maßnahmenart 1 und 1")]
    (summary,) = [w for w in reading.warnings if w.startswith("§ 5 nennt ") and "mehrfach" in w]
    assert len(said) < 20
    assert summary == f"§ 5 nennt {49_999 - len(said)} weitere Projekte mehrfach; übernommen ist jedes einmal"


def test_a_measure_type_heading_of_300_kb_before_thousands_of_projects_is_read_in_linear_time() -> None:
    projects = "1. Ausbildungsvorbereitung " + "und mehr " * 33_000 + "\n" + repeated("- Startklar\n", 240_000)
    reading = read_agreement_isolated(agreement(projects=projects).encode(), "zv.md")
    assert_fulda_2025(reading)
    assert reading.agreement.measures[1] == ["Startklar"]


def test_thousands_of_different_projects_are_refused() -> None:
    projects = "1. Ausbildungsvorbereitung\n" + "".join(f"- Projekt {number}\n" for number in range(5000))
    reading = read_agreement_isolated(agreement(projects=projects).encode(), "zv.md")
    assert reading.agreement is None
    assert_german(reading.errors)
    assert "5000 Projekte" in reading.errors[0]


def test_a_line_of_900_000_characters_is_read() -> None:
    text = agreement(preamble="Ausbildung " * 80_000)
    assert_fulda_2025(read_agreement_isolated(text.encode(), "zv.md"))


def test_twelve_thousand_signature_blocks_are_read_in_linear_time() -> None:
    preamble = repeated("Kassel, den 01.01.2025\nDr. Dr. Dr. Erika Mustermann-Schmidt von der Heide\n", 900_000)
    reading = read_agreement_isolated(agreement(preamble=preamble).encode(), "zv.md")
    assert_fulda_2025(reading)


def test_a_text_of_two_million_characters_is_refused_with_its_length() -> None:
    text = agreement(preamble=repeated("Ausbildung und Qualifizierung.\n", 2_000_000))
    reading = read_agreement_isolated(text.encode(), "zv.txt")
    assert reading.agreement is None
    assert_german(reading.errors)
    assert "Zeichen" in reading.errors[0]
    assert f"{len(text):,}".replace(",", ".") in reading.errors[0]


# --- control and direction characters ----------------------------------------------------------------------


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the line holding `needle`."""
    return next(number for number, line in enumerate(text.split("\n"), start=1) if needle in line)


@pytest.mark.parametrize(
    ("character", "spelled"),
    [("\u202e", "U+202E"), ("\u0007", "U+0007"), ("\u2066", "U+2066"), ("\x1b", "U+001B")],
    ids=["right-to-left-override", "bell", "left-to-right-isolate", "escape"],
)
def test_a_control_or_direction_character_in_a_project_name_is_refused_naming_the_line(
    character: str, spelled: str
) -> None:
    text = agreement().replace("- Werkstatt Zukunft", f"- Werkstatt {character}Zukunft")
    reading = read_agreement(text.encode(), "zv.md")
    assert reading.agreement is None
    (error,) = reading.errors
    assert_german([error])
    assert f"Zeile {line_of(text, 'Werkstatt')} (gefunden: {spelled}): „- Werkstatt <{spelled}>Zukunft“" in error
    # The text shown beside the message spells the character out instead of hiding it.
    assert f"<{spelled}>" in reading.text
    assert character not in reading.text


def test_a_control_character_at_the_start_of_a_line_of_a_text_file_is_refused_not_made_a_bullet() -> None:
    text = agreement().replace("- Neustart", "\x07Neustart")
    reading = read_agreement(text.encode(), "zv.txt")
    assert reading.agreement is None
    assert f"Zeile {line_of(text, 'Neustart')} (gefunden: U+0007)" in reading.errors[0]


def test_every_line_with_a_forbidden_character_is_named_and_many_are_counted() -> None:
    preamble = "".join(f"Absatz {number}\u202e\n" for number in range(25))
    text = agreement(preamble=preamble)
    (error,) = read_agreement(text.encode(), "zv.md").errors
    first = line_of(text, "Absatz 0")
    assert f"Zeile {first} (gefunden: U+202E): „Absatz 0<U+202E>“" in error
    assert f"Zeile {first + 9} (gefunden: U+202E)" in error
    assert f"Zeile {first + 10} " not in error
    assert "dazu 15 weitere Zeilen" in error


def test_a_utf16_agreement_is_read() -> None:
    data = "\ufeff".encode("utf-16-le") + agreement().encode("utf-16-le")
    assert_fulda_2025(read_agreement(data, "zv.txt"))


def test_a_utf16_agreement_with_a_direction_character_is_refused() -> None:
    text = agreement().replace("- Startklar", "- Start\u202eklar")
    reading = read_agreement(text.encode("utf-16"), "zv.txt")
    assert reading.agreement is None
    assert f"Zeile {line_of(text, 'Start')} (gefunden: U+202E): „- Start<U+202E>klar“" in reading.errors[0]


def test_a_utf16_text_without_byte_order_mark_is_refused_in_german() -> None:
    reading = read_agreement(agreement().encode("utf-16-le"), "zv.txt")
    assert reading.agreement is None
    assert_german(reading.errors)


# --- hand-written PDFs -------------------------------------------------------------------------------------

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
)


def pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF of the numbered object bodies with a correct cross-reference table; object 1 is the catalogue."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    start = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, start)
    return bytes(out)


def stream(data: bytes, *, flate: bool = False, length: int | None = None, extra: bytes = b"") -> bytes:
    """A stream object's body; `length` overrides the true /Length (a lie)."""
    if flate:
        data = zlib.compress(data, 9)
    declared = len(data) if length is None else length
    flate_filter = b" /Filter /FlateDecode" if flate else b""
    return b"<< /Length %d%s%s >>\nstream\n" % (declared, flate_filter, extra) + data + b"\nendstream"


def text_operations(*lines: str) -> bytes:
    """Content drawing each line of text in Helvetica, one under the other."""
    shown = b"".join(
        b"(" + line.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") Tj T*\n"
        for line in lines
    )
    return b"BT /F1 11 Tf 14 TL 50 800 Td\n" + shown + b"ET\n"


def document(*contents: bytes, count: int | None = None, flate: bool = False) -> bytes:
    """One page per content stream, all in one /Pages node whose /Count is `count` (the truth by default)."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT}
    kids = []
    for index, content in enumerate(contents):
        page, body = 4 + 2 * index, 5 + 2 * index
        objects[page] = PAGE % body
        objects[body] = stream(content, flate=flate)
        kids.append(b"%d 0 R" % page)
    total = len(contents) if count is None else count
    objects[2] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % total
    return pdf(objects)


def test_our_hand_written_pdf_agreement_is_read() -> None:
    lines = agreement().split("\n")
    reading = read_agreement(document(text_operations(*lines[:40]), text_operations(*lines[40:])), "zv.pdf")
    assert_fulda_2025(reading)
    assert reading.agreement.measures == PROJECTS


def refused_pdf(data: bytes) -> str:
    """The one German message for a hostile PDF (read in the isolated reader)."""
    reading = read_agreement_isolated(data, "zv.pdf")
    assert reading.agreement is None
    assert len(reading.errors) == 1, reading.errors
    assert_german(reading.errors)
    return reading.errors[0]


def test_a_stream_that_inflates_to_100_mb_is_refused() -> None:
    content = text_operations("Zielvereinbarung 2025") + b" " * (100 * MB)
    message = refused_pdf(document(content, flate=True))
    assert message.startswith("Das PDF lässt sich nicht lesen")
    assert "entpackt" in message


def test_pages_that_inflate_to_74_mb_together_are_refused() -> None:
    content = text_operations("Zielvereinbarung 2025") + b" " * (37 * MB // 10)
    message = refused_pdf(document(*[content] * 20, flate=True))
    assert message.startswith("Das PDF ist zu groß zum Lesen: Bis Seite ")
    assert "entpackt" in message


def test_pages_dense_with_drawing_operations_are_refused() -> None:
    content = text_operations("Zielvereinbarung 2025") + b"0 0 m 1 1 l S\n" * 10_000
    message = refused_pdf(document(*[content] * 40, flate=True))
    assert message.startswith("Das PDF ist zu aufwendig aufgebaut")


def test_a_form_drawn_a_thousand_times_is_refused() -> None:
    form = stream(
        text_operations("Zielvereinbarung") + b"0 " * 100_000,
        flate=True,
        extra=b" /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >>",
    )
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 3 0 R >> /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>"
    )
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: page,
        5: stream(b"/X1 Do\n" * 1000),
        6: form,
    }
    assert refused_pdf(pdf(objects)).startswith("Das PDF ist zu groß zum Lesen")


def test_thousands_of_pages_are_refused_with_their_number() -> None:
    content = text_operations("Zielvereinbarung 2025")
    assert refused_pdf(document(*[content] * 5000)).startswith("Das PDF hat 5.000 Seiten")


def test_thousands_of_pages_behind_a_count_of_one_are_refused() -> None:
    content = text_operations("Zielvereinbarung 2025")
    assert refused_pdf(document(*[content] * 5000, count=1)).startswith("Das PDF hat mehr als ")


def test_sixty_pages_behind_a_count_of_one_are_refused_with_their_number() -> None:
    content = text_operations("Zielvereinbarung 2025")
    assert refused_pdf(document(*[content] * 60, count=1)).startswith("Das PDF hat 60 Seiten")


def cyclic(pages_tree: dict[int, bytes]) -> bytes:
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: FONT, 9: stream(text_operations("Zielvereinbarung"))}
    return pdf({**objects, **pages_tree})


@pytest.mark.parametrize(
    "tree",
    [
        {2: b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 >>", 4: PAGE % 9},
        {
            2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            5: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 1 >>",
            4: PAGE % 9,
        },
        {
            2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 /Parent 5 0 R >>",
            5: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] >>",
            4: b"<< /Type /Page /Parent 4 0 R /Contents 9 0 R >>",
        },
        {2: b"<< /Type /Pages /Kids 2 0 R /Count 1 >>"},
        {2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", 4: b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>"},
    ],
    ids=["kids-hold-their-parent", "kids-two-levels-round", "parent-of-itself", "kids-are-the-node", "contents-page"],
)
def test_a_page_tree_that_refers_to_itself_is_refused(tree: dict[int, bytes]) -> None:
    message = refused_pdf(cyclic(tree))
    assert message.startswith(("Das PDF", "Der Text hat nicht den Aufbau einer Zielvereinbarung"))


@pytest.mark.parametrize("length", [99_999_999_999, 10**40, -100, 5, 0], ids=str)
def test_a_stream_whose_length_lies_ends_in_german(length: int) -> None:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: PAGE % 5,
        5: stream(text_operations("Zielvereinbarung 2025"), length=length),
    }
    message = refused_pdf(pdf(objects))
    assert message.startswith(("Das PDF", "Der Text hat nicht den Aufbau einer Zielvereinbarung"))


def test_a_stream_whose_length_refers_to_itself_is_refused() -> None:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: PAGE % 5,
        5: b"<< /Length 5 0 R >>\nstream\n" + text_operations("Zielvereinbarung") + b"\nendstream",
    }
    assert refused_pdf(pdf(objects)).startswith("Das PDF")


@pytest.mark.parametrize(
    "catalogue",
    [
        b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"[" * 100_000 + b"]" * 100_000 + b" >>",
        b"<< /Type /Catalog /Pages 2 0 R /Deep " + b"<< /A " * 50_000 + b">> " * 50_000 + b">>",
        b"<< /Type /Catalog /Pages 7 0 R >>",
        b"<< /Type /Catalog /Pages 2 >>",
        b"[ /Catalog ]",
    ],
    ids=["arrays-100000-deep", "dictionaries-50000-deep", "pages-missing", "pages-not-a-reference", "not-a-dict"],
)
def test_a_malformed_catalogue_is_refused(catalogue: bytes) -> None:
    objects = {
        1: catalogue,
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: FONT,
        4: PAGE % 5,
        5: stream(text_operations("Zielvereinbarung 2025")),
    }
    message = refused_pdf(pdf(objects))
    assert message.startswith(("Das PDF", "Der Text hat nicht den Aufbau einer Zielvereinbarung"))


def test_a_truncated_pdf_is_refused() -> None:
    data = document(text_operations(*agreement().split("\n")))
    for cut in (20, 200, len(data) // 2):
        assert refused_pdf(data[:cut]).startswith("Das PDF")


def test_a_control_character_in_the_text_of_a_pdf_is_refused_naming_page_and_line() -> None:
    text = agreement().replace("- Werkstatt Zukunft", "- Werkstatt \x07Zukunft")
    lines = [line for line in text.split("\n") if line]  # a PDF has no blank lines, only space between them
    second = lines.index("§ 5 Projekte")  # the second page begins with § 5
    data = document(text_operations(*lines[:second]), text_operations(*lines[second:]))
    reading = read_agreement(data, "zv.pdf")
    assert reading.agreement is None
    (error,) = reading.errors
    assert_german([error])
    page_line = lines[second:].index("- Werkstatt \x07Zukunft") + 1
    assert f"Seite 2, Zeile {page_line} (gefunden: U+0007): „- Werkstatt <U+0007>Zukunft“" in error


def test_a_pdf_with_more_text_than_any_agreement_is_refused() -> None:
    content = b"BT /F1 11 Tf 50 800 Td (" + b"Ausbildung " * 55_000 + b") Tj ET\n"
    message = refused_pdf(document(*[content] * 2, flate=True))
    assert message.startswith("Bis Seite 2 enthält das PDF mehr als ")
    assert "Zeichen" in message
