"""Drawing a week ahead of time (SQLite and PostgreSQL): a request whose deadline is still to
come is not flagged overdue by a draw of a week past it (a typo, 2099 for 2026, or a look at
January), and a request flagged overdue opens again when its deadline is moved later."""

from __future__ import annotations

from typing import Any

import pendulum
import pytest

from mutualaid.services import access
from tests.adapters import world

from .conftest import Client, bearer, infra

AREA = world.AREA
Headers = dict[str, str]
EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def request_body(ident: str, deadline: pendulum.Date, days: list[str]) -> dict[str, Any]:
    return {
        "id": ident, "title": "陪刘爷爷聊天", "resident": "r-liu",
        "needs": [{"skill": "companionship", "count": 1}], "duration_minutes": 60,
        "windows": [{"days": days, "from": "09:00", "to": "12:00"}],
        "deadline": deadline.isoformat(),
    }  # fmt: skip


@pytest.fixture
def coordinator(client: Client, admin: Headers) -> Headers:
    answer = client.post(f"/weeks/{world.WEEK.isoformat()}/scenario?area={AREA}",
                         json=world.scenario(world.WEEK), headers=admin)  # fmt: skip
    assert answer.status_code == 200, answer.text
    made = access.create_token(infra(client).uow(), access.CLI, "coordinator", [AREA])
    return bearer(made[1])


def today() -> pendulum.Date:
    """Today where the area is: the day the service's backlog counts deadlines from."""
    return pendulum.now(world.ZONE).date()


def draw(client: Client, headers: Headers, week: pendulum.Date) -> dict[str, Any]:
    answer = client.post(f"/weeks/{week.isoformat()}/draw?area={AREA}", headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def status(client: Client, headers: Headers, ident: str) -> str:
    answer = client.get(f"/areas/{AREA}/requests/{ident}", headers=headers)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["status"])


def test_drawing_a_week_past_a_deadline_still_to_come_leaves_the_request_open(
    client: Client, coordinator: Headers
) -> None:
    """Before: drawing a week ten weeks ahead flagged the request overdue for good, and the
    next week's draw no longer took it, three weeks before its deadline."""
    this_monday = today().start_of("week")
    body = request_body("r-ahead", today().add(days=21), EVERY_DAY)
    made = client.post(f"/areas/{AREA}/requests", json=body, headers=coordinator)
    assert made.status_code == 201, made.text
    far = draw(client, coordinator, this_monday.add(weeks=10))
    assert (far["drawn"], far["overdue"]) == ([], [])
    assert status(client, coordinator, "r-ahead") == "open"
    near = draw(client, coordinator, this_monday.add(weeks=1))
    assert [d["request"] for d in near["drawn"]] == ["r-ahead"]


def test_an_overdue_request_opens_again_when_its_deadline_is_moved_later(
    client: Client, coordinator: Headers
) -> None:
    """Before: the stored status was kept on every change, so a request once flagged overdue
    could never be drawn again, whatever its new deadline."""
    next_monday = today().start_of("week").add(weeks=1)
    body = request_body("r-late", today(), ["mon"])  # no Monday left before the deadline
    made = client.post(f"/areas/{AREA}/requests", json=body, headers=coordinator)
    assert made.status_code == 201, made.text
    assert draw(client, coordinator, next_monday)["overdue"] == ["r-late"]
    assert status(client, coordinator, "r-late") == "overdue"
    later = request_body("r-late", today().add(days=30), ["mon"])
    changed = client.put(f"/areas/{AREA}/requests/r-late", json=later, headers=coordinator)
    assert (changed.status_code, changed.json()["status"]) == (200, "open"), changed.text
    again = draw(client, coordinator, next_monday)
    assert [d["request"] for d in again["drawn"]] == ["r-late"]
