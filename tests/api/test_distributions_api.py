"""Each scored item on its own scale ("4.6 of 6") and how many gave each answer, with shares
and intervals, don't know included; under the same rules as the scores."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from survey_service.scoring import mean_ci

from helpers import answers_for, open_survey, read_scores, submit, weighted_dice_survey

ROLLS = [6, 5, 5, 4, 6, 3, 5, 6, 4, 5]


def dice_scores(client, admin, rolls, **fields):
    survey = open_survey(client, admin, instrument="samlingsevaluering", audience="mixed", **fields)
    for roll in rolls:
        assert submit(client, survey, {"terningkast": roll}).status_code == 201
    return survey, item_of(read_scores(client, admin, survey), "terningkast")


def item_of(scores, link_id):
    return next(item for item in scores["items"] if item["key"] == link_id)


def cooperation(client, admin, values, link_id):
    """An employees' partssamarbeid survey where ``link_id`` gets each of ``values``."""
    survey = open_survey(client, admin, instrument="partssamarbeid", audience="employees")
    for value in values:
        answers = answers_for("partssamarbeid", 4, **{link_id: value})
        sent = submit(client, survey, answers, respondent={"role": "employee"})
        assert sent.status_code == 201, sent.get_json()
    return item_of(read_scores(client, admin, survey), link_id)


def published_method(values, **design):
    """The interval every published figure has: ``mean_ci`` (tested against R) with the
    bounded-scale interval on 0–100 (tested for coverage)."""
    return mean_ci(values, scale=(0.0, 100.0), **design)


def assert_interval(entry, reference) -> None:
    low, high = reference.confidence_interval
    assert entry["confidence_interval"] == {
        "low": pytest.approx(low, rel=1e-9, abs=1e-9),
        "high": pytest.approx(high, rel=1e-9, abs=1e-9),
    }


def shares(distribution) -> dict:
    return {entry["value"]: entry for entry in distribution["values"]}


def test_a_dice_item_on_its_own_scale_and_face_by_face(client, admin):
    _, item = dice_scores(client, admin, ROLLS)
    native = item["native"]
    assert native["scale"] == [1, 6]
    assert native["estimate"] == pytest.approx(np.mean(ROLLS), rel=1e-12)  # 5.0 of 6
    low, high = item["confidence_interval"]["low"], item["confidence_interval"]["high"]
    assert native["confidence_interval"]["low"] == pytest.approx(1 + low / 20, rel=1e-12)
    assert native["confidence_interval"]["high"] == pytest.approx(1 + high / 20, rel=1e-12)

    distribution = item["distribution"]
    assert distribution["n"] == 10 and distribution["suppressed"] is False
    by_face = shares(distribution)
    assert list(by_face) == [1, 2, 3, 4, 5, 6]  # every face, those nobody gave too
    seen = Counter(ROLLS)
    for face, entry in by_face.items():
        assert entry["count"] == seen[face]
        assert entry["share"] == pytest.approx(100 * seen[face] / 10, rel=1e-12)
        # The share is the mean of a 0/100 indicator, by the method of every figure.
        indicator = np.array([100.0 if roll == face else 0.0 for roll in ROLLS])
        assert_interval(entry, published_method(indicator))


def test_dont_know_is_counted_with_the_answers(client, admin):
    ratings = [8, 7, 9, 6, 8, 10, 7, 8, 9, 5] + ["dont_know"] * 5
    item = cooperation(client, admin, ratings, "samlet_vurdering")
    assert item["n"] == 10  # the score leaves don't know out
    assert item["native"]["estimate"] == pytest.approx(77 / 10, rel=1e-12)
    distribution = item["distribution"]
    assert distribution["n"] == 15
    dont_know = shares(distribution)["dont_know"]
    assert dont_know["count"] == 5
    assert dont_know["share"] == pytest.approx(100 * 5 / 15, rel=1e-12)
    assert shares(distribution)[8]["count"] == 3


def test_the_counts_never_show_a_score_that_is_withheld(client, admin):
    # Two don't know among ten: the item's score over 8 and its dimension over 10 would give
    # the two away, and the counts of the other values would give the item's score.
    answers = [4, 5, "dont_know", "dont_know", 4, 5, 3, 4, 2, 4]
    item = cooperation(client, admin, answers, "fm_1")
    assert item["n"] is None
    reason = "nearly_the_same_respondents_as_a_related_figure"
    assert item["suppression_reason"] == reason
    assert item["distribution"]["suppression_reason"] == reason
    assert item["distribution"]["values"] is None


def test_the_counts_move_with_the_score_and_dont_know_on_its_own(client, admin):
    # Published at 5 and 10 responses. The second five hold one don't know: the item's score
    # moved by four answers, too few, so it keeps its first value, and so do the counts; the
    # single don't know waits for four more.
    answers = [4, 5, 3, 4, 5, 4, 2, 4, "dont_know", 1]
    item = cooperation(client, admin, answers, "fm_1")
    assert item["n"] == 5 and item["estimate"] == pytest.approx(80.0)  # 4,5,3,4,5 of 1-5
    counts = {v: e["count"] for v, e in shares(item["distribution"]).items()}
    assert counts == {1: 0, 2: 0, 3: 1, 4: 2, 5: 2, "dont_know": 0}


def test_a_reverse_scored_item_is_shown_on_the_scale_people_answered(client, admin):
    from survey_service.instruments import bundled

    reversed_items = [i for i in bundled("partssamarbeid").items if i.reverse and i.scale]
    if not reversed_items:
        pytest.skip("no reverse-scored item in partssamarbeid")
    values = [1, 2, 2, 1, 3, 1, 1, 2, 4, 1]  # published in steps of min_n (5)
    item = cooperation(client, admin, values, reversed_items[0].link_id)
    assert item["native"]["estimate"] == pytest.approx(np.mean(values), rel=1e-12)
    interval = item["native"]["confidence_interval"]
    assert interval["low"] < np.mean(values) < interval["high"]


def test_a_distribution_is_withheld_as_its_score_is(client, admin):
    _, few = dice_scores(client, admin, [5, 4, 6, 5])
    assert few["distribution"] == {
        "n": None,
        "suppressed": True,
        "suppression_reason": "fewer_than_min_n",
        "values": None,
    }
    _, alike = dice_scores(client, admin, [5] * 6)
    assert alike["suppression_reason"] == "all_gave_the_same_answer"
    assert alike["distribution"]["suppression_reason"] == "all_gave_the_same_answer"
    assert alike["native"]["estimate"] is None
    _, enough = dice_scores(client, admin, [5] * 10)
    assert shares(enough["distribution"])[5]["count"] == 10


def test_a_distribution_moves_only_with_min_n_changes(client, admin):
    survey, first = dice_scores(client, admin, ROLLS)
    for roll in (1, 1, 1):
        assert submit(client, survey, {"terningkast": roll}).status_code == 201
    unchanged = item_of(read_scores(client, admin, survey), "terningkast")["distribution"]
    assert unchanged == first["distribution"]
    for roll in (2, 2):
        assert submit(client, survey, {"terningkast": roll}).status_code == 201
    moved = item_of(read_scores(client, admin, survey), "terningkast")["distribution"]
    assert moved["n"] == 15
    assert shares(moved)[1]["count"] == 3 and shares(moved)[2]["count"] == 2


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 4}])
def test_weighted_shares_follow_the_population(client, admin):
    survey = weighted_dice_survey(client, admin)
    data = [("female", 6), ("female", 5), ("female", 6), ("female", 5)]
    data += [("male", 2), ("male", 3), ("male", 6), ("male", 3)]
    for gender, roll in data:
        sent = submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
        assert sent.status_code == 201
    item = item_of(read_scores(client, admin, survey), "terningkast")
    six = shares(item["distribution"])[6]
    assert six["count"] == 3
    # By hand: 0.6 x share among women (2 of 4) + 0.4 x share among men (1 of 4).
    assert six["share"] == pytest.approx(100 * (0.6 * 0.5 + 0.4 * 0.25), rel=1e-12)
    genders = np.array([g for g, _ in data])
    indicator = np.array([100.0 if roll == 6 else 0.0 for _, roll in data])
    weights = np.where(genders == "female", 600 / 4, 400 / 4)
    assert_interval(six, published_method(indicator, weights=weights, poststrata=genders))


def test_the_scores_endpoint_documents_distributions(client):
    document = client.get("/api/v1/openapi.json").get_json()
    item = document["components"]["schemas"]["ItemFigure"]["properties"]
    assert {"native", "distribution"} <= set(item)
