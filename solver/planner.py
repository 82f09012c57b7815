"""The planner: a scenario in, a plan out. Static analysis prunes, greedy gives a floor and a
complete hint, CP-SAT solves each independent part lexicographically (`solver.parts.solve_part`:
one after another, or mapped by the caller, e.g. onto a cluster), and the parts' solutions are
assembled into one plan with the bound their coverage stages prove.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, replace

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.domain.plan import Plan
from mutualaid.messages import msg, say
from mutualaid.travel import HaversineTravel, TravelModel
from solver import clock, settle, shared_week
from solver.analysis import Analyzer, TaskAnalysis
from solver.conditional import PartBounds, combine
from solver.greedy import greedy_plan
from solver.parts import MapParts, PartJob, PartResult, solve_part
from solver.reroute import REROUTING, Rerouting
from solver.solution import Solution, build_plan, count_by_priority, figures, weighted_gap
from solver.stages import StopFn, Stopped, coverage_weights, split_bound

Progress = Callable[[dict[str, int], dict[str, int], float], None]
"""progress(best served per priority, coverage bound per priority, elapsed seconds); the bound
is what static analysis proves (tasks someone could serve on their own)."""


MAX_EXACT_ARCS = 40_000
"""Parts whose routing model would need more arcs than this are improved by neighbourhood
search instead of one exact model (building and searching it would eat the whole budget)."""


ASSEMBLY_SECONDS_PER_TASK = 0.0005
"""What the parts leave of a wall-clock budget, per task of the week (at most a tenth of it), for
assembling the plan (routes, figures, reasons): 1-2 s on a 2,000-task district at load 10
(bench/overrun.py's `assembly`)."""

CHECK_SECONDS_PER_UNSERVED = 0.001
"""What the parts leave too, per task greedy's plan leaves unserved, for the safety net every
caller runs on the plan (`mutualaid.validation`: each unserved task's reason is worked out again
from first principles, the costliest of its checks): on a 2,000-task week of people giving an
hour, 1,650-1,665 unserved, it took 0.8-2.0 s at load 6-7. The plan serves at least greedy's,
so its unserved are at most these. With ASSEMBLY_SECONDS_PER_TASK, at most a tenth of the
budget."""


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float | None = None
    """The budget in seconds; the scenario's settings.time_limit_seconds when None."""
    workers: int = 8
    """CP-SAT search workers; 1 (with `deterministic`) makes the plan reproducible."""
    seed: int | None = None
    max_exact_arcs: int = MAX_EXACT_ARCS
    """Parts with more routing arcs than this use neighbourhood search (0: always)."""
    deterministic: bool | None = None
    """True: the budget is counted in CP-SAT's deterministic time, fixed in advance for each
    part and stage, so one worker and one seed always give the same plan, however loaded the
    machine (which may then take several times the budget in wall time). False: the budget is
    one wall-clock deadline over the whole solve, analysis and greedy included, shared by every
    part and stage (what the service uses: the time a coordinator waits). None: True with one
    worker."""

    since: float | None = None
    """With a wall-clock budget, when (`time.time()`) it began, e.g. when the plan was claimed
    (its loading then counts too); None: when `solve` is called."""

    @property
    def reproducible(self) -> bool:
        return self.deterministic if self.deterministic is not None else self.workers == 1

    pairwise: bool = True
    """Coverage and waiting on the model without routes (`solver.coverage`); False solves
    every goal on the routing model, as before (kept to measure the two side by side)."""

    reroute: bool = True
    """After CP-SAT, the routes improved by local search (`solver.reroute`); False keeps
    CP-SAT's (kept to measure the two side by side)."""

    colgen: bool = True
    """A part's bounds include column generation's (`solver.colgen`); False leaves it out
    (kept to measure the two side by side)."""

    rerouting: Rerouting = REROUTING
    """How routes are rerouted (`solver.reroute.Rerouting`); `AS_BEFORE` is the way before
    string ruins, threshold accepting and rerouting ahead of the later stages (kept to
    measure the two side by side)."""

    by_priority: bool = True
    """Coverage on the pairwise model one priority at a time (urgent, then high ...: see
    `solver.stages`); False maximises the weighted sum in one search, as before (kept to
    measure the two side by side)."""

    coverage_only: bool = False
    """Stop each part after the goals of the model without routes (coverage, waiting): its
    plan is then the pairwise model's, no rerouting or polishing. Those stages run exactly
    as in the whole solve (the same budgets, hint and seed), and every later step holds
    coverage at least where they left it: with a deterministic budget the whole solve's
    coverage is this plan's or better (`solver.suggest_verify` asks no more)."""

    enough: tuple[int, ...] | None = None
    """With `coverage_only`: the coverage (urgent first) that is enough. When greedy's floor
    keeps every pin and serves that much, it is the plan, unsearched: every part of the whole
    solve starts from the floor as a hint and keeps its coverage at least (CP-SAT's
    constraint, or the floor itself when out of time), so the whole solve serves that much or
    more. With a deterministic budget, once what is found proves the whole solve will serve
    that much, the solve ends there: raises `solver.settle.Settled` (see that module)."""


def allowed(scenario: Scenario, analyses: Mapping[str, TaskAnalysis]) -> dict[str, int]:
    """Per priority, how many tasks static analysis allows (no reason 1-4): what coverage can
    reach at most, and what the week's coverage weights (`coverage_weights`) count."""
    return count_by_priority(scenario, (t for t, a in analyses.items() if a.reason is None))


def analyse(scenario: Scenario, travel: TravelModel | None = None) -> dict[str, TaskAnalysis]:
    return Analyzer(scenario, travel).analyse_all()


def components(analyses: dict[str, TaskAnalysis]) -> list[list[str]]:
    """Tasks that share no candidate volunteer can be planned apart (union-find on people)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for tid, a in analyses.items():
        if a.reason is not None:
            continue
        find("t:" + tid)
        for v in sorted(a.candidates):
            parent[find("t:" + tid)] = find("v:" + v)
    groups: dict[str, list[str]] = defaultdict(list)
    for tid, a in analyses.items():
        if a.reason is None:
            groups[find("t:" + tid)].append(tid)
    return sorted(groups.values(), key=lambda g: (len(g), g[0]))


def _honours_pins(scenario: Scenario, sol: Solution, tids: list[str]) -> bool:
    mine = set(tids)
    for pin in scenario.pinned:
        if pin.task in mine:
            crew = {a.id for a in sol.crews.get(pin.task, ())}
            if not set(pin.volunteers) <= crew:
                return False
    return True


def _pin_problems(
    scenario: Scenario, analyses: dict[str, TaskAnalysis]
) -> tuple[list[str], list[str]]:
    """Why pins cannot hold on their own (sentences), and their tasks (ids, in order)."""
    out, tasks = [], []
    for pin in scenario.pinned:
        a = analyses[pin.task]
        if a.reason is not None:
            detail = say(a.detail)
            out.append(msg("pin_task_impossible", task=pin.task, reason=a.reason, detail=detail))
            tasks.append(pin.task)
            continue
        for vid in pin.volunteers:
            if vid not in a.candidates:
                out.append(msg("pin_never_in_crew", id=vid, task=pin.task))
                tasks.append(pin.task)
    return out, list(dict.fromkeys(tasks))


def greedy(scenario: Scenario) -> Plan:
    """The greedy planner alone, as a Plan (never proved optimal)."""
    started = time.monotonic()
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    sol = greedy_plan(scenario, analyses, travel)
    totals = figures(scenario, sol, travel).tasks
    bound = {p: totals[p] for p in PRIORITIES}
    plan = build_plan(
        scenario, sol, analyses, travel, status="feasible", bound=bound, started=started
    )
    return plan


@dataclass(frozen=True)
class _Prepared:
    """What every part's solve and the assembly of the plan share."""

    started: float
    budget: float
    deadline: float | None
    """When the parts must end (`time.time()`) with a wall-clock budget: the whole solve's
    end less the assembly's reserve; None when the budget is deterministic time."""
    travel: TravelModel
    analyses: dict[str, TaskAnalysis]
    floor: Solution
    possible: dict[str, int]
    """Tasks per priority that static analysis allows."""
    weights: dict[str, int]
    jobs: list[PartJob]
    """One per independent part, with a share of the budget fixed by its size."""
    sizes: list[int]


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    progress: Progress | None = None,
    map_parts: MapParts | None = None,
    stop: StopFn | None = None,
    out_of_time: StopFn | None = None,
    phases: dict[str, float] | None = None,
) -> Plan:
    """The best plan CP-SAT finds in the budget, never worse than greedy's. With a wall-clock
    budget (see SolveOptions.deterministic) the budget runs from this call: a part that has no
    time left keeps greedy's plan, and work under way when the deadline passes (building a
    model, a bound) is cut at its next step (`solver.clock`), the part keeping the best plan
    it had. `out_of_time()` true ends the time before the deadline (tests: after N checks).
    `phases`, when given, is filled with the seconds each phase took (`clock.Clock.phases`;
    the parts solved elsewhere summed in).
    Raises Stopped once `stop()` is true (checked between steps, and every STOP_POLL_SECONDS
    while CP-SAT searches; parts on a map stop when the map is closed).

    The independent parts are solved one after another, or through `map_parts` when given and
    there are two or more: then each part's share of the budget is fixed by its size (as it
    always is with one worker, so with one worker the plan is the same either way), and
    progress (the parts finished so far) is reported as each part finishes and at each tick
    of the map, rather than during a part's search.
    """
    options = options or SolveOptions()
    with clock.running(clock.Clock(expired=out_of_time)) as timer:
        prepared = _prepare(scenario, options, progress, stop)
        if isinstance(prepared, Plan):
            return prepared
        if map_parts is None or len(prepared.jobs) < 2:
            results = _solve_in_turn(scenario, options, prepared, progress, stop)
        else:
            results = _solve_mapped(scenario, prepared, map_parts, progress)
        with timer.phase("assembly"):
            plan = _assemble(scenario, prepared, results)
    if phases is not None:
        phases.update(timer.phases)
        for result in results:
            for name, seconds in (result.phases or {}).items():
                phases[name] = phases.get(name, 0.0) + seconds
    return plan


def _prepare(
    scenario: Scenario, options: SolveOptions, progress: Progress | None, stop: StopFn | None
) -> _Prepared | Plan:
    """Analysis, the pins' problems (an error plan), greedy's floor, the weights, the parts."""
    started = time.monotonic()
    budget = options.time_limit or scenario.settings.time_limit_seconds
    deadline = None
    if not options.reproducible:  # the parts end soon enough to leave the plan's assembly time
        reserve = ASSEMBLY_SECONDS_PER_TASK * len(scenario.tasks)
        deadline = (options.since or time.time()) + budget - min(reserve, budget / 10)
    timer = clock.current()
    if timer is not None:
        timer.deadline = deadline
    seed = scenario.settings.seed if options.seed is None else options.seed
    travel = shared_week.travel_for(scenario)  # (a check's: shared with its week's others)
    with clock.phase("analysis"):
        analyses = shared_week.analyses_for(scenario, travel)
    problems, unkept = _pin_problems(scenario, analyses)
    if problems:
        return Plan(scenario.name, "error", time.monotonic() - started, error="; ".join(problems),
                    unkept_pins=tuple(unkept))  # fmt: skip
    if stop is not None and stop():
        raise Stopped
    with clock.phase("greedy"):
        floor = greedy_plan(scenario, analyses, travel)
    if deadline is not None:  # and the safety net's time, by what greedy leaves unserved
        deadline = _checked_by(deadline, scenario, floor, budget)
        if timer is not None:
            timer.deadline = deadline
    if stop is not None and stop():
        raise Stopped
    possible = allowed(scenario, analyses)
    if _floor_is_enough(scenario, options, floor, travel):
        return build_plan(scenario, floor, analyses, travel, status="feasible", bound=possible,
                          started=started, extra={"floor_enough": True})  # fmt: skip
    weights = coverage_weights(possible)
    if progress is not None:  # greedy's plan is the first feasible plan
        progress(figures(scenario, floor, travel).served, possible, time.monotonic() - started)
    parts = components(analyses)
    sizes = [sum(len(analyses[t].candidates) for t in part) for part in parts]
    to_share = budget if deadline is None else max(0.0, min(budget, deadline - time.time()))
    jobs = [
        PartJob(
            tids=part,
            analyses={t: analyses[t] for t in part},
            weights=weights,
            floor=_part_of(floor, part) if _honours_pins(scenario, floor, part) else None,
            share=to_share * size / max(1, sum(sizes)),
            budget=budget,
            workers=options.workers,
            seed=seed,
            max_exact_arcs=options.max_exact_arcs,
            deterministic=options.reproducible,
            deadline=deadline,
            pairwise=options.pairwise,
            reroute=options.reroute,
            rerouting=options.rerouting,
            colgen=options.colgen,
            by_priority=options.by_priority,
            coverage_only=options.coverage_only,
        )
        for part, size in zip(parts, sizes, strict=True)
    ]
    return _Prepared(
        started, budget, deadline, travel, analyses, floor, possible, weights, jobs, sizes
    )


def _checked_by(deadline: float, scenario: Scenario, floor: Solution, budget: float) -> float:
    """`deadline` (which leaves the assembly its reserve) moved earlier by the safety net's
    reserve for what `floor` leaves unserved, the two reserves at most a tenth of `budget`."""
    assembly = min(ASSEMBLY_SECONDS_PER_TASK * len(scenario.tasks), budget / 10)
    unserved = len(scenario.tasks) - len(floor.crews)
    return deadline - min(CHECK_SECONDS_PER_UNSERVED * unserved, budget / 10 - assembly)


def _floor_is_enough(
    scenario: Scenario, options: SolveOptions, floor: Solution, travel: TravelModel
) -> bool:
    """Whether `SolveOptions.enough` is met by the floor, which every part then starts from."""
    if options.enough is None or not options.coverage_only:
        return False
    if not _honours_pins(scenario, floor, list(scenario.tasks)):  # then parts have no floor
        return False
    served = figures(scenario, floor, travel).served
    return tuple(served[p] for p in PRIORITIES) >= options.enough


def _part_of(sol: Solution, tids: list[str]) -> Solution:
    mine = set(tids)
    return Solution(
        {t: s for t, s in sol.starts.items() if t in mine},
        {t: c for t, c in sol.crews.items() if t in mine},
    )


def _solve_in_turn(
    scenario: Scenario,
    options: SolveOptions,
    prepared: _Prepared,
    progress: Progress | None,
    stop: StopFn | None,
) -> list[PartResult]:
    """The parts one after another, reporting progress during each part's search; stops at
    the first part that fails."""
    started = prepared.started
    size_left = sum(prepared.sizes)
    done_served = dict.fromkeys(PRIORITIES, 0)
    results: list[PartResult] = []
    watch = _watch(scenario, options, prepared)
    for job, size in zip(prepared.jobs, prepared.sizes, strict=True):
        if prepared.deadline is not None:  # a deterministic budget's shares stay fixed in
            # advance, so the plan does not depend on timing; else a part may use what
            # earlier ones left
            left = max(0.0, prepared.deadline - time.time())
            job = replace(job, share=left * size / max(1, size_left))
        size_left -= size

        def report(served: dict[str, int], elapsed: float) -> None:
            if progress is not None:
                now = {p: done_served[p] + served[p] for p in PRIORITIES}
                progress(now, prepared.possible, time.monotonic() - started)

        if watch is not None:
            assert job.floor is not None
            watch.begin(settle.counts(count_by_priority(scenario, job.floor.crews)))
        with settle.watching(watch):
            result = solve_part(scenario, job, report if progress is not None else None, stop)
        results.append(result)
        if result.solution is None:
            break
        for p, n in count_by_priority(scenario, result.solution.crews).items():
            done_served[p] += n
        if watch is not None:
            watch.end(settle.counts(count_by_priority(scenario, result.solution.crews)))
            if watch.settled:
                raise settle.Settled
    return results


def _watch(scenario: Scenario, options: SolveOptions, prepared: _Prepared) -> settle.Watch | None:
    """A check's watch (`solver.settle`): with `coverage_only`, `enough`, a deterministic
    budget, and a floor for every part (so no part can fail); else None."""
    if not options.coverage_only or options.enough is None or not options.reproducible:
        return None
    if any(job.floor is None for job in prepared.jobs):
        return None
    floors = [count_by_priority(scenario, job.floor.crews) for job in prepared.jobs if job.floor]
    return settle.Watch(tuple(options.enough), base=settle.total(map(settle.counts, floors)))


def _solve_mapped(
    scenario: Scenario, prepared: _Prepared, map_parts: MapParts, progress: Progress | None
) -> list[PartResult]:
    """Every part through `map_parts`, reporting progress as each finishes and at each tick
    (the figures of the parts finished so far)."""
    results: list[PartResult | None] = [None] * len(prepared.jobs)
    done_served = dict.fromkeys(PRIORITIES, 0)
    finished = map_parts(solve_part, scenario, prepared.jobs)
    try:
        for item in finished:
            if item is not None:
                index, result = item
                results[index] = result
                if result.solution is not None:
                    for p, n in count_by_priority(scenario, result.solution.crews).items():
                        done_served[p] += n
            if progress is not None:
                elapsed = time.monotonic() - prepared.started
                progress(dict(done_served), prepared.possible, elapsed)
    finally:  # a progress report that stops the solve lets the map cancel what still runs
        if isinstance(finished, Generator):
            finished.close()
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        raise RuntimeError(f"map_parts gave no result for parts {missing}")
    return [r for r in results if r is not None]


def _assemble(scenario: Scenario, prepared: _Prepared, results: list[PartResult]) -> Plan:
    """The parts' solutions as one plan, with the bound their coverage stages prove; the
    first failed part (in the parts' order) makes the plan an error."""
    started, weights, possible = prepared.started, prepared.weights, prepared.possible
    best = Solution()
    weighted_bound = 0
    optimal = True
    stage_log: dict[str, dict[str, float]] = {}
    for result in results:
        if result.solution is None:
            return Plan(scenario.name, "error", time.monotonic() - started, error=result.error,
                        unkept_pins=result.unkept_pins)  # fmt: skip
        best.merge(result.solution)
        weighted_bound += result.weighted_bound
        optimal = optimal and all(s.optimal for s in result.stages)
        for s in result.stages:
            log = stage_log.setdefault(s.name, {"seconds": 0.0, "optimal": 1.0})
            log["seconds"] += s.seconds
            log["optimal"] = min(log["optimal"], float(s.optimal))

    totals = {p: sum(1 for t in scenario.tasks.values() if t.priority == p) for p in PRIORITIES}
    travel = prepared.travel
    served = figures(scenario, best, travel).served
    bound = split_bound(weighted_bound, served, weights, totals)
    bound = {p: min(bound[p], possible[p]) if p in possible else bound[p] for p in PRIORITIES}
    per_part = [
        PartBounds(
            served=count_by_priority(scenario, r.solution.crews if r.solution else ()),
            possible=count_by_priority(scenario, job.tids),
            weighted=r.weighted_bound,
            conditional=r.conditional,
        )
        for job, r in zip(prepared.jobs, results, strict=True)
    ]
    conditional = combine(per_part, weights)  # the contract's bound, priority by priority
    bound = {p: max(served[p], min(bound[p], conditional[p])) for p in PRIORITIES}
    if optimal:
        bound = dict(served)
    greedy_served = figures(scenario, prepared.floor, travel).served
    extra: dict[str, object] = {
        "weighted_gap": round(weighted_gap(served, bound), 5),
        "components": len(prepared.jobs),
        "greedy": {"served": greedy_served},
        "stages": {
            k: {"seconds": round(v["seconds"], 3), "optimal": bool(v["optimal"])}
            for k, v in stage_log.items()
        },
    }
    return build_plan(
        scenario,
        best,
        prepared.analyses,
        travel,
        status="optimal" if optimal else "feasible",
        bound=bound,
        started=started,
        extra=extra,
    )
