"""Whether a published figure has reached its target, judged with its interval.

A target ``T`` is reached when the score is at least ``T``, as ``met`` and
``met_with_confidence`` in a survey's scores say (``score_presentation``). The verdict asks in
which of the two regions, ``[T, ∞)`` (reached) and ``(−∞, T)`` (not reached), the whole
closed interval ``[low, high]`` lies:

- ``reached``: ``low >= T`` (exactly ``met_with_confidence``; a lower bound on the target
  counts as reached, as it does there);
- ``not_reached``: ``high < T`` (an upper bound on the target leaves "reached" possible);
- ``not_yet_distinguishable``: the interval straddles the target; an estimate exactly on the
  target always lands here, since an interval is never zero-width;
- ``withheld``: the figure is withheld (too few respondents, or another disclosure rule).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REACHED = "reached"
NOT_REACHED = "not_reached"
NOT_YET_DISTINGUISHABLE = "not_yet_distinguishable"
WITHHELD = "withheld"
VERDICTS = (REACHED, NOT_REACHED, NOT_YET_DISTINGUISHABLE, WITHHELD)


def verdict(target: float, figure: Mapping[str, Any]) -> str:
    """The verdict on ``target`` for a published figure (see the module docstring)."""
    interval = figure["confidence_interval"]
    if figure["suppressed"] or interval is None:
        return WITHHELD
    if interval["low"] >= target:
        return REACHED
    if interval["high"] < target:
        return NOT_REACHED
    return NOT_YET_DISTINGUISHABLE


def distance(target: float, figure: Mapping[str, Any]) -> dict[str, Any] | None:
    """How far the figure is above (positive) or below the target, with the interval
    shifted alike; None when the figure is withheld."""
    interval = figure["confidence_interval"]
    if figure["suppressed"] or interval is None:
        return None
    return {
        "estimate": figure["estimate"] - target,
        "confidence_interval": {"low": interval["low"] - target, "high": interval["high"] - target},
    }
