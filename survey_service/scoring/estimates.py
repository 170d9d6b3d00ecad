"""Means with design-based (Taylor-linearisation) confidence intervals: t, or a score
interval that knows the scale's bounds."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._raking import joint_cells, margin_fit
from ._results import ConfidenceInterval, MeanResult
from ._validation import validate_mean_ci
from ._validation_bounds import validate_raking_margins, validate_scale, validate_within_scale
from .bounded import BOUNDED_INTERVAL, bounded_interval
from .quantiles import t_quantile

__all__ = ["mean_ci"]


def _t_interval(
    estimate: float, standard_error: float, df: float, confidence_level: float
) -> ConfidenceInterval:
    """``estimate ± t_{df, (1+level)/2} × standard_error``."""
    if standard_error == 0.0:
        return ConfidenceInterval(estimate, estimate)
    q = t_quantile(0.5 + confidence_level / 2.0, df)
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
    sum_influence: float = 0.0,
    scale: tuple[float, float] | None = None,
) -> MeanResult:
    """Assemble a :class:`MeanResult` from the estimate, ``Σ z_i²`` and ``Σ z_i``.

    ``sum_sq_influence`` is ``Σ z_i²`` of the (residual) influence values
    ``z_i = w_i (y_i − ŷ_i) / Σw``; the variance is
    ``n/(n−1) · (Σ z_i² − (Σ z_i)²/n) · (1 − n/N)``, i.e. R's ``svymean`` for
    ``ids = ~1``. ``Σ z_i`` is 0 but for raking residuals, which R centres too.
    With ``scale`` the interval is the bounded-scale score interval.
    """
    design_effect = n / n_effective
    interval_method = "t" if scale is None else BOUNDED_INTERVAL
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
            interval_method=interval_method,
        )
    centred = sum_sq_influence - sum_influence * sum_influence / n
    fpc = _fpc_factor(n, population_size)
    variance = n / (n - 1) * max(centred, 0.0) * fpc
    se = math.sqrt(variance)
    df = float(n - 1)
    if scale is None:
        interval = _t_interval(estimate, se, df, confidence_level)
    else:
        interval = bounded_interval(
            estimate=estimate,
            variance=variance,
            n_effective=n_effective,
            degrees_of_freedom=df,
            scale=scale,
            fpc=fpc,
            confidence_level=confidence_level,
        )
    return MeanResult(
        estimate=estimate,
        standard_error=se,
        confidence_interval=interval,
        confidence_level=confidence_level,
        n=n,
        n_effective=n_effective,
        degrees_of_freedom=df,
        method=method,
        design_effect=design_effect,
        interval_method=interval_method,
    )


def _mean_core(
    y: NDArray[np.float64],
    w: NDArray[np.float64] | None,
    strata: NDArray[np.intp] | None,
    population_size: float | None,
    confidence_level: float,
    *,
    margins: list[NDArray[np.intp]] | None = None,
    scale: tuple[float, float] | None = None,
) -> MeanResult:
    """Two-pass (numerically careful) weighted mean and linearised variance."""
    n = int(y.shape[0])
    weights = np.ones(n) if w is None else w
    total = float(np.sum(weights))
    estimate = float(np.sum(weights * y) / total)
    n_effective = float(n) if w is None else total * total / float(np.sum(weights * weights))
    if margins is not None:
        cell, cell_codes = joint_cells(margins)
        counts = np.bincount(cell).astype(np.float64)
        fitted = margin_fit(
            list(cell_codes), counts, np.bincount(cell, weights=y).astype(np.float64)
        )
        resid = y - fitted[cell]
        method = "taylor-raked"
    elif strata is None:
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
        sum_influence=float(np.sum(z)) if margins is not None else 0.0,
        n=n,
        n_effective=n_effective,
        population_size=population_size,
        confidence_level=confidence_level,
        method=method,
        scale=scale,
    )


def mean_ci(
    values: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    poststrata: ArrayLike | None = None,
    raking_margins: Mapping[str, ArrayLike] | None = None,
    population_size: float | None = None,
    scale: tuple[float, float] | None = None,
    confidence_level: float = 0.95,
) -> MeanResult:
    """(Weighted) mean with a design-based confidence interval (t, or bounded-scale).

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
    raking_margins : Mapping[str, array_like], optional
        Margin name → a label per value, for ``weights`` raked on these margins
        (see :func:`rake`); only changes the variance, which then uses the
        residuals from the regression on the margins (``method="taylor-raked"``).
        Needs ``weights``; not together with ``poststrata``.
    population_size : float, optional
        Population size ``N`` for the finite population correction ``1 − n/N``;
        must be at least the number ``n`` of non-missing values.
    scale : (float, float), optional
        The bounds ``(low, high)`` of the scale the values lie on (e.g. ``(0, 100)``).
        The interval is then the bounded-scale score interval
        (``interval_method="bounded-score"``) instead of the t interval; the
        estimate and standard error are unchanged.
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
        a ``population_size`` below ``n``, a confidence level outside (0, 1),
        a ``scale`` that is not ``low < high`` or values outside it, or
        ``raking_margins`` without ``weights`` or with ``poststrata``.

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

    Raked (``method="taylor-raked"``): ``ȳ`` is replaced by the fitted value
    ``ŷ_i`` of the unweighted least-squares regression of ``y`` on the indicator
    variables of every margin (``lm(y ~ age + sex)``), and the influence values
    ``z_i = w_i (y_i − ŷ_i)/Σw`` are centred: ``V = n/(n−1) Σ(z_i − z̄)² (1 − n/N)``.
    This is the calibration (GREG) variance of a raked estimator [4]_ and what
    R's ``survey`` reports for ``svymean`` on a ``rake()``d design, whose ten
    backfitting sweeps (``ave`` within each margin in turn) approximate this
    projection; here it is solved exactly. Post-stratifying on the joint cells
    instead takes the residuals of a model with the interactions the raking did
    not calibrate on: they are too small, and so is that variance.

    Bounded scale (``scale=(low, high)``, ``interval_method="bounded-score"``):
    the t interval of a skewed, bounded scale under-covers at small ``n`` (a
    sample that has not met the long tail is both too far towards the bound and
    too little spread) and is zero-width when every answer is the same. With
    ``p̂ = (ȳ − low)/(high − low)``, ``v`` the variance of ``p̂`` (the design
    variance above, rescaled), ``m`` the effective sample size (``n``; Kish's
    ``n_eff`` when weighted [3]_) and ``f = 1 − n/N``, the interval is the set of
    ``μ ∈ [0, 1]`` that a score test does not reject:

    .. math:: (\\hat p - \\mu)^2 \\le t_{n-1}^2 \\,
              \\frac{(m - 1)\\, m\\, v + c\\, f\\, \\mu (1 - \\mu)}{(m - 1 + c)\\, m},
              \\qquad c = \\frac{2 \\cdot 100}{100 + m},

    mapped back to the scale. The variance is the sample variance pooled with
    ``c`` pseudo-observations carrying ``μ(1 − μ)``, the largest variance a
    variable on ``[0, 1]`` with mean ``μ`` can have (Bhatia–Davis [5]_). As in
    Wilson's interval for a proportion [6]_, the variance is taken at the
    hypothesised ``μ``: means further from the bound, where the scale allows
    more spread, get a wider allowance, so the interval reaches further away
    from the bound than towards it, never leaves the scale and is never
    zero-width (but for a census, ``f = 0``). Two pseudo-observations follow
    Agresti and Coull's "add z²/2 ≈ 2" [7]_; their weight fades with ``m`` so that
    the interval approaches the t interval (within 1 % of its width at
    ``n ≥ 200``), as the coverage error of the two-sided t interval falls
    like ``1/n`` [8]_. Measured (``tests/scoring/test_scoring_bounded_coverage.py``):
    at least 93 % coverage at every ``n`` from 5 up for skewed 1–5, 1–6, 1–10 and
    0–100 scales and for dimension means, where the t interval covers as little
    as 86 % (at ``n = 5`` to ``12`` on a top-heavy 1–10 scale).
    A distribution with most of its mass on the bound and a thin long tail (e.g.
    80 % of answers at the top) can still be under-covered at ``n`` of 20–50.

    Without ``scale`` the interval is ``estimate ± t(n − 1) × SE``: the design
    degrees of freedom of a single-stage design are ``n − 1`` and a t quantile is
    used, not a normal one. A zero standard error gives the degenerate interval
    ``(estimate, estimate)``.

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
    .. [4] Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in
           survey sampling. *JASA* 87, 376–382; Lumley (2010), Section 7.4.
    .. [5] Bhatia, R. and Davis, C. (2000). A better bound on the variance.
           *American Mathematical Monthly* 107(4), 353–357.
    .. [6] Wilson, E. B. (1927). Probable inference, the law of succession, and
           statistical inference. *JASA* 22, 209–212.
    .. [7] Agresti, A. and Coull, B. A. (1998). Approximate is better than
           "exact" for interval estimation of binomial proportions. *The American
           Statistician* 52(2), 119–126.
    .. [8] Hall, P. (1992). *The Bootstrap and Edgeworth Expansion*. Springer.
           Section 3.5 (two-sided coverage error of the studentised mean).

    Examples
    --------
    >>> from survey_service.scoring import mean_ci
    >>> r = mean_ci([50.0, 75.0, 100.0, 25.0])
    >>> round(r.estimate, 2), round(r.standard_error, 2)
    (62.5, 16.14)
    """
    data = validate_mean_ci(values, weights, poststrata, population_size, confidence_level)
    bounds = validate_scale(scale)
    validate_within_scale(data.y, bounds)
    margins = validate_raking_margins(
        raking_margins, values, weighted=weights is not None, poststratified=poststrata is not None
    )
    return _mean_core(
        data.y,
        data.w,
        data.strata,
        data.population_size,
        data.confidence_level,
        margins=margins,
        scale=bounds,
    )
