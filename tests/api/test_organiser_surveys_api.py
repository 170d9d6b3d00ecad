"""Surveys an organiser runs for several municipalities (the network's gathering, KS, a
county): creating them, answering them with the respondent's municipality, and who reads
what. The attacks on the municipalities' parts are in tests/anonymity/test_organiser_parts.py.
"""

from __future__ import annotations

import pytest

from helpers import assert_error, bearer, dice, network_gathering, submit

PARTICIPANTS = ["4601", "0301", "1101"]
NETWORK = {"kind": "network"}


@pytest.fixture
def admin(make_key):
    return make_key("admin")


@pytest.fixture
def bergen(make_key):
    return make_key("municipality", "4601")


def gathering(client, admin, **fields):
    """A draft dice survey the network runs for :data:`PARTICIPANTS`."""
    return network_gathering(client, admin, PARTICIPANTS, opened=False, **fields)


def opened(client, admin, **fields):
    return network_gathering(client, admin, PARTICIPANTS, **fields)


def roll(client, survey, value, municipality):
    response = submit(
        client, survey, {"terningkast": value}, respondent={"municipality": municipality}
    )
    assert response.status_code == 201, response.get_json()


def test_the_network_runs_a_survey_for_its_municipalities(client, admin):
    survey = gathering(client, admin)
    assert survey["municipality"] is None
    assert survey["municipality_name"] == "Saman om ein betre kommune"
    assert survey["organiser"] == {
        "kind": "network",
        "county": None,
        "name": "Saman om ein betre kommune",
    }
    assert [p["number"] for p in survey["participants"]] == ["4601", "1101", "0301"]  # by name
    assert {p["name"] for p in survey["participants"]} == {"Bergen", "Oslo", "Eigersund"}
    assert survey["default_language"] == "nn"


def test_a_county_organiser_is_named_from_the_reference_data(client, admin):
    survey = gathering(client, admin, organiser={"kind": "county", "county": "46"})
    assert survey["organiser"] == {"kind": "county", "county": "46", "name": "Vestland"}
    ks = gathering(client, admin, organiser={"kind": "ks", "name": "KS Vest"})
    assert ks["organiser"]["name"] == "KS Vest"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"participants": ["4601", "9999", "0000"]}, "participants", "9999, 0000"),
        ({"participants": ["4601", "4601"]}, "participants", "more than once: 4601"),
        ({"organiser": {"kind": "county", "county": "99"}}, "organiser", "No county"),
        ({"organiser": {"kind": "county"}}, "organiser", "county number"),
        ({"organiser": {"kind": "ks", "county": "46"}}, "organiser", "Only a county"),
        ({"municipality": "4601"}, "municipality", "not both"),
    ],
)
def test_an_organiser_survey_that_is_not_valid_is_refused_with_the_reason(
    client, admin, fields, field, words
):
    body = {
        "organiser": NETWORK,
        "participants": PARTICIPANTS,
        "instrument": "samlingsevaluering",
        "audience": "mixed",
        "title": "Samlinga",
        **fields,
    }
    response = client.post("/api/v1/surveys", json=body, headers=bearer(admin))
    payload = assert_error(response, 422)
    assert any(words in message for message in payload["errors"][field]), payload


def test_a_survey_needs_a_municipality_or_an_organiser(client, admin):
    body = {"instrument": "samlingsevaluering", "audience": "mixed", "title": "Samlinga"}
    payload = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(admin)), 422)
    assert "either municipality" in payload["errors"]["municipality"][0]
    body |= {"municipality": "4601", "participants": ["0301"]}
    payload = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(admin)), 422)
    assert "Only an organiser's survey" in payload["errors"]["participants"][0]


def test_a_municipality_key_cannot_create_an_organisers_survey(client, bergen):
    body = {
        "organiser": NETWORK,
        "participants": ["4601"],
        "instrument": "samlingsevaluering",
        "audience": "mixed",
        "title": "Samlinga",
    }
    assert_error(
        client.post("/api/v1/surveys", json=body, headers=bearer(bergen)),
        403,
        message_contains="admin key",
    )


def test_the_form_asks_which_participating_municipality_first(client, admin):
    survey = opened(client, admin)
    body = client.get(f"/api/v1/public/surveys/{survey['public_id']}?lang=en").get_json()
    question = body["questionnaire"]["respondent"][0]
    assert question["attribute"] == "municipality"
    assert question["required"] is True
    assert question["question"] == "Which municipality are you from?"
    assert [o["label"] for o in question["answerOption"]] == ["Bergen", "Eigersund", "Oslo"]
    assert body["municipality"] is None
    assert body["municipality_name"] == "Saman om ein betre kommune"


def test_a_response_must_say_which_participating_municipality(client, admin):
    survey = opened(client, admin)
    missing = submit(client, survey, {"terningkast": 5})
    payload = assert_error(missing, 422)
    assert "respondent.municipality" in payload["errors"]
    other = submit(client, survey, {"terningkast": 5}, respondent={"municipality": "5001"})
    payload = assert_error(other, 422)
    assert "5001" in payload["errors"]["respondent.municipality"][0]
    roll(client, survey, 5, "4601")


def test_a_municipalitys_own_survey_refuses_a_municipality_answer(client, bergen):
    from helpers import dice_survey

    survey = dice_survey(client, bergen)
    response = submit(client, survey, {"terningkast": 5}, respondent={"municipality": "4601"})
    assert "respondent.municipality" in assert_error(response, 422)["errors"]


def test_a_participating_municipality_reads_the_survey_and_its_own_part_only(
    client, admin, bergen, make_key
):
    survey = opened(client, admin)
    for value, place in [(5, "4601"), (4, "4601")] * 5 + [(3, "0301"), (2, "0301")] * 3:
        roll(client, survey, value, place)  # 16: Bergen 10, then Oslo 6
    client.patch(
        f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}, headers=bearer(admin)
    )
    base = f"/api/v1/surveys/{survey['id']}"
    listed = client.get("/api/v1/surveys", headers=bearer(bergen)).get_json()
    assert survey["id"] in [s["id"] for s in listed]
    assert client.get(base, headers=bearer(bergen)).status_code == 200

    part = client.get(f"{base}/parts/4601", headers=bearer(bergen))
    assert part.status_code == 200, part.get_json()
    body = part.get_json()
    assert body["municipality_name"] == "Bergen"
    assert body["organiser"]["kind"] == "network"
    assert body["n"] == 10 and body["suppressed"] is False
    assert body["dimensions"][0]["estimate"] == pytest.approx((dice(5) + dice(4)) / 2)

    # Everything else about the survey's results answers as a missing survey does.
    for path in (
        "/parts/0301",
        "/parts/5001",
        "/scores",
        "/breakdowns?by=municipality",
        "/fieldwork",
        "/comments",
        "/benefit-realisation",
        "/charts/dimensions.svg",
    ):
        assert_error(client.get(base + path, headers=bearer(bergen)), 404)
    assert_error(client.patch(base, json={"title": "x"}, headers=bearer(bergen)), 404)
    invite = client.post(f"{base}/invitations", json={"count": 1}, headers=bearer(bergen))
    assert_error(invite, 404)

    # A municipality that does not take part sees nothing of it.
    trondheim = make_key("municipality", "5001")
    assert_error(client.get(base, headers=bearer(trondheim)), 404)
    assert_error(client.get(f"{base}/parts/5001", headers=bearer(trondheim)), 404)
    listed = client.get("/api/v1/surveys", headers=bearer(trondheim)).get_json()
    assert survey["id"] not in [s["id"] for s in listed]

    # The other roles read the whole survey, and any participant's part.
    dashboard = make_key("dashboard")
    scores = client.get(f"{base}/scores", headers=bearer(dashboard)).get_json()
    assert scores["n"] == 15 and scores["municipality"] is None  # the 16th: never published
    oslo = client.get(f"{base}/parts/0301", headers=bearer(dashboard)).get_json()
    assert oslo["n"] == 5
    assert_error(client.get(f"{base}/parts/5001", headers=bearer(dashboard)), 404)


def test_municipalities_may_join_but_not_leave_once_it_has_opened(client, admin):
    survey = opened(client, admin)
    url = f"/api/v1/surveys/{survey['id']}"
    grown = client.patch(url, json={"participants": [*PARTICIPANTS, "5001"]}, headers=bearer(admin))
    assert grown.status_code == 200, grown.get_json()
    assert "5001" in [p["number"] for p in grown.get_json()["participants"]]
    shrunk = client.patch(url, json={"participants": ["4601"]}, headers=bearer(admin))
    assert_error(shrunk, 409, message_contains="0301")


def test_an_organisers_survey_is_in_no_municipalitys_comparison(client, admin, make_key):
    survey = opened(client, admin)
    for place in ["4601"] * 5:
        roll(client, survey, 4, place)
    rows = client.get(
        "/api/v1/scores?instrument=samlingsevaluering", headers=bearer(admin)
    ).get_json()
    assert survey["id"] not in [row["survey"] for row in rows["surveys"]]
