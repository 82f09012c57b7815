"""A batch of tasks replaced under a published plan (SQLite and PostgreSQL), by each of its
three paths (`PUT .../tasks`, a scenario imported, a spreadsheet's rows): as a single task's
edit, the visits the week as changed no longer allows (the validator's rules: a window moved,
more people, another skill) are planned again at once in one repair, published and told, in
the batch's transaction; the answer names the repair and who was told. A batch that keeps
every visit valid keeps the plan; while a solve runs, a batch breaking a visit is refused
(409, en/zh) and nothing is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from mutualaid.services import access
from tests.adapters import world

from .conftest import Client, infra
from .test_imports import DRAFT, IMPORT
from .test_pages import csrf, sign_in
from .test_task_edit_published import (
    AREA,
    TASK,
    WEEK,
    Headers,
    day_of,
    published_id,
    published_plan_holds,
    the_task,
    visits,
)

Send = Callable[[Client, Headers, dict[str, Any], str], Any]


def by_tasks(client: Client, admin: Headers, task: dict[str, Any], lang: str) -> Any:
    tasks = client.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
    batch = [task if t["id"] == TASK else t for t in tasks]
    return client.put(f"/weeks/{WEEK}/tasks?area={AREA}", json=batch,
                      headers={**admin, "Accept-Language": lang})  # fmt: skip


def by_scenario(client: Client, admin: Headers, task: dict[str, Any], lang: str) -> Any:
    week = world.scenario()
    week["tasks"] = [task if t["id"] == TASK else t for t in week["tasks"]]
    return client.post(f"/weeks/{WEEK}/scenario?area={AREA}", json=week,
                       headers={**admin, "Accept-Language": lang})  # fmt: skip


def by_spreadsheet(client: Client, admin: Headers, task: dict[str, Any], lang: str) -> Any:
    days = " ".join(task["windows"][0]["days"])
    window = f"{days} {task['windows'][0]['from']}-{task['windows'][0]['to']}"
    need = task["needs"][0]
    body = (
        "id,title,resident,priority,duration_minutes,windows,needs\n"
        f"{TASK},{task.get('title', 'visit')},{task['resident']},{task['priority']},"
        f"{task['duration_minutes']},{window},{need['skill']} {need.get('count', 1)}\n"
    ).encode()
    sent = {**admin, "Content-Type": "text/csv", "Accept-Language": lang}
    url = f"/imports/tasks?area={AREA}&week={WEEK}&store=true"
    return client.post(url, content=body, headers=sent)


PATHS = pytest.mark.parametrize("send", [by_tasks, by_scenario, by_spreadsheet],
                                ids=["tasks", "scenario", "spreadsheet"])  # fmt: skip


def given(client: Client, admin: Headers) -> list[tuple[str, int]]:
    """Who the published plan gives the task to, on which weekday."""
    return [(p, day_of(v["start"])) for p in ("v-wang", "v-li", "v-zhao")
            for v in visits(client, admin, p) if v["task"] == TASK]  # fmt: skip


@PATHS
def test_a_batch_moving_a_published_visit_repairs_it_at_once_and_says_who_was_told(
    client: Client, admin: Headers, published: str, send: Send
) -> None:
    """Before: the batch was stored as it was, v-wang's visit left on Tuesday with a warning
    until the next solve."""
    assert given(client, admin) == [("v-wang", 1)]
    moved = {**the_task(), "windows": [{"days": ["wed"], "from": "09:00", "to": "11:30"}]}
    answer = send(client, admin, moved, "en")
    assert answer.status_code == 200, answer.text
    stored = client.get(f"/weeks/{WEEK}/tasks/{TASK}?area={AREA}", headers=admin).json()
    assert stored["windows"][0]["days"] == ["wed"]  # the change is kept
    repair = answer.headers["Repair-Plan"]
    assert published_id(client) == repair != published
    shown = client.get(f"/plans/{repair}", headers=admin).json()
    assert shown["kind"] == "repair" and shown["published_at"]
    now = given(client, admin)
    assert now and all(day == 2 for _, day in now), now  # Wednesday, never Tuesday
    assert "v-wang" in answer.headers["Repair-Told"].split(",")
    published_plan_holds(client, admin)
    told = client.get(f"/volunteers/v-wang/notices?area={AREA}", headers=admin).json()
    assert any(n["task"] == TASK for n in told), told
    for person in ("v-wang", "v-li", "v-zhao"):
        assert not any(v["task_changed"] for v in visits(client, admin, person))


@PATHS
def test_a_batch_changing_only_the_skill_repairs_the_visit(
    client: Client, admin: Headers, published: str, send: Send
) -> None:
    """v-wang has no `meals`: the lighter check the batch used before (times and people
    only) said nothing, and the plan kept a visit its volunteer cannot do."""
    meals = {**the_task(), "needs": [{"skill": "meals", "count": 1}]}
    answer = send(client, admin, meals, "en")
    assert answer.status_code == 200, answer.text
    assert published_id(client) == answer.headers["Repair-Plan"] != published
    assert "v-wang" not in {p for p, _ in given(client, admin)}
    published_plan_holds(client, admin)


@PATHS
def test_a_batch_every_visit_still_holds_keeps_the_plan(
    client: Client, admin: Headers, published: str, send: Send
) -> None:
    wider = {**the_task(), "title": "陪张奶奶",
             "windows": [{"days": ["tue"], "from": "08:00", "to": "12:00"}]}  # fmt: skip
    answer = send(client, admin, wider, "en")
    assert answer.status_code == 200, answer.text
    assert "Repair-Plan" not in answer.headers
    assert published_id(client) == published
    assert given(client, admin) == [("v-wang", 1)]


@PATHS
def test_a_batch_breaking_a_visit_while_a_solve_runs_is_refused_storing_nothing(
    client: Client, admin: Headers, published: str, send: Send
) -> None:
    runner = infra(client).runner
    runner.stop()  # the test holds the claim: no solve of ours ends it meanwhile
    try:
        with infra(client).uow() as uow:
            uow.plans.create(AREA, world.WEEK)
            uow.commit()
        with infra(client).uow() as uow:
            assert uow.plans.claim("the-test", 600.0) is not None
            uow.commit()
        moved = {**the_task(), "windows": [{"days": ["wed"], "from": "09:00", "to": "11:30"}]}
        for lang, words in (("en", "being made"), ("zh", "正在制定")):
            answer = send(client, admin, moved, lang)
            assert answer.status_code == 409, answer.text
            assert words in answer.json()["detail"] and TASK in answer.json()["detail"]
        kept = client.get(f"/weeks/{WEEK}/tasks/{TASK}?area={AREA}", headers=admin).json()
        assert kept["windows"][0]["days"] == ["tue"]  # nothing stored
        assert published_id(client) == published
    finally:
        runner.start()


def test_the_desk_says_who_was_told_after_an_import_repaired_the_plan(
    client: Client, admin: Headers, published: str
) -> None:
    _, boss = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    assert sign_in(client, boss).status_code in (302, 303)
    for lang, window, day, words in (
        ("en", "wed 09:00-11:30", 2, "Visits of “visit” in the published plan"),
        ("zh", "tue 09:30-11:30", 1, "已发布计划中 “visit” 的上门安排"),
    ):
        client.cookies.set("lang", lang)
        body = (
            "id,title,resident,priority,duration_minutes,windows,needs\n"
            f"{TASK},visit,r-zhang,high,60,{window},companionship 1\n"
        ).encode()
        token = csrf(client, IMPORT)
        page = client.post(IMPORT, data={"_csrf_token": token, "list": "tasks", "week": WEEK},
                           files={"file": ("tasks.csv", body)}).text  # fmt: skip
        found = DRAFT.search(page)
        assert found, page
        sent = client.post(f"{IMPORT}/confirm", data={"_csrf_token": csrf(client, IMPORT),
                           "draft": found.group(1)})  # fmt: skip
        assert sent.status_code == 200, sent.text
        said = re.sub(r"\s+", " ", sent.text)
        assert words in said and ("told: 王师傅" in said or "已通知：王师傅" in said), said
        now = given(client, admin)
        assert now and all(d == day for _, d in now), now
