"""The fieldwork monitor: how a survey's data collection is going, for its owner.

Live counts are rounded down to a multiple of ``min_n``: an exact count read every few
minutes would tell an adversary the moment one more person answered, and so when to look.
The precision is that of the published snapshot, the figures a reader can actually see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_service.models import FormCounter, Response, Survey
from survey_service.services import invitations, snapshots
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.scores import Rules, survey_scores
from survey_service.services.surveys import accepting_responses


def main_measure(survey: Survey) -> str:
    """The measure a survey is mostly read by: its first index, else its first dimension."""
    instrument = as_instrument(survey.instrument_version)
    if instrument.scoring.indices:
        return f"idx:{instrument.scoring.indices[0].key}"
    return f"dim:{instrument.dimension_keys[0]}"


def at_least(count: int, step: int) -> int:
    """``count`` rounded down to a multiple of ``step``."""
    return count // step * step


def fieldwork(session: Session, survey: Survey, *, rules: Rules) -> dict[str, Any]:
    """The monitor's report; ``rules`` are those of the published scores (95 % intervals)."""
    min_n = rules.min_n
    responses = (
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )
    opened = (
        session.scalar(
            select(func.coalesce(func.sum(FormCounter.opened), 0)).where(
                FormCounter.survey_id == survey.id
            )
        )
        or 0
    )
    per_day = session.execute(
        select(Response.submitted_on, func.count())
        .where(Response.survey_id == survey.id)
        .group_by(Response.submitted_on)
        .order_by(Response.submitted_on)
    ).all()
    created, used = invitations.used_count(session, survey)
    shown = at_least(responses, min_n)
    # "Started" counts openings of the HTML form; a response sent through the JSON API
    # never opened it, so it counts as started too, and the rate cannot exceed 1.
    started = at_least(max(opened, responses), min_n)
    published = snapshots.published(session, survey.id)
    snapshot = published.snapshot
    return {
        "survey": survey.id,
        "status": survey.status,
        "accepting_responses": accepting_responses(survey),
        "counts_rounded_down_to": min_n,
        "responses": shown,
        "started": started,
        "completion_rate": (shown / started) if started else None,
        "population_size": survey.population_size,
        "response_rate": (shown / survey.population_size) if survey.population_size else None,
        "invitations": {"created": created, "used": at_least(used, min_n)},
        "responses_per_day": [
            {"date": day.isoformat(), "responses": at_least(count, min_n)} for day, count in per_day
        ],
        "published": None
        if snapshot is None
        else {
            "n": published.n if published.n >= min_n else None,
            "taken_on": snapshot.taken_on.isoformat(),
            "snapshot": snapshot.seq,
        },
        "precision_now": _precision(session, survey, rules),
    }


def _precision(session: Session, survey: Survey, rules: Rules) -> dict[str, Any]:
    """How wide the main index's interval is, as published: the figure a reader sees, with
    its weighting and suppression (an unweighted figure of its own would tell more)."""
    measure = main_measure(survey)
    prefix, key = measure.split(":", 1)
    report = survey_scores(session, survey, rules)
    figures = report["indices"] if prefix == "idx" else report["dimensions"]
    figure = next(f for f in figures if f["key"] == key)
    result: dict[str, Any] = {"measure": key, "n": figure["n"]}
    interval = figure["confidence_interval"]
    if figure["suppressed"] or interval is None:
        return {**result, "suppressed": True, "half_width": None}
    return {**result, "suppressed": False, "half_width": (interval["high"] - interval["low"]) / 2}
