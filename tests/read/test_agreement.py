"""Reading Zielvereinbarungen (issue 3): the seed document, our own documents in every wording, refusals,
the canonical tables and `python -m aqb_data parse-agreement`.

The seed agreement is read from ../shared/seeds/ (its text is not ours and is not copied here); every other
document is written by `tests.documents.agreement_text` and, for the PDF cases, rendered with reportlab at test
time, so the reader sees real line wrapping.
"""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from aqb_data.domain.model import AGREEMENTS, PROJECTS
from aqb_data.read.agreement import AgreementReading, Signature, agreement_tables, read_agreement
from tests.documents import (
    DEFAULT_MEASURES,
    DISTRICT_SIGNATORY,
    MEASURE_HEADINGS,
    MINISTRY_SIGNATORY,
    Signatory,
    agreement_text,
    pdf_from_text,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "seeds" / "zielvereinbarung-2025-waldeck-frankenberg.md"
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="../shared/seeds fehlt (eigener Klon ohne shared/)")

FORMS = ("md", "pdf")
MINISTRY_OFFICE = ("Hessisches Ministerium für Arbeit,", "Integration, Jugend und Soziales")

# What the seed document says (the facts of the Waldeck-Frankenberg 2025 agreement).
SEED_JSON = {
    "ags": "06635",
    "district": "Waldeck-Frankenberg",
    "year": 2025,
    "budget_eur": 773920.0,
    "measures": [
        {"measure_type": 1, "projects": ["AVIA (Aktivierung und Vermittlung von Migranten)"]},
        {"measure_type": 2, "projects": []},
        {
            "measure_type": 3,
            "projects": [
                "Checkpoint",
                "Restart",
                "FiB (Fit für die Berufswelt)",
                "Berufs- und Sprachscout Projekt (BSP)",
            ],
        },
        {"measure_type": 4, "projects": []},
    ],
    "signed_ministry": "2025-08-02",
    "signed_district": "2025-08-13",
    "signatures": {
        "ministry": {"place": "Wiesbaden", "date": "2025-08-02", "name": "Heike Hofmann", "role": "Staatsministerin"},
        "district": {
            "place": "Korbach",
            "date": "2025-08-13",
            "name": "Karl-Friedrich Frese",
            "role": "Erster Kreisbeigeordneter",
        },
    },
    "grant_authority": "Regierungspräsidium Kassel",
}

# What our default document (tests.documents.agreement_text()) says.
DEFAULT_PROJECTS = {code: list(names) for code, names in DEFAULT_MEASURES.items()}
DEFAULT_MINISTRY = Signature("Wiesbaden", date(2025, 8, 2), "Anna Muster", "Staatsministerin")
DEFAULT_DISTRICT = Signature("Korbach", date(2025, 8, 13), "Jonas Beispiel-Weber", "Landrat")


def read_as(form: str, **fields: object) -> AgreementReading:
    """Our own agreement with these fields, read as Markdown, plain text or a PDF built now."""
    if form == "md":
        return read_agreement(agreement_text(**fields).encode("utf-8"), "zielvereinbarung.md")
    if form == "txt":
        return read_agreement(agreement_text(flavour="txt", **fields).encode("utf-8"), "zielvereinbarung.txt")
    if form == "pdf":
        return read_agreement(pdf_from_text(agreement_text(**fields)), "zielvereinbarung.pdf")
    raise ValueError(form)


def read_ok(form: str, **fields: object) -> AgreementReading:
    """As read_as, for a document that must be read without errors."""
    reading = read_as(form, **fields)
    assert reading.errors == []
    assert reading.agreement is not None
    return reading


def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


def markdown_stripped(text: str) -> str:
    """The seed as a plain .txt file: no heading marks, no bold marks, no hard-break spaces."""
    text = re.sub(r"(?m)^#{1,6}\s*", "", text).replace("**", "")
    return re.sub(r"(?m)[ \t]+$", "", text)


def pdf_bytes(draw: str) -> bytes:
    """A one-page PDF without any text: empty, a picture (like a scan), or encrypted."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, encrypt="geheim" if draw == "encrypted" else None)
    if draw == "picture":
        from PIL import Image, ImageDraw
        from reportlab.lib.utils import ImageReader

        scan = Image.new("RGB", (300, 420), "white")
        ImageDraw.Draw(scan).text((20, 20), "Zielvereinbarung 2025", fill="black")
        pdf.drawImage(ImageReader(scan), 0, 0, *A4)
    elif draw == "encrypted":
        pdf.drawString(72, 770, "Zielvereinbarung 2025")
    pdf.showPage()
    pdf.save()
    data = buffer.getvalue()
    assert (b"/Subtype /Image" in data) == (draw == "picture")  # the scan really is a picture, nothing else
    return data


def office_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document>Zielvereinbarung 2025</w:document>")
    return buffer.getvalue()


# --- 1. the seed document --------------------------------------------------------------------------------


def _seed_as(form: str) -> AgreementReading:
    if form == "md-file":
        return read_agreement(SEED)
    if form == "pdf":
        return read_agreement(pdf_from_text(seed_text()), "zielvereinbarung-2025-waldeck-frankenberg.pdf")
    if form == "txt":
        data = markdown_stripped(seed_text()).encode("utf-8")
        return read_agreement(data, "zielvereinbarung-2025-waldeck-frankenberg.txt")
    if form == "cp1252":
        data = seed_text().encode("cp1252")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # the test really is about a Windows-encoded file
        return read_agreement(data, "zielvereinbarung-2025-waldeck-frankenberg.md")
    if form == "crlf":
        return read_agreement(seed_text().replace("\n", "\r\n").encode("utf-8"), "zielvereinbarung.md")
    raise ValueError(form)


@needs_seed
@pytest.mark.parametrize("form", ["md-file", "pdf", "txt", "cp1252", "crlf"])
def test_the_seed_agreement_reads_to_the_known_facts(form: str) -> None:
    reading = _seed_as(form)
    assert reading.errors == []
    assert reading.warnings == []
    assert reading.agreement is not None
    assert reading.agreement.as_json() == SEED_JSON


@needs_seed
def test_the_seed_pdf_really_wraps_the_long_measure_type_4() -> None:
    # Without the wrap the PDF test above would prove nothing about wrapped labels.
    reading = _seed_as("pdf")
    assert MEASURE_HEADINGS[4] in seed_text()
    assert MEASURE_HEADINGS[4] not in reading.text


# --- 2. wording variants, in Markdown and as a PDF -------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_our_default_document_reads_completely(form: str) -> None:
    reading = read_ok(form)
    agreement = reading.agreement
    assert reading.warnings == []
    assert (agreement.ags, agreement.district, agreement.year, agreement.budget_eur) == (
        "06635",
        "Waldeck-Frankenberg",
        2025,
        773920.0,
    )
    assert agreement.measures == DEFAULT_PROJECTS
    assert agreement.signed_ministry == DEFAULT_MINISTRY
    assert agreement.signed_district == DEFAULT_DISTRICT
    assert agreement.grant_authority == "Regierungspräsidium Kassel"


def test_the_plain_text_flavour_reads_like_the_markdown() -> None:
    assert read_ok("txt").agreement == read_ok("md").agreement


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("phrase", "ags", "label"),
    [
        ("dem Landkreis Landkreis Waldeck-Frankenberg", "06635", "Waldeck-Frankenberg"),
        ("der Stadt Kassel", "06611", "Kassel (Stadt)"),
        ("der documenta-Stadt Kassel", "06611", "Kassel (Stadt)"),
        ("dem Landkreis Kassel", "06633", "Kassel (Landkreis)"),
        ("der Wissenschaftsstadt Darmstadt", "06411", "Darmstadt"),
        ("dem Kreis Offenbach", "06438", "Offenbach (Landkreis)"),
        ("der Stadt Offenbach am Main", "06413", "Offenbach am Main"),
        ("der Stadt Offenbach", "06413", "Offenbach am Main"),
        ("der Stadt Frankfurt am Main", "06412", "Frankfurt am Main"),
        ("der Landeshauptstadt Wiesbaden", "06414", "Wiesbaden"),
        ("dem Main-Kinzig-Kreis", "06435", "Main-Kinzig-Kreis"),
        ("dem Lahn-Dill-Kreis", "06532", "Lahn-Dill-Kreis"),
        ("dem Wetteraukreis", "06440", "Wetteraukreis"),
        ("dem Landkreis Marburg-Biedenkopf", "06534", "Marburg-Biedenkopf"),
    ],
)
def test_the_district_is_resolved_whatever_the_wording(form: str, phrase: str, ags: str, label: str) -> None:
    agreement = read_ok(form, district=phrase).agreement
    assert (agreement.ags, agreement.district) == (ags, label)
    assert agreement.as_json()["ags"] == ags


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("fields", "budget"),
    [
        ({"amount": "773.920 Euro"}, 773920.0),
        ({"amount": "1.140.300,00 €"}, 1140300.0),
        ({"amount": "EUR 955.000"}, 955000.0),
        ({"amount": "€ 1.200.000,-"}, 1200000.0),
        ({"amount": "773.920,00 EUR"}, 773920.0),
        ({"amount": "773920 €"}, 773920.0),
        ({"amount": "1.140.300,50 Euro"}, 1140300.5),
        (
            {
                "budget_lines": (
                    "Das Land stellt dem Landkreis Waldeck-Frankenberg im Jahr 2025 für die Umsetzung Mittel in "
                    "Höhe von insgesamt 1.140.300,00 € bereit.",
                )
            },
            1140300.0,
        ),
        ({"budget_lines": ("Die Mittel des Landes für dieses Jahr betragen 955.000 Euro.",)}, 955000.0),
    ],
    ids=[
        "euro",
        "euro-sign-cents",
        "eur-before",
        "euro-sign-dash",
        "eur-after",
        "ungrouped",
        "cents",
        "inline",
        "beträgt",
    ],
)
def test_the_budget_of_paragraph_4_in_every_notation(form: str, fields: dict, budget: float) -> None:
    reading = read_ok(form, **fields)
    assert reading.agreement.budget_eur == budget
    assert reading.warnings == []


@pytest.mark.parametrize("form", FORMS)
def test_a_second_amount_in_paragraph_4_keeps_the_first_and_warns(form: str) -> None:
    lines = (
        "Das Land stellt dem Landkreis Waldeck-Frankenberg im Jahr 2025 Mittel in Höhe von insgesamt",
        "773.920 Euro",
        "bereit, davon 50.000 Euro für Teilzeitausbildung.",
    )
    reading = read_ok(form, budget_lines=lines)
    assert reading.agreement.budget_eur == 773920.0
    assert reading.warnings == ["§ 4 nennt weitere Beträge (50.000,00 €); übernommen ist der erste"]


LIST_MEASURES = {
    1: ["Startklar (Berufsorientierung für Zugewanderte)", "Praxistage Handwerk"],
    2: ["Ausbildung in Teilzeit (AiT)"],
    3: ["Werkstatt Zukunft", "Berufs- und Sprachlotsen (BSL)", "JobBrücke (Begleitung in Arbeit)"],
    4: ["Fortbildung Fallmanagement"],
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("style", ["-", "•", "–", "*", "1.1", "a)", "plain"])
def test_paragraph_5_projects_in_every_list_style(form: str, style: str) -> None:
    reading = read_ok(form, measures=LIST_MEASURES, list_style=style)
    assert reading.agreement.measures == LIST_MEASURES
    assert reading.warnings == []


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("style", ["-", "plain"])
def test_a_measure_type_without_projects_is_an_empty_list(form: str, style: str) -> None:
    measures = {1: [], 2: ["keine"], 3: ["Werkstatt Zukunft"], 4: ["entfällt"]}
    reading = read_ok(form, measures=measures, list_style=style)
    assert reading.agreement.measures == {1: [], 2: [], 3: ["Werkstatt Zukunft"], 4: []}


@pytest.mark.parametrize("form", FORMS)
def test_all_four_measure_types_are_in_the_output_even_if_paragraph_5_names_two(form: str) -> None:
    reading = read_ok(form, measures={1: ["Praxistage Handwerk"], 3: ["Werkstatt Zukunft"]})
    assert reading.agreement.as_json()["measures"] == [
        {"measure_type": 1, "projects": ["Praxistage Handwerk"]},
        {"measure_type": 2, "projects": []},
        {"measure_type": 3, "projects": ["Werkstatt Zukunft"]},
        {"measure_type": 4, "projects": []},
    ]
    assert reading.warnings == [
        "§ 5 nennt die Maßnahmenart(en) 2 (Ausbildung & Coaching), 4 (Weiterbildung Personal) nicht; "
        "dort stehen keine Projekte"
    ]


@pytest.mark.parametrize("style", ["-", "plain"])
@pytest.mark.parametrize("projects", [[], ["Fortbildung Fallmanagement"]], ids=["ohne", "mit"])
def test_the_wrapped_wording_of_measure_type_4_is_not_a_project(style: str, projects: list[str]) -> None:
    reading = read_ok("pdf", measures={1: [], 2: [], 3: [], 4: projects}, list_style=style)
    assert "in der fachlichen\nVerantwortung für Benachteiligte" in reading.text  # the PDF did wrap it
    assert reading.agreement.measures == {1: [], 2: [], 3: [], 4: projects}


@pytest.mark.parametrize("form", FORMS)
def test_the_long_wording_of_measure_type_1_is_a_heading(form: str) -> None:
    long_wording = {1: "Ausbildungsvorbereitung einschließlich gesundheitsfördernder Maßnahmen"}
    reading = read_ok(form, headings=long_wording)
    assert reading.agreement.measures == DEFAULT_PROJECTS


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("style", ["-", "plain", "a)"])
@pytest.mark.parametrize(
    ("written", "read"),
    [
        (
            "Qualifizierung zur Arbeitsmarkt-\nintegration junger Erwachsener",
            "Qualifizierung zur Arbeitsmarktintegration junger Erwachsener",
        ),
        ("Berufs-\nund Sprachlotsen (BSL)", "Berufs- und Sprachlotsen (BSL)"),
        ("Netzwerk Ausbildung Waldeck-\nFrankenberg", "Netzwerk Ausbildung Waldeck-Frankenberg"),
    ],
    ids=["silbentrennung", "berufs-und", "bindestrich-name"],
)
def test_a_project_name_broken_at_a_hyphen_is_joined(form: str, style: str, written: str, read: str) -> None:
    reading = read_ok(form, measures={1: [], 2: [], 3: [written, "Werkstatt Zukunft"], 4: []}, list_style=style)
    assert reading.agreement.measures[3] == [read, "Werkstatt Zukunft"]


SOFT_HYPHEN_NAME = (
    "Begleitung junger Erwachsener ohne Abschluss mit Sprachkurs und Praktikum zur Arbeitsmarkt\u00adintegration (BAI)"
)
SOFT_HYPHEN_READ = SOFT_HYPHEN_NAME.replace("\u00ad", "")
# 14 words: reportlab breaks the line right after "Berufs-".
SCOUTS = (
    "Begleitung junger Zugewanderter in Ausbildung und Arbeit durch unseren gemeinsamen Berufs- und Sprachscouts (BSP)"
)


@pytest.mark.parametrize(
    ("style", "name", "line_end", "read"),
    [
        pytest.param(style, SOFT_HYPHEN_NAME, "Arbeitsmarkt-\nintegration", SOFT_HYPHEN_READ, id=f"trennung{style}")
        for style in ("-", "a)", "plain")
    ]
    + [
        pytest.param(style, SCOUTS, "Berufs-\nund Sprachscouts", SCOUTS, id=f"berufs-und{style}")
        for style in ("-", "a)")
    ],
)
def test_a_project_name_the_pdf_wraps_at_a_hyphen_is_one_project(style: str, name: str, line_end: str, read: str):
    reading = read_ok("pdf", measures={1: [], 2: [], 3: [name, "Werkstatt Zukunft"], 4: []}, list_style=style)
    assert line_end in reading.text  # reportlab broke the line exactly there
    assert reading.agreement.measures[3] == [read, "Werkstatt Zukunft"]


@pytest.mark.parametrize("form", FORMS)
def test_a_project_name_of_fourteen_words_in_a_list_without_markers(form: str) -> None:
    reading = read_ok(form, measures={1: [], 2: [], 3: [SCOUTS, "Werkstatt Zukunft"], 4: []}, list_style="plain")
    assert reading.agreement.measures[3] == [SCOUTS, "Werkstatt Zukunft"]


LONG_NAME = (
    "Teilzeitausbildung für Alleinerziehende mit Kinderbetreuung, sozialpädagogischer Begleitung und "
    "Sprachförderung (TAB – Teilzeitausbildung begleiten)"
)


def test_a_long_project_name_in_markdown_is_one_project() -> None:
    reading = read_ok("md", measures={1: [], 2: [], 3: [LONG_NAME, "Werkstatt Zukunft"], 4: []})
    assert reading.agreement.measures[3] == [LONG_NAME, "Werkstatt Zukunft"]


@pytest.mark.parametrize("style", ["-", "a)", "1.1"])
def test_a_long_project_name_the_pdf_wraps_is_one_project(style: str) -> None:
    reading = read_ok("pdf", measures={1: [], 2: [], 3: [LONG_NAME, "Werkstatt Zukunft"], 4: []}, list_style=style)
    assert LONG_NAME not in reading.text  # the PDF did wrap it
    assert reading.agreement.measures[3] == [LONG_NAME, "Werkstatt Zukunft"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("ministry_date", "district_date", "iso_ministry", "iso_district"),
    [
        ("2. 8. 2025", "13. Aug. 2025", "2025-08-02", "2025-08-13"),
        ("02.08.2025", "13.08.2025", "2025-08-02", "2025-08-13"),
        ("20. März 2024", "1. Dezember 2024", "2024-03-20", "2024-12-01"),
        ("1. Dezember 2024", "20. März 2024", "2024-12-01", "2024-03-20"),
        ("13. Aug. 2025", "2. 8. 2025", "2025-08-13", "2025-08-02"),
    ],
)
def test_the_signing_dates_in_every_notation(
    form: str, ministry_date: str, district_date: str, iso_ministry: str, iso_district: str
) -> None:
    reading = read_ok(
        form,
        ministry=replace(MINISTRY_SIGNATORY, date=ministry_date),
        signatory=replace(DISTRICT_SIGNATORY, date=district_date),
    )
    as_json = reading.agreement.as_json()
    assert (as_json["signed_ministry"], as_json["signed_district"]) == (iso_ministry, iso_district)
    assert reading.agreement.year == 2025  # a signing date in 2024 does not change the year of the agreement


SIGNATORY_CASES = [
    pytest.param(
        MINISTRY_SIGNATORY,
        "dem Landkreis Waldeck-Frankenberg",
        DISTRICT_SIGNATORY,
        DEFAULT_MINISTRY,
        DEFAULT_DISTRICT,
        id="staatsministerin-landrat",
    ),
    pytest.param(
        Signatory("Wiesbaden", "02.08.2025", "Prof. Dr. Maria Sommer", "Staatsminister", MINISTRY_OFFICE),
        "der Stadt Kassel",
        Signatory("Kassel", "13.08.2025", "Dr. Lena Hoffmann-Ries", "Oberbürgermeisterin", ("Stadt Kassel",)),
        Signature("Wiesbaden", date(2025, 8, 2), "Prof. Dr. Maria Sommer", "Staatsminister"),
        Signature("Kassel", date(2025, 8, 13), "Dr. Lena Hoffmann-Ries", "Oberbürgermeisterin"),
        id="titel-oberbürgermeisterin",
    ),
    pytest.param(
        MINISTRY_SIGNATORY,
        "dem Landkreis Landkreis Waldeck-Frankenberg",
        Signatory(
            "Korbach",
            "13. Aug. 2025",
            "Karl-Heinz Beispiel",
            "Erster Kreisbeigeordneter",
            ("des Landkreises", "Landkreis Waldeck-", "Frankenberg"),
        ),
        DEFAULT_MINISTRY,
        Signature("Korbach", date(2025, 8, 13), "Karl-Heinz Beispiel", "Erster Kreisbeigeordneter"),
        id="kreisbeigeordneter",
    ),
    pytest.param(
        MINISTRY_SIGNATORY,
        "der Stadt Offenbach am Main",
        Signatory("Offenbach am Main", "20. März 2024", "Sabine Roth", "Sozialdezernentin", ("Stadt Offenbach",)),
        DEFAULT_MINISTRY,
        Signature("Offenbach am Main", date(2024, 3, 20), "Sabine Roth", "Sozialdezernentin"),
        id="dezernentin-offenbach",
    ),
    pytest.param(
        MINISTRY_SIGNATORY,
        "dem Hochtaunuskreis",
        Signatory("Bad Homburg v. d. Höhe", "1. Dezember 2024", "Ulrich Krebs", "Landrat", ("Hochtaunuskreis",)),
        DEFAULT_MINISTRY,
        Signature("Bad Homburg v. d. Höhe", date(2024, 12, 1), "Ulrich Krebs", "Landrat"),
        id="bad-homburg",
    ),
    pytest.param(
        Signatory("Wiesbaden", "2. 8. 2025", "Dr. Lukas Probst", "Staatssekretär", MINISTRY_OFFICE),
        "dem Landkreis Waldeck-Frankenberg",
        DISTRICT_SIGNATORY,
        Signature("Wiesbaden", date(2025, 8, 2), "Dr. Lukas Probst", "Staatssekretär"),
        DEFAULT_DISTRICT,
        id="staatssekretär",
    ),
    pytest.param(
        Signatory("Wiesbaden", "2. 8. 2025", "Clara von Aue", "Staatsministerin", MINISTRY_OFFICE),
        "dem Landkreis Waldeck-Frankenberg",
        DISTRICT_SIGNATORY,
        Signature("Wiesbaden", date(2025, 8, 2), "Clara von Aue", "Staatsministerin"),
        DEFAULT_DISTRICT,
        id="name-mit-von",
    ),
    pytest.param(
        MINISTRY_SIGNATORY,
        "dem Main-Kinzig-Kreis",
        Signatory("Gelnhausen", "13.08.2025", "Eva Kreisel", "Landrätin", ("Main-Kinzig-Kreis",)),
        DEFAULT_MINISTRY,
        Signature("Gelnhausen", date(2025, 8, 13), "Eva Kreisel", "Landrätin"),
        id="name-mit-kreis",
    ),
    pytest.param(
        MINISTRY_SIGNATORY,
        "dem Wetteraukreis",
        Signatory("Friedberg (Hessen)", "13.08.2025", "Jan Weber", "Landrat", ("Wetteraukreis",)),
        DEFAULT_MINISTRY,
        Signature("Friedberg (Hessen)", date(2025, 8, 13), "Jan Weber", "Landrat"),
        id="ort-mit-klammer",
    ),
]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(("ministry", "district", "signatory", "by_ministry", "by_district"), SIGNATORY_CASES)
def test_the_signatories_place_date_name_and_role(
    form: str,
    ministry: Signatory,
    district: str,
    signatory: Signatory,
    by_ministry: Signature,
    by_district: Signature,
) -> None:
    reading = read_ok(form, ministry=ministry, district=district, signatory=signatory)
    assert reading.agreement.signed_ministry == by_ministry
    assert reading.agreement.signed_district == by_district
    assert reading.warnings == []


@pytest.mark.parametrize("form", FORMS)
def test_one_signature_only_gives_null_for_the_other_and_says_so(form: str) -> None:
    reading = read_ok(form, signatory=None)
    assert reading.agreement.signed_ministry == DEFAULT_MINISTRY
    assert reading.agreement.signed_district is None
    assert reading.agreement.as_json()["signed_district"] is None
    assert reading.warnings == ["Nur eine Unterschrift mit Ort und Datum gefunden"]


@pytest.mark.parametrize("form", FORMS)
def test_no_signature_at_all_gives_null_dates_and_says_so(form: str) -> None:
    reading = read_ok(form, ministry=None, signatory=None)
    as_json = reading.agreement.as_json()
    assert (as_json["signed_ministry"], as_json["signed_district"]) == (None, None)
    assert reading.warnings == ["Keine Unterschriften mit Ort und Datum gefunden"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("authority", ["Darmstadt", "Gießen", "Kassel"])
def test_the_regierungspraesidium_that_issues_the_grant(form: str, authority: str) -> None:
    assert read_ok(form, authority=authority).agreement.grant_authority == f"Regierungspräsidium {authority}"


@pytest.mark.parametrize("form", FORMS)
def test_no_regierungspraesidium_named_is_none_not_a_guess(form: str) -> None:
    assert read_ok(form, authority=None).agreement.grant_authority is None


@pytest.mark.parametrize("form", FORMS)
def test_the_year_on_one_title_line(form: str) -> None:
    assert read_ok(form, title_on_one_line=True, year=2024).agreement.year == 2024


@pytest.mark.parametrize("form", FORMS)
def test_paragraph_headings_with_the_title_on_the_same_line(form: str) -> None:
    reading = read_ok(form, section_title_inline=True)
    assert reading.agreement.budget_eur == 773920.0
    assert reading.agreement.measures == DEFAULT_PROJECTS


# --- 3. documents that must be refused -------------------------------------------------------------------

ATLANTIS = (
    "Die Gebietskörperschaft „dem Landkreis Atlantis“ ist nicht eindeutig zu erkennen: „dem Landkreis Atlantis“ "
    "ist keine bekannte hessische Gebietskörperschaft"
)
KASSEL_AMBIGUOUS = (
    "Die Gebietskörperschaft „Kassel“ ist nicht eindeutig zu erkennen: „Kassel“ ist nicht eindeutig: Kassel "
    "(Kreisfreie Stadt, AGS 06611) oder Kassel (Landkreis, AGS 06633). Bitte AGS angeben oder „Stadt …“ bzw. "
    "„Landkreis …“ schreiben"
)
TWO_DISTRICTS = (
    "Das Dokument nennt zwei verschiedene Gebietskörperschaften: „der Stadt Kassel“ (Kassel (Stadt)) und "
    "„dem Landkreis Kassel“ (Kassel (Landkreis))"
)
TWO_YEARS = (
    "Das Dokument nennt widersprüchliche Jahre: 2024 („Zielvereinbarung 2024“) und 2025 („Qualifizierungsbudget 2025“)"
)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        pytest.param(
            {"budget_lines": ("Die Höhe der Mittel teilt das Land gesondert mit.",)},
            ["In § 4 steht kein Betrag der Haushaltsmittel (erwartet z. B. „773.920 Euro“)"],
            id="kein-betrag",
        ),
        pytest.param(
            {"with_budget_section": False}, ["Das Dokument hat keinen § 4 (Haushaltsmittel)"], id="ohne-paragraph-4"
        ),
        pytest.param({"district": "dem Landkreis Atlantis"}, [ATLANTIS], id="unbekannt"),
        pytest.param({"district": "Kassel"}, [KASSEL_AMBIGUOUS], id="mehrdeutig"),
        pytest.param(
            {
                "district": "der Stadt Kassel",
                "budget_lines": (
                    "Das Land stellt dem Landkreis Kassel im Jahr 2025 Mittel in Höhe von 773.920 Euro bereit.",
                ),
            },
            [TWO_DISTRICTS],
            id="zwei-kreise",
        ),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_german_message(form: str, fields: dict, errors: list[str]) -> None:
    reading = read_as(form, **fields)
    assert reading.errors == errors
    assert reading.agreement is None


@pytest.mark.parametrize(
    ("form", "fields"),
    [
        pytest.param("md", {"title_year": 2024}, id="md-titel-zweizeilig"),
        pytest.param("pdf", {"title_year": 2024}, id="pdf-titel-zweizeilig"),
        pytest.param("md", {"title_year": 2024, "title_on_one_line": True}, id="md-titel-einzeilig"),
        pytest.param("pdf", {"title_year": 2024, "title_on_one_line": True}, id="pdf-titel-einzeilig"),
    ],
)
def test_two_conflicting_years_are_refused(form: str, fields: dict) -> None:
    reading = read_as(form, **fields)
    assert reading.errors == [TWO_YEARS]
    assert reading.agreement is None


@pytest.mark.parametrize("form", FORMS)
def test_two_conflicting_years_are_refused_whatever_the_message_looks_like(form: str) -> None:
    reading = read_as(form, title_year=2024, year=2025)
    assert len(reading.errors) == 1
    assert reading.errors[0].startswith("Das Dokument nennt widersprüchliche Jahre: 2024 (")
    assert reading.errors[0].endswith(") und 2025 („Qualifizierungsbudget 2025“)")
    assert reading.agreement is None


NOT_AN_AGREEMENT = (
    "Der Text ist keine Zielvereinbarung zum Ausbildungs- und Qualifizierungsbudget (weder „Zielvereinbarung“ "
    "noch „Qualifizierungsbudget“ kommt vor)"
)
RECIPE = "Apfelkuchen\n\nZutaten: 500 g Mehl, 250 g Butter, 4 Äpfel.\n\nDen Teig 30 Minuten kühlen, dann backen.\n"
PRESS_RELEASE = """Pressemitteilung

Land fördert Ausbildung im Landkreis Waldeck-Frankenberg

Wiesbaden, 14. August 2025. Das Land Hessen stellt dem Landkreis Waldeck-Frankenberg im Jahr 2025
insgesamt 773.920 Euro aus dem Ausbildungs- und Qualifizierungsbudget zur Verfügung. Die Zielvereinbarung
wurde in dieser Woche unterzeichnet.
"""
GARBAGE = bytes(range(256)) * 16
NO_TEXT_IN_PDF = "Das PDF enthält keinen Text (vermutlich eingescannt); bitte eine Textfassung verwenden"
OFFICE = "Die Datei ist ein Office-Dokument; bitte als PDF oder Text (.txt, .md) speichern"
NOT_A_PDF = "Die Datei heißt .pdf, ist aber kein PDF"


@pytest.mark.parametrize(
    ("name", "make", "error"),
    [
        pytest.param("rezept.md", lambda: RECIPE.encode(), NOT_AN_AGREEMENT, id="rezept-md"),
        pytest.param("rezept.pdf", lambda: pdf_from_text(RECIPE), NOT_AN_AGREEMENT, id="rezept-pdf"),
        pytest.param("leer.md", lambda: b"", "Die Datei ist leer", id="leer"),
        pytest.param("leer.pdf", lambda: b"", "Die Datei ist leer", id="leer-pdf-name"),
        pytest.param("nur-leerzeilen.txt", lambda: b"\n \n\t\n", NOT_AN_AGREEMENT, id="leerzeilen"),
        pytest.param("muell.md", lambda: GARBAGE, "Die Datei ist kein Text (sie enthält Binärdaten)", id="binär"),
        pytest.param("vereinbarung.md", office_zip, OFFICE, id="zip-als-md"),
        pytest.param("vereinbarung.docx", office_zip, OFFICE, id="docx"),
        pytest.param("vereinbarung.pdf", office_zip, NOT_A_PDF, id="zip-als-pdf"),
        pytest.param("vereinbarung.pdf", lambda: agreement_text().encode(), NOT_A_PDF, id="text-als-pdf"),
        pytest.param("leere-seite.pdf", lambda: pdf_bytes("empty"), NO_TEXT_IN_PDF, id="leere-seite"),
        pytest.param("scan.pdf", lambda: pdf_bytes("picture"), NO_TEXT_IN_PDF, id="nur-bild"),
        pytest.param(
            "geschuetzt.pdf",
            lambda: pdf_bytes("encrypted"),
            "Das PDF ist verschlüsselt; bitte eine unverschlüsselte Fassung verwenden",
            id="verschlüsselt",
        ),
    ],
)
def test_files_that_are_no_agreement_are_refused(name: str, make, error: str) -> None:
    reading = read_agreement(make(), name)
    assert reading.errors == [error]
    assert reading.agreement is None


@pytest.mark.parametrize("fraction", [0.02, 0.5, 0.95])
def test_a_truncated_pdf_is_refused_as_damaged(fraction: float) -> None:
    whole = pdf_from_text(agreement_text())
    reading = read_agreement(whole[: int(len(whole) * fraction)], "abgeschnitten.pdf")
    assert len(reading.errors) == 1
    assert reading.errors[0].startswith("Das PDF ist beschädigt und lässt sich nicht lesen")
    assert reading.agreement is None


@pytest.mark.parametrize("form", ["md", "pdf"])
def test_a_press_release_about_an_agreement_is_refused(form: str) -> None:
    data = PRESS_RELEASE.encode() if form == "md" else pdf_from_text(PRESS_RELEASE)
    reading = read_agreement(data, f"pressemitteilung.{form}")
    assert reading.agreement is None
    # It mentions the agreement but has not its structure: one clear reason, not a list of symptoms.
    assert reading.errors == [
        "Der Text hat nicht den Aufbau einer Zielvereinbarung: Es fehlen § 4 (Haushaltsmittel) und § 5 (Projekte)"
    ]


def test_a_missing_file_is_refused_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "gibt-es-nicht.md"
    reading = read_agreement(missing)
    assert reading.errors == [f"Die Datei „{missing}“ wurde nicht gefunden oder ist nicht lesbar"]
    assert reading.agreement is None


# --- 4. agreement_tables ---------------------------------------------------------------------------------


def test_agreement_tables_give_one_agreement_row_and_one_project_per_entry() -> None:
    agreement = read_ok("pdf", measures=LIST_MEASURES).agreement
    tables = agreement_tables(agreement, "Zielvereinbarung Waldeck-Frankenberg 2025.pdf")
    agreements = tables["agreements"]
    assert list(agreements.columns) == AGREEMENTS.column_names
    assert agreements.to_dict("records") == [
        {
            "year": 2025,
            "ags": "06635",
            "budget_eur": 773920.0,
            "signed_ministry": pd.Timestamp("2025-08-02"),
            "signed_district": pd.Timestamp("2025-08-13"),
            "source": "Zielvereinbarung Waldeck-Frankenberg 2025.pdf",
            "signed_ministry_place": "Wiesbaden",
            "signed_district_place": "Korbach",
        }
    ]
    projects = tables["projects"]
    assert list(projects.columns) == PROJECTS.column_names
    assert list(zip(projects["measure_type"], projects["project"], strict=True)) == [
        (code, name) for code, names in LIST_MEASURES.items() for name in names
    ]
    assert (projects["year"] == 2025).all()
    assert (projects["ags"] == "06635").all()
    assert projects["planned_eur"].dtype == "float64"
    assert projects["planned_eur"].isna().all()
    assert projects["planned_places"].isna().all()
    assert projects["provider"].isna().all()
    assert (projects["source"] == "Zielvereinbarung Waldeck-Frankenberg 2025.pdf").all()


def test_agreement_tables_without_signatures_have_empty_dates() -> None:
    agreement = read_ok("md", ministry=None, signatory=None).agreement
    row = agreement_tables(agreement, "ohne-unterschrift.md")["agreements"].iloc[0]
    assert pd.isna(row["signed_ministry"])
    assert pd.isna(row["signed_district"])


def test_a_known_project_keeps_its_planned_money_places_and_provider() -> None:
    agreement = read_ok("md").agreement  # 06635, 2025; Werkstatt Zukunft under measure type 3
    known = PROJECTS.conform(
        pd.DataFrame(
            [
                [
                    2025,
                    "06635",
                    3,
                    "Werkstatt Zukunft",
                    "Bildungswerk Nord",
                    "Jugendliche",
                    120000.0,
                    12,
                    "Projekte.xlsx",
                ],
                [2024, "06635", 3, "Neustart Pflege", "Altträger", None, 99000.0, 5, "Projekte 2024.xlsx"],
                [2025, "06611", 1, "Startklar (Berufsorientierung für Zugewanderte)", "Stadt", None, 5000.0, 2, "x"],
            ],
            columns=PROJECTS.column_names,
        )
    )
    projects = agreement_tables(agreement, "zielvereinbarung.md", known)["projects"].set_index("project")
    werkstatt = projects.loc["Werkstatt Zukunft"]
    assert (werkstatt["planned_eur"], werkstatt["planned_places"]) == (120000.0, 12)
    assert (werkstatt["provider"], werkstatt["target_group"]) == ("Bildungswerk Nord", "Jugendliche")
    # Same name in another year or another district: not this agreement's project, so nothing is carried over.
    for other in ("Neustart Pflege", "Startklar (Berufsorientierung für Zugewanderte)"):
        assert math.isnan(projects.loc[other, "planned_eur"])
        assert pd.isna(projects.loc[other, "provider"])
        assert pd.isna(projects.loc[other, "planned_places"])
    assert list(projects.index) == [name for names in DEFAULT_MEASURES.values() for name in names]


@needs_seed
def test_agreement_tables_of_the_seed() -> None:
    agreement = read_agreement(SEED).agreement
    tables = agreement_tables(agreement, SEED.name)
    row = tables["agreements"].iloc[0]
    assert (row["ags"], row["year"], row["budget_eur"]) == ("06635", 2025, 773920.0)
    assert (row["signed_ministry"], row["signed_district"]) == (pd.Timestamp("2025-08-02"), pd.Timestamp("2025-08-13"))
    projects = tables["projects"]
    assert list(zip(projects["measure_type"], projects["project"], strict=True)) == [
        (1, "AVIA (Aktivierung und Vermittlung von Migranten)"),
        (3, "Checkpoint"),
        (3, "Restart"),
        (3, "FiB (Fit für die Berufswelt)"),
        (3, "Berufs- und Sprachscout Projekt (BSP)"),
    ]
    assert projects["planned_eur"].isna().all()


# --- 5. the command line ---------------------------------------------------------------------------------

CLI_KEYS = ("ags", "district", "year", "budget_eur", "measures", "signed_ministry", "signed_district")


def parse_agreement(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aqb_data", "parse-agreement", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@needs_seed
def test_cli_prints_the_seed_agreement_as_json() -> None:
    result = parse_agreement(SEED)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert {key: printed[key] for key in CLI_KEYS} == {key: SEED_JSON[key] for key in CLI_KEYS}


def test_cli_prints_our_pdf_agreement_as_json(tmp_path: Path) -> None:
    path = tmp_path / "zielvereinbarung-kassel.pdf"
    path.write_bytes(
        pdf_from_text(agreement_text(district="der Stadt Kassel", amount="1.140.300,00 €", measures=LIST_MEASURES))
    )
    result = parse_agreement(path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    printed = json.loads(result.stdout)
    assert {key: printed[key] for key in CLI_KEYS} == {
        "ags": "06611",
        "district": "Kassel (Stadt)",
        "year": 2025,
        "budget_eur": 1140300.0,
        "measures": [{"measure_type": code, "projects": names} for code, names in LIST_MEASURES.items()],
        "signed_ministry": "2025-08-02",
        "signed_district": "2025-08-13",
    }


def test_cli_gives_null_for_a_missing_signature(tmp_path: Path) -> None:
    path = tmp_path / "eine-unterschrift.md"
    path.write_text(agreement_text(signatory=None), encoding="utf-8")
    result = parse_agreement(path)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert (printed["signed_ministry"], printed["signed_district"]) == ("2025-08-02", None)
    assert result.stderr == "Hinweis: eine-unterschrift.md: Nur eine Unterschrift mit Ort und Datum gefunden\n"


def _write_refused(tmp_path: Path, kind: str) -> tuple[Path, str]:
    """A document the reader must refuse, and the German message it must give."""
    if kind == "rezept":
        path = tmp_path / "rezept.txt"
        path.write_text(RECIPE, encoding="utf-8")
        return path, NOT_AN_AGREEMENT
    if kind == "atlantis":
        path = tmp_path / "atlantis.md"
        path.write_text(agreement_text(district="dem Landkreis Atlantis"), encoding="utf-8")
        return path, ATLANTIS
    if kind == "kaputt":
        path = tmp_path / "kaputt.pdf"
        whole = pdf_from_text(agreement_text())
        path.write_bytes(whole[: len(whole) // 2])
        return path, "Das PDF ist beschädigt und lässt sich nicht lesen"
    raise ValueError(kind)


@pytest.mark.parametrize("kind", ["rezept", "atlantis", "kaputt"])
def test_cli_refuses_a_non_agreement_with_exit_1_and_the_german_message(tmp_path: Path, kind: str) -> None:
    path, message = _write_refused(tmp_path, kind)
    result = parse_agreement(path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"Fehler: {path.name}: {message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_prints_nothing_but_the_german_message_for_a_truncated_pdf(tmp_path: Path) -> None:
    path, message = _write_refused(tmp_path, "kaputt")
    result = parse_agreement(path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Fehler: {path.name}: {message}; bitte das Dokument erneut als PDF speichern"
    ]


def test_a_project_listed_under_two_measure_types_is_kept_once_with_a_warning() -> None:
    text = agreement_text(measures={1: ["Brücke"], 2: [], 3: ["Brücke", "Neustart"], 4: []})
    reading = read_agreement(text.encode(), "zv.md")
    assert reading.agreement.measures[1] == ["Brücke"]
    assert reading.agreement.measures[3] == ["Neustart"]
    assert "Das Projekt „Brücke“ steht unter Maßnahmenart 1 und 3; übernommen unter 1" in reading.warnings


def test_a_year_outside_2000_to_2100_is_refused_with_the_year() -> None:
    reading = read_agreement(agreement_text(year=1999).encode(), "alt.md")
    assert reading.agreement is None
    assert "Das Jahr 1999 liegt außerhalb von 2000 bis 2100" in reading.errors


def test_a_negative_budget_is_refused_not_read_without_its_sign() -> None:
    text = agreement_text().replace("773.920 Euro", "-773.920 Euro")
    assert "-773.920 Euro" in text
    record = read_agreement(text.encode(), "zv.md")
    assert any("negativen Betrag" in error for error in record.errors)


def test_a_text_file_in_utf16_with_byte_order_mark_is_read() -> None:
    record = read_agreement(b"\xff\xfe" + agreement_text().encode("utf-16-le"), "zv.txt")
    assert not record.errors and record.agreement.budget_eur == 773_920
