"""Coverage weighted against coverage one priority at a time, on the same pairwise model
(`solver.coverage.CoverageModel`), each week by both in turn: for every part of the week, the
coverage stage alone with greedy's floor as hint, `--cap` seconds each way (wall clock). Prints
per week the time to the end of the stage, served and bound per priority, proved or not, and the
1-minute load. Not a test; the planner's own before and after is bench/unseen.py's
`--by-priority-before-after`.

    .venv/bin/python bench/by_priority.py --cap 12                     # seeds 7001-7010, -a
    .venv/bin/python bench/by_priority.py --seeds 7004 7010 --cap 30   # the one-day weeks
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

from engine import SHARED_A  # noqa: E402
from unseen import FIRST_SEED, Week  # noqa: E402

from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES, Scenario  # noqa: E402
from mutualaid.travel import HaversineTravel  # noqa: E402
from solver import allowed, analyse, components  # noqa: E402
from solver.coverage import CoverageModel  # noqa: E402
from solver.greedy import greedy_plan  # noqa: E402
from solver.solution import Solution, count_by_priority  # noqa: E402
from solver.stages import coverage_weights, split_bound, staged_solve  # noqa: E402


def coverage(scenario: Scenario, by_priority: bool, cap: float, workers: int) -> dict[str, object]:
    """Every part's coverage stage (one priority at a time with the time knapsacks, as the
    planner); the week's served and bound per priority (bound: the parts' weighted bounds,
    split), wall seconds of the stages (models' building included)."""
    travel = HaversineTravel(scenario.settings)
    analyses = analyse(scenario, travel)
    floor = greedy_plan(scenario, analyses, travel)
    weights = coverage_weights(allowed(scenario, analyses))
    proved, best, weighted_bound = True, Solution(), 0
    steps: list[str] = []
    floors: list[str] = []
    t0 = time.monotonic()
    for part in components(analyses):
        mine = Solution(
            {t: floor.starts[t] for t in part if t in floor.crews},
            {t: floor.crews[t] for t in part if t in floor.crews},
        )
        model = CoverageModel(scenario, analyses, part, travel, weights, knapsacks=by_priority)
        sol, stages, _ = staged_solve(
            model, mine, budget=cap, workers=workers, seed=0, stages_wanted=("coverage",),
            deterministic=False, by_priority=by_priority,
        )  # fmt: skip
        assert sol is not None and stages
        proved = proved and stages[0].optimal
        weighted_bound += stages[0].value if stages[0].optimal else int(stages[0].bound + 1e-6)
        best.merge(sol)
        if len(part) >= 20:  # what the planner decides by (solver.by_priority.by_priority)
            floors.append(f"{len(mine.crews) / len(part):.2f}")
        if len(part) >= 20 and stages[0].priorities:
            steps.append(" ".join(f"{r.value}{'' if r.optimal else '<=' + str(r.bound)}"
                                  for r in stages[0].priorities))  # fmt: skip
    seconds = time.monotonic() - t0
    served = count_by_priority(scenario, best.crews)
    totals = {p: sum(1 for t in scenario.tasks.values() if t.priority == p) for p in PRIORITIES}
    bound = split_bound(weighted_bound, served, weights, totals)
    return {"seconds": seconds, "proved": proved, "served": served, "bound": bound,
            "steps": steps, "floors": floors}  # fmt: skip


def quad(counts: dict[str, int]) -> str:
    return "/".join(str(counts[p]) for p in PRIORITIES)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    seeds = list(range(FIRST_SEED, FIRST_SEED + 10))
    ap.add_argument("--seeds", type=int, nargs="*", default=seeds)
    ap.add_argument("--cap", type=float, default=12.0, help="seconds per part, each way")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-shared", action="store_true", help="leave out subdistrict-a")
    args = ap.parse_args()
    weeks = [Week.of("subdistrict", s) for s in args.seeds]
    if not args.no_shared:
        weeks.append(Week("subdistrict-a", 0, "file", SHARED_A))
    print(f"coverage stage per part, cap {args.cap:g} s wall, {args.workers} workers")
    for week in weeks:
        scenario = build_scenario(week.generate())
        for by_priority in (False, True):  # in turn: the machine's load hits both alike
            r = coverage(scenario, by_priority, args.cap, args.workers)
            how = "by priority" if by_priority else "weighted   "
            print(
                f"{week.label:<28} {how} {r['seconds']:6.1f} s "
                f"{'proved' if r['proved'] else 'open  '} served {quad(r['served'])} "
                f"bound {quad(r['bound'])} load {os.getloadavg()[0]:.1f} greedy's share "
                f"{r['floors']} steps {r['steps']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
