"""Rerouting after CP-SAT (`reroute`): the part's plan with its one-person visits moved
between routes, as vehicle routing's local search does. First single moves (relocate and
exchange, `solver.route_search`) down to a local optimum; then ruin and recreate: take out a
handful of visits near one another, put each back at its best place, and keep the result when
the later goals are no worse (coverage and waiting cannot change: every visit goes back in, or
nothing changes). Ruin and recreate does what single moves cannot: empty a whole round trip
from home at once, or trade visits among three routes.

Why: on a generated routing week with wide windows (08:00-21:00, 144 visits served) CP-SAT's
routing model (~28k arcs) ended its travel stage at 1,827 minutes in 30 s; single moves took
that to 982 in 0.6 s, ruin and recreate to 924 (with travel before continuity: 1,639 to 850;
VROOM, whose search is of this kind, routes the same visits in 786).
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Callable, Iterable, Mapping

from mutualaid.domain.model import Location, Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.route_search import MAX_ROUNDS, Route, RouteSearch
from solver.solution import Solution

ITERATIONS = 3000
"""Ruin-and-recreate steps (`solver.recreate`) after the first local optimum, at most."""

FIRST_DESCENT_SECONDS = 2.0
"""How long the first descent by single moves may run past a wall-clock deadline (CP-SAT's
stages can overrun theirs). Measured on a generated wide-window routing week of 144 served
visits: it took 0.6 s and brought travel from 1,827 to 982 minutes; ruin and recreate then
2,880 steps in 11-20 s on a loaded machine for 982 to 924."""

STEPS_PER_VISIT = 20
"""Ruin-and-recreate steps per movable visit, at most (small parts stop sooner)."""

DESCEND_EVERY = 200
"""Ruin-and-recreate steps between two descents by single moves."""

RUIN_MIN, RUIN_MAX = 2, 8
"""How many visits one ruin takes out (drawn evenly between the two)."""


def _km2(a: Location, b: Location) -> float:
    """A flat-earth square distance, to rank neighbours only (no rule depends on it)."""
    dy = a.lat - b.lat
    dx = (a.lon - b.lon) * math.cos(math.radians(a.lat))
    return dx * dx + dy * dy


def ruin_and_recreate(search: RouteSearch, rng: random.Random) -> bool:
    """One ruin of visits near a random one and their recreation at their best places; kept
    (True) when the later goals are no worse, else the routes stay as they were."""
    movable = sorted(search.where)
    if len(movable) < 2:
        return False
    seed = rng.choice(movable)
    here = search.stops[seed].location
    size = min(len(movable), rng.randint(RUIN_MIN, RUIN_MAX))
    taken = heapq.nsmallest(size, movable, key=lambda t: (_km2(here, search.stops[t].location), t))
    changes: dict[Route, list[str]] = {}
    minutes = dict(search.minutes)
    for tid in taken:
        route = search.where[tid]
        seq = changes.get(route, search.routes[route])
        changes[route] = [t for t in seq if t != tid]
        minutes[route[0]] -= search.stops[tid].duration
    rng.shuffle(taken)
    placed: dict[str, str] = {}
    for tid in _by_fewest_options(search, taken):
        where = _best_place(search, tid, changes, minutes)
        if where is None:
            return False
        route, seq = where
        changes[route] = seq
        minutes[route[0]] += search.stops[tid].duration
        placed[tid] = route[0]
    return search.take_if_no_worse(changes, placed)


def _by_fewest_options(search: RouteSearch, taken: Iterable[str]) -> list[str]:
    """The visits that fewest volunteers may take go back first (stable on the shuffle)."""
    return sorted(taken, key=lambda t: len(search.cands[t]))


def _best_place(
    search: RouteSearch, tid: str, changes: dict[Route, list[str]], minutes: dict[str, int]
) -> tuple[Route, list[str]] | None:
    """The feasible insertion that is best in the later goals' order (continuity gained, then
    travel added, as the scenario orders them), ties by route and place."""
    dur = search.stops[tid].duration
    options = []
    for vid, blocks in search.cands[tid].items():
        if minutes.get(vid, 0) + dur > search.scenario.volunteers[vid].max_service_minutes:
            continue
        kept = (tid, vid) in search.pairs
        for b in blocks:
            route = (vid, b)
            seq = changes.get(route, search.routes.get(route, []))
            base = search.cost(route, seq)
            for p in range(len(seq) + 1):
                new = [*seq[:p], tid, *seq[p:]]
                options.append(
                    (search.insertion_rank(kept, search.cost(route, new) - base), route, p)
                )
    options.sort()
    for _, route, p in options:
        seq = changes.get(route, search.routes.get(route, []))
        new = [*seq[:p], tid, *seq[p:]]
        if search.schedule(route, new) is not None:
            return route, new
    return None


def reroute(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    sol: Solution,
    *,
    deadline: float | None = None,
    stop: Callable[[], bool] | None = None,
    max_rounds: int = MAX_ROUNDS,
    iterations: int = ITERATIONS,
    seed: int = 0,
    overrun: float = FIRST_DESCENT_SECONDS,
) -> Solution:
    """`sol` (a plan of the part `tids`) with its one-person visits moved between routes:
    single moves while one makes the later goals lexicographically better, then
    ruin-and-recreate steps, each kept when no worse; a new Solution when the later goals end
    better, else `sol` itself. Deterministic for the same input (sorted orders, a seeded
    random draw, no clock) unless `deadline` (`time.time()`) or `stop()` cuts it short (the
    first descent may run `overrun` seconds past `deadline`)."""
    search = RouteSearch(scenario, analyses, tids, travel, sol)
    first = search.key()

    def out_of_time() -> bool:
        return (deadline is not None and time.time() >= deadline) or bool(stop and stop())

    # the first descent is most of the gain: it may run `overrun` seconds past the deadline
    floor = time.time() + overrun
    search.descend(max_rounds, None if deadline is None else max(deadline, floor), stop)
    rng = random.Random(seed)
    for i in range(1, min(iterations, STEPS_PER_VISIT * len(search.where)) + 1):
        if out_of_time():
            break
        ruin_and_recreate(search, rng)
        if i % DESCEND_EVERY == 0:
            search.descend(max_rounds, deadline, stop)
    search.descend(max_rounds, deadline, stop)
    # sideways steps alone leave the plan as it came (no change without a gain)
    return search.solution() if search.key() < first else sol
