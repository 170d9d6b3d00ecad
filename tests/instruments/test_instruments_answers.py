"""validate_answers: one problem per link id, for every rule."""

from __future__ import annotations

from typing import Any

import pytest
from instruments.instruments_defs import minimal

from survey_service.instruments import (
    AnswerError,
    Instrument,
    Problem,
    bundled,
    validate_answers,
    validate_respondent,
)

INST = Instrument.from_dict(minimal())
OK: dict[str, object] = {"a1": 4, "a2": 2, "b1": 7, "b2": 5, "e1": 8, "x1": 6, "c": "no"}


def refused(answers: dict[str, Any], **kw: Any) -> dict[str, Problem]:
    with pytest.raises(AnswerError) as info:
        validate_answers(INST, answers, **kw)
    out = {p.path: p for p in info.value.problems}
    assert len(out) == len(info.value.problems), "one problem per path"
    return out


def test_valid_answers_are_normalised() -> None:
    answers = {**OK, "a1": "4", "b1": 7.0, "a2": "dont_know", "x1": None, "e1": ""}
    with pytest.raises(AnswerError):  # a2 has no "don't know"
        validate_answers(INST, answers)
    answers["a2"] = 2
    assert validate_answers(INST, answers) == {"a1": 4, "a2": 2, "b1": 7, "b2": 5, "c": "no"}


def test_dont_know_where_allowed() -> None:
    assert validate_answers(INST, {**OK, "a1": "dont_know"})["a1"] == "dont_know"


@pytest.mark.parametrize(
    ("change", "path", "code", "message"),
    [
        ({"zz": 3}, "zz", "unknown_item", "unknown item 'zz'"),
        ({"a1": 6}, "a1", "out_of_range", "6 is not on the answer scale (allowed: 1, 2, 3, 4, 5)"),
        ({"a1": 0}, "a1", "out_of_range", "0 is not on the answer scale"),
        ({"b1": 11}, "b1", "out_of_range", "11 is not on the answer scale (allowed: 0–10)"),
        ({"b2": 7}, "b2", "out_of_range", "7 is not on the answer scale (allowed: 1–6)"),
        ({"b1": 3.5}, "b1", "type", "must be a whole number, got 3.5"),
        ({"b1": True}, "b1", "type", "must be a whole number, got True"),
        ({"b1": [3]}, "b1", "type", "must be a whole number"),
        ({"a1": "four"}, "a1", "type", "must be a whole number, got 'four'"),
        (
            {"c": "maybe"},
            "c",
            "not_an_option",
            "'maybe' is not an answer option (allowed: yes, no)",
        ),
        ({"c": 1}, "c", "not_an_option", "1 is not an answer option"),
        ({"a2": "dont_know"}, "a2", "dont_know_not_allowed", 'no "don\'t know" option'),
        ({"c": None}, "c", "required", "this question must be answered"),
        ({"c": "yes"}, "c_follow", "required", "this question must be answered"),
        (
            {"c": "yes", "c_follow": "x" * 21},
            "c_follow",
            "too_long",
            "the text has 21 characters; at most 20 are allowed",
        ),
        ({"c": "yes", "c_follow": 5}, "c_follow", "type", "must be text, got int"),
        ({"c_follow": "fordi"}, "c_follow", "condition_not_met", "its enableWhen is not met"),
        ({"r1": 3}, "r1", "condition_not_met", "its enableWhen is not met"),
    ],
)
def test_answer_rule(change: dict[str, Any], path: str, code: str, message: str) -> None:
    found = refused({**OK, **change})
    assert path in found, found
    assert found[path].code == code
    assert message in found[path].message


def test_every_problem_is_reported() -> None:
    found = refused({"a1": 9, "b1": "x", "zz": 1})
    assert set(found) == {"a1", "b1", "zz", "c"}


def test_required_only_when_enabled() -> None:
    assert "c_follow" not in validate_answers(INST, {**OK, "c": "no"})
    assert validate_answers(INST, {**OK, "c": "yes", "c_follow": " fordi "})["c_follow"] == "fordi"


def test_invalid_answer_does_not_cascade() -> None:
    # "c" is wrong, so whether "c_follow" is shown cannot be known: report "c" only.
    assert set(refused({**OK, "c": "maybe", "c_follow": "fordi"})) == {"c"}


def test_role_condition() -> None:
    out = validate_answers(INST, {**OK, "r1": 5}, respondent={"role": "politician"})
    assert out["r1"] == 5
    found = refused({**OK, "r1": 5}, respondent={"role": "employee"})
    assert found["r1"].code == "condition_not_met"


def test_audience() -> None:
    assert validate_answers(INST, {**OK, "emp": 3}, audience="employees")["emp"] == 3
    found = refused({**OK, "emp": 3}, audience="citizens")
    assert found["emp"].message == "unknown item 'emp' for the audience 'citizens'"
    assert validate_answers(INST, {**OK, "emp": 3})["emp"] == 3  # no audience: all items


def test_respondent_attributes() -> None:
    assert validate_respondent(INST, {"role": "prefer_not_to_say"}) == {"role": "prefer_not_to_say"}
    with pytest.raises(AnswerError) as info:
        validate_answers(INST, OK, respondent={"role": "mayor", "shoe_size": "44"})
    by_path = info.value.by_path()
    assert by_path["respondent.role"][0].startswith("unknown role code 'mayor' (allowed: ")
    assert by_path["respondent.shoe_size"] == [
        "unknown respondent attribute 'shoe_size' (this instrument asks for: role)"
    ]


def test_required_respondent_attribute_and_options() -> None:
    inst = bundled("partssamarbeid")
    with pytest.raises(AnswerError) as info:
        validate_answers(inst, {"samlet_vurdering": 7})
    assert info.value.by_path() == {
        "respondent.role": ["this question must be answered (use 'prefer_not_to_say' to decline)"]
    }
    # "citizen" is a role of the vocabulary, but not one this instrument offers.
    with pytest.raises(AnswerError, match="unknown role code 'citizen'"):
        validate_respondent(inst, {"role": "citizen"})
    out = validate_answers(
        inst,
        {"samlet_vurdering": "10", "tv_involvering": 4},
        respondent={"role": "safety_representative"},
    )
    assert out == {"tv_involvering": 4, "samlet_vurdering": 10}


def test_open_area_attribute() -> None:
    inst = bundled("omdommepavirkere")
    assert validate_respondent(inst, {"area": "Sentrum"}) == {"area": "Sentrum"}
    with pytest.raises(AnswerError, match="at most|1 to 64"):
        validate_respondent(inst, {"area": "x" * 65})
    with pytest.raises(AnswerError, match="unknown area 'Nord'"):
        validate_respondent(inst, {"area": "Nord"}, areas={"Sentrum", "Sør"})


def test_bundled_condition_on_contact() -> None:
    inst = bundled("omdommepavirkere")
    assert validate_answers(inst, {"kontakt": "yes", "so_1": 5}) == {"kontakt": "yes", "so_1": 5}
    with pytest.raises(AnswerError) as info:
        validate_answers(inst, {"kontakt": "no", "so_1": 5})
    assert [p.path for p in info.value.problems] == ["so_1"]


def test_terningkast_is_required() -> None:
    inst = bundled("samlingsevaluering")
    with pytest.raises(AnswerError) as info:
        validate_answers(inst, {"viktigste_laerdom": "Partssamarbeid"})
    assert info.value.by_path() == {"terningkast": ["this question must be answered"]}
    assert validate_answers(inst, {"terningkast": 5}) == {"terningkast": 5}
    with pytest.raises(AnswerError, match="at most 2000"):
        validate_answers(inst, {"terningkast": 5, "viktigste_laerdom": "ø" * 2001})


def test_answers_must_be_a_mapping() -> None:
    with pytest.raises(AnswerError) as info:
        validate_answers(INST, [1, 2])  # type: ignore[arg-type]
    assert info.value.problems[-1].path == "answers"


def test_attributes_a_survey_adds() -> None:
    # The instrument asks for role only; a survey may ask for more.
    with pytest.raises(AnswerError, match="unknown respondent attribute 'gender'"):
        validate_respondent(INST, {"gender": "female"})
    out = validate_answers(
        INST,
        OK,
        respondent={"gender": "female", "area": "Nord"},
        asked={"gender": None, "area": {"options": ["Nord"]}},
        areas=["Nord"],
    )
    assert out == OK
    assert validate_respondent(INST, {"gender": "other"}, asked=["gender"]) == {"gender": "other"}
