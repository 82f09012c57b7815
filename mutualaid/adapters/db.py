"""Engines, sessions and the two column types every table shares (UTC times, JSON).

Nothing here runs at import time: `make_engine(url)` is called by the composition root
(`api/app.py::create_app`) and by test fixtures.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pendulum
from sqlalchemy import JSON, DateTime, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import URL, Connection, Dialect, Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Session, create_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long a SQLite writer waits for the write lock before giving up, unless its
transaction says otherwise (LOCK_WAIT): background work (jobs) waits this long."""

READ_ONLY = "mutualaid_read_only"
"""Execution option: on SQLite, begin a deferred (shared) transaction instead of IMMEDIATE."""

LOCK_WAIT = "mutualaid_lock_wait"
"""Execution option: the seconds a transaction waits for a lock before it fails (SQLite's
busy_timeout, PostgreSQL's lock_timeout); requests use a short one, so a writer held up by
others is answered "busy, try again" (`is_busy`) instead of hanging."""

_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED (extended codes keep these low bits)
_PG_BUSY = {"55P03", "40001", "40P01"}  # lock_not_available, serialization, deadlock


def is_busy(exc: BaseException) -> bool:
    """True when `exc` says a lock could not be had in time (SQLite busy or locked, a
    PostgreSQL lock timeout, serialization failure or deadlock): nothing was written, and
    the same request may succeed later."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _SQLITE_BUSY
    if getattr(orig, "sqlstate", None) in _PG_BUSY:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database table is locked" in text


def is_disk_full(exc: BaseException) -> bool:
    """True when `exc` says the database's disk is full (SQLITE_FULL, PostgreSQL 53100)."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF == 13  # SQLITE_FULL
    return getattr(exc.orig, "sqlstate", None) == "53100"


def is_connection_lost(exc: BaseException) -> bool:
    """True when `exc` says the connection to the database went away (SQLAlchemy
    invalidated it: the server restarted, or an administrator terminated the session)."""
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def is_unique_violation(exc: BaseException) -> bool:
    """True when `exc` is a UNIQUE (or primary key) violation: another writer stored the
    same key first (SQLite's constraint error, PostgreSQL's 23505)."""
    if not isinstance(exc, IntegrityError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23505":
        return True
    text = str(orig)
    return "UNIQUE constraint failed" in text or "PRIMARY KEY constraint failed" in text


def _json_type() -> TypeEngine[Any]:
    return JSON().with_variant(JSONB(), "postgresql")


JSONType: TypeEngine[Any] = _json_type()
"""JSON everywhere; JSONB on PostgreSQL."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware instant in, an aware pendulum DateTime in UTC out.

    PostgreSQL keeps it as `timestamptz`; SQLite keeps no zone, so the value is stored as naive
    UTC text and UTC is attached again on the way out. Naive values are refused: a naive time
    in this code base is a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: give an aware time")
        utc = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: Any, dialect: Dialect) -> pendulum.DateTime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        out: pendulum.DateTime = pendulum.instance(value.astimezone(dt.UTC), tz="UTC")
        return out


def make_engine(url: str | URL, *, echo: bool = False) -> Engine:
    """An engine for `url`: SQLite (WAL, foreign keys, BEGIN IMMEDIATE) or PostgreSQL.

    `postgresql://` and `postgres://` URLs are taken to mean psycopg 3.
    """
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() == "sqlite":
        return _sqlite_engine(u, echo)
    engine = create_engine(u, echo=echo, pool_pre_ping=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        wait = conn.get_execution_options().get(LOCK_WAIT)
        if wait is not None:  # for this transaction only
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {_millis(wait)}")

    return engine


def _millis(seconds: float) -> int:
    return max(1, round(float(seconds) * 1000))


def _sqlite_engine(url: URL, echo: bool) -> Engine:
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, say when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock when it begins, so two writers never both read and
        # then deadlock on upgrading; readers (READ_ONLY) stay deferred and never wait in WAL.
        # busy_timeout belongs to the connection, which the pool hands on: set it each time.
        options = conn.get_execution_options()
        wait = options.get(LOCK_WAIT)
        timeout = SQLITE_BUSY_TIMEOUT_MS if wait is None else _millis(wait)
        conn.exec_driver_sql(f"PRAGMA busy_timeout={timeout}")
        if options.get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> SessionFactory:
    return SessionFactory(engine)


class SessionFactory:
    """Makes sessions bound to one engine; objects stay readable after commit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.writers: threading.RLock | None = (
            threading.RLock() if engine.dialect.name == "sqlite" else None
        )
        """SQLite has one write lock: this process's writers queue for it here, woken as soon
        as it is free, instead of polling for it in SQLite's busy handler (which, with many
        writers, can pass one over until its wait runs out). None on PostgreSQL."""

    def __call__(self) -> Session:
        return Session(self.engine, expire_on_commit=False, autoflush=True)
