"""A part too large for one routing model (neighbourhood search, `max_exact_arcs=0` here): when
greedy's floor already serves every task static analysis allows, its coverage and waiting are
proved at once; else they are proved on the pairwise model of the whole part (`solver.coverage`)
before the search, and what it proves is the brute force's optimum, also in the shapes that
make such parts (one day's blocks full of visits, windows open all day)."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from hypothesis import assume, given, settings

import solver
import solver.large
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.plan import Plan
from mutualaid.validation import validate
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, tiny_worlds
from tests.test_coverage import SLOW_OK, two_visits


def _searched(world: World) -> tuple[Plan, dict[str, dict[str, float]]]:
    """The plan of `world` with every part through neighbourhood search, checked by the
    validator, and its stages."""
    scenario = build_scenario(world)
    options = solver.SolveOptions(time_limit=4, workers=1, seed=0, max_exact_arcs=0)
    plan = solver.solve(scenario, options)
    assert plan.objective is not None
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
    stages = plan.extra["stages"]
    assert isinstance(stages, dict)
    return plan, stages


def test_a_floor_that_serves_everything_is_proved_before_the_search() -> None:
    world = two_visits(0)
    world["tasks"][1]["waited"] = 2  # type: ignore[index]
    plan, stages = _searched(world)
    assert plan.objective is not None
    assert sum(plan.objective.served.values()) == 2
    assert plan.bound == plan.objective.served
    assert stages["coverage"]["optimal"] and stages["waited"]["optimal"]


def _proved_as_the_brute_force(world: World) -> None:
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    if not brute.assumptions_hold():  # the brute force's exactness needs them
        assume(False)
    best = brute.solve()
    with patch.object(solver.large, "COVER_FLOOR", 0.0):  # the pairwise model first, always
        plan, stages = _searched(world)
    assert plan.objective is not None
    if not any(best.served.values()):
        return  # nothing anyone can serve: no part, no stage
    assert stages["coverage"]["optimal"]
    assert plan.objective.served == best.served
    assert plan.bound == best.served
    if "waited" in stages:
        assert stages["waited"]["optimal"]
        assert plan.objective.waited == best.waited


def test_a_minute_short_the_pairwise_model_proves_one_visit_before_the_search() -> None:
    """Quick (make check): greedy serves one of the two visits, which is all any plan can."""
    _proved_as_the_brute_force(two_visits(-1))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_a_part_too_large_for_routes_proves_the_brute_forces_optimum(world: World) -> None:
    _proved_as_the_brute_force(world)
