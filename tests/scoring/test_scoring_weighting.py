"""poststratify and rake."""

from __future__ import annotations

import numpy as np
import pytest
from scoring.scoring_data import POP, S, W

from survey_service.scoring import ConvergenceError, poststratify, rake


def test_poststratify_matches_R_weights() -> None:
    # R 4.2.2, survey 4.1.1:
    #   ps <- postStratify(svydesign(ids=~1, weights=~w, data=d0), ~s,
    #                      data.frame(s=c("a","b","c"), Freq=c(200,180,120)))
    #   sprintf("%.17g", weights(ps))
    expected = [
        22.01834862385321,
        24,
        26.315789473684205,
        18.348623853211009,
        18,
        20,
        20.183486238532112,
        55.045871559633035,
        20.999999999999996,
        14.736842105263156,
        23.157894736842106,
        16.513761467889907,
        39,
        48,
        5.2631578947368416,
        51.376146788990823,
        30,
        17.89473684210526,
        16.513761467889907,
        12.631578947368419,
    ]
    out = poststratify(S, POP, weights=W)
    np.testing.assert_allclose(out, expected, rtol=1e-12)
    for k, v in POP.items():
        assert out[S == k].sum() == pytest.approx(v, rel=1e-12)


def test_poststratify_unweighted() -> None:
    out = poststratify(["x", "y", "y"], {"x": 10, "y": 30})
    np.testing.assert_allclose(out, [10.0, 15.0, 15.0])


def test_poststratify_errors() -> None:
    with pytest.raises(ValueError, match=r"stratum 'd' has a population count but no respondents"):
        poststratify(S, {**POP, "d": 50.0})
    with pytest.raises(ValueError, match=r"no population count for stratum 'c'"):
        poststratify(S, {"a": 1.0, "b": 2.0})
    with pytest.raises(
        ValueError,
        match=r"population_counts\['a'\] must be a finite number > 0; "
        r"got -1",
    ):
        poststratify(S, {**POP, "a": -1})
    with pytest.raises(ValueError, match="same length"):
        poststratify(S, POP, weights=[1.0, 2.0])


def test_rake_matches_margins_and_single_margin_equals_poststratify() -> None:
    rng = np.random.default_rng(7)
    sex = rng.choice(["f", "m"], size=200)
    age = rng.choice(["18-39", "40-66", "67+"], size=200, p=[0.5, 0.3, 0.2])
    base = rng.uniform(0.5, 2.0, size=200)
    counts = {
        "sex": {"f": 5100.0, "m": 4900.0},
        "age": {"18-39": 3500.0, "40-66": 4200.0, "67+": 2300.0},
    }
    out = rake({"sex": sex, "age": age}, counts, weights=base)
    for name, labels in (("sex", sex), ("age", age)):
        for k, v in counts[name].items():
            assert out[labels == k].sum() == pytest.approx(v, rel=1e-9)
    single = rake({"age": age}, {"age": counts["age"]}, weights=base)
    np.testing.assert_allclose(single, poststratify(age, counts["age"], weights=base), rtol=1e-12)


def test_rake_errors() -> None:
    sex = np.array(["f", "m", "f", "m"])
    age = np.array(["y", "y", "o", "o"])
    with pytest.raises(ValueError, match="same population total"):
        rake({"sex": sex, "age": age}, {"sex": {"f": 2, "m": 2}, "age": {"y": 1, "o": 2}})
    with pytest.raises(ValueError, match="max_iter must be an integer >= 1; got 0"):
        rake({"sex": sex}, {"sex": {"f": 2, "m": 2}}, max_iter=0)
    with pytest.raises(ValueError, match="same margins"):
        rake({"sex": sex}, {"age": {"y": 1}})
    # Structural zero: f only "y", m only "o" -> sex and age totals cannot both be met.
    sex2 = np.array(["f", "f", "m", "m"])
    age2 = np.array(["y", "y", "o", "o"])
    with pytest.raises(ConvergenceError, match="did not converge within max_iter=50"):
        rake(
            {"sex": sex2, "age": age2},
            {"sex": {"f": 6.0, "m": 4.0}, "age": {"y": 3.0, "o": 7.0}},
            max_iter=50,
        )
