"""A one-day week's coverage steps, long: where is their truth? The steps run as the planner
runs them on the largest part (`--first` seconds, 2 workers, kept in `--cache` so later runs
start from the same plan), then one step (`--step`, low by default) again, every priority
above it held at its step's count (exactly where proved), hinted that plan:

- `--long S`: the step's own search for S seconds on `--workers`, each better plan and each
  better bound printed with its time (is the plan or the bound what is short?);
- `--compare S`: the step searched each of `--ways` for S seconds, in turn, `--turns` times;
- `--hull N`: the step's models with each slot's route sets (`solver.route_hull`, slots of
  up to N sets), the plan of the first steps as hint: a proof pass on the planner's plan;
- `--each S`: each low task the plan leaves unserved, alone: can it be served at all with
  every priority above low held (feasible / infeasible / unknown within S seconds)? Those
  served plus those not proved unservable bound the low step.

    .venv/bin/python bench/low_truth.py --seed 7010 --first 90 --long 300 --workers 1
    .venv/bin/python bench/low_truth.py --seed 7010 --compare 30 --ways kept "one worker"
    .venv/bin/python bench/low_truth.py --seed 7010 --each 20 --workers 1
    .venv/bin/python bench/low_truth.py --seed 7010 --step normal --long 30 --workers 2 --hull 4000
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ortools.sat.python import cp_model  # noqa: E402
from unseen import Week  # noqa: E402

from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import (  # noqa: E402
    allowed,
    analyse,
    components,
    route_hull,
)
from solver.coverage import CoverageModel  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.solution import Solution  # noqa: E402
from solver.stages import (  # noqa: E402
    PriorityResult,
    coverage_weights,
    new_solver,
    staged_solve,
)

WAYS: dict[str, tuple[int, tuple[tuple[str, object], ...]]] = {
    "kept": (2, ()),
    "one worker": (1, ()),
    "one worker, no core": (1, (("optimize_with_core", False),)),
    "core + lb_tree_search": (2, (("subsolvers", ("core", "lb_tree_search")),)),
    "core + default_lp": (2, (("subsolvers", ("core", "default_lp")),)),
    "core alone, 2 workers": (2, (("subsolvers", ("core",)),)),
}
"""--compare's ways: workers and CP-SAT settings in place of (or beside) the model's."""


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


class Progress(cp_model.CpSolverSolutionCallback):
    """Prints each better plan (value, bound) and each better bound, with the seconds since the
    start."""

    def __init__(self) -> None:
        super().__init__()
        self.t0 = time.monotonic()

    def on_bound(self, bound: float) -> None:
        print(f"  {time.monotonic() - self.t0:6.1f} s: bound {bound:.0f} ({load()})", flush=True)

    def on_solution_callback(self) -> None:
        print(f"  {time.monotonic() - self.t0:6.1f} s: {self.objective_value:.0f}"
              f" <= {self.best_objective_bound:.0f} ({load()})", flush=True)  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7010)
    ap.add_argument("--first", type=float, default=90.0, help="seconds for the steps above")
    ap.add_argument("--cache", type=Path, default=None, help="default /tmp/low_truth_SEED.pkl")
    ap.add_argument("--long", type=float, default=0.0, help="seconds, the last step alone")
    ap.add_argument("--each", type=float, default=0.0, help="seconds per unserved task")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument(
        "--compare",
        type=float,
        default=0.0,
        help="seconds per run: the step searched each of --ways, in turn",
    )
    ap.add_argument("--ways", nargs="+", default=["kept", "one worker"], choices=WAYS)
    ap.add_argument("--step", default="low", help="the step --compare searches")
    ap.add_argument("--turns", type=int, default=2)
    ap.add_argument(
        "--hull",
        type=int,
        default=0,
        help="the step's models (not the first steps) with each slot's route sets "
        "(solver.route_hull), slots of up to this many sets",
    )
    args = ap.parse_args()
    scenario = build_scenario(Week.of("subdistrict", args.seed).generate())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    part = max(components(analyses), key=len)
    cache = args.cache or Path(f"/tmp/low_truth_{args.seed}.pkl")
    model = CoverageModel(scenario, analyses, part, travel, weights, knapsacks=True)
    if cache.exists():
        plan, steps = pickle.loads(cache.read_bytes())
    else:
        floor = greedy_plan(scenario, analyses, travel)
        mine = Solution(
            {t: floor.starts[t] for t in part if t in floor.crews},
            {t: floor.crews[t] for t in part if t in floor.crews},
        )
        plan, stages, _ = staged_solve(
            model, mine, budget=args.first, workers=2, seed=0, stages_wanted=("coverage",),
            deterministic=False, by_priority=True,
        )  # fmt: skip
        assert plan is not None and stages
        steps = stages[0].priorities
        cache.write_bytes(pickle.dumps((plan, steps)))
    if args.hull:
        route_hull.HULL, route_hull.HULL_SETS = True, args.hull
    print(f"week {args.seed}, part {len(part)} tasks; steps: "
          + " ".join(f"{r.priority} {r.value}<={r.bound}" for r in steps)
          + f" ({load()})", flush=True)  # fmt: skip
    held, last = steps[:-1], steps[-1].priority
    mine_last = [t for t in part if scenario.tasks[t].priority == last]
    served = [t for t in mine_last if t in plan.crews]
    print(f"{last}: {len(served)} of {len(mine_last)} served by the plan")
    if args.long:
        at = [r.priority for r in steps].index(args.step)
        long = held_model(model, plan, steps[:at])
        long.m.maximize(sum(long.served[t] for t in part
                            if scenario.tasks[t].priority == args.step))  # fmt: skip
        solver = solver_for(long, args.workers, args.long)
        progress = Progress()
        solver.best_bound_callback = progress.on_bound
        ended = solver.solve(long.m, progress)
        print(f"{args.step} step, {args.long:g} s on {args.workers}: {solver.objective_value:.0f}"
              f" <= {solver.best_objective_bound:.0f} {solver.status_name(ended).lower()}"
              f" ({load()})")  # fmt: skip
    if args.compare:
        at = [r.priority for r in steps].index(args.step)
        mine_step = [t for t in part if scenario.tasks[t].priority == args.step]
        for _ in range(args.turns):
            for name in args.ways:
                workers, extra = WAYS[name]
                one = held_model(model, plan, steps[:at])
                one.m.maximize(sum(one.served[t] for t in mine_step))
                replaced = {param for param, _ in extra}
                settings = [(k, v) for k, v in one.solver_parameters if k not in replaced]
                solver = new_solver(one.m, workers=workers, seed=0, limit=args.compare,
                                    deterministic=False, settings=[*settings, *extra])  # fmt: skip
                t0 = time.monotonic()
                status = solver.status_name(solver.solve(one.m)).lower()
                print(
                    f"{args.step} step, {name:<28}: "
                    f"{solver.objective_value:.0f} <= {solver.best_objective_bound:.0f} "
                    f"{status} {time.monotonic() - t0:.1f} s ({load()})",
                    flush=True,
                )
    if args.each:
        verdicts: dict[str, list[str]] = {}
        for t in (t for t in mine_last if t not in plan.crews):
            one = held_model(model, plan, held)
            one.m.add(one.served[t] == 1)
            solver = solver_for(one, args.workers, args.each)
            t0 = time.monotonic()
            verdict = solver.status_name(solver.solve(one.m)).lower()
            verdicts.setdefault(verdict, []).append(t)
            print(f"  {t}: {verdict} in {time.monotonic() - t0:.1f} s ({load()})", flush=True)
        print({k: len(v) for k, v in verdicts.items()})
        bound = len(mine_last) - len(verdicts.get("infeasible", []))
        print(f"{last} step <= {bound} (served or not proved unservable)")


def held_model(
    built: CoverageModel, plan: Solution, held: Sequence[PriorityResult]
) -> CoverageModel:
    """A fresh model of the part with every priority in `held` at its step's count."""
    model = CoverageModel(built.scenario, built.analyses, built.tids, built.travel,
                          built.weights, knapsacks=True)  # fmt: skip
    for r in held:
        count = sum(model.served[t] for t in built.tids
                    if built.scenario.tasks[t].priority == r.priority)  # fmt: skip
        model.m.add(count == r.value if r.optimal else count >= r.value)
    model.hint(plan)
    return model


def solver_for(model: CoverageModel, workers: int, cap: float) -> cp_model.CpSolver:
    return new_solver(model.m, workers=workers, seed=0, limit=cap, deterministic=False,
                      settings=model.solver_parameters)  # fmt: skip


assert PRIORITIES[-1] == "low"

if __name__ == "__main__":
    main()
