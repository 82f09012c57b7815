"""Reduced-cost route enumeration (`solver.route_enum`, stop 27 A): a slot's enumeration is
exactly the sets it routes at or above the threshold (`solver.columns.block_sets`, listed
apart), and on tiny worlds, one-day ones among them, no count below the brute force's optimum
is ever proved: every step proved at the brute force's optimum is proved there and no lower,
and the integer master's optimum, when found, is never below it."""

from __future__ import annotations

import random

from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver import analyse
from solver.columns import block_sets
from solver.route_enum import enumerate_sets, prove
from solver.route_master import RouteMaster
from tests.brute_force import BruteForce
from tests.strategies import World, reshaped, shaped_worlds, small_worlds, tiny_worlds
from tests.test_colgen import crews_against_hours
from tests.test_coverage import SLOW_OK, two_visits


def _master(world: World) -> RouteMaster:
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    return RouteMaster(scenario, analyse(scenario, travel), sorted(scenario.tasks), travel)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(st.one_of(tiny_worlds(), small_worlds())))
@example(world=two_visits(0)).via("travel binds exactly: both in one route")
@example(world=two_visits(-1)).via("a minute too close")
def test_a_slots_enumeration_is_every_set_it_routes_at_or_above_the_threshold(
    world: World,
) -> None:
    """Fails if the enumeration dropped a set it should list (a label pruned too soon, a
    threshold off) or listed one the slot cannot route."""
    master = _master(world)
    travel = HaversineTravel(master.scenario.settings)
    rng = random.Random(len(master.slots) + len(world["tasks"]))
    for slot in master.slots:
        sets = block_sets(master.scenario, travel, slot.vid, (slot.begin, slot.end), slot.ranges)
        assert sets is not None
        for n in range(6):
            prize = {t: rng.choice((-1.0, 0.0, 0.5, 1.0, rng.uniform(-1, 2))) for t in slot.ranges}
            if n % 2:  # prize by the minute: long visits first by ratio, short ones to fill
                prize = {t: slot.minutes[t] / 60 + rng.uniform(-0.1, 0.1) for t in slot.ranges}
            values = sorted({sum(prize[t] for t in s) for s in sets} | {0.0})
            # Near the best, where the knapsack's bound decides what is pruned.
            floor = rng.choice([*values[-4:], rng.uniform(-2, 3)])
            got, _ = enumerate_sets(slot, prize, floor)
            assert got is not None
            limit = rng.choice((None, rng.randint(0, 240)))
            if limit is not None:
                cut, _ = enumerate_sets(slot, prize, floor, limit=limit)
                assert cut == {s for s in got if sum(slot.minutes[t] for t in s) <= limit}
            # (sums in another order differ by a hair: a set that close to the floor may go
            # either way, every other exactly as listed)
            must = {s for s in sets if sum(prize[t] for t in s) >= floor + 1e-9}
            may = {s for s in sets if sum(prize[t] for t in s) >= floor - 1e-9}
            if floor <= 0:
                must.add(frozenset())
                may.add(frozenset())
            assert must <= got <= may, (slot, prize, floor, must - got, got - may)


def _one_day(world: World) -> World:
    return reshaped(world, "one-day")


def _against_brute(world: World) -> None:
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    truth = brute.solve().served
    master = _master(world)
    for n, p in enumerate(PRIORITIES):
        if not any(scenario.tasks[t].priority == p for t in master.open):
            continue
        held = {q: truth[q] for q in PRIORITIES[:n]}
        step = master.bound(p, held)
        assert step.converged and step.duals is not None
        # From floor(L) - 1 down: never proved below the truth; an optimum never under it.
        got = prove(master, p, held, step, seconds=30.0)
        assert got.proved is None or got.proved >= truth[p], (p, got.proved, truth, got.tries)
        if got.optimum:
            assert got.value is not None and got.value >= truth[p], (p, got.value, truth)
        # One try at the truth less one (a wrong claim): never proved.
        if truth[p] >= 1:
            wrong = prove(master, p, held, step, target=truth[p] - 1, seconds=30.0)
            assert wrong.proved is None or wrong.proved >= truth[p], (p, wrong.tries, truth)
        # One try at the truth: where the master's relaxation is tight, proved exactly there.
        right = prove(master, p, held, step, target=truth[p], seconds=30.0)
        assert right.proved is None or right.proved >= truth[p], (p, right.tries, truth)
        event(f"a step proved at the truth: {right.proved == truth[p]}")


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds().map(_one_day))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(-1)).via("a minute too close: times bind")
@example(world=two_visits(0)).via("exactly the travel between: both fit")
def test_no_step_of_a_tiny_one_day_week_is_proved_below_the_brute_force(world: World) -> None:
    _against_brute(world)


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(world=st.one_of(tiny_worlds(), shaped_worlds(tiny_worlds())))
def test_no_step_of_a_tiny_week_is_proved_below_the_brute_force(world: World) -> None:
    _against_brute(world)
