"""Each slot's route sets in the pairwise model (`solver.route_hull`): a set is listed exactly
when its visits fit one route, every plan keeping the rules uses a listed set in every slot
(held against every plan the brute force finds on tiny worlds), and with the hulls the model
proves the brute force's optimum, one priority at a time, never a bound below it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import example, given, settings

from mutualaid.contract.scenario import build_scenario
from mutualaid.travel import HaversineTravel
from solver import analyse, components, route_hull
from solver.columns import block_sets
from solver.route_sets import starts_of
from solver.solution import Solution, count_by_priority
from solver.stages import staged_solve
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, small_worlds, tiny_worlds
from tests.test_coverage import two_visits
from tests.test_time_knapsack import SLOW_OK, assume, models, visits_in


@pytest.fixture(autouse=True, scope="module")
def hulls_on() -> Iterator[None]:
    """The hulls as the planner would build them were `route_hull.HULL` on (off by default)."""
    was, route_hull.HULL = route_hull.HULL, True
    yield
    route_hull.HULL = was


def test_two_visits_a_minute_too_close_are_no_route() -> None:
    """Fails if the listing left out travel between visits (or asked a minute more of it)."""
    for slack, both in ((-1, False), (0, True)):
        (model,) = models(two_visits(slack))
        listed = set(route_hull.hulls(model)[("v", 0)])
        assert frozenset("a") in listed and frozenset("b") in listed, listed
        assert (frozenset({"a", "b"}) in listed) is both, (slack, listed)


def test_a_slot_past_the_cap_gets_no_hull(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(route_hull, "HULL_SETS", 2)  # two visits that fit together: 3 sets
    (model,) = models(two_visits(0))
    assert route_hull.hulls(model) == {}


@pytest.mark.slow  # the brute force takes seconds on some worlds
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
@example(world=two_visits(0)).via("travel binds exactly: both in one route")
def test_every_plan_keeping_the_rules_makes_a_listed_set_in_each_slot(world: World) -> None:
    brute = BruteForce(build_scenario(world))
    assume(brute.assumptions_hold())
    hulls = [(model, key, set(by_set)) for model in models(world)
             for key, by_set in route_hull.hulls(model).items()]  # fmt: skip
    assume(hulls)
    for plan in brute.plans():
        for model, key, listed in hulls:
            made = frozenset(t for _, t in visits_in(model, key, plan))
            assert not made or made in listed, (key, made, plan)


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
@example(world=two_visits(0)).via("travel binds exactly: both served")
def test_with_its_hulls_the_pairwise_model_proves_the_brute_force_optimum(world: World) -> None:
    """One priority at a time, as the planner's one-day parts are solved (no hint: a hint that
    serves every task is taken as proved without a search): every step proved, and the counts
    the brute force's (a hull cutting a plan off would prove fewer)."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    best, hulled = Solution(), False
    for part, model in zip(components(analyses), models(world), strict=True):
        hulled = hulled or bool(route_hull.hulls(model))
        sol, stages, failure = staged_solve(
            model, None, budget=10.0, workers=1, seed=0, stages_wanted=("coverage",),
            by_priority=True,
        )  # fmt: skip
        assert sol is not None, failure
        assert all(s.optimal for s in stages), (part, stages)
        best.merge(sol)
    assume(hulled)
    assert count_by_priority(scenario, best.crews) == brute.solve().served


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_each_slots_sets_are_among_the_route_set_relaxations(world: World) -> None:
    """Against `solver.columns.block_sets`, listed apart from the model (from each volunteer's
    own free starts in the block, not the model's windows, which a crew's common start may
    narrow): every set listed here is listed there, and on weeks of one-person visits the
    same sets."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    alone = all(sum(n.min_people for n in task.needs) == 1 for task in scenario.tasks.values())
    for model in models(world):
        for (vid, k), by_set in route_hull.hulls(model).items():
            block = scenario.volunteers[vid].blocks[k]
            tasks = model.slot_tasks[(vid, k)]
            ranges = {t: r for t in tasks if (r := starts_of(analyses[t], vid, block))}
            theirs = set(block_sets(scenario, travel, vid, block, ranges) or [])
            assert set(by_set) <= theirs, (vid, k, set(by_set) - theirs)
            assert not alone or set(by_set) == theirs, (vid, k, theirs - set(by_set))
