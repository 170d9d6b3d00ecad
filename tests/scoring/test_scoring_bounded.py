"""The bounded-scale interval of ``mean_ci(..., scale=...)``: its formula, checked by
inverting the score test numerically, and its guarantees (on the scale, never zero-width)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, stats
from scoring.scoring_data import N_POP, W, Y

from survey_service.scoring import MeanStats, mean_ci, mean_ci_from_stats


def _score_interval(
    values: np.ndarray,
    scale: tuple[float, float],
    *,
    weights: np.ndarray | None = None,
    population_size: float | None = None,
) -> tuple[float, float]:
    """The interval by root-finding: μ where (p̂ − μ)² = q² V(μ), written out separately."""
    low, high = scale
    n = len(values)
    w = np.ones(n) if weights is None else weights
    p = (np.sum(w * values) / np.sum(w) - low) / (high - low)
    u = (values - low) / (high - low)
    z = w * (u - p) / np.sum(w)
    f = 1.0 if population_size is None else 1.0 - n / population_size
    v = n / (n - 1) * np.sum(z * z) * f
    m = np.sum(w) ** 2 / np.sum(w * w)
    c = 2.0 * 100.0 / (100.0 + m)
    q = stats.t.ppf(0.975, n - 1)

    def excess(mu: float) -> float:
        allowed = ((m - 1) * m * v + c * f * mu * (1 - mu)) / ((m - 1 + c) * m)
        return float((p - mu) ** 2 - q * q * allowed)

    lower = 0.0 if excess(0.0) <= 0 else optimize.brentq(excess, 0.0, p, xtol=1e-15)
    upper = 1.0 if excess(1.0) <= 0 else optimize.brentq(excess, p, 1.0, xtol=1e-15)
    return low + (high - low) * lower, low + (high - low) * upper


@pytest.mark.parametrize(
    ("values", "scale", "kwargs"),
    [
        (Y, (0.0, 100.0), {}),
        (Y, (0.0, 100.0), {"weights": W}),
        (Y, (0.0, 100.0), {"weights": W, "population_size": N_POP}),
        (np.array([4.0, 5.0, 5.0, 3.0, 5.0]), (1.0, 5.0), {}),
        (np.array([9.0, 10.0, 10.0, 10.0, 8.0, 10.0, 1.0, 10.0]), (1.0, 10.0), {}),
    ],
)
def test_interval_is_the_inverted_score_test(
    values: np.ndarray, scale: tuple[float, float], kwargs: dict[str, object]
) -> None:
    res = mean_ci(values, scale=scale, **kwargs)  # type: ignore[arg-type]
    assert res.confidence_interval is not None
    expected = _score_interval(values, scale, **kwargs)  # type: ignore[arg-type]
    assert res.confidence_interval.low == pytest.approx(expected[0], rel=1e-9)
    assert res.confidence_interval.high == pytest.approx(expected[1], rel=1e-9)
    assert res.interval_method == "bounded-score"
    # The estimate and standard error are those of the t interval.
    t = mean_ci(values, **kwargs)  # type: ignore[arg-type]
    assert (res.estimate, res.standard_error) == (t.estimate, t.standard_error)
    assert t.interval_method == "t"


@pytest.mark.parametrize("value", [1.0, 3.0, 4.0, 5.0])
def test_all_equal_answers_never_give_a_zero_width_interval(value: float) -> None:
    for n in (2, 5, 12, 30):
        ci = mean_ci(np.full(n, value), scale=(1.0, 5.0)).confidence_interval
        assert ci is not None
        assert 1.0 <= ci.low < ci.high <= 5.0
        assert ci.low <= value <= ci.high


def test_all_answers_at_the_top_reach_down_like_wilson() -> None:
    # Five answers of 100: (p̂ − μ)² = q² c μ(1 − μ)/((4 + c)·5) with c = 200/105 gives
    # 1 − μ = q² c μ / (5 (4 + c)), so μ = 1 / (1 + q² c / (5 (4 + c))).
    c = 200.0 / 105.0
    q = stats.t.ppf(0.975, 4)
    lower = 100.0 / (1.0 + q * q * c / (5.0 * (4.0 + c)))
    ci = mean_ci(np.full(5, 100.0), scale=(0.0, 100.0)).confidence_interval
    assert ci is not None
    assert ci.low == pytest.approx(lower, rel=1e-12)
    assert ci.high == 100.0


def test_interval_stays_on_the_scale() -> None:
    rng = np.random.default_rng(5)
    for _ in range(300):
        n = int(rng.integers(2, 15))
        values = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], size=n, p=[0.05, 0, 0, 0.15, 0.8])
        res = mean_ci(values, scale=(0.0, 100.0))
        assert res.confidence_interval is not None
        low, high = res.confidence_interval
        assert 0.0 <= low <= res.estimate <= high <= 100.0
        assert high > low


def test_census_has_no_sampling_error() -> None:
    # With n = N nothing is unknown: the interval is the mean itself.
    ci = mean_ci([50.0, 75.0, 100.0], scale=(0.0, 100.0), population_size=3).confidence_interval
    assert ci is not None
    assert ci.low == ci.high == pytest.approx(75.0)


def test_sufficient_statistics_give_the_same_interval() -> None:
    raw = mean_ci(Y, weights=W, scale=(0.0, 100.0), population_size=N_POP)
    merged = mean_ci_from_stats(
        MeanStats.from_values(Y, W), scale=(0.0, 100.0), population_size=N_POP
    )
    assert merged.confidence_interval == pytest.approx(raw.confidence_interval, rel=1e-10)
    assert merged.interval_method == "bounded-score"


def test_without_scale_nothing_changes() -> None:
    # The t interval: estimate ± t(19) × SE (R's values are pinned in test_scoring_estimates).
    res = mean_ci(Y)
    q = stats.t.ppf(0.975, 19)
    assert res.confidence_interval is not None and res.standard_error is not None
    assert res.confidence_interval.low == pytest.approx(62.5 - q * res.standard_error)
    assert math.isclose(res.confidence_interval.high, 62.5 + q * res.standard_error)


@pytest.mark.parametrize(
    ("scale", "message"),
    [
        ((100.0, 0.0), "low < high"),
        ((0.0,), "a pair"),
        ("0-100", "a pair"),
        ((0.0, math.inf), "finite"),
        ((True, 5), "a pair"),
        ((0.0, 50.0), "values must lie on the scale \\[0, 50\\]; got 75.0"),
    ],
)
def test_scale_validation(scale: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mean_ci(Y, scale=scale)  # type: ignore[arg-type]
