"""Where the time goes on the wide-window subdistrict weeks (bench/unseen.py's shape `wide`,
seeds 7003, 7009, 7015, 7021): analysis and greedy, then the largest part two ways: the
pairwise model of the whole part (building, CP-SAT's presolve, its search to a proof), and
`solver.large`'s sweeps on pairwise neighbourhoods with their bound (to a proof). Prints
figures; not a test. Each week by both ways in turn, 2 workers, wall clock.

    nice -n 10 .venv/bin/python bench/wide.py                     # ~3 minutes
    .venv/bin/python bench/wide.py --seeds 7009 --limit 20
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from unseen import Week  # noqa: E402

from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import PartJob, analyse, components  # noqa: E402
from solver.analysis import route_arcs  # noqa: E402
from solver.coverage import CoverageModel  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.large import _quick_cover  # noqa: E402
from solver.solution import Solution  # noqa: E402
from solver.stages import coverage_weights, new_solver  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[7003, 7009, 7015, 7021])
    parser.add_argument("--limit", type=float, default=40.0, help="seconds per CP-SAT solve")
    args = parser.parse_args()
    for seed in args.seeds:
        week = Week.of("subdistrict", seed)
        scenario = build_scenario(week.generate())
        travel = HaversineTravel(scenario.settings)
        t0 = time.monotonic()
        analyses = analyse(scenario, travel)
        analysed = time.monotonic() - t0
        floor = greedy_plan(scenario, analyses, travel)
        prepared = time.monotonic() - t0
        weights = coverage_weights(Counter(t.priority for t in scenario.tasks.values()))
        part = max(components(analyses), key=len)
        mine = Solution(
            {t: floor.starts[t] for t in part if t in floor.crews},
            {t: floor.crews[t] for t in part if t in floor.crews},
        )
        ceiling = sum(weights[scenario.tasks[t].priority] for t in part)
        print(f"{week.label}: analysis {analysed:.2f} s, greedy {prepared - analysed:.2f} s; "
              f"part {len(part)} tasks, {route_arcs(scenario, analyses, part)} routing arcs, "
              f"floor serves {len(mine.crews)}; load {os.getloadavg()[0]:.1f}")  # fmt: skip
        # the pairwise model of the whole part
        t0 = time.monotonic()
        model = CoverageModel(scenario, analyses, part, travel, weights)
        built = time.monotonic() - t0
        model.hint(mine)
        model.m.add(model.objective("coverage")[0] >= model.hinted_value("coverage"))
        model.m.maximize(model.objective("coverage")[0])
        cp = new_solver(model.m, workers=2, seed=0, limit=args.limit, deterministic=False,
                        settings=model.solver_parameters)  # fmt: skip
        cp.parameters.log_search_progress = True
        cp.parameters.log_to_stdout = False
        log: list[str] = []
        cp.log_callback = log.append
        t0 = time.monotonic()
        status = cp.solve(model.m)
        solved = time.monotonic() - t0
        found = re.search(r"Starting search at ([\d.]+)s", "\n".join(log))
        presolve = float(found.group(1)) if found else float("nan")
        load, proof = os.getloadavg()[0], prepared + built + solved
        print(f"  whole part, pairwise: built in {built:.2f} s ({len(model.order)} order "
              f"literals), presolve {presolve:.1f} s, search {solved - presolve:.1f} s, "
              f"{cp.status_name(status)} (weighted coverage {cp.objective_value:.0f} of "
              f"{ceiling}); to proof {proof:.1f} s; load {load:.1f}")  # fmt: skip
        # the sweeps and their bound
        job = PartJob(part, {t: analyses[t] for t in part}, weights, mine, share=args.limit,
                      budget=args.limit, workers=2, seed=0, max_exact_arcs=0)  # fmt: skip
        t0 = time.monotonic()
        sol, stage, bound, _ = _quick_cover(scenario, job, travel, mine, args.limit, None, None)
        swept = time.monotonic() - t0
        value = sum(weights[scenario.tasks[t].priority] for t in sol.crews)
        verdict = "proved" if stage is not None else f"not proved (bound {bound})"
        load = os.getloadavg()[0]
        print(f"  sweeps and bound: {swept:.1f} s, weighted coverage {value} of {ceiling}, "
              f"{verdict}; to proof {prepared + swept:.1f} s; load {load:.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
