"""A recommendation knows what time it is (SQLite and PostgreSQL): asked on Tuesday at 09:45,
no option starts before 09:45 or moves a visit that started before it, applying one keeps
that, and an option chosen after its start has passed is refused; a request with no start
left is answered with the reason (en and zh).

The world (`tests.adapters.world`): v-wang visits 张奶奶 on Tuesday at 09:00-10:00; v-li is
free on Tuesday 08:00-14:00. The request: 刘爷爷, Tuesday 09:00-11:30, an hour."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from tests.adapters import world

from .conftest import Client
from .test_recommend import NEW, URL, apply
from .test_repair_moment import at, kept_before, moment, starts

AREA = world.AREA
WEEK = world.WEEK.isoformat()
Headers = dict[str, str]
BOTH = {  # two people at 09:30 exactly: v-wang too, who is with 张奶奶 until 10:00
    **NEW,
    "needs": [{"skill": "companionship", "count": 2}],
    "duration_minutes": 45,
    "windows": [{"days": ["tue"], "from": "09:30", "to": "10:15"}],
    "priority": "urgent",
}


def offered(client: Client, admin: Headers, task: dict[str, Any] = NEW, **headers: str) -> Any:
    answer = client.post(URL, json=task, headers={**admin, **headers})
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_options_asked_at_0945_start_at_0945_or_later_and_applying_one_keeps_that(
    client: Client, admin: Headers, published: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment(monkeypatch, at(9, 45))
    options = offered(client, admin)["options"]
    assert {o["visit"]["volunteers"][0]["id"] for o in options} == {"v-wang", "v-li"}
    for o in options:
        assert pendulum.parse(o["visit"]["start"]) >= at(9, 45), o
    [li] = [o for o in options if o["visit"]["volunteers"][0]["id"] == "v-li"]
    done = apply(client, admin, li["id"])
    assert done.status_code == 200, done.text
    plan = client.get(f"/plans/{done.json()['plan_id']}", headers=admin).json()["plan"]
    stored = client.get(f"/weeks/{WEEK}/scenario?area={AREA}", headers=admin).json()
    assert validate(build_scenario(stored), plan).ok
    assert starts(plan)["t-visit-liu"] >= at(9, 45)
    kept_before(plan, at(9, 45))


def test_an_option_whose_start_has_passed_when_chosen_is_refused(
    client: Client, admin: Headers, published: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment(monkeypatch, at(8, 0))
    options = offered(client, admin)["options"]
    [early] = [o for o in options if pendulum.parse(o["visit"]["start"]) == at(9, 0)]
    moment(monkeypatch, at(9, 45))
    answer = apply(client, admin, early["id"])
    assert answer.status_code == 409, answer.text
    assert "start is now past" in answer.json()["detail"]
    tasks = client.get(f"/weeks/{WEEK}/tasks?area={AREA}", headers=admin).json()
    assert "t-visit-liu" not in {t["id"] for t in tasks}


def test_no_option_moves_a_visit_that_started_before_the_moment(
    client: Client, admin: Headers, published: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment(monkeypatch, at(8, 45))  # before 张奶奶's visit: it may move
    [before] = offered(client, admin, BOTH)["options"]
    assert [m["task"] for m in before["moves"]] == ["t-visit-zhang"], before
    moment(monkeypatch, at(9, 15))  # it has started: it stays, and nobody else can
    found = offered(client, admin, BOTH)
    assert found["options"] == [] and found["reason"] == "capacity", found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_request_with_every_start_past_is_answered_with_the_reason(
    client: Client, admin: Headers, published: str, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    moment(monkeypatch, at(10, 31))  # the request's last start is 10:30
    found = offered(client, admin, **{"Accept-Language": lang})
    assert found["options"] == [] and found["reason"] == "capacity", found
    said = "is before 2026-12-01 10:31, now" if lang == "en" else "早于现在（2026-12-01 10:31）"
    assert said in found["detail"], found
