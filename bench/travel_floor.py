"""How much travel the contract's order costs on routing weeks: the least travel found with
continuity held at the plan's value, against VROOM's (issue 10, item 7).

    nice -n 10 .venv/bin/python bench/travel_floor.py --seeds 4 --steps 20000 --starts 2
    nice -n 10 .venv/bin/python bench/travel_floor.py --seeds 10 --starts 0   # the bound alone

Per routing week (`unseen.py`'s seeds and shapes, 160 tasks / 40 volunteers of one-person
visits): the plan in the contract's order (`--time-limit`, 2 workers), then from that plan long
ruin-and-recreate runs (`solver.reroute`, `--steps` steps, `--starts` random seeds, no clock):
in the contract's order (continuity may rise, travel second), and with continuity held at the
plan's value as a rule and travel the only goal (`reroute(held=)`); VROOM on the same week.
Every plan goes through the reference checker. The least travel found is a floor met by a long
search, not a proven bound: it says how near the plan's travel is to what its continuity
allows. The proved column is `solver.travel_bound.travel_floor` at the plan's coverage and
pairs: no plan serving as much with as many pairs travels less, so where it is above VROOM's
travel "within 5%" is out of reach in the contract's order; where the model finished it is
also the least such travel (its solution is a plan, every block's routes listed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from command import said_command
from engine import check, run_vroom
from unseen import FIRST_SEED, Week

from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Scenario
from mutualaid.travel import HaversineTravel
from solver.planner import analyse
from solver.repair import solution_of
from solver.reroute import reroute
from solver.route_pricing import priced_listing
from solver.route_search import RouteSearch
from solver.route_sets import best_routes
from solver.solution import Solution, build_plan
from solver.travel_bound import travel_floor


def proved(
    scenario: Scenario, served: dict[str, int], pairs: int, seconds: float, priced: bool = True
) -> str:
    """`travel_floor` at this coverage and these pairs, and the seconds it took."""
    began = time.monotonic()
    floor = travel_floor(scenario, analyse(scenario), HaversineTravel(scenario.settings), served,
                         pairs, seconds=seconds, priced=priced)  # fmt: skip
    return f"{floor} ({time.monotonic() - began:.0f} s)"


def priced_plan(data: dict[str, object], scenario: Scenario, sol: Solution, seconds: float) -> str:
    """Routes re-chosen over priced routes where a block has too many to list
    (`route_pricing.priced_listing`, then `route_sets.best_routes` at the plan's coverage,
    waiting and pairs): its continuity / travel, the pricing's rounds and whether it finished,
    the checker's verdict; '-' where every block lists whole."""
    analyses, travel = analyse(scenario), HaversineTravel(scenario.settings)
    tids = sorted(scenario.tasks)
    began = time.monotonic()
    try:
        cache, priced = priced_listing(scenario, analyses, tids, travel, sol, seconds=seconds / 2)
    except TimeoutError:  # listing the blocks alone took the time (7003 at load 8, 15 s)
        return f"none (listing took over {seconds / 2:.0f} s)"
    if priced is None:
        return "-"
    out = best_routes(scenario, analyses, tids, travel, sol, seconds=seconds / 2, listed=cache,
                      narrow=False)  # fmt: skip
    took = time.monotonic() - began
    if out is None:
        return f"none ({priced.rounds} rounds, {took:.0f} s)"
    plan = build_plan(scenario, out, analyses, travel, status="feasible", bound={},
                      started=time.monotonic())  # fmt: skip
    ok = bool(check(data, plan_json.dump(plan, scenario))["ok"])
    assert plan.objective is not None
    done = "finished" if priced.finished else "unfinished"
    return (
        f"{plan.objective.continuity} / {plan.objective.travel_minutes} ({priced.rounds} "
        f"rounds {done}, {took:.0f} s, {'checked' if ok else 'FAILED'})"
    )  # fmt: skip"


def searched(
    data: dict[str, object], scenario: Scenario, sol: Solution, steps: int, starts: int,
    held: int | None,
) -> tuple[int, int, bool]:  # fmt: skip
    """The best (most pairs, then least travel; with `held`, least travel) of `starts` long
    reroutes of `sol`: its continuity, its travel, and the reference checker's verdict."""
    analyses, travel = analyse(scenario), HaversineTravel(scenario.settings)
    tids = sorted(scenario.tasks)
    best: tuple[tuple[int, int], Solution] | None = None
    for start in range(starts):
        out = reroute(scenario, analyses, tids, travel, sol, iterations=steps,
                      steps_per_visit=steps, seed=start, held=held)  # fmt: skip
        search = RouteSearch(scenario, analyses, tids, travel, out)
        key = (search.travel_total, -search.kept) if held else (-search.kept, search.travel_total)
        if best is None or key < best[0]:
            best = key, out
    assert best is not None
    plan = build_plan(scenario, best[1], analyses, travel, status="feasible", bound={},
                      started=time.monotonic())  # fmt: skip
    ok = bool(check(data, plan_json.dump(plan, scenario))["ok"])
    assert plan.objective is not None
    return plan.objective.continuity, plan.objective.travel_minutes, ok


def main() -> int:
    import solver

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--first-seed", type=int, default=FIRST_SEED)
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--steps", type=int, default=20000, help="ruin-and-recreate steps per run")
    ap.add_argument("--starts", type=int, default=2, help="random seeds per search (0: none)")
    ap.add_argument("--bound-seconds", type=float, default=60.0, help="for the proved bound")
    args = ap.parse_args()
    print(said_command("bench/travel_floor.py"))
    print("| routing week | served | plan: continuity / travel | longer search, contract's order"
          " | least travel, continuity held | proved least travel at the plan's pairs "
          "| same, before priced routes | re-chosen over priced routes: continuity / travel "
          "| VROOM served / travel | plan / held / proved vs VROOM | checked | load |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        week = Week.of("routing", seed)
        data = week.generate()
        scenario = build_scenario(data)
        plan = solver.solve(scenario, solver.SolveOptions(time_limit=args.time_limit, workers=2))
        assert plan.objective is not None, plan.error
        doc = plan_json.dump(plan, scenario)
        ok = bool(check(data, doc)["ok"])
        sol = solution_of(scenario, doc)
        pairs, minutes = plan.objective.continuity, plan.objective.travel_minutes
        none = (0, 0, True)
        more = searched(data, scenario, sol, args.steps, args.starts, None) if args.starts else none
        held = (
            searched(data, scenario, sol, args.steps, args.starts, pairs) if args.starts else none
        )
        floor = proved(scenario, dict(plan.objective.served), pairs, args.bound_seconds)
        rechosen = priced_plan(data, scenario, sol, args.bound_seconds)
        before = (  # the same where every block lists whole (no pricing)
            proved(scenario, dict(plan.objective.served), pairs, args.bound_seconds, False)
            if rechosen != "-"
            else "same"
        )
        vroom = run_vroom(week, 2)  # type: ignore[arg-type]
        theirs = vroom.get("check", {}).get("travel") or 0
        served = "/".join(str(plan.objective.served[p]) for p in plan.objective.served)
        them = "/".join(str(n) for n in (vroom.get("served") or {}).values()) or "-"
        if "skipped" in vroom:
            print(f"VROOM: {vroom['skipped']}", file=sys.stderr)
        least = int(floor.split()[0])
        versus = " / ".join(  # "-" where VROOM gave no plan (pyvroom missing: `.[bench]`)
            f"{100 * (t / theirs - 1):+.1f}%" if t and theirs else "-"
            for t in (minutes, held[1], least)
        )
        checked = sum((ok, more[2], held[2]))
        print(f"| {week.label} | {served} | {pairs} / {minutes} | {more[0]} / {more[1]} | "
              f"{held[1]} ({held[0]} pairs) | {floor} | {before} | {rechosen} | "
              f"{them} / {theirs} | {versus} | "
              f"{checked}/3 | {os.getloadavg()[0]:.1f} |", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
