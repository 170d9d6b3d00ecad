"""Signing in with an API key, and signing out (the design: ``session.py``)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from sqlalchemy import select

from survey_service.auth import authenticate
from survey_service.dashboard import session as sessions
from survey_service.dashboard.web import (
    bp,
    csrf_checked,
    csrf_refused,
    current,
    message_page,
    render,
    see_other,
    signed_in,
    words,
)
from survey_service.db import db
from survey_service.models import ApiKey
from survey_service.throttle import client_wait, retry_after

#: The reasons a session ends, each said on the sign-in page.
ENDED = ("none", "invalid", "expired", "key", "signed_out")


@bp.get("/dashboard/sign-in")
def sign_in() -> Any:
    """The sign-in form, with a fresh sign-in token (and its cookie)."""
    ended = request.args.get("ended")
    return _sign_in_page(200, ended=ended if ended in ENDED else None)


@bp.post("/dashboard/sign-in")
def sign_in_post() -> Any:
    wait = client_wait()  # the same per-client ceiling as every public request
    if wait > 0:
        t = words().t
        page, status = message_page(t["busy_title"], t["busy_text"], 429)
        return page, status, retry_after(wait)
    nonce = request.cookies.get(sessions.SIGN_IN_COOKIE, "")
    expected = sessions.sign_in_csrf_token(nonce) if nonce else None
    if not sessions.csrf_matches(expected):
        return csrf_refused()
    # The key is read from the body only, used once here and then dropped: it is never
    # stored, logged, put in a URL or written back into a page.
    key_text = (request.form.get("key") or "").strip()
    if not key_text:
        return _sign_in_page(422, error="sign_in_empty")
    principal = authenticate(f"Bearer {key_text[:512]}")
    del key_text
    if principal is None:
        return _sign_in_page(422, error="sign_in_refused")
    key = db.session.scalar(select(ApiKey).where(ApiKey.id == principal.key_id))
    assert key is not None  # just authenticated
    token = sessions.begin(db.session, key, principal)
    db.session.commit()
    response = see_other("dashboard.home")
    expires = int(token.rsplit(".", 2)[1])
    sessions.set_session_cookie(response, token, expires)
    sessions.clear_sign_in_cookie(response)
    return response


@bp.post("/dashboard/sign-out")
@signed_in
@csrf_checked
def sign_out() -> Any:
    sessions.end(db.session, current())
    db.session.commit()
    response = see_other("dashboard.sign_in", ended="signed_out")
    sessions.clear_session_cookie(response)
    return response


def _sign_in_page(status: int, *, ended: str | None = None, error: str | None = None) -> Any:
    nonce = sessions.new_sign_in_nonce()
    page = render(
        "sign_in.html",
        ended=ended,
        error=error,
        sign_in_token=sessions.sign_in_csrf_token(nonce),
        minutes=current_app.config["SURVEY_DASHBOARD_SESSION_MINUTES"],
    )
    response = current_app.make_response((page, status))
    sessions.set_sign_in_cookie(response, nonce)
    return response
