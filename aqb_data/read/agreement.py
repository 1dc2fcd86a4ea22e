"""Reading a Zielvereinbarung (Markdown, text or PDF) into an agreement and its projects.

The agreements follow one template: a title naming the year and the district, § 4 with the budget,
§ 5 listing projects under the four measure types, the signatures at the end, and the
Regierungspräsidium that issues the grant. What cannot be read is said, never guessed.
PDF text comes from pypdf: pure Python, BSD licence, actively maintained, no native dependencies; the
agreements are born-digital PDFs, so their text layer is all that is needed (a scan is refused).

Every step is linear in the length of the text (no regular expression backtracks over a long line, no text
is built by repeated concatenation), and a PDF is read under budgets of pages, decoded bytes, operations
and CPU time. A hostile document therefore ends quickly with a German message that says what is wrong, well
inside the limits of the isolated reader (`aqb_data.read.sandbox`).
"""

from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from aqb_data.domain import values
from aqb_data.domain.districts import DistrictError, district_label, resolve_name
from aqb_data.domain.model import AGREEMENTS, MEASURE_TYPES, PROJECTS, measure_type_of_label

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# An agreement has a few pages and about 20.000 characters; the budgets leave room for fifty times that.
MAX_TEXT_CHARS = 1_000_000
MAX_PROJECTS = 500
MAX_PDF_PAGES = 50
MAX_PDF_STREAM_BYTES = 8 * 1024 * 1024  # any one decoded stream (an embedded font may be large)
MAX_PDF_CONTENT_BYTES = 2 * 1024 * 1024  # page contents and forms parsed for text; a page needs some 50 KB
MAX_PDF_OPERATIONS = 300_000  # drawing operations and their values visited for text; a page has a few thousand
MAX_PDF_CPU_SECONDS = 8  # a backstop well below the isolated reader's 20 seconds
MAX_LISTED = 10  # problems of one kind spelled out in a message; the rest are counted
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


_UNREADABLE_PDF = "Das PDF ist beschädigt und lässt sich nicht lesen; bitte das Dokument erneut als PDF speichern"
_PDF_BEYOND_LIMITS = (
    "Das PDF lässt sich nicht lesen: Es ist größer oder tiefer verschachtelt, als der Leser erlaubt (etwa ein "
    f"Datenstrom, der entpackt mehr als {MAX_PDF_STREAM_BYTES // 1024 // 1024} MB ergibt, oder Verweise, die im "
    "Kreis führen); bitte das Dokument erneut als PDF speichern"
)
# A bullet glyph often comes out of a PDF as a control or private-use character (\x7f, U+F0B7).
_BULLET_GLYPH = re.compile(r"^[\x00-\x08\x0b-\x1f\x7f\ue000-\uf8ff]+", re.MULTILINE)


class _PdfBudgetExceeded(BaseException):  # BaseException: pypdf catches every Exception of a form XObject
    """Raised from inside pypdf's text extraction when the document needs more work than an agreement does."""


class _PdfBudget:
    """What reading the text layer has cost so far: decoded content bytes, operations visited, CPU time."""

    def __init__(self) -> None:
        self.page = 0
        self.content_bytes = 0
        self.operations = 0
        self.forms: dict[str, int] = {}  # the decoded size of each form XObject the current page can draw
        self.started = time.thread_time()

    def start_page(self, number: int, page: Any) -> None:
        """Charge the page's content streams and learn the sizes of the forms it may draw."""
        self.page = number
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        for stream in contents if isinstance(contents, list) else [contents]:
            self.charge(_decoded_size(stream))
        self.forms = _form_sizes(page.get("/Resources"))

    def charge(self, size: int) -> None:
        """Count decoded bytes that text extraction parses; stop beyond what a few pages of text need."""
        self.content_bytes += size
        if self.content_bytes > MAX_PDF_CONTENT_BYTES:
            raise _PdfBudgetExceeded(
                f"Das PDF ist zu groß zum Lesen: Bis Seite {self.page} enthält es entpackt mehr als "
                f"{MAX_PDF_CONTENT_BYTES // 1024 // 1024} MB Seiteninhalt (eine Zielvereinbarung braucht "
                "wenige hundert KB); bitte das Dokument erneut als PDF speichern"
            )

    def visit(self, operator: object, operands: Any, cm: object, tm: object) -> None:  # noqa: ARG002 - pypdf's visitor
        """pypdf's `visitor_operand_before`: one operation and its values (an array's elements each count)."""
        self.operations += 1
        for operand in operands if isinstance(operands, list) else ():
            self.operations += len(operand) if isinstance(operand, list) else 1
        if self.operations > MAX_PDF_OPERATIONS:
            raise _PdfBudgetExceeded(
                f"Das PDF ist zu aufwendig aufgebaut: Bis Seite {self.page} enthält es mehr als "
                f"{MAX_PDF_OPERATIONS:,} Zeichenbefehle (eine Zielvereinbarung hat wenige Seiten Text); bitte das "
                "Dokument erneut als PDF speichern".replace(",", ".")
            )
        if operator == b"Do" and operands:
            self.charge(self.forms.get(str(operands[0]), 0))  # each drawing of a form parses it again
        if self.operations % 256 < 8:
            self.check_time()

    def check_time(self) -> None:
        """Stop once reading the text layer has taken more CPU time than an agreement ever needs."""
        if time.thread_time() - self.started > MAX_PDF_CPU_SECONDS:
            raise _PdfBudgetExceeded(
                f"Das PDF ist zu aufwendig aufgebaut: Sein Text war nach {MAX_PDF_CPU_SECONDS} Sekunden Rechenzeit "
                f"erst bis Seite {self.page} gelesen; bitte das Dokument erneut als PDF speichern"
            )


def _decoded_size(reference: Any) -> int:
    """The decoded length of a stream (pypdf keeps the decoded data, so extraction does not decode it again)."""
    from pypdf.generic import StreamObject

    stream = reference.get_object() if reference is not None else None
    return len(stream.get_data()) if isinstance(stream, StreamObject) else 0


def _form_sizes(resources: Any, most: int = 200) -> dict[str, int]:
    """The decoded size of every form XObject reachable from a page's resources, by name (the largest if two
    forms share a name); a cycle of forms is walked once, and only the first `most` forms are decoded."""
    from pypdf.generic import DictionaryObject

    sizes: dict[str, int] = {}
    seen: set[int] = set()
    pending = [resources]
    while pending and len(seen) < most:
        found = pending.pop()
        found = found.get_object() if found is not None else None
        xobjects = found.get("/XObject") if isinstance(found, DictionaryObject) else None
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not isinstance(xobjects, DictionaryObject):
            continue
        for name, reference in list(xobjects.items())[:most]:
            form = reference.get_object() if reference is not None else None
            if not isinstance(form, DictionaryObject) or form.get("/Subtype") != "/Form" or id(form) in seen:
                continue
            seen.add(id(form))
            sizes[str(name)] = max(sizes.get(str(name), 0), _decoded_size(form))
            pending.append(form.get("/Resources"))
    return sizes


def _pdf_limits() -> dict[str, int]:
    """pypdf's own limits (pypdf.Configuration), tightened to what an agreement of a few pages needs."""
    stream = MAX_PDF_STREAM_BYTES
    return {
        "maximum_declared_stream_length": MAX_DOCUMENT_BYTES,
        "array_based_stream_maximum_output_length": stream,
        "zlib_maximum_output_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "jbig2_maximum_output_length": stream,
        "image_maximum_buffer_size": stream,
        "stream_decoding_work_maximum_length": 4 * stream,
        "stream_parsing_work_maximum_count": 150_000,
        "page_tree_maximum_entries": 20 * MAX_PDF_PAGES,
        "page_tree_maximum_page_entries": 20 * MAX_PDF_PAGES,
        "xform_maximum_invocations_per_extraction": 100,
        "xmp_maximum_input_length": stream,
        "outline_maximum_entries": 1000,
        "named_destinations_maximum_entries": 1000,
        "form_fields_maximum_entries": 1000,
    }


def _pdf_text(data: bytes) -> str:
    """The text layer of a PDF, page by page under the budgets; AgreementError (German) for anything else.

    Whatever pypdf raises on a malformed file (its own errors, but also RecursionError, AssertionError,
    IndexError, struct.error, zlib.error, UnicodeDecodeError …) means the same to the analyst: not readable.
    """
    import pypdf
    from pypdf.errors import LimitReachedError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its English remarks; the reasons are said in German
    budget = _PdfBudget()
    try:
        with pypdf.apply_configuration(**_pdf_limits()):
            return _pdf_pages_text(pypdf.PdfReader(io.BytesIO(data), strict=False), budget)
    except AgreementError:
        raise
    except _PdfBudgetExceeded as exceeded:
        raise AgreementError(str(exceeded)) from None
    except LimitReachedError:
        raise AgreementError(_PDF_BEYOND_LIMITS) from None
    except MemoryError:
        raise  # the isolated reader says how much memory was allowed
    except Exception:  # see the docstring: any failure of the parser means an unreadable file
        raise AgreementError(_UNREADABLE_PDF) from None


def _pdf_pages_text(reader: Any, budget: _PdfBudget) -> str:
    """The text of every page, joined by line breaks; refuses too many pages, bytes, characters or symbols."""
    from pypdf.errors import LimitReachedError

    if reader.is_encrypted:
        raise AgreementError("Das PDF ist verschlüsselt; bitte eine unverschlüsselte Fassung verwenden")
    too_many = (
        "Das PDF hat {count} Seiten; eine Zielvereinbarung hat wenige Seiten, gelesen werden höchstens "
        f"{MAX_PDF_PAGES}. Bitte nur die Zielvereinbarung hochladen"
    )
    declared = reader.trailer["/Root"]["/Pages"].get("/Count")
    if isinstance(declared, int) and declared > MAX_PDF_PAGES:  # refused before the page tree is walked
        raise AgreementError(too_many.format(count=f"{declared:,}".replace(",", ".")))
    try:
        count = len(reader.pages)
    except LimitReachedError:
        raise AgreementError(
            f"Das PDF hat mehr als {MAX_PDF_PAGES} Seiten oder einen Seitenbaum, der sich selbst enthält; eine "
            "Zielvereinbarung hat wenige Seiten. Bitte nur die Zielvereinbarung als PDF speichern"
        ) from None
    if count > MAX_PDF_PAGES:
        raise AgreementError(too_many.format(count=f"{count:,}".replace(",", ".")))
    texts: list[str] = []
    chars = 0
    for number, page in enumerate(reader.pages, start=1):
        budget.start_page(number, page)
        text = _BULLET_GLYPH.sub("• ", page.extract_text(visitor_operand_before=budget.visit) or "")
        budget.check_time()
        chars += len(text) + 1
        if chars > MAX_TEXT_CHARS:
            raise AgreementError(_too_long(f"Bis Seite {number} enthält das PDF", chars))
        refused = _forbidden_lines(text, f"Seite {number}, Zeile")
        if refused:
            raise AgreementError(refused)
        texts.append(text)
    text = "\n".join(texts)
    if not text.strip():
        raise AgreementError("Das PDF enthält keinen Text (vermutlich eingescannt); bitte eine Textfassung verwenden")
    return text


def _too_long(what: str, chars: int) -> str:
    return (
        f"{what} mehr als {MAX_TEXT_CHARS:,} Zeichen Text ({chars:,}); eine Zielvereinbarung hat wenige Seiten. "
        "Bitte nur die Zielvereinbarung hochladen"
    ).replace(",", ".")


def _forbidden_lines(text: str, where: str = "Zeile") -> str | None:
    """A German refusal naming each line that holds a control or direction character, or None if none does."""
    if values.forbidden_character(text) is None:
        return None
    listed, count = [], 0
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        character = values.forbidden_character(line)
        if character is not None:
            count += 1
            if count <= MAX_LISTED:
                listed.append(f"{where} {number} (gefunden: {character}): „{_excerpt(line, character)}“")
    more = f"; dazu {count - MAX_LISTED} weitere Zeilen" if count > MAX_LISTED else ""
    return (
        "Das Dokument enthält Steuer- oder Richtungszeichen, die nicht zu sehen sind und einen Namen verfälschen "
        f"oder die Ausgabe als Excel-Datei verhindern würden: {'; '.join(listed)}{more}. Erwartet ist Text ohne "
        "Steuer- oder Richtungszeichen; bitte diese Stellen im Dokument neu eintippen und es erneut hochladen"
    )


def _excerpt(line: str, character: str, width: int = 40) -> str:
    """The line around the character (`U+202E`), every forbidden character spelled out (<U+202E>)."""
    at = line.index(chr(int(character.removeprefix("U+"), 16)))
    start, end = max(0, at - width), at + width
    return ("…" if start else "") + values.visible(line[start:end]) + ("…" if end < len(line) else "")


_HYPHENATED = re.compile(r"[A-Za-zäöüß]-$")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s*")
_QUOTE = re.compile(r"^\s*>\s?")
_SPACES = re.compile(r"\s+")
_CONJUNCTION = re.compile(r"^(und|oder|bzw\.?|sowie)\b")


class _Wrapped:
    """A line being joined from the pieces a PDF wrapped; kept as pieces, so that joining stays linear."""

    def __init__(self, first: str) -> None:
        self.pieces = [first]

    def ending(self) -> str:
        """The last two characters of the joined line (every piece holds at least one)."""
        last = self.pieces[-1]
        return last[-2:] if len(last) >= 2 or len(self.pieces) == 1 else self.pieces[-2][-1:] + last

    def drop_hyphen(self) -> None:
        self.pieces[-1] = self.pieces[-1][:-1]

    def text(self) -> str:
        return "".join(self.pieces)


def _lines(text: str) -> list[str]:
    """Clean lines: Markdown marks removed, words split at line ends joined again, blank lines dropped."""
    raw = []
    for line in re.split(r"\r\n|\r|\n", text):
        line = _BULLET_GLYPH.sub("• ", line)
        line = _QUOTE.sub("", _MARKDOWN_HEADING.sub("", line))
        line = line.replace("**", "").replace("__", "").replace("\u00a0", " ").replace("\u00ad", "")
        line = _SPACES.sub(" ", line).strip()
        if line:
            raw.append(line)
    joined: list[_Wrapped] = []
    for line in raw:
        if joined and _HYPHENATED.search(joined[-1].ending()) and not _starts_item(line):
            previous = joined[-1]
            if _CONJUNCTION.match(line):
                previous.pieces.append(f" {line}")  # "Berufs-" + "und Sprachscout": the hyphen stays
            elif line[:1].islower():
                previous.drop_hyphen()  # "Arbeitsmarkt-" + "integration"
                previous.pieces.append(line)
            else:
                previous.pieces.append(line)  # "Waldeck-" + "Frankenberg"
        else:
            joined.append(_Wrapped(line))
    return [line.text() for line in joined]


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


# A district's wording is short; bounded, the lazy `.{1,N}?` tries at most N places after each "und dem",
# so that a text full of them is still read in linear time.
_DISTRICT_IN_TITLE = re.compile(
    r"\bund\s+((?:dem|der|des)\s+.{1,120}?)\s+(?:zur\s+Umsetzung|über\s+die|für\s+das|$)", re.DOTALL
)
_DISTRICT_AFTER_MINISTRY = re.compile(r"Soziales\s+und\s+(.{1,120}?)\s+zur\s+Umsetzung", re.DOTALL)
# The nearest "stellt dem" before "im Jahr" names the district (the candidate never spans another "stellt").
_DISTRICT_IN_BUDGET = re.compile(r"stellt\s+((?:dem|der)\s+(?:(?!stellt\s).){1,120}?)\s+im\s+Jahr", re.DOTALL)


def _district(sections: dict[int, list[str]], errors: list[str]) -> str | None:
    head = " ".join(sections.get(0, []))
    match = _DISTRICT_IN_TITLE.search(head) or _DISTRICT_AFTER_MINISTRY.search(head)
    candidates = [match.group(1)] if match else []
    match = _DISTRICT_IN_BUDGET.search(" ".join(sections.get(4, [])))
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


# The year on a line of its own under the title. Possessive quantifiers: a run of blank lines is crossed once,
# never split again and again (`\s*\n+\s*` took hours on 100.000 line breaks).
_TITLE_YEAR = re.compile(r"Zielvereinbarung(?:en)?[^\S\n]*+\n\s*+(?:\*\*)?((?:19|20|21)\d{2})(?:\*\*)?[^\S\n]*+\n")


def _year(text: str, errors: list[str]) -> int | None:
    title = _TITLE_YEAR.search(text)
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
            # The lines are joined with single spaces: a sign sits within a few characters before the amount.
            if after[max(0, match.start() - 8) : match.start()].rstrip().endswith(("-", "−", "–")):
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
        others = ", ".join(
            f"{a:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".") for a in amounts[1 : MAX_LISTED + 1]
        )
        if len(amounts) > MAX_LISTED + 1:
            others += f" und {len(amounts) - MAX_LISTED - 1} weitere"
        warnings.append(f"§ 4 nennt weitere Beträge ({others}); übernommen ist der erste")
    return amounts[0]


_LABEL_STARTS = tuple(
    {label.lower()[:8] for measure in MEASURE_TYPES.values() for label in (measure.label, measure.short_label)}
)


def _measure_heading(line: str) -> tuple[int, str] | None:
    """(code, rest after the label) for a § 5 line that names a measure type, else None."""
    match = _NUMBERED.match(line)
    label = match.group(3) if match else line
    number = int(match.group(1) or match.group(2)) if match else None
    head, _, inline = label.partition(":")
    if not head.lstrip()[:8].lower().startswith(_LABEL_STARTS):
        return None  # cheaply: most lines of § 5 are projects, and folding each one costs
    code = measure_type_of_label(head)
    if code is None or (number is not None and number != code):
        return None
    return code, inline.strip()


def _letters(text: str) -> str:
    """Only the lower-case letters and digits: a wording compared without spaces, punctuation or line breaks."""
    return _NOT_LETTER.sub("", text.lower())


_NOT_LETTER = re.compile(r"[^a-zäöüß0-9]")
# The wording of each measure type as the agreements spell it out (1 and 4 longer than the model's label).
_FULL_LABELS = {
    code: _letters(label)
    for code, label in {
        **{code: measure.label for code, measure in MEASURE_TYPES.items()},
        1: "Ausbildungsvorbereitung einschließlich gesundheitsfördernder Maßnahmen",
        4: (
            "Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte in der fachlichen "
            "Verantwortung für Benachteiligte im Kontext der Arbeitsmarktförderung"
        ),
    }.items()
}


def _continued_label(code: int, heading: str, line: str) -> str | None:
    """The letters of heading and line if the line is the rest of a measure type's wording that the PDF wrapped
    onto a new line, else None; `heading` holds the letters of the wording so far."""
    full = _FULL_LABELS[code]
    if len(heading) >= len(full):
        return None  # complete (or a long line that only begins with it): nothing can continue it
    letters = heading + _letters(line)
    return letters if full.startswith(letters) else None


def _measures(sections: dict[int, list[str]], warnings: list[str]) -> dict[int, list[str]]:
    measures: dict[int, list[_Wrapped]] = {code: [] for code in MEASURE_TYPES}
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
            heading = _letters(re.sub(r"^\(?\d[.)]?\s*", "", line).split(":")[0])
            measures[current] += [_Wrapped(p.strip()) for p in inline.split(";") if p.strip()]
            continue
        if current is None:
            continue  # the lines before the first measure type: heading and introduction
        continued = _continued_label(current, heading, line)
        if continued is not None:
            heading = continued
            continue
        bullet = _BULLET.match(line)
        text = (bullet.group(1) if bullet else line).strip()
        if text.lower().rstrip(".") in _NOTHING:
            continue
        if not bullet and (text.endswith((".", ":")) or any(w in f" {text} " for w in _SENTENCE_WORDS)):
            break  # the closing paragraph of § 5
        if not bullet and bulleted and measures[current]:
            _join_wrapped(measures[current][-1], text)  # a list item the PDF wrapped
            continue
        bulleted = bulleted or bool(bullet)
        measures[current].append(_Wrapped(text))
    projects = _without_repeats({code: [item.text() for item in items] for code, items in measures.items()}, warnings)
    missing = [code for code in MEASURE_TYPES if code not in named]
    if not named:
        warnings.append("In § 5 ist keine der vier Maßnahmenarten zu erkennen; es werden keine Projekte übernommen")
    elif missing:
        listed = ", ".join(f"{code} ({MEASURE_TYPES[code].short_label})" for code in missing)
        warnings.append(f"§ 5 nennt die Maßnahmenart(en) {listed} nicht; dort stehen keine Projekte")
    return projects


def _without_repeats(measures: dict[int, list[str]], warnings: list[str]) -> dict[int, list[str]]:
    """Each project once, under the first measure type that names it; every repeat is said."""
    seen: dict[str, int] = {}
    kept: dict[int, list[str]] = {}
    repeats = 0
    for code in MEASURE_TYPES:
        kept[code] = []
        for name in measures[code]:
            if name not in seen:
                seen[name] = code
                kept[code].append(name)
                continue
            repeats += 1
            if repeats <= MAX_LISTED:
                warnings.append(
                    f"Das Projekt „{name}“ steht unter Maßnahmenart {seen[name]} und {code}; "
                    f"übernommen unter {seen[name]}"
                )
    if repeats > MAX_LISTED:
        warnings.append(f"§ 5 nennt {repeats - MAX_LISTED} weitere Projekte mehrfach; übernommen ist jedes einmal")
    return kept


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


def _join_wrapped(first: _Wrapped, rest: str) -> None:
    """An item continued on the next line: hyphenated word breaks joined, otherwise a space."""
    if re.search(r"[a-zäöüß]-$", first.ending()) and rest[:1].islower() and not re.match(r"(und|oder|bzw)\b", rest):
        first.drop_hyphen()
        first.pieces.append(rest)
    else:
        first.pieces.append(f" {rest}")


def read_agreement_text(text: str, file_name: str = "Dokument") -> AgreementReading:
    """Read an agreement from its text; errors say in German what could not be read."""
    if len(text) > MAX_TEXT_CHARS:
        return AgreementReading(file_name, "", errors=[_too_long("Das Dokument enthält", len(text))])
    refused = _forbidden_lines(text)
    if refused:
        # Shown beside the message with the characters spelled out, so that the analyst sees where they are.
        return AgreementReading(file_name, values.visible(text), errors=[refused])
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
    projects = sum(len(names) for names in measures.values())
    if projects > MAX_PROJECTS:
        reading.errors.append(
            f"§ 5 nennt {projects} Projekte; eine Zielvereinbarung nennt wenige, übernommen werden höchstens "
            f"{MAX_PROJECTS}. Bitte prüfen, ob § 5 nur die Projekte aufzählt"
        )
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
        "signed_ministry_place": agreement.signed_ministry.place if agreement.signed_ministry else None,
        "signed_district_place": agreement.signed_district.place if agreement.signed_district else None,
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
        "agreements": AGREEMENTS.conform(pd.DataFrame([agreement_row])),
        "projects": PROJECTS.conform(projects),
    }
