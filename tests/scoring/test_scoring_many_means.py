"""Many means at once (``many_means.means_from_stats``) and many groups' leave-one-out
benchmarks at once (``leave_one_out_tables``) give the same floats, exactly, as the
one-at-a-time functions they stand in for in the scores across surveys."""

from __future__ import annotations

import numpy as np
import pytest

from survey_service.scoring import (
    MeanStats,
    leave_one_out_differences,
    mean_ci_from_stats,
)
from survey_service.scoring.benchmarks import leave_one_out_tables
from survey_service.scoring.many_means import means_from_stats

SCALES = [(0.0, 100.0), (1.0, 6.0), (1.0, 5.0)]


def _stats(rng: np.random.Generator) -> tuple[MeanStats, float | None, tuple[float, float]]:
    scale = SCALES[int(rng.integers(len(SCALES)))]
    low, high = scale
    n = int(rng.choice([1, 2, 3, 5, 9, 10, 40, 250]))
    kind = rng.random()
    if kind < 0.15:  # all alike, on the bound or inside
        y = np.full(n, float(rng.choice([low, high, (low + high) / 2])))
    else:
        y = np.round(rng.uniform(low, high, n), 2)
    stats = MeanStats.from_values(y)
    population = [None, None, float(n), float(n + int(rng.integers(1, 500)))][int(rng.integers(4))]
    return stats, population, scale


@pytest.mark.parametrize("level", [0.95, 0.9, 0.99])
def test_means_from_stats_are_mean_ci_from_stats_one_at_a_time(level):
    rng = np.random.default_rng(20261207)
    cases = [_stats(rng) for _ in range(400)]
    arrays = means_from_stats(
        [s.n for s, _, _ in cases],
        [s.sum_w for s, _, _ in cases],
        [s.sum_wy for s, _, _ in cases],
        [s.sum_w2 for s, _, _ in cases],
        [s.sum_w2y for s, _, _ in cases],
        [s.sum_w2y2 for s, _, _ in cases],
        population_size=[np.nan if p is None else p for _, p, _ in cases],
        scale_low=[lo for _, _, (lo, _hi) in cases],
        scale_high=[hi for _, _, (_lo, hi) in cases],
        confidence_level=level,
    )
    singles = 0
    for i, (stats, population, scale) in enumerate(cases):
        one = mean_ci_from_stats(
            stats, population_size=population, scale=scale, confidence_level=level
        )
        assert arrays.estimate[i] == one.estimate
        assert arrays.n_effective[i] == one.n_effective
        assert arrays.design_effect[i] == one.design_effect
        if one.standard_error is None:
            singles += 1
            assert np.isnan(arrays.standard_error[i]) and np.isnan(arrays.low[i])
            continue
        assert one.confidence_interval is not None
        assert arrays.standard_error[i] == one.standard_error
        assert (arrays.low[i], arrays.high[i]) == tuple(one.confidence_interval)
        assert arrays.degrees_of_freedom[i] == one.degrees_of_freedom
    assert singles > 0  # n = 1 was among them


@pytest.mark.parametrize("pooling", ["municipalities", "population"])
def test_leave_one_out_tables_are_the_differences_group_by_group(pooling):
    rng = np.random.default_rng(7)
    groups = []
    for k in (2, 3, 4, 7, 20):
        groups.append(
            (
                rng.uniform(40, 80, k),
                np.where(rng.random(k) < 0.2, 0.0, rng.uniform(0.5, 6.0, k)),
                rng.integers(4, 120, k).astype(float),
                rng.integers(800, 90_000, k).astype(float),
            )
        )
    tables = leave_one_out_tables(groups, pooling=pooling, confidence_level=0.9)
    for (theta, se, df, populations), table in zip(groups, tables, strict=True):
        each = leave_one_out_differences(
            theta,
            se,
            degrees_of_freedom=df,
            populations=populations,
            pooling=pooling,
            confidence_level=0.9,
        )
        assert table.k == len(each)
        for j, one in enumerate(each):
            bench = one.benchmark
            assert table.benchmark[j] == bench.estimate
            assert table.benchmark_standard_error[j] == bench.standard_error
            assert (table.benchmark_low[j], table.benchmark_high[j]) == tuple(
                bench.confidence_interval
            )
            assert table.benchmark_degrees_of_freedom[j] == bench.degrees_of_freedom
            assert table.difference[j] == one.estimate
            assert table.difference_standard_error[j] == one.standard_error
            assert (table.low[j], table.high[j]) == tuple(one.confidence_interval)
            assert table.difference_degrees_of_freedom[j] == one.degrees_of_freedom
            assert table.verdict[j] == one.verdict


def test_leave_one_out_tables_refuse_what_the_differences_refuse():
    with pytest.raises(ValueError, match="leaves none to pool"):
        leave_one_out_tables([([50.0], [1.0], [9.0], None)])
    with pytest.raises(ValueError):
        leave_one_out_tables([([50.0, 60.0], [1.0, -1.0], [9.0, 9.0], None)])
