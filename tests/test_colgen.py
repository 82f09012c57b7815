"""The bound of `solver.colgen` (column generation over each volunteer's week) is true and
means something: never below what any plan can reach (the brute force on tiny worlds, with
crews and binding weekly hours), and tighter than the bound a solve gives without it on a
contended week. Its parts on their own: the knapsack against enumeration, and every
volunteer's visits in the brute force's plans routable."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver import allowed, analyse, components
from solver.colgen import ColumnBound, block_minutes, pricing
from solver.colgen_times import Timetable
from solver.conditional import combine
from solver.greedy import greedy_plan
from solver.solution import count_by_priority, weighted_gap
from solver.stages import coverage_weights
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, small_worlds, tiny_worlds
from tests.test_conditional import best_given, part_of
from tests.test_coverage import SLOW_OK, first_goals, proved, two_visits
from worldgen import generate_world


def crews_against_hours(people: int = 3, hours: float = 2, visits: int = 4) -> World:
    """`people` walkers of `hours` a week, `visits` visits of 90 minutes for two of them, any
    time on Monday: each can give one visit (two need 180 minutes), so people // 2 visits are
    served, where the compact LP's hours allow 120/90 of a visit each."""
    home = {"lat": 34.75, "lon": 113.65}
    return {
        "name": "crews against hours",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": f"v{i}", "skills": ["s"], "home": home, "max_hours_per_week": hours,
             "availability": [{"days": ["mon"], "from": "08:00", "to": "20:00"}]}
            for i in range(people)
        ],
        "tasks": [
            {"id": f"t{i}", "needs": [{"skill": "s", "count": 2}], "duration_minutes": 90,
             "location": home, "windows": [{"days": ["mon"], "from": "08:00", "to": "20:00"}],
             "priority": "high" if i == 0 else "normal"}
            for i in range(visits)
        ],
    }  # fmt: skip


PartBound = Callable[..., dict[str, int]]
"""bounds(scenario, analyses, a part's tasks, travel, greedy's plan): per priority."""


def bound_against_truth(
    world: World, bounds: PartBound, *, hypothesis: bool = True
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(greedy's counts, `bounds` given them joined over the parts by `combine`, the brute
    force's truth given them)."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    if hypothesis:
        assume(brute.assumptions_hold())
    else:
        assert brute.assumptions_hold()
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    plan = greedy_plan(scenario, analyses, travel)
    served = count_by_priority(scenario, plan.crews)
    parts = [
        part_of(scenario, plan, tids, weights, bounds(scenario, analyses, tids, travel, plan))
        for tids in components(analyses)
    ]
    bound = combine(parts, weights) if parts else dict.fromkeys(PRIORITIES, 0)
    return served, bound, best_given(brute.reachable(), served)


def _columns(scenario: Any, analyses: Any, tids: Any, travel: Any, plan: Any) -> dict[str, int]:
    return ColumnBound(scenario, analyses, tids, travel).bounds(plan, budget=30, deterministic=True)


def _colgen_bound(
    world: World, *, hypothesis: bool = True
) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """(greedy's counts, column generation's bound given them, the brute force's truth)."""
    return bound_against_truth(world, _columns, hypothesis=hypothesis)


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(-1)).via("a minute too close: times bind")
def test_the_column_bound_is_never_below_the_truth(world: World) -> None:
    served, bound, truth = _colgen_bound(world)
    for p in PRIORITIES:
        assert served[p] <= truth[p] <= bound[p], (p, served, truth, bound)


@pytest.mark.parametrize(("people", "served"), [(3, 1), (4, 2), (5, 2)])
def test_crews_against_hours_are_bounded_exactly(people: int, served: int) -> None:
    """Where the compact LP allows 4 / 3 of a visit per person, the patterns allow one: the
    bound is what a plan serves (and with the normal visits below the high one, each priority
    is exact). Fails if a volunteer's pattern could hold two 90-minute visits in two hours."""
    _, bound, truth = _colgen_bound(crews_against_hours(people), hypothesis=False)
    assert sum(truth.values()) == served
    assert bound == truth


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_the_column_bound_is_never_below_the_truth_in_one_day_and_wide_weeks(
    world: World,
) -> None:
    """Where each volunteer's blocks, not their weekly hours, hold their visits (every visit
    on one day), and where every window is open all day."""
    served, bound, truth = _colgen_bound(world)
    for p in PRIORITIES:
        assert served[p] <= truth[p] <= bound[p], (p, served, truth, bound)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_the_column_bound_is_never_below_the_routing_models_proved_optimum(world: World) -> None:
    """Small worlds, no brute force: the exact routing model's proved plan (one model of the
    whole contract, independent of the pricing) serves, at each priority, no more than column
    generation bounds given that plan's own counts above."""
    scenario = build_scenario(world)
    best, stages = first_goals(scenario, pairwise=False)
    assume(proved(stages))
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    for tids in components(analyses):
        mine = set(tids)
        got = ColumnBound(scenario, analyses, tids, travel).bounds(
            best, budget=30, deterministic=True
        )
        reached = count_by_priority(scenario, (t for t in best.crews if t in mine))
        assert all(reached[p] <= got[p] for p in PRIORITIES), (reached, got)


def one_block(visits: int = 10, minutes: int = 20) -> World:
    """One walker of ten hours a week with one two-hour block, `visits` visits of `minutes` at
    their home in it: 120 // minutes are served. More than MAX_VISITS (7) visits are taken as
    routable without a check, so only the block's minutes hold the pricing to that."""
    home = {"lat": 34.75, "lon": 113.65}
    return {
        "name": "one block",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "v", "skills": ["s"], "home": home, "max_hours_per_week": 10,
             "availability": [{"days": ["mon"], "from": "08:00", "to": "10:00"}]}
        ],
        "tasks": [
            {"id": f"t{i}", "needs": [{"skill": "s", "count": 1}], "duration_minutes": minutes,
             "location": home, "windows": [{"days": ["mon"], "from": "08:00", "to": "10:00"}],
             "priority": "normal"}
            for i in range(visits)
        ],
    }  # fmt: skip


def test_a_volunteers_blocks_bound_their_minutes() -> None:
    """Ten 20-minute visits for one walker with a two-hour block and ten weekly hours: the
    bound is six, what a plan serves. Fails if the pricing counts weekly hours only (ten)."""
    scenario = build_scenario(one_block())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    plan = greedy_plan(scenario, analyses, travel)
    (tids,) = components(analyses)
    got = ColumnBound(scenario, analyses, tids, travel).bounds(plan, budget=30, deterministic=True)
    assert count_by_priority(scenario, plan.crews)["normal"] <= got["normal"] == 6


def test_block_minutes_count_the_blocks_a_candidate_visit_can_start_in() -> None:
    """Blocks on Monday 08-10 and 09-11 (overlapping: 180 minutes, not 240) and Tuesday 08-10;
    visits only on Monday: 180; with one on Tuesday too: 300."""
    world = one_block(visits=2)
    world["volunteers"][0]["availability"] = [
        {"days": ["mon"], "from": "08:00", "to": "10:00"},
        {"days": ["mon"], "from": "09:00", "to": "11:00"},
        {"days": ["tue"], "from": "08:00", "to": "10:00"},
    ]
    world["tasks"][1]["windows"] = [{"days": ["tue"], "from": "08:00", "to": "10:00"}]
    scenario = build_scenario(world)
    analyses = analyse(scenario, HaversineTravel(scenario.settings))
    assert block_minutes(scenario, analyses, "v", ["t0"]) == 180
    assert block_minutes(scenario, analyses, "v", ["t0", "t1"]) == 300
    assert block_minutes(scenario, analyses, "v", []) == 0


def test_times_bind_in_the_pricing() -> None:
    """Two half-hour visits a minute too close for one walker: the knapsack alone allows both,
    the routable patterns one."""
    _, bound, truth = _colgen_bound(two_visits(-1), hypothesis=False)
    assert sum(bound.values()) == sum(truth.values()) == 1


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.tuples(st.floats(0, 5), st.integers(0, 6)), max_size=8),
    capacity=st.integers(0, 15),
)
def test_the_knapsack_is_exact(items: list[tuple[float, int]], capacity: int) -> None:
    profits, sizes = [p for p, _ in items], [s for _, s in items]
    value, chosen = pricing(profits, sizes, capacity)
    assert len(set(chosen)) == len(chosen) and sum(sizes[i] for i in chosen) <= capacity
    assert value == pytest.approx(sum(profits[i] for i in chosen))
    best = max(
        sum(profits[i] for i in pick)
        for k in range(len(items) + 1)
        for pick in itertools.combinations(range(len(items)), k)
        if sum(sizes[i] for i in pick) <= capacity
    )
    assert value == pytest.approx(best, abs=1e-6)


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
def test_every_volunteers_visits_in_a_best_plan_are_routable(world: World) -> None:
    """The brute force's plan (the contract's rules, checked its own way): each volunteer's
    visits are a routable set for `solver.colgen_times`, which the bound's soundness needs."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    best = brute.solve()
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    visits: dict[str, list[str]] = {}
    for tid, (_, crew) in best.plan.items():
        for vid, _, _ in crew:
            visits.setdefault(vid, []).append(tid)
    for vid, tasks in visits.items():
        assert Timetable(scenario, analyses, vid, tasks, travel).routable(tasks), (vid, tasks)


def _contended() -> dict[str, Any]:
    return generate_world(120, 16, 1, 7101, contended=True)


@pytest.mark.slow
def test_the_column_bound_is_tighter_than_without_it_on_a_contended_week() -> None:
    """The same contended week, the same deterministic budget (one worker), with and without
    column generation, through neighbourhood search (the path of parts too large for one exact
    model, whose bounds are relaxations): the plan's gap (weights 100/30/8/1) falls. Fails if
    the bound adds nothing to CP-SAT's relaxations."""
    scenario = build_scenario(_contended())
    gaps = []
    for colgen in (False, True):
        options = solver.SolveOptions(
            time_limit=2, workers=1, seed=0, colgen=colgen, max_exact_arcs=0
        )
        plan = solver.solve(scenario, options)
        assert plan.objective is not None
        gaps.append(weighted_gap(plan.objective.served, plan.bound))
    assert gaps[1] < gaps[0], gaps


@pytest.mark.parametrize("budget", [0.005 * k for k in range(1, 9)])
def test_a_budget_that_stops_a_pricing_round_still_gives_a_bound(budget: float) -> None:
    """Time that runs out in the middle of a round of pricing (before every volunteer is
    priced, so that round gives no bound): the answer is still a bound, never below the
    plan's own count, and never above every task."""
    scenario = build_scenario(generate_world(200, 24, 1, 7101, contended=True))
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    plan = greedy_plan(scenario, analyses, travel)
    for tids in components(analyses):
        got = ColumnBound(scenario, analyses, tids, travel).bounds(
            plan, budget=budget, deterministic=True
        )
        mine = set(tids)
        served = count_by_priority(scenario, (t for t in plan.crews if t in mine))
        totals = count_by_priority(scenario, tids)
        assert all(served[p] <= got[p] <= totals[p] for p in PRIORITIES), (served, got)


def _some_order_routes(tt: Timetable, tasks: list[str]) -> bool:
    """Every order of `tasks` tried, each visit started as early as `_next` places it."""
    for order in itertools.permutations(tasks):
        end, block, prev = 0, -1, None
        for t in order:
            got = tt._next(t, prev, end, block)
            if got is None:
                break
            (end, block), prev = got, t
        else:
            return True
    return False


@pytest.mark.parametrize("seed", [7004, 7101])
def test_routable_sets_are_those_some_order_routes(seed: int) -> None:
    """The layered search over orders (states dropped once a visit can no longer start)
    against every order of up to five visits, on a one-day week where times bind: the same
    answer for every set. Fails if a state is dropped that some order goes on from."""
    world = generate_world(120, 30, 1, seed)
    for task in world["tasks"]:
        for window in task.get("windows", []):
            window["days"] = ["wed"]
    world.pop("pinned", None)
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    rng = random.Random(seed)
    tried = routable = 0
    for vid in sorted(scenario.volunteers):
        mine = sorted(t for t, a in analyses.items() if vid in a.free)
        for _ in range(12 if len(mine) >= 3 else 0):
            tasks = rng.sample(mine, rng.randint(3, min(5, len(mine))))
            tt = Timetable(scenario, analyses, vid, mine, travel)
            assert tt._orders(tasks) == _some_order_routes(tt, tasks), (vid, tasks)
            tried, routable = tried + 1, routable + tt._orders(tasks)
    assert tried > 100 and 0 < routable < tried, (tried, routable)
