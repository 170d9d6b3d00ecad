"""Attacks on breakdowns: combine the published figures to isolate fewer than five people.

The attacker knows who answered, with which attributes and in which snapshot (the worst
case: a colleague, or the municipality that sent the invitations), reads the survey's
scores after every answer as a dashboard would, and reads every breakdown. Each test first
shows that the attack works on what a naive service would publish (every group of five or
more, as it stands at the end), then that it recovers no one from what this service
publishes: no combination of all the figures read is a sum over fewer than five people
(``Attacker.isolated``, by brute force over people).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from breakdown_helpers import (
    PARTIES,
    Attacker,
    Watcher,
    arrivals,
    figure_of,
    group,
    index_score,
    read_breakdown,
    shown,
)

from helpers import bearer, close_survey, create_survey, dice, dice_survey, open_survey, submit

K = 5


@pytest.fixture
def owner(make_key):
    return make_key("municipality", "4601")


def answered(watcher: Watcher, roll: int, **respondent: str) -> None:
    response = submit(watcher.client, watcher.survey, {"terningkast": roll}, respondent=respondent)
    assert response.status_code == 201, response.get_json()
    watcher.arrive(dice(roll), **respondent)
    watcher.read()


def naive(watcher: Watcher, by: str, groups: list[str]) -> Attacker:
    """What the attacker gets from a service that shows ``groups`` of the final state, with
    the totals read during fieldwork."""
    attacker = Attacker(K)
    attacker.rows = list(watcher.attacker.rows)
    final = watcher.at_snapshot[max(watcher.at_snapshot)]
    for code in groups:
        attacker.saw(p for p in final if watcher.in_group(p, by, code))
    return attacker


def stop(client, key, survey) -> None:
    close_survey(client, key, survey)


def test_the_total_minus_the_groups_shown_is_not_one_person(client, owner):
    survey = dice_survey(client, owner, respondent_attributes={"gender": None})
    watcher = Watcher(client, owner, survey, "terningkast")
    women, men = [2, 5, 3, 6, 4, 2, 5, 3, 6, 4], [3, 4, 2, 5, 6, 3, 4, 2, 5]
    for woman, man in zip(women, [*men, None], strict=True):
        answered(watcher, woman, gender="female")
        if man is not None:
            answered(watcher, man, gender="male")
    answered(watcher, 1, gender="other")  # the twentieth: one person of "other"
    stop(client, owner, survey)
    watcher.read("gender")

    attack = naive(watcher, "gender", ["female", "male"])
    other = attack.isolated()
    assert other == (19,)  # the total minus women and men
    body = watcher.breakdowns[-1]
    assert group(body, "other")["suppression_reason"] == "fewer_than_min_n"
    assert group(body, "male")["suppression_reason"] == "complementary"
    assert watcher.attacker.isolated() is None


def test_respondents_who_gave_no_gender_are_not_the_total_minus_the_groups(client, owner):
    survey = dice_survey(client, owner, respondent_attributes={"gender": None})
    watcher = Watcher(client, owner, survey, "terningkast")
    rolls = [2, 5, 3, 6, 4, 2, 5, 3, 6]
    for i, roll in enumerate(rolls):
        answered(watcher, roll, gender="female")
        answered(watcher, 7 - roll, gender="male")
        if i == 3:
            answered(watcher, 1, gender="prefer_not_to_say")
    answered(watcher, 6)  # gave no gender at all
    stop(client, owner, survey)
    watcher.read("gender")

    assert naive(watcher, "gender", ["female", "male"]).isolated() is not None
    assert len(shown(watcher.breakdowns[-1])) == 1
    assert watcher.attacker.isolated() is None


def test_a_role_is_not_its_role_group_minus_the_roles_shown(client, owner):
    survey = open_survey(client, owner, instrument="partssamarbeid", audience="mixed")
    watcher = Watcher(client, owner, survey, "partssamarbeidsindeks")
    for role, value in arrivals(PARTIES):
        from breakdown_helpers import answer

        answer(client, survey, value, role=role)
        watcher.arrive(index_score(value), role=role)
        watcher.read()
    stop(client, owner, survey)
    watcher.read("role", "role_group")

    # Naively, the representatives minus the union representatives: the two safety ones.
    attack = naive(watcher, "role_group", ["representative"])
    attack = naive_more(attack, watcher, "role", ["union_representative"])
    safety = attack.isolated()
    assert safety is not None and {watcher.people[p]["role"] for p in safety} == {
        "safety_representative"
    }
    by_role, by_group = watcher.breakdowns[-2], watcher.breakdowns[-1]
    assert "representative" in shown(by_group)
    assert group(by_role, "union_representative")["suppression_reason"] == "complementary"
    assert watcher.attacker.isolated() is None


def naive_more(attacker: Attacker, watcher: Watcher, by: str, groups: list[str]) -> Attacker:
    final = watcher.at_snapshot[max(watcher.at_snapshot)]
    for code in groups:
        attacker.saw(p for p in final if watcher.in_group(p, by, code))
    return attacker


def test_politicians_who_answered_together_are_not_the_fieldwork_totals_apart(client, owner):
    """Five politicians answer at one meeting, one more with four union representatives:
    the politicians' total minus the first snapshot's total is that one politician."""
    survey = open_survey(client, owner, instrument="partssamarbeid", audience="mixed")
    watcher = Watcher(client, owner, survey, "partssamarbeidsindeks")
    parties = {
        "politician": [5, 4, 5, 4, 5, 3],
        "union_representative": [2, 3, 2, 3, 2, 3, 2],
        "employee": [3, 4, 2, 3, 4, 2, 3, 4, 2, 3, 4, 2],
    }
    order = arrivals({"politician": parties["politician"][:5]}, together=True)
    order += [("politician", 3)] + [("union_representative", v) for v in (2, 3, 2, 3)]
    order += arrivals({"union_representative": [2, 3, 2], "employee": parties["employee"]})
    from breakdown_helpers import answer

    for role, value in order:
        answer(client, survey, value, role=role)
        watcher.arrive(index_score(value), role=role)
        watcher.read()
    stop(client, owner, survey)
    watcher.read("role", "role_group")

    one = naive(watcher, "role", ["politician", "union_representative", "employee"]).isolated()
    assert one is not None and len(one) < K
    assert watcher.attacker.isolated() is None
    assert "politician" not in shown(watcher.breakdowns[-2])


def test_gender_against_age_band_recovers_no_one(client, owner):
    """Nine young women, one older woman, ten older men: every group has five or more, but
    the women minus the young are the one older woman."""
    survey = dice_survey(client, owner, respondent_attributes={"gender": None, "age_band": None})
    watcher = Watcher(client, owner, survey, "terningkast")
    young_women = [2, 5, 3, 6, 4, 2, 5, 3, 6]
    older_men = [4, 3, 5, 2, 6, 4, 3, 5, 2, 6]
    for i in range(10):
        if i < 9:
            answered(watcher, young_women[i], gender="female", age_band="under_30")
        else:
            answered(watcher, 1, gender="female", age_band="60_plus")
        answered(watcher, older_men[i], gender="male", age_band="60_plus")
    stop(client, owner, survey)
    watcher.read("gender", "age_band")

    attack = naive(watcher, "gender", ["female", "male"])
    attack = naive_more(attack, watcher, "age_band", ["under_30", "60_plus"])
    assert attack.isolated() == (18,)  # the older woman
    assert watcher.attacker.isolated() is None
    by_gender, by_age = watcher.breakdowns[-2], watcher.breakdowns[-1]
    assert len(shown(by_gender)) + len(shown(by_age)) < 4


def test_the_weighted_total_and_the_groups_recover_no_one(client, owner):
    """The survey is weighted by age band, half and half: its score is a different sum over
    the same people, and with the women and the men shown it gives the older woman."""
    margins = {"age_band": {"under_30": 50, "60_plus": 50}}
    survey = dice_survey(
        client,
        owner,
        respondent_attributes={"gender": None, "age_band": None},
        population_margins=margins,
    )
    watcher = Watcher(client, owner, survey, "terningkast")

    def weights(watcher, people):
        counts = {}
        for p in people:
            band = watcher.people[p]["age_band"]
            counts[band] = counts.get(band, 0) + 1
        return {p: 0.5 / counts[watcher.people[p]["age_band"]] for p in people}

    young_women = [2, 5, 3, 6, 4, 2, 5, 3, 6]
    older_men = [4, 3, 5, 2, 6, 4, 3, 5, 2, 6]
    for i in range(10):
        if i < 9:
            respondent = {"gender": "female", "age_band": "under_30"}
            roll = young_women[i]
        else:
            respondent, roll = {"gender": "female", "age_band": "60_plus"}, 1
        submit(client, survey, {"terningkast": roll}, respondent=respondent)
        watcher.arrive(dice(roll), **respondent)
        watcher.read(weights=weights)
        respondent = {"gender": "male", "age_band": "60_plus"}
        submit(client, survey, {"terningkast": older_men[i]}, respondent=respondent)
        watcher.arrive(dice(older_men[i]), **respondent)
        watcher.read(weights=weights)
    stop(client, owner, survey)
    watcher.read("gender", weights=weights)

    assert naive(watcher, "gender", ["female", "male"]).isolated() == (18,)
    assert len(shown(watcher.breakdowns[-1])) < 2
    assert watcher.attacker.isolated() is None


def test_across_waves_a_group_withheld_in_one_gets_no_change(client, owner):
    """Women, men and three of "other" at the baseline; the follow-up's change for a group
    withheld at the baseline would give the baseline's value back (estimate minus change)."""
    baseline = dice_survey(client, owner, respondent_attributes={"gender": None})
    rows = [("female", r) for r in (2, 5, 3, 6, 4, 2)] + [("male", r) for r in (3, 4, 2, 5, 6, 3)]
    rows += [("other", r) for r in (1, 6, 2)]
    for gender, roll in sorted(rows, key=lambda row: rows.index(row) % 6):
        submit(client, baseline, {"terningkast": roll}, respondent={"gender": gender})
    stop(client, owner, baseline)
    follow_up = create_survey(
        client,
        owner,
        instrument="samlingsevaluering",
        audience="mixed",
        respondent_attributes={"gender": None},
        baseline_survey=baseline["id"],
    )
    client.patch(
        f"/api/v1/surveys/{follow_up['id']}", json={"status": "open"}, headers=bearer(owner)
    )
    later = [(g, r) for g in ("female", "male", "other") for r in (3, 5, 2, 6, 4)]
    for gender, roll in sorted(later, key=lambda row: later.index(row) % 5):
        submit(client, follow_up, {"terningkast": roll}, respondent={"gender": gender})
    stop(client, owner, follow_up)

    before = read_breakdown(client, owner, baseline, "gender")
    after = read_breakdown(client, owner, follow_up, "gender")
    assert set(shown(after)) == {"female", "male", "other"}
    for code in ("female", "male", "other"):
        change = figure_of(group(after, code), "terningkast")["change"]
        if code in shown(before):
            assert change["suppressed"] is False
            assert (
                change["baseline_estimate"]
                == figure_of(group(before, code), "terningkast")["estimate"]
            )
        else:  # estimate minus change would be the baseline's withheld value
            assert change == {"suppressed": True}
    assert not set(shown(before)) >= {"female", "male", "other"}


def test_reading_after_every_answer_and_every_withdrawal(client, owner):
    """Read after every answer during fieldwork (nothing is shown), once it stops, and after
    every attempt to withdraw or to reopen (both refused once it has closed): the breakdown
    keeps the state first shown, and nothing read, combined, isolates anyone."""
    survey = dice_survey(client, owner, respondent_attributes={"gender": None})
    watcher = Watcher(client, owner, survey, "terningkast")
    receipts = []
    rolls = [2, 5, 3, 6, 4, 3, 4, 2, 5, 6, 2, 5, 3, 6, 4, 3, 4, 2, 5, 6]
    for i, roll in enumerate(rolls):
        gender = ("female", "male")[i % 2]
        response = submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
        receipts.append(response.get_json()["receipt"])
        watcher.arrive(dice(roll), gender=gender)
        watcher.read("gender")
        assert watcher.breakdowns[-1]["withheld"] == "still_collecting"
    # Collection stops (the closing time passes), the breakdown is first shown...
    now = datetime.now(UTC)
    patch = {"closes_at": now.isoformat()}
    assert client.patch(f"/api/v1/surveys/{survey['id']}", json=patch, headers=bearer(owner))
    watcher.read("gender")
    first = watcher.breakdowns[-1]
    assert set(shown(first)) == {"female", "male"} and first["snapshot"]["n"] == 20
    # ...and no one can take their answers back, nor can fieldwork open again: the
    # breakdown and the figures stay as first shown.
    for person in (0, 2, 4, 1, 3):
        response = client.post("/api/v1/public/withdrawals", json={"receipt": receipts[person]})
        assert response.status_code == 409
        watcher.read("gender")
    patch = {"closes_at": (now + timedelta(days=1)).isoformat()}
    reopened = client.patch(f"/api/v1/surveys/{survey['id']}", json=patch, headers=bearer(owner))
    assert reopened.status_code == 409
    watcher.read("gender")

    states = {(b["snapshot"]["seq"], str(b["groups"])) for b in watcher.breakdowns[20:]}
    assert len(states) == 1  # the breakdown kept the state first shown
    assert watcher.attacker.isolated() is None


def test_a_group_whose_index_and_dimensions_differ_by_one_person_is_withheld(client, owner):
    """One employee said "don't know" to two of the three items on common goals: no score
    there, so no index. Seven times the employees' index minus their seven dimensions would
    be that person's other scores (as an item against its dimension): the group gives way."""
    from breakdown_helpers import answer, answers_for, cooperation_survey

    survey = cooperation_survey(client, owner)
    skipped = answers_for("partssamarbeid", 3, fm_1="dont_know", fm_2="dont_know")
    response = submit(client, survey, skipped, respondent={"role": "employee"})
    assert response.status_code == 201
    # Nine more: the index and every dimension move on with this snapshot (nine changes).
    for value in (2, 4, 3, 2, 4, 3, 2, 4, 3):
        answer(client, survey, value, role="employee")
    stop(client, owner, survey)
    body = read_breakdown(client, owner, survey, "role_group")
    assert body["snapshot"]["n"] == 45

    employees = group(body, "employee")
    assert employees["suppressed"] is True
    assert figure_of(employees, "partssamarbeidsindeks")["suppression_reason"] == (
        "nearly_the_same_respondents_as_a_related_figure"
    )
    assert figure_of(employees, "felles_mal")["suppression_reason"] == "complementary"
    for entry in shown(body).values():
        index = figure_of(entry, "partssamarbeidsindeks")["n"]
        for dimension in entry["dimensions"][:7]:
            assert dimension["n"] == index or abs(dimension["n"] - index) >= K
