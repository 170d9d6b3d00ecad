"""Signing in to the dashboard: an API key exchanged for a short-lived session.

The design
----------

* **Sign in.** The key is typed into a password field and POSTed in the form body (never in a
  URL, so it is in no access log, history or ``Referer``). It is checked exactly as the API
  checks a Bearer key (``auth.authenticate``: the prefix finds the row, the secret is
  compared in constant time, a revoked or expired key is refused like an unknown one). The
  key itself is then forgotten: it is never stored, echoed into a page or written to a
  cookie.
* **The session** is a token in one cookie::

      v1.<key id>.<key prefix>.<session id>.<issued>.<expires>.<mac>

  ``session id`` is 128 random bits, ``issued`` and ``expires`` Unix times, and ``mac`` an
  HMAC-SHA256 of everything before it under a key derived from ``SURVEY_SECRET_KEY`` for
  this purpose alone, so a token can be neither forged nor altered. It lasts
  ``SURVEY_DASHBOARD_SESSION_MINUTES`` (60) and never beyond the key's own expiry. Nothing is
  stored for it but two audit entries (below), so no migration and no session table.
* **Every request** checks the token's MAC and expiry, then finds the key by id *among the
  keys that still work* (not revoked, not expired) with the token's prefix: revoking or
  expiring the key ends every session made with it at the next request. The caller is then
  the key's :class:`~survey_service.services.access.Principal`, so the dashboard sees exactly
  what the same key sees through the API.
* **Sign out** removes the cookie and writes ``dashboard.sign_out`` to the audit log with the
  session's hash as target; a token whose session has signed out is refused from then on,
  even if a copy of it survived somewhere (the check reads the audit log's entries since the
  session began). Sign in is audited as ``dashboard.sign_in``. The log holds a SHA-256 of
  the session id, never the id: the log does not let anyone rebuild a cookie.
* **The cookie** is ``HttpOnly`` (no script can read it), ``SameSite=Strict`` (no other site
  can make the browser send it, not even by a link), ``Path=/dashboard``, ``Secure`` when the
  service is reached over HTTPS (``SURVEY_PUBLIC_URL`` or the request), and has the same
  ``Max-Age`` as the token.
* **CSRF.** Every POST carries a token in a hidden field, and is refused (403) unless it
  matches. Signed in, the token is an HMAC of the session id (a synchronizer token tied to
  the session). Signing in has no session yet, so the sign-in page sets a second short-lived
  ``SameSite=Strict`` cookie with a random value, and the form carries its HMAC (a signed
  double-submit token): another site cannot sign a browser in with its own key. A POST whose
  ``Origin`` header (when sent) is not the service's own is refused as well.

What is protected against what: a stolen database holds no key and no session (hashes
only); a stolen cookie works at most until it expires, its key is revoked, or its session
signs out; a page on another site can neither send the cookie nor post a form that passes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app, request
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from survey_service.models import ApiKey, AuditEntry
from survey_service.services import audit
from survey_service.services.access import Principal
from survey_service.services.keys import working

COOKIE = "survey_dashboard"
SIGN_IN_COOKIE = "survey_dashboard_sign_in"
COOKIE_PATH = "/dashboard"
#: How long the sign-in form stays usable once shown.
SIGN_IN_SECONDS = 30 * 60
CSRF_FIELD = "csrf_token"
_VERSION = "v1"


@dataclass(frozen=True)
class DashboardSession:
    """A verified session: who, until when, and its CSRF token."""

    principal: Principal
    key_prefix: str
    session_id: str
    expires: int

    @property
    def csrf_token(self) -> str:
        return _mac(f"csrf.{self.session_id}")


def lifetime_seconds(app: Flask | None = None) -> int:
    app = app or current_app
    return int(app.config["SURVEY_DASHBOARD_SESSION_MINUTES"]) * 60


def begin(session: Session, key: ApiKey, principal: Principal, *, now: float | None = None) -> str:
    """A new session's token for ``key`` (which has just been checked), audited."""
    now = time.time() if now is None else now
    expires = int(now) + lifetime_seconds()
    if key.expires_at is not None:
        expires = min(expires, int(key.expires_at.timestamp()))
    session_id = secrets.token_urlsafe(16)
    payload = f"{_VERSION}.{key.id}.{key.prefix}.{session_id}.{int(now)}.{expires}"
    audit.record(session, principal.label, "dashboard.sign_in", _target(session_id))
    return f"{payload}.{_mac(payload)}"


def verify(session: Session, token: str | None, *, now: float | None = None) -> DashboardSession:
    """The session of ``token``; :class:`SessionEnded` with the reason when it is not one."""
    if not token:
        raise SessionEnded("none")
    parts = token.split(".")
    if len(parts) != 7 or parts[0] != _VERSION:
        raise SessionEnded("invalid")
    payload, mac = ".".join(parts[:6]), parts[6]
    if not hmac.compare_digest(mac, _mac(payload)):
        raise SessionEnded("invalid")
    _, key_id, prefix, session_id, issued_text, expires_text = parts[:6]
    if not (key_id.isdigit() and issued_text.isdigit() and expires_text.isdigit()):
        raise SessionEnded("invalid")
    now = time.time() if now is None else now
    expires = int(expires_text)
    if expires <= now:
        raise SessionEnded("expired")
    key = session.scalar(
        select(ApiKey).where(ApiKey.id == int(key_id), ApiKey.prefix == prefix, working())
    )
    if key is None:  # revoked or expired since: every session of the key ends with it
        raise SessionEnded("key")
    if _signed_out(session, session_id, since=int(issued_text)):
        raise SessionEnded("signed_out")
    principal = Principal(
        key.id, key.role, key.municipality_number, f"key:{key.prefix} ({key.name}) dashboard"
    )
    return DashboardSession(principal, key.prefix, session_id, expires)


def end(session: Session, current: DashboardSession) -> None:
    """Sign out: the session's token is refused from now on."""
    audit.record(
        session, current.principal.label, "dashboard.sign_out", _target(current.session_id)
    )


class SessionEnded(Exception):
    """No valid session; ``reason`` is ``none``, ``invalid``, ``expired``, ``key`` (revoked
    or expired) or ``signed_out``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# -- CSRF ------------------------------------------------------------------------------------


def new_sign_in_nonce() -> str:
    return secrets.token_urlsafe(16)


def sign_in_csrf_token(nonce: str) -> str:
    """The sign-in form's token: an HMAC of the random value in the sign-in cookie."""
    return _mac(f"sign-in.{nonce}")


def csrf_matches(expected: str | None) -> bool:
    """Whether the POST carries ``expected`` and comes from the service's own pages."""
    given = request.form.get(CSRF_FIELD, "")
    if not expected or not given or not hmac.compare_digest(given, expected):
        return False
    return same_origin()


def same_origin() -> bool:
    """A POST's ``Origin``, when the browser sends one, is the service's own."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return origin == request.host_url.rstrip("/") or origin == _public_origin()


# -- cookies ---------------------------------------------------------------------------------


def set_session_cookie(response: Response, token: str, expires: int) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(0, expires - int(time.time())),
        path=COOKIE_PATH,
        secure=_secure(),
        httponly=True,
        samesite="Strict",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(
        COOKIE, path=COOKIE_PATH, secure=_secure(), httponly=True, samesite="Strict"
    )


def set_sign_in_cookie(response: Response, nonce: str) -> None:
    response.set_cookie(
        SIGN_IN_COOKIE,
        nonce,
        max_age=SIGN_IN_SECONDS,
        path=COOKIE_PATH,
        secure=_secure(),
        httponly=True,
        samesite="Strict",
    )


def clear_sign_in_cookie(response: Response) -> None:
    response.delete_cookie(
        SIGN_IN_COOKIE, path=COOKIE_PATH, secure=_secure(), httponly=True, samesite="Strict"
    )


def expiry_time(current: DashboardSession) -> datetime:
    return datetime.fromtimestamp(current.expires, UTC)


# -- internals -------------------------------------------------------------------------------


def _mac(message: str) -> str:
    digest = hmac.new(_signing_key(), message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _signing_key() -> bytes:
    """A key for dashboard sessions alone, derived from the service's secret (which also
    signs receipts): a value signed for one purpose is never valid for the other."""
    secret = str(current_app.config["SURVEY_SECRET_KEY"]).encode()
    return hmac.new(secret, b"survey-service dashboard session v1", hashlib.sha256).digest()


def _target(session_id: str) -> str:
    return "session:" + hashlib.sha256(session_id.encode()).hexdigest()[:32]


def _signed_out(session: Session, session_id: str, *, since: int) -> bool:
    begun = datetime.fromtimestamp(since - 60, UTC)  # a minute's slack for clock steps
    found = session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.action == "dashboard.sign_out",
            AuditEntry.at >= begun,
            AuditEntry.target == _target(session_id),
        )
        .limit(1)
    )
    return found is not None


def _public_origin() -> str:
    url = str(current_app.config.get("SURVEY_PUBLIC_URL") or "")
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else ""


def _secure() -> bool:
    return request.is_secure or _public_origin().startswith("https://")
