"""The route-set relaxation of a week's largest part (`solver.columns`: every set of visits
each volunteer's block can hold) given the counts the planner's steps reached there (`--held`
urgent high normal, of the part): its LP bound on high, normal and low in turn (low's after
reduced-cost fixing from normal's LP), or with `--mip S` the exact MIP (SCIP, S seconds a
step), or with `--cp` CP-SAT over the columns. Not a test; prints the load beside each figure.

    .venv/bin/python bench/columns_probe.py --seed 7010 --held 14 38 73
    .venv/bin/python bench/columns_probe.py --seed 7010 --held 14 38 73 --mip 40
    .venv/bin/python bench/columns_probe.py --seed 7004 --held 11 39 62
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

from solver.columns import ColumnModel  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7010)
    ap.add_argument("--cap", type=float, default=10.0)
    ap.add_argument("--held", type=int, nargs=3, default=[14, 38, 73])
    ap.add_argument("--mip", type=float)
    ap.add_argument("--cp", action="store_true")
    ap.add_argument("--shared", action="store_true")
    args = ap.parse_args()
    wp = largest_part("subdistrict", args.seed, shared=args.shared)
    scenario, travel, analyses, part = wp.scenario, wp.travel, wp.analyses, wp.part
    t0 = time.monotonic()
    cm = ColumnModel(scenario, analyses, part, travel)
    print(
        f"week {args.seed}: part {len(part)}, columns {cm.n_columns} "
        f"in {time.monotonic() - t0:.1f} s (load {os.getloadavg()[0]:.1f})",
        flush=True,
    )
    assert cm.listed
    if args.cp:
        held = dict(zip(("urgent", "high", "normal"), args.held, strict=True))
        for r in cm.lexicographic(args.cap, workers=2, held=held):
            print(r, flush=True)
        return
    h = args.held
    for p, held in (("high", {"urgent": h[0]}), ("normal", {"urgent": h[0], "high": h[1]}),
                    ("low", {"urgent": h[0], "high": h[1], "normal": h[2]})):  # fmt: skip
        t0 = time.monotonic()
        if args.mip:
            got = cm.linear(p, held, integer=True, limit=args.mip)
            way = "MIP"
        else:
            got = cm.linear(p, held, fix=("normal", h[2]) if p == "low" else None)
            way = "LP (reduced-cost fixing from normal's)" if p == "low" else "LP"
        print(
            f"{p} given {held}: {way} status {got[0]}, value {got[1]:.3f}, bound {got[2]:.3f} "
            f"in {time.monotonic() - t0:.1f} s (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
