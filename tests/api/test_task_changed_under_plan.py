"""A batch of tasks replaced under a published plan (SQLite and PostgreSQL) is stored as it
is, without a repair: a visit whose task no longer allows it as given (moved to another day,
more people) is then said so on the volunteer's week (page, JSON, calendar) and on the
coordinator's week and plan pages and the noticeboard, in English and Chinese, instead of
being shown as if it held; the visits that still fit say nothing."""

from __future__ import annotations

from typing import Any

from mutualaid.services import access
from tests.adapters import world

from .conftest import Client, bearer, infra
from .test_pages import sign_in

AREA, WEEK = world.AREA, world.WEEK.isoformat()
TASK = "t-visit-zhang"


def tasks_with(client: Client, admin: dict[str, str], **changed: Any) -> list[dict[str, Any]]:
    tasks = client.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
    return [{**t, **changed} if t["id"] == TASK else t for t in tasks]


def assignments(client: Client, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    got = client.get(f"/volunteers/v-wang/assignments?week={WEEK}&area={AREA}", headers=headers)
    assert got.status_code == 200, got.text
    return {a["task"]: a for a in got.json()["assignments"]}


def test_a_visit_whose_task_was_moved_in_a_batch_is_said_changed_everywhere_it_is_shown(
    client: Client, admin: dict[str, str], published: str
) -> None:
    before = assignments(client, admin)
    assert before[TASK]["task_changed"] is False
    assert not any(a["task_changed"] for a in before.values())
    moved = tasks_with(client, admin, windows=[{"days": ["thu"], "from": "09:00", "to": "11:30"}])
    stored = client.put(f"/weeks/{WEEK}/tasks?area={AREA}", json=moved, headers=admin)
    assert stored.status_code == 200, stored.text
    after = assignments(client, admin)
    assert after[TASK]["task_changed"] is True  # still given on Tuesday: said so
    assert [t for t, a in after.items() if a["task_changed"]] == [TASK]
    ics = client.get(f"/volunteers/v-wang/calendar.ics?week={WEEK}&area={AREA}",
                     headers={**admin, "Accept-Language": "zh"})  # fmt: skip
    assert "请求在计划为您安排" in ics.text.replace("\r\n ", "")
    # the volunteer's phone, in both languages
    _, secret = access.create_token(infra(client).uow(), access.CLI, "volunteer", [AREA],
                                    "v-wang")  # fmt: skip
    assert sign_in(client, secret).status_code in (302, 303)
    for lang, words in (("en", "ask your coordinator"), ("zh", "出发前请先联系协调员")):
        page = client.get(f"/my?week={WEEK}", headers={"Accept-Language": lang}).text
        assert page.count('class="problems task-changed"') == 1, lang
        assert words in page
    # the coordinator's week and plan pages name the task
    _, boss = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    client.cookies.clear()
    assert sign_in(client, boss).status_code in (302, 303)
    for lang, words in (("en", "no longer allow them"), ("zh", "已与所安排的时间")):
        for path in (
            f"/desk/{AREA}/weeks/{WEEK}", f"/desk/{AREA}/weeks/{WEEK}/plans/{published}",
            f"/print/{AREA}/{WEEK}/board",
        ):  # fmt: skip
            page = client.get(path, headers={"Accept-Language": lang}).text
            assert 'id="task-changed"' in page, (lang, path)
            said = page.split('id="task-changed"')[1].split("</p>")[0]
            assert words in said and TASK in said, said


def test_a_batch_that_keeps_every_visit_fitting_says_nothing(
    client: Client, admin: dict[str, str], published: str
) -> None:
    wider = tasks_with(client, admin, title="陪张奶奶",
                       windows=[{"days": ["tue"], "from": "08:00", "to": "12:00"}])  # fmt: skip
    stored = client.put(f"/weeks/{WEEK}/tasks?area={AREA}", json=wider, headers=admin)
    assert stored.status_code == 200, stored.text
    assert not any(a["task_changed"] for a in assignments(client, admin).values())
    _, boss = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    assert sign_in(client, boss).status_code in (302, 303)
    assert 'id="task-changed"' not in client.get(f"/desk/{AREA}/weeks/{WEEK}").text


def test_a_visit_whose_task_needs_more_people_than_go_is_said_changed(
    client: Client, admin: dict[str, str], published: str
) -> None:
    crowd = tasks_with(client, admin, needs=[{"skill": "companionship", "count": 2}])
    stored = client.put(f"/weeks/{WEEK}/tasks?area={AREA}", json=crowd, headers=admin)
    assert stored.status_code == 200, stored.text
    assert assignments(client, bearer_of(client))[TASK]["task_changed"] is True


def bearer_of(client: Client) -> dict[str, str]:
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    return bearer(secret)
