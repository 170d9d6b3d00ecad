"""Data and helpers shared by the scoring tests.

The fixed data set behind the R references quoted in the tests (R 4.2.2, survey 4.1.1):

    y <- c(75,50,100,25,75,75,50,0,100,75,50,25,75,100,50,75,25,50,100,75)
    w <- c(1.2,0.8,2.5,1.0,0.6,1.9,1.1,3.0,0.7,1.4,2.2,0.9,1.3,1.6,0.5,2.8,1.0,1.7,0.9,1.2)
    s <- c("a","b","c","a","b","c","a","a","b","c","c","a","b","b","c","a","b","c","a","c")
    d0 <- data.frame(y=y, w=w, s=s, N=500)
    p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse=", "), "\\n")
"""

from __future__ import annotations

import numpy as np
import pytest

from survey_service.scoring import MeanResult

RTOL = 1e-8  # the spec: equal to R to 1e-8 relative

Y = np.array(
    [75, 50, 100, 25, 75, 75, 50, 0, 100, 75, 50, 25, 75, 100, 50, 75, 25, 50, 100, 75],
    dtype=float,
)
W = np.array(
    [1.2, 0.8, 2.5, 1.0, 0.6, 1.9, 1.1, 3.0, 0.7, 1.4]
    + [2.2, 0.9, 1.3, 1.6, 0.5, 2.8, 1.0, 1.7, 0.9, 1.2]
)
S = np.array(list("abcabcaabccabbcabcac"))
POP = {"a": 200.0, "b": 180.0, "c": 120.0}  # population count per stratum of S
N_POP = 500

# Two independent waves (baseline and follow-up) on a 0–100 scale.
BASELINE = np.array([50, 75, 25, 50, 100, 75, 50, 25, 75, 50, 0, 50], dtype=float)
FOLLOW_UP = np.array(
    [75, 75, 100, 50, 75, 100, 50, 75, 100, 75, 25, 75, 50, 100, 75, 75, 100], dtype=float
)


def ci_bounds(res: object) -> tuple[float, float]:
    """``(low, high)`` of a result's confidence interval, which must be there."""
    ci = res.confidence_interval  # type: ignore[attr-defined]
    assert ci is not None
    return float(ci.low), float(ci.high)


def assert_same_result(a: MeanResult, b: MeanResult, rel: float) -> None:
    """Two mean results agree: counts and labels exactly, numbers to ``rel``."""
    assert a.n == b.n
    assert a.method == b.method
    assert a.estimate == pytest.approx(b.estimate, rel=rel)
    assert a.standard_error == pytest.approx(b.standard_error, rel=rel)
    assert a.n_effective == pytest.approx(b.n_effective, rel=rel)
    assert a.design_effect == pytest.approx(b.design_effect, rel=rel)
    assert a.degrees_of_freedom == b.degrees_of_freedom
    assert ci_bounds(a) == pytest.approx(ci_bounds(b), rel=rel)
