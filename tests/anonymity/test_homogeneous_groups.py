"""Attack: read a figure that everyone behind it gave alike.

At n = 5, if everyone answered 1, the item shows ``estimate 0, SE 0``: every answer is
disclosed. A figure from fewer than 2 x SURVEY_MIN_N respondents who all gave the same answer
is withheld, marked as a small-n suppression is, with its reason; so is its change since the
baseline.
"""

from __future__ import annotations

from helpers import answers_for, dice_survey, figure, open_survey, read_scores, submit


def test_five_alike_answers_are_withheld(client, make_key):
    owner = make_key("municipality", "4601")
    survey = open_survey(client, owner)
    for value in (2, 3, 4, 5, 3):
        # Everyone answers sso_1 with 1; the other items vary.
        response = submit(client, survey, answers_for("omdommetrappen", value, sso_1=1))
        assert response.status_code == 201
    scores = read_scores(client, owner, survey)
    item = figure(scores, "sso_1")
    assert item["suppressed"] is True
    assert item["suppression_reason"] == "all_gave_the_same_answer"
    for field in ("estimate", "standard_error", "confidence_interval", "n"):
        assert item[field] is None
    # The items that vary are published as before.
    assert figure(scores, "sso_2")["suppressed"] is False
    assert figure(scores, "sso_2")["suppression_reason"] is None
    assert "same answer" in scores["method"]["suppression"]


def test_alike_dimension_and_its_change_are_withheld(client, make_key):
    owner = make_key("municipality", "4601")
    baseline = dice_survey(client, owner)
    for roll in (3, 4, 2, 5, 3):
        submit(client, baseline, {"terningkast": roll})
    survey = open_survey(
        client,
        owner,
        instrument="samlingsevaluering",
        audience="mixed",
        baseline_survey=baseline["id"],
        targets={"terningkast": 50},
    )
    for _ in range(5):
        submit(client, survey, {"terningkast": 6})
    dice = figure(read_scores(client, owner, survey), "terningkast")
    assert dice["suppressed"] is True
    assert dice["suppression_reason"] == "all_gave_the_same_answer"
    # Neither the change (current minus baseline) nor the target may give the value away.
    assert dice["change"] == {"suppressed": True}
    assert dice["target"]["met"] is None


def test_alike_answers_from_enough_people_are_published(client, make_key):
    owner = make_key("municipality", "4601")
    survey = dice_survey(client, owner)
    for _ in range(10):  # 2 x min_n
        submit(client, survey, {"terningkast": 6})
    dice = figure(read_scores(client, owner, survey), "terningkast")
    assert dice["suppressed"] is False and dice["estimate"] == 100.0 and dice["n"] == 10
