"""The route-set master priced by labels (`solver.route_master`) on a week's largest part,
given the part's counts above each step (`--held` urgent high normal): per step the bound, the
LP it converged to, rounds and sets, and each exact round's LP and Lagrangian bound with the
seconds so far; the load beside. Not a test. Prefix `/usr/bin/time -f "%U %e"` for CPU.

    .venv/bin/python bench/master_colgen.py --seed 7004 --held 11 39 63
    .venv/bin/python bench/master_colgen.py --seed 7010 --held 14 38 73 --steps normal
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

from week_part import largest_part  # noqa: E402

from solver.route_master import RouteMaster  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7004)
    ap.add_argument("--held", type=int, nargs=3, default=[11, 39, 63])
    ap.add_argument("--steps", nargs="+", choices=["normal", "low"], default=["normal", "low"])
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--shared", action="store_true", help="subdistrict-a instead of --seed")
    args = ap.parse_args()
    wp = largest_part("subdistrict", args.seed, shared=args.shared)
    scenario, travel, analyses, part = wp.scenario, wp.travel, wp.analyses, wp.part
    t0 = time.monotonic()
    master = RouteMaster(scenario, analyses, part, travel)
    triangle = sum(s.triangle for s in master.slots)
    print(
        f"week {args.seed}: part {len(part)}, {len(master.slots)} slots ({triangle} keep the "
        f"triangle) in {time.monotonic() - t0:.1f} s (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    h = args.held
    given = {"normal": {"urgent": h[0], "high": h[1]},
             "low": {"urgent": h[0], "high": h[1], "normal": h[2]}}  # fmt: skip
    for p in args.steps:
        got = master.bound(p, given[p], max_rounds=args.rounds)
        print(
            f"  {p} given {given[p]}: bound {got.bound:.3f}, LP {got.lp:.3f}, rounds {got.rounds},"
            f" converged {got.converged}, sets {got.columns}, {got.seconds:.1f} s "
            f"(load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
        for i, (lp, bound, seconds, exact) in enumerate(got.history):
            if exact:
                print(f"    round {i}: LP {lp:.3f}, bound {bound:.3f} at {seconds:.1f} s")


if __name__ == "__main__":
    main()
