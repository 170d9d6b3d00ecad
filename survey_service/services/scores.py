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
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from survey_service.instruments import PREFER_NOT_TO_SAY, Instrument, staircase_attainment
from survey_service.models import Survey
from survey_service.scoring import (
    MeanResult,
    MeanStats,
    cronbach_alpha_from_moments,
    difference_ci,
    mean_ci_from_stats,
    mean_ci_from_strata_stats,
)
from survey_service.services import calibration, snapshots
from survey_service.services.calibration import Weighting
from survey_service.services.instrument_catalog import as_instrument


@dataclass(frozen=True)
class Rules:
    """What a published figure must satisfy."""

    min_n: int
    confidence_level: float
    max_half_width: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any], confidence_level: float) -> Rules:
        return cls(
            min_n=int(config["SURVEY_MIN_N"]),
            confidence_level=confidence_level,
            max_half_width=float(config["SURVEY_PRECISION_HALF_WIDTH"]),
        )


def survey_scores(session: Session, survey: Survey, rules: Rules) -> dict[str, Any]:
    """The survey's published scores (see the module docstring)."""
    report = _raw_scores(session, survey, rules)
    if survey.baseline_survey_id is not None and survey.baseline_survey is not None:
        baseline = _raw_scores(session, survey.baseline_survey, rules)
        _add_change(report, baseline, survey.baseline_survey, rules)
    return _present(report, survey, rules)


# --------------------------------------------------------------------------- computing


@dataclass
class _Report:
    instrument: Instrument
    n: int
    snapshot: dict[str, Any] | None
    weighting: Weighting
    results: dict[str, MeanResult | None]  # measure -> result (None: no data)
    counts: dict[str, int]  # measure -> respondents with a score
    alike: set[str]  # measures on which every respondent gave the same score
    alpha: dict[str, dict[str, Any]]
    change: dict[str, dict[str, Any]]
    baseline_meta: dict[str, Any] | None = None


def _raw_scores(session: Session, survey: Survey, rules: Rules) -> _Report:
    instrument = as_instrument(survey.instrument_version)
    shown = snapshots.published(session, survey.id)
    snapshot, cells, n = shown.snapshot, shown.cells, shown.n
    # The margins the snapshot was taken with: one state is never shown under two weightings.
    margins = snapshot.margins if snapshot is not None else {}
    weighting = calibration.weighting(
        {cell: calibration.CellStats(count, values=False) for cell, (count, _) in cells.items()},
        margins,
        min_n=rules.min_n,
    )

    measures: set[str] = set()
    for _count, stats in cells.values():
        measures.update(key for key, triple in stats.get("m", {}).items() if triple[0] > 0)
    results: dict[str, MeanResult | None] = {}
    counts: dict[str, int] = {}
    alike: set[str] = set()
    for measure in measures:
        per_cell = {
            cell: calibration.CellStats(*stats["m"][measure])
            for cell, (_count, stats) in cells.items()
            if stats.get("m", {}).get(measure, (0,))[0] > 0
        }
        total = calibration.CellStats(
            sum(c.n for c in per_cell.values()),
            sum(c.sum_y for c in per_cell.values()),
            sum(c.sum_y2 for c in per_cell.values()),
        )
        if calibration.all_alike(total.n, total.sum_y, total.sum_y2):
            alike.add(measure)
        # Each figure is weighted by groups large enough among those who gave it.
        own = calibration.weighting(per_cell, margins, min_n=rules.min_n)
        strata: dict[str, MeanStats] = defaultdict(MeanStats)
        for cell, part in per_cell.items():
            strata[own.strata[cell]] += _weighted(part, own.weights[cell])
        counts[measure] = int(round(total.n))
        results[measure] = _estimate(strata, own, survey, rules)
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
            "n": n if n >= rules.min_n else None,
        }
    )
    return _Report(
        instrument,
        n,
        published,
        weighting,
        results,
        counts,
        alike,
        alpha,
        {},
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


def _estimate(
    strata: Mapping[str, MeanStats],
    weighting: Weighting,
    survey: Survey,
    rules: Rules,
) -> MeanResult | None:
    total = sum(strata.values(), MeanStats())
    if total.n == 0:
        return None
    population = survey.population_size
    if population is not None and population < total.n:
        population = None  # a stale population size must not make the variance negative
    if weighting.method == "none":
        return mean_ci_from_stats(
            total, population_size=population, confidence_level=rules.confidence_level
        )
    return mean_ci_from_strata_stats(
        dict(strata), population_size=population, confidence_level=rules.confidence_level
    )


def _alpha(
    cells: Mapping[str, tuple[int, Any]], dimension: str, k: int, rules: Rules
) -> dict[str, Any]:
    n = 0
    sums = np.zeros(k)
    upper = np.zeros(k * (k + 1) // 2)
    for _count, stats in cells.values():
        part = stats.get("a", {}).get(dimension)
        if part:
            n += int(round(part[0]))
            sums += np.asarray(part[1], dtype=float)
            upper += np.asarray(part[2], dtype=float)
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


def _add_change(report: _Report, baseline: _Report, survey: Survey, rules: Rules) -> None:
    report.baseline_meta = {
        "survey": survey.id,
        "period": survey.period,
        "n": baseline.n if baseline.n >= rules.min_n else None,
    }
    for measure, current in report.results.items():
        before = baseline.results.get(measure)
        if current is None or before is None:
            continue
        if _withheld(report, measure, rules) or _withheld(baseline, measure, rules):
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
            "standard_error": _float(diff.standard_error),
            "confidence_interval": {"low": float(low), "high": float(high)},
            "degrees_of_freedom": _float(diff.degrees_of_freedom),
            "pvalue": _float(diff.pvalue),
            "significant": bool(diff.pvalue < 1 - rules.confidence_level),
        }


# --------------------------------------------------------------------------- publishing


def _withheld(report: _Report, measure: str, rules: Rules) -> str | None:
    """Why a figure may not be published, or None: the disclosure rules in one place."""
    n = report.counts.get(measure, 0)
    if report.results.get(measure) is None or n < rules.min_n:
        return "fewer_than_min_n"
    if measure in report.alike and n < 2 * rules.min_n:
        return "all_gave_the_same_answer"
    # A figure over nearly the same people as a related one: an item and its dimension (one
    # person skipped the item), or an index and its dimensions (one person lacks one). Solved
    # together, the two give those few people's scores; the item, or the index, gives way.
    for related in _related(report.instrument, measure):
        other = report.counts.get(related, 0)
        if other >= rules.min_n and 0 < abs(other - n) < rules.min_n:
            return "nearly_the_same_respondents_as_a_related_figure"
    return None


def _related(instrument: Instrument, measure: str) -> list[str]:
    """The figures whose respondents must not differ from ``measure``'s by a few: an item's
    dimensions, an index's dimensions."""
    prefix, key = measure.split(":", 1)
    if prefix == "item":
        return [
            f"dim:{rule.dimension}"
            for rule in instrument.scoring.dimensions
            if key in rule.item_ids
        ]
    if prefix == "idx":
        index = next(i for i in instrument.scoring.indices if i.key == key)
        return [f"dim:{dimension}" for dimension in index.dimensions]
    return []


def _publish(report: _Report, measure: str, rules: Rules) -> dict[str, Any]:
    """The one place a figure becomes public: nulls when withheld, a flag when imprecise."""
    result = report.results.get(measure)
    n = report.counts.get(measure, 0)
    reason = _withheld(report, measure, rules)
    figure: dict[str, Any] = {
        "estimate": None,
        "standard_error": None,
        "confidence_interval": None,
        "confidence_level": rules.confidence_level,
        "n": None,
        "n_effective": None,
        "design_effect": None,
        "degrees_of_freedom": None,
        "suppressed": True,
        "suppression_reason": reason,
        "imprecise": None,
    }
    if reason is not None or result is None:
        return figure
    interval = result.confidence_interval
    half = None if interval is None else (float(interval.high) - float(interval.low)) / 2
    return {
        **figure,
        "estimate": float(result.estimate),
        "standard_error": _float(result.standard_error),
        "confidence_interval": None
        if interval is None
        else {"low": float(interval.low), "high": float(interval.high)},
        "n": n,
        "n_effective": float(result.n_effective),
        "design_effect": float(result.design_effect),
        "degrees_of_freedom": _float(result.degrees_of_freedom),
        "suppressed": False,
        "imprecise": half is None or half > rules.max_half_width,
    }


def _float(value: float | None) -> float | None:
    """Plain floats for JSON (the library may hand back numpy scalars)."""
    return None if value is None else float(value)


def _present(report: _Report, survey: Survey, rules: Rules) -> dict[str, Any]:
    instrument = report.instrument
    targets = survey.targets or {}

    def figure(prefix: str, key: str, title: Any, scale: tuple[float, float]) -> dict[str, Any]:
        measure = f"{prefix}:{key}"
        published = _publish(report, measure, rules)
        published = {"key": key, "title": dict(title), "scale": list(scale), **published}
        if key in targets:
            published["target"] = _target(float(targets[key]), published)
        if measure in report.change:
            published["change"] = report.change[measure]
        return published

    dimensions = []
    for dimension in instrument.dimensions:
        rule = instrument.scoring.rule(dimension.key)
        entry = figure("dim", dimension.key, dimension.title, rule.score_range)
        entry["method"] = rule.method
        if dimension.key in report.alpha:
            alpha = report.alpha[dimension.key]
            entry["reliability"] = {**alpha, "suppressed": alpha["estimate"] is None}
            if alpha["n"] < rules.min_n:
                entry["reliability"]["n"] = None
        dimensions.append(entry)
    indices = [figure("idx", i.key, i.title, (0.0, 100.0)) for i in instrument.scoring.indices]
    items = []
    for item in instrument.items:
        if item.scale is not None:
            entry = figure("item", item.link_id, item.text, (0.0, 100.0))
            items.append(entry)

    survey_suppressed = report.n < rules.min_n
    response_rate = None
    if survey.population_size and not survey_suppressed:
        response_rate = min(report.n / survey.population_size, 1.0)
    result: dict[str, Any] = {
        "survey": survey.id,
        "municipality": survey.municipality_number,
        "instrument": instrument.key,
        "instrument_version": instrument.version,
        "audience": survey.audience,
        "period": survey.period,
        "n": None if survey_suppressed else report.n,
        "suppressed": survey_suppressed,
        "population_size": survey.population_size,
        "response_rate": response_rate,
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "method": _method(report, survey, rules),
        "dimensions": dimensions,
        "indices": indices,
        "items": items,
        "staircase": _staircase(instrument, dimensions),
        "baseline": report.baseline_meta,
        "snapshot": report.snapshot,
    }
    return result


def _target(target: float, published: Mapping[str, Any]) -> dict[str, Any]:
    if published["suppressed"]:
        return {"value": target, "met": None, "met_with_confidence": None}
    interval = published["confidence_interval"]
    return {
        "value": target,
        "met": published["estimate"] >= target,
        "met_with_confidence": None if interval is None else interval["low"] >= target,
    }


def _staircase(instrument: Instrument, dimensions: list[dict[str, Any]]) -> dict[str, Any] | None:
    staircase = instrument.staircase
    if staircase is None:
        return None
    by_key = {d["key"]: d for d in dimensions}
    estimates = {k: by_key[k]["estimate"] for k in staircase.steps}
    lows = {
        k: None
        if by_key[k]["confidence_interval"] is None
        else by_key[k]["confidence_interval"]["low"]
        for k in staircase.steps
    }
    on_estimates = staircase_attainment(staircase, estimates)
    with_confidence = staircase_attainment(staircase, lows)
    return {
        "threshold": staircase.threshold,
        "level": on_estimates.level,
        "step": on_estimates.step,
        "level_with_confidence": with_confidence.level,
        "step_with_confidence": with_confidence.step,
        "steps": [
            {
                "key": key,
                "reached": on_estimates.reached[key],
                "reached_with_confidence": with_confidence.reached[key],
            }
            for key in staircase.steps
        ],
    }


def _method(report: _Report, survey: Survey, rules: Rules) -> dict[str, Any]:
    weighting = report.weighting
    variance = {
        "none": "srs: s/sqrt(n)",
        "poststratified": "taylor linearisation with post-stratified residuals",
        "raked": "taylor linearisation with residuals within the margins' cross-classification",
    }[weighting.method]
    return {
        "estimator": "mean of person scores (0-100)"
        if weighting.method == "none"
        else ("weighted mean (ratio estimator) of person scores (0-100)"),
        "variance": variance,
        "interval": "t with n - 1 degrees of freedom",
        "finite_population_correction": survey.population_size is not None,
        "weighting": weighting.method,
        "weighting_margins": list(weighting.margins),
        "weighting_note": weighting.note,
        "weighting_pooled": [
            {"margin": margin, "groups": list(groups)} for margin, groups in weighting.pooled
        ],
        "weighting_pooling": f"a weighting group (marginal, or joint when raking) with fewer "
        f"than {rules.min_n} respondents giving the figure, or fewer than {2 * rules.min_n} "
        "who all gave the same answer, is pooled with its margin's smallest other category "
        "and shares one weight",
        "reliability": "Cronbach's alpha with Feldt's interval (complete cases)",
        "suppression": f"withheld: figures from fewer than {rules.min_n} respondents; from "
        f"fewer than {2 * rules.min_n} who all gave the same answer; and items (indices) whose "
        f"respondents differ by 1 to {rules.min_n - 1} from those of their dimension (one of "
        "their dimensions); suppression_reason says which",
        "snapshots": f"figures come from the survey's published snapshot, which advances only "
        f"once at least {rules.min_n} responses have arrived or been withdrawn since the last; "
        f"a group of respondents who answered the same questions moves on only with at least "
        f"{rules.min_n} changes of its own; the snapshot is weighted by the population margins "
        "in force when it was taken",
        "precision_flag": f"'imprecise' when the interval's half-width exceeds "
        f"{rules.max_half_width:g} points",
        "unknown_category": f"respondents without a margin's attribute (or {PREFER_NOT_TO_SAY}) "
        "are weighted as the sample average",
    }
