"""One participating municipality's part of an organiser's survey: the scores of the
respondents who said they come from it.

A part is the municipality's group in the survey's breakdown by ``municipality``
(``breakdowns``): shown once the survey has stopped collecting, from the state its
breakdowns are published from, and withheld with every figure when the group is small or
uniform, or when showing it would let a withheld part be computed (the total minus the
parts shown, another breakdown, the totals read during fieldwork): complementary
suppression decides every municipality's part together, so what one municipality sees of
its own, with the total and the other parts anyone may see, recovers no withheld part.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from survey_service.models import Municipality, Survey
from survey_service.services import organisers
from survey_service.services.breakdowns import survey_breakdown
from survey_service.services.score_report import Rules

__all__ = ["municipality_part"]


def municipality_part(
    session: Session, survey: Survey, municipality: str, rules: Rules
) -> dict[str, Any]:
    """``municipality``'s part of the organiser's ``survey`` (one it takes part in); in the
    caller's transaction, which the first read after collection stopped writes to."""
    breakdown = survey_breakdown(session, survey, organisers.ATTRIBUTE, rules)
    group = next(g for g in breakdown["groups"] if g["group"] == municipality)
    place = session.get(Municipality, municipality)
    return {
        "survey": survey.id,
        "title": survey.title,
        "organiser": organisers.organiser_of(survey),
        "municipality": municipality,
        "municipality_name": place.name if place is not None else municipality,
        "instrument": breakdown["instrument"],
        "instrument_version": breakdown["instrument_version"],
        "audience": survey.audience,
        "period": survey.period,
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "withheld": breakdown["withheld"],
        "snapshot": breakdown["snapshot"],
        "n": group["n"],
        "suppressed": group["suppressed"],
        "suppression_reason": group["suppression_reason"],
        "dimensions": group["dimensions"],
        "indices": group["indices"],
        "method": {
            **breakdown["method"],
            "part": "the respondents who said they come from the municipality: its group of "
            "the survey's breakdown by municipality, decided with every other municipality's",
        },
    }
