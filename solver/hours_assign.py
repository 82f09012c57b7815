"""Who does what first, where people's weekly hours hold a few visits each (rule 5): an
assignment of tasks to people with no routes, then each person's few visits routed exactly,
then greedy around them. A start for a large part's search (`solver.large`).

On the hours-tiny large week (600 people giving 0-1.5 hours, 2,000 tasks) greedy and the
neighbourhood search spend each person's hour on the first visit that reaches them, and a
routes-free assignment serves 25-30 urgent visits more (stop 27, helper C). Run only where the
hours are short of the tasks (`solver.hours_bound.short_of_hours`, the test the hours bound runs
by) and its pairs few (`MOST_PAIRS`): elsewhere hours bind little and routes decide.

The assignment is the hours bound's LP (`solver.hours_bound.HoursLp`: who gives how much of
each task, each person's minutes and `most_visits`), solved priority by priority given what the
assignment so far serves above (while its share of the time lasts), and rounded: a task the
LP serves at least half goes to the people with the most of it, and each person keeps the
visits given that fit their minutes, the most weight first. Then, priority by priority, each
assigned crew is seated (`greedy._seat` among the assigned people only), and each person's
one-person visits in the order of theirs that seats the most (every order of up to
`EXACT_VISITS` visits, each at its earliest start); what does not fit is left to greedy, which
then fits the rest among everyone. The LP is kept for the part's hours bound (`keep_lp`).
"""

from __future__ import annotations

import itertools
import math
import time
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from mutualaid.domain.model import PRIORITIES, Scenario, people_of
from mutualaid.travel import TravelModel
from solver import clock
from solver.analysis import TaskAnalysis
from solver.greedy import _booked, _ranges, _Schedules, _seat, greedy_plan
from solver.hours_bound import MOST_PAIRS, HoursLp, hour_pairs, keep_lp, short_of_hours
from solver.solution import Solution, count_by_priority

if TYPE_CHECKING:
    from solver.parts import PartJob

EXACT_SUBSETS = 10
"""A person's assigned visits whose minutes exceed theirs are cut to the heaviest subset that
fits, every subset tried up to this many visits."""

EXACT_VISITS = 4
"""A person's one-person visits are tried in every order up to this many (24 orders); more
are seated in the assignment's priority order."""

BUILD_SECONDS_PER_PAIR = 6e-5
"""The step runs only when its share holds at least this per pair: the LP's build (35,000
pairs: 0.7-1.0 s at load 8, 2.8 s at load 10) and one priority's solve (0.3 s), with room."""

ROUNDING = 0.01
"""A share of a crew the LP gives below this is none."""


ASSIGN_SHARE = 0.3
"""The part of what is left of a large part's budget that `solver.hours_assign` may take, on a
part where the hours are short of the tasks (elsewhere it does not run)."""


def assigned_first(
    scenario: Scenario, job: PartJob, travel: TravelModel, mine: Solution, budget: float
) -> tuple[Solution, float]:
    """`mine`, or the plan of `solver.hours_assign` when it serves more; and the budget left.
    Never in a reproducible solve (its LP is cut by the wall clock)."""
    if job.reproducible:
        return mine, budget
    pairs = wanted(scenario, job.analyses, job.tids)
    if pairs is None:
        return mine, budget
    began = time.monotonic()
    share = budget * ASSIGN_SHARE
    if job.deadline is not None:
        share = min(share, job.deadline - time.time())
    if share < BUILD_SECONDS_PER_PAIR * sum(len(vs) for vs in pairs.values()):
        return mine, budget  # (the LP would not be built in it: the time stays the search's)
    try:
        better = assign_first(
            scenario, job.analyses, travel, job.weights, mine, pairs,
            budget=share,
        )  # fmt: skip
    except clock.OutOfTime:
        better = None
    left = max(0.05, budget - (time.monotonic() - began))
    return (mine if better is None else better), left


def wanted(
    scenario: Scenario, analyses: Mapping[str, TaskAnalysis], tids: list[str]
) -> dict[str, list[str]] | None:
    """The part's pairs (`hour_pairs`) when the assignment step should run on it, else None."""
    pairs = hour_pairs(scenario, analyses, tids)
    if not pairs or sum(len(vs) for vs in pairs.values()) > MOST_PAIRS:
        return None
    return pairs if short_of_hours(scenario, pairs) else None


def assign_first(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    weights: Mapping[str, int],
    plan: Solution,
    pairs: dict[str, list[str]],
    *,
    budget: float,
) -> Solution | None:
    """A plan from the module's assignment, or None when it serves no more (by `weights`)
    than `plan`, or the LP was not built or solved in `budget` seconds. Raises
    `solver.clock.OutOfTime` once the solve's time is up."""
    ends = time.monotonic() + budget
    pinned = {p.task for p in scenario.pinned}
    kept = Solution(
        {t: plan.starts[t] for t in plan.crews if t in pinned},
        {t: c for t, c in plan.crews.items() if t in pinned},
    )
    lp = HoursLp(scenario, pairs)
    sol = kept
    chosen: dict[str, list[str]] = {}
    above: dict[str, int] = {}
    for p in PRIORITIES:
        left = ends - time.monotonic()
        if left <= 0.05 or not math.isfinite(lp.bound(p, above, left)):
            break
        chosen = _rounded(scenario, weights, lp, pairs, p, chosen)
        sol = realise(scenario, analyses, travel, chosen, kept)
        above[p] = count_by_priority(scenario, (t for t in sol.crews if t in pairs))[p]
    keep_lp(scenario, pairs, lp)  # (the part's bound solves it again: built once)
    if sol is kept:
        return None
    sol = greedy_plan(scenario, {t: analyses[t] for t in pairs}, travel, fixed=sol)

    def value(s: Solution) -> int:
        return sum(weights[scenario.tasks[t].priority] for t in s.crews if t in pairs)

    return sol if value(sol) > value(plan) else None


def _rounded(
    scenario: Scenario,
    weights: Mapping[str, int],
    lp: HoursLp,
    pairs: dict[str, list[str]],
    priority: str,
    chosen: dict[str, list[str]],
) -> dict[str, list[str]]:
    """`chosen` (task -> its people) and the tasks of `priority` the LP's optimum serves at
    least half, each given the people with the most of it (its places' worth, each with some);
    then per person the visits given that fit their minutes, the most weight first
    (`_fit_minutes`), and a task that lost a place dropped."""
    out = dict(chosen)
    for t, vs in pairs.items():
        if scenario.tasks[t].priority != priority or lp.y[t].solution_value() < 0.5:
            continue
        n = people_of(scenario.tasks[t].needs)
        share = {v: lp.z[t, v].solution_value() for v in vs}
        most = sorted(vs, key=lambda v: (-share[v], v))[:n]
        if len(most) == n and all(share[v] > ROUNDING for v in most):
            out[t] = most
    given: dict[str, list[str]] = defaultdict(list)  # person -> their tasks
    for t, vs in sorted(out.items()):
        for v in vs:
            given[v].append(t)
    crews: dict[str, list[str]] = defaultdict(list)
    vols = scenario.volunteers
    for v, ts in sorted(given.items()):
        for t in _fit_minutes(scenario, weights, vols[v].max_service_minutes, ts):
            crews[t].append(v)
    return {t: vs for t, vs in crews.items() if len(vs) >= people_of(scenario.tasks[t].needs)}


def _fit_minutes(
    scenario: Scenario, weights: Mapping[str, int], minutes: int, ts: list[str]
) -> list[str]:
    """The tasks of `ts` whose visits fit in `minutes` together with the most weight (every
    subset when they are few, else the heaviest first)."""
    dur = {t: scenario.tasks[t].duration_minutes for t in ts}
    if sum(dur.values()) <= minutes:
        return ts
    if len(ts) > EXACT_SUBSETS:
        out: list[str] = []
        used = 0
        for t in sorted(ts, key=lambda t: (-weights[scenario.tasks[t].priority], dur[t], t)):
            if used + dur[t] <= minutes:
                out, used = [*out, t], used + dur[t]
        return out
    best: tuple[str, ...] = ()
    most = -1
    for k in range(len(ts), 0, -1):
        for sub in itertools.combinations(ts, k):
            if sum(dur[t] for t in sub) <= minutes:
                value = sum(weights[scenario.tasks[t].priority] for t in sub)
                if value > most:
                    best, most = sub, value
    return list(best)


def realise(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    travel: TravelModel,
    chosen: dict[str, list[str]],
    fixed: Solution,
) -> Solution:
    """A valid partial plan holding `fixed` and what of `chosen` (task -> its people) can be
    routed: priority by priority, crews first (among their assigned people), then each
    person's one-person visits in their best order (`_best_order`)."""
    sched, sol = _booked(scenario, travel, fixed)
    continuity = scenario.continuity_pairs()
    for p in PRIORITIES:
        mine = sorted(t for t in chosen if scenario.tasks[t].priority == p and t not in sol.crews)
        crewed = [t for t in mine if people_of(scenario.tasks[t].needs) > 1]
        for t in crewed:
            clock.check()
            ranges = _ranges(sched, analyses[t], chosen[t])
            if ranges:
                _seat(scenario, sched, sol, analyses[t], ranges, (), continuity)
        alone: dict[str, list[str]] = defaultdict(list)
        for t in mine:
            if t not in crewed and chosen[t]:
                alone[chosen[t][0]].append(t)
        for v, ts in sorted(alone.items()):
            clock.check()
            _best_order(scenario, sched, sol, analyses, v, ts, continuity)
    return sol


def _best_order(
    scenario: Scenario,
    sched: _Schedules,
    sol: Solution,
    analyses: Mapping[str, TaskAnalysis],
    v: str,
    ts: list[str],
    continuity: frozenset[tuple[str, str]],
) -> None:
    """`v`'s one-person visits `ts` seated in the order that seats the most of them (the
    first such order; in the given order when they are more than `EXACT_VISITS`)."""
    orders = itertools.permutations(ts) if len(ts) <= EXACT_VISITS else iter([tuple(ts)])
    best: tuple[str, ...] | None = None
    most = -1
    for order in orders:
        trial = _copy(sched, v)
        seated = 0
        for t in order:
            ranges = _ranges(trial, analyses[t], (v,))
            if ranges and _seat(scenario, trial, Solution(), analyses[t], ranges, (), continuity):
                seated += 1
        if seated > most:
            best, most = order, seated
        if most == len(ts):
            break
    for t in best or ():
        ranges = _ranges(sched, analyses[t], (v,))
        if ranges:
            _seat(scenario, sched, sol, analyses[t], ranges, (), continuity)


def _copy(sched: _Schedules, v: str) -> _Schedules:
    """A schedule holding `v`'s booked visits only (enough to try seating `v`'s)."""
    out = _Schedules(sched.scenario, sched.travel)
    for (w, bi), stops in sched.stops.items():
        if w == v:
            out.stops[(w, bi)] = list(stops)
    out.minutes[v] = sched.minutes[v]
    return out
