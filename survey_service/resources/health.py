"""``GET /healthz``: the service is up and can reach its database.

200 ``{"status": "ok"}``; or 503 with ``Retry-After`` and ``{"status": "unavailable"}`` (the
database cannot be reached) or ``{"status": "overloaded"}`` (it did not answer in time). It
answers quickly whatever the database is doing: the probe touches no table, so no lock held
on one can hold it up, runs on a connection of its own with a short statement timeout, and
never uses the request's session.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text

from survey_service.database import fault_of, set_statement_timeout
from survey_service.db import db
from survey_service.http_errors import retry_later

#: The probe's own statement timeout: a database that cannot answer ``SELECT 1`` this fast
#: is too busy to serve requests.
PROBE_TIMEOUT_MS = 2_000


def healthz() -> tuple[dict[str, Any], int] | tuple[dict[str, Any], int, dict[str, str]]:
    try:
        with db.engine.connect() as connection:
            set_statement_timeout(connection, PROBE_TIMEOUT_MS)
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # whatever keeps the probe from an answer makes it unhealthy
        status = fault_of(exc) or "unavailable"
        return {"status": status, "database": type(exc).__name__}, 503, retry_later()
    return {"status": "ok", "database": "ok"}, 200


def init_app(app: Flask) -> None:
    app.add_url_rule("/healthz", "healthz", healthz, methods=["GET"])
