"""Many means at once: :func:`mean_ci_from_stats` with the bounded-scale interval, over arrays.

Each entry is computed with the same IEEE operations, in the same order, as the one-at-a-time
path (``sufficient.mean_ci_from_stats`` → ``estimates._mean_result`` →
``bounded.bounded_interval``), so the floats are the same, not merely close; Python's
``max``/``min`` (which keep the first argument on a tie) are mirrored by ``_first_max`` and
``_first_min``, and the t quantiles come from one call of the same scipy function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from .bounded import PRIOR_FADE, PRIOR_WEIGHT

__all__ = ["MeanArrays", "means_from_stats"]

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class MeanArrays:
    """One entry per mean. Where ``n < 2`` the estimate alone is meaningful (the others are
    NaN): the one-at-a-time result then has no standard error, interval or degrees of
    freedom."""

    estimate: FloatArray
    standard_error: FloatArray
    low: FloatArray
    high: FloatArray
    n_effective: FloatArray
    degrees_of_freedom: FloatArray
    design_effect: FloatArray


def means_from_stats(
    n: ArrayLike,
    sum_w: ArrayLike,
    sum_wy: ArrayLike,
    sum_w2: ArrayLike,
    sum_w2y: ArrayLike,
    sum_w2y2: ArrayLike,
    *,
    population_size: ArrayLike,
    scale_low: ArrayLike,
    scale_high: ArrayLike,
    confidence_level: float,
) -> MeanArrays:
    """``mean_ci_from_stats(MeanStats(n[i], sum_w[i], ...), population_size=...,
    scale=(scale_low[i], scale_high[i]), confidence_level=...)`` for every ``i``.

    ``population_size`` is NaN where there is none. The caller validates, as
    ``mean_ci_from_stats`` would: ``n >= 1``, ``sum_w > 0``, ``population_size >= n``,
    ``scale_low < scale_high``.
    """
    count = np.asarray(n, dtype=np.float64)
    w, wy, w2 = (np.asarray(a, dtype=np.float64) for a in (sum_w, sum_wy, sum_w2))
    w2y, w2y2 = np.asarray(sum_w2y, dtype=np.float64), np.asarray(sum_w2y2, dtype=np.float64)
    population = np.asarray(population_size, dtype=np.float64)
    low = np.asarray(scale_low, dtype=np.float64)
    high = np.asarray(scale_high, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = wy / w
        # MeanStats._sum_sq_resid, then / W²
        resid = w2y2 - 2.0 * estimate * w2y + estimate * estimate * w2
        sum_sq_influence = resid / (w * w)
        n_effective = w * w / w2
        design_effect = count / n_effective
        # _mean_result (no Σz: its correction term is 0.0 exactly)
        centred = sum_sq_influence - 0.0
        with_fpc = ~np.isnan(population)
        fpc = np.where(with_fpc, _first_max(0.0, 1.0 - count / population), 1.0)
        variance = count / (count - 1) * _first_max(centred, 0.0) * fpc
        standard_error = np.sqrt(variance)
        df = count - 1
        interval_low, interval_high = _bounded_interval(
            estimate, variance, n_effective, df, low, high, fpc, confidence_level
        )
    single = count < 2
    nan = np.full(count.shape, np.nan)
    return MeanArrays(
        estimate=estimate,
        standard_error=np.where(single, nan, standard_error),
        low=np.where(single, nan, interval_low),
        high=np.where(single, nan, interval_high),
        n_effective=n_effective,
        degrees_of_freedom=np.where(single, nan, df),
        design_effect=design_effect,
    )


def _bounded_interval(
    estimate: FloatArray,
    variance: FloatArray,
    n_effective: FloatArray,
    df: FloatArray,
    scale_low: FloatArray,
    scale_high: FloatArray,
    fpc: FloatArray,
    confidence_level: float,
) -> tuple[FloatArray, FloatArray]:
    """``bounded.bounded_interval`` elementwise (see it for the formula)."""
    span = scale_high - scale_low
    p = _first_min(_first_max((estimate - scale_low) / span, 0.0), 1.0)
    m = n_effective
    c = PRIOR_WEIGHT * PRIOR_FADE / (PRIOR_FADE + m)
    q = _t_quantiles(0.5 + confidence_level / 2.0, df)
    k = (m - 1.0 + c) * m / (q * q)
    spread = _first_max(m - 1.0, 0.0) * m * _first_max(variance, 0.0) / (span * span)
    a = k + c * fpc
    b = 2.0 * k * p + c * fpc
    constant = k * p * p - spread
    root = np.sqrt(_first_max(b * b - 4.0 * a * constant, 0.0))
    lower = _first_min(_first_max((b - root) / (2.0 * a), 0.0), p)
    upper = _first_max(_first_min((b + root) / (2.0 * a), 1.0), p)
    return scale_low + span * lower, scale_low + span * upper


def _t_quantiles(probability: float, df: FloatArray) -> FloatArray:
    """``quantiles.t_quantile(probability, ν)`` for every ``ν`` (NaN where ``ν < 1``),
    asked once for each distinct ``ν``."""
    distinct, inverse = np.unique(df, return_inverse=True)
    usable = distinct >= 1.0
    values = np.full(distinct.shape, np.nan)
    if usable.any():
        values[usable] = stats.t.ppf(probability, distinct[usable])
    return np.asarray(values[inverse.reshape(df.shape)], dtype=np.float64)


def _first_max(a: ArrayLike, b: ArrayLike) -> FloatArray:
    """Python's ``max(a, b)``: ``b`` only where it is greater (so ``a`` on a tie)."""
    a_, b_ = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.asarray(np.where(b_ > a_, b_, a_), dtype=np.float64)


def _first_min(a: ArrayLike, b: ArrayLike) -> FloatArray:
    """Python's ``min(a, b)``: ``b`` only where it is smaller (so ``a`` on a tie)."""
    a_, b_ = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.asarray(np.where(b_ < a_, b_, a_), dtype=np.float64)
