"""Attack: solve a dimension and its items together for the few who skipped an item.

A person who skipped ``sso_1`` has a dimension score from ``sso_2..4`` only. With the
dimension's mean and every item's mean published, ``4 ΣD - Σ sso_1 - ... - Σ sso_4`` is the
total of the dimension scores of those who skipped ``sso_1``: one person's score when one
person skipped it. People are published in classes of the same answer pattern, and only
classes of at least SURVEY_MIN_N, that move on only with SURVEY_MIN_N changes of their own.
"""

from __future__ import annotations

import pytest

from helpers import answers_for, bearer, open_survey, submit

ITEMS = ("sso_1", "sso_2", "sso_3", "sso_4")
DIMENSION = "strukturer_systemer_okonomi"


def read(client, key, survey):
    response = client.get(f"/api/v1/surveys/{survey['id']}/scores", headers=bearer(key))
    assert response.status_code == 200
    return response.get_json()


def skippers_total(scores):
    """The attack: the skippers' dimension total from published means and counts, and how
    many skippers it is over."""
    dims = {d["key"]: d for d in scores["dimensions"]}
    items = {i["key"]: i for i in scores["items"]}
    dimension = dims[DIMENSION]
    total = 4 * dimension["estimate"] * dimension["n"] - sum(
        items[k]["estimate"] * items[k]["n"] for k in ITEMS
    )
    return total, dimension["n"] - items["sso_1"]["n"]


def answers(value, skip=False):
    given = answers_for("omdommetrappen", value)
    if skip:
        del given["sso_1"]
    return given


def test_one_person_who_skipped_an_item_is_not_in_any_figure(client, make_key):
    owner = make_key("municipality", "4601")
    survey = open_survey(client, owner)
    for value in (1, 2, 3, 4, 5, 2, 3, 4, 1, 5):
        assert submit(client, survey, answers(value)).status_code == 201
    assert submit(client, survey, answers(5, skip=True)).status_code == 201
    for value in (2, 3, 4, 3, 5):
        submit(client, survey, answers(value))  # five more who answered everything
    scores = read(client, owner, survey)
    total, skippers = skippers_total(scores)
    assert skippers == 0 and total == pytest.approx(0, abs=1e-6)
    assert scores["n"] == 15  # the skipper is left out of every figure


def test_a_pattern_class_moves_only_with_min_n_changes_of_its_own(client, make_key):
    owner = make_key("municipality", "4601")
    survey = open_survey(client, owner)
    for value in (1, 2, 3, 4, 5, 2, 3, 4, 1, 5):
        submit(client, survey, answers(value))
    for value in (1, 2, 4, 5, 3):
        submit(client, survey, answers(value, skip=True))
    seen = [skippers_total(read(client, owner, survey))]
    assert seen[0][1] == 5  # five skippers: their total may be known, not one of them
    # One more skipper and four others: a new snapshot, but the skippers' class keeps its
    # published state until five of its own have changed.
    submit(client, survey, answers(2, skip=True))
    for value in (3, 4, 2, 5):
        submit(client, survey, answers(value))
    for _ in range(3):
        seen.append(skippers_total(read(client, owner, survey)))
        submit(client, survey, answers(3))
    for value in (1, 5, 2, 4):
        submit(client, survey, answers(value, skip=True))
    seen.append(skippers_total(read(client, owner, survey)))
    counts = [count for _, count in seen]
    assert counts[-1] == 10
    for (t1, c1), (t2, c2) in zip(seen, seen[1:], strict=False):
        # Between any two published states the skippers differ by none or by five or more.
        assert c1 == c2 and t1 == pytest.approx(t2) or abs(c2 - c1) >= 5
