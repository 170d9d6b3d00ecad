"""Input validation of :mod:`.benchmarks` and :mod:`.small_area`; every failure is a
:class:`ValueError` that quotes the bad value and says what is allowed."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import _confidence_level, _float_vector

FloatArray = NDArray[np.float64]

POOLINGS = ("municipalities", "population")


@dataclass(frozen=True, slots=True)
class PoolInput:
    estimates: FloatArray
    variances: FloatArray
    degrees_of_freedom: FloatArray
    weights: FloatArray
    pooling: str
    confidence_level: float


def _finite(
    name: str, values: ArrayLike, *, low: float | None = None, strict: bool = False
) -> FloatArray:
    arr = _float_vector(name, values)
    # All at once; the loop below only finds and words the first bad value.
    fine = np.isfinite(arr)
    if low is not None:
        fine &= arr > low if strict else arr >= low
    if bool(fine.all()):
        return arr
    for i, value in enumerate(arr):
        bad = not math.isfinite(value) or (
            low is not None and (value <= low if strict else value < low)
        )
        if bad:
            allowed = (
                "finite numbers"
                if low is None
                else f"finite numbers {'>' if strict else '>='} {low:g}"
            )
            raise ValueError(f"{name} must be {allowed}; got {float(value)!r} at index {i}")
    return arr


def _same_length(name: str, arr: FloatArray, size: int) -> None:
    if arr.shape[0] != size:
        raise ValueError(
            f"{name} must have one value per estimate ({size}); got length {arr.shape[0]}"
        )


def validate_pool(
    estimates: ArrayLike,
    standard_errors: ArrayLike,
    degrees_of_freedom: ArrayLike,
    populations: ArrayLike | None,
    pooling: object,
    confidence_level: object,
) -> PoolInput:
    level = _confidence_level(confidence_level)
    if pooling not in POOLINGS:
        raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}; got {pooling!r}")
    theta = _finite("estimates", estimates)
    k = theta.shape[0]
    se = _finite("standard_errors", standard_errors, low=0.0)
    _same_length("standard_errors", se, k)
    df = _finite("degrees_of_freedom", degrees_of_freedom, low=0.0, strict=True)
    _same_length("degrees_of_freedom", df, k)
    if pooling == "population":
        if populations is None:
            raise ValueError("pooling='population' needs populations (one per estimate); got None")
        weights = _finite("populations", populations, low=0.0, strict=True)
        _same_length("populations", weights, k)
    else:
        weights = np.ones(k)
    return PoolInput(theta, se * se, df, weights, str(pooling), level)


def validate_leave_out(leave_out: object, k: int) -> int | None:
    if leave_out is None:
        if k < 1:
            raise ValueError("estimates is empty; at least one estimate is required")
        return None
    if isinstance(leave_out, bool) or not isinstance(leave_out, int | np.integer):
        raise ValueError(
            f"leave_out must be an index into the estimates or None; got {leave_out!r}"
        )
    if not 0 <= int(leave_out) < k:
        raise ValueError(f"leave_out must be an index from 0 to {k - 1}; got {leave_out!r}")
    if k < 2:
        raise ValueError(
            f"leaving one out of {k} estimate leaves none to pool; at least 2 are required"
        )
    return int(leave_out)


def validate_compared(
    estimate: float, standard_error: float, degrees_of_freedom: float
) -> tuple[float, float, float]:
    theta = _finite("estimate", [estimate])
    se = _finite("standard_error", [standard_error], low=0.0)
    df = _finite("degrees_of_freedom", [degrees_of_freedom], low=0.0, strict=True)
    return float(theta[0]), float(se[0]), float(df[0])


@dataclass(frozen=True, slots=True)
class FayHerriotInput:
    estimates: FloatArray
    variances: FloatArray
    design: FloatArray
    tolerance: float
    max_iter: int


def validate_fay_herriot(
    estimates: ArrayLike,
    sampling_variances: ArrayLike,
    design: ArrayLike | None,
    tolerance: object,
    max_iter: object,
) -> FayHerriotInput:
    y = _finite("estimates", estimates)
    m = y.shape[0]
    psi = _finite("sampling_variances", sampling_variances, low=0.0, strict=True)
    _same_length("sampling_variances", psi, m)
    if design is None:
        x = np.ones((m, 1))
    else:
        try:
            x = np.asarray(design, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"design must be a numeric matrix; got {design!r}") from exc
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        if x.ndim != 2 or x.shape[0] != m:
            raise ValueError(
                f"design must be a matrix with one row per estimate ({m}); "
                f"got an array of shape {x.shape!r}"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError("design must hold finite numbers only")
    p = x.shape[1]
    if p == 0 or np.linalg.matrix_rank(x) < p:
        raise ValueError(
            f"design must have full column rank; its {p} columns have rank "
            f"{np.linalg.matrix_rank(x) if p else 0}"
        )
    if m <= p + 1:
        raise ValueError(
            f"the model needs at least {p + 2} areas (its {p} coefficients plus 2) to "
            f"estimate the variance of the area effects; got {m}"
        )
    if (
        isinstance(tolerance, bool)
        or not isinstance(tolerance, int | float)
        or not (0.0 < float(tolerance) < 1.0)
    ):
        raise ValueError(f"tolerance must be a number in (0, 1); got {tolerance!r}")
    if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1; got {max_iter!r}")
    return FayHerriotInput(y, psi, x, float(tolerance), int(max_iter))
