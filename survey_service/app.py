"""The web application: configuration, database, API, pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from survey_service import cors, dashboard, pages, security_headers, settings
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
    dashboard.init_app(app)
    security_headers.init_app(app)
    cors.init_app(app)
    return app


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` in a route: an id the database can hold (up to ``MAX_INTEGER``). A larger
    number matches no route, so it is a plain 404 and never reaches a query."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INTEGER)
        super().__init__(map, *args, **kwargs)
