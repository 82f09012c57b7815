"""Price and branch (`solver.route_plan`): the integer master's chosen sets turned into visits
are a plan that keeps every rule, held against the project's validator and the reference
checker (written apart) on tiny, one-day and wide worlds; two visits exactly the travel apart
are both served at their earliest starts, a minute too close only one."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

from hypothesis import example, given, settings

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, Location, Settings
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import analyse, route_plan
from solver.greedy import greedy_plan
from solver.route_master import RouteMaster
from solver.route_plan import column_hint, column_plan, integer_master, routes_of
from solver.solution import Solution, build_plan, count_by_priority
from tests.reference import reference_check
from tests.strategies import World, shaped_worlds, tiny_worlds
from tests.test_colgen import crews_against_hours
from tests.test_coverage import SLOW_OK, two_visits


def _plans(world: World) -> list[tuple[str, Solution, int]]:
    """Each priority's column plan (nothing held above it) and the integer master's value."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    master = RouteMaster(scenario, analyses, sorted(scenario.tasks), travel)
    out = []
    for n, p in enumerate(PRIORITIES):
        if any(scenario.tasks[t].priority == p for t in master.open):
            held = dict.fromkeys(PRIORITIES[:n], 0)
            step = master.bound(p, held)
            got = integer_master(master, p, held, step, seconds=5, workers=1)
            out.append((p, column_plan(master, got.chosen, got.served), got.value))
    return out


def _valid(world: World, sol: Solution) -> None:
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    plan = build_plan(scenario, sol, analyse(scenario, travel), travel, status="feasible",
                      bound={}, started=time.monotonic())  # fmt: skip
    dumped = plan_json.dump(plan, scenario)
    report = validate(scenario, dumped)
    assert report.ok, report.violations
    with tempfile.TemporaryDirectory() as tmp:
        errs, _ = reference_check(world, dumped, Path(tmp))
    assert not errs, errs


def test_two_visits_exactly_the_travel_apart_are_both_served_at_their_earliest() -> None:
    """Fails if a visit started a minute early or late, or a minute too close were routed."""
    for gap in (0, -1):
        world = two_visits(gap)
        ((_, sol, value),) = _plans(world)
        if gap == 0:
            assert value == 2 and sol.starts == {"a": 9 * 60, "b": 9 * 60 + 30 + _walk()}, sol
        else:
            assert value == 1 and len(sol.crews) == 1, sol
        _valid(world, sol)


def _walk() -> int:
    home, far = Location(lat=34.75, lon=113.65), Location(lat=34.755, lon=113.65)
    return HaversineTravel(Settings()).minutes("walk", home, far)  # as two_visits walks it


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(0)).via("travel binds exactly")
def test_the_column_plan_keeps_every_rule(world: World) -> None:
    for _, sol, _ in _plans(world):
        _valid(world, sol)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
@example(world=crews_against_hours()).via("crews against weekly hours")
def test_a_plans_routes_as_seed_columns_reach_its_counts_without_pricing(world: World) -> None:
    """The hint's seed (stop 24 A3): greedy's routes as columns (`routes_of`) and no round of
    pricing (singletons and the seed only); the integer master, greedy's counts above held
    softly, meets them and serves at least greedy's count of each priority, since greedy's
    plan is one of its solutions. Fails if the seed is dropped or cut (a volunteer then routes
    one visit), a route mapped to the wrong block, or a held count missed."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    master = RouteMaster(scenario, analyses, sorted(scenario.tasks), travel)
    greedy = greedy_plan(scenario, analyses, travel)
    open_ = set(master.open)
    mine = {q: sum(scenario.tasks[t].priority == q for t in greedy.crews if t in open_)
            for q in PRIORITIES}  # fmt: skip
    seed = routes_of(master, greedy)
    for n, p in enumerate(PRIORITIES):
        held = {q: mine[q] for q in PRIORITIES[:n]}
        step = master.bound(p, held, max_rounds=0, seed=seed)
        got = integer_master(master, p, held, step, seconds=5, workers=1, soft=True)
        assert got.status == "OPTIMAL", got
        served = {q: sum(scenario.tasks[t].priority == q for t in got.served) for q in PRIORITIES}
        assert all(served[q] >= k for q, k in held.items()), (held, served)
        assert got.value >= mine[p], (p, got.value, mine)


def test_held_counts_out_of_reach_are_soft_in_the_integer_master() -> None:
    """Hard, a held count above every task of its priority leaves the master infeasible;
    soft, it answers with every task it can serve, the count short at a cost above every
    task (the low step's hint had nothing when its held count was out of its sets' reach)."""
    world = two_visits(0)
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    master = RouteMaster(scenario, analyses, sorted(scenario.tasks), travel)
    (p,) = {scenario.tasks[t].priority for t in master.open}
    above = next(q for q in PRIORITIES if q != p)
    held = {above: 1}  # no task of `above` in the world
    step = master.bound(p, held)
    hard = integer_master(master, p, held, step, seconds=5, workers=1)
    soft = integer_master(master, p, held, step, seconds=5, workers=1, soft=True)
    assert hard.status == "INFEASIBLE" and not hard.chosen, hard
    assert soft.status == "OPTIMAL" and len(soft.served) == 2, soft
    assert soft.value == 2 - (len(step.tids) + 1), soft
    _valid(world, column_plan(master, soft.chosen, soft.served))


@settings(max_examples=15, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
@example(world=two_visits(-1)).via("the hint runs on the normal step")
@example(world=crews_against_hours()).via("crews against weekly hours")
def test_the_column_hint_is_a_valid_plan_that_keeps_the_held_counts(world: World) -> None:
    """With the hint on (stop 24 A3), every column plan hinted to a step is a plan that keeps
    every rule and serves each count held above the step, and so is the planner's plan."""
    scenario = build_scenario(world)
    hints: list[tuple[dict[str, int], Solution]] = []

    def kept(*args: Any, **kw: Any) -> Solution | None:
        got = column_hint(*args, **kw)
        if got is not None:
            hints.append((dict(args[2]), got))
        return got

    with patch.object(route_plan, "HINT", True), patch.object(route_plan, "column_hint", kept):
        plan = solver.solve(scenario, solver.SolveOptions(time_limit=1, workers=1, seed=0,
                                                          by_priority=True))  # fmt: skip
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
    for held, sol in hints:
        served = count_by_priority(scenario, list(sol.crews))
        assert all(served[q] >= n for q, n in held.items()), (held, served)
        _valid(world, sol)


def test_the_column_hint_keeps_its_columns_and_refuses_a_plan_short_of_a_held_count() -> None:
    """On a one-day part the hint's master and sets are kept on the model for the next step
    (the same master, every set of the first step among them); a column plan short of a held
    count (the integer master's soft rows let it be) is no hint (None)."""
    world = two_visits(0)
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    model = SimpleNamespace(scenario=scenario, analyses=analyses, tids=sorted(analyses),
                            travel=travel)  # fmt: skip
    with patch.object(route_plan, "HINT", True):
        sol = column_hint(model, "normal", {}, None, 10.0)
        assert sol is not None and len(sol.crews) == 2, sol
        master, sets = model._route_columns
        assert column_hint(model, "normal", {"high": 1}, None, 10.0) is None
        again, more = model._route_columns
        assert again is master and set(sets) <= set(more), (sets, more)
    _valid(world, sol)
