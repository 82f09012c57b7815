"""Replacing a week's tasks (`PUT …/tasks?replace=true`, `POST …/scenario?replace=true`)
without a task whose visit is marked done or missed is refused, 409 naming the visit, nothing
stored changed, as a task's delete is: the withdrawal kept the ledger's credit for a visit no
plan showed. A replacement that still holds the task keeps the visit and its mark (SQLite and
PostgreSQL). Found by attack (stop 24, E2's left)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.adapters import world

from .conftest import Client
from .test_books_api import AREA, PAST, Headers, coordinator, publish
from .test_marked_solve import _start

__all__ = ["coordinator"]  # the fixture, used by name

TASKS = f"/weeks/{PAST.isoformat()}/tasks?area={AREA}&replace=true"
SCENARIO = f"/weeks/{PAST.isoformat()}/scenario?area={AREA}&replace=true"


def _without_zhang(client: Client, headers: Headers, how: str) -> Callable[[Headers], Any]:
    """The week's tasks sent again without t-visit-zhang, as `how` sends them."""
    if how == "tasks":
        tasks = client.get(TASKS.replace("&replace=true", ""), headers=headers).json()
        left = [t for t in tasks if t["id"] != "t-visit-zhang"]
        return lambda h: client.put(TASKS, json=left, headers=h)
    scenario = world.scenario(PAST)
    left = {**scenario, "tasks": [t for t in scenario["tasks"] if t["id"] != "t-visit-zhang"]}
    return lambda h: client.post(SCENARIO, json=left, headers=h)


@pytest.mark.parametrize("how", ["tasks", "scenario"])
@pytest.mark.parametrize("outcome", ["done", "missed"])
def test_a_replacement_leaving_out_a_marked_visits_task_is_refused(
    client: Client, coordinator: Headers, outcome: str, how: str
) -> None:
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/{outcome}", headers=coordinator).status_code == 200
    before = client.get(TASKS.replace("&replace=true", ""), headers=coordinator).json()
    send = _without_zhang(client, coordinator, how)
    for lang, words in (("en", "or undo the mark first"), ("zh", "或先撤销标记")):
        refused = send({**coordinator, "Accept-Language": lang})
        assert refused.status_code == 409, refused.text
        detail = refused.json()["detail"]
        assert words in detail and (f"{zhang} (" in detail or f"{zhang}（" in detail), detail
    assert client.get(TASKS.replace("&replace=true", ""), headers=coordinator).json() == before
    assert _start(client, coordinator, zhang)
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == outcome
    assert client.delete(f"/assignments/{zhang}/outcome", headers=coordinator).status_code == 200
    stored = send(coordinator)
    assert stored.is_success, stored.text


@pytest.mark.parametrize("how", ["tasks", "scenario"])
def test_a_replacement_that_keeps_the_marked_visits_task_keeps_the_visit(
    client: Client, coordinator: Headers, how: str
) -> None:
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    was = _start(client, coordinator, zhang)
    if how == "tasks":
        tasks = client.get(TASKS.replace("&replace=true", ""), headers=coordinator).json()
        sent = client.put(TASKS, json=tasks, headers=coordinator)
    else:
        sent = client.post(SCENARIO, json=world.scenario(PAST), headers=coordinator)
    assert sent.is_success, sent.text
    assert _start(client, coordinator, zhang) == was
    marked = client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()
    assert marked["state"] == "done"


def test_without_replace_the_refusal_names_the_marked_visit_not_a_replace_to_try(
    client: Client, coordinator: Headers
) -> None:
    """Without `?replace=true` the 409 names the marked visit: the would-withdraw refusal's
    "send ?replace=true" would only lead to this one."""
    zhang = publish(client)["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/done", headers=coordinator).status_code == 200
    plain = TASKS.replace("&replace=true", "")
    left = [t for t in client.get(plain, headers=coordinator).json() if t["id"] != "t-visit-zhang"]
    refused = client.put(plain, json=left, headers={**coordinator, "Accept-Language": "en"})
    assert refused.status_code == 409, refused.text
    assert "or undo the mark first" in refused.json()["detail"], refused.text
