"""A database that is unavailable or overloaded gets 503 with ``Retry-After``, never a 500 or
a hang; nothing of the request is kept, and the next request works without a restart.

Through the Flask test client on both databases; the real server under load is
``tests/service/test_database_faults.py``.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from survey_service import create_app
from survey_service.http_errors import RETRY_AFTER_SECONDS

from helpers import answers_for, assert_error, count_responses, open_survey

LOCK_TIMEOUT_MS = 500


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"SURVEY_DB_LOCK_TIMEOUT_MS": LOCK_TIMEOUT_MS, "SURVEY_RATE_LIMIT_PER_MINUTE": 0}


@contextmanager
def response_table_locked(database_url: str) -> Iterator[Any]:
    """Another client holding the lock every submission needs: on PostgreSQL an ACCESS
    EXCLUSIVE lock on ``response``, on SQLite the database's write lock."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield holder
        finally:
            holder.rollback()
            holder.close()
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as holder:
            holder.execute(text("LOCK TABLE response IN ACCESS EXCLUSIVE MODE"))
            yield holder
            holder.rollback()
    finally:
        engine.dispose()


def submit_json(client: Any, survey: dict[str, Any], submission_id: str) -> Any:
    return client.post(
        f"/api/v1/public/surveys/{survey['public_id']}/responses",
        json={"submission_id": submission_id, "answers": answers_for("omdommetrappen", 4)},
    )


def assert_503(response: Any, *, message_contains: str) -> None:
    assert_error(response, 503, message_contains=message_contains)
    assert response.get_json()["status"] == "Service Unavailable"
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)


def test_a_held_lock_answers_503_and_stores_nothing(app, client, admin, database_url):
    survey = open_survey(client, admin)
    submission_id = str(uuid.uuid4())
    form = {"submission_id": str(uuid.uuid4()), "language": "nn"}
    form.update({f"a.{k}": str(v) for k, v in answers_for("omdommetrappen", 3).items()})

    with response_table_locked(database_url):
        assert_503(submit_json(client, survey, submission_id), message_contains="too busy")
        # The respondent's form says the same in its own language, as a page.
        page = client.post(f"/s/{survey['public_id']}", data=form)
        assert page.status_code == 503
        assert page.mimetype == "text/html"
        assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        html = page.get_data(as_text=True)
        assert "Vi kan ikkje ta imot svara akkurat no" in html
        assert "send inn skjemaet på nytt" in html
        assert page.headers["Cache-Control"] == "no-store"
        # The health check touches no table: it answers at once.
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}

    assert count_responses(app) == 0
    # Once the lock is gone, the same submissions are stored, once each.
    assert submit_json(client, survey, submission_id).status_code == 201
    assert submit_json(client, survey, submission_id).status_code == 200
    assert client.post(f"/s/{survey['public_id']}", data=form).status_code == 201
    assert count_responses(app) == 2


@pytest.mark.parametrize(
    "app_config", [{"SURVEY_DB_LOCK_TIMEOUT_MS": 8_000, "SURVEY_RATE_LIMIT_PER_MINUTE": 0}]
)
def test_a_connection_terminated_mid_request_is_503_and_the_next_request_works(
    app, client, admin, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("terminating a server's connection is PostgreSQL's")
    survey = open_survey(client, admin)
    answers: list[Any] = []
    with response_table_locked(database_url) as holder:
        # The submission waits for the lock (up to the lock timeout); its connection is
        # terminated while it waits, as a failover or an administrator would.
        waiting = threading.Thread(
            target=lambda: answers.append(submit_json(client, survey, str(uuid.uuid4())))
        )
        waiting.start()
        terminated = []
        deadline = time.monotonic() + 6
        while not terminated and time.monotonic() < deadline:
            time.sleep(0.05)
            terminated = holder.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock' "
                    "AND pid <> pg_backend_pid()"
                )
            ).all()
        waiting.join(timeout=30)
        assert not waiting.is_alive()
    assert terminated, "no submission was waiting for the lock"
    assert_503(answers[0], message_contains="unavailable")
    # No restart: the pool replaces the dead connection.
    assert submit_json(client, survey, str(uuid.uuid4())).status_code == 201
    assert client.get("/healthz").status_code == 200
    assert count_responses(app) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_database_that_cannot_be_reached_is_503_everywhere():
    app = create_app(
        {
            "TESTING": True,
            "SURVEY_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{_closed_port()}/x",
            "SURVEY_SECRET_KEY": "test-secret",
        }
    )
    client = app.test_client()

    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable"
    assert health.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)

    assert_503(client.get("/api/v1/municipalities"), message_contains="unavailable")
    submitted = client.post(
        "/api/v1/public/surveys/Ab3dEf6hIj9kLm0n/responses",
        json={"submission_id": str(uuid.uuid4()), "answers": {"x": 1}},
    )
    assert_503(submitted, message_contains="unavailable")

    page = client.get("/s/Ab3dEf6hIj9kLm0n?lang=en")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "The service is unavailable right now" in page.get_data(as_text=True)
    form = client.post("/s/Ab3dEf6hIj9kLm0n", data={"language": "nb", "a.x": "1"})
    assert form.status_code == 503
    assert "Vi kan ikke ta imot svarene akkurat nå" in form.get_data(as_text=True)
