"""The variance of a raked mean against R's survey package (svymean on a rake()d design).

The data and the R session (R 4.2.2, survey 4.1.1):

    library(survey)
    set.seed(20261207)
    n <- 40
    age <- sample(c("18_34", "35_66", "67+"), n, replace = TRUE, prob = c(.3, .45, .25))
    sex <- sample(c("female", "male"), n, replace = TRUE)
    y <- round(pmin(100, pmax(0, rnorm(n, 60 + 10 * (age == "67+") - 8 * (sex == "male"), 20))))
    base <- round(runif(n, 1, 3), 2)
    d <- data.frame(y, age, sex, base, N = 5000)
    pop.age <- data.frame(age = c("18_34", "35_66", "67+"), Freq = c(1400, 2400, 1200))
    pop.sex <- data.frame(sex = c("female", "male"), Freq = c(2450, 2550))
    ctl <- list(maxit = 1000, epsilon = 1e-13)   # rake until converged
    p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse = ", "), "\\n")
"""

from __future__ import annotations

import numpy as np
import pytest
from scoring.scoring_data import RTOL

from survey_service.scoring import (
    MeanStats,
    mean_ci,
    mean_ci_from_strata_stats,
    poststratify,
    rake,
)

Y = np.array(
    [88, 34, 59, 63, 61, 67, 78, 77, 85, 69, 47, 8, 82, 44, 33, 74, 68, 41, 61, 60]
    + [46, 62, 44, 34, 63, 83, 81, 100, 89, 58, 39, 43, 81, 79, 39, 37, 64, 63, 44, 50],
    dtype=float,
)
A, B, C = "18_34", "35_66", "67+"
AGE = np.array(
    [B, C, A, B, C, B, B, B, A, B, A, A, C, C, C, B, B, B, B, A]
    + [A, B, B, B, A, C, A, C, B, B, A, C, C, A, A, A, A, A, A, B]
)
F, M = "female", "male"
SEX = np.array(
    [M, M, F, M, F, M, F, F, M, M, M, M, M, F, M, M, F, F, F, F]
    + [F, M, F, M, M, F, F, F, F, F, M, M, F, F, M, M, M, M, F, M]
)
BASE = np.array(
    [1.57, 1.42, 2.8, 1.87, 1.46, 2.54, 2.8, 2.73, 2.67, 1.52, 2.66, 1.06, 1.34, 2.81]
    + [2.79, 1.28, 2.38, 1.82, 2.63, 1.22, 1.33, 1.22, 1.7, 2.77, 2.08, 1.91, 2.09, 2.26]
    + [1.96, 1.21, 2.47, 2.72, 2.99, 1.57, 1.3, 2.66, 2.3, 2.2, 1.14, 2.22]
)
POP_AGE = {A: 1400.0, B: 2400.0, C: 1200.0}
POP_SEX = {F: 2450.0, M: 2550.0}
MARGINS = {"age": AGE, "sex": SEX}


def _raked(base: np.ndarray | None = None) -> np.ndarray:
    return rake(MARGINS, {"age": POP_AGE, "sex": POP_SEX}, weights=base, tol=1e-14, max_iter=1000)


def test_raked_mean_matches_svymean_on_rake() -> None:
    # r <- rake(svydesign(ids=~1, weights=~1, data=d), list(~age, ~sex),
    #           list(pop.age, pop.sex), control=ctl)
    # m <- svymean(~y, r); p("rake", c(coef(m), SE(m), confint(m, df=degf(r))))
    res = mean_ci(Y, weights=_raked(), raking_margins=MARGINS)
    assert res.estimate == pytest.approx(60.89149817396008, rel=RTOL)
    assert res.standard_error == pytest.approx(2.9295576779636296, rel=RTOL)
    assert res.confidence_interval is not None
    assert res.confidence_interval.low == pytest.approx(54.965908459019069, rel=RTOL)
    assert res.confidence_interval.high == pytest.approx(66.817087888901085, rel=RTOL)
    assert res.method == "taylor-raked" and res.degrees_of_freedom == 39.0


def test_raked_mean_with_base_weights_matches_svymean() -> None:
    # r <- rake(svydesign(ids=~1, weights=~base, data=d), ...); m <- svymean(~y, r)
    # p("rake_base", c(coef(m), SE(m)))
    res = mean_ci(Y, weights=_raked(BASE), raking_margins=MARGINS)
    assert res.estimate == pytest.approx(61.01929314443376, rel=RTOL)
    assert res.standard_error == pytest.approx(2.9110585363003083, rel=RTOL)


def test_raked_mean_with_fpc_matches_svymean() -> None:
    # r <- rake(svydesign(ids=~1, weights=~1, fpc=~N, data=d), ...); m <- svymean(~y, r)
    # p("rake_fpc", c(coef(m), SE(m)))
    res = mean_ci(Y, weights=_raked(), raking_margins=MARGINS, population_size=5000)
    assert res.estimate == pytest.approx(60.89149817396008, rel=RTOL)
    assert res.standard_error == pytest.approx(2.9178159165731352, rel=RTOL)


def test_raked_variance_is_the_regression_on_the_margins() -> None:
    # R's backfitting converges to the residuals of lm(y ~ age + sex); in R:
    # w <- weights(r); z <- w * residuals(lm(y ~ age + sex)) / sum(w)
    # p("lm", sqrt(n / (n - 1) * sum((z - mean(z))^2)))      # 2.9295576779636292
    w = _raked()
    design = np.column_stack(
        [np.ones(40), AGE == B, AGE == C, SEX == M],
    ).astype(float)
    beta, *_ = np.linalg.lstsq(design, Y, rcond=None)
    z = w * (Y - design @ beta) / w.sum()
    se = float(np.sqrt(40 / 39 * np.sum((z - z.mean()) ** 2)))
    res = mean_ci(Y, weights=w, raking_margins=MARGINS)
    assert res.standard_error == pytest.approx(se, rel=1e-12)
    assert se == pytest.approx(2.9295576779636292, rel=RTOL)


def test_joint_cell_poststratification_understates_the_raking_variance() -> None:
    # Post-stratifying the raked weights on the joint cells is the variance the service
    # reported before; here it is below the raking variance.
    w = _raked()
    joint = np.char.add(np.char.add(AGE, "|"), SEX)
    post = mean_ci(Y, weights=w, poststrata=joint)
    raked = mean_ci(Y, weights=w, raking_margins=MARGINS)
    assert post.standard_error is not None and raked.standard_error is not None
    assert post.standard_error < raked.standard_error


def test_raked_strata_stats_equal_raw_data() -> None:
    w = _raked()
    strata: dict[tuple[str, str], MeanStats] = {}
    for age in (A, B, C):
        for sex in (F, M):
            mask = (AGE == age) & (SEX == sex)
            strata[(age, sex)] = MeanStats.from_values(Y[mask], w[mask])
    res = mean_ci_from_strata_stats(
        strata,
        raking_margins={"age": {k: k[0] for k in strata}, "sex": {k: k[1] for k in strata}},
        population_size=5000,
        scale=(0.0, 100.0),
    )
    raw = mean_ci(Y, weights=w, raking_margins=MARGINS, population_size=5000, scale=(0.0, 100.0))
    assert res.estimate == pytest.approx(raw.estimate, rel=1e-12)
    assert res.standard_error == pytest.approx(raw.standard_error, rel=1e-10)
    assert res.confidence_interval == pytest.approx(raw.confidence_interval, rel=1e-10)
    assert res.method == "taylor-raked" and res.interval_method == "bounded-score"


def test_one_margin_raking_is_poststratification() -> None:
    # Raking on one margin is post-stratification: the same variance as postStratify.
    w = poststratify(AGE, POP_AGE)
    raked = mean_ci(Y, weights=w, raking_margins={"age": AGE})
    post = mean_ci(Y, weights=w, poststrata=AGE)
    assert raked.standard_error == pytest.approx(post.standard_error, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"raking_margins": MARGINS}, "raking_margins needs the raked weights"),
        (
            {"weights": np.ones(40), "raking_margins": MARGINS, "poststrata": AGE},
            "either poststrata or raking_margins",
        ),
        ({"weights": np.ones(40), "raking_margins": {}}, "non-empty mapping"),
        (
            {"weights": np.ones(40), "raking_margins": {"age": AGE[:10]}},
            "same length as the values",
        ),
    ],
)
def test_raking_margins_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mean_ci(Y, **kwargs)  # type: ignore[arg-type]


def test_strata_stats_with_unequal_weights_in_a_cell_are_refused() -> None:
    strata = {
        ("a", "x"): MeanStats.from_values([1.0, 2.0], [1.0, 2.0]),
        ("b", "y"): MeanStats.from_values([1.0, 2.0], [1.0, 1.0]),
    }
    margins = {"m1": {k: k[0] for k in strata}, "m2": {k: k[1] for k in strata}}
    with pytest.raises(ValueError, match="unequal weights"):
        mean_ci_from_strata_stats(strata, raking_margins=margins)
    with pytest.raises(ValueError, match="no category for stratum"):
        mean_ci_from_strata_stats(strata, raking_margins={"m1": {("a", "x"): "a"}})
