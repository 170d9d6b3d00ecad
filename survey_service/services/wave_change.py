"""The change between two published figures of one measure (two waves, a baseline and its
follow-up), with its interval.

It reads only figures that have already been published (``scores.survey_scores``), so a
change tells nothing the two figures do not: when either is withheld, so is the change. The
arithmetic is :func:`survey_service.scoring.difference_ci` (Welch), the same as the change
since the baseline in a survey's scores, and equal to it number for number.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from survey_service.scoring import difference_ci
from survey_service.services.score_report import Rules

#: The published report's figure lists and the kind each holds.
KINDS = (("dimensions", "dimension"), ("indices", "index"))

#: Why a change is withheld.
FIGURE_WITHHELD = "figure_withheld"  # one of the two figures is withheld
NO_STANDARD_ERROR = "no_standard_error"  # one of the two figures has no standard error


class _Published(NamedTuple):
    """A published figure as the scoring library reads an estimate."""

    estimate: float
    standard_error: float | None
    degrees_of_freedom: float | None
    n: int
    n_effective: float


def change_between(
    before: Mapping[str, Any], after: Mapping[str, Any], rules: Rules
) -> dict[str, Any]:
    """``after − before`` of two published figures (as ``publish`` shapes them).

    ``distinguishable`` is true when the interval leaves out 0 (the two-sided p-value is
    below ``1 − confidence_level``), as ``significant`` in a survey's scores.
    """
    if before["suppressed"] or after["suppressed"]:
        return _withheld(FIGURE_WITHHELD)
    if before["standard_error"] is None or after["standard_error"] is None:
        return _withheld(NO_STANDARD_ERROR)
    diff = difference_ci(
        _as_estimate(before), _as_estimate(after), confidence_level=rules.confidence_level
    )
    low, high = diff.confidence_interval
    return {
        "suppressed": False,
        "suppression_reason": None,
        "estimate": float(diff.estimate),
        "standard_error": float(diff.standard_error),
        "confidence_interval": {"low": float(low), "high": float(high)},
        "degrees_of_freedom": float(diff.degrees_of_freedom),
        "pvalue": float(diff.pvalue),
        "distinguishable": bool(diff.pvalue < 1 - rules.confidence_level),
    }


def figures_by_key(report: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    """A published report's dimensions and indices by ``(kind, key)``, in its order."""
    return {(kind, f["key"]): f for field, kind in KINDS for f in report[field]}


def _as_estimate(figure: Mapping[str, Any]) -> _Published:
    return _Published(
        figure["estimate"],
        figure["standard_error"],
        figure["degrees_of_freedom"],
        figure["n"],
        figure["n_effective"],
    )


def _withheld(reason: str) -> dict[str, Any]:
    return {
        "suppressed": True,
        "suppression_reason": reason,
        "estimate": None,
        "standard_error": None,
        "confidence_interval": None,
        "degrees_of_freedom": None,
        "pvalue": None,
        "distinguishable": None,
    }
