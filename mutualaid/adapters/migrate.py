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
from sqlalchemy.engine import URL, Engine

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
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            config = alembic_config()
            config.attributes["connection"] = conn
            action(config)
    finally:
        if engine is not target:
            engine.dispose()
