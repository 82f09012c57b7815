"""Benchmark of suggestions for unserved tasks: on ../shared/worlds/subdistrict-a.yaml and
generated 200-task weeks (200/80/1), the time to build every unserved task's candidates
(`solver.suggest_kinds.suggest`, with the insertion argument), and the time of the contract's
check of a sample of them (`solver.suggest_verify.keeps_promise`: a one-worker solve of the
patched week each). Prints figures; not a test.

    .venv/bin/python bench/suggest.py                   # subdistrict-a + seeds 101..105
    .venv/bin/python bench/suggest.py --seeds 7 --check 0   # construction only
    .venv/bin/python bench/suggest.py --time-limit 3        # a quicker plan to suggest for
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import solver  # noqa: E402
from mutualaid.contract.scenario import build_scenario, read_scenario_text  # noqa: E402
from solver.suggest_kinds import suggest  # noqa: E402
from solver.suggest_verify import keeps_promise  # noqa: E402
from worldgen import generate_world  # noqa: E402

SHARED_WORLD = ROOT.parent / "shared" / "worlds" / "subdistrict-a.yaml"
TARGET_S = 2.0
"""The issue's target: suggestions for a subdistrict week within this many seconds."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=[101, 102, 103, 104, 105])
    ap.add_argument("--check", type=int, default=2, help="candidates checked per world")
    ap.add_argument("--no-shared", action="store_true", help="skip subdistrict-a")
    ap.add_argument("--scenario", type=Path, nargs="*", default=[],
                    help="scenario files to add, e.g. scenarios/08-*.yaml")  # fmt: skip
    ap.add_argument("--time-limit", type=float, default=None,
                    help="budget of the plan suggested for (default: the week's)")  # fmt: skip
    args = ap.parse_args()
    print("$", " ".join(["python", *sys.argv]))
    worlds = []
    if not args.no_shared and SHARED_WORLD.exists():
        scenario, doc = read_scenario_text(SHARED_WORLD.read_text(encoding="utf-8"))
        worlds.append(("subdistrict-a", scenario, doc))
    for path in args.scenario:
        scenario, doc = read_scenario_text(path.read_text(encoding="utf-8"), str(path))
        worlds.append((path.stem, scenario, doc))
    for seed in args.seeds:
        doc = generate_world(200, 80, 1, seed)
        worlds.append((f"generated-{seed}", build_scenario(doc), doc))
    build_times, check_times = [], []
    for name, scenario, doc in worlds:
        t0 = time.monotonic()
        plan = solver.solve(scenario, solver.SolveOptions(time_limit=args.time_limit, workers=1))
        solve_s = time.monotonic() - t0
        assert plan.objective is not None, plan.error
        t0 = time.monotonic()
        found = suggest(scenario, doc, plan)
        build_s = time.monotonic() - t0
        build_times.append(build_s)
        kinds = Counter(c.kind for cs in found.values() for c in cs)
        bare = sum(1 for cs in found.values() if not cs)
        print(f"{name}: solve {solve_s:.1f} s, {len(plan.unserved)} unserved, candidates "
              f"built in {build_s:.3f} s: {dict(kinds)}; {bare} tasks without one")  # fmt: skip
        sample = [(t, c) for t, cs in found.items() for c in cs[:1]][: args.check]
        before = plan.objective.coverage_key()
        for tid, cand in sample:
            t0 = time.monotonic()
            ok = keeps_promise(doc, cand.patch, tid, before, scenario.settings.seed)
            spent = time.monotonic() - t0
            check_times.append(spent)
            print(f"  check {tid} {cand.kind}: {'kept' if ok else 'NOT kept'} in {spent:.1f} s")
    median, worst = statistics.median(build_times), max(build_times)
    print(f"construction: median {median:.3f} s, worst {worst:.3f} s over "
          f"{len(build_times)} weeks (target {TARGET_S} s)")  # fmt: skip
    if check_times:
        print(f"one-worker check: median {statistics.median(check_times):.1f} s, worst "
              f"{max(check_times):.1f} s per suggestion ({len(check_times)} checked)")  # fmt: skip


if __name__ == "__main__":
    main()
