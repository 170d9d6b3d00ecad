"""Fay–Herriot EBLUP against R's metafor (REML), with the MSE of Datta and Lahiri.

``sae`` is not installed here, so ``mseFH``'s REML estimator is written out in R: metafor's
``blup()`` standard error is ``sqrt(g1 + g2)``, and ``2 g3`` is added by the formula of
Datta and Lahiri (2000). R 4.2.2, metafor 3.8-1:

    library(metafor)
    p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse = ", "), "\\n")
    yi <- c(62.1, 55.4, 71.8, 48.9, 66.0, 59.3, 74.5, 52.2, 68.7, 57.6, 80.1, 45.0, 63.3, 70.4)
    vi <- c(12.5, 30.1, 8.2, 45.7, 15.0, 22.3, 9.9, 60.4, 18.8, 27.5, 11.1, 75.0, 20.0, 14.6)
    cls <- factor(c("a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "b", "c", "a", "c"))
    ctl <- list(threshold = 1e-12, maxiter = 1000)
    show <- function(fit) {
      b <- blup(fit)
      A <- fit$tau2; V <- A + vi; g3 <- vi^2 / V^3 * 2 / sum(1 / V^2)  # Datta-Lahiri g3
      p("tau2", fit$tau2); p("beta", coef(fit)); p("beta_se", fit$se)
      p("eblup", b$pred); p("mse", b$se^2 + 2 * g3)
    }
    show(rma(yi, vi, mods = ~ cls, method = "REML", control = ctl))
    show(rma(yi, vi, method = "REML", control = ctl))
    y0 <- c(60.2, 61.5, 59.1, 60.8, 62.0, 58.7, 60.4, 61.1)   # too little spread: tau2 = 0
    v0 <- c(9.0, 16.0, 12.0, 25.0, 10.0, 14.0, 20.0, 11.0)
    f0 <- rma(y0, v0, method = "REML", control = ctl)
    b0 <- blup(f0); V <- f0$tau2 + v0
    p("tau2", f0$tau2); p("beta", coef(f0)); p("eblup", b0$pred)
    p("mse", b0$se^2 + 2 * v0^2 / V^3 * 2 / sum(1 / V^2))

Tolerance: 1e-8 relative (metafor iterates to a change in tau2 below 1e-12).
"""

from __future__ import annotations

import numpy as np
import pytest
from scoring.scoring_data import RTOL

from survey_service.scoring import ConvergenceError, fay_herriot

YI = [62.1, 55.4, 71.8, 48.9, 66.0, 59.3, 74.5, 52.2, 68.7, 57.6, 80.1, 45.0, 63.3, 70.4]
VI = [12.5, 30.1, 8.2, 45.7, 15.0, 22.3, 9.9, 60.4, 18.8, 27.5, 11.1, 75.0, 20.0, 14.6]
CLASSES = list("abcabcabcabcac")
SIZE_CLASSES = np.column_stack(
    [np.ones(14), [c == "b" for c in CLASSES], [c == "c" for c in CLASSES]]
)

R_CLASSES = {
    "tau2": 80.565987822256076,
    "beta": [62.157611170083861, 2.7795383186077509, 2.5633594073756854],
    "beta_se": [4.5214140722411065, 6.8634930724048138, 6.425124226027032],
    "eblup": [62.10773794640663, 57.994005667492772, 71.146055367726348, 53.698385067289195]
    + [65.83317540023468, 60.475195479444885, 73.149330512410444, 57.657513837217337]
    + [67.947169431077654, 58.759794211879623, 78.263903049821721, 54.507687470858997]
    + [63.072808112433549, 69.528745138190018],
    "mse": [11.777371284387939, 25.911722328291255, 7.9117038366147936, 34.981910975263268]
    + [14.083833443021557, 19.829692464956942, 9.462637393141522, 43.362711390562488]
    + [17.080846742354158, 23.641955958052773, 10.631680860495818, 48.213615414454367]
    + [18.023018972016217, 13.600176849319725],
}
R_INTERCEPT = {
    "tau2": 65.723794570586776,
    "beta": [64.0358612578936],
    "beta_se": [2.5204180356285462],
    "eblup": [62.409346610663768, 58.11268138594864, 70.93876258578041, 55.107909739131543]
    + [65.635026062782103, 60.499785882513144, 73.130127274952343, 57.868129653177206]
    + [67.662590252874026, 59.498508695202972, 77.7789490673551, 55.145331844543847]
    + [63.471681914357553, 69.243226641227707],
    "mse": [11.381339313551573, 23.532249372972846, 7.7339610972127195, 31.339100773317131]
    + [13.371029689964285, 18.65881760113502, 9.2103184642376519, 36.923335026084764]
    + [16.217574237593769, 21.989663740133409, 10.225346655441086, 41.263393259736354]
    + [17.073524792263708, 13.059030561725001],
}


@pytest.mark.parametrize(("design", "expected"), [(SIZE_CLASSES, R_CLASSES), (None, R_INTERCEPT)])
def test_fay_herriot_is_metafors_reml_fit(design, expected):
    result = fay_herriot(YI, VI, design=design)
    assert result.between_variance == pytest.approx(expected["tau2"], rel=RTOL)
    assert result.coefficients == pytest.approx(expected["beta"], rel=RTOL)
    assert result.coefficient_standard_errors == pytest.approx(expected["beta_se"], rel=RTOL)
    assert result.estimates == pytest.approx(expected["eblup"], rel=RTOL)
    assert result.mse == pytest.approx(expected["mse"], rel=RTOL)
    gamma = np.array(result.shrinkage)
    assert gamma == pytest.approx(expected["tau2"] / (expected["tau2"] + np.array(VI)), rel=RTOL)
    # The EBLUP lies between the direct estimate and the regression's, by the share gamma.
    mix = gamma * np.array(YI) + (1 - gamma) * np.array(result.synthetic)
    assert result.estimates == pytest.approx(mix, rel=1e-12)
    assert result.method == "REML" and result.mse_method == "datta-lahiri"


def test_no_spread_between_areas_is_the_boundary():
    y0 = [60.2, 61.5, 59.1, 60.8, 62.0, 58.7, 60.4, 61.1]
    v0 = [9.0, 16.0, 12.0, 25.0, 10.0, 14.0, 20.0, 11.0]
    result = fay_herriot(y0, v0)
    assert result.between_variance == 0.0
    assert result.shrinkage == (0.0,) * 8
    assert result.estimates == pytest.approx([60.492571628190632] * 8, rel=RTOL)
    expected_mse = [10.413861802350672, 6.5758554426692148, 8.2207153111041258]
    expected_mse += [4.7994067847595119, 9.5366032058520531, 7.2807953862841757]
    expected_mse += [5.5889395216082693, 8.818846172353183]
    assert result.mse == pytest.approx(expected_mse, rel=RTOL)


def test_exact_fit_of_a_class_is_still_finite():
    # Areas that agree exactly with their class means: sigma2_u = 0, finite MSEs.
    design = SIZE_CLASSES[:6]
    result = fay_herriot([50.0, 60.0, 70.0, 50.0, 60.0, 70.0], [4.0] * 6, design=design)
    assert result.between_variance == 0.0
    assert result.estimates == pytest.approx([50.0, 60.0, 70.0] * 2, rel=1e-12)
    assert all(np.isfinite(result.mse)) and min(result.mse) > 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"sampling_variances": [1.0, 0.0, 1.0, 1.0]},
            "sampling_variances must be finite numbers > 0; got 0.0 at index 1",
        ),
        (
            {"design": np.ones((4, 2))},
            "design must have full column rank; its 2 columns have rank 1",
        ),
        ({"design": np.ones((3, 1))}, "design must be a matrix with one row per estimate (4)"),
        (
            {
                "estimates": [1.0, 2.0, 3.0],
                "sampling_variances": [1.0] * 3,
                "design": np.column_stack([np.ones(3), [0, 1, 1]]),
            },
            "the model needs at least 4 areas (its 2 coefficients plus 2)",
        ),
        ({"tolerance": 0}, "tolerance must be a number in (0, 1); got 0"),
        ({"max_iter": 0}, "max_iter must be an integer >= 1; got 0"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    arguments = {"estimates": [1.0, 2.0, 4.0, 3.0], "sampling_variances": [1.0] * 4, **kwargs}
    with pytest.raises(ValueError) as error:
        fay_herriot(arguments.pop("estimates"), arguments.pop("sampling_variances"), **arguments)
    assert message in str(error.value)


def test_not_converging_is_an_error():
    with pytest.raises(ConvergenceError, match="REML did not converge in 1 Fisher-scoring"):
        fay_herriot(YI, VI, max_iter=1)
