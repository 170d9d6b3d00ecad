"""Attack: make a free-text respondent attribute change the meaning of a stored key.

``area`` is free text when a survey gives no list of areas. A value such as
``"x;gender=male"`` must stay one area, never read back as gender = male (which would move
the respondent into another weighting group), and values are normalised: NFC, invisible
formatting characters (zero-width, bidirectional overrides) removed, control characters
refused.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Response

from helpers import assert_error, count_responses, figure, open_survey, read_scores, submit


def survey_with_area(client, key, **fields):
    return open_survey(
        client,
        key,
        instrument="samlingsevaluering",
        audience="mixed",
        respondent_attributes={"area": None, "gender": None},
        **fields,
    )


def test_an_area_cannot_pose_as_another_attribute(client, admin):
    survey = survey_with_area(
        client, admin, population_margins={"gender": {"female": 3, "male": 1}}
    )
    for roll in (6, 5, 6, 5, 6):
        respondent = {"gender": "female", "area": "x;gender=male"}
        assert (
            submit(client, survey, {"terningkast": roll}, respondent=respondent).status_code == 201
        )
    for roll in (1, 2, 1, 2, 1):
        respondent = {"gender": "male", "area": "y=1;role=leader%3B"}
        assert (
            submit(client, survey, {"terningkast": roll}, respondent=respondent).status_code == 201
        )
    scores = read_scores(client, admin, survey)
    dice = figure(scores, "terningkast")
    women, men = (100 + 80 + 100 + 80 + 100) / 5, (0 + 20 + 0 + 20 + 0) / 5
    # Weighted 3 : 1 as the margins say: the women stayed women.
    assert scores["method"]["weighting"] == "poststratified"
    assert dice["estimate"] == pytest.approx(0.75 * women + 0.25 * men)


@pytest.mark.parametrize(
    "sent,stored",
    [
        ("  Sentrum ", "Sentrum"),
        ("A\u030asen", "\u00c5sen"),  # decomposed Å: NFC
        ("Sen\u200btrum", "Sentrum"),  # zero-width space
        ("\u202eSentrum\u202c", "Sentrum"),  # right-to-left override
        ("Sentrum\ufeff", "Sentrum"),  # zero-width no-break space
    ],
)
def test_area_values_are_normalised(app, client, admin, sent, stored):
    survey = survey_with_area(client, admin)
    response = submit(client, survey, {"terningkast": 4}, respondent={"area": sent})
    assert response.status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Response.area)) == stored


@pytest.mark.parametrize("sent", ["Sen\ntrum", "Sentrum\r", "\x1b[31mSentrum", "Sen\x7ftrum"])
def test_control_characters_are_refused(app, client, admin, sent):
    survey = survey_with_area(client, admin)
    response = submit(client, survey, {"terningkast": 4}, respondent={"area": sent})
    body = assert_error(response, 422)
    assert "control characters" in " ".join(body["errors"]["respondent.area"])
    assert count_responses(app) == 0
