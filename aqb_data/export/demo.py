"""The bundled demo dataset: synthetic agreements, projects and progress for all 26 districts, 2021–2025.

Reproducible from a seed. Real, published figures anchor it and say so in `source`; everything else
is marked `synthetisch`. The Land totals are of the published order (27,7 Mio. € in 2023).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from aqb_data.domain.districts import CITY, load_districts
from aqb_data.domain.model import AGREEMENTS, PROGRESS, PROJECTS, SYNTHETIC_SOURCE, Table
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


def _stichtage(year: int) -> tuple[date, date]:
    """Two report dates a year; for the latest year the autumn report before the implementation meeting."""
    return (date(year, 6, 30), date(year, 9, 30) if year == YEARS[-1] else date(year, 12, 31))


def _progress(rng: random.Random, year: int, ags: str, project: dict, pace: float, occupancy: float) -> list[dict]:
    """Cumulative progress of one project at the year's two Stichtage."""
    rows = []
    planned, places, measure_type = project["planned_eur"], project["planned_places"], project["measure_type"]
    training_share = {1: 0.3, 2: 0.45, 3: 0.12, 4: 0.0}[measure_type]
    employment_share = {1: 0.05, 2: 0.15, 3: 0.3, 4: 0.0}[measure_type]
    for as_of in _stichtage(year):
        elapsed = ((as_of - date(year, 1, 1)).days + 1) / ((date(year, 12, 31) - date(year, 1, 1)).days + 1)
        spent = round(planned * min(1.0, elapsed * pace), 2)
        entries = round(places * occupancy * (0.55 + 0.45 * elapsed))
        exits = round(entries * (0.25 if elapsed < 0.6 else 0.45 if elapsed < 0.9 else 0.75))
        row = {"year": year, "ags": ags, "project": project["project"], "as_of": as_of, "spent_eur": spent}
        row |= {"entries": entries, "exits": exits, "source": SYNTHETIC_SOURCE}
        if measure_type == 4:
            # Staff training: transitions into training or jobs do not apply.
            row |= {"to_training": None, "to_employment": None, "to_other": None, "dropouts": None}
        else:
            to_training = round(exits * training_share * rng.uniform(0.6, 1.3))
            to_employment = round(exits * employment_share * rng.uniform(0.6, 1.3))
            to_other = round(exits * rng.uniform(0.05, 0.15))
            dropouts = min(round(exits * rng.uniform(0.05, 0.25)), exits - to_training - to_employment - to_other)
            row |= {
                "to_training": to_training,
                "to_employment": to_employment,
                "to_other": to_other,
                "dropouts": max(0, dropouts),
            }
        rows.append(row)
    return rows


def _signatures(rng: random.Random, year: int) -> tuple[date, date]:
    ministry = date(year, 2, 1) + timedelta(days=rng.randint(0, 55))
    return ministry, ministry + timedelta(days=rng.randint(5, 25))


def generate_demo(seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """The demo tables (agreements, projects, progress) for the 26 districts and 2021–2025."""
    rng = random.Random(seed)
    districts = load_districts()
    real, _ = real_agreement()
    budgets = _budgets(rng, real)
    real_tables = agreement_tables(real, REAL_SOURCE)
    agreements, projects, progress = [real_tables["agreements"]], [real_tables["projects"]], []
    for district in districts.itertuples():
        portfolio = _portfolio(rng, district.name, district.population)
        for year in YEARS:
            budget, source = budgets[(district.ags, year)]
            if (district.ags, year) == (real.ags, real.year):
                continue  # the signed agreement, as read: its projects name no amounts and have no reports yet
            signed = _signatures(rng, year) if source == SYNTHETIC_SOURCE else (None, None)
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
                progress.extend(_progress(rng, year, district.ags, row, pace, rng.uniform(0.55, 1.15)))
            projects.append(pd.DataFrame(rows))
    return {
        "agreements": _sorted(AGREEMENTS.conform(pd.concat(agreements, ignore_index=True)), AGREEMENTS),
        "projects": _sorted(PROJECTS.conform(pd.concat(projects, ignore_index=True)), PROJECTS),
        "progress": _sorted(PROGRESS.conform(pd.DataFrame(progress)), PROGRESS),
    }


def _sorted(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    return frame.sort_values(list(table.key), ignore_index=True)


def write_demo(target: str | Path, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """Generate the demo tables and write them as a workbook in the upload format."""
    tables = generate_demo(seed)
    write_workbook(tables, target)
    return tables
