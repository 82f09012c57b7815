"""The lexicographic staged solve of a model (`PlanModel` or one like it): each goal of the
objective in turn, each keeping the optimum (or the best found) of the one before, within a
budget of CP-SAT's deterministic time (reproducible) or of wall-clock time; and naming the pins
that clash when a model is infeasible.

Stages: coverage (priorities weighted so one urgent outweighs every high, and so on), waiting
(the sum of `waited` served; only when some task waited), then continuity, travel and fairness
in the order of `settings.objective_order`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from ortools.sat.python import cp_model

from mutualaid.domain.model import PRIORITIES
from solver import clock, column_step, settle
from solver.cpsat import PlanModel
from solver.greedy import greedy_plan
from solver.solution import Solution, count_by_priority

LARGE_MODEL = 10_000
"""Variables above which presolve skips probing. Measured: on a 200-task subdistrict probing
took 4.2 of 5.2 s of presolve and coverage was proved at 7.8 s; without it presolve took
0.65 s and the proof 6.8 s. On a district probing took 26 of 28 s and found almost nothing."""

ProgressFn = Callable[[dict[str, int], float], None]
StopFn = Callable[[], bool]
"""stop() is True once the solve should end at once (the plan was cancelled): polled by a
watcher thread while CP-SAT searches, and between stages."""

STAGE_SHARES = {"coverage": 0.55, "waited": 0.1, "continuity": 0.15, "travel": 0.2, "fairness": 0.1}
"""Each stage's part of `staged_solve`'s budget (of the parts of the stages asked for)."""

STEP_SHARE = 0.75
"""With coverage one priority at a time, the part of the budget left that each priority but
the last may take (what it does not use passes on): most of it to the first priority that does
not prove at once (urgent and high prove in under a second on the one-day weeks, normal not in
30 s). A choice, not measured apart from the machine's noise
(docs/engine-on-unseen-weeks.md, "Coverage one priority at a time")."""

STOP_POLL_SECONDS = 0.1
"""How often a running search asks whether it should stop."""


class Stopped(Exception):
    """The solve was told to stop (see StopFn): there is no plan to give."""


Built = TypeVar("Built")


def built_in_time(
    build: Callable[[], Built], deadline: float | None, stop: StopFn | None
) -> Built | None:
    """`build()` (a model's constructor), or None when its building ran past the wall-clock
    `deadline` (a `time.time()`: this build's own, e.g. a share of the part's time) or the
    solve's: the loops that build models check both through `solver.clock` (`clock.until`).
    The caller then takes the path it would take without that model. Raises Stopped once
    `stop()` is true, while building too."""
    try:
        with clock.until(deadline, stop):
            return build()
    except clock.OutOfTime:
        if stop is not None and stop():
            raise Stopped from None
        return None


@dataclass
class StageResult:
    name: str
    value: int
    bound: float
    optimal: bool
    seconds: float
    work: float = 0.0
    """CP-SAT's deterministic time: the same on every machine, so budgets counted in it keep
    a one-worker solve reproducible."""
    priorities: tuple[PriorityResult, ...] = ()
    """A coverage stage solved one priority at a time (`by_priority`): each priority's own."""


@dataclass(frozen=True)
class PriorityResult:
    """One priority of a coverage stage solved one priority at a time: the most tasks of this
    priority served with every priority above held at what its own step found (exactly when
    proved, else at least), and a true upper bound under that condition."""

    priority: str
    value: int
    bound: int
    optimal: bool


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


class _Progress(cp_model.CpSolverSolutionCallback):
    """Each incumbent of a coverage search: reported (`report`), and, when the model is a
    whole part's (`whole`) and a check watches (`solver.settle`), offered as a lower bound of
    the part's counts: the search stops once that settles the check (then `Settled` is raised
    after it). `held`, while one priority at a time searches `at`: the values held above."""

    def __init__(
        self, model: PlanModel, report: ProgressFn | None, started: float, whole: bool = False
    ) -> None:
        super().__init__()
        self.model, self.report, self.started = model, report, started
        self.watch = settle.current() if whole else None
        self.at: str | None = None
        self.held: dict[str, int] = {}

    def on_solution_callback(self) -> None:
        chosen = (tid for tid, lit in self.model.served.items() if self.boolean_value(lit))
        served = count_by_priority(self.model.scenario, chosen)
        if self.report is not None:
            self.report(served, time.monotonic() - self.started)
        if self.watch is None:
            return
        lower = settle.counts(served)
        if self.at is not None:
            lower = settle.held(self.held, self.at, served[self.at])
        if self.watch.offer(lower):
            self.stop_search()


def _callback(
    model: PlanModel, report: ProgressFn | None, started: float, whole: bool
) -> _Progress | None:
    """The coverage search's callback, when anything listens."""
    if report is None and not (whole and settle.current() is not None):
        return None
    return _Progress(model, report, started, whole)


def _settled(callback: cp_model.CpSolverSolutionCallback | None) -> None:
    """Raises `settle.Settled` when `callback`'s watch settled its check."""
    if isinstance(callback, _Progress) and callback.watch is not None and callback.watch.settled:
        raise settle.Settled


def staged_solve(
    model: PlanModel,
    floor: Solution | None,
    *,
    budget: float,
    workers: int,
    seed: int,
    report: ProgressFn | None = None,
    stages_wanted: tuple[str, ...] | None = None,
    deterministic: bool | None = None,
    deadline: float | None = None,
    stop: StopFn | None = None,
    by_priority: bool = False,
    whole: bool = False,
    upto: str | None = None,
) -> tuple[Solution | None, list[StageResult], str | None]:
    """Solve the objective's goals in turn (`model.stages()` unless `stages_wanted`): coverage,
    waiting, then continuity, travel and fairness in the scenario's order. Returns the
    solution (None when the model is infeasible, which only conflicting pins can cause), the
    stages, and the status name of a failed stage.

    `deterministic` (by default: with one worker) counts the budget in CP-SAT's deterministic
    time, so the plan does not depend on the machine's load; else it is wall-clock seconds.
    `deadline` (`time.time()`, wall clock) cuts every stage short of it: a stage with no time
    left keeps what the stage before gave. Stopped when `stop()` becomes true. `by_priority`
    solves coverage one priority at a time (`_coverage_by_priority`), not weighted.

    `whole`: the model is a whole part's, so its coverage incumbents are lower bounds of the
    part's plan, offered to a check's watch (`solver.settle`; raises `settle.Settled`). `upto`:
    the stages end after that one, each stage's budget as if those after it were to come (so
    the stages run are exactly those of the whole list)."""
    if deterministic is None:
        deterministic = workers == 1
    m = model.m
    if floor is not None:
        model.hint(floor)
        m.add(model.objective("coverage")[0] >= model.hinted_value("coverage"))
    stages: list[StageResult] = []
    plan = [(name, STAGE_SHARES[name]) for name in stages_wanted or model.stages()]
    share_left = sum(share for _, share in plan)
    best = model.restrict(floor) if floor is not None else None
    started = time.monotonic()
    spent = 0.0
    for name, share in plan:
        if stages and stages[-1].name == upto:
            break
        expr, maximize = model.objective(name)
        if name in ("coverage", "waited") and floor is not None:
            terms = model.coverage_terms if name == "coverage" else model.waited_terms
            ceiling = sum(c for _, c in terms)
            if model.hinted_value(name) == ceiling:
                # the hint already serves every task that static analysis allows: proved
                stages.append(StageResult(name, ceiling, ceiling, True, 0.0))
                m.add(expr == ceiling)
                share_left -= share
                continue
        limit = max(0.05, (budget - spent) * share / share_left)
        share_left -= share
        if stop is not None and stop():
            raise Stopped
        if name == "coverage" and by_priority:
            run = _Run(workers, seed, deterministic, deadline, stop, model.solver_parameters)
            by_step = _callback(model, report, started, whole)
            stage, best, failure = _coverage_by_priority(model, best, limit, run, by_step)
            if stage is None:
                return None, stages, failure
            stages.append(stage)
            spent += stage.work if deterministic else stage.seconds
            _fix(m, expr, stage.value, maximize, exact=stage.optimal)
            continue
        if deadline is not None:
            limit = min(limit, deadline - time.time())
            if clock.over():  # (the clock may end the time first: tests)
                limit = 0.0
            if limit <= 0.0 and best is not None:  # out of time: keep what we had
                value = model.hinted_value(name)
                stages.append(
                    StageResult(name, value, math.inf if maximize else -math.inf, False, 0.0)
                )
                _fix(m, expr, value, maximize, exact=False)
                continue
            limit = max(0.05, limit)
        if maximize:
            m.maximize(expr)
        else:
            m.minimize(expr)
        solver = new_solver(
            m,
            workers=workers,
            seed=seed,
            limit=limit,
            deterministic=deterministic,
            settings=model.solver_parameters,
        )
        callback = _callback(model, report, started, whole) if name == "coverage" else None
        t0 = time.monotonic()
        with watching(solver, stop), clock.phase("search"):
            status = solver.solve(m, callback)
        if stop is not None and stop():
            raise Stopped
        _settled(callback)
        seconds = time.monotonic() - t0
        spent += _work(solver) if deterministic else seconds
        if status in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID):
            return None, stages, solver.status_name(status)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # no solution in time: keep what we had (the floor at worst) and its value
            if best is None:
                return None, stages, solver.status_name(status)
            value = model.hinted_value(name)
            stages.append(
                # no solution in time: CP-SAT's bound is then not a bound we may report
                StageResult(
                    name, value, math.inf if maximize else -math.inf, False, seconds, _work(solver)
                )
            )
            _fix(m, expr, value, maximize, exact=False)
            continue
        value = round(solver.objective_value)
        optimal = status == cp_model.OPTIMAL
        stages.append(
            StageResult(name, value, solver.best_objective_bound, optimal, seconds, _work(solver))
        )
        best = model.extract(solver)
        _fix(m, expr, value, maximize, exact=optimal)
        model.hint(best)
    return best, stages, None


def new_solver(
    m: cp_model.CpModel,
    *,
    workers: int,
    seed: int,
    limit: float,
    deterministic: bool,
    settings: Iterable[tuple[str, Any]] = (),
) -> cp_model.CpSolver:
    """A CP-SAT solver for `m`: its workers and seed, the model's own `settings`, no probing on
    a large model, and the budget: with `deterministic`, CP-SAT's deterministic time (so the
    same seed gives the same plan whatever else the machine is doing, with a wall-clock safety
    net), else seconds."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    for param, setting in settings:
        if isinstance(setting, tuple):  # a repeated field (e.g. subsolvers)
            getattr(params, param).extend(setting)
        else:
            setattr(params, param, setting)
    if len(m.proto.variables) > LARGE_MODEL:
        params.cp_model_probing_level = 0
    if deterministic:
        params.max_deterministic_time = limit
        params.max_time_in_seconds = wall_safety_net(limit)
    else:
        params.max_time_in_seconds = limit
    return solver


class watching:
    """While CP-SAT searches, a thread that stops the search once `stop()` is true (a search
    can run long between solutions, so a solution callback would not notice in time)."""

    def __init__(self, solver: cp_model.CpSolver, stop: StopFn | None) -> None:
        self.solver, self.stop = solver, stop
        self.done = threading.Event()
        self.thread: threading.Thread | None = None
        timer = clock.current()  # a clock whose time may end before its deadline (tests)
        self.clock = timer if timer is not None and timer.expired is not None else None

    def __enter__(self) -> None:
        if self.stop is not None or self.clock is not None:
            self.thread = threading.Thread(target=self._watch, name="cpsat-stop", daemon=True)
            self.thread.start()

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        if self.thread is not None:
            self.thread.join()

    def _watch(self) -> None:
        while not self.done.wait(STOP_POLL_SECONDS):
            # again at each poll: the search may not have begun yet
            if (self.stop is not None and self.stop()) or (self.clock and self.clock.over()):
                self.solver.stop_search()


def wall_safety_net(limit: float) -> float:
    """The wall-clock cap of a one-worker stage whose budget is `limit` seconds of CP-SAT's
    deterministic time. It only guards against a stage that never ends: when it fires, the
    plan depends on the machine's load. 3x + 1 s fired on a loaded 2-core machine (a stage
    needed 6x its deterministic time in wall time) and made one-worker plans differ between
    runs; 10x + 5 s fired too with eight engineers' test runs on two cores (load 18: the
    golden plan of subdistrict-a lost a continuity pair). 30x + 30 s has not."""
    return 30 * limit + 30


def _work(solver: cp_model.CpSolver) -> float:
    return float(solver.response_proto.deterministic_time)


def _fix(m: cp_model.CpModel, expr: Any, value: int, maximize: bool, *, exact: bool) -> None:
    if exact:
        m.add(expr == value)
    elif maximize:
        m.add(expr >= value)
    else:
        m.add(expr <= value)


def conflicting_pins(model: PlanModel, workers: int, budget: float = 30.0) -> list[str]:
    """Tasks whose pins cannot all hold together (a small sufficient set, from assumptions)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = max(1.0, budget)
    status = solver.solve(model.m)
    if status != cp_model.INFEASIBLE:
        return []
    by_index = {lit.index: tid for tid, lit in model.pin_lits.items()}
    return sorted(
        by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index
    )


@dataclass(frozen=True)
class _Run:
    """How each search of a stage runs (see `staged_solve`)."""

    workers: int
    seed: int
    deterministic: bool
    deadline: float | None
    stop: StopFn | None
    settings: Iterable[tuple[str, Any]]


def _filled(model: PlanModel, sol: Solution, p: str) -> Solution:
    """`sol` with greedy's tasks below priority p fitted around its visits: the hint of the
    next priority's search. A search that maximised p's count alone keeps none of the lower
    tasks it had been hinted (on a one-day week: 0 normal tasks where greedy served 47)."""
    below = PRIORITIES[PRIORITIES.index(p) + 1 :]
    lower = {t: model.analyses[t] for t in model.tids if model.scenario.tasks[t].priority in below}
    return greedy_plan(model.scenario, lower, model.travel, fixed=sol)


def _coverage_by_priority(
    model: PlanModel,
    best: Solution | None,
    budget: float,
    run: _Run,
    callback: _Progress | None,
) -> tuple[StageResult | None, Solution | None, str | None]:
    """The coverage stage one priority at a time, urgent first: the most tasks of the priority,
    then that count held (exactly when proved, else at least) while the next is maximised, the
    budget left passed on (each priority but the last may take STEP_SHARE of it). The same
    lexicographic optimum as the weighted stage, and its bound: at each priority, every plan
    that serves the values held above serves at most the proved bound, so the weighted sum of
    the proved values (bounds where not proved) bounds every plan's weighted coverage. Returns
    the stage (weighted value and bound, each priority's in `priorities`), the best plan, or
    None and the failed status when no plan was found and there was none before."""
    m = model.m
    lits: dict[str, list[cp_model.IntVar]] = {p: [] for p in PRIORITIES}
    for tid in model.tids:
        lits[model.scenario.tasks[tid].priority].append(model.served[tid])
    todo = [p for p in PRIORITIES if lits[p]]
    results: list[PriorityResult] = []
    seconds = work = spent = 0.0
    for n, p in enumerate(todo):
        expr, ceiling = sum(lits[p]), len(lits[p])
        hinted = sum(model._hinted.get(lit.index, 0) for lit in lits[p]) if best else None
        limit = max(0.05, (budget - spent) * (STEP_SHARE if n < len(todo) - 1 else 1.0))
        if run.deadline is not None:
            limit = min(limit, run.deadline - time.time())
        if hinted == ceiling or (hinted is not None and limit <= 0.0):
            proved = hinted == ceiling  # every task of the priority: proved as it is
            results.append(PriorityResult(p, hinted, ceiling, proved))
            _fix(m, expr, hinted, True, exact=proved)
            continue
        if run.stop is not None and run.stop():
            raise Stopped
        held = {r.priority: r.value for r in results}  # on a one-day step: the columns first
        entrant, cols, limit = column_step.before(model, p, held, hinted, limit, best, run)
        m.maximize(expr)
        solver = new_solver(m, workers=run.workers, seed=run.seed, limit=max(0.05, limit),
                            deterministic=run.deterministic, settings=run.settings)  # fmt: skip
        if callback is not None:  # what a check may count on while p is searched
            callback.at, callback.held = p, {r.priority: r.value for r in results}
        t0 = time.monotonic()
        with watching(solver, run.stop):
            status = solver.solve(m, callback)
        if run.stop is not None and run.stop():
            raise Stopped
        _settled(callback)
        seconds += time.monotonic() - t0
        work += _work(solver)
        spent += _work(solver) if run.deterministic else time.monotonic() - t0
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        if not found and (best is None or hinted is None) and not column_step.wins(entrant, -1):
            return None, None, solver.status_name(status)
        if found:
            value, optimal = round(solver.objective_value), status == cp_model.OPTIMAL
            bound = value if optimal else min(ceiling, int(solver.best_objective_bound + 1e-6))
        else:  # no plan in time (the hint is one): no bound of CP-SAT's, the ceiling is one
            value, optimal, bound = hinted if hinted is not None else -1, False, ceiling
        # the column plan, when it serves more (stop 25 A), and the master's bound
        taken, value, bound, optimal = column_step.judge(entrant, value, bound, optimal)
        results.append(PriorityResult(p, value, bound, optimal))
        _fix(m, expr, value, True, exact=optimal)
        if taken is None and not found:
            if cols and best is not None:
                model.hint(best)  # not the column plan's hint
            continue
        # the plan kept is the one hinted next: a later priority proved by its hint alone (it
        # serves them all) or kept for want of time must be served by the plan given back
        best = _filled(model, taken if taken is not None else model.extract(solver), p)
        model.hint(best)
    column_step.finish(model)
    weights = model.weights
    value = sum(weights[r.priority] * r.value for r in results)
    bound = sum(weights[r.priority] * r.bound for r in results)
    optimal = all(r.optimal for r in results)
    stage = StageResult("coverage", value, bound, optimal, seconds, work, tuple(results))
    return stage, best, None
