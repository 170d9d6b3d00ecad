"""The web application: configuration, database, API, pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from werkzeug.routing import IntegerConverter

from survey_service import pages, settings
from survey_service.api import MAX_INTEGER
from survey_service.db import db
from survey_service.request_body import Request
from survey_service.resources import init_api


def build(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides every other configuration layer (see
    ``settings``)."""
    app = Flask("survey_service", instance_relative_config=True)
    app.request_class = Request
    settings.load(app, config)
    app.url_map.converters["int"] = DatabaseIdConverter
    db.init_app(app)
    init_api(app)
    pages.init_app(app)
    app.after_request(_api_headers)
    return app


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in a route: an id the database can hold (up to ``MAX_INTEGER``). A larger
    number matches no route, so it is a plain 404 and never reaches a query."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)


#: API reads that are public and the same for everyone, which a cache may keep: the
#: instrument catalogue, the municipalities, the OpenAPI document and its Swagger UI.
_CACHEABLE = (
    "/api/v1/instruments",
    "/api/v1/municipalities",
    "/api/v1/openapi.json",
    "/api/v1/docs",
)


def _api_headers(response: Response) -> Response:
    """On every API response: no MIME sniffing and no referrer; and ``Cache-Control:
    no-store`` on all but the public reads in ``_CACHEABLE`` (GET or HEAD), since the rest hold
    keys' views, invitation tokens, receipts, scores or the audit log, which must not stay in a
    browser's or a proxy's cache. The respondent's pages set their own headers."""
    path = request.path
    if not path.startswith("/api/"):
        return response
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    cacheable = request.method in ("GET", "HEAD") and any(
        path == prefix or path.startswith(f"{prefix}/") for prefix in _CACHEABLE
    )
    if not cacheable:
        response.headers["Cache-Control"] = "no-store"
    return response
