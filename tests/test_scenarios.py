"""Every real week in scenarios/ is replayed: the plan keeps every rule (our validator and the
reference checker agree), and the scenario's expect: block holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import load_scenario
from mutualaid.expectations import check_expect
from mutualaid.validation import validate
from tests.reference import reference_check

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))


def test_there_are_at_least_twelve_scenarios_with_expectations() -> None:
    assert len(SCENARIOS) >= 12
    assert all(load_scenario(p).expect is not None for p in SCENARIOS)


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_replays_and_meets_its_expectations(path: Path, tmp_path: Path) -> None:
    scenario = load_scenario(path)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=4, workers=2))
    data = plan_json.dump(plan, scenario)
    assert plan.status in ("optimal", "feasible"), plan.error
    assert validate(scenario, data).violations == []
    errs, figures = reference_check(path, data, tmp_path)
    assert errs == []
    assert figures["served"] == data["objective"]["served"]
    assert check_expect(scenario, data) == []
    greedy = solver.greedy(scenario).objective
    assert greedy is not None and plan.objective is not None
    assert plan.objective.coverage_key() >= greedy.coverage_key()
    json.dumps(data)  # the plan is plain JSON
