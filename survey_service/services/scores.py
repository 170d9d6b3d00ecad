"""Scoring a survey from its aggregates: estimates with intervals, reliability, staircase,
change since the baseline and targets, with small-cell suppression applied on the way out.

Reading never rescans responses: it merges the survey's striped aggregate rows (a few hundred
at most) and hands sufficient statistics to the pure ``survey_service.scoring`` library. Every
figure passes through :func:`_publish`, the one place where a figure from fewer than
``SURVEY_MIN_N`` respondents is turned into nulls, so no endpoint can forget it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import PREFER_NOT_TO_SAY, Instrument, staircase_attainment
from survey_service.models import ScoreAggregate, Survey
from survey_service.scoring import (
    ConvergenceError,
    MeanResult,
    MeanStats,
    cronbach_alpha_from_moments,
    difference_ci,
    mean_ci_from_stats,
    mean_ci_from_strata_stats,
    rake,
)
from survey_service.services import score_store
from survey_service.services.instrument_catalog import as_instrument

UNKNOWN = "(unknown)"


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


@dataclass(frozen=True)
class Weighting:
    """Per-cell weights (one weight for every respondent of a cell) and post-strata."""

    method: str  # "none", "poststratified" or "raked"
    weights: dict[str, float]
    strata: dict[str, str]
    margins: tuple[str, ...] = ()
    note: str | None = None


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
    weighting: Weighting
    results: dict[str, MeanResult | None]  # measure -> result (None: no data)
    counts: dict[str, int]  # measure -> respondents with a score
    alpha: dict[str, dict[str, Any]]
    change: dict[str, dict[str, Any]]
    baseline_meta: dict[str, Any] | None = None


def _raw_scores(session: Session, survey: Survey, rules: Rules) -> _Report:
    instrument = as_instrument(survey.instrument_version)
    rows = session.scalars(select(ScoreAggregate).where(ScoreAggregate.survey_id == survey.id))
    cells = score_store.merged_by_cell(rows)
    cells = {cell: value for cell, value in cells.items() if value[0] > 0}
    n = sum(count for count, _ in cells.values())
    weighting = _weighting(cells, survey.population_margins or {})

    measures: set[str] = set()
    for _count, stats in cells.values():
        measures.update(key for key, triple in stats.get("m", {}).items() if triple[0] > 0)
    results: dict[str, MeanResult | None] = {}
    counts: dict[str, int] = {}
    for measure in measures:
        strata: dict[str, MeanStats] = defaultdict(MeanStats)
        for cell, (_count, stats) in cells.items():
            triple = stats.get("m", {}).get(measure)
            if not triple or triple[0] <= 0:
                continue
            strata[weighting.strata[cell]] += _weighted(triple, weighting.weights[cell])
        total = sum(strata.values(), MeanStats())
        counts[measure] = total.n
        results[measure] = _estimate(strata, total, weighting, survey, rules)
    alpha = {
        rule.dimension: _alpha(cells, rule.dimension, len(rule.item_ids), rules)
        for rule in instrument.scoring.dimensions
        if rule.method == "mean" and len(rule.item_ids) >= 2
    }
    return _Report(instrument, n, weighting, results, counts, alpha, {})


def _weighted(triple: list[float], weight: float) -> MeanStats:
    """MeanStats of a cell's respondents who all carry the same weight."""
    count, sum_y, sum_y2 = triple
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
    total: MeanStats,
    weighting: Weighting,
    survey: Survey,
    rules: Rules,
) -> MeanResult | None:
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


def _weighting(cells: Mapping[str, tuple[int, Any]], margins: Mapping[str, Any]) -> Weighting:
    """Post-stratify on one margin, rake on several; ``none`` without margins.

    A margin is one attribute (``gender``) or a joint one (``age_band+gender``, as SSB
    publishes age by sex), whose categories join the codes (``30_44+female``).

    Respondents who did not give a margin's attribute (or preferred not to) form an
    "unknown" category whose population share is taken to be its share of the sample, so
    they carry the average weight and the known categories share the rest.
    """
    names = [name for name, counts in margins.items() if counts]
    if not names or not cells:
        return Weighting("none", {cell: 1.0 for cell in cells}, {cell: "" for cell in cells})
    units = list(cells)
    sizes = np.array([float(cells[cell][0]) for cell in units])
    n = float(sizes.sum())
    labels: dict[str, list[str]] = {}
    counts: dict[str, dict[str, float]] = {}
    total_population = None
    for name in names:
        population = {str(k): float(v) for k, v in margins[name].items() if float(v) > 0}
        values = []
        for cell in units:
            attributes = score_store.parse_cell(cell)
            # A joint margin ("age_band+gender") has joint categories ("30_44+female").
            parts = [attributes.get(part, "") for part in name.split("+")]
            value = "+".join(parts) if all(parts) else None
            values.append(value if value in population else UNKNOWN)
        present = {v for v in values}
        # Categories nobody in the sample belongs to cannot be weighted up from nothing:
        # fold their population into the others proportionally (collapsing is the standard
        # remedy), and say so.
        population = {k: v for k, v in population.items() if k in present}
        if not population:
            return Weighting(
                "none",
                {cell: 1.0 for cell in cells},
                {cell: "" for cell in cells},
                note=f"no respondent gave a {name} that the margins know; not weighted",
            )
        pop_total = float(sum(float(v) for v in margins[name].values()))
        total_population = total_population or pop_total
        unknown_share = sum(s for s, v in zip(sizes, values, strict=True) if v == UNKNOWN) / n
        known_sum = sum(population.values())
        scaled = {
            k: v / known_sum * total_population * (1.0 - unknown_share)
            for k, v in population.items()
        }
        if unknown_share > 0:
            scaled[UNKNOWN] = total_population * unknown_share
        labels[name] = values
        counts[name] = scaled
    strata = {cell: "|".join(labels[name][i] for name in names) for i, cell in enumerate(units)}
    if len(names) == 1:
        name = names[0]
        size_by: dict[str, float] = defaultdict(float)
        for size, value in zip(sizes, labels[name], strict=True):
            size_by[value] += size
        weights = {
            cell: counts[name][labels[name][i]] / size_by[labels[name][i]]
            for i, cell in enumerate(units)
        }
        return Weighting("poststratified", weights, strata, tuple(names))
    try:
        raked = rake(
            {name: np.array(labels[name], dtype=object) for name in names},
            counts,
            weights=sizes,
            max_iter=200,
            tol=1e-8,
        )
    except ConvergenceError:
        return Weighting(
            "none",
            {cell: 1.0 for cell in cells},
            {cell: "" for cell in cells},
            note="raking over the margins did not converge; not weighted",
        )
    weights = {cell: float(raked[i] / sizes[i]) for i, cell in enumerate(units)}
    return Weighting("raked", weights, strata, tuple(names))


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
    report.baseline_meta = {"survey": survey.id, "period": survey.period, "n": baseline.n}
    for measure, current in report.results.items():
        before = baseline.results.get(measure)
        if current is None or before is None:
            continue
        if min(report.counts[measure], baseline.counts.get(measure, 0)) < rules.min_n:
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


def _publish(result: MeanResult | None, n: int, rules: Rules) -> dict[str, Any]:
    """The one place a figure becomes public: nulls below ``min_n``, a flag when imprecise."""
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
        "imprecise": None,
    }
    if result is None or n < rules.min_n:
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
        published = _publish(report.results.get(measure), report.counts.get(measure, 0), rules)
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
        "reliability": "Cronbach's alpha with Feldt's interval (complete cases)",
        "suppression": f"figures from fewer than {rules.min_n} respondents are withheld",
        "precision_flag": f"'imprecise' when the interval's half-width exceeds "
        f"{rules.max_half_width:g} points",
        "unknown_category": f"respondents without a margin's attribute (or {PREFER_NOT_TO_SAY}) "
        "are weighted as the sample average",
    }
