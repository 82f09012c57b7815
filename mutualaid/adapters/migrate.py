"""Schema migrations, run from code (`mutualaid db upgrade`, the app at start, tests).

The Alembic environment lives in this package (`migrations/`), so an installed mutualaid can
upgrade a database without an alembic.ini. On PostgreSQL an advisory lock lets only one
process migrate at a time; on SQLite BEGIN IMMEDIATE does the same.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine

from mutualaid.adapters.db import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_LOCK_KEY = 0x6D75_7475_616C  # "mutual": one advisory lock id for migrations


def alembic_config(url: str | URL | None = None) -> Config:
    """Alembic's config for this package (for `alembic` commands: pass -c nothing, use this)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        rendered = url if isinstance(url, str) else url.render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def upgrade(target: str | URL | Engine, revision: str = "head") -> None:
    """Bring the database at `target` (a URL or an engine) up to `revision`."""
    _run(target, lambda config: command.upgrade(config, revision))


def downgrade(target: str | URL | Engine, revision: str) -> None:
    _run(target, lambda config: command.downgrade(config, revision))


def current(target: str | URL | Engine) -> str | None:
    """The database's revision (None before the first upgrade)."""
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        if engine is not target:
            engine.dispose()


def head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _run(target: str | URL | Engine, action: Callable[[Config], None]) -> None:
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            # SQLite alters a table by copying it and dropping the old one; with foreign keys
            # on, that drop deletes every row that refers to it (ON DELETE CASCADE) or fails.
            # The pragma is a no-op inside a transaction: set it on the driver's connection
            # before the transaction begins, and check every reference before committing.
            if sqlite:
                _foreign_keys(conn, on=False)
            try:
                with conn.begin():
                    if not sqlite:
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
                    config = alembic_config()
                    config.attributes["connection"] = conn
                    action(config)
                    if sqlite and (
                        broken := conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    ):
                        raise RuntimeError(
                            f"the migration left rows referring to none: {broken[:5]}"
                        )
            finally:
                if sqlite:
                    _foreign_keys(conn, on=True)
    finally:
        if engine is not target:
            engine.dispose()


def _foreign_keys(conn: Connection, on: bool) -> None:
    """Turn SQLite's foreign keys on or off for this connection (outside a transaction)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
