"""Suggestion checks with and without the work shared across a week's checks
(`solver.shared_week`, issue 10 item 4), side by side in one run. Per week (subdistrict-a and
the subdistrict weeks of `--seeds`, `bench/unseen.py`'s `Week.of`), after a one-worker plan of
`--time-limit` seconds: every check `with_suggestions` makes, in its order, one at a time,
each run both ways in turn (which goes first alternates): the verdict, how it ended and the
coverage reached must be the same both ways (else the run stops); the seconds of each. Prints
per week every task's seconds (the checks summed) and a check's median and worst, both ways.
`--cap N`: at most N checks a week (the one-day weeks' no answers take a minute each).

Prints figures; not a test.

    nice -n 5 .venv/bin/python bench/suggest_shared.py --seeds 7001 7002 7003 7004 --cap 40
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
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
from mutualaid.contract.scenario import build_scenario, read_scenario_text  # noqa: E402
from mutualaid.json_patch import Operation  # noqa: E402
from solver import shared_week  # noqa: E402
from solver.suggest_checks import Checks  # noqa: E402
from solver.suggest_verify import outcome  # noqa: E402


def load() -> float:
    return os.getloadavg()[0]


def week_both_ways(name: str, doc: dict[str, Any], time_limit: float, cap: int) -> dict[str, Any]:
    scenario = build_scenario(doc)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=time_limit, workers=1))
    assert plan.objective is not None, plan.error
    loads = [load()]
    print(f"{name}: {len(plan.unserved)} unserved, before {plan.objective.coverage_key()} "
          f"(load {loads[0]:.1f})", flush=True)  # fmt: skip
    secs: dict[bool, list[float]] = {False: [], True: []}
    verdicts = {True: 0, False: 0}

    def check(d: dict[str, Any], patch: list[Operation], task: str, before: tuple[int, ...],
              seed: int) -> bool:  # fmt: skip
        got = {}
        order = (True, False) if len(secs[True]) % 2 else (False, True)
        for shared in order:
            shared_week.SHARED = shared
            t0 = time.monotonic()
            got[shared] = outcome(d, patch, task, before, seed)
            secs[shared].append(time.monotonic() - t0)
        shared_week.SHARED = True
        if got[True] != got[False]:
            raise SystemExit(f"{name} {task}: shared {got[True]} but fresh {got[False]}")
        verdicts[got[True].keeps] += 1
        return got[True].keeps

    with Checks(scenario, doc, plan, None, check=check, pooled=False) as checks:
        while not checks.done and len(secs[True]) < cap:
            job = checks._next()
            if job is None:
                break
            checks.verdicts[job] = checks._run(job)
            loads.append(load())
    return {"secs": secs, "yes": verdicts[True], "no": verdicts[False], "done": checks.done,
            "load": (min(loads), max(loads))}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=[7001, 7002, 7003, 7004])
    ap.add_argument("--no-shared", action="store_true", help="skip subdistrict-a")
    ap.add_argument("--time-limit", type=float, default=5.0, help="the plan's solve")
    ap.add_argument("--cap", type=int, default=10_000, help="checks a week at most")
    args = ap.parse_args()
    print(said_command("bench/suggest_shared.py"), flush=True)
    weeks: list[tuple[str, dict[str, Any]]] = []
    if not args.no_shared:
        weeks.append(("subdistrict-a", read_scenario_text(SHARED_A.read_text("utf-8"))[1]))
    weeks += [(Week.of("subdistrict", s).label, Week.of("subdistrict", s).generate())
              for s in args.seeds]  # fmt: skip
    head = (
        "| week | checks yes / no | every task's: fresh / shared | a check median: fresh / "
        "shared | worst | load |"
    )
    rows = []
    for name, doc in weeks:
        r = week_both_ways(name, doc, args.time_limit, args.cap)
        fresh, shared = r["secs"][False], r["secs"][True]
        every = "" if r["done"] else " (capped)"
        rows.append(
            f"| {name} | {r['yes']} / {r['no']} | {sum(fresh):.1f} s / {sum(shared):.1f} s"
            f"{every} | {statistics.median(fresh):.2f} / {statistics.median(shared):.2f} s | "
            f"{max(fresh):.2f} / {max(shared):.2f} s | {r['load'][0]:.1f}-{r['load'][1]:.1f} |"
            if fresh
            else f"| {name} | no checks | | | | |"
        )
        print(rows[-1], flush=True)
    print(head, *rows, sep="\n")


if __name__ == "__main__":
    main()
