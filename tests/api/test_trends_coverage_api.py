"""The change intervals of the trend cover the true change at about their nominal rate.

Twenty-four municipalities each run three waves of omdømmetrappen with six respondents. Each
respondent answers each dimension from a known distribution on 1–5 that moves from wave to
wave, so every change between waves has a known true value. Across the 240 dimension changes
(24 municipalities x 2 changes x 5 dimensions), the share whose interval covers the truth is
compared with the confidence level, at 95 % and at 80 %: a too narrow interval fails the
first, a too wide one the second (at 95 % nothing can cover more than all).

Tolerance: three Monte-Carlo standard errors, sqrt(level (1 - level) / m), taking m = 120
rather than 240 because a municipality's two changes share the middle wave (this treats them
as one). Welch's interval at n = 6 per wave on these distributions covers 95.5 % and 80.6 %
(simulated, 200 runs of 300 intervals, whose shares spread as the binomial's do); this seeded
run gives 94.6 % and 75.4 % (bounds 89.0-100 % and 69.0-91.0 %).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from api.waves import staircase_answers, trends

from helpers import open_survey, submit

MIN_N = 3
RESPONDENTS = 6
MUNICIPALITIES = 24
PERIODS = ("2022", "2024", "2026")
DIMENSIONS = (
    "strukturer_systemer_okonomi",
    "kvalitet",
    "intern_profilering",
    "ekstern_profilering",
    "tillit",
)
SCORES = np.arange(5) * 25.0  # answers 1-5 on the 0-100 scale


@pytest.fixture
def app_config():
    return {"SURVEY_MIN_N": MIN_N}


def probabilities(theta: float) -> np.ndarray:
    """Answers 1-5 tilted towards 5 (theta > 0) or 1 (theta < 0)."""
    weights = np.exp(theta * (np.arange(1, 6) - 3))
    return weights / weights.sum()


def true_score(theta: float) -> float:
    return float(probabilities(theta) @ SCORES)


def test_change_intervals_cover_the_true_change(client, admin):
    rng = np.random.default_rng(20260513)
    listed = client.get("/api/v1/municipalities").get_json()
    numbers = sorted(rng.choice([m["number"] for m in listed], MUNICIPALITIES, replace=False))
    truth: dict[tuple[str, str, str], float] = {}
    for number in numbers:
        thetas = {}
        for dimension in DIMENSIONS:
            base = rng.uniform(-0.6, 0.6)
            steps = np.cumsum([0.0, *rng.uniform(-0.5, 0.5, size=len(PERIODS) - 1)])
            thetas[dimension] = base + steps
        for wave, period in enumerate(PERIODS):
            survey = open_survey(client, admin, municipality=number, period=period)
            for dimension in DIMENSIONS:
                truth[number, period, dimension] = true_score(thetas[dimension][wave])
            for _ in range(RESPONDENTS):
                levels = {
                    d: int(rng.choice(5, p=probabilities(thetas[d][wave]))) + 1 for d in DIMENSIONS
                }
                assert submit(client, survey, staircase_answers(levels)).status_code == 201

    for level in (0.95, 0.8):
        covered, changes, errors = 0, 0, []
        for number in numbers:
            response = trends(
                client, admin, number, instrument="omdommetrappen", confidence_level=level
            )
            body = response.get_json()
            periods = {w["survey"]: w["period"] for w in body["waves"]}
            for point in body["points"]:
                if point["kind"] != "dimension" or point["change_from_survey"] is None:
                    continue
                before = periods[point["change_from_survey"]]
                true = (
                    truth[number, point["period"], point["key"]]
                    - truth[number, before, point["key"]]
                )
                assert point["change_suppressed"] is False, point
                changes += 1
                covered += point["change_low"] <= true <= point["change_high"]
                errors.append((point["change"] - true) / point["change_standard_error"])
        assert changes == MUNICIPALITIES * (len(PERIODS) - 1) * len(DIMENSIONS)
        independent = changes / 2
        tolerance = 3 * math.sqrt(level * (1 - level) / independent)
        assert abs(covered / changes - level) <= tolerance, (level, covered / changes)
        # Centred on the truth: the standardised errors average about 0 (their spread is
        # about 1.1, a t distribution's with some 10 degrees of freedom).
        assert abs(np.mean(errors)) <= 3 * 1.2 / math.sqrt(independent), np.mean(errors)
