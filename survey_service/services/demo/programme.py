"""The programme *Saman om ein betre kommune*, simulated: which municipalities took part and
which surveys each ran, with the truth their respondents answer from.

110 real municipalities (the largest cities and some of the smallest places, every county,
Bokmål and Nynorsk ones) measured their reputation among citizens and employees and their
tripartite cooperation in a baseline (2013) and a follow-up (2015); some measured how well a
change was anchored (``forankring``) and evaluated a network gathering (the dice roll).
Each municipality has its own starting level and its own true change between the waves:
some clearly improve, some stand still and some fall back, so that the comparisons
(benchmarks, change since baseline, targets, the national ranking) find something. All of it
follows from the seed.

Three cases are fixed, for a new user to find: Utsira, whose few respondents leave every
figure withheld; Bergen, large, clearly above its baseline; Stavanger, which missed the
targets it set.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from survey_service.services.reference_data import read_municipalities

PARTICIPANTS = 110
#: A small municipality whose figures are withheld: too few respondents.
SUPPRESSED = "1151"  # Utsira
#: A large municipality that clearly beat its baseline.
BEAT_BASELINE = "4601"  # Bergen
#: A municipality that missed the targets it set for the follow-up.
MISSED_TARGET = "1103"  # Stavanger
#: Taking part whatever the draw: the three cases, the largest cities, and a few known from
#: the programme.
FEATURED = (SUPPRESSED, BEAT_BASELINE, MISSED_TARGET, "0301", "5001", "1120", "4611", "3907")
#: Follow-ups still collecting responses (besides a few drawn).
STILL_OPEN = ("5001",)

BASELINE, FOLLOW_UP = "2013", "2015"

#: The reputation staircase's usual shape: each step a little lower than the one below.
STAIRCASE = {
    "strukturer_systemer_okonomi": 0.72,
    "kvalitet": 0.68,
    "intern_profilering": 0.62,
    "ekstern_profilering": 0.55,
    "tillit": 0.50,
}
#: Employees see the internal steps more favourably than residents do.
EMPLOYEES_SEE = {"intern_profilering": 0.07, "ekstern_profilering": 0.05}
COOPERATION = {
    "felles_mal": 0.62,
    "samme_retning": 0.56,
    "tillit_apenhet": 0.60,
    "respekt_roller": 0.66,
    "engasjement": 0.63,
    "motekultur_ledelse": 0.54,
    "losningsorientering": 0.58,
    "samlet_vurdering": 0.60,
}
#: The parties' perspectives: leaders and politicians see the cooperation more favourably
#: than union representatives and employees do.
ROLE_VIEWS = {
    "politician": 0.04,
    "top_leader": 0.08,
    "middle_leader": 0.03,
    "union_representative": -0.06,
    "safety_representative": -0.03,
    "employee": -0.04,
}
ANCHORING = {
    "bevissthet": 0.80,
    "aksept": 0.70,
    "forpliktelse": 0.60,
    "eierskap": 0.50,
    "realisering": 0.42,
}


@dataclass(frozen=True)
class Participant:
    number: str
    name: str
    county: str
    population: int
    language: str  # the municipality's written standard: "nb" or "nn"
    #: How far above (or below) the usual levels it starts, on the 0-1 scale.
    offset: float
    #: Its true change from the baseline to the follow-up, on the 0-1 scale.
    change: float


@dataclass(frozen=True)
class DemoSurvey:
    municipality: str
    instrument: str
    audience: str
    title: str
    period: str
    responses: int
    opens_on: date
    levels: Mapping[str, float] = field(default_factory=dict)
    perspectives: Mapping[str, float] = field(default_factory=dict)
    closed: bool = True
    population_size: int | None = None
    baseline_of: str | None = None  # the title of the survey this one follows up
    titles: Mapping[str, str] = field(default_factory=dict)  # language -> title
    targets: Mapping[str, float] = field(default_factory=dict)
    respondent_attributes: Mapping[str, Any] = field(default_factory=dict)
    population_margins: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Programme:
    participants: tuple[Participant, ...]
    surveys: tuple[DemoSurvey, ...]

    def surveys_of(self, number: str) -> list[DemoSurvey]:
        return [s for s in self.surveys if s.municipality == number]


def programme(seed: int, *, today: date | None = None) -> Programme:
    """The programme drawn from ``seed`` (the same seed, the same programme)."""
    rng = random.Random(seed)
    today = today or datetime.now(UTC).date()
    participants = tuple(_participant(row, rng) for row in _chosen(rng))
    still_open = set(STILL_OPEN) | set(
        rng.sample(sorted(p.number for p in participants if p.number not in FEATURED), 4)
    )
    surveys: list[DemoSurvey] = []
    for p in participants:
        surveys += _surveys_of(p, rng, today=today, still_open=p.number in still_open)
    anchoring = rng.sample(participants, 18)
    for p in sorted(anchoring, key=lambda p: p.number):
        surveys.append(_anchoring(p, rng))
    gatherings = [p for p in participants if p.number == SUPPRESSED] + rng.sample(
        [p for p in participants if p.number != SUPPRESSED], 6
    )
    for p in sorted(gatherings, key=lambda p: p.number):
        surveys.append(_gathering(p, rng))
    surveys.append(_what_shapes_bergen())
    return Programme(participants, tuple(surveys))


def _chosen(rng: random.Random) -> list[dict[str, Any]]:
    """110 municipalities: the featured ones, two or more from every county, then a draw."""
    rows = sorted(read_municipalities(), key=lambda r: str(r["number"]))
    chosen = {str(r["number"]): r for r in rows if r["number"] in FEATURED}
    by_county: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_county.setdefault(str(row["county_number"]), []).append(row)
    for members in by_county.values():
        present = [r for r in members if r["number"] in chosen]
        for row in rng.sample(members, max(0, min(2, len(members)) - len(present))):
            chosen[str(row["number"])] = row
    rest = [r for r in rows if r["number"] not in chosen]
    for row in rng.sample(rest, PARTICIPANTS - len(chosen)):
        chosen[str(row["number"])] = row
    return sorted(chosen.values(), key=lambda r: str(r["number"]))


def _participant(row: Mapping[str, Any], rng: random.Random) -> Participant:
    number = str(row["number"])
    draw = rng.random()
    if number == BEAT_BASELINE:
        change = 0.12
    elif number == MISSED_TARGET:
        change = 0.0
    elif draw < 0.4:
        change = rng.uniform(0.05, 0.12)  # clearly better
    elif draw < 0.8:
        change = rng.uniform(-0.015, 0.015)  # standing still
    else:
        change = rng.uniform(-0.08, -0.03)  # falling back
    return Participant(
        number=number,
        name=str(row["name"]),
        county=str(row["county"]),
        population=int(row["population"] or 1000),
        language="nn" if row["written_standard"] == "nn" else "nb",
        offset=rng.gauss(0, 0.05),
        change=change,
    )


def _shifted(levels: Mapping[str, float], by: float) -> dict[str, float]:
    return {key: min(max(level + by, 0.05), 0.95) for key, level in levels.items()}


def _count(rng: random.Random, expected: float, *, cap: int) -> int:
    """A response count around ``expected``: at least 3, at most ``cap``."""
    return max(3, min(cap, round(expected * rng.lognormvariate(0, 0.3))))


#: Titles in Bokmål, Nynorsk and English: the municipality's written standard is the
#: survey's own title, and the form shows each language's.
TITLES = {
    "citizens": {
        "nb": "Omdømmet til {name} kommune {period}",
        "nn": "Omdømet til {name} kommune {period}",
        "en": "The reputation of {name} municipality {period}",
    },
    "employees": {
        "nb": "Omdømmetrappa blant ansatte i {name} kommune {period}",
        "nn": "Omdømetrappa blant tilsette i {name} kommune {period}",
        "en": "The reputation staircase among the staff of {name} municipality {period}",
    },
    "cooperation": {
        "nb": "Partssamarbeidet i {name} kommune {period}",
        "nn": "Partssamarbeidet i {name} kommune {period}",
        "en": "Tripartite cooperation in {name} municipality {period}",
    },
    "anchoring": {
        "nb": "Forankring av heltidskultur i {name} kommune",
        "nn": "Forankring av heiltidskultur i {name} kommune",
        "en": "Anchoring a full-time culture in {name} municipality",
    },
    "gathering": {
        "nb": "Evaluering av nettverkssamlingen i {name}",
        "nn": "Evaluering av nettverkssamlinga i {name}",
        "en": "Evaluation of the network gathering in {name}",
    },
}


def _titles(kind: str, p: Participant, period: str = "") -> dict[str, str]:
    return {
        language: text.format(name=p.name, period=period).strip()
        for language, text in TITLES[kind].items()
    }


def _title(kind: str, p: Participant, period: str = "") -> str:
    return _titles(kind, p, period)["nn" if p.language == "nn" else "nb"]


def _surveys_of(
    p: Participant, rng: random.Random, *, today: date, still_open: bool
) -> list[DemoSurvey]:
    """The two waves of the reputation staircase (citizens and employees) and of the
    cooperation survey."""
    small = p.number == SUPPRESSED
    employees = max(10, round(p.population * 0.075))
    cooperating = min(400, 25 + round(p.population**0.45))
    waves = []
    for period, start, change in (
        (BASELINE, date(2013, 3, 4), 0.0),
        (FOLLOW_UP, date(2015, 3, 2), p.change),
    ):
        later = period == FOLLOW_UP
        collecting = later and still_open
        opens = today - timedelta(days=14) if collecting else start + timedelta(rng.randrange(10))
        citizens = 3 if small else _count(rng, 8 + p.population * 0.0035, cap=3000)
        staircase = _shifted(STAIRCASE, p.offset + change)
        waves.append(
            DemoSurvey(
                p.number,
                "omdommetrappen",
                "citizens",
                _title("citizens", p, period),
                period,
                citizens,
                opens,
                levels=staircase,
                closed=not collecting,
                baseline_of=_title("citizens", p, BASELINE) if later else None,
                targets=_targets(p, rng) if later else {},
                population_margins={
                    "gender": {"female": p.population // 2, "male": p.population // 2}
                },
                titles=_titles("citizens", p, period),
            )
        )
        waves.append(
            DemoSurvey(
                p.number,
                "omdommetrappen",
                "employees",
                _title("employees", p, period),
                period,
                3 if small else _count(rng, 6 + employees * 0.03, cap=2000),
                start + timedelta(days=14 + rng.randrange(10)),
                levels=_shifted(
                    {**STAIRCASE, **_plus(STAIRCASE, EMPLOYEES_SEE)}, p.offset + change
                ),
                population_size=employees,
                baseline_of=_title("employees", p, BASELINE) if later else None,
                titles=_titles("employees", p, period),
            )
        )
        waves.append(
            DemoSurvey(
                p.number,
                "partssamarbeid",
                "mixed",
                _title("cooperation", p, period),
                period,
                4 if small else _count(rng, cooperating * 0.4, cap=cooperating),
                start + timedelta(days=40 + rng.randrange(10)),
                levels=_shifted(COOPERATION, p.offset + change * 0.8),
                perspectives=ROLE_VIEWS,
                population_size=cooperating,
                baseline_of=_title("cooperation", p, BASELINE) if later else None,
                titles=_titles("cooperation", p, period),
            )
        )
    return waves


def _plus(levels: Mapping[str, float], shifts: Mapping[str, float]) -> dict[str, float]:
    return {key: levels[key] + shift for key, shift in shifts.items()}


def _targets(p: Participant, rng: random.Random) -> dict[str, float]:
    """What a third of the municipalities aimed for in the follow-up: a few points above
    where they started; Stavanger aimed high and stood still."""
    start = sum(_shifted(STAIRCASE, p.offset).values()) / len(STAIRCASE) * 100
    if p.number == MISSED_TARGET:
        return {"omdommeindeks": round(start + 8), "tillit": 62}
    if p.number == BEAT_BASELINE:
        return {"omdommeindeks": round(start + 4)}
    if rng.random() < 0.33:
        return {"omdommeindeks": round(start + rng.choice((3, 5, 8)))}
    return {}


def _anchoring(p: Participant, rng: random.Random) -> DemoSurvey:
    employees = max(10, round(p.population * 0.075))
    return DemoSurvey(
        p.number,
        "forankring",
        "employees",
        _title("anchoring", p),
        FOLLOW_UP,
        _count(rng, min(employees, 4000) * 0.05, cap=800),
        date(2015, 9, 7),
        levels=_shifted(ANCHORING, p.offset + p.change),
        population_size=employees,
        titles=_titles("anchoring", p),
    )


def _gathering(p: Participant, rng: random.Random) -> DemoSurvey:
    if p.number == SUPPRESSED:
        return DemoSurvey(
            p.number,
            "samlingsevaluering",
            "mixed",
            "Evaluering av nettverkssamlinga på Utsira",
            "2014",
            14,
            date(2014, 5, 12),
            levels={"terningkast": 0.78},
            population_size=40,
            titles={
                "nb": "Evaluering av nettverkssamlingen på Utsira",
                "nn": "Evaluering av nettverkssamlinga på Utsira",
                "en": "Evaluation of the network gathering on Utsira",
            },
        )
    return DemoSurvey(
        p.number,
        "samlingsevaluering",
        "mixed",
        _title("gathering", p),
        "2014",
        rng.randrange(8, 40),
        date(2014, 10, 6),
        levels={"terningkast": rng.uniform(0.55, 0.85)},
        population_size=60,
        titles=_titles("gathering", p),
    )


def _what_shapes_bergen() -> DemoSurvey:
    return DemoSurvey(
        BEAT_BASELINE,
        "omdommepavirkere",
        "citizens",
        "Hva skaper omdømmet i Bergen?",
        FOLLOW_UP,
        150,
        date(2015, 4, 13),
        titles={
            "nb": "Hva skaper omdømmet i Bergen?",
            "nn": "Kva skaper omdømet i Bergen?",
            "en": "What shapes Bergen’s reputation?",
        },
    )
