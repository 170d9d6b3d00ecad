"""The Welch–Satterthwaite degrees of freedom of a sum of independent variance estimates."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["welch_satterthwaite_df"]


def welch_satterthwaite_df(
    variances: Sequence[float], degrees_of_freedom: Sequence[float]
) -> float:
    """Approximate degrees of freedom of ``Σ v_i``, a sum of independent variance estimates.

    Parameters
    ----------
    variances : sequence of float
        The estimated variance components ``v_i >= 0`` (already scaled by the
        coefficients of the linear combination, e.g. ``SE_i² / k²`` for a mean of
        ``k`` estimates).
    degrees_of_freedom : sequence of float
        ``ν_i > 0``, the degrees of freedom of each ``v_i``; callers validate both.

    Returns
    -------
    float
        .. math:: \\nu = \\frac{(\\sum_i v_i)^2}{\\sum_i v_i^2 / \\nu_i},

        or ``Σ ν_i`` where the formula is 0/0 (every ``v_i`` is 0) or its
        denominator underflows to 0.

    Notes
    -----
    Satterthwaite (1946) and Welch (1947); see :func:`mean_of_estimates` and
    :func:`difference_ci` for the references.
    """
    total = sum(variances)
    denominator = sum(v * v / df for v, df in zip(variances, degrees_of_freedom, strict=True))
    if total > 0.0 and denominator > 0.0:
        return total * total / denominator
    return float(sum(degrees_of_freedom))
