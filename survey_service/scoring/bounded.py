"""A score interval for the mean of a bounded scale that holds its coverage at small n."""

from __future__ import annotations

import math

from ._results import ConfidenceInterval
from .quantiles import t_quantile

__all__ = ["BOUNDED_INTERVAL", "bounded_interval", "prior_weight"]

BOUNDED_INTERVAL = "bounded-score"

# Pseudo-observations carrying the largest variance the scale allows: two at small n (as
# Agresti and Coull add z²/2 ≈ 2 successes and failures), fading as 2·100/(100 + n) so that
# at n ≥ 200 the interval is within 1 % of its width of the t interval.
PRIOR_WEIGHT = 2.0
PRIOR_FADE = 100.0


def prior_weight(n_effective: float) -> float:
    """``c = 2 · 100 / (100 + n_eff)`` pseudo-observations of the largest variance."""
    return PRIOR_WEIGHT * PRIOR_FADE / (PRIOR_FADE + n_effective)


def bounded_interval(
    *,
    estimate: float,
    variance: float,
    n_effective: float,
    degrees_of_freedom: float,
    scale: tuple[float, float],
    fpc: float,
    confidence_level: float,
) -> ConfidenceInterval:
    """The score interval of a mean on ``scale = (low, high)``; see :func:`mean_ci`'s notes.

    On the unit scale, with ``p̂ = (ȳ − low)/(high − low)``, ``v`` the design variance of
    ``p̂``, ``m`` the effective sample size, ``c`` the prior weight and ``f = 1 − n/N``, the
    interval is the set of ``μ ∈ [0, 1]`` with

        (p̂ − μ)² ≤ q² · [(m − 1)·m·v + c·f·μ(1 − μ)] / [(m − 1 + c)·m],

    ``q`` the t quantile. Left side minus right side is a quadratic in ``μ`` with a positive
    leading coefficient and a value ≤ 0 at ``p̂``, so the set is the interval between its two
    real roots (clipped to the scale).
    """
    low, high = scale
    span = high - low
    p = min(max((estimate - low) / span, 0.0), 1.0)
    m = n_effective
    c = prior_weight(m)
    q = t_quantile(0.5 + confidence_level / 2.0, degrees_of_freedom)
    k = (m - 1.0 + c) * m / (q * q)
    spread = max(m - 1.0, 0.0) * m * max(variance, 0.0) / (span * span)
    a = k + c * fpc
    b = 2.0 * k * p + c * fpc
    constant = k * p * p - spread
    root = math.sqrt(max(b * b - 4.0 * a * constant, 0.0))
    lower = min(max((b - root) / (2.0 * a), 0.0), p)
    upper = max(min((b + root) / (2.0 * a), 1.0), p)
    return ConfidenceInterval(low + span * lower, low + span * upper)
