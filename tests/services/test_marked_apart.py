"""`services.marked_apart`: the week a plan is made for when a marked visit's grown task is
held apart: the task and its pin out, the marked volunteer's time at the visit cut out of
their blocks and its minutes out of their hours; and only grown tasks are held apart."""

from __future__ import annotations

import copy
from dataclasses import replace

import pendulum

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.model import Pin, Scenario
from mutualaid.services.marked_apart import grown_unkept, held_apart
from tests.test_rules import MON, NEAR, person, task, tiny_world

AT = pendulum.parse(f"{MON}T09:30:00+08:00")
FANG = MarkedVisit(7, "done", "t-fang", "v-zhou", AT, AT.add(hours=1))  # type: ignore[union-attr]


def _week(people: int) -> Scenario:
    world = tiny_world(
        [person("v-zhou", NEAR, max_hours_per_week=3), person("v-li", NEAR)],
        [task("t-fang", start="09:30", needs=[{"skill": "companionship", "count": people}]),
         task("t-gu", "r-gu")],
    )  # fmt: skip
    scenario = build_scenario(copy.deepcopy(world))
    return replace(scenario, pinned=(Pin("t-fang", ("v-zhou",)),))


def test_a_grown_tasks_marked_volunteer_is_busy_and_its_hours_spent_in_the_week_planned() -> None:
    scenario = _week(3)
    apart = grown_unkept(("t-fang",), [FANG], scenario)
    assert apart == {"t-fang": [FANG]}
    held = held_apart(scenario, apart)
    assert set(held.tasks) == {"t-gu"} and held.pinned == ()
    zhou = held.volunteers["v-zhou"]
    assert zhou.blocks == ((8 * 60, 9 * 60 + 30), (10 * 60 + 30, 12 * 60))
    assert zhou.max_hours_per_week == 2
    assert held.volunteers["v-li"] == scenario.volunteers["v-li"]


def test_a_task_that_did_not_grow_or_whose_pin_was_kept_is_not_held_apart() -> None:
    assert grown_unkept(("t-fang",), [FANG], _week(1)) == {}
    assert grown_unkept(("t-gu",), [FANG], _week(3)) == {}
    assert grown_unkept((), [FANG], _week(3)) == {}
