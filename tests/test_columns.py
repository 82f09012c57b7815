"""The route-set relaxation (`solver.columns`) against the brute force on tiny worlds: its
lexicographic optimum is never below the truth, equals it where every task is one person's
visit and nothing is pinned (there it drops nothing), and its LP given the truth's counts above
a priority never bounds that priority below the truth; also in one-day and wide weeks."""

from __future__ import annotations

from hypothesis import assume, example, given, settings

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver import analyse
from solver.columns import ColumnModel
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, tiny_worlds
from tests.test_colgen import crews_against_hours
from tests.test_coverage import SLOW_OK, two_visits


def _against_brute(world: World) -> None:
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    truth = brute.solve().served
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    model = ColumnModel(scenario, analyses, sorted(scenario.tasks), travel)
    assert model.listed
    steps = model.lexicographic(30.0, workers=1)
    assert all(s.optimal for s in steps)
    found = {p: 0 for p in PRIORITIES} | {s.priority: s.value for s in steps}
    got, want = [found[p] for p in PRIORITIES], [truth[p] for p in PRIORITIES]
    assert got >= want, (found, truth)
    open_ = [t for t, a in analyses.items() if a.reason is None]
    alone = all(sum(n.min_people for n in scenario.tasks[t].needs) == 1 for t in open_)
    if alone and not scenario.pinned:
        assert got == want, (found, truth)
    for n, p in enumerate(PRIORITIES):
        if any(scenario.tasks[t].priority == p for t in open_):
            held = {q: truth[q] for q in PRIORITIES[:n]}
            _, value, _ = model.linear(p, held)
            assert value >= truth[p] - 1e-6, (p, value, truth)


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(-1)).via("a minute too close: times bind")
@example(world=two_visits(0)).via("exactly the travel between: both fit")
def test_route_sets_bound_the_truth_and_meet_it_on_one_person_visits(world: World) -> None:
    _against_brute(world)


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_route_sets_bound_the_truth_in_one_day_and_wide_weeks(world: World) -> None:
    _against_brute(world)


def test_two_visits_a_minute_too_close_are_no_set() -> None:
    """Fails if a set were listed whose visits leave less than the travel between them."""
    for gap, both in ((-1, False), (0, True)):
        scenario = build_scenario(two_visits(gap))
        travel = HaversineTravel(scenario.settings)
        analyses = analyse(scenario, travel)
        model = ColumnModel(scenario, analyses, sorted(scenario.tasks), travel)
        assert model.listed
        biggest = max((len(s) for _, _, s in model.columns), default=0)
        assert (biggest == 2) is both, (gap, model.columns)
