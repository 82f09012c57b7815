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
deterministic budget (one worker, the golden plans) never prices. Off by default
(`Rerouting.priced_after`).
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
from solver.route_pricing import priced_listing
from solver.route_sets import Listed, best_routes
from solver.solution import Solution

if TYPE_CHECKING:
    from solver.parts import PartJob

PRICING_SHARE = 0.5
"""The part of the time left that pricing may take; the integer choice and ruin and recreate
on it share the rest."""

LABELS = 2_000
"""Labels a wide block's pricing keeps (`route_pricing.LABELS` keeps 20,000): only routes are
wanted here, not a floor, and with 20,000 one round on 7003 took 5.6 s at load 7 (of 11 s
left): one round, no route better than ruin and recreate's."""

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
) -> Solution:
    """`sol` (ruin and recreate's plan of the part `job.tids`) re-chosen over priced routes
    for the blocks too wide to list (every other block's routes listed) and rerouted again,
    until `ends` (`time.time()`); kept only when `no_worse_anywhere`, else `sol`. `weighted`
    gives a plan's weighted coverage and waiting."""
    analyses, tids = job.analyses, job.tids

    def measured(s: Solution) -> tuple[tuple[int, int], tuple[int | Fraction, ...]]:
        return weighted(s), later_goals(scenario, analyses, tids, travel, s)

    if ends - time.time() < LEAST_SECONDS:
        return sol
    new = priced_choice(scenario, analyses, tids, travel, sol, ends, listed)
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
) -> Solution | None:
    """The part's routes re-chosen (`best_routes`: coverage, waiting and pairs held, then
    travel) over the routes `listed` and, for every other block, priced routes found from
    `sol`'s (PRICING_SHARE of the time to `ends`, label setting kept to LABELS, no block
    listed anew); None when the time ends first."""
    try:
        cache, priced = priced_listing(scenario, analyses, tids, travel, sol,
                                       seconds=(ends - time.time()) * PRICING_SHARE,
                                       cache=dict(listed), bounded=False, labels=LABELS,
                                       whole=False)  # fmt: skip
    except (RuntimeError, TimeoutError):  # the master LP failed, or the time ended
        return None
    if priced is None or ends - time.time() <= 0.5:
        return None
    return best_routes(scenario, analyses, tids, travel, sol, seconds=ends - time.time(),
                       deadline=ends, listed=cache, narrow=False)  # fmt: skip
