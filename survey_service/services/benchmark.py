"""Every survey's scores for one instrument, with a benchmark across them (see ``METHOD``).

The statistics are :func:`survey_service.scoring.mean_of_estimates`; this module decides which
surveys and which of their figures enter the benchmark.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from survey_service.models import InstrumentRecord, InstrumentVersion, Municipality, Survey
from survey_service.scoring import mean_of_estimates
from survey_service.services.scores import Rules, survey_scores

# Served with every benchmark as its `method`.
METHOD = """\
The benchmark is the *average municipality*: the unweighted mean of the surveys' published
estimates, so Oslo and Utsira count alike. Its standard error treats the surveys as fixed and
independent, ``sqrt(Σ SE_i²) / k``, with Welch–Satterthwaite degrees of freedom. Only
published (unsuppressed) figures enter it, and it needs at least three of them.
"""
MIN_SURVEYS = 3


def select_surveys(
    instrument: str,
    *,
    municipality: str | None = None,
    county: str | None = None,
    period: str | None = None,
    audience: str | None = None,
) -> Select[Survey]:
    """The surveys of ``instrument`` that have left draft, in order of id, narrowed by each
    filter given (a kommunenummer, a county number, a period, an audience)."""
    statement = (
        select(Survey)
        .join(InstrumentVersion)
        .join(InstrumentRecord)
        .where(InstrumentRecord.key == instrument, Survey.status != "draft")
        .order_by(Survey.id)
    )
    if municipality is not None:
        statement = statement.where(Survey.municipality_number == municipality)
    if county is not None:
        statement = statement.join(Municipality).where(Municipality.county_number == county)
    if period is not None:
        statement = statement.where(Survey.period == period)
    if audience is not None:
        statement = statement.where(Survey.audience == audience)
    return statement


def all_scores(
    session: Session,
    rules: Rules,
    *,
    instrument: str,
    municipality: str | None = None,
    county: str | None = None,
    period: str | None = None,
    audience: str | None = None,
) -> dict[str, Any]:
    """The headline scores of the surveys :func:`select_surveys` picks, and their benchmark."""
    statement = select_surveys(
        instrument, municipality=municipality, county=county, period=period, audience=audience
    )
    reports = [survey_scores(session, survey, rules) for survey in session.scalars(statement)]
    return {
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "surveys": [_headline(report) for report in reports],
        "benchmark": _benchmark(reports, rules),
    }


def _headline(report: dict[str, Any]) -> dict[str, Any]:
    """A survey's scores without the item level: what a dashboard lists."""
    keep = (
        "survey",
        "municipality",
        "instrument",
        "instrument_version",
        "audience",
        "period",
        "n",
        "suppressed",
        "response_rate",
        "dimensions",
        "indices",
        "staircase",
    )
    return {key: report[key] for key in keep}


def _benchmark(reports: Sequence[dict[str, Any]], rules: Rules) -> dict[str, Any]:
    figures: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for report in reports:
        for kind in ("dimensions", "indices"):
            for figure in report[kind]:
                figures.setdefault((kind, figure["key"]), []).append(figure)
    out: dict[str, Any] = {"dimensions": [], "indices": [], "method": METHOD}
    for (kind, key), entries in figures.items():
        out[kind].append({"key": key, **_average(entries, rules)})
    return out


class _Published(NamedTuple):
    """A published figure as the scoring library reads an estimate."""

    estimate: float
    standard_error: float | None
    degrees_of_freedom: float | None
    n: int
    n_effective: float


def _average(entries: Sequence[dict[str, Any]], rules: Rules) -> dict[str, Any]:
    published = [
        _Published(
            e["estimate"], e["standard_error"], e["degrees_of_freedom"], e["n"], e["n_effective"]
        )
        for e in entries
        if not e["suppressed"] and e["standard_error"] is not None
    ]
    k = len(published)
    if k < MIN_SURVEYS:
        return {
            "estimate": None,
            "standard_error": None,
            "confidence_interval": None,
            "surveys": k,
            "suppressed": True,
        }
    result = mean_of_estimates(published, confidence_level=rules.confidence_level)
    low, high = result.confidence_interval
    return {
        "estimate": result.estimate,
        "standard_error": result.standard_error,
        "confidence_interval": {"low": low, "high": high},
        "degrees_of_freedom": result.degrees_of_freedom,
        "surveys": k,
        "suppressed": False,
    }
