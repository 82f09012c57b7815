"""Big task batches while others write, on SQLite (one write lock) and PostgreSQL: every
answer is 2xx or 503 with Retry-After, never a 500; a batch is stored whole or not at all; a
small write in another area gets through; a lock held past the wait answers 503, stores nothing.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest
import yaml
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import make_url

from api.app import Infrastructure, create_app
from api.settings import Settings
from mutualaid.contract import export as contract
from mutualaid.services import access

from .conftest import SAMPLE, Client, bearer, infra
from .test_concurrency import server  # noqa: F401  (the app behind uvicorn, a fixture)

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

WEEK = "2026-11-30"
AREA, OTHER = "jingbalu", "dahelu"
BATCHES = 3
BATCH_SIZE = 300
TEMPLATE: dict[str, Any] = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["tasks"][0]


def _batch(n: int, size: int) -> list[dict[str, Any]]:
    return [{**TEMPLATE, "id": f"t-b{n}-{i}", "title": f"batch {n} task {i}"} for i in range(size)]


def _week(n: int) -> str:
    return f"2026-12-{7 * (n + 1):02d}"  # a week of its own for each batch: Mondays 7, 14, 21


def _import(http: httpx.Client | Client, admin: dict[str, str], area: str) -> None:
    answer = http.post(
        f"/weeks/{WEEK}/scenario?area={area}",
        content=SAMPLE.read_bytes(),
        headers={**admin, "Content-Type": "application/yaml"},
    )
    assert answer.status_code == 200, answer.text


def test_big_batches_and_a_small_write_elsewhere_never_answer_500(
    server: tuple[str, Litestar],  # noqa: F811
) -> None:
    base, app = server
    infrastructure: Infrastructure = app.state.infra
    _, secret = access.create_token(infrastructure.uow(), access.CLI, "admin", name="test")
    admin = bearer(secret)
    with httpx.Client(base_url=base, timeout=120, headers=admin) as http:
        _import(http, admin, AREA)
        _import(http, admin, OTHER)
    small = [{**TEMPLATE, "id": "t-small", "title": "one task elsewhere"}]
    start = threading.Barrier(BATCHES + 1)

    def send(n: int) -> httpx.Response:
        with httpx.Client(base_url=base, timeout=120, headers=admin) as http:
            start.wait()
            if n == BATCHES:  # the small write, in another area
                return http.put(f"/weeks/{WEEK}/tasks?area={OTHER}", json=small)
            return http.put(f"/weeks/{_week(n)}/tasks?area={AREA}", json=_batch(n, BATCH_SIZE))

    with ThreadPoolExecutor(BATCHES + 1) as pool:
        answers = list(pool.map(send, range(BATCHES + 1)))

    for answer in answers:
        assert answer.status_code in (200, 503), answer.text
        if answer.status_code == 503:
            assert int(answer.headers["retry-after"]) >= 1
            assert answer.json()["error"] == "busy"
    assert answers[BATCHES].status_code == 200, answers[BATCHES].text
    with httpx.Client(base_url=base, timeout=120, headers=admin) as http:
        stored = http.get(f"/weeks/{WEEK}/tasks?area={OTHER}").json()
        assert [t["id"] for t in stored] == ["t-small"]
        for n in range(BATCHES):
            got = http.get(f"/weeks/{_week(n)}/tasks?area={AREA}")
            if answers[n].status_code == 200:
                assert got.status_code == 200
                assert [t["id"] for t in got.json()] == [t["id"] for t in _batch(n, BATCH_SIZE)]
                assert got.json() == answers[n].json()
            else:  # not a task of it: the week was never made
                assert got.status_code == 404, got.text


@pytest.fixture
def impatient(settings: Settings) -> Iterator[Client]:
    """The app with a short lock wait, so a held lock answers 503 at once."""
    database = dataclasses.replace(settings.database, lock_wait_seconds=0.3)
    with TestClient(create_app(dataclasses.replace(settings, database=database))) as c:
        yield c


class HeldLock:
    """Another connection holding the lock a write of the week needs: SQLite's one write
    lock (BEGIN IMMEDIATE), or the week's row on PostgreSQL (SELECT ... FOR UPDATE)."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)

    def __enter__(self) -> HeldLock:
        if self.url.get_backend_name() == "sqlite":
            self.conn: Any = sqlite3.connect(str(self.url.database), isolation_level=None)
            self.conn.execute("BEGIN IMMEDIATE")
        else:
            dsn = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.conn = psycopg.connect(dsn)
            locked = self.conn.execute(
                "SELECT id FROM weeks WHERE area_id = %s AND week_start = %s FOR UPDATE",
                (AREA, WEEK),
            ).fetchall()
            assert len(locked) == 1
        return self

    def __exit__(self, *_: object) -> None:
        self.conn.rollback()
        self.conn.close()


def test_a_lock_held_past_the_wait_answers_503_with_retry_after_and_stores_nothing(
    impatient: Client, settings: Settings
) -> None:
    _, secret = access.create_token(infra(impatient).uow(), access.CLI, "admin", name="test")
    admin = bearer(secret)
    _import(impatient, admin, AREA)
    before = impatient.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
    batch = _batch(0, 20)
    with HeldLock(settings.database.url):
        answer = impatient.put(f"/weeks/{WEEK}/tasks?area={AREA}", json=batch, headers=admin)
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"] == "1"
        body = answer.json()
        assert body["error"] == "busy"
        assert "nothing" in body["detail"]
    assert impatient.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json() == before
    audit = impatient.get("/audit?limit=1000", headers=admin).json()
    assert not [e for e in audit if e["action"] == "tasks.submit"]
    again = impatient.put(f"/weeks/{WEEK}/tasks?area={AREA}", json=batch, headers=admin)
    assert again.status_code == 200, again.text
    assert [t["id"] for t in again.json()] == [t["id"] for t in batch]


def test_a_small_write_elsewhere_is_not_refused_while_a_scenario_import_runs(
    server: tuple[str, Litestar],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The import is held while it turns the scenario into rows (as a district's week takes
    seconds to): that happens before its write transaction, so another area's write goes
    through meanwhile (on SQLite it used to wait for the one write lock, then 503)."""
    base, app = server
    infrastructure: Infrastructure = app.state.infra
    _, secret = access.create_token(infrastructure.uow(), access.CLI, "admin", name="test")
    admin = bearer(secret)
    with httpx.Client(base_url=base, timeout=120, headers=admin) as http:
        _import(http, admin, OTHER)
    preparing, go_on = threading.Event(), threading.Event()
    canonical = contract.scenario

    def held(value: Any) -> Any:
        preparing.set()
        assert go_on.wait(120), "the test never let the import go on"
        return canonical(value)

    monkeypatch.setattr(contract, "scenario", held)
    small = [{**TEMPLATE, "id": "t-small", "title": "one task elsewhere"}]
    with ThreadPoolExecutor(1) as pool, httpx.Client(base_url=base, timeout=120) as http:
        importing = pool.submit(_import, http, admin, AREA)
        try:
            while not preparing.wait(0.05):
                assert not importing.done(), importing.result()
            answer = http.put(f"/weeks/{WEEK}/tasks?area={OTHER}", json=small, headers=admin)
        finally:
            go_on.set()
        importing.result()
    assert answer.status_code == 200, answer.text
    with httpx.Client(base_url=base, timeout=120, headers=admin) as http:
        assert [t["id"] for t in http.get(f"/weeks/{WEEK}/tasks?area={OTHER}").json()] == [
            "t-small"
        ]
        exported = http.get(f"/weeks/{WEEK}/scenario?area={AREA}").json()
    assert [t["id"] for t in exported["tasks"]] == [
        t["id"] for t in yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["tasks"]
    ]
