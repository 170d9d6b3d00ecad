"""mean_of_estimates against scipy's Welch t-test, R's t.test and Satterthwaite's formula."""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

import numpy as np
import pytest
from scipy import stats
from scoring.scoring_data import BASELINE, FOLLOW_UP, Y, ci_bounds

from survey_service.scoring import (
    ConfidenceInterval,
    difference_ci,
    mean_ci,
    mean_of_estimates,
    proportion_ci,
)


class Estimate(NamedTuple):
    estimate: float
    standard_error: float | None
    degrees_of_freedom: float | None
    n: int = 10
    n_effective: float = 10.0


def satterthwaite(samples: list[np.ndarray], level: float) -> tuple[float, ...]:
    """The mean of the sample means with Satterthwaite's (1946) degrees of freedom, from the
    raw values: v_i = s_i² / (n_i k²), ν = (Σ v_i)² / Σ v_i² / (n_i − 1); t from scipy."""
    k = len(samples)
    v = np.array([np.var(x, ddof=1) / x.size / k**2 for x in samples])
    nu = np.array([x.size - 1 for x in samples], dtype=float)
    estimate = float(np.mean([x.mean() for x in samples]))
    se = float(np.sqrt(v.sum()))
    df = float(v.sum() ** 2 / np.sum(v**2 / nu))
    q = float(stats.t.ppf((1 + level) / 2, df))
    return estimate, se, df, estimate - q * se, estimate + q * se


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_two_estimates_match_scipy_welch(level: float) -> None:
    # Reference: scipy.stats.ttest_ind(a, b, equal_var=False). Its df is the Welch df of
    # SE_a² + SE_b², which the mean (a + b)/2 shares (ν does not change when every v_i is
    # divided by k² = 4); its SE and interval half-width are twice the mean's.
    ref = stats.ttest_ind(BASELINE, FOLLOW_UP, equal_var=False)
    ref_low, ref_high = ref.confidence_interval(confidence_level=level)
    se_difference = (BASELINE.mean() - FOLLOW_UP.mean()) / ref.statistic
    res = mean_of_estimates([mean_ci(BASELINE), mean_ci(FOLLOW_UP)], confidence_level=level)
    assert res.estimate == pytest.approx((BASELINE.mean() + FOLLOW_UP.mean()) / 2, rel=1e-12)
    assert res.degrees_of_freedom == pytest.approx(ref.df, rel=1e-10)
    assert res.standard_error == pytest.approx(se_difference / 2, rel=1e-10)
    low, high = ci_bounds(res)
    assert (high - low) / 2 == pytest.approx((ref_high - ref_low) / 4, rel=1e-10)
    assert (low + high) / 2 == pytest.approx(res.estimate, rel=1e-12)


def test_two_estimates_match_r_welch_t_test() -> None:
    # R 4.2.2 (the reference of test_scoring_comparisons.py):
    #   a <- c(50,75,25,50,100,75,50,25,75,50,0,50)
    #   b <- c(75,75,100,50,75,100,50,75,100,75,25,75,50,100,75,75,100)
    #   tt <- t.test(b, a)
    #   sprintf("%.17g", c(tt$statistic, tt$parameter, tt$p.value, tt$conf.int))
    # The mean of a and b has t.test's df, and a quarter of its interval's width on each side.
    res = mean_of_estimates([mean_ci(BASELINE), mean_ci(FOLLOW_UP)])
    assert res.degrees_of_freedom == pytest.approx(20.315679714877973, rel=1e-8)
    low, high = ci_bounds(res)
    r_half_width = (42.54639876228844 - 3.286934571044887) / 2
    assert (high - low) / 2 == pytest.approx(r_half_width / 2, rel=1e-8)


@pytest.mark.parametrize("level", [0.95, 0.9])
def test_three_estimates_match_satterthwaite_formula(level: float) -> None:
    # Reference: Satterthwaite's formula computed above from the raw values (numpy) with
    # scipy's t quantile, independently of mean_ci's sums.
    samples = [BASELINE, FOLLOW_UP, Y]
    estimate, se, df, low, high = satterthwaite(samples, level)
    res = mean_of_estimates([mean_ci(x) for x in samples], confidence_level=level)
    assert res.estimate == pytest.approx(estimate, rel=1e-12)
    assert res.standard_error == pytest.approx(se, rel=1e-10)
    assert res.degrees_of_freedom == pytest.approx(df, rel=1e-10)
    assert ci_bounds(res) == pytest.approx((low, high), rel=1e-10)
    assert res.k == 3 and res.n == 49 and res.n_effective == 49.0
    assert res.confidence_level == level and res.method == "welch-satterthwaite"


def test_three_estimates_hard_coded_reference() -> None:
    # Computed with Python 3.11.7, numpy 2.4.6, scipy 1.17.1 as
    #   satterthwaite([BASELINE, FOLLOW_UP, Y], level)   # level 0.95, then 0.9
    # (the function above), printed with "%.17g".
    res95 = mean_of_estimates([mean_ci(x) for x in (BASELINE, FOLLOW_UP, Y)])
    assert res95.estimate == pytest.approx(63.19444444444445, rel=1e-10)
    assert res95.standard_error == pytest.approx(3.7983974699917256, rel=1e-10)
    assert res95.degrees_of_freedom == pytest.approx(35.382645684642576, rel=1e-10)
    assert ci_bounds(res95) == pytest.approx((55.486267554438633, 70.902621334450259), rel=1e-10)
    res90 = mean_of_estimates([mean_ci(x) for x in (BASELINE, FOLLOW_UP, Y)], confidence_level=0.9)
    assert ci_bounds(res90) == pytest.approx((56.778662642666582, 69.610226246222325), rel=1e-10)


def test_given_standard_errors_and_degrees_of_freedom() -> None:
    # Any estimates with a standard error and degrees of freedom, e.g. weighted ones.
    parts = [Estimate(60.0, 4.0, 9.0), Estimate(70.0, 2.0, 29.0), Estimate(50.0, 6.0, 4.0)]
    v = np.array([16.0, 4.0, 36.0]) / 9
    df = v.sum() ** 2 / np.sum(v**2 / np.array([9.0, 29.0, 4.0]))
    se = math.sqrt(16.0 + 4.0 + 36.0) / 3
    q = stats.t.ppf(0.975, df)
    res = mean_of_estimates(parts)
    assert res.estimate == pytest.approx(60.0, rel=1e-15)
    assert res.standard_error == pytest.approx(se, rel=1e-14)
    assert res.degrees_of_freedom == pytest.approx(df, rel=1e-14)
    assert ci_bounds(res) == pytest.approx((60.0 - q * se, 60.0 + q * se), rel=1e-13)
    assert mean_of_estimates(parts[::-1]).degrees_of_freedom == pytest.approx(df, rel=1e-14)


def test_one_estimate_is_itself() -> None:
    alone = mean_ci(Y)
    res = mean_of_estimates([alone], confidence_level=0.95)
    assert res.estimate == alone.estimate and res.standard_error == alone.standard_error
    assert res.degrees_of_freedom == alone.degrees_of_freedom
    assert alone.confidence_interval is not None
    assert ci_bounds(res) == pytest.approx(tuple(alone.confidence_interval), rel=1e-15)


def test_zero_standard_errors() -> None:
    res = mean_of_estimates([mean_ci([5.0, 5.0]), mean_ci([7.0, 7.0, 7.0])])
    assert res.estimate == 6.0 and res.standard_error == 0.0
    assert res.degrees_of_freedom == 3.0  # Σ ν_i
    assert res.confidence_interval == ConfidenceInterval(6.0, 6.0)
    # A zero part adds nothing to the variance or to the degrees of freedom's denominator.
    mixed = mean_of_estimates([Estimate(5.0, 0.0, 1.0), Estimate(7.0, 2.0, 12.0)])
    assert mixed.standard_error == pytest.approx(1.0, rel=1e-15)
    assert mixed.degrees_of_freedom == pytest.approx(12.0, rel=1e-15)


def test_result_is_frozen_and_comparable() -> None:
    res = mean_of_estimates([mean_ci(BASELINE), mean_ci(FOLLOW_UP), mean_ci(Y)])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 1.0  # type: ignore[misc]
    # It is an estimate like any other: a municipality compared with an average of others.
    other = mean_of_estimates([proportion_ci(Y >= 75), proportion_ci(BASELINE >= 75)])
    assert 0.0 < other.estimate < 1.0
    diff = difference_ci(res, mean_ci(FOLLOW_UP))
    assert diff.estimate == pytest.approx(FOLLOW_UP.mean() - res.estimate)


@pytest.mark.parametrize(
    ("estimates", "kwargs", "message"),
    [
        ([], {}, "estimates is empty"),
        (mean_ci(Y), {}, "estimates must be a sequence"),
        ([mean_ci(Y), mean_ci([5.0])], {}, "estimates[1] has standard_error=None"),
        ([Estimate(math.nan, 1.0, 3.0)], {}, "estimates[0].estimate must be a finite number"),
        ([Estimate(1.0, -1.0, 3.0)], {}, "estimates[0].standard_error must be a finite number"),
        ([Estimate(1.0, 1.0, 0.0)], {}, "estimates[0].degrees_of_freedom must be a finite"),
        ([mean_ci(Y)], {"confidence_level": 95}, "open interval (0, 1); got 95"),
    ],
)
def test_validation_errors(estimates: object, kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        mean_of_estimates(estimates, **kwargs)  # type: ignore[arg-type]
    assert message in str(excinfo.value)
