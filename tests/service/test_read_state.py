"""The state of an instrument's surveys, found from a survey of it (for a read of one survey
beside its benchmark) is the state found from the instrument's key, and moves with any of its
surveys but with no other instrument's."""

from __future__ import annotations

from survey_service.db import db
from survey_service.models import Survey
from survey_service.services.read_state import instrument_state, instrument_state_of

from helpers import answers_for, dice_survey, open_survey, submit


def test_the_instrument_of_a_survey_covers_its_peers_and_nothing_else(app, client, admin):
    survey = dice_survey(client, admin)
    peer = dice_survey(client, admin, municipality="0301")
    other = open_survey(client, admin)  # another instrument

    def states():
        with app.app_context():
            session = db.session
            of_survey = instrument_state_of(session, session.get(Survey, survey["id"]))
            assert of_survey == instrument_state(session, "samlingsevaluering")
            return of_survey

    before = states()
    assert before[0] == 2
    for _ in range(5):
        assert submit(client, other, answers_for("omdommetrappen")).status_code == 201
    assert states() == before
    for _ in range(5):
        assert submit(client, peer, answers_for("samlingsevaluering")).status_code == 201
    assert states() != before
