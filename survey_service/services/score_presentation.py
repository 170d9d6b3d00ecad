"""The published score report: figures with their titles and scales, targets, change since
the baseline, the staircase, and the method in words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from survey_service.instruments import PREFER_NOT_TO_SAY, Instrument, Item, staircase_attainment
from survey_service.services import distributions
from survey_service.services.score_disclosure import publish
from survey_service.services.score_report import Report, Rules, SurveyFacts


def present(report: Report, survey: SurveyFacts, rules: Rules) -> dict[str, Any]:
    instrument = report.instrument
    targets = survey.targets or {}

    def figure(prefix: str, key: str, title: Any, scale: tuple[float, float]) -> dict[str, Any]:
        measure = f"{prefix}:{key}"
        published = publish(report, measure, rules)
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
            entry["native"] = _native(item, entry)
            entry["distribution"] = distributions.present(
                report,
                item,
                rules,
                score_withheld=entry["suppression_reason"],
                publish=publish,
            )
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


def _native(item: Item, published: Mapping[str, Any]) -> dict[str, Any]:
    """The item's score on its own scale ("4.6 of 6"): the 0–100 score mapped back to the
    values people chose (a reverse-scored item's scale turned round again)."""
    assert item.scale is not None
    low, high = item.scale

    def back(score: float) -> float:
        share = (100.0 - score if item.reverse else score) / 100.0
        return low + share * (high - low)

    interval = published["confidence_interval"]
    native_interval = None
    if interval is not None:
        ends = sorted((back(interval["low"]), back(interval["high"])))
        native_interval = {"low": ends[0], "high": ends[1]}
    estimate = published["estimate"]
    return {
        "scale": [low, high],
        "estimate": None if estimate is None else back(estimate),
        "confidence_interval": native_interval,
    }


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


BOUNDED_INTERVAL_TEXT = (
    "score interval on the figure's bounded scale: on the scale rescaled to 0-1, the means mu "
    "with (p - mu)^2 <= t(n - 1)^2 [(m - 1) m v + c f mu (1 - mu)] / [(m - 1 + c) m], where p "
    "is the estimate, v its variance, m the effective n (Kish), f = 1 - n/N and "
    "c = 200 / (100 + m); it stays on the scale, is never zero-width, and approaches the t "
    "interval with n - 1 degrees of freedom as n grows (change since the baseline: Welch t)"
)


def _method(report: Report, survey: SurveyFacts, rules: Rules) -> dict[str, Any]:
    weighting = report.weighting
    variance = {
        "none": "srs: s/sqrt(n)",
        "poststratified": "taylor linearisation with post-stratified residuals",
        "raked": "taylor linearisation with residuals from the regression on the raking "
        "margins (calibration variance, as R's survey for a raked design)",
    }[weighting.method]
    return {
        "estimator": "mean of person scores (0-100)"
        if weighting.method == "none"
        else ("weighted mean (ratio estimator) of person scores (0-100)"),
        "variance": variance,
        "interval": BOUNDED_INTERVAL_TEXT,
        "interval_method": "bounded-score",
        "finite_population_correction": survey.population_size is not None,
        "finite_population_correction_note": "left out of a figure whose respondents number "
        "the population size or more (a census has no sampling error, but its answers still "
        "vary: the interval is that of the process behind them, never a point)",
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
        f"once at least {rules.min_n} responses (and one in a hundred of the respondents it "
        "published) have arrived or been withdrawn since the last; "
        f"a group of respondents who answered the same questions moves on only with at least "
        f"{rules.min_n} changes of its own; the snapshot is weighted by the population margins "
        "in force when it was taken. When the survey stops collecting, its final snapshot is "
        "taken from exactly the responses of the last one (every figure current): those that "
        "came after it are never published, and the export releases exactly these rows",
        "precision_flag": f"'imprecise' when the interval's half-width exceeds "
        f"{rules.max_half_width:g} points",
        "unknown_category": f"respondents without a margin's attribute (or {PREFER_NOT_TO_SAY}) "
        "are weighted as the sample average",
    }
