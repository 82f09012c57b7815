"""The engine factory: SQLite in WAL with BEGIN IMMEDIATE for writers, psycopg 3 for PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from mutualaid.adapters.db import make_engine, make_session_factory
from mutualaid.adapters.uow import SqlUnitOfWork


def test_sqlite_writers_begin_immediate_and_readers_deferred(sqlite_template: Path) -> None:
    engine = make_engine(f"sqlite:///{sqlite_template.parent / 'begin.sqlite'}")
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _log(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    sessions = make_session_factory(engine)
    with SqlUnitOfWork(sessions) as uow:
        uow.session.connection()
    with SqlUnitOfWork(sessions, read_only=True) as uow:
        uow.session.connection()
    with engine.connect() as conn:
        pragmas = [
            conn.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "foreign_keys", "busy_timeout")
        ]
    engine.dispose()
    assert seen[:2] == ["BEGIN IMMEDIATE", "BEGIN"]
    assert pragmas == ["wal", 1, 30000]


def test_postgres_urls_mean_psycopg_3() -> None:
    for url in ("postgresql://u@h/db", "postgres://u@h/db", "postgresql+psycopg://u@h/db"):
        engine = make_engine(url)
        assert engine.dialect.driver == "psycopg"
        engine.dispose()
