"""One independent part of a week, solved on its own: staged CP-SAT (`solver.coverage`, or
every goal on the routing model), or, when the part is too large for one routing model, its
coverage on the pairwise model of the whole part (when that can be built in time) and then
neighbourhood search. A part's job and result are picklable, so a part can be solved elsewhere
(`solver.planner.MapParts`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.messages import msg
from mutualaid.travel import HaversineTravel, TravelModel
from solver.analysis import TaskAnalysis, route_arcs
from solver.coverage import CoverageModel, cover_then_route
from solver.cpsat import PlanModel
from solver.greedy import greedy_plan
from solver.lns import improve
from solver.part_bounds import BOUND_SHARE, POLISH_BOUND_SHARE, part_bounds_after
from solver.relax import affordable
from solver.reroute import REROUTING, Rerouting, later_goals, reroute
from solver.solution import Solution, count_by_priority
from solver.stages import ProgressFn, StageResult, StopFn, Stopped, conflicting_pins, staged_solve


@dataclass(frozen=True)
class PartJob:
    """Everything the solve of one independent part needs but the scenario, which all parts
    share (so a cluster can send it once). Picklable, so a part can be solved elsewhere."""

    tids: list[str]
    analyses: dict[str, TaskAnalysis]
    """The analyses of the part's tasks only."""
    weights: dict[str, int]
    floor: Solution | None
    """Greedy's plan of the part's tasks, when it keeps the part's pins (else no floor)."""
    share: float
    """Seconds (CP-SAT's deterministic time with one worker) this part may take."""
    budget: float
    """The whole solve's budget (for naming clashing pins)."""
    workers: int
    seed: int
    max_exact_arcs: int
    deterministic: bool | None = None
    """Whether `share` is deterministic time (see SolveOptions.deterministic)."""
    deadline: float | None = None
    """With wall-clock budgets, when (`time.time()`) the whole solve must end."""
    pairwise: bool = True
    """Coverage and waiting on `solver.coverage`'s model (see SolveOptions)."""
    reroute: bool = True
    """The plan's routes improved by `solver.reroute` at the end (see SolveOptions)."""
    rerouting: Rerouting = REROUTING
    """How (see SolveOptions)."""
    colgen: bool = True
    """The part's bounds include `solver.colgen`'s (see SolveOptions)."""

    @property
    def reproducible(self) -> bool:
        """Whether budgets are CP-SAT's deterministic time (by default with one worker)."""
        return self.deterministic if self.deterministic is not None else self.workers == 1


@dataclass(frozen=True)
class PartResult:
    """What the solve of one part gives back to the assembly of the plan. Picklable."""

    solution: Solution | None
    """None when the part could not be solved (then `error` says why)."""
    stages: list[StageResult]
    error: str | None
    weighted_bound: int
    """What the part can serve at most, in weighted coverage."""
    conditional: dict[str, int] | None = None
    """Per priority, what the part can serve at most while serving at least the solution's
    count at every priority above (`solver.conditional`); None when not bounded so."""


PartSolver = Callable[[Scenario, PartJob], PartResult]
MapParts = Callable[[PartSolver, Scenario, list[PartJob]], Iterator[tuple[int, PartResult] | None]]
"""map_parts(solve_part, scenario, jobs) solves every job, perhaps in parallel or elsewhere,
and yields (index of the job, its result) as each finishes, in any order; and None (a tick)
now and then while it waits, so that progress is reported (and a cancel noticed) while long
parts run. Closed early when a progress report raises: it should then stop what still runs."""


def solve_part(
    scenario: Scenario, job: PartJob, report: ProgressFn | None = None, stop: StopFn | None = None
) -> PartResult:
    """One independent part: staged CP-SAT, or neighbourhood search from the floor when the
    part is too large for one exact model. Pure with a deterministic budget: the same job gives
    the same result with one worker, wherever it runs; `report(served in the part, seconds)`
    only watches. With a deadline already passed, the floor as it is. Raises Stopped once
    `stop()` is true."""
    travel = HaversineTravel(scenario.settings)
    tids, analyses, weights = job.tids, job.analyses, job.weights
    if stop is not None and stop():
        raise Stopped
    if job.floor is not None and job.deadline is not None and job.deadline <= time.time():
        return _floor_only(scenario, job)
    outer, way = job, job.rerouting
    if job.reroute and job.deadline is not None:  # leave rerouting its share of the clock
        job = replace(job, share=job.share * (1 - way.share),
                      deadline=job.deadline - job.share * way.share)  # fmt: skip
    early: list[Solution] = []

    def ahead(sol: Solution) -> Solution:
        """The pairwise model's plan rerouted before the routing model's later stages (for
        a wall-clock budget in AHEAD_SHARE of the part's time), which start from it."""
        deadline = None if job.deadline is None else min(
            job.deadline, time.time() + outer.share * AHEAD_SHARE
        )  # fmt: skip
        early.append(reroute(scenario, analyses, tids, travel, sol, deadline=deadline,
                             stop=stop, seed=job.seed, way=way))  # fmt: skip
        return early[-1]

    def _later(sol: Solution) -> tuple[object, ...]:
        return later_goals(scenario, analyses, tids, travel, sol)

    sol: Solution | None
    tighter: int | None = None
    conditional: dict[str, int] | None = None
    if job.floor is not None and route_arcs(scenario, analyses, tids) > job.max_exact_arcs:
        sol, stages, conditional = _search(scenario, job, travel, report, stop)
        failure = None
    else:
        first = ahead if job.reroute and way.ahead else None
        exact = partial(cover_then_route, ahead=first) if job.pairwise else _routed
        polish = POLISH_SHARE if len(tids) >= POLISH_TASKS else 0.0
        sol, stages, failure = exact(
            scenario,
            analyses,
            tids,
            travel,
            weights,
            job.floor,
            budget=max(0.05, job.share * (1 - polish)),
            workers=job.workers,
            seed=job.seed,
            report=report,
            deterministic=job.deterministic,
            deadline=job.deadline,
            stop=stop,
        )
        if sol is not None and early and _later(early[0]) < _later(sol):
            sol = early[0]  # CP-SAT's later stages did not keep its hint's goals: the hint
        if sol is not None and polish and not all(s.optimal for s in stages):
            sol, tighter, conditional = _polish(scenario, job, travel, sol, stages, stop)
    if sol is None:
        if failure == "INFEASIBLE":
            diagnosis = PlanModel(scenario, analyses, tids, travel, weights, pin_assumptions=True)
            limit = job.budget
            if job.deadline is not None:
                limit = min(limit, job.deadline - time.time())
            clash = conflicting_pins(diagnosis, job.workers, limit)
            error = (
                msg("pins_clash", tasks=", ".join(clash))
                if clash
                else msg("model_infeasible", tasks=len(tids))
            )
        else:
            error = msg("no_plan_in_time", tasks=len(tids), status=failure)
        return PartResult(None, stages, error, 0)
    if job.reroute and not all(s.optimal for s in stages):  # proved: nothing to gain
        sol = reroute(scenario, analyses, tids, travel, sol, deadline=outer.deadline, stop=stop,
                      seed=job.seed, way=way)  # fmt: skip
        if stop is not None and stop():
            raise Stopped
    cover = stages[0]
    ceiling = sum(weights[scenario.tasks[t].priority] for t in tids)
    bound = cover.value if cover.optimal else int(min(ceiling, cover.bound + 1e-6))
    if tighter is not None:
        bound = min(bound, tighter)
    if bound <= sum(weights[scenario.tasks[t].priority] for t in sol.crews):
        conditional = count_by_priority(scenario, sol.crews)  # proved: what it serves
    return PartResult(sol, stages, None, bound, conditional)


AHEAD_SHARE = 0.15
"""The part of a wall-clock budget rerouting may take ahead of the routing model's later
stages (`Rerouting.ahead`); the part it keeps after CP-SAT is `Rerouting.share`. With a
deterministic budget each runs its fixed number of steps instead."""


POLISH_TASKS = 100
"""Parts of this many tasks or more give POLISH_SHARE of their budget to neighbourhood search
after the exact model, when it proved not every goal."""

POLISH_SHARE = 0.3
"""Measured on a generated routing week of 160 one-person visits (seed 7001, 30 s, 2 workers):
the routing model's travel stage was not proved and its routes took 944 minutes to VROOM's 798
(908 with travel before continuity)."""


def _polish(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    stages: list[StageResult],
    stop: StopFn | None,
) -> tuple[Solution, int | None, dict[str, int] | None]:
    """The exact model's plan improved by neighbourhood search's polishing (each neighbourhood
    through every goal, so no goal gets worse), for the rest of the part's budget. When the
    coverage stage was not proved: coverage first, and POLISH_BOUND_SHARE of the time (without
    column generation BOUND_SHARE) for the bounds of `part_bounds_after` (returned, else
    None)."""
    budget = job.share * POLISH_SHARE
    if job.deadline is not None:
        budget = min(budget, job.deadline - time.time())
    if budget <= 0.2:
        return sol, None, None
    cover = not (stages and stages[0].optimal)
    deadline = job.deadline
    share = POLISH_BOUND_SHARE if job.colgen else BOUND_SHARE
    if cover and deadline is not None:
        deadline = time.time() + (deadline - time.time()) * (1 - share)
    searched = budget * (1 - share) if cover else budget
    sol = improve(scenario, job.analyses, job.tids, travel, job.weights, sol, budget=searched,
                  workers=job.workers, seed=job.seed, deterministic=job.deterministic,
                  deadline=deadline, stop=stop, cover=cover)  # fmt: skip
    if not cover:
        return sol, None, None
    bound, _, conditional = part_bounds_after(scenario, job, travel, sol, budget * share, stop)
    return sol, bound, conditional


def _routed(
    scenario: Scenario,
    analyses: dict[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    floor: Solution | None,
    *,
    budget: float,
    workers: int,
    seed: int,
    report: ProgressFn | None = None,
    deterministic: bool | None = None,
    deadline: float | None = None,
    stop: StopFn | None = None,
) -> tuple[Solution | None, list[StageResult], str | None]:
    """Every goal on the routing model (`SolveOptions.pairwise` False)."""
    model = PlanModel(scenario, analyses, tids, travel, weights)
    return staged_solve(model, floor, budget=budget, workers=workers, seed=seed, report=report,
                        deterministic=deterministic, deadline=deadline, stop=stop)  # fmt: skip


def _floor_only(scenario: Scenario, job: PartJob) -> PartResult:
    """The part as greedy planned it (no time was left to search): feasible, its coverage
    bound what static analysis proves."""
    assert job.floor is not None
    value = sum(job.weights[scenario.tasks[t].priority] for t in job.floor.crews)
    ceiling = sum(job.weights[scenario.tasks[t].priority] for t in job.tids)
    stages = [StageResult("coverage", value, ceiling, value == ceiling, 0.0)]
    stages += [StageResult(name, 0, 0, False, 0.0) for name in ("continuity", "travel", "fairness")]
    return PartResult(job.floor, stages, None, ceiling)


TOP_SHARE = 0.15
"""The part of a large part's budget given to its urgent and high tasks alone (`_top_first`)
before neighbourhood search."""

TOP = PRIORITIES[:2]


def _top_first(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    floor: Solution,
    budget: float,
    stop: StopFn | None,
) -> tuple[Solution, int | None]:
    """The part's urgent and high tasks alone on the pairwise model (exact routes, so its plan
    is a valid partial plan), greedy fitting the rest around it; kept when it serves more, by
    the coverage weights, than `floor`. Neighbourhood search moves up to 40 tasks at once: a
    high task that needs a longer chain of moves is found here. Not with pins (greedy seats
    them first). Also a bound on the part's weighted coverage (`solver.relax`: a focus set of
    the top tasks, every other counted as served), when CP-SAT gave one."""
    weights, analyses = job.weights, job.analyses
    top = [t for t in job.tids if scenario.tasks[t].priority in TOP]
    if (
        not top
        or all(t in floor.crews for t in top)
        or any(p.task in analyses for p in scenario.pinned)
    ):
        return floor, None
    if job.deadline is not None:
        budget = min(budget, job.deadline - time.time())
    if budget <= 0.05 or not affordable(scenario, analyses, top, budget):
        return floor, None
    model = CoverageModel(scenario, analyses, top, travel, weights)
    sol, stages, _ = staged_solve(
        model, floor, budget=budget, workers=job.workers, seed=job.seed,
        stages_wanted=("coverage",), deterministic=job.deterministic, deadline=job.deadline,
        stop=stop,
    )  # fmt: skip
    if sol is None:
        return floor, None

    def value(tids: Iterable[str]) -> int:
        return sum(weights[scenario.tasks[t].priority] for t in tids)

    bound = None
    if stages and math.isfinite(stages[0].bound):
        found = stages[0].value if stages[0].optimal else int(stages[0].bound + 1e-6)
        bound = value(job.tids) - value(top) + min(found, value(top))
    refilled = greedy_plan(scenario, analyses, travel, fixed=sol)
    return (refilled if value(refilled.crews) > value(floor.crews) else floor), bound


COVER_SHARE = 0.75
"""The part of a large part's budget its coverage and waiting may take on the pairwise model
of the whole part (`_cover_first`), when that model can be built in time: as much as the
pairwise model takes of an exact part (`solver.coverage.SHARE`). Half was too little on a busy
machine: on the wide week 7009 at load 16, 12.6 s of a 25 s share ended at 179 of 182 served
(presolve alone took 6 s of it); that model alone served all 182 in 11.6-12 s at load 19."""


COVER_ARCS, COVER_FLOOR = 100_000, 0.95
"""`_cover_first` is tried up to so many routing arcs, and when greedy's floor serves this part
of the part's tasks: the model proves in time when it finds a plan serving every task static
analysis allows (7009: floor 179 of 182, 79k arcs). Measured without these (bench/unseen.py, 60
s, 2 workers, load 15-20): the contended wide week 7003 (184k arcs, floor 139 of 367) served
14/75/44/6 against 14/75/52/5, in 89 s of wall time (building is not cut by the deadline); the
contended one-day 7004 (41k arcs, floor 71 of 250) 9/32/33/3 against 9/35/29/3."""


def _cover_first(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    floor: Solution,
    budget: float,
    report: ProgressFn | None,
    stop: StopFn | None,
) -> tuple[Solution, list[StageResult]] | None:
    """Coverage and waiting of a part too large for one routing model, on the pairwise model
    of the whole part (`solver.coverage`: no circuits, so far fewer constraints than routes
    would need), from `floor`: its plan keeps every rule, and its proved optimum (or its best
    bound) is the part's. None when that model would not be built in a third of the part's
    share. Measured on a wide-window week (bench/unseen.py seed 7009, 182 tasks, 79k routing
    arcs, load 11): built in 2.2 s and proved (every task served) in 5.2 s, where
    neighbourhood search served 179 and its bound stayed at 182."""
    if job.deadline is not None:
        budget = min(budget, job.deadline - time.time())
    if budget <= 0.05 or not affordable(scenario, job.analyses, job.tids, job.share):
        return None
    if route_arcs(scenario, job.analyses, job.tids) > COVER_ARCS:
        return None
    if len(floor.crews) < COVER_FLOOR * len(job.tids):
        return None
    building = time.monotonic()
    model = CoverageModel(scenario, job.analyses, job.tids, travel, job.weights)
    built = time.monotonic() - building
    if not job.reproducible:  # a deterministic budget stays as it is, for reproducibility
        budget -= built
    sol, stages, _ = staged_solve(
        model, floor, budget=max(0.05, budget), workers=job.workers, seed=job.seed,
        report=report, deterministic=job.deterministic, deadline=job.deadline, stop=stop,
    )  # fmt: skip
    if sol is None or not stages:
        return None
    stages = [replace(stages[0], seconds=stages[0].seconds + built), *stages[1:]]
    return sol, stages


def _search(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    report: ProgressFn | None,
    stop: StopFn | None,
) -> tuple[Solution, list[StageResult], dict[str, int] | None]:
    """Neighbourhood search from the floor, then its bounds (`part_bounds_after`; the
    coverage stage is optimal when the weighted bound meets the plan)."""
    started = time.monotonic()
    analyses, part, weights, floor, budget = (
        job.analyses,
        job.tids,
        job.weights,
        job.floor,
        job.share,
    )
    assert floor is not None
    mine = Solution(
        {t: floor.starts[t] for t in part if t in floor.crews},
        {t: floor.crews[t] for t in part if t in floor.crews},
    )

    def served_of(sol: Solution) -> None:
        if report is not None:
            report(count_by_priority(scenario, sol.crews), 0.0)

    ceiling = sum(weights[scenario.tasks[t].priority] for t in part)
    if sum(weights[scenario.tasks[t].priority] for t in mine.crews) == ceiling:
        # the floor serves every task static analysis allows: coverage is proved as it
        # stands, and the whole budget goes to the later goals (wide windows made greedy
        # serve all of a 189-task week, whose proof then waited 20 s for the search's end)
        at_most = StageResult("coverage", ceiling, ceiling, True, time.monotonic() - started)
        sol = improve(scenario, analyses, part, travel, weights, mine, budget=budget,
                      workers=job.workers, seed=job.seed, report=served_of,
                      deterministic=job.deterministic, deadline=job.deadline, stop=stop,
                      cover=False)  # fmt: skip
        waited = sum(scenario.tasks[t].waited for t in part)  # all served: at its most too
        later = [StageResult(n, 0, 0, False, 0.0) for n in scenario.settings.objective_order]
        return sol, [at_most, StageResult("waited", waited, waited, True, 0.0), *later], None
    covered = _cover_first(scenario, job, travel, mine, budget * COVER_SHARE, report, stop)
    if covered is not None and covered[1][0].optimal:
        # proved on the pairwise model of the whole part: what is left polishes the later
        # goals from its plan, which keep its coverage and waiting (lexicographic)
        sol, stages = covered
        spent = sum(st.work if job.reproducible else st.seconds for st in stages)
        left = budget - spent
        sol = improve(scenario, analyses, part, travel, weights, sol, budget=max(0.05, left),
                      workers=job.workers, seed=job.seed, deterministic=job.deterministic,
                      deadline=job.deadline, stop=stop, cover=False)  # fmt: skip
        later = [StageResult(n, 0, 0, False, 0.0) for n in scenario.settings.objective_order]
        return sol, [*stages, *later], None
    if covered is not None:  # not proved: its plan (when it serves more) and its bound stay
        better, stages = covered
        if sum(weights[scenario.tasks[t].priority] for t in better.crews) > sum(
            weights[scenario.tasks[t].priority] for t in mine.crews
        ):
            mine = better
        budget *= 1 - COVER_SHARE
        cover_bound: int | None = int(min(ceiling, stages[0].bound + 1e-6))
        top_bound = None
    else:
        mine, top_bound = _top_first(scenario, job, travel, mine, budget * TOP_SHARE, stop)
        budget *= 1 - TOP_SHARE
        cover_bound = None
    searching = budget * (1 - BOUND_SHARE)
    search_deadline = job.deadline
    if job.deadline is not None:  # leave the bound its share of the time that is left
        search_deadline = time.time() + max(0.0, job.deadline - time.time()) * (1 - BOUND_SHARE)
    sol = improve(scenario, analyses, part, travel, weights, mine, budget=searching,
                  workers=job.workers, seed=job.seed, report=served_of,
                  deterministic=job.deterministic, deadline=search_deadline, stop=stop)  # fmt: skip
    value = sum(weights[scenario.tasks[t].priority] for t in sol.crews)
    found, proved, conditional = part_bounds_after(
        scenario, job, travel, sol, budget * BOUND_SHARE, stop
    )
    bound = sum(weights[scenario.tasks[t].priority] for t in part) if found is None else found
    for other in (top_bound, cover_bound):
        if other is not None and other < bound:
            bound, proved = other, other <= value
    goals = ("waited", *scenario.settings.objective_order)
    later = [StageResult(name, 0, 0, False, 0.0) for name in goals]
    seconds = time.monotonic() - started
    stages = [StageResult("coverage", value, bound, proved, seconds), *later]
    return sol, stages, conditional
