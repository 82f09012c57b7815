"""The top tasks' share of a large part's budget (solver/large.py `top_share`): each week solved
first with `TOP_SHARE` always (as before), then with the share by greedy's floor gap and the
top model's unused time given back, in turn; served per priority, bound, wall time, the 1-minute
load and the reference checker's verdict of both plans. Prints figures; not a test.

    nice -n 10 .venv/bin/python bench/top_share.py --seeds 7004 7010 7001 7002 7003
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine import check  # noqa: E402
from unseen import Week, quad, weighted  # noqa: E402

from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402


def main() -> int:
    import solver
    import solver.large as parts

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="district")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7004, 7010, 7001, 7002, 7003])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print("| week | served before / after | bound before / after | gap before / after "
          "| wall s before / after | load | checked |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        week = Week.of(args.size, seed)
        data = week.generate()
        scenario = build_scenario(data)
        rows = []
        for by_gap in (False, True):
            parts.SHARE_BY_GAP = by_gap
            t0 = time.monotonic()
            options = solver.SolveOptions(time_limit=args.time_limit, workers=args.workers)
            plan = solver.solve(scenario, options)
            wall = time.monotonic() - t0
            assert plan.objective is not None, plan.error
            served, bound = plan.objective.served, plan.bound
            ok = check(data, plan_json.dump(plan, scenario))["ok"]
            gap = 1 - weighted(served) / max(1, weighted(bound))
            rows.append((served, bound, gap, wall, os.getloadavg()[0], ok))
        parts.SHARE_BY_GAP = True
        b, a = rows
        print(f"| {week.label} | {quad(b[0])} / {quad(a[0])} | {quad(b[1])} / {quad(a[1])} "
              f"| {b[2]:.2%} / {a[2]:.2%} | {b[3]:.0f} / {a[3]:.0f} | {b[4]:.1f}-{a[4]:.1f} "
              f"| {b[5]} / {a[5]} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
