"""Coverage of the bounded-scale interval (``mean_ci(..., scale=...)``) on skewed scales.

Each cell draws ``REPS`` seeded samples and counts how often the 95 % interval covers the
true mean. The Monte-Carlo standard error of a coverage estimate near 0.93 is
``sqrt(.93 × .07 / REPS)``; a cell passes when its estimate is at least 0.93 minus three of
them (a cell whose true coverage is 0.93 fails with probability ~0.001). The seed makes the
test deterministic; the estimates themselves (bounded / t) are in the comments.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from survey_service.scoring import mean_ci

REPS = 2000
TARGET = 0.93
TOLERANCE = 3 * math.sqrt(TARGET * (1 - TARGET) / REPS)  # 0.017
SIZES = (5, 8, 12, 20, 30, 50, 100)

Draw = Callable[[np.random.Generator, int, int], np.ndarray]


def _categorical(levels: list[float], probs: list[float]) -> Draw:
    values = np.array(levels)

    def draw(rng: np.random.Generator, reps: int, n: int) -> np.ndarray:
        return rng.choice(values, size=(reps, n), p=probs)

    return draw


def _dimension(items: int, probs: list[float], rho: float) -> Draw:
    """Person scores (0–100): the mean of ``items`` 1–5 items that share a latent factor."""
    cuts = np.quantile(np.random.default_rng(0).standard_normal(400_000), np.cumsum(probs)[:-1])

    def draw(rng: np.random.Generator, reps: int, n: int) -> np.ndarray:
        factor = rng.standard_normal((reps, n, 1))
        latent = math.sqrt(rho) * factor + math.sqrt(1 - rho) * rng.standard_normal(
            (reps, n, items)
        )
        return np.searchsorted(cuts, latent).mean(axis=-1) * 25.0

    return draw


def _percent(rng: np.random.Generator, reps: int, n: int) -> np.ndarray:
    """A 0–100 rating, top-heavy: Beta(4, 1) × 100 rounded to whole points."""
    return np.round(rng.beta(4.0, 1.0, size=(reps, n)) * 100.0)


LIKERT = [1.0, 2.0, 3.0, 4.0, 5.0]
# name: (draw, scale, true mean)
CASES: dict[str, tuple[Draw, tuple[float, float], float]] = {
    # The skewed Likert distribution the t interval under-covers (92 % at n = 5).
    "likert 1-5 (.02 .05 .13 .40 .40)": (
        _categorical(LIKERT, [0.02, 0.05, 0.13, 0.40, 0.40]),
        (1.0, 5.0),
        1 * 0.02 + 2 * 0.05 + 3 * 0.13 + 4 * 0.40 + 5 * 0.40,
    ),
    "likert 1-5 bottom-heavy (.40 .40 .13 .05 .02)": (
        _categorical(LIKERT, [0.40, 0.40, 0.13, 0.05, 0.02]),
        (1.0, 5.0),
        1 * 0.40 + 2 * 0.40 + 3 * 0.13 + 4 * 0.05 + 5 * 0.02,
    ),
    "terningkast 1-6": (
        _categorical([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [0.02, 0.03, 0.07, 0.18, 0.35, 0.35]),
        (1.0, 6.0),
        float(np.dot([1, 2, 3, 4, 5, 6], [0.02, 0.03, 0.07, 0.18, 0.35, 0.35])),
    ),
    # Top-heavy 1–10 with a thin tail at 1: t covers 87 % at n = 5 and 12, 92 % at n = 30.
    "top-heavy 1-10": (
        _categorical(
            [float(v) for v in range(1, 11)],
            [0.03, 0.01, 0.01, 0.01, 0.02, 0.04, 0.08, 0.15, 0.25, 0.40],
        ),
        (1.0, 10.0),
        float(np.dot(range(1, 11), [0.03, 0.01, 0.01, 0.01, 0.02, 0.04, 0.08, 0.15, 0.25, 0.40])),
    ),
}


def _true_mean(draw: Draw) -> float:
    return float(draw(np.random.default_rng(7), 1, 2_000_000).mean())


def _coverage(draw: Draw, scale: tuple[float, float], mu: float, n: int, seed: int) -> float:
    samples = np.sort(draw(np.random.default_rng(seed), REPS, n), axis=1)
    # The interval depends on the sample's values only, not their order: compute each once.
    covered: dict[bytes, bool] = {}
    hits = 0
    for row in samples:
        key = row.tobytes()
        if key not in covered:
            ci = mean_ci(row, scale=scale).confidence_interval
            assert ci is not None
            assert scale[0] <= ci.low < ci.high <= scale[1], (row, ci)
            covered[key] = ci.low <= mu <= ci.high
        hits += covered[key]
    return hits / REPS


@pytest.mark.parametrize("name", sorted(CASES))
def test_bounded_interval_covers_skewed_scales(name: str) -> None:
    draw, scale, mu = CASES[name]
    for i, n in enumerate(SIZES):
        coverage = _coverage(draw, scale, mu, n, seed=1000 * i + len(name))
        assert coverage >= TARGET - TOLERANCE, (name, n, coverage)


@pytest.mark.parametrize(
    ("name", "draw"),
    [
        ("dimension of 4 items", _dimension(4, [0.02, 0.05, 0.13, 0.40, 0.40], 0.5)),
        ("0-100 rating", _percent),
    ],
)
def test_bounded_interval_covers_continuous_scores(name: str, draw: Draw) -> None:
    mu = _true_mean(draw)
    for i, n in enumerate(SIZES):
        coverage = _coverage(draw, (0.0, 100.0), mu, n, seed=77 + i)
        assert coverage >= TARGET - TOLERANCE, (name, n, coverage)


def test_t_interval_under_covers_the_same_data() -> None:
    # The cases are hard: the t interval misses the target well beyond the Monte-Carlo error.
    draw, _scale, mu = CASES["top-heavy 1-10"]
    samples = draw(np.random.default_rng(12), REPS, 12)
    hits = 0
    for row in samples:
        ci = mean_ci(row).confidence_interval
        assert ci is not None
        hits += ci.low <= mu <= ci.high
    assert hits / REPS < TARGET - TOLERANCE


def test_weighted_bounded_interval_covers_with_kish_effective_n() -> None:
    # Weights independent of y (lognormal, CV ≈ 0.5); the bounded interval uses Kish's n_eff.
    draw, scale, mu = CASES["likert 1-5 (.02 .05 .13 .40 .40)"]
    rng = np.random.default_rng(31)
    for n in (8, 20, 50):
        hits = 0
        for _ in range(REPS):
            y = draw(rng, 1, n)[0]
            w = rng.lognormal(0.0, 0.5, size=n)
            ci = mean_ci(y, weights=w, scale=scale).confidence_interval
            assert ci is not None
            hits += ci.low <= mu <= ci.high
        assert hits / REPS >= TARGET - TOLERANCE, (n, hits / REPS)


@pytest.mark.parametrize("n", [200, 400])
def test_bounded_interval_approaches_t(n: int) -> None:
    # Both end points within 1 % of the t interval's width, for every case and 200 samples.
    cases = [(draw, scale) for draw, scale, _ in CASES.values()]
    cases += [(_dimension(4, [0.02, 0.05, 0.13, 0.40, 0.40], 0.5), (0.0, 100.0))]
    cases += [(_percent, (0.0, 100.0))]
    rng = np.random.default_rng(n)
    for draw, scale in cases:
        for row in draw(rng, 200, n):
            bounded = mean_ci(row, scale=scale).confidence_interval
            t = mean_ci(row).confidence_interval
            assert bounded is not None and t is not None
            width = t.high - t.low
            low, high = max(t.low, scale[0]), min(t.high, scale[1])
            assert abs(bounded.low - low) < 0.01 * width
            assert abs(bounded.high - high) < 0.01 * width
