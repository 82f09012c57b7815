"""Benchmark of recommendations for a new request (`solver.recommend`): on
../shared/worlds/subdistrict-a.yaml, generated subdistrict weeks (200/80/1) and a district week
(2,000/800/10), the time to answer the best five options for requests against a solved plan —
tasks the plan serves, taken out of it as if new, and tasks it leaves unserved (capacity),
which need other visits moved. Beside it, in the same run, the repair of a decline on the same
week (`solver.repair`), as the baseline the ratio is given against. Also the time to build the
week with the request in it from its JSON (what the service does first). Prints figures; not a
test.

    .venv/bin/python bench/recommend.py                     # subdistrict-a, seeds 101-103, district
    .venv/bin/python bench/recommend.py --no-district --requests 20
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import solver  # noqa: E402
from mutualaid.contract.export import from_scenario  # noqa: E402
from mutualaid.contract.scenario import build_scenario, read_scenario_text  # noqa: E402
from mutualaid.domain.model import Scenario  # noqa: E402
from solver.recommend import recommend  # noqa: E402
from worldgen import generate_world  # noqa: E402

SHARED_WORLD = ROOT.parent / "shared" / "worlds" / "subdistrict-a.yaml"
TARGETS = {"subdistrict": 1.0, "district": 3.0}
"""The issue's targets, seconds per recommendation."""


def run(name: str, kind: str, scenario: Scenario, args: argparse.Namespace) -> None:
    t0 = time.monotonic()
    limit = args.time_limit if kind == "subdistrict" else args.district_time_limit
    options = solver.SolveOptions(time_limit=limit, workers=1, deterministic=False)
    plan = solver.solve(scenario, options)
    solve_s = time.monotonic() - t0
    rnd = random.Random(name)
    served = [a.task for a in plan.assignments]
    left = [u.task for u in plan.unserved if u.reason == "capacity"]
    half = args.requests // 2
    asks = [(t, True) for t in rnd.sample(served, min(half, len(served)))]
    asks += [(t, False) for t in rnd.sample(left, min(args.requests - len(asks), len(left)))]
    times, counts, moving = [], [], 0
    for tid, taken_out in asks:
        published = plan
        if taken_out:
            published = dataclasses.replace(
                plan, assignments=[a for a in plan.assignments if a.task != tid]
            )
        t0 = time.perf_counter()
        options = recommend(scenario, published, tid)
        times.append(time.perf_counter() - t0)
        counts.append(len(options))
        moving += sum(1 for o in options if o.moves)
    base = []
    sol = solver.solution_of(scenario, {"assignments": []})
    for a in plan.assignments:
        sol.starts[a.task], sol.crews[a.task] = a.start, a.volunteers
    for a in rnd.sample(plan.assignments, min(5, len(plan.assignments))):
        t0 = time.perf_counter()
        solver.repair(scenario, sol, a.task, 1.0, 1)
        base.append(time.perf_counter() - t0)
    data = from_scenario(scenario)
    t0 = time.perf_counter()
    build_scenario(data)
    build_s = time.perf_counter() - t0
    med, worst = statistics.median(times), max(times)
    ratio = med / statistics.median(base)
    print(f"{name}: {len(scenario.tasks)} tasks, solve {solve_s:.1f} s; {len(asks)} requests: "
          f"median {med * 1000:.0f} ms, worst {worst * 1000:.0f} ms (target "
          f"{TARGETS[kind]:.0f} s); options per request {statistics.mean(counts):.1f}, "
          f"{moving} that move other visits; decline repair median "
          f"{statistics.median(base) * 1000:.0f} ms (ratio {ratio:.2f}); the week rebuilt "
          f"from JSON {build_s * 1000:.0f} ms")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=[101, 102, 103])
    ap.add_argument("--requests", type=int, default=10, help="requests per world")
    ap.add_argument("--time-limit", type=float, default=10.0, help="a subdistrict's solve")
    ap.add_argument("--district-time-limit", type=float, default=30.0)
    ap.add_argument("--no-district", action="store_true")
    ap.add_argument("--no-shared", action="store_true")
    args = ap.parse_args()
    print("$", " ".join([".venv/bin/python", *sys.argv]))
    if not args.no_shared and SHARED_WORLD.exists():
        scenario, _ = read_scenario_text(SHARED_WORLD.read_text(encoding="utf-8"))
        run("subdistrict-a", "subdistrict", scenario, args)
    for seed in args.seeds:
        run(f"generated-{seed}", "subdistrict", build_scenario(generate_world(200, 80, 1, seed)),
            args)  # fmt: skip
    if not args.no_district:
        world = generate_world(2000, 800, 10, 7)
        run("district-7", "district", build_scenario(world), args)


if __name__ == "__main__":
    main()
