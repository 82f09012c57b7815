"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from mutualaid.adapters import migrate
from mutualaid.adapters.tables import metadata


def test_the_migrated_schema_is_the_models_schema(engine: Engine) -> None:
    assert migrate.current(engine) == migrate.head() == "0013"
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
