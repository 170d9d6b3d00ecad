"""Frozen results of the comparisons between municipalities: benchmarks and their
differences (:mod:`.benchmarks`), and Fay–Herriot small-area estimates (:mod:`.small_area`)."""

from __future__ import annotations

from dataclasses import dataclass

from ._results import ConfidenceInterval

__all__ = ["BenchmarkDifference", "BenchmarkResult", "FayHerriotResult"]

#: The verdicts of :class:`BenchmarkDifference`, in the order above, below, neither.
VERDICTS = ("clearly_above", "clearly_below", "not_distinguishable")


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    """Result of :func:`pooled_benchmark`: the mean over municipalities of their estimates.

    Attributes
    ----------
    estimate : float
        ``Σ c_i θ_i`` with ``c_i = w_i / Σ w`` over the municipalities pooled.
    standard_error : float
        ``sqrt(Σ c_i² SE_i²)``: the sampling error of the municipalities' estimates.
    confidence_interval : ConfidenceInterval
        ``estimate ± t(df) × standard_error``.
    confidence_level : float
        The requested confidence level.
    degrees_of_freedom : float
        Welch–Satterthwaite degrees of freedom.
    k : int
        Municipalities pooled (the one left out not counted).
    pooling : str
        ``"municipalities"`` (each counts once) or ``"population"`` (by population share).
    method : str
        Always ``"welch-satterthwaite"``.
    """

    estimate: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    degrees_of_freedom: float
    k: int
    pooling: str
    method: str


@dataclass(frozen=True, slots=True)
class BenchmarkDifference:
    """Result of :func:`benchmark_difference` and :func:`leave_one_out_differences`: a
    municipality's estimate minus the benchmark of the others.

    Attributes
    ----------
    estimate : float
        ``θ_j − B_(−j)``.
    standard_error : float
        ``sqrt(SE_j² + SE(B_(−j))²)`` (the two are independent).
    confidence_interval : ConfidenceInterval
        ``estimate ± t(df) × standard_error``.
    confidence_level : float
        The requested confidence level.
    degrees_of_freedom : float
        Welch–Satterthwaite degrees of freedom of the whole linear combination.
    verdict : str
        ``"clearly_above"`` (the interval lies above 0), ``"clearly_below"`` (below 0) or
        ``"not_distinguishable"`` (it holds 0).
    benchmark : BenchmarkResult
        The benchmark compared with, without the municipality.
    """

    estimate: float
    standard_error: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    degrees_of_freedom: float
    verdict: str
    benchmark: BenchmarkResult


@dataclass(frozen=True, slots=True)
class FayHerriotResult:
    """Result of :func:`fay_herriot`: empirical best linear unbiased predictions per area.

    Attributes
    ----------
    estimates : tuple of float
        The EBLUP of each area, ``γ_i θ̂_i + (1 − γ_i) x_iᵀβ̂``, in input order.
    mse : tuple of float
        Their estimated mean squared errors, ``g1 + g2 + 2 g3`` (Prasad–Rao; for REML,
        Datta–Lahiri).
    shrinkage : tuple of float
        ``γ_i = σ²_u / (σ²_u + ψ_i)``: the share of the area's own direct estimate in its
        EBLUP (0 at ``σ²_u = 0``: then every EBLUP is the regression's).
    synthetic : tuple of float
        The regression's prediction ``x_iᵀβ̂`` of each area.
    between_variance : float
        ``σ²_u``, the REML estimate of the variance of the area effects (metafor's
        ``tau2``), ``>= 0``.
    coefficients : tuple of float
        ``β̂``, the generalised least squares coefficients at ``σ²_u``.
    coefficient_standard_errors : tuple of float
        ``sqrt(diag((Xᵀ V⁻¹ X)⁻¹))`` with ``V = diag(σ²_u + ψ_i)``.
    iterations : int
        Fisher-scoring iterations taken.
    method : str
        Always ``"REML"``.
    mse_method : str
        Always ``"datta-lahiri"``.
    """

    estimates: tuple[float, ...]
    mse: tuple[float, ...]
    shrinkage: tuple[float, ...]
    synthetic: tuple[float, ...]
    between_variance: float
    coefficients: tuple[float, ...]
    coefficient_standard_errors: tuple[float, ...]
    iterations: int
    method: str
    mse_method: str
