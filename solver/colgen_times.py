"""The pricing of `solver.colgen` with times: which sets of visits one volunteer can route in
their week, and the best such set by given profits.

A set of visits is *routable* for a volunteer when some order and starts keep rule 4 for them
alone: each visit starts where they are free from home (`TaskAnalysis.free`, the block's start
plus the trip from home, its end less the trip back) and where its crew could be filled at all
(`start_domain`); two visits one after the other in the same block leave the trip between
them; visits in different blocks are on different routes. Weekly hours (rule 5) are the
caller's. Every volunteer's visits in a plan of the contract are routable: what is dropped is
only that a crew starts together, so the routable sets are a superset of the true patterns
and a bound over them stays a bound.

Routable is decided exactly for up to MAX_VISITS visits (a DP over subsets and the last visit,
keeping the earliest end: with one order fixed, starting each visit as early as it may is
never worse); a larger set is taken as routable (a superset again).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from mutualaid.domain.model import Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis

EPS = 1e-7

MAX_VISITS = 7
"""Sets of more visits than this are not checked (taken as routable); in a week of 2-12 hours
and visits of 30-120 minutes they are rare."""

NODES = 4_000
"""Nodes of the branch and bound (`Timetable.best`) before it gives up, its answer then only
the knapsack's (an upper bound: still sound)."""


class Timetable:
    """One volunteer's week, for the tasks they are a candidate for."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        vid: str,
        tasks: Sequence[str],
        travel: TravelModel,
    ) -> None:
        vol = scenario.volunteers[vid]
        self.scenario, self.travel, self.mode = scenario, travel, vol.mode
        starts = [b for b, _ in vol.blocks]
        self.ranges: dict[str, list[tuple[int, int, int]]] = {}
        """Task -> (first start, last start, block) at which the volunteer could begin it."""
        for t in tasks:
            a = analyses[t]
            out = []
            for lo, hi in a.free.get(vid, ()):
                for dlo, dhi in a.start_domain:
                    if max(lo, dlo) <= min(hi, dhi):
                        out.append((max(lo, dlo), min(hi, dhi), bisect.bisect_right(starts, lo)))
            self.ranges[t] = sorted(out)
        self._trips: dict[tuple[str, str], int] = {}
        self._routable: dict[frozenset[str], bool] = {}

    def trip(self, a: str, b: str) -> int:
        key = (a, b)
        if key not in self._trips:
            tasks = self.scenario.tasks
            self._trips[key] = self.travel.minutes(self.mode, tasks[a].location, tasks[b].location)
        return self._trips[key]

    def _next(self, t: str, prev: str | None, end: int, block: int) -> tuple[int, int] | None:
        """(end, block) of `t` started as early as it may after `prev` ended at `end` in
        `block` (None: it cannot)."""
        for lo, hi, b in self.ranges[t]:
            ready = lo if prev is None else max(lo, end + (self.trip(prev, t) if b == block else 0))
            if ready <= hi:
                return ready + self.scenario.tasks[t].duration_minutes, b
        return None

    def routable(self, tasks: Sequence[str]) -> bool:
        """Whether the volunteer alone can route all of `tasks` (see the module); remembered,
        and refused at once when two of them cannot be routed together."""
        key = frozenset(tasks)
        known = self._routable.get(key)
        if known is None:
            n = len(tasks)
            pairs = n <= 2 or all(
                self.routable((a, b)) for i, a in enumerate(tasks) for b in tasks[i + 1 :]
            )
            known = pairs and self._route(tasks)
            self._routable[key] = known
        return known

    def _route(self, tasks: Sequence[str]) -> bool:
        n = len(tasks)
        if n > MAX_VISITS:
            return True
        end, block, prev = 0, -1, None  # first, the order of earliest starts: mostly enough
        for t in sorted(tasks, key=lambda t: (self.ranges[t][:1], t)):
            got = self._next(t, prev, end, block)
            if got is None:
                break
            (end, block), prev = got, t
        else:
            return True
        return self._orders(tasks)

    def _orders(self, tasks: Sequence[str]) -> bool:
        """Whether some order routes `tasks`: the states (visits done, the last) reached, each
        with the earliest (end, block) as `_next` places the last visit, layer by layer (one
        more visit each), only those reachable. A state is dropped once a visit not yet done
        could only start before its end: ends only grow along an order (`_next` starts a
        visit no earlier than the end before it), so no order through it places that visit."""
        n = len(tasks)
        ranges = [self.ranges[t] for t in tasks]
        lengths = [self.scenario.tasks[t].duration_minutes for t in tasks]
        latest = [max((hi for _, hi, _ in r), default=-1) for r in ranges]
        trips = [[self.trip(a, b) if a != b else 0 for b in tasks] for a in tasks]
        layer: dict[tuple[int, int], tuple[int, int]] = {}
        for i in range(n):
            if not ranges[i]:
                return False
            lo, _, b = ranges[i][0]
            layer[(1 << i, i)] = (lo + lengths[i], b)
        for _ in range(n - 1):
            following: dict[tuple[int, int], tuple[int, int]] = {}
            for (mask, i), (end, block) in layer.items():
                if any(not mask >> j & 1 and latest[j] < end for j in range(n)):
                    continue
                out_of = trips[i]
                for j in range(n):
                    if mask >> j & 1:
                        continue
                    for lo, hi, b in ranges[j]:
                        ready = max(lo, end + out_of[j]) if b == block else max(lo, end)
                        if ready <= hi:
                            key, got = (mask | 1 << j, j), ready + lengths[j]
                            known = following.get(key)
                            if known is None or got < known[0]:
                                following[key] = (got, b)
                            break
            if not following:
                return False
            layer = following
        return bool(layer)

    def best(self, profits: Mapping[str, float], capacity: int) -> tuple[float, list[str], bool]:
        """(the most profit of a routable set within `capacity` minutes, the set, whether that
        is exact): branch and bound over tasks by profit per minute, the bound the fractional
        knapsack of the tasks that can each be routed with every task chosen so far; cut after
        NODES nodes (then not exact)."""
        tasks = self.scenario.tasks
        items = sorted(
            (
                (t, p, tasks[t].duration_minutes)
                for t, p in profits.items()
                if p > EPS and tasks[t].duration_minutes <= capacity
            ),
            key=lambda x: (-x[1] / x[2], x[0]),
        )
        n = len(items)
        fits = [
            {j for j in range(n) if j != i and self.routable((items[i][0], items[j][0]))}
            for i in range(n)
        ]
        best_value, nodes = 0.0, 0
        best_set: list[str] = []
        chosen: list[str] = []

        def relaxed(allowed: list[int], room: int) -> float:
            v = 0.0
            for j in allowed:
                _, p, s = items[j]
                if s <= room:
                    v, room = v + p, room - s
                else:
                    return v + p * room / s
            return v

        def dfs(allowed: list[int], value: float, room: int) -> bool:
            nonlocal best_value, best_set, nodes
            nodes += 1
            if nodes > NODES:
                return False
            if value > best_value:
                best_value, best_set = value, list(chosen)
            if not allowed or value + relaxed(allowed, room) <= best_value + EPS:
                return True
            i, rest = allowed[0], allowed[1:]
            t, p, s = items[i]
            if s <= room and self.routable([*chosen, t]):
                chosen.append(t)
                ok = dfs([j for j in rest if j in fits[i]], value + p, room - s)
                chosen.pop()
                if not ok:
                    return False
            return dfs(rest, value, room)

        exact = dfs(list(range(n)), 0.0, capacity)
        return best_value, best_set, exact
