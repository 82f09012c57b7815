"""Label setting for priced routes (issue 10, item 7): one volunteer's block, its visits'
start ranges and legs (`LabelBlock`), and the routes of least reduced cost under the master's
duals, found exactly by elementary label setting (`price_block`), by a scan of the block's
listed routes (`scan_block`), or bounded from below with the visits made forgotten
(`relaxed_least`). `solver.route_pricing` holds the master LP and column generation around it.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from mutualaid.domain.model import Scenario, Span
from mutualaid.travel import TravelModel
from solver.route_sets import HOME, Route

LABELS = 20_000
"""Labels one block's pricing keeps at most before it keeps only the cheapest per last visit
(then inexact, bounded by `relaxed_least`)."""

PER_ROUND = 8
"""Negative routes added per block and round at most."""

Block = tuple[str, int]
Found = list[tuple[float, frozenset[str], Route]]


@dataclass
class LabelBlock:
    vid: str
    b: int
    begin: int
    end: int
    ranges: dict[str, list[Span]]
    listed: dict[frozenset[str], Route] | None
    legs: dict[tuple[str, str], int]
    durations: dict[str, int]
    incidence: tuple[list[frozenset[str]], list[str], Any, Any, Any] | None = None
    """The listed routes as arrays (`scan_block`), made at the first scan."""


def prepare_block(
    scenario: Scenario, travel: TravelModel, k: Block, ranges: dict[str, list[Span]],
    listed: dict[frozenset[str], Route] | None,
) -> LabelBlock:  # fmt: skip
    vol = scenario.volunteers[k[0]]
    begin, end = vol.blocks[k[1]]
    place = {HOME: vol.home} | {t: scenario.tasks[t].location for t in ranges}
    legs = {(a, b): travel.minutes(vol.mode, place[a], place[b]) for a in place for b in place}
    durations = {t: scenario.tasks[t].duration_minutes for t in ranges}
    return LabelBlock(k[0], k[1], begin, end, dict(ranges), listed, legs, durations)


def leg(blk: LabelBlock, a: str, b: str) -> int:
    return blk.legs[(a, b)]


def extend(blk: LabelBlock, last: str, t: str, ready: int) -> tuple[int, int] | None:
    """The earliest start of `t` after `last` ended at `ready` and when it ends, if the
    volunteer is then home inside the block; as `route_sets.block_routes` takes it."""
    arrive = ready + blk.legs[(last, t)]
    start = next((max(arrive, lo) for lo, hi in blk.ranges[t] if hi >= arrive), None)
    if start is None:
        return None
    done = start + blk.durations[t]
    if done + blk.legs[(t, HOME)] > blk.end:
        return None
    return start, done


def price_block(
    blk: LabelBlock,
    gain: Mapping[str, float],
    mu: float,
    ends: float = math.inf,
    labels: int = LABELS,
) -> tuple[Found, float, bool]:
    """The block's routes of least reduced cost (most negative first), the least reduced cost
    found, and whether it is the least of every route (listed, or label setting whole: not
    when the clock passes `ends` (`time.monotonic()`), checked before each label is extended;
    the 7007 bench's one round ran 318 s past a 60 s floor)."""
    if blk.listed is not None:
        return scan_block(blk, gain, mu)
    tids = sorted(blk.ranges)
    bit = {t: 1 << i for i, t in enumerate(tids)}
    # a label: (mask, ready, reduced cost so far, order, starts, travel so far)
    Label = tuple[int, int, float, tuple[str, ...], tuple[int, ...], int]
    by_last: dict[str, list[Label]] = defaultdict(list)
    frontier: list[tuple[str, Label]] = [(HOME, (0, blk.begin, 0.0, (), (), 0))]
    best: dict[frozenset[str], tuple[float, Route]] = {}
    count, whole, cut = 0, True, False
    while frontier:
        following: list[tuple[str, Label]] = []
        for last, (mask, ready, rc, order, starts, cost) in frontier:
            if time.monotonic() >= ends:  # a level can take seconds, a label milliseconds
                cut = True
                break
            for t in tids:
                if mask & bit[t]:
                    continue
                got = extend(blk, last, t, ready)
                if got is None:
                    continue
                s, done = got
                leg = blk.legs[(last, t)]
                lab = (
                    mask | bit[t],
                    done,
                    rc + leg - gain[t],
                    (*order, t),
                    (*starts, s),
                    cost + leg,
                )
                kept, now = by_last[t], lab[0]
                if any(k[0] & now == k[0] and k[1] <= done and k[2] <= lab[2] + 1e-9 for k in kept):
                    continue
                kept[:] = [
                    k
                    for k in kept
                    if not (now & k[0] == now and done <= k[1] and lab[2] <= k[2] + 1e-9)
                ]
                kept.append(lab)
                following.append((t, lab))
                back = blk.legs[(t, HOME)]
                r = frozenset(lab[3])
                whole_rc = lab[2] + back - mu
                if r not in best or whole_rc < best[r][0]:
                    best[r] = (whole_rc, (lab[5] + back, lab[3], lab[4]))
                count += 1
        if cut or (following and time.monotonic() >= ends):
            whole = False
            break
        if count > labels:
            whole = False
            following.sort(key=lambda f: f[1][2])
            following = following[: labels // 10]
        alive = {id(k) for kept in by_last.values() for k in kept}
        frontier = [(t, lab) for t, lab in following if id(lab) in alive]
    found = sorted(
        ((rc, r, route) for r, (rc, route) in best.items()), key=lambda f: (f[0], sorted(f[1]))
    )
    low = min((f[0] for f in found), default=0.0)
    return found[: PER_ROUND * 2], low, whole


def scan_block(blk: LabelBlock, gain: Mapping[str, float], mu: float) -> tuple[Found, float, bool]:
    """`price_block` over a block's listed routes: each one's reduced cost at once (numpy)."""
    assert blk.listed is not None
    if blk.incidence is None:
        keys = list(blk.listed)
        tids = sorted(blk.ranges)
        at = {t: i for i, t in enumerate(tids)}
        rows = np.array([i for i, r in enumerate(keys) for _ in r], dtype=np.int64)
        cols = np.array([at[t] for r in keys for t in r], dtype=np.int64)
        costs = np.array([blk.listed[r][0] for r in keys], dtype=np.float64)
        blk.incidence = (keys, tids, rows, cols, costs)
    keys, tids, rows, cols, costs = blk.incidence
    if not keys:
        return [], 0.0, True
    g = np.array([gain[t] for t in tids], dtype=np.float64)
    rc = costs - mu - np.bincount(rows, weights=g[cols], minlength=len(keys))
    order = np.argsort(rc, kind="stable")[: PER_ROUND * 2]
    found = [(float(rc[i]), keys[i], blk.listed[keys[i]]) for i in order]
    return found, float(rc[order[0]]), True


def relaxed_least(
    blk: LabelBlock, gain: Mapping[str, float], mu: float, ends: float = math.inf
) -> float:
    """A lower bound on the block's least reduced cost: the label setting with a label per
    last visit and minute it ends, the visits made forgotten (a task may come twice), so
    every elementary route is one of its walks. -inf (no bound, still a valid one) once the
    clock passes `ends` (`time.monotonic()`, checked every minute of the block)."""
    tids = sorted(blk.ranges)
    best: dict[tuple[str, int], float] = {(HOME, blk.begin): 0.0}
    low = 0.0
    for ready in range(blk.begin, blk.end + 1):
        if time.monotonic() >= ends:
            return -math.inf
        for last in [HOME, *tids]:
            rc = best.get((last, ready))
            if rc is None:
                continue
            for t in tids:
                if t == last:
                    continue
                got = extend(blk, last, t, ready)
                if got is None:
                    continue
                _, done = got
                value = rc + blk.legs[(last, t)] - gain[t]
                if value < best.get((t, done), math.inf):
                    best[(t, done)] = value
                low = min(low, value + blk.legs[(t, HOME)] - mu)
    return low


def walk(blk: LabelBlock, order: list[str]) -> Route | None:
    """The route of these visits in this order at their earliest starts, if it fits."""
    last, ready, cost, starts = HOME, blk.begin, 0, []
    for t in order:
        got = extend(blk, last, t, ready)
        if got is None:
            return None
        cost += blk.legs[(last, t)]
        starts.append(got[0])
        last, ready = t, got[1]
    return cost + blk.legs[(last, HOME)], tuple(order), tuple(starts)
