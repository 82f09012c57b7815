"""The low step of a one-day week by column generation, to convergence (issue 10, item 1, stop
26 A): on a week's largest part, the coverage steps run as the planner runs them (`--first`
seconds, 2 workers; kept in `--cache` so later runs start from the same plan), then the
route-set master (`solver.route_master`) of the low step, every priority above held at its
step's count, priced with no time limit (`--labels` per slot in an exact round). Prints the
steps, each round's LP and Lagrangian bound with wall and CPU seconds, the converged LP and
the least bound by CPU second, and the load. `--warm` seeds the low step with the normal
step's own columns (generated first, to convergence) and the plan's routes; `--old` prices as
stop 24 did (no knapsack completion bound, no known columns first). Not a test.

    .venv/bin/python bench/low_colgen.py --seed 7004
    .venv/bin/python bench/low_colgen.py --seed 7010 --warm --rounds 400
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from week_part import largest_part  # noqa: E402

from solver import allowed, route_master, route_plan  # noqa: E402
from solver.coverage import CoverageModel  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.route_master import MasterBound, RouteMaster  # noqa: E402
from solver.solution import Solution  # noqa: E402
from solver.stages import coverage_weights, staged_solve  # noqa: E402

MARKS = (0.5, 1, 2, 3, 5, 10, 20, 40, 80, 160)
"""CPU seconds at which the least bound so far is printed."""


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def planned(seed: int, first: float, cache: Path) -> tuple[Any, Solution, list[Any]]:
    """The week's largest part and the planner's coverage steps on it (cached)."""
    wp = largest_part("subdistrict", seed)
    if cache.exists():
        plan, steps = pickle.loads(cache.read_bytes())
        return wp, plan, steps
    weights = coverage_weights(allowed(wp.scenario, wp.analyses))
    model = CoverageModel(wp.scenario, wp.analyses, wp.part, wp.travel, weights, knapsacks=True)
    floor = greedy_plan(wp.scenario, wp.analyses, wp.travel)
    mine = Solution(
        {t: floor.starts[t] for t in wp.part if t in floor.crews},
        {t: floor.crews[t] for t in wp.part if t in floor.crews},
    )
    plan, stages, _ = staged_solve(
        model, mine, budget=first, workers=2, seed=0, stages_wanted=("coverage",),
        deterministic=False, by_priority=True,
    )  # fmt: skip
    assert plan is not None and stages
    steps = list(stages[0].priorities)
    cache.write_bytes(pickle.dumps((plan, steps)))
    return wp, plan, steps


def report(name: str, got: MasterBound, every: bool) -> None:
    lp = got.lp
    print(
        f"  {name}: LP {lp:.3f} (floor {math.floor(lp + 1e-6)}), least L {got.bound:.3f}, "
        f"rounds {got.rounds}, converged {got.converged}, sets {got.columns}, "
        f"{got.seconds:.1f} s wall, {got.cpu[-1] if got.cpu else 0:.1f} s CPU ({load()})",
        flush=True,
    )
    least, marks = math.inf, list(MARKS)
    line = []
    for (lp_, value, wall, exact), cpu in zip(got.history, got.cpu, strict=True):
        while marks and cpu > marks[0]:
            line.append(f"{marks.pop(0):g}s:{least:.2f}")
        least = min(least, value)
        if every or exact:
            print(f"    LP {lp_:8.3f}  L {value:9.3f}  {wall:6.1f} s wall {cpu:6.1f} s CPU"
                  f"{'  exact' if exact else ''}")  # fmt: skip
    line.append(f"end:{least:.2f}")
    print("    least L by CPU second: " + "  ".join(line), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7004)
    ap.add_argument("--first", type=float, default=20.0)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--labels", type=int, default=2_000_000)
    ap.add_argument("--rounds", type=int, default=600)
    ap.add_argument("--warm", action="store_true")
    ap.add_argument("--more", type=int, default=route_master.MORE, help="sets a slot a round")
    ap.add_argument("--quick", type=int, default=route_master.QUICK, help="labels, quick rounds")
    ap.add_argument(
        "--pre",
        type=int,
        default=None,
        help="first the low step with normal held at PRE (what the normal step's hint"
        " serves), its sets then seeding the low step's",
    )
    ap.add_argument("--smooth", type=float, default=0.0, help="the center's weight (Wentges)")
    ap.add_argument("--old", action="store_true", help="stop 24's pricing (no knapsack, known)")
    ap.add_argument("--every", action="store_true", help="print every round, not only exact")
    args = ap.parse_args()
    route_master.MORE, route_master.QUICK = args.more, args.quick
    if args.old:
        route_master.KNAPSACK = route_master.KNOWN = False
    cache = args.cache or Path(f"/tmp/hA_low_{args.seed}.pkl")
    wp, plan, steps = planned(args.seed, args.first, cache)
    tasks = wp.scenario.tasks
    print(f"week {args.seed}, part {len(wp.part)} tasks; steps: "
          + " ".join(f"{r.priority} {r.value}<={r.bound}{'*' if r.optimal else ''}"
                     for r in steps) + f" ({load()})", flush=True)  # fmt: skip
    held = {r.priority: r.value for r in steps if r.priority != "low"}
    n_low = sum(tasks[t].priority == "low" for t in wp.part)
    print(f"  low tasks in the part {n_low}; held {held}", flush=True)
    c0, t0 = time.process_time(), time.monotonic()
    master = RouteMaster(wp.scenario, wp.analyses, wp.part, wp.travel)
    wall, cpu = time.monotonic() - t0, time.process_time() - c0
    print(f"  {len(master.slots)} slots ({sum(s.triangle for s in master.slots)} triangle), "
          f"{wall:.1f} s wall {cpu:.1f} s CPU", flush=True)  # fmt: skip
    seed: list[tuple[int, frozenset[str]]] = route_plan.routes_of(master, plan)
    if args.warm:
        above = {q: n for q, n in held.items() if q != "normal"}
        normal = master.bound("normal", above, max_rounds=args.rounds, labels=args.labels,
                              seed=seed)  # fmt: skip
        report("normal", normal, args.every)
        seed = seed + normal.sets
    if args.pre is not None:
        first = master.bound("low", {**held, "normal": args.pre}, max_rounds=args.rounds,
                             labels=args.labels, seed=seed)  # fmt: skip
        report(f"low given normal {args.pre}", first, False)
        seed = seed + first.sets
    got = master.bound("low", held, max_rounds=args.rounds, labels=args.labels, seed=seed,
                       smooth=args.smooth)  # fmt: skip
    report("low", got, args.every)
    print(f"  LABELS of the exact rounds {args.labels}, route_master.LABELS "
          f"{route_master.LABELS}")  # fmt: skip


if __name__ == "__main__":
    main()
