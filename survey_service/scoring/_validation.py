"""Input validation: one private ``validate_*`` function per public function.

Every failure is a :class:`ValueError` whose message quotes the offending value
and says what is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._results import SupportsEstimate

FloatArray = NDArray[np.float64]

PROPORTION_METHODS = ("wilson", "clopper-pearson", "agresti-coull", "korn-graubard")


# --------------------------------------------------------------------------- helpers


def _confidence_level(confidence_level: object) -> float:
    if type(confidence_level) is float and 0.0 < confidence_level < 1.0:
        return confidence_level  # the usual case, without the general checks
    if isinstance(confidence_level, bool) or not isinstance(
        confidence_level, int | float | np.integer | np.floating
    ):
        raise ValueError(
            f"confidence_level must be a number in the open interval (0, 1); "
            f"got {confidence_level!r}"
        )
    level = float(confidence_level)
    if not (0.0 < level < 1.0):
        raise ValueError(
            f"confidence_level must be in the open interval (0, 1); got {confidence_level!r}"
        )
    return level


def _float_vector(name: str, values: ArrayLike) -> FloatArray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{name} must be numeric (a 1-D array of numbers); got {values!r}"
        ) from exc
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got an array of shape {arr.shape!r}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty; at least one value is required")
    return arr


def _values(name: str, values: ArrayLike) -> FloatArray:
    arr = _float_vector(name, values)
    bad = np.isinf(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must be finite numbers or NaN (missing); got {float(arr[i])!r} at index {i}"
        )
    return arr


def _weights(weights: ArrayLike | None, size: int) -> FloatArray | None:
    if weights is None:
        return None
    w = _float_vector("weights", weights)
    if w.shape[0] != size:
        raise ValueError(
            f"weights must have the same length as the values ({size}); got length {w.shape[0]}"
        )
    bad = ~np.isfinite(w)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"weights must be finite numbers >= 0; got {float(w[i])!r} at index {i}")
    neg = w < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise ValueError(f"weights must be finite numbers >= 0; got {float(w[i])!r} at index {i}")
    return w


def _labels(name: str, labels: ArrayLike, size: int) -> NDArray[Any]:
    arr = np.asarray(labels)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got an array of shape {arr.shape!r}")
    if arr.shape[0] != size:
        raise ValueError(
            f"{name} must have the same length as the values ({size}); got length {arr.shape[0]}"
        )
    return arr


def _label_codes(name: str, labels: ArrayLike, keep: NDArray[np.bool_]) -> NDArray[np.intp]:
    """The labels of the values in ``keep`` as codes 0, 1, ... (in sorted order of the
    labels), for grouping."""
    kept = _labels(name, labels, keep.shape[0])[keep]
    try:
        _, inverse = np.unique(kept, return_inverse=True)
    except TypeError as exc:
        raise ValueError(
            f"{name} labels must be mutually comparable (all str or all numbers); got {labels!r}"
        ) from exc
    return np.asarray(inverse, dtype=np.intp).reshape(-1)


def _population_size(population_size: object, n: int) -> float | None:
    if population_size is None:
        return None
    if isinstance(population_size, bool) or not isinstance(
        population_size, int | float | np.integer | np.floating
    ):
        raise ValueError(
            f"population_size must be None or a finite number >= n = {n}; got {population_size!r}"
        )
    size = float(population_size)
    if not math.isfinite(size) or size < n:
        raise ValueError(
            f"population_size must be None or a finite number >= n = {n} "
            f"(the number of non-missing values); got {population_size!r}"
        )
    return size


def _positive_weight_total(w: FloatArray) -> None:
    if w.size and not float(np.sum(w)) > 0.0:
        raise ValueError(
            "weights of the non-missing values sum to 0; at least one weight must be > 0"
        )


# --------------------------------------------------------------------------- mean_ci


@dataclass(frozen=True, slots=True)
class MeanInput:
    y: FloatArray
    w: FloatArray | None
    strata: NDArray[np.intp] | None
    population_size: float | None
    confidence_level: float


def _drop_missing(
    name: str,
    values: ArrayLike,
    weights: ArrayLike | None,
    poststrata: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray | None, NDArray[np.intp] | None]:
    y = _values(name, values)
    w = _weights(weights, y.shape[0])
    keep = ~np.isnan(y)
    codes = None if poststrata is None else _label_codes("poststrata", poststrata, keep)
    y = y[keep]
    if w is not None:
        w = w[keep]
    if y.size == 0:
        raise ValueError(f"{name} has no non-missing values (all {keep.size} are NaN)")
    if w is not None:
        _positive_weight_total(w)
    return y, w, codes


def validate_mean_ci(
    values: ArrayLike,
    weights: ArrayLike | None,
    poststrata: ArrayLike | None,
    population_size: object,
    confidence_level: object,
) -> MeanInput:
    level = _confidence_level(confidence_level)
    y, w, codes = _drop_missing("values", values, weights, poststrata)
    size = _population_size(population_size, y.shape[0])
    return MeanInput(y, w, codes, size, level)


# --------------------------------------------------------------------------- proportion_ci


def validate_proportion_ci(
    successes: ArrayLike,
    weights: ArrayLike | None,
    population_size: object,
    confidence_level: object,
    method: object,
) -> MeanInput:
    level = _confidence_level(confidence_level)
    if method not in PROPORTION_METHODS:
        raise ValueError(f"method must be one of {PROPORTION_METHODS!r}; got {method!r}")
    y, w, _ = _drop_missing("successes", successes, weights)
    bad = (y != 0.0) & (y != 1.0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"successes must contain only 0/1 (or False/True) and NaN; got {float(y[i])!r}"
        )
    size = _population_size(population_size, y.shape[0])
    return MeanInput(y, w, None, size, level)


# --------------------------------------------------------------------------- cronbach_alpha


def validate_cronbach_alpha(items: ArrayLike, confidence_level: object) -> tuple[FloatArray, float]:
    level = _confidence_level(confidence_level)
    try:
        x = np.asarray(items, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"items must be a numeric 2-D array; got {items!r}") from exc
    if x.ndim != 2:
        raise ValueError(
            f"items must be 2-D (rows respondents, columns items); got shape {x.shape!r}"
        )
    if x.shape[1] < 2:
        raise ValueError(f"items must have at least 2 columns (items); got {x.shape[1]}")
    if np.isinf(x).any():
        raise ValueError("items must be finite numbers or NaN (missing); got an infinite value")
    complete = x[~np.isnan(x).any(axis=1)]
    if complete.shape[0] < 2:
        raise ValueError(
            f"items must have at least 2 complete rows (after listwise deletion of rows with "
            f"NaN); got {complete.shape[0]}"
        )
    if float(np.var(complete.sum(axis=1))) == 0.0:
        raise ValueError(
            "the total score has zero variance, so alpha is undefined; "
            "items must vary across respondents"
        )
    return complete, level


def validate_alpha_moments(
    n: object, sums: ArrayLike, cross_products: ArrayLike, confidence_level: object
) -> tuple[float, FloatArray, FloatArray]:
    level = _confidence_level(confidence_level)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be a whole number of complete rows >= 2; got {n!r}")
    s = np.asarray(sums, dtype=np.float64)
    p = np.asarray(cross_products, dtype=np.float64)
    if s.ndim != 1 or s.shape[0] < 2:
        raise ValueError(f"sums must be 1-D with at least 2 items; got shape {s.shape!r}")
    k = s.shape[0]
    if p.shape != (k, k):
        raise ValueError(f"cross_products must have shape {(k, k)!r}; got {p.shape!r}")
    if not (np.isfinite(s).all() and np.isfinite(p).all()):
        raise ValueError("sums and cross_products must be finite numbers")
    return level, s, p


# --------------------------------------------------------------------------- difference_ci


def _standard_error_and_df(
    name: str, se: float | None, df: float | None, function: str
) -> tuple[float, float]:
    """An estimate's standard error and degrees of freedom, both usable for a t interval."""
    if se is None or df is None:
        raise ValueError(
            f"{name} has standard_error={se!r} and degrees_of_freedom={df!r}; "
            f"{function} needs an estimate from at least 2 values (finite SE, df > 0)"
        )
    if not (math.isfinite(se) and se >= 0.0):
        raise ValueError(f"{name}.standard_error must be a finite number >= 0; got {se!r}")
    if not (math.isfinite(df) and df > 0.0):
        raise ValueError(f"{name}.degrees_of_freedom must be a finite number > 0; got {df!r}")
    return se, df


def validate_difference_ci(
    a_se: float | None,
    a_df: float | None,
    b_se: float | None,
    b_df: float | None,
    confidence_level: object,
) -> tuple[float, float, float, float, float]:
    level = _confidence_level(confidence_level)
    se_a, df_a = _standard_error_and_df("a", a_se, a_df, "difference_ci")
    se_b, df_b = _standard_error_and_df("b", b_se, b_df, "difference_ci")
    return se_a, df_a, se_b, df_b, level


# --------------------------------------------------------------------------- mean_of_estimates


@dataclass(frozen=True, slots=True)
class EstimatesInput:
    estimates: list[float]
    standard_errors: list[float]
    degrees_of_freedom: list[float]
    n: int
    n_effective: float
    confidence_level: float


def validate_mean_of_estimates(
    estimates: Sequence[SupportsEstimate], confidence_level: object
) -> EstimatesInput:
    level = _confidence_level(confidence_level)
    if isinstance(estimates, str | bytes) or not isinstance(estimates, Sequence):
        raise ValueError(
            f"estimates must be a sequence of results (estimate, standard_error, "
            f"degrees_of_freedom, n, n_effective); got {estimates!r}"
        )
    if len(estimates) == 0:
        raise ValueError("estimates is empty; at least one estimate is required")
    values: list[float] = []
    ses: list[float] = []
    dfs: list[float] = []
    for i, result in enumerate(estimates):
        name = f"estimates[{i}]"
        try:
            value = float(result.estimate)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"{name}.estimate must be a finite number; got {result.estimate!r}"
            ) from exc
        if not math.isfinite(value):
            raise ValueError(f"{name}.estimate must be a finite number; got {result.estimate!r}")
        se, df = _standard_error_and_df(
            name, result.standard_error, result.degrees_of_freedom, "mean_of_estimates"
        )
        values.append(value)
        ses.append(float(se))
        dfs.append(float(df))
    return EstimatesInput(
        estimates=values,
        standard_errors=ses,
        degrees_of_freedom=dfs,
        n=sum(int(result.n) for result in estimates),
        n_effective=sum(float(result.n_effective) for result in estimates),
        confidence_level=level,
    )
