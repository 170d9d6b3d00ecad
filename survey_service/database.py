"""The database, free of any web framework: the declarative base, the JSON type, engines.

The request owns the transaction: the caller commits, services and models never do. On
SQLite a transaction that will write begins with ``BEGIN IMMEDIATE`` so that writers queue on
the busy timeout; whoever knows a unit of work only reads (the web layer, for GET requests)
says so with :func:`declare_writes`.

Nothing waits on the database without limit (:class:`Timeouts`): a statement, a wait for a
lock, a transaction left idle, a connection from the pool. When a limit runs out or the
database cannot be reached, :func:`fault_of` says which of the two it was, so the edge can ask
the client to come back instead of failing as if the request were wrong.
"""

from __future__ import annotations

import math
import sqlite3
import time
from collections.abc import Mapping
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import JSON, Connection, Engine, MetaData, create_engine, event, exc, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session

from survey_service import json_codec

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


@dataclass(frozen=True)
class Timeouts:
    """How long the database may keep a caller waiting, in milliseconds (0: no limit).

    ``statement_ms`` bounds one statement, ``lock_ms`` a wait for a lock (on SQLite the busy
    timeout: a writer waiting for the write lock), ``idle_in_transaction_ms`` a transaction
    that was left open with nothing running (its locks are freed when it ends), and
    ``long_statement_ms`` a statement of work that legitimately runs long on a large set (an
    export; see :func:`allow_long_statements`).
    """

    statement_ms: int = 10_000
    lock_ms: int = 5_000
    idle_in_transaction_ms: int = 30_000
    long_statement_ms: int = 90_000


#: Seconds to wait for a new connection to the server (a host that does not answer).
CONNECT_TIMEOUT_SECONDS = 5
#: What the service's connections are called in PostgreSQL's ``pg_stat_activity``.
APPLICATION_NAME = "survey-service"
#: SQLite's longest busy timeout, for "no limit" (it has no such value of its own).
_SQLITE_NO_LIMIT_MS = 2**31 - 1
#: The engine's execution option that carries ``Timeouts.long_statement_ms`` to connections.
_LONG_STATEMENT_OPTION = "survey_long_statement_timeout_ms"


def make_engine(url: str, *, echo: bool = False, timeouts: Timeouts | None = None) -> Engine:
    """An engine with the settings each backend needs to be safe under concurrency, and the
    ``timeouts`` (the defaults of :class:`Timeouts` unless given)."""
    limits = timeouts or Timeouts()
    options = {_LONG_STATEMENT_OPTION: limits.long_statement_ms}
    if url.startswith("sqlite"):
        busy_ms = limits.lock_ms or _SQLITE_NO_LIMIT_MS
        engine = create_engine(
            url,
            echo=echo,
            execution_options=options,
            # JSON columns (snapshots' cells above all) parsed in C: json_codec.
            json_deserializer=json_codec.loads,
            # Several threads of one worker share the pool; the file is the shared state.
            connect_args={"check_same_thread": False, "timeout": busy_ms / 1000},
        )
        _configure_sqlite(engine, busy_ms)
        return engine
    return create_engine(
        url,
        echo=echo,
        execution_options=options,
        json_deserializer=json_codec.loads,
        # A connection the server closed (restart, failover, pg_terminate_backend) is found
        # at checkout and replaced, so the request after a fault works again.
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        # Waiting for a free connection is waiting for a lock held in this process.
        pool_timeout=max(1, math.ceil(limits.lock_ms / 1000)) if limits.lock_ms else 30,
        connect_args=_postgresql_connect_args(url, limits),
    )


def _postgresql_connect_args(url: str, limits: Timeouts) -> dict[str, Any]:
    """libpq's connection parameters: the timeouts as the session's defaults (a transaction
    may change them with ``SET LOCAL``), added to any ``options`` the URL gives."""
    query = make_url(url).query
    given = query.get("options", "")
    settings = " ".join(
        f"-c {name}={value}"
        for name, value in (
            ("statement_timeout", limits.statement_ms),
            ("lock_timeout", limits.lock_ms),
            ("idle_in_transaction_session_timeout", limits.idle_in_transaction_ms),
        )
    )
    args: dict[str, Any] = {
        "options": f"{given} {settings}".strip() if isinstance(given, str) else settings
    }
    # Parameters the URL gives itself win over these defaults.
    for name, value in (
        ("connect_timeout", CONNECT_TIMEOUT_SECONDS),
        ("application_name", APPLICATION_NAME),
    ):
        if name not in query:
            args[name] = value
    return args


def allow_long_statements(connection: Connection) -> None:
    """For the rest of ``connection``'s transaction, the engine's long statement timeout
    instead of the usual one, and no idle-in-transaction limit: for a response export, whose
    statements may run long on a large set and whose transaction waits while the client reads
    the download. (The server's worker timeout still bounds the whole request.) PostgreSQL
    only; SQLite has no statement timeout."""
    if connection.dialect.name != "postgresql":
        return
    long_ms = int(connection.get_execution_options().get(_LONG_STATEMENT_OPTION, 0))
    # SET LOCAL ends with the transaction, so the pooled connection keeps its defaults.
    connection.exec_driver_sql(f"SET LOCAL statement_timeout = {long_ms}")
    connection.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")


def set_statement_timeout(connection: Connection, milliseconds: int) -> None:
    """A statement timeout of its own for the rest of ``connection``'s transaction
    (PostgreSQL; SQLite has none)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(milliseconds)}")


# -- faults: the database unavailable or overloaded ----------------------------------------

Fault = Literal["unavailable", "overloaded"]

#: PostgreSQL SQLSTATEs that mean "busy now, the same request may succeed later": a statement
#: or lock timeout, a serialisation failure or deadlock victim, too many connections.
_OVERLOADED_STATES = frozenset({"57014", "55P03", "40001", "40P01", "53300"})
#: SQLSTATE classes and codes that mean the server cannot serve at all just now: connection
#: exceptions, shutdown or crash (57P01-57P03), out of resources, I/O errors, and a server
#: that became a read-only standby (failover).
_UNAVAILABLE_CLASSES = ("08", "53", "58")
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "25006"})
#: SQLite's result codes (and their extended forms) of the same two kinds.
_SQLITE_OVERLOADED = ("SQLITE_BUSY", "SQLITE_LOCKED")
_SQLITE_UNAVAILABLE = ("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_READONLY")


def fault_of(error: BaseException) -> Fault | None:
    """Whether ``error`` says the database is *unavailable* (cannot be reached, the connection
    was lost) or *overloaded* (a timeout ran out, no connection free), so that the same
    request may well succeed a little later; ``None`` for any other error (a bug or bad
    data, which a retry would not mend)."""
    if isinstance(error, exc.TimeoutError):  # no connection free in the pool in time
        return "overloaded"
    if not isinstance(error, exc.DBAPIError):
        return None
    if error.connection_invalidated:
        return "unavailable"
    driver_error = error.orig
    if hasattr(driver_error, "sqlstate"):  # psycopg
        return _postgresql_fault(getattr(driver_error, "sqlstate", None), error)
    name = getattr(driver_error, "sqlite_errorname", None)
    if isinstance(name, str):
        if name.startswith(_SQLITE_OVERLOADED):
            return "overloaded"
        if name.startswith(_SQLITE_UNAVAILABLE):
            return "unavailable"
    return None


def _postgresql_fault(state: str | None, error: exc.DBAPIError) -> Fault | None:
    if state is None:
        # No SQLSTATE: the client library itself failed, e.g. it could not connect or the
        # connection broke.
        return (
            "unavailable" if isinstance(error, exc.OperationalError | exc.InterfaceError) else None
        )
    if state in _OVERLOADED_STATES:
        return "overloaded"
    if state in _UNAVAILABLE_STATES or state.startswith(_UNAVAILABLE_CLASSES):
        return "unavailable"
    return None


def upsert(session: Session, table: Any) -> Any:
    """An ``INSERT`` of the session's dialect that takes ``ON CONFLICT`` clauses (PostgreSQL's
    and SQLite's are alike)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_ignoring_duplicates(session: Session, table: Any, values: Mapping[str, Any]) -> bool:
    """``INSERT ... ON CONFLICT DO NOTHING``: of two concurrent inserts of one key, the first
    wins and the second changes nothing. Returns whether this one inserted the row (told by
    ``RETURNING``: the drivers report no row count for it)."""
    key = inspect(table).primary_key[0]
    statement = upsert(session, table).values(**values).on_conflict_do_nothing().returning(key)
    return session.execute(statement).first() is not None


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take it over.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # How long a writer waits for another's write lock: the lock timeout.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A writer takes the write lock at BEGIN (IMMEDIATE), so two writers queue for it
        # instead of failing with "database is locked" when the second tries to upgrade a
        # read lock. Readers keep WAL's concurrent reading.
        if not _WRITES.get():
            connection.exec_driver_sql("BEGIN")
            return
        raw = connection.connection.dbapi_connection
        if _begin_immediate_promptly(raw, busy_ms=busy_ms):
            return
        # Still held when the lock timeout ran out: the last try fails at once, as SQLite
        # reports it (the edge answers 503 and Retry-After).
        raw.execute("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            raw.execute(f"PRAGMA busy_timeout={int(busy_ms)}")


#: Between two tries for SQLite's write lock, in seconds: the first wait, and the longest.
_FIRST_WAIT, _LONGEST_WAIT = 0.0002, 0.002


def _begin_immediate_promptly(raw: Any, *, busy_ms: int) -> bool:
    """``BEGIN IMMEDIATE`` on a pysqlite connection, tried again within a few milliseconds
    while another writer holds the lock, for up to ``busy_ms``; False if it is still held
    (or BEGIN failed otherwise: the caller's last try reports it).

    SQLite's own busy handler sleeps 1, 2, 5, 10 and on up to 100 ms between its tries, so
    under a rush a write lock freed after 2 ms stayed idle for tens of milliseconds while the
    writers queueing for it slept (p99 up to a second at 32 connections)."""
    raw.execute("PRAGMA busy_timeout=0")
    try:
        deadline = time.monotonic() + busy_ms / 1000
        wait = _FIRST_WAIT
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorname", "") != "SQLITE_BUSY":
                    return False
            if time.monotonic() + wait >= deadline:
                return False
            time.sleep(wait)
            wait = min(wait * 2, _LONGEST_WAIT)
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
