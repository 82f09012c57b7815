"""The planner: a scenario in, a plan out. Static analysis prunes, greedy gives a floor and a
complete hint, CP-SAT solves each independent part lexicographically. Knows no HTTP or database.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.domain.plan import Plan
from mutualaid.messages import msg
from mutualaid.travel import HaversineTravel, TravelModel
from solver.analysis import Analyzer, TaskAnalysis
from solver.cpsat import (
    PlanModel,
    StageResult,
    conflicting_pins,
    coverage_weights,
    split_bound,
    staged_solve,
)
from solver.greedy import greedy_plan
from solver.lns import improve
from solver.repair import Repair as Repair
from solver.repair import changed_pairs as changed_pairs
from solver.repair import repair as repair
from solver.repair import solution_of as solution_of
from solver.solution import Solution, build_plan, figures

Progress = Callable[[dict[str, int], dict[str, int], float], None]
"""progress(best served per priority, coverage bound per priority, elapsed seconds); the bound
is what static analysis proves (tasks someone could serve on their own)."""


MAX_EXACT_ARCS = 40_000
"""Parts whose routing model would need more arcs than this are improved by neighbourhood
search instead of one exact model (building and searching it would eat the whole budget)."""


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float | None = None
    """Wall-clock budget in seconds; the scenario's settings.time_limit_seconds when None."""
    workers: int = 8
    """CP-SAT search workers; 1 makes the plan reproducible (deterministic time budget)."""
    seed: int | None = None
    max_exact_arcs: int = MAX_EXACT_ARCS
    """Parts with more routing arcs than this use neighbourhood search (0: always)."""


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
        for v in a.candidates:
            parent[find("t:" + tid)] = find("v:" + v)
    groups: dict[str, list[str]] = defaultdict(list)
    for tid, a in analyses.items():
        if a.reason is None:
            groups[find("t:" + tid)].append(tid)
    return sorted(groups.values(), key=lambda g: (len(g), g[0]))


def route_arcs(scenario: Scenario, analyses: dict[str, TaskAnalysis], tids: list[str]) -> int:
    """Arcs an exact model of these tasks would have: sum over (volunteer, block) of n*n for
    the n tasks that could fall in that block."""
    per_block: dict[tuple[str, int], int] = defaultdict(int)
    for tid in tids:
        a = analyses[tid]
        for vid, starts in a.free.items():
            blocks = scenario.volunteers[vid].blocks
            for b, (bs, be) in enumerate(blocks):
                if any(bs <= lo <= be or bs <= hi <= be for lo, hi in starts):
                    per_block[(vid, b)] += 1
    return sum(n * n for n in per_block.values() if n > 1)


def _honours_pins(scenario: Scenario, sol: Solution, tids: list[str]) -> bool:
    mine = set(tids)
    for pin in scenario.pinned:
        if pin.task in mine:
            crew = {a.id for a in sol.crews.get(pin.task, ())}
            if not set(pin.volunteers) <= crew:
                return False
    return True


def _pin_problems(scenario: Scenario, analyses: dict[str, TaskAnalysis]) -> list[str]:
    out = []
    for pin in scenario.pinned:
        a = analyses[pin.task]
        if a.reason is not None:
            out.append(msg("pin_task_impossible", task=pin.task, reason=a.reason, detail=a.detail))
            continue
        for vid in pin.volunteers:
            if vid not in a.candidates:
                out.append(msg("pin_never_in_crew", id=vid, task=pin.task))
    return out


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


def solve(
    scenario: Scenario, options: SolveOptions | None = None, progress: Progress | None = None
) -> Plan:
    """The best plan CP-SAT finds in the budget, never worse than greedy's."""
    options = options or SolveOptions()
    started = time.monotonic()
    budget = options.time_limit or scenario.settings.time_limit_seconds
    seed = scenario.settings.seed if options.seed is None else options.seed
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    problems = _pin_problems(scenario, analyses)
    if problems:
        return Plan(scenario.name, "error", time.monotonic() - started, error="; ".join(problems))
    floor = greedy_plan(scenario, analyses, travel)
    possible = {p: 0 for p in PRIORITIES}
    for a in analyses.values():
        if a.reason is None:
            possible[a.task.priority] += 1
    weights = coverage_weights(possible)
    if progress is not None:  # greedy's plan is the first feasible plan
        progress(figures(scenario, floor, travel).served, possible, time.monotonic() - started)
    parts = components(analyses)
    sizes = [sum(len(analyses[t].candidates) for t in part) for part in parts]
    size_left = sum(sizes)
    best = Solution()
    weighted_bound = 0
    optimal = True
    stage_log: dict[str, dict[str, float]] = {}
    done_served = dict.fromkeys(PRIORITIES, 0)
    totals = {p: sum(1 for t in scenario.tasks.values() if t.priority == p) for p in PRIORITIES}

    for part, size in zip(parts, sizes, strict=True):
        if options.workers == 1:  # shares fixed in advance, so the plan does not depend on timing
            share = budget * size / max(1, sum(sizes))
        else:
            share = max(0.0, budget - (time.monotonic() - started)) * size / max(1, size_left)
        size_left -= size
        part_floor = floor if _honours_pins(scenario, floor, part) else None

        def report(served: dict[str, int], elapsed: float) -> None:
            if progress is not None:
                now = {p: done_served[p] + served[p] for p in PRIORITIES}
                progress(now, possible, time.monotonic() - started)

        sol: Solution | None
        if part_floor is not None and route_arcs(scenario, analyses, part) > options.max_exact_arcs:
            sol, stages = _search(scenario, analyses, part, travel, weights, part_floor,
                                  share, options.workers, seed, report)  # fmt: skip
            failure = None
        else:
            model = PlanModel(scenario, analyses, part, travel, weights)
            sol, stages, failure = staged_solve(
                model,
                part_floor,
                budget=max(0.05, share),
                workers=options.workers,
                seed=seed,
                report=report if progress else None,
            )
        if sol is None:
            if failure == "INFEASIBLE":
                diagnosis = PlanModel(
                    scenario, analyses, part, travel, weights, pin_assumptions=True
                )
                clash = conflicting_pins(diagnosis, options.workers, budget)
                error = (
                    msg("pins_clash", tasks=", ".join(clash))
                    if clash
                    else msg("model_infeasible", tasks=len(part))
                )
            else:
                error = msg("no_plan_in_time", tasks=len(part), status=failure)
            return Plan(scenario.name, "error", time.monotonic() - started, error=error)
        best.merge(sol)
        for tid in part:
            if tid in sol.crews:
                done_served[scenario.tasks[tid].priority] += 1
        cover = stages[0]
        ceiling = sum(weights[scenario.tasks[t].priority] for t in part)
        weighted_bound += cover.value if cover.optimal else int(min(ceiling, cover.bound + 1e-6))
        optimal = optimal and all(s.optimal for s in stages)
        for s in stages:
            log = stage_log.setdefault(s.name, {"seconds": 0.0, "optimal": 1.0})
            log["seconds"] += s.seconds
            log["optimal"] = min(log["optimal"], float(s.optimal))

    served = figures(scenario, best, travel).served
    bound = split_bound(weighted_bound, served, weights, totals)
    bound = {p: min(bound[p], possible[p]) if p in possible else bound[p] for p in PRIORITIES}
    if optimal:
        bound = dict(served)
    greedy_served = figures(scenario, floor, travel).served
    extra: dict[str, object] = {
        "components": len(parts),
        "greedy": {"served": greedy_served},
        "stages": {
            k: {"seconds": round(v["seconds"], 3), "optimal": bool(v["optimal"])}
            for k, v in stage_log.items()
        },
    }
    return build_plan(
        scenario,
        best,
        analyses,
        travel,
        status="optimal" if optimal else "feasible",
        bound=bound,
        started=started,
        extra=extra,
    )


def _search(
    scenario: Scenario,
    analyses: dict[str, TaskAnalysis],
    part: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    floor: Solution,
    budget: float,
    workers: int,
    seed: int,
    report: Callable[[dict[str, int], float], None],
) -> tuple[Solution, list[StageResult]]:
    """Neighbourhood search from the floor; the coverage bound is what static analysis proves
    (every possible task), so the part is reported as feasible, not optimal."""
    mine = Solution(
        {t: floor.starts[t] for t in part if t in floor.crews},
        {t: floor.crews[t] for t in part if t in floor.crews},
    )

    def served_of(sol: Solution) -> None:
        served = dict.fromkeys(PRIORITIES, 0)
        for t in sol.crews:
            served[scenario.tasks[t].priority] += 1
        report(served, 0.0)

    sol, _ = improve(scenario, analyses, part, travel, weights, mine, budget=budget,
                     workers=workers, seed=seed, report=served_of)  # fmt: skip
    value = sum(weights[scenario.tasks[t].priority] for t in sol.crews)
    ceiling = sum(weights[scenario.tasks[t].priority] for t in part)
    later = [StageResult(name, 0, 0, False, 0.0) for name in ("continuity", "travel", "fairness")]
    return sol, [StageResult("coverage", value, ceiling, value == ceiling, budget), *later]
