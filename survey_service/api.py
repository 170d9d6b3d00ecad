"""The API framework, subclassed once: every resource imports ``Blueprint`` from here."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

import flask_smorest
from flask import Flask
from webargs.flaskparser import FlaskParser
from webargs.flaskparser import abort as webargs_abort

BEARER_AUTH = "bearerAuth"


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
        from survey_service.auth import require_roles

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


def init_api(app: Flask) -> Api:
    """Attach a fresh Api to ``app`` (one per app: the spec is built per app)."""
    from survey_service.resources import register

    api = Api(app)
    api.spec.components.security_scheme(
        BEARER_AUTH,
        {"type": "http", "scheme": "bearer", "description": "An API key from `keys create`"},
    )
    register(app, api)
    return api
