"""Recommendations for a new request: every option offered, applied to the published plan,
keeps every hard rule (our validator and the reference checker), says truly what moves, and
counts its effect as the plan's figures do; on real weeks (the golden plans, a request being a
task the plan leaves out) and on random ones."""

from __future__ import annotations

import dataclasses
import json
import random
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario, load_scenario
from mutualaid.domain.model import PRIORITIES, Scenario
from mutualaid.domain.plan import Plan
from mutualaid.validation import validate
from solver.recommend import inserted_plan, recommend
from tests.reference import reference_check
from tests.strategies import World, small_worlds

ROOT = Path(__file__).resolve().parents[1]
WEEKS = ("01-jingbalu-life-centre", "03-dahelu-lion-dance", "05-hongda-respect-elderly-month",
         "08-contended-cold-wave", "17-edge-travel-between-visits")  # fmt: skip


def requests(scenario: Scenario, plan: Plan, rnd: random.Random) -> list[tuple[str, Plan]]:
    """Tasks as new requests: some the plan serves (taken out of it), some it leaves."""
    served = [a.task for a in plan.assignments]
    out = [(t, dataclasses.replace(plan, assignments=[a for a in plan.assignments
                                                      if a.task != t]))
           for t in rnd.sample(served, min(3, len(served)))]  # fmt: skip
    left = [u.task for u in plan.unserved if u.reason == "capacity"]
    out += [(t, plan) for t in rnd.sample(left, min(3, len(left)))]
    return out


def check_options(scenario: Scenario, plan: Plan, task: str, world: object, tmp: Path) -> int:
    """Apply every option; each must keep the rules and be what it says. How many there were."""
    options = recommend(scenario, plan, task)
    assert len(options) <= 5
    assert len({o.id for o in options}) == len(options)
    before = plan.objective
    for o in options:
        done = plan_json.dump(inserted_plan(scenario, plan, o), scenario)
        report = validate(scenario, done)
        assert report.ok, (task, o.id, report.violations)
        violations, _ = reference_check(world, done, tmp)  # type: ignore[arg-type]
        assert not violations, (task, o.id, violations)
        given = {(a["task"], a["start"]) for a in done["assignments"]}
        assert task in {t for t, _ in given}
        moved = {m.task for m in o.moves}
        kept = {a.task for a in plan.assignments if a.task in scenario.tasks} - moved
        assert kept <= {t for t, _ in given}, "a visit changed that the option did not name"
        if before is not None and before.served == _served(plan, scenario):
            for p in PRIORITIES:
                assert done["objective"]["served"][p] == before.served[p] + o.effect.served[p]
    return len(options)


def _served(plan: Plan, scenario: Scenario) -> dict[str, int]:
    out = dict.fromkeys(PRIORITIES, 0)
    for a in plan.assignments:
        out[scenario.tasks[a.task].priority] += 1
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", WEEKS)
def test_every_option_on_a_real_week_keeps_every_rule(name: str, tmp_path: Path) -> None:
    path = ROOT / "scenarios" / f"{name}.yaml"
    scenario = load_scenario(path)
    golden = json.loads((ROOT / "tests" / "golden" / "plans" / f"{name}.json").read_text())
    plan = plan_json.load(golden, scenario)
    offered = 0
    for task, published in requests(scenario, plan, random.Random(name)):
        offered += check_options(scenario, published, task, path, tmp_path)
    assert offered > 0


def test_options_are_ranked_by_the_objective_then_fewest_changes() -> None:
    path = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
    scenario = load_scenario(path)
    golden = json.loads((ROOT / "tests" / "golden" / "plans" / f"{path.stem}.json").read_text())
    plan = plan_json.load(golden, scenario)
    for task, published in requests(scenario, plan, random.Random(1)):
        options = recommend(scenario, published, task)
        order = scenario.settings.objective_order
        keys = [(tuple(-x for x in o.effect.key(order)), o.changed) for o in options]
        assert keys == sorted(keys)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(world=small_worlds(), rnd=st.randoms(use_true_random=False))
def test_a_recommendation_s_insert_never_breaks_a_hard_rule(
    world: World, rnd: random.Random, tmp_path_factory: pytest.TempPathFactory
) -> None:
    scenario = build_scenario(world)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=1, workers=1))
    if plan.status == "error" or not scenario.tasks:
        return
    tmp = tmp_path_factory.mktemp("recommend")
    for task, published in requests(scenario, plan, rnd):
        check_options(scenario, published, task, world, tmp)


def test_the_command_line_answers_the_options_and_writes_one_applied(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mutualaid.cli import app

    path = ROOT / "scenarios" / "01-jingbalu-life-centre.yaml"
    golden = ROOT / "tests" / "golden" / "plans" / f"{path.stem}.json"
    week = yaml.safe_load(path.read_text(encoding="utf-8"))
    task = {**next(t for t in week["tasks"] if t["id"] == "t-heater-wei"), "id": "t-heater-2"}
    task_file = tmp_path / "task.yaml"
    task_file.write_text(yaml.safe_dump(task, allow_unicode=True), encoding="utf-8")
    runner = CliRunner()
    args = ["recommend", str(path), str(golden), "--task", str(task_file)]
    shown = runner.invoke(app, args, env={"MUTUALAID_LANG": "en", "COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    ids = re.findall(r"\b[0-9a-f]{12}\b", shown.output)
    assert ids and "high+1" in shown.output
    out = tmp_path / "plan.json"
    applied = runner.invoke(app, [*args, "--apply", ids[0], "--out", str(out)])
    assert applied.exit_code == 0, applied.output
    week["tasks"].append(task)
    week.pop("expect", None)
    plan = json.loads(out.read_text(encoding="utf-8"))
    assert validate(build_scenario(week), plan).ok
    assert not reference_check(week, plan, tmp_path)[0]
    task_file.write_text(yaml.safe_dump({**task, "duration_minutes": "soon"}), encoding="utf-8")
    bad = runner.invoke(app, args, env={"MUTUALAID_LANG": "en"})
    assert bad.exit_code == 2
    assert re.search(rf"{re.escape(str(task_file))}:\d+: duration_minutes", bad.output)
