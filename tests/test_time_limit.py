"""The time limit is kept: when a solve's wall-clock time runs out (the deadline already past,
or a test's clock that ends after N checks), whatever was under way (building a model, a bound,
neighbourhood search) stops at its next check and the plan is the best found so far: valid
(our validator and the reference checker) and never below greedy's floor. No clock is read
here: the time ends after a number of checks, so each case runs in steps, not seconds.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario, load_scenario
from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.domain.plan import Plan
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import clock
from solver.cpsat import PlanModel
from tests.reference import reference_check
from worldgen import generate_world

ROOT = Path(__file__).resolve().parent.parent
WORLD = generate_world(80, 30, 1, 7)
"""A generated week small enough that every model builds in a fraction of a second."""


def after(n: int) -> tuple[list[int], Any]:
    """A clock check that says the time is up from its (n+1)th call on; and its call count."""
    calls = [0]
    counter = itertools.count(1)

    def expired() -> bool:
        calls[0] = next(counter)
        return calls[0] > n

    return calls, expired


def wall_clock(**more: Any) -> solver.SolveOptions:
    return solver.SolveOptions(time_limit=20, workers=2, deterministic=False, **more)


def assert_valid_and_floor_kept(scenario: Scenario, plan: Plan, world: Any, tmp: Path) -> None:
    assert plan.status in ("optimal", "feasible"), plan.error
    data = plan_json.dump(plan, scenario)
    assert validate(scenario, data).violations == []
    errs, _ = reference_check(world, data, tmp)
    assert errs == []
    assert plan.objective is not None
    served = plan.objective.served
    floor = solver.greedy(scenario).objective
    assert floor is not None
    weights = {"urgent": 10**9, "high": 10**6, "normal": 10**3, "low": 1}
    assert sum(weights[p] * served[p] for p in PRIORITIES) >= sum(
        weights[p] * floor.served[p] for p in PRIORITIES
    )
    for p in PRIORITIES:  # a bound is never below what the plan serves
        assert plan.bound[p] >= served[p]


def test_a_deadline_already_past_gives_greedys_plan_without_searching(tmp_path: Path) -> None:
    scenario = build_scenario(WORLD)
    phases: dict[str, float] = {}
    options = wall_clock(since=time.time() - 3600)  # the limit ran out an hour ago
    plan = solver.solve(scenario, options, phases=phases)
    assert_valid_and_floor_kept(scenario, plan, WORLD, tmp_path)
    assert plan.objective is not None
    floor = solver.greedy(scenario).objective
    assert floor is not None
    assert plan.objective.served == floor.served
    assert "search" not in phases and "building" not in phases


@pytest.mark.parametrize("n", [0, 1, 2, 5, 20, 60, 200])
@pytest.mark.parametrize("path", ["exact", "neighbourhood search"])
def test_time_that_ends_after_n_checks_gives_a_valid_plan_no_worse_than_greedy(
    tmp_path: Path, n: int, path: str
) -> None:
    scenario = build_scenario(WORLD)
    calls, expired = after(n)
    options = wall_clock(max_exact_arcs=0 if path == "neighbourhood search" else 40_000)
    plan = solver.solve(scenario, options, out_of_time=expired)
    assert_valid_and_floor_kept(scenario, plan, WORLD, tmp_path)
    assert calls[0] > n  # the time did end during the solve


@pytest.mark.slow
def test_time_that_ends_while_the_contended_week_is_bounded_keeps_its_plan(tmp_path: Path) -> None:
    path = ROOT / "scenarios" / "08-contended-cold-wave.yaml"
    scenario = load_scenario(path)
    for n in (3, 40, 200):
        calls, expired = after(n)
        plan = solver.solve(scenario, wall_clock(), out_of_time=expired)
        assert_valid_and_floor_kept(scenario, plan, path, tmp_path)
        assert calls[0] > n


def test_building_a_model_stops_at_the_first_check_once_the_time_is_up() -> None:
    scenario = build_scenario(WORLD)
    analyses = solver.analyse(scenario)
    tids = [t for t, a in analyses.items() if a.reason is None]
    calls, expired = after(3)
    travel, weights = HaversineTravel(scenario.settings), dict.fromkeys(PRIORITIES, 1)
    with clock.running(clock.Clock(expired=expired)), pytest.raises(clock.OutOfTime):
        PlanModel(scenario, analyses, tids, travel, weights)
    assert calls[0] == 4  # three checks passed, the fourth ended it


def test_a_deterministic_budget_never_reads_the_clock_in_its_checks() -> None:
    timer = clock.Clock(deadline=None)
    with clock.running(timer):
        clock.check()  # no deadline, no test clock: never out of time
        assert not clock.over()
    assert clock.current() is None
