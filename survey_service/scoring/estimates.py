"""Means with design-based (Taylor-linearisation) confidence intervals."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._results import ConfidenceInterval, MeanResult
from ._validation import validate_mean_ci

__all__ = ["mean_ci"]


def _t_interval(
    estimate: float, standard_error: float, df: float, confidence_level: float
) -> ConfidenceInterval:
    """``estimate ± t_{df, (1+level)/2} × standard_error``."""
    if standard_error == 0.0:
        return ConfidenceInterval(estimate, estimate)
    q = float(stats.t.ppf(0.5 + confidence_level / 2.0, df))
    return ConfidenceInterval(estimate - q * standard_error, estimate + q * standard_error)


def _fpc_factor(n: int, population_size: float | None) -> float:
    """``1 − n/N`` (``1`` without a population size)."""
    if population_size is None:
        return 1.0
    return max(0.0, 1.0 - n / population_size)


def _mean_result(
    *,
    estimate: float,
    sum_sq_influence: float,
    n: int,
    n_effective: float,
    population_size: float | None,
    confidence_level: float,
    method: str,
) -> MeanResult:
    """Assemble a :class:`MeanResult` from the estimate and ``Σ z_i²``.

    ``sum_sq_influence`` is ``Σ z_i²`` of the (post-stratum residual) influence
    values ``z_i = w_i (y_i − ȳ) / Σw``; the variance is
    ``n/(n−1) · Σ z_i² · (1 − n/N)``, i.e. R's ``svymean`` for ``ids = ~1``.
    """
    design_effect = n / n_effective
    if n < 2:
        return MeanResult(
            estimate=estimate,
            standard_error=None,
            confidence_interval=None,
            confidence_level=confidence_level,
            n=n,
            n_effective=n_effective,
            degrees_of_freedom=None,
            method=method,
            design_effect=design_effect,
        )
    variance = n / (n - 1) * max(sum_sq_influence, 0.0) * _fpc_factor(n, population_size)
    se = math.sqrt(variance)
    df = float(n - 1)
    return MeanResult(
        estimate=estimate,
        standard_error=se,
        confidence_interval=_t_interval(estimate, se, df, confidence_level),
        confidence_level=confidence_level,
        n=n,
        n_effective=n_effective,
        degrees_of_freedom=df,
        method=method,
        design_effect=design_effect,
    )


def _mean_core(
    y: NDArray[np.float64],
    w: NDArray[np.float64] | None,
    strata: NDArray[np.intp] | None,
    population_size: float | None,
    confidence_level: float,
) -> MeanResult:
    """Two-pass (numerically careful) weighted mean and linearised variance."""
    n = int(y.shape[0])
    weights = np.ones(n) if w is None else w
    total = float(np.sum(weights))
    estimate = float(np.sum(weights * y) / total)
    n_effective = float(n) if w is None else total * total / float(np.sum(weights * weights))
    if strata is None:
        # one pass more: ȳ refined for accuracy
        estimate += float(np.sum(weights * (y - estimate)) / total)
        resid = y - estimate
        method = "srs" if w is None else "taylor"
    else:
        sw = np.bincount(strata, weights=weights)
        swy = np.bincount(strata, weights=weights * y)
        with np.errstate(divide="ignore", invalid="ignore"):
            ybar_h = np.where(sw > 0, swy / np.where(sw > 0, sw, 1.0), 0.0)
        resid = y - ybar_h[strata]
        # refine the stratum means (second pass)
        corr = np.bincount(strata, weights=weights * resid)
        ybar_h = ybar_h + np.where(sw > 0, corr / np.where(sw > 0, sw, 1.0), 0.0)
        resid = y - ybar_h[strata]
        method = "taylor-poststratified"
    z = weights * resid / total
    return _mean_result(
        estimate=estimate,
        sum_sq_influence=float(np.sum(z * z)),
        n=n,
        n_effective=n_effective,
        population_size=population_size,
        confidence_level=confidence_level,
        method=method,
    )


def mean_ci(
    values: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    poststrata: ArrayLike | None = None,
    population_size: float | None = None,
    confidence_level: float = 0.95,
) -> MeanResult:
    """(Weighted) mean with a design-based t confidence interval.

    Parameters
    ----------
    values : array_like, 1-D
        The observations (e.g. scores on a 0–100 scale). ``NaN`` marks a missing
        value; it is dropped together with its weight and post-stratum label.
    weights : array_like, 1-D, optional
        Non-negative, finite survey weights, one per value. Without weights every
        value counts once.
    poststrata : array_like, 1-D, optional
        A post-stratum label per value. The ``weights`` must already be
        post-stratified (see :func:`poststratify`); the labels only change the
        variance, which then uses the residuals within post-strata.
    population_size : float, optional
        Population size ``N`` for the finite population correction ``1 − n/N``;
        must be at least the number ``n`` of non-missing values.
    confidence_level : float, default 0.95
        In the open interval (0, 1).

    Returns
    -------
    MeanResult
        ``n < 2`` (a single non-missing value) gives the estimate with
        ``standard_error``, ``confidence_interval`` and ``degrees_of_freedom``
        all ``None``.

    Raises
    ------
    ValueError
        For empty input, input with no non-missing value, mismatched lengths,
        negative or non-finite weights, weights summing to 0, infinite values,
        a ``population_size`` below ``n`` or a confidence level outside (0, 1).

    Notes
    -----
    Unweighted: the sample mean with ``SE = s/√n``, times ``√(1 − n/N)`` when
    ``population_size`` is given (``method="srs"``).

    Weighted: the ratio (Hájek) estimator ``ȳ = Σwy/Σw`` with the
    Taylor-linearisation variance

    .. math:: V = \\frac{n}{n-1} \\sum_i \\frac{w_i^2 (y_i - \\bar y)^2}{(\\sum w)^2}
              \\,(1 - n/N),

    which is what R's ``survey`` package reports for ``svymean`` on
    ``svydesign(ids=~1, weights=~w, fpc=~N)`` (``method="taylor"``).

    Post-stratified (``method="taylor-poststratified"``): ``ȳ`` is replaced by
    the weighted post-stratum mean ``ȳ_h`` inside the sum, as R's
    ``postStratify`` does.

    The interval is ``estimate ± t(n − 1) × SE``: the design degrees of freedom of
    a single-stage design are ``n − 1`` and a t quantile is used, not a normal one.
    A zero standard error gives the degenerate interval ``(estimate, estimate)``.

    Missing values are dropped before anything else (listwise: ``n`` counts only
    the non-missing values). This equals R on the subset of complete cases, not
    R's ``svymean(..., na.rm=TRUE)``, which treats them as a domain and keeps the
    full ``n`` in the variance.

    ``design_effect`` is Kish's design effect of unequal weighting,
    ``n / n_effective = 1 + CV²(w)``, not the ratio of variances.

    References
    ----------
    .. [1] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*.
           Wiley. Chapters 2 and 7.
    .. [2] Särndal, C.-E., Swensson, B. and Wretman, J. (1992). *Model Assisted
           Survey Sampling*. Springer. Sections 5.6 and 7.6.
    .. [3] Kish, L. (1965). *Survey Sampling*. Wiley.

    Examples
    --------
    >>> from survey_service.scoring import mean_ci
    >>> r = mean_ci([50.0, 75.0, 100.0, 25.0])
    >>> round(r.estimate, 2), round(r.standard_error, 2)
    (62.5, 16.14)
    """
    data = validate_mean_ci(values, weights, poststrata, population_size, confidence_level)
    return _mean_core(data.y, data.w, data.strata, data.population_size, data.confidence_level)
