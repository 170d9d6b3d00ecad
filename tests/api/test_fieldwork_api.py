"""The fieldwork monitor's projection: how wide the main index's interval gets at a target
number of responses, and how many responses the wanted precision takes; and the response rate
of an invitation survey, which is of the people invited."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from helpers import answers_for, assert_error, bearer, figure, open_survey, read_scores, submit

WANTED = 10.0  # SURVEY_PRECISION_HALF_WIDTH's default
ROLLS = (1, 2, 3, 4, 5, 4, 3, 5, 2, 4)


def monitor(client, key, survey, **query):
    url = f"/api/v1/surveys/{survey['id']}/fieldwork"
    return client.get(url, query_string=query, headers=bearer(key))


def reference_half_width(standard_error, n, target, population):
    """t with target - 1 degrees of freedom, the spread per response unchanged, the finite
    population correction at each size (Cochran 1977, Sampling Techniques, 2.15 and 4.3)."""
    spread = standard_error * math.sqrt(n / (1 - n / population))
    quantile = stats.t.ppf(0.975, target - 1)
    return quantile * spread * math.sqrt((1 - target / population) / target)


def test_precision_is_projected_to_a_target_and_to_the_wanted_width(client, admin):
    population = 2000
    survey = open_survey(client, admin, population_size=population)
    for roll in ROLLS:
        assert submit(client, survey, answers_for("omdommetrappen", roll)).status_code == 201
    published = figure(read_scores(client, admin, survey), "omdommeindeks")
    se, n = published["standard_error"], published["n"]
    assert n == 10

    body = monitor(client, admin, survey, target_responses=200).get_json()
    projected = body["precision_projected"]
    assert projected["target_responses"] == 200
    assert projected["half_width_at_target"] == pytest.approx(
        reference_half_width(se, n, 200, population), rel=1e-12
    )
    assert projected["half_width_at_target"] < body["precision_now"]["half_width"]
    # The fewest responses that reach the wanted half-width: one fewer does not.
    needed = projected["responses_for_wanted"]
    assert projected["wanted_half_width"] == WANTED
    assert reference_half_width(se, n, needed, population) <= WANTED
    assert reference_half_width(se, n, needed - 1, population) > WANTED
    # Without a target, only the responses needed are projected.
    plain = monitor(client, admin, survey).get_json()["precision_projected"]
    assert plain["target_responses"] is None and plain["half_width_at_target"] is None
    assert plain["responses_for_wanted"] == needed


def test_a_target_beyond_the_population_is_refused(client, admin):
    survey = open_survey(client, admin, population_size=40)
    body = assert_error(monitor(client, admin, survey, target_responses=41), 422)
    assert "more than the population size" in body["message"]
    for bad in (1, 0, -5, "many", 10**8):
        assert_error(monitor(client, admin, survey, target_responses=bad), 422)


def test_nothing_is_projected_from_a_withheld_figure(client, admin):
    survey = open_survey(client, admin)
    submit(client, survey, answers_for("omdommetrappen", 3))
    body = monitor(client, admin, survey, target_responses=100).get_json()
    assert body["precision_now"]["suppressed"] is True
    assert body["precision_projected"] is None


def test_an_invitation_surveys_response_rate_is_of_those_invited(client, admin):
    survey = open_survey(client, admin, access="invitation", population_size=1000)
    url = f"/api/v1/surveys/{survey['id']}/invitations"
    made = client.post(url, json={"count": 20}, headers=bearer(admin))
    tokens = [i["token"] for i in made.get_json()["invitations"]]
    for token in tokens[:10]:
        assert submit(client, survey, answers_for("omdommetrappen"), token=token).status_code == 201
    body = monitor(client, admin, survey).get_json()
    assert body["response_rate_of"] == "invitations"
    assert body["response_rate"] == pytest.approx(10 / 20)
    open_to_all = open_survey(client, admin, population_size=1000)
    assert monitor(client, admin, open_to_all).get_json()["response_rate_of"] == "population"
