"""GET /api/v1/surveys/{id}/breakdowns: the parties' perspectives and every breakdown.

The figures must be the means of the person scores in each group, the gaps Welch intervals
(as R's t.test(a, b) and scipy's ttest_ind(a, b, equal_var=False) give them), and nothing
may be shown before the survey stops collecting.
"""

from __future__ import annotations

import pytest
from breakdown_helpers import (
    PARTIES,
    answer,
    arrivals,
    cooperation_survey,
    figure_of,
    group,
    index_score,
    read_breakdown,
    shown,
)
from scipy import stats

from helpers import assert_error, bearer, close_survey, create_survey, open_survey

INDEX = "partssamarbeidsindeks"
PARTY_OF = {
    "politician": "elected",
    "union_representative": "representative",
    "safety_representative": "representative",
    "top_leader": "leader",
    "middle_leader": "leader",
    "project_leader": "leader",
    "employee": "employee",
}


@pytest.fixture
def owner(make_key):
    return make_key("municipality", "4601")


def party_scores() -> dict[str, list[float]]:
    scores: dict[str, list[float]] = {}
    for role, values in PARTIES.items():
        scores.setdefault(PARTY_OF[role], []).extend(index_score(v) for v in values)
    return scores


def test_the_parties_perspectives_on_a_realistic_survey(client, owner):
    survey = cooperation_survey(client, owner)
    close_survey(client, owner, survey)
    body = read_breakdown(client, owner, survey, "role_group")

    assert body["by"] == "role_group" and body["breakdowns"] == ["role", "role_group"]
    assert body["withheld"] is None and body["snapshot"]["n"] == 35
    scores = party_scores()
    assert list(shown(body)) == ["elected", "representative", "leader", "employee"]
    for party, values in scores.items():
        entry = group(body, party)
        assert entry["n"] == len(values)
        index = figure_of(entry, INDEX)
        assert index["estimate"] == pytest.approx(sum(values) / len(values))
        assert index["n"] == len(values) and index["suppressed"] is False
        assert index["confidence_interval"]["low"] < index["estimate"]
        assert entry["label"]["nn"]
    assert group(body, "representative")["label"] == {
        "nb": "Tillitsvalgte og verneombud",
        "nn": "Tillitsvalde og verneombod",
        "en": "Union and safety representatives",
    }
    # The headline is the index per party, with the gaps between the parties.
    headline = body["headline"]
    assert headline["key"] == INDEX and headline["title"]["en"] == "Tripartite cooperation index"
    assert [row["group"] for row in headline["groups"]] == list(scores)
    assert len(headline["gaps"]) == 6 and all(g["figure"] == INDEX for g in headline["gaps"])


def test_gaps_are_welch_intervals_between_the_groups(client, owner):
    survey = cooperation_survey(client, owner)
    close_survey(client, owner, survey)
    body = read_breakdown(client, owner, survey, "role_group", confidence_level=0.9)
    gap = next(
        g
        for g in body["gaps"]
        if (g["figure"], g["group"], g["versus"]) == (INDEX, "elected", "leader")
    )
    # The index of a person answering 5, 4, 3 on every item is 71.43, 60.71, 50. In R:
    #   s <- c(`5` = 71.428571428571431, `4` = 60.714285714285715, `3` = 50)
    #   elected <- s[c("5","4","5","4","5","4")]
    #   leader <- s[c("4","4","5","3","4","3","4","3","4","4","3")]
    #   r <- t.test(elected, leader, conf.level = 0.9)  # Welch
    #   sprintf("%.17g", c(r$estimate[1] - r$estimate[2], r$conf.int, r$parameter, r$p.value))
    assert gap["estimate"] == pytest.approx(8.279220779220779, abs=1e-9)
    assert gap["confidence_interval"] == {
        "low": pytest.approx(2.6146858529046026, abs=1e-9),
        "high": pytest.approx(13.943755705536958, abs=1e-9),
    }
    assert gap["degrees_of_freedom"] == pytest.approx(12.019551740581786, abs=1e-9)
    assert gap["pvalue"] == pytest.approx(0.023003088417162341, abs=1e-12)
    assert gap["significant"] is True
    # Every figure of every two groups shown has its gap, the same as scipy's Welch test.
    assert len(body["gaps"]) == 6 * 9
    scores = party_scores()
    welch = stats.ttest_ind(scores["employee"], scores["representative"], equal_var=False)
    other = next(
        g
        for g in body["gaps"]
        if (g["figure"], g["group"]) == (INDEX, "representative") and g["versus"] == "employee"
    )
    assert -other["estimate"] == pytest.approx(float(welch.statistic) * other["standard_error"])
    assert figure_of(group(body, "elected"), INDEX)["confidence_level"] == 0.9


def test_roles_are_withheld_with_their_reasons(client, owner):
    survey = cooperation_survey(client, owner)
    close_survey(client, owner, survey)
    body = read_breakdown(client, owner, survey, "role")
    reasons = {g["group"]: g["suppression_reason"] for g in body["groups"]}
    assert reasons == {
        "politician": None,
        # Shown, the representatives minus the union representatives would be the two
        # safety representatives: one more role is withheld.
        "union_representative": "complementary",
        "top_leader": "fewer_than_min_n",
        "middle_leader": None,
        "project_leader": "fewer_than_min_n",
        "employee": None,
        "safety_representative": "fewer_than_min_n",
    }
    withheld = group(body, "top_leader")
    assert withheld["n"] is None and withheld["suppressed"] is True
    assert all(f["estimate"] is None and f["n"] is None for f in withheld["indices"])
    assert all(g["group"] != "top_leader" and g["versus"] != "top_leader" for g in body["gaps"])


def test_a_group_nobody_is_in_is_listed_like_a_small_one(client, owner):
    parties = {"politician": [5, 4, 5, 4, 5, 4, 5, 4], "employee": [3, 2, 3, 4, 3, 2, 3, 4]}
    survey = cooperation_survey(client, owner, parties)
    close_survey(client, owner, survey)
    body = read_breakdown(client, owner, survey, "role")
    assert [g["group"] for g in body["groups"]] == [
        "politician",
        "union_representative",
        "top_leader",
        "middle_leader",
        "project_leader",
        "employee",
        "safety_representative",
    ]
    assert group(body, "top_leader")["suppression_reason"] == "fewer_than_min_n"
    assert set(shown(body)) == {"politician", "employee"}


def test_nothing_is_shown_while_the_survey_collects(client, owner):
    survey = cooperation_survey(client, owner)
    body = read_breakdown(client, owner, survey, "role_group")
    assert body["withheld"] == "still_collecting" and body["snapshot"] is None
    assert body["gaps"] == [] and shown(body) == {}
    assert {g["suppression_reason"] for g in body["groups"]} == {"still_collecting"}
    assert all(f["estimate"] is None for g in body["groups"] for f in g["indices"])


def test_a_breakdown_the_survey_does_not_have_is_refused(client, owner):
    survey = cooperation_survey(client, owner)
    url = f"/api/v1/surveys/{survey['id']}/breakdowns"
    response = client.get(url, query_string={"by": "gender"}, headers=bearer(owner))
    body = assert_error(response, 422, message_contains="cannot be broken down by 'gender'")
    assert "role, role_group" in body["message"]
    response = client.get(url, query_string={"by": "shoe_size"}, headers=bearer(owner))
    assert_error(response, 422)
    assert_error(client.get(url, headers=bearer(owner)), 422)


def test_the_same_readers_as_the_scores(client, owner, make_key):
    survey = cooperation_survey(client, owner)
    close_survey(client, owner, survey)
    url = f"/api/v1/surveys/{survey['id']}/breakdowns"
    for role in ("dashboard", "analyst", "admin"):
        response = client.get(url, query_string={"by": "role"}, headers=bearer(make_key(role)))
        assert response.status_code == 200
    other = make_key("municipality", "0301")
    missing = client.get(
        "/api/v1/surveys/999999/breakdowns", query_string={"by": "role"}, headers=bearer(other)
    )
    foreign = client.get(url, query_string={"by": "role"}, headers=bearer(other))
    assert_error(foreign, 404)
    assert foreign.get_json()["message"].replace(str(survey["id"]), "N") == missing.get_json()[
        "message"
    ].replace("999999", "N")
    assert_error(client.get(url, query_string={"by": "role"}), 401)


def test_change_since_the_baseline_per_group(client, owner):
    baseline = cooperation_survey(
        client,
        owner,
        {
            "politician": [4, 3, 4],
            "middle_leader": [2, 3, 2, 3, 2, 3],
            "employee": [2, 3, 2, 3, 2, 3],
        },
    )
    close_survey(client, owner, baseline)
    follow_up = create_survey(
        client,
        owner,
        instrument="partssamarbeid",
        audience="mixed",
        baseline_survey=baseline["id"],
        title="Partssamarbeid 2027",
    )
    client.patch(
        f"/api/v1/surveys/{follow_up['id']}", json={"status": "open"}, headers=bearer(owner)
    )
    parties = {
        "politician": [5, 4, 5, 4, 5, 4],
        "middle_leader": [3, 4, 3, 4, 3, 4],
        "employee": [3, 3, 3, 4, 3, 2, 3, 4, 3],
    }
    for role, value in arrivals(parties):
        answer(client, follow_up, value, role=role)
    close_survey(client, owner, follow_up)

    before = read_breakdown(client, owner, baseline, "role_group")
    body = read_breakdown(client, owner, follow_up, "role_group")
    assert body["baseline"]["survey"] == baseline["id"] and body["baseline"]["withheld"] is None
    leaders = figure_of(group(body, "leader"), INDEX)
    then = figure_of(group(before, "leader"), INDEX)["estimate"]
    assert leaders["change"]["suppressed"] is False
    assert leaders["change"]["baseline_estimate"] == pytest.approx(then)
    assert leaders["change"]["estimate"] == pytest.approx(leaders["estimate"] - then)
    # Three politicians at the baseline: withheld there, so no change is given for them.
    assert group(before, "elected")["suppressed"] is True
    assert group(body, "elected")["suppressed"] is False
    assert figure_of(group(body, "elected"), INDEX)["change"] == {"suppressed": True}


def test_an_open_baseline_gives_no_change(client, owner):
    baseline = cooperation_survey(client, owner, {"employee": [2, 3, 2, 3, 2, 3, 2, 3, 2, 3]})
    follow_up = open_survey(
        client,
        owner,
        instrument="partssamarbeid",
        audience="mixed",
        baseline_survey=baseline["id"],
        title="Partssamarbeid 2027",
    )
    for value in (3, 4, 3, 4, 3, 4, 3, 4, 3, 4):
        answer(client, follow_up, value, role="employee")
    close_survey(client, owner, follow_up)
    body = read_breakdown(client, owner, follow_up, "role")
    assert body["baseline"]["withheld"] == "still_collecting"
    employees = figure_of(group(body, "employee"), INDEX)
    assert employees["suppressed"] is False and employees["change"] == {"suppressed": True}


def test_an_area_one_person_typed_is_never_named(client, owner):
    survey = open_survey(client, owner)  # omdømmetrappen: age band, gender and a free area
    areas = ["Sentrum", "Nord"] * 7
    areas.insert(7, "Lillevik")
    for i, area in enumerate(areas):
        answer(client, survey, 1 + i % 5, area=area)
    close_survey(client, owner, survey)
    body = read_breakdown(client, owner, survey, "area")
    # Nord with Sentrum would leave Lillevik's one respondent as the total minus both.
    assert [g["group"] for g in body["groups"]] == ["Sentrum"]
    assert "Lillevik" not in str(body) and "Nord" not in str(body)
    assert body["breakdowns"] == ["age_band", "gender", "area"]


def test_an_area_list_is_listed_whole(client, owner):
    listed = {"area": {"options": ["Sentrum", "Nord", "Sør"]}}
    survey = open_survey(client, owner, respondent_attributes=listed)
    for i in range(10):
        answer(client, survey, 1 + i % 5, area=("Sentrum", "Nord")[i % 2])
    close_survey(client, owner, survey)
    body = read_breakdown(client, owner, survey, "area")
    assert [g["group"] for g in body["groups"]] == ["Sentrum", "Nord", "Sør"]
    assert group(body, "Sør")["suppression_reason"] == "fewer_than_min_n"
