"""Residents who waited (issue 11 item 4) over HTTP (SQLite and PostgreSQL): runs of two weeks
or more in which a resident was left unserved, each week's reason as a code worded in the
reader's language; a visit marked missed counts as not served; JSON and CSV; roles."""

from __future__ import annotations

import csv
import io
from typing import Any

import pendulum

from tests.adapters import world

from .conftest import Client, infra
from .test_books_api import token
from .test_volunteers import AREA, Headers, volunteer

WEEKS = [pendulum.Date(2026, 11, 2).add(weeks=i) for i in range(4)]
LIU = {
    "id": "t-chat-liu", "title": "陪刘爷爷聊天", "resident": "r-liu",
    "needs": [{"skill": "sign_language"}], "duration_minutes": 60,
    "windows": [{"days": ["thu"], "from": "09:00", "to": "12:00"}],
}  # fmt: skip


def week(
    client: Client, admin: Headers, at: pendulum.Date, unserved: dict[str, str]
) -> dict[str, int]:
    """The world's week at `at` (with Liu's chat in the last two), its plan published leaving
    `unserved` (task -> reason): the visits' ids by task."""
    data = world.scenario(at)
    if at >= WEEKS[2]:
        data["tasks"].append(dict(LIU))
    answer = client.post(f"/weeks/{at.isoformat()}/scenario?area={AREA}", json=data, headers=admin)
    assert answer.status_code == 200, answer.text
    result = world.result(at)
    result["assignments"] = [a for a in result["assignments"] if a["task"] not in unserved]
    result["unserved"] = [{"task": t, "reason": r, "detail": r} for t, r in unserved.items()]
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, at)
        uow.plans.finish(plan.id, world.as_plan(result, at))
        uow.plans.publish(plan.id)
        uow.commit()
        return {a.task: a.id for a in uow.assignments.for_plan(plan.id)}


def four_weeks(client: Client, admin: Headers) -> None:
    """Zhang: capacity, no_time, then given but missed, then served (a run of three, over).
    Liu: no_skill twice in the last two weeks (a run of two, still waiting)."""
    week(client, admin, WEEKS[0], {"t-visit-zhang": "capacity"})
    week(client, admin, WEEKS[1], {"t-visit-zhang": "no_time"})
    third = week(client, admin, WEEKS[2], {"t-chat-liu": "no_skill"})
    missed = client.post(f"/assignments/{third['t-visit-zhang']}/missed",
                         headers=token(client, "coordinator"))  # fmt: skip
    assert missed.status_code == 200, missed.text
    week(client, admin, WEEKS[3], {"t-chat-liu": "no_skill"})


def reasons(run: dict[str, Any]) -> list[tuple[str, str]]:
    return [(w["week"], w["unserved"][0]["reason"]) for w in run["weeks"]]


def test_residents_left_unserved_two_weeks_running_with_each_weeks_reason(
    client: Client, admin: Headers
) -> None:
    four_weeks(client, admin)
    answer = client.get(f"/reports/waited?area={AREA}", headers=admin)
    assert answer.status_code == 200, answer.text
    zhang, liu = answer.json()
    assert (zhang["resident"], zhang["weeks_running"], zhang["running"]) == ("r-zhang", 3, False)
    assert reasons(zhang) == [
        ("2026-11-02", "capacity"), ("2026-11-09", "no_time"), ("2026-11-16", "missed")
    ]  # fmt: skip
    assert (liu["resident"], liu["name"], liu["running"]) == ("r-liu", "刘爷爷", True)
    assert reasons(liu) == [("2026-11-16", "no_skill"), ("2026-11-23", "no_skill")]
    # up to the second week, only Zhang's first two weeks; three weeks running: Zhang alone
    early = client.get(f"/reports/waited?area={AREA}&until=2026-11-09", headers=admin).json()
    assert [(r["resident"], r["weeks_running"], r["running"]) for r in early] == [
        ("r-zhang", 2, True)
    ]
    three = client.get(f"/reports/waited?area={AREA}&least=3", headers=admin).json()
    assert [r["resident"] for r in three] == ["r-zhang"]
    zh = client.get(f"/reports/waited?area={AREA}", headers={**admin, "Accept-Language": "zh"})
    assert zh.json()[1]["weeks"][0]["unserved"][0]["reason_text"] == "没有具备所需技能的人"


def test_the_csv_a_row_per_week_and_task_and_bad_input_named(
    client: Client, admin: Headers
) -> None:
    four_weeks(client, admin)
    answer = client.get(f"/reports/waited?area={AREA}&format=csv", headers=admin)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["resident", "name", "weeks_running", "running", "week", "task"]
    assert len(rows) == 1 + 3 + 2
    assert rows[-1][:6] == ["r-liu", "刘爷爷", "2", "yes", "2026-11-23", "t-chat-liu"]
    bad = client.get(f"/reports/waited?area={AREA}&until=2026-11-10", headers=admin)
    assert (bad.status_code, bad.json()["problems"][0]["path"]) == (400, "until")
    li = volunteer(client, "v-li")
    assert client.get(f"/reports/waited?area={AREA}", headers=li).status_code == 403


def test_the_page_lists_who_waited_in_the_readers_language(client: Client, admin: Headers) -> None:
    from mutualaid.services import access

    from .test_pages import sign_in

    four_weeks(client, admin)
    _, secret = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    sign_in(client, secret)
    page = client.get(f"/desk/{AREA}/waited", headers={"Accept-Language": "zh"})
    assert page.status_code == 200, page.text
    assert "刘爷爷" in page.text and "张奶奶" in page.text and "仍在等待" in page.text
    assert "已安排，但每次服务都标记为未进行" in page.text
    assert '<label for="f-until">' in page.text
    assert f'href="/desk/{AREA}/waited"' in client.get(f"/desk/{AREA}/reports").text
    got = client.get(f"/desk/{AREA}/waited.csv")
    assert got.status_code == 200 and "t-chat-liu" in got.content.decode("utf-8-sig")
    bad = client.get(f"/desk/{AREA}/waited?until=2026-13-01")
    assert bad.status_code == 400 and 'id="until-error"' in bad.text
