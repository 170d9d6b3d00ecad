"""Simulated respondents, answering generically from an instrument.

Every respondent has a latent level per dimension (drawn around the survey's true level for
it, moved by the respondent's role where the survey says how roles see things differently);
items are answered around it (reversed items the other way), some say "don't know" to a
whole theme, and respondent attributes are drawn from the vocabularies.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from survey_service.instruments import (
    DONT_KNOW,
    PREFER_NOT_TO_SAY,
    Instrument,
    allowed_attribute_codes,
    is_enabled,
)
from survey_service.models import Survey
from survey_service.services.batch_submission import Arrival
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.submission import attributes_asked

#: A level no survey sets for a dimension.
DEFAULT_LEVEL = 0.6
#: How often a respondent knows nothing of a dimension's theme (and says so), by audience: a
#: resident may know nothing of how the municipality treats its own staff.
DONT_KNOW_THEMES = {"citizens": {"intern_profilering": 0.4}}
#: How many of each role answer a cooperation survey, relative to each other.
ROLE_WEIGHTS = {
    "politician": 4,
    "union_representative": 3,
    "top_leader": 1,
    "middle_leader": 3,
    "project_leader": 1,
    "employee": 5,
    "safety_representative": 1,
}

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


@dataclass(frozen=True)
class Respondents:
    """Who answers a survey: how many, over which days, and the truth they answer from."""

    count: int
    first_day: date
    #: The true mean position on the 0-1 scale per dimension (others: ``DEFAULT_LEVEL``).
    levels: Mapping[str, float] = field(default_factory=dict)
    #: How a role sees every dimension, as a shift of its level.
    perspectives: Mapping[str, float] = field(default_factory=dict)
    #: The languages answered in, with their weights.
    languages: Mapping[str, int] = field(default_factory=lambda: {"nb": 6, "nn": 3, "en": 1})


def arrivals(survey: Survey, who: Respondents, rng: random.Random) -> Iterator[Arrival]:
    """The survey's responses as they would be sent, in order of arrival."""
    instrument = as_instrument(survey.instrument_version)
    asked = attributes_asked(survey, instrument)
    languages, weights = list(who.languages), list(who.languages.values())
    days = sorted(min(int(rng.expovariate(1 / 4)), 13) for _ in range(who.count))
    for day in days:
        respondent = draw_respondent(instrument, asked, rng)
        language = rng.choices(languages, weights=weights)[0]
        answers = draw_answers(
            instrument,
            survey.audience,
            levels=who.levels,
            shift=who.perspectives.get(respondent.get("role", ""), 0.0),
            respondent=respondent,
            language=language,
            rng=rng,
        )
        payload = {
            "submission_id": str(uuid.UUID(int=rng.getrandbits(128))),
            "answers": answers,
            "respondent": respondent,
            "language": language,
        }
        yield Arrival(payload, who.first_day + timedelta(days=day))


def draw_respondent(
    instrument: Instrument, asked: Mapping[str, Any], rng: random.Random
) -> dict[str, str]:
    """The respondent attributes of someone answering (``asked``: those the survey asks)."""
    out = {}
    for name in asked:
        allowed = allowed_attribute_codes(instrument, name) or ()
        codes = [c for c in allowed if c != PREFER_NOT_TO_SAY]
        if not codes:
            continue
        if rng.random() < 0.05:
            out[name] = PREFER_NOT_TO_SAY
        else:
            out[name] = rng.choices(codes, weights=[ROLE_WEIGHTS.get(c, 1) for c in codes])[0]
    return out


def draw_answers(
    instrument: Instrument,
    audience: str,
    *,
    levels: Mapping[str, float],
    respondent: Mapping[str, str],
    language: str,
    rng: random.Random,
    shift: float = 0.0,
) -> dict[str, Any]:
    """One person's answers, around ``levels`` (per dimension, on the 0-1 scale) moved by
    ``shift``."""
    latent = {
        d: min(max(rng.gauss(levels.get(d, DEFAULT_LEVEL) + shift, 0.15), 0.0), 1.0)
        for d in instrument.dimension_keys
    }
    dimension_of = {
        link: rule.dimension for rule in instrument.scoring.dimensions for link in rule.item_ids
    }
    # People expect a little more than they experience: the quality gap is negative.
    expectations = {
        pair.expectation for rule in instrument.scoring.dimensions for pair in rule.pairs
    }
    # "Don't know" is about a whole theme, not a scattered item here and there.
    rates = DONT_KNOW_THEMES.get(audience, {})
    unknown = {d for d, rate in rates.items() if rng.random() < rate}
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
            if item.dont_know and dimension_of.get(item.link_id) in unknown:
                answers[item.link_id] = DONT_KNOW
                continue
            level = latent.get(dimension_of.get(item.link_id, ""), DEFAULT_LEVEL)
            position = 1 - level if item.reverse else level
            if item.link_id in expectations:
                position = min(position + 0.12, 1.0)
            low, high = item.scale
            value = round(low + (high - low) * min(max(rng.gauss(position, 0.12), 0), 1))
            answers[item.link_id] = int(value)
    return answers
