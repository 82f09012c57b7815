"""Twenty coordinators at once, through a real server (uvicorn on a free port of 127.0.0.1), on
SQLite (a file, WAL) and PostgreSQL: nothing is lost and nothing is stored twice.

Each coordinator puts tasks of its own, one by one, into the same week; at the same time half
of them send one batch of another week under one Idempotency-Key (a batch replaces a week's
tasks, so it goes to a week of its own). Every task must be stored once, and the batch applied
once, its answer repeated to the others.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import httpx
import pytest
import uvicorn
import yaml
from litestar import Litestar

from api.app import Infrastructure, create_app
from api.settings import Settings
from mutualaid.domain.plan import Plan
from mutualaid.services import access

from .conftest import SAMPLE, bearer, unless_busy

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

WEEK = "2026-11-30"
BATCH_WEEK = "2026-12-07"
AREA = "jingbalu"
COORDINATORS = 20
TASKS_EACH = 5
BATCH_SENDERS = 10


@pytest.fixture
def server(settings: Settings) -> Iterator[tuple[str, Litestar]]:
    """The app served by uvicorn in a thread; its base URL."""
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    served = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 120  # a state wait: generous, the machine may be busy
        while not served.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}", app
    finally:
        served.should_exit = True
        thread.join(timeout=20)
        sock.close()


_SOLVED: dict[str, Plan] = {}
"""The plan of each world `published_week` was given, solved once per test process: the races
of tests/api/test_decline_race.py and test_replan_race.py, on both databases, published the same
world's plan each (a solve of 0.7 s of CPU, proved optimal); each test stores its own copy."""


def published_week(
    server: tuple[str, Litestar], world: dict[str, Any], area: str
) -> tuple[str, dict[str, str], str, Infrastructure]:
    """`world` stored through the server in `area` and a short one-worker solve of it
    published: base URL, admin headers, the published plan's id, the app's infrastructure."""
    import solver
    from mutualaid.contract.scenario import build_scenario

    base, app = server
    infra: Infrastructure = app.state.infra
    _, secret = access.create_token(infra.uow(), access.CLI, "admin", name="test")
    admin = bearer(secret)
    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        stored = http.post(f"/weeks/{world['week_start']}/scenario?area={area}", json=world)
        assert stored.status_code == 200, stored.text
    scenario = build_scenario(world)
    key = json.dumps(world, sort_keys=True, default=str)
    if key not in _SOLVED:
        _SOLVED[key] = solver.solve(scenario, solver.SolveOptions(time_limit=2.0, workers=1))
    result = copy.deepcopy(_SOLVED[key])
    with infra.uow() as uow:
        plan = uow.plans.create(area, scenario.week_start)
        uow.plans.finish(plan.id, result)
        uow.plans.publish(plan.id)
        uow.commit()
    return base, admin, plan.id, infra


def test_concurrent_coordinators_lose_nothing_and_store_nothing_twice(
    server: tuple[str, Litestar],
) -> None:
    base, app = server
    infra: Infrastructure = app.state.infra
    _, secret = access.create_token(infra.uow(), access.CLI, "admin", name="test")
    admin = bearer(secret)
    with httpx.Client(base_url=base, timeout=60) as http:
        imported = http.post(
            f"/weeks/{WEEK}/scenario?area={AREA}",
            content=SAMPLE.read_bytes(),
            headers={**admin, "Content-Type": "application/yaml"},
        )
        assert imported.status_code == 200, imported.text
        tokens = []
        for _ in range(COORDINATORS):
            made = http.post(
                "/tokens", json={"role": "coordinator", "areas": [AREA]}, headers=admin
            )
            assert made.status_code == 201, made.text
            tokens.append(bearer(made.json()["secret"]))
        before = {
            t["id"] for t in http.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
        }

    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))["tasks"]
    template = sample[0]
    batch = [{**template, "id": f"t-batch-{i}", "title": f"batch task {i}"} for i in range(8)]
    key = {"Idempotency-Key": str(uuid.uuid4())}
    start = threading.Barrier(COORDINATORS)

    def coordinator(n: int) -> list[tuple[str, int, Any, dict[str, str]]]:
        """What one coordinator sends: (what, status, body, headers) of each answer."""
        answers = []
        with httpx.Client(base_url=base, timeout=60, headers=tokens[n]) as http:
            start.wait()
            if n < BATCH_SENDERS:
                sent = unless_busy(
                    lambda: http.put(f"/weeks/{BATCH_WEEK}/tasks", json=batch, headers=key)
                )
                answers.append(("batch", sent.status_code, sent.json(), dict(sent.headers)))
            for i in range(TASKS_EACH):
                ident = f"t-c{n:02d}-{i}"
                task = {**template, "id": ident, "title": f"coordinator {n} task {i}"}
                put = unless_busy(partial(http.put, f"/weeks/{WEEK}/tasks/{ident}", json=task))
                answers.append((ident, put.status_code, put.json(), dict(put.headers)))
        return answers

    with ThreadPoolExecutor(COORDINATORS) as pool:
        answers = [a for done in pool.map(coordinator, range(COORDINATORS)) for a in done]

    mine = [a for a in answers if a[0] != "batch"]
    assert [(what, status) for what, status, _, _ in mine if status != 201] == []
    assert len(mine) == COORDINATORS * TASKS_EACH
    batches = [a for a in answers if a[0] == "batch"]
    assert [status for _, status, _, _ in batches] == [200] * BATCH_SENDERS, batches
    assert all(body == batches[0][2] for _, _, body, _ in batches)
    replayed = [h.get("idempotent-replayed") == "true" for _, _, _, h in batches]
    assert replayed.count(False) == 1  # one applied it, the others were answered again

    with httpx.Client(base_url=base, timeout=60, headers=admin) as http:
        stored = http.get(f"/weeks/{WEEK}/tasks?area={AREA}").json()
        ids = [t["id"] for t in stored]
        assert len(ids) == len(set(ids))  # nothing twice
        expected = {
            f"t-c{n:02d}-{i}": f"coordinator {n} task {i}"
            for n in range(COORDINATORS)
            for i in range(TASKS_EACH)
        }
        assert set(ids) == before | set(expected)  # nothing lost
        assert {t["id"]: t["title"] for t in stored if t["id"] in expected} == expected
        in_batch = http.get(f"/weeks/{BATCH_WEEK}/tasks?area={AREA}").json()
        assert [t["id"] for t in in_batch] == [t["id"] for t in batch]
        assert in_batch == batches[0][2]
        audit = http.get("/audit?limit=1000").json()
        created = sorted(e["target"] for e in audit if e["action"] == "task.create")
        assert created == sorted(f"task {i}" for i in expected)
        submitted = [e for e in audit if e["action"] == "tasks.submit"]
        assert len(submitted) == 1
        assert submitted[0]["detail"]["idempotency_key"] == key["Idempotency-Key"]
