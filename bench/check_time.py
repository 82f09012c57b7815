"""Where a suggestion check's seconds go, and a whole solve's, by the solver's Python hot spots
(issue 10 item 4). Each phase is timed by wrapping the function that does it (inclusive times:
`building` holds `roles`, `place` and `separation`/`routes`; `search` is CP-SAT's presolve and
search; `hint` is the model's hint; `read` applies the patch and builds the scenario).

- `--checks N` (default): on `--week` (subdistrict-a, or a seed of `bench/unseen.py`'s
  subdistrict weeks), after a one-worker plan of 5 s, the first N checks `with_suggestions`
  makes, one at a time, summed by phase; `--all` every check (seconds to all).
- `--whole SIZE SEED`: one solve of a generated week (e.g. `district 7001`), its phases.
- `--cpu`: the phases in the process's CPU seconds rather than wall seconds.
- `--profile`: cProfile instead, the 25 functions of most own time.

Prints figures; not a test.

    nice -n 5 .venv/bin/python bench/check_time.py --checks 10
    nice -n 5 .venv/bin/python bench/check_time.py --week 7001 --all
    nice -n 5 .venv/bin/python bench/check_time.py --whole district 7001 --time-limit 60 --workers 2
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from command import said_command  # noqa: E402
from engine import SHARED_A  # noqa: E402
from unseen import Week  # noqa: E402

import solver  # noqa: E402
import solver.coverage  # noqa: E402
import solver.cpsat  # noqa: E402
import solver.greedy  # noqa: E402
import solver.planner  # noqa: E402
import solver.shared_week  # noqa: E402
import solver.stages  # noqa: E402
import solver.suggest_verify  # noqa: E402
from mutualaid.contract.scenario import build_scenario, read_scenario_text  # noqa: E402
from solver.suggest_verify import with_suggestions  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
NOW: list[Callable[[], float]] = [time.monotonic]
"""The clock phases are timed on: wall (`time.monotonic`) or, with `--cpu`, the process's CPU
time (`time.process_time`, CP-SAT's threads included: a figure the load changes less)."""


def timed(owner: Any, attr: str, name: str) -> None:
    """Wraps owner.attr so its seconds are added to SPENT[name] (only the outermost call
    counts when it recurses through a subclass)."""
    inner: Callable[..., Any] = getattr(owner, attr)
    depth = [0]

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        t0 = NOW[0]()
        try:
            return inner(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                SPENT[name] += NOW[0]() - t0
                CALLS[name] += 1

    setattr(owner, attr, wrapper)


def instrument() -> None:
    timed(solver.suggest_verify, "build_scenario", "read")
    timed(solver.suggest_verify, "apply_patch", "read")
    timed(solver.planner.shared_week, "analyses_for", "analysis")
    timed(solver.planner, "greedy_plan", "greedy")
    timed(solver.cpsat.PlanModel, "__init__", "building")
    timed(solver.cpsat.PlanModel, "_roles", "building: roles")
    timed(solver.cpsat.PlanModel, "_place", "building: place")
    timed(solver.cpsat.PlanModel, "_route", "building: routes (circuits)")
    timed(solver.coverage.CoverageModel, "_route", "building: separation")
    timed(solver.cpsat.PlanModel, "hint", "hint")
    timed(solver.stages.cp_model.CpSolver, "solve", "search")


def load() -> float:
    return os.getloadavg()[0]


def document(week: str) -> dict[str, Any]:
    if week == "subdistrict-a":
        return read_scenario_text(SHARED_A.read_text("utf-8"))[1]
    return Week.of("subdistrict", int(week)).generate()


def checks(week: str, count: int | None) -> None:
    doc = document(week)
    scenario = build_scenario(doc)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=5.0, workers=1))
    assert plan.objective is not None, plan.error
    made = [0]
    check = solver.suggest_verify.keeps_promise

    def counted(*args: Any) -> bool:
        made[0] += 1
        return check(*args)

    tasks = None
    if count is not None:  # the first `count` checks: one candidate each of the first tasks
        tasks = [u.task for u in plan.unserved][:count]
    SPENT.clear()
    CALLS.clear()
    print(f"{week}: {len(plan.unserved)} unserved (load {load():.1f})", flush=True)
    t0, c0 = time.monotonic(), time.process_time()
    with_suggestions(scenario, doc, plan, check=counted, tasks=tasks, per_task=1 if count else 3)
    spent, cpu = time.monotonic() - t0, time.process_time() - c0
    print(f"{made[0]} checks in {spent:.1f} s ({spent / max(1, made[0]):.2f} s a check; CPU "
          f"{cpu:.1f} s, {cpu / max(1, made[0]):.2f} s a check), load {load():.1f}")  # fmt: skip
    for name, seconds in sorted(SPENT.items()):
        print(f"  {name:32s} {seconds:7.2f} s  {seconds / max(1, made[0]):.3f} s a check")


def whole(size: str, seed: int, time_limit: float, workers: int) -> None:
    scenario = build_scenario(Week.of(size, seed).generate())
    SPENT.clear()
    CALLS.clear()
    phases: dict[str, float] = {}
    t0 = time.monotonic()
    plan = solver.solve(
        scenario, solver.SolveOptions(time_limit=time_limit, workers=workers), phases=phases
    )
    spent = time.monotonic() - t0
    assert plan.objective is not None
    print(f"{size}/{seed}: {spent:.1f} s, coverage {plan.objective.coverage_key()}, "
          f"load {load():.1f}")  # fmt: skip
    for name, seconds in sorted(SPENT.items()):
        print(f"  {name:32s} {seconds:7.2f} s in {CALLS[name]} calls")
    for name, seconds in sorted(phases.items()):
        print(f"  phase {name:26s} {seconds:7.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--week", default="subdistrict-a")
    ap.add_argument("--checks", type=int, default=10)
    ap.add_argument("--all", action="store_true", help="every check of the week")
    ap.add_argument("--whole", nargs=2, metavar=("SIZE", "SEED"))
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--cpu", action="store_true", help="phases in CPU seconds, not wall")
    args = ap.parse_args()
    if args.cpu:
        NOW[0] = time.process_time
    print(said_command("bench/check_time.py"), f"load {load():.1f}", flush=True)
    profile = cProfile.Profile() if args.profile else None
    if profile is None:
        instrument()
    else:
        profile.enable()
    if args.whole:
        whole(args.whole[0], int(args.whole[1]), args.time_limit, args.workers)
    else:
        checks(args.week, None if args.all else args.checks)
    if profile is not None:
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
