"""The fieldwork monitor: how a survey's data collection is going, for its owner.

Live counts are rounded down to a multiple of ``min_n``: an exact count read every few
minutes would tell an adversary the moment one more person answered, and so when to look.
The precision is that of the published snapshot, the figures a reader can actually see, and
its projection tells the owner how many responses it takes to reach the precision wanted, so
they know whether to send reminders.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_service.models import FormCounter, Response, Survey
from survey_service.scoring import t_quantile
from survey_service.services import invitations, snapshots
from survey_service.services.collecting import accepting_responses
from survey_service.services.errors import Invalid
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.scores import Rules, survey_scores


def main_measure(survey: Survey) -> str:
    """The measure a survey is mostly read by: its first index, else its first dimension."""
    instrument = as_instrument(survey.instrument_version)
    if instrument.scoring.indices:
        return f"idx:{instrument.scoring.indices[0].key}"
    return f"dim:{instrument.dimension_keys[0]}"


def at_least(count: int, step: int) -> int:
    """``count`` rounded down to a multiple of ``step``."""
    return count // step * step


def fieldwork(
    session: Session,
    survey: Survey,
    *,
    rules: Rules,
    precision_wanted: float,
    target_responses: int | None = None,
) -> dict[str, Any]:
    """The monitor's report; ``rules`` are those of the published scores (95 % intervals).
    The precision is projected to ``target_responses`` (if given) and to the responses it
    takes for a half-width of ``precision_wanted`` points."""
    min_n = rules.min_n
    if target_responses is not None and target_responses > (survey.population_size or math.inf):
        message = f"The target ({target_responses}) is more than the population size."
        raise Invalid(message, {"target_responses": [message]})
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
    # Of an invitation survey, the people asked are those invited, whatever the population.
    asked = created if survey.access == "invitation" else survey.population_size
    precision = _precision(session, survey, rules)
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
        "response_rate": (shown / asked) if asked else None,
        "response_rate_of": "invitations" if survey.access == "invitation" else "population",
        "invitations": {"created": created, "used": at_least(used, min_n)},
        # Only days with a count to show: a day listed with 0 would tell that its first
        # response had come.
        "responses_per_day": [
            {"date": day.isoformat(), "responses": at_least(count, min_n)}
            for day, count in per_day
            if at_least(count, min_n) > 0
        ],
        "published": None
        if snapshot is None
        else {
            "n": published.n if published.n >= min_n else None,
            "taken_on": snapshot.taken_on.isoformat(),
            "snapshot": snapshot.seq,
        },
        "precision_now": precision,
        "precision_projected": _projection(
            precision,
            population_size=survey.population_size,
            confidence_level=rules.confidence_level,
            wanted=precision_wanted,
            target=target_responses,
        ),
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
    return {
        **result,
        "suppressed": False,
        "half_width": (interval["high"] - interval["low"]) / 2,
        "standard_error": figure["standard_error"],
    }


def _projection(
    precision: dict[str, Any],
    *,
    population_size: int | None,
    confidence_level: float,
    wanted: float,
    target: int | None,
) -> dict[str, Any] | None:
    """Where the precision goes with more responses, if the answers keep spreading as they
    do: at ``target`` responses, and the responses it takes for a half-width of ``wanted``.
    None while the published figure is withheld (nothing to project from)."""
    n, standard_error = precision["n"], precision.get("standard_error")
    if precision["suppressed"] or standard_error is None or n is None:
        return None
    spread = standard_error_spread(standard_error, n=n, population_size=population_size)
    if spread is None:
        return None
    half_width = partial(
        projected_half_width,
        spread,
        population_size=population_size,
        confidence_level=confidence_level,
    )
    return {
        "assumes": "the answers keep their spread; the published interval's method aside, "
        "t with n - 1 degrees of freedom and the finite population correction",
        "target_responses": target,
        "half_width_at_target": None if target is None else half_width(target),
        "wanted_half_width": wanted,
        "responses_for_wanted": responses_for(half_width, wanted, start=n, stop=population_size),
    }


def standard_error_spread(
    standard_error: float, *, n: int, population_size: int | None
) -> float | None:
    """The spread per response behind a standard error: ``SE · sqrt(n / (1 - n/N))``; None
    when every member of the population answered (then nothing varies)."""
    fpc = 1.0 if population_size is None else 1 - n / population_size
    if fpc <= 0:
        return None
    return standard_error * math.sqrt(n / fpc)


def projected_half_width(
    spread: float, n: int, *, population_size: int | None, confidence_level: float
) -> float:
    """The half-width at ``n`` responses: ``t(n-1) · spread · sqrt((1 - n/N) / n)``."""
    fpc = 1.0 if population_size is None else max(0.0, 1 - n / population_size)
    quantile = t_quantile(0.5 + confidence_level / 2, n - 1)
    return quantile * spread * math.sqrt(fpc / n)


def responses_for(
    half_width: Callable[[int], float], wanted: float, *, start: int, stop: int | None
) -> int | None:
    """The fewest responses (at least ``start``) whose projected half-width is at most
    ``wanted``, by bisection (the half-width falls as responses grow); None when not even
    ``stop`` (the population, or a million) would do."""
    high = stop or 1_000_000
    low = max(start, 2)
    if half_width(high) > wanted:
        return None
    if half_width(low) <= wanted:
        return low
    while high - low > 1:
        middle = (low + high) // 2
        if half_width(middle) <= wanted:
            high = middle
        else:
            low = middle
    return high
