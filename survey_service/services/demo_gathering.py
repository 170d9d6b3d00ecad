"""Demo data: the network's gathering, evaluated with one survey the network runs.

*Saman om ein betre kommune* gathered its participating municipalities; every participant
rolled the dice (``samlingsevaluering``) on one survey the network runs, saying which
municipality they come from. Most municipalities sent one to four people and a few sent a
delegation, so each municipality sees its own part only where enough of its people answered
(``survey_parts``): the small ones see theirs withheld, as a real gathering would leave it.
Deterministic with a seed; the responses are stored through the batch path
(``batch_submission``), which stores and publishes them as one-by-one submission does.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import DONT_KNOW
from survey_service.models import Municipality, Survey
from survey_service.services import organisers
from survey_service.services.batch_submission import Arrival, submit_many
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.surveys import create_survey, update_survey

TITLE = "Nettverkssamlinga 2015: korleis var samlinga?"
TITLES = {
    "nb": "Nettverkssamlingen 2015: hvordan var samlingen?",
    "nn": TITLE,
    "en": "The network gathering 2015: how was it?",
}
#: How many municipalities took part in the programme.
PARTICIPANTS = 110
#: People a municipality sent: most a few, some a delegation.
DELEGATIONS = (1, 1, 2, 2, 2, 3, 3, 4, 4, 6, 8, 12)
#: Take-home messages some write in the free-text question.
TAKE_HOME = (
    "Vi må involvere dei tillitsvalde tidlegare.",
    "Omdømet byrjar med korleis vi snakkar om kommunen internt.",
    "Godt å høyre korleis andre kommunar gjer det.",
    "Meir tid til erfaringsutveksling neste gong.",
)


def load_gathering(
    session: Session,
    *,
    seed: int = 2015,
    min_n: int = 5,
    participants: Sequence[str] | None = None,
    today: date | None = None,
    actor: str = "demo",
) -> Survey:
    """The gathering's evaluation: created, answered and closed once (again: the same
    survey, nothing added). ``participants``: the municipalities taking part (default: a
    varied set of :data:`PARTICIPANTS` drawn with ``seed``)."""
    found = session.scalar(select(Survey).where(Survey.title == TITLE))
    if found is not None:
        return found
    rng = random.Random(seed)
    numbers = list(participants or _drawn(session, rng))
    day = today or datetime.now(UTC).date()
    survey = create_survey(
        session,
        {
            "organiser": {"kind": "network"},
            "participants": numbers,
            "instrument": "samlingsevaluering",
            "audience": "mixed",
            "title": TITLE,
            "titles": dict(TITLES),
            "period": "2015",
            "default_language": "nn",
        },
        actor=actor,
    )
    update_survey(session, survey, {"status": "open"}, actor=actor, min_n=min_n)
    # Each municipality's own mood on the day, around a good gathering (4.6 of 6); everyone
    # answers at the end of the gathering, in no order.
    people = [
        (number, mood)
        for number in numbers
        for mood in [rng.gauss(0.72, 0.1)] * rng.choice(DELEGATIONS)
    ]
    rng.shuffle(people)
    answered = [_answer(survey, number, mood, rng, day) for number, mood in people]
    stored = submit_many(session, survey, answered, secret="demo", min_n=min_n)
    update_survey(
        session,
        survey,
        {"status": "closed"},
        actor=actor,
        min_n=min_n,
        published_cells=stored.published_cells,
    )
    session.flush()
    return survey


def _drawn(session: Session, rng: random.Random) -> list[str]:
    """A varied set of municipalities: every county, large and small."""
    places = session.execute(
        select(Municipality.number, Municipality.county_number).order_by(Municipality.number)
    ).all()
    by_county: dict[str, list[str]] = {}
    for number, county in places:
        by_county.setdefault(county, []).append(number)
    chosen = {rng.choice(numbers) for numbers in by_county.values()}
    rest = sorted({number for number, _ in places} - chosen)
    chosen.update(rng.sample(rest, max(0, min(PARTICIPANTS - len(chosen), len(rest)))))
    return sorted(chosen)


def _answer(
    survey: Survey, municipality: str, mood: float, rng: random.Random, day: date
) -> Arrival:
    instrument = as_instrument(survey.instrument_version)
    answers: dict[str, object] = {}
    for item in instrument.items_for(survey.audience):
        if item.type == "text":
            if rng.random() < 0.3:
                answers[item.link_id] = rng.choice(TAKE_HOME)
        elif item.scale is not None:
            if item.dont_know and rng.random() < 0.03:
                answers[item.link_id] = DONT_KNOW
                continue
            low, high = item.scale
            position = min(max(rng.gauss(mood, 0.15), 0.0), 1.0)
            answers[item.link_id] = int(round(low + (high - low) * position))
    payload = {
        "submission_id": str(uuid.UUID(int=rng.getrandbits(128))),
        "answers": answers,
        "respondent": {organisers.ATTRIBUTE: municipality},
        "language": rng.choices(["nn", "nb", "en"], weights=[5, 4, 1])[0],
    }
    return Arrival(payload, day - timedelta(days=1))
