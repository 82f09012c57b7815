"""What refusing hostile input costs, against reading an honest week in the same run: an alias
bomb, YAML and JSON nested far too deep, a flat YAML list of 2,100,000 values (refused from the
parser's events, before composing), a JSON list wrong in every item, and the edge's walk over a
large JSON body.

    .venv/bin/python bench/bounds.py [--tasks 10000]

Prints seconds and peak traced memory (tracemalloc, a second run) per case, and each time as
a ratio to the baseline (loading scenarios/01-jingbalu-life-centre.yaml). No time is asserted.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import msgspec

from mutualaid.bounds import check_data
from mutualaid.contract.scenario import build_scenario, load_scenario, parse_scenario
from mutualaid.errors import ScenarioError
from worldgen import generate_world

SAMPLE = Path(__file__).resolve().parents[1] / "scenarios" / "01-jingbalu-life-centre.yaml"


def alias_bomb(levels: int = 8, fan: int = 10) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * fan) + "]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * fan) + "]")
    return "\n".join(lines) + "\n"


def measure(work: Callable[[], object]) -> tuple[float, float, str]:
    """Seconds (untraced), peak traced MB (a second run), and what came of it."""
    t0 = time.perf_counter()
    outcome = run(work)
    took = time.perf_counter() - t0
    tracemalloc.start()
    run(work)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return took, peak, outcome


def run(work: Callable[[], object]) -> str:
    try:
        got = work()
    except ScenarioError as exc:
        return f"refused: {exc.problems[0].message}"
    if isinstance(got, list) and got:
        return f"refused: {got[0].message}"
    return "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000, help="tasks of the large JSON body")
    args = parser.parse_args()
    print(f"$ .venv/bin/python bench/bounds.py --tasks {args.tasks}")
    bomb = alias_bomb()
    world = generate_world(args.tasks, args.tasks * 2 // 5, 10, 0)
    body = json.dumps(world, ensure_ascii=False).encode()
    wide = "x: [" + ",".join(["1"] * 2_100_000) + "]\n"  # the tester's 4.2 MB of issue 7
    zeros = {"name": "z", "timezone": "UTC", "week_start": "2026-11-30", "tasks": [0] * 100_000}
    deep: object = []
    for _ in range(900):  # as deep as the JSON decoder goes before its own recursion limit
        deep = [deep]
    cases: list[tuple[str, Callable[[], object]]] = [
        ("baseline: load the sample week", lambda: load_scenario(SAMPLE) and None),
        (f"alias bomb ({len(bomb.encode())} bytes, 10**9 values)", lambda: parse_scenario(bomb)),
        ("YAML nested 100,000 deep", lambda: parse_scenario("a: " + "[" * 100_000 + "]" * 100_000)),
        ("JSON data nested 900 deep (edge walk)", lambda: check_data(deep)),
        (
            f"flat YAML list, 2,100,000 values ({len(wide) / 2**20:.1f} MB)",
            lambda: parse_scenario(wide),
        ),
        ("100,000 tasks that are each 0 (checking stops at 1,000)", lambda: build_scenario(zeros)),
        (
            f"decode a {args.tasks}-task JSON body ({len(body) / 2**20:.1f} MB, as Litestar)",
            lambda: msgspec.json.decode(body) and None,
        ),
        (f"edge walk of the decoded {args.tasks}-task body", lambda: check_data(world)),
    ]
    results = [(name, *measure(work)) for name, work in cases]
    base = results[0][1]
    print(f"{'case':<50} {'seconds':>9} {'x base':>8} {'peak MB':>8}  outcome")
    for name, took, peak, outcome in results:
        print(f"{name:<50} {took:>9.4f} {took / base:>8.3f} {peak:>8.2f}  {outcome[:70]}")


if __name__ == "__main__":
    main()
