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
    key = digest(document)
    with _lock:
        found = _weeks.get(key)
        if found is not None:
            _weeks.move_to_end(key)
            return found
    try:
        scenario = build_scenario(document)
    except Exception:  # (the check itself says what is wrong with the patched week)
        return None
    travel = HaversineTravel(scenario.settings)
    analyzer = Analyzer(scenario, travel)
    week = Week(scenario, analyzer, analyzer.analyse_all(), travel)
    with _lock:
        _weeks[key] = week
        while len(_weeks) > KEPT_WEEKS:
            _weeks.popitem(last=False)
    return week


@dataclass(frozen=True)
class Sharing:
    """A patched week (`patched`, that very object) and the unpatched `week` it shares with."""

    patched: Scenario
    week: Week


_current: ContextVar[Sharing | None] = ContextVar("shared_week", default=None)


@contextmanager
def sharing(document: dict[str, Any], patched: Scenario) -> Iterator[None]:
    """While solving `patched` (`document` with a patch applied), share what it can with the
    unpatched week (nothing when SHARED is false)."""
    week = week_of(document) if SHARED else None
    token = _current.set(None if week is None else Sharing(patched, week))
    try:
        yield
    finally:
        _current.reset(token)


def _mine(scenario: Scenario) -> Week | None:
    shared = _current.get()
    if shared is None or shared.patched is not scenario:
        return None
    if shared.week.scenario.settings != scenario.settings:
        return None
    return shared.week


def travel_for(scenario: Scenario) -> TravelModel:
    """The travel model of `scenario`: the unpatched week's cache while sharing, else new."""
    week = _mine(scenario)
    return HaversineTravel(scenario.settings) if week is None else week.travel


def analyses_for(scenario: Scenario, travel: TravelModel) -> dict[str, TaskAnalysis]:
    """Every task's analysis (`Analyzer.analyse_all`), the unpatched week's where a task's
    inputs are unchanged (see the module)."""
    week = _mine(scenario)
    analyzer = Analyzer(scenario, travel)
    if week is None or travel is not week.travel:
        return analyzer.analyse_all()
    base = week.scenario
    if (
        base.declined_pairs() != scenario.declined_pairs()
        or base.teams.keys() != scenario.teams.keys()
        or any(values(t) != values(base.teams[k]) for k, t in scenario.teams.items())
    ):
        return analyzer.analyse_all()
    changed = {
        v for v in base.volunteers.keys() | scenario.volunteers.keys()
        if values(base.volunteers.get(v)) != values(scenario.volunteers.get(v))
    }  # fmt: skip
    out: dict[str, TaskAnalysis] = {}
    for tid, task in scenario.tasks.items():
        old = week.analyses.get(tid)
        if old is not None and _same_inputs(week, scenario, analyzer, task, changed):
            out[tid] = replace(old, task=task)
        else:
            out[tid] = analyzer.analyse(task)
    return out


def _same_inputs(
    week: Week, scenario: Scenario, analyzer: Analyzer, task: Task, changed: set[str]
) -> bool:
    base = week.scenario
    was = base.tasks[task.id]
    if values(was) != values(task):
        return False
    if task.resident is not None and values(base.residents.get(task.resident)) != values(
        scenario.residents.get(task.resident)
    ):
        return False
    if not changed:
        return True
    for need in task.needs:
        for pools in (analyzer.pools_for(need), week.analyzer.pools_for(need)):
            if any(pool.members & changed for pool in pools):
                return False
    return True
