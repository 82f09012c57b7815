"""A bound on one coverage step of a part by column generation over each slot's route sets
(issue 10, item 1, stop 24): the LP of `solver.columns` (every set of visits a volunteer's
block can route) without listing the sets, priced exactly slot by slot.

The master LP (GLOP), for priority p, the counts `held` above it:

    max  sum of y_t over tasks t of p
    s.t. sum over sets S of slot b: x_S <= 1                          each slot b       (mu_b)
         sum over v's sets of minutes(S) x_S <= v's weekly minutes     each volunteer v  (eta_v)
         sum over v's sets holding t: x_S <= 1     each (v, t) where v has two slots    (gamma_vt)
         N_r y_t <= sum over v in role r, v's sets holding t: x_S      each role r of t  (alpha_tr)
         (sum over r of N_r) y_t <= sum over v, v's sets holding t: x_S                 (beta_t)
         sum of y_t over tasks of q >= held_q                          each q held      (sigma_q)
         0 <= y_t <= 1, x >= 0

Every plan of the contract is a solution (`solver.columns` says why: a slot's visits are one
routable set, crews fill each role with distinct people); crews' common start, one team per
team role and pins are dropped. So the LP's optimum bounds the plan's count of p.

The bound holds at every iteration, whatever GLOP's duals are (Lagrangian: relax every row
but the slots' and y's bounds; for duals of the right signs, clipped to them)

    L = sum_v eta_v M_v + sum gamma_vt - sum_q sigma_q held_q
        + sum_t max(0, [t in p] + sigma_q(t) - sum_r N_r alpha_tr - N_t beta_t)
        + sum_b max(0, best set of b by prize pi_vt = sum_(r holding v) alpha_tr + beta_t
                                                     - gamma_vt - eta_v minutes_t)

and L >= the LP's optimum (weak duality), so the proof never waits for the LP to converge. The
best set of a slot is found exactly (`best_set`: label setting over the slot's visits, a label
dominated by one with the same last visit, a subset of its visits, ready no later and a prize
no less), or bounded from above past LABELS (the sum of positive prizes). Visits of prize <= 0
are left out only where the slot's legs keep the triangle (leg(a, c) <= leg(a, b) + minutes_b +
leg(b, c), home included, checked in integers): then leaving a visit out of a route keeps it
routable; elsewhere every visit is kept with its prize taken as max(0, pi) (the sets' down
closure, a relaxation). A count is proved when L < count + 1 - MARGIN (floats' error is far
below it).

Not in the planner (stop 24, docs/engine-on-unseen-weeks.md): the LP it converges to proves
7004's one-day normal and low steps but not 7010's (74.11 where 73 is the truth), and the
bound falls below count + 1 only at convergence.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from mutualaid.domain.model import Scenario, Span
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.route_sets import legs_of, starts_of

LABELS = 50_000
"""Labels one slot's pricing makes at most; past it the slot's best is bounded by the sum of
its positive prizes (still a bound, looser)."""

QUICK = 500
"""Labels a slot's pricing makes at most in a quick round (sets found, no exact bound); a round
that finds no set is followed by one priced with LABELS."""

MARGIN = 1e-6
"""What the bound must clear below count + 1 to prove count: the duals and prizes are floats."""

KNAPSACK = True
"""`best_set` bounds a label's completion by the fractional knapsack of the block's time
left (stop 26 A), not only by the sum of the prizes still startable."""

KNOWN = True
"""`RouteMaster.bound` starts each slot's pricing from its best column (stop 26 A)."""

MORE = 3
"""Sets of positive reduced cost a slot's pricing adds in a round at most (its best among
them): more sets a round, fewer rounds (stop 26 A)."""


@dataclass
class Slot:
    """One volunteer's block and the visits it may hold (their free starts in it)."""

    vid: str
    k: int
    begin: int
    end: int
    ranges: dict[str, list[Span]]
    legs: dict[tuple[str, str], int]
    minutes: dict[str, int]
    triangle: bool = False
    into: dict[str, int] = field(default_factory=dict)
    """Each visit's shortest leg in (from home or another visit of the slot)."""


def slot_of(
    scenario: Scenario, travel: TravelModel, vid: str, k: int, tids: list[str],
    analyses: Mapping[str, TaskAnalysis],
) -> Slot | None:  # fmt: skip
    block = scenario.volunteers[vid].blocks[k]
    ranges = {t: r for t in tids if (r := starts_of(analyses[t], vid, block))}
    if not ranges:
        return None
    leg = legs_of(scenario, travel, vid)
    places = ["", *sorted(ranges)]
    legs = {(a, b): leg(a, b) for a in places for b in places if a != b}
    minutes = {t: scenario.tasks[t].duration_minutes for t in ranges}
    slot = Slot(vid, k, block[0], block[1], ranges, legs, minutes)
    n = len(places)
    d = np.zeros((n, n), dtype=np.int64)
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            if a != b:
                d[i, j] = legs[(a, b)]
    through = np.array([0] + [minutes[t] for t in places[1:]], dtype=np.int64)
    # leg(a, c) <= leg(a, b) + minutes_b + leg(b, c) for every visit b between (home is no b).
    via = d[:, 1:, None] + through[None, 1:, None] + d[None, 1:, :]
    slot.triangle = bool((d[:, None, :] <= via).all())
    slot.into = {t: int(np.delete(d[:, j + 1], j + 1).min())
                 for j, t in enumerate(places[1:])}  # fmt: skip
    return slot


def best_set(
    slot: Slot, prize: Mapping[str, float], cap: int = LABELS,
    known: Iterable[frozenset[str]] = (), more: tuple[float, list[Any]] | None = None,
) -> tuple[float, frozenset[str], float]:  # fmt: skip
    """The most prize of a set of visits the slot can route found within `cap` labels, the
    set, and a bound on the most (the same when the search ended within `cap`, else the sum
    of positive prizes). `known`: sets the slot routes (its columns), the search's first
    best: a label that cannot beat them is not extended. `more`: (a threshold, a heap) gets
    the MORE sets of most prize above the threshold met on the way, as (prize, n, set)."""
    positive = sum(max(0.0, prize[t]) for t in slot.ranges)
    tids = sorted(t for t in slot.ranges if prize[t] > 0 or not slot.triangle)
    legs, ranges, minutes = slot.legs, slot.ranges, slot.minutes
    latest = {t: max(hi for _, hi in ranges[t]) for t in tids}
    gain = {t: max(0.0, prize[t]) for t in tids}
    best: tuple[float, frozenset[str]] = (0.0, frozenset())
    for s in known:
        # Routable; its visits of gain > 0 alone are too where the triangle holds (module
        # docstring), and elsewhere every visit is in `gain` (at max(0, prize)).
        s = frozenset(t for t in s if t in gain)
        value = sum(gain[t] for t in s)
        if value > best[0]:
            best = (value, s)
    # Completion bound (KNAPSACK): a visit after the label takes at least its minutes and the
    # shortest leg into it (`Slot.into`), all before the block ends, so the prizes still
    # startable are bounded by the fractional knapsack of the time left (by prize a minute).
    weight = {t: minutes[t] + slot.into[t] for t in tids}
    by_ratio = sorted(tids, key=lambda t: (-gain[t] / max(1, weight[t]), t))
    # A visit startable after a label: reached by its leg from the last visit, or where the
    # triangle fails, by its shortest leg from anywhere (a detour may be shorter there).
    reach = legs if slot.triangle else {
        (a, t): min(legs[(a, t)], slot.into[t]) for a in ["", *tids] for t in tids if a != t
    }  # fmt: skip

    def completion(visited: frozenset[str], last: str, ready: int) -> float:
        """The most prize the visits after a label can add (a bound)."""
        if not KNAPSACK:
            return sum(
                gain[t] for t in tids
                if t not in visited and latest[t] >= ready + reach[(last, t)]
            )  # fmt: skip
        rest, room = 0.0, slot.end - ready
        for t in by_ratio:
            if t in visited or latest[t] < ready + reach[(last, t)]:
                continue
            if weight[t] <= room:
                rest += gain[t]
                room -= weight[t]
            else:
                return rest + gain[t] * max(0, room) / max(1, weight[t])
        return rest

    # Labels (visits made, last visit) keep the earliest time ready, as `block_sets` lists: the
    # prize is the visits' own, so a label ready earlier with the same visits dominates.
    level: dict[tuple[frozenset[str], str], tuple[int, float]] = {
        (frozenset(), ""): (slot.begin, 0.0)
    }
    made = 0
    while level:
        following: dict[tuple[frozenset[str], str], tuple[int, float]] = {}
        for (visited, last), (ready, got) in level.items():
            # Bounding: a label that cannot beat the best set found even with every visit
            # still startable (their knapsack) is not extended.
            if got + completion(visited, last, ready) <= best[0]:
                continue
            for t in tids:
                if t in visited:
                    continue
                arrive = ready + legs[(last, t)] if last else ready + legs[("", t)]
                start = next((max(arrive, lo) for lo, hi in ranges[t] if hi >= arrive), None)
                if start is None:
                    continue
                done = start + minutes[t]
                if done + legs[(t, "")] > slot.end:
                    continue
                key = (visited | {t}, t)
                if key in following and following[key][0] <= done:
                    continue
                value = got + gain[t]
                following[key] = (done, value)
                if value > best[0]:
                    best = (value, key[0])
                if more is not None and value > more[0]:
                    item = (value, made, key[0])
                    if len(more[1]) < MORE:
                        heapq.heappush(more[1], item)
                    elif value > more[1][0][0]:
                        heapq.heapreplace(more[1], item)
                made += 1
                if made > cap:
                    # Every set not yet seen extends a label of this level (or one dominating
                    # it, or one that could not beat the best): their completions bound it.
                    if not KNAPSACK:
                        return best[0], best[1], positive
                    above = max(
                        (g + completion(v, a, r) for (v, a), (r, g) in level.items()),
                        default=0.0,
                    )  # fmt: skip
                    return best[0], best[1], max(best[0], min(positive, above))
        level = following
    return best[0], best[1], best[0]


Duals = tuple[
    dict[tuple[str, int], float], dict[str, float], dict[tuple[str, str], float],
    dict[str, float], dict[str, float],
]  # fmt: skip
"""The master's duals, each of its sign: alpha, beta, gamma, eta, sigma (module docstring)."""


def _mix(center: Duals, d: Duals, w: float) -> Duals:
    """w of `center` and 1 - w of `d`, family by family (a row new since the center: d's)."""

    def one(c: Mapping[Any, float], now: Mapping[Any, float]) -> dict[Any, float]:
        return {k: w * c.get(k, v) + (1 - w) * v for k, v in now.items()}

    return (one(center[0], d[0]), one(center[1], d[1]), one(center[2], d[2]),
            one(center[3], d[3]), one(center[4], d[4]))  # fmt: skip


@dataclass
class MasterBound:
    """One step's bound: the least Lagrangian bound seen, the last LP value, rounds, whether
    the LP converged (no set of positive reduced cost left) and every slot priced exactly."""

    priority: str
    bound: float
    lp: float
    rounds: int
    converged: bool
    seconds: float
    columns: int
    history: list[tuple[float, float, float, bool]] = field(default_factory=list)
    """Each round: the LP value, the Lagrangian bound, seconds so far, priced exactly."""
    sets: list[tuple[int, frozenset[str]]] = field(default_factory=list)
    """The sets generated (slot index, visits): the integer master's columns (`route_plan`)."""
    tids: list[str] = field(default_factory=list)
    """The tasks of the step's master (the priority's and the held ones)."""
    cpu: list[float] = field(default_factory=list)
    """Each round: the process's CPU seconds so far (all threads), beside `history`'s wall."""
    feasible: float = -math.inf
    """The most LP value seen with every held count met (no slack): a plan of the master's
    LP, so a bound below it breaks weak duality (`sound`)."""
    duals: Duals | None = None
    """The duals priced at the least bound (`solver.route_enum` enumerates from them)."""

    def sound(self) -> bool:
        """Whether the bound is no less than an LP value the master reached (weak duality): a
        check of the pricing's bounds, which stop 26 A saw fail once beside CP-SAT (8036)."""
        return self.bound >= self.feasible - 1e-6

    def proves(self, count: int) -> bool:
        """Whether no plan serves more than `count` tasks of the priority."""
        return self.bound < count + 1 - MARGIN


class RouteMaster:
    """The route-set master of a part (module docstring): slots built once, a bound per step."""

    def __init__(
        self, scenario: Scenario, analyses: Mapping[str, TaskAnalysis], tids: list[str],
        travel: TravelModel,
    ) -> None:  # fmt: skip
        self.scenario, self.analyses = scenario, analyses
        self.open = [t for t in sorted(tids) if analyses[t].reason is None and analyses[t].pools]
        by_vol: dict[str, list[str]] = defaultdict(list)
        for t in self.open:
            for v in sorted(analyses[t].candidates):
                by_vol[v].append(t)
        self.slots: list[Slot] = []
        for vid in sorted(by_vol):
            for k in range(len(scenario.volunteers[vid].blocks)):
                slot = slot_of(scenario, travel, vid, k, by_vol[vid], analyses)
                if slot is not None:
                    self.slots.append(slot)

    def bound(
        self, priority: str, held: Mapping[str, int], *, deadline: float | None = None,
        target: int | None = None, max_rounds: int = 200,
        seed: Iterable[tuple[int, frozenset[str]]] = (),
        stop: Callable[[], bool] | None = None, labels: int = LABELS, smooth: float = 0.0,
    ) -> MasterBound:  # fmt: skip
        """Column generation for `priority` given `held`, until converged, `deadline`
        (time.monotonic), `max_rounds`, `stop()`, or the bound proves `target`; `seed`: sets
        (slot index, visits) added before the first round (a plan's routes, an earlier step's
        sets); `labels`: an exact round's cap per slot; `smooth`: the center's weight in the
        duals priced (0: the LP's own)."""
        t0, c0 = time.monotonic(), time.process_time()
        sc, tasks = self.scenario, self.scenario.tasks
        lp = pywraplp.Solver.CreateSolver("GLOP")
        tids = [t for t in self.open if tasks[t].priority == priority or tasks[t].priority in held]
        y = {t: lp.NumVar(0, 1, f"y_{t}") for t in tids}
        inf = lp.infinity()
        mu = {i: lp.Constraint(-inf, 1) for i in range(len(self.slots))}
        vols = sorted({s.vid for s in self.slots})
        eta = {v: lp.Constraint(-inf, sc.volunteers[v].max_service_minutes) for v in vols}
        two = {v for v in vols if sum(s.vid == v for s in self.slots) > 1}
        gamma: dict[tuple[str, str], Any] = {}
        alpha: dict[tuple[str, int], Any] = {}
        beta: dict[str, Any] = {}
        roles_of: dict[tuple[str, str], list[int]] = defaultdict(list)
        for t in tids:
            task = tasks[t]
            for r, (need, role) in enumerate(zip(task.needs, self.analyses[t].pools, strict=True)):
                alpha[(t, r)] = c = lp.Constraint(-inf, 0)
                c.SetCoefficient(y[t], need.min_people)
                for v in sorted({v for pool in role for v in pool.members}):
                    roles_of[(v, t)].append(r)
            beta[t] = c = lp.Constraint(-inf, 0)
            c.SetCoefficient(y[t], task.people)
        sigma = {q: lp.Constraint(n, inf) for q, n in held.items()}
        for t in tids:
            if tasks[t].priority in sigma:
                sigma[tasks[t].priority].SetCoefficient(y[t], 1)
        objective = lp.Objective()
        for t in tids:
            objective.SetCoefficient(y[t], 1 if tasks[t].priority == priority else 0)
        slacks = []
        for c in sigma.values():
            # Short of `held` while few sets are known: a slack at a price above any gain.
            slack = lp.NumVar(0, inf, "")
            slacks.append(slack)
            c.SetCoefficient(slack, 1)
            objective.SetCoefficient(slack, -(len(tids) + 1))
        objective.SetMaximization()
        keep = set(tids)
        seen: set[tuple[int, frozenset[str]]] = set()
        of_slot: dict[int, list[frozenset[str]]] = defaultdict(list)
        columns = 0

        def add(i: int, s: frozenset[str]) -> None:
            nonlocal columns
            slot = self.slots[i]
            x = lp.NumVar(0, 1, "")
            mu[i].SetCoefficient(x, 1)
            eta[slot.vid].SetCoefficient(x, sum(slot.minutes[t] for t in s))
            for t in s:
                if slot.vid in two:
                    if (slot.vid, t) not in gamma:
                        gamma[(slot.vid, t)] = lp.Constraint(-inf, 1)
                    gamma[(slot.vid, t)].SetCoefficient(x, 1)
                if t in keep:
                    beta[t].SetCoefficient(x, -1)
                    for r in roles_of[(slot.vid, t)]:
                        alpha[(t, r)].SetCoefficient(x, -1)
            seen.add((i, s))
            of_slot[i].append(s)
            columns += 1

        for i, slot in enumerate(self.slots):
            for t in slot.ranges:
                if t in keep:
                    add(i, frozenset({t}))
        for i, whole in seed:  # the step's visits of each (those of other steps cost minutes)
            s = whole & keep
            if s and (i, s) not in seen and s <= self.slots[i].ranges.keys():
                add(i, s)

        def price(
            d: Duals, cap: int, floor: list[float] | None = None
        ) -> tuple[float, bool, list[tuple[int, frozenset[str], float]]]:
            """The Lagrangian bound at duals `d` (module docstring), whether every slot was
            priced exactly, and each slot's best set found (with `floor`, the slots' duals:
            up to MORE sets of each above it)."""
            a, b, g, e, s_ = d
            value = sum(e[v] * sc.volunteers[v].max_service_minutes for v in vols)
            value += sum(g.values()) - sum(s_[q] * n for q, n in held.items())
            for t in tids:
                task = tasks[t]
                reduced = (1.0 if task.priority == priority else 0.0) + s_.get(task.priority, 0.0)
                reduced -= sum(
                    need.min_people * a[(t, r)] for r, need in enumerate(task.needs)
                )  # fmt: skip
                reduced -= task.people * b[t]
                value += max(0.0, reduced)
            exact, found = True, []
            for i, slot in enumerate(self.slots):
                if stop is not None and stop():  # (a round cut short bounds nothing)
                    return math.inf, False, []
                heap: list[Any] = []
                more = (floor[i] + 1e-9, heap) if floor is not None and MORE > 1 else None
                most, s, above = best_set(
                    slot, prizes(d, i), cap, of_slot[i] if KNOWN else (), more
                )  # fmt: skip
                exact &= above == most
                value += above
                if s:
                    found.append((i, s, most))
                found += [(i, got, v) for v, _, got in heap if got != s]
            return value, exact, found

        def prizes(d: Duals, i: int) -> dict[str, float]:
            a, b, g, e, _ = d
            slot = self.slots[i]
            return {
                t: (b[t] + sum(a[(t, r)] for r in roles_of[(slot.vid, t)]) if t in keep else 0.0)
                - g.get((slot.vid, t), 0.0) - e[slot.vid] * slot.minutes[t]
                for t in slot.ranges
            }  # fmt: skip

        out = MasterBound(priority, math.inf, math.nan, 0, False, 0.0, 0)
        exact_round = False
        center: tuple[Duals, float] | None = None
        while out.rounds < max_rounds:
            status = lp.Solve()
            out.rounds += 1
            if status != pywraplp.Solver.OPTIMAL:
                break
            out.lp = objective.Value()
            if all(v.solution_value() <= 1e-9 for v in slacks):
                out.feasible = max(out.feasible, out.lp)
            # GLOP's duals of a maximisation: a <= row's is >= 0, a >= row's <= 0; each clipped
            # to its sign (any value of the right sign is sound).
            d: Duals = (
                {key: max(0.0, c.dual_value()) for key, c in alpha.items()},
                {t: max(0.0, c.dual_value()) for t, c in beta.items()},
                {key: max(0.0, c.dual_value()) for key, c in gamma.items()},
                {v: max(0.0, c.dual_value()) for v, c in eta.items()},
                {q: max(0.0, -c.dual_value()) for q, c in sigma.items()},
            )
            m_ = [max(0.0, mu[i].dual_value()) for i in range(len(self.slots))]
            cap = labels if exact_round else QUICK
            # Smoothing (Wentges): price at the mix of the best bound's duals and the LP's, so
            # the bound does not follow the LP's duals' swings; a mix that finds no set
            # improving the LP (mispricing) is followed by pricing at the LP's own duals.
            point = d if center is None or smooth <= 0 else _mix(center[0], d, smooth)
            while True:
                value, exact, found = price(point, cap, m_ if point is d else None)
                if not math.isfinite(value):
                    break
                if center is None or value < center[1]:
                    center = (point, value)
                if value < out.bound:
                    out.bound, out.duals = value, point
                new = [
                    (i, s) for i, s, most in found
                    if (i, s) not in seen
                    and (most if point is d else sum(prizes(d, i)[t] for t in s)) > m_[i] + 1e-9
                ]  # fmt: skip
                if new or point is d:
                    break
                point = d  # mispriced
            if not math.isfinite(value):
                break  # stopped inside the round
            for i, s in new:
                add(i, s)  # after pricing: GLOP's duals are gone once the model changes
            out.history.append((out.lp, value, time.monotonic() - t0, exact_round))
            out.cpu.append(time.process_time() - c0)
            if not new:
                if exact_round:
                    out.converged = exact
                    break
                exact_round = True
                continue
            exact_round = False
            if target is not None and out.proves(target):
                break
            if deadline is not None and time.monotonic() > deadline:
                break
            if stop is not None and stop():  # (checked between rounds, as the deadline)
                break
        out.columns, out.seconds = columns, time.monotonic() - t0
        out.sets, out.tids = sorted(seen, key=lambda c: (c[0], sorted(c[1]))), tids
        return out
