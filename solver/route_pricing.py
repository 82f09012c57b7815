"""Priced routes (issue 10, item 7): column generation over the set-partitioning model of
`solver.route_sets`, for blocks that hold too many routes to list (the wide-window weeks).

The master LP (GLOP) chooses, over a restricted set of routes per volunteer's block, a
fraction lambda_r of each, minimising their travel:

    sum over routes r of block b: lambda_r <= 1               for each block b       (mu_b)
    sum over routes visiting t: lambda_r <= 1                  for each task t        (pi_t)
    sum over routes, their visits of priority p >= served_p    for each priority p    (sigma_p)
    sum over routes, their continuity pairs >= pairs                                  (rho)
    sum over routes of v, their visits' minutes <= v's weekly minutes                 (eta_v)

A route of block b of volunteer v has reduced cost

    travel(r) - mu_b - sum over t in r of (pi_t + sigma_p(t) + rho [t, v a pair] + eta_v d_t)

and pricing finds the least of them by label setting (`solver.route_labels`): a label is the
visits made, the last, when it ends and its reduced cost so far; starts are the earliest the
ranges allow, as `block_routes` takes them; a label is dropped when another with the same last
visit made a subset of its visits, ends no later and costs no more (elementary routes, exact).
A block whose labels pass LABELS is priced inexactly (the cheapest labels kept), and its least
reduced cost bounded instead by the same label setting without the visits made
(`relaxed_least`: a route may visit a task twice, so its least is no more than any elementary
route's).

The bound (`Priced.bound`) holds at any iteration (Lagrangian): for any duals y of the right
signs, every plan's routes lambda (each block one route or none) satisfy
travel = rc . lambda + y . A lambda >= sum over blocks of min(0, least rc of b) + y . b, so
it is computed from the duals as they are and needs no LP optimum. When pricing finds no
negative route it is the LP's optimum, the strong bound of vehicle routing.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp

from mutualaid.domain.model import PRIORITIES, Scenario, Span
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.route_labels import (
    LABELS,
    PER_ROUND,
    Block,
    LabelBlock,
    extend,
    leg,
    prepare_block,
    price_block,
    relaxed_least,
    walk,
)
from solver.route_sets import HOME, Listed, Route, _people, _plan_blocks, block_routes, starts_of
from solver.solution import Solution

BIG = 10_000.0
"""The cost of a missing served task or pair in the master (its rows are never infeasible)."""


@dataclass
class Priced:
    """What column generation found: the routes per block, the proved travel floor, and
    whether pricing finished (no negative route left: the floor is the LP's optimum)."""

    routes: dict[Block, dict[frozenset[str], Route]]
    bound: float
    finished: bool
    rounds: int
    lp: float = 0.0
    seconds: float = 0.0
    exact_blocks: int = 0
    relaxed_blocks: int = 0
    history: list[tuple[int, float, float]] = field(default_factory=list)
    """(round, LP value, bound) after each round."""
    unpriced: int = 0
    """Blocks the clock left unpriced in the last round."""
    slow: bool = False
    """Stopped after the first round, which took more than its share of `rounds` (see
    `priced_routes`): its routes are not worth the time they would take."""


def priced_routes(
    scenario: Scenario,
    travel: TravelModel,
    blocks: Mapping[Block, dict[str, list[Span]]],
    listed: Mapping[Block, dict[frozenset[str], Route] | None],
    served: Mapping[str, int],
    pairs: int,
    *,
    seconds: float = 30.0,
    start: Mapping[Block, dict[frozenset[str], Route]] | None = None,
    bounded: bool = True,
    labels: int = LABELS,
    rounds: int = 0,
    first: Mapping[Block, float] | None = None,
) -> Priced:
    """Column generation for the least travel of plans serving at least `served[p]` of every
    priority with at least `pairs` continuity pairs, over these blocks (each the visits it may
    make and their start ranges, `route_sets.starts_of`). A block with its routes `listed` is
    priced by scanning them; one without, by label setting. `start`: routes to begin with (a
    plan's); every single visit that fits is one too. `bounded` False: routes alone, no
    `relaxed_least` for blocks priced inexactly, so `Priced.bound` is no floor.
    `labels`: a block's label setting keeps at most this many (`LABELS`). `rounds`: when the
    first round takes more than `seconds / rounds`, stop there (`Priced.slow`). `first`: each
    round prices these blocks first, the highest value first (the travel of the plan's route
    in each: where travel is to be saved), then the rest in their order, so that a round the
    clock cuts short has priced those. Never past
    `seconds` by more than one label's extension: every step checks the clock (the blocks'
    legs, the master LP by GLOP's time limit, each block's pricing, each label); TimeoutError
    when it passes before the first master LP is solved, else the rounds so far (a block left
    unpriced bounds nothing: that round's bound is -inf)."""
    began = time.monotonic()
    ends = began + seconds
    data: dict[Block, LabelBlock] = {}
    for k, ranges in blocks.items():  # (each block's legs: the square of its visits)
        if time.monotonic() >= ends:
            raise TimeoutError("preparing the blocks' legs")
        data[k] = prepare_block(scenario, travel, k, ranges, listed.get(k))
    routes: dict[Block, dict[frozenset[str], Route]] = {k: {} for k in data}
    for k, blk in data.items():
        for t in sorted(blk.ranges):
            got = extend(blk, HOME, t, blk.begin)
            if got is not None:
                s, _ = got
                routes[k][frozenset((t,))] = (blk.legs[(HOME, t)] + leg(blk, t, HOME), (t,), (s,))
        for r, route in (start or {}).get(k, {}).items():
            routes[k][r] = route
    pair_set = scenario.continuity_pairs()
    tasks = scenario.tasks
    out = Priced(routes, -math.inf, False, 0)
    ahead = first or {}
    ordered = sorted(data.items(), key=lambda kb: (-ahead.get(kb[0], -math.inf), kb[0]))
    while True:
        solved = _master(scenario, routes, served, pairs, pair_set, ends)
        if solved is None:  # the clock passed while the master was solved: its rounds so far
            if not out.rounds:
                raise TimeoutError("the first master LP")
            break
        lp, duals = solved
        out.rounds += 1
        out.lp = lp
        least: dict[Block, float] = {}
        added = 0
        exact = True
        out.exact_blocks = out.relaxed_blocks = out.unpriced = 0
        for k, blk in ordered:
            if time.monotonic() >= ends:  # the blocks left unpriced: nothing known of them
                exact = False
                least[k] = -math.inf
                out.unpriced += 1
                continue
            gain = {
                t: duals.task[t]
                + duals.priority[tasks[t].priority]
                + duals.pairs * ((t, blk.vid) in pair_set)
                + duals.hours[blk.vid] * blk.durations[t]
                for t in blk.ranges
            }
            found, low, whole = price_block(blk, gain, duals.block[k], ends, labels)
            if not whole:
                exact = False
                relaxed = relaxed_least(blk, gain, duals.block[k], ends) if bounded else -math.inf
                low = min(low, relaxed)
                out.relaxed_blocks += 1
            else:
                out.exact_blocks += 1
            least[k] = low
            for rc, r, route in found[:PER_ROUND]:
                if rc < -1e-6 and r not in routes[k]:
                    routes[k][r] = route
                    added += 1
        bound = duals.value + sum(min(0.0, v) for v in least.values())
        out.bound = max(out.bound, bound)
        out.history.append((out.rounds, lp, bound))
        if added == 0 or time.monotonic() >= ends:
            out.finished = added == 0 and exact
            break
        if out.rounds == 1 and rounds and (time.monotonic() - began) * rounds > seconds:
            out.slow = True
            break
    out.seconds = time.monotonic() - began
    return out


@dataclass
class _Duals:
    value: float
    block: dict[Block, float]
    task: dict[str, float]
    priority: Mapping[str, float]
    pairs: float
    hours: dict[str, float]


def _master(
    scenario: Scenario,
    routes: Mapping[Block, dict[frozenset[str], Route]],
    served: Mapping[str, int],
    pairs: int,
    pair_set: set[tuple[str, str]] | frozenset[tuple[str, str]],
    ends: float = math.inf,
) -> tuple[float, _Duals] | None:
    """The restricted master LP: its value and its duals, signs clamped (<= rows at most 0,
    >= rows at least 0) and `value` the dual objective y . b at them; None when the clock
    (`time.monotonic()`) passes `ends` first (GLOP's time limit, or already passed)."""
    if time.monotonic() >= ends:
        return None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    assert lp is not None
    tasks, inf = scenario.tasks, lp.infinity()
    block_row = {k: lp.Constraint(-inf, 1.0) for k in sorted(routes)}
    ids = sorted({t for rs in routes.values() for r in rs for t in r})
    task_row = {t: lp.Constraint(-inf, 1.0) for t in ids}
    # rows asking for nothing are left out: their duals would be anything up to BIG
    prio_row = {p: lp.Constraint(float(served[p]), inf) for p in PRIORITIES if served.get(p, 0)}
    pair_row = lp.Constraint(float(pairs), inf) if pairs else None
    vids = sorted({k[0] for k in routes})
    hour_row = {
        v: lp.Constraint(-inf, float(scenario.volunteers[v].max_service_minutes)) for v in vids
    }
    objective = lp.Objective()
    for p, row in prio_row.items():
        slack = lp.NumVar(0.0, inf, f"short[{p}]")
        row.SetCoefficient(slack, 1.0)
        objective.SetCoefficient(slack, BIG)
    if pair_row is not None:
        slack = lp.NumVar(0.0, inf, "short[pairs]")
        pair_row.SetCoefficient(slack, 1.0)
        objective.SetCoefficient(slack, BIG)
    for k in sorted(routes):
        vid = k[0]
        for i, (cost, order, _) in enumerate(routes[k].values()):
            x = lp.NumVar(0.0, inf, f"route[{vid},{k[1]},{i}]")
            objective.SetCoefficient(x, float(cost))
            block_row[k].SetCoefficient(x, 1.0)
            minutes, kept = 0, 0
            by_prio: dict[str, int] = defaultdict(int)
            for t in order:
                task_row[t].SetCoefficient(x, 1.0)
                by_prio[tasks[t].priority] += 1
                minutes += tasks[t].duration_minutes
                kept += (t, vid) in pair_set
            for p, n in by_prio.items():
                if p in prio_row:
                    prio_row[p].SetCoefficient(x, float(n))
            if kept and pair_row is not None:
                pair_row.SetCoefficient(x, float(kept))
            hour_row[vid].SetCoefficient(x, float(minutes))
    objective.SetMinimization()
    if ends < math.inf:
        left = ends - time.monotonic()
        if left <= 0:  # (building the rows took the time)
            return None
        lp.SetTimeLimit(max(1, int(left * 1000)))
    status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL and time.monotonic() >= ends:
        return None
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        raise RuntimeError(f"the master LP ended with status {status}")

    def at_most(row: pywraplp.Constraint) -> float:
        return min(0.0, float(row.dual_value()))

    def at_least(row: pywraplp.Constraint) -> float:
        return min(BIG, max(0.0, float(row.dual_value())))  # a slack costing BIG caps it

    duals = _Duals(
        0.0,
        {k: at_most(r) for k, r in block_row.items()},
        defaultdict(float, {t: at_most(r) for t, r in task_row.items()}),
        defaultdict(float, {p: at_least(r) for p, r in prio_row.items()}),
        at_least(pair_row) if pair_row is not None else 0.0,
        {v: at_most(r) for v, r in hour_row.items()},
    )
    duals.value = (
        sum(duals.block.values())
        + sum(duals.task.values())
        + sum(duals.priority[p] * served.get(p, 0) for p in PRIORITIES)
        + duals.pairs * pairs
        + sum(duals.hours[v] * scenario.volunteers[v].max_service_minutes for v in vids)
    )
    return objective.Value(), duals


def priced_listing(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    sol: Solution,
    *,
    seconds: float,
    cache: Listed | None = None,
    bounded: bool = True,
    labels: int = LABELS,
    whole: bool = True,
    rounds: int = 0,
    pool: Mapping[Block, dict[frozenset[str], Route]] | None = None,
) -> tuple[Listed, Priced | None]:
    """`route_sets.best_routes`' `listed` for this part with every block that holds too many
    routes to list given its priced routes (and its plan's own route) instead: the integer
    choice over them is then a plan that serves and pairs as `sol` does. The Priced is None
    where every block listed whole. `cache`: blocks listed before (and filled in);
    `bounded`, `labels`, `rounds` as `priced_routes`; `whole` False: blocks not in `cache` are
    priced, not listed; `pool`: routes priced before (a block's, for the same visits' ranges),
    columns from the first round. `priced_routes`' rounds price first the blocks where the
    plan's route travels most. Listing and pricing together take `seconds` (pricing may
    pass it by one label's extension); TimeoutError when it passes before the first master LP
    is solved."""
    ends = time.monotonic() + seconds
    plan = _plan_blocks(scenario, sol)
    blocks: dict[Block, dict[str, list[Span]]] = {}
    listed: dict[Block, dict[frozenset[str], Route] | None] = {}
    cache = {} if cache is None else cache
    for vid in sorted({v for t in tids for v in analyses[t].free}):
        for b, block in enumerate(scenario.volunteers[vid].blocks):
            ranges = {
                t: r
                for t in tids
                if analyses[t].reason is None
                and vid in _people(analyses[t])
                and (r := starts_of(analyses[t], vid, block))
            }
            if ranges:
                if time.monotonic() >= ends:  # a block too wide takes ~1 s to find so
                    raise TimeoutError("listing the blocks' routes")
                blocks[(vid, b)] = ranges
                key = (vid, b, frozenset(ranges))
                if key not in cache:
                    cache[key] = block_routes(scenario, travel, vid, b, ranges) if whole else None
                listed[(vid, b)] = cache[key]
    if all(r is not None for r in listed.values()):
        return cache, None
    served = {p: 0 for p in PRIORITIES}
    for t in sol.crews:
        served[scenario.tasks[t].priority] += 1
    pair_set = scenario.continuity_pairs()
    pairs = sum((t, a.id) in pair_set for t, crew in sol.crews.items() for a in crew)
    start: dict[Block, dict[frozenset[str], Route]] = {}
    travelled: dict[Block, float] = {}  # the plan's route's travel, per block priced
    for k, ranges in blocks.items():
        if time.monotonic() >= ends:
            raise TimeoutError("the plan's routes as columns")
        mine = sorted(plan.get(k, set()), key=lambda t: sol.starts[t])
        if listed[k] is None and mine and all(t in ranges for t in mine):
            blk = prepare_block(scenario, travel, k, ranges, None)
            route = walk(blk, mine)
            if route is not None:
                start[k] = {frozenset(mine): route}
                travelled[k] = route[0]
        if pool is not None and k in pool:
            start[k] = {**pool[k], **start.get(k, {})}
    priced = priced_routes(
        scenario,
        travel,
        blocks,
        listed,
        served,
        pairs,
        seconds=max(0.0, ends - time.monotonic()),
        start=start,
        bounded=bounded,
        labels=labels,
        rounds=rounds,
        first=travelled,
    )
    for k, ranges in blocks.items():
        if listed[k] is None:
            cache[(k[0], k[1], frozenset(ranges))] = priced.routes[k]
    return cache, priced
