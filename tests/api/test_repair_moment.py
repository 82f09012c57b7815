"""A repair knows what time it is (SQLite and PostgreSQL): a decline or an absence repaired on
Tuesday at 09:45 moves or adds no visit before 09:45 and keeps the visits already started as
they are; a visit with no start left after the moment stays unserved, saying so (en and zh).

The world (`tests.adapters.world`): v-wang visits 张奶奶 on Tuesday at 09:00 (window 09:00-11:30,
an hour); v-li could take it at any start of the window."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from mutualaid.contract.scenario import build_scenario
from mutualaid.services import access
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import Client, bearer, infra

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]


def at(hh: int, mm: int) -> pendulum.DateTime:
    """Tuesday of the week at hh:mm, local time."""
    return pendulum.datetime(2026, 12, 1, hh, mm, tz=world.ZONE)


def moment(monkeypatch: pytest.MonkeyPatch, when: pendulum.DateTime) -> None:
    monkeypatch.setattr("api.app.utc_now", lambda: when.in_timezone("UTC"))


def wang(client: Client) -> tuple[Headers, int]:
    """v-wang's token and the id of their Tuesday visit."""
    _, secret = access.create_token(infra(client).uow(), access.CLI, "volunteer", [AREA], "v-wang")
    headers = bearer(secret)
    seen = client.get(f"/volunteers/v-wang/assignments?week={WEEK}", headers=headers).json()
    [visit] = [a for a in seen["assignments"] if a["task"] == "t-visit-zhang"]
    return headers, int(visit["id"])


def plan_of(client: Client, admin: Headers, plan_id: str) -> dict[str, Any]:
    plan = client.get(f"/plans/{plan_id}", headers=admin).json()["plan"]
    stored = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
    assert validate(build_scenario(stored), plan).ok
    return dict(plan)


def starts(plan: dict[str, Any]) -> dict[str, pendulum.DateTime]:
    return {a["task"]: pendulum.parse(a["start"]) for a in plan["assignments"]}


def kept_before(plan: dict[str, Any], when: pendulum.DateTime) -> None:
    """Every visit of the published plan that started before `when` is there as it was."""
    before = {a["task"]: a for a in world.result()["assignments"]}
    now = {a["task"]: a for a in plan["assignments"]}
    for task, a in before.items():
        if pendulum.parse(a["start"]) < when and task != "t-visit-zhang":
            assert now[task] == a, task


def test_a_decline_repaired_on_tuesday_at_0945_moves_the_visit_to_0945_or_later(
    client: Client, admin: Headers, published: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment(monkeypatch, at(9, 45))
    headers, ident = wang(client)
    answer = client.post(f"/assignments/{ident}/decline", json={"reason": "ill"}, headers=headers)
    assert answer.status_code == 200, answer.text
    repair = answer.json()["repair"]
    assert repair["published"] and repair["served"], repair
    plan = plan_of(client, admin, repair["plan_id"])
    assert starts(plan)["t-visit-zhang"] >= at(9, 45)
    kept_before(plan, at(9, 45))


def test_an_absence_reported_on_tuesday_at_0945_moves_the_visit_to_0945_or_later(
    client: Client, admin: Headers, published: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment(monkeypatch, at(9, 45))
    url = f"/volunteers/v-wang/absences?area={AREA}"
    answer = client.post(url, json={"from": "2026-12-01", "to": "2026-12-01"}, headers=admin)
    assert answer.status_code == 201, answer.text
    [week] = answer.json()["repairs"]
    assert week["published"] and week["unserved"] == [], week
    plan = plan_of(client, admin, week["plan_id"])
    assert starts(plan)["t-visit-zhang"] >= at(9, 45)
    kept_before(plan, at(9, 45))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_absence_after_the_last_start_leaves_the_visit_unserved_saying_why(
    client: Client, admin: Headers, published: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    moment(monkeypatch, at(10, 31))  # the visit's last start is 10:30
    url = f"/volunteers/v-wang/absences?area={AREA}"
    answer = client.post(url, json={"from": "2026-12-01", "to": "2026-12-01"},
                         headers={**admin, "Accept-Language": lang})  # fmt: skip
    assert answer.status_code == 201, answer.text
    [week] = answer.json()["repairs"]
    [lost] = week["unserved"]
    assert lost["task"] == "t-visit-zhang" and lost["reason"] == "capacity"
    said = "when the plan was repaired" if lang == "en" else "早于本次调整的时刻"
    assert said in lost["detail"] and "2026-12-01 10:31" in lost["detail"], lost
    plan = plan_of(client, admin, week["plan_id"])
    assert "t-visit-zhang" not in starts(plan)
    kept_before(plan, at(10, 31))
