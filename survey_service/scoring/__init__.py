"""Pure statistics for survey scores: estimates, intervals, reliability and weighting.

numpy arrays in, frozen result dataclasses out; no Flask or SQLAlchemy here.

Conventions shared by all functions:

* ``NaN`` marks a missing value and is dropped (with its weight); no non-missing
  value at all is a :class:`ValueError`.
* Exactly one non-missing value gives a result with the estimate, ``n = 1`` and
  ``standard_error``, ``confidence_interval`` and ``degrees_of_freedom`` all
  ``None`` (``cronbach_alpha``, where α itself is undefined, raises instead).
* Intervals are t intervals with the design degrees of freedom ``n − 1``; those of
  combinations of independent estimates (:func:`difference_ci`,
  :func:`mean_of_estimates`) use Welch–Satterthwaite degrees of freedom. Given the
  scale's bounds (``scale=(low, high)``), a mean's interval is instead a score
  interval that stays on the scale and keeps its coverage at small ``n``.
* Bad input raises :class:`ValueError` quoting the value and what is allowed.
* :func:`difference_ci` reports ``b − a`` (follow-up minus baseline).
* :func:`mean_of_estimates` is the unweighted mean of independent estimates (the
  average municipality).
* :func:`pooled_benchmark`, :func:`benchmark_difference` and
  :func:`leave_one_out_differences` compare a municipality with the mean of the
  others; :func:`fay_herriot` gives model-based (empirical Bayes) small-area estimates.
* Fast path: keep :class:`MeanStats` per survey/dimension (or per post-stratum),
  merge with ``+`` and read with :func:`mean_ci_from_stats` /
  :func:`mean_ci_from_strata_stats`.
"""

from ._results import (
    AlphaResult,
    ConfidenceInterval,
    DifferenceResult,
    MeanOfEstimatesResult,
    MeanResult,
    ProportionResult,
    SupportsEstimate,
)
from ._results_comparisons import BenchmarkDifference, BenchmarkResult, FayHerriotResult
from .benchmarks import (
    POOLINGS,
    benchmark_difference,
    leave_one_out_differences,
    pooled_benchmark,
)
from .combining import mean_of_estimates
from .comparisons import difference_ci
from .estimates import mean_ci
from .proportions import proportion_ci
from .quantiles import f_quantile, normal_quantile, t_quantile
from .reliability import cronbach_alpha, cronbach_alpha_from_moments
from .small_area import fay_herriot
from .sufficient import MeanStats, mean_ci_from_stats, mean_ci_from_strata_stats
from .weighting import ConvergenceError, poststratify, rake

__all__ = [
    "POOLINGS",
    "AlphaResult",
    "BenchmarkDifference",
    "BenchmarkResult",
    "ConfidenceInterval",
    "ConvergenceError",
    "DifferenceResult",
    "FayHerriotResult",
    "MeanOfEstimatesResult",
    "MeanResult",
    "MeanStats",
    "ProportionResult",
    "SupportsEstimate",
    "benchmark_difference",
    "cronbach_alpha",
    "cronbach_alpha_from_moments",
    "difference_ci",
    "f_quantile",
    "fay_herriot",
    "leave_one_out_differences",
    "mean_ci",
    "mean_ci_from_stats",
    "mean_ci_from_strata_stats",
    "mean_of_estimates",
    "normal_quantile",
    "poststratify",
    "pooled_benchmark",
    "proportion_ci",
    "rake",
    "t_quantile",
]
