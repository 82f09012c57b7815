"""Repairing a published plan after a decline: serve the declined task again while changing as
few volunteer-task pairs as possible, every other visit staying exactly where it is.

First only the declined task is freed (someone else takes it, everything else fixed); when no
one can, neighbourhoods of growing size around it (`solver.lns.rivals`) are freed, each solved
with every task it served kept served and the number of changed pairs minimised. The first
neighbourhood that serves the task wins; when none does, the task stays unserved (capacity).
"""

from __future__ import annotations

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from mutualaid.contract import plan_json
from mutualaid.domain.eligibility import within_hours
from mutualaid.domain.model import PRIORITIES, Location, Scenario, Task
from mutualaid.domain.plan import AssignedVolunteer, Plan
from mutualaid.travel import HaversineTravel, TravelModel
from solver import not_before as moment
from solver.analysis import Analyzer, TaskAnalysis
from solver.cpsat import PlanModel
from solver.lns import rivals
from solver.routes import block_of
from solver.solution import Solution, build_plan, count_by_priority
from solver.stages import coverage_weights, wall_safety_net

NEIGHBOURHOODS = (1, 4, 8, 16, 32)
"""Tasks freed in turn: the declined task alone, then it and its rivals."""

Pair = tuple[str, str]
"""(volunteer, task)"""


@dataclass(frozen=True)
class Repair:
    plan: Plan
    changed: int
    """Volunteer-task pairs added or removed versus the published plan."""
    freed: int
    """Tasks of the neighbourhood that was re-planned (0: the task could not be served)."""
    served: bool
    """Whether the declined task is served again."""


def pairs(sol: Solution) -> set[Pair]:
    return {(av.id, tid) for tid, crew in sol.crews.items() for av in crew}


def changed_pairs(before: Solution, after: Solution) -> set[Pair]:
    """The volunteer-task pairs one plan has and the other has not."""
    return pairs(before) ^ pairs(after)


def solution_of(scenario: Scenario, plan: Mapping[str, Any]) -> Solution:
    """A contract plan's assignments as a Solution (starts in minutes of the week)."""
    return solution_from(plan_json.load(plan, scenario))


def solution_from(plan: Plan, tasks: Collection[str] | None = None) -> Solution:
    """A plan's assignments (of `tasks` only, when given) as a Solution."""
    sol = Solution()
    for a in plan.assignments:
        if tasks is None or a.task in tasks:
            sol.starts[a.task] = a.start
            sol.crews[a.task] = a.volunteers
    return sol


def still_fits(
    analyzer: Analyzer, task: Task, start: int, crew: tuple[AssignedVolunteer, ...]
) -> bool:
    """Whether a published crew and start still fit the task as stored now (the week may
    have changed since publishing: a task's times or needs, someone's hours or skills). Each
    person is checked on their own, the crew for its size, distinct people and one team per
    team role. A crew that no longer fits is dropped by the repair, not kept."""
    if len({av.id for av in crew}) != len(crew):
        return False
    for role, need in enumerate(task.needs):
        mine = [av for av in crew if av.role == role]
        if not need.min_people <= len(mine) <= need.max_people:
            return False
        if len({av.team for av in mine}) > 1:
            return False
    return all(analyzer.can_serve(task, av, start) for av in crew)


def repair(
    scenario: Scenario,
    published: Solution,
    task_id: str,
    budget: float = 1.0,
    workers: int = 1,
    seed: int | None = None,
    bound: dict[str, int] | None = None,
    not_before: int = 0,
) -> Repair:
    """The published plan with `task_id` re-planned (the decline is in `scenario`, so the
    volunteer who declined is no longer a candidate). `bound`: the published plan's bound
    per priority, given only when the week is the one it was made for save for declines;
    it is kept for each priority below which the repair serves what the published plan
    served (the contract's bound is conditional on those), else the number of tasks.
    `not_before`: the repair's moment (`solver.not_before`), a minute of the week."""
    started = time.monotonic()
    seed = scenario.settings.seed if seed is None else seed
    travel = HaversineTravel(scenario.settings)
    analyzer = Analyzer(scenario, travel)
    # only the tasks the repair reads are analysed: the declined one, its rivals, the unserved
    analyses = analyzer.lazily()
    tasks = count_by_priority(scenario, scenario.tasks)
    weights = coverage_weights(tasks)  # dominance holds for any counts at least the possible
    known = bound or {}
    kept = {
        t: crew
        for t, crew in published.crews.items()
        if t != task_id
        and t in scenario.tasks
        and still_fits(analyzer, scenario.tasks[t], published.starts[t], crew)
    }
    base, unpinned = _consistent(scenario, Solution({t: published.starts[t] for t in kept}, kept))
    result, freed = base, 0
    begun = moment.started(base, not_before)  # kept as they are: never freed
    spent = 0.0  # with one worker CP-SAT's deterministic time (reproducible), else seconds
    if task_id in analyses and analyses[task_id].reason is None:
        for size in NEIGHBOURHOODS:
            left = budget - (spent if workers == 1 else time.monotonic() - started)
            if left <= 0:
                break
            group = [task_id] if size == 1 else rivals(analyses, task_id, base, size)
            group += [t for t in unpinned if t not in group]  # their pins must hold again
            group = [t for t in group if analyses[t].reason is None]
            group = moment.free(group, analyses, begun, not_before)
            if task_id not in group:
                break  # every start left to it is before the moment
            found, work = _serve(
                scenario, analyses, group, travel, weights, base, published, task_id,
                limit=max(0.1, left / 2), workers=workers, seed=seed, not_before=not_before,
            )  # fmt: skip
            spent += work
            if found is not None:
                result = Solution(
                    {t: s for t, s in base.starts.items() if t not in group},
                    {t: c for t, c in base.crews.items() if t not in group},
                )
                result.merge(found)
                freed = len(group)
                break
    missing = [t for t in unpinned if t not in result.crews and analyses[t].reason is None]
    missing = moment.free(missing, analyses, begun, not_before)
    if missing:  # the declined task could not be served with them: the pins on their own
        found, _ = _serve(
            scenario, analyses, missing, travel, weights, result, published, None,
            limit=max(0.1, budget / 2), workers=workers, seed=seed, not_before=not_before,
        )  # fmt: skip
        if found is not None:
            result.merge(found)
    plan = build_plan(
        scenario, result, analyses, travel, status="feasible",
        bound=_kept_bound(scenario, known, published, result, tasks), started=started,
        extra={"repair": {"task": task_id, "freed": freed}},
    )  # fmt: skip
    plan = moment.worded(plan, analyses, scenario, not_before)
    changed = len(changed_pairs(published, result))
    plan.extra["repair"]["changed"] = changed
    return Repair(plan, changed, freed, task_id in result.crews)


def _serve(
    scenario: Scenario,
    analyses: Mapping[str, TaskAnalysis],
    group: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    base: Solution,
    published: Solution,
    task_id: str | None,
    *,
    limit: float,
    workers: int,
    seed: int,
    not_before: int = 0,
) -> tuple[Solution | None, float]:
    """The group re-planned around the fixed rest, serving `task_id` (if any) and every task
    of the group `base` serves, with the fewest changed pairs; None when that is impossible (or not
    found within `limit` seconds). With the time it took (deterministic with one worker)."""
    model = PlanModel(scenario, analyses, group, travel, weights, fixed=base)
    moment.hold(model, not_before)
    m = model.m
    if task_id is not None:
        m.add(model.served[task_id] == 1)
    for tid in group:
        if tid in base.crews:
            m.add(model.served[tid] == 1)
    before = {p for p in pairs(published) if p[1] in model.served}
    # a pair of the published plan that has no variable (the declined one) is lost anyway
    lost = sum(1 for p in before if p not in model.works)
    changes = [(1 - lit) if pair in before else lit for pair, lit in model.works.items()]
    m.minimize(sum(changes) + lost)
    model.hint(base)
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = workers
    params.random_seed = seed
    if workers == 1:  # reproducible, as in staged_solve
        params.max_deterministic_time = limit
        params.max_time_in_seconds = wall_safety_net(limit)
    else:
        params.max_time_in_seconds = limit
    t0 = time.monotonic()
    status = solver.solve(m)
    work = solver.response_proto.deterministic_time if workers == 1 else time.monotonic() - t0
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, work
    return model.extract(solver), work


def _consistent(scenario: Scenario, base: Solution) -> tuple[Solution, list[str]]:
    """The kept crews without those that clash now that the week changed (each person was
    checked on their own): a visit a volunteer can no longer reach from the one before in
    the same block, or one past their weekly hours, loses its task's whole crew (of the two
    visits that clash, the one not pinned), and so does a pinned task whose crew lacks its
    pinned people; the pinned tasks left without their crew are returned, to be planned again
    (the model keeps pins)."""
    travel = HaversineTravel(scenario.settings)
    crews = dict(base.crews)
    pinned = [
        p.task
        for p in scenario.pinned
        if not set(p.volunteers) <= {av.id for av in crews.get(p.task, ())}
    ]
    for tid in pinned:
        crews.pop(tid, None)
    pins = {p.task for p in scenario.pinned}
    changed = True
    while changed:
        changed = False
        visits: dict[str, list[str]] = {}
        for tid in sorted(crews, key=lambda t: (base.starts[t], t)):
            for av in crews[tid]:
                visits.setdefault(av.id, []).append(tid)
        for vid, mine in sorted(visits.items()):
            vol = scenario.volunteers[vid]
            minutes, last = 0, dict[int, tuple[int, Location, str]]()
            for tid in mine:
                task = scenario.tasks[tid]
                start, end = base.starts[tid], base.starts[tid] + task.duration_minutes
                block = block_of(vol, start, end)
                block = -1 if block is None else block  # outside every block now: one group
                before = last.get(block)
                late = before is not None and start < before[0] + travel.minutes(
                    vol.mode, before[1], task.location
                )
                minutes += task.duration_minutes
                if late or not within_hours(vol, minutes):
                    loose = [t for t in mine[: mine.index(tid)] if t not in pins]
                    if tid in pins and late and before is not None and before[2] not in pins:
                        gone = before[2]
                    elif tid in pins and not late and loose:
                        gone = loose[-1]
                    else:
                        gone = tid
                    del crews[gone]
                    if gone in pins:
                        pinned.append(gone)
                    changed = True
                    break
                last[block] = (end, task.location, tid)
            if changed:
                break
    kept = Solution({t: base.starts[t] for t in crews}, crews)
    return kept, pinned


def _kept_bound(
    scenario: Scenario,
    known: dict[str, int],
    published: Solution,
    result: Solution,
    tasks: dict[str, int],
) -> dict[str, int]:
    """Per priority, the published bound while every higher priority is served exactly as in
    the published plan (declines only take options away, so it still holds), from there on
    the number of tasks (a proven bound, however weak)."""
    before = count_by_priority(scenario, (t for t in published.crews if t in scenario.tasks))
    after = count_by_priority(scenario, result.crews)
    out: dict[str, int] = {}
    same_above = True
    for p in PRIORITIES:
        out[p] = min(tasks[p], known[p]) if same_above and p in known else tasks[p]
        same_above = same_above and before[p] == after[p]
    return out


def rescore(scenario: Scenario, plan: Plan) -> Plan:
    """The plan's assignments (those of tasks still in the week) scored against the week as
    it is now: figures, every task listed once, the reasons of the unserved, and a bound from
    static analysis (what each priority could serve at most, whatever the others serve).
    For a finished plan whose week changed since the solve without breaking its assignments
    (a roster edit, last week's history, a task added): publishing it keeps every visit."""
    started = time.monotonic()
    travel = HaversineTravel(scenario.settings)
    analyses = Analyzer(scenario, travel).analyse_all()
    sol = solution_from(plan, scenario.tasks)
    possible = count_by_priority(scenario, (t for t, a in analyses.items() if a.reason is None))
    extra = {k: plan.extra[k] for k in ("repair",) if k in plan.extra}
    return build_plan(
        scenario, sol, analyses, travel, status="feasible", bound=possible, started=started,
        extra={**extra, "rescored": True},
    )  # fmt: skip
