"""Database faults under load, against the real server (``survey-service serve --workers 3``).

* The service's PostgreSQL connections are terminated mid-load (``pg_terminate_backend``, as
  a failover or an administrator would): every client gets 201/200 or 503 with
  ``Retry-After``, never a 500 and never a hang, and the service recovers by itself.
* A lock is held on ``response`` for longer than the lock timeout: submissions get 503 with
  ``Retry-After`` within the timeout, ``/healthz`` keeps answering, and once the lock is
  released submissions succeed.
* The server is killed (SIGKILL) mid-load and started again (SQLite and PostgreSQL): each
  submission, retried with its ``submission_id``, is stored exactly once, and none in part.

Throughout, every acknowledged submission is in the database exactly once, and no response
says ``Server: gunicorn``. Client timeouts bound every wait: a request that takes longer is a
hang and fails the test. Clients retry a 503 sooner than its ``Retry-After`` asks, only to
keep the test short.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text

from survey_service import create_app
from survey_service.db import db
from survey_service.http_errors import RETRY_AFTER_SECONDS
from survey_service.models import Response, ScoreAggregate
from survey_service.services.submission import sha256

from helpers import answers_for, fresh_database
from served import Answer, NoAnswer, Server, open_survey, request, start_server

#: Small timeouts, so that a held lock is felt within a second.
LOCK_TIMEOUT_MS = 1_000
STATEMENT_TIMEOUT_MS = 3_000
#: How long a client waits for any answer before calling it a hang: the statement timeout,
#: plus a wait for a worker busy with another request's lock wait, plus a margin.
CLIENT_TIMEOUT = 8.0
#: Attempts at one submission while faults are being injected (a 503 is retried).
ATTEMPTS = 40
RETRY_PAUSE = 0.2


# -- the server and its clients ------------------------------------------------------------


def call(
    server: Server, method: str, path: str, *, timeout: float = CLIENT_TIMEOUT, **options: Any
) -> Answer:
    """A request with the client's timeout (a longer wait is a hang and fails the test)."""
    answer = request(server, method, path, timeout=timeout, **options)
    # The server software is nobody's business.
    assert "gunicorn" not in (answer.headers.get("Server") or "").lower(), answer.headers
    return answer


def serve(url: str, log: Path) -> AbstractContextManager[Server]:
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SECRET_KEY": "database-faults-secret",
        "SURVEY_RATE_LIMIT_PER_MINUTE": "0",
        # Every client here is 127.0.0.1: the load must meet the database, not the limit.
        "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": "0",
        "SURVEY_DB_LOCK_TIMEOUT_MS": str(LOCK_TIMEOUT_MS),
        "SURVEY_DB_STATEMENT_TIMEOUT_MS": str(STATEMENT_TIMEOUT_MS),
    }
    return start_server(env, workers=3, log=log)


def prepare_database(url: str) -> str:
    """Schema, reference data and an admin key (as ``init`` and ``keys create`` make them);
    the key."""
    from survey_service.cli import run_init
    from survey_service.services.keys import create_key

    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "database-faults-secret"})
    try:
        run_init(app)
        with app.app_context():
            _, admin = create_key(
                db.session, role="admin", municipality=None, name="faults", actor="tests"
            )
            db.session.commit()
    finally:
        with app.app_context():
            db.engine.dispose()
    return admin


def submit(server: Server, survey: dict[str, Any], submission_id: str, **kwargs: Any) -> Answer:
    payload = {"submission_id": submission_id, "answers": answers_for("omdommetrappen", 4)}
    path = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    return call(server, "POST", path, json_body=payload, **kwargs)


def assert_retry_later(answer: Answer, *, message_contains: str | None = None) -> None:
    """503, ``Retry-After``, and the JSON error payload."""
    assert answer.status == 503, (answer.status, answer.body)
    assert answer.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = answer.json()
    assert body["code"] == 503 and body["status"] == "Service Unavailable", body
    if message_contains is not None:
        assert message_contains in body["message"], body


def submit_until_stored(
    server: Server, survey: dict[str, Any], submission_id: str, refused: list[Answer]
) -> Answer:
    """Submit, and retry the same submission on 503, as a client should; the final answer."""
    for _ in range(ATTEMPTS):
        answer = submit(server, survey, submission_id)
        if answer.status in (200, 201):
            return answer
        assert_retry_later(answer)
        refused.append(answer)
        time.sleep(RETRY_PAUSE)
    raise AssertionError(f"submission {submission_id} still refused after {ATTEMPTS} attempts")


def assert_stored_once_each(url: str, survey_id: int, submission_ids: set[str]) -> None:
    """Each submission is stored exactly once, and whole: every stored response is folded
    into the survey's aggregates, and nothing else is."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            hashes = connection.scalars(
                select(Response.submission_hash).where(Response.survey_id == survey_id)
            ).all()
            folded = connection.scalar(
                select(func.coalesce(func.sum(ScoreAggregate.n), 0)).where(
                    ScoreAggregate.survey_id == survey_id
                )
            )
    finally:
        engine.dispose()
    assert len(hashes) == len(set(hashes)) == len(submission_ids)
    assert set(hashes) == {sha256(submission_id) for submission_id in submission_ids}
    assert folded == len(hashes)


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """``work(0)`` ... ``work(count - 1)`` in threads; their results, or the first failure."""
    with ThreadPoolExecutor(count) as pool:
        return [future.result() for future in [pool.submit(work, i) for i in range(count)]]


# -- PostgreSQL: terminated connections, a held lock -----------------------------------------


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A fresh PostgreSQL database, initialised; its URL and an admin key."""
    with fresh_database("postgresql", tmp_path_factory.mktemp("postgres")) as url:
        yield url, prepare_database(url)


@pytest.fixture(scope="module")
def postgres_server(
    postgres: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    with serve(postgres[0], tmp_path_factory.mktemp("server") / "server.log") as server:
        yield server


def _terminate_busy_backends(url: str, until: threading.Event) -> int:
    """Terminate the service's connections that are in the middle of a request (running a
    statement, or inside a transaction), over and over until ``until`` is set; how many."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    terminated = 0
    try:
        with engine.connect() as connection:
            while not until.is_set():
                terminated += len(
                    connection.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                            "AND state IN ('active', 'idle in transaction')"
                        )
                    ).all()
                )
                time.sleep(0.05)
    finally:
        engine.dispose()
    return terminated


def test_terminated_connections_get_503_and_the_service_recovers_by_itself(
    postgres, postgres_server
):
    url, admin = postgres
    server = postgres_server
    survey = open_survey(server, admin)
    ids = [[str(uuid.uuid4()) for _ in range(12)] for _ in range(4)]
    refused: list[Answer] = []
    answered = threading.Semaphore(0)
    stop_terminating = threading.Event()

    def client(index: int) -> dict[str, Answer]:
        final = {}
        for submission_id in ids[index]:
            final[submission_id] = submit_until_stored(server, survey, submission_id, refused)
            answered.release()
        return final

    with ThreadPoolExecutor(5) as pool:
        clients = [pool.submit(client, index) for index in range(4)]
        try:
            for _ in range(4):  # the load is under way
                assert answered.acquire(timeout=60)
            terminator = pool.submit(_terminate_busy_backends, url, stop_terminating)
            time.sleep(1.5)
        finally:
            stop_terminating.set()
        finals = [future.result() for future in clients]
        terminated = terminator.result()

    assert terminated > 0
    assert refused, "no request was caught by a terminated connection"
    for answer in refused:
        assert_retry_later(answer, message_contains="unavailable")
    # Recovered by itself: the health check, a new submission, and retries of stored ones.
    assert call(server, "GET", "/healthz").json() == {"status": "ok", "database": "ok"}
    stored = {k: v for final in finals for k, v in final.items()}
    extra = str(uuid.uuid4())
    assert submit(server, survey, extra).status == 201
    for submission_id in list(stored)[:5]:
        again = submit(server, survey, submission_id)
        assert again.status == 200
        assert again.json()["receipt"] == stored[submission_id].json()["receipt"]
    assert_stored_once_each(url, survey["id"], {*stored, extra})


def test_a_lock_held_on_response_gets_503_within_the_lock_timeout(postgres, postgres_server):
    url, admin = postgres
    server = postgres_server
    survey = open_survey(server, admin)
    assert submit(server, survey, str(uuid.uuid4())).status == 201
    refused: list[str] = []
    health: list[Answer] = []
    form = {"submission_id": str(uuid.uuid4()), "language": "nn"}
    form.update({f"a.{k}": str(v) for k, v in answers_for("omdommetrappen", 3).items()})

    engine = create_engine(url)
    try:
        with engine.connect() as holder:
            holder.execute(text("LOCK TABLE response IN ACCESS EXCLUSIVE MODE"))
            held_since = time.monotonic()

            def client(index: int) -> None:
                # Each request is answered within the client's timeout, long before the lock
                # is released: it gave up at the lock timeout.
                while time.monotonic() - held_since < 2.0:
                    submission_id = str(uuid.uuid4())
                    answer = submit(server, survey, submission_id)
                    assert_retry_later(answer, message_contains="too busy")
                    refused.append(submission_id)

            def health_check(_: int) -> None:
                while time.monotonic() - held_since < 3.0:
                    health.append(call(server, "GET", "/healthz"))
                    time.sleep(0.2)

            def clients_and_health_check(index: int) -> None:
                (health_check if index == 0 else client)(index)

            in_threads(5, clients_and_health_check)
            page = call(server, "POST", f"/s/{survey['public_id']}", form=form)
            assert page.status == 503
            assert page.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
            assert "Vi kan ikkje ta imot svara akkurat no" in page.body.decode()
            time.sleep(max(0.0, 5.0 - (time.monotonic() - held_since)))
            holder.rollback()
    finally:
        engine.dispose()

    assert refused and health
    assert all(answer.json() == {"status": "ok", "database": "ok"} for answer in health)
    # The lock is gone: the refused submissions are stored, once each.
    for submission_id in refused:
        assert submit(server, survey, submission_id).status == 201
    assert call(server, "POST", f"/s/{survey['public_id']}", form=form).status == 201
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.scalar(
                select(func.count()).select_from(Response).where(Response.survey_id == survey["id"])
            )
    finally:
        engine.dispose()
    assert count == 1 + len(refused) + 1


# -- the crash: SIGKILL mid-load, on both databases --------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """On SQLite a fresh file; on PostgreSQL the module's database. Its URL and an admin key."""
    if request.param == "postgresql":
        yield request.getfixturevalue("postgres")
        return
    with fresh_database("sqlite", tmp_path) as url:
        yield url, prepare_database(url)


def test_a_crash_mid_load_loses_no_acknowledged_submission_and_stores_none_twice(
    database, tmp_path
):
    url, admin = database
    with serve(url, tmp_path / "server.log") as server:
        survey = open_survey(server, admin)
        ids = [[str(uuid.uuid4()) for _ in range(10)] for _ in range(4)]
        acknowledged: dict[str, str] = {}  # submission id -> receipt
        enough = threading.Event()

        def client(index: int) -> None:
            for submission_id in ids[index]:
                try:
                    answer = submit(server, survey, submission_id)
                except NoAnswer:
                    continue  # killed before it answered: unknown whether it was stored
                if answer.status == 201:
                    acknowledged[submission_id] = answer.json()["receipt"]
                else:  # stored, or refused while the database was busy; never a 500
                    assert answer.status == 200 or answer.status == 503, answer.body
                if len(acknowledged) >= 12:
                    enough.set()

        with ThreadPoolExecutor(1) as killer:
            killed = killer.submit(lambda: (enough.wait(timeout=60), server.kill()))
            in_threads(4, client)
            killed.result()

    assert len(acknowledged) >= 12
    with serve(url, tmp_path / "server.log") as server:
        for submission_id in [i for group in ids for i in group]:
            answer = submit_until_stored(server, survey, submission_id, [])
            if submission_id in acknowledged:
                assert answer.status == 200, answer.body
                assert answer.json()["receipt"] == acknowledged[submission_id]
    assert_stored_once_each(url, survey["id"], {i for group in ids for i in group})
