"""Re-planning several visits at once (a volunteer away for days): the tasks whose crews no
longer fit the week are freed with their rivals and re-planned in one minimal-change repair,
every other visit staying exactly where it is.

Neighbourhoods grow as a decline's repair's do (`solver.repair.NEIGHBOURHOODS`: around each
freed task, the served visits that hold its candidates, `solver.recommend.holding`); each is
solved for the most coverage of the freed tasks (by priority weights, and
every task it served kept served), then the fewest changed pairs. The first neighbourhood that
serves every freed task wins, else the one that serves the most.
"""

from __future__ import annotations

import time
from collections.abc import Collection

from ortools.sat.python import cp_model

from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan
from mutualaid.travel import HaversineTravel
from solver import not_before as moment
from solver.analysis import Analyzer
from solver.cpsat import PlanModel
from solver.recommend import holding, one_worker, week_of
from solver.repair import NEIGHBOURHOODS, changed_pairs, pairs
from solver.solution import Solution, build_plan, count_by_priority
from solver.stages import coverage_weights


def repair_all(
    scenario: Scenario,
    plan: Plan,
    tasks: Collection[str],
    budget: float = 1.0,
    seed: int | None = None,
    not_before: int = 0,
) -> tuple[Plan, int]:
    """The published plan with `tasks` (those whose crews the week no longer allows, and any
    other crew that stopped fitting) re-planned; with the volunteer-task pairs it changed.
    `not_before`: the repair's moment (`solver.not_before`), a minute of the week."""
    started = time.monotonic()
    seed = scenario.settings.seed if seed is None else seed
    travel = HaversineTravel(scenario.settings)
    analyzer = Analyzer(scenario, travel)
    analyses = analyzer.lazily()
    week = week_of(scenario, plan, analyzer)
    published, base = week.published, week.base
    asked = {t for t in tasks if t in scenario.tasks}
    lost = sorted(set(published.crews) - set(base.crews) | asked)
    base = Solution(
        {t: s for t, s in base.starts.items() if t not in lost},
        {t: c for t, c in base.crews.items() if t not in lost},
    )
    begun = moment.started(base, not_before)  # kept as they are: never freed
    freed = [t for t in lost if analyses[t].reason is None]
    freed = moment.free(freed, analyses, begun, not_before)
    weights = coverage_weights(count_by_priority(scenario, scenario.tasks))
    best: tuple[int, Solution] | None = None
    spent = 0.0
    for size in NEIGHBOURHOODS:
        if not freed or spent >= budget:
            break
        group = list(freed)
        if size > 1:
            for t in freed:
                group += [x for x in holding(scenario, analyses[t], base, size) if x not in group]
        group = [t for t in group if analyses[t].reason is None]
        group = moment.free(group, analyses, begun, not_before)
        model = PlanModel(scenario, analyses, group, travel, weights, fixed=base)
        moment.hold(model, not_before)
        m = model.m
        for tid in group:
            if tid in base.crews:
                m.add(model.served[tid] == 1)
        before = {p for p in pairs(published) if p[1] in model.served}
        changes = sum((1 - lit) if p in before else lit for p, lit in model.works.items())
        most = len(model.works) + len(before) + 1
        kept = sum(weights[scenario.tasks[t].priority] * model.served[t] for t in freed)
        m.minimize(changes - most * kept)
        model.hint(base)
        solver = one_worker(seed, max(0.1, (budget - spent) / 2))
        status = solver.solve(m)
        spent += solver.response_proto.deterministic_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        found = model.extract(solver)
        served = sum(weights[scenario.tasks[t].priority] for t in freed if t in found.crews)
        if best is None or served > best[0]:
            whole = Solution(
                {t: s for t, s in base.starts.items() if t not in model.served},
                {t: c for t, c in base.crews.items() if t not in model.served},
            )
            whole.merge(found)
            best = (served, whole)
        if all(t in found.crews for t in freed):
            break
    result = base if best is None else best[1]
    out = build_plan(
        scenario, result, analyses, travel, status="feasible",
        bound=count_by_priority(scenario, scenario.tasks), started=started,
        extra={"repair": {"tasks": lost, "freed": len(freed)}},
    )  # fmt: skip
    out = moment.worded(out, analyses, scenario, not_before)
    changed = len(changed_pairs(published, result))
    out.extra["repair"]["changed"] = changed
    return out, changed
