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
from survey_service.scoring import MeanStats, mean_ci_from_stats
from survey_service.services import invitations, score_store
from survey_service.services.instrument_catalog import as_instrument
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
    created, used = invitations.used_count(session, survey)
    shown = at_least(responses, min_n)
    # "Started" counts openings of the HTML form; a response sent through the JSON API
    # never opened it, so it counts as started too, and the rate cannot exceed 1.
    started = at_least(max(opened, responses), min_n)
    snapshot, cells = score_store.published_cells(session, survey.id)
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
            "n": snapshot.n if snapshot.n >= min_n else None,
            "taken_on": snapshot.taken_on.isoformat(),
            "snapshot": snapshot.seq,
        },
        "precision_now": _precision(cells, survey, min_n),
    }


def _precision(cells: score_store.Cells, survey: Survey, min_n: int) -> dict[str, Any]:
    """How wide the main index's 95 % interval is in the published snapshot."""
    measure = main_measure(survey)
    total = MeanStats()
    for _n, stats in cells.values():
        n, sum_y, sum_y2 = stats.get("m", {}).get(measure, (0, 0.0, 0.0))
        if n:
            total = total + MeanStats(
                n=int(n), sum_w=n, sum_wy=sum_y, sum_w2=n, sum_w2y=sum_y, sum_w2y2=sum_y2
            )
    result: dict[str, Any] = {"measure": measure.split(":", 1)[1]}
    if total.n < max(min_n, 2):
        return {**result, "n": None, "suppressed": True, "half_width": None}
    estimate = mean_ci_from_stats(total, population_size=survey.population_size)
    interval = estimate.confidence_interval
    half = None if interval is None else (interval.high - interval.low) / 2
    return {**result, "n": total.n, "suppressed": False, "half_width": half}
