"""A task changed back after a repair withdrew it (SQLite and PostgreSQL): its skill changed
to one nobody has, the repair lists it unserved `no_skill`; changed back, alone or in a batch,
the published plan follows the task as it now stands (served again, or unserved for the reason
that now holds), never the stale `no_skill` until the next solve."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Client
from .test_task_changed_under_plan import Send, by_scenario, by_spreadsheet, by_tasks
from .test_task_edit_published import (
    AREA,
    TASK,
    WEEK,
    Headers,
    published_id,
    published_plan_holds,
    the_task,
)


def one(client: Client, admin: Headers, task: dict[str, object], lang: str) -> Any:
    return client.put(f"/weeks/{WEEK}/tasks/{TASK}?area={AREA}", json=task,
                      headers={**admin, "Accept-Language": lang})  # fmt: skip


def reasons(client: Client, admin: Headers) -> dict[str, str]:
    plan = client.get(f"/plans/{published_id(client)}", headers=admin).json()["plan"]
    return {u["task"]: u["reason"] for u in plan["unserved"]}


@pytest.mark.parametrize("send", [one, by_tasks, by_scenario, by_spreadsheet],
                         ids=["edit", "tasks", "scenario", "spreadsheet"])  # fmt: skip
def test_a_task_changed_back_after_its_repair_withdrew_it_loses_the_stale_reason(
    client: Client, admin: Headers, published: str, send: Send
) -> None:
    signing = {**the_task(), "needs": [{"skill": "sign_language", "count": 1}]}
    answer = one(client, admin, signing, "en")
    assert answer.status_code == 200, answer.text
    assert reasons(client, admin).get(TASK) == "no_skill"
    withdrawn = published_id(client)
    back = send(client, admin, the_task(), "en")
    assert back.status_code == 200, back.text
    assert published_id(client) != withdrawn  # the plan follows the task
    assert reasons(client, admin).get(TASK) != "no_skill"
    published_plan_holds(client, admin)  # the validator checks each unserved reason too
