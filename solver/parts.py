"""One independent part of a week, solved on its own: staged CP-SAT (`solver.coverage`, or
every goal on the routing model), or, when the part is too large for one routing model,
`solver.large` (neighbourhood search, its coverage proved where it can be). A part's job and
result are picklable, so a part can be solved elsewhere (`solver.planner.MapParts`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.messages import msg
from mutualaid.travel import TravelModel
from solver import clock, shared_week
from solver.analysis import TaskAnalysis, route_arcs
from solver.by_priority import by_priority, stepped_bounds
from solver.coverage import cover_then_route
from solver.cpsat import PlanModel
from solver.large import search_part
from solver.lns import Search, improve
from solver.part_bounds import BOUND_SHARE, POLISH_BOUND_SHARE, Deferred, part_bounds_after
from solver.part_routes import by_route_sets, weighted_coverage
from solver.priced_after import TRAVEL_STAGE_ROUNDS, Pool, priced_after, priced_choice, too_wide
from solver.reroute import FIRST_DESCENT_SECONDS, REROUTING, Rerouting, later_goals, reroute
from solver.route_sets import Listed, best_routes, movable_part
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
    by_priority: bool = True
    """Coverage on the pairwise model one priority at a time (see SolveOptions)."""
    coverage_only: bool = False
    """Stop after the pairwise model's goals (see SolveOptions)."""

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
    phases: dict[str, float] | None = None
    """Where the part's time went (`clock.Clock.phases`) when it was solved under a clock of
    its own (elsewhere, e.g. on a cluster); None when the solve's clock counted it."""
    unkept_pins: tuple[str, ...] = ()
    """With `error`: the pinned tasks whose pins clash, by id (`conflicting_pins`)."""


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
    only watches. With a deadline already passed, the floor as it is; when it passes while a
    model is built, the best plan so far (`solver.clock`). Raises Stopped once `stop()` is
    true."""
    if clock.current() is None:  # solved on its own (e.g. elsewhere): a clock of its own
        with clock.running(clock.Clock(job.deadline)) as own:
            result = solve_part(scenario, job, report, stop)
        return replace(result, phases=dict(own.phases))
    try:
        return _solve_part(scenario, job, report, stop)
    except clock.OutOfTime:  # not caught nearer: greedy's plan, which is never worse
        if job.floor is None:
            error = msg("no_plan_in_time", tasks=len(job.tids), status="OUT_OF_TIME")
            return PartResult(None, [], error, 0)
        return _floor_only(scenario, job)


def _solve_part(
    scenario: Scenario, job: PartJob, report: ProgressFn | None, stop: StopFn | None
) -> PartResult:
    """`solve_part` under the solve's clock."""
    travel = shared_week.travel_for(scenario)
    tids, analyses, weights = job.tids, job.analyses, job.weights
    if stop is not None and stop():
        raise Stopped
    if job.floor is not None and job.deadline is not None and job.deadline <= time.time():
        return _floor_only(scenario, job)
    if job.coverage_only:  # rerouting never changes what is served
        job = replace(job, reroute=False)
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
        overrun = min(FIRST_DESCENT_SECONDS, FIRST_DESCENT_SHARE * job.budget)
        early.append(reroute(scenario, analyses, tids, travel, sol, deadline=deadline,
                             stop=stop, seed=job.seed, way=way, overrun=overrun))  # fmt: skip
        return early[-1]

    listed: Listed = {}  # each block's routes, listed once for both route-set runs
    pool: Pool = {}  # routes priced in the travel stage, carried into rerouting's pricing

    def pricing() -> bool:
        """Whether blocks too wide to list get priced routes (`solver.priced_after`)."""
        return way.priced_after and not job.reproducible

    proved: list[bool] = []  # whether the route sets proved the least travel at the plan's pairs

    def routes(
        sol: Solution, seconds: float, until: float | None
    ) -> tuple[Solution, dict[str, tuple[int, float, bool]]] | None:
        """The travel stage's time given to choosing among every route of each block; not
        where a block has too many (narrowed, the choice took CP-SAT's travel stage from the
        wide week 7009 and ended at 981 minutes where CP-SAT's gave 954, load 12): those are
        priced (narrowed with a deterministic budget) in rerouting's run, which keeps its
        plan when better, or here too with `Rerouting.priced_after` (`priced_choice`)."""
        goals: dict[str, tuple[int, float, bool]] = {}
        with clock.phase("rerouting"):
            new = best_routes(scenario, analyses, tids, travel, sol, seconds=seconds,
                              deadline=until, deterministic=job.reproducible,
                              goals_found=goals, listed=listed, narrow=False)  # fmt: skip
            if new is None and until is not None and pricing() and too_wide(listed):
                new = priced_choice(scenario, analyses, tids, travel, sol, until, listed,
                                    pool=pool, rounds=TRAVEL_STAGE_ROUNDS)  # fmt: skip
                goals = {}  # (over priced routes: nothing proved)
        if new is None:
            return None
        proved.append(bool(goals) and all(g[2] for g in goals.values()))
        return new, goals

    def _later(sol: Solution) -> tuple[object, ...]:
        return later_goals(scenario, analyses, tids, travel, sol)

    sol: Solution | None
    tighter: int | None = None
    conditional: dict[str, int] | None = None
    deferred: Deferred | None = None  # the bounds, once rerouted
    searched = job.floor is not None and route_arcs(scenario, analyses, tids) > job.max_exact_arcs
    if searched:  # past one exact model
        sol, stages, deferred = search_part(scenario, job, travel, report, stop)
        failure = None
    else:
        first = ahead if job.reroute and way.ahead else None
        exact = (
            partial(
                cover_then_route,
                ahead=first,
                first_only=job.coverage_only,
                routes=routes if job.reroute and movable_part(scenario, analyses, tids) else None,
            )
            if job.pairwise
            else _routed
        )
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
            deadline=_exact_deadline(job, polish),
            stop=stop,
            by_priority=job.pairwise and by_priority(job),
        )
        if sol is not None and early and _later(early[0]) < _later(sol):
            sol = early[0]  # CP-SAT's later stages did not keep its hint's goals: the hint
        polish = polish and not job.coverage_only  # its share stays out of `budget` above
        if sol is not None and polish and not all(s.optimal for s in stages):
            sol, deferred = _polish(scenario, job, travel, sol, stages, stop)
    if sol is None:
        clash: list[str] = []
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
        return PartResult(None, stages, error, 0, unkept_pins=tuple(clash))
    if job.reroute and not all(s.optimal for s in stages):  # proved: nothing to gain
        until = outer.deadline
        overrun = min(FIRST_DESCENT_SECONDS, FIRST_DESCENT_SHARE * job.budget)
        if until is not None and deferred is not None:  # the bounds' time is kept: the first
            # descent's overrun comes out of rerouting's time, never out of theirs (at load 22
            # it took all of it on contended 7001, whose bound then said every normal task)
            until -= deferred.seconds
            overrun = min(overrun, max(0.0, until - time.time()))
            until -= overrun
        with clock.phase("rerouting", whole=True):
            began = time.time()
            after = pricing() and until is not None and deferred is None  # (the bounds
            # and the sweeps keep their time)
            near = not any(proved) and not (after and too_wide(listed))  # (proved: nothing
            # to gain; too wide: the routes near the plan's took 4.8 s of rerouting's 15 on
            # 7003 and gave up past NARROWED_IN_ALL, so priced routes replace them)
            last = searched and NEAR_PLAN_LAST  # ruin and recreate first
            if near and not last:
                sol = by_route_sets(scenario, outer, travel, sol, until, listed)
            sol = reroute(scenario, analyses, tids, travel, sol, deadline=until,
                          stop=stop, seed=job.seed, way=way, overrun=overrun)  # fmt: skip
            if near and last:
                sol = by_route_sets(scenario, outer, travel, sol, until, listed)
            if after and too_wide(listed) and until is not None:
                ends = min(until, began + outer.share * way.share)  # rerouting's share alone
                weighted = partial(weighted_coverage, scenario, outer)
                sol = priced_after(scenario, outer, travel, sol, ends, listed, stop=stop,
                                   weighted=weighted, pool=pool)  # fmt: skip
        if stop is not None and stop():
            raise Stopped
    if deferred is not None:  # with what rerouting left unused of its time too
        seconds = deferred.seconds
        if outer.deadline is not None and not job.reproducible:
            seconds = max(0.0, outer.deadline - time.time())
        mine = replace(job, deadline=outer.deadline)
        stages, tighter, conditional = deferred.finish(mine, sol, seconds)
    cover = stages[0]
    ceiling = sum(weights[scenario.tasks[t].priority] for t in tids)
    bound = cover.value if cover.optimal else int(min(ceiling, cover.bound + 1e-6))
    if tighter is not None:
        bound = min(bound, tighter)
    if deferred is not None and not job.reproducible:
        sol = _sweep_left(scenario, mine, travel, sol, bound, stop)
        if conditional is not None:  # (a bound per priority holds for the plan swept too)
            served = count_by_priority(scenario, sol.crews)
            conditional = {p: max(conditional[p], served[p]) for p in PRIORITIES}
        value = sum(weights[scenario.tasks[t].priority] for t in sol.crews)
        stages = [replace(cover, value=value), *stages[1:]]
        cover = stages[0]
    stepped = stepped_bounds(scenario, tids, sol, cover)
    if stepped is not None:
        conditional = stepped if conditional is None else {
            p: min(conditional[p], stepped[p]) for p in PRIORITIES
        }  # fmt: skip
    if bound <= sum(weights[scenario.tasks[t].priority] for t in sol.crews):
        conditional = count_by_priority(scenario, sol.crews)  # proved: what it serves
    return PartResult(sol, stages, None, bound, conditional)


FIRST_DESCENT_SHARE = 0.05
"""Rerouting's first descent may run past the deadline by this part of the whole budget (at
most `solver.reroute.FIRST_DESCENT_SECONDS`): it is most of rerouting's gain, and a coordinator
who asked for 20 s waits 1 s more, not 2."""

NEAR_PLAN_LAST = True
"""On a part past one exact model, rerouting's route sets (the routes near the plan's) run
after ruin and recreate, in the time it left, not before it: on the wide routing week 7093
they gave nothing and took 5.6-6.0 s of rerouting's 15 at load 5-6.5, 13.7-15.4 s at ~13,
leaving ruin and recreate, where the search's 7-11 pairs become 33-34, 1.4-1.8 s. In turn at
load 7-11 (6 pairs) 7093 ended 33.2 -> 33.0 pairs on average, travel 1,029 -> 995: ruin and
recreate's noise, as the old order still left it its 3,000 steps there (stop 23, C and C2)."""

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


def _exact_deadline(job: PartJob, polish: float) -> float | None:
    """When the exact model must end: with polishing after it and column generation's bound,
    early enough to leave the bounds their share of the polishing (POLISH_BOUND_SHARE), which
    the exact model's overrun took: on contended 7001 at 60 s its stages ended 6 s past
    their budget and column generation got 0.6 s (its bounds need 5 s at load 7)."""
    if job.deadline is None or not polish or not job.colgen:
        return job.deadline
    return job.deadline - job.share * polish * POLISH_BOUND_SHARE


def _polish(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    stages: list[StageResult],
    stop: StopFn | None,
) -> tuple[Solution, Deferred | None]:
    """The exact model's plan improved by neighbourhood search's polishing (each neighbourhood
    through every goal, so no goal gets worse), for the rest of the part's budget. When the
    coverage stage was not proved: coverage first, and POLISH_BOUND_SHARE of the time (without
    column generation BOUND_SHARE) kept for the bounds of `part_bounds_after` (returned, to be
    found once rerouted; else None)."""
    budget = job.share * POLISH_SHARE
    if job.deadline is not None:
        budget = min(budget, job.deadline - time.time())
    if budget <= 0.2:
        return sol, None
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
        return sol, None

    def finish(
        job: PartJob, plan: Solution, seconds: float
    ) -> tuple[list[StageResult], int | None, dict[str, int] | None]:
        bound, _, conditional = part_bounds_after(
            scenario, job, travel, plan, seconds, stop, planned=budget * share
        )
        return stages, bound, conditional

    return sol, Deferred(budget * share, finish)


SWEEP_LEFT_SECONDS = 1.0
"""`_sweep_left` runs when at least so much of the part's time is left."""


def _sweep_left(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    bound: int,
    stop: StopFn | None,
) -> Solution:
    """The time the bounds left before the part's deadline (wall clock) given to coverage
    sweeps (`solver.lns.Search.cover`), when the plan is below the bound: each result serves
    more (lexicographically), so the plan is better whatever its routes lose. Measured: on
    contended 7003 at 60 s (load 9) the bounds ended 11 s before the deadline while the plan
    served 55 normal tasks of the 60-66 the week allows."""
    left = 0.0 if job.deadline is None else job.deadline - time.time()
    value = sum(job.weights[scenario.tasks[t].priority] for t in sol.crews)
    if left < SWEEP_LEFT_SECONDS or value >= bound:
        return sol
    with clock.phase("search"):
        search = Search(scenario, job.analyses, job.tids, travel, job.weights, sol, budget=left,
                        workers=job.workers, seed=job.seed, deterministic=False,
                        deadline=job.deadline, stop=stop)  # fmt: skip
        search.cover()
    return search.best


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
    by_priority: bool = False,
) -> tuple[Solution | None, list[StageResult], str | None]:
    """Every goal on the routing model (`SolveOptions.pairwise` False; coverage weighted)."""
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
