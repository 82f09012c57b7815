"""Residents who waited (issue 11 item 4), on the solver: over a run of weeks, each week's
unserved tasks waiting one more week (`waited`), a task with a resident left unserved two weeks
running is checked by a solve that forces it served: that plan's coverage (per priority, urgent
first) and then its waiting sum are never better than the plan's, and where they are equal,
the plan served instead a task that had waited at least as long (among equals someone must
wait: then it is one who waited no longer)."""

from __future__ import annotations

from typing import Any

import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.travel import HaversineTravel
from solver import allowed
from solver.cpsat import PlanModel
from solver.stages import coverage_weights, staged_solve
from tests.test_objective import visit, world
from worldgen import generate_world

WEEKS = 3
OPTIONS = solver.SolveOptions(time_limit=20, workers=1)


def solve(data: dict[str, Any]) -> tuple[Scenario, dict[str, Any]]:
    scenario = build_scenario(data)
    return scenario, plan_json.dump(solver.solve(scenario, OPTIONS), scenario)


def forced(scenario: Scenario, task: str) -> tuple[int, int, bool] | None:
    """(weighted coverage, waited sum, proved) of the best plan serving `task`; None when no
    plan does."""
    travel = HaversineTravel(scenario.settings)
    analyses = solver.analyse(scenario, travel)
    if analyses[task].reason is not None:
        return None
    tids = sorted(t for t, a in analyses.items() if a.reason is None)
    model = PlanModel(scenario, analyses, tids, travel, weights(scenario, analyses))
    model.m.add(model.served[task] == 1)
    sol, stages, failure = staged_solve(model, None, budget=20, workers=1, seed=0,
                                        stages_wanted=("coverage", "waited"))  # fmt: skip
    if sol is None:
        assert failure == "INFEASIBLE"
        return None
    return stages[0].value, stages[1].value, all(s.optimal for s in stages)


def weights(scenario: Scenario, analyses: dict[str, Any]) -> dict[str, int]:
    return coverage_weights(allowed(scenario, analyses))


def designed() -> dict[str, Any]:
    """One volunteer, three hours on Monday, a high visit and six normal ones of an hour."""
    tasks = [visit("t-high", "r-0", priority="high")]
    tasks += [visit(f"t-{i}", f"r-{i}") for i in range(1, 7)]
    return world(tasks)


@pytest.mark.slow
@pytest.mark.parametrize("make", [designed, lambda: generate_world(24, 8, 1, 11, contended=True)])
def test_a_resident_waits_twice_only_where_no_better_plan_serves_them(make: Any) -> None:
    data = make()
    waited: dict[str, int] = {}
    left_before: set[str] = set()
    checked = 0
    for _ in range(WEEKS):
        for task in data["tasks"]:
            task.pop("waited", None)
            if waited.get(task["id"]):
                task["waited"] = waited[task["id"]]
        scenario, plan = solve(data)
        assert plan["status"] == "optimal"
        left = {u["task"] for u in plan["unserved"]}
        served = {a["task"] for a in plan["assignments"]}
        w = weights(scenario, solver.analyse(scenario, HaversineTravel(scenario.settings)))
        best = (sum(w[p] * plan["objective"]["served"][p] for p in PRIORITIES),
                plan["objective"].get("waited", 0))  # fmt: skip
        for task in sorted(left & left_before):
            if not scenario.tasks[task].resident or (other := forced(scenario, task)) is None:
                continue
            checked += 1
            assert other[2], "the forced solve was not proved"
            assert other[:2] <= best, (task, other, best)
            if other[:2] == best:  # someone who waited as long took the place
                assert any(scenario.tasks[t].waited >= waited[task] for t in served), task
        waited = {t: waited.get(t, 0) + 1 for t in left}
        left_before = left
    assert checked > 0, "no resident was left twice where a plan could serve them"
