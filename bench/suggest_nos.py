"""Where a week's checked suggestions spend their time, and whether a proved bound could end a
failing check early (issue 10 item 4). Per week (subdistrict-a and the subdistrict weeks of
seeds 7001-7010, `bench/unseen.py`'s `Week.of`), after a one-worker plan of `--time-limit`
seconds, every check `with_suggestions` makes, in its order, one at a time: yes or no and its
seconds; for a no, the coverage its one-worker solve reached, the patched week's proved bound
per priority (`Plan.bound`) and `before`. A no could be settled from above only where that
bound is lexicographically below `before`; `solver.suggest` builds every candidate with a plan
of the patched week serving the task beside everything served now (`Candidate.insertion`), so
the bound never is: each no is the search falling short of the patched week's optimum.

Prints figures; not a test.

    nice -n 5 .venv/bin/python bench/suggest_nos.py                    # all eleven weeks
    nice -n 5 .venv/bin/python bench/suggest_nos.py --no-shared --seeds 7004
"""

from __future__ import annotations

import argparse
import os
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
from mutualaid.domain.model import PRIORITIES  # noqa: E402
from mutualaid.errors import ScenarioError  # noqa: E402
from mutualaid.json_patch import Operation, PatchError, apply_patch  # noqa: E402
from solver.settle import Settled  # noqa: E402
from solver.suggest_verify import with_suggestions  # noqa: E402


def load() -> float:
    return os.getloadavg()[0]


def week_checks(name: str, doc: dict[str, Any], time_limit: float) -> dict[str, Any]:
    """One week's checks as `with_suggestions` makes them (the same verdicts as
    `keeps_promise`), each timed; a no's reached coverage and proved bound kept."""
    scenario = build_scenario(doc)
    plan = solver.solve(scenario, solver.SolveOptions(time_limit=time_limit, workers=1))
    assert plan.objective is not None, plan.error
    print(f"{name}: {len(plan.unserved)} unserved, before {plan.objective.coverage_key()} "
          f"(load {load():.1f})", flush=True)  # fmt: skip
    out: dict[str, Any] = {"yes": [], "no": [], "below": 0}

    def check(d: dict[str, Any], patch: list[Operation], task: str, before: tuple[int, ...],
              seed: int) -> bool:  # fmt: skip
        t0 = time.monotonic()
        try:
            patched = build_scenario(apply_patch(d, patch))
        except (PatchError, ScenarioError):
            out["no"].append(time.monotonic() - t0)
            print(f"  no  {task}: the patch does not apply", flush=True)
            return False
        pinned = any(p.task == task for p in patched.pinned)
        options = solver.SolveOptions(workers=1, seed=seed, reroute=False, coverage_only=pinned,
                                      enough=before)  # fmt: skip
        try:
            got = solver.solve(patched, options)
        except Settled:
            out["yes"].append(time.monotonic() - t0)
            return True
        seconds = time.monotonic() - t0
        reached = None if got.objective is None else got.objective.coverage_key()
        ok = (
            reached is not None
            and reached >= before
            and any(a.task == task for a in got.assignments)
        )
        out["yes" if ok else "no"].append(seconds)
        if not ok:
            bound = tuple(got.bound.get(p, 0) for p in PRIORITIES)
            out["below"] += bound < before
            print(f"  no  {task} {seconds:.1f} s: reached {reached}, proved bound {bound}, "
                  f"before {before} (load {load():.1f})", flush=True)  # fmt: skip
        return ok

    t0 = time.monotonic()
    with_suggestions(scenario, doc, plan, check=check)
    out["all"] = time.monotonic() - t0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=list(range(7001, 7011)))
    ap.add_argument("--no-shared", action="store_true", help="skip subdistrict-a")
    ap.add_argument("--time-limit", type=float, default=5.0, help="the plan's solve")
    args = ap.parse_args()
    print(said_command("bench/suggest_nos.py"), flush=True)
    weeks: list[tuple[str, dict[str, Any]]] = []
    if not args.no_shared:
        weeks.append(("subdistrict-a", read_scenario_text(SHARED_A.read_text("utf-8"))[1]))
    weeks += [(Week.of("subdistrict", s).label, Week.of("subdistrict", s).generate())
              for s in args.seeds]  # fmt: skip
    head = "| week | yes / no | seconds yes / no | every task's | no's bound < before | load |"
    print(head)
    rows = []
    for name, doc in weeks:
        r = week_checks(name, doc, args.time_limit)
        rows.append(
            f"| {name} | {len(r['yes'])} / {len(r['no'])} | {sum(r['yes']):.1f} / "
            f"{sum(r['no']):.1f} | {r['all']:.1f} s | {r['below']} of {len(r['no'])} | "
            f"{load():.1f} |"
        )
        print(rows[-1], flush=True)
    print(head, *rows, sep="\n")


if __name__ == "__main__":
    main()
