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
    git archive main | (mkdir -p /tmp/main-code && tar -x -C /tmp/main-code)
    .venv/bin/python bench/recommend.py --baseline /tmp/main-code   # before and after, one run

With `--baseline DIR` (a copy of other code, e.g. main's) each world's requests are also
answered by that code, in a process of its own just before this code answers them on the same
plan, then this code in a process of its own too (the bench's own heap, the solve's, would slow
its collector): both times side by side, and whether the options are the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(sys.argv[sys.argv.index("--code") + 1]) if "--code" in sys.argv else ROOT
"""The code measured: this checkout's, or (`--code DIR`, the baseline's process) another's."""
sys.path.insert(0, str(CODE))

import json  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402

import solver  # noqa: E402
from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.export import from_scenario  # noqa: E402
from mutualaid.contract.scenario import build_scenario, read_scenario_text  # noqa: E402
from mutualaid.domain.model import Scenario  # noqa: E402
from mutualaid.domain.plan import Plan  # noqa: E402
from solver.recommend import recommend  # noqa: E402
from worldgen import generate_world  # noqa: E402

SHARED_WORLD = ROOT.parent / "shared" / "worlds" / "subdistrict-a.yaml"
TARGETS = {"subdistrict": 1.0, "district": 3.0}
"""The issue's targets, seconds per recommendation."""


def answer(
    scenario: Scenario, plan: Plan, asks: list[tuple[str, bool]]
) -> tuple[list[float], list[float], list[Any]]:
    """Each request answered against the plan (less the request when it was served): the
    seconds each took (wall clock, then CPU: what the load does not stretch) and the
    options."""
    times, cpu, answers = [], [], []
    for tid, taken_out in asks:
        published = plan
        if taken_out:
            published = dataclasses.replace(
                plan, assignments=[a for a in plan.assignments if a.task != tid]
            )
        t0, c0 = time.perf_counter(), time.process_time()
        options = recommend(scenario, published, tid)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        answers.append(options)
    return times, cpu, answers


def baseline(code: Path, name: str, plan: Plan, asks: list[tuple[str, bool]]) -> Any:
    """The same requests answered by the code in `code`, in a process of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp) / "plan.json"
        where.write_text(json.dumps({"world": name, "asks": asks,
                                     "plan": plan_json.dump(plan, world(name))}))  # fmt: skip
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--code", str(code), "--answer",
             str(where)], capture_output=True, text=True, check=True,
        )  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


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
    before = None
    if args.baseline:  # both in fresh processes: this one's heap (the solve's) slows its GC
        before = baseline(args.baseline, name, plan, asks)
        now = baseline(CODE, name, plan, asks)
        times, cpu, answers = now["times"], now["cpu"], now["options"]
        counts = [int(c) for c in now["counts"]]
        moving = int(now["moving"])
    else:
        times, cpu, found = answer(scenario, plan, asks)
        answers = [repr(o) for o in found]
        counts = [len(o) for o in found]
        moving = sum(1 for options_ in found for o in options_ if o.moves)
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
          f"{TARGETS[kind]:.0f} s; CPU median {statistics.median(cpu) * 1000:.0f} ms, worst "
          f"{max(cpu) * 1000:.0f} ms); options per request {statistics.mean(counts):.1f}, "
          f"{moving} that move other visits; decline repair median "
          f"{statistics.median(base) * 1000:.0f} ms (ratio {ratio:.2f}); the week rebuilt "
          f"from JSON {build_s * 1000:.0f} ms; load {os.getloadavg()[0]:.1f}")  # fmt: skip
    if before is not None:
        same = before["options"] == answers
        was = before["times"]
        cpu_was = before["cpu"]
        print(f"  baseline {args.baseline}: median {statistics.median(was) * 1000:.0f} ms, "
              f"worst {max(was) * 1000:.0f} ms (CPU median "
              f"{statistics.median(cpu_was) * 1000:.0f} ms, worst {max(cpu_was) * 1000:.0f} "
              f"ms); the same options: "
              f"{'yes' if same else 'NO'}")  # fmt: skip


def answer_from_file(path: Path) -> None:
    """The baseline's side (`--answer FILE`): the requests answered, as one line of JSON."""
    given = json.loads(path.read_text(encoding="utf-8"))
    scenario = world(given["world"])
    plan = plan_json.load(given["plan"], scenario)
    asks = [(t, bool(out)) for t, out in given["asks"]]
    times, cpu, answers = answer(scenario, plan, asks)
    counts = [len(o) for o in answers]
    moving = sum(1 for options in answers for o in options if o.moves)
    shown = [repr(o) for o in answers]
    print(json.dumps({"times": times, "cpu": cpu, "options": shown, "counts": counts,
                      "moving": moving}))  # fmt: skip


def world(name: str) -> Scenario:
    """A world by its name (`subdistrict-a`, `generated-SEED`, `district-7`), built again in
    the baseline's process."""
    if name == "subdistrict-a":
        return read_scenario_text(SHARED_WORLD.read_text(encoding="utf-8"))[0]
    if name == "district-7":
        return build_scenario(generate_world(2000, 800, 10, 7))
    return build_scenario(generate_world(200, 80, 1, int(name.removeprefix("generated-"))))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=[101, 102, 103])
    ap.add_argument("--requests", type=int, default=10, help="requests per world")
    ap.add_argument("--time-limit", type=float, default=10.0, help="a subdistrict's solve")
    ap.add_argument("--district-time-limit", type=float, default=30.0)
    ap.add_argument("--no-district", action="store_true")
    ap.add_argument("--no-shared", action="store_true")
    ap.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="a copy of other code (e.g. main's) to answer the same requests too",
    )
    ap.add_argument("--code", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--answer", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.answer is not None:
        answer_from_file(args.answer)
        return
    print("$", " ".join([".venv/bin/python", *sys.argv]))
    if not args.no_shared and SHARED_WORLD.exists():
        run("subdistrict-a", "subdistrict", world("subdistrict-a"), args)
    for seed in args.seeds:
        name = f"generated-{seed}"
        run(name, "subdistrict", world(name), args)
    if not args.no_district:
        run("district-7", "district", world("district-7"), args)


if __name__ == "__main__":
    main()
