"""Small-area estimation: the Fay–Herriot area-level model, fitted by REML, and its
empirical best linear unbiased predictions (EBLUP) with their mean squared errors."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._results_comparisons import FayHerriotResult
from ._validation_comparisons import validate_fay_herriot
from .weighting import ConvergenceError

__all__ = ["fay_herriot"]

FloatArray = NDArray[np.float64]


def fay_herriot(
    estimates: ArrayLike,
    sampling_variances: ArrayLike,
    *,
    design: ArrayLike | None = None,
    tolerance: float = 1e-10,
    max_iter: int = 100,
) -> FayHerriotResult:
    """Fit the Fay–Herriot model by REML and predict every area (EBLUP), with its MSE.

    Parameters
    ----------
    estimates : array_like
        The direct estimates ``θ̂_i`` of the ``m`` areas (municipalities).
    sampling_variances : array_like
        Their sampling variances ``ψ_i > 0`` (the squared standard errors), taken as known.
    design : array_like, optional
        The ``m × p`` design matrix ``X`` of full column rank (include the intercept
        column); default: an intercept only. Indicators of size classes or counties let
        an area borrow strength from its own class. ``m >= p + 2``.
    tolerance : float, default 1e-10
        Fisher scoring stops when a step changes ``σ²_u`` by less than
        ``tolerance × (1 + σ²_u)``.
    max_iter : int, default 100
        At most this many Fisher-scoring steps.

    Returns
    -------
    FayHerriotResult

    Raises
    ------
    ValueError
        For lengths that differ, non-finite values, a sampling variance ``<= 0``, a
        design that is not of full column rank or has too few rows, a ``tolerance``
        outside (0, 1) or ``max_iter < 1``.
    ConvergenceError
        (a ``ValueError``) if REML has not converged after ``max_iter`` steps.

    Notes
    -----
    The model [1]_: ``θ̂_i = x_iᵀβ + u_i + e_i`` with area effects ``u_i ~ N(0, σ²_u)``
    and sampling errors ``e_i ~ N(0, ψ_i)``, all independent. With ``V = diag(σ²_u + ψ_i)``
    and ``P = V⁻¹ − V⁻¹X(XᵀV⁻¹X)⁻¹XᵀV⁻¹``, ``σ²_u`` maximises the restricted likelihood
    ``−½ (log|V| + log|XᵀV⁻¹X| + θ̂ᵀPθ̂)`` over ``σ²_u >= 0``, by Fisher scoring
    ``σ²_u ← σ²_u + s/I`` with score ``s = ½ (θ̂ᵀP²θ̂ − tr P)`` and information
    ``I = ½ tr P²`` (as R's ``metafor::rma(method = "REML")`` and ``sae::eblupFH``),
    starting from the Prasad–Rao moment estimate, halving a step that lowers the
    likelihood, and stopping at 0 when the score there points below it: ``σ²_u = 0`` is
    then the estimate, every ``γ_i`` is 0 and every EBLUP is the regression's
    prediction. ``β̂ = (XᵀV⁻¹X)⁻¹XᵀV⁻¹θ̂``.

    The EBLUP is ``γ_i θ̂_i + (1 − γ_i) x_iᵀβ̂`` with ``γ_i = σ²_u / (σ²_u + ψ_i)``, the
    share of the area's own data. Its MSE is estimated as ``g1 + g2 + 2 g3`` [2]_ [3]_:

    .. math:: g_1 = \\gamma_i \\psi_i, \\quad
              g_2 = (1 - \\gamma_i)^2 x_i^T (X^T V^{-1} X)^{-1} x_i, \\quad
              g_3 = \\psi_i^2 (\\sigma^2_u + \\psi_i)^{-3} \\bar V(\\hat\\sigma^2_u),

    with ``V̄ = 2 / Σ (σ²_u + ψ_j)⁻²`` the asymptotic variance of the REML estimate. For
    REML this is Datta and Lahiri's estimator, which equals Prasad and Rao's [3]_ [4]_
    (``sae::mseFH`` with ``method = "REML"``). ``g1`` is the error of the best predictor,
    ``g2`` that of estimating ``β``, ``2 g3`` that of estimating ``σ²_u``. At ``σ²_u = 0``
    the estimator is known to understate the MSE somewhat [5]_.

    The ``ψ_i`` are treated as known, as the model requires; in practice they are the
    direct estimates' own estimated variances.

    References
    ----------
    .. [1] Fay, R. E. and Herriot, R. A. (1979). Estimates of income for small places:
           an application of James–Stein procedures to census data. *JASA* 74, 269–277.
    .. [2] Prasad, N. G. N. and Rao, J. N. K. (1990). The estimation of the mean squared
           error of small-area estimators. *JASA* 85, 163–171.
    .. [3] Datta, G. S. and Lahiri, P. (2000). A unified measure of uncertainty of
           estimated best linear unbiased predictors in small area estimation problems.
           *Statistica Sinica* 10, 613–627.
    .. [4] Rao, J. N. K. and Molina, I. (2015). *Small Area Estimation*, 2nd ed. Wiley.
           Sections 6.1–6.2.
    .. [5] Li, H. and Lahiri, P. (2010). An adjusted maximum likelihood method for
           solving small area estimation problems. *J. Multivariate Anal.* 101, 882–892.
    """
    data = validate_fay_herriot(estimates, sampling_variances, design, tolerance, max_iter)
    y, psi, x = data.estimates, data.variances, data.design
    a = _moment_start(y, psi, x)
    iterations = 0
    while True:
        if iterations >= data.max_iter:
            raise ConvergenceError(
                f"REML did not converge in {data.max_iter} Fisher-scoring steps "
                f"(sigma2_u = {a!r}); raise max_iter or the tolerance"
            )
        iterations += 1
        score, information = _score_and_information(a, y, psi, x)
        if a == 0.0 and score <= 0.0:
            break  # the maximum over sigma2_u >= 0 is on the boundary
        step = score / information
        new = max(0.0, a + step)
        base = _restricted_loglik(a, y, psi, x)
        for _ in range(30):  # halve a step that overshoots
            if _restricted_loglik(new, y, psi, x) >= base - 1e-12 * (1.0 + abs(base)):
                break
            new = max(0.0, a + (new - a) / 2.0)
        change, a = abs(new - a), new
        if change <= data.tolerance * (1.0 + a):
            break
    return _predict(a, y, psi, x, iterations)


def _gls(
    a: float, y: FloatArray, psi: FloatArray, x: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``V⁻¹`` (its diagonal), ``(XᵀV⁻¹X)⁻¹`` and ``β̂`` at ``σ²_u = a``."""
    vinv = 1.0 / (a + psi)
    q = np.asarray(np.linalg.inv(x.T @ (vinv[:, None] * x)), dtype=np.float64)
    beta = q @ (x.T @ (vinv * y))
    return vinv, q, beta


def _moment_start(y: FloatArray, psi: FloatArray, x: FloatArray) -> float:
    """Prasad and Rao's moment estimate of ``σ²_u`` (0 if negative): where scoring starts."""
    m, p = x.shape
    hat = x @ np.linalg.pinv(x)
    resid = y - hat @ y
    leverage = np.diag(hat)
    return max(0.0, float((resid @ resid - np.sum(psi * (1.0 - leverage))) / (m - p)))


def _score_and_information(
    a: float, y: FloatArray, psi: FloatArray, x: FloatArray
) -> tuple[float, float]:
    vinv, q, beta = _gls(a, y, psi, x)
    # With D = V⁻¹ and P = D − D X Q Xᵀ D: tr P = tr D − tr(Q Xᵀ D² X) and
    # tr P² = tr D² − 2 tr(Q Xᵀ D³ X) + tr((Q Xᵀ D² X)²), all p × p (no m × m matrix).
    d2 = vinv * vinv
    qm2 = q @ (x.T @ (d2[:, None] * x))
    qm3 = q @ (x.T @ ((d2 * vinv)[:, None] * x))
    py = vinv * (y - x @ beta)
    trace_p = float(np.sum(vinv)) - float(np.trace(qm2))
    trace_p2 = float(np.sum(d2)) - 2.0 * float(np.trace(qm3)) + float(np.sum(qm2 * qm2.T))
    score = 0.5 * (float(py @ py) - trace_p)
    information = 0.5 * trace_p2
    return score, information


def _restricted_loglik(a: float, y: FloatArray, psi: FloatArray, x: FloatArray) -> float:
    vinv, q, beta = _gls(a, y, psi, x)
    resid = y - x @ beta
    _sign, logdet_q = np.linalg.slogdet(q)
    return -0.5 * (float(np.sum(np.log(a + psi))) - float(logdet_q) + float(resid @ (vinv * resid)))


def _predict(
    a: float, y: FloatArray, psi: FloatArray, x: FloatArray, iterations: int
) -> FayHerriotResult:
    vinv, q, beta = _gls(a, y, psi, x)
    synthetic = x @ beta
    gamma = a * vinv
    eblup = gamma * y + (1.0 - gamma) * synthetic
    g1 = gamma * psi
    g2 = (1.0 - gamma) ** 2 * np.einsum("ij,jk,ik->i", x, q, x)
    var_a = 2.0 / float(np.sum(vinv * vinv))
    g3 = psi * psi * vinv**3 * var_a
    mse = g1 + g2 + 2.0 * g3
    return FayHerriotResult(
        estimates=tuple(float(v) for v in eblup),
        mse=tuple(float(v) for v in mse),
        shrinkage=tuple(float(v) for v in gamma),
        synthetic=tuple(float(v) for v in synthetic),
        between_variance=float(a),
        coefficients=tuple(float(v) for v in beta),
        coefficient_standard_errors=tuple(math.sqrt(float(v)) for v in np.diag(q)),
        iterations=iterations,
        method="REML",
        mse_method="datta-lahiri",
    )
