"""Price and branch (`solver.route_plan`): the integer master's chosen sets turned into visits
are a plan that keeps every rule, held against the project's validator and the reference
checker (written apart) on tiny, one-day and wide worlds; two visits exactly the travel apart
are both served at their earliest starts, a minute too close only one."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from hypothesis import example, given, settings

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, Location, Settings
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import analyse
from solver.route_master import RouteMaster
from solver.route_plan import column_plan, integer_master
from solver.solution import Solution, build_plan
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
