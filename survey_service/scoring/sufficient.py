"""Additive sufficient statistics for means, so scores can be read without rescanning."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._raking import margin_fit
from ._results import MeanResult
from ._validation_bounds import validate_scale
from ._validation_weighting import validate_from_stats, validate_stats_values
from .estimates import _mean_result

__all__ = ["MeanStats", "mean_ci_from_stats", "mean_ci_from_strata_stats"]


@dataclass(frozen=True, slots=True)
class MeanStats:
    """Additive sufficient statistics of a (weighted) mean and its linearised variance.

    ``MeanStats()`` (all zero) is the identity of ``+``, so
    ``sum(parts, MeanStats())`` merges any number of parts.

    Attributes
    ----------
    n : int
        Number of non-missing values.
    sum_w, sum_wy, sum_w2, sum_w2y, sum_w2y2 : float
        ``Σw``, ``Σwy``, ``Σw²``, ``Σw²y``, ``Σw²y²``. Unweighted data are stored with
        ``w = 1``, so ``sum_w = sum_w2 = n``, ``sum_wy = sum_w2y = Σy`` and
        ``sum_w2y2 = Σy²``.
    weighted : bool
        Whether any merged part came from weighted data (only changes the
        ``method`` label of the result: ``"taylor"`` instead of ``"srs"``).
    """

    n: int = 0
    sum_w: float = 0.0
    sum_wy: float = 0.0
    sum_w2: float = 0.0
    sum_w2y: float = 0.0
    sum_w2y2: float = 0.0
    weighted: bool = False

    @classmethod
    def from_values(cls, values: ArrayLike, weights: ArrayLike | None = None) -> MeanStats:
        """Sufficient statistics of a batch of values.

        Parameters
        ----------
        values : array_like, 1-D
            Observations; ``NaN`` values are dropped with their weights.
        weights : array_like, 1-D, optional
            Non-negative finite weights (default: all 1).

        Returns
        -------
        MeanStats

        Raises
        ------
        ValueError
            As :func:`mean_ci` for empty, mismatched, negative or non-finite input.

        Notes
        -----
        Plain (uncentred) sums are stored so that they are additive. Computing a
        variance from them subtracts nearly equal numbers (``Σw²y² − 2ȳΣw²y +
        ȳ²Σw²``); the relative rounding error grows like ``ȳ² / var(y)`` times
        machine epsilon per term. For scores on a 0–100 scale this loses at most
        a few digits even for millions of rows, but data with a huge mean relative
        to its spread should be shifted before accumulating.

        References
        ----------
        .. [1] Chan, T. F., Golub, G. H. and LeVeque, R. J. (1983). Algorithms for
               computing the sample variance: analysis and recommendations.
               *The American Statistician* 37(3), 242–247.
        """
        y, w = validate_stats_values(values, weights)
        if w is None:
            s1 = float(np.sum(y))
            return cls(
                n=int(y.shape[0]),
                sum_w=float(y.shape[0]),
                sum_wy=s1,
                sum_w2=float(y.shape[0]),
                sum_w2y=s1,
                sum_w2y2=float(np.dot(y, y)),
                weighted=False,
            )
        w2 = w * w
        w2y = w2 * y
        return cls(
            n=int(y.shape[0]),
            sum_w=float(np.sum(w)),
            sum_wy=float(np.dot(w, y)),
            sum_w2=float(np.sum(w2)),
            sum_w2y=float(np.sum(w2y)),
            sum_w2y2=float(np.dot(w2y, y)),
            weighted=True,
        )

    def __add__(self, other: object) -> MeanStats:
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        if not isinstance(other, MeanStats):
            return NotImplemented
        return MeanStats(
            n=self.n + other.n,
            sum_w=self.sum_w + other.sum_w,
            sum_wy=self.sum_wy + other.sum_wy,
            sum_w2=self.sum_w2 + other.sum_w2,
            sum_w2y=self.sum_w2y + other.sum_w2y,
            sum_w2y2=self.sum_w2y2 + other.sum_w2y2,
            weighted=self.weighted or other.weighted,
        )

    def __radd__(self, other: object) -> MeanStats:
        return self.__add__(other)

    @property
    def mean(self) -> float:
        """``Σwy / Σw`` (``NaN`` for empty statistics)."""
        return self.sum_wy / self.sum_w if self.sum_w > 0 else float("nan")

    def _sum_sq_resid(self, centre: float) -> float:
        """``Σ w_i² (y_i − centre)²`` from the sums."""
        return self.sum_w2y2 - 2.0 * centre * self.sum_w2y + centre * centre * self.sum_w2


def mean_ci_from_stats(
    stats: MeanStats,
    *,
    population_size: float | None = None,
    scale: tuple[float, float] | None = None,
    confidence_level: float = 0.95,
) -> MeanResult:
    """:func:`mean_ci` computed from merged :class:`MeanStats`.

    Parameters
    ----------
    stats : MeanStats
        Sufficient statistics (e.g. merged over many batches of responses).
    population_size : float, optional
        Population size ``N`` for the finite population correction.
    scale : (float, float), optional
        The bounds of the values' scale: the bounded-scale interval of
        :func:`mean_ci` (the values themselves are not available to check).
    confidence_level : float, default 0.95
        In the open interval (0, 1).

    Returns
    -------
    MeanResult
        The same result as ``mean_ci(values, weights=weights, ...)`` on the raw
        data, up to floating-point rounding.

    Raises
    ------
    ValueError
        If ``stats.n`` is 0, the weights sum to 0, ``population_size < n`` or the
        confidence level is outside (0, 1).

    Notes
    -----
    With ``ȳ = Σwy/Σw`` and ``W = Σw`` the linearised variance is

    .. math:: V = \\frac{n}{n-1}\\,\\frac{\\Sigma w^2y^2 - 2\\bar y\\,\\Sigma w^2 y
              + \\bar y^2\\,\\Sigma w^2}{W^2}\\,(1 - n/N),

    the expansion of :func:`mean_ci`'s ``Σ w_i²(y_i − ȳ)² / W²``. See
    :meth:`MeanStats.from_values` for the cancellation caveat.

    References
    ----------
    .. [1] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*. Wiley.
    """
    size, level = validate_from_stats(stats.n, stats.sum_w, population_size, confidence_level)
    bounds = validate_scale(scale)
    estimate = stats.sum_wy / stats.sum_w
    return _mean_result(
        estimate=estimate,
        sum_sq_influence=stats._sum_sq_resid(estimate) / (stats.sum_w * stats.sum_w),
        n=stats.n,
        n_effective=stats.sum_w * stats.sum_w / stats.sum_w2,
        population_size=size,
        confidence_level=level,
        method="taylor" if stats.weighted else "srs",
        scale=bounds,
    )


def _validate_strata_stats(
    strata_stats: object, population_size: object, confidence_level: object
) -> tuple[MeanStats, float | None, float]:
    """Validation for :func:`mean_ci_from_strata_stats` (needs :class:`MeanStats`, so it
    lives here rather than in ``_validation``)."""
    if not isinstance(strata_stats, Mapping) or not strata_stats:
        raise ValueError(
            f"strata_stats must be a non-empty mapping stratum -> MeanStats; got {strata_stats!r}"
        )
    for key, part in strata_stats.items():
        if not isinstance(part, MeanStats):
            raise ValueError(
                f"strata_stats[{key!r}] must be a MeanStats; got {type(part).__name__}"
            )
    total = sum(strata_stats.values(), MeanStats())
    size, level = validate_from_stats(total.n, total.sum_w, population_size, confidence_level)
    return total, size, level


def mean_ci_from_strata_stats(
    strata_stats: Mapping[Any, MeanStats],
    *,
    raking_margins: Mapping[str, Mapping[Any, Any]] | None = None,
    population_size: float | None = None,
    scale: tuple[float, float] | None = None,
    confidence_level: float = 0.95,
) -> MeanResult:
    """Post-stratified or raked :func:`mean_ci` from one :class:`MeanStats` per stratum.

    Parameters
    ----------
    strata_stats : Mapping
        Post-stratum label → sufficient statistics of that post-stratum, computed
        with the already calibrated weights. Empty strata (``n == 0``) are
        ignored. For raking, a stratum is a joint cell (one category of every
        margin).
    raking_margins : Mapping, optional
        Margin name → (stratum label → that stratum's category of the margin), when
        the weights were raked on these margins. Every value of a stratum must then
        carry the same weight (as raking equal base weights gives).
    population_size : float, optional
        Population size ``N`` for the finite population correction.
    scale : (float, float), optional
        The bounds of the values' scale: the bounded-scale interval of
        :func:`mean_ci`.
    confidence_level : float, default 0.95
        In the open interval (0, 1).

    Returns
    -------
    MeanResult
        Equal (up to rounding) to ``mean_ci(values, weights=w, poststrata=labels)``,
        or with ``raking_margins`` to ``mean_ci(values, weights=w,
        raking_margins=...)`` on the raw data.

    Raises
    ------
    ValueError
        If the mapping is empty or not a mapping of :class:`MeanStats`; a stratum
        has no category of a raking margin or unequal weights; or as
        :func:`mean_ci_from_stats`.

    Notes
    -----
    Post-stratified, the variance uses the residuals within post-strata,
    ``Σ_h Σ_{i∈h} w_i² (y_i − ȳ_h)²`` with ``ȳ_h`` the weighted post-stratum mean,
    which each stratum's sums give directly; the estimate is that of the merged
    statistics. This is the variance of R's ``postStratify`` + ``svymean``.

    Raked, ``ȳ_h`` is replaced by the stratum's fitted value from the regression on
    the margins' indicators (see :func:`mean_ci`), which needs only each stratum's
    count and unweighted sum ``Σy = Σwy / w``.

    References
    ----------
    .. [1] Lumley, T. (2010). *Complex Surveys: A Guide to Analysis Using R*.
           Wiley. Sections 7.1 and 7.4.
    """
    total, size, level = _validate_strata_stats(strata_stats, population_size, confidence_level)
    bounds = validate_scale(scale)
    parts = [(key, part) for key, part in strata_stats.items() if part.n > 0 and part.sum_w > 0]
    centres = [part.sum_wy / part.sum_w for _, part in parts]
    if raking_margins is not None:
        centres = _raking_fit(parts, raking_margins)
    ss = sum(part._sum_sq_resid(c) for (_, part), c in zip(parts, centres, strict=True))
    linear = sum(part.sum_wy - c * part.sum_w for (_, part), c in zip(parts, centres, strict=True))
    return _mean_result(
        estimate=total.sum_wy / total.sum_w,
        sum_sq_influence=ss / (total.sum_w * total.sum_w),
        sum_influence=linear / total.sum_w if raking_margins is not None else 0.0,
        n=total.n,
        n_effective=total.sum_w * total.sum_w / total.sum_w2,
        population_size=size,
        confidence_level=level,
        method="taylor-poststratified" if raking_margins is None else "taylor-raked",
        scale=bounds,
    )


def _raking_fit(
    parts: list[tuple[Any, MeanStats]], raking_margins: Mapping[str, Mapping[Any, Any]]
) -> list[float]:
    """Each stratum's fitted value from the regression on the margins (see ``_raking``)."""
    if not isinstance(raking_margins, Mapping) or not raking_margins:
        raise ValueError(
            f"raking_margins must be a non-empty mapping margin -> (stratum -> category); "
            f"got {raking_margins!r}"
        )
    codes: list[NDArray[np.intp]] = []
    for name, categories in raking_margins.items():
        missing = [key for key, _ in parts if key not in categories]
        if missing:
            raise ValueError(f"raking_margins[{name!r}] has no category for stratum {missing[0]!r}")
        labels = [str(categories[key]) for key, _ in parts]
        _, inverse = np.unique(np.array(labels, dtype=object), return_inverse=True)
        codes.append(np.asarray(inverse, dtype=np.intp).reshape(-1))
    counts = np.array([float(part.n) for _, part in parts])
    sums = []
    for key, part in parts:
        # Σw² · n = (Σw)² exactly when every weight of the stratum is the same.
        if abs(part.sum_w2 * part.n - part.sum_w * part.sum_w) > 1e-9 * part.sum_w * part.sum_w:
            raise ValueError(
                f"stratum {key!r} has unequal weights; the raking variance from sufficient "
                f"statistics needs one weight per joint cell of the margins"
            )
        sums.append(part.sum_wy * part.n / part.sum_w)
    fitted = margin_fit(codes, counts, np.array(sums))
    return [float(f) for f in fitted]
