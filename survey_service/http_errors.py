"""Errors at the web edge: the JSON error payload, and the core's exceptions mapped to it.

Every error the API answers is ``{code, status, message[, errors]}``. The core raises
``services.errors`` exceptions without knowing HTTP; :data:`STATUS` says, once, which status
each kind is.

A database that cannot be reached or is too busy (``database.fault_of``) is no fault of the
request: it is answered 503 with ``Retry-After``, after the transaction is rolled back, so the
client may send the same request again (a submission's ``submission_id`` makes that safe).
Any other error is unexpected: 500, with the payload and no details.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, NoReturn

import flask_smorest
from flask import Response, jsonify
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import HTTP_STATUS_CODES

from survey_service.database import Fault, fault_of
from survey_service.db import discard_changes
from survey_service.services import errors

log = logging.getLogger(__name__)

#: The status of each kind of core error (the first match in order wins).
STATUS: tuple[tuple[type[errors.ServiceError], int], ...] = (
    (errors.NotFound, 404),
    (errors.Invalid, 422),
    (errors.Forbidden, 403),
    (errors.Conflict, 409),
)


def abort(
    status: int,
    message: str,
    *,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> NoReturn:
    """End the request with the JSON error payload ``{code, status, message[, errors]}``."""
    extra: dict[str, Any] = {}
    if errors is not None:
        extra["errors"] = dict(errors)
    if headers is not None:
        extra["headers"] = dict(headers)
    flask_smorest.abort(status, message=message, **extra)
    raise AssertionError("unreachable: abort raises")  # pragma: no cover


def status_of(error: errors.ServiceError) -> int:
    return next(code for kind, code in STATUS if isinstance(error, kind))


def service_error_response(error: errors.ServiceError) -> tuple[Response, int]:
    """The JSON error payload for a core exception that reached the edge."""
    code = status_of(error)
    payload: dict[str, Any] = {
        "code": code,
        "status": HTTP_STATUS_CODES[code],
        "message": error.message,
    }
    if isinstance(error, errors.Invalid) and error.errors:
        payload["errors"] = error.errors
    return jsonify(payload), code


#: Seconds a client is asked to wait before trying again while the database is unavailable
#: or overloaded: a lost connection is replaced at once, and a lock wait ends within the
#: lock timeout.
RETRY_AFTER_SECONDS = 5

FAULT_MESSAGES: dict[Fault, str] = {
    "unavailable": "The database is unavailable just now; try again shortly.",
    "overloaded": "The database is too busy just now; try again shortly.",
}


def database_fault(error: SQLAlchemyError) -> Fault:
    """The fault behind ``error``, once the request's transaction is rolled back; an error
    that is no fault of the database's availability is raised again (an unexpected 500)."""
    fault = fault_of(error)
    if fault is None:
        raise error
    discard_changes()
    # The kind and the driver's class only: the message may quote the statement's values.
    log.warning("Database %s: %s", fault, type(getattr(error, "orig", None) or error).__name__)
    return fault


def retry_later() -> dict[str, str]:
    """The `Retry-After` header of a 503 for a database fault."""
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def database_fault_response(error: SQLAlchemyError) -> tuple[Response, int, dict[str, str]]:
    """503 with ``Retry-After`` and the JSON error payload when the database is unavailable
    or overloaded."""
    fault = database_fault(error)
    payload = {"code": 503, "status": HTTP_STATUS_CODES[503], "message": FAULT_MESSAGES[fault]}
    return jsonify(payload), 503, retry_later()
