"""Generated input through HTTP (Hypothesis, fewer examples than the pure tests beside the
instruments): answer sets submitted to a survey of each bundled instrument, and mutated
instrument definitions published. Valid input is stored exactly once; invalid input is 422
with the problem named, never a 5xx, and stores nothing."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instruments.answer_sets import invalid_answer_sets, valid_answer_sets
from instruments.test_instruments_fuzzed_definitions import mutated_definitions
from sqlalchemy import func, select

from survey_service.instruments import load_bundled

from helpers import assert_error, bearer, count_responses, open_survey

THROUGH_HTTP = settings(
    derandomize=True,
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

BUNDLED = list(load_bundled())


def _surveys(client, admin) -> Callable[[str, str], dict]:
    """One open survey per bundled instrument and audience, made as the examples need them."""
    made: dict[tuple[str, str], dict] = {}

    def survey_for(key: str, audience: str) -> dict:
        if (key, audience) not in made:
            made[key, audience] = open_survey(client, admin, instrument=key, audience=audience)
        return made[key, audience]

    return survey_for


def _answered(answer_set) -> bool:
    """The service refuses a submission without any answer (a rule of submission, not of the
    instrument)."""
    return bool(answer_set.answers)


def _not_json(answers: dict) -> bool:
    return any(isinstance(v, float) and not math.isfinite(v) for v in answers.values())


def _submit(client, survey, answer_set):
    body = {
        "submission_id": str(uuid.uuid4()),
        "answers": answer_set.answers,
        "respondent": answer_set.respondent or None,
    }
    return client.post(f"/api/v1/public/surveys/{survey['public_id']}/responses", json=body)


def test_generated_answer_sets_through_http(app, client, admin):
    survey_for = _surveys(client, admin)

    @THROUGH_HTTP
    @given(st.one_of(valid_answer_sets(BUNDLED).filter(_answered), invalid_answer_sets(BUNDLED)))
    def check(answer_set):
        survey = survey_for(answer_set.instrument.key, answer_set.audience)
        before = count_responses(app)
        response = _submit(client, survey, answer_set)
        if answer_set.wrong_at is None:
            assert response.status_code == 201, response.get_json()
            assert count_responses(app) == before + 1
        else:
            errors = assert_error(response, 422)["errors"]
            # Infinity is no JSON: the parser refuses the body before the answers are read.
            where = "json" if _not_json(answer_set.answers) else answer_set.wrong_at
            assert where in errors, (answer_set.answers, errors)
            assert count_responses(app) == before

    check()


def test_generated_definitions_through_http(app, client, admin):
    from survey_service.db import db
    from survey_service.models import InstrumentVersion

    def versions() -> int:
        with app.app_context():
            return int(db.session.scalar(select(func.count()).select_from(InstrumentVersion)))

    @THROUGH_HTTP
    @given(mutated_definitions())
    def check(definition):
        before = versions()
        response = client.post("/api/v1/instruments", json=definition, headers=bearer(admin))
        assert response.status_code < 500, response.get_data(as_text=True)[:500]
        if response.status_code == 422:
            assert assert_error(response, 422)["errors"]
            assert versions() == before
        else:
            # A mutation that left a valid definition (a new or the same version), or one that
            # reuses a published version with other content (409).
            assert response.status_code in (200, 201, 409), response.get_json()

    check()
