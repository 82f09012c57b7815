"""Benchmark of the coverage stage on weeks it was never tuned on: time from the start of a solve
(analysis, greedy, model) to proved coverage, on the pairwise model and on the routing model,
each world solved by both side by side in the same run. Prints figures; not a test.

    .venv/bin/python bench/coverage.py              # 10 generated 200/80/1 weeks + subdistrict-a
    .venv/bin/python bench/coverage.py --seeds 1 2 --cap 20 --workers 1
    .venv/bin/python bench/coverage.py --volunteers 60 --pairwise-only   # another shape

With one worker the cap is CP-SAT's deterministic time (as every one-worker budget is), so a
stage may run longer than the cap in wall time; the times printed are always wall time.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from mutualaid.contract.scenario import build_scenario, load_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES, Scenario  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import allowed, analyse, components  # noqa: E402
from solver.coverage import CoverageModel  # noqa: E402
from solver.cpsat import PlanModel  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.solution import Solution  # noqa: E402
from solver.stages import coverage_weights, staged_solve  # noqa: E402
from worldgen import generate_world  # noqa: E402

SHARED_WORLD = ROOT.parent / "shared" / "worlds" / "subdistrict-a.yaml"  # beside the checkout
TARGET_S = 5.0
"""The issue's target: coverage proved within this many seconds."""


def cpu() -> float:
    """User CPU seconds of this process, CP-SAT's threads included."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_utime


def time_to_coverage(
    scenario: Scenario, pairwise: bool, cap: float, workers: int
) -> tuple[float, float, bool, dict[str, int]]:
    """(wall seconds, user CPU seconds, proved, served per priority) from the start of the
    solve to the end of the coverage stage of every part, the stage given `cap` seconds."""
    t0, c0 = time.monotonic(), cpu()
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    floor = greedy_plan(scenario, analyses, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    proved = True
    best = Solution()
    for part in components(analyses):
        mine = Solution(
            {t: floor.starts[t] for t in part if t in floor.crews},
            {t: floor.crews[t] for t in part if t in floor.crews},
        )
        kind = CoverageModel if pairwise else PlanModel
        model = kind(scenario, analyses, part, travel, weights)
        sol, stages, _ = staged_solve(
            model, mine, budget=cap, workers=workers, seed=0, stages_wanted=("coverage",)
        )
        proved = proved and bool(stages) and stages[0].optimal
        if sol is not None:
            best.merge(sol)
    served = {p: 0 for p in PRIORITIES}
    for tid in best.crews:
        served[scenario.tasks[tid].priority] += 1
    return time.monotonic() - t0, cpu() - c0, proved, served


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, nargs="*", default=list(range(1, 11)))
    ap.add_argument("--tasks", type=int, default=200)
    ap.add_argument("--volunteers", type=int, default=80)
    ap.add_argument("--cap", type=float, default=30.0, help="seconds the coverage stage may take")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-shared", action="store_true", help="leave out subdistrict-a")
    ap.add_argument("--pairwise-only", action="store_true", help="leave out the routing model")
    args = ap.parse_args()

    worlds: list[tuple[str, Scenario]] = [
        (f"seed {s}", build_scenario(generate_world(args.tasks, args.volunteers, 1, s)))
        for s in args.seeds
    ]
    if not args.no_shared and SHARED_WORLD.exists():
        worlds.append(("subdistrict-a", load_scenario(SHARED_WORLD)))

    print(
        f"generated {args.tasks}/{args.volunteers}/1 weeks; coverage stage, cap {args.cap:g} s, "
        f"{args.workers} workers; wall s (user CPU s)"
    )
    print(f"{'world':<14} {'routing model':>28} {'pairwise model':>28}")
    figures: dict[bool, list[tuple[float, bool]]] = {False: [], True: []}
    for name, scenario in worlds:
        cells = []
        for pairwise in (False, True):  # side by side: the machine's load hits both alike
            if args.pairwise_only and not pairwise:
                cells.append("-")
                continue
            wall, user, proved, served = time_to_coverage(
                scenario, pairwise, args.cap, args.workers
            )
            figures[pairwise].append((wall, proved))
            got = "/".join(str(served[p]) for p in PRIORITIES)
            cells.append(f"{wall:6.1f} ({user:5.1f}) {'proved' if proved else 'open  '} {got}")
        print(f"{name:<14} {cells[0]:>28} {cells[1]:>28}", flush=True)

    print()
    print(f"{'':<22} {'routing model':>14} {'pairwise model':>15}")
    n = len(worlds)
    columns = []
    for pairwise in (False, True):
        if args.pairwise_only and not pairwise:
            columns.append(["-"] * 4)
            continue
        # a world not proved counts with the time it ran: a floor of its time to proof
        walls = [w for w, _ in figures[pairwise]]
        open_ = [w for w, ok in figures[pairwise] if not ok]
        worst = f"> {max(open_):.1f}" if open_ else f"{max(walls):.1f}"
        proved_in_time = sum(ok and w <= TARGET_S for w, ok in figures[pairwise])
        proved_at_all = sum(ok for _, ok in figures[pairwise])
        median = statistics.median(walls)
        columns.append([f"{median:.1f}", worst, f"{proved_in_time}/{n}", f"{proved_at_all}/{n}"])
    labels = ["median s to proof", "worst s to proof", "proved within 5 s", "proved within cap"]
    for i, label in enumerate(labels):
        print(f"{label:<22} {columns[0][i]:>14} {columns[1][i]:>15}")


if __name__ == "__main__":
    main()
