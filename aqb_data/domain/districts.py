"""The 26 Hessian districts and independent cities, and resolving the many ways they are written."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pandas as pd

from aqb_data.paths import DISTRICTS_CSV

CITY = "Kreisfreie Stadt"
COUNTY = "Landkreis"
REGIERUNGSBEZIRKE = ("Darmstadt", "Gießen", "Kassel")

# Words in front of (or after a comma behind) a name, and the kind of district they point to.
_CITY_WORDS = (
    "kreisfreie stadt",
    "wissenschaftsstadt",
    "landeshauptstadt",
    "documenta-stadt",
    "documenta stadt",
    "universitätsstadt",
    "stadt",
)
_COUNTY_WORDS = ("landkreises", "landkreis", "landkr", "lkr", "kreises", "kreis", "lk")
_ARTICLES = ("dem", "der", "des", "die", "den")
_MAIN_VARIANTS = (
    (re.compile(r"\ba\.\s*m\.?$"), "am main"),
    (re.compile(r"\s*/\s*main$"), " am main"),
    (re.compile(r"\s*\(main\)$"), " am main"),
    (re.compile(r"\s+a\s+main$"), " am main"),
)


class DistrictError(ValueError):
    """A district that cannot be identified; the message is German and names what was given."""

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


# Structural comparison groups (Vergleichsgruppen), from public figures only: the five kreisfreie Städte, and the
# 21 Landkreise by population density (Destatis). 150 inhabitants per km² is the density bound of the BBSR's
# settlement-structure district types; 300 is about Hessen's own density (298) and splits off the Rhein-Main counties.
CITY_GROUP = "Kreisfreie Städte"
DENSITY_GROUPS = (
    (300.0, "Landkreise, dicht (ab 300 Einw./km²)"),
    (150.0, "Landkreise, mittel (150 bis unter 300 Einw./km²)"),
    (0.0, "Landkreise, dünn (unter 150 Einw./km²)"),
)
GROUPS = (CITY_GROUP, *(label for _, label in DENSITY_GROUPS))


def comparison_group(kind: str, density: float) -> str:
    """The structural comparison group of a district of `kind` with `density` inhabitants per km²."""
    if kind == CITY:
        return CITY_GROUP
    return next(label for bound, label in DENSITY_GROUPS if density >= bound)


@cache
def load_districts() -> pd.DataFrame:
    """The 26 districts: ags, name, label (unique display name), kind, regierungsbezirk, population, area_km2,
    density (inhabitants per km²) and group (structural comparison group, `comparison_group`)."""
    frame = pd.read_csv(DISTRICTS_CSV, dtype={"ags": str}, parse_dates=["population_date", "area_date"])
    duplicated = frame["name"].duplicated(keep=False) | frame["name"].isin(["Offenbach"])
    suffix = frame["kind"].map({CITY: " (Stadt)", COUNTY: " (Landkreis)"})
    frame["label"] = frame["name"].where(~duplicated, frame["name"] + suffix)
    frame["density"] = frame["population"] / frame["area_km2"]
    frame["group"] = [comparison_group(k, d) for k, d in zip(frame["kind"], frame["density"], strict=True)]
    return frame


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower().replace("ß", "ss").replace("–", "-").replace("‑", "-")
    return re.sub(r"\s+", " ", text)


def _base(name: str) -> str:
    """A folded name with hyphens as spaces, for comparing names written in different ways."""
    return _fold(name).replace("-", " ")


def _strip_kind_words(text: str) -> tuple[str, set[str]]:
    """The name without articles and kind words, and the kinds those words point to."""
    hints: set[str] = set()
    if "," in text:
        head, _, tail = text.partition(",")
        tail_words = tail.strip()
        if tail_words in _CITY_WORDS or tail_words == "stadt":
            hints.add(CITY)
            text = head.strip()
        elif tail_words in _COUNTY_WORDS:
            hints.add(COUNTY)
            text = head.strip()
    changed = True
    while changed:
        changed = False
        for word in _ARTICLES:
            if text.startswith(word + " "):
                text, changed = text[len(word) + 1 :], True
        for words, kind in ((_CITY_WORDS, CITY), (_COUNTY_WORDS, COUNTY)):
            for word in words:
                if text.startswith(word + " ") or text.startswith(word + ". "):
                    text = text[len(word) :].lstrip(". ")
                    hints.add(kind)
                    changed = True
    for word, kind in (("(stadt)", CITY), ("(landkreis)", COUNTY), ("(kreis)", COUNTY)):
        if text.endswith(" " + word):
            text = text[: -len(word)].strip()
            hints.add(kind)
    for pattern, replacement in _MAIN_VARIANTS:
        text = pattern.sub(replacement, text)
    return text.strip(), hints


@cache
def _name_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for row in load_districts().itertuples():
        names = {row.name, row.destatis_name.split(",")[0]}
        for name in names:
            index.setdefault(_base(name), []).append(row.ags)
    # "Offenbach" alone is the usual short form of both the city and the Landkreis; "Frankfurt" alone is not.
    index["offenbach"] = ["06413", "06438"]
    index["frankfurt"] = ["06412"]
    return {key: tuple(dict.fromkeys(value)) for key, value in index.items()}


@cache
def _by_ags() -> dict[str, dict[str, object]]:
    return load_districts().set_index("ags").to_dict("index")


def _describe(ags: str) -> str:
    row = _by_ags()[ags]
    return f"{row['name']} ({row['kind']}, AGS {ags})"


def normalise_ags(value: object) -> str | None:
    """A 5-digit Kreisschlüssel from `06635`, `6635`, 6635.0 or `06635000`; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    digits = re.sub(r"\s", "", str(value))
    if not digits.isdigit():
        return None
    if len(digits) in (4, 7):
        digits = "0" + digits  # a number cell drops the leading zero
    if len(digits) == 8 and digits.endswith("000"):
        digits = digits[:5]
    return digits if len(digits) == 5 else None


def resolve_ags(value: object) -> str:
    """The AGS of one of the 26 districts, or DistrictError with a German message."""
    ags = normalise_ags(value)
    if ags is None:
        raise DistrictError(f"„{value}“ ist kein fünfstelliger Kreisschlüssel (AGS)")
    if ags not in _by_ags():
        raise DistrictError(f"Kreisschlüssel {ags} gehört zu keinem der 26 hessischen Kreise und kreisfreien Städte")
    return ags


@lru_cache(maxsize=4096)
def resolve_name(text: str) -> str:
    """The AGS for a district name in any common wording, or DistrictError (unknown or ambiguous)."""
    original = str(text).strip()
    name, hints = _strip_kind_words(_fold(original))
    candidates = _name_index().get(_base(name), ())
    if not candidates:
        raise DistrictError(f"„{original}“ ist keine bekannte hessische Gebietskörperschaft")
    if len(hints) == 1:
        (hint,) = hints
        matching = tuple(ags for ags in candidates if _by_ags()[ags]["kind"] == hint)
        if not matching:
            others = " oder ".join(_describe(ags) for ags in candidates)
            wanted = "keine kreisfreie Stadt" if hint == CITY else "keinen Landkreis"
            raise DistrictError(f"„{original}“: Es gibt {wanted} dieses Namens; gemeint ist vielleicht {others}")
        candidates = matching
    if len(candidates) > 1:
        both = " oder ".join(_describe(ags) for ags in candidates)
        raise DistrictError(
            f"„{original}“ ist nicht eindeutig: {both}. Bitte AGS angeben oder „Stadt …“ bzw. „Landkreis …“ schreiben",
            candidates,
        )
    return candidates[0]


def population_date() -> str:
    """The date the population figures refer to, as German text (31.12.2021)."""
    return load_districts()["population_date"].max().strftime("%d.%m.%Y")


def district_label(ags: str) -> str:
    """The unique display name of a district, e.g. `Kassel (Stadt)` or `Waldeck-Frankenberg`."""
    return str(_by_ags()[ags]["label"])


def regierungsbezirk_label(name: str) -> str:
    """How a Regierungsbezirk is shown as a choice or a unit, never as the bare name a city shares with it:
    `Regierungsbezirk Kassel`."""
    return f"Regierungsbezirk {name}"
