"""Cross-origin calls from browsers (CORS): which sites' scripts may call which endpoints.

Two kinds of caller run in a browser on another site:

- a municipality's own front end for a survey, on one of the survey's ``embed_origins``: it
  may read the survey's questionnaire and submit to it, and withdraw a response (any origin
  that some survey allows: the receipt, not the origin, says which response);
- a dashboard on an origin in ``SURVEY_DASHBOARD_ORIGINS``: it may read scores, fieldwork,
  municipalities and instruments, sending its key in the ``Authorization`` header.

Never with credentials (no ``Access-Control-Allow-Credentials``): the service has no cookies,
and a key travels only in a header the page's own script sets. Every other endpoint, and every
other origin, gets no ``Access-Control-Allow-Origin``, so the browser keeps the answer from the
calling script; a refused preflight is a 403 that says why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, make_response, request
from sqlalchemy import select

from survey_service.db import db
from survey_service.http_errors import abort
from survey_service.models import Survey
from survey_service.services.origins import canonical
from survey_service.services.surveys import find_by_public_id

#: How long a browser may reuse a preflight's answer, in seconds.
PREFLIGHT_MAX_AGE = 600


@dataclass(frozen=True)
class Policy:
    """What a cross-origin caller may do on one endpoint."""

    methods: tuple[str, ...]
    headers: tuple[str, ...]
    #: Response headers the calling script may read besides the simple ones.
    expose: tuple[str, ...] = ("Retry-After",)


_PUBLIC = Policy(methods=("GET", "POST", "DELETE"), headers=("Content-Type", "Accept-Language"))
# A dashboard may ask with the ETag it holds, and read the new one (conditional_get).
_DASHBOARD = Policy(
    methods=("GET",),
    headers=("Authorization", "Accept-Language", "If-None-Match"),
    expose=("Retry-After", "ETag"),
)

#: Endpoints a survey's own front end calls, keyed to how the allowed origins are found.
_SURVEY_ENDPOINTS = {"public.PublicSurvey", "public.Responses"}
_WITHDRAWAL_ENDPOINTS = {"public.Withdrawals", "public.Withdrawal"}
#: Reads a dashboard makes.
_DASHBOARD_ENDPOINTS = {
    "scores.AllScores",
    "surveys.Scores",
    "surveys.Fieldwork",
    "municipalities.Municipalities",
    "municipalities.MunicipalityByNumber",
    "instruments.Instruments",
    "instruments.InstrumentByKey",
    "instruments.InstrumentVersionByNumber",
}


def init_app(app: Flask) -> None:
    app.before_request(_check_origin)
    app.after_request(_cors_headers)


def _policy(endpoint: str | None) -> Policy | None:
    if endpoint in _SURVEY_ENDPOINTS or endpoint in _WITHDRAWAL_ENDPOINTS:
        return _PUBLIC
    if endpoint in _DASHBOARD_ENDPOINTS:
        return _DASHBOARD
    return None


def _allowed_origins(endpoint: str) -> set[str]:
    """The canonical origins that may call ``endpoint`` (its survey's, for a survey's)."""
    if endpoint in _SURVEY_ENDPOINTS:
        public_id = (request.view_args or {}).get("public_id", "")
        survey = find_by_public_id(db.session, public_id)
        return _canonical_set(survey.embed_origins if survey is not None else [])
    if endpoint in _WITHDRAWAL_ENDPOINTS:
        rows = db.session.scalars(select(Survey.embed_origins)).all()
        return _canonical_set(origin for origins in rows for origin in origins or [])
    return _canonical_set(current_app.config["SURVEY_DASHBOARD_ORIGINS"])


def _canonical_set(origins: Iterable[str]) -> set[str]:
    return {c for c in map(canonical, origins) if c is not None}


def _check_origin() -> Response | None:
    """Before the view: decide whether the request's ``Origin`` may call this endpoint, and
    answer a preflight (``OPTIONS`` with ``Access-Control-Request-Method``) here."""
    origin = request.headers.get("Origin")
    policy = _policy(request.endpoint)
    if origin is None or policy is None:
        return None
    assert request.endpoint is not None
    allowed = canonical(origin) in _allowed_origins(request.endpoint)
    g.cors_origin = origin if allowed else None
    wanted = request.headers.get("Access-Control-Request-Method")
    if request.method != "OPTIONS" or wanted is None:
        return None
    if not allowed:
        abort(403, message=f"Pages on {origin} may not call this endpoint from a browser.")
    if wanted not in policy.methods or not _headers_allowed(policy):
        abort(
            403,
            message=f"A browser may call this endpoint with {', '.join(policy.methods)} and "
            f"the headers {', '.join(policy.headers)} only.",
        )
    response = make_response("", 204)
    response.headers["Access-Control-Allow-Methods"] = ", ".join(policy.methods)
    response.headers["Access-Control-Allow-Headers"] = ", ".join(policy.headers)
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


def _headers_allowed(policy: Policy) -> bool:
    requested = request.headers.get("Access-Control-Request-Headers", "")
    wanted = {name.strip().lower() for name in requested.split(",") if name.strip()}
    return wanted <= {name.lower() for name in policy.headers}


def _cors_headers(response: Response) -> Response:
    policy = _policy(request.endpoint)
    if policy is None:
        return response
    # The answer differs by Origin, so a shared cache must keep one copy per origin.
    response.vary.add("Origin")
    origin = g.get("cors_origin")
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = ", ".join(policy.expose)
    return response
