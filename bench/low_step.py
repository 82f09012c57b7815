"""The last step of coverage one priority at a time, alone: on a week's largest part, the steps
above it run as the planner runs them (`--first` seconds), then the lowest priority's search
again with every priority above held at the count its step found, hinted that step's plan,
`--cap` seconds per way of searching, each way in turn. Prints the value and bound of each way
and the 1-minute load. Not a test: the planner's own figures are bench/unseen.py's.

    .venv/bin/python bench/low_step.py --seed 7010 --first 19 --cap 15
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

from unseen import Week  # noqa: E402

from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import allowed, analyse, components  # noqa: E402
from solver.coverage import CoverageModel  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.solution import Solution  # noqa: E402
from solver.stages import (  # noqa: E402
    PriorityResult,
    coverage_weights,
    new_solver,
    staged_solve,
)

WAYS: dict[str, tuple[tuple[str, object], ...]] = {
    "as kept (lb_tree_search)": (),
    "default_lp": (("subsolvers", ("default_lp",)),),
    "max_lp + lb_tree_search": (("subsolvers", ("max_lp", "lb_tree_search")),),
    "core + lb_tree_search": (("subsolvers", ("core", "lb_tree_search")),),
    "linearization 2": (("linearization_level", 2),),
}
"""Each way of searching: CP-SAT settings in place of (a subsolvers list) or beside the model's."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7010)
    ap.add_argument("--first", type=float, default=19.0, help="seconds for the steps above")
    ap.add_argument("--cap", type=float, default=15.0, help="seconds per way, the last step")
    ap.add_argument("--sum", action="store_true", help="also: the last two priorities' sum")
    args = ap.parse_args()
    scenario = build_scenario(Week.of("subdistrict", args.seed).generate())
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    floor = greedy_plan(scenario, analyses, travel)
    part = max(components(analyses), key=len)
    mine = Solution(
        {t: floor.starts[t] for t in part if t in floor.crews},
        {t: floor.crews[t] for t in part if t in floor.crews},
    )
    model = CoverageModel(scenario, analyses, part, travel, weights, knapsacks=True)
    plan, stages, _ = staged_solve(
        model, mine, budget=args.first, workers=2, seed=0, stages_wanted=("coverage",),
        deterministic=False, by_priority=True,
    )  # fmt: skip
    assert plan is not None and stages
    steps = stages[0].priorities
    print(f"week {args.seed}, largest part {len(part)} tasks; steps in {args.first:g} s: "
          + " ".join(f"{r.priority} {r.value}<={r.bound}" for r in steps)
          + f" (load {os.getloadavg()[0]:.1f})", flush=True)  # fmt: skip
    held, last = steps[:-1], steps[-1].priority
    for name, extra in WAYS.items():
        print(f"{last} step, {name:<26} {search(model, plan, held, [last], extra, args.cap)}")
    if args.sum:  # a bound on both: the last's count is at most it less the one above's
        above = [held[-1].priority, last]
        print(f"{' + '.join(above)}, sum {search(model, plan, held[:-1], above, (), args.cap)}")


def search(
    built: CoverageModel,
    plan: Solution,
    held: tuple[PriorityResult, ...],
    maximised: list[str],
    extra: tuple[tuple[str, object], ...],
    cap: float,
) -> str:
    """A fresh model of the same part, `held` priorities at their step's count (exactly where
    proved), the tasks of `maximised` counted, hinted `plan`: its value, bound and load."""
    scenario, part = built.scenario, built.tids
    model = CoverageModel(
        scenario, built.analyses, part, built.travel, built.weights, knapsacks=True
    )
    lits = {
        p: [model.served[t] for t in part if scenario.tasks[t].priority == p] for p in PRIORITIES
    }
    for r in held:
        count = sum(lits[r.priority])
        model.m.add(count == r.value if r.optimal else count >= r.value)
    model.hint(plan)
    model.m.maximize(sum(lit for p in maximised for lit in lits[p]))
    replaced = {param for param, _ in extra}
    settings = [(k, v) for k, v in model.solver_parameters if k not in replaced]
    solver = new_solver(model.m, workers=2, seed=0, limit=cap, deterministic=False,
                        settings=[*settings, *extra])  # fmt: skip
    t0 = time.monotonic()
    status = solver.status_name(solver.solve(model.m))
    value = round(solver.objective_value) if status in ("OPTIMAL", "FEASIBLE") else None
    return (f"{value}<={solver.best_objective_bound:.0f} {status.lower()} "
            f"{time.monotonic() - t0:.1f} s (load {os.getloadavg()[0]:.1f})")  # fmt: skip


if __name__ == "__main__":
    main()
