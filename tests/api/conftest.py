"""The service under test: a real app (Litestar's TestClient runs its lifespan: migrations,
the in-process job runner) on a clean SQLite file and on PostgreSQL, with short solves.

The databases come from tests/adapters' fixtures: a migrated SQLite template copied for each
test, and one PostgreSQL database per session emptied before each test. The SQLite copy sits
at one path per worker, so the settings of every test are the same and each worker builds the
app (its routes, DTOs and schema: some 0.3 s of CPU, more than most tests take) once; every
test still runs its own lifespan on its own emptied database.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.stores.memory import MemoryStore
from litestar.testing import TestClient
from sqlalchemy.engine import URL

from api.app import Infrastructure, create_app
from api.pages.auth import SignInThrottle
from api.pages.sessions import SESSION_STORE
from api.settings import DatabaseSettings, JobSettings, Settings, SolverSettings
from mutualaid.adapters.db import SQLITE_BUSY_TIMEOUT_MS, make_engine
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
from tests.service_clock import before_the_week  # noqa: F401  (an autouse fixture)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
Client = TestClient[Any]


def empty_database_url(kind: str, request: pytest.FixtureRequest, folder: Path) -> str:
    """A URL of an empty, migrated database of `kind` (sqlite | postgresql)."""
    if kind == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = folder / "mutualaid.sqlite"
        for left in (path, *(path.with_name(f"{path.name}-{end}") for end in ("wal", "shm"))):
            left.unlink(missing_ok=True)  # the last test's file, when the folder is reused
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
    same week the same plan); an idle runner looks for work often. A request waits as long
    for the store as background work does (30 s, not the served default of 5 s): at load 21 the
    admin-token setup of tests/api/test_absences.py was answered "store busy" (what held
    SQLite's lock so long was not found). The tests of "busy" set their own short wait."""
    return Settings(
        database=DatabaseSettings(url=url, lock_wait_seconds=SQLITE_BUSY_TIMEOUT_MS / 1000),
        solver=SolverSettings(time_limit_seconds=2.0, workers=1, deterministic=True),
        jobs=JobSettings(
            runner="inprocess", lease_seconds=30.0, heartbeat_seconds=0.2, poll_seconds=0.2
        ),
    )


@pytest.fixture(scope="session")
def worker_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this worker's, where each test's SQLite database is copied in turn."""
    return tmp_path_factory.mktemp("api")


_SETTINGS: dict[str, Settings] = {}


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, worker_folder: Path) -> Settings:
    """Short solves on an emptied database; the same settings (the pages' random secret
    too, as a server restarted with MUTUALAID_SECRET_KEY set) for every test of a worker."""
    url = empty_database_url(request.param, request, worker_folder)
    return _SETTINGS.setdefault(url, short_solves(url))


_APPS: dict[Settings, Litestar] = {}


def app_for(settings: Settings) -> Litestar:
    """The app of `settings`, built once per worker (the last few settings are kept), as a
    fresh process would have it: its lifespan builds the engine, runner, API throttle and
    caches anew on each start, and `forget_the_last_test` empties what outlives a lifespan."""
    if settings not in _APPS:
        if len(_APPS) >= 4:
            del _APPS[next(iter(_APPS))]
        _APPS[settings] = create_app(settings)
    app = _APPS[settings]
    forget_the_last_test(app)
    return app


def forget_the_last_test(app: Litestar) -> None:
    """What a process keeps across a restart of the app's lifespan: the pages' sessions, the
    imports' drafts, and the sign-in form's throttle (made with the pages' router)."""
    app.stores.register(SESSION_STORE, MemoryStore(), allow_override=True)
    if "import_drafts" in app.state:
        del app.state["import_drafts"]
    handlers = app.route_handler_method_map["/"]
    throttle: SignInThrottle = handlers["POST"].resolve_dependencies()["throttle"].dependency()
    throttle.__init__(throttle.limit, throttle.window)  # type: ignore[misc]


@pytest.fixture
def client(settings: Settings) -> Iterator[Client]:
    with TestClient(app_for(settings)) as c:
        yield c


def infra(client: Client) -> Infrastructure:
    found: Infrastructure = client.app.state.infra
    return found


BUSY_RETRIES = 5
"""How often a test's client asks again when the store answers busy (503 with Retry-After:
nothing was written). A client does so; on a loaded machine many writers at once, above all
on SQLite, may wait past a request's short lock wait."""


def unless_busy(send: Callable[[], httpx.Response]) -> httpx.Response:
    """The answer of `send()`, asked again while it is 503 (at most BUSY_RETRIES times)."""
    for _ in range(BUSY_RETRIES):
        answer = send()
        if answer.status_code != 503:
            break
    return answer


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


def wait_for(check: Callable[[], Any], timeout: float = 300.0) -> Any:
    """Poll until `check()` is truthy; its value. `timeout` only guards against a hang: a
    busy machine (other jobs beside the suite) may take minutes to reach a state."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still waiting after {timeout} s")
        time.sleep(0.05)
