"""The time knapsack of `solver.coverage.CoverageModel` (each volunteer's visits in a slot, with
the least trips in and out, fit in the slot): it cuts where pairwise separation says nothing to
CP-SAT's LP, and it never cuts off a plan keeping the rules (held against every plan the brute
force finds on tiny worlds, as they are and in the one-day and wide shapes)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings

from mutualaid.contract.scenario import build_scenario
from mutualaid.travel import HaversineTravel
from solver import analyse, components
from solver.coverage import CoverageModel
from solver.solution import count_by_priority
from solver.stages import coverage_weights
from tests.brute_force import BruteForce, Crew
from tests.strategies import World, shaped_worlds, tiny_worlds
from tests.test_colgen import crews_against_hours

pytestmark = pytest.mark.slow  # the brute force takes seconds on some worlds

SLOW_OK = [HealthCheck.too_slow, HealthCheck.filter_too_much]
"""Most tiny worlds need no knapsack (every visit fits its slot): those are left out."""


Plan = dict[str, tuple[int, Crew]]


def models(world: World) -> list[CoverageModel]:
    """The pairwise model of each part of the week."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    possible = count_by_priority(scenario, (t for t, a in analyses.items() if a.reason is None))
    weights = coverage_weights(possible)
    return [
        CoverageModel(scenario, analyses, part, travel, weights, knapsacks=True)
        for part in components(analyses)
    ]


def three_hours_at_home(block: str) -> World:
    """One walker at home from 08:00 to `block`, three one-hour visits at home, each window the
    whole morning: pairwise, any two fit in either order, so only their sum says three do not."""
    world = crews_against_hours(people=1, hours=40, visits=3)
    world["volunteers"][0]["availability"][0]["to"] = block
    window = {"days": ["mon"], "from": "08:00", "to": "12:00"}
    for task in world["tasks"]:
        task.update(needs=[{"skill": "s", "count": 1}], duration_minutes=60, windows=[window])
    return world


def test_three_visits_that_fit_pairwise_but_not_together_are_cut() -> None:
    (model,) = models(three_hours_at_home("10:30"))
    coefficients, room = model.knapsacks[("v0", 0)]
    assert coefficients == {"t0": 120, "t1": 120, "t2": 120}  # each hour twice, no trips
    assert room == 2 * 150


def test_no_knapsack_where_every_visit_fits() -> None:
    (model,) = models(three_hours_at_home("11:00"))
    assert model.knapsacks == {}


def visits_in(model: CoverageModel, key: tuple[str, int], plan: Plan) -> list[tuple[int, str]]:
    """(start, task) of the plan's visits of volunteer v in slot k of the model, key (v, k)."""
    vid, k = key
    slot = model.slots[vid][k]
    return sorted(
        (start, tid)
        for tid, (start, crew) in plan.items()
        if slot.begin <= start < slot.end and any(m[0] == vid for m in crew)
    )


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_every_plan_keeping_the_rules_fits_every_time_knapsack(world: World) -> None:
    brute = BruteForce(build_scenario(world))
    assume(brute.assumptions_hold())
    cuts = [(model, key, cut) for model in models(world) for key, cut in model.knapsacks.items()]
    assume(cuts)
    for plan in brute.plans():
        for model, key, (coefficients, room) in cuts:
            inside = visits_in(model, key, plan)
            assert sum(coefficients[t] for _, t in inside) <= room, (key, plan)
