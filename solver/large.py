"""A part too large for one routing model (`solver.parts`: more routing arcs than
`max_exact_arcs`), from greedy's floor: coverage first by neighbourhood search on pairwise
neighbourhoods, proved where a bound meets it (`_quick_cover`); else on the pairwise model of the
whole part when that can be built in time (`_cover_first`), else with the top priorities alone
first (`_top_first`); then neighbourhood search and the part's bounds (`part_bounds_after`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.travel import TravelModel
from solver import clock, hours_assign
from solver.analysis import TaskAnalysis, route_arcs
from solver.by_priority import by_priority
from solver.coverage import CoverageModel
from solver.energy_bound import one_day
from solver.greedy import greedy_plan, scarcest_first_plan
from solver.lns import Search, improve
from solver.part_bounds import BOUND_SHARE, Deferred, part_bounds_after
from solver.push import push_in
from solver.relax import affordable, focused_bound
from solver.solution import Solution, count_by_priority
from solver.stages import ProgressFn, StageResult, StopFn, built_in_time, staged_solve

if TYPE_CHECKING:
    from solver.parts import PartJob


TOP_SHARE = 0.15
"""The part of a large part's budget given to its urgent and high tasks alone (`_top_first`)
before neighbourhood search."""

TOP = PRIORITIES[:2]

TOP_WIDE, TOP_GAP = 0.65, 0.03
"""The top tasks' share when greedy's floor leaves at least `TOP_GAP` of the part's top tasks
unserved: the district one-day weeks (7004: 23 of 449, 5.1%; 7010: 4.3%), where 15% (6.6 s at
60 s) is less than `affordable` asks to build their model (101k and 121k arcs: 20 and 24 s), so
it never ran; given 26 and 28 s it served 88/354 (proved) and 75/386 (colgen's bound) in 7.7
and 8.5 s (load 3-4). 60% was 0.2 s short on 7010. Elsewhere 0.4-1.2% (7001-7003). What the
top model does not use goes back to the search."""

SHARE_BY_GAP = True
"""`TOP_WIDE` by the floor's gap, and the top model's unused time back to the search (False:
`TOP_SHARE` always, none given back; bench/top_share.py compares both)."""


def top_share(scenario: Scenario, job: PartJob, floor: Solution) -> float:
    """The part of the part's budget `_top_first` may take, by how many of the part's top
    tasks greedy's floor leaves unserved (seen before any search)."""
    top = [t for t in job.tids if scenario.tasks[t].priority in TOP]
    if not SHARE_BY_GAP or not top:
        return TOP_SHARE
    unserved = sum(t not in floor.crews for t in top) / len(top)
    return TOP_WIDE if unserved >= TOP_GAP else TOP_SHARE


def scarcest_first(
    scenario: Scenario,
    analyses: dict[str, TaskAnalysis],
    travel: TravelModel,
    fixed: Solution,
) -> Solution:
    """`scarcest_first_plan`, or `fixed` as it is when the solve's time ends first."""
    try:
        return scarcest_first_plan(scenario, analyses, travel, fixed=fixed)
    except clock.OutOfTime:
        return fixed


def _top_first(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    floor: Solution,
    budget: float,
    stop: StopFn | None,
) -> tuple[Solution, int | None, float]:
    """The part's urgent and high tasks alone on the pairwise model (exact routes, so its plan
    is a valid partial plan), greedy fitting the rest around it; kept when it serves more, by
    the coverage weights, than `floor`. Neighbourhood search moves up to 40 tasks at once: a
    high task that needs a longer chain of moves is found here. Also a bound on the part's
    weighted coverage (`solver.relax`: a focus set of the top tasks, every other counted as
    served), when CP-SAT gave one; and the time the model took (CP-SAT's deterministic time
    when the budget is). The rest is fitted by greedy and scarcest first (`solver.greedy`),
    the better kept: on district 7004 scarcest first fitted 586 normal tasks around the
    model's plan where greedy fitted 543.

    The part's pinned tasks go into the model too, whatever their priority: it holds their
    pins, and greedy keeps them as fixed. Left out, greedy could not seat a pinned lower task
    around the top model's plan, so a part with pins (every wide week keeps its pins) never
    ran the model: on contended 7003 the plan stayed a high task short of the bound."""
    weights, analyses = job.weights, job.analyses
    top = [t for t in job.tids if scenario.tasks[t].priority in TOP]
    if not top or all(t in floor.crews for t in top):
        return floor, None, 0.0
    pinned = {p.task for p in scenario.pinned if p.task in analyses}
    top += sorted(t for t in pinned if t not in set(top))
    if job.deadline is not None:
        budget = min(budget, job.deadline - time.time())
    if budget <= 0.05 or not affordable(scenario, analyses, top, budget):
        return floor, None, 0.0
    building = time.monotonic()
    model = CoverageModel(scenario, analyses, top, travel, weights)
    sol, stages, _ = staged_solve(
        model, floor, budget=budget, workers=job.workers, seed=job.seed,
        stages_wanted=("coverage",), deterministic=job.deterministic, deadline=job.deadline,
        stop=stop,
    )  # fmt: skip
    spent = sum(st.work for st in stages) if job.reproducible else time.monotonic() - building
    if sol is None:
        return floor, None, spent

    def value(tids: Iterable[str]) -> int:
        return sum(weights[scenario.tasks[t].priority] for t in tids)

    bound = None
    if stages and math.isfinite(stages[0].bound):
        found = stages[0].value if stages[0].optimal else int(stages[0].bound + 1e-6)
        bound = value(job.tids) - value(top) + min(found, value(top))
    refilled = max(
        (fill(scenario, analyses, travel, fixed=sol) for fill in (greedy_plan, scarcest_first)),
        key=lambda plan: value(plan.crews),
    )  # the first when equal
    better = value(refilled.crews) > value(floor.crews) and _pins_kept(scenario, refilled, pinned)
    return (refilled if better else floor), bound, spent


def _pins_kept(scenario: Scenario, sol: Solution, tasks: set[str]) -> bool:
    """Whether `sol` serves each of `tasks` by the volunteers pinned to it."""
    return all(
        set(p.volunteers) <= {a.id for a in sol.crews.get(p.task, ())}
        for p in scenario.pinned
        if p.task in tasks
    )


QUICK_SHARE = 0.3
"""The part of a large part's budget `_quick_cover` may take before the pairwise model of the
whole part is built."""

QUICK_BOUND_SHARE = 0.5
"""Of what `_quick_cover` has left when its sweeps stop gaining, what its bound may take."""

QUICK_FLOOR = 0.9
"""`_quick_cover` is tried when greedy's floor serves at least this part of the part's tasks
(the wide weeks: 97-99%): a few unserved tasks, each a neighbourhood or two. Below it (the
contended weeks: 40-70%) the part takes the path it took before, whose bounds get a quarter of
its budget."""


def _quick_cover(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    floor: Solution,
    budget: float,
    report: ProgressFn | None,
    stop: StopFn | None,
) -> tuple[Solution, StageResult | None, int | None, float]:
    """Coverage by neighbourhood search alone (`solver.lns.Search.cover`: each unserved task
    with the tasks that hold its people, on the pairwise model with every other visit fixed),
    and, each time a sweep stops gaining, a bound: static analysis's (every task served) or
    the relaxation on focus sets about the unserved tasks (`solver.relax.focused_bound`). The
    plan (a valid whole plan, no worse than `floor`), its coverage stage when a bound met it
    (else None), the least bound found (None: none), and the budget spent (CP-SAT's
    deterministic time when reproducible). Not tried (the floor, None, None, 0) when the floor
    serves less than QUICK_FLOOR of the part.

    Neither model is the whole part's, so nothing waits for a large model to be built and
    presolved. Measured on the wide-window weeks (bench/unseen.py 7009, 7015, 7021: 182-189
    tasks, 79k-127k routing arcs, floor 2-4 tasks short; 2 workers, load 10): the sweeps reach
    the optimum in 1.6-3.4 s (the pairwise model of the whole part took 3.3-5.3 s to build
    and 5-8 s more to presolve), and the focus sets prove it in about 1.5 s where a task
    stays unserved."""
    if len(floor.crews) < QUICK_FLOOR * len(job.tids):
        return floor, None, None, 0.0
    started = time.monotonic()
    weights = job.weights

    def value(sol: Solution) -> int:
        return sum(weights[scenario.tasks[t].priority] for t in sol.crews)

    def served_of(sol: Solution) -> None:
        if report is not None:
            report(count_by_priority(scenario, sol.crews), 0.0)

    ceiling = sum(weights[scenario.tasks[t].priority] for t in job.tids)
    search = Search(scenario, job.analyses, job.tids, travel, weights, floor, budget=budget,
                    workers=job.workers, seed=job.seed, report=served_of,
                    deterministic=job.deterministic, deadline=job.deadline, stop=stop)  # fmt: skip
    met: list[int] = []  # the bounds found, least last
    bounded: set[int] = set()

    def settled(sol: Solution) -> bool:
        got = value(sol)
        if got == ceiling:  # every task static analysis allows
            met.append(got)
            return True
        share = search.left() * QUICK_BOUND_SHARE
        if got in bounded or share <= 0.05:
            return False
        bounded.add(got)
        bound, proved = focused_bound(
            scenario, job.analyses, job.tids, travel, weights, sol, budget=share,
            workers=job.workers, seed=job.seed, deterministic=job.reproducible,
            deadline=job.deadline,
        )  # fmt: skip
        if job.reproducible:  # (the clock counts itself)
            search.spent += share
        if not met or bound < met[-1]:
            met.append(bound)
        return proved

    search.cover(settled)
    spent = search.spent if job.reproducible else time.monotonic() - started
    found = value(search.best)
    if not met or met[-1] > found:
        return search.best, None, (met[-1] if met else None), spent
    seconds = time.monotonic() - started
    stage = StageResult("coverage", found, met[-1], True, seconds, spent)
    return search.best, stage, met[-1], spent


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
    share, or when its building runs past the budget (wall clock; checked between
    volunteers). Measured on a wide-window week (bench/unseen.py seed 7009, 182 tasks, 79k routing
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
    until = None if job.reproducible else time.time() + budget  # (budget <= the deadline's)

    def build() -> CoverageModel:
        return CoverageModel(scenario, job.analyses, job.tids, travel, job.weights,
                             knapsacks=by_priority(job))  # fmt: skip

    model = built_in_time(build, until, stop)
    if model is None:  # its building alone would eat the budget: the path before
        return None
    built = time.monotonic() - building
    if not job.reproducible:  # a deterministic budget stays as it is, for reproducibility
        budget -= built
    sol, stages, _ = staged_solve(
        model, floor, budget=max(0.05, budget), workers=job.workers, seed=job.seed,
        report=report, deterministic=job.deterministic, deadline=job.deadline, stop=stop,
        by_priority=by_priority(job), whole=True,
    )  # fmt: skip
    if sol is None or not stages:
        return None
    stages = [replace(stages[0], seconds=stages[0].seconds + built), *stages[1:]]
    return sol, stages


CHAINS = True
"""Whether a large part's insertion (`solver.push`) goes on to ejection chains when the solve
is not reproducible (False: one deep, as before)."""

CHAIN_DEPTH = 4
"""How deep those chains go (`push_in`'s `depth`; the order of their passes is
`solver.push.chain_passes`)."""

CHAIN_TASKS = 1000
"""Chains run on parts of at least so many tasks: on the contended one-day week 7004 (250
tasks in its part) they served a normal task or two fewer in both pairs measured (30 / 31 and
31 / 33 normal, load 12-16 and 1.5), where the sweeps' neighbourhoods reach most of the part in
the time; the district one-day parts have about 1,770."""

DEEP_SHARE, DEEP_AFTER_SHARE = 0.6, 0.15
"""Of the search's time, what ejection chains (`solver.push`, `depth`) may take before the
sweeps and after them. Measured on district 7004 (load 7-8): from the top model's refill
chains up to three deep seat about 110 normal tasks in 7 s, four deep 13 more in the next
14 s, where the sweeps after them seated 2 normal tasks and 4 low ones in 8.7 s; stop 22
gave them 0.25 and 0.1 (two deep, about 5 s a call)."""


def _chains(job: PartJob, seconds: float) -> dict[str, Any]:
    """`push_in`'s `depth` and `until` for `job`: chains on a large one-day part only (elsewhere
    greedy and the sweeps leave few tasks that a chain serves: the part takes the path it took
    before), never in a reproducible solve (they are cut by the wall clock), for `seconds` at
    most and never past the part's deadline."""
    if job.reproducible or not CHAINS or len(job.tids) < CHAIN_TASKS:
        return {"depth": 1}
    if not one_day(job.analyses, job.tids):
        return {"depth": 1}
    until = time.time() + seconds
    if job.deadline is not None:
        until = min(until, job.deadline)
    return {"depth": CHAIN_DEPTH, "until": until}


def search_part(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    report: ProgressFn | None,
    stop: StopFn | None,
) -> tuple[Solution, list[StageResult], Deferred | None]:
    """A part too large for one routing model, from its floor (see the module's docstring):
    the plan, its stages (coverage optimal when a bound meets the plan) and, when its coverage
    is not proved, its bounds (`part_bounds_after`) left to be found once it is rerouted: the
    stages, its coverage bound among them, and the bounds per priority they give."""
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
        sol = mine
        if not job.coverage_only:  # polishing keeps coverage: a check needs none
            sol = improve(scenario, analyses, part, travel, weights, mine, budget=budget,
                          workers=job.workers, seed=job.seed, report=served_of,
                          deterministic=job.deterministic, deadline=job.deadline, stop=stop,
                          cover=False)  # fmt: skip
        waited = sum(scenario.tasks[t].waited for t in part)  # all served: at its most too
        later = [StageResult(n, 0, 0, False, 0.0) for n in scenario.settings.objective_order]
        return sol, [at_most, StageResult("waited", waited, waited, True, 0.0), *later], None
    mine, budget = hours_assign.assigned_first(scenario, job, travel, mine, budget)
    mine, quick, quick_bound, spent = _quick_cover(
        scenario, job, travel, mine, budget * QUICK_SHARE, report, stop
    )
    waits = [scenario.tasks[t].waited for t in part if scenario.tasks[t].waited]
    waited = sum(scenario.tasks[t].waited for t in mine.crews)
    if quick is not None and waited == sum(waits):
        # proved, and every task that waited is served: waiting is at its most too; the rest
        # of the budget polishes the later goals from this plan (which keeps its coverage)
        sol = mine
        if not job.coverage_only:  # polishing keeps coverage: a check needs none
            sol = improve(scenario, analyses, part, travel, weights, mine,
                          budget=max(0.05, budget - spent), workers=job.workers, seed=job.seed,
                          deterministic=job.deterministic, deadline=job.deadline, stop=stop,
                          cover=False)  # fmt: skip
        later = [StageResult(n, 0, 0, False, 0.0) for n in scenario.settings.objective_order]
        return sol, [quick, StageResult("waited", waited, waited, True, 0.0), *later], None
    budget = max(0.05, budget - spent)
    # the solve's time may end while either model below is weighed or built (`solver.clock`):
    # the plan so far (perhaps the sweeps', better than greedy's) is then kept, not dropped
    try:
        covered = _cover_first(scenario, job, travel, mine, budget * COVER_SHARE, report, stop)
    except clock.OutOfTime:
        covered = None
    if covered is not None and covered[1][0].optimal:
        # proved on the pairwise model of the whole part: what is left polishes the later
        # goals from its plan, which keep its coverage and waiting (lexicographic)
        sol, stages = covered
        spent = sum(st.work if job.reproducible else st.seconds for st in stages)
        left = budget - spent
        if not job.coverage_only:  # polishing keeps coverage: a check needs none
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
        share = top_share(scenario, job, mine)
        try:
            mine, top_bound, spent = _top_first(scenario, job, travel, mine, budget * share, stop)
        except clock.OutOfTime:
            top_bound, spent = None, 0.0
        budget -= min(spent, budget * share) if SHARE_BY_GAP else budget * share
        cover_bound = None
    searching = budget * (1 - BOUND_SHARE)
    search_deadline = job.deadline
    if job.deadline is not None:  # leave the bound its share of the time that is left
        search_deadline = time.time() + max(0.0, job.deadline - time.time()) * (1 - BOUND_SHARE)
    mine = push_in(scenario, analyses, travel, mine, part, **_chains(job, searching * DEEP_SHARE))
    sol = improve(scenario, analyses, part, travel, weights, mine, budget=searching,
                  workers=job.workers, seed=job.seed, report=served_of,
                  deterministic=job.deterministic, deadline=search_deadline, stop=stop,
                  polish=not job.coverage_only)  # fmt: skip
    sol = push_in(scenario, analyses, travel, sol, part,  # what the sweeps left unserved
                  **_chains(job, searching * DEEP_AFTER_SHARE))  # fmt: skip
    bounding = budget * BOUND_SHARE
    if job.deadline is not None and not job.reproducible:  # what the search left unused too
        bounding = max(bounding, job.deadline - time.time())
    goals = ("waited", *scenario.settings.objective_order)
    later = [StageResult(name, 0, 0, False, 0.0) for name in goals]
    seconds = time.monotonic() - started

    def stages_of(
        plan: Solution, found: int | None, proved: bool, spent: float
    ) -> list[StageResult]:
        value = sum(weights[scenario.tasks[t].priority] for t in plan.crews)
        bound = ceiling if found is None else found
        for other in (top_bound, cover_bound, quick_bound):
            if other is not None and other < bound:
                bound, proved = other, other <= value
        return [StageResult("coverage", value, bound, proved, seconds + spent), *later]

    def finish(
        job: PartJob, plan: Solution, budget: float
    ) -> tuple[list[StageResult], int | None, dict[str, int] | None]:
        began = time.monotonic()  # (`bounding` is the seconds kept for these bounds)
        found, proved, conditional = part_bounds_after(
            scenario, job, travel, plan, budget, stop, planned=bounding
        )
        return stages_of(plan, found, proved, time.monotonic() - began), None, conditional

    if job.coverage_only:  # the bounds change no plan: a check (`coverage_only`) needs none
        return sol, stages_of(sol, None, False, 0.0), None
    return sol, stages_of(sol, None, False, 0.0), Deferred(bounding, finish)
