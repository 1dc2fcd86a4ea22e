"""Reading a Zielvereinbarung (Markdown, text or PDF) into an agreement and its projects.

The agreements follow one template: a title naming the year and the district, § 4 with the budget,
§ 5 listing projects under the four measure types, the signatures at the end, and the
Regierungspräsidium that issues the grant. What cannot be read is said, never guessed.
PDF text comes from pypdf: pure Python, BSD licence, actively maintained, no native dependencies; the
agreements are born-digital PDFs, so their text layer is all that is needed (a scan is refused).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from aqb_data import values
from aqb_data.districts import DistrictError, district_label, resolve_name
from aqb_data.model import AGREEMENTS, MEASURE_TYPES, PROJECTS, measure_type_of_label
from aqb_data.workbook import canonical_table

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
_BULLET = re.compile(r"^(?:[-–—•·*▪◦●○■□➢►✓]|o(?=\s)|\d+\.\d+\.?|[a-z]\))\s*(.+)$")
_NUMBERED = re.compile(r"^(?:\(?([1-4])[.)]|([1-4])\s)\s*(.+)$")
_SECTION = re.compile(r"^§\s*(\d+)\b")
_AMOUNT = re.compile(
    r"(?:(?:EUR|€)\s*)?(\d{1,3}(?:\.\d{3})+(?:,\d{2})?|\d+(?:,\d{2})?)(?:,[-–]{1,2})?\s*(Euro|EUR|€)?",
)
_SIGNATURE_LINE = re.compile(r"^(?P<place>[A-ZÄÖÜ][\wÄÖÜäöüß.()/\- ]{1,48}?),\s*(?:den\s+)?(?P<date>\d{1,2}\..+)$")
_NAME_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
_PERSON = re.compile(
    rf"^(?:(?:Dr|Prof)\.\s+)*{_NAME_WORD}(?:\s+(?:(?:von|van|de|zu|vom|zur|von der)\s+)?{_NAME_WORD}){{1,3}}$"
)
# Words that mark a line as an office, not a person (matched at the start of a word: "Eva Kreisel" is a name).
_ROLE = re.compile(
    r"\b(?:staatsminist|minister|staatssekret|landr[aä]t|kreisbeigeordn|beigeordn|bürgermeist|oberbürgermeist|"
    r"dezernent|präsident|direktor|leiter|amtsleit|kreistag|magistrat)",
    re.IGNORECASE,
)
_INSTITUTION = re.compile(r"^(?:Hessische|Ministerium|des |der |für |Landkreis|Kreis |Stadt )")
_GRANT_AUTHORITY = re.compile(r"Regierungspräsidium\s+(Darmstadt|Gießen|Kassel)")
_YEAR_PATTERNS = (
    re.compile(r"Zielvereinbarung(?:en)?\s+((?:19|20|21)\d{2})\b"),
    re.compile(r"Qualifizierungsbudgets?\s+((?:19|20|21)\d{2})\b"),
    re.compile(r"\bBudgets?\s+((?:19|20|21)\d{2})\b"),
    re.compile(r"\bim\s+Jahr(?:e)?\s+((?:19|20|21)\d{2})\b"),
)
_SENTENCE_WORDS = (" erfolgt ", " wird ", " werden ", " ist ", " sind ", " nach Maßgabe ")
_NOTHING = {"keine", "keine projekte", "entfällt", "-", "–", "—", "./."}


class AgreementError(ValueError):
    """The document cannot be read as an agreement; the message is German."""


@dataclass(frozen=True)
class Signature:
    """Where, when and by whom one party signed."""

    place: str | None
    date: date | None
    name: str | None = None
    role: str | None = None


@dataclass
class Agreement:
    """What a Zielvereinbarung says: district, year, § 4 budget, § 5 projects per measure type, signatures."""

    ags: str
    year: int
    budget_eur: float
    measures: dict[int, list[str]]
    signed_ministry: Signature | None = None
    signed_district: Signature | None = None
    grant_authority: str | None = None

    @property
    def district(self) -> str:
        """The district's display name."""
        return district_label(self.ags)

    def as_json(self) -> dict[str, object]:
        """Plain data for the command line: ISO dates, measures as a list of four."""

        def signature(sig: Signature | None) -> dict[str, object] | None:
            if sig is None:
                return None
            return {
                "place": sig.place,
                "date": sig.date.isoformat() if sig.date else None,
                "name": sig.name,
                "role": sig.role,
            }

        return {
            "ags": self.ags,
            "district": self.district,
            "year": self.year,
            "budget_eur": self.budget_eur,
            "measures": [{"measure_type": code, "projects": self.measures.get(code, [])} for code in MEASURE_TYPES],
            "signed_ministry": self.signed_ministry.date.isoformat()
            if self.signed_ministry and self.signed_ministry.date
            else None,
            "signed_district": self.signed_district.date.isoformat()
            if self.signed_district and self.signed_district.date
            else None,
            "signatures": {"ministry": signature(self.signed_ministry), "district": signature(self.signed_district)},
            "grant_authority": self.grant_authority,
        }


@dataclass
class AgreementReading:
    """The outcome of reading one document: the agreement (or None), errors, warnings and the text read."""

    file: str
    text: str
    agreement: Agreement | None = None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --- text ----------------------------------------------------------------------------------------------


def document_text(data: bytes, file_name: str) -> str:
    """The plain text of a .md, .txt or .pdf document; AgreementError (German) if there is none."""
    if not data:
        raise AgreementError("Die Datei ist leer")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise AgreementError(f"Die Datei ist größer als {MAX_DOCUMENT_BYTES // 1024 // 1024} MB")
    if data.startswith(b"%PDF"):
        return _pdf_text(data)
    suffix = Path(file_name).suffix.lower()
    if suffix == ".pdf":
        raise AgreementError("Die Datei heißt .pdf, ist aber kein PDF")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise AgreementError("Die Datei ist ein Office-Dokument; bitte als PDF oder Text (.txt, .md) speichern")
    # A byte-order mark names UTF-16 (Windows Editor's "Unicode"); otherwise UTF-8, else Windows' ANSI.
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything; latin-1 decodes everything
        text = data.decode("latin-1")
    if "\x00" in text:
        raise AgreementError("Die Datei ist kein Text (sie enthält Binärdaten)")
    return text


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its English remarks; the reasons are said in German
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise AgreementError("Das PDF ist verschlüsselt; bitte eine unverschlüsselte Fassung verwenden")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except AgreementError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise AgreementError(
            "Das PDF ist beschädigt und lässt sich nicht lesen; bitte das Dokument erneut als PDF speichern"
        ) from None
    if not text.strip():
        raise AgreementError("Das PDF enthält keinen Text (vermutlich eingescannt); bitte eine Textfassung verwenden")
    return text


def _lines(text: str) -> list[str]:
    """Clean lines: Markdown marks removed, words split at line ends joined again, blank lines dropped."""
    raw = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # A bullet glyph often comes out of a PDF as a control or private-use character (\x7f, U+F0B7).
        line = re.sub(r"^[\x00-\x08\x0b-\x1f\x7f\ue000-\uf8ff]+", "• ", line)
        line = re.sub(r"^\s*#{1,6}\s*", "", line)
        line = re.sub(r"^\s*>\s?", "", line)
        line = line.replace("**", "").replace("__", "").replace("\u00a0", " ").replace("\u00ad", "")
        line = re.sub(r"\s+", " ", line).strip()
        if line:
            raw.append(line)
    joined: list[str] = []
    for line in raw:
        if joined and re.search(r"[A-Za-zäöüß]-$", joined[-1]) and not _starts_item(line):
            previous = joined[-1]
            if re.match(r"^(und|oder|bzw\.?|sowie)\b", line):
                joined[-1] = f"{previous} {line}"  # "Berufs-" + "und Sprachscout": the hyphen stays
            elif line[:1].islower():
                joined[-1] = previous[:-1] + line  # "Arbeitsmarkt-" + "integration"
            else:
                joined[-1] = previous + line  # "Waldeck-" + "Frankenberg"
        else:
            joined.append(line)
    return joined


def _starts_item(line: str) -> bool:
    return bool(_BULLET.match(line) or _NUMBERED.match(line) or _SECTION.match(line))


def _sections(lines: list[str]) -> dict[int, list[str]]:
    """The lines of each § (without the § line itself); key 0 holds what comes before § 1."""
    sections: dict[int, list[str]] = {0: []}
    current = 0
    for line in lines:
        match = _SECTION.match(line)
        if match and _is_heading(line[match.end() :].strip()):
            current = int(match.group(1))
            sections.setdefault(current, [])
        else:
            sections.setdefault(current, []).append(line)
    return sections


def _is_heading(title: str) -> bool:
    """`§ 4`, `§ 4 Haushaltsmittel`; not a sentence that a PDF happened to wrap before `§ 5 vereinbarten`."""
    if not title:
        return True
    return title[0].isupper() and len(title.split()) <= 8 and not title.endswith((".", ",", ";"))


# --- fields --------------------------------------------------------------------------------------------


def _district(sections: dict[int, list[str]], errors: list[str]) -> str | None:
    head = " ".join(sections.get(0, []))
    match = re.search(r"\bund\s+((?:dem|der|des)\s+.+?)\s+(?:zur\s+Umsetzung|über\s+die|für\s+das|$)", head)
    match = match or re.search(r"Soziales\s+und\s+(.+?)\s+zur\s+Umsetzung", head)
    candidates = [match.group(1)] if match else []
    budget_text = " ".join(sections.get(4, []))
    match = re.search(r"stellt\s+((?:dem|der)\s+.+?)\s+im\s+Jahr", budget_text)
    if match:
        candidates.append(match.group(1))
    if not candidates:
        errors.append(
            "Die Gebietskörperschaft ist nicht zu erkennen: Weder der Titel („… und dem Landkreis …“) noch § 4 "
            "(„stellt dem Landkreis … im Jahr …“) nennt sie"
        )
        return None
    found: dict[str, str] = {}
    for candidate in candidates:
        try:
            found.setdefault(resolve_name(candidate), candidate)
        except DistrictError as error:
            errors.append(f"Die Gebietskörperschaft „{candidate}“ ist nicht eindeutig zu erkennen: {error}")
            return None
    if len(found) > 1:
        names = " und ".join(f"„{text}“ ({district_label(ags)})" for ags, text in found.items())
        errors.append(f"Das Dokument nennt zwei verschiedene Gebietskörperschaften: {names}")
        return None
    return next(iter(found))


def _year(text: str, errors: list[str]) -> int | None:
    title = re.search(r"Zielvereinbarung(?:en)?\s*\n+\s*(?:\*\*)?((?:19|20|21)\d{2})(?:\*\*)?\s*\n", text)
    seen: dict[int, str] = {}
    if title:
        seen.setdefault(int(title.group(1)), f"Zielvereinbarung {title.group(1)}")
    flat = re.sub(r"\s+", " ", text.replace("**", ""))
    for pattern in _YEAR_PATTERNS:
        for match in pattern.finditer(flat):
            seen.setdefault(int(match.group(1)), match.group(0))
    if not seen:
        errors.append("Das Jahr der Vereinbarung ist nicht zu erkennen (erwartet z. B. „Zielvereinbarung 2025“)")
        return None
    if len(seen) > 1:
        listed = " und ".join(f"{year} („{where}“)" for year, where in sorted(seen.items()))
        errors.append(f"Das Dokument nennt widersprüchliche Jahre: {listed}")
        return None
    year = next(iter(seen))
    if not 2000 <= year <= 2100:
        errors.append(f"Das Jahr {year} liegt außerhalb von 2000 bis 2100")
        return None
    return year


def _budget(sections: dict[int, list[str]], errors: list[str], warnings: list[str]) -> float | None:
    if 4 not in sections:
        errors.append("Das Dokument hat keinen § 4 (Haushaltsmittel)")
        return None
    text = " ".join(sections[4])
    after = text.split("Höhe von", 1)[1] if "Höhe von" in text else text
    amounts = []
    for match in _AMOUNT.finditer(after):
        number, unit = match.group(1), match.group(2)
        prefixed = match.group(0).lstrip().startswith(("EUR", "€"))
        if unit or prefixed:
            if after[: match.start()].rstrip().endswith(("-", "−", "–")):
                errors.append(f"§ 4 nennt einen negativen Betrag (-{number}); Haushaltsmittel sind nie negativ")
                return None
            try:
                amount = values.parse_money(number)
            except ValueError:
                continue
            if amount is not None and amount >= 1_000:
                amounts.append(amount)
    if not amounts:
        errors.append("In § 4 steht kein Betrag der Haushaltsmittel (erwartet z. B. „773.920 Euro“)")
        return None
    if len(set(amounts)) > 1:
        others = ", ".join(f"{a:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".") for a in amounts[1:])
        warnings.append(f"§ 4 nennt weitere Beträge ({others}); übernommen ist der erste")
    return amounts[0]


def _measure_heading(line: str) -> tuple[int, str] | None:
    """(code, rest after the label) for a § 5 line that names a measure type, else None."""
    match = _NUMBERED.match(line)
    label = match.group(3) if match else line
    number = int(match.group(1) or match.group(2)) if match else None
    head, _, inline = label.partition(":")
    code = measure_type_of_label(head)
    if code is None or (number is not None and number != code):
        return None
    return code, inline.strip()


def _continues_label(code: int, heading: str, line: str) -> bool:
    """True if the line is the rest of a measure type's wording that the PDF wrapped onto a new line."""
    long_labels = {
        1: "Ausbildungsvorbereitung einschließlich gesundheitsfördernder Maßnahmen",
        4: (
            "Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen "
            "Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung"
        ),
    }

    def fold(text: str) -> str:
        return re.sub(r"[^a-zäöüß0-9]", "", text.lower())

    full = fold(long_labels.get(code, MEASURE_TYPES[code].label))
    return full.startswith(fold(f"{heading} {line}")) and len(fold(heading)) < len(full)


def _measures(sections: dict[int, list[str]], warnings: list[str]) -> dict[int, list[str]]:
    measures: dict[int, list[str]] = {code: [] for code in MEASURE_TYPES}
    lines = sections.get(5, [])
    current: int | None = None
    heading = ""
    named: set[int] = set()
    bulleted = False  # a list with markers: an unmarked line continues the item above it
    for line in lines:
        found = _measure_heading(line)
        if found and (current is None or found[0] > current or found[0] not in named):
            current, inline = found
            named.add(current)
            bulleted = False
            heading = re.sub(r"^\(?\d[.)]?\s*", "", line).split(":")[0]
            measures[current] += [p.strip() for p in inline.split(";") if p.strip()]
            continue
        if current is None:
            continue  # the lines before the first measure type: heading and introduction
        if _continues_label(current, heading, line):
            heading = f"{heading} {line}"
            continue
        bullet = _BULLET.match(line)
        text = (bullet.group(1) if bullet else line).strip()
        if text.lower().rstrip(".") in _NOTHING:
            continue
        if not bullet and (text.endswith((".", ":")) or any(w in f" {text} " for w in _SENTENCE_WORDS)):
            break  # the closing paragraph of § 5
        if not bullet and bulleted and measures[current]:
            measures[current][-1] = _join_wrapped(measures[current][-1], text)  # a list item the PDF wrapped
            continue
        bulleted = bulleted or bool(bullet)
        measures[current].append(text)
    seen: dict[str, int] = {}
    for code in MEASURE_TYPES:
        for name in list(measures[code]):
            if name in seen:
                measures[code].remove(name)
                warnings.append(
                    f"Das Projekt „{name}“ steht unter Maßnahmenart {seen[name]} und {code}; "
                    f"übernommen unter {seen[name]}"
                )
            else:
                seen[name] = code
    missing = [code for code in MEASURE_TYPES if code not in named]
    if not named:
        warnings.append("In § 5 ist keine der vier Maßnahmenarten zu erkennen; es werden keine Projekte übernommen")
    elif missing:
        listed = ", ".join(f"{code} ({MEASURE_TYPES[code].short_label})" for code in missing)
        warnings.append(f"§ 5 nennt die Maßnahmenart(en) {listed} nicht; dort stehen keine Projekte")
    return measures


def _signatures(lines: list[str], warnings: list[str]) -> tuple[Signature | None, Signature | None]:
    blocks = []
    for index, line in enumerate(lines):
        match = _SIGNATURE_LINE.match(line)
        if not match:
            continue
        try:
            signed = values.parse_date(match.group("date").strip())
        except ValueError:
            continue
        following = lines[index + 1 : index + 9]
        name = next((f for f in following if _PERSON.match(f) and not _ROLE.search(f)), None)
        role = None
        if name:
            after = [f for f in following[following.index(name) + 1 :] if f != name and f.strip("—–- ")]
            role = after[0] if after and not _INSTITUTION.match(after[0]) and len(after[0]) <= 60 else None
        ministry = any("ministeri" in f.lower() or "staatsminister" in f.lower() for f in following)
        blocks.append((ministry, Signature(match.group("place").strip(), signed, name, role)))
    if not blocks:
        warnings.append("Keine Unterschriften mit Ort und Datum gefunden")
        return None, None
    ministry = next((s for is_ministry, s in blocks if is_ministry), blocks[0][1])
    district = next((s for s in (s for _, s in blocks) if s is not ministry), None)
    if district is None:
        warnings.append("Nur eine Unterschrift mit Ort und Datum gefunden")
    return ministry, district


def _join_wrapped(first: str, rest: str) -> str:
    """An item continued on the next line: hyphenated word breaks joined, otherwise a space."""
    if re.search(r"[a-zäöüß]-$", first) and rest[:1].islower() and not re.match(r"(und|oder|bzw)\b", rest):
        return first[:-1] + rest
    return f"{first} {rest}"


def read_agreement_text(text: str, file_name: str = "Dokument") -> AgreementReading:
    """Read an agreement from its text; errors say in German what could not be read."""
    reading = AgreementReading(file_name, text)
    flat = text.lower()
    if "zielvereinbarung" not in flat and "qualifizierungsbudget" not in flat:
        reading.errors.append(
            "Der Text ist keine Zielvereinbarung zum Ausbildungs- und Qualifizierungsbudget (weder "
            "„Zielvereinbarung“ noch „Qualifizierungsbudget“ kommt vor)"
        )
        return reading
    lines = _lines(text)
    sections = _sections(lines)
    if 4 not in sections and 5 not in sections:
        reading.errors.append(
            "Der Text hat nicht den Aufbau einer Zielvereinbarung: Es fehlen § 4 (Haushaltsmittel) und § 5 (Projekte)"
        )
        return reading
    ags = _district(sections, reading.errors)
    year = _year(text, reading.errors)
    budget = _budget(sections, reading.errors, reading.warnings)
    measures = _measures(sections, reading.warnings)
    ministry, district = _signatures(lines, reading.warnings)
    authority = _GRANT_AUTHORITY.search(re.sub(r"\s+", " ", text))
    if reading.errors or ags is None or year is None or budget is None:
        return reading
    reading.agreement = Agreement(
        ags=ags,
        year=year,
        budget_eur=budget,
        measures=measures,
        signed_ministry=ministry,
        signed_district=district,
        grant_authority=authority.group(0) if authority else None,
    )
    return reading


def read_agreement(source: bytes | str | Path, file_name: str | None = None) -> AgreementReading:
    """Read an agreement document (.md, .txt, .pdf); never raises for bad content."""
    if isinstance(source, str | Path):
        path = Path(source)
        file_name = file_name or path.name
        try:
            data = path.read_bytes()
        except OSError:
            return AgreementReading(
                file_name, "", errors=[f"Die Datei „{path}“ wurde nicht gefunden oder ist nicht lesbar"]
            )
    else:
        data = source
    file_name = file_name or "Dokument"
    try:
        text = document_text(data, file_name)
    except AgreementError as error:
        return AgreementReading(file_name, "", errors=[str(error)])
    return read_agreement_text(text, file_name)


def agreement_tables(
    agreement: Agreement, source: str, known_projects: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """The agreement as canonical rows: one agreement, one project per § 5 entry.

    The document names no amounts: a project already known (same district, year and name) keeps its
    planned money, places, provider and target group; a new one has none until a Projekte workbook brings them.
    """
    agreement_row = {
        "year": agreement.year,
        "ags": agreement.ags,
        "budget_eur": agreement.budget_eur,
        "signed_ministry": agreement.signed_ministry.date if agreement.signed_ministry else None,
        "signed_district": agreement.signed_district.date if agreement.signed_district else None,
        "source": source,
    }
    known = {}
    if known_projects is not None and len(known_projects):
        mine = known_projects[(known_projects["ags"] == agreement.ags) & (known_projects["year"] == agreement.year)]
        known = {row.project: row for row in mine.itertuples()}
    rows = []
    for code, names in agreement.measures.items():
        for name in dict.fromkeys(names):
            before = known.get(name)
            kept = before is not None and pd.notna(before.planned_eur)
            rows.append(
                {
                    "year": agreement.year,
                    "ags": agreement.ags,
                    "measure_type": code,
                    "project": name,
                    "provider": getattr(before, "provider", None),
                    "target_group": getattr(before, "target_group", None),
                    "planned_eur": getattr(before, "planned_eur", None),
                    "planned_places": getattr(before, "planned_places", None),
                    # The document names the project; amounts kept from a project list keep saying where from.
                    "source": f"{source}; geplante Mittel: {before.source}" if kept else source,
                }
            )
    projects = pd.DataFrame(rows, columns=PROJECTS.column_names)
    return {
        "agreements": canonical_table(pd.DataFrame([agreement_row]), AGREEMENTS),
        "projects": canonical_table(projects, PROJECTS),
    }
