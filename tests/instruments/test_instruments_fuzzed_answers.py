"""Generated answer sets against the bundled instruments (and the small test instrument, which
has conditions of every kind): a valid set is accepted and comes back normalised; a set made
wrong in one place is refused with ``AnswerError`` naming that place, never another error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from instruments.answer_sets import (
    expected_result,
    invalid_answer_sets,
    valid_answer_sets,
)
from instruments.instruments_defs import minimal

from survey_service.instruments import AnswerError, Instrument, load_bundled, validate_answers

INSTRUMENTS = [*load_bundled(), Instrument.from_dict(minimal())]

DERANDOMIZED = settings(
    derandomize=True,
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@DERANDOMIZED
@given(valid_answer_sets(INSTRUMENTS))
def test_a_valid_answer_set_is_accepted_normalised(answer_set):
    result = validate_answers(
        answer_set.instrument,
        answer_set.answers,
        respondent=answer_set.respondent,
        audience=answer_set.audience,
    )
    assert result == expected_result(answer_set)


@DERANDOMIZED
@given(invalid_answer_sets(INSTRUMENTS))
def test_an_answer_set_wrong_in_one_place_is_refused_there(answer_set):
    try:
        validate_answers(
            answer_set.instrument,
            answer_set.answers,
            respondent=answer_set.respondent,
            audience=answer_set.audience,
        )
    except AnswerError as error:
        assert answer_set.wrong_at in {p.path for p in error.problems}, error.problems
    else:
        raise AssertionError(f"accepted: {answer_set.answers}")
