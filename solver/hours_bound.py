"""A bound on coverage per priority from volunteers' weekly hours (rule 5) alone: for the weeks
where many people give an hour or two, each can serve only the few visits that fit in their
minutes, and static analysis (every task someone could serve) and column generation cut short
in its time (600 volunteers, 2,000 tasks) say little of it.

The LP, for priority p, given what a plan serves above p:

    max  sum of y_t over tasks t of p
    s.t. sum over candidates v of t of z_tv >= people(t) * y_t      each task t
         z_tv <= y_t                                                 each candidate v of t
         sum over t of d_t * z_tv <= weekly minutes of v             each volunteer v
         sum over t of z_tv <= most(v)                               each volunteer v
         sum of y_t over tasks of q >= served_q                      each priority q above p
         0 <= y, z <= 1;  tasks of priorities below p: y_t = 0

Every plan of the contract is a point of it: y_t = 1 for a task it serves, z_tv = 1 where v is
in its crew (at least people(t) of them, each giving d_t minutes of their week). `most(v)` is
how many of v's candidate tasks fit in v's minutes at all, the shortest first: a whole-number
fact the LP alone would not see (60 minutes give two thirds of a 90-minute visit in the LP,
none in a plan). A candidate whose minutes are less than the visit is none (rule 5). What is
relaxed: time (the routes, the windows beyond static analysis, a crew's common start), roles,
and integrality. So the optimum, floored, bounds every plan's count at p given those above.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping

from ortools.linear_solver import pywraplp

from mutualaid.domain.model import PRIORITIES, Scenario, people_of
from solver import clock
from solver.analysis import TaskAnalysis
from solver.solution import GAP_WEIGHTS, Solution, count_by_priority

ROUNDING = 1e-3
"""Taken as still reachable above the LP's optimum before its floor is the bound (GLOP's
tolerances; as `solver.energy_bound.ROUNDING`)."""

GLOP_PARAMETERS = "use_dual_simplex: true"
"""The dual simplex: from one priority to the next only bounds change, and on the hours-tiny
large week (35,000 pairs) it solved where the primal took seconds a priority."""

MOST_PAIRS = 60_000
"""The LP is built only with at most this many (task, volunteer) pairs whose visit fits in the
volunteer's minutes: where people give many hours the pairs are many and the hours bind little
(a district week of 40-hour volunteers has some 200,000), where they give one or two they are
few and bind most."""


def hour_pairs(
    scenario: Scenario, analyses: Mapping[str, TaskAnalysis], tids: list[str]
) -> dict[str, list[str]]:
    """Per task static analysis allows, its candidates whose weekly minutes hold its visit."""
    out: dict[str, list[str]] = {}
    vols = scenario.volunteers
    for t in tids:
        a = analyses[t]
        if a.reason is not None:
            continue
        d = scenario.tasks[t].duration_minutes
        out[t] = sorted(v for v in a.candidates if vols[v].max_service_minutes >= d)
    return out


def short_of_hours(scenario: Scenario, pairs: dict[str, list[str]]) -> bool:
    """Whether the visits everyone's minutes hold at most (`most_visits` of their candidate
    tasks) are fewer than the places of the tasks static analysis allows: only then can the
    LP bound below static analysis's count. On a district or contended week of 40-hour people
    they are not (and the time goes to the other bounds)."""
    tasks_of: dict[str, list[int]] = defaultdict(list)
    places = 0
    for t, vs in pairs.items():
        places += people_of(scenario.tasks[t].needs)
        for v in vs:
            tasks_of[v].append(scenario.tasks[t].duration_minutes)
    vols = scenario.volunteers
    held = sum(most_visits(vols[v].max_service_minutes, ds) for v, ds in tasks_of.items())
    return held < places


def most_visits(minutes: int, durations: list[int]) -> int:
    """How many of these visits fit in `minutes` at most (the shortest first)."""
    n, used = 0, 0
    for d in sorted(durations):
        if used + d > minutes:
            break
        n, used = n + 1, used + d
    return n


def hours_bounds(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    plan: Solution,
    *,
    budget: float,
    deadline: float | None = None,
) -> dict[str, int] | None:
    """For each priority p, a bound on the part's tasks of p served by any plan serving at
    least `plan`'s count at each priority above p (the module's LP); a priority the plan
    serves whole, or one left when the time runs out: its count of tasks static analysis
    allows. The open priorities go most at stake first (GAP_WEIGHTS times the tasks the plan
    leaves unserved). None when the pairs are more than MOST_PAIRS, when the hours are not
    short of the tasks (`short_of_hours`), or when no LP was solved."""
    started = time.monotonic()
    if deadline is not None:  # (a wall-clock time: the solve's end)
        budget = min(budget, deadline - time.time())
    ends = started + budget
    pairs = hour_pairs(scenario, analyses, tids)
    if (
        sum(len(vs) for vs in pairs.values()) > MOST_PAIRS
        or budget <= 0
        or not short_of_hours(scenario, pairs)
    ):
        return None
    allowed = sorted(pairs)
    served = count_by_priority(scenario, (t for t in plan.crews if t in pairs))
    totals = count_by_priority(scenario, allowed)
    out = dict(totals)
    try:
        lp = HoursLp(scenario, pairs)
    except clock.OutOfTime:
        return None
    solved = False
    at_stake = {p: GAP_WEIGHTS[p] * (totals[p] - served[p]) for p in PRIORITIES}
    for p in sorted((p for p in PRIORITIES if served[p] < totals[p]), key=lambda p: -at_stake[p]):
        left = ends - time.monotonic()
        if left <= 0.05:
            break
        above = {q: served[q] for q in PRIORITIES[: PRIORITIES.index(p)]}
        got = lp.bound(p, above, left)
        if math.isfinite(got):
            solved = True
            out[p] = max(served[p], min(totals[p], math.floor(got + ROUNDING)))
    return out if solved else None


class HoursLp:
    """The module's LP over one part's tasks (`pairs`: each task's candidates)."""

    def __init__(self, scenario: Scenario, pairs: dict[str, list[str]]) -> None:
        self.scenario = scenario
        s = self.solver = pywraplp.Solver.CreateSolver("GLOP")
        s.SetSolverSpecificParametersAsString(GLOP_PARAMETERS)
        self.y = {t: s.NumVar(0.0, 1.0, "") for t in pairs}
        tasks_of: dict[str, list[tuple[str, pywraplp.Variable]]] = defaultdict(list)
        for t, vs in pairs.items():
            clock.check()
            crew = s.Constraint(0.0, s.infinity())
            crew.SetCoefficient(self.y[t], -float(people_of(scenario.tasks[t].needs)))
            crewed = people_of(scenario.tasks[t].needs) > 1
            for v in vs:
                z = s.NumVar(0.0, 1.0, "")
                crew.SetCoefficient(z, 1.0)
                if crewed:  # (for one person, more z than y only costs the LP minutes)
                    within = s.Constraint(-s.infinity(), 0.0)
                    within.SetCoefficient(z, 1.0)
                    within.SetCoefficient(self.y[t], -1.0)
                tasks_of[v].append((t, z))
        for v, mine in tasks_of.items():
            clock.check()
            minutes = scenario.volunteers[v].max_service_minutes
            durations = [scenario.tasks[t].duration_minutes for t, _ in mine]
            weekly = s.Constraint(-s.infinity(), float(minutes))
            most = s.Constraint(-s.infinity(), float(most_visits(minutes, durations)))
            for (_, z), d in zip(mine, durations, strict=True):
                weekly.SetCoefficient(z, float(d))
                most.SetCoefficient(z, 1.0)
        self.levels = {}
        for q in PRIORITIES:
            row = s.Constraint(-s.infinity(), s.infinity())
            for t, y in self.y.items():
                if scenario.tasks[t].priority == q:
                    row.SetCoefficient(y, 1.0)
            self.levels[q] = row

    def bound(self, priority: str, above: dict[str, int], seconds: float) -> float:
        """The LP's optimum for `priority` given at least `above` served above it; inf when
        not solved to optimality in `seconds`."""
        level = PRIORITIES.index(priority)
        objective = self.solver.Objective()
        objective.Clear()
        for t, y in self.y.items():
            p = self.scenario.tasks[t].priority
            y.SetUb(1.0 if PRIORITIES.index(p) <= level else 0.0)
            objective.SetCoefficient(y, 1.0 if p == priority else 0.0)
        objective.SetMaximization()
        for q, row in self.levels.items():
            row.SetLb(float(above[q]) if q in above else -self.solver.infinity())
        self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return math.inf
        return float(self.solver.Objective().Value())
