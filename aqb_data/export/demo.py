"""The bundled demo dataset: synthetic agreements, projects, progress and amendments for all 26 districts, 2021–2025.

Reproducible from a seed. Real, published figures anchor it and say so in `source`; everything else
is marked `synthetisch`. The Land totals are of the published order (27,7 Mio. € in 2023).

Reports follow the default reporting calendar: Stichtage 31.03., 30.06., 30.09. and 31.12., each due 30 days
later; for the latest year (2025) up to 30.09., the autumn report before the Umsetzungsbesprechung. Spending
is cumulative along an S-shaped in-year profile (slow first quarter, most money in the second half) whose shape
is a district's own, at each project's own pace; at year end some projects clearly underspend (money lapses)
and a few overspend slightly. Each report is received 5–28 days after its Stichtag, except in 2025: the
Vogelsbergkreis sent its 30.09.2025 report late (received 12.11.2025) and the Werra-Meißner-Kreis has not sent
it at all (its latest report is 30.06.2025). Amendments change three § 4 budgets: Lahn-Dill-Kreis 2025 raised
from 15.07.2025 with money of the Main-Kinzig-Kreis 2025, reduced from 01.05.2025 and raised again (less) from
01.09.2025, so that the Land total in force on 30.09.2025 is the signed one; Hochtaunuskreis 2024 reduced from
01.10.2024. Waldeck-Frankenberg 2025 (the signed agreement) has no reports and is never amended.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from aqb_data.domain.districts import CITY, load_districts
from aqb_data.domain.model import AGREEMENTS, AMENDMENTS, PROGRESS, PROJECTS, SYNTHETIC_SOURCE, Table
from aqb_data.export.workbooks import write_workbook
from aqb_data.paths import KNOWN_FIGURES_CSV, SEED_AGREEMENT
from aqb_data.read.agreement import Agreement, Signature, agreement_tables, read_agreement

DEFAULT_SEED = 2025
YEARS = (2021, 2022, 2023, 2024, 2025)

# Sum of the 26 district budgets per year. 2023 is the published Landesmittel total; the other years
# are synthetic values of the same order.
LAND_TOTALS = {2021: 27_200_000, 2022: 27_450_000, 2023: 27_700_000, 2024: 28_000_000, 2025: 28_300_000}

# The signed agreement whose figures anchor the demo. Its text is not ours and stays in ../shared/seeds/;
# the generator reads it there through the agreement reader. Its facts (not its text) are kept here for a
# clone without ../shared, and a test checks that both give the same record.
REAL_SOURCE = "Zielvereinbarung 2025 HMSI – Landkreis Waldeck-Frankenberg, unterzeichnet 02.08.2025 / 13.08.2025"
WALDECK_FRANKENBERG_2025 = Agreement(
    ags="06635",
    year=2025,
    budget_eur=773_920.0,
    measures={
        1: ["AVIA (Aktivierung und Vermittlung von Migranten)"],
        2: [],
        3: ["Checkpoint", "Restart", "FiB (Fit für die Berufswelt)", "Berufs- und Sprachscout Projekt (BSP)"],
        4: [],
    },
    signed_ministry=Signature("Wiesbaden", date(2025, 8, 2), "Heike Hofmann", "Staatsministerin"),
    signed_district=Signature("Korbach", date(2025, 8, 13), "Karl-Friedrich Frese", "Erster Kreisbeigeordneter"),
    grant_authority="Regierungspräsidium Kassel",
)


def real_agreement() -> tuple[Agreement, str | None]:
    """The Waldeck-Frankenberg 2025 agreement read from the seed document, and a German note if it could
    not be (then the stored facts are used)."""
    if not SEED_AGREEMENT.exists():
        return WALDECK_FRANKENBERG_2025, (
            f"Hinweis: {SEED_AGREEMENT} fehlt (Klon ohne shared/); die Zielvereinbarung Waldeck-Frankenberg 2025 "
            "wird aus den gespeicherten Fakten übernommen."
        )
    reading = read_agreement(SEED_AGREEMENT)
    if reading.agreement is None:
        return WALDECK_FRANKENBERG_2025, f"Hinweis: {SEED_AGREEMENT} ist nicht lesbar: {'; '.join(reading.errors)}"
    return reading.agreement, None


_PROJECT_NAMES = {
    1: (
        "Berufsorientierung kompakt",
        "Jugendwerkstatt",
        "Produktionsschule",
        "Startklar für Ausbildung",
        "Ausbildungsreife plus",
        "Sprache und Beruf",
        "Werkstattjahr",
        "Brücke in Ausbildung",
        "Kompetenzcheck und Praktikum",
        "Gesund in Ausbildung",
    ),
    2: (
        "Ausbildungscoaching",
        "Teilzeitausbildung für Alleinerziehende",
        "Ausbildungsbegleitung im Handwerk",
        "Verbundausbildung Pflege",
        "Ausbildung statt Abbruch",
        "Mentoring in der Ausbildung",
    ),
    3: (
        "Qualifizierung Pflegehilfe",
        "Fit für den Arbeitsmarkt",
        "Lager und Logistik mit Staplerschein",
        "Berufssprache und Praxis",
        "Qualifizierung Kinderbetreuung",
        "Neustart Beruf",
        "Fachkräfte für die Region",
        "Teilqualifizierung Metall",
        "Digitale Grundbildung",
    ),
    4: (
        "Fortbildung Fallmanagement",
        "Wissenschaftliche Begleitung der Arbeitsmarktstrategie",
        "Schulung interkulturelle Kompetenz",
    ),
}
_TARGET_GROUPS = {
    1: ("Jugendliche ohne Ausbildungsplatz", "Junge Geflüchtete", "Jugendliche unter 25 im SGB II"),
    2: ("Auszubildende mit Unterstützungsbedarf", "Alleinerziehende"),
    3: ("Langzeitarbeitslose", "Menschen mit Migrationshintergrund", "Frauen mit Familienaufgaben"),
    4: ("Fachpersonal des Kreises",),
}
_PROVIDERS = ("Bildungswerk {} gGmbH", "Beschäftigungsinitiative {} e. V.", "Qualifizierungszentrum {}")
# Typical cost of one place per measure type (euros), the range drawn from.
_COST_PER_PLACE = {1: (3_500, 6_000), 2: (6_000, 10_000), 3: (4_000, 8_000), 4: (600, 1_500)}
_MEASURE_WEIGHTS = {1: 0.35, 2: 0.2, 3: 0.38, 4: 0.07}

# The latest year's autumn report: one district late, one missing (neither Waldeck-Frankenberg nor Darmstadt).
LATE_DISTRICT = "06535"  # Vogelsbergkreis
LATE_RECEIVED = date(2025, 11, 12)
MISSING_DISTRICT = "06636"  # Werra-Meißner-Kreis
# Amended districts. 2025 moves money between two districts, so that the Land total in force by 30.09.2025 is
# the signed one; 2024 returns money to the Land.
RAISED_2025 = "06532"  # Lahn-Dill-Kreis
CHANGED_TWICE_2025 = "06435"  # Main-Kinzig-Kreis
REDUCED_2024 = "06434"  # Hochtaunuskreis


@dataclass
class _Project:
    measure_type: int
    name: str
    provider: str
    target_group: str
    first_year: int
    last_year: int


def _known_district_budgets() -> dict[tuple[str, int], tuple[float, str]]:
    """Published district budgets in the demo's years, from data/known_figures.csv."""
    known = pd.read_csv(KNOWN_FIGURES_CSV, dtype={"ags": str})
    rows = known[(known["scope"] == "district") & known["year"].isin(YEARS)]
    return {(r.ags, int(r.year)): (float(r.value_eur), str(r.source)) for r in rows.itertuples()}


def _round_to(value: float, step: int) -> float:
    return float(round(value / step) * step)


def _budgets(rng: random.Random, real: Agreement) -> dict[tuple[str, int], tuple[float, str]]:
    """Budget and source per (ags, year); the 26 budgets of a year sum exactly to LAND_TOTALS."""
    districts = load_districts()
    need = {
        r.ags: r.population * (1.3 if r.kind == CITY else 1.0) * rng.uniform(0.85, 1.2) for r in districts.itertuples()
    }
    known = _known_district_budgets()
    known[(real.ags, real.year)] = (real.budget_eur, REAL_SOURCE)
    budgets: dict[tuple[str, int], tuple[float, str]] = {}
    for year in YEARS:
        fixed = {ags: known[(ags, y)] for (ags, y) in known if y == year}
        weights = {ags: w * rng.uniform(0.96, 1.04) for ags, w in need.items() if ags not in fixed}
        remaining = LAND_TOTALS[year] - sum(v for v, _ in fixed.values())
        scale = remaining / sum(weights.values())
        year_budgets = {ags: _round_to(w * scale, 10) for ags, w in weights.items()}
        # Put the rounding remainder on the largest budget so that the Land total is exact.
        largest = max(year_budgets, key=year_budgets.__getitem__)
        year_budgets[largest] += round(remaining - sum(year_budgets.values()), 2)
        budgets.update({(ags, year): (value, SYNTHETIC_SOURCE) for ags, value in year_budgets.items()})
        budgets.update({(ags, year): value for ags, value in fixed.items()})
    return budgets


def _portfolio(rng: random.Random, name: str, population: int) -> list[_Project]:
    """A district's projects over the years: most run for several years, some start or end."""
    count = min(9, max(4, round(population / 60_000) + rng.randint(1, 3)))
    used: set[str] = set()
    projects = []
    for _ in range(count):
        measure_type = rng.choices(list(_MEASURE_WEIGHTS), weights=list(_MEASURE_WEIGHTS.values()))[0]
        options = [n for n in _PROJECT_NAMES[measure_type] if n not in used]
        if not options:
            continue
        project_name = rng.choice(options)
        used.add(project_name)
        first = rng.choice((YEARS[0], YEARS[0], YEARS[0], 2022, 2023, 2024))
        last = rng.choice((YEARS[-1], YEARS[-1], YEARS[-1], max(first, 2023)))
        projects.append(
            _Project(
                measure_type,
                project_name,
                rng.choice(_PROVIDERS).format(name),
                rng.choice(_TARGET_GROUPS[measure_type]),
                first,
                last,
            )
        )
    return projects


def _active(rng: random.Random, portfolio: list[_Project], year: int) -> list[_Project]:
    active = [p for p in portfolio if p.first_year <= year <= p.last_year]
    inactive = [p for p in portfolio if p not in active]
    while len(active) < 2 and inactive:
        active.append(inactive.pop(rng.randrange(len(inactive))))
    return active[:8]


def _plan(rng: random.Random, budget: float, measure_types: list[int]) -> list[tuple[float, int]]:
    """Planned euros and places per project; together 88–99 % of the budget, now and then a little over."""
    over = rng.random() < 0.08
    committed = budget * (rng.uniform(1.0, 1.03) if over else rng.uniform(0.88, 0.99))
    weights = [rng.uniform(0.5, 1.5) * (0.25 if mt == 4 else 1.0) for mt in measure_types]
    amounts = [float(int(committed * w / sum(weights) / 100) * 100) for w in weights]
    places = [
        max(3, round(a / rng.uniform(*_COST_PER_PLACE[mt]))) for a, mt in zip(amounts, measure_types, strict=True)
    ]
    return list(zip(amounts, places, strict=True))


def _stichtage(year: int) -> tuple[date, ...]:
    """The default reporting calendar's Stichtage; for the latest year up to the autumn report before the
    Umsetzungsbesprechung (30.09.)."""
    quarters = (date(year, 3, 31), date(year, 6, 30), date(year, 9, 30), date(year, 12, 31))
    return quarters[:3] if year == YEARS[-1] else quarters


def _elapsed(as_of: date) -> float:
    """Share of the year elapsed at the end of a Stichtag."""
    year = as_of.year
    return ((as_of - date(year, 1, 1)).days + 1) / ((date(year, 12, 31) - date(year, 1, 1)).days + 1)


@dataclass(frozen=True)
class _Profile:
    """A district's in-year spending profile, the same every year: cumulative share of the year's spending
    spent at elapsed share t is t^a / (t^a + lateness·(1−t)^a) — an S-shape, slow in the first quarter, most
    money in the second half; a larger `lateness` moves the money later."""

    steepness: float
    lateness: float

    def share(self, elapsed: float) -> float:
        """Cumulative share of the year's spending at this elapsed share of the year."""
        rising, falling = elapsed**self.steepness, (1 - elapsed) ** self.steepness
        return rising / (rising + self.lateness * falling)


def _district_profile(rng: random.Random) -> _Profile:
    return _Profile(steepness=rng.uniform(1.6, 2.6), lateness=rng.uniform(1.3, 3.2))


def _year_end_share(rng: random.Random, pace: float) -> float:
    """How much of its planned money a project spends by 31.12.: a slow project (pace < 0.8) underspends
    clearly, most spend 86–100 %, a few overspend slightly."""
    if pace < 0.8:
        return pace + 0.1
    return rng.uniform(1.005, 1.04) if rng.random() < 0.06 else rng.uniform(0.86, 1.0)


def _received(rng: random.Random, ags: str, as_of: date, days: dict[tuple[str, date], date | None]) -> date | None:
    """The day a district's report reached the ministry (one day for all its projects, kept in `days`): 5–28
    days after its Stichtag (due after 30 days); in the latest year one district's autumn report came late and
    another's is still missing (None)."""
    if (ags, as_of) not in days:
        if as_of == date(YEARS[-1], 9, 30) and ags in (LATE_DISTRICT, MISSING_DISTRICT):
            days[(ags, as_of)] = LATE_RECEIVED if ags == LATE_DISTRICT else None
        else:
            days[(ags, as_of)] = as_of + timedelta(days=rng.randint(5, 28))
    return days[(ags, as_of)]


def _progress(
    rng: random.Random,
    profile_rng: random.Random,
    profile: _Profile,
    year: int,
    ags: str,
    project: dict,
    pace: float,
    occupancy: float,
    received_days: dict[tuple[str, date], date | None],
) -> list[dict]:
    """Cumulative progress of one project at the year's Stichtage: spending along the district's profile at
    the project's own pace, entries, exits and their outcomes growing quarter by quarter."""
    rows = []
    planned, places, measure_type = project["planned_eur"], project["planned_places"], project["measure_type"]
    training_share = {1: 0.3, 2: 0.45, 3: 0.12, 4: 0.0}[measure_type]
    employment_share = {1: 0.05, 2: 0.15, 3: 0.3, 4: 0.0}[measure_type]
    # Shares of the exits, fixed for the project's year so that every count only grows; floor keeps their sum
    # within the exits. Eight draws from `rng` as the half-yearly reports took them keep the seed's agreements
    # and projects of later districts and years as before.
    draws = [rng.random() for _ in range(8)] if measure_type != 4 else []
    outcome_shares = (
        [
            training_share * (0.6 + 0.7 * draws[0]),
            employment_share * (0.6 + 0.7 * draws[1]),
            0.05 + 0.1 * draws[2],
            0.05 + 0.2 * draws[3],
        ]
        if draws
        else []
    )
    if sum(outcome_shares) > 0.95:  # every exit has at most one outcome
        outcome_shares = [share * 0.95 / sum(outcome_shares) for share in outcome_shares]
    year_end = _year_end_share(profile_rng, pace)
    timing = profile_rng.uniform(0.8, 1.25)  # the project's own pace within the district's profile
    for as_of in _stichtage(year):
        received = _received(profile_rng, ags, as_of, received_days)
        if received is None:
            continue
        elapsed = _elapsed(as_of)
        spent = round(planned * year_end * profile.share(elapsed) ** timing, 2)
        entries = round(places * occupancy * (0.4 + 0.6 * elapsed))
        exits = round(entries * (0.1 if elapsed < 0.3 else 0.25 if elapsed < 0.6 else 0.45 if elapsed < 0.9 else 0.75))
        row = {"year": year, "ags": ags, "project": project["project"], "as_of": as_of, "spent_eur": spent}
        row |= {"entries": entries, "exits": exits, "source": SYNTHETIC_SOURCE, "received": received}
        if measure_type == 4:
            # Staff training: transitions into training or jobs do not apply.
            row |= {"to_training": None, "to_employment": None, "to_other": None, "dropouts": None}
        else:
            counts = [math.floor(exits * share) for share in outcome_shares]
            row |= dict(zip(("to_training", "to_employment", "to_other", "dropouts"), counts, strict=True))
        rows.append(row)
    return rows


def _amendments(budgets: dict[tuple[str, int], tuple[float, str]]) -> pd.DataFrame:
    """Synthetic amendments of § 4 budgets: 2025 the Main-Kinzig-Kreis gives up money from 01.05. (part of it back
    from 01.09.), the Lahn-Dill-Kreis gets it from 15.07.; 2024 the Hochtaunuskreis returns money from 01.10.
    Waldeck-Frankenberg 2025 (the real, signed agreement) is never amended."""
    raised, changed, reduced = (
        budgets[key][0] for key in ((RAISED_2025, 2025), (CHANGED_TWICE_2025, 2025), (REDUCED_2024, 2024))
    )
    moved = _round_to(raised * 0.08, 100)  # to the Lahn-Dill-Kreis, by 30.09. all from the Main-Kinzig-Kreis
    held_back = _round_to(changed * 0.03, 100)  # released from 01.05. to 01.09. only
    rows = [
        (
            RAISED_2025,
            2025,
            date(2025, 7, 15),
            raised + moved,
            "Aufstockung aus nicht verausgabten Mitteln anderer Kreise",
        ),
        (
            CHANGED_TWICE_2025,
            2025,
            date(2025, 5, 1),
            changed - moved - held_back,
            "Kürzung: ein Projekt beginnt nicht, die Mittel gehen an andere Kreise",
        ),
        (
            CHANGED_TWICE_2025,
            2025,
            date(2025, 9, 1),
            changed - moved,
            "Aufstockung für ein zusätzliches Projekt in der Ausbildungsvorbereitung",
        ),
        (
            REDUCED_2024,
            2024,
            date(2024, 10, 1),
            reduced - _round_to(reduced * 0.07, 100),
            "Kürzung: Projekt entfallen, Mittel an das Land zurückgegeben",
        ),
    ]
    columns = ["ags", "year", "valid_from", "budget_eur", "reason"]
    return pd.DataFrame(rows, columns=columns).assign(source=SYNTHETIC_SOURCE)


def _signatures(rng: random.Random, year: int) -> tuple[date, date]:
    ministry = date(year, 2, 1) + timedelta(days=rng.randint(0, 55))
    return ministry, ministry + timedelta(days=rng.randint(5, 25))


MINISTRY_SEAT = "Wiesbaden"  # the HMSI signs in the Landeshauptstadt


def _district_place(name: str, kind: str) -> str | None:
    """Where a district signs: a kreisfreie Stadt in itself; a Landkreis's seat is not in the shipped data, so
    its place stays empty rather than invented."""
    return name if kind == CITY else None


def generate_demo(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """The demo tables (agreements, projects, progress, amendments) for the 26 districts and 2021–2025."""
    rng = random.Random(seed)
    # Spending profiles and days of receipt have their own generator: the agreements and projects of a seed
    # stay what they were before quarterly reports.
    profile_rng = random.Random(f"{seed}:profile")
    received_days: dict[tuple[str, date], date | None] = {}
    districts = load_districts()
    real, _ = real_agreement()
    budgets = _budgets(rng, real)
    real_tables = agreement_tables(real, REAL_SOURCE)
    agreements, projects, progress = [real_tables["agreements"]], [real_tables["projects"]], []
    for district in districts.itertuples():
        portfolio = _portfolio(rng, district.name, district.population)
        profile = _district_profile(profile_rng)
        for year in YEARS:
            budget, source = budgets[(district.ags, year)]
            if (district.ags, year) == (real.ags, real.year):
                continue  # the signed agreement, as read: its projects name no amounts and have no reports yet
            signed = _signatures(rng, year) if source == SYNTHETIC_SOURCE else (None, None)
            places = (MINISTRY_SEAT, _district_place(district.name, district.kind)) if signed[0] else (None, None)
            chosen = _active(rng, portfolio, year)
            agreements.append(
                pd.DataFrame(
                    [
                        {
                            "year": year,
                            "ags": district.ags,
                            "budget_eur": budget,
                            "signed_ministry": signed[0],
                            "signed_district": signed[1],
                            "source": source,
                            "signed_ministry_place": places[0],
                            "signed_district_place": places[1],
                        }
                    ]
                )
            )
            rows = []
            for project, (planned, places) in zip(
                chosen, _plan(rng, budget, [p.measure_type for p in chosen]), strict=True
            ):
                row = {
                    "year": year,
                    "ags": district.ags,
                    "measure_type": project.measure_type,
                    "project": project.name,
                    "provider": project.provider,
                    "target_group": project.target_group,
                    "planned_eur": planned,
                    "planned_places": places,
                    "source": SYNTHETIC_SOURCE,
                }
                rows.append(row)
                pace = rng.uniform(0.45, 0.8) if rng.random() < 0.15 else rng.uniform(0.8, 1.1)
                occupancy = rng.uniform(0.55, 1.15)
                progress.extend(
                    _progress(rng, profile_rng, profile, year, district.ags, row, pace, occupancy, received_days)
                )
            projects.append(pd.DataFrame(rows))
    return {
        "agreements": _sorted(AGREEMENTS.conform(pd.concat(agreements, ignore_index=True)), AGREEMENTS),
        "projects": _sorted(PROJECTS.conform(pd.concat(projects, ignore_index=True)), PROJECTS),
        "progress": _sorted(PROGRESS.conform(pd.DataFrame(progress)), PROGRESS),
        "amendments": _sorted(AMENDMENTS.conform(_amendments(budgets)), AMENDMENTS),
    }


def _sorted(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    return frame.sort_values(list(table.key), ignore_index=True)


def write_demo(target: str | Path, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Generate the demo tables and write them as a workbook in the upload format."""
    tables = generate_demo(seed)
    write_workbook(tables, target)
    return tables
