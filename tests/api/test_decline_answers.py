"""A decline's answer is true, whatever happens around it (SQLite and PostgreSQL): a visit a
repair gave to someone else just before is declined all the same (the no is never lost), and
a decline whose repair cannot get the store's lock is answered 503 saying the decline is
recorded — declining again makes the repair."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from mutualaid.adapters.uow import SqlUnitOfWork
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.plan import Plan
from mutualaid.services import access, weeks
from mutualaid.services.ports import Repairer
from tests.adapters import world

from .conftest import Client, bearer, infra
from .test_busy_store import HeldLock

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]


@pytest.fixture
def impatient(settings: Settings) -> Iterator[Client]:
    """The app with a short lock wait, so a held lock answers 503 soon."""
    database = dataclasses.replace(settings.database, lock_wait_seconds=1.0)
    with TestClient(create_app(dataclasses.replace(settings, database=database))) as c:
        yield c


def patient(client: Client) -> SqlUnitOfWork:
    """A unit of work of the test's own setup, which waits for locks as long as it takes."""
    return SqlUnitOfWork(infra(client).sessions)


def publish_the_week(client: Client) -> tuple[Headers, str]:
    """The sample week stored and `world.result()` published: admin headers, the plan's id."""
    _, secret = access.create_token(patient(client), access.CLI, "admin", name="test")
    admin = bearer(secret)
    weeks.import_scenario(patient(client), access.CLI, AREA, WEEK, world.scenario())
    with patient(client) as uow:
        plan = uow.plans.create(AREA, world.WEEK)
        uow.plans.finish(plan.id, world.plan())
        uow.plans.publish(plan.id)
        uow.commit()
    return admin, plan.id


def zhao_s_meals(client: Client) -> tuple[Headers, int]:
    """v-zhao's token and the id of their one visit (the Monday meals)."""
    _, secret = access.create_token(patient(client), access.CLI, "volunteer", [AREA],
                                    "v-zhao")  # fmt: skip
    zhao = bearer(secret)
    seen = client.get(f"/volunteers/v-zhao/assignments?week={WEEK}", headers=zhao).json()
    [meals] = seen["assignments"]
    assert meals["task"] == "t-meals@mon"
    return zhao, int(meals["id"])


def declined_pairs(client: Client, admin: Headers) -> set[tuple[str, str]]:
    stored = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
    return set(build_scenario(stored).declined_pairs())


def given_pairs(client: Client, admin: Headers) -> set[tuple[str, str]]:
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    (final,) = [p for p in plans if p["published_at"] is not None]
    plan = client.get(f"/plans/{final['id']}", headers=admin).json()["plan"]
    return {(a["task"], v["id"]) for a in plan["assignments"] for v in a["volunteers"]}


def test_a_visit_a_repair_moved_just_before_is_declined_all_the_same(
    client: Client,
) -> None:
    admin, published = publish_the_week(client)
    zhao, meals = zhao_s_meals(client)
    # another decline's repair, published first, gives the Monday meals to v-li
    moved = world.result()
    for a in moved["assignments"]:
        if a["task"] == "t-meals@mon":
            a["volunteers"] = [{**v, "id": "v-li"} if v["id"] == "v-zhao" else v
                               for v in a["volunteers"]]  # fmt: skip
    with patient(client) as uow:
        plan = uow.plans.create(AREA, world.WEEK, kind="repair", parent_id=published)
        uow.plans.finish(plan.id, world.as_plan(moved))
        uow.plans.publish(plan.id)
        uow.commit()

    answer = client.post(f"/assignments/{meals}/decline", json={"reason": "ill"}, headers=zhao)

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["already_moved"] and not body["already_declined"]
    assert body["repair"] is None and "no longer" in body["detail"]
    assert body["assignment"]["state"] == "declined"
    assert ("t-meals@mon", "v-zhao") in declined_pairs(client, admin)
    plans = client.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    assert sorted(p["id"] for p in plans) == sorted([published, plan.id])  # no repair made
    audit = client.get(f"/audit?area={AREA}", headers=admin).json()
    [entry] = [e for e in audit if e["action"] == "assignment.decline"]
    assert entry["detail"]["moved"] is True
    again = client.post(f"/assignments/{meals}/decline", headers=zhao)
    assert again.status_code == 200 and again.json()["already_declined"], again.text


class LockFromAnotherThread(HeldLock):
    """HeldLock, taken in the request's thread and given back in the test's."""

    def __enter__(self) -> HeldLock:
        if self.url.get_backend_name() != "sqlite":
            return super().__enter__()
        self.conn = sqlite3.connect(
            str(self.url.database), isolation_level=None, check_same_thread=False
        )
        self.conn.execute("BEGIN IMMEDIATE")
        return self


@dataclasses.dataclass
class LockedAfterRepair:
    """The app's repairer; once it has made a repair, another connection takes the lock the
    repair's publishing needs (and keeps it until `release`)."""

    inner: Repairer
    url: str
    held: HeldLock | None = None

    def repair(self, *args: Any, **kwargs: Any) -> tuple[Plan, int]:
        made = self.inner.repair(*args, **kwargs)
        if self.held is None:
            self.held = LockFromAnotherThread(self.url).__enter__()
        return made

    def rescore(self, *args: Any, **kwargs: Any) -> Plan:
        return self.inner.rescore(*args, **kwargs)

    def release(self) -> None:
        if self.held is not None:
            self.held.__exit__()


def test_a_decline_whose_repair_finds_the_store_busy_says_it_is_recorded_and_again_repairs(
    impatient: Client, settings: Settings
) -> None:
    admin, published = publish_the_week(impatient)
    zhao, meals = zhao_s_meals(impatient)
    real = infra(impatient).repairer
    locking = LockedAfterRepair(real, settings.database.url)
    infra(impatient).repairer = locking
    try:
        answer = impatient.post(f"/assignments/{meals}/decline", json={"reason": "ill"},
                                headers=zhao)  # fmt: skip
    finally:
        locking.release()
        infra(impatient).repairer = real

    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "1"
    body = answer.json()
    assert body["error"] == "busy"
    assert f"decline of assignment {meals} is recorded" in body["detail"]
    assert "nothing" not in body["detail"]
    assert ("t-meals@mon", "v-zhao") in declined_pairs(impatient, admin)
    assert ("t-meals@mon", "v-zhao") in given_pairs(impatient, admin)  # not repaired yet
    plans = impatient.get(f"/weeks/{WEEK}/plans?area={AREA}", headers=admin).json()
    assert [p["id"] for p in plans] == [published]

    again = impatient.post(f"/assignments/{meals}/decline", headers=zhao)

    assert again.status_code == 200, again.text
    assert again.json()["already_declined"] and again.json()["repair"]["published"]
    assert ("t-meals@mon", "v-zhao") not in given_pairs(impatient, admin)
