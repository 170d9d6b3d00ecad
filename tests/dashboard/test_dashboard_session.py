"""Signing in to the dashboard with a key, the session it gives, and its end (the design is
in survey_service/dashboard/session.py): the cookie's flags, expiry, revocation and expiry of
the key, signing out, a forged or altered cookie, and CSRF refusals on every POST."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from dashboard.conftest import csrf_of, sign_in, text_of
from sqlalchemy import select

from survey_service.dashboard import session as sessions
from survey_service.db import db
from survey_service.models import ApiKey, AuditEntry

from helpers import bearer, create_survey, open_survey


def cookie_header(response, name):
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}="))


def test_signing_in_sets_a_strict_http_only_cookie_and_lands_on_the_own_municipality(
    client, make_key
):
    key = make_key("municipality", "4601")
    response = sign_in(client, key)
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard?lang=nb"
    cookie = cookie_header(response, sessions.COOKIE)
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/dashboard", "Max-Age=3600"):
        assert flag in cookie, cookie
    assert "Secure" not in cookie  # the test's public URL is http
    # Neither the key nor its secret is in the cookie, the redirect or anywhere in the answer.
    secret = key.split("_", 2)[2]
    for header, value in response.headers.items():
        assert secret not in value and key not in value, header
    assert secret not in response.get_data(as_text=True)
    landing = client.get("/dashboard")
    assert landing.status_code == 303
    assert landing.headers["Location"].startswith("/dashboard/municipalities/4601")
    page = client.get(landing.headers["Location"])
    assert page.status_code == 200
    assert "Bergen kommune" in text_of(page)
    assert page.headers["Cache-Control"] == "no-store"


def test_over_https_the_cookie_is_secure(app, make_key):
    app.config["SURVEY_PUBLIC_URL"] = "https://survey.example.no"
    response = sign_in(app.test_client(), make_key("admin"))
    assert "Secure" in cookie_header(response, sessions.COOKIE)


def test_a_wrong_or_empty_key_is_refused_and_never_echoed(client, make_key):
    key = make_key("admin")
    wrong = key[:-4] + "AAAA"
    response = sign_in(client, wrong)
    assert response.status_code == 422
    assert "Nøkkelen virker ikke" in text_of(response)  # no Accept-Language: Bokmål
    assert wrong not in response.get_data(as_text=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith(f"{sessions.COOKIE}=") for c in cookies)
    empty = sign_in(client, "  ")
    assert empty.status_code == 422
    assert "Skriv inn API-nøkkelen." in text_of(empty)
    assert client.get("/dashboard").status_code == 303  # still not signed in


def test_the_sign_in_form_needs_its_own_token_and_cookie(app, make_key):
    key = make_key("admin")
    browser = app.test_client()
    page = browser.get("/dashboard/sign-in")
    token = csrf_of(page)
    # Without the token; with another browser's token; from another origin.
    assert browser.post("/dashboard/sign-in", data={"key": key}).status_code == 403
    other = app.test_client()
    other_token = csrf_of(other.get("/dashboard/sign-in"))
    assert (
        browser.post("/dashboard/sign-in", data={"key": key, "csrf_token": other_token}).status_code
        == 403
    )
    refused = browser.post(
        "/dashboard/sign-in",
        data={"key": key, "csrf_token": token},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    assert "Skjemaet ble ikke sendt" in text_of(refused)
    # A page of another site posting with no sign-in cookie at all (SameSite=Strict).
    fresh = app.test_client()
    assert fresh.post("/dashboard/sign-in", data={"key": key, "csrf_token": token}).status_code == (
        403
    )
    # The right token, from this browser: signed in.
    good = browser.post("/dashboard/sign-in", data={"key": key, "csrf_token": token})
    assert good.status_code == 303


def test_the_session_expires(app, client, make_key, monkeypatch):
    sign_in(client, make_key("admin"))
    assert client.get("/dashboard/national").status_code == 200
    later = time.time() + 3600 + 1
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    response = client.get("/dashboard/national")
    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard/sign-in?lang=nb&ended=expired"
    assert "Max-Age=0" in cookie_header(response, sessions.COOKIE)
    page = client.get(response.headers["Location"])
    assert "Økten er utløpt" in text_of(page)


def test_a_shorter_session_length_is_honoured(app, make_key):
    app.config["SURVEY_DASHBOARD_SESSION_MINUTES"] = 5
    response = sign_in(app.test_client(), make_key("admin"))
    assert "Max-Age=300" in cookie_header(response, sessions.COOKIE)


def test_a_session_never_outlives_its_key(app, client, make_key, monkeypatch):
    key = make_key("admin", name="short-lived")
    with app.app_context():
        row = db.session.scalars(select(ApiKey).where(ApiKey.name == "short-lived")).one()
        row.expires_at = datetime.now(UTC) + timedelta(minutes=10)
        db.session.commit()
    response = sign_in(client, key)
    cookie = cookie_header(response, sessions.COOKIE)
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert 590 <= max_age <= 600
    later = time.time() + 11 * 60
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    assert client.get("/dashboard/national").headers["Location"].endswith("ended=expired")


def test_revoking_the_key_ends_its_sessions_at_once(app, client, admin, make_key):
    key = make_key("municipality", "4601")
    sign_in(client, key)
    assert client.get("/dashboard/municipalities/4601").status_code == 200
    prefix = key.split("_")[1]
    assert client.delete(f"/api/v1/keys/{prefix}", headers=bearer(admin)).status_code == 204
    response = client.get("/dashboard/municipalities/4601")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("ended=key")
    assert "trukket tilbake" in text_of(client.get(response.headers["Location"]))


def test_a_key_that_expires_ends_its_sessions(app, client, make_key):
    key = make_key("admin", name="expiring")
    sign_in(client, key)
    with app.app_context():
        row = db.session.scalars(select(ApiKey).where(ApiKey.name == "expiring")).one()
        row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    assert client.get("/dashboard/national").headers["Location"].endswith("ended=key")


def test_signing_out_ends_the_session_even_for_a_copy_of_the_cookie(app, client, make_key):
    sign_in(client, make_key("admin"))
    page = client.get("/dashboard/national")
    token = client.get_cookie(sessions.COOKIE, path="/dashboard").value
    # Without the CSRF token, signing out is refused and the session goes on.
    assert client.post("/dashboard/sign-out").status_code == 403
    assert client.get("/dashboard/national").status_code == 200
    out = client.post("/dashboard/sign-out", data={"csrf_token": csrf_of(page)})
    assert out.status_code == 303
    assert out.headers["Location"].endswith("ended=signed_out")
    assert "Max-Age=0" in cookie_header(out, sessions.COOKIE)
    assert "Du er logget ut." in text_of(client.get(out.headers["Location"]))
    # A copy of the cookie taken before signing out no longer works.
    copy = app.test_client()
    copy.set_cookie(sessions.COOKIE, token, path="/dashboard")
    replay = copy.get("/dashboard/national")
    assert replay.status_code == 303
    assert replay.headers["Location"].endswith("ended=signed_out")
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("dashboard.%"))
        ).all()
    assert sorted(actions) == ["dashboard.sign_in", "dashboard.sign_out"]


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the MAC
        lambda t: t.replace("v1.", "v1.9", 1),  # another key id
        lambda t: ".".join(
            t.split(".")[:5] + [str(int(t.split(".")[5]) + 86400)] + t.split(".")[6:]
        ),
        lambda t: "garbage",
    ],
    ids=["mac", "key id", "expiry", "garbage"],
)
def test_an_altered_cookie_is_refused(app, client, make_key, change):
    sign_in(client, make_key("admin"))
    token = client.get_cookie(sessions.COOKIE, path="/dashboard").value
    forged = app.test_client()
    forged.set_cookie(sessions.COOKIE, change(token), path="/dashboard")
    response = forged.get("/dashboard/national")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("ended=invalid")


def test_a_bearer_key_does_not_open_the_dashboard(client, admin):
    response = client.get("/dashboard/national", headers=bearer(admin))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/dashboard/sign-in?lang=nb&ended=none")


def test_every_post_is_refused_without_the_session_token(app, client, admin, make_key):
    key = make_key("municipality", "4601")
    draft = create_survey(client, admin)
    survey = open_survey(client, admin)
    browser = app.test_client()
    sign_in(browser, key)
    other = app.test_client()
    sign_in(other, key)
    another_sessions_token = csrf_of(other.get(f"/dashboard/surveys/{survey['id']}"))
    posts = [
        (f"/dashboard/surveys/{draft['id']}/status", {"status": "open"}),
        (f"/dashboard/surveys/{survey['id']}/status", {"status": "closed", "confirm": "yes"}),
        (f"/dashboard/surveys/{survey['id']}/invitations", {"count": "3"}),
        ("/dashboard/municipalities/4601/new-survey", _new_survey_form()),
        ("/dashboard/sign-out", {}),
    ]
    for path, form in posts:
        for token in (None, "", another_sessions_token):
            data = dict(form) if token is None else {**form, "csrf_token": token}
            response = browser.post(path, data=data)
            assert response.status_code == 403, (path, token, response.status_code)
        own = csrf_of(browser.get(f"/dashboard/surveys/{survey['id']}"))
        foreign = browser.post(
            path, data={**form, "csrf_token": own}, headers={"Origin": "https://evil.example"}
        )
        assert foreign.status_code == 403, path
    # Nothing happened: the draft is a draft, the open survey open, no invitations, no survey.
    statuses = {
        s["id"]: s["status"]
        for s in client.get("/api/v1/surveys", headers=bearer(admin)).get_json()
    }
    assert statuses == {draft["id"]: "draft", survey["id"]: "open"}
    fieldwork = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin))
    assert fieldwork.get_json()["invitations"]["created"] == 0
    assert browser.get("/dashboard/national").status_code == 303  # still signed in: own page
    assert browser.get("/dashboard/municipalities/4601").status_code == 200


def test_the_front_page_and_the_sign_in_page_set_no_session_cookie(client):
    front = client.get("/")
    assert front.status_code == 200
    assert front.headers.getlist("Set-Cookie") == []
    page = client.get("/dashboard/sign-in")
    cookies = page.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith(f"{sessions.SIGN_IN_COOKIE}=")
    assert "HttpOnly" in cookies[0] and "SameSite=Strict" in cookies[0]


def _new_survey_form():
    return {
        "title": "Omdømme 2027",
        "instrument": "omdommetrappen",
        "audience": "citizens",
        "access": "open",
        "language": "nn",
        "period": "2027",
        "baseline": "",
        "origins": "",
    }
