"""Disclosure control on the way out: the one place a computed figure becomes public.

A figure is withheld (every number null, ``suppressed: true`` and ``suppression_reason``)
when it comes from fewer than ``min_n`` respondents; from fewer than ``2 × min_n`` who all
gave the same answer (it would tell each of them what the others answered); or from nearly
the same people as a related figure (an item and its dimension, an index and one of its
dimensions), which solved together would give the few in between. Every figure of every
endpoint passes through :func:`publish`, so none can forget it.
"""

from __future__ import annotations

from typing import Any

from survey_service.instruments import Instrument
from survey_service.services.score_report import Report, Rules, plain_float


def withheld(report: Report, measure: str, rules: Rules) -> str | None:
    """Why a figure may not be published, or None: the disclosure rules in one place."""
    n = report.counts.get(measure, 0)
    if report.results.get(measure) is None or n < rules.min_n:
        return "fewer_than_min_n"
    if measure in report.alike and n < 2 * rules.min_n:
        return "all_gave_the_same_answer"
    # A figure over nearly the same people as a related one: an item and its dimension (one
    # person skipped the item), or an index and its dimensions (one person lacks one). Solved
    # together, the two give those few people's scores; the item, or the index, gives way.
    for figure in related(report.instrument, measure):
        other = report.counts.get(figure, 0)
        if other >= rules.min_n and 0 < abs(other - n) < rules.min_n:
            return "nearly_the_same_respondents_as_a_related_figure"
    return None


def related(instrument: Instrument, measure: str) -> list[str]:
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


def withheld_figure(reason: str | None, rules: Rules) -> dict[str, Any]:
    """A figure as published when withheld: every number null, and why."""
    return {
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


def publish(report: Report, measure: str, rules: Rules) -> dict[str, Any]:
    """The one place a figure becomes public: nulls when withheld, a flag when imprecise."""
    result = report.results.get(measure)
    n = report.counts.get(measure, 0)
    reason = withheld(report, measure, rules)
    figure = withheld_figure(reason, rules)
    if reason is not None or result is None:
        return figure
    interval = result.confidence_interval
    half = None if interval is None else (float(interval.high) - float(interval.low)) / 2
    return {
        **figure,
        "estimate": float(result.estimate),
        "standard_error": plain_float(result.standard_error),
        "confidence_interval": None
        if interval is None
        else {"low": float(interval.low), "high": float(interval.high)},
        "n": n,
        "n_effective": float(result.n_effective),
        "design_effect": float(result.design_effect),
        "degrees_of_freedom": plain_float(result.degrees_of_freedom),
        "suppressed": False,
        "imprecise": half is None or half > rules.max_half_width,
    }
