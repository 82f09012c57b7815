"""Rerouting (`reroute`): the part's plan with its one-person visits moved between routes, as
vehicle routing's local search does; run on the pairwise model's plan before the routing
model's later stages (which start from its routes) and on CP-SAT's plan at the end
(`solver.parts`). First single moves (relocate and exchange, `solver.route_search`) down to a
local optimum; then ruin and recreate: take out a handful of visits (the nearest to a random
one, or strings of consecutive visits from a few nearby routes, as SISR does), put each back at
its best place (the most constrained first, or in random order). Coverage and waiting cannot
change: every visit goes back in, or nothing changes. A step is kept when the goals before
travel are no worse and travel at most a threshold worse (falling to 0 over the steps:
threshold accepting); the best routes met are the answer, so the plan never ends worse in any
later goal. Ruin and recreate does what single moves cannot: empty a whole round trip from home
at once, or trade visits among three routes.

Why: on a generated routing week with wide windows (08:00-21:00, 144 visits served) CP-SAT's
routing model (~28k arcs) ended its travel stage at 1,827 minutes in 30 s; single moves took
that to 982 in 0.6 s, ruin and recreate to 924 (with travel before continuity: 1,639 to 850;
VROOM, whose search is of this kind, routes the same visits in 786). Hill climbing on
nearest-visit ruins then stopped at 848 (travel first, from another CP-SAT plan); strings and
the threshold reach 805 in the same 2,880 steps.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from mutualaid.domain.model import Location, Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.route_search import MAX_ROUNDS, Route, RouteSearch
from solver.solution import Solution

ITERATIONS = 3000
"""Ruin-and-recreate steps after the first local optimum, at most. Measured on captured CP-SAT
plans of six routing weeks: 60 steps per visit instead of 20 took 3x the time and did not
end better on the whole (it did on 7009 with travel first, 930 to 906; not on 7001 or 7003)."""

FIRST_DESCENT_SECONDS = 2.0
"""How long the first descent by single moves may run past a wall-clock deadline (CP-SAT's
stages can overrun theirs). Measured on a generated wide-window routing week of 144 served
visits: it took 0.6 s and brought travel from 1,827 to 982 minutes; ruin and recreate then
2,880 steps in 11-20 s on a loaded machine for 982 to 924 (3-7 s since insertions are costed
in constant time and the goals kept incrementally)."""

STEPS_PER_VISIT = 20
"""Ruin-and-recreate steps per movable visit, at most (small parts stop sooner)."""

STRING_RUINS = 0.5
"""The share of ruins that take strings of consecutive visits from nearby routes (`_strings`),
the others the visits nearest a random one."""

STRING_ROUTES, STRING_MAX = 3, 5
"""A string ruin touches 1 to STRING_ROUTES routes, 1 to STRING_MAX visits from each."""

FEWEST_FIRST = 0.5
"""The share of recreations that put back first the visits fewest volunteers may take; the
others put them back in random order."""

THRESHOLD = 10
"""Travel minutes by which a ruin-and-recreate step may end worse than the routes before it
(the goals before travel unchanged), falling to 0 over the steps (threshold accepting); the
best routes met are kept. Measured with string ruins on captured plans of routing weeks: 10
gave 805/871/1,024/887 on 7003 travel first, 7001 contract's order, 7005, 7007 travel first;
20 gave 7007 911, 7005 1,028; 0 gave 7003 829, 7001 882."""

DESCEND_EVERY = 200
"""Ruin-and-recreate steps between two descents by single moves."""

RUIN_MIN, RUIN_MAX = 2, 8
"""How many visits one ruin takes out (drawn evenly between the two)."""


@dataclass(frozen=True)
class Rerouting:
    """How a part's routes are rerouted (`reroute`); `AS_BEFORE` is the way before string
    ruins, threshold accepting and rerouting ahead of CP-SAT's later stages (kept to measure
    the two side by side)."""

    ahead: bool = True
    """Also reroute the pairwise model's plan before the routing model's later stages, which
    then start from its routes (`solver.parts`)."""
    string_ruins: float = STRING_RUINS
    fewest_first: float = FEWEST_FIRST
    threshold: int = THRESHOLD
    share: float = 0.25
    """The part of a wall-clock budget kept for rerouting after CP-SAT (`solver.parts`): 0.15
    before, raised with AHEAD_SHARE ahead of the later stages because CP-SAT's later stages
    on the routing model ended near their first routes under load (7005 at load 9: 1,788
    travel minutes after them, 1,024 rerouted). Not measured apart from the other changes."""
    priced: bool = False
    """Route sets give blocks too wide to list priced routes (`solver.route_pricing`) in place
    of the routes near their plan's (`route_sets._nearest`); wall-clock budgets only. Off:
    on the held-out wide weeks 7075 and 7081 (60 s, load 6-8) the plans ended worse (fairness
    0.0828 -> 0.0947 and travel 912 -> 929; travel 923 -> 948), pricing's time taken from
    ruin and recreate (docs/engine-on-unseen-weeks.md, "Priced routes in rerouting")."""
    priced_after: bool = True
    """Where some block is too wide to list: CP-SAT's travel stage gives its time to priced
    routes and their choice (back to CP-SAT when the first round is too slow for it), rerouting
    skips the routes near the plan's, and the time its share has left once ruin and recreate
    ends goes to priced routes again, from the travel stage's, kept only when no goal is worse
    (`solver.priced_after`); wall-clock budgets only (a deterministic one never prices). On
    since stop 24: pricing cannot lower the pairs (held in the choice's model, `best_routes`;
    the travel stage keeps its plan unless the choice is better in the contract's order; what
    rerouting's pricing gives is kept only when no goal is worse), and it runs only after the
    pairs are made (the continuity stage; ruin and recreate). The pairs 7093 lost with it on
    under load (stop 23, C) were the default's path: on that part past one exact model
    pricing never ran in a spied solve (no time left after ruin and recreate, or no block
    listed), its plans spanning 32-34 pairs either way (stop 24, C). Gains where it has time:
    7003 857 -> 819, 7009 963 -> 915-923 (stop 23, C, load 6-10); 7009 963 -> 918 in one of
    two turns at load 8 (stop 24, C)."""


REROUTING = Rerouting()
"""The way the solver reroutes."""

AS_BEFORE = Rerouting(
    ahead=False,
    string_ruins=0.0,
    fewest_first=1.0,
    threshold=0,
    share=0.15,
    priced=False,
    priced_after=False,
)


def _draw(rng: random.Random, p: float) -> bool:
    """True with probability p; no draw at 0 or 1 (so AS_BEFORE's steps are the old ones)."""
    return p >= 1 or (p > 0 and rng.random() < p)


def _km2(a: Location, b: Location) -> float:
    """A flat-earth square distance, to rank neighbours only (no rule depends on it)."""
    dy = a.lat - b.lat
    dx = (a.lon - b.lon) * math.cos(math.radians(a.lat))
    return dx * dx + dy * dy


def ruin_and_recreate(
    search: RouteSearch, rng: random.Random, slack: int = 0, way: Rerouting = REROUTING
) -> bool:
    """One ruin of visits near a random one and their recreation at their best places; kept
    (True) when the later goals are no worse (travel: by at most `slack` minutes, the goals
    before it unchanged), else the routes stay as they were."""
    movable = sorted(search.where)
    if len(movable) < 2:
        return False
    seed = rng.choice(movable)
    here = search.stops[seed].location
    if _draw(rng, way.string_ruins):
        taken = _strings(search, rng, here, movable)
    else:
        size = min(len(movable), rng.randint(RUIN_MIN, RUIN_MAX))
        near = heapq.nsmallest(
            size, movable, key=lambda t: (_km2(here, search.stops[t].location), t)
        )
        taken = near
    changes: dict[Route, list[str]] = {}
    minutes = dict(search.minutes)
    for tid in taken:
        route = search.where[tid]
        seq = changes.get(route, search.routes[route])
        changes[route] = [t for t in seq if t != tid]
        minutes[route[0]] -= search.stops[tid].duration
    rng.shuffle(taken)
    if _draw(rng, way.fewest_first):
        taken = _by_fewest_options(search, taken)
    placed: dict[str, str] = {}
    for tid in taken:
        where = _best_place(search, tid, changes, minutes)
        if where is None:
            return False
        route, seq = where
        changes[route] = seq
        minutes[route[0]] += search.stops[tid].duration
        placed[tid] = route[0]
    return search.take_if_no_worse(changes, placed, slack)


def _strings(
    search: RouteSearch, rng: random.Random, here: Location, movable: list[str]
) -> list[str]:
    """String removal (SISR's ruin): from each of a few routes nearest `here`, a run of
    consecutive visits around its visit nearest `here` (the movable ones of that run)."""
    wanted = rng.randint(1, STRING_ROUTES)
    taken: list[str] = []
    seen: set[Route] = set()
    for tid in sorted(movable, key=lambda t: (_km2(here, search.stops[t].location), t)):
        route = search.where[tid]
        if route in seen:
            continue
        seen.add(route)
        seq = search.routes[route]
        length = rng.randint(1, min(len(seq), STRING_MAX))
        at = seq.index(tid)
        lo = rng.randint(max(0, at - length + 1), min(at, len(seq) - length))
        taken += [t for t in seq[lo : lo + length] if t in search.where]
        if len(seen) >= wanted:
            break
    return taken


def _by_fewest_options(search: RouteSearch, taken: Iterable[str]) -> list[str]:
    """The visits that fewest volunteers may take go back first (stable on the shuffle)."""
    return sorted(taken, key=lambda t: len(search.cands[t]))


def later_goals(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    sol: Solution,
) -> tuple[int | Fraction, ...]:
    """The part's goals after waiting in the scenario's order, each to be minimised."""
    return RouteSearch(scenario, analyses, tids, travel, sol).key()


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
            for p in range(len(seq) + 1):  # the travel added, in constant time per place
                added = search.insertion(route, seq, p, tid)
                options.append((search.insertion_rank(kept, added), route, p))
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
    steps_per_visit: int = STEPS_PER_VISIT,
    way: Rerouting = REROUTING,
    seed: int = 0,
    overrun: float = FIRST_DESCENT_SECONDS,
    held: int | None = None,
) -> Solution:
    """`sol` (a plan of the part `tids`) with its one-person visits moved between routes:
    single moves while one makes the later goals lexicographically better, then
    ruin-and-recreate steps, each kept when no worse; a new Solution when the later goals end
    better, else `sol` itself. Deterministic for the same input (sorted orders, a seeded
    random draw, no clock) unless `deadline` (`time.time()`) or `stop()` cuts it short (the
    first descent may run `overrun` seconds past `deadline`). With `held`, continuity is no
    goal but a rule (at least `held` pairs; `RouteSearch.held`): travel and fairness alone."""
    search = RouteSearch(scenario, analyses, tids, travel, sol, held)
    first = search.key()

    def out_of_time() -> bool:
        return (deadline is not None and time.time() >= deadline) or bool(stop and stop())

    # the first descent is most of the gain: it may run `overrun` seconds past the deadline
    floor = time.time() + overrun
    search.descend(max_rounds, None if deadline is None else max(deadline, floor), stop)
    rng = random.Random(seed)
    steps = min(iterations, steps_per_visit * len(search.where))
    best_key, best = search.key(), search.snapshot()
    began = time.time()
    for i in range(1, steps + 1):
        if out_of_time():
            break
        done = i / steps
        if deadline is not None:  # a wall-clock budget cools as its time runs out
            done = max(done, (time.time() - began) / max(1e-3, deadline - began))
        taken = ruin_and_recreate(search, rng, int(way.threshold * max(0.0, 1 - done)), way)
        if i % DESCEND_EVERY == 0:
            search.descend(max_rounds, deadline, stop)
            taken = True
        if taken and (key := search.key()) < best_key:
            best_key, best = key, search.snapshot()
    if search.key() != best_key:  # a step taken on the threshold left the best behind
        search.restore(best)
    search.descend(max_rounds, deadline, stop)
    # sideways steps alone leave the plan as it came (no change without a gain)
    return search.solution() if search.key() < first else sol
