"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from mutualaid.adapters import migrate
from mutualaid.adapters.tables import metadata


def test_the_migrated_schema_is_the_models_schema(engine: Engine) -> None:
    assert migrate.current(engine) == migrate.head() == "0014"
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_the_partial_unique_indexes_exist(engine: Engine) -> None:
    indexes = {i["name"]: i for i in inspect(engine).get_indexes("plans")}
    assert indexes["uq_plans_active"]["unique"]
    assert indexes["uq_plans_published"]["unique"]
    options = indexes["uq_plans_active"].get("dialect_options", {})
    assert "running" in str(options.get(f"{engine.dialect.name}_where"))


def test_downgrade_and_upgrade_again(engine: Engine) -> None:
    migrate.downgrade(engine, "base")
    assert migrate.current(engine) is None
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= set(metadata.tables)


OLD_REVISIONS = [f"{n:04d}" for n in range(1, 14)]
"""Every revision before the head: a database someone ran on an older mutualaid."""


@pytest.mark.parametrize("revision", OLD_REVISIONS)
def test_upgrading_an_older_database_keeps_its_weeks(engine: Engine, revision: str) -> None:
    """Before: on SQLite, 0011 copied `areas` to add a column, and dropping the old table
    (foreign keys on) cascaded to every week, its tasks, plans and visits: an upgrade from
    0010 or before deleted them all without a word (or failed, where a child has no cascade)."""
    migrate.downgrade(engine, "base")
    migrate.upgrade(engine, revision)
    made = "2026-11-28 09:00:00"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO areas (id, name, timezone, created_at) "
                "VALUES ('old', 'Old area', 'Asia/Shanghai', :at)"
            ),
            {"at": made},
        )
        conn.execute(text("INSERT INTO weeks (area_id, week_start, name, settings, created_at, "
                          "updated_at) VALUES ('old', '2026-11-30', 'a week', '{}', :at, :at)"),
                     {"at": made})  # fmt: skip
    migrate.upgrade(engine)
    assert migrate.current(engine) == migrate.head()
    with engine.connect() as conn:
        weeks = conn.execute(text("SELECT area_id, week_start FROM weeks")).all()
        if engine.dialect.name == "sqlite":  # the pooled connection has its foreign keys back
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert [(a, str(w)) for a, w in weeks] == [("old", "2026-11-30")]
