"""The least a submission endpoint can do on our stack: the ingestion benchmark's baseline.

Flask under the same gunicorn and worker count as the service; each POST stores its JSON body
as one row (JSONB on PostgreSQL, text on SQLite) on a connection the worker keeps, and
answers 201. No validation, scoring, aggregates or idempotency: what is left of a real
submission's cost once all of that is gone, so a faster or slower ``/healthz`` cannot move
the ratio.

    REFERENCE_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/db \\
        python -m gunicorn -w 3 -b 127.0.0.1:8300 bench.reference_app:app
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from flask import Flask, Response, request

app = Flask(__name__)

#: The worker's own connection, opened on its first request (after gunicorn's fork).
_connection: Any = None


def _connect() -> Any:
    url = os.environ["REFERENCE_DATABASE_URL"]
    if url.startswith("sqlite:///"):
        connection = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA busy_timeout=5000")
        return connection
    import psycopg

    return psycopg.connect(url, autocommit=True)


def create_table(url: str) -> None:
    """The one table the reference app writes to (run once, before the workers start)."""
    os.environ["REFERENCE_DATABASE_URL"] = url
    connection = _connect()
    if url.startswith("sqlite:///"):
        connection.execute(
            "CREATE TABLE IF NOT EXISTS reference_response "
            "(id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
        )
    else:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS reference_response "
            "(id bigserial PRIMARY KEY, body jsonb NOT NULL)"
        )
    connection.close()


@app.post("/responses")
def store() -> Response:
    global _connection
    if _connection is None:
        _connection = _connect()
    body = request.get_data(as_text=True)
    if isinstance(_connection, sqlite3.Connection):
        _connection.execute("INSERT INTO reference_response (body) VALUES (?)", (body,))
    else:
        _connection.execute("INSERT INTO reference_response (body) VALUES (%s::jsonb)", (body,))
    return Response(b'{"stored": true}', status=201, mimetype="application/json")


@app.get("/healthz")
def health() -> Response:
    return Response(b'{"status": "ok"}', mimetype="application/json")
