"""Checked suggestions against the clock (issue 10 item 4), on ../shared/worlds/subdistrict-a.yaml
and the subdistrict weeks of seeds 7001-7010 (`bench/unseen.py`'s `Week.of`, each seed in its
shape). Per week, after a one-worker plan of `--time-limit` seconds:

- `--phases N`: where one check's seconds go, for the first candidate of N unserved tasks:
  reading the patched week (patch applied, scenario built), analysis, greedy's floor, and the
  coverage stages (model building and CP-SAT's search summed, as `solve(phases=...)` names
  them); whether greedy's floor was already enough (`SolveOptions.enough`).
- the time box (`--box S`, `--processes P`): `solver.suggest_checks.Checks` from the finished
  plan, as `mutualaid solve --suggest` runs it: the seconds to the first checked suggestion,
  what the plan carries at the box (tasks with one, tasks still being checked), and the seconds
  to every task's (`--all`, at most `--cap` seconds a week). With `--processes 1 2` each
  week both ways, in turn. Every plan given is held to the reference checker.

Prints figures; not a test.

    nice -n 5 .venv/bin/python bench/suggest_box.py --phases 3 --box 0      # phases only
    nice -n 5 .venv/bin/python bench/suggest_box.py --box 2 --all            # the time box
    nice -n 5 .venv/bin/python bench/suggest_box.py --seeds 7053 7054 --no-shared --box 2 --all
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from engine import SHARED_A  # noqa: E402
from engine import check as reference_check  # noqa: E402
from unseen import Week  # noqa: E402

import solver  # noqa: E402
from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario, read_scenario_text  # noqa: E402
from mutualaid.json_patch import apply_patch  # noqa: E402
from solver.settle import Settled  # noqa: E402
from solver.suggest_checks import Checks  # noqa: E402
from solver.suggest_kinds import suggest  # noqa: E402
from solver.suggest_verify import within  # noqa: E402


def load() -> float:
    return os.getloadavg()[0]


def phases_of_check(doc: Any, cand: Any, before: tuple[int, ...], seed: int) -> dict[str, float]:
    """One check as `keeps_promise` makes it, its seconds by phase."""
    t0 = time.monotonic()
    patched = build_scenario(apply_patch(doc, cand.patch))
    out = {"read": time.monotonic() - t0}
    options = solver.SolveOptions(workers=1, seed=seed, reroute=False, coverage_only=True,
                                  enough=before)  # fmt: skip
    named: dict[str, float] = {}
    t1 = time.monotonic()
    settled = False
    try:
        plan = solver.solve(patched, options, phases=named)
    except Settled:  # the answer known midway (`solver.settle`)
        settled = True
    out["solve"] = time.monotonic() - t1
    out.update(named)
    out["floor_enough"] = float(not settled and bool(plan.extra.get("floor_enough")))
    out["settled"] = float(settled)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=list(range(7001, 7011)))
    ap.add_argument("--no-shared", action="store_true", help="skip subdistrict-a")
    ap.add_argument("--time-limit", type=float, default=5.0, help="the plan's solve")
    ap.add_argument("--phases", type=int, default=0, help="checks timed by phase per week")
    ap.add_argument("--box", type=float, default=2.0, help="seconds; 0: no boxed run")
    ap.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[2],
        help="several: each week's checks each way, in turn (A/B)",
    )
    ap.add_argument("--cap", type=float, default=120.0, help="seconds a week's checks may take")
    ap.add_argument("--all", action="store_true", help="go on past the box to every task's")
    args = ap.parse_args()
    print("$ nice -n 5", " ".join([".venv/bin/python", *sys.argv]), flush=True)
    weeks: list[tuple[str, dict[str, Any]]] = []
    if not args.no_shared:
        weeks.append(("subdistrict-a", read_scenario_text(SHARED_A.read_text("utf-8"))[1]))
    weeks += [(Week.of("subdistrict", s).label, Week.of("subdistrict", s).generate())
              for s in args.seeds]  # fmt: skip
    by_phase: dict[str, list[float]] = defaultdict(list)
    firsts: dict[int, list[float]] = defaultdict(list)
    alls: dict[int, list[float]] = defaultdict(list)
    for n_week, (name, doc) in enumerate(weeks):
        scenario = build_scenario(doc)
        plan = solver.solve(scenario, solver.SolveOptions(time_limit=args.time_limit, workers=1))
        assert plan.objective is not None, plan.error
        before, seed = plan.objective.coverage_key(), scenario.settings.seed
        print(f"{name}: {len(plan.unserved)} unserved (load {load():.1f})", flush=True)
        if args.phases:
            found = suggest(scenario, doc, plan)
            sample = [c for cs in found.values() for c in cs[:1]][: args.phases]
            for cand in sample:
                ph = phases_of_check(doc, cand, before, seed)
                for k, v in ph.items():
                    by_phase[k].append(v)
                shown = ", ".join(f"{k} {v:.2f}" for k, v in ph.items())
                print(f"  check {cand.task} {cand.kind}: {shown} (load {load():.1f})", flush=True)
        if args.box <= 0 or not plan.unserved:
            continue
        ways = args.processes if n_week % 2 == 0 else args.processes[::-1]  # each first in turn
        for processes in ways:
            boxed_run(name, scenario, doc, plan, seed, processes, args, firsts, alls)
    for k, vs in by_phase.items():
        print(
            f"phase {k}: median {statistics.median(vs):.2f} s, worst {max(vs):.2f} s "
            f"({len(vs)} checks)"
        )
    for what, by in (("first checked suggestion", firsts), ("all checked", alls)):
        for processes, vs in sorted(by.items()):
            print(
                f"{what}, {processes} process(es): median {statistics.median(vs):.1f} s, "
                f"worst {max(vs):.1f} s over {len(vs)} weeks (load {load():.1f})"
            )


def boxed_run(
    name: str,
    scenario: Any,
    doc: Any,
    plan: Any,
    seed: int,
    processes: int,
    args: Any,
    firsts: dict[int, list[float]],
    alls: dict[int, list[float]],
) -> None:
    """One week's checks from its finished plan, as `solve --suggest` runs them: the plan at
    the box, on to the first checked suggestion, and (`--all`) to every one or `--cap`."""
    t0 = time.monotonic()
    with Checks(scenario, doc, plan, seed, processes=processes) as checks:
        built = time.monotonic() - t0
        boxed = within(checks, args.box, t0)
        at_box = time.monotonic() - t0

        def first_seen() -> bool:
            return any(u.suggestions for u in checks.plan().unserved)

        first = at_box if first_seen() else None  # (within the box: when is not kept)
        while first is None and not checks.done and time.monotonic() < t0 + args.cap:
            checks.advance(t0 + args.cap)
            if first_seen():
                first = time.monotonic() - t0
        while args.all and not checks.done and time.monotonic() < t0 + args.cap:
            checks.advance(t0 + args.cap)
        whole = checks.plan()
        done_s = time.monotonic() - t0
        settled = sum(not u.checking for u in whole.unserved)
        all_done = checks.done
    with_one = sum(bool(u.suggestions) for u in boxed.unserved)
    pending = sum(u.checking for u in boxed.unserved)
    for shown in (boxed, whole):
        verdict = reference_check(doc, plan_json.dump(shown, scenario))
        assert verdict["ok"], verdict
    line = (
        f"  {processes} process(es): candidates {built:.2f} s; at the box ({at_box:.1f} s) "
        f"{with_one} of {len(plan.unserved)} tasks have a checked suggestion, {pending} "
        f"still being checked; first checked {'-' if first is None else f'{first:.1f} s'}"
    )
    if first is not None:
        firsts[processes].append(first)
    if args.all:
        if all_done:
            line += f"; all in {done_s:.1f} s"
            alls[processes].append(done_s)
        else:
            line += f"; at the cap ({done_s:.0f} s) {settled} of {len(plan.unserved)} settled"
        line += f" ({sum(bool(u.suggestions) for u in whole.unserved)} tasks have one)"
    print(line, f"(load {load():.1f}) {name}", flush=True)


if __name__ == "__main__":
    main()
