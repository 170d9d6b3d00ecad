"""The database in the web app: one engine per app, one session per request.

The request owns the transaction: views commit, services and models never do. A request
that ends with an exception is rolled back before its session closes, so nothing is
half-stored. GET, HEAD and OPTIONS requests begin their transactions as readers.
"""

from __future__ import annotations

from contextvars import Token

from flask import Flask, current_app, g, request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from survey_service.database import declare_writes, forget_writes, make_engine

READING_METHODS = ("GET", "HEAD", "OPTIONS")


class Database:
    """Flask extension holding the engine and the per-request session."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["SURVEY_DATABASE_URL"], echo=app.config["SURVEY_SQL_ECHO"])
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


def _declare_intent() -> None:
    g._survey_writes = declare_writes(request.method not in READING_METHODS)


def _forget_intent(_exc: BaseException | None) -> None:
    token: Token[bool] | None = g.pop("_survey_writes", None)
    if token is not None:
        forget_writes(token)


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("_survey_session", None)
    if session is not None:
        if exc is not None or session.in_transaction():
            # Whatever was not committed explicitly is not kept.
            session.rollback()
        session.close()


db = Database()
