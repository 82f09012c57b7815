"""Neighbourhood search for parts too large for one CP-SAT model.

Start from a complete plan (greedy's). Repeatedly free the tasks of one neighbourhood — tasks
on the same day near a seed task, the unserved and urgent first — keep every other visit fixed,
and solve the neighbourhood exactly with the staged lexicographic solve. The fixed visits cut
volunteers' blocks into gaps and use up their hours, so every accepted result is a whole plan
that keeps every rule and is lexicographically no worse than the one before.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from fractions import Fraction

from mutualaid.domain.model import MINUTES_PER_DAY, PRIORITIES, Scenario
from mutualaid.travel import TravelModel
from solver import clock, settle
from solver.analysis import TaskAnalysis
from solver.coverage import CoverageModel
from solver.cpsat import PlanModel
from solver.reroute import later_goals
from solver.solution import Solution, count_by_priority
from solver.stages import StopFn, staged_solve

NEIGHBOURHOOD_TASKS = 40
"""Tasks freed at once: small enough that a neighbourhood solves to optimality in about a
second, large enough that crews and routes can be rearranged."""


def _km(a: TaskAnalysis, b: TaskAnalysis) -> float:
    """How near two tasks are, for ranking neighbourhoods only: a flat-earth approximation, not
    the contract's travel (`mutualaid.travel`); no rule depends on it, and the plans of large
    parts depend on its exact figures, so it stays as it is."""
    la, lb = a.task.location, b.task.location
    dy = (la.lat - lb.lat) * 111.2
    dx = (la.lon - lb.lon) * 111.2 * math.cos(math.radians(la.lat))
    return math.hypot(dx, dy)


def _days(a: TaskAnalysis) -> set[int]:
    return {
        d
        for lo, hi in a.start_domain
        for d in range(lo // MINUTES_PER_DAY, hi // MINUTES_PER_DAY + 1)
    }


def rivals(
    analyses: Mapping[str, TaskAnalysis], seed: str, incumbent: Solution, size: int
) -> list[str]:
    """The seed and the served tasks that hold its candidates, those on its days first, then
    the tasks nearest to it on its days: the tasks whose crews must move for it to be served."""
    a = analyses[seed]
    days = _days(a)
    holding: dict[str, list[str]] = {}
    for tid, crew in incumbent.crews.items():
        for av in crew:
            holding.setdefault(av.id, []).append(tid)
    taken = {t for v in a.candidates for t in holding.get(v, [])}
    ranked = sorted(taken, key=lambda t: (not (_days(analyses[t]) & days), _km(a, analyses[t]), t))
    chosen = [seed, *ranked][:size]
    if len(chosen) < size:
        near = sorted(
            (
                t
                for t, b in analyses.items()
                if b.reason is None and t not in chosen and _days(b) & days
            ),
            key=lambda t: (_km(a, analyses[t]), t),
        )
        chosen += near[: size - len(chosen)]
    return chosen


def around(analyses: dict[str, TaskAnalysis], tids: list[str], size: int) -> list[list[str]]:
    """Every task once as a seed, with the tasks nearest to it on its days (for polishing
    continuity, travel and fairness once coverage stops improving)."""
    by_day: dict[int, list[str]] = {}
    for tid in tids:
        for d in _days(analyses[tid]):
            by_day.setdefault(d, []).append(tid)
    out: list[list[str]] = []
    covered: set[str] = set()
    for seed in sorted(tids):
        if seed in covered:
            continue
        clock.check()
        near = {t for d in _days(analyses[seed]) for t in by_day[d]}
        chosen = sorted(near, key=lambda t: (_km(analyses[seed], analyses[t]), t))[:size]
        covered.update(chosen)
        out.append(chosen)
    return out


def improve(
    scenario: Scenario,
    analyses: dict[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    incumbent: Solution,
    *,
    budget: float,
    workers: int,
    seed: int,
    report: Callable[[Solution], None] | None = None,
    deterministic: bool | None = None,
    deadline: float | None = None,
    stop: StopFn | None = None,
    cover: bool = True,
    polish: bool = True,
) -> Solution:
    """The incumbent improved by neighbourhood search within the budget (seconds: CP-SAT's
    deterministic time when `deterministic`, by default with one worker; else wall clock, and
    never past `deadline`, a `time.time()`). Stopped (raises) once `stop()` is true.

    First coverage (`Search.cover`), then polishing (`Search.polish`). `cover` False:
    polishing only (the incumbent's coverage is proved); `polish` False: coverage only
    (polishing keeps it: a check, `SolveOptions.coverage_only`, needs no more)."""
    search = Search(scenario, analyses, tids, travel, weights, incumbent, budget=budget,
                    workers=workers, seed=seed, report=report, deterministic=deterministic,
                    deadline=deadline, stop=stop)  # fmt: skip
    if cover:
        search.cover()
    if polish:
        search.polish()
    return search.best


class Search:
    """Neighbourhood search on one part: the incumbent `best` (a whole valid plan), improved
    one neighbourhood at a time within one budget (see `improve`)."""

    def __init__(
        self,
        scenario: Scenario,
        analyses: dict[str, TaskAnalysis],
        tids: list[str],
        travel: TravelModel,
        weights: dict[str, int],
        incumbent: Solution,
        *,
        budget: float,
        workers: int,
        seed: int,
        report: Callable[[Solution], None] | None = None,
        deterministic: bool | None = None,
        deadline: float | None = None,
        stop: StopFn | None = None,
    ) -> None:
        self.scenario, self.analyses, self.tids = scenario, analyses, tids
        self.travel, self.weights = travel, weights
        self.best = Solution(dict(incumbent.starts), dict(incumbent.crews))
        self.budget, self.workers, self.seed = budget, workers, seed
        self.report, self.deadline, self.stop = report, deadline, stop
        self.deterministic = workers == 1 if deterministic is None else deterministic
        self.started = time.monotonic()
        self.spent = 0.0
        """CP-SAT's deterministic time so far."""
        mine = set(tids)
        self.sub = {t: a for t, a in analyses.items() if t in mine}

    def left(self) -> float:
        if clock.over():  # the solve's deadline (or a test's clock) ended the time
            return 0.0
        if self.deterministic:  # reproducible: count CP-SAT's deterministic time, not the clock
            return self.budget - self.spent
        wall = self.budget - (time.monotonic() - self.started)
        return wall if self.deadline is None else min(wall, self.deadline - time.time())

    def attempt(self, group: list[str], stages: tuple[str, ...] | None, limit: float) -> bool:
        """Solve `group` with every other visit fixed; keep the result when it is no worse
        (serves more, for coverage alone). Coverage alone is solved on the pairwise model
        (`solver.coverage`: exact, and far quicker to build and solve than routes: on the
        wide-window week 7009 its neighbourhoods of 40 tasks served all 182 tasks in 3 s,
        where those of the routing model, a second each, served none more in 9 s)."""
        best, scenario = self.best, self.scenario
        if stages == ("coverage",):
            model: PlanModel = CoverageModel(
                scenario, self.analyses, group, self.travel, self.weights, fixed=best
            )
        else:
            model = PlanModel(scenario, self.analyses, group, self.travel, self.weights,
                              fixed=best)  # fmt: skip
        floor = best if _pins_hold(scenario, best, group) else None
        sol, results, _ = staged_solve(
            model, floor, budget=limit, workers=self.workers, seed=self.seed,
            stages_wanted=stages, deterministic=self.deterministic, deadline=self.deadline,
            stop=self.stop,
        )  # fmt: skip
        for r in results:
            self.spent += r.work
        if sol is None:
            return False
        new, old = (
            _key(scenario, sol, group, self.weights),
            _key(scenario, best, group, self.weights),
        )
        if new < old or (new == old and stages == ("coverage",)):
            return False
        for tid in group:
            best.starts.pop(tid, None)
            best.crews.pop(tid, None)
        best.merge(sol)
        if new > old and self.report is not None:
            self.report(best)
        if new > old:  # the part's plan, which only gains: a lower bound for a check's watch
            settle.offer(settle.counts(count_by_priority(scenario, best.crews)))
        return new > old

    def cover(self, settled: Callable[[Solution], bool] | None = None) -> None:
        """`_cover`; the solve's deadline passing (`solver.clock`) ends it, `best` kept."""
        with suppress(clock.OutOfTime):
            self._cover(settled)

    def polish(self) -> None:
        """`_polish`; the solve's deadline passing (`solver.clock`) ends it, `best` kept."""
        with suppress(clock.OutOfTime):
            self._polish()

    def _cover(self, settled: Callable[[Solution], bool] | None = None) -> None:
        """Coverage: sweep the unserved tasks, most urgent first, each with the tasks that hold
        its people (a result taken only when it serves more), until a sweep gains nothing,
        widening the neighbourhoods once small ones stop helping (a sweep whose every task
        left unserved was tried, in vain, on the plan as it ends gains nothing either: the
        next would try the same). `settled(best)`, asked each time a sweep gains nothing, ends
        the sweeps when true (e.g. a bound meets the plan)."""
        size = NEIGHBOURHOOD_TASKS
        while self.left() > 0.2:
            gained = False
            waiting = sorted(
                (t for t in self.tids if t not in self.best.crews),
                key=lambda t: (PRIORITIES.index(self.analyses[t].task.priority), t),
            )
            failed: set[str] = set()  # tried in vain since the plan last changed
            for tid in waiting:
                if self.left() <= 0.1:
                    break
                if tid not in self.best.crews:
                    group = rivals(self.sub, tid, self.best, size)
                    if self.attempt(group, ("coverage",), min(1.0, self.left())):
                        gained, failed = True, set()
                    else:
                        failed.add(tid)
            if gained and any(t not in self.best.crews for t in self.tids if t not in failed):
                continue  # a task may be served now that the plan changed: sweep again
            if settled is not None and settled(self.best):
                return
            if size >= 2 * NEIGHBOURHOOD_TASKS:
                return
            size += NEIGHBOURHOOD_TASKS // 2

    def _polish(self) -> None:
        """Neighbourhoods around every task, solved through every goal in the model's order,
        so each result is no worse in any goal; pass after pass while one gains and time is
        left (a single pass could end a long solve with time and gains left)."""
        if self.left() <= 0.2:
            return
        groups = around(self.sub, self.tids, NEIGHBOURHOOD_TASKS)
        goals = self._goals()
        while True:
            for group in groups:
                if self.left() <= 0.2:
                    return
                self.attempt(group, None, min(2.0, self.left()))
            before, goals = goals, self._goals()
            if goals >= before:  # a pass that gained nothing: the next would find nothing
                return

    def _goals(self) -> tuple[int, int, tuple[int | Fraction, ...]]:
        """The plan's goals, each to be minimised: coverage, waiting, then the later ones."""
        served = [self.scenario.tasks[t] for t in self.best.crews]
        weighted = sum(self.weights[t.priority] for t in served)
        later = later_goals(self.scenario, self.sub, self.tids, self.travel, self.best)
        return -weighted, -sum(t.waited for t in served), later


def _key(
    scenario: Scenario, sol: Solution, group: list[str], weights: dict[str, int]
) -> tuple[int, int]:
    """Weighted coverage, then waiting, of the group: what a neighbourhood may not lose."""
    served = [scenario.tasks[t] for t in group if t in sol.crews]
    return sum(weights[t.priority] for t in served), sum(t.waited for t in served)


def _pins_hold(scenario: Scenario, sol: Solution, group: list[str]) -> bool:
    mine = set(group)
    return all(
        set(p.volunteers) <= {a.id for a in sol.crews.get(p.task, ())}
        for p in scenario.pinned
        if p.task in mine
    )
