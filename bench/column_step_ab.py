"""The route-set master's columns beside each one-day coverage step (`solver.column_step`: the
column plan as a competitor, the Lagrangian bound as the step's), on or off, in the same
process, for A/B in turn: `bench/unseen.py`'s `run_week` on each week named, then each open
step's figures (column generation's LP and bound, the column plan's count, whether it was
taken). Not a test.

    .venv/bin/python bench/column_step_ab.py --arm on --seeds 7004 7010 8030 8036 --time-limit 30
    .venv/bin/python bench/column_step_ab.py --arm off --size district --seeds 7004 7010 \\
        --time-limit 60

`--arm compete` or `bound`: one of the two alone; `--arm low`: the low step's bound alone
(`column_step.LOW`, stop 26 A), its duals smoothed by `--smooth`; `--arm enum`: the low
step's route enumeration alone (`low_enum_step.ENUM`, stop 27 A2).
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

import unseen  # noqa: E402
from command import said_command  # noqa: E402

from solver import column_step, low_enum_step  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arms = ["on", "off", "compete", "bound", "low", "enum"]
    parser.add_argument("--arm", choices=arms, required=True)
    parser.add_argument("--size", default="subdistrict", choices=list(unseen.SIZES))
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smooth", type=float, default=column_step.SMOOTH)
    args = parser.parse_args()
    print(said_command("bench/column_step_ab.py"), flush=True)
    column_step.COMPETE = args.arm in ("on", "compete")
    column_step.BOUND = args.arm in ("on", "bound")
    column_step.LOW, column_step.SMOOTH = args.arm == "low", args.smooth
    low_enum_step.ENUM = args.arm == "enum"
    for seed in args.seeds:
        week = unseen.Week.of(args.size, seed)
        column_step.LOG, low_enum_step.LOG = [], []
        load = os.getloadavg()[0]
        t0 = time.monotonic()
        r = unseen.run_week(week, args.time_limit, args.workers)
        proof = f"{r['proof_s']:.1f} s" if r["proof_s"] is not None else "-"
        print(
            f"{args.arm} {week.label}: served {unseen.quad(r['served'])} bound "
            f"{unseen.quad(r['bound'])} gap {100 * r['gap']:.2f}% proof {proof} "
            f"wall {time.monotonic() - t0:.1f} s check {'ok' if r['check'] else 'FAIL'} "
            f"load {load:.1f}-{r['load']:.1f}",
            flush=True,
        )
        for step in column_step.LOG + low_enum_step.LOG:
            print("   ", {k: round(v, 3) if isinstance(v, float) else v for k, v in step.items()},
                  flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
