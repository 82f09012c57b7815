"""Insertion that pushes a route's later visits (`solver.push.push_in`): its plans keep every
rule, every visit it was given stays served by the same people, and it serves the visit that
fits only once an earlier-booked one moves later."""

from __future__ import annotations

from hypothesis import given, settings

from mutualaid.contract.scenario import build_scenario
from mutualaid.travel import HaversineTravel
from solver import analyse
from solver.greedy import greedy_plan
from solver.push import push_in
from tests.strategies import World, shaped_worlds, small_worlds
from tests.test_coverage import SLOW_OK
from tests.test_scarcest_first import _keeps_every_rule

HOME = {"lat": 34.75, "lon": 113.65}


def booked_too_early() -> World:
    """One volunteer, one place. x (high, 60 min, any time 08:00-11:00) goes first and greedy
    books it at its earliest, 08:00; y (normal, 90 min) must start at 08:00 and no longer
    fits. Pushed: y at 08:00, x after it at 09:30, both served."""
    block = [{"days": ["mon"], "from": "07:30", "to": "12:00"}]

    def visit(tid: str, priority: str, minutes: int, to: str) -> dict[str, object]:
        return {"id": tid, "priority": priority, "needs": [{"skill": "s", "count": 1}],
                "duration_minutes": minutes, "location": HOME,
                "windows": [{"days": ["mon"], "from": "08:00", "to": to}]}  # fmt: skip

    return {
        "name": "booked too early",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [{"id": "a", "skills": ["s"], "home": HOME, "availability": block}],
        "tasks": [visit("x", "high", 60, "11:00"), visit("y", "normal", 90, "09:30")],
    }


def test_push_in_serves_the_visit_an_earlier_booking_shut_out() -> None:
    scenario = build_scenario(booked_too_early())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    greedy = greedy_plan(scenario, analyses, travel)
    assert sorted(greedy.crews) == ["x"]
    pushed = push_in(scenario, analyses, travel, greedy, list(scenario.tasks))
    assert sorted(pushed.crews) == ["x", "y"]
    assert pushed.starts["y"] < pushed.starts["x"]
    assert sorted(greedy.crews) == ["x"]  # the plan given is left as it was
    assert _keeps_every_rule(scenario, pushed)


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_push_in_keeps_every_rule_and_every_visit_it_was_given(world: World) -> None:
    """From greedy's plan, and from nothing: every rule kept, every served task still served
    by the same crew, and a fixed-start or many-person visit at its start."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    tids = sorted(scenario.tasks)
    whole = greedy_plan(scenario, analyses, travel)
    pushed = push_in(scenario, analyses, travel, whole, tids)
    assert _keeps_every_rule(scenario, pushed)
    assert all(pushed.crews[t] == crew for t, crew in whole.crews.items())
    pinned = {p.task for p in scenario.pinned}
    assert all(pushed.starts[t] == whole.starts[t] for t, crew in whole.crews.items()
               if len(crew) > 1 or t in pinned)  # fmt: skip
    empty = type(whole)()
    assert _keeps_every_rule(scenario, push_in(scenario, analyses, travel, empty, tids))
