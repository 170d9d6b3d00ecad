"""Differences between two independent estimates (two waves, two municipalities)."""

from __future__ import annotations

import math

from scipy import stats

from ._results import DifferenceResult, SupportsEstimate
from ._satterthwaite import welch_satterthwaite_df
from ._validation import validate_difference_ci
from .estimates import _t_interval

__all__ = ["difference_ci"]


def difference_ci(
    a: SupportsEstimate, b: SupportsEstimate, *, confidence_level: float = 0.95
) -> DifferenceResult:
    """Difference ``b − a`` of two independent estimates with a Welch t interval.

    Parameters
    ----------
    a, b : MeanResult or ProportionResult
        Results of :func:`mean_ci` / :func:`proportion_ci` (or anything with
        ``estimate``, ``standard_error``, ``degrees_of_freedom``, ``n`` and
        ``n_effective``) from independent samples. For "change since baseline"
        pass ``a`` = baseline and ``b`` = follow-up.
    confidence_level : float, default 0.95
        In the open interval (0, 1); independent of the levels of ``a`` and ``b``.

    Returns
    -------
    DifferenceResult
        ``estimate = b.estimate − a.estimate``.

    Raises
    ------
    ValueError
        If either side has no standard error (fewer than 2 values), a non-finite
        or negative standard error, non-positive degrees of freedom, or the
        confidence level is outside (0, 1).

    Notes
    -----
    ``SE = sqrt(SE_a² + SE_b²)`` and the Welch–Satterthwaite degrees of freedom

    .. math:: \\nu = \\frac{(SE_a^2 + SE_b^2)^2}{SE_a^4/\\nu_a + SE_b^4/\\nu_b}.

    The interval is ``estimate ± t_ν × SE`` and ``pvalue`` is the two-sided
    p-value of ``statistic = estimate / SE``. For two unweighted
    :func:`mean_ci` results this is exactly ``scipy.stats.ttest_ind(b_values,
    a_values, equal_var=False)`` (statistic, df, pvalue and confidence interval).

    If both standard errors are 0 the degrees of freedom are ``ν_a + ν_b``, the
    interval is ``(estimate, estimate)``, and ``statistic``/``pvalue`` are
    ``0``/``1`` for equal estimates and ``±inf``/``0`` otherwise.

    References
    ----------
    .. [1] Welch, B. L. (1947). The generalization of "Student's" problem when
           several different population variances are involved. *Biometrika* 34,
           28–35.
    .. [2] Satterthwaite, F. E. (1946). An approximate distribution of estimates
           of variance components. *Biometrics Bulletin* 2, 110–114.
    """
    se_a, df_a, se_b, df_b, level = validate_difference_ci(
        a.standard_error,
        a.degrees_of_freedom,
        b.standard_error,
        b.degrees_of_freedom,
        confidence_level,
    )
    diff = float(b.estimate) - float(a.estimate)
    va, vb = se_a * se_a, se_b * se_b
    var = va + vb
    se = math.sqrt(var)
    df = welch_satterthwaite_df((va, vb), (df_a, df_b))
    interval = _t_interval(diff, se, df, level)
    if var == 0.0:
        statistic = 0.0 if diff == 0.0 else math.copysign(math.inf, diff)
        pvalue = 1.0 if diff == 0.0 else 0.0
    else:
        statistic = diff / se
        pvalue = float(2.0 * stats.t.sf(abs(statistic), df))
    return DifferenceResult(
        estimate=diff,
        standard_error=se,
        confidence_interval=interval,
        confidence_level=level,
        n=int(a.n) + int(b.n),
        n_effective=float(a.n_effective) + float(b.n_effective),
        degrees_of_freedom=float(df),
        method="welch",
        statistic=statistic,
        pvalue=pvalue,
    )
