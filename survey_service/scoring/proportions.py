"""Confidence intervals for (weighted) proportions."""

from __future__ import annotations

import math

from numpy.typing import ArrayLike
from scipy import stats

from ._results import ConfidenceInterval, ProportionResult
from ._validation import validate_proportion_ci
from .estimates import _fpc_factor, _mean_core

__all__ = ["proportion_ci"]


def _clip(low: float, high: float) -> ConfidenceInterval:
    return ConfidenceInterval(min(max(low, 0.0), 1.0), min(max(high, 0.0), 1.0))


def _clopper_pearson(p: float, m: float, level: float) -> ConfidenceInterval:
    """Exact (beta) interval for ``x = p·m`` successes in ``m`` trials (``m`` may be
    fractional)."""
    alpha = 1.0 - level
    x = p * m
    low = 0.0 if x <= 0.0 else float(stats.beta.ppf(alpha / 2.0, x, m - x + 1.0))
    high = 1.0 if x >= m else float(stats.beta.ppf(1.0 - alpha / 2.0, x + 1.0, m - x))
    return _clip(low, high)


def _wilson(p: float, m: float, z: float) -> ConfidenceInterval:
    z2 = z * z
    denom = 1.0 + z2 / m
    centre = (p + z2 / (2.0 * m)) / denom
    half = z * math.sqrt(p * (1.0 - p) / m + z2 / (4.0 * m * m)) / denom
    return _clip(centre - half, centre + half)


def _agresti_coull(p: float, m: float, z: float) -> ConfidenceInterval:
    m_tilde = m + z * z
    p_tilde = (p * m + z * z / 2.0) / m_tilde
    half = z * math.sqrt(p_tilde * (1.0 - p_tilde) / m_tilde)
    return _clip(p_tilde - half, p_tilde + half)


def proportion_ci(
    successes: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    population_size: float | None = None,
    confidence_level: float = 0.95,
    method: str = "wilson",
) -> ProportionResult:
    """(Weighted) share of successes with a confidence interval inside [0, 1].

    Parameters
    ----------
    successes : array_like, 1-D
        0/1 or boolean outcomes; ``NaN`` marks a missing value and is dropped with
        its weight.
    weights : array_like, 1-D, optional
        Non-negative finite survey weights.
    population_size : float, optional
        Population size ``N`` (at least the number ``n`` of non-missing values)
        for the finite population correction.
    confidence_level : float, default 0.95
        In the open interval (0, 1).
    method : {"wilson", "clopper-pearson", "agresti-coull", "korn-graubard"}
        Interval method (see Notes).

    Returns
    -------
    ProportionResult
        With fewer than two non-missing values, ``standard_error``,
        ``confidence_interval`` and ``degrees_of_freedom`` are ``None``.

    Raises
    ------
    ValueError
        For an unknown method, values other than 0/1/NaN, and the input errors
        of :func:`mean_ci`.

    Notes
    -----
    The estimate, ``standard_error``, ``degrees_of_freedom`` (``n − 1``),
    ``n_effective`` and ``design_effect`` are those of :func:`mean_ci` on the 0/1
    values (so unweighted ``SE = sqrt(p(1−p)/(n−1))``, the design-based
    linearisation of R's ``svymean``). The interval is computed on a sample size
    ``m``:

    * ``"wilson"`` — Wilson score interval; unweighted and without ``N`` this
      equals R's ``prop.test(x, n, correct=FALSE)$conf.int``.
    * ``"clopper-pearson"`` — exact beta interval; unweighted equals
      ``binom.test(x, n)$conf.int``.
    * ``"agresti-coull"`` — Agresti–Coull "add z²/2 successes and failures".
    * ``"korn-graubard"`` — Clopper–Pearson on the design-based effective sample
      size ``m = p(1−p)/V̂`` with ``V̂`` the linearised variance (including the
      fpc), as R's ``svyciprop(method="beta")`` computes it for ``ids = ~1``;
      the degrees-of-freedom adjustment ``(t_{n−1}/t_{df})²`` of Korn & Graubard
      is 1 here because ``df = n − 1``.

    For the first three methods ``m`` is Kish's effective sample size
    ``(Σw)²/Σw²`` (``n`` unweighted), divided by ``1 − n/N`` when
    ``population_size`` is given: the finite population correction shrinks the
    variance ``p(1−p)/m`` by ``1 − n/N``, which is the same as enlarging ``m``.
    A census (``n = N``) gives the degenerate interval ``(p, p)``.

    Shares of exactly 0 or 1 always use Clopper–Pearson on ``m`` (Kish's
    ``m`` for ``"korn-graubard"``, whose ``V̂`` is 0 there); ``method`` then reads
    ``"clopper-pearson"``. Every interval is clipped to [0, 1], so it is never
    ``NaN`` nor outside [0, 1].

    References
    ----------
    .. [1] Wilson, E. B. (1927). Probable inference, the law of succession, and
           statistical inference. *JASA* 22, 209–212.
    .. [2] Clopper, C. J. and Pearson, E. S. (1934). The use of confidence or
           fiducial limits illustrated in the case of the binomial.
           *Biometrika* 26, 404–413.
    .. [3] Agresti, A. and Coull, B. A. (1998). Approximate is better than "exact"
           for interval estimation of binomial proportions. *The American
           Statistician* 52, 119–126.
    .. [4] Korn, E. L. and Graubard, B. I. (1998). Confidence intervals for
           proportions with small expected number of positive counts estimated
           from survey data. *Survey Methodology* 24, 193–201.
    .. [5] Kish, L. (1965). *Survey Sampling*. Wiley.
    """
    data = validate_proportion_ci(successes, weights, population_size, confidence_level, method)
    base = _mean_core(data.y, data.w, None, data.population_size, data.confidence_level)
    p = min(max(base.estimate, 0.0), 1.0)
    if base.n < 2 or base.standard_error is None:
        return ProportionResult(
            estimate=p,
            standard_error=None,
            confidence_interval=None,
            confidence_level=base.confidence_level,
            n=base.n,
            n_effective=base.n_effective,
            degrees_of_freedom=None,
            method=method,
            design_effect=base.design_effect,
        )
    level = base.confidence_level
    fpc = _fpc_factor(base.n, data.population_size)
    used = method
    interval: ConfidenceInterval
    if fpc == 0.0:
        interval = ConfidenceInterval(p, p)
    else:
        m = base.n_effective / fpc
        if p in (0.0, 1.0):
            used = "clopper-pearson"
            interval = _clopper_pearson(p, m, level)
        elif method == "korn-graubard":
            se = base.standard_error
            m_design = p * (1.0 - p) / (se * se)
            interval = _clopper_pearson(p, m_design, level)
        else:
            z = float(stats.norm.ppf(0.5 + level / 2.0))
            if method == "wilson":
                interval = _wilson(p, m, z)
            elif method == "agresti-coull":
                interval = _agresti_coull(p, m, z)
            else:
                interval = _clopper_pearson(p, m, level)
    return ProportionResult(
        estimate=p,
        standard_error=base.standard_error,
        confidence_interval=interval,
        confidence_level=level,
        n=base.n,
        n_effective=base.n_effective,
        degrees_of_freedom=base.degrees_of_freedom,
        method=used,
        design_effect=base.design_effect,
    )
