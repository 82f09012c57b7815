"""The tests' reference check of one random world, as it was (the world written and read back
with PyYAML's pure-Python dumper and parser, then a full `gc.collect()`) and as it is
(libyaml's, no collection), on the same worlds in the same process, alternated so a busy
machine slows both alike. Prints each one's median and their ratio; asserts nothing.

    .venv/bin/python bench/reference_check.py [--worlds 12] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import solver  # noqa: E402
from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402
from tests.reference import checker, reference_check  # noqa: E402
from tests.strategies import small_worlds  # noqa: E402


def before(world: dict[str, Any], plan: dict[str, Any], tmp: Path) -> list[str]:
    """The reference check as tests/reference.py did it until the suite-speed branch."""
    path = tmp / "scenario.yaml"
    path.write_text(yaml.safe_dump(world, allow_unicode=True, sort_keys=False))
    (tmp / "plan.json").write_text(json.dumps(plan, ensure_ascii=False))
    loaded = checker().load(str(path))
    gc.collect()
    errs, _ = checker().check(loaded, json.loads((tmp / "plan.json").read_text()))
    return list(errs)


def worlds(count: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(world=small_worlds())
    def keep(world: dict[str, Any]) -> None:
        found.append(world)

    keep()
    return found[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worlds", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cases = []
    for world in worlds(args.worlds):
        scenario = build_scenario(world)
        plan = solver.solve(scenario, solver.SolveOptions(time_limit=5, workers=1))
        cases.append((world, plan_json.dump(plan, scenario)))
    old: list[float] = []
    new: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for _ in range(args.rounds):
            for world, plan in cases:
                t0 = time.perf_counter()
                was = before(world, plan, tmp)
                t1 = time.perf_counter()
                now, _ = reference_check(world, plan, tmp)
                t2 = time.perf_counter()
                assert was == now, (was, now)
                old.append(t1 - t0)
                new.append(t2 - t1)
    a, b = statistics.median(old), statistics.median(new)
    print(f"{len(cases)} worlds x {args.rounds} rounds: before {a * 1000:.1f} ms, "
          f"after {b * 1000:.1f} ms a check (median), ratio {a / b:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
