"""The database in the web app: one engine per app, one session per request.

The request owns the transaction: views commit, services and models never do. A request
that ends with an exception is rolled back before its session closes, so nothing is
half-stored. GET, HEAD and OPTIONS requests begin their transactions as readers.

The engine's timeouts come from the ``SURVEY_DB_*_TIMEOUT_MS`` settings.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import Token
from typing import Any

from flask import Flask, current_app, g, request
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from survey_service.database import Timeouts, declare_writes, forget_writes, make_engine

log = logging.getLogger(__name__)

READING_METHODS = ("GET", "HEAD", "OPTIONS")


class Database:
    """Flask extension holding the engine and the per-request session."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(
            app.config["SURVEY_DATABASE_URL"],
            echo=app.config["SURVEY_SQL_ECHO"],
            timeouts=timeouts(app.config),
        )
        app.extensions["survey_db"] = (engine, sessionmaker(bind=engine, expire_on_commit=False))
        app.before_request(_declare_intent)
        app.teardown_request(_forget_intent)
        app.teardown_appcontext(_close_session)

    @property
    def engine(self) -> Engine:
        engine: Engine = current_app.extensions["survey_db"][0]
        return engine

    @property
    def session(self) -> Session:
        """The session of the current request (or app context), made on first use."""
        session: Session | None = g.get("_survey_session")
        if session is None:
            factory = current_app.extensions["survey_db"][1]
            session = factory()
            g._survey_session = session
        return session


def timeouts(config: Mapping[str, Any]) -> Timeouts:
    """The engine's timeouts from the app's settings."""
    return Timeouts(
        statement_ms=config["SURVEY_DB_STATEMENT_TIMEOUT_MS"],
        lock_ms=config["SURVEY_DB_LOCK_TIMEOUT_MS"],
        idle_in_transaction_ms=config["SURVEY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS"],
        long_statement_ms=config["SURVEY_DB_EXPORT_STATEMENT_TIMEOUT_MS"],
    )


@contextmanager
def reads_apart() -> Iterator[None]:
    """On SQLite, the block's reads in a transaction of their own that only reads, ended
    before the request writes. SQLite has one writer at a time, holding the lock from its
    BEGIN IMMEDIATE to its COMMIT, so what a request works out between its reads and its
    first write (validating and scoring a response) is better done before it takes the lock.
    On PostgreSQL, whose writers do not queue for the whole database, the reads stay in the
    request's transaction (a second one would cost round trips)."""
    if db.engine.dialect.name != "sqlite":
        yield
        return
    token = declare_writes(False)
    try:
        yield
        db.session.commit()
    finally:
        forget_writes(token)


def discard_changes() -> None:
    """Roll back the current request's transaction, if it has one."""
    session: Session | None = g.get("_survey_session")
    if session is not None:
        _roll_back(session)


def _roll_back(session: Session) -> None:
    """A connection that broke cannot roll back, but then the server has dropped the
    transaction itself: either way nothing of it is kept, and closing the session hands the
    connection back to the pool, which replaces it."""
    try:
        session.rollback()
    except SQLAlchemyError:
        log.warning("Rolling back after a database error failed; closing the session")
        session.close()


def _declare_intent() -> None:
    g._survey_writes = declare_writes(request.method not in READING_METHODS)


def _forget_intent(_exc: BaseException | None) -> None:
    token: Token[bool] | None = g.pop("_survey_writes", None)
    if token is not None:
        forget_writes(token)


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("_survey_session", None)
    if session is not None:
        try:
            if exc is not None or session.in_transaction():
                # Whatever was not committed explicitly is not kept.
                _roll_back(session)
        finally:
            session.close()


db = Database()
