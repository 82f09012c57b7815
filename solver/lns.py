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

from mutualaid.domain.model import MINUTES_PER_DAY, PRIORITIES, Scenario
from mutualaid.travel import TravelModel
from solver import clock
from solver.analysis import TaskAnalysis
from solver.cpsat import PlanModel
from solver.solution import Solution
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
) -> Solution:
    """The incumbent improved by neighbourhood search within the budget (seconds: CP-SAT's
    deterministic time when `deterministic`, by default with one worker; else wall clock, and
    never past `deadline`, a `time.time()`). Stopped (raises) once `stop()` is true.

    First coverage: each unserved task, most urgent first, with the tasks that hold its
    people; a result is taken only when it serves more. Then polishing: neighbourhoods around
    every task, solved through all four stages, so each result is no worse in any goal.
    `cover` False: polishing only (the incumbent's coverage is proved)."""
    started = time.monotonic()
    best = Solution(dict(incumbent.starts), dict(incumbent.crews))
    spent = 0.0  # CP-SAT's deterministic time so far
    mine = set(tids)
    sub = {t: a for t, a in analyses.items() if t in mine}
    if deterministic is None:
        deterministic = workers == 1

    def left() -> float:
        if clock.over():  # the solve's deadline (or a test's clock) ended the time
            return 0.0
        if deterministic:  # reproducible: count CP-SAT's deterministic time, not the clock
            return budget - spent
        wall = budget - (time.monotonic() - started)
        return wall if deadline is None else min(wall, deadline - time.time())

    def attempt(group: list[str], stages: tuple[str, ...] | None, limit: float) -> bool:
        nonlocal spent
        model = PlanModel(scenario, analyses, group, travel, weights, fixed=best)
        floor = best if _pins_hold(scenario, best, group) else None
        sol, results, _ = staged_solve(
            model, floor, budget=limit, workers=workers, seed=seed, stages_wanted=stages,
            deterministic=deterministic, deadline=deadline, stop=stop,
        )  # fmt: skip
        for r in results:
            spent += r.work
        if sol is None:
            return False
        new, old = _key(scenario, sol, group, weights), _key(scenario, best, group, weights)
        if new < old or (new == old and stages == ("coverage",)):
            return False
        for tid in group:
            best.starts.pop(tid, None)
            best.crews.pop(tid, None)
        best.merge(sol)
        if new > old and report is not None:
            report(best)
        return new > old

    with suppress(clock.OutOfTime):  # a neighbourhood's model cut short: the best plan so far
        _search(tids, analyses, sub, best, attempt, left, cover)
    return best


def _search(
    tids: list[str],
    analyses: dict[str, TaskAnalysis],
    sub: dict[str, TaskAnalysis],
    best: Solution,
    attempt: Callable[[list[str], tuple[str, ...] | None, float], bool],
    left: Callable[[], float],
    cover: bool,
) -> None:
    """`improve`'s neighbourhoods in turn, each through `attempt`, while time is `left`."""
    # coverage first: sweep the unserved tasks until a sweep gains nothing, widening the
    # neighbourhoods once small ones stop helping
    size = NEIGHBOURHOOD_TASKS
    while cover and left() > 0.2:
        gained = False
        waiting = sorted(
            (t for t in tids if t not in best.crews),
            key=lambda t: (PRIORITIES.index(analyses[t].task.priority), t),
        )
        for tid in waiting:
            if left() <= 0.1:
                break
            if tid not in best.crews:
                group = rivals(sub, tid, best, size)
                gained = attempt(group, ("coverage",), min(1.0, left())) or gained
        if not gained:
            if size >= 2 * NEIGHBOURHOOD_TASKS:
                break
            size += NEIGHBOURHOOD_TASKS // 2
    for group in around(sub, tids, NEIGHBOURHOOD_TASKS):
        if left() <= 0.2:
            break
        attempt(group, None, min(2.0, left()))  # every goal, in the model's order


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
