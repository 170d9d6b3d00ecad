"""Input validation for a mean's scale bounds and raking margins (split off ``_validation`` to
keep each module one screenful of rules).

Every failure is a :class:`ValueError` whose message quotes the offending value and says what
is allowed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._validation import FloatArray, _label_codes, _values

_PLAIN = (float, int)


def validate_scale(scale: object) -> tuple[float, float] | None:
    """``None`` or a pair ``(low, high)`` of finite numbers with ``low < high``."""
    if scale is None:
        return None
    # The usual case, a tuple of two plain numbers, without the general checks (a score
    # read validates hundreds of scales).
    if type(scale) is tuple and len(scale) == 2:
        low, high = scale
        if type(low) in _PLAIN and type(high) in _PLAIN:
            bounds = (float(low), float(high))
            if math.isfinite(bounds[0]) and math.isfinite(bounds[1]) and bounds[0] < bounds[1]:
                return bounds
    message = (
        f"scale must be None or a pair (low, high) of finite numbers, low < high; got {scale!r}"
    )
    if not isinstance(scale, Sequence) or isinstance(scale, str | bytes):
        raise ValueError(message)
    pair = tuple(scale)
    if len(pair) != 2 or any(
        isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating)
        for v in pair
    ):
        raise ValueError(message)
    bounds = (float(pair[0]), float(pair[1]))
    if not (math.isfinite(bounds[0]) and math.isfinite(bounds[1]) and bounds[0] < bounds[1]):
        raise ValueError(message)
    return bounds


def validate_within_scale(y: FloatArray, scale: tuple[float, float] | None) -> None:
    if scale is None:
        return
    outside = (y < scale[0]) | (y > scale[1])
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise ValueError(
            f"values must lie on the scale [{scale[0]:g}, {scale[1]:g}]; got {float(y[i])!r}"
        )


def validate_raking_margins(
    raking_margins: object,
    values: ArrayLike,
    *,
    weighted: bool,
    poststratified: bool,
) -> list[NDArray[np.intp]] | None:
    """Each margin's category codes (0, 1, …) of the non-missing values, or ``None``."""
    if raking_margins is None:
        return None
    if not isinstance(raking_margins, Mapping) or not raking_margins:
        raise ValueError(
            f"raking_margins must be None or a non-empty mapping margin name -> a label per "
            f"value; got {raking_margins!r}"
        )
    if not weighted:
        raise ValueError("raking_margins needs the raked weights: pass weights= as well")
    if poststratified:
        raise ValueError("pass either poststrata or raking_margins, not both")
    y = _values("values", values)
    keep = ~np.isnan(y)
    return [
        _label_codes(f"raking_margins[{name!r}]", labels, keep)
        for name, labels in raking_margins.items()
    ]
