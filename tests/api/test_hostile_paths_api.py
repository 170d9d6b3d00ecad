"""Hostile addresses: path traversal, encoded slashes, overlong paths and query strings,
unknown query parameters. A 4xx (the JSON error on the API, an HTML page under ``/s/``), never
a file from outside the service, never a 5xx, and nothing changed.
"""

from __future__ import annotations

import pytest

from helpers import assert_error, bearer, count_responses, dice_survey

TRAVERSALS = [
    "/s/../../etc/passwd",
    "/s/..%2f..%2fetc%2fpasswd",
    "/s/%2e%2e/%2e%2e/etc/passwd",
    "/s/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/s/assets/../../../pyproject.toml",
    "/s/assets/..%2f..%2f..%2fpyproject.toml",
    "/s/assets/%2e%2e/%2e%2e/app.py",
    "/s/assets/....//....//app.py",
    "/s/assets/%252e%252e/app.py",
    "/api/v1/instruments/..%2f..",
    "/api/v1/instruments/..%2f..%2f..%2fetc%2fpasswd",
    "/api/v1/instruments/omdommetrappen/versions/..%2f..%2f1.0.0",
    "/api/v1/public/surveys/..%2f..%2fsurveys",
    "/api/v1/public/surveys/%2e%2e",
    "/api/v1/public/responses/..%2f..%2fsurveys",
    "/api/v1/surveys/1%2f..%2f2",
    "/api/v1/municipalities/..%2f4601",
    "/api/v1/keys/..%2f..",
    "/api/v1/%00",
    "/s/%c0%ae%c0%ae/etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_a_path_traversal_finds_nothing(client, admin, path):
    for method in ("GET", "POST", "DELETE"):
        response = client.open(path, method=method, headers=bearer(admin))
        assert 400 <= response.status_code < 500, (method, response.status_code)
        body = response.get_data(as_text=True)
        assert "root:" not in body and "[project]" not in body and "import" not in body
        if path.startswith("/api/"):
            assert response.mimetype == "application/json", (method, path)


NUL_IN_PATHS = [
    ("DELETE", "/api/v1/keys/ab%00cd"),
    ("GET", "/api/v1/instruments/omdommetrappen%00"),
    ("GET", "/api/v1/instruments/omdommetrappen/versions/1.0.0%00"),
    ("GET", "/api/v1/municipalities/46%0001"),
    ("DELETE", "/api/v1/public/responses/K7QF-%00-X9AB"),
    ("GET", "/api/v1/public/surveys/ab%00cd"),
    ("GET", "/s/ab%00cd"),
]


@pytest.mark.parametrize("method,path", NUL_IN_PATHS)
def test_nul_in_a_path_segment_names_nothing(client, admin, method, path):
    response = client.open(path, method=method, headers=bearer(admin))
    assert response.status_code == 404, response.get_data(as_text=True)[:300]
    if path.startswith("/api/"):
        assert_error(response, 404)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/public/surveys/" + "a" * 20_000,
        "/api/v1/instruments/" + "a" * 20_000,
        "/api/v1/surveys/" + "9" * 20_000,
        "/s/" + "a" * 20_000,
        "/api/v1/" + "a/" * 5_000,
    ],
)
def test_an_overlong_path_is_a_4xx(client, admin, path):
    response = client.get(path, headers=bearer(admin))
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert_error(response, 404)
    else:
        assert response.mimetype == "text/html"


@pytest.mark.parametrize(
    "path,query,field",
    [
        ("/api/v1/public/surveys/{public_id}", {"lang": "x" * 100_000}, "lang"),
        ("/api/v1/instruments/omdommetrappen", {"lang": "nb" * 50_000}, "lang"),
        ("/api/v1/surveys", {"period": "x" * 100_000}, None),
        ("/api/v1/audit", {"page": "9" * 100_000}, "page"),
        ("/api/v1/audit", {"page_size": "-1"}, "page_size"),
        ("/api/v1/exports/responses", {"instrument": "x" * 100_000}, None),
        ("/api/v1/scores", {"instrument": "omdommetrappen", "period": "\u0000"}, "period"),
        ("/api/v1/scores", {"instrument": "omdommetrappen\u0000"}, "instrument"),
        ("/api/v1/municipalities", {"county": "4\u0000"}, "county"),
    ],
)
def test_an_overlong_or_bad_query_value_is_a_4xx_or_finds_nothing(
    client, admin, path, query, field
):
    survey = dice_survey(client, admin)
    url = path.format(public_id=survey["public_id"])
    response = client.get(url, query_string=query, headers=bearer(admin))
    if field is None:  # a filter that matches nothing, or a 4xx: never a 5xx
        assert response.status_code in (200, 404, 422), response.get_data(as_text=True)[:300]
        if response.status_code == 200 and response.mimetype == "application/json":
            assert response.get_json() in ([], {}) or "survey" not in str(response.get_json())
    else:
        assert field in assert_error(response, 422).get("errors", {})


def test_a_query_string_of_many_parameters_is_answered(client, admin):
    query = "&".join(f"p{i}=x" for i in range(5_000))
    response = client.get(f"/api/v1/surveys?{query}", headers=bearer(admin))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/api/v1/surveys?unknown=1", None),
        ("GET", "/api/v1/instruments?unknown=1&lang=xx", None),
        ("GET", "/api/v1/municipalities?unknown=%00", None),
        ("GET", "/api/v1/public/surveys/{public_id}?unknown=1", None),
        ("POST", "/api/v1/public/surveys/{public_id}/responses?store=twice", "submit"),
    ],
)
def test_an_unknown_query_parameter_is_ignored(app, client, admin, method, path, body):
    """Unknown query parameters are ignored, as a cache-buster or tracking tag would be; the
    request is answered as it would be without them, and does only what it would do."""
    survey = dice_survey(client, admin)
    url = path.format(public_id=survey["public_id"])
    if body == "submit":
        import uuid

        payload = {"submission_id": str(uuid.uuid4()), "answers": {"terningkast": 5}}
        response = client.post(url, json=payload)
        assert response.status_code == 201, response.get_json()
        assert count_responses(app) == 1
    else:
        response = client.open(url, method=method, headers=bearer(admin))
        assert response.status_code == 200, response.get_json()
