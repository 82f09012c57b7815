"""Travel improvement by local search over routes, after CP-SAT: the tasks served stay served,
each one-person visit may move to another route (another volunteer, another block of the same
volunteer, another place in its own route) or trade places with a visit of another route, the
moves of vehicle routing (relocate, exchange). Every other visit (crews of several people,
teams, pins, fixed starts) stays where it is and at its start.

Why: on weeks with wide windows (08:00-21:00) the routing model has ~28k arcs and CP-SAT's
travel stage ends far from the optimum (a generated routing week: 1,541 travel minutes where
VROOM routes the same visits in 786). Moving one visit at a time between routes is what VROOM
does, and it is cheap here: a route's cost and feasibility are checked in its length.

A move is taken only when it makes the plan lexicographically better in the goals after
waiting, in the scenario's `objective_order` (continuity, travel, fairness by default), so no
earlier goal ever gets worse: coverage and waiting do not change (the same tasks are served),
and the first of the later goals that a move changes must improve. Every hard rule is checked
by the move itself: eligibility and range (the task's analysed candidates for its one role),
the start inside the task's windows, each route from home and back inside one block (earliest
starts along the route), weekly hours.
"""

from __future__ import annotations

import heapq
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from mutualaid.domain.model import Location, Scenario, SkillNeed, Span
from mutualaid.domain.plan import AssignedVolunteer
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.cpsat import load_basis
from solver.routes import block_of
from solver.solution import Solution

MAX_ROUNDS = 30
"""Sweeps over every movable visit at most (each sweep tries every move of every visit); a
sweep that improves nothing ends the search sooner. Measured on generated 160-task routing
weeks: 3-8 sweeps reach a local optimum."""

Route = tuple[str, int]
"""(volunteer, index of the block)."""


@dataclass
class _Stop:
    """A visit on a route: where, how long, and the starts it may take (fixed visits: one)."""

    location: Location
    duration: int
    ranges: tuple[Span, ...]


@dataclass(frozen=True)
class _Snapshot:
    routes: dict[Route, list[str]]
    where: dict[str, Route]
    minutes: dict[str, int]
    loads: dict[str, Fraction]
    starts: dict[str, int]
    crews: dict[str, tuple[AssignedVolunteer, ...]]
    kept: int
    travel_total: int


class RouteSearch:
    """The routes of a plan's part, the moves on them and the goals that judge a move."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel,
        sol: Solution,
        held: int | None = None,
    ) -> None:
        self.scenario, self.travel = scenario, travel
        self.sol = Solution(dict(sol.starts), dict(sol.crews))
        self.held = held
        """Continuity held at least at this many pairs as a rule, no longer a goal: the later
        goals are then travel and fairness alone (`bench/travel_floor.py`: the least travel
        the contract's order allows at a plan's continuity). None: continuity is a goal."""
        self.ranked = tuple(scenario.settings.objective_order)
        self.order = tuple(g for g in self.ranked if held is None or g != "continuity")
        self.pairs = scenario.continuity_pairs()
        pinned = {p.task for p in scenario.pinned}
        mine = set(tids)
        self._legs: dict[tuple[str, int, int], int] = {}
        self.stops: dict[str, _Stop] = {}
        self.routes: dict[Route, list[str]] = defaultdict(list)
        self.where: dict[str, Route] = {}
        self.minutes: dict[str, int] = defaultdict(int)
        self.cands: dict[str, dict[str, list[int]]] = {}
        """Movable task -> volunteer who may take it -> blocks in which they could alone."""
        for tid, crew in sorted(self.sol.crews.items()):
            task = scenario.tasks[tid]
            start = self.sol.starts[tid]
            movable = (
                tid in mine
                and tid not in pinned
                and task.fixed_start is None
                and len(task.needs) == 1
                and isinstance(task.needs[0], SkillNeed)
                and task.needs[0].count == 1
                and len(crew) == 1
                and crew[0].team is None
                and bool(analyses[tid].pools)  # a served task with no pools: kept as it is
            )
            ranges = task.start_ranges if movable else ((start, start),)
            self.stops[tid] = _Stop(task.location, task.duration_minutes, ranges)
            for av in crew:
                vol = scenario.volunteers[av.id]
                block = block_of(vol, start, start + task.duration_minutes)
                assert block is not None, "a plan's visit lies in one of its volunteer's blocks"
                self.routes[(av.id, block)].append(tid)
                self.minutes[av.id] += task.duration_minutes
                if movable:
                    self.where[tid] = (av.id, block)
            if movable:
                self.cands[tid] = self._candidates(analyses[tid], crew[0].id)
        for seq in self.routes.values():
            seq.sort(key=lambda t: self.sol.starts[t])
        people = {v for c in self.cands.values() for v in c} | {v for v, _ in self.routes}
        self.basis = {v: load_basis(scenario, v) for v in people}
        self.loads = {v: self._load(v, self.minutes[v]) for v in people}
        self._rank_loads()
        self.kept = sum((t, a.id) in self.pairs for t, crew in self.sol.crews.items() for a in crew)
        """Continuity: assignments to a preferred or last week's volunteer (kept by `_apply`)."""
        self.travel_total = sum(self.cost(r, seq) for r, seq in self.routes.items())

    def _candidates(self, a: TaskAnalysis, current: str) -> dict[str, list[int]]:
        members = {v for pool in a.pools[0] if pool.team is None for v in pool.members}
        members.add(current)
        out: dict[str, list[int]] = {}
        for vid in sorted(members):
            vol = self.scenario.volunteers[vid]
            free = a.free.get(vid, [])
            blocks = sorted(
                {b for lo, _ in free for b, (bs, be) in enumerate(vol.blocks) if bs <= lo <= be}
            )
            if blocks:
                out[vid] = blocks
        return out

    # --- the goals ---------------------------------------------------------------------------

    def _load(self, vid: str, minutes: int) -> Fraction:
        cap, prior = self.basis[vid]
        return Fraction((minutes + prior) * 100, cap)

    def _rank_loads(self) -> None:
        self.top = largest(self.loads, 3)

    def _max_load(self, changed: dict[str, int]) -> Fraction:
        """The largest load once the volunteers in `changed` have these minutes."""
        others = next((load for load, v in self.top if v not in changed), Fraction(0))
        if len(self.top) < len(self.loads) and len(self.top) <= len(changed):
            others = max(
                (load for v, load in self.loads.items() if v not in changed), default=Fraction(0)
            )
        return max([others, *(self._load(v, m) for v, m in changed.items())])

    def compare(self, continuity: int, travel: int, changed: dict[str, int], slack: int = 0) -> int:
        """1 when a change (continuity gained, travel minutes added, the minutes of the
        volunteers it touches) makes the later goals lexicographically better, -1 worse, 0
        when it changes none of them. With `slack`, up to that many travel minutes added
        count as 0 once the goals before travel are unchanged (ruin and recreate's
        threshold: a step that may be a little worse, never in a goal before travel). With
        `held`, a change that leaves fewer pairs than held is worse, whatever else it does."""
        if self.held is not None and self.kept + continuity < self.held:
            return -1
        for goal in self.order:
            if goal == "continuity" and continuity:
                return 1 if continuity > 0 else -1
            if goal == "travel" and travel:
                return 1 if travel < 0 else (0 if travel <= slack else -1)
            if goal == "fairness":
                before, after = self.top[0][0] if self.top else Fraction(0), self._max_load(changed)
                if after != before:
                    return 1 if after < before else -1
        return 0

    def _better(self, continuity: int, travel: int, changed: dict[str, int]) -> bool:
        return self.compare(continuity, travel, changed) > 0

    def key(self) -> tuple[int | Fraction, ...]:
        """The later goals of the routes as they are, in the scenario's order, each to be
        minimised (continuity counted negative)."""
        value: dict[str, int | Fraction] = {
            "continuity": -self.kept,
            "travel": self.travel_total,
            "fairness": self.top[0][0] if self.top else Fraction(0),
        }
        return tuple(value[g] for g in self.order)

    def insertion_rank(self, kept: bool, added: int) -> tuple[int, ...]:
        """How good putting a visit somewhere is, by continuity (kept: the volunteer counts
        for it) and travel (minutes added) in the scenario's order, continuity ranked even when
        `held` (a recreation that drops pairs is refused whole); fairness is judged on the
        whole change (`take_if_no_worse`)."""
        return tuple(-kept if g == "continuity" else added for g in self.ranked if g != "fairness")

    def take_if_no_worse(
        self, changes: dict[Route, list[str]], placed: dict[str, str], slack: int = 0
    ) -> bool:
        """Take these new routes (`placed`: each moved visit's new volunteer) when the later
        goals are no worse (travel: by at most `slack` minutes, see `compare`) and every
        route still fits; whether they were taken."""
        continuity = sum(
            ((tid, vid) in self.pairs) - ((tid, self.where[tid][0]) in self.pairs)
            for tid, vid in placed.items()
        )
        travel = sum(
            self.cost(r, seq) - self.cost(r, self.routes.get(r, [])) for r, seq in changes.items()
        )
        minutes: dict[str, int] = {}
        for vid, _ in changes:
            minutes.setdefault(vid, self.minutes[vid])
        for route, seq in changes.items():
            old = self.routes.get(route, [])
            minutes[route[0]] += sum(self.stops[t].duration for t in seq) - sum(
                self.stops[t].duration for t in old
            )
        if self.compare(continuity, travel, minutes, slack) < 0:
            return False
        return self._try(changes)

    def snapshot(self) -> _Snapshot:
        """The routes as they are, to come back to (`restore`)."""
        routes = {r: list(seq) for r, seq in self.routes.items()}
        return _Snapshot(routes, dict(self.where), dict(self.minutes), dict(self.loads),
                         dict(self.sol.starts), dict(self.sol.crews), self.kept,
                         self.travel_total)  # fmt: skip

    def restore(self, snap: _Snapshot) -> None:
        self.routes = defaultdict(list, {r: list(seq) for r, seq in snap.routes.items()})
        self.where, self.minutes = dict(snap.where), defaultdict(int, snap.minutes)
        self.loads = dict(snap.loads)
        self.sol = Solution(dict(snap.starts), dict(snap.crews))
        self.kept, self.travel_total = snap.kept, snap.travel_total
        self._rank_loads()

    # --- routes ------------------------------------------------------------------------------

    def _leg(self, mode: str, a: Location, b: Location) -> int:
        key = (mode, id(a), id(b))  # the scenario's own objects, alive as long as the search
        got = self._legs.get(key)
        if got is None:
            got = self._legs[key] = self.travel.minutes(mode, a, b)
        return got

    def cost(self, route: Route, seq: list[str]) -> int:
        vol = self.scenario.volunteers[route[0]]
        here, total = vol.home, 0
        for tid in seq:
            loc = self.stops[tid].location
            total += self._leg(vol.mode, here, loc)
            here = loc
        return total + self._leg(vol.mode, here, vol.home) if seq else 0

    def insertion(self, route: Route, seq: list[str], p: int, tid: str) -> int:
        """Travel minutes added by putting `tid` at place `p` of the route `seq`."""
        vol = self.scenario.volunteers[route[0]]
        before = self.stops[seq[p - 1]].location if p > 0 else vol.home
        after = self.stops[seq[p]].location if p < len(seq) else vol.home
        here = self.stops[tid].location
        mode = vol.mode
        passing = self._leg(mode, before, after) if seq else 0
        return self._leg(mode, before, here) + self._leg(mode, here, after) - passing

    def schedule(self, route: Route, seq: list[str]) -> list[int] | None:
        """The earliest starts of the visits in this order (rule 4 from home and back inside
        the block, each start in its ranges); None when they do not fit."""
        vol = self.scenario.volunteers[route[0]]
        begin, end = vol.blocks[route[1]]
        here, ready, starts = vol.home, begin, []
        for tid in seq:
            stop = self.stops[tid]
            ready += self._leg(vol.mode, here, stop.location)
            start = next(
                (max(ready, lo) for lo, hi in stop.ranges if hi >= ready), None
            )  # ranges are sorted and disjoint
            if start is None or start + stop.duration > end:
                return None
            starts.append(start)
            ready, here = start + stop.duration, stop.location
        if ready + self._leg(vol.mode, here, vol.home) > end:
            return None
        return starts

    def _apply(self, changes: dict[Route, list[str]], schedules: dict[Route, list[int]]) -> None:
        for route, seq in changes.items():
            self.travel_total += self.cost(route, seq) - self.cost(route, self.routes[route])
            self.routes[route] = seq
            for tid, start in zip(seq, schedules[route], strict=True):
                self.sol.starts[tid] = start
                if tid in self.where:
                    was = self.sol.crews[tid][0].id
                    self.kept += ((tid, route[0]) in self.pairs) - ((tid, was) in self.pairs)
                    self.where[tid] = route
                    self.sol.crews[tid] = (AssignedVolunteer(route[0], 0, None),)
        for vid in {vid for vid, _ in changes}:
            self.minutes[vid] = sum(
                self.stops[t].duration
                for b in range(len(self.scenario.volunteers[vid].blocks))
                for t in self.routes.get((vid, b), [])
            )
            self.loads[vid] = self._load(vid, self.minutes[vid])
        self._rank_loads()

    def _try(self, changes: dict[Route, list[str]]) -> bool:
        schedules = {}
        for route, seq in changes.items():
            starts = self.schedule(route, seq)
            if starts is None:
                return False
            schedules[route] = starts
        self._apply(changes, schedules)
        return True

    def _hours_ok(self, vid: str, minutes: int) -> bool:
        return minutes <= self.scenario.volunteers[vid].max_service_minutes

    # --- moves -------------------------------------------------------------------------------

    def descend(self, rounds: int, deadline: float | None, stop: Callable[[], bool] | None) -> None:
        """Sweeps until one takes no move (a local optimum), at most `rounds`."""
        for _ in range(rounds):
            if not self.sweep(deadline, stop):
                break

    def sweep(self, deadline: float | None, stop: Callable[[], bool] | None) -> bool:
        """One pass of relocate and exchange over every movable visit; whether any move was
        taken."""
        moved = False
        for tid in sorted(self.where):
            if (deadline is not None and time.time() >= deadline) or (stop and stop()):
                return False
            moved = self._relocate(tid) or moved
            moved = self._exchange(tid) or moved
        return moved

    def _relocate(self, tid: str) -> bool:
        """The task at the best place of any route that may take it, if that is better."""
        src = self.where[tid]
        old = self.routes[src]
        without = [t for t in old if t != tid]
        removal = self.cost(src, without) - self.cost(src, old)
        dur = self.stops[tid].duration
        gain_here = (tid, src[0]) in self.pairs
        options: list[tuple[int, int, Route, int]] = []
        for vid, blocks in self.cands[tid].items():
            if vid != src[0] and not self._hours_ok(vid, self.minutes[vid] + dur):
                continue
            continuity = ((tid, vid) in self.pairs) - gain_here
            changed = {} if vid == src[0] else {
                src[0]: self.minutes[src[0]] - dur, vid: self.minutes[vid] + dur
            }  # fmt: skip
            for b in blocks:
                dst = (vid, b)
                seq = without if dst == src else self.routes.get(dst, [])
                for p in range(len(seq) + 1):
                    added = self.insertion(dst, seq, p, tid) + removal
                    if self._better(continuity, added, changed):
                        options.append((-continuity, added, dst, p))
        for _, _, dst, p in sorted(options, key=lambda o: (o[0], o[1], o[2], o[3])):
            seq = without if dst == src else self.routes.get(dst, [])
            new = [*seq[:p], tid, *seq[p:]]
            changes = {dst: new} if dst == src else {src: without, dst: new}
            if self._try(changes):
                return True
        return False

    def _exchange(self, tid: str) -> bool:
        """The task and a movable task of another volunteer's route trade places, if better."""
        src = self.where.get(tid)
        if src is None:
            return False
        dur = self.stops[tid].duration
        for vid, blocks in self.cands[tid].items():
            if vid == src[0]:
                continue
            for b in blocks:
                dst = (vid, b)
                for other in list(self.routes.get(dst, [])):
                    if other not in self.where or src[0] not in self.cands[other]:
                        continue
                    if self._swap(tid, src, dur, other, dst):
                        return True
        return False

    def _swap(self, tid: str, src: Route, dur: int, other: str, dst: Route) -> bool:
        there = self.stops[other].duration
        mine, theirs = self.minutes[src[0]] - dur + there, self.minutes[dst[0]] - there + dur
        if not (self._hours_ok(src[0], mine) and self._hours_ok(dst[0], theirs)):
            return False
        a, b = self.routes[src], self.routes[dst]
        new_a = [other if t == tid else t for t in a]
        new_b = [tid if t == other else t for t in b]
        added = (
            self.cost(src, new_a) - self.cost(src, a) + self.cost(dst, new_b) - self.cost(dst, b)
        )
        pairs = self.pairs
        continuity = (
            ((tid, dst[0]) in pairs) + ((other, src[0]) in pairs)
            - ((tid, src[0]) in pairs) - ((other, dst[0]) in pairs)
        )  # fmt: skip
        if not self._better(continuity, added, {src[0]: mine, dst[0]: theirs}):
            return False
        return self._try({src: new_a, dst: new_b})

    def solution(self) -> Solution:
        return Solution(dict(self.sol.starts), dict(self.sol.crews))


def largest(loads: Mapping[str, Fraction], n: int) -> list[tuple[Fraction, str]]:
    """`heapq.nlargest(n, ((load, v) for v, load in loads.items()))`, comparing Fractions only
    among the loads whose float reaches the n-th largest float: rounding to a float keeps the
    order (weakly), so every load of the true n largest is among them. On a district every
    move ranked 800 volunteers' Fractions (6 s of a 60 s solve went to it)."""
    if len(loads) <= n:
        return heapq.nlargest(n, ((load, v) for v, load in loads.items()))
    floats = {v: float(load) for v, load in loads.items()}
    cut = heapq.nlargest(n, floats.values())[-1]
    return heapq.nlargest(n, ((loads[v], v) for v, f in floats.items() if f >= cut))
