"""Recommendations made at a moment of the week (`solver.not_before`), on tiny random worlds:
no option starts before the moment, none moves a visit that started before it, and the plan
with an option applied keeps every rule and every visit started before the moment as it was."""

from __future__ import annotations

import dataclasses
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from solver.recommend import inserted_plan, recommend
from tests.adapters import world as jingbalu
from tests.strategies import World, tiny_worlds


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(world=tiny_worlds(), rnd=st.randoms(use_true_random=False), shift=st.integers(-120, 240))
def test_options_at_a_moment_start_after_it_and_move_nothing_started(
    world: World, rnd: random.Random, shift: int
) -> None:
    """A served task taken out of the plan is the request; the moment falls near its start
    (`shift` minutes from it), where it bites."""
    scenario = build_scenario(world)
    solved = solver.solve(scenario, solver.SolveOptions(time_limit=0.5, workers=1))
    if solved.status == "error" or not solved.assignments:
        return
    request = rnd.choice(solved.assignments)
    plan = dataclasses.replace(
        solved, assignments=[a for a in solved.assignments if a.task != request.task]
    )
    at = max(0, request.start + shift)
    was = {a.task: a for a in plan.assignments}
    for o in recommend(scenario, plan, request.task, not_before=at):
        assert o.assignment.start >= at, (o.assignment, at)
        for m in o.moves:
            assert m.before is None or m.before.start >= at, (m, at)
            assert m.after is None or m.after.start >= at, (m, at)
        done = inserted_plan(scenario, plan, o)
        assert validate(scenario, plan_json.dump(done, scenario)).ok
        now = {a.task: a for a in done.assignments}
        for task, a in was.items():
            if a.start < at:
                assert now.get(task) == a, (task, a, at)


def test_without_a_moment_the_options_are_today_s() -> None:
    """`not_before=0` (the CLI's, a moment before the week) changes no option."""
    scenario = build_scenario(_two_visits())
    solved = solver.solve(scenario, solver.SolveOptions(time_limit=0.5, workers=1))
    plan = dataclasses.replace(
        solved, assignments=[a for a in solved.assignments if a.task != "t-b"]
    )
    assert recommend(scenario, plan, "t-b") == recommend(scenario, plan, "t-b", not_before=0)
    assert recommend(scenario, plan, "t-b", not_before=2 * 24 * 60) == []  # after Monday


def test_a_visit_started_before_the_moment_is_not_moved_for_a_request() -> None:
    """Two people at Tuesday 09:30 (v-wang is with 张奶奶 09:00-10:00): before 09:00 the option
    moves 张奶奶's visit later; at 09:15 it has started and stays, so there is no option."""
    week = jingbalu.scenario()
    week["tasks"].append({
        "id": "t-visit-liu", "resident": "r-liu", "priority": "urgent", "duration_minutes": 45,
        "needs": [{"skill": "companionship", "count": 2}],
        "windows": [{"days": ["tue"], "from": "09:30", "to": "10:15"}],
    })  # fmt: skip
    scenario = build_scenario(week)
    plan = plan_json.load(jingbalu.result(), scenario)
    tuesday = 24 * 60
    [before] = recommend(scenario, plan, "t-visit-liu", not_before=tuesday + 8 * 60 + 45)
    assert [m.task for m in before.moves] == ["t-visit-zhang"]
    assert recommend(scenario, plan, "t-visit-liu", not_before=tuesday + 9 * 60 + 15) == []


def _two_visits() -> World:
    task = {"needs": [{"skill": "s"}], "duration_minutes": 60, "priority": "high",
            "location": {"lat": 34.78, "lon": 113.68},
            "windows": [{"days": ["mon"], "from": "09:00", "to": "12:00"}]}  # fmt: skip
    return {
        "name": "w", "timezone": "Asia/Shanghai", "week_start": "2026-11-30",
        "volunteers": [{"id": "v", "skills": ["s"], "home": {"lat": 34.78, "lon": 113.68},
                        "availability": [{"days": ["mon"], "from": "08:00", "to": "18:00"}]}],
        "tasks": [{"id": "t-a", **task}, {"id": "t-b", **task}],
    }  # fmt: skip
