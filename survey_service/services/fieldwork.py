"""The fieldwork monitor: how a survey's data collection is going, for its owner."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_service.models import FormCounter, Invitation, Response, ScoreAggregate, Survey
from survey_service.scoring import MeanStats, mean_ci_from_stats
from survey_service.services import score_store
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.surveys import accepting_responses


def main_measure(survey: Survey) -> str:
    """The measure a survey is mostly read by: its first index, else its first dimension."""
    instrument = as_instrument(survey.instrument_version)
    if instrument.scoring.indices:
        return f"idx:{instrument.scoring.indices[0].key}"
    return f"dim:{instrument.dimension_keys[0]}"


def fieldwork(session: Session, survey: Survey, *, min_n: int) -> dict[str, Any]:
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
    invitations = session.execute(
        select(func.count(), func.count(Invitation.used_on)).where(
            Invitation.survey_id == survey.id
        )
    ).one()
    # "Started" counts openings of the HTML form; a response sent through the JSON API
    # never opened it, so it counts as started too, and the rate cannot exceed 1.
    started = max(opened, responses)
    return {
        "survey": survey.id,
        "status": survey.status,
        "accepting_responses": accepting_responses(survey),
        "responses": responses,
        "started": started,
        "completion_rate": (responses / started) if started else None,
        "population_size": survey.population_size,
        "response_rate": (responses / survey.population_size) if survey.population_size else None,
        "invitations": {"created": invitations[0], "used": invitations[1]},
        "responses_per_day": [
            {"date": day.isoformat(), "responses": count} for day, count in per_day
        ],
        "precision_now": _precision(session, survey, min_n),
    }


def _precision(session: Session, survey: Survey, min_n: int) -> dict[str, Any]:
    """How wide the main index's 95 % interval is with the responses so far."""
    measure = main_measure(survey)
    rows = session.scalars(select(ScoreAggregate).where(ScoreAggregate.survey_id == survey.id))
    total = MeanStats()
    for _cell, (_n, stats) in score_store.merged_by_cell(rows).items():
        n, sum_y, sum_y2 = stats.get("m", {}).get(measure, (0, 0.0, 0.0))
        if n:
            total = total + MeanStats(
                n=int(n), sum_w=n, sum_wy=sum_y, sum_w2=n, sum_w2y=sum_y, sum_w2y2=sum_y2
            )
    result: dict[str, Any] = {"measure": measure.split(":", 1)[1], "n": total.n}
    if total.n < max(min_n, 2):
        return {**result, "suppressed": True, "half_width": None}
    estimate = mean_ci_from_stats(total, population_size=survey.population_size)
    interval = estimate.confidence_interval
    half = None if interval is None else (interval.high - interval.low) / 2
    return {**result, "suppressed": False, "half_width": half}
