"""What a chart shows, taken from the survey's published scores and nothing else.

The figures come from :func:`survey_service.services.scores.survey_scores`, the report that
``GET /surveys/{id}/scores`` serves: the published snapshot after disclosure control. A chart
can therefore show no figure the scores do not, and a withheld figure reaches it as withheld.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from survey_service.models import Survey
from survey_service.services import organisers
from survey_service.services.charts.benchmark_source import Benchmark, Reference, benchmark_for
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_report import Rules
from survey_service.services.scores import survey_scores


@dataclass(frozen=True)
class Figure:
    """A dimension or index as a chart draws it; ``withheld`` is the suppression reason."""

    kind: str  # "dimensions" or "indices"
    key: str
    title: str
    scale: tuple[float, float]
    estimate: float | None
    low: float | None
    high: float | None
    n: int | None
    withheld: str | None
    benchmark: Reference | None


@dataclass(frozen=True)
class ChartData:
    survey_id: int
    lang: str
    title: str
    instrument_title: str
    municipality: str
    period: str
    audience: str
    n: int | None
    min_n: int
    confidence_level: float
    figures: tuple[Figure, ...]
    staircase: dict[str, Any] | None
    benchmark: Benchmark

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.kind == "dimensions" and f.key == key)


def chart_data(session: Session, survey: Survey, rules: Rules, *, lang: str) -> ChartData:
    """The published figures of ``survey`` with their benchmark, titled in ``lang``."""
    scores = survey_scores(session, survey, rules)
    benchmark = benchmark_for(session, survey, rules)
    figures = tuple(
        _figure(kind, entry, lang, benchmark)
        for kind in ("dimensions", "indices")
        for entry in scores[kind]
    )
    instrument = as_instrument(survey.instrument_version)
    return ChartData(
        survey_id=survey.id,
        lang=lang,
        title=survey.title,
        instrument_title=instrument.title[lang],
        municipality=organisers.runner_name(survey),
        period=survey.period,
        audience=survey.audience,
        n=scores["n"],
        min_n=rules.min_n,
        confidence_level=rules.confidence_level,
        figures=figures,
        staircase=scores["staircase"],
        benchmark=benchmark,
    )


def _figure(kind: str, entry: dict[str, Any], lang: str, benchmark: Benchmark) -> Figure:
    interval = entry["confidence_interval"]
    withheld = entry["suppressed"] or entry["estimate"] is None
    low, high = entry["scale"]
    return Figure(
        kind=kind,
        key=entry["key"],
        title=entry["title"][lang],
        scale=(float(low), float(high)),
        estimate=None if withheld else float(entry["estimate"]),
        low=None if withheld or interval is None else float(interval["low"]),
        high=None if withheld or interval is None else float(interval["high"]),
        n=None if withheld else entry["n"],
        withheld=(entry["suppression_reason"] or "protect") if withheld else None,
        benchmark=benchmark.figures.get(f"{kind}:{entry['key']}"),
    )
