"""A part too large for one exact model (neighbourhood search, `max_exact_arcs=0` here) whose
greedy floor already serves every task static analysis allows: its coverage and waiting are
proved at once, and the search's whole budget goes to the later goals."""

from __future__ import annotations

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.validation import validate
from tests.test_coverage import two_visits


def test_a_floor_that_serves_everything_is_proved_before_the_search() -> None:
    world = two_visits(0)
    world["tasks"][1]["waited"] = 2  # type: ignore[index]
    scenario = build_scenario(world)
    options = solver.SolveOptions(time_limit=2, workers=1, seed=0, max_exact_arcs=0)
    plan = solver.solve(scenario, options)
    assert plan.objective is not None
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
    assert sum(plan.objective.served.values()) == 2
    assert plan.bound == plan.objective.served
    stages = plan.extra["stages"]
    assert isinstance(stages, dict)
    assert stages["coverage"]["optimal"] and stages["waited"]["optimal"]
