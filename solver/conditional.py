"""The contract's bound priority by priority: for each priority p, how many of its tasks a plan
could serve while serving, at every priority above p, at least what this plan serves there.

A bound on weighted coverage alone (`solver.relax`, the coverage stage's) says little below the
first priority where the plan falls short: once the plan is one high task short of that bound,
the weight of one high task exceeds every normal and low task together, and dividing what is
left gives nearly every normal task. Here each priority gets a relaxation of its own
(`part_bounds`): the pairwise model of `solver.coverage` (no routes), maximising the count of
priority p alone, with the count at each priority above held at least at what the plan serves.
Any plan of the part that serves at least as much above is a solution of that model (the
argument of `solver.relax`), so the model's optimum, or CP-SAT's best bound, bounds its count
at p. A focus set instead of the whole part keeps the argument: tasks outside it count as
served, so the condition on the focus falls by their number and the bound rises by it.

Parts are solved apart, but the contract's condition is on the whole plan: a plan may serve
fewer high tasks in one part and more in another. `combine` joins the parts' bounds soundly,
priority by priority from the top, keeping for each part a lower bound on what any such plan
serves in it at each priority above (the plan's totals less what every other part could serve
beyond its own). A part's conditional bound is used only while those lower bounds are what the
part serves (always so when the other parts serve all they could); else the part falls back to
its weighted bound, the condition's weight taken off.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from mutualaid.domain.model import PRIORITIES, Location, Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.coverage import CoverageModel
from solver.relax import FOCUS_TASKS, affordable, rivals
from solver.solution import Solution, count_by_priority
from solver.stages import StopFn, Stopped, new_solver, watching


def part_bounds(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    plan: Solution,
    *,
    focus: list[str] | None = None,
    budget: float,
    workers: int,
    seed: int,
    deterministic: bool = False,
    deadline: float | None = None,
    stop: StopFn | None = None,
    build_share: float = 1 / 6,
) -> dict[str, int]:
    """For each priority p, a bound on the part's tasks of p served by any plan of the part
    that serves, at each priority above p, at least what `plan` serves there: the pairwise
    model of the whole part, one priority after another, each maximised in an equal share of
    what is left of `budget` (seconds; CP-SAT's deterministic time when `deterministic`),
    never past the wall-clock `deadline`. With a `focus`, only its tasks are modelled, every
    other task of the part counted as served. A priority that gets no answer in time: all its
    tasks. A model that would take longer to build than `build_share` of the budget (by
    `solver.relax.affordable`'s rate): every task (the caller keeps its weighted bound)."""
    mine = set(tids)
    served = count_by_priority(scenario, (t for t in plan.crews if t in mine))
    totals = count_by_priority(scenario, tids)
    focus = sorted(mine if focus is None else mine & set(focus))
    modelled = count_by_priority(scenario, focus)
    outside = {p: totals[p] - modelled[p] for p in PRIORITIES}
    out = dict(totals)
    started, spent = time.monotonic(), 0.0

    def left() -> float:
        rest = budget - (spent if deterministic else time.monotonic() - started)
        return rest if deadline is None else min(rest, deadline - time.time())

    if not focus or left() <= 0.05 or not affordable(scenario, analyses, focus,
                                                     3 * build_share * left()):  # fmt: skip
        return out  # (a sixth by default: BoundModel's rows take longer to build than
        # solver.relax measured)
    model = BoundModel(scenario, analyses, focus, travel, weights)
    model.hint(plan)
    m = model.m
    count = {
        p: sum(model.served[t] for t in focus if scenario.tasks[t].priority == p)
        for p in PRIORITIES
    }
    open_ = [p for p in PRIORITIES if served[p] < totals[p] and modelled[p]]
    for p in PRIORITIES:
        if not modelled[p]:
            continue  # nothing of p is modelled: its bound is every task, its condition void
        if p in open_:
            share = left() / (len(open_) - open_.index(p))
            if share > 0.05:
                got, work = _maximise(m, count[p], share, workers, seed, deterministic, stop)
                spent += work
                if got is not None:
                    out[p] = max(served[p], min(totals[p], outside[p] + got))
        m.add(count[p] >= served[p] - outside[p])  # the condition for the priorities below
    return out


class BoundModel(CoverageModel):
    """`CoverageModel` with two redundant constraints per (volunteer, slot) that give CP-SAT's
    linear relaxation something to hold on to (the order literals' big-M rows give it nearly
    nothing). Both hold for the visits of any route in the slot, so the model's plans and its
    optimum are unchanged:

    - no overlap: each visit as an interval from its start to its end plus the shortest trip
      out of it (to another of the slot's tasks or to the slot's end): a route's later visit
      starts at least the trip after an earlier one ends (`solver.coverage`'s argument);
    - time: the visits' minutes, each with the shortest trip into it (from the slot's start or
      another of its tasks), fit in the slot less the shortest trip from a visit to its end (a
      route enters each visit once and leaves the last one).

    Measured on a contended 400-task week (7001, 10 s per priority, 2 workers): the bound on
    normal tasks 105 instead of 117, on low tasks 53 instead of 59."""

    def _route(self, key: tuple[str, int], tasks: list[str]) -> None:
        super()._route(key, tasks)
        vid, k = key
        vol, slot, m = self.scenario.volunteers[vid], self.slots[vid][key[1]], self.m
        place = {t: self.scenario.tasks[t].location for t in tasks}

        def trip(a: Location, b: Location) -> int:
            return self.travel.minutes(vol.mode, a, b)

        intervals, minutes, out_of = [], [], {}
        for t in tasks:
            duration = self.scenario.tasks[t].duration_minutes
            others = [place[j] for j in tasks if j != t]
            out_of[t] = min(trip(place[t], x) for x in [*others, slot.destination])
            into = min(trip(x, place[t]) for x in [slot.origin, *others])
            lit = self.in_slot[(vid, t, k)]
            intervals.append(
                m.new_optional_fixed_size_interval_var(
                    self.start[t], duration + out_of[t], lit, f"visit[{vid},{k},{t}]"
                )
            )
            minutes.append((lit, duration + into))
        m.add_no_overlap(intervals)
        room = slot.end - slot.begin - min(trip(place[t], slot.destination) for t in tasks)
        if sum(c for _, c in minutes) > room:
            m.add(sum(lit * c for lit, c in minutes) <= room)


def choose_focus(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    plan: Solution,
    seconds: float,
    *,
    whole_only: bool = False,
) -> list[str] | None:
    """What `part_bounds` should model in `seconds`: the whole part when its model is built in
    a third of them, else (unless `whole_only`) the plan's unserved tasks with their rivals
    (`solver.relax.rivals`), else with every urgent and high task; None when none of these is."""
    unserved = {t for t in tids if t not in plan.crews}
    if not unserved:
        return None
    top = {t for t in tids if scenario.tasks[t].priority in PRIORITIES[:2]}
    tried = [set(tids)]
    if not whole_only:
        tried += [unserved | rivals(scenario, analyses, unserved, plan), unserved | top]
    for focus in tried:
        small = len(focus) <= FOCUS_TASKS or len(focus) == len(tids)
        if small and affordable(scenario, analyses, sorted(focus), seconds):
            return sorted(focus)
    return None


def _maximise(
    m: cp_model.CpModel,
    expr: cp_model.LinearExprT,
    limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    stop: StopFn | None,
) -> tuple[int | None, float]:
    """(CP-SAT's bound on the largest `expr`, None without one; the work it took)."""
    m.maximize(expr)
    solver = new_solver(m, workers=workers, seed=seed, limit=limit, deterministic=deterministic,
                        settings=(("optimize_with_core", True),))  # fmt: skip
    t0 = time.monotonic()
    with watching(solver, stop):
        status = solver.solve(m)
    if stop is not None and stop():
        raise Stopped
    work = _spent(solver, deterministic, time.monotonic() - t0)
    if status == cp_model.OPTIMAL:
        return round(solver.objective_value), work
    if status == cp_model.FEASIBLE and math.isfinite(solver.best_objective_bound):
        return int(solver.best_objective_bound + 1e-6), work
    return None, work


def _spent(solver: cp_model.CpSolver, deterministic: bool, seconds: float) -> float:
    return float(solver.response_proto.deterministic_time) if deterministic else seconds


@dataclass(frozen=True)
class PartBounds:
    """What `combine` needs of one part."""

    served: dict[str, int]
    """Tasks the plan serves in the part, per priority."""
    possible: dict[str, int]
    """The part's tasks per priority that static analysis allows (what it could serve at most)."""
    weighted: int
    """A bound on the part's weighted coverage (by `weights`)."""
    conditional: dict[str, int] | None
    """`part_bounds`' answer (or `served` for a part proved optimal), None without one."""


def combine(parts: list[PartBounds], weights: dict[str, int]) -> dict[str, int]:
    """The plan's bound per priority, the contract's: at p, what any plan could serve while
    serving at least the plan's totals at each priority above. From the top, for each part k:
    its most at p, `up[k]` (its conditional bound while every lower bound `low[k]` above p is
    what it serves, and in any case its weighted bound less the weight the lower bounds hold);
    and then its least at p in any such plan, `low[k]`: the plan's total at p less what every
    other part could serve there."""
    low: list[dict[str, int]] = [{} for _ in parts]
    out: dict[str, int] = {}
    for p in PRIORITIES:
        up: list[int] = []
        for k, part in enumerate(parts):
            held = sum(weights[q] * n for q, n in low[k].items())
            most = min(part.possible[p], max(0, part.weighted - held) // weights[p])
            if part.conditional is not None and all(n >= part.served[q] for q, n in low[k].items()):
                most = min(most, part.conditional[p])
            up.append(max(most, part.served[p]))
        total = sum(part.served[p] for part in parts)
        every = sum(up)
        for k in range(len(parts)):
            low[k][p] = max(0, total - (every - up[k]))
        out[p] = every
    return out
