"""Frozen result containers returned by the public functions of :mod:`survey_service.scoring`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, Protocol

__all__ = [
    "AlphaResult",
    "ConfidenceInterval",
    "DifferenceResult",
    "MeanOfEstimatesResult",
    "MeanResult",
    "ProportionResult",
    "SupportsEstimate",
]


class ConfidenceInterval(NamedTuple):
    """A two-sided confidence interval ``(low, high)``."""

    low: float
    high: float


class SupportsEstimate(Protocol):
    """Anything :func:`difference_ci` can compare and :func:`mean_of_estimates` can
    average (a :class:`MeanResult`, :class:`ProportionResult` or
    :class:`MeanOfEstimatesResult`)."""

    @property
    def estimate(self) -> float: ...

    @property
    def standard_error(self) -> float | None: ...

    @property
    def degrees_of_freedom(self) -> float | None: ...

    @property
    def n(self) -> int: ...

    @property
    def n_effective(self) -> float: ...


@dataclass(frozen=True, slots=True)
class MeanResult:
    """Result of :func:`mean_ci`, :func:`mean_ci_from_stats` and
    :func:`mean_ci_from_strata_stats`.

    Attributes
    ----------
    estimate : float
        The (weighted) mean.
    standard_error : float or None
        Its standard error; ``None`` when fewer than two values were available.
    confidence_interval : ConfidenceInterval or None
        ``estimate ± t(df) × standard_error`` (``interval_method="t"``), or the
        bounded-scale score interval (``"bounded-score"``); ``None`` when fewer than
        two values.
    confidence_level : float
        The requested confidence level.
    n : int
        Number of non-missing values used.
    n_effective : float
        Kish's effective sample size ``(Σw)² / Σw²`` (``n`` when unweighted).
    degrees_of_freedom : float or None
        ``n − 1``; ``None`` when fewer than two values.
    method : str
        The variance: ``"srs"`` (unweighted), ``"taylor"`` (weighted, linearisation),
        ``"taylor-poststratified"`` or ``"taylor-raked"`` (residuals from the
        regression on the raking margins).
    design_effect : float
        Kish's design effect due to unequal weighting, ``n / n_effective = 1 + CV²``
        of the weights (``1.0`` when unweighted).
    interval_method : str
        ``"t"``, or ``"bounded-score"`` when the scale's bounds were given.
    """

    estimate: float
    standard_error: float | None
    confidence_interval: ConfidenceInterval | None
    confidence_level: float
    n: int
    n_effective: float
    degrees_of_freedom: float | None
    method: str
    design_effect: float
    interval_method: str = "t"


@dataclass(frozen=True, slots=True)
class ProportionResult:
    """Result of :func:`proportion_ci`.

    Attributes
    ----------
    estimate : float
        The (weighted) share of successes.
    standard_error : float or None
        The linearised standard error of the share (the same as :func:`mean_ci`
        reports for the 0/1 values); ``None`` when fewer than two values.
    confidence_interval : ConfidenceInterval or None
        The interval of ``method``; always inside ``[0, 1]``. ``None`` when fewer
        than two values.
    confidence_level : float
        The requested confidence level.
    n : int
        Number of non-missing values used.
    n_effective : float
        Kish's effective sample size ``(Σw)² / Σw²`` (``n`` when unweighted).
    degrees_of_freedom : float or None
        ``n − 1``; ``None`` when fewer than two values.
    method : str
        The interval method actually used. Shares of exactly 0 or 1 fall back to
        ``"clopper-pearson"`` whatever method was requested.
    design_effect : float
        Kish's design effect ``n / n_effective`` (``1.0`` when unweighted).
    """

    estimate: float
    standard_error: float | None
    confidence_interval: ConfidenceInterval | None
    confidence_level: float
    n: int
    n_effective: float
    degrees_of_freedom: float | None
    method: str
    design_effect: float


@dataclass(frozen=True, slots=True)
class DifferenceResult:
    """Result of :func:`difference_ci` (``b − a``).

    Attributes
    ----------
    estimate : float
        ``b.estimate − a.estimate``.
    standard_error : float
        ``sqrt(SE_a² + SE_b²)``.
    confidence_interval : ConfidenceInterval
        ``estimate ± t(df) × standard_error``.
    confidence_level : float
        The requested confidence level.
    n : int
        ``a.n + b.n``.
    n_effective : float
        ``a.n_effective + b.n_effective``.
    degrees_of_freedom : float
        Welch–Satterthwaite degrees of freedom.
    method : str
        Always ``"welch"``.
    statistic : float
        ``estimate / standard_error``.
    pvalue : float
        Two-sided p-value of the t statistic for "no difference".
    """

    estimate: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    n: int
    n_effective: float
    degrees_of_freedom: float
    method: str
    statistic: float
    pvalue: float


@dataclass(frozen=True, slots=True)
class MeanOfEstimatesResult:
    """Result of :func:`mean_of_estimates`.

    Attributes
    ----------
    estimate : float
        The unweighted mean of the ``k`` estimates.
    standard_error : float
        ``sqrt(Σ SE_i²) / k``.
    confidence_interval : ConfidenceInterval
        ``estimate ± t(df) × standard_error``.
    confidence_level : float
        The requested confidence level.
    k : int
        Number of estimates averaged.
    n : int
        ``Σ n_i``, the values behind all the estimates.
    n_effective : float
        ``Σ n_effective_i``.
    degrees_of_freedom : float
        Welch–Satterthwaite degrees of freedom.
    method : str
        Always ``"welch-satterthwaite"``.
    """

    estimate: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    k: int
    n: int
    n_effective: float
    degrees_of_freedom: float
    method: str


@dataclass(frozen=True, slots=True)
class AlphaResult:
    """Result of :func:`cronbach_alpha`.

    Attributes
    ----------
    estimate : float
        Cronbach's α.
    standard_error : float
        Asymptotic standard error of α (Duhachek & Iacobucci, 2004; psych's ``ase``).
    confidence_interval : ConfidenceInterval
        Feldt's F-based interval.
    confidence_level : float
        The requested confidence level.
    n : int
        Number of complete rows (respondents) used.
    n_items : int
        Number of items (columns).
    n_effective : float
        ``n`` (no weighting).
    degrees_of_freedom : tuple of float
        ``(n − 1, (n − 1)(k − 1))``, the F degrees of freedom of the Feldt interval.
    method : str
        Always ``"feldt"``.
    """

    estimate: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    n: int
    n_items: int
    n_effective: float
    degrees_of_freedom: tuple[float, float]
    method: str
