"""Quantiles of the t, F and normal distributions, cached by their arguments.

scipy's ``ppf`` costs tens of microseconds a call, more than the interval it serves; a read
asks for the same few quantiles over and over (the degrees of freedom follow the number of
respondents, which moves only when a snapshot does). The cache returns exactly what
``ppf`` would: the same call's result, kept.
"""

from __future__ import annotations

from functools import lru_cache

from scipy import stats

__all__ = ["f_quantile", "normal_quantile", "t_quantile"]

#: Distinct arguments kept per distribution (a float key and value: a few hundred kB).
_KEPT = 4096


@lru_cache(maxsize=_KEPT)
def t_quantile(probability: float, degrees_of_freedom: float) -> float:
    """``t_{ν}^{-1}(p)``: ``stats.t.ppf(probability, degrees_of_freedom)`` as a float."""
    return float(stats.t.ppf(probability, degrees_of_freedom))


@lru_cache(maxsize=_KEPT)
def f_quantile(probability: float, dfn: float, dfd: float) -> float:
    """``F_{ν1, ν2}^{-1}(p)``: ``stats.f.ppf(probability, dfn, dfd)`` as a float."""
    return float(stats.f.ppf(probability, dfn, dfd))


@lru_cache(maxsize=64)
def normal_quantile(probability: float) -> float:
    """``Φ^{-1}(p)``: ``stats.norm.ppf(probability)`` as a float."""
    return float(stats.norm.ppf(probability))
