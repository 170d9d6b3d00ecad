"""The database, free of any web framework: the declarative base, the JSON type, engines.

The request owns the transaction: the caller commits, services and models never do. On
SQLite a transaction that will write begins with ``BEGIN IMMEDIATE`` so that writers queue on
the busy timeout; whoever knows a unit of work only reads (the web layer, for GET requests)
says so with :func:`declare_writes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar, Token
from typing import Any

from sqlalchemy import JSON, Engine, MetaData, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Session

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

#: Whether the current unit of work may write (SQLite: BEGIN IMMEDIATE) or only reads.
_WRITES: ContextVar[bool] = ContextVar("survey_writes", default=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def declare_writes(writes: bool) -> Token[bool]:
    """From here on in this context, transactions begin as writers or as readers (SQLite: a
    plain deferred BEGIN, so WAL's readers never wait for a writer); undo with
    ``forget_writes(token)``."""
    return _WRITES.set(writes)


def forget_writes(token: Token[bool]) -> None:
    _WRITES.reset(token)


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


def upsert(session: Session, table: Any) -> Any:
    """An ``INSERT`` of the session's dialect that takes ``ON CONFLICT`` clauses (PostgreSQL's
    and SQLite's are alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_ignoring_duplicates(session: Session, table: Any, values: Mapping[str, Any]) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING``: of two concurrent inserts of one key, the first
    wins and the second changes nothing."""
    return session.execute(upsert(session, table).values(**values).on_conflict_do_nothing())


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
        # A writer takes the write lock at BEGIN (IMMEDIATE), so two writers queue on the
        # busy timeout instead of failing with "database is locked" when the second tries
        # to upgrade a read lock. Readers keep WAL's concurrent reading.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _WRITES.get() else "BEGIN")
