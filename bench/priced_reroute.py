"""Rerouting's route sets with priced routes for blocks too wide to list, against the routes
near their plan's, solved in turn on the same weeks (interleaved, so the machine's load falls
on both alike): `--ways nearest priced` prices ahead of ruin and recreate (`Rerouting.priced`),
`after` in the time ruin and recreate left (`Rerouting.priced_after`):

    nice -n 5 .venv/bin/python bench/priced_reroute.py --seeds 7003 7007 7009 --time-limit 60
    nice -n 5 .venv/bin/python bench/priced_reroute.py --ways nearest after --no-shared \\
        --seeds $(seq 7001 7010)

Per week and way: coverage per priority, continuity, max load (fairness), travel, the reference
checker's verdict, the wall seconds against the limit (of them rerouting's) and the load.
subdistrict-a is in unless `--no-shared`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from command import said_command
from engine import SHARED_A, check
from unseen import Week

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from solver.reroute import REROUTING


def main() -> int:
    import solver

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[7003, 7007, 7009])
    ap.add_argument("--size", default="routing")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=1, help="before/after pairs per week")
    ap.add_argument("--ways", nargs="+", default=["nearest", "priced"],
                    choices=["nearest", "priced", "after"])  # fmt: skip
    ap.add_argument("--no-shared", action="store_true", help="leave subdistrict-a out")
    args = ap.parse_args()
    print(said_command("bench/priced_reroute.py"))
    print("| week | way | served | continuity | max load | travel | checked "
          "| wall s (rerouting) | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    weeks = [Week.of(args.size, s) for s in args.seeds]
    if not args.no_shared:
        weeks.append(Week("subdistrict-a", 0, "file", SHARED_A))
    known = {
        "nearest": replace(REROUTING, priced=False, priced_after=False),
        "priced": replace(REROUTING, priced=True, priced_after=False),
        "after": replace(REROUTING, priced=False, priced_after=True),
    }
    ways = {name: known[name] for name in args.ways}
    for week in weeks:
        data = week.generate()
        for r in range(args.rounds):
            order = list(ways.items()) if r % 2 == 0 else list(reversed(ways.items()))
            for name, way in order:
                options = solver.SolveOptions(
                    time_limit=args.time_limit, workers=args.workers, rerouting=way
                )
                scenario, phases = build_scenario(data), {}
                began = time.monotonic()
                plan = solver.solve(scenario, options, phases=phases)
                wall = time.monotonic() - began
                assert plan.objective is not None, plan.error
                o = plan.objective
                ok = check(data, plan_json.dump(plan, scenario))["ok"]
                served = "/".join(str(n) for n in o.served.values())
                print(f"| {week.label} | {name} | {served} | {o.continuity} | "
                      f"{o.max_load:.4f} | {o.travel_minutes} | {ok} | {wall:.1f} "
                      f"({phases.get('rerouting', 0.0):.1f}) | {os.getloadavg()[0]:.1f} |",
                      flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
