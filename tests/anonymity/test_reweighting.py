"""Attack: change the population margins between two reads and solve for a small group.

The owner of a survey (a municipality key) may set its population margins. With one man among
nine women, reading under ``{female: 1, male: 1}`` and again under ``{female: 1, male: 3}``
gives two weighted means, ``m1 = (F + y) / 2`` and ``m2 = (F + 3y) / 4``, so ``y = 2 m2 - m1``:
the man's answer. No weighting group with fewer than SURVEY_MIN_N respondents may carry a
weight of its own, so the reads must agree and the solution must not be his answer.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers import bearer, dice, dice_survey, figure, read_scores, submit


@pytest.fixture
def owner(make_key):
    """The survey's owner: Bergen's municipality key, which may set the margins."""
    return make_key("municipality", "4601")


def read(client, key, survey, margins):
    changed = client.patch(
        f"/api/v1/surveys/{survey['id']}",
        json={"population_margins": margins},
        headers=bearer(key),
    )
    assert changed.status_code == 200, changed.get_json()
    return read_scores(client, key, survey)


def test_one_man_among_nine_women_cannot_be_solved_for(client, owner):
    survey = dice_survey(client, owner, respondent_attributes={"gender": None})
    women = [2, 3, 2, 4, 3, 2, 3, 4, 2]
    for roll in women:
        response = submit(client, survey, {"terningkast": roll}, respondent={"gender": "female"})
        assert response.status_code == 201
    man = 6
    submit(client, survey, {"terningkast": man}, respondent={"gender": "male"})

    first = read(client, owner, survey, {"gender": {"female": 1, "male": 1}})
    second = read(client, owner, survey, {"gender": {"female": 1, "male": 3}})
    m1, m2 = figure(first, "terningkast")["estimate"], figure(second, "terningkast")["estimate"]
    recovered = 2 * m2 - m1

    assert m1 == m2  # the man's group has no weight of its own
    assert recovered != pytest.approx(dice(man), abs=1.0)
    assert m1 == pytest.approx(sum(dice(r) for r in [*women, man]) / 10)
    pooled = first["method"]["weighting_pooled"]
    assert pooled == [] or all("male" in " ".join(p["groups"]) for p in pooled)


def test_large_enough_groups_are_still_weighted(client, owner):
    survey = dice_survey(
        client,
        owner,
        respondent_attributes={"gender": None},
        population_margins={"gender": {"female": 1, "male": 3}},
    )
    women, men = [2, 3, 2, 4, 3], [6, 5, 6, 4, 5]
    for gender, rolls in (("female", women), ("male", men)):
        for roll in rolls:
            submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
    scores = read_scores(client, owner, survey)
    female = sum(map(dice, women)) / 5
    male = sum(map(dice, men)) / 5
    assert scores["method"]["weighting"] == "poststratified"
    assert figure(scores, "terningkast")["estimate"] == pytest.approx(0.25 * female + 0.75 * male)


def test_a_small_group_never_carries_a_weight_of_its_own(client, owner):
    survey = dice_survey(
        client,
        owner,
        respondent_attributes={"gender": None},
        population_margins={"gender": {"female": 1, "male": 3}},
    )
    rolls = [("female", r) for r in (2, 3, 2, 4, 3, 2, 3, 4, 2)] + [("male", 6)]
    for gender, roll in rolls:
        submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
    scores = read_scores(client, owner, survey)
    # The one man is pooled with the women: everyone carries the same weight.
    assert figure(scores, "terningkast")["estimate"] == pytest.approx(
        sum(dice(r) for _, r in rolls) / 10
    )
    assert scores["method"]["weighting"] == "none"
    assert "fewer than 5" in scores["method"]["weighting_note"]


def test_new_margins_apply_from_the_next_snapshot(client, owner):
    survey = dice_survey(client, owner, respondent_attributes={"gender": None})
    for gender, roll in [("female", r) for r in (2, 3, 2, 4, 3)] + [
        ("male", r) for r in (6, 5, 6, 4, 5)
    ]:
        submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
    unweighted = read(client, owner, survey, {})
    weighted_margins = {"gender": {"female": 1, "male": 3}}
    # The same data is never shown under a second weighting...
    assert read(client, owner, survey, weighted_margins) == unweighted
    # ...the margins apply once the next snapshot has been taken.
    for gender, roll in [("female", 4), ("female", 2), ("male", 5), ("male", 6), ("male", 4)]:
        submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
    later = read_scores(client, owner, survey)
    assert later["method"]["weighting"] == "poststratified"


def test_a_small_joint_cell_cannot_be_solved_for_when_raking(client, owner):
    """Raking weights each joint cell (gender x age band). One older man among twenty: the
    adversary, knowing every joint count, rakes as the service would under five margin
    settings and solves the readings for the four cell means. Against true raking that
    recovers the man's answer exactly; against the service it must not."""
    from survey_service.scoring import rake

    survey = dice_survey(
        client,
        owner,
        respondent_attributes={"gender": None, "age_band": None},
    )
    groups = {
        ("female", "under_30"): [2, 3, 4, 3, 2],
        ("female", "60_plus"): [4, 5, 3, 4, 5],
        ("male", "under_30"): [3, 2, 3, 4, 2, 3, 4, 3, 2],
        ("male", "60_plus"): [6],
    }
    for (gender, age), rolls in groups.items():
        for roll in rolls:
            respondent = {"gender": gender, "age_band": age}
            submit(client, survey, {"terningkast": roll}, respondent=respondent)
    cells = list(groups)
    counts = np.array([len(groups[c]) for c in cells], dtype=float)
    truth = np.array([np.mean([dice(r) for r in groups[c]]) for c in cells])
    settings = [
        ({"female": 1, "male": 1}, {"under_30": 1, "60_plus": 1}),
        ({"female": 1, "male": 3}, {"under_30": 2, "60_plus": 2}),
        ({"female": 2, "male": 2}, {"under_30": 1, "60_plus": 3}),
        ({"female": 3, "male": 1}, {"under_30": 1, "60_plus": 3}),
        ({"female": 1, "male": 4}, {"under_30": 2, "60_plus": 3}),
    ]
    rows, served, modelled = [], [], []
    for gender, age in settings:
        totals = rake(
            {
                "gender": np.array([g for g, _ in cells], dtype=object),
                "age_band": np.array([a for _, a in cells], dtype=object),
            },
            {"gender": gender, "age_band": age},
            weights=counts,
        )
        rows.append(totals / totals.sum())
        modelled.append(float(rows[-1] @ truth))
        scores = read(client, owner, survey, {"gender": gender, "age_band": age})
        served.append(figure(scores, "terningkast")["estimate"])
    rows.append(counts / counts.sum())
    unweighted = figure(read(client, owner, survey, {}), "terningkast")["estimate"]
    modelled.append(float(rows[-1] @ truth))
    served.append(unweighted)

    def solve(readings):
        return np.linalg.lstsq(np.array(rows), np.array(readings), rcond=None)[0]

    man = cells.index(("male", "60_plus"))
    assert solve(modelled)[man] == pytest.approx(dice(6), abs=1e-6)  # the attack works...
    assert abs(solve(served)[man] - dice(6)) > 5  # ...but not on what the service publishes
