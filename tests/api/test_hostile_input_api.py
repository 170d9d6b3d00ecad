"""Hostile input: what a database or a parser cannot take is a clear 4xx, and stores nothing.

Each case once crashed with a 5xx on one backend or both: bodies too deep or numbers too long
to parse, NUL in text (PostgreSQL cannot store it), integers beyond the database's columns,
control characters in a filter that ends up in a header, an unchecked audience.
"""

import uuid

import pytest

from helpers import assert_error, bearer, count_responses, dice_survey, open_survey

NOT_JSON = "not valid JSON"


def _post_raw(client, survey, body: str):
    return client.post(
        f"/api/v1/public/surveys/{survey['public_id']}/responses",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
    )


def test_a_body_nested_too_deeply_is_422_and_stores_nothing(app, client, admin):
    survey = open_survey(client, admin)
    depth = 10_000
    nested = "[" * depth + "4" + "]" * depth
    body = f'{{"submission_id": "{uuid.uuid4()}", "answers": {{"sso_1": {nested}}}}}'
    assert_error(_post_raw(client, survey, body), 422, message_contains=NOT_JSON)
    assert count_responses(app) == 0


def test_a_number_of_too_many_digits_is_422_and_stores_nothing(app, client, admin):
    survey = open_survey(client, admin)
    digits = "9" * 5000
    body = f'{{"submission_id": "{uuid.uuid4()}", "answers": {{"sso_1": {digits}}}}}'
    assert_error(_post_raw(client, survey, body), 422, message_contains=NOT_JSON)
    assert count_responses(app) == 0


@pytest.mark.parametrize(
    "fields,where",
    [
        (
            {"answers": {"terningkast": 5, "viktigste_laerdom": "a\u0000b"}},
            "answers.viktigste_laerdom",
        ),
        ({"answers": {"terningkast": 5, "x\u0000": 1}}, "answers.x\u0000"),
        ({"respondent": {"area": "Nord\u0000"}}, "respondent.area"),
        ({"token": "abc\u0000"}, "token"),
        ({"language": "nb\u0000"}, "language"),
    ],
)
def test_nul_in_any_string_of_a_submission_is_422_and_stores_nothing(
    app, client, admin, fields, where
):
    survey = dice_survey(client, admin)
    body = {"submission_id": str(uuid.uuid4()), "answers": {"terningkast": 5}, **fields}
    response = client.post(f"/api/v1/public/surveys/{survey['public_id']}/responses", json=body)
    error = assert_error(response, 422)
    assert error["errors"] == {where: ["Text may not hold the NUL character (\\u0000)."]}
    assert count_responses(app) == 0


@pytest.mark.parametrize("path", ["ab%00cd", "ab%01cd", "a" * 1000])
def test_a_public_id_no_survey_can_have_is_404(client, path):
    assert_error(client.get(f"/api/v1/public/surveys/{path}"), 404)
    response = client.post(
        f"/api/v1/public/surveys/{path}/responses",
        json={"submission_id": str(uuid.uuid4()), "answers": {"sso_1": 4}},
    )
    assert_error(response, 404)


@pytest.mark.parametrize("path", ["ab%00cd", "a" * 1000])
def test_a_form_address_no_survey_can_have_is_the_html_404_page(client, path):
    for response in (client.get(f"/s/{path}"), client.post(f"/s/{path}", data={})):
        assert response.status_code == 404
        assert response.mimetype == "text/html"


@pytest.mark.parametrize("survey_id", ["2147483648", "9223372036854775808", "1" + "0" * 40])
@pytest.mark.parametrize("suffix", ["", "/scores", "/fieldwork"])
def test_a_survey_id_beyond_the_database_is_404(client, admin, survey_id, suffix):
    assert_error(client.get(f"/api/v1/surveys/{survey_id}{suffix}", headers=bearer(admin)), 404)
    url = f"/api/v1/surveys/{survey_id}"
    assert_error(client.patch(url, json={"title": "x"}, headers=bearer(admin)), 404)
    invitations = client.post(f"{url}/invitations", json={"count": 1}, headers=bearer(admin))
    assert_error(invitations, 404)


def test_the_largest_survey_id_the_database_holds_is_an_ordinary_404(client, admin):
    response = client.get("/api/v1/surveys/2147483647", headers=bearer(admin))
    assert_error(response, 404)


def test_an_export_for_a_survey_id_beyond_the_database_is_422(client, admin):
    """Refused, not an empty export: such an id can name no survey, so it is a caller's error."""
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommetrappen", "survey": "3000000000"},
        headers=bearer(admin),
    )
    assert "survey" in assert_error(response, 422)["errors"]


@pytest.mark.parametrize("field", ["population_size", "baseline_survey"])
@pytest.mark.parametrize("value", [2**31, 2**63, 10**30])
def test_an_integer_beyond_the_database_on_a_new_survey_is_422_naming_the_field(
    client, admin, field, value
):
    response = client.post(
        "/api/v1/surveys",
        json={
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": "Omdømme",
            field: value,
        },
        headers=bearer(admin),
    )
    assert list(assert_error(response, 422)["errors"]) == [field]


def test_a_population_beyond_the_database_on_an_update_is_422(client, admin):
    survey = open_survey(client, admin)
    response = client.patch(
        f"/api/v1/surveys/{survey['id']}", json={"population_size": 2**31}, headers=bearer(admin)
    )
    assert list(assert_error(response, 422)["errors"]) == ["population_size"]


@pytest.mark.parametrize("page", ["2147483648", "10000000000000000000"])
def test_an_audit_page_beyond_the_database_is_422(client, admin, page):
    response = client.get("/api/v1/audit", query_string={"page": page}, headers=bearer(admin))
    assert "page" in assert_error(response, 422)["errors"]


def test_a_far_audit_page_the_database_can_count_to_is_empty(client, admin):
    response = client.get(
        "/api/v1/audit", query_string={"page": "2147483647"}, headers=bearer(admin)
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == []


@pytest.mark.parametrize(
    "query",
    [
        {"period": "\u0001"},
        {"period": "2026\r\nX-Injected: 1"},
        {"period": "\u0000"},
        {"instrument_version": "1\u0000"},
    ],
)
def test_a_control_character_in_an_export_filter_is_422(client, admin, query):
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommetrappen", **query},
        headers=bearer(admin),
    )
    body = assert_error(response, 422)
    assert list(body["errors"]) == list(query)
    assert "Content-Disposition" not in response.headers


@pytest.mark.parametrize("query", [{"period": "\u0000"}, {"instrument": "omdommetrappen\u0000"}])
def test_a_control_character_in_a_survey_filter_is_422(client, admin, query):
    response = client.get("/api/v1/surveys", query_string=query, headers=bearer(admin))
    assert list(assert_error(response, 422)["errors"]) == list(query)


def test_a_control_character_in_an_audit_filter_is_422(client, admin):
    response = client.get(
        "/api/v1/audit", query_string={"action": "export.\u0000"}, headers=bearer(admin)
    )
    assert list(assert_error(response, 422)["errors"]) == ["action"]


def test_an_unknown_audience_of_an_instrument_is_422_naming_the_allowed(client):
    from survey_service.instruments import AUDIENCES

    response = client.get("/api/v1/instruments/omdommetrappen?lang=nb&audience=x")
    errors = assert_error(response, 422)["errors"]
    assert all(audience in errors["audience"][0] for audience in AUDIENCES)
    assert (
        client.get(f"/api/v1/instruments/omdommetrappen?audience={AUDIENCES[0]}").status_code == 200
    )
