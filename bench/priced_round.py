"""Where priced routes' first round spends its time (issue 10, item 7): a routing week solved
(60 s, 2 workers) with every call of `solver.priced_after.priced_choice` kept (the travel
stage's and rerouting's: the plan, the blocks listed, the time it had and what it gave), then
the first kept call's pricing rerun with no clock for each label cap, its rounds counted by
the master LPs allowed, and the choice over its routes given 20 s:

    nice -n 5 .venv/bin/python bench/priced_round.py --seed 7003 --labels 2000 100
    nice -n 5 .venv/bin/python bench/priced_round.py --seed 7009 --labels 2000 100 --rounds 1 3

Per label cap and rounds: pricing's wall seconds, the routes it holds, the choice's wall seconds
and the travel it reaches from the plan's, and the 1-minute load (the seconds are the load's).
Not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from command import said_command
from unseen import Week

from mutualaid.contract.scenario import build_scenario


def main() -> int:
    import solver
    import solver.parts as parts
    import solver.priced_after as pa
    import solver.route_pricing as rp
    from solver.reroute import later_goals
    from solver.route_sets import best_routes

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7003)
    ap.add_argument("--labels", type=int, nargs="+", default=[2000, 100])
    ap.add_argument("--rounds", type=int, nargs="+", default=[1])
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args()
    print(said_command("bench/priced_round.py"))
    calls: list[dict[str, Any]] = []
    real = pa.priced_choice

    def kept(*a: Any, **kw: Any) -> Any:
        ends = a[5]
        calls.append({"args": a, "left": ends - time.time(), "rounds": kw.get("rounds", 0)})
        began = time.time()
        got = real(*a, **kw)
        print(f"in the solve: priced_choice (rounds {kw.get('rounds', 0)}) had "
              f"{calls[-1]['left']:.1f} s, took {time.time() - began:.1f} s, gave "
              f"{'a plan' if got is not None else 'nothing'} (load {os.getloadavg()[0]:.1f})",
              flush=True)  # fmt: skip
        return got

    parts.priced_choice = kept  # type: ignore[assignment]
    pa.priced_choice = kept  # type: ignore[assignment]
    week = Week.of("routing", args.seed)
    scenario = build_scenario(week.generate())
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=args.time_limit, workers=2))
    assert plan.objective is not None, plan.error
    print(f"{week.label}: travel {plan.objective.travel_minutes}, "
          f"continuity {plan.objective.continuity}")  # fmt: skip
    if not calls:
        print("no block too wide: pricing never ran")
        return 0
    scenario, analyses, tids, travel, sol, _, listed = calls[0]["args"]
    before = later_goals(scenario, analyses, tids, travel, sol)[1]
    print("| labels | rounds | pricing s | routes priced | choice s | travel | load |")
    print("|---|---|---|---|---|---|---|")
    real_master = rp._master
    for rounds in args.rounds:
        for labels in args.labels:
            masters = [0]

            def some(*a: Any, _r: int = rounds, _m: list[int] = masters, **kw: Any) -> Any:
                _m[0] += 1
                return real_master(*a, **kw) if _m[0] <= _r else None

            rp._master = some  # type: ignore[assignment]
            began = time.monotonic()
            cache, priced = rp.priced_listing(
                scenario, analyses, tids, travel, sol, seconds=600, cache=dict(listed),
                bounded=False, labels=labels, whole=False,
            )  # fmt: skip
            took = time.monotonic() - began
            assert priced is not None
            began = time.monotonic()
            new = best_routes(scenario, analyses, tids, travel, sol, seconds=20,
                              deadline=time.time() + 20, listed=cache, narrow=False)  # fmt: skip
            chose = time.monotonic() - began
            after = later_goals(scenario, analyses, tids, travel, new)[1] if new else None
            n = sum(len(r) for r in priced.routes.values())
            print(f"| {labels} | {priced.rounds} | {took:.2f} | {n} | {chose:.2f} | "
                  f"{before} -> {after} | {os.getloadavg()[0]:.1f} |", flush=True)  # fmt: skip
    rp._master = real_master  # type: ignore[assignment]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
