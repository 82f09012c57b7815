"""Work the checks of one week's suggestions share: the unpatched week's static analysis and
travel minutes, reused by every check of that week (`solver.suggest_verify.keeps_promise`).

Why not the brief's per-part cache. A check's one-worker solve splits the week into independent
parts, but every subdistrict week is one part and a few crumbs (subdistrict-a 185 tasks in one
part; 7001-7010 one part of 146-189 tasks beside 0-2 of one or two), so every patch reaches the
part that costs, and each part's budget is its share of the whole week's size besides.

What is shared instead, each a pure function of what is compared, so a check gives the same
plan with it as without it (the same analyses, equal field by field, hence the same model,
hint and CP-SAT search):

- a task's analysis (`solver.analysis.Analyzer.analyse`) reads the task, its resident, the
  week's settings, teams and declined pairs, and of the volunteers only those in the task's
  pools (everyone with a skill or team one of its roles asks: `Analyzer.pools_for`, under the
  unpatched week's index and the patched one's). A patch touches one task or a few
  volunteers (and adds pins, which analysis does not read): every other task whose inputs
  compare equal, field by field, keeps the unpatched week's analysis;
- travel minutes are the contract's formula on two places, a mode and the settings' speeds
  and detour: one cache (`HaversineTravel`) for every check whose settings compare equal.

`SHARED` false turns it off (every check from scratch, as before): `bench/suggest_shared.py`
measures the two side by side and tests/test_shared_week.py holds them equal.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from typing import Any

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Entity, Scenario, Task
from mutualaid.travel import HaversineTravel, TravelModel
from solver.analysis import Analyzer, TaskAnalysis

SHARED = True
"""Checks of one week share its analysis and travel minutes (see the module); False: each
check works everything out afresh."""

KEPT_WEEKS = 2
"""Unpatched weeks kept per process (the least recently used goes first)."""


def values(entity: Entity | None) -> tuple[object, ...] | None:
    """An entity's fields as a tuple (entities compare by id only; this compares the rest)."""
    if entity is None:
        return None
    return tuple(getattr(entity, f.name) for f in fields(entity))


@dataclass
class Week:
    """One unpatched week: its scenario, analyses and travel cache."""

    scenario: Scenario
    analyzer: Analyzer
    analyses: dict[str, TaskAnalysis]
    travel: HaversineTravel


_weeks: OrderedDict[str, Week] = OrderedDict()
_lock = threading.Lock()


def digest(document: dict[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def week_of(document: dict[str, Any]) -> Week | None:
    """The unpatched week of `document` (built once per process); None when it is not a
    week that builds."""
    found = _cached(digest(document))
    if found is not None:
        return found
    try:
        scenario = build_scenario(document)
    except Exception:  # (the check itself says what is wrong with the patched week)
        return None
    travel = HaversineTravel(scenario.settings)
    analyzer = Analyzer(scenario, travel)
    return _keep(digest(document), Week(scenario, analyzer, analyzer.analyse_all(), travel))


def _cached(key: str) -> Week | None:
    with _lock:
        found = _weeks.get(key)
        if found is not None:
            _weeks.move_to_end(key)
        return found


def _keep(key: str, week: Week) -> Week:
    with _lock:
        _weeks[key] = week
        while len(_weeks) > KEPT_WEEKS:
            _weeks.popitem(last=False)
    return week


@dataclass
class Sharing:
    """A patched week (`patched`, that very object) and the unpatched `week` it shares with;
    the first check of a week (`week` None) works its own out afresh, then leaves the
    unpatched week's behind, taken from its own where the inputs are the same (so the first
    check costs hardly more than one on its own)."""

    patched: Scenario
    document: dict[str, Any]
    key: str
    week: Week | None
    travel: HaversineTravel | None = None
    """The first check's own travel cache, left to the week."""


_current: ContextVar[Sharing | None] = ContextVar("shared_week", default=None)


@contextmanager
def sharing(document: dict[str, Any], patched: Scenario) -> Iterator[None]:
    """While solving `patched` (`document` with a patch applied), share what it can with the
    unpatched week (nothing when SHARED is false)."""
    shared = None
    if SHARED:
        key = digest(document)
        shared = Sharing(patched, document, key, _cached(key))
    token = _current.set(shared)
    try:
        yield
    finally:
        _current.reset(token)


def _mine(scenario: Scenario) -> Sharing | None:
    shared = _current.get()
    return shared if shared is not None and shared.patched is scenario else None


def travel_for(scenario: Scenario) -> TravelModel:
    """The travel model of `scenario`: the unpatched week's cache while sharing, else new."""
    shared = _mine(scenario)
    if shared is None:
        return HaversineTravel(scenario.settings)
    if shared.week is not None and shared.week.scenario.settings == scenario.settings:
        return shared.week.travel
    if shared.travel is None:
        shared.travel = HaversineTravel(scenario.settings)
    return shared.travel


def analyses_for(scenario: Scenario, travel: TravelModel) -> dict[str, TaskAnalysis]:
    """Every task's analysis (`Analyzer.analyse_all`), the unpatched week's where a task's
    inputs are unchanged (see the module)."""
    shared = _mine(scenario)
    analyzer = Analyzer(scenario, travel)
    if shared is None:
        return analyzer.analyse_all()
    week = shared.week
    if week is None or travel is not week.travel:
        fresh = analyzer.analyse_all()
        if week is None and travel is shared.travel:
            shared.week = _left_behind(shared, analyzer, fresh)
        return fresh
    return _taken(week.scenario, week.analyzer, week.analyses, scenario, analyzer)


def _left_behind(
    shared: Sharing, analyzer: Analyzer, analyses: dict[str, TaskAnalysis]
) -> Week | None:
    """The unpatched week, its analyses taken from the first check's where the same."""
    try:
        base = build_scenario(shared.document)
    except Exception:
        return None
    travel = shared.travel
    if travel is None or base.settings != shared.patched.settings:
        return None
    mine = Analyzer(base, travel)
    week = Week(base, mine, _taken(shared.patched, analyzer, analyses, base, mine), travel)
    return _keep(shared.key, week)


def _taken(
    was: Scenario,
    was_analyzer: Analyzer,
    was_analyses: dict[str, TaskAnalysis],
    now: Scenario,
    analyzer: Analyzer,
) -> dict[str, TaskAnalysis]:
    """`now`'s analyses: `was`'s where a task reads the same in both, else worked out."""
    if (
        was.declined_pairs() != now.declined_pairs()
        or was.teams.keys() != now.teams.keys()
        or any(values(t) != values(was.teams[k]) for k, t in now.teams.items())
    ):
        return analyzer.analyse_all()
    changed = {
        v for v in was.volunteers.keys() | now.volunteers.keys()
        if values(was.volunteers.get(v)) != values(now.volunteers.get(v))
    }  # fmt: skip
    out: dict[str, TaskAnalysis] = {}
    for tid, task in now.tasks.items():
        old = was_analyses.get(tid)
        if old is not None and _same_inputs(was, was_analyzer, now, analyzer, task, changed):
            out[tid] = replace(old, task=task)
        else:
            out[tid] = analyzer.analyse(task)
    return out


def _same_inputs(
    was: Scenario,
    was_analyzer: Analyzer,
    now: Scenario,
    analyzer: Analyzer,
    task: Task,
    changed: set[str],
) -> bool:
    if values(was.tasks.get(task.id)) != values(task):
        return False
    if task.resident is not None and values(was.residents.get(task.resident)) != values(
        now.residents.get(task.resident)
    ):
        return False
    if not changed:
        return True
    for need in task.needs:
        for pools in (analyzer.pools_for(need), was_analyzer.pools_for(need)):
            if any(pool.members & changed for pool in pools):
                return False
    return True
