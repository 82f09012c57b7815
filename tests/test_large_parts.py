"""Parts too large for one routing model (`solver.large`): the sweeps of neighbourhood search on
pairwise neighbourhoods serve what greedy left and prove it where a bound meets the plan, and
what they prove is the brute force's optimum on tiny worlds and the routing model's on small
ones; a model whose building runs past its deadline or is told to stop is cut between
volunteers, and the solve takes the path it would take without it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from unittest.mock import patch

import pytest
from hypothesis import assume, event, given, settings

import solver
import solver.large
import solver.parts
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Scenario
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import PartJob, allowed, analyse, clock, components
from solver.coverage import CoverageModel, cover_then_route
from solver.cpsat import PlanModel
from solver.greedy import greedy_plan
from solver.large import _quick_cover
from solver.solution import Solution, build_plan, count_by_priority
from solver.stages import Stopped, built_in_time, coverage_weights
from tests.brute_force import BruteForce
from tests.strategies import World, shaped_worlds, small_worlds, tiny_worlds
from tests.test_coverage import SLOW_OK, first_goals, two_visits
from worldgen import generate_world

HOME = {"lat": 34.75, "lon": 113.65}


def greedy_falls_short() -> World:
    """Greedy gives the high visit to the nearest volunteer, the only one who could also do the
    normal visit at the same hour; the best plan sends the other one to the high visit."""
    near, far = HOME, {"lat": 34.752, "lon": 113.65}
    window = [{"days": ["mon"], "from": "09:00", "to": "10:00"}]
    return {
        "name": "greedy falls short",
        "timezone": "Asia/Shanghai",
        "week_start": "2026-11-30",
        "volunteers": [
            {"id": "a", "skills": ["s", "t"], "home": near,
             "availability": [{"days": ["mon"], "from": "08:00", "to": "12:00"}]},
            {"id": "b", "skills": ["s"], "home": far,
             "availability": [{"days": ["mon"], "from": "08:00", "to": "12:00"}]},
        ],
        "tasks": [
            {"id": "x", "priority": "high", "needs": [{"skill": "s", "count": 1}],
             "duration_minutes": 60, "location": near, "windows": window},
            {"id": "y", "priority": "normal", "needs": [{"skill": "t", "count": 1}],
             "duration_minutes": 60, "location": near, "windows": window},
        ],
    }  # fmt: skip


def _jobs(scenario: Scenario, deadline: float | None = None) -> list[PartJob]:
    """Every part as the planner would hand it to `solver.large` (one worker, 4 s)."""
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    floor = greedy_plan(scenario, analyses, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    jobs = []
    for tids in components(analyses):
        mine = Solution(
            {t: s for t, s in floor.starts.items() if t in tids},
            {t: c for t, c in floor.crews.items() if t in tids},
        )
        job = PartJob(tids, {t: analyses[t] for t in tids}, weights, mine, share=4.0,
                      budget=4.0, workers=1, seed=0, max_exact_arcs=0,
                      deadline=deadline)  # fmt: skip
        jobs.append(job)
    return jobs


def _quick(world: World) -> tuple[Scenario, Solution, Solution, bool]:
    """(scenario, greedy's plan, the sweeps' plan, whether every part's coverage was proved),
    each part through `_quick_cover` alone, whatever its floor serves; the plan checked by the
    validator, and the bound of every part that gave one held against the brute force's
    optimum of that part's tasks (tiny worlds only)."""
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    floor, best, proved = Solution(), Solution(), True
    tiny = len(scenario.tasks) <= 8 and not scenario.pinned
    for job in _jobs(scenario):
        assert job.floor is not None
        with patch.object(solver.large, "QUICK_FLOOR", 0.0):
            sol, stage, bound, _ = _quick_cover(scenario, job, travel, job.floor, 4.0, None, None)
        value = sum(job.weights[scenario.tasks[t].priority] for t in sol.crews)
        if stage is not None:
            assert stage.optimal and stage.value == stage.bound == bound == value
        if bound is not None and tiny:
            alone = BruteForce(only(scenario, job.tids)).solve().served
            assert bound >= sum(job.weights[p] * n for p, n in alone.items())
        proved = proved and stage is not None
        floor.merge(job.floor)
        best.merge(sol)
    served = count_by_priority(scenario, best.crews)
    analyses = analyse(scenario, travel)  # every task's, those no part holds too
    plan = build_plan(scenario, best, analyses, travel, status="feasible", bound=served,
                      started=time.monotonic())  # fmt: skip
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
    return scenario, floor, best, proved


def only(scenario: Scenario, tids: list[str]) -> Scenario:
    """The scenario with only these tasks (a part's)."""
    return replace(scenario, tasks={t: scenario.tasks[t] for t in tids})


def _key(scenario: Scenario, sol: Solution) -> list[int]:
    served = count_by_priority(scenario, sol.crews)
    return list(served.values())


def test_the_sweeps_serve_what_greedy_left_and_prove_it() -> None:
    _, floor, best, proved = _quick(greedy_falls_short())
    assert sorted(floor.crews) == ["x"]
    assert sorted(best.crews) == ["x", "y"]
    assert proved  # every task served: static analysis's bound


def test_a_minute_short_the_focused_bound_proves_one_visit() -> None:
    _, _, best, proved = _quick(two_visits(-1))
    assert len(best.crews) == 1
    assert proved  # the relaxation on the unserved visit and its rival proves it


def _brute_force_agrees(world: World) -> None:
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    optimum = brute.solve()
    scenario, floor, best, proved = _quick(world)
    assert _key(scenario, best) >= _key(scenario, floor)
    assert _key(scenario, best) <= list(optimum.served.values())
    event("proved" if proved else "not proved")
    if proved:
        assert count_by_priority(scenario, best.crews) == optimum.served


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds())
def test_what_the_sweeps_prove_is_the_brute_forces_optimum(world: World) -> None:
    _brute_force_agrees(world)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_what_the_sweeps_prove_is_the_brute_forces_optimum_in_wide_and_one_day_weeks(
    world: World,
) -> None:
    _brute_force_agrees(world)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_what_the_sweeps_prove_is_the_routing_models_proved_optimum(world: World) -> None:
    """No brute force (up to 15 tasks): where the routing model, with circuits and no pairwise
    separation, proves its coverage, the sweeps' proof (when they give one) is the same."""
    scenario, _, best, proved = _quick(world)
    routed, stages = first_goals(scenario, pairwise=False)
    assume(all(s.optimal for part in stages for s in part if s.name == "coverage"))
    assert _key(scenario, best) <= _key(scenario, routed)
    if proved:
        assert _key(scenario, best) == _key(scenario, routed)


# --- building cut short --------------------------------------------------------------------


def after(calls: int) -> Callable[[], bool]:
    """A stop (or cut) that turns true at its `calls`-th question and stays true; it counts
    the questions in `.asked`."""

    def ask() -> bool:
        ask.asked += 1  # type: ignore[attr-defined]
        return ask.asked >= calls  # type: ignore[attr-defined,no-any-return]

    ask.asked = 0  # type: ignore[attr-defined]
    return ask


def _model_inputs() -> tuple[Scenario, dict[str, object], list[str], HaversineTravel]:
    scenario = build_scenario(greedy_falls_short())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    return scenario, dict(analyses), sorted(analyses), travel


@pytest.mark.parametrize("kind", [CoverageModel, PlanModel])
def test_a_models_building_stops_between_volunteers_once_its_time_is_up(
    kind: type[PlanModel],
) -> None:
    scenario, analyses, tids, travel = _model_inputs()
    weights = {"urgent": 8, "high": 4, "normal": 2, "low": 1}
    with clock.until(None, after(10**6)):
        kind(scenario, analyses, tids, travel, weights)  # type: ignore[arg-type]
    for calls in (1, 2, 3):  # before a's, before b's visits are placed; before a's routes
        ends = after(calls)
        with pytest.raises(clock.OutOfTime), clock.until(None, ends):
            kind(scenario, analyses, tids, travel, weights)  # type: ignore[arg-type]
        assert ends.asked == calls  # type: ignore[attr-defined]


def test_a_model_past_its_deadline_is_not_built() -> None:
    built: list[bool] = []

    def build() -> str:
        built.append(True)
        clock.check()  # the deadline has passed: the first check ends the building
        return "model"

    assert built_in_time(build, time.time() - 1, None) is None
    assert built == [True]
    assert built_in_time(build, time.time() + 3600, None) == "model"


def test_a_build_deadline_is_only_the_builds_own() -> None:
    """A build's own deadline ends its building, and the solve's clock is as before after it."""
    with clock.running(clock.Clock(time.time() + 3600)) as solve_clock:
        assert built_in_time(clock.check, time.time() - 1, None) is None
        assert solve_clock.deadline is not None and solve_clock.deadline > time.time() + 3000
        assert not clock.over()


def test_a_stop_while_a_model_is_built_stops_the_solve() -> None:
    scenario, analyses, tids, travel = _model_inputs()
    weights = {"urgent": 8, "high": 4, "normal": 2, "low": 1}
    stop = after(2)
    with pytest.raises(Stopped):
        built_in_time(
            lambda: CoverageModel(scenario, analyses, tids, travel, weights),  # type: ignore[arg-type]
            None,
            stop,
        )
    assert stop.asked == 3  # twice while building, once more to tell a stop from a deadline  # type: ignore[attr-defined]


def test_an_exact_part_past_its_deadline_keeps_its_floor() -> None:
    scenario = build_scenario(greedy_falls_short())
    travel = HaversineTravel(scenario.settings)
    (job,) = _jobs(scenario)
    assert job.floor is not None
    sol, stages, failure = cover_then_route(
        scenario, job.analyses, job.tids, travel, job.weights, job.floor, budget=4.0,
        workers=1, seed=0, deadline=time.time() - 1,
    )  # fmt: skip
    assert failure is None and sol == job.floor
    assert stages[0].name == "coverage" and not stages[0].optimal
    assert [s.name for s in stages[1:]] == list(scenario.settings.objective_order)


def test_a_whole_pairwise_model_that_cannot_be_built_in_time_leaves_the_search_path() -> None:
    """`_cover_first`'s model cut by its deadline (here: at once) and the sweeps not proving:
    the part is solved as before there was that model, by the search and its bounds."""
    scenario = build_scenario(two_visits(-1))
    options = solver.SolveOptions(time_limit=4, workers=1, seed=0, max_exact_arcs=0)
    built: list[object] = []

    def never(build: Callable[[], object], deadline: object, stop: object) -> None:
        built.append(build)
        return None

    def unproved(*args: object) -> tuple[Solution, None, None, float]:
        job = args[1]
        assert isinstance(job, PartJob) and job.floor is not None
        return job.floor, None, None, 0.0

    with (
        patch.object(solver.large, "COVER_FLOOR", 0.0),
        patch.object(solver.large, "built_in_time", never),
        patch.object(solver.large, "_quick_cover", unproved),
    ):
        plan = solver.solve(scenario, options)
    assert built  # the whole part's model was asked for, and not built
    assert plan.objective is not None and sum(plan.objective.served.values()) == 1
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
    assert plan.bound == plan.objective.served  # the search's bounds still prove it


def test_a_large_parts_models_cut_by_the_solves_time_leave_the_plan_it_had() -> None:
    """The solve's time ending while a large part weighs or builds its models (the pairwise
    model of the whole part, the top tasks' model) leaves the plan the part had (which may be
    better than greedy's: the sweeps'), not an OutOfTime that drops it to greedy's floor."""
    world = greedy_falls_short()
    world["tasks"] = [*world["tasks"], {**world["tasks"][0], "id": "z"}]  # three high visits
    world["tasks"][1]["priority"] = "high"  # at one hour for two people: one is left unserved
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    (job,) = _jobs(scenario)
    assert job.floor is not None and len(job.floor.crews) == 2
    with clock.running(clock.Clock(expired=lambda: True)):
        sol, stages, _ = solver.large.search_part(scenario, job, travel, None, None)
    assert sol == job.floor
    assert stages[0].name == "coverage" and stages[0].value == sum(
        job.weights[scenario.tasks[t].priority] for t in job.floor.crews
    )


def test_on_a_part_past_one_exact_model_the_routes_near_the_plans_cannot_take_rerouting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A part past one exact model (`max_exact_arcs=0`), its route sets made to take every
    second they are given (on 7093 they took 13.7-15.4 s of rerouting's 15 at load 13): ruin
    and recreate runs first, with rerouting's time still ahead of it, and the route sets after
    it (`solver.parts.NEAR_PLAN_LAST`)."""
    world = generate_world(40, 12, 1, 7001, routing_compatible=True)
    scenario = build_scenario(world)
    calls: list[tuple[str, float]] = []
    real = solver.parts.reroute

    def greedy_sets(*args: Any) -> Solution:
        sol, until = args[3], args[4]
        calls.append(("route sets", until - time.time()))
        time.sleep(max(0.0, until - time.time()))  # all of rerouting's time
        return sol

    def spy(*args: Any, **kw: Any) -> Solution:
        calls.append(("ruin and recreate", kw["deadline"] - time.time()))
        return real(*args, **kw)

    monkeypatch.setattr(solver.parts, "by_route_sets", greedy_sets)
    monkeypatch.setattr(solver.parts, "reroute", spy)
    options = solver.SolveOptions(time_limit=6, workers=2, seed=0, max_exact_arcs=0)
    plan = solver.solve(scenario, options)
    assert plan.objective is not None
    assert validate(scenario, plan_json.dump(plan, scenario)).violations == []
    assert calls, "the part was proved before rerouting: no order to test"
    assert calls[0][0] == "ruin and recreate", calls
    assert calls[0][1] > 0.2, calls  # (rerouting's time is ~1.5 s of the 6)


def test_a_large_parts_deferred_bounds_are_kept_to_the_seconds_kept_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The bounds left until the part is rerouted get what the part kept for them
    (`Deferred.seconds`) as `planned`, the time past which column generation's leftovers go
    back to the caller's coverage sweeps: a clock reading there (stop 25, B: `finish` shadowed
    the seconds with `time.monotonic()`) let CP-SAT's relaxations keep every second."""
    scenario = build_scenario(greedy_falls_short())
    travel = HaversineTravel(scenario.settings)
    (job,) = _jobs(scenario)
    seen: list[float | None] = []

    def spy(*args: Any, planned: float | None = None, **kw: Any) -> tuple[None, bool, None]:
        seen.append(planned)
        return None, False, None

    monkeypatch.setattr(solver.large, "part_bounds_after", spy)
    monkeypatch.setattr(solver.large, "_quick_cover", lambda *a: (job.floor, None, None, 0.0))
    sol, _, deferred = solver.large.search_part(scenario, job, travel, None, None)
    assert deferred is not None
    deferred.finish(job, sol, 10.0)
    assert seen == [deferred.seconds] and 0 < deferred.seconds <= job.budget
