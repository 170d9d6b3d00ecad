"""Errors at the web edge: the JSON error payload, and the core's exceptions mapped to it.

Every error the API answers is ``{code, status, message[, errors]}``. The core raises
``services.errors`` exceptions without knowing HTTP; :data:`STATUS` says, once, which status
each kind is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

import flask_smorest
from flask import Response, jsonify
from werkzeug.http import HTTP_STATUS_CODES

from survey_service.services import errors

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
