"""The work a week's suggestion checks share (`solver.shared_week`) changes no check: a task's
analysis is reused only where everything it reads compares equal, and then equals the one
worked out afresh; a check that shares gives the same verdict, the same way, with the same
coverage and visits, as one that does not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import solver
from mutualaid.contract.scenario import build_scenario, read_scenario_text
from mutualaid.domain.model import Decline, Location, Scenario, Task
from mutualaid.json_patch import apply_patch
from solver import shared_week
from solver.analysis import Analyzer
from solver.suggest_kinds import suggest
from solver.suggest_verify import Outcome, outcome
from tests.strategies import World, shaped_worlds, small_worlds, tiny_worlds
from tests.test_suggestion_promise import SAMPLED
from tests.test_suggestions import REPLAYED

ROOT = Path(__file__).parent.parent / "scenarios"
EDGES = ROOT / "09-edge-reason-codes.yaml"
SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large]


@pytest.fixture(autouse=True)
def _shared_on() -> Iterator[None]:
    was = shared_week.SHARED
    shared_week.SHARED = True
    shared_week._weeks.clear()  # each test from a cold process
    yield
    shared_week.SHARED = was


def both_ways(doc: dict[str, Any], patch: Any, task: str, before: tuple[int, ...],
              seed: int) -> tuple[Outcome, Outcome]:  # fmt: skip
    """The check sharing with its week (the first of a week leaves it behind, the others
    take from it), and afresh."""
    shared_week.SHARED = True
    shared = outcome(doc, patch, task, before, seed)
    shared_week.SHARED = False
    try:
        fresh = outcome(doc, patch, task, before, seed)
    finally:
        shared_week.SHARED = True
    return shared, fresh


def every_candidate_agrees(doc: dict[str, Any]) -> int:
    """Every candidate of every unserved task of `doc`'s one-worker plan checked both ways;
    the number checked."""
    scenario = build_scenario(doc)
    plan = solver.solve(scenario, solver.SolveOptions(workers=1, time_limit=2))
    if plan.objective is None:
        return 0
    before = plan.objective.coverage_key()
    n = 0
    for tid, cands in suggest(scenario, doc, plan).items():
        for cand in cands:
            shared, fresh = both_ways(doc, cand.patch, tid, before, scenario.settings.seed)
            assert shared == fresh, (tid, cand.kind)
            analyses_agree(doc, cand.patch)
            n += 1
    return n


def analyses_agree(doc: dict[str, Any], patch: Any) -> None:
    """The patched week's analyses, shared with `doc`'s, equal those worked out afresh, task
    by task and field by field."""
    patched = build_scenario(apply_patch(doc, list(patch)))
    with shared_week.sharing(doc, patched):
        travel = shared_week.travel_for(patched)
        got = shared_week.analyses_for(patched, travel)
    fresh = Analyzer(patched).analyse_all()
    assert list(got) == list(fresh)
    for tid, a in fresh.items():
        assert got[tid] == a, tid
        assert got[tid].task is patched.tasks[tid]


def test_every_check_of_the_edge_week_is_the_same_shared_or_not() -> None:
    doc = read_scenario_text(EDGES.read_text("utf-8"))[1]
    assert every_candidate_agrees(doc) >= 5


@settings(max_examples=8, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(tiny_worlds()))
def test_every_check_of_a_random_tiny_week_is_the_same_shared_or_not(world: World) -> None:
    _agrees_if_built(world)


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=SLOW_OK)
@given(world=shaped_worlds(small_worlds()))
def test_every_check_of_a_random_week_is_the_same_shared_or_not(world: World) -> None:
    _agrees_if_built(world)


@pytest.mark.slow
@pytest.mark.parametrize("path", [p for p in REPLAYED if p.name not in SAMPLED],
                         ids=lambda p: p.name)  # fmt: skip
def test_every_check_of_a_replayed_week_is_the_same_shared_or_not(path: Path) -> None:
    every_candidate_agrees(read_scenario_text(path.read_text("utf-8"))[1])


def _agrees_if_built(world: World) -> None:
    try:
        build_scenario(world)
    except Exception:  # (a world the contract refuses has no checks)
        return
    every_candidate_agrees(world)


def test_the_week_a_first_check_leaves_behind_is_the_unpatched_week_worked_out_afresh() -> None:
    doc = read_scenario_text(EDGES.read_text("utf-8"))[1]
    scenario = build_scenario(doc)
    plan = solver.solve(scenario, solver.SolveOptions(workers=1, time_limit=2))
    assert plan.objective is not None
    fresh = Analyzer(scenario).analyse_all()
    n = 0
    for tid, cands in suggest(scenario, doc, plan).items():
        for cand in cands:
            shared_week._weeks.clear()
            outcome(doc, cand.patch, tid, plan.objective.coverage_key(), 0)
            week = shared_week._cached(shared_week.digest(doc))
            assert week is not None
            assert list(week.analyses) == list(fresh)
            for t, a in fresh.items():
                assert week.analyses[t] == a, (cand.kind, t)
                assert week.analyses[t].task is week.scenario.tasks[t]
            n += 1
    assert n >= 5


# --- a change to anything a task's analysis reads is seen ---------------------------------


def _week() -> tuple[dict[str, Any], Scenario]:
    doc = read_scenario_text(EDGES.read_text("utf-8"))[1]
    week = shared_week.week_of(doc)
    assert week is not None
    return doc, week.scenario


def _reused(doc: dict[str, Any], patched: Scenario) -> set[str]:
    """The tasks whose analysis `analyses_for` took from the unpatched week (the very lists
    of it), after checking the result equals a fresh analysis."""
    week = shared_week.week_of(doc)
    assert week is not None
    with shared_week.sharing(doc, patched):
        got = shared_week.analyses_for(patched, shared_week.travel_for(patched))
    fresh = Analyzer(patched).analyse_all()
    assert got == fresh
    return {t for t, a in got.items() if a.pools is week.analyses[t].pools}


def _other(value: object) -> object:
    """A different value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 7
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, Location):
        return Location(value.lat + 0.01, value.lon)
    if isinstance(value, frozenset):
        return value | {"sign_language"}
    if isinstance(value, tuple):
        return value[:-1] if value else ("extra",)
    return "changed" if value is None else None


def test_an_unpatched_week_reuses_every_analysis() -> None:
    doc, base = _week()
    same = build_scenario(doc)
    assert _reused(doc, same) == set(base.tasks)


@pytest.mark.parametrize("name", [f.name for f in fields(Task) if f.name != "id"])
def test_a_changed_task_field_is_analysed_again(name: str) -> None:
    doc, base = _week()
    for tid in base.tasks:
        task = base.tasks[tid]
        patched_task = replace(task, **{name: _other(getattr(task, name))})
        tasks = {**base.tasks, tid: patched_task}
        try:
            patched = replace(build_scenario(doc), tasks=tasks)
            reused = _reused(doc, patched)
        except (KeyError, AttributeError, TypeError, ValueError):
            continue  # a value this task cannot take (e.g. a resident it has none of)
        assert tid not in reused, name
        return
    pytest.skip(f"no task could take another {name}")


def test_a_changed_volunteer_field_is_seen_by_every_task_that_may_ask_them() -> None:
    doc, base = _week()
    for vid, vol in base.volunteers.items():
        for f in fields(vol):
            if f.name == "id":
                continue
            changed = replace(vol, **{f.name: _other(getattr(vol, f.name))})
            patched = replace(build_scenario(doc), volunteers={**base.volunteers, vid: changed})
            try:
                reused = _reused(doc, patched)
            except (KeyError, AttributeError, TypeError, ValueError):
                continue
            analyzer = Analyzer(base)
            asks = {
                t for t, task in base.tasks.items()
                if any(vid in p.members for n in task.needs for p in analyzer.pools_for(n))
            }  # fmt: skip
            assert not (reused & asks), (vid, f.name)


def test_a_changed_resident_team_setting_or_decline_is_seen() -> None:
    doc, base = _week()
    rid, resident = next(iter(base.residents.items()))
    users = {t for t, task in base.tasks.items() if task.resident == rid}
    assert users
    moved = replace(resident, location=Location(resident.location.lat + 0.01,
                                                resident.location.lon))  # fmt: skip
    patched = replace(build_scenario(doc), residents={**base.residents, rid: moved})
    assert not (_reused(doc, patched) & users)
    slower = replace(base.settings, detour_factor=base.settings.detour_factor + 0.2)
    assert _reused(doc, replace(build_scenario(doc), settings=slower)) == set()
    if base.teams:
        tname, team = next(iter(base.teams.items()))
        other = replace(team, skills=team.skills | {"sign_language"})
        patched = replace(build_scenario(doc), teams={**base.teams, tname: other})
        assert _reused(doc, patched) == set()
    declined = (*base.declined, Decline(next(iter(base.tasks)), next(iter(base.volunteers))))
    assert _reused(doc, replace(build_scenario(doc), declined=declined)) == set()
