"""Reduced-cost route enumeration on the low step of a one-day week (issue 10, item 1, stop 27
A; `solver.route_enum`): the cached steps of `bench/low_colgen.py` (the week's largest part,
the planner's coverage steps), column generation of the low step to convergence, then from
its duals every set within G of zero reduced cost listed slot by slot and the integer master
over them, I from floor(L) - 1 down. Prints each try's I, G, sets listed, the most of one
slot, labels, the integer master's answer and the CPU so far; where an enumeration is cut,
the slots' labels. `--check` turns the integer master's choice into a plan
(`route_plan.column_plan`, the held tasks lost given back from the cached plan) and holds it
to the project's validator and the reference checker. Not a test.

    nice -n 5 .venv/bin/python bench/low_enum.py --seed 7004
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from low_colgen import load, planned  # noqa: E402
from ortools.linear_solver import pywraplp  # noqa: E402

from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.validation import validate  # noqa: E402
from solver import route_enum, route_plan  # noqa: E402
from solver.column_step import restore  # noqa: E402
from solver.route_master import MasterBound, RouteMaster  # noqa: E402
from solver.solution import build_plan, count_by_priority  # noqa: E402
from tests.reference import reference_check  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7004)
    ap.add_argument("--first", type=float, default=20.0)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--labels", type=int, default=2_000_000)
    ap.add_argument("--cap", type=int, default=route_enum.CAP, help="labels a slot, enumeration")
    ap.add_argument("--mip", type=float, default=30.0, help="the integer master's seconds")
    ap.add_argument(
        "--target",
        type=int,
        default=None,
        help="one try at I (default: floor(L) - 1 down)",
    )
    ap.add_argument("--held", type=int, nargs=3, default=None, help="urgent high normal held")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--scip", action="store_true", help="the integer master by SCIP")
    args = ap.parse_args()
    if args.scip:
        route_plan.integer_master = scip_master  # type: ignore[assignment]
    cache = args.cache or Path(f"/tmp/hA_low_{args.seed}.pkl")
    wp, plan, steps = planned(args.seed, args.first, cache)
    tasks = wp.scenario.tasks
    print(f"week {args.seed}, part {len(wp.part)} tasks; steps: "
          + " ".join(f"{r.priority} {r.value}<={r.bound}{'*' if r.optimal else ''}"
                     for r in steps) + f" ({load()})", flush=True)  # fmt: skip
    held = {r.priority: r.value for r in steps if r.priority != "low"}
    if args.held:
        held = dict(zip(("urgent", "high", "normal"), args.held, strict=True))
        held = {q: n for q, n in held.items() if any(tasks[t].priority == q for t in wp.part)}
    low = next((r.value for r in steps if r.priority == "low"), 0)
    print(f"  held {held}; the cached plan's low {low}", flush=True)
    c0, t0 = time.process_time(), time.monotonic()
    master = RouteMaster(wp.scenario, wp.analyses, wp.part, wp.travel)
    seed = route_plan.routes_of(master, plan)
    step = master.bound("low", held, max_rounds=600, labels=args.labels, seed=seed)
    c1 = time.process_time()
    print(f"  column generation: LP {step.lp:.3f}, least L {step.bound:.3f}, converged "
          f"{step.converged}, rounds {step.rounds}, sets {step.columns}, {c1 - c0:.1f} s CPU "
          f"{time.monotonic() - t0:.1f} s wall ({load()})", flush=True)  # fmt: skip
    got = route_enum.prove(master, "low", held, step, target=args.target, cap=args.cap,
                           seconds=args.mip, workers=1, start=seed)  # fmt: skip
    print(f"  enumeration from L {got.lagrangian:.3f} (floor {math.floor(got.lagrangian + 1e-6)})")
    for i, gap, n, most, labels, status, cpu in got.tries:
        what = {
            "priced": "priced exactly",
            "listed": f"listed: sets {n} (slot's most {most}), labels {labels}",
        }.get(status, f"integer master serving {i + 1}: {status}")
        if status.startswith("best"):
            what = f"integer master's most over the sets: {status[5:]}"
        print(f"    I {i}, G {gap:.3f}: {what}; {cpu:.1f} s CPU", flush=True)
    if got.big:
        big = sorted(got.big, reverse=True)
        print(f"    cut: labels by slot (largest) {big[:8]}, slots {len(big)} of "
              f"{len(master.slots)}")  # fmt: skip
    optimum = got.value if got.optimum else "unknown"
    print(f"  proved: no plan serves more than {got.proved} low (the master's integer "
          f"optimum {optimum}, found {got.value}); CPU {time.process_time() - c1:.1f} s "
          f"after column generation, {time.process_time() - c0:.1f} s in all ({load()})",
          flush=True)  # fmt: skip
    if args.check and got.chosen:
        check(wp, master, got, plan, held)


def scip_master(
    master: RouteMaster, priority: str, held: Mapping[str, int], step: MasterBound, *,
    seconds: float = 10.0, workers: int = 1, start: Any = (), at_least: int | None = None,
    cut: tuple[Sequence[int], Mapping[str, int], int] | None = None,
) -> route_plan.IntegerMaster:  # fmt: skip
    """`route_plan.integer_master`'s rows as a MIP for SCIP (`--scip`: a branch and bound
    on the LP, where the listed sets' LP is near L), the same answer's fields."""
    t0 = time.monotonic()
    sc, tasks, slots = master.scenario, master.scenario.tasks, master.slots
    m = pywraplp.Solver.CreateSolver("SCIP")
    tids = step.tids
    y = {t: m.BoolVar(f"y_{t}") for t in tids}
    x = [m.BoolVar(f"x_{n}") for n in range(len(step.sets))]
    by_slot: dict[int, list[Any]] = defaultdict(list)
    minutes: dict[str, list[tuple[int, Any]]] = defaultdict(list)
    holds: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for var, (i, s) in zip(x, step.sets, strict=True):
        by_slot[i].append(var)
        minutes[slots[i].vid].append((sum(slots[i].minutes[t] for t in s), var))
        for t in s:
            if t in y:
                holds[(slots[i].vid, t)].append(var)
    for vs in by_slot.values():
        m.Add(sum(vs) <= 1)
    for v, terms in minutes.items():
        m.Add(sum(c * var for c, var in terms) <= sc.volunteers[v].max_service_minutes)
    for vs in holds.values():
        m.Add(sum(vs) <= 1)
    for t in tids:
        task, pools = tasks[t], master.analyses[t].pools
        for need, role in zip(task.needs, pools, strict=True):
            people = {v for pool in role for v in pool.members}
            m.Add(
                need.min_people * y[t] <= sum(var for v in people for var in holds.get((v, t), []))
            )
        every = [var for v in master.analyses[t].candidates for var in holds.get((v, t), [])]
        m.Add(task.people * y[t] <= sum(every))
    for q, n in held.items():
        m.Add(sum(y[t] for t in tids if tasks[t].priority == q) >= n)
    count = sum(y[t] for t in tids if tasks[t].priority == priority)
    if at_least is not None:
        m.Add(count >= at_least)
    if cut is not None:
        w, of_task, least = cut
        m.Add(sum(c * var for c, var in zip(w, x, strict=True))
              + sum(of_task.get(t, 0) * y[t] for t in tids) >= least)  # fmt: skip
    if at_least is None:
        m.Maximize(count)
    m.SetTimeLimit(int(seconds * 1000))
    status = m.Solve()
    name = {m.OPTIMAL: "OPTIMAL", m.FEASIBLE: "FEASIBLE", m.INFEASIBLE: "INFEASIBLE"}.get(
        status, "UNKNOWN"
    )
    if name not in ("OPTIMAL", "FEASIBLE"):
        return route_plan.IntegerMaster([], set(), 0, math.inf, name, time.monotonic() - t0)
    chosen = [c for var, c in zip(x, step.sets, strict=True) if var.solution_value() > 0.5]
    served = {t for t in tids if y[t].solution_value() > 0.5}
    value = sum(tasks[t].priority == priority for t in served)
    return route_plan.IntegerMaster(chosen, served, value, value, name, time.monotonic() - t0)


def check(wp: Any, master: RouteMaster, got: route_enum.Proof, plan: Any,
          held: dict[str, int]) -> None:  # fmt: skip
    """The integer master's choice as a plan of the part (the held tasks it lost given back
    from the cached plan), held to the project's validator and the reference checker."""
    sol = route_plan.column_plan(master, got.chosen, got.served)
    print(f"  column plan: {count_by_priority(wp.scenario, sol.crews)}", flush=True)
    counts = count_by_priority(wp.scenario, sol.crews)
    if any(counts.get(q, 0) < n for q, n in held.items()):
        sol = restore(master, sol, plan, held, "low")
        print(f"  restored: {count_by_priority(wp.scenario, sol.crews)}", flush=True)
    built = build_plan(wp.scenario, sol, wp.analyses, wp.travel, status="feasible", bound={},
                       started=time.monotonic())  # fmt: skip
    dumped = plan_json.dump(built, wp.scenario)
    report = validate(wp.scenario, dumped)
    with tempfile.TemporaryDirectory() as tmp:
        errs, _ = reference_check(wp.world, dumped, Path(tmp))
    print(f"  validator {len(report.violations)} violations, reference checker {len(errs)} "
          f"{errs[:2]} ({load()})", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
