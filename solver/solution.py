"""A solution (start and crew per served task) and what follows from it: routes, figures, plan."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from mutualaid.contract import clock
from mutualaid.domain.model import PRIORITIES, Scenario, Task
from mutualaid.domain.plan import (
    AssignedVolunteer,
    Assignment,
    Objective,
    Plan,
    Reason,
    Unserved,
    reason,
)
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.routes import block_of


@dataclass
class Solution:
    starts: dict[str, int] = field(default_factory=dict)
    crews: dict[str, tuple[AssignedVolunteer, ...]] = field(default_factory=dict)

    def merge(self, other: Solution) -> None:
        self.starts.update(other.starts)
        self.crews.update(other.crews)

    def visits(self) -> dict[str, list[str]]:
        """Volunteer -> their served tasks."""
        out: dict[str, list[str]] = defaultdict(list)
        for tid, crew in self.crews.items():
            for a in crew:
                out[a.id].append(tid)
        return out


def count_by_priority(scenario: Scenario, tids: Iterable[str]) -> dict[str, int]:
    """How many of these tasks there are of each priority (every priority, in order)."""
    out = dict.fromkeys(PRIORITIES, 0)
    for tid in tids:
        out[scenario.tasks[tid].priority] += 1
    return out


GAP_WEIGHTS = {"urgent": 100, "high": 30, "normal": 8, "low": 1}
"""The weights of the one-figure gap a plan reports (`weighted_gap`): how far, at most, its
coverage is from the best, urgent counting most. Not the solver's lexicographic weights."""


def weighted_gap(served: dict[str, int], bound: dict[str, int]) -> float:
    """1 - sum(w * served) / sum(w * bound) with GAP_WEIGHTS; 0 when the bound is 0."""
    most = sum(GAP_WEIGHTS[p] * bound.get(p, 0) for p in PRIORITIES)
    got = sum(GAP_WEIGHTS[p] * served.get(p, 0) for p in PRIORITIES)
    return 1 - got / most if most else 0.0


def service_minutes(
    scenario: Scenario, crews: Mapping[str, Iterable[AssignedVolunteer]]
) -> dict[str, int]:
    """Volunteer -> minutes of service in these crews (only volunteers who serve)."""
    out: dict[str, int] = defaultdict(int)
    for tid, crew in crews.items():
        for a in crew:
            out[a.id] += scenario.tasks[tid].duration_minutes
    return dict(out)


@dataclass(frozen=True)
class RouteStop:
    task: str
    start: int
    end: int
    travel_in: int


def routes(
    scenario: Scenario, sol: Solution, travel: TravelModel
) -> dict[str, list[tuple[int, list[RouteStop], int]]]:
    """Volunteer -> [(block index, stops in order, travel back home)]."""
    out: dict[str, list[tuple[int, list[RouteStop], int]]] = {}
    for vid, tids in sol.visits().items():
        vol = scenario.volunteers[vid]
        by_block: dict[int, list[str]] = defaultdict(list)
        for tid in tids:
            s = sol.starts[tid]
            e = s + scenario.tasks[tid].duration_minutes
            block = block_of(vol, s, e)
            assert block is not None, "a plan's visit lies in one of its volunteer's blocks"
            by_block[block].append(tid)
        out[vid] = []
        for block, group in sorted(by_block.items()):
            group.sort(key=lambda t: sol.starts[t])
            here = vol.home
            stops = []
            for tid in group:
                task = scenario.tasks[tid]
                tr = travel.minutes(vol.mode, here, task.location)
                stops.append(
                    RouteStop(tid, sol.starts[tid], sol.starts[tid] + task.duration_minutes, tr)
                )
                here = task.location
            out[vid].append((block, stops, travel.minutes(vol.mode, here, vol.home)))
    return out


def figures(scenario: Scenario, sol: Solution, travel: TravelModel) -> Objective:
    served = count_by_priority(scenario, sol.crews)
    total = count_by_priority(scenario, scenario.tasks)
    pairs = scenario.continuity_pairs()
    continuity = sum((tid, a.id) in pairs for tid, crew in sol.crews.items() for a in crew)
    travel_total = 0
    for legs in routes(scenario, sol, travel).values():
        for _, stops, back in legs:
            travel_total += back + sum(s.travel_in for s in stops)
    waited = sum(scenario.tasks[tid].waited for tid in sol.crews)
    return Objective(served, total, continuity, travel_total, max_load(scenario, sol), waited)


def max_load(scenario: Scenario, sol: Solution) -> float:
    minutes = service_minutes(scenario, sol.crews)
    loads = [
        m / (60 * scenario.volunteers[v].max_hours_per_week)
        for v, m in minutes.items()
        if scenario.volunteers[v].max_hours_per_week > 0
    ]
    return max(loads, default=0.0)


def capacity_detail(
    scenario: Scenario, task: Task, analysis: TaskAnalysis, sol: Solution
) -> Reason:
    """Name the served tasks that took this task's candidates at the times it could have run."""
    dur = task.duration_minutes
    taken: dict[str, list[str]] = defaultdict(list)
    visits = sol.visits()
    for vid in sorted(analysis.candidates):
        for tid in visits.get(vid, []):
            s = sol.starts[tid]
            e = s + scenario.tasks[tid].duration_minutes
            if any(s < hi + dur and lo < e for lo, hi in analysis.start_domain):
                taken[tid].append(vid)
    if not taken:  # their weekly hours went elsewhere
        for vid in sorted(analysis.candidates):
            for tid in visits.get(vid, [])[:2]:
                taken[tid].append(vid)
    if not taken:
        return reason("why_capacity_unknown")
    items = sorted(taken.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    parts = tuple(reason("taken_item", task=t, volunteers=", ".join(vs[:3])) for t, vs in items[:3])
    if len(items) > 3:
        return reason("why_capacity_more", taken=parts, more=len(items) - 3)
    return reason("why_capacity", taken=parts)


def build_plan(
    scenario: Scenario,
    sol: Solution,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    *,
    status: str,
    bound: dict[str, int],
    started: float,
    extra: dict[str, object] | None = None,
) -> Plan:
    objective = figures(scenario, sol, travel)
    assignments = [
        Assignment(
            tid,
            sol.starts[tid],
            sol.starts[tid] + scenario.tasks[tid].duration_minutes,
            tuple(sorted(sol.crews[tid], key=lambda a: (a.role, a.id))),
        )
        for tid in sorted(sol.crews, key=lambda t: (sol.starts[t], t))
    ]
    unserved = []
    for tid, task in scenario.tasks.items():
        if tid in sol.crews:
            continue
        a = analyses[tid]
        if a.reason is not None:
            unserved.append(Unserved(tid, a.reason, a.detail))
        else:
            unserved.append(Unserved(tid, "capacity", capacity_detail(scenario, task, a, sol)))
    bound = {p: max(bound.get(p, objective.tasks[p]), objective.served[p]) for p in PRIORITIES}
    route_json = {
        vid: [
            {
                "block": block,
                "stops": [
                    {
                        "task": s.task,
                        "start": clock.iso(scenario, s.start),
                        "travel_in": s.travel_in,
                    }
                    for s in stops
                ],
                "travel_home": back,
            }
            for block, stops, back in legs
        ]
        for vid, legs in sorted(routes(scenario, sol, travel).items())
    }
    minutes = service_minutes(scenario, sol.crews)
    loads = {
        vid: {
            "minutes": minutes[vid],
            "max_minutes": scenario.volunteers[vid].max_service_minutes,
        }
        for vid in sorted(minutes)
    }
    return Plan(
        scenario=scenario.name,
        status=status,
        solve_seconds=time.monotonic() - started,
        objective=objective,
        bound=bound,
        assignments=assignments,
        unserved=unserved,
        extra={"routes": route_json, "loads": loads, **(extra or {})},
    )
