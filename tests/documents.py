"""Agreement documents for tests: our own agreements as Markdown or text, and PDFs rendered from text at test
time with real line wrapping."""

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape


def pdf_from_text(text: str) -> bytes:
    """A born-digital A4 PDF of the text (Markdown marks dropped), wrapped as a word processor would wrap it."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = []
    for line in text.splitlines():
        plain = re.sub(r"^\s*#{1,6}\s*", "", line).replace("**", "").strip()
        if not plain:
            story.append(Spacer(1, 6))
            continue
        bullet = re.match(r"^[-*]\s+(.*)$", plain)
        style = styles["Heading2"] if line.lstrip().startswith("#") else styles["BodyText"]
        if bullet:
            story.append(Paragraph(escape(bullet.group(1)), styles["BodyText"], bulletText="•"))
        else:
            story.append(Paragraph(escape(plain), style))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title="Zielvereinbarung").build(story)
    return buffer.getvalue()


# --- our own agreement documents ------------------------------------------------------------------------
# Written for the tests in our own words; they follow the structure of a Zielvereinbarung (title, § 1–§ 7,
# § 4 with the budget, § 5 with the projects per measure type, signatures) so that every field can be varied.

MINISTRY = "Hessischen Ministerium für Arbeit, Integration, Jugend und Soziales"
MEASURE_HEADINGS = {
    1: "Ausbildungsvorbereitung",
    2: "Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen",
    3: "Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung",
    4: (
        "Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen "
        "Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung"
    ),
}
LIST_STYLES = ("-", "•", "–", "*", "1.1", "a)", "plain")


@dataclass(frozen=True)
class Signatory:
    """One signature block: `Ort, den Datum`, the name, the role and the lines naming the office."""

    place: str
    date: str
    name: str
    role: str
    office: tuple[str, ...] = ()


MINISTRY_SIGNATORY = Signatory(
    "Wiesbaden",
    "2. 8. 2025",
    "Anna Muster",
    "Staatsministerin",
    ("Hessisches Ministerium für Arbeit,", "Integration, Jugend und Soziales"),
)
DISTRICT_SIGNATORY = Signatory(
    "Korbach",
    "13. Aug. 2025",
    "Jonas Beispiel-Weber",
    "Landrat",
    ("Kreisausschuss des Landkreises", "Waldeck-Frankenberg"),
)
DEFAULT_MEASURES: dict[int, tuple[str, ...]] = {
    1: ("Startklar (Berufsorientierung für Zugewanderte)",),
    2: (),
    3: ("Werkstatt Zukunft", "Neustart Pflege", "JobBrücke (Begleitung in Arbeit)"),
    4: (),
}


def _project_line(style: str, code: int, index: int, name: str) -> list[str]:
    """The lines of one § 5 entry: the marker of the list style, then continuation lines as written."""
    first, *rest = name.split("\n")
    if style == "plain":
        marker = ""
    elif style == "1.1":
        marker = f"{code}.{index + 1} "
    elif style == "a)":
        marker = f"{'abcdefghijklmnopqrstuvwxyz'[index]}) "
    else:
        marker = f"{style} "
    return [f"  {marker}{first}", *(f"    {line}" for line in rest)]


def agreement_text(
    *,
    year: int = 2025,
    title_year: int | None = None,
    budget_year: int | None = None,
    title_on_one_line: bool = False,
    district: str = "dem Landkreis Waldeck-Frankenberg",
    amount: str = "773.920 Euro",
    budget_lines: Sequence[str] | None = None,
    with_budget_section: bool = True,
    measures: Mapping[int, Sequence[str]] | None = None,
    list_style: str = "-",
    headings: Mapping[int, str] | None = None,
    authority: str | None = "Kassel",
    ministry: Signatory | None = MINISTRY_SIGNATORY,
    signatory: Signatory | None = DISTRICT_SIGNATORY,
    section_title_inline: bool = False,
    flavour: str = "md",
) -> str:
    """A short Zielvereinbarung of our own as Markdown (`md`) or plain text (`txt`).

    `district` is the phrase after „und“ in the title (`der Stadt Kassel`); `amount` is written on a line of
    its own in § 4 unless `budget_lines` replaces the whole text of § 4. `measures` maps a measure type to
    its projects; a type left out is not named in § 5 at all; `list_style` is one of LIST_STYLES. A project
    name may hold `\\n` where a document breaks the line. `title_year` (the title) and `budget_year` (§ 1)
    default to `year`. `authority=None` leaves the Regierungspräsidium out; `ministry` or `signatory` None
    leaves that signature block out; `section_title_inline` writes `§ 4 Haushaltsmittel` on one line.
    """
    if flavour not in ("md", "txt"):
        raise ValueError(f"flavour must be md or txt, not {flavour!r}")
    if list_style not in LIST_STYLES:
        raise ValueError(f"list_style must be one of {LIST_STYLES}, not {list_style!r}")
    md = flavour == "md"
    measures = DEFAULT_MEASURES if measures is None else measures
    wording = {**MEASURE_HEADINGS, **(headings or {})}
    title_year = year if title_year is None else title_year
    budget_year = year if budget_year is None else budget_year

    def bold(text: str) -> str:
        return f"**{text}**" if md else text

    def heading(level: int, text: str) -> str:
        return f"{'#' * level} {text}" if md else text

    def section(number: int, title: str, *body: str) -> list[str]:
        if section_title_inline:
            head = [heading(2, f"§ {number} {title}")]
        else:
            head = [heading(2, f"§ {number}"), "", heading(3, title)]
        return [*head, "", *(part for paragraph in body for part in (paragraph, ""))]

    lines = (
        [heading(2, f"Zielvereinbarung {title_year}"), ""]
        if title_on_one_line
        else [heading(2, "Zielvereinbarung"), "", bold(str(title_year)), ""]
    )
    lines += [bold("zwischen"), "", bold(f"dem {MINISTRY}"), "", bold(f"und {district}"), ""]
    lines += [bold("zur Umsetzung des hessischen Ausbildungs- und Qualifizierungsbudgets"), ""]
    lines += [heading(3, "Präambel"), ""]
    lines += [
        "Land und Gebietskörperschaft wollen benachteiligten Menschen gemeinsam den Weg in Ausbildung und "
        "Arbeit ebnen.",
        "",
    ]
    lines += section(
        1,
        "Ziele des Landes",
        f"Mit dem Ausbildungs- und Qualifizierungsbudget {budget_year} fördert das Land Angebote für Menschen mit "
        "schlechteren Startchancen. Welche Angebote es vor Ort gibt, richtet sich nach der regionalen Strategie.",
    )
    lines += section(
        2,
        "Pflichten beider Seiten",
        "Beide Seiten setzen sich im Rahmen ihrer Zuständigkeiten für die Ziele nach § 5 ein. Den Einsatz der "
        "Mittel stimmt die Gebietskörperschaft mit den Partnern am Arbeitsmarkt ab.",
    )
    lines += section(
        3,
        "Teilhabe von Menschen mit Behinderungen",
        "Die Angebote stehen Menschen mit Behinderungen offen; ihre Teilhabe am Arbeitsleben ist ein "
        "gemeinsames Anliegen.",
    )
    if with_budget_section:
        if budget_lines is None:
            budget_lines = (
                f"Das Land stellt {district} im Jahr {year} für die Umsetzung Mittel in Höhe von insgesamt",
                bold(amount),
                "bereit.",
            )
        lines += section(4, "Haushaltsmittel", *budget_lines)
    entries = []
    for code in sorted(measures):
        entries.append(f"{code}. {wording[code]}")
        for index, name in enumerate(measures[code]):
            entries += _project_line(list_style, code, index, name)
    closing = (
        f"Über die Förderung entscheidet auf Antrag das Regierungspräsidium {authority} durch Bescheid."
        if authority
        else "Über die Förderung wird auf Antrag durch Bescheid entschieden."
    )
    lines += section(
        5,
        "Projekte nach Maßnahmenarten",
        "Mit diesen Mitteln werden in den vier Maßnahmenarten die folgenden Projekte gefördert:",
        "\n".join(entries),
        closing,
    )
    lines += section(
        6,
        "Steuerung",
        "Beide Seiten tauschen sich während des Jahres über den Stand der Umsetzung aus. Abweichungen von den "
        "Mitteln nach § 4 werden bei der Bewertung berücksichtigt.",
    )
    lines += section(
        7,
        "Weiterentwicklung",
        "Die Gebietskörperschaft nimmt an Befragungen und Fachtagungen des Ministeriums teil. Die Vereinbarung "
        "wird veröffentlicht.",
    )
    for person in (ministry, signatory):
        if person is None:
            continue
        lines += [f"{person.place}, den {person.date}", "", person.name, "", person.role, *person.office, ""]
    return "\n".join(lines)
