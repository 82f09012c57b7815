"""The energetic cuts of `solver.coverage.CoverageModel` (the time knapsack on stretches of a
slot, each visit widened by half its least trips in and out): they cut where the slot's own
knapsack says nothing, and never cut off a plan keeping the rules (held against every plan the
brute force finds on tiny worlds, as they are and in the one-day and wide shapes)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from mutualaid.contract.scenario import build_scenario
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, tiny_worlds
from tests.test_time_knapsack import SLOW_OK, assume, models, three_hours_at_home, visits_in


def test_three_visits_due_by_mid_morning_are_cut_though_the_slot_has_room() -> None:
    world = three_hours_at_home("12:00")  # the slot's four hours hold three one-hour visits
    for task in world["tasks"]:
        task["windows"][0]["to"] = "10:30"  # ... but each must end by 10:30
    (model,) = models(world)
    assert model.knapsacks == {}
    cuts = model.energy[("v0", 0)]
    assert ({"t0": 120, "t1": 120, "t2": 120}, 2 * 150) in cuts  # 08:00-10:30, doubled


def test_no_cut_where_the_visits_fit_every_stretch() -> None:
    (model,) = models(three_hours_at_home("12:00"))
    assert model.energy == {}


@pytest.mark.slow  # the brute force takes seconds on some worlds
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_every_plan_keeping_the_rules_keeps_every_energetic_cut(world: World) -> None:
    brute = BruteForce(build_scenario(world))
    assume(brute.assumptions_hold())
    cuts = [
        (model, key, cut)
        for model in models(world)
        for key, cs in model.energy.items()
        for cut in cs
    ]
    assume(cuts)
    for plan in brute.plans():
        for model, key, (need, room) in cuts:
            inside = visits_in(model, key, plan)
            assert sum(need.get(t, 0) for _, t in inside) <= room, (key, need, room, plan)
