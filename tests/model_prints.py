"""Fingerprints of the CP-SAT models the solver builds, byte for byte, so that a faster way of
building them can be held to building the very same model (the same model and seed give the
same plans: tests/test_model_bytes.py compares them to those recorded here).

    .venv/bin/python -m tests.model_prints        # rewrites tests/model_prints.json

Run it only when a change is MEANT to change what is built (and say why in the commit).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mutualaid.contract.scenario import build_scenario, load_scenario
from mutualaid.domain.model import Scenario
from mutualaid.travel import HaversineTravel, TravelModel
from solver.analysis import Analyzer, TaskAnalysis
from solver.conditional import BoundModel
from solver.coverage import CoverageModel
from solver.cpsat import PlanModel, linear
from solver.greedy import greedy_plan
from solver.planner import allowed, components
from solver.solution import Solution
from solver.stages import coverage_weights
from tests.golden.record import sources
from worldgen import generate_world

PRINTS = Path(__file__).resolve().parent / "model_prints.json"

GENERATED = {"generated-7001": (7001, False), "generated-7004-one-day": (7004, True)}
"""Generated subdistrict weeks (200 tasks, 80 volunteers): seed, and whether every window is
moved to Wednesday (bench/unseen.py's one-day shape: large slots, many pairs)."""


def generated(seed: int, one_day: bool) -> Scenario:
    world = generate_world(200, 80, 1, seed)
    if one_day:
        world = copy.deepcopy(world)
        world.pop("pinned", None)
        for task in world["tasks"]:
            windows = task.get("windows") or ([task["window"]] if "window" in task else [])
            for window in windows:
                if "days" in window and "every" not in task:
                    window["days"] = ["wed"]
    return build_scenario(world)


def scenarios() -> Iterator[tuple[str, Callable[[], Scenario]]]:
    """Every golden scenario (by file stem), then the generated weeks."""
    for path in sources():
        yield path.stem, lambda path=path: load_scenario(path)
    for name, (seed, one_day) in GENERATED.items():
        yield name, lambda seed=seed, one_day=one_day: generated(seed, one_day)


def proto_bytes(model: PlanModel) -> bytes:
    """The model's proto as CP-SAT's binary wire format (the Python wrapper has no
    serialiser of its own: `export_to_file` writes binary for a `.pb` name)."""
    fd, name = tempfile.mkstemp(suffix=".pb")
    os.close(fd)
    try:
        model.m.export_to_file(name)
        return Path(name).read_bytes()
    finally:
        os.unlink(name)


def _print(model: PlanModel) -> str:
    return hashlib.sha256(proto_bytes(model)).hexdigest()


def prints_of(scenario: Scenario) -> dict[str, str]:
    """Per (part, kind of model), the sha256 of the model's proto once hinted from greedy's
    plan and given the coverage objective: the routing model, the pairwise one with and
    without knapsacks, the bound model, and the first two with half the part fixed
    (neighbourhood search) and with pins as assumptions."""
    travel = HaversineTravel(scenario.settings)
    analyses = Analyzer(scenario, travel).analyse_all()
    floor = greedy_plan(scenario, analyses, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    out: dict[str, str] = {}
    for n, part in enumerate(components(analyses)):
        for kind, model in _models(scenario, analyses, part, travel, weights, floor):
            model.hint(floor)
            model.m.maximize(linear(model.coverage_terms))
            out[f"{n}/{kind}"] = _print(model)
    return out


def _models(
    scenario: Scenario,
    analyses: dict[str, TaskAnalysis],
    part: list[str],
    travel: TravelModel,
    weights: dict[str, int],
    floor: Solution,
) -> Iterator[tuple[str, PlanModel]]:
    half = part[: (len(part) + 1) // 2]
    yield "routing", PlanModel(scenario, analyses, part, travel, weights)
    yield "pairwise", CoverageModel(scenario, analyses, part, travel, weights)
    yield "knapsacks", CoverageModel(scenario, analyses, part, travel, weights, knapsacks=True)
    yield "bound", BoundModel(scenario, analyses, part, travel, weights)
    yield "routing-fixed", PlanModel(scenario, analyses, half, travel, weights, fixed=floor)
    yield "pairwise-fixed", CoverageModel(scenario, analyses, half, travel, weights, fixed=floor)
    if scenario.pinned:
        yield (
            "routing-assumed",
            PlanModel(scenario, analyses, part, travel, weights, pin_assumptions=True),
        )


def recorded() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(PRINTS.read_text("utf-8"))
    return data


def main() -> None:
    data: dict[str, Any] = {}
    for name, make in scenarios():
        data[name] = prints_of(make())
        print(name, len(data[name]), file=sys.stderr)
    PRINTS.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
