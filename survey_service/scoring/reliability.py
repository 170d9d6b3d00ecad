"""Internal-consistency reliability (Cronbach's alpha)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._results import AlphaResult, ConfidenceInterval
from ._validation import validate_alpha_moments, validate_cronbach_alpha
from .quantiles import f_quantile

__all__ = ["cronbach_alpha", "cronbach_alpha_from_moments"]


def cronbach_alpha(items: ArrayLike, *, confidence_level: float = 0.95) -> AlphaResult:
    """Cronbach's α with Feldt's confidence interval.

    Parameters
    ----------
    items : array_like, 2-D
        Rows are respondents, columns are items. Rows containing any ``NaN`` are
        dropped (listwise deletion).
    confidence_level : float, default 0.95
        In the open interval (0, 1).

    Returns
    -------
    AlphaResult

    Raises
    ------
    ValueError
        If ``items`` is not 2-D, has fewer than 2 columns, fewer than 2 complete
        rows, an infinite value, a total score with zero variance, or the
        confidence level is outside (0, 1). (Unlike :func:`mean_ci`, there is no
        "fewer than 2" result: α itself is undefined there.)

    Notes
    -----
    With ``k`` items, item variances ``s_j²`` and total-score variance ``s_T²``,
    ``α = k/(k−1) · (1 − Σ s_j² / s_T²)``.

    Feldt's interval uses ``(1 − α̂)/(1 − α) ~ F(n−1, (n−1)(k−1))``:
    ``[1 − (1−α̂) F_{1−γ/2}, 1 − (1−α̂) F_{γ/2}]`` with ``γ = 1 − level``. This is
    the ``feldt`` element of R's ``psych::alpha`` (``psych::alpha.ci``) and the
    interval of ``pingouin.cronbach_alpha``.

    ``standard_error`` is the asymptotic standard error of Duhachek & Iacobucci
    (``ase`` in ``psych::alpha``), ``sqrt(Q/n)`` with
    ``Q = 2k²/((k−1)²(1'C1)³) · [1'C1 (tr C² + (tr C)²) − 2 tr C · 1'C²1]``, C the
    item covariance matrix.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
           tests. *Psychometrika* 16, 297–334.
    .. [2] Feldt, L. S. (1965). The approximate sampling distribution of
           Kuder-Richardson reliability coefficient twenty. *Psychometrika* 30,
           357–370.
    .. [3] Duhachek, A. and Iacobucci, D. (2004). Alpha's standard error (ASE): an
           accurate and precise confidence interval estimate. *Journal of Applied
           Psychology* 89, 792–808.
    .. [4] Revelle, W. ``psych`` R package, functions ``alpha`` and ``alpha.ci``.
    """
    x, level = validate_cronbach_alpha(items, confidence_level)
    n = x.shape[0]
    cov = np.atleast_2d(np.cov(x, rowvar=False, ddof=1))
    return _alpha_from_covariance(cov, n, level)


def cronbach_alpha_from_moments(
    n: int,
    sums: ArrayLike,
    cross_products: ArrayLike,
    *,
    confidence_level: float = 0.95,
) -> AlphaResult:
    """Cronbach's α from sufficient statistics of the complete rows.

    Parameters
    ----------
    n : int
        Number of complete rows (respondents who answered every item).
    sums : array_like, 1-D, length k
        ``Σ x_j`` per item over those rows.
    cross_products : array_like, k × k
        ``Σ x_i x_j`` over those rows (symmetric; the diagonal holds ``Σ x_j²``).
    confidence_level : float, default 0.95
        In the open interval (0, 1).

    Returns
    -------
    AlphaResult
        The same result as :func:`cronbach_alpha` on the raw rows, up to rounding.

    Raises
    ------
    ValueError
        As :func:`cronbach_alpha`: fewer than 2 rows or items, mismatched shapes, a
        total score with zero variance, or a confidence level outside (0, 1).

    Notes
    -----
    The item covariance matrix is ``C = (P − s sᵀ/n)/(n − 1)`` with ``P`` the
    cross-products and ``s`` the sums; everything else is as in
    :func:`cronbach_alpha`. The service keeps these sums per survey and dimension, so
    reliability is read without rescanning responses.
    """
    level, s, p = validate_alpha_moments(n, sums, cross_products, confidence_level)
    cov = (p - np.outer(s, s) / n) / (n - 1)
    if float(cov.sum()) <= 0.0:
        raise ValueError(
            "the total score has zero variance, so alpha is undefined; "
            "items must vary across respondents"
        )
    return _alpha_from_covariance(cov, n, level)


def _alpha_from_covariance(cov: NDArray[np.float64], n: int, level: float) -> AlphaResult:
    k = cov.shape[0]
    total = float(cov.sum())
    trace = float(np.trace(cov))
    alpha = k / (k - 1) * (1.0 - trace / total)
    cov2 = cov @ cov
    q = (2.0 * k * k / ((k - 1) ** 2 * total**3)) * (
        total * (float(np.trace(cov2)) + trace * trace) - 2.0 * trace * float(cov2.sum())
    )
    se = math.sqrt(max(q, 0.0) / n)
    df1 = float(n - 1)
    df2 = float((n - 1) * (k - 1))
    gamma = 1.0 - level
    f_hi = f_quantile(1.0 - gamma / 2.0, df1, df2)
    f_lo = f_quantile(gamma / 2.0, df1, df2)
    interval = ConfidenceInterval(1.0 - (1.0 - alpha) * f_hi, 1.0 - (1.0 - alpha) * f_lo)
    return AlphaResult(
        estimate=alpha,
        standard_error=se,
        confidence_interval=interval,
        confidence_level=level,
        n=int(n),
        n_items=int(k),
        n_effective=float(n),
        degrees_of_freedom=(df1, df2),
        method="feldt",
    )
