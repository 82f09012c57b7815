"""Databases for the adapter tests: every test runs on SQLite and on PostgreSQL.

SQLite: the schema is migrated once per session into a template file, copied for each test.
PostgreSQL (MUTUALAID_TEST_PG_URL, default the local server's `test` database): a database
with a unique name is created and migrated once per session (per xdist worker), emptied
before each test (`empty_postgres`), and dropped at the end.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import OperationalError

from mutualaid.adapters.db import make_engine, make_session_factory
from mutualaid.adapters.migrate import upgrade
from mutualaid.adapters.tables import metadata
from mutualaid.adapters.uow import SqlUnitOfWork

PG_URL = os.environ.get(
    "MUTUALAID_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = pendulum.datetime(2026, 11, 28, 9, 0, 0, tz="UTC")

    def __call__(self) -> pendulum.DateTime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now = self.now.add(seconds=seconds)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection closing folds the WAL back into the file
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[URL]:
    server = make_url(PG_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"mutualaid_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL at {PG_URL} is not reachable ({exc.orig}); start it, e.g. "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
            pytrace=False,
        )
    url = server.set(database=name)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_postgres(engine: Engine) -> None:
    """Every table emptied and every id sequence back at 1, as a fresh database has them.

    DELETE, not TRUNCATE: a TRUNCATE of the two dozen tables gives each a new file, some
    0.2-1 s of the server's time per test, where deleting a test's few rows takes
    milliseconds. Children go before their parents (the reverse of `sorted_tables`)."""
    with engine.begin() as conn:
        sequences = conn.execute(
            text(
                "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
                "FROM information_schema.sequences"
            )
        ).scalars()
        statements = [f'DELETE FROM "{t.name}"' for t in reversed(metadata.sorted_tables)]
        statements += [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
        conn.exec_driver_sql("; ".join(statements))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "mutualaid.sqlite"
        shutil.copyfile(template, path)
        eng = make_engine(f"sqlite:///{path}")
    else:
        url: URL = request.getfixturevalue("pg_database")
        eng = make_engine(url)
        empty_postgres(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


UowFactory = Callable[..., SqlUnitOfWork]


@pytest.fixture
def make_uow(engine: Engine, clock: FakeClock) -> UowFactory:
    """A new unit of work on the test's database and clock (`make_uow(read_only=True)`)."""
    sessions = make_session_factory(engine)

    def make(read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, clock, read_only=read_only)

    return make
