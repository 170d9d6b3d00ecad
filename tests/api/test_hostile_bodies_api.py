"""Hostile request bodies on every endpoint that takes one: a clear 4xx JSON error, and nothing
stored or changed.

Each body is sent to each endpoint: bytes that are not UTF-8, JSON that is ambiguous or not
JSON at all (a key given twice, ``NaN``, ``1e400``), text no database can store (NUL, a lone
surrogate), another content type, no body, the wrong shape, strings too long for their field.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from helpers import assert_error, bearer, dice_survey, open_survey

NOT_JSON = "not valid JSON"
JSON = "application/json"

# (method, path template, needs the admin key, a valid body)
ENDPOINTS = {
    "submit": ("POST", "/api/v1/public/surveys/{public_id}/responses", False),
    "withdraw": ("POST", "/api/v1/public/withdrawals", False),
    "survey_create": ("POST", "/api/v1/surveys", True),
    "survey_patch": ("PATCH", "/api/v1/surveys/{id}", True),
    "instrument_create": ("POST", "/api/v1/instruments", True),
    "key_create": ("POST", "/api/v1/keys", True),
    "invitations": ("POST", "/api/v1/surveys/{id}/invitations", True),
}

# Bodies the JSON parser refuses (422, "not valid JSON"), with what the error must say.
NOT_STRICT_JSON = [
    pytest.param(b'{"title": "\xff\xfe"}', "not UTF-8", id="invalid-utf8"),
    pytest.param(b'{"title": "\xc3"}', "not UTF-8", id="truncated-utf8"),
    pytest.param(b'{"title": "a", "title": "b"}', "more than once", id="duplicate-key"),
    pytest.param(b'{"a": {"b": 1, "b": 1}}', "more than once", id="nested-duplicate-key"),
    pytest.param(b'{"count": NaN}', "NaN is not a JSON value", id="nan"),
    pytest.param(b'{"count": Infinity}', "Infinity is not a JSON value", id="infinity"),
    pytest.param(b'{"count": -Infinity}', "-Infinity is not a JSON value", id="minus-infinity"),
    pytest.param(b'{"count": 1e400}', "too large", id="1e400"),
    pytest.param(b'{"count": -1e400}', "too large", id="minus-1e400"),
    pytest.param(b'{"title": ', "Invalid JSON body", id="truncated"),
    pytest.param(b"{'title': 'x'}", "Invalid JSON body", id="single-quotes"),
    pytest.param(b'{"title": "x"} trailing', "Invalid JSON body", id="trailing-garbage"),
    pytest.param(b'\xef\xbb\xbf{"title": "x"}', "Invalid JSON body", id="byte-order-mark"),
]

# Well-formed JSON of the wrong shape, or with text that cannot be stored: 422 from the schema.
WRONG_SHAPES = [
    pytest.param([], id="array"),
    pytest.param([{"title": "x"}], id="array-of-object"),
    pytest.param("title", id="string"),
    pytest.param(1, id="number"),
    pytest.param(True, id="boolean"),
    pytest.param({"title\u0000": "x"}, id="nul-in-key"),
    pytest.param({"title": "x\u0000"}, id="nul-in-value"),
    pytest.param({"title": "\ud800"}, id="lone-surrogate"),
    pytest.param({"x" * 10_000: 1}, id="huge-key"),
]


@pytest.fixture
def targets(client, admin) -> dict[str, Any]:
    """An open survey to submit to, change and invite to; ids filled into the paths."""
    survey = dice_survey(client, admin, title="Before")
    return {"id": survey["id"], "public_id": survey["public_id"]}


def _send(client, admin, targets, endpoint, **kwargs):
    method, template, keyed = ENDPOINTS[endpoint]
    headers = {**kwargs.pop("headers", {}), **(bearer(admin) if keyed else {})}
    return client.open(template.format(**targets), method=method, headers=headers, **kwargs)


def state(app, client, admin, targets) -> dict[str, Any]:
    """Everything a refused request must leave as it was: the rows of every table the bodies
    could write, and the survey they could change."""
    from survey_service.db import db
    from survey_service.models import (
        ApiKey,
        AuditEntry,
        InstrumentVersion,
        Invitation,
        Response,
        Survey,
    )

    with app.app_context():
        counts = {
            model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (ApiKey, AuditEntry, InstrumentVersion, Invitation, Response, Survey)
        }
    survey = client.get(f"/api/v1/surveys/{targets['id']}", headers=bearer(admin)).get_json()
    return {"counts": counts, "survey": survey}


@pytest.mark.parametrize("body,problem", NOT_STRICT_JSON)
def test_a_body_that_is_not_strict_json_is_422_and_changes_nothing(
    app, client, admin, targets, body, problem
):
    before = state(app, client, admin, targets)
    for endpoint in ENDPOINTS:
        response = _send(
            client, admin, targets, endpoint, data=body, headers={"Content-Type": JSON}
        )
        error = assert_error(response, 422, message_contains=NOT_JSON)
        assert problem in " ".join(error["errors"]["json"]), (endpoint, error)
    assert state(app, client, admin, targets) == before


@pytest.mark.parametrize("body", WRONG_SHAPES)
def test_a_body_of_the_wrong_shape_or_unstorable_text_is_422_and_changes_nothing(
    app, client, admin, targets, body
):
    before = state(app, client, admin, targets)
    for endpoint in ENDPOINTS:
        response = _send(
            client, admin, targets, endpoint, data=json.dumps(body), headers={"Content-Type": JSON}
        )
        assert response.status_code == 422, endpoint
        assert_error(response, 422)
    assert state(app, client, admin, targets) == before


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("text/plain", b'{"title": "x"}'),
        ("application/x-www-form-urlencoded", b"title=x&count=1"),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: form-data; name="t"\r\n\r\nx\r\n--b--\r\n',
        ),
        ("application/xml", b"<title>x</title>"),
        (None, b'{"title": "x"}'),
    ],
)
def test_a_body_of_another_content_type_is_422_and_changes_nothing(
    app, client, admin, targets, content_type, body
):
    before = state(app, client, admin, targets)
    headers = {"Content-Type": content_type} if content_type else {}
    for endpoint in ENDPOINTS:
        response = _send(client, admin, targets, endpoint, data=body, headers=headers)
        assert response.status_code == 422, endpoint
        assert_error(response, 422, message_contains="must be JSON")
    assert state(app, client, admin, targets) == before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e != "survey_patch"])
def test_no_body_is_422_naming_the_required_fields_and_changes_nothing(
    app, client, admin, targets, endpoint
):
    before = state(app, client, admin, targets)
    error = assert_error(_send(client, admin, targets, endpoint), 422)
    assert any("Missing data" in m for ms in error["errors"].values() for m in ms), error
    assert state(app, client, admin, targets) == before


@pytest.mark.parametrize(
    "endpoint,body,field",
    [
        ("submit", {"answers": {"terningkast": True}}, "terningkast"),
        ("submit", {"answers": {"terningkast": 5.5}}, "terningkast"),
        ("submit", {"answers": {"terningkast": 1e308}}, "terningkast"),
        ("submit", {"answers": {"terningkast": 10**300}}, "terningkast"),
        ("submit", {"answers": {"terningkast": [5]}}, "terningkast"),
        ("submit", {"answers": [5]}, "answers"),
        (
            "submit",
            {"answers": {"terningkast": 5, "viktigste_laerdom": "x" * 2001}},
            "viktigste_laerdom",
        ),
        ("submit", {"respondent": ["area"]}, "respondent"),
        ("withdraw", {"receipt": "x" * 65}, "receipt"),
        ("withdraw", {"receipt": 12345}, "receipt"),
        ("survey_create", {"title": "x" * 201}, "title"),
        ("survey_create", {"title": "x" * 1_000_000}, "title"),
        ("survey_create", {"population_size": True}, "population_size"),
        ("survey_create", {"targets": {"kvalitet": float("1e308")}}, "targets"),
        ("survey_create", {"embed_origins": "https://a.example"}, "embed_origins"),
        ("survey_patch", {"title": ""}, "title"),
        ("survey_patch", {"population_size": "many"}, "population_size"),
        ("survey_patch", {"status": ["open"]}, "status"),
        ("survey_patch", {"population_margins": {"area": {"Nord": True}}}, "population_margins"),
        ("key_create", {"role": "admin", "name": "x" * 201}, "name"),
        ("key_create", {"role": True}, "role"),
        ("invitations", {"count": True}, "count"),
        ("invitations", {"count": 10_001}, "count"),
    ],
)
def test_a_field_of_the_wrong_type_or_too_long_is_422_naming_it(
    app, client, admin, targets, endpoint, body, field
):
    base: dict[str, Any] = {}
    if endpoint == "submit":
        base = {"submission_id": "8b0f0a4e-0d1c-4d8e-9d7e-2f1b7f1c9a11", "answers": {}}
    if endpoint == "survey_create":
        base = {
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": "T",
        }
    before = state(app, client, admin, targets)
    response = _send(client, admin, targets, endpoint, json={**base, **body})
    errors = assert_error(response, 422).get("errors", {})
    assert any(key == field or key.startswith(f"{field}.") for key in errors), errors
    assert state(app, client, admin, targets) == before


def test_a_body_just_over_the_limit_is_413_and_stores_nothing(app, client, admin, targets):
    limit = app.config["MAX_CONTENT_LENGTH"]
    before = state(app, client, admin, targets)
    body = b'{"title": "' + b"x" * limit + b'"}'
    for endpoint in ENDPOINTS:
        response = _send(
            client,
            admin,
            targets,
            endpoint,
            data=body,
            headers={"Content-Type": JSON},
        )
        assert_error(response, 413, message_contains="larger than")
    assert state(app, client, admin, targets) == before


def test_a_body_just_under_the_limit_is_read_and_refused_by_its_rules(app, client, admin, targets):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = {"title": "x" * (limit - 100)}
    before = state(app, client, admin, targets)
    response = _send(client, admin, targets, "survey_patch", json=body)
    assert "title" in assert_error(response, 422)["errors"]
    assert state(app, client, admin, targets) == before


def test_a_chunked_body_over_the_limit_is_413_in_the_test_client_too(app, client, admin, targets):
    """The Flask test client streams a body without length like a chunked one."""
    import io

    limit = app.config["MAX_CONTENT_LENGTH"]
    before = state(app, client, admin, targets)
    stream = io.BytesIO(b'{"receipt": "' + b"x" * (2 * limit) + b'"}')
    response = client.post(
        "/api/v1/public/withdrawals",
        input_stream=stream,
        headers={"Content-Type": JSON},
    )
    assert_error(response, 413, message_contains="larger than")
    assert state(app, client, admin, targets) == before


def test_a_patch_with_one_bad_field_changes_no_field(app, client, admin):
    survey = open_survey(client, admin, title="Stays")
    url = f"/api/v1/surveys/{survey['id']}"
    response = client.patch(url, json={"title": "New", "status": "nonsense"}, headers=bearer(admin))
    assert "status" in assert_error(response, 422)["errors"]
    assert client.get(url, headers=bearer(admin)).get_json()["title"] == "Stays"


SURVEY = {"municipality": "4601", "instrument": "omdommetrappen", "audience": "citizens"}


@pytest.mark.parametrize(
    "endpoint,body,where",
    [
        ("survey_create", {**SURVEY, "title": "Om\u0000"}, "title"),
        ("survey_create", {**SURVEY, "title": "T", "period": "2026\u0000"}, "period"),
        (
            "survey_create",
            {**SURVEY, "title": "T", "population_margins": {"area": {"Nord\u0000": 10}}},
            "population_margins.area.Nord\u0000",
        ),
        ("survey_patch", {"targets": {"kvalitet\u0000": 50}}, "targets.kvalitet\u0000"),
        ("key_create", {"role": "analyst", "name": "ops\u0000"}, "name"),
        ("withdraw", {"receipt": "K7QF-\u0000"}, "receipt"),
        ("invitations", {"count\u0000": 1}, "count\u0000"),
    ],
)
def test_nul_in_any_field_is_422_naming_it_and_changes_nothing(
    app, client, admin, targets, endpoint, body, where
):
    before = state(app, client, admin, targets)
    error = assert_error(_send(client, admin, targets, endpoint, json=body), 422)
    assert error["errors"] == {where: ["Text may not hold the NUL character (\\u0000)."]}
    assert state(app, client, admin, targets) == before


def test_nul_in_an_instrument_definition_is_422_at_its_path(app, client, admin, targets):
    from survey_service.instruments import bundled

    definition = bundled("samlingsevaluering").to_dict()
    definition["version"] = "9.0.0"
    definition["item"][1]["text"]["nn"] = "Kva\u0000"
    before = state(app, client, admin, targets)
    error = assert_error(_send(client, admin, targets, "instrument_create", json=definition), 422)
    assert error["errors"] == {"item[1].text.nn": ["text may not hold the NUL character (\\u0000)"]}
    assert state(app, client, admin, targets) == before
