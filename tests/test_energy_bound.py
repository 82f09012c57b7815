"""The bound of `solver.energy_bound` (an LP of who serves what with each volunteer's stretches
of the day, visits widened by their least trips) is true and sees time: never below what any
plan can reach (the brute force on tiny worlds, as generated and on one day), never below
what the solver's plan serves on small generated one-day weeks, and tight where visits due by
the same hour crowd one volunteer's morning."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import solver
import solver.part_bounds
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from solver import analyse, clock, components
from solver.energy_bound import EnergyLp, Person, energetic_bounds, one_day, people
from solver.part_bounds import part_bounds_after
from solver.solution import count_by_priority
from tests.strategies import World, reshaped, tiny_worlds
from tests.test_colgen import bound_against_truth, crews_against_hours
from tests.test_coverage import SLOW_OK, two_visits
from tests.test_large_parts import _jobs
from worldgen import generate_world

HOME = {"lat": 34.75, "lon": 113.65}
SITE = {"lat": 34.75, "lon": 113.665}  # about 1.4 km east: 24 minutes' walk (detour 1.3)


def _walker(block_to: str = "12:00", home: dict[str, float] = HOME) -> dict[str, Any]:
    return {"id": "v", "skills": ["s"], "home": home, "max_hours_per_week": 10,
            "max_travel_minutes": 30,
            "availability": [{"days": ["mon"], "from": "08:00", "to": block_to}]}  # fmt: skip


def _visit(i: int, start_from: str, start_to: str, minutes: int = 60) -> dict[str, Any]:
    """A visit at SITE whose start lies in [start_from, start_to] (its window's end is the
    latest start plus its minutes)."""
    h, m = map(int, start_to.split(":"))
    end = h * 60 + m + minutes
    return {"id": f"t{i}", "needs": [{"skill": "s", "count": 1}], "duration_minutes": minutes,
            "location": SITE, "priority": "normal",
            "windows": [{"days": ["mon"], "from": start_from,
                         "to": f"{end // 60:02d}:{end % 60:02d}"}]}  # fmt: skip


def _world(volunteers: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> World:
    return {"name": "energy", "timezone": "Asia/Shanghai", "week_start": "2026-11-30",
            "volunteers": volunteers, "tasks": tasks}  # fmt: skip


def due_by_mid_morning(visits: int = 3) -> World:
    """One walker free 08:00-12:00 (four hours, ten a week) and `visits` one-hour visits that
    must start by 08:40, 24 minutes from home: one is served. Weekly hours and the block's
    minutes allow three; only the stretch from 08:24 to 09:40 says one."""
    return _world([_walker()], [_visit(i, "08:00", "08:40") for i in range(visits)])


def back_to_back() -> World:
    """Two one-hour visits at the same place, one starting at 08:30, the next at 09:30, for a
    walker 24 minutes away: both are served, the second straight after the first. Widened by
    the trip from home on both sides each, their widened visits would overlap (the bound 1);
    between them the least trip is nothing."""
    return _world([_walker()], [_visit(0, "08:30", "08:30"), _visit(1, "09:30", "09:30")])


def _energetic(scenario: Any, analyses: Any, tids: Any, travel: Any, plan: Any) -> Any:
    got = energetic_bounds(scenario, analyses, tids, travel, plan, budget=30)
    assert got is not None
    return got


def _bound(world: World, *, hypothesis: bool = True) -> tuple[dict[str, int], ...]:
    """(greedy's counts, the energetic bound given them joined over the parts by `combine`,
    the brute force's truth given them)."""
    return bound_against_truth(world, _energetic, hypothesis=hypothesis)


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=st.one_of(tiny_worlds(), tiny_worlds().map(lambda w: reshaped(w, "one-day"))))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(-1)).via("a minute too close: times bind")
@example(world=back_to_back()).via("back to back: no trip between")
@example(world=due_by_mid_morning()).via("due by mid-morning")
def test_the_energetic_bound_is_never_below_the_truth(world: World) -> None:
    served, bound, truth = _bound(world)
    for p in PRIORITIES:
        assert served[p] <= truth[p] <= bound[p], (p, served, truth, bound)


def test_visits_due_by_mid_morning_are_bounded_by_the_stretch_they_crowd() -> None:
    """Three visits that must start by 08:40: the bound is one, what a plan serves. Fails
    without the stretches (weekly hours and the block's minutes allow three)."""
    _, bound, truth = _bound(due_by_mid_morning(), hypothesis=False)
    assert truth["normal"] == bound["normal"] == 1


def test_back_to_back_visits_are_not_widened_by_the_trip_home() -> None:
    """Fails if a visit's least trip in or out ignores the other visits (the bound would be 1
    where a plan serves both)."""
    _, bound, truth = _bound(back_to_back(), hypothesis=False)
    assert truth["normal"] == bound["normal"] == 2


def test_widened_visits_keep_the_least_trip_from_home_or_another_visit() -> None:
    """In doubled minutes: the first visit starts at 08:30 (1020), widened by the 24-minute
    trip from home before it, by nothing after (the second may follow at once); the second
    the other way round. Fails if the trips are worked out between the wrong pair."""
    scenario = build_scenario(back_to_back())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    trip = travel.minutes("walk", scenario.volunteers["v"].home, scenario.tasks["t0"].location)
    person = people(scenario, analyses, ["t0", "t1"], travel)["v"]
    assert person.spans["t0"] == [(1020 - trip, 1020 - trip, 120 + trip)]
    assert person.spans["t1"] == [(1140, 1140, 120 + trip)]


def test_one_day_is_where_every_start_falls_on_one_day() -> None:
    scenario = build_scenario(back_to_back())
    analyses = analyse(scenario, HaversineTravel(scenario.settings))
    assert one_day(analyses, ["t0", "t1"])
    world = back_to_back()
    world["volunteers"][0]["availability"].append({"days": ["tue"], "from": "08:00", "to": "12:00"})
    world["tasks"][1]["windows"][0]["days"] = ["tue"]
    scenario = build_scenario(world)
    analyses = analyse(scenario, HaversineTravel(scenario.settings))
    assert not one_day(analyses, ["t0", "t1"])


@pytest.mark.slow
@settings(max_examples=6, deadline=None, suppress_health_check=SLOW_OK)
@given(seed=st.integers(0, 10_000), contended=st.booleans())
def test_the_lp_is_never_below_the_solvers_plan_on_generated_one_day_weeks(
    seed: int, contended: bool
) -> None:
    """A generated 60-task week moved to one day, planned for 3 s: at each priority the LP's
    optimum, given the plan's counts above, is at least the plan's count there (the raw
    value, before the bound is clamped to what the plan serves)."""
    world = reshaped(generate_world(60, 20, 1, seed, contended=contended), "one-day")
    scenario = build_scenario(world)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=3, workers=2))
    assert plan.objective is not None
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    crews = {a.task for a in plan.assignments}
    for tids in components(analyses):
        tids = [t for t in tids if analyses[t].reason is None]
        lp = EnergyLp(scenario, analyses, tids, people(scenario, analyses, tids, travel))
        served = count_by_priority(scenario, (t for t in tids if t in crews))
        for k, p in enumerate(PRIORITIES):
            if not any(scenario.tasks[t].priority == p for t in tids):
                continue
            got, _ = lp.bound(p, {q: served[q] for q in PRIORITIES[:k]}, time.monotonic() + 30)
            assert math.isfinite(got) and got + 1e-6 >= served[p], (p, got, served)


@settings(max_examples=100, deadline=None)
@given(
    spans=st.dictionaries(
        st.sampled_from("abcd"),
        st.lists(
            st.tuples(st.integers(0, 200), st.integers(0, 60), st.integers(1, 120)).map(
                lambda e: (e[0], e[0] + e[1], e[2])
            ),
            min_size=1,
            max_size=3,
        ),
        min_size=1,
    ),
    a=st.integers(-10, 300),
    length=st.integers(1, 300),
)
def test_needs_at_once_are_each_tasks_need(
    spans: dict[str, list[tuple[int, int, int]]], a: int, length: int
) -> None:
    person = Person("v", 600, spans)
    tasks, needs = person.needs(a, a + length)
    assert tasks == sorted(spans)
    assert needs.tolist() == [person.need(t, a, a + length) for t in tasks]


def test_a_one_day_parts_bounds_start_with_the_lp() -> None:
    """Greedy's plan of due_by_mid_morning serves its one visit: with two workers the LP
    proves it before column generation (made to fail here) is asked; with one worker (no LP)
    column generation is asked. Fails if the LP is not wired in before it."""
    scenario = build_scenario(due_by_mid_morning())
    [job] = _jobs(scenario)
    assert job.floor is not None and len(job.floor.crews) == 1
    asked: list[int] = []

    class Columns:
        def __init__(self, *args: object) -> None:
            asked.append(1)
            raise clock.OutOfTime

    travel = HaversineTravel(scenario.settings)
    with patch.object(solver.part_bounds, "ColumnBound", Columns):
        got = part_bounds_after(scenario, replace(job, workers=2), travel, job.floor, 20.0, None)
        assert got[1] and got[2] == count_by_priority(scenario, job.floor.crews) and not asked
        part_bounds_after(scenario, job, travel, job.floor, 20.0, None)
        assert asked == [1]
