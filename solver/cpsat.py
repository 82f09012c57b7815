"""The CP-SAT model of one independent part of a week, and its lexicographic staged solve.

Variables (named so a model can be read): served[t], start[t], assign[v,t,r,team] (v fills role r
of t for team), works[v,t], in_block[v,t,b], arc[v,b,i->j] (v goes from task i to task j in
availability block b; the depot is home), team[t,r,team]. Routes are one AddCircuit per
(volunteer, block) over the tasks that could fall in it; a task left out takes its self-loop.

Stages, each keeping the optimum (or the best found) of the one before:
coverage (priorities weighted so one urgent outweighs every high, and so on), continuity,
travel, fairness.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from mutualaid.domain.model import PRIORITIES, Scenario, Span
from mutualaid.domain.plan import AssignedVolunteer
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis
from solver.solution import Solution, figures, routes

LOAD_SCALE = 10_000
"""Fairness is minimised as ceil(load * LOAD_SCALE): a load to 1/10,000."""

ProgressFn = Callable[[dict[str, int], float], None]


@dataclass
class StageResult:
    name: str
    value: int
    bound: float
    optimal: bool
    seconds: float


def coverage_weights(counts: dict[str, int]) -> dict[str, int]:
    """Weights that make weighted coverage lexicographic: one task of a priority outweighs
    all tasks of every lower priority together (w[p] > sum over lower q of n[q] * w[q])."""
    weights: dict[str, int] = {}
    w = 1
    for p in reversed(PRIORITIES):
        weights[p] = w
        w *= counts.get(p, 0) + 1
    return weights


def split_bound(
    weighted_bound: int, served: dict[str, int], weights: dict[str, int], totals: dict[str, int]
) -> dict[str, int]:
    """Per-priority bounds from a bound on weighted coverage: among plans serving `served` at
    every higher priority, priority p can serve at most (B - higher's weight) // w[p]."""
    out: dict[str, int] = {}
    used = 0
    for p in PRIORITIES:
        b = (weighted_bound - used) // weights[p]
        out[p] = max(served[p], min(totals[p], b))
        used += served[p] * weights[p]
    return out


class PlanModel:
    """One component's variables and constraints, and how to read a Solution back."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: dict[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel,
        weights: dict[str, int],
        *,
        pin_assumptions: bool = False,
    ) -> None:
        self.scenario = scenario
        self.analyses = analyses
        self.tids = tids
        self.travel = travel
        m = self.m = cp_model.CpModel()
        self.served: dict[str, cp_model.IntVar] = {}
        self.start: dict[str, cp_model.IntVar] = {}
        self.assign: dict[tuple[str, str, int, str | None], cp_model.IntVar] = {}
        self.works: dict[tuple[str, str], cp_model.IntVar] = {}
        self.in_block: dict[tuple[str, str, int], cp_model.IntVar] = {}
        self.team: dict[tuple[str, int, str], cp_model.IntVar] = {}
        self.arcs: dict[tuple[str, int, str, str], tuple[cp_model.IntVar, int]] = {}
        """(v, block, from, to) with '' for home -> (literal, travel minutes)."""
        self.single: dict[tuple[str, str, int], int] = {}
        """in_block literals alone in their block: cost of the round trip."""
        self.block_tasks: dict[tuple[str, int], list[str]] = {}
        self._windows: dict[tuple[str, str, int], list[Span]] = {}
        self.idle: dict[tuple[str, int], cp_model.IntVar] = {}
        self.weights = weights

        for tid in tids:
            a = analyses[tid]
            self.served[tid] = m.new_bool_var(f"served[{tid}]")
            self.start[tid] = m.new_int_var_from_domain(
                cp_model.Domain.from_intervals([list(s) for s in a.start_domain]), f"start[{tid}]"
            )
        for tid in tids:
            self._roles(tid)
        volunteers = sorted({v for (v, _) in self.works})
        for vid in volunteers:
            self._blocks(vid)
        for key, tasks in self.block_tasks.items():
            self._route(key, tasks)
        for vid in volunteers:
            cap = scenario.volunteers[vid].max_service_minutes
            mine = [(t, w) for (v, t), w in self.works.items() if v == vid]
            total = sum(scenario.tasks[t].duration_minutes for t, _ in mine)
            if total > cap:
                m.add(sum(scenario.tasks[t].duration_minutes * w for t, w in mine) <= cap)
        self.pin_lits: dict[str, cp_model.IntVar] = {}
        for pin in scenario.pinned:
            if pin.task in self.served:
                # a literal per pin, so that conflicting pins can be named by assumptions
                lit = self.pin_lits[pin.task] = m.new_bool_var(f"pin[{pin.task}]")
                m.add(self.served[pin.task] == 1).only_enforce_if(lit)
                for vid in pin.volunteers:
                    m.add(self.works[(vid, pin.task)] == 1).only_enforce_if(lit)
                if not pin_assumptions:
                    m.add(lit == 1)
                else:
                    m.add_assumption(lit)

        self.coverage = sum(weights[scenario.tasks[t].priority] * self.served[t] for t in tids)
        pairs = scenario.continuity_pairs()
        self.continuity = sum(w for (v, t), w in self.works.items() if (t, v) in pairs)
        self.travel_minutes = sum(lit * cost for lit, cost in self.arcs.values()) + sum(
            cost * self.in_block[key] for key, cost in self.single.items()
        )
        self.load = m.new_int_var(0, LOAD_SCALE, "max_load")
        for vid in volunteers:
            cap = scenario.volunteers[vid].max_service_minutes
            mine = [(t, w) for (v, t), w in self.works.items() if v == vid]
            minutes = sum(scenario.tasks[t].duration_minutes * w for t, w in mine)
            m.add(minutes * LOAD_SCALE <= self.load * max(cap, 1))

    # --- building ----------------------------------------------------------------------------

    def _roles(self, tid: str) -> None:
        m, a = self.m, self.analyses[tid]
        people: dict[str, list[cp_model.IntVar]] = {}
        for r, (need, pools) in enumerate(zip(a.task.needs, a.pools, strict=True)):
            if len(pools) == 1 and pools[0].team is None:
                lits = [self._assign(v, tid, r, None, people) for v in sorted(pools[0].members)]
                m.add(sum(lits) == need.min_people * self.served[tid])
                continue
            choices = []
            for pool in pools:
                if len(pool.members) < need.min_people:
                    continue
                pick = m.new_bool_var(f"team[{tid},{r},{pool.team}]")
                assert pool.team is not None
                self.team[(tid, r, pool.team)] = pick
                choices.append(pick)
                lits = [self._assign(v, tid, r, pool.team, people) for v in sorted(pool.members)]
                m.add(sum(lits) >= need.min_people * pick)
                m.add(sum(lits) <= need.max_people * pick)
            m.add(sum(choices) == self.served[tid])
        for vid, lits in people.items():
            works = m.new_bool_var(f"works[{vid},{tid}]")
            m.add(sum(lits) == works)
            self.works[(vid, tid)] = works

    def _assign(
        self, vid: str, tid: str, r: int, team: str | None, people: dict[str, list[cp_model.IntVar]]
    ) -> cp_model.IntVar:
        lit = self.m.new_bool_var(f"assign[{vid},{tid},{r},{team}]")
        self.assign[(vid, tid, r, team)] = lit
        people.setdefault(vid, []).append(lit)
        return lit

    def _blocks(self, vid: str) -> None:
        """Which availability block each of v's tasks would fall in, and the starts it allows."""
        m, vol = self.m, self.scenario.volunteers[vid]
        for (v, tid), works in list(self.works.items()):
            if v != vid:
                continue
            a = self.analyses[tid]
            dur, tr = a.task.duration_minutes, a.travel_home[vid]
            options = []
            for b, (bs, be) in enumerate(vol.blocks):
                lo, hi = bs + tr, be - tr - dur
                allowed = [
                    (max(lo, x), min(hi, y)) for x, y in a.start_domain if max(lo, x) <= min(hi, y)
                ]
                if not allowed:
                    continue
                lit = m.new_bool_var(f"in_block[{vid},{tid},{b}]")
                m.add_linear_expression_in_domain(
                    self.start[tid], cp_model.Domain.from_intervals([list(s) for s in allowed])
                ).only_enforce_if(lit)
                self.in_block[(vid, tid, b)] = lit
                self._windows[(vid, tid, b)] = allowed
                self.block_tasks.setdefault((vid, b), []).append(tid)
                options.append(lit)
            m.add(sum(options) == works)

    def _route(self, key: tuple[str, int], tasks: list[str]) -> None:
        vid, b = key
        vol = self.scenario.volunteers[vid]
        if len(tasks) == 1:
            tid = tasks[0]
            self.single[(vid, tid, b)] = 2 * self.analyses[tid].travel_home[vid]
            return
        m = self.m
        node = {t: i + 1 for i, t in enumerate(tasks)}
        arcs: list[tuple[int, int, Any]] = []
        empty = self.idle[key] = m.new_bool_var(f"idle[{vid},{b}]")
        arcs.append((0, 0, empty))
        for t in tasks:
            lit = self.in_block[(vid, t, b)]
            m.add_implication(empty, lit.Not())
            arcs.append((node[t], node[t], lit.Not()))
            tr = self.analyses[t].travel_home[vid]
            for src, dst in ((0, node[t]), (node[t], 0)):
                name = "home" if src == 0 else t
                arc = m.new_bool_var(f"arc[{vid},{b},{name}->{'home' if dst == 0 else t}]")
                arcs.append((src, dst, arc))
                self.arcs[(vid, b, t if src else "", t if dst else "")] = (arc, tr)
        m.add_bool_or([empty, *(self.in_block[(vid, t, b)] for t in tasks)])
        for i, j in itertools.permutations(tasks, 2):
            ti, tj = self.scenario.tasks[i], self.scenario.tasks[j]
            cost = self.travel.minutes(vol.mode, ti.location, tj.location)
            earliest_i = self._windows[(vid, i, b)][0][0]
            latest_j = self._windows[(vid, j, b)][-1][1]
            if earliest_i + ti.duration_minutes + cost > latest_j:
                continue  # j can never follow i in this block
            arc = m.new_bool_var(f"arc[{vid},{b},{i}->{j}]")
            arcs.append((node[i], node[j], arc))
            self.arcs[(vid, b, i, j)] = (arc, cost)
            m.add(self.start[j] >= self.start[i] + ti.duration_minutes + cost).only_enforce_if(arc)
        for i, j in itertools.combinations(tasks, 2):
            if (vid, b, i, j) not in self.arcs and (vid, b, j, i) not in self.arcs:
                m.add_bool_or([self.in_block[(vid, i, b)].Not(), self.in_block[(vid, j, b)].Not()])
        m.add_circuit(arcs)

    # --- hints and reading back ------------------------------------------------------------

    def restrict(self, sol: Solution) -> Solution:
        """The part of a solution that lies in this model's tasks."""
        return Solution(
            {t: s for t, s in sol.starts.items() if t in self.served},
            {t: c for t, c in sol.crews.items() if t in self.served},
        )

    def hint(self, whole: Solution) -> None:
        """A complete hint: every variable gets the value the solution implies."""
        m = self.m
        m.clear_hints()  # type: ignore[no-untyped-call]
        sol = self.restrict(whole)
        chosen = {(av.id, tid, av.role, av.team) for tid, crew in sol.crews.items() for av in crew}
        for tid in self.tids:
            m.add_hint(self.served[tid], tid in sol.crews)
            m.add_hint(self.start[tid], sol.starts.get(tid, self.analyses[tid].start_domain[0][0]))
        for key, lit in self.assign.items():
            m.add_hint(lit, key in chosen)
        teams = {(tid, r, team) for (_, tid, r, team) in chosen if team is not None}
        for team_key, lit in self.team.items():
            m.add_hint(lit, team_key in teams)
        works = {(v, t) for (v, t, _, _) in chosen}
        for pair, lit in self.works.items():
            m.add_hint(lit, pair in works)
        on_route: set[tuple[str, int, str, str]] = set()
        placed: set[tuple[str, str, int]] = set()
        for vid, legs in routes(self.scenario, sol, self.travel).items():
            for b, stops, _ in legs:
                names = ["", *(stop.task for stop in stops), ""]
                placed.update((vid, stop.task, b) for stop in stops)
                on_route.update((vid, b, x, y) for x, y in itertools.pairwise(names))
        for block_key, lit in self.in_block.items():
            m.add_hint(lit, block_key in placed)
        for arc_key, (lit, _) in self.arcs.items():
            m.add_hint(lit, arc_key in on_route)
        for (vid, b), tasks in self.block_tasks.items():
            if len(tasks) > 1:
                idle = not any((vid, t, b) in placed for t in tasks)
                m.add_hint(self.idle[(vid, b)], idle)
        m.add_hint(self.load, _scaled_load(self.scenario, sol))

    def stage_value(self, stage: str, sol: Solution) -> int:
        """The value a stage's objective takes at a solution of this part."""
        mine = self.restrict(sol)
        if stage == "coverage":
            return sum(self.weights[self.scenario.tasks[t].priority] for t in mine.crews)
        fig = figures(self.scenario, mine, self.travel)
        if stage == "continuity":
            return fig.continuity
        if stage == "travel":
            return fig.travel_minutes
        return _scaled_load(self.scenario, mine)

    def extract(self, solver: cp_model.CpSolver) -> Solution:
        sol = Solution()
        for tid in self.tids:
            if solver.boolean_value(self.served[tid]):
                sol.starts[tid] = solver.value(self.start[tid])
                sol.crews[tid] = tuple(
                    AssignedVolunteer(v, r, team)
                    for (v, t, r, team), lit in self.assign.items()
                    if t == tid and solver.boolean_value(lit)
                )
        return sol


def _scaled_load(scenario: Scenario, sol: Solution) -> int:
    """ceil(max load * LOAD_SCALE) over the volunteers of a solution."""
    minutes: dict[str, int] = {}
    for tid, crew in sol.crews.items():
        for av in crew:
            minutes[av.id] = minutes.get(av.id, 0) + scenario.tasks[tid].duration_minutes
    worst = 0
    for vid, mins in minutes.items():
        cap = max(1, scenario.volunteers[vid].max_service_minutes)
        worst = max(worst, -(-mins * LOAD_SCALE // cap))
    return min(worst, LOAD_SCALE)


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, model: PlanModel, report: ProgressFn, started: float) -> None:
        super().__init__()
        self.model, self.report, self.started = model, report, started

    def on_solution_callback(self) -> None:
        served = dict.fromkeys(PRIORITIES, 0)
        for tid, lit in self.model.served.items():
            if self.boolean_value(lit):
                served[self.model.scenario.tasks[tid].priority] += 1
        self.report(served, time.monotonic() - self.started)


def staged_solve(
    model: PlanModel,
    floor: Solution | None,
    *,
    budget: float,
    workers: int,
    seed: int,
    report: ProgressFn | None = None,
) -> tuple[Solution | None, list[StageResult], str | None]:
    """Solve coverage, continuity, travel, fairness in turn. Returns the solution (None when
    the model is infeasible, which only conflicting pins can cause), the stages, and the
    status name of a failed stage."""
    m = model.m
    if floor is not None:
        m.add(model.coverage >= model.stage_value("coverage", floor))
        model.hint(floor)
    stages: list[StageResult] = []
    plan: list[tuple[str, Any, bool, float]] = [
        ("coverage", model.coverage, True, 0.55),
        ("continuity", model.continuity, True, 0.15),
        ("travel", model.travel_minutes, False, 0.2),
        ("fairness", model.load, False, 0.1),
    ]
    best: Solution | None = floor
    started = time.monotonic()
    spent = 0.0
    share_left = 1.0
    for name, expr, maximize, share in plan:
        if isinstance(expr, int):  # nothing to optimise in this part
            stages.append(StageResult(name, expr, expr, True, 0.0))
            share_left -= share
            continue
        limit = max(0.05, (budget - spent) * share / share_left)
        share_left -= share
        if maximize:
            m.maximize(expr)
        else:
            m.minimize(expr)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = workers
        params.random_seed = seed
        if workers == 1:
            # reproducible: the budget is CP-SAT's deterministic time, so the same seed gives
            # the same plan whatever else the machine is doing
            params.max_deterministic_time = limit
            params.max_time_in_seconds = 10 * limit + 5
        else:
            params.max_time_in_seconds = limit
        callback = _Progress(model, report, started) if (report and name == "coverage") else None
        t0 = time.monotonic()
        status = solver.solve(m, callback)
        seconds = time.monotonic() - t0
        spent += seconds
        if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            return None, stages, solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # no solution in time: keep what we had (the floor at worst) and its value
            if best is None:
                return None, stages, solver.status_name(status)
            value = model.stage_value(name, best)
            stages.append(StageResult(name, value, solver.best_objective_bound, False, seconds))
            _fix(m, expr, value, maximize, exact=False)
            continue
        value = round(solver.objective_value)
        optimal = status == cp_model.OPTIMAL
        stages.append(StageResult(name, value, solver.best_objective_bound, optimal, seconds))
        best = model.extract(solver)
        _fix(m, expr, value, maximize, exact=optimal)
        model.hint(best)
    return best, stages, None


def _fix(m: cp_model.CpModel, expr: Any, value: int, maximize: bool, *, exact: bool) -> None:
    if exact:
        m.add(expr == value)
    elif maximize:
        m.add(expr >= value)
    else:
        m.add(expr <= value)


def conflicting_pins(model: PlanModel, workers: int) -> list[str]:
    """Tasks whose pins cannot all hold together (a small sufficient set, from assumptions)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = 30
    status = solver.solve(model.m)
    if status != cp_model.INFEASIBLE:
        return []
    by_index = {lit.index: tid for tid, lit in model.pin_lits.items()}
    return sorted(
        by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index
    )
