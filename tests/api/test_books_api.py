"""The backlog and the ledger over HTTP (SQLite and PostgreSQL): requests recorded, listed,
changed and withdrawn, a week drawn from them, visits marked done or missed by their
volunteer, balances, statements, the CSV export and redemptions; roles and bad input."""

from __future__ import annotations

import csv
import io
from typing import Any

import pendulum
import pytest

from mutualaid.services import access
from tests.adapters import world

from .conftest import Client, bearer, infra

AREA = world.AREA
PAST = pendulum.Date(2026, 11, 2)
"""A week gone by: its visits may be marked whatever day the tests run."""
Headers = dict[str, str]
REQUEST: dict[str, Any] = {
    "id": "r-liu-chat", "title": "陪刘爷爷聊天", "resident": "r-liu",
    "needs": [{"skill": "companionship", "count": 1}], "duration_minutes": 60,
    "windows": [{"days": ["mon", "tue"], "from": "09:00", "to": "12:00"}],
    "deadline": "2026-12-31", "household_of": "v-wang",
}  # fmt: skip


def token(client: Client, role: str, volunteer: str | None = None) -> Headers:
    made = access.create_token(infra(client).uow(), access.CLI, role, [AREA], volunteer)
    return bearer(made[1])


@pytest.fixture
def coordinator(client: Client, admin: Headers) -> Headers:
    answer = client.post(f"/weeks/{PAST.isoformat()}/scenario?area={AREA}",
                         json=world.scenario(PAST), headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return token(client, "coordinator")


def publish(client: Client) -> dict[str, int]:
    """`world.result` published for the past week: its visits' ids by (task, volunteer)."""
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, PAST)
        uow.plans.finish(plan.id, world.plan(PAST))
        uow.plans.publish(plan.id)
        uow.commit()
        return {f"{a.task}/{a.volunteer}": a.id for a in uow.assignments.for_plan(plan.id)}


def test_requests_are_recorded_listed_changed_drawn_and_withdrawn(
    client: Client, coordinator: Headers
) -> None:
    base = f"/areas/{AREA}/requests"
    made = client.post(base, json=REQUEST, headers=coordinator)
    assert made.status_code == 201, made.text
    assert (made.json()["status"], made.json()["task"]) == ("open", "req-r-liu-chat")
    again = client.post(base, json=REQUEST, headers=coordinator)
    assert again.status_code == 409
    changed = client.put(f"{base}/r-liu-chat", json={**REQUEST, "priority": "urgent"},
                         headers=coordinator)  # fmt: skip
    assert (changed.status_code, changed.json()["priority"]) == (200, "urgent")
    drawn = client.post(f"/weeks/{PAST.isoformat()}/draw?area={AREA}", headers=coordinator)
    assert drawn.status_code == 200, drawn.text
    assert drawn.json()["drawn"] == [{"request": "r-liu-chat", "task": "req-r-liu-chat",
                                      "waited": 0}]  # fmt: skip
    task = client.get(f"/weeks/{PAST.isoformat()}/tasks/req-r-liu-chat?area={AREA}",
                      headers=coordinator).json()  # fmt: skip
    assert (task["priority"], task["waited"]) == ("urgent", 0)
    gone = client.delete(f"{base}/r-liu-chat", headers=coordinator)
    assert gone.status_code == 200, gone.text
    # the week is gone by: its task stays, as history (a week not yet over loses it)
    assert (gone.json()["status"], gone.json()["removed_from"]) == ("withdrawn", [])
    listed = client.get(f"{base}?status=withdrawn", headers=coordinator).json()
    assert [r["id"] for r in listed] == ["r-liu-chat"]
    actions = [e["action"] for e in client.get("/audit", headers=coordinator).json()]
    assert {"request.create", "request.update", "week.draw", "request.withdraw"} <= set(actions)


def test_a_bad_request_is_refused_naming_each_field_in_the_readers_language(
    client: Client, coordinator: Headers
) -> None:
    body = {**REQUEST, "duration_minutes": 0, "resident": "r-nobody", "windows": "mon"}
    answer = client.post(f"/areas/{AREA}/requests", json=body,
                         headers={**coordinator, "Accept-Language": "zh-CN"})  # fmt: skip
    assert answer.status_code == 400
    problems = {p["path"]: p["message"] for p in answer.json()["problems"]}
    assert set(problems) == {"duration_minutes", "windows"}
    assert "应为大于 0 的整数" in problems["duration_minutes"]
    unknown = client.post(f"/areas/{AREA}/requests", json={**REQUEST, "resident": "r-nobody"},
                          headers=coordinator)  # fmt: skip
    assert unknown.status_code == 400
    assert unknown.json()["problems"][0]["path"] == "resident"
    assert client.get(f"/areas/{AREA}/requests", headers=coordinator).json() == []
    missing = client.get(f"/areas/{AREA}/requests/r-none", headers={**coordinator,
                         "Accept-Language": "zh"})  # fmt: skip
    assert (missing.status_code, missing.json()["detail"]) == (404, "不存在的请求 'r-none'")


def test_a_volunteer_marks_their_visit_done_and_sees_only_their_own_hours(
    client: Client, coordinator: Headers
) -> None:
    visits = publish(client)
    wang = token(client, "volunteer", "v-wang")
    zhang = visits["t-visit-zhang/v-wang"]
    done = client.post(f"/assignments/{zhang}/done", headers=wang,
                       json={"actual_end": f"{PAST.add(days=1).isoformat()}T10:30:00+08:00",
                             "feedback": "张奶奶很高兴"})  # fmt: skip
    assert done.status_code == 200, done.text
    assert [(e["kind"], e["minutes"]) for e in done.json()["entries"]] == [("credit", 90)]
    assert done.json()["outcome"]["feedback"] == "张奶奶很高兴"
    other = visits["t-meals@mon/v-zhao"]
    assert client.post(f"/assignments/{other}/done", headers=wang).status_code == 403
    mine = client.get(f"/areas/{AREA}/ledger/v-wang", headers=wang)
    assert mine.status_code == 200, mine.text
    assert (mine.json()["closing_minutes"], mine.json()["closing_hours"]) == (90, "1.50")
    assert client.get(f"/areas/{AREA}/ledger/v-zhao", headers=wang).status_code == 403
    assert client.get(f"/areas/{AREA}/ledger", headers=wang).status_code == 403
    bad = client.post(f"/assignments/{zhang}/done", json={"actual_start": "9am"}, headers=wang)
    assert (bad.status_code, bad.json()["problems"][0]["path"]) == (400, "actual_start")
    missed = client.post(f"/assignments/{zhang}/missed", headers=coordinator)
    assert [(e["kind"], e["minutes"]) for e in missed.json()["entries"]] == [("reversal", -90)]
    assert client.get(f"/assignments/{zhang}/outcome", headers=wang).json()["state"] == "missed"
    cleared = client.delete(f"/assignments/{zhang}/outcome", headers=wang)
    assert (cleared.status_code, cleared.json()["outcome"]) == (200, None)


def test_balances_export_and_redemptions_add_up(client: Client, coordinator: Headers) -> None:
    visits = publish(client)
    for key in ("t-visit-zhang/v-wang", "t-show/v-wang", "t-meals@wed/v-li"):
        answer = client.post(f"/assignments/{visits[key]}/done", headers=coordinator)
        assert answer.status_code == 200, answer.text
    client.post(f"/areas/{AREA}/requests", json=REQUEST, headers=coordinator)
    wanted = {"volunteer": "v-wang", "request": "r-liu-chat"}
    over = client.post(f"/areas/{AREA}/redemptions", headers=coordinator,
                       json={**wanted, "minutes": 151})  # fmt: skip
    assert over.status_code == 409 and "150" in over.json()["detail"]
    spent = client.post(f"/areas/{AREA}/redemptions", headers=coordinator,
                        json={"volunteer": "v-wang", "request": "r-liu-chat"})  # fmt: skip
    assert (spent.status_code, spent.json()["minutes"]) == (201, -60)
    sums = client.get(f"/areas/{AREA}/ledger", headers=coordinator).json()
    assert {v["volunteer"]: v["minutes"] for v in sums["volunteers"]} == {"v-wang": 90, "v-li": 45}
    assert (sums["teams"], sums["total_minutes"]) == ({"lions": 90}, 135)
    exported = client.get(f"/areas/{AREA}/ledger.csv?month=2026-11", headers=coordinator)
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    credits = [r for r in rows if r["kind"] == "credit"]  # the redemption counts in this month
    assert sorted((r["volunteer"], r["kind"], r["minutes"]) for r in credits) == [
        ("v-li", "credit", "45"), ("v-wang", "credit", "60"), ("v-wang", "credit", "90"),
    ]  # fmt: skip
    bad = client.get(f"/areas/{AREA}/ledger?month=November", headers=coordinator)
    assert (bad.status_code, bad.json()["problems"][0]["path"]) == (400, "month")


@pytest.mark.parametrize("outcome", ["done", "missed"])
def test_an_absence_over_a_visit_already_marked_is_refused_and_moves_nothing(
    client: Client, coordinator: Headers, outcome: str
) -> None:
    """v-wang's Tuesday visit is marked (its hour credited, or missed); an absence over that
    Tuesday then gave the visit to someone else in the past: the plan said another did it,
    the ledger that v-wang did. Refused as a decline of it is, saying which visit and how."""
    visits = publish(client)
    zhang = visits["t-visit-zhang/v-wang"]
    marked = client.post(f"/assignments/{zhang}/{outcome}", headers=coordinator)
    assert marked.status_code == 200, marked.text
    plans = client.get(f"/weeks/{PAST.isoformat()}/plans?area={AREA}", headers=coordinator)
    day = PAST.add(days=1).isoformat()
    for lang, words in (("en", "undo the mark"), ("zh", "撤销标记")):
        answer = client.post(f"/volunteers/v-wang/absences?area={AREA}",
                             json={"from": day, "to": day},
                             headers={**coordinator, "Accept-Language": lang})  # fmt: skip
        assert answer.status_code == 409, answer.text
        assert words in answer.json()["detail"] and str(zhang) in answer.json()["detail"]
    after = client.get(f"/weeks/{PAST.isoformat()}/plans?area={AREA}", headers=coordinator)
    assert after.json() == plans.json()
    assert client.get(f"/volunteers/v-wang/absences?area={AREA}", headers=coordinator).json() == []
    later = PAST.add(days=2).isoformat()  # a day after the marked visit is taken
    taken = client.post(f"/volunteers/v-wang/absences?area={AREA}",
                        json={"from": later, "to": later}, headers=coordinator)  # fmt: skip
    assert taken.status_code == 201, taken.text


def _second_plan(client: Client, change: str) -> str:
    """A finished plan of the past week whose v-wang visit to 张奶奶 is moved half an hour,
    given to v-li, or left out; its id."""
    data = world.result(PAST)
    for a in data["assignments"]:
        if a["task"] == "t-visit-zhang":
            if change == "moved":
                a["start"] = a["start"].replace("T09:00", "T09:30")
                a["end"] = a["end"].replace("T10:00", "T10:30")
            elif change == "given":
                a["volunteers"] = [{"id": "v-li", "role": 0, "team": None}]
    if change == "left_out":
        data["assignments"] = [a for a in data["assignments"] if a["task"] != "t-visit-zhang"]
    with infra(client).uow() as uow:
        plan = uow.plans.create(AREA, PAST)
        uow.plans.finish(plan.id, world.as_plan(data, PAST))
        uow.commit()
    return plan.id


@pytest.mark.parametrize("outcome", ["done", "missed"])
@pytest.mark.parametrize("change", ["moved", "given", "left_out"])
def test_a_new_plan_that_changes_a_visit_already_marked_is_not_published(
    client: Client, coordinator: Headers, outcome: str, change: str
) -> None:
    """v-wang's Tuesday visit is marked done (its hour credited) or missed; a plan solved
    afterwards moved it to another time, gave it to v-li or left it out, and publishing it
    made the marked visit a pending one at a new time (the ledger still crediting Tuesday),
    or took it from the published plan. Refused, naming the visit, in both languages."""
    visits = publish(client)
    zhang = visits["t-visit-zhang/v-wang"]
    assert client.post(f"/assignments/{zhang}/{outcome}", headers=coordinator).status_code == 200
    plan = _second_plan(client, change)
    for lang, words in (("en", "undo the mark"), ("zh", "撤销标记")):
        answer = client.post(f"/plans/{plan}/publish",
                             headers={**coordinator, "Accept-Language": lang})  # fmt: skip
        assert answer.status_code == 409, answer.text
        assert words in answer.json()["detail"] and str(zhang) in answer.json()["detail"]
    week = client.get(f"/volunteers/v-wang/assignments?week={PAST.isoformat()}&area={AREA}",
                      headers=coordinator).json()["assignments"]  # fmt: skip
    mine = next(a for a in week if a["id"] == zhang)
    assert mine["start"] == world.result(PAST)["assignments"][1]["start"]
    assert (
        client.get(f"/assignments/{zhang}/outcome", headers=coordinator).json()["state"] == outcome
    )
    undone = client.delete(f"/assignments/{zhang}/outcome", headers=coordinator)
    assert undone.status_code == 200, undone.text
    published = client.post(f"/plans/{plan}/publish", headers=coordinator)
    assert published.status_code == 200, published.text
