"""Every survey's scores for one instrument, each figure with its benchmarks and a
model-based estimate beside it (see ``METHOD``).

The filters choose the rows shown; what a row is compared with depends only on the
instrument, the audience and the period (its *pool*, ``benchmark_pools``), so a benchmark
never changes with the filters, the page or the caller. Only published figures enter a pool.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from survey_service.models import InstrumentRecord, InstrumentVersion, Municipality, Survey
from survey_service.services import headline_scores, survey_rows
from survey_service.services.benchmark_pools import (
    GROUPS,
    KINDS,
    MIN_MODEL,
    MIN_MUNICIPALITIES,
    MIN_PER_CLASS,
    Pool,
    choose_members,
    published,
)
from survey_service.services.comparison_groups import NATIONAL_TITLE, VERDICT_TEXT, Place
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_report import Rules
from survey_service.services.survey_rows import SurveyRow

# Served with every answer as its `method` (a constant, so `python -OO` serves it too).
METHOD = {
    "pool": "A figure is compared with the other municipalities that ran the same instrument "
    "for the same audience in the same period, one survey per municipality: of two or more, "
    "the one with the most respondents in its published snapshot (the newer on a tie; "
    "`in_benchmark` marks it). The pool depends only on instrument, audience and period: "
    "the filters, the page and the caller choose which rows are shown, never what they are "
    "compared with. Only published figures enter it; a withheld figure gets no benchmark "
    "and no model-based estimate, and enters nobody's.",
    "benchmarks": "national (every municipality of the pool), county and size class (by "
    "population: under 5,000; 5,000-19,999; 20,000-99,999; 100,000 and over), each the mean "
    "over the other municipalities of their published estimates, leaving the compared "
    "municipality out; `pooling=municipalities` counts each municipality once, "
    "`pooling=population` by its share of the population. Standard error sqrt(sum c_i^2 "
    f"SE_i^2); t interval with Welch-Satterthwaite degrees of freedom; at least "
    f"{MIN_MUNICIPALITIES} other municipalities with a published figure.",
    "difference": "the municipality's estimate minus the benchmark of the others; the two "
    "are independent, so its standard error is sqrt(SE^2 + SE_benchmark^2), with a t "
    "interval on Welch-Satterthwaite degrees of freedom. The interval covers the sampling "
    "error of the municipalities' estimates; the municipalities are treated as fixed (the "
    "benchmark describes those that took part, not a wider population of municipalities).",
    "verdict": "clearly_above when the difference's interval lies above 0, clearly_below "
    "when it lies below 0, else not_distinguishable",
    "model_based": "model-based, not a direct estimate: the Fay-Herriot empirical best "
    "linear unbiased predictor (EBLUP), gamma x direct + (1 - gamma) x the regression on "
    "size-class indicators (or on an intercept alone, `borrows_from: all`, unless every "
    f"size class present has {MIN_PER_CLASS} municipalities), fitted by REML over the "
    "pool's published figures with their squared standard errors as sampling variances; "
    "gamma = sigma2_u / (sigma2_u + SE^2) is `share_own_data`; `rmse` is the square root "
    "of the Prasad-Rao / Datta-Lahiri MSE (g1 + g2 + 2 g3), and the interval is estimate "
    f"+- z x rmse within the scale. Needs {MIN_MODEL} municipalities with a published "
    "figure. For ranking many municipalities: the noisiest do not top and tail the list.",
}


@dataclass(frozen=True)
class Selection:
    """Which rows to show: filters, the caller's scope and the page."""

    instrument: str
    municipality: str | None = None
    county: str | None = None
    period: str | None = None
    audience: str | None = None
    scope: str | None = None  # a municipality key sees its own municipality's rows only
    page: int = 1
    page_size: int = 100


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
    return _narrowed(
        select(Survey),
        instrument,
        municipality=municipality,
        county=county,
        period=period,
        audience=audience,
    )


def _narrowed(
    statement: Select[Any],
    instrument: str,
    *,
    municipality: str | None = None,
    county: str | None = None,
    period: str | None = None,
    audience: str | None = None,
    municipality_joined: bool = False,
) -> Select[Any]:
    """``select_surveys``' joins and filters on ``statement`` (a select from ``Survey``;
    ``municipality_joined``: it has joined ``Municipality`` already)."""
    statement = (
        statement.join(InstrumentVersion)
        .join(InstrumentRecord)
        .where(
            InstrumentRecord.key == instrument,
            Survey.status != "draft",
            # An organiser's survey is no municipality's figure: not ranked, not compared.
            Survey.municipality_number.is_not(None),
        )
        .order_by(Survey.id)
    )
    if municipality is not None:
        statement = statement.where(Survey.municipality_number == municipality)
    if county is not None:
        if not municipality_joined:
            statement = statement.join(Municipality)
        statement = statement.where(Municipality.county_number == county)
    if period is not None:
        statement = statement.where(Survey.period == period)
    if audience is not None:
        statement = statement.where(Survey.audience == audience)
    return statement


def all_scores(
    session: Session, rules: Rules, selection: Selection, *, pooling: str = "municipalities"
) -> dict[str, Any]:
    """One page of the surveys ``selection`` picks, each figure with its benchmarks and
    model-based estimate, and the benchmarks of the pools they belong to."""
    filters = {
        "municipality": selection.municipality,
        "county": selection.county,
        "period": selection.period,
        "audience": selection.audience,
    }
    statement = select_surveys(selection.instrument, **filters)
    if selection.scope is not None:
        statement = statement.where(Survey.municipality_number == selection.scope)
    total = session.scalar(select(func.count()).select_from(statement.subquery())) or 0
    # The page's surveys as rows of their few columns (survey_rows), not ORM objects.
    columns = _narrowed(
        survey_rows.with_columns(select(Survey)),
        selection.instrument,
        **filters,
        municipality_joined=True,
    )
    if selection.scope is not None:
        columns = columns.where(Survey.municipality_number == selection.scope)
    page = survey_rows.survey_rows(
        session,
        columns.offset((selection.page - 1) * selection.page_size).limit(selection.page_size),
    )
    with _no_cyclic_collection():
        rows, pools = compare_rows(session, rules, page, pooling=pooling)
    return {
        "instrument": selection.instrument,
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "pooling": pooling,
        "pagination": {
            "page": selection.page,
            "page_size": selection.page_size,
            "total": total,
            "total_pages": math.ceil(total / selection.page_size),
        },
        "method": METHOD,
        "verdicts": VERDICT_TEXT,
        "surveys": rows,
        "benchmarks": [
            _pool_summary(pool, [r for r in page if _key(r) == key]) for key, pool in pools.items()
        ],
    }


def compare_surveys(
    session: Session, rules: Rules, surveys: Sequence[Survey], *, pooling: str = "municipalities"
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], Pool]]:
    """The headline rows of ``surveys`` (surveys of one instrument), each figure with its
    ``benchmarks`` and ``model_based`` estimate; and the pools they were compared in, by
    (audience, period). Other endpoints may show a survey's benchmarks with this."""
    if not surveys:
        return [], {}
    # Read again as rows in one query: their municipalities and versions may not be loaded.
    ids = [survey.id for survey in surveys]
    statement = survey_rows.with_columns(select(Survey)).where(Survey.id.in_(ids))
    found = {row.id: row for row in survey_rows.survey_rows(session, statement)}
    return compare_rows(session, rules, [found[i] for i in ids], pooling=pooling)


def compare_rows(
    session: Session,
    rules: Rules,
    surveys: Sequence[SurveyRow],
    *,
    pooling: str = "municipalities",
) -> tuple[list[dict[str, Any]], dict[tuple[str, str], Pool]]:
    """``compare_surveys`` of surveys read as ``survey_rows``."""
    if not surveys:
        return [], {}
    instrument = surveys[0].instrument_version.instrument_id
    keys = sorted({_key(s) for s in surveys})
    pool_surveys = survey_rows.survey_rows(
        session,
        survey_rows.with_columns(select(Survey))
        .join(InstrumentVersion)
        .where(
            InstrumentVersion.instrument_id == instrument,
            Survey.status != "draft",
            Survey.municipality_number.is_not(None),
            or_(*(and_(Survey.audience == a, Survey.period == p) for a, p in keys)),
        )
        .order_by(Survey.id),
    )
    needed = {s.id: s for s in pool_surveys} | {s.id: s for s in surveys}
    baseline_ids = {s.baseline_survey_id for s in surveys if s.baseline_survey_id is not None}
    shown = headline_scores.published_snapshots(session, set(needed) | baseline_ids)
    baselines = {
        s.id: s
        for s in survey_rows.survey_rows(
            session, survey_rows.with_columns(select(Survey)).where(Survey.id.in_(baseline_ids))
        )
    }
    reports = headline_scores.headline_reports(needed, shown, rules)
    rows = {s.id for s in surveys}
    baseline_reports = headline_scores.headline_reports(
        {
            before.id: before
            for s in surveys
            if (before := baselines.get(s.baseline_survey_id or 0)) is not None
        },
        shown,
        rules,
    )
    headlines: dict[int, dict[str, Any]] = {}
    for survey_id, survey in needed.items():
        before = baselines.get(survey.baseline_survey_id or 0)
        baseline = None
        if before is not None and survey_id in rows:
            baseline = (baseline_reports[before.id], before)
        headlines[survey_id] = headline_scores.headline(reports[survey_id], survey, rules, baseline)
    places = {number_of(s): place_of(s) for s in needed.values()}
    pools: dict[tuple[str, str], Pool] = {}
    for audience, period in keys:
        members = choose_members(
            (s for s in pool_surveys if _key(s) == (audience, period)),
            {i: r.n if r.n >= rules.min_n else 0 for i, r in reports.items()},
        )
        pool = Pool.build(
            audience,
            period,
            members,
            headlines,
            places,
            pooling=pooling,
            confidence_level=rules.confidence_level,
        )
        if len(surveys) > 1:
            pool.prepare()
        pools[(audience, period)] = pool
    return [_row(s, headlines[s.id], pools[_key(s)], places) for s in surveys], pools


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Build the answer's hundreds of thousands of small dicts without the cyclic garbage
    collector, which would rescan them over and over as they pile up (measured: 40 % of
    the time for 357 rows). They hold no cycles; reference counting frees them as ever."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def number_of(survey: SurveyRow) -> str:
    """The municipality of a survey compared here: never an organiser's (left out above)."""
    number = survey.municipality_number
    if number is None:
        raise ValueError(f"survey {survey.id} is an organiser's: it has no benchmark")
    return number


def place_of(survey: SurveyRow) -> Place:
    place = survey.place
    if place is None:
        raise ValueError(f"survey {survey.id} is an organiser's: it has no benchmark")
    return place


def _key(survey: SurveyRow) -> tuple[str, str]:
    return (survey.audience, survey.period)


def _row(
    survey: SurveyRow, headline: dict[str, Any], pool: Pool, places: dict[str, Place]
) -> dict[str, Any]:
    place = places[number_of(survey)]
    instrument = as_instrument(survey.instrument_version)
    row = {
        **headline,
        **place.describe(),
        "title": {survey.default_language: survey.title},
        "instrument_title": dict(instrument.title),
        "in_benchmark": pool.members.get(place.number) == survey.id,
    }
    for kind in KINDS:
        for entry in row[kind]:
            own = published(entry)
            entry["benchmarks"] = {
                group: pool.compare(kind, entry["key"], group, place, survey.id, own)
                for group in GROUPS
            }
            entry["model_based"] = pool.model_based(kind, entry["key"], place, survey.id, own)
    return row


def _pool_summary(pool: Pool, rows: Sequence[SurveyRow]) -> dict[str, Any]:
    """A pool's benchmarks (nobody left out) for the groups of the rows shown, and its
    model fits."""
    shown = [pool.places.get(number_of(s)) or place_of(s) for s in rows]

    def figures(group: str, place: Place) -> dict[str, list[dict[str, Any]]]:
        return {
            kind: [
                {"key": key, **pool.whole(kind, key, group, place)} for key in pool.figures[kind]
            ]
            for kind in KINDS
        }

    counties = {p.county_number: p for p in shown}
    classes = {p.size_class.key: (p.size_class, p) for p in shown if p.size_class is not None}
    return {
        "audience": pool.audience,
        "period": pool.period,
        "pooling": pool.pooling,
        "municipalities": len(pool.members),
        "national": {"title": dict(NATIONAL_TITLE), **figures("national", shown[0])},
        "counties": [
            {"county_number": number, "county": place.county, **figures("county", place)}
            for number, place in sorted(counties.items())
        ],
        "size_classes": [
            {"key": key, "title": dict(size.title), **figures("size_class", place)}
            for key, (size, place) in classes.items()
        ],
        "models": {
            kind: [pool.model(kind, key)["summary"] for key in pool.figures[kind]] for kind in KINDS
        },
    }
