"""A part's bounds once its plan is found and not proved (`solver.parts`): column generation
per volunteer (`solver.colgen`) first, then CP-SAT's relaxations, weighted (`solver.relax`) and
per priority (`solver.conditional`), each given a share of the bounds' time."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mutualaid.domain.model import Scenario
from mutualaid.travel import TravelModel
from solver import clock
from solver.colgen import ColumnBound, tighter
from solver.conditional import choose_focus, part_bounds
from solver.energy_bound import energetic_bounds, one_day
from solver.hours_bound import hours_bounds
from solver.relax import affordable, focused_bound
from solver.solution import Solution, count_by_priority
from solver.stages import StageResult, StopFn, Stopped

if TYPE_CHECKING:
    from solver.parts import PartJob

BOUND_SHARE = 0.25
"""The part of a large part's budget given to bounding its coverage (`solver.relax`) once
neighbourhood search has used the rest: without it the bound is static analysis's."""


COLGEN_SHARE = 0.75
"""Of the time for bounds, what column generation's bound per priority (`solver.colgen`) may
take first; what it leaves goes to CP-SAT's relaxations below. Most: at 60 s on the shared
machine (load 12) CP-SAT's per-priority model was mostly not built in time on contended and
district weeks, and with half column generation did not reach the normal tasks of contended
7001 (bound 95 where it gives 72 in time)."""

RELAXED_SHARE = 1 - COLGEN_SHARE
"""Of the time kept for the bounds, what CP-SAT's relaxations get at least after column
generation when the bounds have more than that time (`part_bounds_after`'s `planned`): on
contended weeks at 60 s they bounded nothing column generation had not (7001: 12.5 s of
relaxations after column generation's 3.4 s, load 8), while the plan was short."""

ENERGY = True
"""On a one-day part (`solver.energy_bound.one_day`), the energetic LP's bound per priority
(`solver.energy_bound`) first, with wall-clock budgets only (its rounds are timed by the
clock, so with a deterministic budget the bound would depend on the machine's load); False:
column generation's and CP-SAT's alone (the bench's before)."""

ENERGY_SHARE = 0.8
"""Of the time for bounds, what the energetic LP may take on a one-day part (the rest goes to
column generation and CP-SAT as before): on district 7004 its first two rounds bound normal
at 913 (4 s after its 2.5 s of building, load 10) where column generation's bound stayed at
every normal task (991) in its time."""

HOURS = True
"""The weekly hours' LP (`solver.hours_bound`) first, on a part whose pairs it takes and whose
people's hours cannot hold a visit for every place of its tasks (`short_of_hours`), with
wall-clock budgets only (a GLOP solve cut by the clock would make the bound depend on the
load); False: not run (the bench's before). On the hours-tiny large week (600 volunteers of
0-1.5 h, 2,000 tasks, load 8) it bounds urgent at 345 and, given the plan's urgent, high at
127, normal at 102 and low at 94, where column generation left 348-401/429/426/415 in its
time."""

HOURS_SHARE = 0.5
"""Of the time for bounds, what the weekly hours' LP may take (the rest as before)."""

POLISH_BOUND_SHARE = 0.5
"""Of the polishing time after an exact model that did not prove coverage, what goes to the
bounds when column generation is one of them (BOUND_SHARE, a quarter, without): 4 s of a
60 s contended week, under load, did not reach its normal and low tasks."""

WHOLE_FIRST = False
"""On a part that is not one day, with wall-clock budgets, the pairwise model of the whole part
per priority (`solver.conditional.BoundModel`) first, for WHOLE_SHARE of the bounds' time,
when it is built in at most WHOLE_BUILD of it; column generation and the relaxations then get
what it left (False: column generation first). Off: it lost. Offline on contended 7005 (dense,
43k routing arcs) that model, given 17/72 and its whole time, bounded normal at 133 after 6 s
and 128 after 92 s (load 6.5-11; `bench/contended_truth.py`), where column generation stays
at 134-137; but in the planner at 60 s (load 11.5) its share, split over the open priorities,
gave nothing, and column generation in what it left stopped short: 17/72/165/61 against
17/72/137/45 (3.66% -> 8.82%; docs/engine-on-unseen-weeks.md, stop 25, helper B)."""

WHOLE_SHARE = 0.6

WHOLE_BUILD = 0.5

CONDITIONAL_SHARE = 0.6
"""Of the time for bounds, what goes to the bound per priority (`solver.conditional`); the rest
to the bound on weighted coverage (`solver.relax`). Once the plan falls short at a priority,
only the first says anything about the priorities below."""


Finish = Callable[
    ["PartJob", Solution, float], tuple[list[StageResult], int | None, dict[str, int] | None]
]


@dataclass(frozen=True)
class Deferred:
    """A part's bounds, left until its routes are rerouted (`solver.parts`): rerouting never
    changes what is served, and often ends before its deadline, which the bounds then use
    too. On contended 7001 at 60 s (load 9) column generation got 2.3 s and rerouting left 8.6
    s of the part's time unused; its normal and low bounds converge in about 5 s."""

    seconds: float
    """The time kept for them (CP-SAT's deterministic time when the budget is)."""
    finish: Finish
    """finish(job, plan, seconds): the part's stages, a bound on its weighted coverage tighter
    than the stages' (None: none) and its bounds per priority (None: none)."""


def part_bounds_after(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    budget: float,
    stop: StopFn | None,
    planned: float | None = None,
) -> tuple[int | None, bool, dict[str, int] | None]:
    """A part's bounds once its plan is found (and not proved): on its weighted coverage
    (`solver.relax`, and whether that meets the plan's; None: no better than the caller's),
    then per priority (`solver.conditional`, None when proved or when no focus could be built
    in time). When the whole part's model can be built, all the time goes to it: the weighted
    bound of a focus is then no better than the one per priority. When the solve's deadline
    passes while a bound's model is built: no bound (None, False, None). `planned`: the time
    kept for them, when `budget` is more (what rerouting left): column generation may take
    the whole budget, CP-SAT's relaxations after it what they would have had of `planned`
    (at least RELAXED_SHARE of it), and the rest is left to the caller."""
    with clock.phase("bounds", whole=True):
        return _bounds(scenario, job, travel, sol, budget, stop, planned)


def _bounds(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    budget: float,
    stop: StopFn | None,
    planned: float | None = None,
) -> tuple[int | None, bool, dict[str, int] | None]:
    if stop is not None and stop():
        raise Stopped
    started = time.monotonic()
    value = sum(job.weights[scenario.tasks[t].priority] for t in sol.crews)
    columns = None
    whole_done = False  # (WHOLE_FIRST's model: not built twice)
    if HOURS and not job.reproducible:
        columns = hours_bounds(scenario, job.analyses, job.tids, sol,
                               budget=budget * HOURS_SHARE, deadline=job.deadline)  # fmt: skip
        if columns == count_by_priority(scenario, sol.crews):
            return value, True, columns
        budget -= time.monotonic() - started
        started = time.monotonic()
    if ENERGY and not job.reproducible and one_day(job.analyses, job.tids):
        energetic = energetic_bounds(
            scenario, job.analyses, job.tids, travel, sol, budget=budget * ENERGY_SHARE,
            deadline=job.deadline,
        )  # fmt: skip
        columns = tighter(columns, energetic)
        if columns == count_by_priority(scenario, sol.crews):
            return value, True, columns
        budget -= time.monotonic() - started
        started = time.monotonic()
    elif WHOLE_FIRST and not job.reproducible:
        whole = _whole_first(scenario, job, travel, sol, budget * WHOLE_SHARE, stop)
        if whole == count_by_priority(scenario, sol.crews):
            return value, True, whole
        columns, whole_done = tighter(columns, whole), whole is not None
        budget -= time.monotonic() - started
        started = time.monotonic()
    if job.colgen:  # first: an LP, quick and (on hours against crews) the tightest
        try:
            lp = ColumnBound(scenario, job.analyses, job.tids, travel)
            columns = tighter(columns, lp.bounds(sol, budget=budget * COLGEN_SHARE,
                                deterministic=job.reproducible, deadline=job.deadline))  # fmt: skip
        except clock.OutOfTime:  # building its master LP was cut: no bound from it
            return None, False, None
        if columns == count_by_priority(scenario, sol.crews):
            return value, True, columns
        used = lp.seconds(job.reproducible, time.monotonic() - started)
        budget -= used  # the rest: CP-SAT's
        if planned is not None:
            budget = min(budget, max(planned - used, planned * RELAXED_SHARE))
        started = time.monotonic()
    try:
        return _relaxations(scenario, job, travel, sol, budget, stop, columns, started, value,
                            whole_done)  # fmt: skip
    except clock.OutOfTime:  # a relaxation's model was cut: column generation's bound alone
        return None, False, columns


def _whole_first(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    budget: float,
    stop: StopFn | None,
) -> dict[str, int] | None:
    """`WHOLE_FIRST`'s bounds per priority, None when the whole part's model would not be
    built in WHOLE_BUILD of `budget`."""
    if not affordable(scenario, job.analyses, job.tids, 3 * WHOLE_BUILD * budget):
        return None
    try:
        return part_bounds(
            scenario, job.analyses, job.tids, travel, job.weights, sol, budget=budget,
            workers=job.workers, seed=job.seed, deterministic=False, deadline=job.deadline,
            stop=stop, build_share=WHOLE_BUILD,
        )  # fmt: skip
    except clock.OutOfTime:  # its building was cut: no bound from it
        return None


def _relaxations(
    scenario: Scenario,
    job: PartJob,
    travel: TravelModel,
    sol: Solution,
    budget: float,
    stop: StopFn | None,
    columns: dict[str, int] | None,
    started: float,
    value: int,
    whole_done: bool = False,
) -> tuple[int | None, bool, dict[str, int] | None]:
    """CP-SAT's relaxations after column generation's bound (`columns`, None without one);
    the whole part's model unless `whole_done` (`WHOLE_FIRST` built it)."""
    whole = None
    if not whole_done:
        whole = choose_focus(scenario, job.analyses, job.tids, sol, budget / 2, whole_only=True)
    if whole is not None:  # the whole part's model bounds weighted coverage no better
        whole_bounds = part_bounds(
            scenario, job.analyses, job.tids, travel, job.weights, sol, budget=budget,
            workers=job.workers, seed=job.seed, deterministic=job.reproducible,
            deadline=job.deadline, stop=stop,
        )  # fmt: skip
        conditional = tighter(whole_bounds, columns)
        if conditional == count_by_priority(scenario, sol.crews):
            return value, True, conditional  # lexicographically the best: proved
        return None, False, conditional
    bound, proved = focused_bound(
        scenario, job.analyses, job.tids, travel, job.weights, sol,
        budget=budget * (1 - CONDITIONAL_SHARE), workers=job.workers, seed=job.seed,
        deterministic=job.reproducible, deadline=job.deadline,
    )  # fmt: skip
    if proved:
        return bound, proved, None  # (the plan meets it: nothing is tighter)
    left = budget * CONDITIONAL_SHARE
    if not job.reproducible:  # what the weighted bound left unused goes on here
        left = budget - (time.monotonic() - started)
        if job.deadline is not None:
            left = min(left, job.deadline - time.time())
    focus = choose_focus(scenario, job.analyses, job.tids, sol, left / 2)
    if focus is None:
        return bound, proved, columns
    conditional = part_bounds(
        scenario, job.analyses, job.tids, travel, job.weights, sol, focus=focus, budget=left,
        workers=job.workers, seed=job.seed, deterministic=job.reproducible,
        deadline=job.deadline, stop=stop,
    )  # fmt: skip
    return bound, proved, tighter(conditional, columns)
