"""Browsers on other sites: a survey's embed origins may call its public endpoints, configured
dashboard origins may read scores, and nobody else gets an ``Access-Control-Allow-Origin``.
Never with credentials. (The same in a real browser: ``test_cors_browser.py``.)"""

from __future__ import annotations

import uuid

import pytest

from survey_service import create_app
from survey_service.settings import ConfigurationError

from helpers import answers_for, assert_error, bearer, dice_survey, read_scores, submit

BERGEN = "https://www.bergen.kommune.no"
DASHBOARD = "https://dashboard.bergen.kommune.no"
ELSEWHERE = "https://evil.example"


def preflight(client, url, origin, method="POST", headers="content-type"):
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def assert_allows(response, origin):
    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert "Origin" in response.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in response.headers


def assert_refuses(response):
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_surveys_embed_origin_may_read_and_submit_from_a_browser(client, admin):
    # Written as a municipality might: upper case, default port, trailing slash.
    survey = dice_survey(client, admin, embed_origins=["https://WWW.Bergen.kommune.no:443/"])
    base = f"/api/v1/public/surveys/{survey['public_id']}"

    asked = preflight(client, f"{base}/responses", BERGEN)
    assert asked.status_code == 204
    assert_allows(asked, BERGEN)
    assert "POST" in asked.headers["Access-Control-Allow-Methods"]
    assert "content-type" in asked.headers["Access-Control-Allow-Headers"].lower()
    assert int(asked.headers["Access-Control-Max-Age"]) > 0

    read = client.get(base, headers={"Origin": BERGEN})
    assert read.status_code == 200
    assert_allows(read, BERGEN)
    body = {"submission_id": str(uuid.uuid4()), "answers": answers_for("samlingsevaluering")}
    sent = client.post(f"{base}/responses", json=body, headers={"Origin": BERGEN})
    assert sent.status_code == 201, sent.get_json()
    assert_allows(sent, BERGEN)
    assert "Retry-After" in sent.headers["Access-Control-Expose-Headers"]


def test_another_origin_is_refused_with_a_reason(client, admin):
    survey = dice_survey(client, admin, embed_origins=[BERGEN])
    base = f"/api/v1/public/surveys/{survey['public_id']}"
    for origin in (ELSEWHERE, "http://www.bergen.kommune.no", f"{BERGEN}:8443", "null"):
        refused = preflight(client, f"{base}/responses", origin)
        assert_error(refused, 403, message_contains="may not call this endpoint")
        assert_refuses(refused)
        read = client.get(base, headers={"Origin": origin})
        assert read.status_code == 200  # a browser keeps the answer from the calling script
        assert_refuses(read)
        assert "Origin" in read.headers["Vary"]


def test_a_survey_without_embed_origins_allows_no_browser_caller(client, admin):
    survey = dice_survey(client, admin)
    url = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    assert_error(preflight(client, url, BERGEN), 403)
    # Another survey's origin is no key to this one.
    dice_survey(client, admin, embed_origins=[BERGEN])
    assert_error(preflight(client, url, BERGEN), 403)


def test_only_the_methods_and_headers_a_front_end_needs(client, admin):
    survey = dice_survey(client, admin, embed_origins=[BERGEN])
    url = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    for method, headers in (("PUT", "content-type"), ("POST", "content-type, x-custom")):
        answer = preflight(client, url, BERGEN, method=method, headers=headers)
        assert_error(answer, 403, message_contains="may call this endpoint with")
    assert preflight(client, url, BERGEN, headers="").status_code == 204


def test_withdrawal_is_open_to_any_surveys_embed_origin(client, admin):
    survey = dice_survey(client, admin, embed_origins=[BERGEN])
    receipt = submit(client, survey, answers_for("samlingsevaluering")).get_json()["receipt"]
    asked = preflight(client, "/api/v1/public/withdrawals", BERGEN)
    assert asked.status_code == 204
    assert_allows(asked, BERGEN)
    assert_error(preflight(client, "/api/v1/public/withdrawals", ELSEWHERE), 403)
    done = client.post(
        "/api/v1/public/withdrawals", json={"receipt": receipt}, headers={"Origin": BERGEN}
    )
    assert done.status_code == 204
    assert_allows(done, BERGEN)


@pytest.mark.parametrize("app_config", [{"SURVEY_DASHBOARD_ORIGINS": [DASHBOARD]}])
def test_a_configured_dashboard_may_read_scores_with_its_key(client, admin, make_key):
    survey = dice_survey(client, admin, embed_origins=[BERGEN])
    dashboard = make_key("dashboard")
    url = f"/api/v1/surveys/{survey['id']}/scores"
    asked = preflight(client, url, DASHBOARD, method="GET", headers="authorization")
    assert asked.status_code == 204
    assert_allows(asked, DASHBOARD)
    assert "authorization" in asked.headers["Access-Control-Allow-Headers"].lower()
    read = client.get(url, headers={"Origin": DASHBOARD, **bearer(dashboard)})
    assert read.status_code == 200
    assert_allows(read, DASHBOARD)
    read_scores(client, dashboard, survey)
    # A survey's embed origin is not a dashboard, and a dashboard may only read.
    assert_error(preflight(client, url, BERGEN, method="GET", headers="authorization"), 403)
    assert_error(preflight(client, url, DASHBOARD, method="DELETE", headers=""), 403)


@pytest.mark.parametrize("app_config", [{"SURVEY_DASHBOARD_ORIGINS": [DASHBOARD]}])
def test_nothing_else_is_open_to_browsers_on_other_sites(client, admin):
    for url in ("/api/v1/surveys", "/api/v1/keys", "/api/v1/exports/responses", "/api/v1/audit"):
        for origin in (DASHBOARD, BERGEN):
            asked = preflight(client, url, origin, method="GET", headers="authorization")
            assert_refuses(asked)
            read = client.get(url, headers={"Origin": origin, **bearer(admin)})
            assert_refuses(read)


def test_dashboard_origins_are_checked_at_start(database_url, monkeypatch):
    monkeypatch.setenv("SURVEY_DASHBOARD_ORIGINS", f"{DASHBOARD}, https://kpi.example:8443")
    app = create_app({"SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": "x"})
    assert app.config["SURVEY_DASHBOARD_ORIGINS"] == [DASHBOARD, "https://kpi.example:8443"]
    monkeypatch.setenv("SURVEY_DASHBOARD_ORIGINS", "https://a.example\t*")
    with pytest.raises(ConfigurationError, match="not an origin"):
        create_app({"SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": "x"})
