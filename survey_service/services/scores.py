"""Scoring a survey from its published snapshot: estimates with intervals, reliability,
staircase, change since the baseline and targets, with disclosure control on the way out.

Reading never rescans responses: it merges the cells of the survey's snapshot (a few hundred
at most; ``snapshots`` says when a snapshot advances) and hands sufficient statistics to the
pure ``survey_service.scoring`` library. Every figure passes through :func:`_publish`, the one
place where a figure is withheld (turned into nulls) when it comes from fewer than
``SURVEY_MIN_N`` respondents, or from fewer than ``2 × SURVEY_MIN_N`` who all gave the same
answer (then the figure would tell each of them what the others answered), so no endpoint can
forget it. Weights come from ``calibration``, which never gives a small group a weight of its
own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument
from survey_service.models import Survey
from survey_service.scoring import (
    MeanResult,
    MeanStats,
    cronbach_alpha_from_moments,
    difference_ci,
    mean_ci_from_stats,
    mean_ci_from_strata_stats,
)
from survey_service.services import calibration, distributions, score_store, snapshots
from survey_service.services.calibration import Weighting
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_disclosure import withheld
from survey_service.services.score_presentation import present
from survey_service.services.score_report import Report, Rules, SurveyFacts, plain_float
from survey_service.services.score_store import Aggregate

__all__ = ["ONE_CELL_UNWEIGHTED", "Rules", "survey_scores"]

#: The weighting of each figure of an unweighted survey, whose cells are summed into "" (what
#: ``calibration.weighting`` gives for no margins).
ONE_CELL_UNWEIGHTED = calibration.unweighted([""])


def survey_scores(session: Session, survey: Survey, rules: Rules) -> dict[str, Any]:
    """The survey's published scores (see the module docstring)."""
    report = _raw_scores(session, survey, rules)
    if survey.baseline_survey_id is not None and survey.baseline_survey is not None:
        baseline = _raw_scores(session, survey.baseline_survey, rules)
        _add_change(report, baseline, survey.baseline_survey, rules)
    return present(report, survey, rules)


# --------------------------------------------------------------------------- computing


def _raw_scores(session: Session, survey: Survey, rules: Rules) -> Report:
    instrument = as_instrument(survey.instrument_version)
    shown = snapshots.published(session, survey.id)
    snapshot, n = shown.snapshot, shown.n
    # Each value's count of a scored item, and its share as a figure like the others.
    # The margins the snapshot was taken with: one state is never shown under two weightings.
    margins = snapshot.margins if snapshot is not None else {}
    cells = shown.cells
    if not margins:
        # Unweighted, a figure needs only the sums over all cells: add them up once.
        cells = {"": (n, score_store.summed(stats for _count, stats in cells.values()))}
    counted = distributions.counted(instrument)
    value_counts = distributions.value_counts(cells, counted)
    cells = distributions.with_shares(cells, counted)
    weighting = calibration.weighting(
        {cell: calibration.CellStats(count, values=False) for cell, (count, _) in cells.items()},
        margins,
        min_n=rules.min_n,
    )

    measures: set[str] = set()
    for _count, stats in cells.values():
        measures.update(key for key, moments in stats.measures.items() if moments.n > 0)
    results: dict[str, MeanResult | None] = {}
    counts: dict[str, int] = {}
    alike: set[str] = set()
    for measure in measures:
        per_cell = calibration.figure_cells(cells, measure)
        total = calibration.CellStats(
            sum(c.n for c in per_cell.values()),
            sum(c.sum_y for c in per_cell.values()),
            sum(c.sum_y2 for c in per_cell.values()),
        )
        # (A share is withheld or not with its whole distribution: distributions.present.)
        shared = measure.startswith(f"{distributions.SHARE}:")
        if not shared and calibration.all_alike(total.n, total.sum_y, total.sum_y2):
            alike.add(measure)
        # Each figure is weighted by groups large enough among those who gave it.
        # Without margins the cells were summed into "", which calibration.weighting leaves
        # unweighted: not asked again for each of the survey's figures.
        own = (
            calibration.weighting(per_cell, margins, min_n=rules.min_n)
            if margins
            else ONE_CELL_UNWEIGHTED
        )
        strata: dict[str, MeanStats] = defaultdict(MeanStats)
        for cell, part in per_cell.items():
            strata[own.strata[cell]] += _weighted(part, own.weights[cell])
        counts[measure] = int(round(total.n))
        results[measure] = _estimate(strata, own, survey, rules, _scale(instrument, measure))
    alpha = {
        rule.dimension: _alpha(cells, rule.dimension, len(rule.item_ids), rules)
        for rule in instrument.scoring.dimensions
        if rule.method == "mean" and len(rule.item_ids) >= 2
    }
    published = (
        None
        if snapshot is None
        else {
            "seq": snapshot.seq,
            "taken_on": snapshot.taken_on,
            "final": snapshot.final,
            "n": n if n >= rules.min_n else None,
        }
    )
    return Report(
        instrument,
        n,
        published,
        weighting,
        results,
        counts,
        alike,
        alpha,
        {},
        value_counts=value_counts,
    )


def _weighted(part: calibration.CellStats, weight: float) -> MeanStats:
    """MeanStats of a cell's respondents who all carry the same weight."""
    count, sum_y, sum_y2 = part.n, part.sum_y, part.sum_y2
    return MeanStats(
        n=int(round(count)),
        sum_w=weight * count,
        sum_wy=weight * sum_y,
        sum_w2=weight * weight * count,
        sum_w2y=weight * weight * sum_y,
        sum_w2y2=weight * weight * sum_y2,
        weighted=weight != 1.0,
    )


def _scale(instrument: Instrument, measure: str) -> tuple[float, float]:
    """The bounds of a measure's scores: a dimension's score range, else 0–100."""
    kind, _, key = measure.partition(":")
    if kind == "dim":
        return instrument.scoring.rule(key).score_range
    return (0.0, 100.0)


def _estimate(
    strata: Mapping[str, MeanStats],
    weighting: Weighting,
    survey: SurveyFacts,
    rules: Rules,
    scale: tuple[float, float],
) -> MeanResult | None:
    total = sum(strata.values(), MeanStats())
    if total.n == 0:
        return None
    population = survey.population_size
    if population is not None and population <= total.n:
        # Everyone answered (or the population size is stale): the correction would make the
        # interval a point, as if the answers could not have come out otherwise. The interval
        # is then that of the process behind the answers, without the correction.
        population = None
    if weighting.method == "none":
        return mean_ci_from_stats(
            total,
            population_size=population,
            scale=scale,
            confidence_level=rules.confidence_level,
        )
    return mean_ci_from_strata_stats(
        dict(strata),
        # Raked weights: the variance of the calibration on the margins, not the joint cells.
        raking_margins=weighting.raking_margins() if weighting.method == "raked" else None,
        population_size=population,
        scale=scale,
        confidence_level=rules.confidence_level,
    )


def _alpha(
    cells: Mapping[str, tuple[int, Aggregate]], dimension: str, k: int, rules: Rules
) -> dict[str, Any]:
    n = 0
    sums = np.zeros(k)
    upper = np.zeros(k * (k + 1) // 2)
    for _count, stats in cells.values():
        part = stats.alpha.get(dimension)
        if part is not None:
            n += int(round(part.n))
            sums += np.asarray(part.sums, dtype=float)
            upper += np.asarray(part.products, dtype=float)
    products = np.zeros((k, k))
    index = 0
    for i in range(k):
        for j in range(i, k):
            products[i, j] = products[j, i] = upper[index]
            index += 1
    result: dict[str, Any] = {"n": n, "items": k, "method": "feldt"}
    if n < max(rules.min_n, 2):
        return {**result, "estimate": None, "confidence_interval": None, "note": None}
    try:
        alpha = cronbach_alpha_from_moments(
            n, sums, products, confidence_level=rules.confidence_level
        )
    except ValueError as exc:
        return {**result, "estimate": None, "confidence_interval": None, "note": str(exc)}
    low, high = alpha.confidence_interval
    return {
        **result,
        "estimate": float(alpha.estimate),
        "standard_error": float(alpha.standard_error),
        "confidence_interval": {"low": float(low), "high": float(high)},
        "note": None,
    }


def _add_change(report: Report, baseline: Report, survey: SurveyFacts, rules: Rules) -> None:
    report.baseline_meta = {
        "survey": survey.id,
        "period": survey.period,
        "n": baseline.n if baseline.n >= rules.min_n else None,
    }
    for measure, current in report.results.items():
        before = baseline.results.get(measure)
        if current is None or before is None:
            continue
        if withheld(report, measure, rules) or withheld(baseline, measure, rules):
            report.change[measure] = {"suppressed": True}
            continue
        if current.standard_error is None or before.standard_error is None:
            continue
        diff = difference_ci(before, current, confidence_level=rules.confidence_level)
        low, high = diff.confidence_interval
        report.change[measure] = {
            "suppressed": False,
            "baseline_estimate": float(before.estimate),
            "estimate": float(diff.estimate),
            "standard_error": plain_float(diff.standard_error),
            "confidence_interval": {"low": float(low), "high": float(high)},
            "degrees_of_freedom": plain_float(diff.degrees_of_freedom),
            "pvalue": plain_float(diff.pvalue),
            "significant": bool(diff.pvalue < 1 - rules.confidence_level),
        }
