"""The greedy planner: urgent before low, scarce before plentiful, each task at its earliest
start where a whole crew can fit it into their routes. The warm start and the floor of CP-SAT.
"""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from functools import partial

from mutualaid.domain.eligibility import within_hours
from mutualaid.domain.matching import Matching
from mutualaid.domain.model import PRIORITIES, Need, Scenario, Span, Task
from mutualaid.domain.plan import AssignedVolunteer
from mutualaid.travel import TravelModel
from solver import clock
from solver.analysis import Pool, TaskAnalysis
from solver.routes import Visit, block_of, gaps
from solver.solution import Solution


class _Schedules:
    """Each volunteer's booked visits per availability block, kept sorted by start."""

    def __init__(self, scenario: Scenario, travel: TravelModel) -> None:
        self.scenario = scenario
        self.travel = travel
        self.stops: dict[tuple[str, int], list[Visit]] = defaultdict(list)
        self.minutes: dict[str, int] = defaultdict(int)

    def insertion_starts(self, vid: str, task: Task, allowed: list[Span]) -> list[Span]:
        """Closed start ranges at which `task` fits between the visits already booked."""
        vol = self.scenario.volunteers[vid]
        if not within_hours(vol, self.minutes[vid] + task.duration_minutes):
            return []
        out = []
        for bi, (bs, be) in enumerate(vol.blocks):
            if not any(lo <= be and hi >= bs for lo, hi in allowed):
                continue
            for slot in gaps(vol.home, (bs, be), self.stops.get((vid, bi), [])):
                if not slot.may_fit(task, allowed):
                    continue
                lo, hi = slot.window(task, self.travel, vol.mode)
                for a, b in allowed:
                    if max(lo, a) <= min(hi, b):
                        out.append((max(lo, a), min(hi, b)))
        return out

    def book(self, vid: str, task: Task, start: int) -> None:
        vol = self.scenario.volunteers[vid]
        end = start + task.duration_minutes
        bi = block_of(vol, start, end)
        assert bi is not None, "a start from `insertion_starts` lies in a block"
        self.stops[(vid, bi)].append((start, end, task.location))
        self.stops[(vid, bi)].sort(key=lambda x: x[0])
        self.minutes[vid] += task.duration_minutes


def assign_roles(
    needs: tuple[Need, ...],
    pools: list[list[Pool]],
    free: set[str],
    must: tuple[str, ...],
    rank: Callable[[str], tuple[object, ...]],
) -> tuple[AssignedVolunteer, ...] | None:
    """A crew from `free` filling every role (team roles from one team), containing `must`;
    the best-ranked people first. None when no crew exists. The places of a role are its
    `min_people` required ones, and with pins up to `max_people` optional ones that only hold
    pinned people (`Matching`)."""
    for choice in itertools.product(*pools):
        slots: list[tuple[int, str | None, bool, list[str]]] = []
        for r, (need, pool) in enumerate(zip(needs, choice, strict=True)):
            cands = sorted(pool.members & free, key=rank)
            slots += [(r, pool.team, True, cands)] * need.min_people
            if must:
                slots += [(r, pool.team, False, cands)] * (need.max_people - need.min_people)
        match = Matching([x[3] for x in slots], [x[2] for x in slots])
        if not all(match.seat(v) for v in must):
            continue
        if all(s in match.owner or match.fill(s) for s, x in enumerate(slots) if x[2]):
            return tuple(
                AssignedVolunteer(v, slots[s][0], slots[s][1])
                for s, v in sorted(match.owner.items())
            )
    return None


def _ranking(
    scenario: Scenario,
    sched: _Schedules,
    a: TaskAnalysis,
    continuity: frozenset[tuple[str, str]],
) -> Callable[[str], tuple[object, ...]]:
    """Who to ask first: continuity, then the nearest, then the least loaded."""

    def rank(v: str) -> tuple[object, ...]:
        vol = scenario.volunteers[v]
        load = sched.minutes[v] / max(1, vol.max_service_minutes)
        return ((a.task.id, v) not in continuity, a.travel_home[v], round(load, 3), v)

    return rank


def greedy_plan(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    fixed: Solution | None = None,
) -> Solution:
    """Serve tasks one by one in order of priority (then longest waited), pins first; never
    undo a choice. Only the tasks of `analyses` are planned; `fixed` visits (a valid partial
    plan) are kept as they are, and the rest is fitted around them."""
    sched, sol = _booked(scenario, travel, fixed)
    pins = {p.task: p.volunteers for p in scenario.pinned}
    continuity = scenario.continuity_pairs()
    chosen = [t for t in analyses if analyses[t].reason is None and t not in sol.crews]
    for tid in sorted(chosen, key=partial(_order, analyses, pins)):
        a = analyses[tid]
        must = pins.get(tid, ())
        if any(v not in a.candidates for v in must):
            continue
        ranges = _ranges(sched, a)
        if all(v in ranges for v in must):
            _seat(scenario, sched, sol, a, ranges, must, continuity)
    return sol


def scarcest_first_plan(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    fixed: Solution | None = None,
) -> Solution:
    """`greedy_plan`, but each next task of a priority is the one with the fewest volunteers
    still able to fit it in (counted again after every booking), not the fewest candidates
    before any: a task whose last volunteers are being taken goes before one that still has
    many. Pinned tasks first, in `greedy_plan`'s order. Measured on the district one-day week
    7004 (1,769 tasks in one part, load 15): 88/341/619/75 where `greedy_plan` serves
    88/338/579/91, and around the urgent-and-high model's plan 586 normal tasks against 543, in
    3.2 s against 0.6 s (each booking re-fits the booked volunteer into every task they are a
    candidate for). Used where that pays for its seconds: fitting the rest around the
    urgent-and-high model's plan of a large part (`solver.large`).
    Raises `solver.clock.OutOfTime` once the solve's time is up."""
    sched, sol = _booked(scenario, travel, fixed)
    pins = {p.task: p.volunteers for p in scenario.pinned}
    continuity = scenario.continuity_pairs()
    chosen = [t for t in analyses if analyses[t].reason is None and t not in sol.crews]
    for tid in sorted((t for t in chosen if t in pins), key=partial(_order, analyses, pins)):
        a, must = analyses[tid], pins[tid]
        ranges = _ranges(sched, a)
        if all(v in a.candidates and v in ranges for v in must):
            _seat(scenario, sched, sol, a, ranges, must, continuity)
    waiting = {t: _ranges(sched, analyses[t]) for t in chosen if t not in pins}
    holding: dict[str, list[str]] = defaultdict(list)  # who -> the waiting tasks they fit
    for tid in sorted(waiting):
        for v in waiting[tid]:
            holding[v].append(tid)

    def key(tid: str) -> tuple[object, ...]:
        a = analyses[tid]
        able = sum(1 for iv in waiting[tid].values() if iv)
        return (PRIORITIES.index(a.task.priority), -a.task.waited, able, a.start_domain[0][0], tid)

    heap = [key(t) for t in waiting]
    heapq.heapify(heap)
    current = {k[-1]: k for k in heap}
    while heap:
        clock.check()  # (seconds on a district part: it may be cut, its caller keeping greedy's)
        k = heapq.heappop(heap)
        tid = str(k[-1])
        if tid not in waiting or current[tid] != k:  # seated, or its count changed since
            continue
        ranges = waiting.pop(tid)
        crew = _seat(scenario, sched, sol, analyses[tid], ranges, (), continuity)
        for av in crew or ():
            for other in holding[av.id]:
                if other in waiting:  # only the booked volunteer's fit changed
                    fit = _ranges(sched, analyses[other], (av.id,)).get(av.id)
                    if fit is None:
                        waiting[other].pop(av.id, None)
                    else:
                        waiting[other][av.id] = fit
                    current[other] = key(other)
                    heapq.heappush(heap, current[other])
    return sol


def _booked(
    scenario: Scenario, travel: TravelModel, fixed: Solution | None
) -> tuple[_Schedules, Solution]:
    """Schedules and a plan holding the `fixed` visits."""
    sched = _Schedules(scenario, travel)
    sol = Solution()
    for tid, kept in sorted((fixed.crews if fixed else {}).items()):
        assert fixed is not None
        for av in kept:
            sched.book(av.id, scenario.tasks[tid], fixed.starts[tid])
        sol.starts[tid], sol.crews[tid] = fixed.starts[tid], kept
    return sched, sol


def _order(
    analyses: Mapping[str, TaskAnalysis], pins: Mapping[str, tuple[str, ...]], tid: str
) -> tuple[object, ...]:
    """`greedy_plan`'s order: pins first (fixed starts before flexible), then by priority,
    longest waited, fewest candidates, earliest start."""
    a = analyses[tid]
    width = sum(hi - lo for lo, hi in a.start_domain)
    return (
        tid not in pins,
        width if tid in pins else 0,  # pinned events with a fixed start go first
        PRIORITIES.index(a.task.priority),
        -a.task.waited,  # a request that already waited before an equal one that did not
        len(a.candidates),
        a.start_domain[0][0],
        tid,
    )


def _ranges(
    sched: _Schedules, a: TaskAnalysis, only: Iterable[str] | None = None
) -> dict[str, list[Span]]:
    """Per candidate (of `only`, when given) who can fit the task in, the start ranges at
    which they can, within the task's start domain (perhaps none there)."""
    task = a.task
    ranges = {
        v: iv
        for v in (sorted(a.candidates) if only is None else only)
        if (iv := sched.insertion_starts(v, task, a.free[v]))
    }
    return {v: [(max(lo, x), min(hi, y)) for lo, hi in iv for x, y in a.start_domain
                if max(lo, x) <= min(hi, y)] for v, iv in ranges.items()}  # fmt: skip


def _seat(
    scenario: Scenario,
    sched: _Schedules,
    sol: Solution,
    a: TaskAnalysis,
    ranges: dict[str, list[Span]],
    must: tuple[str, ...],
    continuity: frozenset[tuple[str, str]],
) -> tuple[AssignedVolunteer, ...] | None:
    """The task booked at its earliest start where a whole crew (with `must`) is free, the
    best-ranked people first; the crew, or None when there is no such start."""
    task = a.task
    points = sorted({lo for iv in ranges.values() for lo, _ in iv})
    rank = _ranking(scenario, sched, a, continuity)
    for p in points:
        free = {v for v, iv in ranges.items() if any(lo <= p <= hi for lo, hi in iv)}
        if not set(must) <= free:
            continue
        crew = assign_roles(task.needs, a.pools, free, must, rank)
        if crew is not None:
            for av in crew:
                sched.book(av.id, task, p)
            sol.starts[task.id] = p
            sol.crews[task.id] = crew
            return crew
    return None
