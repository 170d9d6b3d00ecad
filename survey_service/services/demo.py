"""Demo data: a handful of realistic surveys, so a new user sees the service at work."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.models import Survey
from survey_service.services.surveys import create_survey, update_survey

DEMO_ACTOR = "demo"

#: (municipality, instrument, audience, title, population size)
DEMO_SURVEYS = [
    ("4601", "omdommetrappen", "citizens", "Omdømmet til Bergen kommune 2026", None),
    ("5001", "omdommetrappen", "employees", "Omdømmetrappa blant tilsette i Trondheim", 19_000),
    ("1120", "partssamarbeid", "mixed", "Partssamarbeidet i Klepp kommune", 120),
    ("0301", "forankring", "employees", "Forankring av heltidskultur i Oslo kommune", 4_000),
    ("1151", "samlingsevaluering", "mixed", "Evaluering av nettverkssamlinga på Utsira", 40),
]


def load_demo(session: Session, *, progress: Callable[[str], None]) -> Iterator[str]:
    """Create the demo surveys once (a second run finds them and adds nothing)."""
    existing = set(session.scalars(select(Survey.title)))
    now = datetime.now(UTC)
    for index, (number, instrument, audience, title, size) in enumerate(DEMO_SURVEYS, 1):
        progress(f"[demo {index}/{len(DEMO_SURVEYS)}] {title}")
        if title in existing:
            continue
        survey = create_survey(
            session,
            {
                "municipality": number,
                "instrument": instrument,
                "audience": audience,
                "title": title,
                "opens_at": now - timedelta(days=14),
                "closes_at": now + timedelta(days=30),
                "population_size": size,
                "embed_origins": ["http://localhost:8080"],
            },
            actor=DEMO_ACTOR,
        )
        update_survey(session, survey, {"status": "open"}, actor=DEMO_ACTOR)
        yield f"Demo survey {survey.id}: {title}  ->  /s/{survey.public_id}"
