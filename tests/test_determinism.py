"""One worker, one seed, one plan: whatever the Python process's hash seed, so a part solved on
a Dask worker gives the plan an in-process solve gives. Each solve runs in a fresh process
with its own PYTHONHASHSEED; the plans must match to the last assignment and route.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Decline
from worldgen import generate_world

pytestmark = pytest.mark.slow  # every test here takes seconds (make check leaves them out)

ROOT = Path(__file__).resolve().parent.parent
HASH_SEEDS = ("1", "2")
CHILD = "from tests.test_determinism import print_plans; print_plans()"


def _without_clock(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan's JSON without the wall-clock figures (seconds spent)."""
    out = {k: v for k, v in plan.items() if k != "solve_seconds"}
    if "stages" in out:
        out["stages"] = {
            name: {k: v for k, v in stage.items() if k != "seconds"}
            for name, stage in out["stages"].items()
        }
    return out


def print_plans() -> None:
    """Run in a child process: greedy's, the exact solve's, neighbourhood search's and a
    repair's plans of one generated week, as JSON on stdout."""
    # small enough that every stage ends by proving its optimum, long before any clock: the
    # plan then depends on the order the model is built in, and on nothing else
    scenario = build_scenario(generate_world(80, 30, 1, 7))
    exact = solver.solve(scenario, solver.SolveOptions(time_limit=2, workers=1))
    search = solver.solve(scenario, solver.SolveOptions(time_limit=2, workers=1, max_exact_arcs=0))
    first = exact.assignments[0]
    declined = dataclasses.replace(
        scenario, declined=(*scenario.declined, Decline(first.task, first.volunteers[0].id))
    )
    published = solver.solution_of(scenario, plan_json.dump(exact, scenario))
    mended = solver.repair(declined, published, first.task, budget=5.0, workers=1)
    plans = {
        "greedy": plan_json.dump(solver.greedy(scenario), scenario),
        "exact": plan_json.dump(exact, scenario),
        "neighbourhood_search": plan_json.dump(search, scenario),
        "repair": plan_json.dump(mended.plan, declined),
    }
    json.dump({k: _without_clock(v) for k, v in plans.items()}, sys.stdout, sort_keys=True)


def _plans_under_hash_seeds() -> list[dict[str, Any]]:
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in HASH_SEEDS
    ]
    out = []
    for child in children:
        stdout, stderr = child.communicate(timeout=120)
        assert child.returncode == 0, stderr
        out.append(json.loads(stdout))
    return out


def test_plans_do_not_depend_on_the_hash_seed() -> None:
    first, second = _plans_under_hash_seeds()
    assert first["exact"]["assignments"], "the week should serve something"
    for way in first:
        assert first[way] == second[way], f"{way}: the plan depends on PYTHONHASHSEED"
