"""Price and branch on a week's largest part (`solver.route_plan`): per step, column generation
(`solver.route_master`, to convergence or `--cg` seconds), the integer master over its sets
(CP-SAT, `--mip` seconds), and the chosen sets as visits, held against the project's validator
and the reference checker; the counts above each step given by `--held` urgent high normal (the
planner's). Prints CPU seconds and the load beside each figure. Not a test.

    .venv/bin/python bench/price_branch.py --seed 7010 --held 14 38 73
    .venv/bin/python bench/price_branch.py --seed 7004 --held 11 39 63 --steps normal low
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from unseen import Week  # noqa: E402

from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from mutualaid.validation import validate  # noqa: E402
from solver import analyse, components  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.route_master import RouteMaster  # noqa: E402
from solver.route_plan import column_plan, integer_master  # noqa: E402
from solver.solution import build_plan, count_by_priority  # noqa: E402
from tests.reference import reference_check  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7010)
    ap.add_argument("--held", type=int, nargs=3, default=[14, 38, 73])
    ap.add_argument("--steps", nargs="+", choices=["normal", "low"], default=["normal"])
    ap.add_argument("--cg", type=float, default=60.0)
    ap.add_argument("--mip", type=float, default=20.0)
    ap.add_argument("--fill", action="store_true", help="greedy fills around the column plan")
    args = ap.parse_args()
    world = Week.of("subdistrict", args.seed).generate()
    scenario = build_scenario(world)
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    part = max(components(analyses), key=len)
    master = RouteMaster(scenario, analyses, part, travel)
    h = args.held
    given = {"normal": {"urgent": h[0], "high": h[1]},
             "low": {"urgent": h[0], "high": h[1], "normal": h[2]}}  # fmt: skip
    for p in args.steps:
        c0, t0 = time.process_time(), time.monotonic()
        step = master.bound(p, given[p], deadline=time.monotonic() + args.cg, max_rounds=500)
        c1 = time.process_time()
        print(
            f"{args.seed} {p} given {given[p]}: CG LP {step.lp:.3f} bound {step.bound:.3f} "
            f"converged {step.converged}, {step.columns} sets, {c1 - c0:.1f} s CPU "
            f"{time.monotonic() - t0:.1f} s wall (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        im = integer_master(master, p, given[p], step, seconds=args.mip)
        print(
            f"  integer master: {im.value} ({im.status}, its bound {im.bound:.1f}) in "
            f"{im.seconds:.1f} s wall (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        sol = column_plan(master, im.chosen, im.served)
        print(f"  column plan: {count_by_priority(scenario, sol.crews)}", flush=True)
        if args.fill:
            sol = greedy_plan(scenario, {t: analyses[t] for t in step.tids}, travel, fixed=sol)
        plan = build_plan(scenario, sol, analyses, travel, status="feasible", bound={},
                          started=time.monotonic())  # fmt: skip
        dumped = plan_json.dump(plan, scenario)
        report = validate(scenario, dumped)
        with tempfile.TemporaryDirectory() as tmp:
            errs, _ = reference_check(world, dumped, Path(tmp))
        print(
            f"  plan of the part: {count_by_priority(scenario, sol.crews)}; validator "
            f"{len(report.violations)} violations, reference checker {len(errs)} "
            f"{errs[:2]} (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
