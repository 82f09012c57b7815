"""The route-set master by column generation (`solver.route_master`): a slot's best set is the
best of every set the slot can route (`solver.columns.block_sets`, listed apart), its bound is
never below the brute force's optimum given the counts above (one-day and wide weeks too), and
once converged it is the listed LP's value (`ColumnModel.linear`): a route allowed a minute too
close or a weekly limit dropped makes it larger there."""

from __future__ import annotations

import random

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver import analyse
from solver.columns import ColumnModel, block_sets
from solver.route_master import MARGIN, MasterBound, RouteMaster, best_set
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, small_worlds, tiny_worlds
from tests.test_colgen import crews_against_hours
from tests.test_coverage import SLOW_OK, two_visits


def _master(world: World) -> tuple[RouteMaster, ColumnModel]:
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    tids = sorted(scenario.tasks)
    return RouteMaster(scenario, analyses, tids, travel), ColumnModel(
        scenario, analyses, tids, travel
    )


def test_two_visits_a_minute_too_close_are_no_route() -> None:
    """Fails if pricing let a route leave less than the travel between visits."""
    for gap, both in ((-1, False), (0, True)):
        master, _ = _master(two_visits(gap))
        (slot,) = master.slots
        value, made, above = best_set(slot, {"a": 1.0, "b": 1.0})
        assert (value, above) == ((2.0, 2.0) if both else (1.0, 1.0)), (gap, value, made)


def test_the_weekly_limit_holds_the_bound() -> None:
    """Three walkers of two hours, visits of 90 minutes for two: the LP serves two of the
    three normal visits at most (4/3 visit each); without the limit, all three."""
    master, listed = _master(crews_against_hours())
    got = master.bound("normal", {"high": 1})
    assert got.converged
    assert abs(got.bound - 1.0) < 1e-6, got  # (3 * 120 / 90 - 2) / 2 = 1 beside the high visit
    assert abs(got.bound - listed.linear("normal", {"high": 1})[1]) < 1e-6


def test_a_bound_a_hair_above_a_count_still_proves_it() -> None:
    step = MasterBound("normal", 63.0 + 1e-9, 63.0, 1, True, 0.0, 0)
    assert step.proves(63) and not step.proves(62)
    assert not MasterBound("normal", 64.0 - MARGIN / 2, 64.0, 1, True, 0.0, 0).proves(63)


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
@example(world=two_visits(0)).via("travel binds exactly: both in one route")
@example(world=two_visits(-1)).via("a minute too close")
def test_a_slots_best_set_is_the_best_of_every_set_it_can_route(world: World) -> None:
    master, listed = _master(world)
    rng = random.Random(len(master.slots))
    for slot in master.slots:
        sets = block_sets(listed.scenario, HaversineTravel(listed.scenario.settings), slot.vid,
                          (slot.begin, slot.end), slot.ranges)  # fmt: skip
        assert sets is not None
        for _ in range(3):
            prize = {t: rng.uniform(-1, 2) for t in slot.ranges}
            value, made, above = best_set(slot, prize)
            truth = max((sum(max(0.0, prize[t]) for t in s) for s in sets), default=0.0)
            assert above == value and abs(value - truth) < 1e-9, (slot, prize, made, sets)
            assert not made or made in sets


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(st.one_of(tiny_worlds(), small_worlds())), data=st.data())
@example(world=two_visits(0), data=None).via("travel binds exactly: both in one route")
@example(world=two_visits(-1), data=None).via("a minute too close")
def test_a_slots_search_cut_short_or_started_from_its_columns_still_bounds_its_best(
    world: World, data: st.DataObject | None
) -> None:
    """Stop 26 A: `best_set` started from sets the slot routes (`known`) finds the best, and
    cut short after a few labels its bound (the knapsack of each label's time left) is never
    below the best of every set the slot routes, nor its set's prize above it."""
    master, listed = _master(world)
    rng = random.Random(len(master.slots) + len(world["tasks"]))
    for slot in master.slots:
        sets = block_sets(listed.scenario, HaversineTravel(listed.scenario.settings), slot.vid,
                          (slot.begin, slot.end), slot.ranges)  # fmt: skip
        assert sets is not None
        listed_sets = sorted(sets, key=sorted)
        for _ in range(3):
            prize = {t: rng.uniform(-1, 2) for t in slot.ranges}
            truth = max((sum(max(0.0, prize[t]) for t in s) for s in sets), default=0.0)
            known = rng.sample(listed_sets, min(len(listed_sets), rng.randint(0, 4)))
            value, made, above = best_set(slot, prize, known=known)
            assert above == value and abs(value - truth) < 1e-9, (slot, prize, known, made)
            for cap in (0, 1, 3, 10):
                value, made, above = best_set(slot, prize, cap, known)
                assert value <= truth + 1e-9 <= above + 2e-9, (cap, value, truth, above, slot)
                assert not made or made in sets
                assert abs(sum(max(0.0, prize[t]) for t in made) - value) < 1e-9


def _against_brute(world: World, smooth: float = 0.0) -> None:
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    truth = brute.solve().served
    master, listed = _master(world)
    open_ = [t for t in master.open]
    for n, p in enumerate(PRIORITIES):
        if any(scenario.tasks[t].priority == p for t in open_):
            held = {q: truth[q] for q in PRIORITIES[:n]}
            got = master.bound(p, held, smooth=smooth)
            assert got.bound >= truth[p] - 1e-6 and got.sound(), (p, got, truth)
            assert not got.proves(truth[p] - 1), (p, got, truth)
            assert got.converged
            lp = listed.linear(p, held)[1]
            assert abs(got.lp - lp) < 1e-6 and abs(got.bound - lp) < 1e-6, (p, got, lp)


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(-1)).via("a minute too close: times bind")
@example(world=two_visits(0)).via("exactly the travel between: both fit")
def test_the_bound_is_never_below_the_brute_force_and_is_the_listed_lp(world: World) -> None:
    _against_brute(world)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_the_bound_holds_in_one_day_and_wide_weeks(world: World) -> None:
    _against_brute(world)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=st.one_of(tiny_worlds(), shaped_worlds(tiny_worlds())))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(-1)).via("a minute too close: times bind")
def test_smoothed_duals_bound_as_the_lps_own_and_converge_to_the_listed_lp(world: World) -> None:
    """Stop 26 A: priced at the mix of the best bound's duals and the LP's (Wentges), every
    round's bound still holds and the converged one is the listed LP's."""
    _against_brute(world, smooth=0.7)
