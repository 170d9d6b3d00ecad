"""The mean of independent estimates (e.g. the average municipality), with a t interval."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._results import MeanOfEstimatesResult, SupportsEstimate
from ._satterthwaite import welch_satterthwaite_df
from ._validation import validate_mean_of_estimates
from .estimates import _t_interval

__all__ = ["mean_of_estimates"]


def mean_of_estimates(
    estimates: Sequence[SupportsEstimate], *, confidence_level: float = 0.95
) -> MeanOfEstimatesResult:
    """Unweighted mean of ``k`` independent estimates with a Welch–Satterthwaite t interval.

    Parameters
    ----------
    estimates : sequence of MeanResult, ProportionResult or MeanOfEstimatesResult
        Results of :func:`mean_ci`, :func:`mean_ci_from_stats`, :func:`proportion_ci`
        ... (anything with ``estimate``, ``standard_error``, ``degrees_of_freedom``,
        ``n`` and ``n_effective``) from independent samples, e.g. one per
        municipality. Each counts once, whatever its sample size.
    confidence_level : float, default 0.95
        In the open interval (0, 1); independent of the levels of the estimates.

    Returns
    -------
    MeanOfEstimatesResult
        ``k = len(estimates)``; ``n`` and ``n_effective`` are the sums over the
        estimates.

    Raises
    ------
    ValueError
        If ``estimates`` is empty or not a sequence, an estimate is not finite, an
        estimate has no standard error (fewer than 2 values), a non-finite or
        negative standard error or non-positive degrees of freedom, or the
        confidence level is outside (0, 1).

    Notes
    -----
    The estimates are treated as fixed and independent: with ``θ_i`` the estimates,
    ``SE_i`` their standard errors and ``ν_i`` their degrees of freedom,

    .. math:: \\bar\\theta = \\frac{1}{k}\\sum_i \\theta_i, \\qquad
              SE = \\frac{1}{k}\\sqrt{\\sum_i SE_i^2}, \\qquad
              \\nu = \\frac{(\\sum_i v_i)^2}{\\sum_i v_i^2/\\nu_i}
              \\text{ with } v_i = SE_i^2 / k^2,

    the Welch–Satterthwaite degrees of freedom of ``SE²`` (``Σ ν_i`` when every
    ``SE_i`` is 0). The interval is ``θ̄ ± t_ν × SE``; a zero standard error gives
    ``(θ̄, θ̄)``. This is the stratified mean with equal stratum weights ``1/k``
    and Satterthwaite's effective degrees of freedom [3]_. For ``k = 2`` and two
    unweighted :func:`mean_ci` results, ``ν`` is the ``df`` of
    ``scipy.stats.ttest_ind(a, b, equal_var=False)`` and the half-width of the
    interval is half that of Welch's interval for the difference. For ``k = 1``
    it is the estimate itself with its own ``SE`` and ``ν``.

    The spread between the estimates does not enter ``SE``: it is the uncertainty
    of the average of these ``k`` surveys, not of a population of municipalities
    from which they were drawn.

    References
    ----------
    .. [1] Satterthwaite, F. E. (1946). An approximate distribution of estimates
           of variance components. *Biometrics Bulletin* 2, 110–114.
    .. [2] Welch, B. L. (1947). The generalization of "Student's" problem when
           several different population variances are involved. *Biometrika* 34,
           28–35.
    .. [3] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley.
           Section 5.4.

    Examples
    --------
    >>> from survey_service.scoring import mean_ci, mean_of_estimates
    >>> r = mean_of_estimates([mean_ci([50.0, 75.0, 100.0]), mean_ci([25.0, 50.0])])
    >>> round(r.estimate, 2), round(r.standard_error, 2), round(r.degrees_of_freedom, 2)
    (56.25, 9.55, 2.88)
    """
    data = validate_mean_of_estimates(estimates, confidence_level)
    k = len(data.estimates)
    estimate = sum(data.estimates) / k
    variances = [(se / k) ** 2 for se in data.standard_errors]
    se = math.sqrt(sum(variances))
    df = welch_satterthwaite_df(variances, data.degrees_of_freedom)
    return MeanOfEstimatesResult(
        estimate=estimate,
        standard_error=se,
        confidence_interval=_t_interval(estimate, se, df, data.confidence_level),
        confidence_level=data.confidence_level,
        k=k,
        n=data.n,
        n_effective=data.n_effective,
        degrees_of_freedom=df,
        method="welch-satterthwaite",
    )
