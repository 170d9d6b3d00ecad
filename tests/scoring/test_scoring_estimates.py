"""mean_ci against R's survey package (svymean) and its documented edge cases."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scoring.scoring_data import N_POP, POP, RTOL, S, W, Y

from survey_service.scoring import ConfidenceInterval, MeanResult, mean_ci, poststratify

# The data and the R session they come from: scoring_data.py (d0, p()).


def _check(res: MeanResult, estimate: float, se: float) -> None:
    assert res.estimate == pytest.approx(estimate, rel=RTOL)
    assert res.standard_error == pytest.approx(se, rel=RTOL)


def test_srs_matches_svymean_and_t_test() -> None:
    # m <- svymean(~y, svydesign(ids=~1, data=d0)); p("srs", c(coef(m), SE(m)))
    # p("srs_t", c(mean(y), sd(y)/sqrt(20), t.test(y)$conf.int))
    res = mean_ci(Y)
    _check(res, 62.5, 6.412364700532212)
    assert res.confidence_interval is not None
    assert res.confidence_interval.low == pytest.approx(49.078766436147355, rel=RTOL)
    assert res.confidence_interval.high == pytest.approx(75.921233563852653, rel=RTOL)
    assert res.n == 20 and res.n_effective == 20.0 and res.degrees_of_freedom == 19.0
    assert res.method == "srs" and res.design_effect == 1.0


def test_srs_with_fpc_matches_svymean() -> None:
    # m <- svymean(~y, svydesign(ids=~1, fpc=~N, data=d0)); p("srs_fpc", c(coef(m), SE(m)))
    _check(mean_ci(Y, population_size=N_POP), 62.5, 6.2828086243754333)


def test_weighted_matches_svymean() -> None:
    # m <- svymean(~y, svydesign(ids=~1, weights=~w, data=d0)); p("w", c(coef(m), SE(m)))
    res = mean_ci(Y, weights=W)
    _check(res, 61.39575971731449, 8.6846126937263701)
    assert res.method == "taylor"
    kish = W.sum() ** 2 / (W**2).sum()
    assert res.n_effective == pytest.approx(kish, rel=1e-12)
    assert res.design_effect == pytest.approx(20 / kish, rel=1e-12)


def test_weighted_with_fpc_matches_svymean() -> None:
    # dd <- svydesign(ids=~1, weights=~w, fpc=~N, data=d0)
    # m <- svymean(~y, dd); p("w_fpc", c(coef(m), SE(m)))
    # p("w_fpc_ci", confint(m, df=degf(dd), level=0.9))
    res = mean_ci(Y, weights=W, population_size=N_POP, confidence_level=0.9)
    _check(res, 61.39575971731449, 8.5091478853309344)
    assert res.confidence_interval is not None
    assert res.confidence_interval.low == pytest.approx(46.6823129107011, rel=RTOL)
    assert res.confidence_interval.high == pytest.approx(76.109206523927881, rel=RTOL)


def test_poststratified_matches_postStratify() -> None:
    # pop <- data.frame(s=c("a","b","c"), Freq=c(200,180,120))
    # ps <- postStratify(svydesign(ids=~1, weights=~w, data=d0), ~s, pop)
    # m <- svymean(~y, ps); p("ps", c(coef(m), SE(m)))
    # p("ps_ci", confint(m, df=degf(ps)))   # degf(ps) = 19
    pw = poststratify(S, POP, weights=W)
    res = mean_ci(Y, weights=pw, poststrata=S)
    _check(res, 61.323394495412842, 8.0570285727810731)
    assert res.confidence_interval is not None
    assert res.confidence_interval.low == pytest.approx(44.459839885527003, rel=RTOL)
    assert res.confidence_interval.high == pytest.approx(78.18694910529868, rel=RTOL)
    assert res.method == "taylor-poststratified"
    assert res.degrees_of_freedom == 19.0


def test_poststratified_with_fpc_matches_postStratify() -> None:
    # ps2 <- postStratify(svydesign(ids=~1, weights=~w, fpc=~N, data=d0), ~s, pop)
    # m <- svymean(~y, ps2); p("ps_fpc", c(coef(m), SE(m)))
    pw = poststratify(S, POP, weights=W)
    res = mean_ci(Y, weights=pw, poststrata=S, population_size=N_POP)
    _check(res, 61.323394495412842, 7.8942435385352914)


def test_nan_values_are_dropped_with_their_weights() -> None:
    # d0$y[c(3, 11)] <- NA   # 1-based: Python indices 2 and 10
    # dd <- svydesign(ids=~1, weights=~w, data=d0[!is.na(d0$y),])
    # m <- svymean(~y, dd); p("w_na", c(coef(m), SE(m), confint(m, df=degf(dd))))
    y = Y.copy()
    y[[2, 10]] = np.nan
    res = mean_ci(y, weights=W)
    _check(res, 58.368644067796609, 9.3416117472991527)
    assert res.n == 18 and res.degrees_of_freedom == 17.0
    assert res.confidence_interval is not None
    assert res.confidence_interval.low == pytest.approx(38.65956608127415, rel=RTOL)
    assert res.confidence_interval.high == pytest.approx(78.077722054319068, rel=RTOL)


def test_poststrata_labels_are_dropped_with_nan_values() -> None:
    y = Y.copy()
    y[[0, 7]] = np.nan
    keep = ~np.isnan(y)
    a = mean_ci(y, weights=W, poststrata=S)
    b = mean_ci(Y[keep], weights=W[keep], poststrata=S[keep])
    assert a == b


def test_unit_weights_equal_unweighted() -> None:
    a = mean_ci(Y, population_size=N_POP)
    b = mean_ci(Y, weights=np.ones_like(Y), population_size=N_POP)
    assert b.estimate == pytest.approx(a.estimate, rel=1e-12)
    assert b.standard_error == pytest.approx(a.standard_error, rel=1e-12)


def test_single_value_gives_documented_result() -> None:
    res = mean_ci([np.nan, 42.0, np.nan], weights=[1.0, 2.0, 3.0])
    assert res.estimate == 42.0
    assert res.n == 1
    assert res.standard_error is None
    assert res.confidence_interval is None
    assert res.degrees_of_freedom is None


def test_constant_values_give_zero_width_interval() -> None:
    res = mean_ci([50.0, 50.0, 50.0])
    assert res.standard_error == 0.0
    assert res.confidence_interval == ConfidenceInterval(50.0, 50.0)


def test_census_gives_zero_standard_error() -> None:
    res = mean_ci(Y, population_size=20)
    assert res.standard_error == 0.0
    assert res.confidence_interval == ConfidenceInterval(62.5, 62.5)


def test_result_is_frozen() -> None:
    res = mean_ci(Y)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.estimate = 1.0  # type: ignore[misc]
    assert isinstance(res.confidence_interval, tuple)
    assert res.confidence_interval is not None and res.confidence_interval.low < 62.5


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": []}, "values is empty"),
        ({"values": [np.nan, np.nan]}, "no non-missing values"),
        ({"values": [[1.0, 2.0]]}, "must be 1-D"),
        ({"values": ["a", "b"]}, "must be numeric"),
        ({"values": [1.0, math.inf]}, "got inf at index 1"),
        ({"values": [1.0, 2.0], "weights": [1.0]}, "same length as the values (2); got length 1"),
        (
            {"values": [1.0, 2.0], "weights": [1.0, -0.5]},
            "weights must be finite numbers >= 0; got -0.5",
        ),
        ({"values": [1.0, 2.0], "weights": [1.0, np.nan]}, "got nan at index 1"),
        ({"values": [1.0, 2.0], "weights": [1.0, np.inf]}, "got inf at index 1"),
        ({"values": [1.0, 2.0], "weights": [0.0, 0.0]}, "sum to 0"),
        ({"values": [1.0, 2.0], "confidence_level": 95}, "open interval (0, 1); got 95"),
        ({"values": [1.0, 2.0], "confidence_level": 0.0}, "open interval (0, 1); got 0.0"),
        ({"values": [1.0, 2.0], "confidence_level": "high"}, "got 'high'"),
        ({"values": [1.0, 2.0], "population_size": 1}, "population_size must be None or a finite"),
        ({"values": [1.0, 2.0], "poststrata": ["a"]}, "poststrata must have the same length"),
    ],
)
def test_validation_errors(kwargs: dict[str, object], message: str) -> None:
    values = kwargs.pop("values")
    with pytest.raises(ValueError) as excinfo:
        mean_ci(values, **kwargs)  # type: ignore[arg-type]
    assert message in str(excinfo.value)


def test_population_size_message_quotes_value_and_bound() -> None:
    with pytest.raises(ValueError, match=r">= n = 3 .*got 2"):
        mean_ci([1.0, 2.0, 3.0], population_size=2)
