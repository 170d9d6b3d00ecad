"""MeanStats route == raw-value route (unweighted, weighted, post-stratified, 1e6 rows)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pytest

from survey_service.scoring import (
    MeanResult,
    MeanStats,
    mean_ci,
    mean_ci_from_stats,
    mean_ci_from_strata_stats,
    poststratify,
)

Y = np.array(
    [75, 50, 100, 25, 75, 75, 50, 0, 100, 75, 50, 25, 75, 100, 50, 75, 25, 50, 100, 75],
    dtype=float,
)
W = np.array(
    [
        1.2,
        0.8,
        2.5,
        1.0,
        0.6,
        1.9,
        1.1,
        3.0,
        0.7,
        1.4,
        2.2,
        0.9,
        1.3,
        1.6,
        0.5,
        2.8,
        1.0,
        1.7,
        0.9,
        1.2,
    ]
)
S = np.array(list("abcabcaabccabbcabcac"))
POP = {"a": 200.0, "b": 180.0, "c": 120.0}


def _assert_same(a: MeanResult, b: MeanResult, rel: float) -> None:
    assert a.n == b.n
    assert a.method == b.method
    assert a.estimate == pytest.approx(b.estimate, rel=rel)
    assert a.standard_error == pytest.approx(b.standard_error, rel=rel)
    assert a.n_effective == pytest.approx(b.n_effective, rel=rel)
    assert a.design_effect == pytest.approx(b.design_effect, rel=rel)
    assert a.degrees_of_freedom == b.degrees_of_freedom
    assert a.confidence_interval is not None and b.confidence_interval is not None
    assert a.confidence_interval.low == pytest.approx(b.confidence_interval.low, rel=rel)
    assert a.confidence_interval.high == pytest.approx(b.confidence_interval.high, rel=rel)


@pytest.mark.parametrize("weights", [None, W])
@pytest.mark.parametrize("population_size", [None, 500])
def test_stats_equal_raw(weights: np.ndarray | None, population_size: int | None) -> None:
    raw = mean_ci(Y, weights=weights, population_size=population_size, confidence_level=0.9)
    # Merge in three uneven batches, as the service does.
    parts = [slice(0, 3), slice(3, 11), slice(11, 20)]
    stats = sum(
        (MeanStats.from_values(Y[p], None if weights is None else weights[p]) for p in parts),
        MeanStats(),
    )
    via = mean_ci_from_stats(stats, population_size=population_size, confidence_level=0.9)
    _assert_same(via, raw, rel=1e-10)


def test_svymean_reference_via_stats() -> None:
    # R 4.2.2 / survey 4.1.1 (see test_scoring_estimates.py for the data):
    #   m <- svymean(~y, svydesign(ids=~1, weights=~w, fpc=~N, data=d0))
    #   sprintf("%.17g", c(coef(m), SE(m)))
    res = mean_ci_from_stats(MeanStats.from_values(Y, W), population_size=500)
    assert res.estimate == pytest.approx(61.39575971731449, rel=1e-8)
    assert res.standard_error == pytest.approx(8.5091478853309344, rel=1e-8)


def test_strata_stats_equal_raw_poststratified() -> None:
    # R: svymean(~y, postStratify(svydesign(ids=~1, weights=~w, data=d0), ~s, pop))
    #    -> 61.323394495412842, SE 8.0570285727810731
    pw = poststratify(S, POP, weights=W)
    strata: Mapping[str, MeanStats] = {k: MeanStats.from_values(Y[S == k], pw[S == k]) for k in POP}
    raw = mean_ci(Y, weights=pw, poststrata=S, population_size=500)
    via = mean_ci_from_strata_stats(strata, population_size=500)
    _assert_same(via, raw, rel=1e-10)
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
        _assert_same(
            mean_ci_from_stats(stats, population_size=5_000_000),
            mean_ci(y, weights=weights, population_size=5_000_000),
            rel=1e-9,
        )
    strata = {int(h): MeanStats.from_values(y[labels == h], w[labels == h]) for h in range(6)}
    _assert_same(
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
