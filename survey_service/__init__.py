"""Survey and reputation-measurement service for Norwegian municipalities."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = ["create_app"]


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, API, pages and CLI.

    ``config`` overrides every other configuration layer (see ``settings``).
    """
    from survey_service import pages, settings
    from survey_service.api import init_api
    from survey_service.db import db

    app = Flask(__name__, instance_relative_config=True)
    settings.load(app, config)
    db.init_app(app)
    init_api(app)
    pages.init_app(app)
    return app
