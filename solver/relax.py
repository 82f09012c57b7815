"""A bound on coverage from a relaxation without routes, for parts too large for one exact
model (neighbourhood search proves nothing of its own).

The relaxation: of a part's tasks, only a focus set is modelled, on the pairwise model of
`solver.coverage` (roles and crews, starts, blocks from home and back, each volunteer's visits
kept apart pairwise by travel, weekly hours, pins; no circuits); every other task of the part
counts as served without using anyone's time or hours.

Why it is sound. Take any plan of the contract. Its visits of the focus set, with the others
dropped, are a solution of the pairwise model: each remains inside its block from home and back,
weekly hours only fall, and two focus visits of one volunteer in one block stay apart by the
trip between them, by the argument of `solver.coverage` (the contract's minutes are within a
minute of a metric and every visit lasts at least a minute, so a route's later visit is at
least a trip after any earlier one, whatever lies between). So the plan serves at most the
model's optimum of the focus set, plus every task outside it: the model's proved bound (or
CP-SAT's best bound when time runs out) plus the weight of the rest bounds every plan. The
least of several such bounds is one too.

The focus sets (`focuses`) are the plan's unserved tasks, alone, with every task of the top
priorities, or with their `rivals` (the served tasks that hold their candidates when they could
collide): small models, about where the plan may still fall short.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Mapping

from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.travel import TravelModel
from solver.analysis import TaskAnalysis, route_arcs
from solver.coverage import CoverageModel
from solver.solution import Solution, service_minutes
from solver.stages import staged_solve

FOCUS_TASKS = 800
"""A focus wider than this is not modelled (building it would eat the time; measured on a
district week: 760 tasks built in 1 s and gained two high tasks in 40 s, 1,700 did not finish)."""


ARCS_PER_SECOND = 15_000
"""`route_arcs` of a focus whose pairwise model is built in a second. Measured on a district
week with every window 08:00-21:00 (load 10): 60k arcs in 3.3 s, 894k (512 tasks) in 36 s,
1.5M in 67 s. A model whose building would take more than a third of the time left is not
built (`affordable`)."""


def affordable(
    scenario: Scenario, analyses: Mapping[str, TaskAnalysis], focus: list[str], seconds: float
) -> bool:
    """Whether the pairwise model of `focus` would be built in a third of `seconds`."""
    return route_arcs(scenario, analyses, focus) <= seconds / 3 * ARCS_PER_SECOND


LAST_SHARE = 0.85
"""Of the time left, what the last round's search may take: building its model takes time too
(about a second per 500 tasks), and the bound must not run past the budget."""


def relaxed_bound(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    focus: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    *,
    budget: float,
    workers: int,
    seed: int,
    hint: Solution | None = None,
    deterministic: bool = False,
) -> tuple[int, bool]:
    """(bound on the weighted coverage of `focus` alone, proved): the pairwise model's optimum
    when proved, else its best bound, else (no answer in time) every focus task."""
    ceiling = sum(weights[scenario.tasks[t].priority] for t in focus)
    model = CoverageModel(scenario, analyses, focus, travel, weights)
    _, stages, _ = staged_solve(
        model, hint, budget=budget, workers=workers, seed=seed, stages_wanted=("coverage",),
        deterministic=deterministic,
    )  # fmt: skip
    if not stages or not math.isfinite(stages[0].bound):
        return ceiling, False
    if stages[0].optimal:
        return stages[0].value, True
    return min(ceiling, int(stages[0].bound + 1e-6)), False


def rivals(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    focus: set[str],
    plan: Solution,
) -> set[str]:
    """The served tasks that hold the candidates of `focus` where they could collide (their
    spans of possible times, widened by two of the candidate's longest trips, overlap), or
    anywhere when the candidate's weekly hours are spent. Which tasks these are only makes the
    bound tighter or looser, never untrue."""
    used = service_minutes(scenario, plan.crews)
    held: dict[str, list[str]] = defaultdict(list)
    for tid, crew in plan.crews.items():
        for av in crew:
            held[av.id].append(tid)
    found: set[str] = set()
    for tid in sorted(focus):
        a = analyses[tid]
        lo, hi = _span(a)
        for vid in sorted(a.candidates):
            vol = scenario.volunteers[vid]
            full = used.get(vid, 0) + a.task.duration_minutes > vol.max_service_minutes
            trips = 2 * vol.max_travel_minutes
            for other in held.get(vid, ()):
                olo, ohi = _span(analyses[other])
                if full or (olo < hi + trips and lo < ohi + trips):
                    found.add(other)
    return found - focus


def _span(a: TaskAnalysis) -> tuple[int, int]:
    """From the first start to the last end the task could have."""
    return a.start_domain[0][0], a.start_domain[-1][1] + a.task.duration_minutes


def focuses(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    plan: Solution,
) -> list[list[str]]:
    """The focus sets to try, smallest first: the plan's unserved tasks; with every urgent
    task, then every urgent and high one (what the unserved compete with at the top, as the
    coverage stage orders them); with their rivals. Wider than FOCUS_TASKS or seen: left out."""
    unserved = {t for t in tids if t not in plan.crews}
    if not unserved:
        return []
    out: list[set[str]] = [unserved]
    for k in range(1, len(PRIORITIES) - 1):
        out.append(unserved | {t for t in tids if scenario.tasks[t].priority in PRIORITIES[:k]})
    out.append(unserved | rivals(scenario, analyses, unserved, plan))
    kept: list[list[str]] = []
    for focus in sorted(out, key=len):
        if len(focus) <= FOCUS_TASKS and sorted(focus) not in kept:
            kept.append(sorted(focus))
    return kept


def focused_bound(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    tids: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    plan: Solution,
    *,
    budget: float,
    workers: int,
    seed: int,
    deterministic: bool = False,
    deadline: float | None = None,
) -> tuple[int, bool]:
    """(bound on the part's weighted coverage, whether it meets the plan's): the relaxation on
    each of `focuses` in turn while time is left, the least bound kept. `budget` is seconds
    (CP-SAT's deterministic time when `deterministic`), never past the wall-clock `deadline`."""
    mine = set(tids)
    value = sum(weights[scenario.tasks[t].priority] for t in plan.crews if t in mine)
    ceiling = sum(weights[scenario.tasks[t].priority] for t in tids)
    best = ceiling
    started, spent = time.monotonic(), 0.0
    todo = focuses(scenario, analyses, tids, plan)
    for r, focus in enumerate(todo):
        left = budget - (spent if deterministic else time.monotonic() - started)
        if deadline is not None:
            left = min(left, deadline - time.time())
        if best <= value or left <= 0.05:
            break
        if not affordable(scenario, analyses, focus, left):
            continue  # a later focus, though wider, may hold fewer pairs
        share = left * LAST_SHARE if r == len(todo) - 1 else left / (len(todo) - r)
        rest = ceiling - sum(weights[scenario.tasks[t].priority] for t in focus)
        got, _ = relaxed_bound(
            scenario, analyses, focus, travel, weights, budget=share, workers=workers,
            seed=seed, hint=plan, deterministic=deterministic,
        )  # fmt: skip
        spent += share
        best = min(best, rest + got)
    return best, best <= value
