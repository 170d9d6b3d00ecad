"""MeanStats route == raw-value route (unweighted, weighted, post-stratified, 1e6 rows)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pytest
from scoring.scoring_data import N_POP, POP, S, W, Y, assert_same_result

from survey_service.scoring import (
    MeanStats,
    mean_ci,
    mean_ci_from_stats,
    mean_ci_from_strata_stats,
    poststratify,
)


@pytest.mark.parametrize("weights", [None, W])
@pytest.mark.parametrize("population_size", [None, N_POP])
def test_stats_equal_raw(weights: np.ndarray | None, population_size: int | None) -> None:
    raw = mean_ci(Y, weights=weights, population_size=population_size, confidence_level=0.9)
    # Merge in three uneven batches, as the service does.
    parts = [slice(0, 3), slice(3, 11), slice(11, 20)]
    stats = sum(
        (MeanStats.from_values(Y[p], None if weights is None else weights[p]) for p in parts),
        MeanStats(),
    )
    via = mean_ci_from_stats(stats, population_size=population_size, confidence_level=0.9)
    assert_same_result(via, raw, rel=1e-10)


def test_svymean_reference_via_stats() -> None:
    # R 4.2.2 / survey 4.1.1 (the data: scoring_data.py):
    #   m <- svymean(~y, svydesign(ids=~1, weights=~w, fpc=~N, data=d0))
    #   sprintf("%.17g", c(coef(m), SE(m)))
    res = mean_ci_from_stats(MeanStats.from_values(Y, W), population_size=N_POP)
    assert res.estimate == pytest.approx(61.39575971731449, rel=1e-8)
    assert res.standard_error == pytest.approx(8.5091478853309344, rel=1e-8)


def test_strata_stats_equal_raw_poststratified() -> None:
    # R: svymean(~y, postStratify(svydesign(ids=~1, weights=~w, data=d0), ~s, pop))
    #    -> 61.323394495412842, SE 8.0570285727810731
    pw = poststratify(S, POP, weights=W)
    strata: Mapping[str, MeanStats] = {k: MeanStats.from_values(Y[S == k], pw[S == k]) for k in POP}
    raw = mean_ci(Y, weights=pw, poststrata=S, population_size=N_POP)
    via = mean_ci_from_strata_stats(strata, population_size=N_POP)
    assert_same_result(via, raw, rel=1e-10)
    plain = mean_ci_from_strata_stats(strata)
    assert plain.estimate == pytest.approx(61.323394495412842, rel=1e-8)
    assert plain.standard_error == pytest.approx(8.0570285727810731, rel=1e-8)


def test_strata_stats_ignore_empty_strata() -> None:
    pw = poststratify(S, POP, weights=W)
    strata = {k: MeanStats.from_values(Y[S == k], pw[S == k]) for k in POP}
    with_empty = {**strata, "z": MeanStats()}
    assert mean_ci_from_strata_stats(with_empty) == mean_ci_from_strata_stats(strata)


def test_million_rows_stats_match_raw() -> None:
    rng = np.random.default_rng(12345)
    n = 1_000_000
    y = rng.choice([0.0, 25.0, 50.0, 75.0, 100.0], size=n, p=[0.1, 0.15, 0.3, 0.3, 0.15])
    w = rng.lognormal(0.0, 0.5, size=n)
    labels = rng.integers(0, 6, size=n)
    for weights in (None, w):
        chunks = np.array_split(np.arange(n), 7)
        stats = sum(
            (MeanStats.from_values(y[c], None if weights is None else weights[c]) for c in chunks),
            MeanStats(),
        )
        assert_same_result(
            mean_ci_from_stats(stats, population_size=5_000_000),
            mean_ci(y, weights=weights, population_size=5_000_000),
            rel=1e-9,
        )
    strata = {int(h): MeanStats.from_values(y[labels == h], w[labels == h]) for h in range(6)}
    assert_same_result(
        mean_ci_from_strata_stats(strata),
        mean_ci(y, weights=w, poststrata=labels),
        rel=1e-9,
    )


def test_nan_dropped_in_from_values() -> None:
    y = np.array([1.0, np.nan, 3.0])
    st = MeanStats.from_values(y, [1.0, 100.0, 3.0])
    assert st.n == 2 and st.sum_w == 4.0 and st.sum_wy == 10.0
    assert st.mean == 2.5


def test_unweighted_fields_and_merge_identity() -> None:
    st = MeanStats.from_values([1.0, 2.0, 3.0])
    assert (st.n, st.sum_w, st.sum_wy, st.sum_w2, st.sum_w2y, st.sum_w2y2) == (
        3,
        3.0,
        6.0,
        3.0,
        6.0,
        14.0,
    )
    assert not st.weighted
    assert st + MeanStats() == st
    assert sum([st, st]) == st + st
    assert (st + MeanStats.from_values([1.0], [2.0])).weighted
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.n = 5  # type: ignore[misc]


def test_single_and_empty_stats() -> None:
    one = mean_ci_from_stats(MeanStats.from_values([42.0]))
    assert one.estimate == 42.0 and one.n == 1
    assert one.standard_error is None and one.confidence_interval is None
    assert one.degrees_of_freedom is None
    with pytest.raises(ValueError, match="at least one value; got n = 0"):
        mean_ci_from_stats(MeanStats())
    with pytest.raises(ValueError, match="non-empty mapping"):
        mean_ci_from_strata_stats({})
    with pytest.raises(ValueError, match=r"strata_stats\['a'\] must be a MeanStats; got float"):
        mean_ci_from_strata_stats({"a": 1.0})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="weights must be finite numbers >= 0; got -1.0"):
        MeanStats.from_values([1.0, 2.0], [1.0, -1.0])
