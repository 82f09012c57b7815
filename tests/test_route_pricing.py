"""Priced routes (`solver.route_pricing`): column generation over the set-partitioning model
of `solver.route_sets`, for blocks that hold too many routes to list. Its bound is never above
the travel of any plan the brute force finds at that coverage and pairs; label setting prices
what the listing holds (both finished, the same LP optimum); and the plan re-chosen over the
priced routes keeps every hard rule and the plan's coverage and pairs."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings

import solver
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, Scenario, Span
from mutualaid.domain.plan import AssignedVolunteer
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import part_routes, route_sets
from solver.analysis import TaskAnalysis
from solver.greedy import greedy_plan
from solver.parts import PartJob
from solver.reroute import REROUTING, later_goals
from solver.route_pricing import priced_listing, priced_routes
from solver.route_sets import Route, best_routes, block_routes, movable_part, starts_of
from solver.solution import Solution, figures
from tests.brute_force import BruteForce
from tests.reference import reference_check
from tests.strategies import World, small_worlds, tiny_worlds
from tests.test_reroute import plan_of
from tests.test_route_sets import one_person

Blocks = dict[tuple[str, int], dict[str, list[Span]]]


def blocks_of(
    scenario: Scenario, analyses: dict[str, TaskAnalysis], travel: HaversineTravel
) -> tuple[Blocks, dict[tuple[str, int], dict[frozenset[str], Route] | None]]:
    """Every block's visits and start ranges, and its routes listed (as `travel_floor`)."""
    tasks = sorted(t for t, a in analyses.items() if a.reason is None and a.free)
    blocks: Blocks = {}
    listed: dict[tuple[str, int], dict[frozenset[str], Route] | None] = {}
    for vid in sorted(scenario.volunteers):
        for b, block in enumerate(scenario.volunteers[vid].blocks):
            ranges = {t: r for t in tasks if (r := starts_of(analyses[t], vid, block))}
            if ranges:
                blocks[(vid, b)] = ranges
                listed[(vid, b)] = block_routes(scenario, travel, vid, b, ranges)
    return blocks, listed


def served_and_pairs(scenario: Scenario, sol: Solution) -> tuple[dict[str, int], int]:
    served = dict.fromkeys(PRIORITIES, 0)
    for t in sol.crews:
        served[scenario.tasks[t].priority] += 1
    pairs = scenario.continuity_pairs()
    return served, sum((t, a.id) in pairs for t, crew in sol.crews.items() for a in crew)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=tiny_worlds())
def test_the_priced_bound_is_never_above_a_brute_force_plans_travel(world: World) -> None:
    scenario = build_scenario(one_person(world))
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    blocks, _ = blocks_of(scenario, analyses, travel)
    plans = []
    for found in brute.plans():
        sol = Solution(
            {t: s for t, (s, _) in found.items()},
            {
                t: tuple(AssignedVolunteer(v, r, team) for v, r, team in c)
                for t, (_, c) in found.items()
            },
        )
        served, pairs = served_and_pairs(scenario, sol)
        plans.append((served, pairs, figures(scenario, sol, travel).travel_minutes))
    served, pairs, _ = max(plans, key=lambda p: (sum(p[0].values()), p[1]))
    least = min(m for s, k, m in plans if k >= pairs and all(s[p] >= served[p] for p in PRIORITIES))
    none = dict.fromkeys(blocks)  # every block priced by label setting, none listed
    out = priced_routes(scenario, travel, blocks, none, served, pairs, seconds=20)
    assert out.finished
    assert math.ceil(out.bound - 1e-6) <= least


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=small_worlds())
def test_label_setting_reaches_the_lp_optimum_over_every_listed_route(world: World) -> None:
    """A route that pricing missed would leave the LP above the one over every route; a route
    it made up would take it below."""
    scenario = build_scenario(one_person(world))
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    blocks, listed = blocks_of(scenario, analyses, travel)
    assume(blocks and all(r is not None for r in listed.values()))
    start = greedy_plan(scenario, analyses, travel)
    served, pairs = served_and_pairs(scenario, start)
    scanned = priced_routes(scenario, travel, blocks, listed, served, pairs, seconds=30)
    labelled = priced_routes(scenario, travel, blocks, dict.fromkeys(blocks), served, pairs,
                             seconds=30)  # fmt: skip
    assert scanned.finished and labelled.finished
    assert labelled.lp == pytest.approx(scanned.lp, abs=1e-4)
    assert labelled.bound == pytest.approx(scanned.bound, abs=1e-4)
    assert math.ceil(labelled.bound - 1e-6) <= figures(scenario, start, travel).travel_minutes


def routing_part(world: World) -> tuple[World, Any, HaversineTravel, Any, list[str], Any]:
    """The world with one-person visits and travel before fairness (best_routes leaves
    fairness to its caller), built and analysed, with greedy's plan; skipped (assume) when no
    part has a visit to move."""
    world = one_person(world)
    order = ["continuity", "travel", "fairness"]
    world = {**world, "settings": {**world.get("settings", {}), "objective_order": order}}
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    tids = sorted(analyses)
    assume(movable_part(scenario, analyses, tids))
    return world, scenario, travel, analyses, tids, greedy_plan(scenario, analyses, travel)


def assert_a_choice_of_routes(world: World, scenario: Scenario, travel: HaversineTravel,
                              start: Solution, new: Solution, scratch: Path) -> None:  # fmt: skip
    """`new`, chosen over routes from `start`, is a plan (our validator and the reference
    checker), serves as much at every priority with as many pairs, and travels no more."""
    plan = plan_of(scenario, new)
    assert validate(scenario, plan).violations == []
    errs, _ = reference_check(world, plan, scratch)
    assert errs == []
    before, after = served_and_pairs(scenario, start), served_and_pairs(scenario, new)
    assert all(after[0][p] >= before[0][p] for p in PRIORITIES) and after[1] >= before[1]
    assert (
        figures(scenario, new, travel).travel_minutes
        <= figures(scenario, start, travel).travel_minutes
    )


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("route_pricing")


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=small_worlds())
def test_a_plan_rechosen_over_priced_routes_keeps_every_rule_coverage_and_pairs(
    world: World, scratch: Path
) -> None:
    world, scenario, travel, analyses, tids, start = routing_part(world)
    with pytest.MonkeyPatch.context() as mp:  # every block too many to list: all priced
        mp.setattr(route_sets, "ROUTES_PER_BLOCK", 0)
        cache, priced = priced_listing(scenario, analyses, tids, travel, start, seconds=20)
    assume(priced is not None)
    new = best_routes(scenario, analyses, tids, travel, start, seconds=10, listed=cache,
                      narrow=False)  # fmt: skip
    assert new is not None  # the plan's own routes are among the priced: it is a choice
    assert_a_choice_of_routes(world, scenario, travel, start, new, scratch)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=small_worlds())
def test_rerouting_with_every_block_priced_keeps_every_rule_and_is_no_worse(
    world: World, scratch: Path
) -> None:
    """Rerouting's route sets (`part_routes.by_route_sets`) with every block too wide to list:
    priced routes stand in for `_nearest` (the choice runs unnarrowed), and what it keeps is a
    plan of every rule, no worse in coverage, waiting or the later goals in the scenario's
    order (fairness included) than the plan it started from."""
    world, scenario, travel, analyses, tids, start = routing_part(world)
    weights = dict.fromkeys(PRIORITIES, 1)
    job = PartJob(tids, analyses, weights, None, share=20.0, budget=20.0, workers=2, seed=0,
                  max_exact_arcs=10**9, deterministic=False,
                  rerouting=replace(REROUTING, priced=True))  # fmt: skip
    narrowed: list[bool] = []
    priced: list[object] = []

    def listing(*args: object, **kw: object) -> object:
        out = priced_listing(*args, **kw)  # type: ignore[arg-type]
        priced.append(out[1])
        return out

    def spy(*args: object, **kw: object) -> Solution | None:
        narrowed.append(bool(kw.get("narrow", True)))
        return best_routes(*args, **kw)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(route_sets, "ROUTES_PER_BLOCK", 0)
        mp.setattr(part_routes, "best_routes", spy)
        mp.setattr(part_routes, "priced_listing", listing)
        new = part_routes.by_route_sets(scenario, job, travel, start, None, {})
    assume(priced and priced[0] is not None)  # some block had a visit to route
    assert narrowed == [False]  # priced routes in `_nearest`'s place
    plan = plan_of(scenario, new)
    assert validate(scenario, plan).violations == []
    errs, _ = reference_check(world, plan, scratch)
    assert errs == []
    weighted = part_routes.weighted_coverage
    assert weighted(scenario, job, new) >= weighted(scenario, job, start)
    assert later_goals(scenario, analyses, tids, travel, new) <= later_goals(
        scenario, analyses, tids, travel, start
    )
