"""Coverage simulations: the nominal 95 % intervals cover the truth about 95 % of the time."""

from __future__ import annotations

import math

import numpy as np

from survey_service.scoring import mean_ci, mean_of_estimates, proportion_ci

LEVELS = np.array([0.0, 25.0, 50.0, 75.0, 100.0])  # 5-point Likert rescaled to 0–100
PROBS = np.array([0.08, 0.12, 0.25, 0.35, 0.20])
TRUE_MEAN = float(PROBS @ LEVELS)


def _binomial_se(reps: int, p: float = 0.95) -> float:
    return math.sqrt(p * (1 - p) / reps)


def test_mean_ci_coverage_likert() -> None:
    # 2,500 samples per size. The Monte-Carlo SE of a coverage estimate is
    # sqrt(.95 × .05 / 2500) = 0.0044; we allow 4 SE (false-alarm rate ~1e-4 per size).
    # For n < 20 the t interval on a skewed, 5-valued distribution genuinely under-covers
    # a little (e.g. all-equal samples give zero-width intervals), so there we allow a
    # further 0.025 below 0.95. With the fixed seed the test is deterministic.
    rng = np.random.default_rng(20240601)
    reps = 2500
    tol = 4 * _binomial_se(reps)
    for n in (5, 10, 20, 50, 100, 300, 1000, 2000):
        samples = rng.choice(LEVELS, size=(reps, n), p=PROBS)
        hits = 0
        for row in samples:
            ci = mean_ci(row).confidence_interval
            assert ci is not None
            hits += ci.low <= TRUE_MEAN <= ci.high
        coverage = hits / reps
        slack = 0.025 if n < 20 else 0.0
        assert 0.95 - tol - slack <= coverage <= 0.95 + tol, (n, coverage)


def test_weighted_mean_ci_coverage() -> None:
    # Weights independent of y (lognormal, CV ≈ 0.5): the Hájek mean is consistent for the
    # population mean and the linearised interval should cover ~95 %. 1,500 reps per size,
    # tolerance 4 Monte-Carlo SEs (4 × 0.0056).
    rng = np.random.default_rng(99)
    reps = 1500
    tol = 4 * _binomial_se(reps)
    for n in (30, 200, 1000):
        hits = 0
        for _ in range(reps):
            y = rng.choice(LEVELS, size=n, p=PROBS)
            w = rng.lognormal(0.0, 0.5, size=n)
            ci = mean_ci(y, weights=w).confidence_interval
            assert ci is not None
            hits += ci.low <= TRUE_MEAN <= ci.high
        assert abs(hits / reps - 0.95) <= tol, (n, hits / reps)


def test_wilson_coverage() -> None:
    # Wilson's coverage oscillates with n and p (its minimum for these cells is ~0.92),
    # so each cell must reach 0.90 and the mean over the 12 cells must be within
    # 4 Monte-Carlo SEs (sqrt(.95 × .05 / 24000) = 0.0014 → 0.0056) plus 0.005 for the
    # residual oscillation of 0.95. Intervals depend only on the number of successes, so
    # each distinct count is computed once by proportion_ci.
    rng = np.random.default_rng(4242)
    reps = 2000
    coverages = []
    for p in (0.1, 0.3, 0.5):
        for n in (10, 40, 200, 1000):
            counts = rng.binomial(n, p, size=reps)
            cache: dict[int, bool] = {}
            hits = 0
            for k in counts.tolist():
                if k not in cache:
                    x = np.zeros(n)
                    x[:k] = 1.0
                    ci = proportion_ci(x).confidence_interval
                    assert ci is not None
                    cache[k] = ci.low <= p <= ci.high
                hits += cache[k]
            coverages.append(hits / reps)
            assert hits / reps >= 0.90, (p, n, hits / reps)
    mean_cov = float(np.mean(coverages))
    assert abs(mean_cov - 0.95) <= 4 * _binomial_se(reps * len(coverages)) + 0.005, coverages


def test_mean_of_estimates_coverage() -> None:
    # Four municipalities of very different sizes and spreads (normal scores): the interval of
    # the average municipality should cover the average of the four true means ~95 % of the
    # time, which tests the Welch–Satterthwaite degrees of freedom (with ν = Σ(n_i − 1) = 121
    # instead, coverage falls to about 0.91). 3,000 reps; 4 Monte-Carlo SEs (4 × 0.004).
    rng = np.random.default_rng(2024)
    reps = 3000
    sizes = (5, 8, 30, 80)
    means = np.array([40.0, 55.0, 60.0, 70.0])
    spreads = (30.0, 20.0, 15.0, 10.0)
    truth = float(means.mean())
    hits = 0
    for _ in range(reps):
        parts = [
            mean_ci(rng.normal(mu, sd, size=n))
            for mu, sd, n in zip(means, spreads, sizes, strict=True)
        ]
        low, high = mean_of_estimates(parts).confidence_interval
        hits += low <= truth <= high
    assert abs(hits / reps - 0.95) <= 4 * _binomial_se(reps), hits / reps
