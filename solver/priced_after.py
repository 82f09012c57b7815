"""Priced routes where a part has time to spare (issue 10, item 7): on a part where some
block holds too many routes to list (the wide-window weeks), `priced_choice` (column
generation from the plan's routes, `solver.route_pricing.priced_listing`, then the integer
choice over them, `solver.route_sets.best_routes`) takes CP-SAT's travel stage's time, which
on those weeks hardly moves its first routes (`solver.parts`' `routes`); and `priced_after`
takes what rerouting's share has left once ruin and recreate ends, then ruin and recreate
again on its choice. What `priced_after` gives is kept only when it is no worse in any goal
than the plan it started from (coverage, waiting, and each later goal: continuity, travel and
fairness alike, not only in the scenario's order) and better in one: `best_routes` does not
look at fairness, and on the held-out week 7075 the plan with pricing ahead of ruin and
recreate (`Rerouting.priced`) ended worse in fairness (0.0828 -> 0.0947) as well as travel.

Why not ahead of ruin and recreate: there it took ruin and recreate's time (7075 912 -> 929
travel minutes, 7081 923 -> 948). Wall-clock budgets only: pricing depends on the clock, so a
deterministic budget (one worker, the golden plans) never prices. Every step of pricing
checks the clock (`solver.route_pricing.priced_routes`). On by default since stop 24
(`Rerouting.priced_after`): better on 7003 and 7009, equal elsewhere; on 7093, a part past
one exact model, it runs the default's path up to this guarded step, which in no spied solve
had the time to price, so what 7093 lost under load was that path's, not pricing's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING

from mutualaid.domain.model import Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.reroute import later_goals, reroute
from solver.route_labels import Block
from solver.route_pricing import priced_listing
from solver.route_sets import Listed, Route, best_routes
from solver.solution import Solution

if TYPE_CHECKING:
    from solver.parts import PartJob

PRICING_SHARE = 0.5
"""The part of the time left that pricing may take; the integer choice and ruin and recreate
on it share the rest."""

LABELS = 100
"""Labels a block's pricing keeps before it keeps only the cheapest tenth of each level
(`route_pricing.LABELS` keeps 20,000): only routes are wanted here, not a floor. With 20,000
one round on 7003 took 5.6 s at load 7 (of 11 s left). Stop 25, C: on the plans the travel
stage priced in a solve at load 7.7 (7003, 7009), one round with 2,000 took 3.6-4.2 s and
16.5 s, with 100 1.2-1.35 s, and found the same routes (2,559 and 2,520) and the same choice
(868 -> 848, 984 -> 950); at 2,000 the first round did not fit in the travel stage's 1.2-1.6 s
of pricing at that load."""

TRAVEL_STAGE_ROUNDS = 2
"""In CP-SAT's travel stage, pricing goes on past its first round only when that round took
at most this part of pricing's time (`route_pricing.priced_routes`' `rounds`); else the stage's
time goes back to CP-SAT. At load 11 on 7003 the stage had 5 s, pricing made one round and the
choice found no plan: the stage's time was spent for nothing (1 pair of 3 worse, 855 -> 861)."""

Pool = dict[Block, dict[frozenset[str], Route]]
"""Routes priced so far, per block: the travel stage's carried into rerouting's pricing (as
its first round's columns), so that it starts where the travel stage stopped."""

LEAST_SECONDS = 2.0
"""Pricing starts only with so many seconds left of rerouting's share (a round on a wide
block takes ~1 s on a quiet machine)."""


def too_wide(listed: Listed) -> bool:
    """Whether some block listed so far held too many routes to list."""
    return any(routes is None for routes in listed.values())


def no_worse_anywhere(
    new: tuple[tuple[int, int], tuple[int | Fraction, ...]],
    old: tuple[tuple[int, int], tuple[int | Fraction, ...]],
) -> bool:
    """Whether `new` ((weighted coverage, waiting) to maximise, the later goals to minimise)
    is no worse than `old` in every goal and better in one."""
    (cover, later), (cover0, later0) = new, old
    if any(a < b for a, b in zip(cover, cover0, strict=True)):
        return False
    if any(a > b for a, b in zip(later, later0, strict=True)):
        return False
    return new != old


def priced_after(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    ends: float,
    listed: Listed,
    weighted: Callable[[Solution], tuple[int, int]],
    stop: Callable[[], bool] | None = None,
    pool: Pool | None = None,
) -> Solution:
    """`sol` (ruin and recreate's plan of the part `job.tids`) re-chosen over priced routes
    for the blocks too wide to list (every other block's routes listed) and rerouted again,
    until `ends` (`time.time()`); kept only when `no_worse_anywhere`, else `sol`. `weighted`
    gives a plan's weighted coverage and waiting; `pool` as `priced_choice`'s."""
    analyses, tids = job.analyses, job.tids

    def measured(s: Solution) -> tuple[tuple[int, int], tuple[int | Fraction, ...]]:
        return weighted(s), later_goals(scenario, analyses, tids, travel, s)

    if ends - time.time() < LEAST_SECONDS:
        return sol
    new = priced_choice(scenario, analyses, tids, travel, sol, ends, listed, pool=pool)
    before = measured(sol)
    if new is None or not no_worse_anywhere(measured(new), before):
        return sol
    if ends - time.time() > 0.5 and not (stop is not None and stop()):
        again = reroute(scenario, analyses, tids, travel, new, deadline=ends, stop=stop,
                        seed=job.seed, way=job.rerouting, overrun=0.0)  # fmt: skip
        if again is not new and no_worse_anywhere(measured(again), before):
            return again
    return new


def priced_choice(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    sol: Solution,
    ends: float,
    listed: Listed,
    *,
    pool: Pool | None = None,
    rounds: int = 0,
) -> Solution | None:
    """The part's routes re-chosen (`best_routes`: coverage, waiting and pairs held, then
    travel) over the routes `listed` and, for every other block, priced routes found from
    `sol`'s (PRICING_SHARE of the time to `ends`, label setting kept to LABELS, no block
    listed anew); None when the time ends first, or when the first round took more than
    1 / `rounds` of pricing's time (`Priced.slow`). `pool`: routes priced before, columns from
    the first round, and given this call's priced routes."""
    try:
        cache, priced = priced_listing(scenario, analyses, tids, travel, sol,
                                       seconds=(ends - time.time()) * PRICING_SHARE,
                                       cache=dict(listed), bounded=False, labels=LABELS,
                                       whole=False, rounds=rounds, pool=pool)  # fmt: skip
    except (RuntimeError, TimeoutError):  # the master LP failed, or the time ended
        return None
    if priced is None:
        return None
    if pool is not None:
        for k, routes in priced.routes.items():
            pool.setdefault(k, {}).update(routes)
    if priced.slow or ends - time.time() <= 0.5:
        return None
    return best_routes(scenario, analyses, tids, travel, sol, seconds=ends - time.time(),
                       deadline=ends, listed=cache, narrow=False)  # fmt: skip
