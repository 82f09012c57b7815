"""Coverage one priority at a time (`solver.stages`, `by_priority`): its plan keeps every rule
and its bounds are true however early its budget cuts a step, held against the brute force's
every reachable coverage on tiny worlds (the weighted bound of each part, and the per-priority
bounds as the contract reads them, joined over the parts by `combine`); and the planner takes
that way only where greedy's floor serves little."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import allowed, analyse, components
from solver.by_priority import BY_PRIORITY_FLOOR, by_priority, stepped_bounds
from solver.conditional import combine
from solver.coverage import CoverageModel
from solver.greedy import greedy_plan
from solver.parts import PartJob
from solver.solution import Solution, build_plan, count_by_priority
from solver.stages import coverage_weights, staged_solve
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, tiny_worlds
from tests.test_conditional import best_given, part_of
from tests.test_coverage import SLOW_OK, two_visits

BUDGETS = (0.0, 0.0005, 0.005, 5.0)
"""Deterministic seconds per coverage stage: none (every step keeps its hint), cut early,
and enough to prove tiny worlds."""


def _steps_bound_truly(world: World, budget: float, with_floor: bool) -> None:
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    if not brute.assumptions_hold():  # the brute force's exactness needs them
        assume(False)
    reachable = brute.reachable()
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    floor = greedy_plan(scenario, analyses, travel)
    plan, parts, weighted_bound = Solution(), [], 0
    for tids in components(analyses):
        model = CoverageModel(scenario, analyses, tids, travel, weights)
        mine = model.restrict(floor) if with_floor else None
        sol, stages, failure = staged_solve(
            model, mine, budget=budget, workers=1, seed=0, stages_wanted=("coverage",),
            deterministic=True, by_priority=True,
        )  # fmt: skip
        if sol is None:  # no floor and no time: no plan, nothing claimed
            assert not with_floor, failure
            return
        stage = stages[0]
        if stage.priorities:  # else greedy served every task: proved before any step
            assert [r.priority for r in stage.priorities] == [
                p for p in PRIORITIES if any(scenario.tasks[t].priority == p for t in tids)
            ]
        else:
            assert stage.optimal and len(sol.crews) == len(tids)
        assert stage.value == sum(weights[scenario.tasks[t].priority] for t in sol.crews)
        weighted_bound += stage.value if stage.optimal else int(stage.bound + 1e-6)
        plan.merge(sol)
        parts.append(
            part_of(scenario, sol, tids, weights, stepped_bounds(scenario, tids, sol, stage))
        )
    every = count_by_priority(scenario, scenario.tasks)
    whole = build_plan(scenario, plan, analyses, travel, status="feasible", bound=every,
                       started=time.monotonic())  # fmt: skip
    assert validate(scenario, plan_json.dump(whole, scenario)).violations == []
    best = max(sum(weights[p] * c[i] for i, p in enumerate(PRIORITIES)) for c in reachable)
    assert best <= weighted_bound
    served = count_by_priority(scenario, plan.crews)
    truth = best_given(reachable, served)
    bound = combine(parts, weights)
    for p in PRIORITIES:
        assert served[p] <= truth[p] <= bound[p], (p, served, truth, bound)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()), budget=st.sampled_from(BUDGETS), floor=st.booleans())
def test_each_steps_bound_is_true_however_early_it_is_cut(
    world: World, budget: float, floor: bool
) -> None:
    _steps_bound_truly(world, budget, floor)


@pytest.mark.parametrize("budget", BUDGETS)
@pytest.mark.parametrize("slack", [-1, 0])
def test_each_steps_bound_on_two_visits(slack: int, budget: float) -> None:
    """Quick (make check): one walker, two visits that fit exactly or a minute too close."""
    _steps_bound_truly(two_visits(slack), budget, with_floor=True)


def test_the_planner_solves_by_priority_only_where_greedy_serves_little() -> None:
    """Decided before any search, from greedy's floor: one visit of two (a minute too close)
    is below BY_PRIORITY_FLOOR, both of two is not; without a floor, or turned off, weighted."""
    scenario = build_scenario(two_visits(-1))
    analyses = analyse(scenario)
    tids = sorted(analyses)
    floor = greedy_plan(scenario, analyses, HaversineTravel(scenario.settings))
    job = PartJob(tids=tids, analyses=analyses, weights=coverage_weights(count_by_priority(
        scenario, tids)), floor=floor, share=1.0, budget=1.0, workers=1, seed=0,
        max_exact_arcs=0)  # fmt: skip
    assert len(floor.crews) == 1 and BY_PRIORITY_FLOOR * 2 > 1
    assert by_priority(job)
    assert not by_priority(replace(job, by_priority=False))
    assert not by_priority(replace(job, floor=None))
    both = build_scenario(two_visits(0))
    analyses = analyse(both)
    floor = greedy_plan(both, analyses, HaversineTravel(both.settings))
    assert len(floor.crews) == 2
    assert not by_priority(replace(job, floor=floor, analyses=analyses))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_the_planner_by_priority_or_weighted_serves_the_same_and_keeps_every_rule(
    world: World,
) -> None:
    """Through the planner (one worker, deterministic): both ways give the brute force's
    optimum when proved, and a plan that keeps every rule."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    best = brute.solve().served
    for flag in (False, True):
        options = solver.SolveOptions(time_limit=2, workers=1, seed=0, by_priority=flag)
        plan = solver.solve(scenario, options)
        assert plan.objective is not None
        assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
        got = [plan.objective.served[p] for p in PRIORITIES]
        assert got <= [best[p] for p in PRIORITIES], flag  # lexicographically
        if plan.status == "optimal":
            assert plan.objective.served == best, flag
