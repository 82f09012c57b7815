"""A solve that cannot keep its pins says which pinned tasks, as data (`Plan.unkept_pins`,
the plan JSON's `unkept_pins`), beside the sentence in `error`: a caller (the service wording
a marked visit's pin) reads the ids, never the sentence."""

from __future__ import annotations

import copy
from dataclasses import replace

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Pin
from tests.test_rules import NEAR, person, task, tiny_world

OPTIONS = solver.SolveOptions(time_limit=5, workers=1, seed=0)


def test_pins_that_clash_name_their_tasks() -> None:
    """周 pinned to two visits at the same hour: each pin fine alone, not both."""
    world = tiny_world(
        [person("v-zhou", NEAR), person("v-li", NEAR)],
        [task("t-fang", start="09:30"), task("t-gu", "r-gu", start="09:30"),
         task("t-hall", "s-hall", start="10:45")],
        pinned=[{"task": "t-fang", "volunteers": ["v-zhou"]},
                {"task": "t-gu", "volunteers": ["v-zhou"]}],
    )  # fmt: skip
    scenario = build_scenario(copy.deepcopy(world))
    plan = solver.solve(scenario, OPTIONS)
    assert plan.status == "error", plan
    assert plan.unkept_pins == ("t-fang", "t-gu"), plan.error
    data = plan_json.dump(plan, scenario)
    assert data["unkept_pins"] == ["t-fang", "t-gu"]
    assert plan_json.load(data, scenario).unkept_pins == ("t-fang", "t-gu")


def test_a_pin_that_cannot_hold_on_its_own_names_its_task_only() -> None:
    """李 without the skill pinned to 方奶奶's visit (as a marked visit's pin reaches the solver,
    past the scenario format's own check): that task, not 顾大爷's."""
    world = tiny_world(
        [person("v-zhou", NEAR), person("v-li", NEAR, skills=["cooking"])],
        [task("t-fang"), task("t-gu", "r-gu")],
        pinned=[{"task": "t-gu", "volunteers": ["v-zhou"]}],
    )
    scenario = build_scenario(copy.deepcopy(world))
    broken = replace(scenario, pinned=(*scenario.pinned, Pin("t-fang", ("v-li",))))
    plan = solver.solve(broken, OPTIONS)
    assert plan.status == "error", plan
    assert plan.unkept_pins == ("t-fang",), plan.error
    assert "unkept_pins" not in plan_json.dump(solver.solve(scenario, OPTIONS), scenario)
