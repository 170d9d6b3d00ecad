"""The API framework, subclassed once: every resource imports ``Blueprint`` from here."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NoReturn

import flask_smorest
from webargs.flaskparser import FlaskParser
from webargs.flaskparser import abort as webargs_abort
from werkzeug.exceptions import MethodNotAllowed

from survey_service.auth import require_roles
from survey_service.http_errors import abort

__all__ = ["BEARER_AUTH", "Api", "Blueprint", "abort"]

BEARER_AUTH = "bearerAuth"


class Parser(FlaskParser):
    """Request parsing where a body that is not JSON is a 422 like any other invalid input."""

    DEFAULT_VALIDATION_STATUS = 422

    def _handle_invalid_json_error(
        self, error: json.JSONDecodeError | UnicodeDecodeError, req: Any, *args: Any, **kwargs: Any
    ) -> NoReturn:
        webargs_abort(
            422,
            exc=error,
            message="The request body is not valid JSON.",
            messages={"json": [f"Invalid JSON body: {error}"]},
        )


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def requires(self, *roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Let only callers whose key has one of ``roles`` in; document it in OpenAPI."""

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            wrapped = require_roles(*roles)(func)
            wrapped = self.alt_response(401, description="Missing or unknown API key")(wrapped)
            wrapped = self.alt_response(
                403, description=f"The key's role is not one of: {', '.join(roles)}"
            )(wrapped)
            documented: Callable[..., Any] = self.doc(security=[{BEARER_AUTH: []}])(wrapped)
            return documented

        return decorator


class Api(flask_smorest.Api):
    def handle_http_exception(self, error: Any) -> Any:
        """Every error is ``{code, status, message[, errors]}``: ``message`` always present."""
        payload, code, headers = super().handle_http_exception(error)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # The JSON payload replaces werkzeug's response, and with it the Allow header.
            headers = {**dict(headers), "Allow": ", ".join(error.valid_methods)}
        payload.setdefault("message", error.description or error.name)
        if code == 422 and "errors" in payload:
            payload["errors"] = _flatten_locations(payload["errors"])
        return payload, code, headers


def _flatten_locations(errors: Any) -> Any:
    """webargs keys errors by location ({"json": {...}}); clients want the fields."""
    if isinstance(errors, dict) and len(errors) == 1:
        ((location, inner),) = errors.items()
        if location in ("json", "query", "querystring", "form") and isinstance(inner, dict):
            return inner
    return errors
