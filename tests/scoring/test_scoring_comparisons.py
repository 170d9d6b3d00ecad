"""difference_ci against scipy's Welch t-test."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from scoring.scoring_data import BASELINE, FOLLOW_UP

from survey_service.scoring import ConfidenceInterval, difference_ci, mean_ci, proportion_ci


@pytest.mark.parametrize("level", [0.95, 0.8])
def test_matches_scipy_welch(level: float) -> None:
    # Reference: scipy.stats.ttest_ind(b, a, equal_var=False) — b − a, as difference_ci(a, b).
    ref = stats.ttest_ind(FOLLOW_UP, BASELINE, equal_var=False)
    ref_ci = ref.confidence_interval(confidence_level=level)
    res = difference_ci(mean_ci(BASELINE), mean_ci(FOLLOW_UP), confidence_level=level)
    assert res.estimate == pytest.approx(FOLLOW_UP.mean() - BASELINE.mean(), rel=1e-12)
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert res.degrees_of_freedom == pytest.approx(ref.df, rel=1e-10)
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-10)
    assert res.confidence_interval.low == pytest.approx(ref_ci.low, rel=1e-10)
    assert res.confidence_interval.high == pytest.approx(ref_ci.high, rel=1e-10)
    assert res.method == "welch"
    assert res.n == BASELINE.size + FOLLOW_UP.size


def test_hard_coded_welch_reference() -> None:
    # Independent check against R 4.2.2:
    #   a <- c(50,75,25,50,100,75,50,25,75,50,0,50)
    #   b <- c(75,75,100,50,75,100,50,75,100,75,25,75,50,100,75,75,100)
    #   tt <- t.test(b, a)
    #   sprintf("%.17g", c(tt$statistic, tt$parameter, tt$p.value, tt$conf.int))
    res = difference_ci(mean_ci(BASELINE), mean_ci(FOLLOW_UP))
    assert res.statistic == pytest.approx(2.4328276294578317, rel=1e-8)
    assert res.degrees_of_freedom == pytest.approx(20.315679714877973, rel=1e-8)
    assert res.pvalue == pytest.approx(0.024333289637000894, rel=1e-8)
    assert res.confidence_interval.low == pytest.approx(3.286934571044887, rel=1e-8)
    assert res.confidence_interval.high == pytest.approx(42.54639876228844, rel=1e-8)


def test_order_flips_sign() -> None:
    ab = difference_ci(mean_ci(BASELINE), mean_ci(FOLLOW_UP))
    ba = difference_ci(mean_ci(FOLLOW_UP), mean_ci(BASELINE))
    assert ab.estimate == pytest.approx(-ba.estimate)
    assert ab.pvalue == pytest.approx(ba.pvalue)


def test_works_with_weighted_and_proportion_results() -> None:
    w = np.linspace(0.5, 2.0, BASELINE.size)
    a = mean_ci(BASELINE, weights=w, population_size=1000)
    b = mean_ci(FOLLOW_UP)
    res = difference_ci(a, b)
    assert a.standard_error is not None and b.standard_error is not None
    assert res.standard_error == pytest.approx(np.hypot(a.standard_error, b.standard_error))
    pa = proportion_ci(BASELINE >= 75)
    pb = proportion_ci(FOLLOW_UP >= 75)
    d = difference_ci(pa, pb)
    assert d.estimate == pytest.approx(pb.estimate - pa.estimate)
    assert 0.0 < d.pvalue < 1.0


def test_zero_standard_errors() -> None:
    same = difference_ci(mean_ci([5.0, 5.0]), mean_ci([5.0, 5.0, 5.0]))
    assert same.confidence_interval == ConfidenceInterval(0.0, 0.0)
    assert same.pvalue == 1.0 and same.statistic == 0.0 and same.degrees_of_freedom == 3.0
    differ = difference_ci(mean_ci([5.0, 5.0]), mean_ci([7.0, 7.0]))
    assert differ.pvalue == 0.0 and differ.statistic == np.inf


def test_single_value_side_is_an_error() -> None:
    with pytest.raises(ValueError, match="a has standard_error=None"):
        difference_ci(mean_ci([5.0]), mean_ci(FOLLOW_UP))
    with pytest.raises(ValueError, match=r"open interval \(0, 1\); got 2"):
        difference_ci(mean_ci(BASELINE), mean_ci(FOLLOW_UP), confidence_level=2)
