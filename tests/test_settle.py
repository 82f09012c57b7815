"""A check ends early only when its answer is settled (`solver.settle`): the lower bounds it adds
up, and the lexicographic order it compares them in. An early stop that counted what a search
may still lose (the incumbent's counts below the priority being searched, or above it beyond
what is held) would answer yes where the whole solve says no."""

from __future__ import annotations

from pathlib import Path

import pytest

import solver
from mutualaid.contract.scenario import build_scenario, read_scenario_text
from mutualaid.domain.model import PRIORITIES
from mutualaid.json_patch import apply_patch
from solver.settle import Settled, Watch, held, offer, watching
from solver.suggest_kinds import suggest
from tests.test_suggestions import promise_holds

EDGES = Path(__file__).parent.parent / "scenarios" / "09-edge-reason-codes.yaml"


def test_more_at_a_lower_priority_never_makes_up_for_less_at_a_higher_one() -> None:
    watch = Watch(enough=(1, 5, 10, 3))
    assert not watch.offer((1, 4, 20, 9))  # above at normal and low, one high short
    assert not watch.offer((0, 9, 10, 3))
    assert watch.offer((1, 5, 11, 0))  # strictly above at normal: low no longer matters
    assert watch.settled


def test_equal_everywhere_is_enough_and_one_short_at_the_last_is_not() -> None:
    assert Watch(enough=(1, 5, 10, 3)).offer((1, 5, 10, 3))
    assert not Watch(enough=(1, 5, 10, 3)).offer((1, 5, 10, 2))


def test_one_priority_at_a_time_counts_what_is_held_above_and_nothing_below() -> None:
    # searching normal with urgent 1 and high 5 held: the incumbent's own high count (it may
    # be above what is held, and lost later) and its low count are not counted
    assert held({"urgent": 1, "high": 5}, "normal", 10) == (1, 5, 10, 0)
    watch = Watch(enough=(1, 5, 10, 3))
    assert not watch.offer(held({"urgent": 1, "high": 5}, "normal", 10))  # low unknown
    assert watch.offer(held({"urgent": 1, "high": 5}, "normal", 11))
    assert held({}, "urgent", 2) == (2, 0, 0, 0)


def test_a_part_counts_its_floor_and_the_parts_around_it() -> None:
    # two parts, floors (0, 2, 3, 1) and (1, 1, 1, 1): the week's floor is (1, 3, 4, 2)
    watch = Watch(enough=(1, 4, 0, 0), base=(1, 3, 4, 2))
    watch.begin((0, 2, 3, 1))  # the first part: the second's floor stays counted
    assert not watch.offer((0, 0, 9, 9))  # below its floor: the floor counts, (1, 3, 4, 2)
    assert not watch.offer((0, 2, 9, 9))  # (1, 3, 10, 10): a high task short still
    watch.end((0, 2, 5, 1))  # done: (1, 3, 6, 2)
    assert not watch.settled
    watch.begin((1, 1, 1, 1))
    assert watch.offer((1, 2, 0, 0))  # (1, 4, 5, 1)


def test_offer_raises_only_under_a_watch_and_once_settled() -> None:
    offer((9, 9, 9, 9))  # no watch: nothing to settle
    with watching(Watch(enough=(1, 0, 0, 0))):
        offer((0, 9, 9, 9))
        with pytest.raises(Settled):
            offer((1, 0, 0, 0))


def test_every_check_settled_midway_keeps_the_whole_one_worker_solves_promise() -> None:
    scenario, doc = read_scenario_text(EDGES.read_text("utf-8"))
    plan = solver.solve(scenario, solver.SolveOptions(workers=1))
    assert plan.objective is not None
    before = plan.objective.coverage_key()
    settled = 0
    for tid, cands in suggest(scenario, doc, plan).items():
        for cand in cands:
            patched = build_scenario(apply_patch(doc, cand.patch))
            options = solver.SolveOptions(workers=1, seed=0, reroute=False,
                                          coverage_only=True, enough=before)  # fmt: skip
            try:
                solver.solve(patched, options)
            except Settled:
                settled += 1
                assert promise_holds(doc, cand.patch, tid, before, 0), (tid, cand.kind)
    assert settled >= 1  # (its floor serves less than before: the search settled it)


def test_no_proved_bound_of_a_patched_week_falls_below_what_the_plan_serves() -> None:
    # why a failing check is never ended from above: every candidate comes with a plan of its
    # patched week serving the task beside what is served now (`Candidate.insertion`), so the
    # week's proved bound (each priority's) is never lexicographically below `before`
    scenario, doc = read_scenario_text(EDGES.read_text("utf-8"))
    plan = solver.solve(scenario, solver.SolveOptions(workers=1))
    assert plan.objective is not None
    before = plan.objective.coverage_key()
    seen = 0
    for cands in suggest(scenario, doc, plan).values():
        for cand in cands:
            patched = build_scenario(apply_patch(doc, cand.patch))
            options = solver.SolveOptions(workers=1, seed=0, reroute=False, coverage_only=True)
            got = solver.solve(patched, options)
            assert got.objective is not None
            bound = tuple(got.bound[p] for p in PRIORITIES)
            assert bound >= got.objective.coverage_key()
            assert bound > before, (cand.task, cand.kind)
            seen += 1
    assert seen >= 3
