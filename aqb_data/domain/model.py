"""The domain vocabulary: measure types and the canonical tables with their German headings."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

import pandas as pd

SYNTHETIC_SOURCE = "synthetisch"  # what the demo generator writes in `Quelle`
# A column of the stored tables, not of the workbook: True for the generated rows the demo seed brought.
DEMO_FLAG = "demo"


@dataclass(frozen=True)
class MeasureType:
    """One of the four Maßnahmenarten of an agreement's § 5."""

    code: int
    label: str
    short_label: str
    colour: str


# Okabe–Ito colours: distinguishable with the common forms of colour blindness.
MEASURE_TYPES: dict[int, MeasureType] = {
    1: MeasureType(1, "Ausbildungsvorbereitung", "Ausbildungsvorbereitung", "#0072B2"),
    2: MeasureType(
        2,
        "Ausbildung und Ausbildungscoaching in anerkannten Ausbildungsberufen",
        "Ausbildung & Coaching",
        "#E69F00",
    ),
    3: MeasureType(
        3,
        "Qualifizierungsprojekte zur Arbeitsmarktintegration, Fachkräftesicherung",
        "Qualifizierung",
        "#009E73",
    ),
    4: MeasureType(
        4,
        "Weiterbildungsmaßnahmen für Personal der Landkreise und kreisfreien Städte",
        "Weiterbildung Personal",
        "#CC79A7",
    ),
}
UNALLOCATED_LABEL = "Nicht verplant"
UNALLOCATED_COLOUR = "#BBBBBB"

_MEASURE_CODE = re.compile(r"^(?:ma|maßnahmenart|massnahmenart)?\s*([1-4])\s*\.?$")
_NUMBERED_LABEL = re.compile(r"^([1-4])\s*[.)]?\s+(.+)$")


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).strip().lower())


_MEASURE_BY_LABEL = {_fold(label): mt.code for mt in MEASURE_TYPES.values() for label in (mt.label, mt.short_label)}


def parse_measure_type(value: object) -> int | None:
    """The measure-type code 1–4 for a code (`1`, `1.`, `MA 1`), full or short label; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value) if value in (1, 2, 3, 4) else None
    if not isinstance(value, str):
        return None
    text = _fold(value)
    match = _MEASURE_CODE.match(text)
    if match:
        return int(match.group(1))
    numbered = _NUMBERED_LABEL.match(text)
    if numbered:
        # "1 Ausbildungsvorbereitung", "3. Qualifizierung…": number and label must name the same type.
        code = int(numbered.group(1))
        return code if measure_type_of_label(numbered.group(2)) == code else None
    return _MEASURE_BY_LABEL.get(text)


def measure_type_of_label(text: str) -> int | None:
    """The measure type whose full or short label the text is, or begins with (a longer wording)."""
    folded = _fold(text).rstrip(".:")
    if folded in _MEASURE_BY_LABEL:
        return _MEASURE_BY_LABEL[folded]
    for mt in MEASURE_TYPES.values():
        if folded.startswith(_fold(mt.label)):
            return mt.code
    return None


def is_synthetic(source: object) -> bool:
    """True where a source text says `synthetisch`: the demo generator's marker in the bundled workbook.

    Whether a stored row is demo data is its `demo` flag (`is_demo`), not its text: a district may call
    its own project „synthetisch“.
    """
    return isinstance(source, str) and SYNTHETIC_SOURCE in source.lower()


def synthetic_mask(sources: pd.Series) -> pd.Series:
    """For a column of source texts: True where the text says `synthetisch` (also for an empty column)."""
    return sources.str.contains(SYNTHETIC_SOURCE, case=False, regex=False, na=False).astype(bool)


def mark_demo(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the bundled demo workbook with their `demo` flag: True where the generator wrote its marker."""
    return frame.assign(**{DEMO_FLAG: synthetic_mask(frame["source"])})


def is_demo(row: Mapping[str, object]) -> bool:
    """True if a row (a dict or a row of a table) is demo data, by its `demo` flag; rows without one are real."""
    flag = row.get(DEMO_FLAG)
    return False if flag is None or pd.isna(flag) else bool(flag)


def demo_mask(frame: pd.DataFrame) -> pd.Series:
    """For a table: True where the row is demo data, by its `demo` flag (all False for a table without one)."""
    if DEMO_FLAG not in frame:
        return pd.Series(False, index=frame.index, dtype=bool)
    return frame[DEMO_FLAG].fillna(False).astype(bool)


class Kind(Enum):
    """How a column's cells are read."""

    TEXT = "text"
    YEAR = "year"
    AGS = "ags"
    DISTRICT_NAME = "district_name"
    MEASURE_TYPE = "measure_type"
    MONEY = "money"
    COUNT = "count"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    """A canonical column: internal name, German heading, accepted heading variants."""

    name: str
    heading: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Table:
    """A canonical table and the workbook sheet it is read from."""

    name: str
    sheet: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # The unit a file's rows replace: a district's year, for progress a district's year at one Stichtag
    # (a report for 30.09. leaves the one for 30.06. in place).
    replaces: tuple[str, ...] = ("ags", "year")

    @property
    def column_names(self) -> list[str]:
        """Internal names of the canonical table's columns; the district name is resolved into `ags`."""
        return [c.name for c in self.columns if c.kind is not Kind.DISTRICT_NAME]

    def column(self, name: str) -> Column:
        """The column with this internal name."""
        return next(c for c in self.columns if c.name == name)

    def empty(self) -> pd.DataFrame:
        """An empty canonical table with the right columns and dtypes (a fresh copy: callers may fill it)."""
        return _empty_frame(self).copy()

    def conform(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame's columns in canonical order and dtypes: Int64 years, codes and counts; float euros; str
        text; datetime64 dates. An optional column the frame lacks (e.g. `received` from an older producer) is
        added empty. Changes `frame` in place and returns the canonical columns."""
        for column in self.columns:
            if column.name not in frame:
                if column.required or column.kind is Kind.DISTRICT_NAME:
                    continue
                frame[column.name] = None
            series = frame[column.name]
            if column.kind in (Kind.YEAR, Kind.MEASURE_TYPE, Kind.COUNT):
                frame[column.name] = pd.array(series, dtype="Int64")
            elif column.kind is Kind.MONEY:
                frame[column.name] = pd.to_numeric(series, errors="raise").astype("float64")
            elif column.kind is Kind.DATE:
                frame[column.name] = pd.to_datetime(series).astype("datetime64[us]")
            else:
                frame[column.name] = series.astype("str").where(series.notna())
        return frame[self.column_names]


_YEAR = Column("year", "Jahr", Kind.YEAR, True, ("haushaltsjahr", "förderjahr"), "Haushaltsjahr, z. B. 2025")
_AGS = Column(
    "ags",
    "AGS",
    Kind.AGS,
    False,
    ("kreisschlüssel", "ags (kreisschlüssel)", "regionalschlüssel"),
    "Fünfstelliger Kreisschlüssel, z. B. 06635; hat Vorrang vor dem Namen",
)
_DISTRICT = Column(
    "district",
    "Gebietskörperschaft",
    Kind.DISTRICT_NAME,
    False,
    ("landkreis/stadt", "kreis/stadt", "landkreis", "kreis", "name"),
    "Name des Kreises oder der kreisfreien Stadt; nötig, wenn AGS fehlt",
)
_SOURCE = Column("source", "Quelle", Kind.TEXT, False, ("datenquelle",), "Herkunft der Zahl, z. B. Dokument")
_PROJECT = Column(
    "project",
    "Projekt",
    Kind.TEXT,
    True,
    ("projektname", "projektbezeichnung", "maßnahme", "massnahme"),
    "Projektname wie in der Zielvereinbarung",
)

AGREEMENTS = Table(
    "agreements",
    "Zielvereinbarungen",
    (
        _YEAR,
        _AGS,
        _DISTRICT,
        Column(
            "budget_eur",
            "Haushaltsmittel (EUR)",
            Kind.MONEY,
            True,
            ("haushaltsmittel", "budget", "budget (eur)", "haushaltsmittel in eur", "mittel (eur)"),
            "Haushaltsmittel nach § 4 in Euro",
        ),
        Column(
            "signed_ministry",
            "Unterzeichnung HMSI",
            Kind.DATE,
            False,
            ("unterschrift hmsi", "datum hmsi", "unterzeichnet hmsi"),
            "Datum der Unterschrift des Ministeriums (TT.MM.JJJJ)",
        ),
        Column(
            "signed_district",
            "Unterzeichnung Kreis/Stadt",
            Kind.DATE,
            False,
            ("unterzeichnung kreis", "unterzeichnung stadt", "unterschrift kreis/stadt", "datum kreis/stadt"),
            "Datum der Unterschrift des Kreises oder der Stadt (TT.MM.JJJJ)",
        ),
        _SOURCE,
        # After `source`, as `received` in progress: workbooks and exports from before keep their column order.
        Column(
            "signed_ministry_place",
            "Ort Unterzeichnung HMSI",
            Kind.TEXT,
            False,
            ("ort hmsi", "unterzeichnungsort hmsi", "ort der unterzeichnung hmsi"),
            "Ort, an dem das Ministerium unterschrieben hat, z. B. Wiesbaden",
        ),
        Column(
            "signed_district_place",
            "Ort Unterzeichnung Kreis/Stadt",
            Kind.TEXT,
            False,
            ("ort kreis/stadt", "unterzeichnungsort kreis/stadt", "ort der unterzeichnung kreis/stadt"),
            "Ort, an dem der Kreis oder die Stadt unterschrieben hat, z. B. Korbach",
        ),
    ),
    ("year", "ags"),
)

PROJECTS = Table(
    "projects",
    "Projekte",
    (
        _YEAR,
        _AGS,
        _DISTRICT,
        Column(
            "measure_type",
            "Maßnahmenart",
            Kind.MEASURE_TYPE,
            True,
            ("maßnahmeart", "ma"),
            "1–4 oder die Bezeichnung der Maßnahmenart",
        ),
        _PROJECT,
        Column("provider", "Träger", Kind.TEXT, False, ("projektträger", "maßnahmeträger"), "Träger"),
        Column("target_group", "Zielgruppe", Kind.TEXT, False, (), "Zielgruppe des Projekts"),
        Column(
            "planned_eur",
            "Geplante Mittel (EUR)",
            Kind.MONEY,
            False,
            ("geplante mittel", "mittel (eur)", "planansatz", "geplante mittel in eur", "plan (eur)"),
            "Geplante Mittel aus dem AQB in Euro",
        ),
        Column(
            "planned_places",
            "Geplante Plätze",
            Kind.COUNT,
            False,
            ("plätze", "teilnehmerplätze", "geplante teilnehmende"),
            "Geplante Teilnehmerplätze",
        ),
        _SOURCE,
    ),
    ("year", "ags", "project"),
)

PROGRESS = Table(
    "progress",
    "Umsetzungsstand",
    (
        _YEAR,
        _AGS,
        _DISTRICT,
        _PROJECT,
        Column("as_of", "Stichtag", Kind.DATE, True, ("datum", "stand"), "Stichtag des Berichts (TT.MM.JJJJ)"),
        Column(
            "spent_eur",
            "Verausgabte Mittel (EUR)",
            Kind.MONEY,
            False,
            ("verausgabte mittel", "ausgaben (eur)", "ausgaben", "mittelabfluss (eur)"),
            "Bis zum Stichtag verausgabte Mittel in Euro",
        ),
        Column("entries", "Eintritte", Kind.COUNT, False, ("eintritte gesamt",), "Eintritte bis zum Stichtag"),
        Column("exits", "Austritte", Kind.COUNT, False, ("austritte gesamt",), "Austritte bis zum Stichtag"),
        Column(
            "to_training",
            "Übergänge Ausbildung",
            Kind.COUNT,
            False,
            ("übergänge in ausbildung",),
            "Austritte in Ausbildung",
        ),
        Column(
            "to_employment",
            "Übergänge Beschäftigung",
            Kind.COUNT,
            False,
            ("übergänge in beschäftigung",),
            "Austritte in Beschäftigung",
        ),
        Column(
            "to_other",
            "Übergänge sonstige",
            Kind.COUNT,
            False,
            ("übergänge in weiterführende maßnahmen/schule", "übergänge sonstiges"),
            "Austritte in weiterführende Maßnahmen oder Schule",
        ),
        Column("dropouts", "Abbrüche", Kind.COUNT, False, (), "Vorzeitige Abbrüche"),
        _SOURCE,
        Column(
            "received",
            "Eingegangen am",
            Kind.DATE,
            False,
            ("eingang", "eingangsdatum", "eingegangen"),
            "Trägt das Ministerium ein: Tag, an dem der Bericht einging (TT.MM.JJJJ); leer: Tag des Hochladens",
        ),
    ),
    ("year", "ags", "project", "as_of"),
    replaces=("ags", "year", "as_of"),
)

# Amendments to an agreement (Änderungsvereinbarung): the § 4 budget in force from a day on, with the reason.
# The agreement's own row keeps the budget as signed; the budget in force on a day is the latest amendment
# valid on or before it (`aqb_data.analysis.versions`).
AMENDMENTS = Table(
    "amendments",
    "Änderungen",
    (
        _YEAR,
        _AGS,
        _DISTRICT,
        Column(
            "valid_from",
            "Gültig ab",
            Kind.DATE,
            True,
            ("geändert am", "änderungsdatum", "datum der änderung", "datum"),
            "Tag, ab dem die Änderung gilt (TT.MM.JJJJ)",
        ),
        Column(
            "budget_eur",
            "Haushaltsmittel neu (EUR)",
            Kind.MONEY,
            True,
            ("haushaltsmittel (eur)", "haushaltsmittel", "neue haushaltsmittel", "budget neu", "budget (eur)"),
            "Haushaltsmittel nach § 4 in Euro, wie sie ab diesem Tag gelten",
        ),
        Column(
            "reason",
            "Grund",
            Kind.TEXT,
            False,
            ("änderungsgrund", "begründung", "anlass"),
            "Warum die Vereinbarung geändert wurde",
        ),
        _SOURCE,
    ),
    ("year", "ags", "valid_from"),
    replaces=("ags", "year", "valid_from"),
)

TABLES: tuple[Table, ...] = (AGREEMENTS, PROJECTS, PROGRESS, AMENDMENTS)
TABLE_BY_NAME: dict[str, Table] = {table.name: table for table in TABLES}


@functools.cache
def _empty_frame(table: Table) -> pd.DataFrame:
    # Made once per table: building the dtypes costs a few milliseconds, which every small file would pay.
    return table.conform(pd.DataFrame({name: [] for name in table.column_names}))
