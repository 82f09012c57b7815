"""The low step's route enumeration wired into the planner (`solver.low_enum_step`, stop 27
A2): on tiny one-day worlds its bound is never below the brute force's low count given the
counts above (the thread started at them, or lower, as the normal step's hint may hold them);
a thread started above the step's counts still bounds at the step's; and its column plan is taken
only when it keeps every held count and every rule."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from hypothesis import assume, event, example, given, settings
from hypothesis import strategies as st

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from solver import low_enum_step
from solver.solution import count_by_priority
from tests.brute_force import BruteForce
from tests.strategies import World, tiny_worlds
from tests.test_colgen import crews_against_hours
from tests.test_column_step import _model, _one_day
from tests.test_coverage import SLOW_OK, two_visits
from tests.test_route_plan import _valid


def _entrant(world: World, held: dict[str, int], step: dict[str, int]) -> Any:
    """The thread held at `held`, taken by a low step holding `step`, run to its end."""
    model = _model(world)
    with patch.object(low_enum_step, "WAIT", True):
        model._low_enum = low_enum_step.Early(model, held, None)
        early = low_enum_step.at_low(model, step, 10.0, None)
        return early.get()


@settings(max_examples=40, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds().map(_one_day), lower=st.integers(0, 2))
@example(world=crews_against_hours(), lower=0).via("crews against weekly hours")
@example(world=two_visits(-1), lower=0).via("a minute too close")
@example(world=two_visits(0), lower=0).via("exactly the travel between: both fit")
def test_the_wired_low_bound_is_never_below_the_brute_force(world: World, lower: int) -> None:
    """Fails if the enumeration's bound (held at the truth's counts, or normal `lower` below
    them, as at the normal step's hint) were below the brute force's low count, a column plan
    served more than the truth or fewer than the step holds, or broke a rule."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    assume(any(t.priority == "low" for t in scenario.tasks.values()))
    truth = brute.solve().served
    step = {q: truth[q] for q in PRIORITIES[:-1]}
    held = {**step, "normal": max(0, step["normal"] - lower)}
    got = _entrant(world, held, step)
    assert got is not None and got.bound is not None, got
    assert got.bound >= truth["low"], (got, truth, held)
    event(f"proved at the truth: {got.bound == truth['low']}")
    if got.plan is not None:
        served = count_by_priority(scenario, list(got.plan.crews))
        assert got.count == served["low"] <= truth["low"], (got.count, served, truth)
        assert all(served[q] >= n for q, n in step.items()), (step, served)
        _valid(world, got.plan)
        event("a column plan kept")


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds().map(_one_day))
@example(world=crews_against_hours()).via("crews against weekly hours")
def test_a_thread_held_above_the_steps_counts_bounds_the_steps_counts(world: World) -> None:
    """Fails if the low step kept the bound of a thread started at a normal count above its
    own: that bound holds only for plans serving more normal tasks than the step's."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    truth = brute.solve().served
    assume(truth["low"] > 0)
    step = {q: truth[q] for q in PRIORITIES[:-1]}
    tasks = scenario.tasks.values()
    over = {**step, "normal": sum(t.priority == "normal" for t in tasks) + 1}
    got = _entrant(world, over, step)
    assert got is not None and (got.bound is None or got.bound >= truth["low"]), (got, truth)
