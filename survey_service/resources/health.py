"""``GET /healthz``: the service is up and can reach its database."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text

from survey_service.db import db


def healthz() -> tuple[dict[str, Any], int]:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means "unhealthy"
        return {"status": "unavailable", "database": type(exc).__name__}, 503
    return {"status": "ok", "database": "ok"}, 200


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
