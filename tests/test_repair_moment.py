"""A repair made at a moment of the week (`solver.not_before`), on tiny random worlds: a
decline's repair and an absence's (`repair_all`) keep every rule, move or add no visit before
the moment, and keep every visit that started before it exactly as it was."""

from __future__ import annotations

import copy
import random
from typing import Any

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import MINUTES_PER_DAY
from mutualaid.domain.plan import Plan
from mutualaid.validation import validate
from solver.absence import repair_all
from solver.not_before import minute_now
from solver.repair import solution_from
from tests.strategies import World, tiny_worlds


def visits(plan: Plan) -> dict[str, tuple[int, frozenset[str]]]:
    return {a.task: (a.start, frozenset(v.id for v in a.volunteers)) for a in plan.assignments}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    world=tiny_worlds(),
    rnd=st.randoms(use_true_random=False),
    shift=st.integers(-120, 240),
    absence=st.booleans(),
)
def test_a_repair_at_a_moment_moves_nothing_before_it_and_keeps_what_started(
    world: World, rnd: random.Random, shift: int, absence: bool
) -> None:
    """The moment falls near the declined visit (`shift` minutes from its start), where it bites."""
    scenario = build_scenario(world)
    published = solver.solve(scenario, solver.SolveOptions(time_limit=0.5, workers=1))
    if published.status == "error" or not published.assignments:
        return
    chosen = rnd.choice(published.assignments)
    who = rnd.choice(chosen.volunteers).id
    at = max(0, chosen.start + shift)
    week: dict[str, Any] = copy.deepcopy(world)
    week["declined"] = [*(week.get("declined") or []), {"task": chosen.task, "volunteer": who}]
    changed = build_scenario(week)
    if absence:
        plan, _ = repair_all(changed, published, [chosen.task], 0.5, not_before=at)
    else:
        before = solution_from(published)
        plan = solver.repair(changed, before, chosen.task, 0.5, 1, not_before=at).plan
    report = validate(changed, plan_json.dump(plan, changed))
    assert report.ok, report.violations
    was, now = visits(published), visits(plan)
    for task, (start, crew) in now.items():
        if was.get(task) != (start, crew):
            assert start >= at, (task, start, at)
    for task, (start, crew) in was.items():
        if start < at and task != chosen.task:
            assert now.get(task) == (start, crew), (task, start, at)


def test_the_moment_is_a_minute_of_the_week_and_none_before_it() -> None:
    """The CLI's and a scenario replay's (no moment, or one before the week): today's repair."""
    week = build_scenario({"name": "w", "timezone": "Asia/Shanghai", "week_start": "2026-11-30",
                           "volunteers": [], "tasks": []})  # fmt: skip
    assert minute_now(week, None) == 0
    assert minute_now(week, pendulum.datetime(2026, 11, 1, tz="UTC")) == 0
    tuesday = pendulum.datetime(2026, 12, 1, 9, 45, tz="Asia/Shanghai").in_timezone("UTC")
    assert minute_now(week, tuesday) == MINUTES_PER_DAY + 9 * 60 + 45
