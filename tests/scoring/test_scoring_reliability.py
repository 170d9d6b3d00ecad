"""cronbach_alpha against R's psych::alpha (alpha, ase and the Feldt interval)."""

from __future__ import annotations

import numpy as np
import pytest

from survey_service.scoring import cronbach_alpha

RTOL = 1e-8

# R 4.2.2, psych 2.2.9:
#   it <- matrix(c(4,5,4,3, 3,3,4,3, 5,5,5,4, 2,3,2,2, 4,4,5,4, 3,2,3,3, 5,4,5,5, 1,2,2,1,
#                  4,4,3,4, 3,4,3,3, 2,2,3,2, 5,5,4,5, 4,3,4,4, 3,3,2,3, 4,5,5,4),
#                ncol=4, byrow=TRUE)
#   a <- psych::alpha(as.data.frame(it))
#   sprintf("%.17g", c(a$total$raw_alpha, a$total$ase, a$feldt$lower.ci, a$feldt$upper.ci))
#   ac <- alpha.ci(a$total$raw_alpha, 15, 4, p.val=0.10)   # 90 % Feldt interval
# Cross-check: pingouin 0.7.0 cronbach_alpha(pd.DataFrame(ITEMS)) -> (0.9318518518518518,
# [0.85, 0.974]) (pingouin rounds the interval to 3 decimals), consistent with the above.
ITEMS = np.array(
    [
        [4, 5, 4, 3],
        [3, 3, 4, 3],
        [5, 5, 5, 4],
        [2, 3, 2, 2],
        [4, 4, 5, 4],
        [3, 2, 3, 3],
        [5, 4, 5, 5],
        [1, 2, 2, 1],
        [4, 4, 3, 4],
        [3, 4, 3, 3],
        [2, 2, 3, 2],
        [5, 5, 4, 5],
        [4, 3, 4, 4],
        [3, 3, 2, 3],
        [4, 5, 5, 4],
    ],
    dtype=float,
)


def test_alpha_and_feldt_match_psych() -> None:
    res = cronbach_alpha(ITEMS)
    assert res.estimate == pytest.approx(0.93185185185185182, rel=RTOL)
    assert res.standard_error == pytest.approx(0.029451625803340493, rel=RTOL)
    assert res.confidence_interval.low == pytest.approx(0.85037716602314006, rel=RTOL)
    assert res.confidence_interval.high == pytest.approx(0.97443578848243462, rel=RTOL)
    assert res.n == 15 and res.n_items == 4 and res.n_effective == 15.0
    assert res.degrees_of_freedom == (14.0, 42.0)
    assert res.method == "feldt"


def test_feldt_90_matches_psych_alpha_ci() -> None:
    res = cronbach_alpha(ITEMS, confidence_level=0.9)
    assert res.confidence_interval.low == pytest.approx(0.86813273272703295, rel=RTOL)
    assert res.confidence_interval.high == pytest.approx(0.96984927426659595, rel=RTOL)


def test_listwise_deletion() -> None:
    with_nan = np.vstack([ITEMS, [[np.nan, 1, 2, 3], [5, 5, np.nan, 1]]])
    a = cronbach_alpha(with_nan)
    b = cronbach_alpha(ITEMS)
    assert a == b


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([1.0, 2.0, 3.0], "must be 2-D"),
        ([[1.0], [2.0]], "at least 2 columns (items); got 1"),
        ([[1.0, 2.0], [np.nan, 1.0]], "at least 2 complete rows"),
        ([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]], "zero variance"),
        ([[1.0, np.inf], [1.0, 2.0]], "infinite"),
    ],
)
def test_validation_errors(items: list[list[float]], message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        cronbach_alpha(items)
    assert message in str(excinfo.value)


def test_confidence_level_error() -> None:
    with pytest.raises(ValueError, match=r"open interval \(0, 1\); got 1.5"):
        cronbach_alpha(ITEMS, confidence_level=1.5)


def test_alpha_from_moments_equals_raw_and_psych():
    # Sufficient statistics of the same 15 rows: the route the service reads scores by.
    from survey_service.scoring import cronbach_alpha_from_moments

    raw = cronbach_alpha(ITEMS)
    moments = cronbach_alpha_from_moments(len(ITEMS), ITEMS.sum(axis=0), ITEMS.T @ ITEMS)
    assert moments.estimate == pytest.approx(raw.estimate, rel=1e-12)
    assert moments.standard_error == pytest.approx(raw.standard_error, rel=1e-10)
    assert moments.confidence_interval.low == pytest.approx(raw.confidence_interval.low, rel=1e-12)
    assert moments.confidence_interval.high == pytest.approx(
        raw.confidence_interval.high, rel=1e-12
    )
    # psych::alpha raw_alpha for these rows (see the R code at the top of this module).
    assert moments.estimate == pytest.approx(0.9318518518518518, rel=RTOL)


@pytest.mark.parametrize(
    "args,message",
    [
        ((1, [1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]]), "n must be"),
        ((5, [1.0], [[1.0]]), "at least 2 items"),
        ((5, [1.0, 2.0], [[1.0]]), "shape"),
        ((3, [3.0, 3.0], [[3.0, 3.0], [3.0, 3.0]]), "zero variance"),
    ],
)
def test_alpha_from_moments_rejects_bad_input(args, message):
    from survey_service.scoring import cronbach_alpha_from_moments

    with pytest.raises(ValueError, match=message):
        cronbach_alpha_from_moments(*args)
