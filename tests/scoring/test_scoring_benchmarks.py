"""Benchmarks against R's survey package: the pooled mean over municipalities, leaving one out.

Each municipality's responses are one stratum; weighting each response by ``w_i / n_i``
(``w_i`` = 1, or the municipality's population) makes ``svymean`` the pooled benchmark, and
``svycontrast`` of ``svyby``'s municipality means gives the benchmark without ``j`` and the
difference ``j − benchmark``, with their standard errors. The degrees of freedom are the
Welch–Satterthwaite formula, written out. R 4.2.2, survey 4.1.1:

    library(survey)
    p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse = ", "), "\\n")
    set.seed(20261213)
    n <- c(8, 12, 6, 15, 9, 11)
    pop <- c(4200, 15800, 1200, 68000, 9100, 23400)
    mu <- c(60, 55, 70, 50, 65, 58)
    muni <- rep(paste0("m", 1:6), n)
    y <- round(pmin(100, pmax(0, rnorm(sum(n), rep(mu, n), 20))))
    d <- data.frame(y, muni, wm = rep(1 / n, n), wp = rep(pop / n, n))
    for (w in c("wm", "wp")) {
      des <- svydesign(ids = ~1, strata = ~muni, weights = as.formula(paste0("~", w)), data = d)
      m <- svyby(~y, ~muni, des, svymean, covmat = TRUE)
      se <- SE(m); nu <- n - 1; wt <- if (w == "wm") rep(1, 6) else pop
      all <- svymean(~y, des)
      p(paste(w, "all"), c(coef(all), SE(all)))
      for (j in 1:6) {
        cj <- wt * (seq_along(wt) != j); cj <- cj / sum(cj)
        b <- svycontrast(m, cj)                         # the benchmark without j
        dj <- svycontrast(m, replace(-cj, j, 1))        # j minus that benchmark
        vb <- (cj * se)^2; dfb <- sum(vb)^2 / sum(vb^2 / nu)
        vd <- c(se[j]^2, vb[-j]); dfd <- sum(vd)^2 / sum(vd^2 / c(nu[j], nu[-j]))
        p(paste(w, j), c(coef(b), SE(b), dfb, coef(dj), SE(dj), dfd,
                         coef(dj) + c(-1, 1) * qt(0.975, dfd) * SE(dj)))
      }
    }
"""

from __future__ import annotations

import numpy as np
import pytest
from scoring.scoring_data import RTOL

from survey_service.scoring import (
    benchmark_difference,
    leave_one_out_differences,
    mean_ci,
    pooled_benchmark,
)

Y = [44, 52, 100, 57, 84, 72, 46, 38, 26, 56, 56, 58, 13, 46, 46, 68, 53, 64, 35, 39, 75]
Y += [70, 87, 66, 59, 62, 35, 64, 58, 91, 79, 6, 36, 48, 34, 56, 60, 58, 48, 59, 52, 92]
Y += [42, 80, 56, 69, 55, 71, 43, 58, 55, 39, 67, 56, 27, 80, 40, 88, 34, 45, 62]
N = [8, 12, 6, 15, 9, 11]
POPULATION = [4200, 15800, 1200, 68000, 9100, 23400]

# svymean over all six: (estimate, SE)
ALL = {
    "municipalities": (57.864941077441074, 2.2906751841222603),
    "population": (53.145877426690902, 3.1927372677845391),
}
# per municipality j: benchmark without j, its SE and df; difference, its SE and df; interval
LEAVE_ONE_OUT = {
    "municipalities": [
        [57.112929292929287, 2.278857120057828, 43.980311989985879, 4.5120707070707038]
        + [8.0163823637729301, 8.2747647689880033, -13.867438902070655, 22.891580316212064],
        [60.104595959595962, 2.5866787828662861, 33.341768428861833, -13.437929292929299]
        + [5.3213879535317883, 18.282119601440439, -24.605397137543271, -2.2704614483153254],
        [55.471262626262622, 2.6209756172724448, 35.845352064846203, 14.362070707070707]
        + [4.9021040684024415, 9.5897933860917401, 3.375839189375478, 25.348302224765938],
        [58.984595959595957, 2.5469998870105806, 31.662286208917418, -6.7179292929292931]
        + [5.7624594213896261, 21.074280058562181, -18.699048302215996, 5.2631897163574095],
        [56.860151515151514, 2.515710066155072, 32.763863951108775, 6.0287373737373713]
        + [6.0834044319470459, 11.52138152608166, -7.2871893551120621, 19.344664102586805],
        [58.656111111111109, 2.4920217709350321, 31.364307363697122, -4.7470202020202024]
        + [6.3130658642206274, 13.881539076874647, -18.298048137423255, 8.8040077333828499],
    ],
    "population": [
        [52.842793896410917, 3.2954295087718384, 19.9349131279136, 8.7822061035890862]
        + [8.3623592410189858, 9.6954273890798603, -9.9299365474901116, 27.494348754668284],
        [54.112558541028797, 3.6028862062239324, 18.8348685273182, -7.4458918743621201]
        + [5.8827758448934047, 23.271582960279357, -19.607487223673829, 4.7157034749495903],
        [52.979695293180768, 3.2242682523338599, 20.203562200917499, 16.853638040152568]
        + [5.2494777715615824, 11.819278736583135, 5.3965819406660565, 28.310694139639079],
        [54.259216936591237, 3.084085306001779, 20.034943238389918, -1.9925502699245712]
        + [6.0191620956264522, 23.647766436639984, -14.425289691800147, 10.440189151951005],
        [52.358475967490179, 3.4216080261028146, 19.549714177033195, 10.530412921398707]
        + [6.5104849151173223, 14.411922633497394, -3.3958382182914963, 24.456664061088908],
        [52.964196902904945, 3.7037523039442291, 16.062246263508889, 0.94489400618596164]
        + [6.8820352533350011, 17.958280118009714, -13.516133602640165, 15.405921615012089],
    ],
}
VERDICTS = ["not_distinguishable", "clearly_below", "clearly_above"] + ["not_distinguishable"] * 3


def _municipalities():
    ends = np.cumsum([0, *N])
    results = [
        mean_ci(np.array(Y[a:b], dtype=float)) for a, b in zip(ends[:-1], ends[1:], strict=True)
    ]
    return (
        [r.estimate for r in results],
        [r.standard_error for r in results],
        [r.degrees_of_freedom for r in results],
    )


@pytest.mark.parametrize("pooling", ["municipalities", "population"])
def test_pooled_benchmark_is_rs_stratified_mean(pooling):
    theta, se, df = _municipalities()
    result = pooled_benchmark(
        theta, se, degrees_of_freedom=df, populations=POPULATION, pooling=pooling
    )
    assert (result.estimate, result.standard_error) == pytest.approx(ALL[pooling], rel=RTOL)
    assert result.k == 6 and result.pooling == pooling


@pytest.mark.parametrize("pooling", ["municipalities", "population"])
def test_leave_one_out_is_rs_contrast(pooling):
    theta, se, df = _municipalities()
    together = leave_one_out_differences(
        theta, se, degrees_of_freedom=df, populations=POPULATION, pooling=pooling
    )
    for j, expected in enumerate(LEAVE_ONE_OUT[pooling]):
        bench = pooled_benchmark(
            theta, se, degrees_of_freedom=df, populations=POPULATION, pooling=pooling, leave_out=j
        )
        one = benchmark_difference(theta[j], se[j], degrees_of_freedom=df[j], benchmark=bench)
        for diff in (one, together[j]):
            b = diff.benchmark
            got = [b.estimate, b.standard_error, b.degrees_of_freedom, diff.estimate]
            got += [diff.standard_error, diff.degrees_of_freedom, *diff.confidence_interval]
            assert got == pytest.approx(expected, rel=RTOL), (pooling, j)
            assert b.k == 5 and diff.confidence_level == 0.95
        if pooling == "municipalities":
            assert one.verdict == together[j].verdict == VERDICTS[j]


def test_verdicts_follow_the_interval():
    bench = pooled_benchmark([50.0, 50.0, 50.0], [1.0, 1.0, 1.0], degrees_of_freedom=[30] * 3)
    half = bench.confidence_interval.high - bench.estimate
    for estimate, verdict in [(60.0, "clearly_above"), (40.0, "clearly_below")]:
        d = benchmark_difference(estimate, 1.0, degrees_of_freedom=30, benchmark=bench)
        assert d.verdict == verdict
    # Without error of its own, the municipality is clearly above just past the benchmark's
    # upper bound, and not distinguishable just inside it.
    for share, verdict in [(0.999, "not_distinguishable"), (1.001, "clearly_above")]:
        edge = 50.0 + share * half
        d = benchmark_difference(edge, 0.0, degrees_of_freedom=30, benchmark=bench)
        assert d.verdict == verdict
    exact = pooled_benchmark([50.0, 52.0], [0.0, 0.0], degrees_of_freedom=[4, 9])
    assert exact.confidence_interval == (51.0, 51.0) and exact.degrees_of_freedom == 13
    d = benchmark_difference(51.0, 0.0, degrees_of_freedom=5, benchmark=exact)
    assert d.verdict == "not_distinguishable" and d.degrees_of_freedom == 18


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: pooled_benchmark([1.0], [1.0], degrees_of_freedom=[1], pooling="people"),
            "pooling must be one of municipalities, population; got 'people'",
        ),
        (
            lambda: pooled_benchmark([1.0, 2.0], [1.0], degrees_of_freedom=[1, 1]),
            "standard_errors must have one value per estimate (2); got length 1",
        ),
        (
            lambda: pooled_benchmark([1.0], [-1.0], degrees_of_freedom=[1]),
            "standard_errors must be finite numbers >= 0; got -1.0 at index 0",
        ),
        (
            lambda: pooled_benchmark([1.0], [1.0], degrees_of_freedom=[0]),
            "degrees_of_freedom must be finite numbers > 0; got 0.0 at index 0",
        ),
        (
            lambda: pooled_benchmark([1.0], [1.0], degrees_of_freedom=[1], pooling="population"),
            "pooling='population' needs populations",
        ),
        (
            lambda: pooled_benchmark(
                [1.0, 2.0],
                [1.0, 1.0],
                degrees_of_freedom=[1, 1],
                populations=[5, 0],
                pooling="population",
            ),
            "populations must be finite numbers > 0; got 0.0 at index 1",
        ),
        (
            lambda: pooled_benchmark(
                [1.0, 2.0], [1.0, 1.0], degrees_of_freedom=[1, 1], leave_out=2
            ),
            "leave_out must be an index from 0 to 1; got 2",
        ),
        (
            lambda: pooled_benchmark([1.0], [1.0], degrees_of_freedom=[1], leave_out=0),
            "leaving one out of 1 estimate leaves none to pool",
        ),
        (
            lambda: leave_one_out_differences([1.0], [1.0], degrees_of_freedom=[1]),
            "leaving one out of 1 estimate leaves none to pool",
        ),
        (
            lambda: pooled_benchmark([np.nan], [1.0], degrees_of_freedom=[1]),
            "estimates must be finite numbers; got nan at index 0",
        ),
        (
            lambda: pooled_benchmark([1.0], [1.0], degrees_of_freedom=[1], confidence_level=95),
            "confidence_level must be in the open interval (0, 1); got 95",
        ),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)
