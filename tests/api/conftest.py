"""The service under test: a real app (Litestar's TestClient runs its lifespan: migrations,
the in-process job runner) on a clean SQLite file and on PostgreSQL, with short solves.

The databases come from tests/adapters' fixtures: a migrated SQLite template copied for each
test, and one PostgreSQL database per session emptied before each test.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import URL

from api.app import Infrastructure, create_app
from api.settings import DatabaseSettings, JobSettings, Settings, SolverSettings
from mutualaid.adapters.db import make_engine
from mutualaid.services import access
from tests.adapters import world
from tests.adapters.conftest import (  # noqa: F401  (fixtures, shared with the adapter tests)
    FakeClock,
    clock,
    empty_postgres,
    engine,
    make_uow,
    pg_database,
    sqlite_template,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
Client = TestClient[Any]


def empty_database_url(kind: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """A URL of an empty, migrated database of `kind` (sqlite | postgresql)."""
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = folder / "mutualaid.sqlite"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url: URL = request.getfixturevalue("pg_database")
    eng = make_engine(url)
    try:
        empty_postgres(eng)
    finally:
        eng.dispose()
    return url.render_as_string(hide_password=False)


def short_solves(url: str) -> Settings:
    """Short solves on one worker, counted in deterministic time (so every runner gives the
    same week the same plan); an idle runner looks for work often."""
    return Settings(
        database=DatabaseSettings(url=url),
        solver=SolverSettings(time_limit_seconds=2.0, workers=1, deterministic=True),
        jobs=JobSettings(
            runner="inprocess", lease_seconds=30.0, heartbeat_seconds=0.2, poll_seconds=0.2
        ),
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    return short_solves(empty_database_url(request.param, request, tmp_path))


@pytest.fixture
def client(settings: Settings) -> Iterator[Client]:
    with TestClient(create_app(settings)) as c:
        yield c


def infra(client: Client) -> Infrastructure:
    found: Infrastructure = client.app.state.infra
    return found


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin(client: Client) -> dict[str, str]:
    """Headers of an admin token (made as `mutualaid token create --role admin` does)."""
    _, secret = access.create_token(infra(client).uow(), access.CLI, "admin", name="test")
    return bearer(secret)


@pytest.fixture
def published(client: Client, admin: dict[str, str]) -> str:
    """The sample week stored and `world.result()` published as its plan; the plan's id."""
    url = f"/weeks/{world.WEEK.isoformat()}/scenario?area={world.AREA}"
    answer = client.post(url, json=world.scenario(), headers=admin)
    assert answer.status_code == 200, answer.text
    with infra(client).uow() as uow:
        plan = uow.plans.create(world.AREA, world.WEEK)
        uow.plans.finish(plan.id, world.plan())
        uow.plans.publish(plan.id)
        uow.commit()
    return plan.id


def wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Poll until `check()` is truthy; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s")
        time.sleep(0.05)
