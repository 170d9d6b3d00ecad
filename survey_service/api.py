"""The API framework, subclassed once: every resource imports ``Blueprint`` from here."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, NoReturn

import flask_smorest
import marshmallow as ma
from apispec import BasePlugin
from flask_smorest.error_handler import ErrorSchema
from flask_smorest.pagination import PaginationMetadataSchema
from flask_smorest.utils import resolve_schema_instance
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from webargs.flaskparser import abort as webargs_abort
from werkzeug.exceptions import MethodNotAllowed

from survey_service.auth import require_roles
from survey_service.conditional_get import REVALIDATE, Validator, conditional
from survey_service.http_errors import abort

__all__ = ["BEARER_AUTH", "MAX_INTEGER", "Api", "Blueprint", "abort"]

BEARER_AUTH = "bearerAuth"

#: The largest value of the database's integer columns (PostgreSQL ``integer``): ids, counts,
#: pages. A larger number in a request names nothing and is refused before any query.
MAX_INTEGER = 2**31 - 1


class Parser(FlaskParser):
    """Request parsing where a body that is not JSON is a 422 like any other invalid input.

    Strict JSON (RFC 8259): ``NaN`` and ``Infinity`` are not JSON, a number too large for a
    float (``1e400``) is no number, and a key given twice is ambiguous (parsers disagree on
    which one wins), so each is refused. A body the service cannot hold is not valid JSON here
    either: one nested too deeply to parse, or one with a number of more digits than Python
    converts, or with a lone surrogate (``"\\ud800"``), which is no character. A body of
    another content type is refused too (422, like every invalid input the OpenAPI document
    lists), not read as an empty one."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req) and _has_body(req):
            sent_as = f"as {req.mimetype}" if req.mimetype else "without a Content-Type"
            abort(
                422,
                f"The request body must be JSON (Content-Type: application/json); it was sent "
                f"{sent_as}.",
            )
        if not is_json_request(req):
            return core.missing
        body = req.get_data(cache=True)
        try:
            data = json.loads(
                body.decode("utf-8"),
                object_pairs_hook=_object_without_duplicate_keys,
                parse_constant=_no_constant,
                parse_float=_finite_float,
            )
        except RecursionError:
            _refuse_body("It is nested too deeply.")
        except _NotStrictJson as error:
            _refuse_body(str(error))
        except UnicodeDecodeError as error:
            _refuse_body(f"It is not UTF-8: {error.reason} at byte {error.start}.")
        except json.JSONDecodeError:
            raise
        except ValueError:
            _refuse_body("It holds a number with too many digits.")
        if _has_lone_surrogate(data):
            _refuse_body("It holds a lone surrogate (such as \\ud800), which is no character.")
        return data

    def _handle_invalid_json_error(
        self, error: json.JSONDecodeError | UnicodeDecodeError, req: Any, *args: Any, **kwargs: Any
    ) -> NoReturn:
        _refuse_body(f"Invalid JSON body: {error}")


class _NotStrictJson(ValueError):
    pass


def _object_without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _NotStrictJson(f"The key {key!r} is given more than once in one object.")
        out[key] = value
    return out


def _no_constant(name: str) -> NoReturn:
    raise _NotStrictJson(f"{name} is not a JSON value.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotStrictJson(f"The number {text[:40]} is too large.")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(data: Any) -> bool:
    """Whether a string or key holds half of a UTF-16 pair: JSON's grammar allows the escape,
    but it is no character, and no database (nor UTF-8) can store it."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _has_body(req: Any) -> bool:
    return bool(req.content_length) or "chunked" in req.headers.get("Transfer-Encoding", "")


def _no_control_characters_in_path(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """A path segment with a control character (``%00``) names nothing: 404 before any query,
    since PostgreSQL cannot even compare text holding NUL."""
    for value in (values or {}).values():
        if isinstance(value, str) and any(ord(c) < 32 or ord(c) == 127 for c in value):
            abort(404, "Nothing has this address: a part of it holds a control character.")


def _refuse_body(problem: str) -> NoReturn:
    webargs_abort(
        422,
        message="The request body is not valid JSON.",
        messages={"json": [problem]},
    )
    raise AssertionError("unreachable: abort raises")  # pragma: no cover


_RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    }
}


def error_doc(description: str, **extra: Any) -> dict[str, Any]:
    """An error response as flask-smorest documents one: the JSON error payload."""
    return {"schema": ErrorSchema, "description": description, "content_type": None, **extra}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url_value_preprocessor(_no_control_characters_in_path)

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Callable[..., Any]:
        """flask-smorest's arguments, with the schema made once: given a class, webargs makes
        a new instance (copying every declared field) on each request, a tenth of a
        submission's time. A marshmallow schema keeps no state between loads."""
        return super().arguments(resolve_schema_instance(schema), *args, **kwargs)

    def error(self, status: int, description: str) -> Callable[[Callable[..., Any]], Any]:
        """Document an error answer of a view: the JSON error payload with ``status``."""
        return self.alt_response(status, schema=ErrorSchema, description=description)

    def requires(self, *roles: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Let only callers whose key has one of ``roles`` in; document it in OpenAPI."""

        def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
            wrapped = require_roles(*roles)(func)
            wrapped = self.alt_response(
                401,
                schema=ErrorSchema,
                description="Missing, malformed, unknown, revoked or expired API key",
                headers={"WWW-Authenticate": {"schema": {"type": "string", "enum": ["Bearer"]}}},
            )(wrapped)
            wrapped = self.error(403, f"The key's role is not one of: {', '.join(roles)}")(wrapped)
            documented: Callable[..., Any] = self.doc(security=[{BEARER_AUTH: []}])(wrapped)
            return documented

        return decorator

    def conditional(
        self, validator: Validator, *, cache_control: str = REVALIDATE, keep: int = 0
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """ETag, ``If-None-Match`` and 304 for a read, from the state ``validator`` reads
        before the body (``conditional_get``), keeping the last ``keep`` bodies in the
        process; goes below ``requires``."""
        return conditional(self, validator, cache_control=cache_control, keep=keep)

    def paginate(self, *args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
        """flask-smorest's pagination, with pages the database can count to (``MAX_INTEGER``)."""
        paginate = super().paginate(*args, **kwargs)

        def decorator(func: Callable[..., Any]) -> Any:
            wrapper = paginate(func)
            schema = wrapper._apidoc["pagination"]["parameters"]["schema"]
            page = schema._declared_fields["page"]
            page.validators = [ma.validate.Range(min=1, max=MAX_INTEGER)]
            return wrapper

        return decorator

    @staticmethod
    def _prepare_response_doc(
        doc: Any, doc_info: Any, *, api: Any, spec: Any, **kwargs: Any
    ) -> Any:
        """Document, on every operation, the errors any request may meet: 503 while the
        database is unavailable or overloaded; and where it takes a body, 413 for a body over
        the size limit and 400 for one that cannot be read (a broken chunked transfer)."""
        responses = doc_info.setdefault("response", {}).setdefault("responses", {})
        responses.setdefault(503, []).append(
            error_doc(
                "The database is unavailable or overloaded: try again after `Retry-After` seconds",
                headers=_RETRY_AFTER,
            )
        )
        if "requestBody" in doc:
            responses.setdefault(413, []).append(
                error_doc("The body is larger than the limit (SURVEY_MAX_CONTENT_LENGTH)")
            )
            responses.setdefault(400, []).append(
                error_doc("The body could not be read (a broken chunked transfer)")
            )
        return flask_smorest.Blueprint._prepare_response_doc(
            doc, doc_info, api=api, spec=spec, **kwargs
        )


class SchemaRulesPlugin(BasePlugin):
    """Schema-level JSON Schema keywords that marshmallow cannot say, from the schema's
    ``Meta.openapi`` (e.g. ``{"minProperties": 1}`` for "send at least one field")."""

    def schema_helper(self, name: str, definition: Any, **kwargs: Any) -> dict[str, Any] | None:
        schema = kwargs.get("schema")
        meta = getattr(schema, "Meta", None)
        rules = getattr(meta, "openapi", None)
        return dict(rules) if rules else None


class Api(flask_smorest.Api):
    def _init_spec(self, *, extra_plugins: Any = None, **kwargs: Any) -> None:
        super()._init_spec(extra_plugins=[*(extra_plugins or ()), SchemaRulesPlugin()], **kwargs)

    # Each operation lists the statuses it can answer; no catch-all "default" response, so
    # a client (and the fuzz test) can rely on the list being complete.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_pagination_header(self) -> None:
        """``X-Pagination`` holds JSON, which an OpenAPI header describes with ``content``
        (a header ``schema`` of type object would mean ``key,value,...`` text)."""
        self.spec.components.header(
            "PAGINATION",
            {
                "description": "Pagination metadata as a JSON object",
                "content": {"application/json": {"schema": PaginationMetadataSchema}},
            },
            lazy=True,
        )

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
