"""A draw creates a missing week only from the area's first week on, or from this week on:
`POST /weeks/2000-01-03/draw` (a typo, or a click far back) was answered 200 and left an
empty week of 2000 behind (stop 25 D). Now 400 naming `week_start`, in the asker's language,
and nothing is stored; a week the area already has, a gap between its weeks and this week
or later are drawn as before. SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import pendulum

from mutualaid.services import access, roster
from tests.adapters import world

from .conftest import Client, infra
from .test_backlog_ahead import AREA, Headers, coordinator, today

__all__ = ["coordinator"]  # the fixture, used by name


def weeks_of(client: Client) -> list[pendulum.Date]:
    with infra(client).uow() as uow:
        return sorted(w.week_start for w in uow.weeks.all(AREA))


def draw(client: Client, headers: Headers, week: pendulum.Date, lang: str = "en") -> httpx.Response:
    return client.post(
        f"/weeks/{week.isoformat()}/draw?area={AREA}",
        headers={**headers, "Accept-Language": lang},
    )  # fmt: skip


def test_a_draw_far_back_is_refused_naming_the_week_and_stores_nothing(
    client: Client, coordinator: Headers
) -> None:
    before = weeks_of(client)
    first = before[0]
    for week, lang, words in (
        (pendulum.Date(2000, 1, 3), "en", "2000-01-03"),
        (first.subtract(weeks=1), "zh", "不能"),
    ):
        answer = draw(client, coordinator, week, lang)
        assert answer.status_code == 400, answer.text
        problem = answer.json()["problems"][0]
        assert problem["path"] == "week_start"
        assert words in problem["message"] and first.isoformat() in problem["message"]
    assert weeks_of(client) == before


def test_the_areas_weeks_a_gap_between_them_and_this_week_on_are_drawn(
    client: Client, coordinator: Headers, admin: Headers
) -> None:
    old = pendulum.Date(2026, 11, 2)  # an earlier week of the area: its first now
    answer = client.post(f"/weeks/{old.isoformat()}/scenario?area={AREA}",
                         json=world.scenario(old), headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text
    this_week = today().start_of("week")
    for week in (old, old.add(weeks=1), this_week, this_week.add(weeks=1)):
        answer = draw(client, coordinator, week)
        assert answer.status_code == 200, (week, answer.text)
    answer = draw(client, coordinator, old.subtract(weeks=1))
    assert answer.status_code == 400, answer.text
    assert old.isoformat() in answer.json()["problems"][0]["message"]


def test_an_area_without_weeks_draws_this_week_on_and_not_last_week(
    client: Client, admin: Headers
) -> None:
    roster.create_area(infra(client).uow(), access.CLI, "fresh", "新区", "Asia/Shanghai")
    this_week = today().start_of("week")
    ok = client.post(f"/weeks/{this_week.isoformat()}/draw?area=fresh", headers=admin)
    assert ok.status_code == 200, ok.text
    last = this_week.subtract(weeks=1).isoformat()
    refused = client.post(
        f"/weeks/{last}/draw?area=fresh", headers={**admin, "Accept-Language": "zh"}
    )  # fmt: skip
    assert refused.status_code == 400, refused.text
    message = refused.json()["problems"][0]["message"]
    assert "还没有任何一周" in message and last in message
