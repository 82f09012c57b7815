"""The planner with and without the pairwise model's time knapsacks
(`solver.coverage.KNAPSACK`; only parts solved one priority at a time have them), each week
both ways in turn (the order alternating from week to week, so the machine's load hits both
alike): served, bound, weighted gap, time to a proven coverage (as bench/unseen.py counts it),
the reference checker's verdict, the 1-minute load. Prints figures; not a test.

    nice -n 10 .venv/bin/python bench/knapsack.py --shapes one-day             # 7004 ... 7046
    nice -n 10 .venv/bin/python bench/knapsack.py --seeds 10   # 7001 ... 7010, every shape
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from command import said_command  # noqa: E402
from unseen import FIRST_SEED, SHAPES, Week, proof_run, quad  # noqa: E402

import solver.coverage  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402


def summary(rows: list[dict[str, Any]], limit: float) -> str:
    """Per side: weeks proved (within 5 s, at all), median and worst gap and time to proof."""
    gaps = [100 * r["gap"] for r in rows]
    proofs = [r["proof_s"] for r in rows if r["proof_s"] is not None]
    times = [r["proof_s"] if r["proof_s"] is not None else limit for r in rows]
    return (
        f"proved {len(proofs)}/{len(rows)} ({sum(p <= 5 for p in proofs)} within 5 s), "
        f"time to proof median {statistics.median(times):.1f} s worst "
        f"{'-' if len(proofs) < len(rows) else f'{max(times):.1f} s'}, gap median "
        f"{statistics.median(gaps):.2f}% worst {max(gaps):.2f}%"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="seeds from --first-seed")
    parser.add_argument("--first-seed", type=int, default=FIRST_SEED)
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES),
                        help="only the seeds of these shapes (a seed keeps its shape)")  # fmt: skip
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(said_command("bench/knapsack.py"), flush=True)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    weeks = [Week.of("subdistrict", s) for s in seeds]
    weeks = [w for w in weeks if w.shape in args.shapes]
    rows: dict[bool, list[dict[str, Any]]] = {False: [], True: []}
    for n, week in enumerate(weeks):
        data = week.generate()
        scenario = build_scenario(data)
        for knapsack in (False, True) if n % 2 == 0 else (True, False):
            solver.coverage.KNAPSACK = knapsack
            r = proof_run(week, data, scenario, args.time_limit, args.workers)
            r.pop("plan")
            rows[knapsack].append(r)
            proof = f"{r['proof_s']:.1f} s" if r["proof_s"] is not None else "open"
            print(
                f"{week.label:<29} {'with' if knapsack else 'without':<7} served "
                f"{quad(r['served'])} bound {quad(r['bound'])} gap {100 * r['gap']:.2f}% proof "
                f"{proof} check {'ok' if r['check'] else 'FAIL'} load {r['load']:.1f}",
                flush=True,
            )
    solver.coverage.KNAPSACK = True
    for knapsack in (False, True):
        side = "with knapsacks   " if knapsack else "without knapsacks"
        print(f"{side} {summary(rows[knapsack], args.time_limit)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
