"""Input validation for weighting and sufficient statistics: one ``validate_*`` function per
public function, as in ``_validation`` (split off to keep each module one screenful of rules).

Every failure is a :class:`ValueError` whose message quotes the offending value and says what
is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import FloatArray, _confidence_level, _drop_missing, _population_size, _weights

# --------------------------------------------------------------------------- weighting


def _counts(name: str, counts: Mapping[Any, object]) -> dict[Any, float]:
    if not isinstance(counts, Mapping) or len(counts) == 0:
        raise ValueError(f"{name} must be a non-empty mapping stratum -> count; got {counts!r}")
    out: dict[Any, float] = {}
    for key, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise ValueError(f"{name}[{key!r}] must be a finite number > 0; got {value!r}")
        v = float(value)
        if not (math.isfinite(v) and v > 0.0):
            raise ValueError(f"{name}[{key!r}] must be a finite number > 0; got {value!r}")
        out[key] = v
    return out


def _strata_against_counts(
    name: str, labels: NDArray[Any], w: FloatArray, counts: Mapping[Any, float]
) -> list[NDArray[np.bool_]]:
    present = set(labels.tolist())
    missing = sorted(repr(s) for s in present if s not in counts)
    if missing:
        raise ValueError(
            f"{name}: no population count for stratum {missing[0]}; "
            f"population counts are given for {sorted(map(repr, counts))}"
        )
    masks: list[NDArray[np.bool_]] = []
    for key in counts:
        mask = np.asarray(labels == key, dtype=np.bool_)
        if not mask.any():
            raise ValueError(
                f"{name}: stratum {key!r} has a population count but no respondents; "
                f"strata with respondents are {sorted(map(repr, present))}"
            )
        if not float(np.sum(w[mask])) > 0.0:
            raise ValueError(f"{name}: stratum {key!r} has respondents whose weights sum to 0")
        masks.append(mask)
    return masks


def validate_poststratify(
    strata: ArrayLike,
    population_counts: Mapping[Any, object],
    weights: ArrayLike | None,
) -> tuple[FloatArray, list[NDArray[np.bool_]], list[float]]:
    labels = np.asarray(strata)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(
            f"strata must be a non-empty 1-D array of labels; got shape {labels.shape!r}"
        )
    w = _weights(weights, labels.shape[0])
    if w is None:
        w = np.ones(labels.shape[0])
    counts = _counts("population_counts", population_counts)
    masks = _strata_against_counts("poststratify", labels, w, counts)
    return w, masks, list(counts.values())


def validate_rake(
    margins_labels: Mapping[str, ArrayLike],
    margins_counts: Mapping[str, Mapping[Any, object]],
    weights: ArrayLike | None,
    max_iter: object,
    tol: object,
) -> tuple[FloatArray, list[tuple[list[NDArray[np.bool_]], FloatArray]]]:
    if not isinstance(margins_labels, Mapping) or len(margins_labels) == 0:
        raise ValueError(
            f"margins_labels must be a non-empty mapping margin -> labels; got {margins_labels!r}"
        )
    if set(margins_labels) != set(margins_counts):
        raise ValueError(
            f"margins_labels and margins_counts must have the same margins; got "
            f"{sorted(margins_labels)!r} and {sorted(margins_counts)!r}"
        )
    if isinstance(max_iter, bool) or not isinstance(max_iter, int | np.integer) or max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1; got {max_iter!r}")
    if (
        isinstance(tol, bool)
        or not isinstance(tol, int | float | np.floating)
        or not (math.isfinite(float(tol)) and float(tol) > 0.0)
    ):
        raise ValueError(f"tol must be a finite number > 0; got {tol!r}")
    size: int | None = None
    arrays: dict[str, NDArray[Any]] = {}
    for margin, labels in margins_labels.items():
        arr = np.asarray(labels)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"margins_labels[{margin!r}] must be a non-empty 1-D array; got shape {arr.shape!r}"
            )
        if size is None:
            size = arr.shape[0]
        elif arr.shape[0] != size:
            raise ValueError(
                f"margins_labels[{margin!r}] has length {arr.shape[0]}; all margins must have "
                f"the same length ({size})"
            )
        arrays[margin] = arr
    assert size is not None
    w = _weights(weights, size)
    if w is None:
        w = np.ones(size)
    plans: list[tuple[list[NDArray[np.bool_]], FloatArray]] = []
    totals: dict[str, float] = {}
    for margin, arr in arrays.items():
        counts = _counts(f"margins_counts[{margin!r}]", margins_counts[margin])
        masks = _strata_against_counts(f"rake margin {margin!r}", arr, w, counts)
        target = np.array(list(counts.values()), dtype=np.float64)
        totals[margin] = float(target.sum())
        plans.append((masks, target))
    first = next(iter(totals.values()))
    for margin, total in totals.items():
        if abs(total - first) > 1e-9 * max(abs(first), 1.0):
            raise ValueError(
                f"all margins must have the same population total; got totals {totals!r} "
                f"(margin {margin!r} differs)"
            )
    return w, plans


# --------------------------------------------------------------------------- sufficient stats


def validate_stats_values(
    values: ArrayLike, weights: ArrayLike | None
) -> tuple[FloatArray, FloatArray | None]:
    y, w, _ = _drop_missing("values", values, weights)
    return y, w


def validate_from_stats(
    n: int, sum_w: float, population_size: object, confidence_level: object
) -> tuple[float | None, float]:
    level = _confidence_level(confidence_level)
    if n < 1:
        raise ValueError(f"stats must describe at least one value; got n = {n}")
    if not sum_w > 0.0:
        raise ValueError(f"stats must have a positive weight total; got sum_w = {sum_w!r}")
    return _population_size(population_size, n), level
