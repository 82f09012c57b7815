"""The planner on weeks it was never tuned on: 10 seeds per world size, each seed in a shape of
its own (as generated, narrow or wide windows, every task on one day, dense or sparse roster),
plus ../shared/worlds/subdistrict-a.yaml. Per size: how many proved their coverage, the median
and worst time to that proof, the weighted gap to the proven bound at the time limit; on the
routing-compatible weeks VROOM side by side (coverage, travel; mutualaid also with travel before
continuity, as VROOM values no continuity). Prints figures; not a test.

    nice -n 10 .venv/bin/python bench/unseen.py                       # the full run (~55 min)
    .venv/bin/python bench/unseen.py --sizes subdistrict --seeds 2 --time-limit 20
    .venv/bin/python bench/unseen.py --sizes subdistrict --first-seed 7021   # held-out weeks
    .venv/bin/python bench/unseen.py --sizes subdistrict --by-priority-before-after

Time to a proven coverage: analysis and greedy (timed apart) plus the coverage and waiting
stages' seconds (summed over parts, the pairwise model's building included; for a part too
large for one exact model, its whole search and bound), when the plan's bound meets what it
serves; '-' when not proved within the limit.
Weighted gap: 1 - sum(w*served)/sum(w*bound), w = 100/30/8/1, with the bound of the plan
(`solver.relax` for parts too large for one exact model).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from dataclasses import replace  # noqa: E402

import yaml  # noqa: E402
from command import said_command  # noqa: E402
from engine import SHARED_A, WEIGHTS, check, run_vroom  # noqa: E402

from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES  # noqa: E402
from solver.reroute import AS_BEFORE, REROUTING  # noqa: E402
from worldgen import generate_world  # noqa: E402

SIZES = {
    # name: (tasks, volunteers, subdistricts, contended, routing)
    "subdistrict": (200, 80, 1, False, False),
    "district": (2000, 800, 10, False, False),
    "contended": (400, 60, 1, True, False),
    "routing": (160, 40, 1, False, True),
}
SHAPES = ("as-generated", "narrow", "wide", "one-day", "dense", "sparse")
FIRST_SEED = 7001
"""Seeds from here on were never used while the planner was written or tuned."""


@dataclass(frozen=True)
class Week:
    """One week of the run: generated (size, seed, shape) or read from a file."""

    size: str
    seed: int
    shape: str
    path: Path | None = None

    @classmethod
    def of(cls, size: str, seed: int) -> Week:
        """The generated week of `seed`, in the shape that seed keeps (shapes go in turn)."""
        return cls(size, seed, SHAPES[(seed - FIRST_SEED) % len(SHAPES)])

    @property
    def label(self) -> str:
        return self.path.name if self.path else f"{self.size}/{self.seed}/{self.shape}"

    def generate(self) -> dict[str, Any]:
        if self.path is not None:
            data: dict[str, Any] = yaml.safe_load(self.path.read_text("utf-8"))
            return data
        tasks, volunteers, subdistricts, contended, routing = SIZES[self.size]
        if self.shape == "dense":
            volunteers = volunteers * 3 // 2
        elif self.shape == "sparse":
            volunteers = volunteers * 3 // 5
        world = generate_world(
            tasks, volunteers, subdistricts, self.seed, contended=contended,
            routing_compatible=routing,
        )  # fmt: skip
        return reshape(world, self.shape)


def _minutes(clock: str) -> int:
    h, m = clock.split(":")
    return int(h) * 60 + int(m)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def reshape(world: dict[str, Any], shape: str) -> dict[str, Any]:
    """The week's task windows narrowed (the visit's length plus 15 minutes), widened (08:00
    to 21:00) or all moved to Wednesday; other shapes are the roster's and change nothing here.
    Fixed starts stay as they are; pins go with narrowed or moved windows."""
    if shape not in ("narrow", "wide", "one-day"):
        return world
    world = copy.deepcopy(world)
    if shape != "wide":  # a pinned volunteer may never be free in the new windows
        world.pop("pinned", None)
    for task in world["tasks"]:
        windows = task.get("windows") or ([task["window"]] if "window" in task else [])
        for window in windows:
            if shape == "narrow":
                lo = _minutes(window["from"])
                window["to"] = _clock(min(24 * 60 - 1, lo + task["duration_minutes"] + 15))
            elif shape == "wide":
                window["from"], window["to"] = "08:00", "21:00"
            elif "days" in window and "every" not in task:
                window["days"] = ["wed"]
    return world


def run_week(
    week: Week,
    time_limit: float,
    workers: int,
    before_after: bool = False,
    bounds_before_after: bool = False,
    colgen_before_after: bool = False,
    by_priority_before_after: bool = False,
) -> dict[str, Any]:
    import solver
    import solver.colgen

    data = week.generate()
    scenario = build_scenario(data)
    without: dict[str, Any] | None = None
    if bounds_before_after or colgen_before_after:  # the same week first without (a change
        # of) column generation's bound: without it, or as it was before blocks bounded each
        # volunteer's minutes, the first open priority got half of its time and a master LP
        # was cut at its share
        t0 = time.monotonic()
        options = solver.SolveOptions(
            time_limit=time_limit, workers=workers, colgen=not bounds_before_after
        )
        cg = solver.colgen
        kept = cg.BLOCKS, cg.FIRST_SHARE, cg.LP_TIME_LIMIT
        if colgen_before_after:
            cg.BLOCKS, cg.FIRST_SHARE, cg.LP_TIME_LIMIT = False, None, False
        try:
            bare = solver.solve(scenario, options)
        finally:
            cg.BLOCKS, cg.FIRST_SHARE, cg.LP_TIME_LIMIT = kept
        assert bare.objective is not None, bare.error
        served = bare.objective.served
        without = {
            "served": served,
            "bound": bare.bound,
            "gap": 1 - weighted(served) / max(1, weighted(bare.bound)),
            "wall_s": time.monotonic() - t0,
            "load": os.getloadavg()[0],
        }
    weighted_first: dict[str, Any] | None = None
    if by_priority_before_after:  # the same week first with coverage weighted, as before
        weighted_first = proof_run(week, data, scenario, time_limit, workers, by_priority=False)
        weighted_first.pop("plan")
    out = proof_run(week, data, scenario, time_limit, workers)
    plan = out.pop("plan")
    if weighted_first is not None:
        out["weighted"] = weighted_first
    if without is not None:
        out["without_colgen"] = without
    before = solver.SolveOptions(time_limit=time_limit, workers=workers, rerouting=AS_BEFORE)
    out["continuity"], out["max_load"] = plan.objective.continuity, plan.objective.max_load
    if before_after:
        # the same week rerouted as before issue 10's item 7 (after CP-SAT only, hill climbing)
        out["before"] = figures_of(data, scenario, before)
    if week.size == "routing":
        # VROOM values no continuity: the same week again with travel before continuity
        data.setdefault("settings", {})["objective_order"] = ["travel", "continuity", "fairness"]
        first = figures_of(data, build_scenario(data), replace(before, rerouting=REROUTING))
        out["travel_first"] = first
        if before_after:
            out["travel_first_before"] = figures_of(data, build_scenario(data), before)
        vroom = run_vroom(week, workers)  # type: ignore[arg-type]
        out["vroom"] = {
            "served": vroom.get("served"),
            "travel": vroom.get("check", {}).get("travel"),
            "check": vroom.get("check", {}).get("ok"),
            "seconds": vroom.get("final_s"),
            "skipped": vroom.get("skipped"),
        }
    return out


TABLE_WITHOUT = "without"
"""How the bounds' table names the first solve of each week (`--colgen-before-after`)."""


def figures_of(data: dict[str, Any], scenario: Any, options: Any) -> dict[str, Any]:
    """A solve's coverage, continuity and travel, its check by the reference checker, its wall
    time and the load after it."""
    import solver

    t0 = time.monotonic()
    plan = solver.solve(scenario, options)
    assert plan.objective is not None, plan.error
    return {
        "served": plan.objective.served,
        "continuity": plan.objective.continuity,
        "travel": plan.objective.travel_minutes,
        "max_load": plan.objective.max_load,
        "check": check(data, plan_json.dump(plan, scenario))["ok"],
        "wall_s": time.monotonic() - t0,
        "load": os.getloadavg()[0],
    }


def proof_run(
    week: Week,
    data: dict[str, Any],
    scenario: Any,
    time_limit: float,
    workers: int,
    by_priority: bool = True,
) -> dict[str, Any]:
    """One solve of the week and its figures (the plan itself under "plan")."""
    import solver

    t0 = time.monotonic()
    solver.greedy(scenario)  # analysis and greedy: what a solve does before its first stage
    prepare = time.monotonic() - t0
    t0 = time.monotonic()
    options = solver.SolveOptions(time_limit=time_limit, workers=workers, by_priority=by_priority)
    plan = solver.solve(scenario, options)
    wall = time.monotonic() - t0
    assert plan.objective is not None, plan.error
    stages: dict[str, dict[str, Any]] = plan.extra.get("stages", {})  # type: ignore[assignment]
    served, bound = plan.objective.served, plan.bound
    first = sum(stages.get(s, {"seconds": 0.0})["seconds"] for s in ("coverage", "waited"))
    return {
        "week": week.label,
        "size": week.size,
        "served": served,
        "bound": bound,
        "proof_s": prepare + first if bound == served else None,
        "wall_s": wall,
        "gap": 1 - weighted(served) / max(1, weighted(bound)),
        "travel": plan.objective.travel_minutes,
        "check": check(data, plan_json.dump(plan, scenario))["ok"],
        "load": os.getloadavg()[0],
        "plan": plan,
    }


def weighted(counts: dict[str, int]) -> int:
    return sum(WEIGHTS[p] * counts[p] for p in PRIORITIES)


def quad(counts: dict[str, int] | None) -> str:
    return "/".join(str(counts[p]) for p in PRIORITIES) if counts else "-"


def table(results: list[dict[str, Any]], time_limit: float) -> str:
    lines = [
        "| world | weeks | coverage proved | time to proof, median / worst "
        f"| gap at {time_limit:g} s, median / worst | plans checked |",
        "|---|---|---|---|---|---|",
    ]
    for size in [*SIZES, "subdistrict-a"]:
        rows = [r for r in results if r["size"] == size]
        if not rows:
            continue
        proofs = [r["proof_s"] for r in rows if r["proof_s"] is not None]
        worst = "-" if len(proofs) < len(rows) else f"{max(proofs):.1f} s"
        if proofs and len(proofs) < len(rows):
            worst = f"> {time_limit:g} s (not proved)"
        median = f"{statistics.median(proofs):.1f} s" if proofs else "-"
        gaps = [r["gap"] for r in rows]
        lines.append(
            f"| {size} | {len(rows)} | {len(proofs)}/{len(rows)} | {median} / {worst} | "
            f"{100 * statistics.median(gaps):.2f}% / {100 * max(gaps):.2f}% | "
            f"{sum(r['check'] for r in rows)}/{len(rows)} |"
        )
    routing = [r for r in results if r.get("vroom") and r["vroom"].get("served")]
    if routing:
        lines += ["", "| routing week | mutualaid served | travel (contract's order) | "
                  "travel (travel before continuity) | VROOM served | VROOM travel | coverage "
                  "| travel vs VROOM (contract's / travel first) |",
                  "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for r in routing:
            ours, theirs = r["served"], r["vroom"]["served"]
            key = [ours[p] for p in PRIORITIES], [theirs[p] for p in PRIORITIES]
            verdict = "ahead" if key[0] > key[1] else "equal" if key[0] == key[1] else "BEHIND"
            base = r["vroom"]["travel"] or 1
            first = r["travel_first"]
            same = first["served"] == ours
            lines.append(
                f"| {r['week']} | {quad(ours)} | {r['travel']} | {first['travel']}"
                f"{'' if same else ' (' + quad(first['served']) + ')'} | {quad(theirs)} | "
                f"{r['vroom']['travel']} | {verdict} | {100 * (r['travel'] / base - 1):+.1f}% / "
                f"{100 * (first['travel'] / base - 1):+.1f}% |"
            )
    others = [r for r in results if r.get("before") and "travel_first_before" not in r]
    if others:
        lines += ["", "| week | served before / after | continuity before / after | travel "
                  "before / after | max load before / after | checked | load |",
                  "|---|---|---|---|---|---|---|"]  # fmt: skip
        for r in others:
            b = r["before"]
            lines.append(
                f"| {r['week']} | {quad(b['served'])} / {quad(r['served'])} | {b['continuity']} / "
                f"{r['continuity']} | {b['travel']} / {r['travel']} | {b['max_load']:.4f} / "
                f"{r['max_load']:.4f} | {'ok' if b['check'] and r['check'] else 'FAIL'} | "
                f"{min(r['load'], b['load']):.1f}-{max(r['load'], b['load']):.1f} |"
            )
    compared = [r for r in results if r.get("before") and "travel_first_before" in r]
    if compared:
        lines += ["", "| routing week | served | continuity before / after | travel before / after "
                  "| travel first before / after | VROOM served | VROOM travel | before vs VROOM "
                  "(contract's / travel first) | after vs VROOM (contract's / travel first) "
                  "| checked | load |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for r in compared:
            b, f, fb = r["before"], r["travel_first"], r["travel_first_before"]
            same = "" if b["served"] == r["served"] else f" (before {quad(b['served'])})"
            if not f["served"] == fb["served"] == r["served"]:
                same += f" (travel first {quad(fb['served'])} / {quad(f['served'])})"
            vroom = (r.get("vroom") or {}).get("travel")

            def versus(travel: int, vroom: int | None = vroom) -> str:
                return f"{100 * (travel / vroom - 1):+.1f}%" if vroom else "-"

            checked = all(x["check"] for x in (r, b, f, fb))
            lines.append(
                f"| {r['week']} | {quad(r['served'])}{same} | {b['continuity']} / "
                f"{r['continuity']} | {b['travel']} / {r['travel']} | {fb['travel']} / "
                f"{f['travel']} | {quad((r.get('vroom') or {}).get('served'))} | {vroom or '-'} | "
                f"{versus(b['travel'])} / {versus(fb['travel'])} | {versus(r['travel'])} / "
                f"{versus(f['travel'])} | {'ok' if checked else 'FAIL'} | "
                f"{min(r['load'], b['load'], f['load'], fb['load']):.1f}-"
                f"{max(r['load'], b['load'], f['load'], fb['load']):.1f} |"
            )
    return "\n".join(lines + bounds_table(results, TABLE_WITHOUT) + by_priority_table(results))


def by_priority_table(results: list[dict[str, Any]]) -> list[str]:
    """Coverage weighted (before) and one priority at a time where greedy's floor is low
    (after), each week by both in turn (`--by-priority-before-after`)."""
    compared = [r for r in results if r.get("weighted")]
    if not compared:
        return []
    lines = ["", "| week | served before / after | bound before / after | proof before / after "
             "| load before / after |", "|---|---|---|---|---|"]  # fmt: skip

    def proof(r: dict[str, Any]) -> str:
        return "-" if r["proof_s"] is None else f"{r['proof_s']:.1f} s"

    for r in compared:
        w = r["weighted"]
        lines.append(
            f"| {r['week']} | {quad(w['served'])} / {quad(r['served'])} | {quad(w['bound'])} / "
            f"{quad(r['bound'])} | {proof(w)} / {proof(r)} | {w['load']:.1f} / {r['load']:.1f} |"
        )
    for label, rows in (("before", [r["weighted"] for r in compared]), ("after", compared)):
        proofs = [r["proof_s"] for r in rows]
        within = sum(p is not None and p <= 5.0 for p in proofs)
        done = sorted(p for p in proofs if p is not None)
        worst = f"{done[-1]:.1f} s" if len(done) == len(rows) else "open"
        median = f"{statistics.median(done):.1f} s" if done else "-"
        lines.append(
            f"{label}: proved within 5 s {within}/{len(rows)}, at all {len(done)}/{len(rows)}, "
            f"median of the proved {median}, worst {worst}"
        )
    return lines


def bounds_table(results: list[dict[str, Any]], without: str = "without") -> list[str]:
    """Gaps without and with column generation's bound (`--bounds-before-after`), or before
    and after its blocks and shares (`--colgen-before-after`, `without` then "before")."""
    compared = [r for r in results if r.get("without_colgen")]
    if not compared:
        return []
    lines = ["", f"| world | weeks | gap {without} colgen, median / worst | gap with, median / "
             f"worst | within 1% {without} / with | load (1 min), least-most |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for size in SIZES:
        rows = [r for r in compared if r["size"] == size]
        if not rows:
            continue
        before, after = [r["without_colgen"]["gap"] for r in rows], [r["gap"] for r in rows]
        loads = [r["load"] for r in rows] + [r["without_colgen"]["load"] for r in rows]
        lines.append(
            f"| {size} | {len(rows)} | {100 * statistics.median(before):.2f}% / "
            f"{100 * max(before):.2f}% | {100 * statistics.median(after):.2f}% / "
            f"{100 * max(after):.2f}% | {sum(g <= 0.01 for g in before)}/{len(rows)} / "
            f"{sum(g <= 0.01 for g in after)}/{len(rows)} | {min(loads):.1f}-{max(loads):.1f} |"
        )
    lines += ["", f"| week | served {without} / with | bound {without} / with | gap {without} / "
              "with |",
              "|---|---|---|---|"]  # fmt: skip
    for r in compared:
        w = r["without_colgen"]
        lines.append(
            f"| {r['week']} | {quad(w['served'])} / {quad(r['served'])} | {quad(w['bound'])} / "
            f"{quad(r['bound'])} | {100 * w['gap']:.2f}% / {100 * r['gap']:.2f}% |"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=[*SIZES, "subdistrict-a"],
                        default=[*SIZES, "subdistrict-a"])  # fmt: skip
    parser.add_argument("--seeds", type=int, default=10, help="seeds per size")
    parser.add_argument(
        "--first-seed", type=int, default=FIRST_SEED, help="the first seed (each keeps its shape)"
    )
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write every week's figures here")
    parser.add_argument(
        "--before-after",
        action="store_true",
        help="each week also solved rerouted as before (solver.reroute's AS_BEFORE; routing "
        "weeks in both orders), in the same run",
    )
    parser.add_argument(
        "--by-priority-before-after",
        action="store_true",
        help="each week also solved with coverage weighted (SolveOptions(by_priority=False)) first",
    )
    parser.add_argument(
        "--bounds-before-after",
        action="store_true",
        help="each week also solved without column generation's bound (solver.colgen) first",
    )
    parser.add_argument(
        "--colgen-before-after",
        action="store_true",
        help="each week also solved first with column generation as before its blocks' "
        "minutes, first priority's share and LP time limit (solver.colgen.BLOCKS, "
        "FIRST_SHARE, LP_TIME_LIMIT)",
    )
    args = parser.parse_args()
    global TABLE_WITHOUT
    TABLE_WITHOUT = "before" if args.colgen_before_after else "without"
    print(said_command("bench/unseen.py"), flush=True)
    weeks = [
        Week.of(size, seed)
        for size in args.sizes
        if size in SIZES
        for seed in range(args.first_seed, args.first_seed + args.seeds)
    ]
    if "subdistrict-a" in args.sizes:
        weeks.append(Week("subdistrict-a", 0, "file", SHARED_A))
    results = []
    for week in weeks:
        try:
            result = run_week(
                week, args.time_limit, args.workers, args.before_after,
                args.bounds_before_after, args.colgen_before_after,
                args.by_priority_before_after,
            )  # fmt: skip
        except Exception as exc:  # a week that fails is reported, the run goes on
            print(f"{week.label}: FAILED {exc!r}", flush=True)
            continue
        results.append(result)
        proof = f"{result['proof_s']:.1f} s" if result["proof_s"] is not None else "not proved"
        print(
            f"{week.label}: served {quad(result['served'])} bound {quad(result['bound'])} "
            f"gap {100 * result['gap']:.2f}% proof {proof} wall {result['wall_s']:.1f} s "
            f"check {'ok' if result['check'] else 'FAIL'} load {result['load']:.1f}"
            + (
                f" {TABLE_WITHOUT} colgen: bound {quad(result['without_colgen']['bound'])} gap "
                f"{100 * result['without_colgen']['gap']:.2f}%"
                if "without_colgen" in result
                else ""
            )
            + (
                f" weighted: served {quad(result['weighted']['served'])} bound "
                f"{quad(result['weighted']['bound'])} proof {result['weighted']['proof_s']}"
                if "weighted" in result
                else ""
            )
            + (f" vroom {result['vroom']}" if "vroom" in result else ""),
            flush=True,
        )
        if args.json:
            args.json.write_text(json.dumps(results, indent=1), "utf-8")
    print()
    print(table(results, args.time_limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
