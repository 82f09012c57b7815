"""Helper A2's audit of the low step's bound (stop 26 A saw 8036's low step bounded at 23.654,
under an LP value 27.003 of the same run and a plan of 26): `bench/unseen.py`'s `run_week` with
`column_step.LOW` on, every slot pricing of the master recorded (its prizes, cap, known sets and
answer), and after the run a consistency check that is the bench's, not the product's: each
round's L against the most slack-free LP value met and `--floor` (a low count some plan reaches),
and, where either fails, every recorded pricing of the failing rounds repeated with 5,000,000
labels (an answer whose bound is below the exact best is the fault). Not a test.

    .venv/bin/python bench/low_fault.py --seeds 8036 8036 --floor 26
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import unseen  # noqa: E402

from solver import column_step, route_master  # noqa: E402

CALLS: list[tuple[Any, ...]] = []
"""(thread, slot, prize, cap, known, answer) of every pricing."""

REAL_BEST, REAL_BOUND = route_master.best_set, route_master.RouteMaster.bound
RUNS: list[Any] = []


def best_set(slot: Any, prize: Any, cap: int = route_master.LABELS, known: Any = (),
             more: Any = None) -> Any:  # fmt: skip
    known = [frozenset(s) for s in known]
    got = REAL_BEST(slot, prize, cap, known, more)
    CALLS.append((threading.get_ident(), slot, dict(prize), cap, known, got))
    return got


def bound(self: Any, priority: str, held: Any, **kw: Any) -> Any:
    first = len(CALLS)
    out = REAL_BOUND(self, priority, held, **kw)
    RUNS.append((priority, dict(held), out, first, len(CALLS), threading.get_ident(),
                 (self, kw)))  # fmt: skip
    return out


def audit(floor: float | None) -> None:
    for priority, held, out, lo, hi, ident, _called in RUNS:
        print(f"  master {priority} {held}: rounds {out.rounds} LP {out.lp:.3f} "
              f"L {out.bound:.3f} feasible {out.feasible:.3f} sound {out.sound()} "
              f"converged {out.converged} sets {len(out.sets)}")  # fmt: skip
        for k, (lp, value, secs, exact) in enumerate(out.history):
            print(f"    round {k + 1}: LP {lp:.3f} L {value:.3f} {secs:.1f} s exact {exact}")
        bad = not out.sound() or (floor is not None and out.bound < floor - 1e-6)
        if not bad:
            continue
        print("  FAULT: repricing every recorded slot pricing exactly", flush=True)
        mine = [c for c in CALLS[lo:hi] if c[0] == ident]
        wrong = 0
        for _, slot, prize, cap, known, (most, _s, above) in mine:
            truth = REAL_BEST(slot, prize, 5_000_000)
            if above < truth[0] - 1e-9 or most > truth[0] + 1e-9:
                wrong += 1
                print(f"    slot {slot.vid}/{slot.k} cap {cap} known {len(known)}: "
                      f"most {most:.4f} bound {above:.4f} exact {truth[0]:.4f}")  # fmt: skip
        print(f"  {wrong} of {len(mine)} pricings wrong (the thread's {len(mine)} of {hi - lo})")


def replay(floor: float | None, upto: int) -> None:
    """Each master of the run again on the same slots, held counts and seed sets, in this
    thread, no deadline, no stop, to convergence: the path the thread was on, continued."""
    for priority, held, _, _, _, _, (master, kw) in list(RUNS):
        RUNS.clear()
        CALLS.clear()
        got = master.bound(priority, held, seed=kw.get("seed", ()), max_rounds=upto,
                           smooth=kw.get("smooth", 0.0))  # fmt: skip
        print(f"  replayed without the thread ({upto} rounds at most): sets {len(got.sets)}")
        audit(floor)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", required=True)
    parser.add_argument("--floor", type=float, default=None)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--replay", action="store_true", help="each master again, no thread")
    parser.add_argument("--upto", type=int, default=200, help="the replay's rounds at most")
    args = parser.parse_args()
    route_master.best_set = best_set
    route_master.RouteMaster.bound = bound  # type: ignore[method-assign]
    column_step.LOW = True
    for seed in args.seeds:
        CALLS.clear()
        RUNS.clear()
        column_step.LOG = []
        r = unseen.run_week(unseen.Week.of("subdistrict", seed), args.time_limit, 2)
        print(f"{seed}: served {unseen.quad(r['served'])} bound {unseen.quad(r['bound'])} "
              f"load {os.getloadavg()[0]:.1f} log {column_step.LOG}", flush=True)  # fmt: skip
        audit(args.floor if seed == 8036 else None)
        if args.replay:
            replay(args.floor if seed == 8036 else None, args.upto)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
