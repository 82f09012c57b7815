"""The pairwise coverage model (`solver.coverage`) on its own: its proved coverage and waiting
are the brute force's optimum on tiny worlds and the routing model's proved optimum on small
ones (the exactness claim, checked two independent ways); with it or without, plans keep every
rule."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, example, given, settings

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Location, Scenario, Settings
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import analyse, components
from solver.coverage import CoverageModel
from solver.cpsat import PlanModel
from solver.greedy import greedy_plan
from solver.solution import Solution, count_by_priority
from solver.stages import StageResult, coverage_weights, staged_solve
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, small_worlds, tiny_worlds

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


def first_goals(
    scenario: Scenario, pairwise: bool, budget: float = 10.0, by_priority: bool = False
) -> tuple[Solution, list[list[StageResult]]]:
    """Coverage then waiting, part by part, on one model kind alone (one worker); coverage
    weighted, or one priority at a time."""
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    floor = greedy_plan(scenario, analyses, travel)
    possible = count_by_priority(scenario, (t for t, a in analyses.items() if a.reason is None))
    weights = coverage_weights(possible)
    best, stages = Solution(), []
    for part in components(analyses):
        kind = CoverageModel if pairwise else PlanModel
        model = kind(scenario, analyses, part, travel, weights)
        wanted = tuple(s for s in model.stages() if s in ("coverage", "waited"))
        sol, got, failure = staged_solve(
            model, floor, budget=budget, workers=1, seed=0, stages_wanted=wanted,
            by_priority=by_priority,
        )  # fmt: skip
        assert sol is not None, failure
        best.merge(sol)
        stages.append(got)
    return best, stages


def proved(stages: list[list[StageResult]]) -> bool:
    return all(s.optimal for part in stages for s in part)


def waited(scenario: Scenario, sol: Solution) -> int:
    return sum(scenario.tasks[t].waited for t in sol.crews)


def two_visits(slack: int) -> World:
    """One walker, two half-hour visits in a row, the second window opening `slack` minutes
    after the first visit ends plus the walk between them: both fit exactly when slack >= 0."""
    home, far = {"lat": 34.75, "lon": 113.65}, {"lat": 34.755, "lon": 113.65}
    walk = HaversineTravel(Settings()).minutes("walk", Location(**home), Location(**far))
    opens = 9 * 60 + 30 + walk + slack

    def window(minute: int) -> list[dict[str, object]]:
        clock = f"{minute // 60:02d}:{minute % 60:02d}"
        end = f"{(minute + 30) // 60:02d}:{(minute + 30) % 60:02d}"
        return [{"days": ["mon"], "from": clock, "to": end}]

    return {
        "name": f"two visits, slack {slack}",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "v", "skills": ["s"], "home": home,
             "availability": [{"days": ["mon"], "from": "08:00", "to": "12:00"}]}
        ],
        "tasks": [
            {"id": tid, "needs": [{"skill": "s", "count": 1}], "duration_minutes": 30,
             "location": place, "windows": window(start)}
            for tid, place, start in (("a", home, 9 * 60), ("b", far, opens))
        ],
    }  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
@example(world=two_visits(0)).via("travel binds exactly: both served")
@example(world=two_visits(-1)).via("a minute short: one served")
def test_pairwise_coverage_is_the_brute_force_optimum(world: World) -> None:
    _brute_force_agrees(world)


def _brute_force_agrees(world: World) -> None:
    """Weighted and one priority at a time (the planner's way where greedy serves little)."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    best = brute.solve()
    for by_priority in (False, True):
        sol, stages = first_goals(scenario, pairwise=True, by_priority=by_priority)
        assert proved(stages)
        assert count_by_priority(scenario, sol.crews) == best.served, by_priority
        assert waited(scenario, sol) == best.waited, by_priority


@settings(max_examples=80, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_pairwise_coverage_is_the_brute_force_optimum_in_one_day_and_wide_weeks(
    world: World,
) -> None:
    """The shapes the unseen weeks found hard (bench/unseen.py): every visit in one day's
    blocks, or windows open all day, so each block holds many candidate visits."""
    _brute_force_agrees(world)


@settings(max_examples=30, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_pairwise_coverage_is_the_routing_models_optimum_in_one_day_and_wide_weeks(
    world: World,
) -> None:
    _routing_model_agrees(world)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=small_worlds())
def test_pairwise_coverage_is_the_routing_models_proved_optimum(world: World) -> None:
    """No brute force needed: where the routing model proves its optimum, the pairwise model
    proves the same one."""
    _routing_model_agrees(world)


def _routing_model_agrees(world: World) -> None:
    scenario = build_scenario(world)
    routed, routed_stages = first_goals(scenario, pairwise=False)
    paired, paired_stages = first_goals(scenario, pairwise=True)
    assume(proved(routed_stages))
    assert proved(paired_stages)
    assert count_by_priority(scenario, paired.crews) == count_by_priority(scenario, routed.crews)
    assert waited(scenario, paired) == waited(scenario, routed)


@settings(max_examples=15, deadline=None, suppress_health_check=SLOW_OK)
@given(world=small_worlds())
def test_either_model_gives_a_plan_of_the_same_coverage_that_keeps_every_rule(
    world: World,
) -> None:
    scenario = build_scenario(world)
    plans = [
        solver.solve(scenario, solver.SolveOptions(time_limit=5, workers=1, pairwise=p))
        for p in (False, True)
    ]
    for plan in plans:
        assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
    if all(p.status == "optimal" for p in plans):
        assert plans[0].objective == plans[1].objective
