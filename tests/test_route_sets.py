"""Routes as sets (`solver.route_sets`) and the travel bound built on them
(`solver.travel_bound`): a block's listed routes are every set of visits that fits in one
route, at the least travel of its orders (held against every order of every set, scheduled
here from the contract's rule 4); the plan re-chosen from them keeps every hard rule (our
validator and the reference checker), serves at least as much, and is no worse in the later
goals; and no plan travels less than the bound at its coverage and pairs."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, Scenario, Span
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver.coverage import Routed, Routes, cover_then_route
from solver.greedy import greedy_plan
from solver.planner import allowed
from solver.route_sets import HOME, best_routes, block_routes, movable_part
from solver.solution import Solution, figures
from solver.stages import StageResult, coverage_weights
from solver.travel_bound import travel_floor
from tests.reference import reference_check
from tests.strategies import World, small_worlds, tiny_worlds
from tests.test_reroute import far_and_near, far_plan, later_goals, plan_of


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("route_sets")


def route_travel(
    scenario: Scenario, vid: str, block: Span, order: tuple[str, ...], ranges: dict[str, list[Span]]
) -> int | None:
    """The travel of visiting `order` from home and back inside `block`, each visit starting as
    early as rule 4 lets it and inside its ranges; None when the order does not fit."""
    travel = HaversineTravel(scenario.settings)
    vol = scenario.volunteers[vid]
    here, now, spent = vol.home, block[0], 0
    for tid in order:
        task = scenario.tasks[tid]
        leg = travel.minutes(vol.mode, here, task.location)
        now += leg
        fits = [max(now, lo) for lo, hi in ranges[tid] if hi >= now]
        if not fits:
            return None
        now, here, spent = min(fits) + task.duration_minutes, task.location, spent + leg
    back = travel.minutes(vol.mode, here, vol.home)
    return spent + back if now + back <= block[1] else None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=tiny_worlds())
def test_a_block_lists_every_set_of_visits_that_fits_at_its_least_travel(world: World) -> None:
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    for vid, vol in sorted(scenario.volunteers.items()):
        for b, block in enumerate(vol.blocks):
            ranges = {t: list(task.start_ranges) for t, task in sorted(scenario.tasks.items())}
            listed = block_routes(scenario, travel, vid, b, ranges)
            assert listed is not None
            every: dict[frozenset[str], int] = {}
            for k in range(1, min(4, len(ranges)) + 1):
                for order in itertools.permutations(sorted(ranges), k):
                    cost = route_travel(scenario, vid, block, order, ranges)
                    if cost is not None:
                        key = frozenset(order)
                        every[key] = min(every.get(key, cost), cost)
            small = {r: v[0] for r, v in listed.items() if len(r) <= 4}
            assert small == every
            for r, (cost, order, _) in listed.items():  # each order as listed fits, at its cost
                assert route_travel(scenario, vid, block, order, ranges) == cost
                assert set(order) == r and HOME not in order


def one_person(world: World) -> World:
    """The world's tasks of one person's skill (the first skill role, one person), fixed
    starts kept, without pins: a part whose routes are its whole later problem."""
    tasks = []
    for task in world["tasks"]:
        skill = next((n["skill"] for n in task["needs"] if "skill" in n), None)
        if skill is not None:
            tasks.append({**task, "needs": [{"skill": skill, "count": 1}]})
    kept = {t["id"] for t in tasks}
    declined = [d for d in world.get("declined", []) if d["task"] in kept]
    rest = {k: v for k, v in world.items() if k not in ("pinned", "declined")}
    return {**rest, "tasks": tasks, "declined": declined}


def goals_before_fairness(scenario: Scenario, sol: Solution) -> tuple[float, ...]:
    order = scenario.settings.objective_order
    return later_goals(scenario, sol)[: order.index("fairness")]


@pytest.mark.slow  # ~40 s on the shared machine (make check leaves it out; the suite runs it)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=small_worlds(), first=st.sampled_from(["continuity", "travel"]))
def test_routes_chosen_from_every_route_keep_every_rule_and_every_earlier_goal(
    world: World, first: str, scratch: Path
) -> None:
    order = [first, "travel" if first == "continuity" else "continuity", "fairness"]
    world = one_person(world)
    world = {**world, "settings": {**world.get("settings", {}), "objective_order": order}}
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    assume(movable_part(scenario, analyses, list(analyses)))
    start = greedy_plan(scenario, analyses, travel)
    new = best_routes(scenario, analyses, sorted(analyses), travel, start, seconds=2.0,
                      deterministic=True)  # fmt: skip
    assume(new is not None)
    assert new is not None
    plan = plan_of(scenario, new)
    assert validate(scenario, plan).violations == []
    errs, _ = reference_check(world, plan, scratch)
    assert errs == []
    before, after = figures(scenario, start, travel), figures(scenario, new, travel)
    assert all(after.served[p] >= before.served[p] for p in PRIORITIES)
    waited = [sum(scenario.tasks[t].waited for t in s.crews) for s in (start, new)]
    assert waited[1] >= waited[0]
    if after.served == before.served:
        assert goals_before_fairness(scenario, new) <= goals_before_fairness(scenario, start)
    if first == "continuity":
        assert after.continuity >= before.continuity
    floor = travel_floor(scenario, analyses, travel, after.served, after.continuity, seconds=5)
    assert floor is not None and floor <= after.travel_minutes
    floor = travel_floor(scenario, analyses, travel, before.served, before.continuity, seconds=5)
    assert floor is not None and floor <= before.travel_minutes


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=tiny_worlds())
def test_no_plan_travels_less_than_the_floor_at_its_coverage_and_pairs(world: World) -> None:
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=5, workers=1))
    assert plan.objective is not None
    floor = travel_floor(scenario, analyses, travel, dict(plan.objective.served),
                         plan.objective.continuity, seconds=5)  # fmt: skip
    assume(floor is not None)  # a crew of several people: outside the bound
    assert floor is not None and floor <= plan.objective.travel_minutes


def test_the_floor_is_the_least_travel_where_every_route_is_listed() -> None:
    scenario = build_scenario(far_and_near())
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    far = far_plan(scenario)
    near = best_routes(scenario, analyses, sorted(analyses), travel, far, seconds=5)
    assert near is not None
    assert {a.id for crew in near.crews.values() for a in crew} == {"v-near"}
    least = figures(scenario, near, travel).travel_minutes
    assert least < figures(scenario, far, travel).travel_minutes / 3
    served = {p: 2 * (p == "normal") for p in PRIORITIES}
    assert travel_floor(scenario, analyses, travel, served, 0) == least
    assert validate(scenario, plan_of(scenario, near)).violations == []


def test_a_part_with_a_crew_of_two_is_not_rechosen() -> None:
    world = far_and_near()
    world["tasks"][0]["needs"] = [{"skill": "companionship", "count": 2}]
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    assert not movable_part(scenario, analyses, sorted(analyses))
    start = greedy_plan(scenario, analyses, travel)
    assert best_routes(scenario, analyses, sorted(analyses), travel, start, seconds=5) is None
    assert travel_floor(scenario, analyses, travel, {}, 0) is None


def test_a_visit_at_a_fixed_start_is_rechosen_and_keeps_its_start() -> None:
    """Fixed starts are start ranges of one minute, which the listing keeps: the generated
    routing weeks have 1-4 such visits, which kept every block's routes out of the choice."""
    world = far_and_near()
    world["tasks"][1]["start"] = "2026-11-30T14:00"
    del world["tasks"][1]["windows"]
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    assert scenario.tasks["t-1"].fixed_start is not None
    assert movable_part(scenario, analyses, sorted(analyses))
    far = far_plan(scenario)
    near = best_routes(scenario, analyses, sorted(analyses), travel, far, seconds=5)
    assert near is not None
    assert near.starts["t-1"] == scenario.tasks["t-1"].fixed_start
    assert {a.id for crew in near.crews.values() for a in crew} == {"v-near"}
    assert (
        figures(scenario, near, travel).travel_minutes
        < figures(scenario, far, travel).travel_minutes
    )
    assert validate(scenario, plan_of(scenario, near)).violations == []


def _cover_then_route(scenario: Scenario, routes: Routes) -> tuple[Solution, list[StageResult]]:
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    floor = greedy_plan(scenario, analyses, travel)
    sol, stages, failure = cover_then_route(
        scenario, analyses, sorted(analyses), travel, weights, floor, budget=4.0, workers=1,
        seed=0, routes=routes,
    )  # fmt: skip
    assert failure is None and sol is not None
    return sol, stages


def test_the_travel_stage_is_the_route_choice_when_there_is_one() -> None:
    """The routes given take the travel stage's place after continuity; their travel is the
    stage's value, proved where they say so; fairness still follows on CP-SAT."""
    scenario = build_scenario(far_and_near())
    given: list[Solution] = []

    def far(sol: Solution, seconds: float, until: float | None) -> Routed:
        given.append(sol)
        plan = far_plan(scenario)
        return plan, {
            "travel": (
                figures(scenario, plan, HaversineTravel(scenario.settings)).travel_minutes,
                0,
                False,
            )
        }

    sol, stages = _cover_then_route(scenario, far)
    assert len(given) == 1
    assert [s.name for s in stages] == ["coverage", *scenario.settings.objective_order]
    travel = next(s for s in stages if s.name == "travel")
    assert (
        travel.value
        == figures(scenario, far_plan(scenario), HaversineTravel(scenario.settings)).travel_minutes
    )
    assert not travel.optimal  # the routes said it was not proved
    assert figures(scenario, sol, HaversineTravel(scenario.settings)).travel_minutes <= travel.value
    assert validate(scenario, plan_of(scenario, sol)).violations == []


def test_without_a_route_choice_the_travel_stage_is_cpsats() -> None:
    scenario = build_scenario(far_and_near())
    sol, stages = _cover_then_route(scenario, lambda sol, seconds, until: None)
    assert [s.name for s in stages] == ["coverage", *scenario.settings.objective_order]
    assert all(s.optimal for s in stages)  # two visits: CP-SAT proves every stage
    assert {a.id for crew in sol.crews.values() for a in crew} == {"v-near"}
