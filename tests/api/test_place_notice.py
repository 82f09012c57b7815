"""A task moved to another place its published visit still fits (SQLite and PostgreSQL), by
a single edit or a batch: the plan is kept (no repair), and each volunteer of the visit is
told, as for a time change: a `place` notice, worded in English and Chinese. A change that
keeps the place tells no one."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Client
from .test_task_changed_under_plan import Send, by_scenario, by_tasks
from .test_task_edit_published import AREA, TASK, WEEK, Headers, published_id, the_task


def one(client: Client, admin: Headers, task: dict[str, Any], lang: str) -> Any:
    return client.put(f"/weeks/{WEEK}/tasks/{TASK}?area={AREA}", json=task,
                      headers={**admin, "Accept-Language": lang})  # fmt: skip


def told(client: Client, admin: Headers, lang: str = "en") -> list[dict[str, Any]]:
    answer = client.get(f"/volunteers/v-wang/notices?area={AREA}",
                        headers={**admin, "Accept-Language": lang})  # fmt: skip
    assert answer.status_code == 200, answer.text
    return [n for n in answer.json() if n["task"] == TASK]


@pytest.mark.parametrize("send", [one, by_tasks, by_scenario], ids=["edit", "tasks", "scenario"])
def test_a_visit_whose_task_moved_to_another_place_it_still_fits_is_told(
    client: Client, admin: Headers, published: str, send: Send
) -> None:
    before = len(told(client, admin))
    answer = send(client, admin, {**the_task(), "title": "陪张奶奶"}, "en")
    assert answer.status_code == 200, answer.text
    assert len(told(client, admin)) == before  # the same place: no one told
    answer = send(client, admin, {**the_task(), "resident": "r-liu"}, "en")
    assert answer.status_code == 200, answer.text
    assert "Repair-Plan" not in answer.headers and published_id(client) == published
    [notice] = [n for n in told(client, admin) if n["kind"] == "place"]
    assert notice["before"] == notice["after"] and notice["after"] is not None
    assert "another place" in notice["text"]
    [zh] = [n for n in told(client, admin, "zh") if n["kind"] == "place"]
    assert "地点已变更" in zh["text"]
