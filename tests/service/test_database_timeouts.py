"""Nothing waits on the database without limit: the timeouts reach both databases as
configured, an export gets its longer one, the server's worker timeout outlasts them all, and
each kind of fault is told apart from a plain error."""

from __future__ import annotations

import socket
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from survey_service import create_app
from survey_service.cli import worker_timeout
from survey_service.database import Timeouts, allow_long_statements, fault_of, make_engine
from survey_service.db import db
from survey_service.services.exports.query import open_snapshot
from survey_service.settings import ConfigurationError

from helpers import fresh_database

TIMEOUTS = Timeouts(
    statement_ms=4_000, lock_ms=1_500, idle_in_transaction_ms=20_000, long_statement_ms=60_000
)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with fresh_database(request.param, tmp_path) as url:
        engine = make_engine(url, timeouts=TIMEOUTS)
        try:
            yield engine
        finally:
            engine.dispose()


def _show(connection: Any, setting: str) -> str:
    return str(connection.exec_driver_sql(f"SHOW {setting}").scalar())


def test_the_timeouts_are_each_connections_defaults(engine):
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # SQLite's only wait is for the write lock: the lock timeout.
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1_500
            return
        assert _show(connection, "statement_timeout") == "4s"
        assert _show(connection, "lock_timeout") == "1500ms"
        assert _show(connection, "idle_in_transaction_session_timeout") == "20s"
        assert _show(connection, "application_name") == "survey-service"


def test_an_export_gets_the_long_statement_timeout_for_its_transaction_only(engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has no statement timeout")
    connection = open_snapshot(engine)
    try:
        assert _show(connection, "statement_timeout") == "1min"
        # The transaction waits while the client reads the download.
        assert _show(connection, "idle_in_transaction_session_timeout") == "0"
    finally:
        connection.close()
    with engine.connect() as connection:  # the same pooled connection, back to the defaults
        assert _show(connection, "statement_timeout") == "4s"
        connection.commit()
        with connection.begin():
            allow_long_statements(connection)
            assert _show(connection, "statement_timeout") == "1min"
        assert _show(connection, "statement_timeout") == "4s"


def test_a_statement_over_the_timeout_is_an_overloaded_database(engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has no statement timeout")
    with engine.connect() as connection:
        connection.exec_driver_sql("SET statement_timeout = 50")
        with pytest.raises(OperationalError) as raised:
            connection.execute(text("SELECT pg_sleep(2)"))
    assert fault_of(raised.value) == "overloaded"


def test_a_busy_lock_is_an_overloaded_database_and_a_broken_rule_is_no_fault(engine):
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE probe (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("INSERT INTO probe VALUES (1)")
    with engine.connect() as connection:
        with pytest.raises(IntegrityError) as duplicate:
            connection.exec_driver_sql("INSERT INTO probe VALUES (1)")
    assert fault_of(duplicate.value) is None
    assert fault_of(RuntimeError("not the database")) is None

    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    else:
        holder_connection = engine.connect()
        holder_connection.exec_driver_sql("LOCK TABLE probe IN ACCESS EXCLUSIVE MODE")
    try:
        with engine.connect() as connection:
            with pytest.raises(OperationalError) as waited:
                connection.exec_driver_sql("INSERT INTO probe VALUES (2)")
    finally:
        if engine.dialect.name == "sqlite":
            holder.rollback()
            holder.close()
        else:
            holder_connection.close()
    assert fault_of(waited.value) == "overloaded"


def test_a_server_that_cannot_be_reached_is_an_unavailable_database():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = make_engine(f"postgresql+psycopg://nobody@127.0.0.1:{port}/x")
    try:
        with pytest.raises(OperationalError) as refused:
            engine.connect()
    finally:
        engine.dispose()
    assert fault_of(refused.value) == "unavailable"


def test_the_settings_reach_the_engine_and_the_worker_timeout_outlasts_them(tmp_path):
    app = create_app(
        {
            "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "SURVEY_SECRET_KEY": "x",
            "SURVEY_DB_LOCK_TIMEOUT_MS": 2_500,
        }
    )
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 2_500
    with app.app_context():
        db.engine.dispose()
    # The defaults: no statement may outlive the worker that runs it.
    longest = max(app.config["SURVEY_DB_STATEMENT_TIMEOUT_MS"], 90_000)
    assert app.config["SURVEY_DB_STATEMENT_TIMEOUT_MS"] <= 15_000
    assert worker_timeout(app.config) * 1000 > longest
    assert worker_timeout({**app.config, "SURVEY_DB_EXPORT_STATEMENT_TIMEOUT_MS": 300_000}) > 300


@pytest.mark.parametrize("value", [-1, "soon", 1.5, True])
def test_a_timeout_must_be_whole_milliseconds(tmp_path, value):
    with pytest.raises(ConfigurationError, match="SURVEY_DB_LOCK_TIMEOUT_MS"):
        create_app(
            {
                "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "SURVEY_SECRET_KEY": "x",
                "SURVEY_DB_LOCK_TIMEOUT_MS": value,
            }
        )


def test_the_urls_own_connection_parameters_are_kept(engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("libpq's connection parameters")
    url = engine.url.update_query_dict(
        {"options": "-c search_path=public,pg_catalog", "application_name": "reporting"}
    )
    other = make_engine(url.render_as_string(hide_password=False), timeouts=TIMEOUTS)
    try:
        with other.connect() as connection:
            assert _show(connection, "search_path") == "public,pg_catalog"
            assert _show(connection, "application_name") == "reporting"
            assert _show(connection, "lock_timeout") == "1500ms"
    finally:
        other.dispose()


def test_sqlite_writers_queue_for_the_write_lock_and_each_gets_it(tmp_path):
    """Writers wait for SQLite's write lock in short steps of their own (not its busy
    handler's sleeps of up to 100 ms): each of many threads, all writing at once and holding
    the lock a while, stores every row, and the lock timeout stays the connection's own."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}", timeouts=TIMEOUTS)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE probe (writer INTEGER, n INTEGER)")

        def write(writer: int) -> None:
            for n in range(15):
                with engine.begin() as connection:
                    connection.exec_driver_sql(f"INSERT INTO probe VALUES ({writer}, {n})")
                    time.sleep(0.002)  # holding the lock while others queue

        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(write, range(6)))
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM probe").scalar() == 90
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1_500
    finally:
        engine.dispose()
