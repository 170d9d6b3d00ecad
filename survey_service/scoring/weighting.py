"""Calibration of survey weights: post-stratification and raking."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation_weighting import validate_poststratify, validate_rake

__all__ = ["ConvergenceError", "poststratify", "rake"]


class ConvergenceError(ValueError):
    """Raised by :func:`rake` when iterative proportional fitting does not converge."""


def poststratify(
    strata: ArrayLike,
    population_counts: Mapping[Any, float],
    *,
    weights: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Post-stratified weights: each stratum's weights sum to its population count.

    Parameters
    ----------
    strata : array_like, 1-D
        A stratum label per respondent (e.g. age group × sex).
    population_counts : Mapping
        Stratum label → population count (finite, > 0).
    weights : array_like, 1-D, optional
        Design (base) weights to calibrate; default all 1.

    Returns
    -------
    numpy.ndarray
        ``w_i · N_h / Σ_{j∈h} w_j`` for respondent ``i`` in stratum ``h``.

    Raises
    ------
    ValueError
        If a respondent's stratum has no population count, a stratum with a
        population count has no respondents (or only zero weights), a count is
        not a finite positive number, or the weights are invalid.

    Notes
    -----
    Use the result as ``weights`` and the ``strata`` as ``poststrata`` in
    :func:`mean_ci` to get the post-stratified variance. Unlike R's
    ``postStratify(partial=TRUE)``, empty strata are an error, because silently
    dropping them would bias the estimate.

    References
    ----------
    .. [1] Holt, D. and Smith, T. M. F. (1979). Post stratification. *JRSS A* 142,
           33–46.
    .. [2] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*.
           Wiley. Section 7.1.
    """
    w, masks, counts = validate_poststratify(strata, population_counts, weights)
    out = w.copy()
    for mask, count in zip(masks, counts, strict=True):
        out[mask] = w[mask] * (count / float(np.sum(w[mask])))
    return out


def rake(
    margins_labels: Mapping[str, ArrayLike],
    margins_counts: Mapping[str, Mapping[Any, float]],
    *,
    weights: ArrayLike | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> NDArray[np.float64]:
    """Raked weights (iterative proportional fitting over several margins).

    Parameters
    ----------
    margins_labels : Mapping[str, array_like]
        Margin name → a label per respondent (all of the same length).
    margins_counts : Mapping[str, Mapping]
        Margin name → (label → population count). Every margin must have the same
        population total.
    weights : array_like, 1-D, optional
        Design (base) weights; default all 1.
    max_iter : int, default 100
        Maximum number of full cycles over the margins.
    tol : float, default 1e-10
        Convergence when, after a cycle, every margin total is within ``tol``
        relative of its population count.

    Returns
    -------
    numpy.ndarray
        Weights whose totals match every margin.

    Raises
    ------
    ValueError
        For invalid input (as :func:`poststratify`, per margin; margins with
        different population totals; ``max_iter < 1``; ``tol <= 0``).
    ConvergenceError
        (a ``ValueError``) if the margins are not matched within ``tol`` after
        ``max_iter`` cycles.

    Notes
    -----
    Each cycle post-stratifies on each margin in turn (Deming–Stephan). The
    result minimises the raking (multiplicative) distance to the base weights.
    For the variance, pass the result as ``weights`` and the same labels as
    ``raking_margins`` to :func:`mean_ci` (the calibration variance, as R's
    ``svymean`` on a ``rake()``d design).

    References
    ----------
    .. [1] Deming, W. E. and Stephan, F. F. (1940). On a least squares adjustment
           of a sampled frequency table when the expected marginal totals are
           known. *Ann. Math. Statist.* 11, 427–444.
    .. [2] Deville, J.-C. and Särndal, C.-E. (1992). Calibration estimators in
           survey sampling. *JASA* 87, 376–382.
    """
    w, plans = validate_rake(margins_labels, margins_counts, weights, max_iter, tol)
    out = w.copy()
    worst = float("inf")
    for _ in range(int(max_iter)):
        for masks, target in plans:
            for mask, count in zip(masks, target.tolist(), strict=True):
                s = float(np.sum(out[mask]))
                if s > 0.0:
                    out[mask] *= count / s
        worst = 0.0
        for masks, target in plans:
            for mask, count in zip(masks, target.tolist(), strict=True):
                worst = max(worst, abs(float(np.sum(out[mask])) - count) / count)
        if worst <= float(tol):
            return out
    raise ConvergenceError(
        f"raking did not converge within max_iter={max_iter} cycles: the largest relative "
        f"margin error is {worst:.3g}, above tol={tol!r}; allowed: margins that can be "
        f"matched jointly (check for empty cross-cells) or a larger max_iter/tol"
    )
