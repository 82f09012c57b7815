"""The route-set master's columns beside each one-day coverage step (`solver.column_step`):

- the rule of the bound: no plan serving the counts held above a step serves more of its
  priority than floor(L + MARGIN), L the least Lagrangian bound of the step's rounds, so a plan
  serving that many is proved; held against the brute force on tiny one-day worlds, at every
  round count (a bound cut short after one round holds too), and the column plan is a plan;
- beside CP-SAT's search (a thread), the entrant is `enter`'s, once its thread is done;
- through the planner with CP-SAT's search starved (no time: the column plan, found before
  it, wins steps): every plan keeps every rule (the project's
  validator and the reference checker), serves what each step says it serves, and a step said
  proved is the brute force's optimum given the counts above.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from unittest.mock import patch

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES
from mutualaid.travel import HaversineTravel
from mutualaid.validation import validate
from solver import analyse, by_priority, column_step, route_plan, stages
from solver.energy_bound import one_day
from solver.greedy import greedy_plan
from solver.route_master import RouteMaster
from solver.solution import Solution, count_by_priority
from tests.brute_force import BruteForce
from tests.reference import reference_check
from tests.strategies import World, reshaped, small_worlds, tiny_worlds
from tests.test_colgen import crews_against_hours
from tests.test_coverage import SLOW_OK, two_visits
from tests.test_route_plan import _valid


def _one_day(world: World) -> World:
    return reshaped(world, "one-day")


def _model(world: World) -> SimpleNamespace:
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    return SimpleNamespace(scenario=scenario, analyses=analyses, tids=sorted(analyses),
                           travel=travel)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds().map(_one_day))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(0)).via("exactly the travel between: both fit")
@example(world=two_visits(-1)).via("a minute too close")
def test_the_steps_bound_is_never_below_the_brute_force(world: World) -> None:
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    truth = brute.solve().served
    for rounds in (1, 200):  # cut short after its first round, and converged
        model = _model(world)
        with patch.object(column_step, "BOUND", True), patch.object(column_step, "COMPETE", True):
            for n, p in enumerate(PRIORITIES):
                if not any(scenario.tasks[t].priority == p for t in model.tids):
                    continue
                held = {q: truth[q] for q in PRIORITIES[:n]}
                with patch.object(RouteMaster, "bound", _rounds(rounds)):
                    got = column_step.enter(model, p, held, 10.0, None)
                assert got.bound is not None and got.bound >= truth[p], (p, got, truth)
                if got.plan is not None:
                    served = count_by_priority(scenario, list(got.plan.crews))
                    assert got.count == served[p] <= truth[p], (p, got.count, served, truth)
                    assert all(served[q] >= k for q, k in held.items()), (held, served)
                    _valid(world, got.plan)


def _rounds(n: int) -> Any:
    """`RouteMaster.bound` with at most `n` rounds."""
    real = RouteMaster.bound

    def bound(self: Any, *args: Any, **kw: Any) -> Any:
        return real(self, *args, **{**kw, "max_rounds": n})

    return bound


def _starved(real: Any) -> Any:
    """`stages.new_solver` with no time: CP-SAT finds no plan (unless presolve solves the
    model), so the step keeps its hint's count or the column plan, found before it."""

    def new_solver(*args: Any, **kw: Any) -> Any:
        got = real(*args, **kw)
        got.parameters.max_time_in_seconds = 0.0
        return got

    return new_solver


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(world=st.one_of(tiny_worlds(), small_worlds()).map(_one_day))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(0)).via("travel binds exactly")
def test_through_the_planner_a_starved_search_and_the_columns_keep_every_rule(
    world: World,
) -> None:
    _through_the_planner(world, BOUND=True, COMPETE=True)


@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(world=st.one_of(tiny_worlds(), small_worlds()).map(_one_day))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(0)).via("travel binds exactly")
def test_through_the_planner_the_low_steps_bound_alone_keeps_every_step_true(
    world: World,
) -> None:
    """Stop 26 A: LOW alone (the master's smoothed bound at the low step, no plan of its
    own), CP-SAT starved: a low step said proved is the brute force's count, its bound never
    below it."""
    _through_the_planner(world, LOW=True, SMOOTH=0.7)


def _through_the_planner(world: World, **switches: Any) -> None:
    scenario = build_scenario(world)
    model = _model(world)
    assume(one_day(model.analyses, model.tids))
    truth = None  # (small worlds: no brute force)
    if len(scenario.tasks) <= 8 and not scenario.pinned:
        brute = BruteForce(scenario)
        truth = brute.solve().served if brute.assumptions_hold() else None
    steps: list[stages.StageResult] = []
    taken: list[bool] = []
    real_judge, real_solve = column_step.judge, stages._coverage_by_priority

    def judge(*args: Any) -> Any:
        got = real_judge(*args)
        taken.append(got[0] is not None)
        return got

    def kept(*args: Any, **kw: Any) -> Any:
        got = real_solve(*args, **kw)
        if got[0] is not None:
            steps.append(got[0])
        return got

    options = solver.SolveOptions(time_limit=2, workers=1, seed=0, deterministic=False)
    with (
        patch.multiple(column_step, **switches),
        patch.object(column_step, "BESIDE", False),  # (beside a starved search: no time)
        patch.object(column_step, "judge", judge),
        patch.object(by_priority, "BY_PRIORITY_FLOOR", 2.0),
        patch.object(stages, "new_solver", _starved(stages.new_solver)),
        patch.object(stages, "_coverage_by_priority", kept),
    ):
        plan = solver.solve(scenario, options)
    dumped = plan_json.dump(plan, scenario)
    assert validate(scenario, dumped).violations == []
    with tempfile.TemporaryDirectory() as tmp:
        errs, _ = reference_check(world, dumped, Path(tmp))
    assert not errs, errs
    assert plan.objective is not None
    served = plan.objective.served
    for stage in steps:
        lexicographic = truth is not None  # every step above proved: the truth's counts held
        for r in stage.priorities:
            assert served[r.priority] >= r.value, (r, served)
            if lexicographic:
                assert truth is not None and r.value <= truth[r.priority] <= r.bound, (r, truth)
                assert not r.optimal or r.value == truth[r.priority], (r, truth)
            lexicographic = lexicographic and r.optimal
    if switches.get("COMPETE"):
        assert not steps or taken, "no step judged"


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds().map(_one_day))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(-1)).via("a minute too close")
def test_the_low_steps_bound_alone_is_never_below_the_brute_force(world: World) -> None:
    """Stop 26 A: with LOW on alone, the low step's entrant is a bound and no plan: never
    below the brute force's low count given its counts above, cut short after one round or
    converged, its duals smoothed or not; the steps above get no entrant's bound."""
    scenario = build_scenario(world)
    brute = BruteForce(scenario)
    assume(brute.assumptions_hold())
    truth = brute.solve().served
    model = _model(world)
    assume(any(scenario.tasks[t].priority == "low" for t in model.tids))
    held = {q: truth[q] for q in PRIORITIES[:-1]}
    for rounds, smooth in ((1, 0.0), (1, 0.7), (200, 0.0), (200, 0.7)):
        with (
            patch.multiple(column_step, LOW=True, SMOOTH=smooth),
            patch.object(RouteMaster, "bound", _rounds(rounds)),
        ):
            got = column_step.enter(_model(world), "low", held, 10.0, None)
            assert got.plan is None and got.bound is not None, got
            assert got.bound >= truth["low"], (rounds, smooth, got, truth)
            above = column_step.enter(_model(world), "normal", {}, 10.0, None)
            assert above.bound is None and above.plan is None, above


def test_a_taken_column_plan_is_the_steps_and_its_bound_proves_it() -> None:
    """`judge`: a column plan serving more than CP-SAT's is the step's result, its count the
    step's value, the master's bound the step's when smaller, and proved when the count meets
    it; a plan serving no more is not taken; a bound below the count is never used."""
    sol = Solution({}, {})
    e = column_step.Entrant(sol, 5, 5, 0.0)
    assert column_step.judge(e, 4, 7, False) == (sol, 5, 5, True)
    assert column_step.judge(e, 5, 7, False) == (None, 5, 5, True)
    assert column_step.judge(column_step.Entrant(None, 0, 6, 0.0), 4, 7, False) == (
        None, 4, 6, False,
    )  # fmt: skip
    assert column_step.judge(column_step.Entrant(None, 0, 3, 0.0), 4, 7, False) == (
        None, 4, 7, False,
    )  # fmt: skip
    assert column_step.judge(None, 4, 7, False) == (None, 4, 7, False)


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW_OK)
@given(world=tiny_worlds().map(_one_day))
@example(world=crews_against_hours()).via("crews against weekly hours")
@example(world=two_visits(0)).via("travel binds exactly")
@example(world=two_visits(-1)).via("a minute too close")
def test_held_tasks_given_back_keep_every_rule(world: World) -> None:
    """`restore`: the lowest priority's column plan with nothing held, given back greedy's
    tasks above it (dropping its own visits where a route or weekly minutes ask): a plan that
    keeps every rule, never serving fewer above the priority than before."""
    model = _model(world)
    scenario, tasks = model.scenario, model.scenario.tasks
    master = RouteMaster(scenario, model.analyses, model.tids, model.travel)
    present = [p for p in PRIORITIES if any(tasks[t].priority == p for t in master.open)]
    assume(len(present) > 1)
    p = present[-1]
    step = master.bound(p, {})
    got = route_plan.integer_master(master, p, {}, step, seconds=5, workers=1)
    sol = route_plan.column_plan(master, got.chosen, got.served)
    best = greedy_plan(scenario, model.analyses, model.travel)
    held = {q: n for q, n in count_by_priority(scenario, best.crews).items() if q != p and n}
    out = column_step.restore(master, sol, best, held, p)
    before, after = (count_by_priority(scenario, s.crews) for s in (sol, out))
    assert all(after[q] >= before[q] for q in held), (before, after, held)
    _valid(world, out)


def test_a_held_visit_given_back_drops_the_visit_beside_it_that_its_route_or_hours_refuse() -> None:
    """One walker; `a` high, `b` normal: the normal step's column plan serves `b`, the high
    visit held is given back at greedy's start, and `b` goes when the walk between them is a
    minute short, or when the walker's week holds one half-hour visit only; both stay when
    the walk fits and the hours do."""
    for slack, hours, both in ((-1, None, False), (5, 0.5, False), (5, None, True)):
        world = two_visits(slack)
        world["tasks"][0]["priority"] = "high"
        if hours is not None:
            world["volunteers"][0]["max_hours_per_week"] = hours
        model = _model(world)
        master = RouteMaster(model.scenario, model.analyses, model.tids, model.travel)
        step = master.bound("normal", {})
        got = route_plan.integer_master(master, "normal", {}, step, seconds=5, workers=1)
        sol = route_plan.column_plan(master, got.chosen, got.served)
        assert set(sol.crews) == {"b"}, sol
        best = greedy_plan(model.scenario, model.analyses, model.travel)
        assert "a" in best.crews, best
        out = column_step.restore(master, sol, best, {"high": 1}, "normal")
        assert set(out.crews) == ({"a", "b"} if both else {"a"}), (slack, hours, out)
        _valid(world, out)


def test_beside_the_search_the_entrant_is_the_one_found_before_it() -> None:
    """`Beside` (the entrant in a thread while CP-SAT searches): once its thread is done, its
    entrant is `enter`'s (the same count, bound and plan); asked at once, it stops between
    rounds and gives no plan (no integer master) and no error."""
    world = crews_against_hours()
    with patch.object(column_step, "BOUND", True), patch.object(column_step, "COMPETE", True):
        alone = column_step.enter(_model(world), "normal", {"high": 1}, 10.0, None)
        beside = column_step.Beside(_model(world), "normal", {"high": 1}, 10.0, None)
        beside.thread.join()
        got = beside.get()
        assert got is not None and alone.plan is not None and got.plan is not None
        # the high visit alone (two of three walkers); the LP's 4/3 visits each: 1 normal
        assert (got.count, got.bound) == (alone.count, alone.bound) == (0, 1), (got, alone)
        assert got.plan.crews.keys() == alone.plan.crews.keys() == {"t0"}
        stopped = column_step.Beside(_model(world), "normal", {"high": 1}, 10.0, None)
        got = stopped.get()  # (at once: no plan, unless its thread was done before)
        assert got is not None and (got.plan is None or got.count == alone.count), got


def test_a_bound_below_an_lp_value_the_master_reached_is_not_used() -> None:
    """Stop 26 A: weak duality says the Lagrangian bound is never below an LP value of the
    master with every held count met; one that is (a pricing fault) bounds nothing."""
    world = crews_against_hours()
    for task in world["tasks"]:
        task["priority"] = "low" if task["priority"] == "normal" else task["priority"]
    real = RouteMaster.bound

    def broken(self: Any, *args: Any, **kw: Any) -> Any:
        got = real(self, *args, **kw)
        got.bound = got.feasible - 0.5
        return got

    with patch.multiple(column_step, LOW=True):
        fine = column_step.enter(_model(world), "low", {"high": 1}, 10.0, None)
        assert fine.bound == 1, fine  # (the LP's 4/3 visits each, as at normal)
        with patch.object(RouteMaster, "bound", broken):
            got = column_step.enter(_model(world), "low", {"high": 1}, 10.0, None)
    assert got.bound is None, got
