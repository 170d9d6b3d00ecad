"""Attack: solve related figures together for the few people between them.

A person who skipped ``sso_1`` has a dimension score from ``sso_2..4`` only. With the
dimension's mean and every item's mean published, ``4 ΣD - Σ sso_1 - ... - Σ sso_4`` is the
total of the dimension scores of those who skipped ``sso_1``: one person's score when one
person skipped it. And between two snapshots, an item that moved by one person (the others
who arrived skipped it) would give that person's answer by subtraction.
"""

from __future__ import annotations

import pytest

from helpers import answers_for, open_survey, read_scores, submit

ITEMS = ("sso_1", "sso_2", "sso_3", "sso_4")
DIMENSION = "strukturer_systemer_okonomi"


def figures(scores):
    return {f["key"]: f for f in scores["dimensions"] + scores["items"] + scores["indices"]}


def answers(value, skip=False):
    given = answers_for("omdommetrappen", value)
    if skip:
        del given["sso_1"]
    return given


def test_one_person_who_skipped_an_item_cannot_be_solved_for(client, make_key):
    owner = make_key("municipality", "4601")
    survey = open_survey(client, owner)
    for value in (1, 2, 3, 4):
        assert submit(client, survey, answers(value)).status_code == 201
    assert submit(client, survey, answers(5, skip=True)).status_code == 201
    for value in (2, 3, 4, 1, 5):
        assert submit(client, survey, answers(value)).status_code == 201
    shown = figures(read_scores(client, owner, survey))
    assert shown[DIMENSION]["n"] == 10
    needed = [shown[DIMENSION], *(shown[k] for k in ITEMS)]
    # The item one person skipped is withheld, so the equation cannot be formed.
    assert shown["sso_1"]["suppressed"] is True
    assert shown["sso_1"]["suppression_reason"] == (
        "nearly_the_same_respondents_as_a_related_figure"
    )
    assert any(f["estimate"] is None for f in needed)
    assert shown[DIMENSION]["suppressed"] is False and shown["sso_2"]["suppressed"] is False


def test_five_who_skipped_an_item_may_be_solved_for_together(client, make_key):
    owner = make_key("municipality", "4601")
    survey = open_survey(client, owner)
    for value in (1, 2, 3, 4, 5, 2, 3, 4, 1, 5):
        submit(client, survey, answers(value))
    skipped = (1, 2, 4, 5, 3)
    for value in skipped:
        submit(client, survey, answers(value, skip=True))
    shown = figures(read_scores(client, owner, survey))
    total = 4 * shown[DIMENSION]["estimate"] * shown[DIMENSION]["n"] - sum(
        shown[k]["estimate"] * shown[k]["n"] for k in ITEMS
    )
    # What the equation gives is the five skippers' total, never one of them.
    assert shown[DIMENSION]["n"] - shown["sso_1"]["n"] == 5
    assert total == pytest.approx(sum((v - 1) * 25.0 for v in skipped))


def test_an_item_moves_only_with_min_n_changes_of_its_own(client, make_key):
    owner = make_key("municipality", "4601")
    survey = open_survey(client, owner)
    for value in (1, 2, 3, 4, 5, 2, 3, 4, 1, 5):
        submit(client, survey, answers(value))
    first = figures(read_scores(client, owner, survey))
    # Five more arrive, four of whom skip sso_1: a new snapshot, where sso_1 would move by one.
    submit(client, survey, answers(2))
    for value in (1, 3, 4, 5):
        submit(client, survey, answers(value, skip=True))
    second = figures(read_scores(client, owner, survey))
    assert second[DIMENSION]["n"] == 15
    assert second["sso_1"]["n"] == first["sso_1"]["n"] == 10
    assert second["sso_1"]["estimate"] == first["sso_1"]["estimate"]
    assert second["sso_2"]["n"] == 15
