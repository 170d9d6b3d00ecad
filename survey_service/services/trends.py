"""A municipality's trend for one instrument: every wave in time order, each figure with the
change from the audience's previous wave, and the staircase level per wave.

A *wave* is a survey of the instrument in the municipality that has left draft. Waves are
ordered by period, then audience, then creation (id); the *previous wave* of a survey is the
one before it of the same audience. Every figure is the survey's published figure
(``scores.survey_scores``, from its snapshot, through the disclosure rules), and every change
is computed from two published figures only (``wave_change``), so the trend publishes nothing
that the surveys' own scores do not. A withheld figure stays withheld (null, never 0), and a
change involving one is withheld too.

The shape is flat, to plot without reshaping: ``waves`` holds one row per survey, ``points``
one row per survey and figure (``kind`` and ``key`` name the series; ``figures`` gives each
series' titles and scale once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.models import InstrumentRecord, InstrumentVersion, Municipality, Survey
from survey_service.services.access import Principal
from survey_service.services.errors import Forbidden, NotFound
from survey_service.services.score_report import Rules
from survey_service.services.scores import survey_scores
from survey_service.services.wave_change import KINDS, change_between, figures_by_key


def municipality_trends(
    session: Session,
    viewer: Principal,
    *,
    municipality: str,
    instrument: str,
    rules: Rules,
    audience: str | None = None,
) -> dict[str, Any]:
    """Every wave of ``instrument`` in ``municipality`` (see the module docstring).

    Raises NotFound for an unknown municipality or instrument, and Forbidden when a
    municipality key asks for another municipality.
    """
    place = session.get(Municipality, municipality)
    if place is None:
        raise NotFound(f"No municipality with number {municipality!r} (expected e.g. '5001').")
    if not viewer.may_see_municipality(municipality):
        raise Forbidden(
            f"A municipality key may read the trends of its own municipality only "
            f"({viewer.municipality_number}), not of {municipality}."
        )
    _check_instrument(session, instrument)
    reports = [
        survey_scores(session, survey, rules)
        for survey in _waves(session, municipality, instrument, audience)
    ]
    reports.sort(key=lambda r: (r["period"], r["audience"], r["survey"]))
    waves, points = _rows(reports, rules)
    return {
        "municipality": place.number,
        "municipality_name": place.name,
        "instrument": instrument,
        "audience": audience,
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "figures": _legend(reports),
        "waves": waves,
        "points": points,
    }


def _check_instrument(session: Session, key: str) -> None:
    found = session.scalar(select(InstrumentRecord.id).where(InstrumentRecord.key == key))
    if found is None:
        known = session.scalars(select(InstrumentRecord.key).order_by(InstrumentRecord.key))
        raise NotFound(f"No instrument with key {key!r}; the instruments are: {', '.join(known)}.")


def _waves(
    session: Session, municipality: str, instrument: str, audience: str | None
) -> Sequence[Survey]:
    statement = (
        select(Survey)
        .join(InstrumentVersion)
        .join(InstrumentRecord)
        .where(
            InstrumentRecord.key == instrument,
            Survey.municipality_number == municipality,
            Survey.status != "draft",
        )
    )
    if audience is not None:
        statement = statement.where(Survey.audience == audience)
    return session.scalars(statement).all()


def _rows(
    reports: Sequence[Mapping[str, Any]], rules: Rules
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    waves: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    previous: dict[str, Mapping[str, Any]] = {}  # audience -> its latest wave so far
    counted: dict[str, int] = {}
    for report in reports:
        audience = report["audience"]
        before = previous.get(audience)
        counted[audience] = counted.get(audience, 0) + 1
        wave = {
            "survey": report["survey"],
            "wave": counted[audience],
            "period": report["period"],
            "audience": audience,
            "instrument_version": report["instrument_version"],
            "n": report["n"],
            "suppressed": report["suppressed"],
            "previous_survey": None if before is None else before["survey"],
            **_staircase(report["staircase"]),
        }
        waves.append(wave)
        earlier = {} if before is None else figures_by_key(before)
        for (kind, key), figure in figures_by_key(report).items():
            prior = earlier.get((kind, key))
            points.append(_point(wave, kind, key, figure, prior, rules))
        previous[audience] = report
    return waves, points


def _point(
    wave: Mapping[str, Any],
    kind: str,
    key: str,
    figure: Mapping[str, Any],
    prior: Mapping[str, Any] | None,
    rules: Rules,
) -> dict[str, Any]:
    interval = figure["confidence_interval"]
    point = {
        "survey": wave["survey"],
        "wave": wave["wave"],
        "period": wave["period"],
        "audience": wave["audience"],
        "kind": kind,
        "key": key,
        "estimate": figure["estimate"],
        "low": None if interval is None else interval["low"],
        "high": None if interval is None else interval["high"],
        "standard_error": figure["standard_error"],
        "n": figure["n"],
        "suppressed": figure["suppressed"],
        "suppression_reason": figure["suppression_reason"],
        "imprecise": figure["imprecise"],
        # The previous wave of the audience, when it has this figure too.
        "change_from_survey": None if prior is None else wave["previous_survey"],
    }
    change = None if prior is None else change_between(prior, figure, rules)
    change_interval = None if change is None else change["confidence_interval"]
    return {
        **point,
        "change": None if change is None else change["estimate"],
        "change_low": None if change_interval is None else change_interval["low"],
        "change_high": None if change_interval is None else change_interval["high"],
        "change_standard_error": None if change is None else change["standard_error"],
        "change_degrees_of_freedom": None if change is None else change["degrees_of_freedom"],
        "change_pvalue": None if change is None else change["pvalue"],
        "change_distinguishable": None if change is None else change["distinguishable"],
        "change_suppressed": None if change is None else change["suppressed"],
        "change_suppression_reason": None if change is None else change["suppression_reason"],
    }


def _staircase(staircase: Mapping[str, Any] | None) -> dict[str, Any]:
    """The staircase level a wave reached, on the estimates and on the intervals' lower
    bounds; null where it cannot be told: the climb stopped at a withheld step, which may
    or may not have been reached (a level of 0 there would read as a step not reached)."""
    if staircase is None:
        return {
            "staircase_level": None,
            "staircase_step": None,
            "staircase_level_with_confidence": None,
            "staircase_step_with_confidence": None,
        }
    steps = staircase["steps"]
    plain = _known(staircase["level"], [s["reached"] for s in steps])
    sure = _known(staircase["level_with_confidence"], [s["reached_with_confidence"] for s in steps])
    return {
        "staircase_level": staircase["level"] if plain else None,
        "staircase_step": staircase["step"] if plain else None,
        "staircase_level_with_confidence": staircase["level_with_confidence"] if sure else None,
        "staircase_step_with_confidence": staircase["step_with_confidence"] if sure else None,
    }


def _known(level: int, reached: Sequence[bool | None]) -> bool:
    """Whether the climb ended for sure: at the top, or at a step that is not reached."""
    return level == len(reached) or reached[level] is False


def _legend(reports: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each series once, in the instrument's order (the newest version's first)."""
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for report in reversed(reports):
        for field, kind in KINDS:
            for figure in report[field]:
                seen.setdefault(
                    (kind, figure["key"]),
                    {
                        "kind": kind,
                        "key": figure["key"],
                        "title": dict(figure["title"]),
                        "scale": list(figure["scale"]),
                    },
                )
    return list(seen.values())
