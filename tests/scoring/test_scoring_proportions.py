"""proportion_ci against R's prop.test / binom.test / svyciprop and its edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scoring.scoring_data import N_POP, RTOL, W, Y, ci_bounds

from survey_service.scoring import mean_ci, proportion_ci

# 7 successes in 23 trials (R 4.2.2; p() as in scoring_data.py):
X_7_23 = np.r_[np.ones(7), np.zeros(16)]

# Weighted data (y and w of scoring_data.py), successes = y >= 75:
#   d1 <- data.frame(y=y, w=w, N=500); d1$hi <- as.numeric(y >= 75)
HI = (Y >= 75).astype(float)


def test_wilson_matches_prop_test() -> None:
    # p("prop_test_7_23", prop.test(7, 23, correct=FALSE)$conf.int)
    res = proportion_ci(X_7_23)
    assert res.estimate == pytest.approx(7 / 23, rel=1e-15)
    assert ci_bounds(res) == pytest.approx((0.15604024453214027, 0.50865756268759199), rel=RTOL)
    assert res.method == "wilson" and res.n == 23 and res.degrees_of_freedom == 22.0


def test_wilson_matches_prop_test_at_90_percent_with_booleans() -> None:
    # p("prop_test_7_23_90", prop.test(7, 23, correct=FALSE, conf.level=0.9)$conf.int)
    res = proportion_ci(X_7_23.astype(bool), confidence_level=0.9)
    assert ci_bounds(res) == pytest.approx((0.17424907814592944, 0.47563188951102481), rel=RTOL)


def test_clopper_pearson_matches_binom_test() -> None:
    # p("binom_7_23", binom.test(7, 23)$conf.int)
    res = proportion_ci(X_7_23, method="clopper-pearson")
    assert ci_bounds(res) == pytest.approx((0.13210287969809992, 0.52919166600850653), rel=RTOL)


def test_agresti_coull_formula() -> None:
    # Agresti & Coull (1998): n~ = n + z², p~ = (x + z²/2)/n~, p~ ± z sqrt(p~(1-p~)/n~)
    z = stats.norm.ppf(0.975)
    nt = 23 + z * z
    pt = (7 + z * z / 2) / nt
    half = z * math.sqrt(pt * (1 - pt) / nt)
    res = proportion_ci(X_7_23, method="agresti-coull")
    assert ci_bounds(res) == pytest.approx((pt - half, pt + half), rel=1e-12)


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "agresti-coull", "korn-graubard"])
def test_zero_share_falls_back_to_clopper_pearson(method: str) -> None:
    # p("binom_0_15", binom.test(0, 15)$conf.int)  ->  0, 0.21801936091053398
    res = proportion_ci(np.zeros(15), method=method)
    assert res.estimate == 0.0
    assert res.method == "clopper-pearson"
    low, high = ci_bounds(res)
    assert low == 0.0
    assert high == pytest.approx(0.21801936091053398, rel=RTOL)


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "agresti-coull", "korn-graubard"])
def test_full_share_falls_back_to_clopper_pearson(method: str) -> None:
    # p("binom_15_15", binom.test(15, 15)$conf.int)  ->  0.78198063908946602, 1
    res = proportion_ci(np.ones(15), method=method)
    low, high = ci_bounds(res)
    assert low == pytest.approx(0.78198063908946602, rel=RTOL)
    assert high == 1.0
    assert res.method == "clopper-pearson"


@pytest.mark.parametrize("method", ["wilson", "clopper-pearson", "agresti-coull", "korn-graubard"])
@pytest.mark.parametrize("k", [0, 1, 2, 18, 19, 20])
def test_intervals_are_inside_unit_interval(method: str, k: int) -> None:
    x = np.r_[np.ones(k), np.zeros(20 - k)]
    for weights in (None, W):
        res = proportion_ci(x, weights=weights, method=method)
        low, high = ci_bounds(res)
        assert 0.0 <= low <= res.estimate <= high <= 1.0
        assert not (math.isnan(low) or math.isnan(high))


def test_korn_graubard_matches_svyciprop_beta() -> None:
    # dw <- svydesign(ids=~1, weights=~w, data=d1)
    # m <- svymean(~hi, dw); p("hi_w", c(coef(m), SE(m)))
    # p("kg_w_ci", attr(svyciprop(~hi, dw, method="beta"), "ci"))
    res = proportion_ci(HI, weights=W, method="korn-graubard")
    assert res.estimate == pytest.approx(0.56890459363957591, rel=RTOL)
    assert res.standard_error == pytest.approx(0.12710035686760526, rel=RTOL)
    assert ci_bounds(res) == pytest.approx((0.29740601136660749, 0.81285217309794777), rel=RTOL)


def test_korn_graubard_with_fpc_matches_svyciprop_beta() -> None:
    # dd <- svydesign(ids=~1, weights=~w, fpc=~N, data=d1)
    # p("kg_w_fpc_ci", attr(svyciprop(~hi, dd, method="beta"), "ci"))
    res = proportion_ci(HI, weights=W, population_size=N_POP, method="korn-graubard")
    assert ci_bounds(res) == pytest.approx((0.30279214062373283, 0.80852461398923259), rel=RTOL)


def test_weighted_wilson_uses_kish_effective_size() -> None:
    p = float(np.sum(W * HI) / np.sum(W))
    m = float(W.sum() ** 2 / (W**2).sum())
    z = stats.norm.ppf(0.975)
    centre = (p + z * z / (2 * m)) / (1 + z * z / m)
    half = z * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
    res = proportion_ci(HI, weights=W)
    assert res.n_effective == pytest.approx(m, rel=1e-12)
    assert ci_bounds(res) == pytest.approx((centre - half, centre + half), rel=1e-12)


def test_fpc_enlarges_effective_size() -> None:
    # documented choice: Wilson on m = n / (1 - n/N)
    res = proportion_ci(X_7_23, population_size=46)
    z = stats.norm.ppf(0.975)
    m, p = 23 / (1 - 23 / 46), 7 / 23
    centre = (p + z * z / (2 * m)) / (1 + z * z / m)
    half = z * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / (1 + z * z / m)
    assert ci_bounds(res) == pytest.approx((centre - half, centre + half), rel=1e-12)
    census = proportion_ci(X_7_23, population_size=23)
    assert ci_bounds(census) == (7 / 23, 7 / 23)


def test_standard_error_is_that_of_mean_ci() -> None:
    a = proportion_ci(HI, weights=W)
    b = mean_ci(HI, weights=W)
    assert a.standard_error == b.standard_error
    assert a.degrees_of_freedom == b.degrees_of_freedom
    assert a.design_effect == b.design_effect


def test_nan_dropped_and_single_value() -> None:
    res = proportion_ci([np.nan, 1.0, np.nan])
    assert res.n == 1 and res.estimate == 1.0
    assert res.standard_error is None and res.confidence_interval is None
    assert res.degrees_of_freedom is None
    assert proportion_ci([1.0, np.nan, 0.0]).n == 2


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ([0, 1, 2], {}, "only 0/1 (or False/True) and NaN; got 2.0"),
        ([0, 1, 0.5], {}, "got 0.5"),
        (
            [0, 1],
            {"method": "wald"},
            "method must be one of ('wilson', 'clopper-pearson', "
            "'agresti-coull', 'korn-graubard'); got 'wald'",
        ),
        ([0, 1], {"confidence_level": 1.0}, "open interval (0, 1); got 1.0"),
        ([0, 1], {"weights": [1, -1]}, "got -1.0 at index 1"),
        ([], {}, "successes is empty"),
    ],
)
def test_validation_errors(args: list[float], kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        proportion_ci(args, **kwargs)  # type: ignore[arg-type]
    assert message in str(excinfo.value)
