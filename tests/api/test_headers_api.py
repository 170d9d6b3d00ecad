"""API response headers (no sniffing, no referrer, no caching of secrets, Allow on 405) and
the invitations endpoint's refusal for a closed survey."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from helpers import (
    answers_for,
    assert_error,
    bearer,
    close_survey,
    create_survey,
    dice_survey,
    submit,
)


def assert_hardened(response, *, no_store: bool = True) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    if response.mimetype != "text/html":
        assert policy.count("'none'") == 4  # nothing may run, load, frame or post
    if no_store:
        assert response.headers["Cache-Control"] == "no-store"
    else:
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_invitations_json_and_csv_are_not_stored(client, admin):
    survey = dice_survey(client, admin, access="invitation")
    url = f"/api/v1/surveys/{survey['id']}/invitations"
    made = client.post(url, json={"count": 2}, headers=bearer(admin))
    assert made.status_code == 201, made.get_json()
    assert_hardened(made)
    as_csv = client.post(f"{url}?format=csv", json={"count": 2}, headers=bearer(admin))
    assert as_csv.status_code == 201 and as_csv.mimetype == "text/csv"
    assert_hardened(as_csv)


def test_the_audit_a_survey_and_its_comments_are_not_stored(client, admin):
    survey = dice_survey(client, admin)
    for url in (
        "/api/v1/audit",
        f"/api/v1/surveys/{survey['id']}",
        f"/api/v1/surveys/{survey['id']}/comments",
    ):
        response = client.get(url, headers=bearer(admin))
        assert response.status_code == 200, (url, response.get_json())
        assert_hardened(response)


def test_score_reads_are_kept_only_by_the_callers_browser_asking_each_time(client, admin):
    survey = dice_survey(client, admin)
    for url in (
        f"/api/v1/surveys/{survey['id']}/scores",
        f"/api/v1/surveys/{survey['id']}/fieldwork",
        "/api/v1/scores?instrument=samlingsevaluering",
    ):
        response = client.get(url, headers=bearer(admin))
        assert response.status_code == 200, (url, response.get_json())
        assert_hardened(response, no_store=False)
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert "Authorization" in response.headers["Vary"]


def test_public_submission_with_its_receipt_is_not_stored(client, admin):
    survey = dice_survey(client, admin)
    response = submit(client, survey, answers_for("samlingsevaluering"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["receipt"]
    assert_hardened(response)


@pytest.mark.parametrize("url,status", [("/api/v1/surveys", 401), ("/api/v1/nothing", 404)])
def test_errors_are_hardened_too(client, url, status):
    response = client.get(url)
    assert_error(response, status)
    assert_hardened(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/instruments",
        "/api/v1/instruments/samlingsevaluering",
        "/api/v1/municipalities",
        "/api/v1/municipalities/4601",
        "/api/v1/openapi.json",
    ],
)
def test_public_reference_reads_may_be_cached(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_hardened(response, no_store=False)


@pytest.mark.parametrize(
    "method,url,allowed",
    [
        ("delete", "/api/v1/instruments", {"GET", "HEAD", "POST", "OPTIONS"}),
        ("put", "/api/v1/openapi.json", {"GET", "HEAD", "OPTIONS"}),
        ("get", "/api/v1/surveys/1/invitations", {"POST", "OPTIONS"}),
    ],
)
def test_method_not_allowed_says_what_is(client, admin, method, url, allowed):
    response = getattr(client, method)(url, headers=bearer(admin))
    assert_error(response, 405)
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed
    assert_hardened(response)


def test_api_docs_allow_only_their_own_inline_script(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert_hardened(page, no_store=False)
    policy = page.headers["Content-Security-Policy"]
    script = re.search(rb"<script>(.*?)</script>", page.data, re.DOTALL)
    assert script is not None
    digest = base64.b64encode(hashlib.sha256(script.group(1)).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_respondent_pages_keep_their_own_headers(client, admin):
    survey = dice_survey(client, admin)
    response = client.get(f"/s/{survey['public_id']}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors" in response.headers["Content-Security-Policy"]


def test_no_invitations_for_a_closed_survey(client, admin):
    survey = dice_survey(client, admin, access="invitation")
    url = f"/api/v1/surveys/{survey['id']}/invitations"
    assert client.post(url, json={"count": 1}, headers=bearer(admin)).status_code == 201
    close_survey(client, admin, survey)
    for query in ("", "?format=csv"):
        refused = client.post(f"{url}{query}", json={"count": 2}, headers=bearer(admin))
        body = assert_error(refused, 409)
        assert body["message"] == "This survey is closed; invitations can no longer be used."
    fieldwork = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin))
    assert fieldwork.get_json()["invitations"]["created"] == 1


def test_invitations_for_a_draft_survey_still_work(client, admin):
    survey = create_survey(client, admin)
    made = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations", json={"count": 1}, headers=bearer(admin)
    )
    assert made.status_code == 201, made.get_json()
