"""Demo data: realistic surveys with responses, so a new user sees the service at work.

Answers are simulated generically from each instrument: every respondent has a latent level
per dimension (drawn around the dimension's demo mean), items are answered around it (reversed
items the other way), some say "don't know", and respondent attributes are drawn from the
vocabularies. Every response goes through the same submission service as a real one.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import (
    DONT_KNOW,
    PREFER_NOT_TO_SAY,
    Instrument,
    allowed_attribute_codes,
    is_enabled,
)
from survey_service.models import Survey
from survey_service.services import submission
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.surveys import create_survey, update_survey

DEMO_ACTOR = "demo"


@dataclass(frozen=True)
class DemoSurvey:
    municipality: str
    instrument: str
    audience: str
    title: str
    responses: int
    population_size: int | None = None
    # Mean position on the 0-1 scale per dimension (others: 0.6); lower steps higher.
    levels: Mapping[str, float] = field(default_factory=dict)
    period: str = "2026"
    closed: bool = False
    baseline_of: str | None = None  # title of the survey this one follows up
    targets: Mapping[str, float] = field(default_factory=dict)
    respondent_attributes: Mapping[str, Any] = field(default_factory=dict)
    population_margins: Mapping[str, Any] = field(default_factory=dict)


STAIRCASE = {
    "strukturer_systemer_okonomi": 0.74,
    "kvalitet": 0.70,
    "intern_profilering": 0.64,
    "ekstern_profilering": 0.55,
    "tillit": 0.52,
}

DEMO_SURVEYS = [
    DemoSurvey(
        "4601",
        "omdommetrappen",
        "citizens",
        "Omdømmet til Bergen kommune 2025",
        260,
        levels={k: v - 0.06 for k, v in STAIRCASE.items()},
        period="2025",
        closed=True,
    ),
    DemoSurvey(
        "4601",
        "omdommetrappen",
        "citizens",
        "Omdømmet til Bergen kommune 2026",
        420,
        levels=STAIRCASE,
        baseline_of="Omdømmet til Bergen kommune 2025",
        targets={"omdommeindeks": 65, "tillit": 55},
        respondent_attributes={"age_band": None, "gender": None},
        population_margins={
            "gender": {"female": 146_500, "male": 145_440},
        },
    ),
    DemoSurvey(
        "5001",
        "omdommetrappen",
        "employees",
        "Omdømmetrappa blant tilsette i Trondheim",
        310,
        population_size=19_000,
        levels={**STAIRCASE, "intern_profilering": 0.71, "ekstern_profilering": 0.62},
    ),
    DemoSurvey(
        "1120",
        "partssamarbeid",
        "mixed",
        "Partssamarbeidet i Klepp kommune",
        64,
        population_size=120,
        levels={"samme_retning": 0.58, "motekultur_ledelse": 0.52, "tillit_apenhet": 0.66},
    ),
    DemoSurvey(
        "0301",
        "forankring",
        "employees",
        "Forankring av heltidskultur i Oslo kommune",
        180,
        population_size=4_000,
        levels={
            "bevissthet": 0.8,
            "aksept": 0.7,
            "forpliktelse": 0.6,
            "eierskap": 0.5,
            "realisering": 0.42,
        },
    ),
    DemoSurvey(
        "4601",
        "omdommepavirkere",
        "citizens",
        "Hva skaper omdømmet i Bergen?",
        150,
    ),
    DemoSurvey(
        "1151",
        "samlingsevaluering",
        "mixed",
        "Evaluering av nettverkssamlinga på Utsira",
        14,
        population_size=40,
        levels={"terningkast": 0.78},
    ),
]

TAKE_HOME = {
    "nb": [
        "Verdien av å involvere tillitsvalgte tidlig.",
        "Hvordan vi kan fortelle gode historier.",
    ],
    "nn": [
        "Verdien av å involvere tillitsvalde tidleg.",
        "Korleis vi kan fortelje gode historier.",
    ],
    "en": ["The value of involving union representatives early.", "How to tell good stories."],
}


def load_demo(
    session: Session,
    *,
    progress: Callable[[str], None],
    public_url: str = "",
    seed: int = 2014,
    min_n: int = 5,
) -> Iterator[str]:
    """Create the demo surveys with responses once (a second run adds nothing)."""
    rng = random.Random(seed)
    existing = {s.title: s for s in session.scalars(select(Survey))}
    now = datetime.now(UTC)
    for index, demo in enumerate(DEMO_SURVEYS, 1):
        progress(f"[demo {index}/{len(DEMO_SURVEYS)}] {demo.title}: {demo.responses} responses")
        if demo.title in existing:
            continue
        start = now - timedelta(days=380 if demo.closed else 14)
        baseline = existing.get(demo.baseline_of) if demo.baseline_of else None
        survey = create_survey(
            session,
            {
                "municipality": demo.municipality,
                "instrument": demo.instrument,
                "audience": demo.audience,
                "title": demo.title,
                "period": demo.period,
                "opens_at": start,
                "closes_at": start + timedelta(days=30 if demo.closed else 44),
                "population_size": demo.population_size,
                "baseline_survey": baseline.id if baseline is not None else None,
                "targets": dict(demo.targets),
                "embed_origins": ["http://localhost:8080"],
                "respondent_attributes": dict(demo.respondent_attributes),
                "population_margins": dict(demo.population_margins),
            },
            actor=DEMO_ACTOR,
        )
        update_survey(session, survey, {"status": "open"}, actor=DEMO_ACTOR, min_n=min_n)
        _respond(session, survey, demo, rng, start.date(), min_n)
        if demo.closed:
            update_survey(session, survey, {"status": "closed"}, actor=DEMO_ACTOR, min_n=min_n)
        existing[demo.title] = survey
        session.flush()
        yield f"Demo survey {survey.id}: {demo.title}  ->  {public_url}/s/{survey.public_id}"


def _respond(
    session: Session,
    survey: Survey,
    demo: DemoSurvey,
    rng: random.Random,
    start: date,
    min_n: int,
) -> None:
    instrument = as_instrument(survey.instrument_version)
    asked = submission.attributes_asked(survey, instrument)
    for _ in range(demo.responses):
        respondent = _respondent(instrument, asked, rng)
        language = rng.choices(["nb", "nn", "en"], weights=[6, 3, 1])[0]
        answers = _answers(instrument, survey.audience, demo, respondent, language, rng)
        submission.submit(
            session,
            survey,
            {
                "submission_id": str(uuid.UUID(int=rng.getrandbits(128))),
                "answers": answers,
                "respondent": respondent,
                "language": language,
            },
            secret="demo",
            min_n=min_n,
            today=start + timedelta(days=min(int(rng.expovariate(1 / 4)), 13)),
            # Demo data is written while the survey is open, whatever the clock says.
            check_open=False,
        )


def _respondent(
    instrument: Instrument, asked: Mapping[str, Any], rng: random.Random
) -> dict[str, str]:
    out = {}
    for name in asked:
        allowed = allowed_attribute_codes(instrument, name) or ()
        codes = [c for c in allowed if c != PREFER_NOT_TO_SAY]
        if codes:
            out[name] = rng.choice(codes) if rng.random() > 0.05 else PREFER_NOT_TO_SAY
    return out


def _answers(
    instrument: Instrument,
    audience: str,
    demo: DemoSurvey,
    respondent: Mapping[str, str],
    language: str,
    rng: random.Random,
) -> dict[str, Any]:
    latent = {
        d: min(max(rng.gauss(demo.levels.get(d, 0.6), 0.15), 0.0), 1.0)
        for d in instrument.dimension_keys
    }
    dimension_of = {
        link: rule.dimension for rule in instrument.scoring.dimensions for link in rule.item_ids
    }
    # People expect a little more than they experience: the quality gap is negative.
    expectations = {
        pair.expectation for rule in instrument.scoring.dimensions for pair in rule.pairs
    }
    answers: dict[str, Any] = {}
    for item in instrument.items_for(audience):
        if not is_enabled(item, answers, respondent):
            continue
        if item.type == "choice":
            answers[item.link_id] = rng.choice(item.values)
        elif item.type == "text":
            if rng.random() < 0.3:
                answers[item.link_id] = rng.choice(TAKE_HOME[language])
        elif item.scale is not None:
            if item.dont_know and rng.random() < 0.04:
                answers[item.link_id] = DONT_KNOW
                continue
            level = latent.get(dimension_of.get(item.link_id, ""), 0.6)
            position = 1 - level if item.reverse else level
            if item.link_id in expectations:
                position = min(position + 0.12, 1.0)
            low, high = item.scale
            value = round(low + (high - low) * min(max(rng.gauss(position, 0.12), 0), 1))
            answers[item.link_id] = int(value)
    return answers
