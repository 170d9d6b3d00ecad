"""The web application: configuration, database, API, pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from survey_service import pages, settings
from survey_service.db import db
from survey_service.resources import init_api


def build(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides every other configuration layer (see
    ``settings``)."""
    app = Flask("survey_service", instance_relative_config=True)
    settings.load(app, config)
    db.init_app(app)
    init_api(app)
    pages.init_app(app)
    return app
