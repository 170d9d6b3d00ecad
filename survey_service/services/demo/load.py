"""Loading the demo: the programme's surveys made, opened, answered and closed.

Each survey is created and opened as a municipality would, its simulated responses are
stored through the batch path (the same validation, scoring and publication as one-by-one
submission), and a survey of a finished wave is closed, which publishes its final figures.
A survey already there (found by its title) is left alone, so a second run adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_service.models import Response, Survey
from survey_service.services import demo_gathering as gathering
from survey_service.services.batch_submission import submit_many
from survey_service.services.demo.answers import Respondents, arrivals
from survey_service.services.demo.programme import DemoSurvey, Programme, programme
from survey_service.services.surveys import create_survey, update_survey

DEMO_ACTOR = "demo"
SEED = 2014
#: How long a finished wave collected responses.
FIELDWORK_DAYS = 30


@dataclass(frozen=True)
class Loaded:
    """One municipality's part of the demo, as loaded."""

    number: str
    name: str
    surveys: int
    responses: int


def load_demo(
    session: Session,
    *,
    progress: Callable[[str], None],
    seed: int = SEED,
    min_n: int = 5,
    secret: str = "demo",
    today: date | None = None,
) -> Iterator[Loaded]:
    """Create the programme's surveys with their responses, one municipality at a time
    (yielded once its surveys are in the session, for the caller to commit), then the
    network's gathering (``demo_gathering``); a survey that exists already is left as it
    is."""
    today = today or datetime.now(UTC).date()
    plan: Programme = programme(seed, today=today)
    existing = {title: survey for title, survey in _surveys_by_title(session)}
    total = len(plan.participants)
    for index, participant in enumerate(plan.participants, 1):
        wanted = [s for s in plan.surveys_of(participant.number) if s.title not in existing]
        if not wanted:
            continue
        responses = sum(s.responses for s in wanted)
        progress(
            f"[demo {index}/{total}] {participant.name}: {len(wanted)} surveys, "
            f"{responses} responses"
        )
        for demo in wanted:
            existing[demo.title] = _load(
                session, demo, existing, seed=seed, min_n=min_n, secret=secret, today=today
            )
        session.flush()
        yield Loaded(participant.number, participant.name, len(wanted), responses)
    if gathering.TITLE not in existing:
        # The network's gathering: one survey the network ran, answered from them all.
        progress(f"[demo] {gathering.TITLE}")
        survey = gathering.load_gathering(
            session,
            participants=[p.number for p in plan.participants],
            min_n=min_n,
            today=today,
            actor=DEMO_ACTOR,
        )
        session.flush()
        answered = session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        yield Loaded("", survey.title, 1, answered or 0)


def _surveys_by_title(session: Session) -> Iterator[tuple[str, Survey]]:
    for survey in session.scalars(select(Survey)):
        yield survey.title, survey


def _load(
    session: Session,
    demo: DemoSurvey,
    existing: dict[str, Survey],
    *,
    seed: int,
    min_n: int,
    secret: str,
    today: date,
) -> Survey:
    opens_at = datetime.combine(demo.opens_on, time(8), tzinfo=UTC)
    closes_at = (
        opens_at + timedelta(days=FIELDWORK_DAYS)
        if demo.closed
        else datetime.combine(today + timedelta(days=FIELDWORK_DAYS), time(16), tzinfo=UTC)
    )
    baseline = existing.get(demo.baseline_of) if demo.baseline_of else None
    survey = create_survey(
        session,
        {
            "municipality": demo.municipality,
            "instrument": demo.instrument,
            "audience": demo.audience,
            "title": demo.title,
            "titles": dict(demo.titles),
            "period": demo.period,
            "opens_at": opens_at,
            "closes_at": closes_at,
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
    who = Respondents(
        demo.responses, demo.opens_on, levels=demo.levels, perspectives=demo.perspectives
    )
    # Each survey's own draw: the same answers whatever else is loaded, or was before.
    rng = random.Random(f"{seed}:{demo.title}")
    stored = submit_many(session, survey, arrivals(survey, who, rng), secret=secret, min_n=min_n)
    if demo.closed:
        update_survey(
            session,
            survey,
            {"status": "closed"},
            actor=DEMO_ACTOR,
            min_n=min_n,
            published_cells=stored.published_cells,
        )
    return survey
