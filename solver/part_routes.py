"""A part's routes re-chosen after CP-SAT (issue 10, item 7): `by_route_sets`, rerouting's
choice among every route of each block (`solver.route_sets.best_routes`), with priced routes for
blocks too wide to list under `Rerouting.priced` (`solver.route_pricing`); kept only when better
in the contract's order."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from mutualaid.domain.model import Scenario
from mutualaid.travel import TravelModel
from solver.reroute import later_goals
from solver.route_pricing import priced_listing
from solver.route_sets import Listed, best_routes, movable_part
from solver.solution import Solution

if TYPE_CHECKING:
    from solver.parts import PartJob


ROUTE_SETS_SHARE = 0.85
"""The part of rerouting's time after CP-SAT (`Rerouting.share`) that choosing among every
route of each block (`solver.route_sets`) may take, when the part is one-person visits whose
blocks' routes can be listed; ruin and recreate gets the rest (and the whole where they
cannot). On routing weeks 7001, 7005, 7007 and 7010 that model proves the least travel at the
plan's pairs in 7-12 s at load 8 (839, 998, 888, 492 minutes, where ruin and recreate's 20,000
steps stopped at 897, 1,029, 923, 562)."""


def by_route_sets(
    scenario: Scenario, job: PartJob, travel: TravelModel, sol: Solution, until: float | None,
    listed: Listed | None = None,
) -> Solution:  # fmt: skip
    """`sol` re-chosen from every route of each block (`solver.route_sets.best_routes`) when
    that serves more, or as much and is better in the later goals; else `sol`. With a wall
    clock, never past `until` (rerouting's end)."""
    seconds = job.share * job.rerouting.share * ROUTE_SETS_SHARE
    if until is not None:
        seconds = min(seconds, (until - time.time()) * ROUTE_SETS_SHARE)
    if seconds <= 0.5:
        return sol
    narrow = True
    if job.rerouting.priced and not job.reproducible and routes_rechosen(scenario, job):
        began = time.time()
        try:  # wide blocks get priced routes (and their plan's own) in place of `_nearest`
            listed, priced = priced_listing(scenario, job.analyses, job.tids, travel, sol,
                                            seconds=seconds * PRICING_SHARE,
                                            cache=dict(listed or {}), bounded=False)  # fmt: skip
            narrow = priced is None
        except (RuntimeError, TimeoutError):  # the master LP failed, or time: as before
            pass
        seconds -= time.time() - began
        if seconds <= 0.5:
            return sol
    new = best_routes(scenario, job.analyses, job.tids, travel, sol, seconds=seconds,
                      deadline=until, deterministic=job.reproducible, listed=listed,
                      narrow=narrow)  # fmt: skip
    if new is None:
        return sol
    before = (
        weighted_coverage(scenario, job, sol),
        later_goals(scenario, job.analyses, job.tids, travel, sol),
    )
    after = (
        weighted_coverage(scenario, job, new),
        later_goals(scenario, job.analyses, job.tids, travel, new),
    )
    if after[0] > before[0] or (after[0] == before[0] and after[1] < before[1]):
        return new
    return sol


PRICING_SHARE = 0.5
"""The part of route sets' time (`by_route_sets`) that pricing routes for blocks too wide to
list may take (`solver.route_pricing.priced_listing`); the integer choice gets the rest."""


def routes_rechosen(scenario: Scenario, job: PartJob) -> bool:
    """Whether `best_routes` would re-choose this part's routes (the order and the part allow)."""
    order = [g for g in scenario.settings.objective_order if g != "fairness"]
    return list(scenario.settings.objective_order[: len(order)]) == order and movable_part(
        scenario, job.analyses, job.tids
    )


def weighted_coverage(scenario: Scenario, job: PartJob, sol: Solution) -> tuple[int, int]:
    """Weighted coverage, then waiting, of the part's plan (to be maximised)."""
    served = [scenario.tasks[t] for t in job.tids if t in sol.crews]
    return sum(job.weights[t.priority] for t in served), sum(t.waited for t in served)
