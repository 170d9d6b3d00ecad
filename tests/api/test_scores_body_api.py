"""A survey's scores are served as built, without marshmallow dumping them field by field:
the text served is what ``SurveyScoresSchema`` makes of the body, for every kind of survey
(suppressed, unweighted, weighted, with a baseline and targets, a census)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from survey_service.db import db
from survey_service.models import Survey
from survey_service.resources.scores.schemas import SurveyScoresSchema
from survey_service.services.scores import Rules, survey_scores

from helpers import answers_for, bearer, dice_survey, open_survey, submit, weighted_dice_survey


def _staircase(client: Any, admin: str, responses: int) -> dict[str, Any]:
    survey = open_survey(client, admin, instrument="omdommetrappen", audience="citizens")
    draw = random.Random(responses)
    for _ in range(responses):
        answers = {k: draw.randint(1, 5) for k in answers_for("omdommetrappen")}
        assert submit(client, survey, answers).status_code == 201
    return survey


def _dice(client: Any, survey: dict[str, Any], rolls: list[int], **fields: Any) -> None:
    for roll in rolls:
        assert submit(client, survey, {"terningkast": roll}, **fields).status_code == 201


def _suppressed(client: Any, admin: str) -> dict[str, Any]:
    return _staircase(client, admin, 3)


def _unweighted(client: Any, admin: str) -> dict[str, Any]:
    return _staircase(client, admin, 25)


def _weighted(client: Any, admin: str) -> dict[str, Any]:
    survey = weighted_dice_survey(client, admin)
    for gender, rolls in (("female", [3, 4, 5, 6, 2, 4]), ("male", [1, 2, 6, 5, 3, 3])):
        _dice(client, survey, rolls, respondent={"gender": gender})
    return survey


def _with_baseline_and_targets(client: Any, admin: str) -> dict[str, Any]:
    baseline = dice_survey(client, admin)
    _dice(client, baseline, [3, 4, 4, 5, 3, 2])
    follow_up = dice_survey(
        client, admin, baseline_survey=baseline["id"], targets={"terningkast": 70}
    )
    _dice(client, follow_up, [5, 6, 5, 6, 4, 5])
    return follow_up


def _census(client: Any, admin: str) -> dict[str, Any]:
    survey = dice_survey(client, admin, population_size=10)
    _dice(client, survey, [6, 5, 5, 4, 6, 3, 5, 6, 4, 5])
    return survey


@pytest.mark.parametrize(
    "made", [_suppressed, _unweighted, _weighted, _with_baseline_and_targets, _census]
)
def test_the_scores_served_are_what_the_schema_makes_of_them(app, client, admin, made):
    survey = made(client, admin)
    served = client.get(f"/api/v1/surveys/{survey['id']}/scores", headers=bearer(admin))
    assert served.status_code == 200
    assert served.mimetype == "application/json"
    with app.app_context():
        stored = db.session.get(Survey, survey["id"])
        assert stored is not None
        body = survey_scores(db.session, stored, Rules.from_config(app.config, 0.95))
    assert served.get_json() == SurveyScoresSchema().dump(body)
