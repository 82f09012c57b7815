"""Coverage over route sets (issue 10, item 1): a relaxation of a part's coverage whose columns
are every set of visits one volunteer's block can hold, for a bound on coverage per priority
that the pairwise model's LP cannot give on one-day weeks (there each volunteer's few hours
hold fractions of many short visits; a set of visits that fits is a whole column here).

The model (CP-SAT), for the tasks of a part:

    x_vkS in {0, 1}  for each volunteer v, block k of v, set S of visits fitting in k
    sum over S of x_vkS <= 1                                  each (v, k)
    sum over k, S of minutes(S) * x_vkS <= v's minutes        each v (rule 5)
    go_vt = sum over k, S containing t of x_vkS <= 1          each (v, t)
    sum over v in role r's pools of go_vt >= N_r * served_t   each role r of t
    sum over v of go_vt >= (sum over r of N_r) * served_t     each t

A set S fits in block k when some order of its visits, each started within the volunteer's
own free starts (`TaskAnalysis.free`: from home and back inside the block, inside the task's
windows, rule 2's range and rule 1's qualifications in the candidates), leaves travel between
consecutive visits (rule 4). Every plan of the contract gives each volunteer's block one such
set, inside the weekly minutes, and each served task's crew fills every role with distinct
people (one role each: the per-role and total rows are two of Hall's conditions), so every
plan is a solution here: the model's optimum bounds the contract's, priority by priority.
What it drops: that a crew starts together (rule 3), a team role's one team and max_members,
pins (a plan with pins is one of the plans without). On a part whose tasks are all one
person's visits it drops nothing but pins: its solutions are the contract's plans.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.route_sets import legs_of, starts_of

SETS_PER_BLOCK = 500_000
"""Sets of visits listed per (volunteer, block) at most; past it the part gets no column model
(`ColumnModel.listed` False)."""


@dataclass(frozen=True)
class ColumnStep:
    """One priority's search on the column model: the most tasks found, CP-SAT's bound, and
    whether that bound is its value (proved)."""

    priority: str
    value: int
    bound: int
    optimal: bool
    seconds: float


def block_sets(
    scenario: Scenario, travel: TravelModel, vid: str, block: tuple[int, int],
    ranges: Mapping[str, list[tuple[int, int]]], cap: int = SETS_PER_BLOCK,
) -> list[frozenset[str]] | None:  # fmt: skip
    """Every nonempty set of these visits (each with its starts, `ranges`) the volunteer can
    make in one route of this block; None past `cap` labels. Labels (visits made, last visit)
    keep the earliest time ready, which dominates for feasibility: a route ready earlier can
    make every visit a later one can (starts only need to be >= the arrival)."""
    begin, end = block
    tasks = {t: scenario.tasks[t] for t in ranges}
    tids = sorted(ranges)
    leg = legs_of(scenario, travel, vid)

    found: set[frozenset[str]] = set()
    level: dict[tuple[frozenset[str], str], int] = {(frozenset(), ""): begin}
    listed = 0
    while level:
        following: dict[tuple[frozenset[str], str], int] = {}
        for (visited, last), ready in level.items():
            for t in tids:
                if t in visited:
                    continue
                arrive = ready + leg(last, t)
                start = next((max(arrive, lo) for lo, hi in ranges[t] if hi >= arrive), None)
                if start is None:
                    continue
                done = start + tasks[t].duration_minutes
                if done + leg(t, "") > end:
                    continue
                key = (visited | {t}, t)
                if key in following and following[key] <= done:
                    continue
                following[key] = done
                found.add(key[0])
                listed += 1
                if listed > cap:
                    return None
        level = following
    return sorted(found, key=sorted)


class ColumnModel:
    """The column relaxation of a part (the module's docstring); `listed` False when a block
    had too many sets, and then the model is not built."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: Mapping[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel,
        *,
        cap: int = SETS_PER_BLOCK,
        deadline: float | None = None,
    ) -> None:
        self.scenario = scenario
        self.m = m = cp_model.CpModel()
        self.listed = True
        self.n_columns = 0
        self.columns: list[tuple[str, int, frozenset[str]]] = []
        self.analyses = analyses
        open_ = [t for t in sorted(tids) if analyses[t].reason is None and analyses[t].pools]
        self.served = {t: m.new_bool_var(f"s_{t}") for t in open_}
        self.tids = sorted(tids)
        go: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        by_vol: dict[str, list[str]] = {}
        for t in open_:
            for v in sorted(analyses[t].candidates):
                by_vol.setdefault(v, []).append(t)
        for vid in sorted(by_vol):
            vol = scenario.volunteers[vid]
            minutes: list[cp_model.LinearExprT] = []
            for k, block in enumerate(vol.blocks):
                ranges = {t: r for t in by_vol[vid] if (r := starts_of(analyses[t], vid, block))}
                if not ranges:
                    continue
                if deadline is not None and time.time() > deadline:
                    self.listed = False
                    return
                sets = block_sets(scenario, travel, vid, block, ranges, cap)
                if sets is None:
                    self.listed = False
                    return
                self.columns += [(vid, k, s) for s in sets]
                xs = [m.new_bool_var(f"x_{vid}_{k}_{i}") for i in range(len(sets))]
                self.n_columns += len(xs)
                m.add_at_most_one(xs)
                for s, x in zip(sets, xs, strict=True):
                    minutes.append(sum(scenario.tasks[t].duration_minutes for t in s) * x)
                    for t in s:
                        go.setdefault((vid, t), []).append(x)
            if minutes:
                m.add(sum(minutes) <= vol.max_service_minutes)
        going: dict[str, dict[str, cp_model.LinearExprT]] = {t: {} for t in open_}
        for (vid, t), xs in go.items():
            m.add(sum(xs) <= 1)
            going[t][vid] = sum(xs)
        for t in open_:
            task, a = scenario.tasks[t], analyses[t]
            for need, role in zip(task.needs, a.pools, strict=True):
                members = {v for pool in role for v in pool.members} & set(going[t])
                m.add(sum(going[t][v] for v in sorted(members)) >= need.min_people * self.served[t])
            total = task.people
            m.add(sum(going[t].values()) >= total * self.served[t])

    def lexicographic(
        self, budget: float, *, workers: int, held: Mapping[str, int] | None = None
    ) -> list[ColumnStep]:
        """Each priority's most tasks in turn, urgent first, the count found held (exactly when
        proved, else at least) for the next; `held`: counts each priority must at least reach
        (the plan's), searched only below them. Budget in seconds, passed on."""
        out: list[ColumnStep] = []
        spent = 0.0
        for p in PRIORITIES:
            lits = [s for t, s in self.served.items() if self.scenario.tasks[t].priority == p]
            if not lits:
                continue
            expr = sum(lits)
            if held is not None and p in held:
                self.m.add(expr >= held[p])
            self.m.maximize(expr)
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = workers
            solver.parameters.max_time_in_seconds = max(0.05, budget - spent)
            t0 = time.monotonic()
            status = solver.solve(self.m)
            spent += time.monotonic() - t0
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                out.append(ColumnStep(p, -1, len(lits), False, time.monotonic() - t0))
                break
            value = round(solver.objective_value)
            optimal = status == cp_model.OPTIMAL
            bound = value if optimal else int(solver.best_objective_bound + 1e-6)
            out.append(ColumnStep(p, value, bound, optimal, time.monotonic() - t0))
            self.m.add(expr == value) if optimal else self.m.add(expr >= value)
        return out

    def linear(
        self, priority: str, held: Mapping[str, int], *, integer: bool = False,
        limit: float = 60.0, fix: tuple[str, int] | None = None,
    ) -> tuple[int, float, float]:  # fmt: skip
        """The same model as a linear program (GLOP) or, with `integer`, a MIP (SCIP, `limit`
        seconds): the most tasks of `priority`, each priority in `held` at least its count.
        `fix` = (q, n): first reduced-cost fixing from q's LP, for plans serving at least n of
        q (a variable whose reduced cost says that forcing it off its bound takes q's LP
        below n keeps its bound). Returns (status, value, bound); the LP's value is its bound,
        the Dantzig-Wolfe bound of the pairwise model."""
        lp = pywraplp.Solver.CreateSolver("SCIP" if integer else "GLOP")

        def var() -> Any:
            return lp.BoolVar("") if integer else lp.NumVar(0, 1, "")

        y = {t: var() for t in self.served}
        x = [var() for _ in self.columns]
        per_block: dict[tuple[str, int], list[Any]] = defaultdict(list)
        per_vol: dict[str, list[Any]] = defaultdict(list)
        go: dict[tuple[str, str], list[Any]] = defaultdict(list)
        tasks = self.scenario.tasks
        for xi, (vid, k, s) in zip(x, self.columns, strict=True):
            per_block[(vid, k)].append(xi)
            per_vol[vid].append(sum(tasks[t].duration_minutes for t in s) * xi)
            for t in s:
                go[(vid, t)].append(xi)
        for xs in per_block.values():
            lp.Add(lp.Sum(xs) <= 1)
        for vid, terms in per_vol.items():
            lp.Add(lp.Sum(terms) <= self.scenario.volunteers[vid].max_service_minutes)
        going: dict[str, dict[str, Any]] = {t: {} for t in self.served}
        for (vid, t), xs in go.items():
            going[t][vid] = lp.Sum(xs)
            lp.Add(going[t][vid] <= 1)
        for t in self.served:
            task, a = tasks[t], self.analyses[t]
            for need, role in zip(task.needs, a.pools, strict=True):
                members = {v for pool in role for v in pool.members} & set(going[t])
                lp.Add(lp.Sum([going[t][v] for v in sorted(members)]) >= need.min_people * y[t])
            lp.Add(lp.Sum(list(going[t].values())) >= task.people * y[t])

        def count(p: str) -> Any:
            return lp.Sum([y[t] for t in y if tasks[t].priority == p])

        for p, n in held.items():
            lp.Add(count(p) >= n)
        if fix is not None and not integer:
            lp.Maximize(count(fix[0]))
            if lp.Solve() == pywraplp.Solver.OPTIMAL:
                slack = lp.Objective().Value() - fix[1]
                read = [(v, v.reduced_cost(), v.solution_value()) for v in [*y.values(), *x]]
                for v, rc, val in read:
                    if val < 1e-6 and rc < -slack - 1e-6:
                        v.SetUb(0)
                    elif val > 1 - 1e-6 and rc > slack + 1e-6:
                        v.SetLb(1)
        if integer:
            lp.SetTimeLimit(int(limit * 1000))
        lp.Maximize(count(priority))
        status = lp.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            return status, math.nan, math.nan
        objective = lp.Objective()
        bound = objective.BestBound() if integer else objective.Value()
        return status, objective.Value(), bound
