"""The LP of the route-set master (Dantzig-Wolfe over each volunteer's block, every set listed:
`solver.columns`) on a week's largest part, given the counts held above a priority, with the
cheap strengthenings of stop 24 one at a time: `--crew` (a task takes at most its crew's most
people), `--long` (a set longer than its volunteer's weekly minutes dropped), `--sr N` (N rounds
of subset-row cuts on three one-person tasks: sum of x_S over sets holding two of them <= 1).
Prints each LP value with its time and the load. Not a test.

    .venv/bin/python bench/master_probe.py --seed 7010 --held 14 38 73 --crew --long --sr 20
    .venv/bin/python bench/master_probe.py --seed 7004 --held 11 39 63 --crew --long --sr 20
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from ortools.linear_solver import pywraplp  # noqa: E402
from week_part import largest_part  # noqa: E402

from solver.columns import ColumnModel  # noqa: E402


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def master(cm: ColumnModel, held: dict[str, int], priority: str, args: Any) -> None:
    scenario, tasks = cm.scenario, cm.scenario.tasks
    columns = cm.columns
    if args.long:
        columns = [
            c for c in columns
            if sum(tasks[t].duration_minutes for t in c[2])
            <= scenario.volunteers[c[0]].max_service_minutes
        ]  # fmt: skip
    lp = pywraplp.Solver.CreateSolver("GLOP")
    y = {t: lp.NumVar(0, 1, "") for t in cm.served}
    x = [lp.NumVar(0, 1, "") for _ in columns]
    per_block: dict[tuple[str, int], list[Any]] = defaultdict(list)
    per_vol: dict[str, list[Any]] = defaultdict(list)
    go: dict[tuple[str, str], list[Any]] = defaultdict(list)
    holding: dict[str, list[int]] = defaultdict(list)
    for i, (xi, (vid, k, s)) in enumerate(zip(x, columns, strict=True)):
        per_block[(vid, k)].append(xi)
        per_vol[vid].append(sum(tasks[t].duration_minutes for t in s) * xi)
        for t in s:
            go[(vid, t)].append(xi)
            holding[t].append(i)
    for xs in per_block.values():
        lp.Add(lp.Sum(xs) <= 1)
    for vid, terms in per_vol.items():
        lp.Add(lp.Sum(terms) <= scenario.volunteers[vid].max_service_minutes)
    going: dict[str, dict[str, Any]] = {t: {} for t in cm.served}
    for (vid, t), xs in go.items():
        if t in going:
            going[t][vid] = lp.Sum(xs)
            lp.Add(going[t][vid] <= 1)
    one_person = []
    for t in cm.served:
        task, a = tasks[t], cm.analyses[t]
        for need, role in zip(task.needs, a.pools, strict=True):
            members = {v for pool in role for v in pool.members} & set(going[t])
            lp.Add(lp.Sum([going[t][v] for v in sorted(members)]) >= need.min_people * y[t])
        lp.Add(lp.Sum(list(going[t].values())) >= sum(n.min_people for n in task.needs) * y[t])
        most = sum(n.max_people for n in task.needs)
        if args.crew:
            lp.Add(lp.Sum(list(going[t].values())) <= most * y[t])
        if most == 1:
            one_person.append(t)
    for p, n in held.items():
        lp.Add(lp.Sum([y[t] for t in y if tasks[t].priority == p]) >= n)
    lp.Maximize(lp.Sum([y[t] for t in y if tasks[t].priority == priority]))
    t0 = time.monotonic()
    status = lp.Solve()
    print(
        f"  {priority} given {held}: columns {len(columns)}, one-person tasks {len(one_person)}"
        f" of {len(y)}; LP {lp.Objective().Value():.3f} (status {status}) in "
        f"{time.monotonic() - t0:.1f} s ({load()})",
        flush=True,
    )
    cuts: set[tuple[str, ...]] = set()
    for r in range(args.sr):
        xv = np.array([v.solution_value() for v in x])
        support = [i for i in np.flatnonzero(xv > 1e-7)]
        index = {t: j for j, t in enumerate(one_person)}
        a = np.zeros((len(support), len(one_person)))
        for row, i in enumerate(support):
            for t in columns[i][2]:
                if t in index:
                    a[row, index[t]] = 1
        w = xv[support]
        live = [j for j in range(len(one_person)) if a[:, j].any()]
        pair = (a * w[:, None]).T @ a
        found: list[tuple[float, tuple[str, ...]]] = []
        for j1, j2 in itertools.combinations(live, 2):
            both = a[:, j1] * a[:, j2] * w
            rest = [j for j in live if j > j2]
            if not rest:
                continue
            lhs = pair[j1, j2] + pair[j1, rest] + pair[j2, rest] - 2 * (both @ a[:, rest])
            for j3, v in zip(rest, lhs, strict=True):
                if v > 1 + 1e-4:
                    trio = (one_person[j1], one_person[j2], one_person[j3])
                    if trio not in cuts:
                        found.append((v, trio))
        if not found:
            print(f"  round {r}: no violated subset-row cut", flush=True)
            break
        found.sort(reverse=True)
        for _v, trio in found[: args.per_round]:
            cuts.add(trio)
            hit: dict[int, int] = defaultdict(int)
            for t in trio:
                for i in holding[t]:
                    hit[i] += 1
            lp.Add(lp.Sum([x[i] for i, n in hit.items() if n >= 2]) <= 1)
        t0 = time.monotonic()
        lp.Solve()
        print(
            f"  round {r}: {len(found)} violated (worst {found[0][0]:.3f}), {len(cuts)} cuts;"
            f" LP {lp.Objective().Value():.3f} in {time.monotonic() - t0:.1f} s ({load()})",
            flush=True,
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7010)
    ap.add_argument("--held", type=int, nargs=3, default=[14, 38, 73])
    ap.add_argument("--crew", action="store_true")
    ap.add_argument("--long", action="store_true")
    ap.add_argument("--sr", type=int, default=0)
    ap.add_argument("--per-round", type=int, default=50)
    ap.add_argument("--steps", nargs="+", default=["normal", "low"])
    ap.add_argument("--shared", action="store_true")
    args = ap.parse_args()
    wp = largest_part("subdistrict", args.seed, shared=args.shared)
    scenario, travel, analyses, part = wp.scenario, wp.travel, wp.analyses, wp.part
    t0 = time.monotonic()
    cm = ColumnModel(scenario, analyses, part, travel)
    print(
        f"week {args.seed}: part {len(part)}, columns {cm.n_columns} in "
        f"{time.monotonic() - t0:.1f} s ({load()})",
        flush=True,
    )
    h = args.held
    given = {"high": {"urgent": h[0]}, "normal": {"urgent": h[0], "high": h[1]},
             "low": {"urgent": h[0], "high": h[1], "normal": h[2]}}  # fmt: skip
    for p in args.steps:
        master(cm, given[p], p, args)


if __name__ == "__main__":
    main()
