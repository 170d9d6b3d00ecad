"""The database: one engine per app, one session per request, a declarative base.

The request owns the transaction: views commit, services and models never do. A request
that ends with an exception is rolled back before its session closes, so nothing is
half-stored.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import JSON, Engine, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Deterministic constraint names, so migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON that is JSONB on PostgreSQL (indexable, compact) and JSON text elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the settings each backend needs to be safe under concurrency."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            # Several threads of one worker share the pool; the file is the shared state.
            connect_args={"check_same_thread": False, "timeout": 30},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=10)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take it over.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writing request takes the write lock at BEGIN (IMMEDIATE), so two writers queue
        # on the busy timeout instead of failing with "database is locked" when the second
        # tries to upgrade a read lock. Reading requests keep WAL's concurrent readers.
        reading = has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


class Database:
    """Flask extension holding the engine and the per-request session."""

    def __init__(self) -> None:
        self.engines: dict[int, Engine] = {}

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["SURVEY_DATABASE_URL"], echo=app.config["SURVEY_SQL_ECHO"])
        app.extensions["survey_db"] = (engine, sessionmaker(bind=engine, expire_on_commit=False))
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


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("_survey_session", None)
    if session is not None:
        if exc is not None or session.in_transaction():
            # Whatever was not committed explicitly is not kept.
            session.rollback()
        session.close()


db = Database()
