"""A contended week's gap at the time limit: the plan's or the bound's? Two long runs on the
week as `bench/unseen.py` makes it (`Week.of`), each printing as it goes:

- `--solve S`: the planner itself for S seconds (2 workers), its served and bound per
  priority, the plan checked: how far the plan side goes given time;
- `--step P --held N...`: the week's largest part on the pairwise model (`solver.coverage`, with
  `solver.conditional.BoundModel`'s redundant rows: no routes, exact under the contract's
  travel), maximising priority P's count with each priority above held at least at the given
  counts (the plan's, as the contract's bound per priority reads them), for `--long` seconds:
  each better plan and each better bound with its time. Its proved optimum is the truth at P;
  a bound it reaches is a bound on every plan. Hinted with greedy's plan, or with a cached
  (starts, crews) pair of the part (`--cache`) when the file exists.

    .venv/bin/python bench/contended_truth.py --seed 7005 --solve 600
    .venv/bin/python bench/contended_truth.py --seed 7005 --step normal --held 17 72 --long 300
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine import check  # noqa: E402
from low_truth import Progress  # noqa: E402
from unseen import Week, quad, weighted  # noqa: E402

from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import allowed, analyse, components  # noqa: E402
from solver.conditional import BoundModel  # noqa: E402
from solver.coverage import CoverageModel  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.stages import coverage_weights, new_solver  # noqa: E402


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="contended")
    ap.add_argument("--seed", type=int, default=7005)
    ap.add_argument("--solve", type=float, default=0.0, help="seconds: the planner, long")
    ap.add_argument("--step", choices=PRIORITIES, help="the priority maximised")
    ap.add_argument("--held", type=int, nargs="*", default=[], help="counts above the step")
    ap.add_argument("--long", type=float, default=300.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument(
        "--plain",
        action="store_true",
        help="the plain pairwise model (solver.coverage.CoverageModel, no knapsacks, no "
        "BoundModel rows): to check a proof of the tighter one",
    )
    ap.add_argument("--cache", type=Path, default=None, help="default /tmp/truth_SIZE_SEED.pkl")
    args = ap.parse_args()
    week = Week.of(args.size, args.seed)
    data = week.generate()
    scenario = build_scenario(data)
    cache = args.cache or Path(f"/tmp/truth_{args.size}_{args.seed}.pkl")
    if args.solve:
        import solver

        t0 = time.monotonic()
        plan = solver.solve(scenario, solver.SolveOptions(time_limit=args.solve, workers=2))
        assert plan.objective is not None, plan.error
        served, bound = plan.objective.served, plan.bound
        ok = check(data, plan_json.dump(plan, scenario))["ok"]
        print(f"{week.label} {args.solve:g} s: served {quad(served)} bound {quad(bound)} gap "
              f"{100 * (1 - weighted(served) / max(1, weighted(bound))):.2f}% wall "
              f"{time.monotonic() - t0:.1f} s check {'ok' if ok else 'FAIL'} ({load()})",
              flush=True)  # fmt: skip
    if args.step is None:
        return
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    part = max(components(analyses), key=len)
    t0 = time.monotonic()
    model = (
        CoverageModel(scenario, analyses, part, travel, weights)
        if args.plain
        else BoundModel(scenario, analyses, part, travel, weights, knapsacks=True)
    )
    if cache.exists():
        from solver.solution import Solution

        starts, crews = pickle.loads(cache.read_bytes())
        hint = Solution({t: starts[t] for t in part if t in crews},
                        {t: crews[t] for t in part if t in crews})  # fmt: skip
    else:
        hint = greedy_plan(scenario, analyses, travel)
    model.hint(hint)
    count = {
        p: sum(model.served[t] for t in part if scenario.tasks[t].priority == p) for p in PRIORITIES
    }
    at = PRIORITIES.index(args.step)
    for p, n in zip(PRIORITIES[:at], args.held, strict=False):
        model.m.add(count[p] >= n)
    model.m.maximize(count[args.step])
    total = sum(scenario.tasks[t].priority == args.step for t in part)
    print(f"{week.label}: part {len(part)} tasks, {args.step} {total} of them, held "
          f"{dict(zip(PRIORITIES[:at], args.held, strict=False))}, built in "
          f"{time.monotonic() - t0:.1f} s ({load()})", flush=True)  # fmt: skip
    solver_ = new_solver(model.m, workers=args.workers, seed=0, limit=args.long,
                         deterministic=False, settings=model.solver_parameters)  # fmt: skip
    progress = Progress()
    solver_.best_bound_callback = progress.on_bound
    status = solver_.solve(model.m, progress)
    print(
        f"{args.step} step, {args.long:g} s on {args.workers}: {solver_.objective_value:.0f} <= "
        f"{solver_.best_objective_bound:.0f} {solver_.status_name(status).lower()} ({load()})"
    )


if __name__ == "__main__":
    main()
