"""A bound on coverage per priority by column generation over each volunteer's week (a
Dantzig-Wolfe relaxation), for weeks where the linear relaxation of weekly hours against crews
says little (visits of 45-120 minutes in weeks of 2-4 hours: the compact model lets a
volunteer give 1.3 visits of 90 minutes in two hours).

The master LP (GLOP), for priority p, given what a plan serves above p:

    max  sum of y_t over tasks t of p
    s.t. N_r * y_t <= sum over volunteers v, patterns P of v filling (t, r): lambda_vP
                                               for each role r of each task t (N_r its people)
         sum of y_t over tasks of q >= served_q           for each priority q above p
         sum over P of lambda_vP <= 1                     for each volunteer v
         0 <= y_t <= 1, lambda >= 0

A *pattern* of a volunteer is a set of (task, role), one role per task, whose tasks the
volunteer is a candidate for (static analysis: skills, range, vetting, gender, languages,
declines, a start at which they are free from home, `solver.analysis`) and whose minutes fit
their weekly hours (rule 5). Every volunteer's visits in any plan of the contract are such a
pattern; what the pricing relaxes, the superset it keeps:

- times: which block, the order and travel between visits, and that a crew starts together
  (rules 3-4) are dropped, as is one volunteer being in two places; each visit alone fits in
  one of their blocks (the analysis' candidates);
- team roles: any members of the teams that qualify count, one team per task is not required,
  and `max_members` is dropped (a plan's crew fills at least `min_members`);
- pins are dropped (a plan with pins is one of the plans without);
- repeats are tasks of their own (the contract expands them); declines and vetting are in the
  candidates.

So the plan's coverage at p, among plans serving at least `served` above, is at most the LP's
optimum. Lower priorities are left out of the LP: their y_t only take volunteers' time.

The bound holds at any iteration (the Lagrangian bound): for any duals alpha >= 0 (roles) and
beta >= 0 (the priorities above), relaxing those rows gives

    L = sum_t max(0, c_t - sum_r N_r alpha_tr + beta_q(t)) - sum_q beta_q served_q
        + sum_v max(0, best pattern of v by sum of alpha_tr over its (t, r))

and L >= the LP's optimum, whatever alpha and beta are (weak duality), so GLOP's inexact duals
only make it looser. The best pattern is exact: a 0/1 knapsack over the week's minutes (DP on
integer minutes, divided by the durations' common divisor), each task worth its best role's
alpha. A time limit therefore never makes the bound unsound: the least L seen is kept.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.travel import TravelModel
from solver import clock
from solver.analysis import TaskAnalysis
from solver.colgen_times import Timetable
from solver.solution import Solution, count_by_priority

EPS = 1e-7
"""Reduced costs below this are taken as none (GLOP's tolerances are about 1e-7)."""

WORK_PER_SECOND = 2_000_000
"""Work (knapsack cells, LP columns, branch-and-bound items) in one second of this machine's
CPU: the deterministic budget is counted in it, so that the same week gives the same bound
however loaded the machine. Measured on contended 7001 given greedy's counts: 2.55M work in
1.46 s of CPU (6.3 s of wall at load 15)."""

FIRST_SHARE: float | None = 0.5
"""Of the bounds' time, what the highest priority the plan leaves open may take (what it does
not use goes on to the next; None: an equal share each). Its bound weighs the most, and on a
district week it needs the pricing with times (one-day week 7004: high 361 with the knapsack,
355 with times, 2-8 s at load 7-9), where the priorities below converge to nearly every task
(7001: normal 946 of 946, low 331 of 331) while each master LP there takes 1-4 s to solve."""

BLOCKS = True
"""Each volunteer's capacity is also bounded by their blocks' minutes (`block_minutes`);
False: by weekly hours alone (the bench's before, `bench/unseen.py --colgen-before-after`)."""

LP_TIME_LIMIT = True
"""With wall-clock budgets, each master LP is cut at what is left of its priority's share
(`_Master.solve`); False: never cut (the bench's before)."""


@dataclass
class _Volunteer:
    """What the pricing knows of one volunteer: their candidate (task, roles), their minutes."""

    id: str
    capacity: int
    """`minutes`, divided by `unit`."""
    minutes: int
    """The most minutes of visits they can give: weekly service minutes, or the length of
    the blocks in which any of their candidate visits can start when that is less
    (`block_minutes`)."""
    roles: dict[str, list[int]] = field(default_factory=dict)
    """Task -> the roles they could fill in it."""


@dataclass
class _Row:
    task: str
    role: int
    people: int


def pricing(profits: list[float], sizes: list[int], capacity: int) -> tuple[float, list[int]]:
    """(best total profit, the items chosen): the 0/1 knapsack by dynamic programming over
    capacity (exact; items of no profit left out)."""
    keep = [i for i, p in enumerate(profits) if p > EPS and sizes[i] <= capacity]
    if not keep:
        return 0.0, []
    if sum(sizes[i] for i in keep) <= capacity:
        return sum(profits[i] for i in keep), keep
    best = np.zeros(capacity + 1)
    taken = np.zeros((len(keep), capacity + 1), dtype=bool)
    for k, i in enumerate(keep):
        s = sizes[i]
        with_it = best[:-s] + profits[i] if s else best + profits[i]
        better = with_it > best[s:] + 1e-12
        taken[k, s:] = better
        best[s:] = np.where(better, with_it, best[s:])
    chosen, c = [], capacity
    for k in range(len(keep) - 1, -1, -1):
        if taken[k, c]:
            chosen.append(keep[k])
            c -= sizes[keep[k]]
    return float(best[capacity]), chosen[::-1]


def block_minutes(
    scenario: Scenario, analyses: Mapping[str, TaskAnalysis], vid: str, tasks: Iterable[str]
) -> int:
    """The minutes of a volunteer's blocks (their union, should two overlap) in which one of
    `tasks` can start for them (`TaskAnalysis.free`). Every visit of theirs lies in one such
    block (it starts there, and is done by the block's end, rule 4) and no two of their
    visits overlap, so their visits' minutes are at most this: on a week of one day it is
    that day's blocks, where weekly hours allow several days'."""
    ranges = [span for t in tasks for span in analyses[t].free.get(vid, ())]
    used = sorted(
        (bs, be)
        for bs, be in scenario.volunteers[vid].blocks
        if any(lo <= be and bs <= hi for lo, hi in ranges)
    )
    total, end = 0, None
    for bs, be in used:
        if end is None or bs > end:
            total, end = total + be - bs, be
        elif be > end:
            total, end = total + be - end, be
    return total


class ColumnBound:
    """The relaxation of one part (its tasks `tids`), priority after priority."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel | None = None,
    ) -> None:
        self.scenario, self.analyses, self.travel = scenario, analyses, travel
        self._timetables: dict[str, Timetable] = {}
        self.tids = sorted(t for t in tids if analyses[t].reason is None)
        durations = [scenario.tasks[t].duration_minutes for t in self.tids]
        self.unit = math.gcd(*durations) if durations else 1
        vols: dict[str, _Volunteer] = {}
        self.rows: list[_Row] = []
        for t in self.tids:
            clock.check()  # a district's part has thousands of rows: building stops in time
            task = scenario.tasks[t]
            for r, (need, pools) in enumerate(zip(task.needs, analyses[t].pools, strict=True)):
                self.rows.append(_Row(t, r, need.min_people))
                for vid in sorted({v for pool in pools for v in pool.members}):
                    if vid not in vols:
                        minutes = scenario.volunteers[vid].max_service_minutes
                        vols[vid] = _Volunteer(vid, minutes // self.unit, minutes)
                    vols[vid].roles.setdefault(t, []).append(r)
        for v in vols.values() if BLOCKS else ():  # rule 4: visits lie in blocks, one at a time
            v.minutes = min(v.minutes, block_minutes(scenario, analyses, v.id, v.roles))
            v.capacity = v.minutes // self.unit
        self.volunteers = [vols[v] for v in sorted(vols)]
        self.work = 0
        """Knapsack cells and LP nonzeros so far (`WORK_PER_SECOND`)."""
        self.pool: list[tuple[str, list[tuple[str, int]]]] = []
        """Every column priced so far: a pattern of the relaxation, so a later priority's
        master starts with them too (those of its tasks)."""

    def seconds(self, deterministic: bool, wall: float) -> float:
        """What the work so far counts as: `wall` seconds, or the work in `WORK_PER_SECOND`
        when `deterministic`."""
        return self.work / WORK_PER_SECOND if deterministic else wall

    def timetable(self, v: _Volunteer) -> Timetable:
        if v.id not in self._timetables:
            assert self.travel is not None
            tt = Timetable(self.scenario, self.analyses, v.id, sorted(v.roles), self.travel)
            self._timetables[v.id] = tt
        return self._timetables[v.id]

    def bounds(
        self,
        plan: Solution,
        *,
        budget: float,
        deterministic: bool = False,
        deadline: float | None = None,
    ) -> dict[str, int]:
        """For each priority p, a bound on the part's tasks of p served by any plan that
        serves at least `plan`'s count at every priority above p; each open priority gets an
        equal share of what is left of `budget` (seconds, or `WORK_PER_SECOND` work when
        `deterministic`), never past the wall-clock `deadline`. A priority the plan serves
        whole: its count."""
        mine = set(self.tids)
        served = count_by_priority(self.scenario, (t for t in plan.crews if t in mine))
        totals = count_by_priority(self.scenario, self.tids)
        out = dict(totals)
        started, work0 = time.monotonic(), self.work
        open_ = [p for p in PRIORITIES if served[p] < totals[p]]
        for k, p in enumerate(open_):
            used = (
                (self.work - work0) / WORK_PER_SECOND
                if deterministic
                else (time.monotonic() - started)
            )
            share = (budget - used) / (len(open_) - k)
            if k == 0 and len(open_) > 1 and FIRST_SHARE is not None:
                share = max(share, (budget - used) * FIRST_SHARE)
            if deadline is not None:
                share = min(share, deadline - time.time())
            if share <= 0.001:
                break
            level = PRIORITIES.index(p)
            above = {q: served[q] for q in PRIORITIES[:level]}
            got = self.bound(p, above, plan, share, deterministic=deterministic)
            out[p] = max(served[p], min(totals[p], got))
        return out

    def bound(
        self,
        priority: str,
        above: dict[str, int],
        plan: Solution,
        seconds: float,
        *,
        deterministic: bool = False,
    ) -> int:
        """A bound on the tasks of `priority` served by any plan serving at least `above[q]`
        tasks of each priority q above it; `plan` (which does) gives the first columns."""
        level = PRIORITIES.index(priority)
        tasks = [t for t in self.tids if PRIORITIES.index(self.scenario.tasks[t].priority) <= level]
        if not tasks:
            return 0
        lp = _Master(self, tasks, priority, above)
        mine = set(tasks)
        for vid, pattern in [*_patterns(plan, mine).items(), *self.pool]:
            if vid in lp.vol_index:
                lp.add_column(vid, [(t, r) for t, r in pattern if t in mine])
        started, work0 = time.monotonic(), self.work
        best = math.inf
        reached = sum(
            1 for t in plan.crews if t in mine and self.scenario.tasks[t].priority == priority
        )

        def over(pricing: int) -> bool:
            """Whether the time is up, with `pricing` work of the round not yet counted."""
            if deterministic:
                return (self.work + pricing - work0) / WORK_PER_SECOND >= seconds
            return time.monotonic() - started >= seconds

        def left() -> float | None:
            """Wall-clock seconds the master LP may take (None: unbounded, deterministic)."""
            if deterministic or not LP_TIME_LIMIT:
                return None
            return seconds - (time.monotonic() - started)

        while not over(0) and lp.solve(left()):
            bound, columns = lp.price(over)
            best = min(best, bound)  # (inf when the time ran out before every volunteer)
            self.work += lp.work
            if over(0):
                break
            whole = math.isfinite(best)
            if not columns or (whole and math.floor(best + 1e-6) <= math.floor(lp.value + 1e-6)):
                if (
                    lp.timed
                    or self.travel is None
                    or (whole and math.floor(best + 1e-6) <= reached)
                ):
                    break
                lp.time_patterns()  # the knapsack's LP is reached: on with times
                continue
            for vid, pattern in columns:
                lp.add_column(vid, pattern)
            self.pool += columns
        total = sum(1 for t in tasks if self.scenario.tasks[t].priority == priority)
        return total if not math.isfinite(best) else min(total, math.floor(best + 1e-6))


class _Master:
    """The restricted master LP of one priority, its columns added as pricing finds them."""

    def __init__(
        self, cb: ColumnBound, tasks: list[str], priority: str, above: dict[str, int]
    ) -> None:
        self.cb, self.priority, self.above = cb, priority, above
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        s = self.solver
        mine = set(tasks)
        self.tasks = tasks
        self.y = {t: s.NumVar(0.0, 1.0, f"y[{t}]") for t in tasks}
        self.rows = [row for row in cb.rows if row.task in mine]
        self.role_row = {}
        for row in self.rows:
            clock.check()
            c = s.Constraint(-s.infinity(), 0.0, f"role[{row.task},{row.role}]")
            c.SetCoefficient(self.y[row.task], float(row.people))
            self.role_row[(row.task, row.role)] = c
        self.levels = {}
        for q, n in above.items():
            c = s.Constraint(float(n), s.infinity(), f"served[{q}]")
            for t in tasks:
                if cb.scenario.tasks[t].priority == q:
                    c.SetCoefficient(self.y[t], 1.0)
            self.levels[q] = c
        self.vols = [v for v in cb.volunteers if any(t in mine for t in v.roles)]
        self.vol_index = {v.id: v for v in self.vols}
        self.convex = {v.id: s.Constraint(-s.infinity(), 1.0, f"one[{v.id}]") for v in self.vols}
        objective = s.Objective()
        for t in tasks:
            if cb.scenario.tasks[t].priority == priority:
                objective.SetCoefficient(self.y[t], 1.0)
        objective.SetMaximization()
        self.columns = 0
        self.value = 0.0
        self.work = 0
        self.seen: set[tuple[str, tuple[tuple[str, int], ...]]] = set()
        self.timed = False
        """Whether columns and pricing keep each volunteer's times (`solver.colgen_times`)."""
        self.lambdas: list[tuple[str, list[str], pywraplp.Variable]] = []

    def add_column(self, vid: str, pattern: list[tuple[str, int]]) -> None:
        key = (vid, tuple(sorted(pattern)))
        if key in self.seen or not pattern:
            return
        self.seen.add(key)
        tasks = [t for t, _ in pattern]
        if self.timed and not self.cb.timetable(self.vol_index[vid]).routable(tasks):
            return
        lam = self.solver.NumVar(0.0, 1.0, f"l{self.columns}")
        self.lambdas.append((vid, tasks, lam))
        self.columns += 1
        self.convex[vid].SetCoefficient(lam, 1.0)
        for t, r in pattern:
            self.role_row[(t, r)].SetCoefficient(lam, -1.0)

    def time_patterns(self) -> None:
        """From now on, only routable patterns: the columns that are not are dropped."""
        self.timed = True
        for vid, tasks, lam in self.lambdas:
            if not self.cb.timetable(self.vol_index[vid]).routable(tasks):
                lam.SetUb(0.0)

    def solve(self, seconds: float | None = None) -> bool:
        """Whether the master is solved to optimality, within `seconds` of wall clock when
        given: a district week's master LP (2,000 rows, 4-6k columns) takes 1-4 s to solve
        at load 8-10, from scratch each time, and ran over a priority's share by as much."""
        if seconds is not None:
            if seconds <= 0:
                return False
            self.solver.SetTimeLimit(max(1, int(seconds * 1000)))
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            return False
        self.value = self.solver.Objective().Value()
        return True

    def price(
        self, over: Callable[[int], bool]
    ) -> tuple[float, list[tuple[str, list[tuple[str, int]]]]]:
        """(the Lagrangian bound at the master's duals, the columns of positive reduced cost);
        once `over(work so far)` says the time is up, the columns found and no bound (inf)."""
        tasks = self.cb.scenario.tasks
        alpha = {k: max(0.0, c.dual_value()) for k, c in self.role_row.items()}
        beta = {q: max(0.0, -c.dual_value()) for q, c in self.levels.items()}
        bound = -sum(beta[q] * n for q, n in self.above.items())
        need: dict[str, float] = defaultdict(float)
        for row in self.rows:
            need[row.task] += row.people * alpha[(row.task, row.role)]
        for t in self.tasks:
            gain = float(tasks[t].priority == self.priority) + beta.get(tasks[t].priority, 0.0)
            bound += max(0.0, gain - need[t])
        columns: list[tuple[str, list[tuple[str, int]]]] = []
        unit = self.cb.unit
        self.work = self.solver.NumVariables() * 4
        for v in self.vols:
            if over(self.work) or clock.over():
                return math.inf, columns
            items = [(t, rs) for t, rs in v.roles.items() if t in self.y]
            profits, roles = [], []
            for t, rs in items:
                r = max(rs, key=lambda r: alpha[(t, r)])
                profits.append(alpha[(t, r)])
                roles.append(r)
            sizes = [tasks[t].duration_minutes // unit for t, _ in items]
            value, chosen = pricing(profits, sizes, v.capacity)
            self.work += len(items) * (v.capacity + 1)
            picked = [items[i][0] for i in chosen]
            if self.timed and not self.cb.timetable(v).routable(picked):
                tt = self.cb.timetable(v)
                by_task = {items[i][0]: profits[i] for i in range(len(items))}
                most, picked, exact = tt.best(by_task, v.minutes)
                self.work += len(items) * 50
                if exact:
                    value = most
                chosen = [i for i in range(len(items)) if items[i][0] in set(picked)]
            bound += value
            if value > self.convex[v.id].dual_value() + EPS and chosen:
                columns.append((v.id, [(items[i][0], roles[i]) for i in chosen]))
        return bound, columns


def tighter(a: dict[str, int] | None, b: dict[str, int] | None) -> dict[str, int] | None:
    """The least of two bounds per priority on the same quantity (either may be None)."""
    if a is None or b is None:
        return a if b is None else b
    return {p: min(a[p], b[p]) for p in a}


def _patterns(plan: Solution, tasks: set[str]) -> dict[str, list[tuple[str, int]]]:
    """Each volunteer's (task, role) in `plan`, of `tasks` only: a pattern of the relaxation
    (a subset of one is one), so the master starts feasible."""
    out: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for t, crew in plan.crews.items():
        if t in tasks:
            for a in crew:
                out[a.id].append((t, a.role))
    return out
