"""The backlog's rules: which requests a week draws, with how long they waited, and what
becomes of a request once its weeks are planned (mutualaid.domain.backlog)."""

from __future__ import annotations

import dataclasses

import pendulum
import pytest

from mutualaid.contract.requests import read_request, request_json, task_of
from mutualaid.domain.backlog import OPEN, OVERDUE, SERVED, WITHDRAWN, Draw, Request, Window, decide
from mutualaid.domain.model import SkillNeed
from mutualaid.errors import ScenarioError

W1 = pendulum.Date(2026, 11, 30)
W2, W3, W4 = W1.add(weeks=1), W1.add(weeks=2), W1.add(weeks=3)
VISIT = Request(
    "r-chen", "area", "Companionship for Chen", (SkillNeed("companionship", 1),), 60,
    (Window(("tue", "thu"), 9 * 60, 12 * 60),), resident="res-chen",
)  # fmt: skip


def draws(*weeks: pendulum.Date) -> list[Draw]:
    return [Draw(VISIT.id, w, VISIT.task_id) for w in weeks]


def never(_: Draw) -> bool:
    return False


def test_a_new_request_is_drawn_with_all_its_days_and_no_wait() -> None:
    d = decide(VISIT, [], W1, never)
    assert (d.request.status, d.waited, d.days) == (OPEN, 0, ("tue", "thu"))


def test_each_earlier_week_drawn_and_not_served_adds_one_to_waited() -> None:
    assert decide(VISIT, draws(W1, W2), W3, never).waited == 2


def test_a_request_served_in_an_earlier_week_is_closed_and_not_drawn() -> None:
    d = decide(VISIT, draws(W1, W2), W3, lambda x: x.week_start == W2)
    assert (d.request.status, d.drawn) == (SERVED, False)


def test_a_standing_request_is_drawn_every_week_and_waits_only_since_last_served() -> None:
    weekly = dataclasses.replace(VISIT, standing=True)
    d = decide(weekly, draws(W1, W2, W3), W4, lambda x: x.week_start == W2)
    assert (d.request.status, d.waited, d.drawn) == (OPEN, 1, True)


def test_drawing_a_week_again_counts_only_the_weeks_before_it() -> None:
    assert decide(VISIT, draws(W1, W2), W2, never).waited == 1


def test_a_deadline_before_the_week_flags_the_request_overdue() -> None:
    due = dataclasses.replace(VISIT, deadline=W2.subtract(days=1))
    d = decide(due, draws(W1), W2, never)
    assert (d.request.status, d.drawn) == (OVERDUE, False)


def test_a_deadline_inside_the_week_keeps_only_the_days_up_to_it() -> None:
    due = dataclasses.replace(VISIT, deadline=W1.add(days=2))  # Wednesday
    assert decide(due, [], W1, never).days == ("tue",)
    before_any = dataclasses.replace(VISIT, deadline=W1)  # Monday: no window day left
    assert decide(before_any, [], W1, never).request.status == OVERDUE


def test_withdrawn_requests_are_not_drawn() -> None:
    gone = dataclasses.replace(VISIT, status=WITHDRAWN)
    assert not decide(gone, [], W1, never).drawn


def test_overdue_shows_on_an_open_request_past_its_deadline() -> None:
    due = dataclasses.replace(VISIT, deadline=W1)
    assert not due.overdue_on(W1) and due.overdue_on(W1.add(days=1))


def test_the_drawn_task_is_the_scenario_formats_with_the_days_left() -> None:
    task = task_of(VISIT, 2, ("thu",))
    assert task == {
        "id": "req-r-chen", "title": "Companionship for Chen",
        "needs": [{"skill": "companionship", "count": 1}], "duration_minutes": 60,
        "windows": [{"days": ["thu"], "from": "09:00", "to": "12:00"}], "priority": "normal",
        "waited": 2, "resident": "res-chen",
    }  # fmt: skip


def test_a_request_read_and_written_back_reads_the_same() -> None:
    shown = request_json(VISIT, W1)
    again = read_request(shown, "area", W1)
    assert request_json(again, W1) == {**shown, "recorded_on": W1.isoformat()}


def test_a_bad_request_names_every_field_that_is_wrong() -> None:
    body = {
        "id": "r-1", "title": "x", "resident": "a", "site": "b",
        "needs": [{"skill": "s", "count": 0}], "duration_minutes": 90,
        "windows": [{"days": ["mon"], "from": "09:00", "to": "10:00"}, {"date": "2026-12-01",
                     "from": "09:00", "to": "12:00"}],
        "priority": "soon", "deadline": "2026-13-01", "colour": "red",
    }  # fmt: skip
    with pytest.raises(ScenarioError) as caught:
        read_request(body, "area", W1)
    paths = {p.path for p in caught.value.problems}
    assert paths == {
        "resident", "needs[0].count", "windows[0]", "windows[1]", "priority", "deadline",
        "colour",
    }  # fmt: skip


def test_a_week_drawn_past_the_deadline_flags_overdue_only_once_next_week_is_past_it() -> None:
    due = dataclasses.replace(VISIT, deadline=W3)  # W2 and W3 may still serve it
    ahead = decide(due, [], W4.add(weeks=6), never, today=W1.add(days=1))
    assert (ahead.request.status, ahead.drawn) == (OPEN, False)
    late = decide(due, [], W4.add(weeks=6), never, today=W3.add(days=1))
    assert (late.request.status, late.drawn) == (OVERDUE, False)
