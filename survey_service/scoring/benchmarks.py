"""Benchmarks: a municipality's estimate against the mean of the other municipalities'.

The benchmark of municipality *j* pools the other municipalities' estimates, each counting
once (``pooling="municipalities"``) or by its population share (``"population"``), and leaves
*j* out, so the difference ``θ_j − B_(−j)`` is between two independent estimates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._results import ConfidenceInterval
from ._results_comparisons import VERDICTS, BenchmarkDifference, BenchmarkResult
from ._satterthwaite import welch_satterthwaite_df
from ._validation import _confidence_level
from ._validation_comparisons import (
    POOLINGS,
    PoolInput,
    validate_compared,
    validate_leave_out,
    validate_pool,
)
from .estimates import _t_interval

__all__ = [
    "POOLINGS",
    "LeaveOneOutTable",
    "benchmark_difference",
    "leave_one_out_tables",
    "leave_one_out_differences",
    "pooled_benchmark",
]


def pooled_benchmark(
    estimates: ArrayLike,
    standard_errors: ArrayLike,
    *,
    degrees_of_freedom: ArrayLike,
    populations: ArrayLike | None = None,
    pooling: str = "municipalities",
    leave_out: int | None = None,
    confidence_level: float = 0.95,
) -> BenchmarkResult:
    """The mean over municipalities of their estimates, with a Welch–Satterthwaite interval.

    Parameters
    ----------
    estimates, standard_errors, degrees_of_freedom : array_like
        One per municipality, from independent surveys (standard errors ``>= 0``, degrees of
        freedom ``> 0``).
    populations : array_like, optional
        One per municipality, ``> 0``; needed for ``pooling="population"``.
    pooling : {"municipalities", "population"}
        Each municipality counts once, or by its share of the population pooled.
    leave_out : int, optional
        The index of a municipality to leave out (the one being compared).
    confidence_level : float, default 0.95
        In the open interval (0, 1).

    Returns
    -------
    BenchmarkResult

    Raises
    ------
    ValueError
        For lengths that differ, a non-finite estimate, a negative or non-finite standard
        error, degrees of freedom ``<= 0``, a population ``<= 0`` (or none with
        ``pooling="population"``), an unknown ``pooling``, a ``leave_out`` outside the
        indices or leaving nothing, or a confidence level outside (0, 1).

    Notes
    -----
    With ``θ_i`` the municipalities' estimates, ``SE_i`` their standard errors, ``ν_i``
    their degrees of freedom and ``w_i`` their pooling weights (1 for
    ``pooling="municipalities"``, the population for ``"population"``), the benchmark of
    the municipalities ``S`` (all but ``j`` when ``j`` is left out) is

    .. math:: B_S = \\sum_{i \\in S} c_i \\theta_i, \\quad c_i = w_i / \\sum_{l \\in S} w_l,
              \\qquad SE(B_S)^2 = \\sum_{i \\in S} c_i^2 SE_i^2,

    a stratified mean with the municipalities as strata [3]_. The difference of municipality
    ``j`` from the benchmark of the others is ``D_j = θ_j − B_(−j)`` with
    ``SE(D_j)² = SE_j² + SE(B_(−j))²``: leaving ``j`` out makes the two independent (with
    ``j`` inside, ``θ_j`` would sit on both sides and ``D_j`` would shrink towards 0 by
    ``1 − c_j``). Intervals are ``t`` intervals with the Welch–Satterthwaite degrees of
    freedom of the linear combination [1]_ [2]_,
    ``ν = (Σ a_i² SE_i²)² / Σ (a_i² SE_i²)² / ν_i`` with ``a`` its coefficients (``Σ ν_i``
    when every ``SE_i`` is 0); the difference's ``ν`` composes exactly from the benchmark's
    ``SE`` and ``ν``. The verdict is ``"clearly_above"`` when the difference's interval lies
    above 0, ``"clearly_below"`` when it lies below, else ``"not_distinguishable"``.

    What the interval covers: the sampling error of each municipality's estimate, as its
    ``SE`` states it (with its survey's weighting and design). The municipalities are
    treated as fixed: the benchmark is the (population-weighted) mean of the true values of
    these municipalities, not of a population of municipalities they were drawn from, nor of
    the municipalities that ran no survey; the spread between municipalities is what is
    being described, not an error. The estimates are taken to be independent (separate
    samples), and the populations to be known constants. A benchmark of a random sample of
    municipalities would add the between-municipality variance divided by ``k``; these are
    not a random sample (municipalities choose to take part).

    References
    ----------
    .. [1] Satterthwaite, F. E. (1946). An approximate distribution of estimates of
           variance components. *Biometrics Bulletin* 2, 110–114.
    .. [2] Welch, B. L. (1947). The generalization of "Student's" problem when several
           different population variances are involved. *Biometrika* 34, 28–35.
    .. [3] Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley. Sections 5.3–5.4
           (the stratified mean, its variance, and the effective degrees of freedom).
    """
    data = validate_pool(
        estimates, standard_errors, degrees_of_freedom, populations, pooling, confidence_level
    )
    k = data.estimates.shape[0]
    left_out = validate_leave_out(leave_out, k)
    keep = np.ones(k, dtype=bool)
    if left_out is not None:
        keep[left_out] = False
    c = data.weights[keep] / float(np.sum(data.weights[keep]))
    estimate = float(np.sum(c * data.estimates[keep]))
    parts = c * c * data.variances[keep]
    se = math.sqrt(float(np.sum(parts)))
    df = welch_satterthwaite_df(parts.tolist(), data.degrees_of_freedom[keep].tolist())
    return BenchmarkResult(
        estimate=estimate,
        standard_error=se,
        confidence_interval=_t_interval(estimate, se, df, data.confidence_level),
        confidence_level=data.confidence_level,
        degrees_of_freedom=df,
        k=int(np.sum(keep)),
        pooling=data.pooling,
        method="welch-satterthwaite",
    )


def benchmark_difference(
    estimate: float,
    standard_error: float,
    *,
    degrees_of_freedom: float,
    benchmark: BenchmarkResult,
) -> BenchmarkDifference:
    """A municipality's estimate minus a benchmark that leaves it out, with its interval
    and verdict (at the benchmark's confidence level).

    Parameters
    ----------
    estimate, standard_error, degrees_of_freedom : float
        The municipality's estimate, independent of ``benchmark`` (which must not include
        it: see :func:`pooled_benchmark`'s ``leave_out``).
    benchmark : BenchmarkResult

    Returns
    -------
    BenchmarkDifference

    Raises
    ------
    ValueError
        For a non-finite estimate, a negative standard error or degrees of freedom ``<= 0``.

    Notes
    -----
    See :func:`pooled_benchmark` for the formulas, what the interval covers, and the
    references.
    """
    theta, se, df = validate_compared(estimate, standard_error, degrees_of_freedom)
    own, other = se * se, benchmark.standard_error**2
    variance = own + other
    nu = welch_satterthwaite_df((own, other), (df, benchmark.degrees_of_freedom))
    diff = theta - benchmark.estimate
    interval = _t_interval(diff, math.sqrt(variance), nu, benchmark.confidence_level)
    return BenchmarkDifference(
        estimate=diff,
        standard_error=math.sqrt(variance),
        confidence_interval=interval,
        confidence_level=benchmark.confidence_level,
        degrees_of_freedom=nu,
        verdict=_verdict(interval.low, interval.high),
        benchmark=benchmark,
    )


def leave_one_out_differences(
    estimates: ArrayLike,
    standard_errors: ArrayLike,
    *,
    degrees_of_freedom: ArrayLike,
    populations: ArrayLike | None = None,
    pooling: str = "municipalities",
    confidence_level: float = 0.95,
) -> tuple[BenchmarkDifference, ...]:
    """Every municipality against the benchmark of the others, at once.

    Entry ``j`` equals ``benchmark_difference(θ_j, SE_j, degrees_of_freedom=ν_j,
    benchmark=pooled_benchmark(..., leave_out=j))``, computed for all ``j`` together.

    Parameters
    ----------
    estimates, standard_errors, degrees_of_freedom, populations, pooling, confidence_level
        As for :func:`pooled_benchmark`; at least two municipalities.

    Returns
    -------
    tuple of BenchmarkDifference
        One per municipality, in input order.

    Raises
    ------
    ValueError
        As :func:`pooled_benchmark`, and for fewer than two municipalities.

    Notes
    -----
    See :func:`pooled_benchmark` for the formulas, what the interval covers, and the
    references.
    """
    data = validate_pool(
        estimates, standard_errors, degrees_of_freedom, populations, pooling, confidence_level
    )
    (table,) = _leave_one_out_tables([data], data.confidence_level)
    level = data.confidence_level
    out = []
    for j in range(table.k):
        benchmark = BenchmarkResult(
            estimate=table.benchmark[j],
            standard_error=table.benchmark_standard_error[j],
            confidence_interval=ConfidenceInterval(table.benchmark_low[j], table.benchmark_high[j]),
            confidence_level=level,
            degrees_of_freedom=table.benchmark_degrees_of_freedom[j],
            k=table.k - 1,
            pooling=data.pooling,
            method="welch-satterthwaite",
        )
        out.append(
            BenchmarkDifference(
                estimate=table.difference[j],
                standard_error=table.difference_standard_error[j],
                confidence_interval=ConfidenceInterval(table.low[j], table.high[j]),
                confidence_level=level,
                degrees_of_freedom=table.difference_degrees_of_freedom[j],
                verdict=table.verdict[j],
                benchmark=benchmark,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class LeaveOneOutTable:
    """:func:`leave_one_out_differences` as columns of plain floats, entry ``j`` for
    municipality ``j`` (its benchmark leaves it out; ``k`` counts everyone)."""

    k: int
    benchmark: list[float]
    benchmark_standard_error: list[float]
    benchmark_low: list[float]
    benchmark_high: list[float]
    benchmark_degrees_of_freedom: list[float]
    difference: list[float]
    difference_standard_error: list[float]
    low: list[float]
    high: list[float]
    difference_degrees_of_freedom: list[float]
    verdict: list[str]


def leave_one_out_tables(
    groups: Sequence[tuple[ArrayLike, ArrayLike, ArrayLike, ArrayLike | None]],
    *,
    pooling: str = "municipalities",
    confidence_level: float = 0.95,
) -> list[LeaveOneOutTable]:
    """:func:`leave_one_out_differences` of many groups at once (each ``(estimates,
    standard_errors, degrees_of_freedom, populations)``), as columns: the same floats, with
    the t quantiles of every group asked in one call.

    Raises
    ------
    ValueError
        As :func:`leave_one_out_differences`, for any group.
    """
    pools = [
        validate_pool(theta, se, df, populations, pooling, confidence_level)
        for theta, se, df, populations in groups
    ]
    return _leave_one_out_tables(pools, _confidence_level(confidence_level))


def _leave_one_out_tables(pools: Sequence[PoolInput], level: float) -> list[LeaveOneOutTable]:
    moments = []
    for data in pools:
        k = data.estimates.shape[0]
        if k < 2:
            raise ValueError(
                f"leaving one out of {k} estimate leaves none to pool; at least 2 are required"
            )
        # Sums over everyone but j, from the sums before j and after j: no subtraction, so
        # no cancellation when one municipality outweighs the others.
        w, v, nu = data.weights, data.variances, data.degrees_of_freedom
        total_w = _all_but_each(w)
        bench = _all_but_each(w * data.estimates) / total_w
        bench_var = _all_but_each(w * w * v) / total_w**2
        bench_den = _all_but_each((w * w * v) ** 2 / nu) / total_w**4
        bench_df = _satterthwaite(bench_var, bench_den, _all_but_each(nu))
        diff_var = v + bench_var
        diff_den = v * v / nu + bench_den
        diff_df = _satterthwaite(diff_var, diff_den, bench_df + nu)
        moments.append((bench, bench_var, bench_df, data.estimates - bench, diff_var, diff_df))
    if not moments:
        return []
    # Every group's half-widths from one call for the quantiles (elementwise, the same).
    half = _half_widths(
        np.sqrt(np.concatenate([np.concatenate([m[1], m[4]]) for m in moments])),
        np.concatenate([np.concatenate([m[2], m[5]]) for m in moments]),
        level,
    )
    out = []
    at = 0
    for bench, bench_var, bench_df, diff, diff_var, diff_df in moments:
        k = bench.shape[0]
        bench_half, diff_half = half[at : at + k], half[at + k : at + 2 * k]
        at += 2 * k
        # The bounds as numpy computes them elementwise (the same IEEE sums as one at a
        # time), then every array as Python floats at once.
        low, high = (diff - diff_half).tolist(), (diff + diff_half).tolist()
        out.append(
            LeaveOneOutTable(
                k=k,
                benchmark=bench.tolist(),
                benchmark_standard_error=[math.sqrt(x) for x in bench_var.tolist()],
                benchmark_low=(bench - bench_half).tolist(),
                benchmark_high=(bench + bench_half).tolist(),
                benchmark_degrees_of_freedom=bench_df.tolist(),
                difference=diff.tolist(),
                difference_standard_error=[math.sqrt(x) for x in diff_var.tolist()],
                low=low,
                high=high,
                difference_degrees_of_freedom=diff_df.tolist(),
                verdict=[_verdict(lo, hi) for lo, hi in zip(low, high, strict=True)],
            )
        )
    return out


def _all_but_each(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``Σ_{i != j} x_i`` for every ``j``."""
    before = np.concatenate([[0.0], np.cumsum(x)[:-1]])
    after = np.concatenate([np.cumsum(x[::-1])[::-1][1:], [0.0]])
    return np.asarray(before + after, dtype=np.float64)


def _satterthwaite(
    total: NDArray[np.float64], denominator: NDArray[np.float64], fallback: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Vectorised :func:`welch_satterthwaite_df` (``fallback`` = ``Σ ν_i`` where 0/0)."""
    ok = (total > 0.0) & (denominator > 0.0)
    safe = np.where(ok, denominator, 1.0)
    return np.where(ok, total * total / safe, fallback)


def _half_widths(
    se: NDArray[np.float64], df: NDArray[np.float64], confidence_level: float
) -> NDArray[np.float64]:
    """``t_{df, (1+level)/2} × se``, 0 where ``se`` is 0 (as ``_t_interval``)."""
    q = stats.t.ppf(0.5 + confidence_level / 2.0, df)
    return np.where(se > 0.0, q * se, 0.0)


def _verdict(low: float, high: float) -> str:
    above, below, neither = VERDICTS
    if low > 0.0:
        return above
    if high < 0.0:
        return below
    return neither
