"""Benchmark of the planner on generated Zhengzhou worlds: time to the first and the final plan,
the gap to the proven bound, coverage against greedy, peak memory, and VROOM side by side on a
routing-compatible world. Every plan is checked by the reference checker. Not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from mutualaid.contract import clock, plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario  # noqa: E402
from mutualaid.domain.model import PRIORITIES, Scenario, SkillNeed  # noqa: E402
from mutualaid.travel import HaversineTravel, haversine_km  # noqa: E402
from worldgen import generate_world  # noqa: E402

# the shared contract checkout beside this one, or where MUTUALAID_SHARED says (a copy elsewhere)
SHARED = Path(os.environ.get("MUTUALAID_SHARED", ROOT.parent / "shared"))
CHECKER = SHARED / "tools" / "checkplan.py"
SHARED_A = SHARED / "worlds" / "subdistrict-a.yaml"
"""A 200-task week from outside the project, whose coverage optimum an independent model
proved (16/59/79/26)."""
WEIGHTS = {"urgent": 100, "high": 30, "normal": 8, "low": 1}
"""One weighting for the single-figure gap and for VROOM's job priorities (0..100)."""
Result = dict[str, Any]


@dataclass(frozen=True)
class World:
    name: str
    what: str
    tasks: int
    volunteers: int
    subdistricts: int
    seed: int
    contended: bool = False
    routing: bool = False
    path: Path | None = None
    """A week read from this file instead of generated (the other fields then describe it)."""

    def generate(self) -> dict[str, Any]:
        if self.path is not None:
            data: dict[str, Any] = yaml.safe_load(self.path.read_text("utf-8"))
            return data
        return generate_world(
            self.tasks,
            self.volunteers,
            self.subdistricts,
            self.seed,
            contended=self.contended,
            routing_compatible=self.routing,
        )


WORLDS: dict[str, World] = {
    w.name: w
    for w in (
        World("subdistrict", "one subdistrict's week", 200, 80, 1, seed=11),
        World("subdistrict-a", "a shared week, never tuned on", 200, 80, 1, 0, path=SHARED_A),
        World("district", "ten subdistricts", 2000, 800, 10, seed=12),
        World("contended", "demand far above capacity", 400, 60, 1, seed=13, contended=True),
        World("routing", "one person, one skill per task", 300, 60, 2, seed=14, routing=True),
    )
}
QUICK: dict[str, World] = {
    w.name: w
    for w in (
        World("subdistrict", "one subdistrict's week", 60, 25, 1, seed=11),
        World("district", "three subdistricts", 300, 120, 3, seed=12),
        World("contended", "demand far above capacity", 120, 20, 1, seed=13, contended=True),
        World("routing", "one person, one skill per task", 80, 20, 1, seed=14, routing=True),
    )
}


# --- measuring one world (in a child process, for a clean peak memory) ---------------------


def sources_digest() -> str:
    """A short hash of the planner's sources, to tie figures to a version of the code."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("solver/*.py"), *ROOT.glob("mutualaid/**/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def check(world: dict[str, Any], plan: dict[str, Any]) -> Result:
    """Run the reference checker on a plan; its verdict and recomputed figures."""
    if not CHECKER.is_file():  # else every plan would read "check False", quietly
        raise SystemExit(f"no reference checker at {CHECKER}: set MUTUALAID_SHARED to it")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        sc_path, plan_path = Path(tmp, "scenario.yaml"), Path(tmp, "plan.json")
        sc_path.write_text(yaml.safe_dump(world, allow_unicode=True, sort_keys=False), "utf-8")
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), "utf-8")
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, str(CHECKER), str(sc_path), str(plan_path), "--quiet"],
            capture_output=True,
            text=True,
            timeout=3600,
        )
    lines = done.stdout.strip().splitlines() or [done.stderr.strip()[-300:]]
    out: Result = {
        "ok": done.returncode == 0,
        "line": lines[-1],
        "violations": [x for x in lines if x.startswith("VIOLATION")][:5],
        "seconds": time.monotonic() - started,
    }
    if done.returncode == 0:
        out["served"] = {p: int(m) for p, m in re.findall(r"(\w+)=(\d+)/\d+", lines[-1])}
        travel = re.search(r"travel=(\d+)", lines[-1])
        out["travel"] = int(travel[1]) if travel else None
    return out


def run_cpsat(world: World, time_limit: float, workers: int) -> Result:
    import solver

    src = sources_digest()  # the files just imported, give or take an edit in between
    t0 = time.monotonic()
    data = world.generate()
    gen_s = time.monotonic() - t0
    t0 = time.monotonic()
    scenario = build_scenario(data)
    load_s = time.monotonic() - t0

    t0 = time.monotonic()
    floor = solver.greedy(scenario)
    greedy_s = time.monotonic() - t0

    first: list[float] = []
    history: list[tuple[float, dict[str, int]]] = []

    def progress(served: dict[str, int], totals: dict[str, int], elapsed: float) -> None:
        if not first:
            first.append(elapsed)
        history.append((elapsed, dict(served)))

    t0 = time.monotonic()
    options = solver.SolveOptions(time_limit=time_limit, workers=workers, seed=0)
    plan = solver.solve(scenario, options, progress=progress)
    final_s = time.monotonic() - t0
    out: Result = {
        "gen_s": gen_s,
        "load_s": load_s,
        "greedy_s": greedy_s,
        "greedy": floor.objective.served if floor.objective else None,
        "first_s": first[0] if first else greedy_s,
        "first_from": "progress" if first else "greedy",
        "final_s": final_s,
        "history": history,
        "status": plan.status,
        "error": plan.error,
        "src": src,
        "peak_mb": peak_mb(),
    }
    if plan.objective is not None:
        out.update(
            served=plan.objective.served,
            totals=plan.objective.tasks,
            bound=plan.bound,
            travel=plan.objective.travel_minutes,
            components=plan.extra.get("components"),
            stages=plan.extra.get("stages"),
        )
    out["check"] = check(data, plan_json.dump(plan, scenario))
    return out


def eligible(scenario: Scenario, travel: HaversineTravel) -> dict[str, list[str]]:
    """Task -> the volunteers who may serve it on their own, time aside: skill, range, vetting,
    gender preference, languages, declines and weekly hours (one-person tasks only)."""
    declined = scenario.declined_pairs()
    out: dict[str, list[str]] = {}
    for task in scenario.tasks.values():
        need = task.needs[0]
        if len(task.needs) != 1 or not isinstance(need, SkillNeed) or need.count != 1:
            raise ValueError(f"{task.id} is not a one-person task: the world is not routable")
        resident = scenario.residents[task.resident] if task.resident else None
        out[task.id] = [
            vol.id
            for vol in scenario.volunteers.values()
            if need.skill in vol.skills
            and not (task.vetted_only and not vol.vetted)
            and not (resident and resident.gender_preference not in (None, vol.gender))
            and not (task.languages and not task.languages & vol.languages)
            and (task.id, vol.id) not in declined
            and vol.max_service_minutes >= task.duration_minutes
            and travel.minutes(vol.mode, vol.home, task.location) <= vol.max_travel_minutes
        ]
    return out


def merged(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Closed ranges sorted, overlapping or touching ones as one: VROOM refuses overlapping
    time windows, and a task whose windows were all moved to one day has several alike."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def run_vroom(world: World, workers: int) -> Result:
    """The routing-compatible world through VROOM: one vehicle per volunteer and availability
    block (home to home inside the block), one job per task, eligibility as a per-task skill."""
    try:
        import vroom  # type: ignore[import-untyped]
    except ImportError:
        return {"skipped": "pyvroom is not installed (.venv/bin/pip install pyvroom)"}
    import numpy as np

    data = world.generate()
    scenario = build_scenario(data)
    travel = HaversineTravel(scenario.settings)
    t0 = time.monotonic()
    may = eligible(scenario, travel)
    tids = list(scenario.tasks)
    vols = list(scenario.volunteers.values())
    places = [v.home for v in vols] + [scenario.tasks[t].location for t in tids]
    index = {loc: i for i, loc in enumerate(dict.fromkeys(places))}
    locs = list(index)
    km = [[haversine_km(a, b) for b in locs] for a in locs]
    problem = vroom.Input()
    detour, speeds = scenario.settings.detour_factor, scenario.settings.speeds_kmh
    for mode in sorted({v.mode for v in vols}):
        # the contract's formula, term for term as mutualaid.travel computes it
        minutes = [
            [max(0, math.ceil(d * detour / speeds[mode] * 60 - 1e-9)) for d in row] for row in km
        ]
        problem.set_durations_matrix(mode, np.array(minutes, dtype=np.uint32))
    skills_of: dict[str, set[int]] = {v.id: set() for v in vols}
    for j, tid in enumerate(tids):
        for vid in may[tid]:
            skills_of[vid].add(j + 1)
    vehicles: dict[int, tuple[str, int]] = {}
    for vol in vols:
        if not skills_of[vol.id]:
            continue
        home = index[vol.home]
        for b, (bs, be) in enumerate(vol.blocks):
            vehicles[len(vehicles) + 1] = (vol.id, b)
            problem.add_vehicle(
                vroom.Vehicle(
                    len(vehicles),
                    start=home,
                    end=home,
                    profile=vol.mode,
                    skills=skills_of[vol.id],
                    time_window=vroom.TimeWindow(bs, be),
                )
            )
    for j, tid in enumerate(tids):
        task = scenario.tasks[tid]
        windows = merged(task.start_ranges)  # closed start ranges; VROOM windows bound the start
        problem.add_job(
            vroom.Job(
                j + 1,
                location=index[task.location],
                default_service=task.duration_minutes,
                skills={j + 1},
                priority=WEIGHTS[task.priority],
                time_windows=[vroom.TimeWindow(lo, hi) for lo, hi in windows],
            )
        )
    encode_s = time.monotonic() - t0
    t0 = time.monotonic()
    solution = problem.solve(exploration_level=5, nb_threads=workers)
    solve_s = time.monotonic() - t0
    mem = peak_mb()

    import solver  # only for the static reasons of unserved tasks, after the memory reading

    analyses = solver.analyse(scenario, travel)
    assignments = []
    served = dict.fromkeys(PRIORITIES, 0)
    done: set[str] = set()
    for route in solution.to_dict()["routes"]:
        vid, _ = vehicles[route["vehicle"]]
        for step in route["steps"]:
            if step["type"] != "job":
                continue
            tid = tids[step["id"] - 1]
            task = scenario.tasks[tid]
            start = step["arrival"] + step["waiting_time"] + step["setup"]
            done.add(tid)
            served[task.priority] += 1
            assignments.append(
                {
                    "task": tid,
                    "start": clock.iso(scenario, start),
                    "end": clock.iso(scenario, start + task.duration_minutes),
                    "volunteers": [{"id": vid, "role": 0, "team": None}],
                }
            )
    unserved = []
    for tid in tids:
        if tid not in done:
            reason = analyses[tid].reason or "capacity"
            unserved.append({"task": tid, "reason": reason, "detail": "left out by VROOM"})
    totals = dict.fromkeys(PRIORITIES, 0)
    for task in scenario.tasks.values():
        totals[task.priority] += 1
    plan = {
        "scenario": scenario.name,
        "status": "feasible",
        "solve_seconds": round(solve_s, 3),
        "objective": {"served": served, "tasks": totals},
        "bound": totals,  # VROOM proves no bound: the trivial one
        "assignments": assignments,
        "unserved": unserved,
    }
    return {
        "encode_s": encode_s,
        "final_s": solve_s,
        "vehicles": len(vehicles),
        "served": served,
        "totals": totals,
        "peak_mb": mem,
        "check": check(data, plan),
    }


# --- the table -------------------------------------------------------------------------------


def _first_ahead(
    history: list[tuple[float, dict[str, int]]], other: dict[str, int]
) -> tuple[float, dict[str, int]] | None:
    """When CP-SAT's best coverage first became lexicographically ahead of (or equal to)
    another engine's."""
    target = tuple(other[p] for p in PRIORITIES)
    for elapsed, served in history:
        if tuple(served[p] for p in PRIORITIES) >= target:
            return elapsed, served
    return None


def quad(counts: dict[str, int] | None) -> str:
    return "/".join(str(counts[p]) for p in PRIORITIES) if counts else "-"


def weighted(counts: dict[str, int]) -> int:
    return sum(WEIGHTS[p] * counts[p] for p in PRIORITIES)


def pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def verdict(check_result: Result | None) -> str:
    if not check_result:
        return "-"
    if check_result["ok"]:
        return "ok"
    n = re.search(r"(\d+) violations", check_result["line"])
    return f"FAIL ({n[1] if n else '?'} violations)"


def proved(r: Result) -> str:
    """'all' when every stage is proved optimal, 'coverage' when only the coverage is."""
    if r["status"] == "optimal":
        return "all"
    return "coverage" if r["bound"] == r["served"] else "no"


def spawn(name: str, engine: str, args: argparse.Namespace) -> Result:
    cmd = [sys.executable, __file__, "--worker", name, "--engine", engine]
    cmd += ["--time-limit", str(args.time_limit), "--workers", str(args.workers)]
    if args.quick:
        cmd.append("--quick")
    started = time.monotonic()
    print(f"  {name} / {engine} ...", file=sys.stderr, flush=True)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=10 * args.time_limit + 3600)
    results = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode != 0 or not results:
        return {"crash": (done.stderr.strip().splitlines() or ["?"])[-1]}
    out: Result = json.loads(results[-1][len("RESULT ") :])
    print(f"    done in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
    return out


def report(
    worlds: list[World], results: dict[str, dict[str, Result]], args: argparse.Namespace
) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(width=250, highlight=False, soft_wrap=True)
    main = Table(
        title="CP-SAT (solver.solve) against greedy (solver.greedy); coverage as "
        "urgent/high/normal/low",
        box=box.MARKDOWN,
    )
    for col in (
        "world", "tasks/vols/sds", "tasks u/h/n/l", "first plan s", "final s", "status",
        "proved", "served", "bound", "gap", "weighted gap", "greedy", "greedy s", "peak MB",
        "checker",
    ):  # fmt: skip
        main.add_column(col)
    for w in worlds:
        r = results[w.name].get("cpsat", {})
        size = f"{w.tasks}/{w.volunteers}/{w.subdistricts}"
        if "crash" in r or "served" not in r:
            main.add_row(
                w.name,
                size,
                *["-"] * 3,
                r.get("status", "crash"),
                str(r.get("crash") or r.get("error")),
            )
            continue
        gap = {p: r["bound"][p] - r["served"][p] for p in PRIORITIES}
        wb = weighted(r["bound"])
        main.add_row(
            w.name,
            size,
            quad(r["totals"]),
            f"{r['first_s']:.2f}" + (" (greedy)" if r["first_from"] == "greedy" else ""),
            f"{r['final_s']:.1f}",
            r["status"],
            proved(r),
            quad(r["served"]),
            quad(r["bound"]),
            quad(gap),
            pct(wb - weighted(r["served"]), wb),
            quad(r["greedy"]),
            f"{r['greedy_s']:.2f}",
            f"{r['peak_mb']:.0f}",
            verdict(r.get("check")),
        )
    console.print(main)
    versions = {results[w.name].get("cpsat", {}).get("src") for w in worlds} - {None}
    if len(versions) > 1:
        per_world = ", ".join(f"{w.name} {results[w.name]['cpsat'].get('src')}" for w in worlds)
        console.print(f"WARNING: the sources changed during the run: {per_world}")
    console.print(
        "proved: all = every stage optimal; coverage = served equals the bound. "
        "first plan s: the first progress callback of solver.solve (elapsed since the call, "
        "analysis and greedy included). gap: bound - served per priority. weighted gap: "
        f"1 - sum(w*served)/sum(w*bound) with w = {WEIGHTS}. peak MB: max RSS of the world's "
        "own process (Python, OR-Tools and the model)."
    )
    for w in worlds:
        r = results[w.name].get("cpsat", {})
        if r.get("check") and not r["check"]["ok"]:
            console.print(f"[{w.name}] checker: {r['check']['line']}")
            for v in r["check"]["violations"]:
                console.print(f"    {v}")
    routed = [w for w in worlds if w.routing]
    for w in routed:
        r, v = results[w.name].get("cpsat", {}), results[w.name].get("vroom", {})
        console.print()
        if "skipped" in v or "crash" in v:
            console.print(f"VROOM skipped on '{w.name}': {v.get('skipped') or v.get('crash')}")
            continue
        side = Table(
            title=f"Routing-compatible world '{w.name}' ({w.tasks} tasks, "
            f"{w.volunteers} volunteers): CP-SAT against VROOM",
            box=box.MARKDOWN,
        )
        for col in ("engine", "seconds", "served u/h/n/l", "of tasks", "weighted coverage",
                    "travel min", "peak MB", "checker"):  # fmt: skip
            side.add_column(col)
        totals = r.get("totals") or v["totals"]
        if "served" in r:
            side.add_row(
                "CP-SAT solve", f"{r['final_s']:.1f}", quad(r["served"]), quad(totals),
                pct(weighted(r["served"]), weighted(totals)), str(r["check"].get("travel", "-")),
                f"{r['peak_mb']:.0f}", verdict(r["check"]),
            )  # fmt: skip
            ahead = _first_ahead(r.get("history", []), v["check"].get("served") or v["served"])
            if ahead is not None:
                side.add_row(
                    "CP-SAT, first plan ahead of VROOM", f"{ahead[0]:.1f}", quad(ahead[1]),
                    quad(totals), pct(weighted(ahead[1]), weighted(totals)), "-", "-", "-",
                )  # fmt: skip
            side.add_row(
                "greedy", f"{r['greedy_s']:.2f}", quad(r["greedy"]), quad(totals),
                pct(weighted(r["greedy"]), weighted(totals)), "-", "-", "-",
            )  # fmt: skip
        side.add_row(
            f"VROOM (level 5, {v['vehicles']} vehicles)", f"{v['final_s']:.1f}",
            quad(v["check"].get("served") or v["served"]), quad(totals),
            pct(weighted(v["served"]), weighted(totals)), str(v["check"].get("travel", "-")),
            f"{v['peak_mb']:.0f}", verdict(v["check"]),
        )  # fmt: skip
        console.print(side)
        console.print(
            "VROOM: one vehicle per volunteer per availability block (home to home, the block as "
            "its time window), one job per task with its start ranges as time windows, and a "
            "per-task skill held by the vehicles of its eligible volunteers (skill, range, vetted, "
            "gender, language, declined). Priorities "
            f"{WEIGHTS} make VROOM maximise a weighted sum, which is NOT lexicographic (4 normal "
            "outweigh 1 high), so it may trade an urgent or high task for several lower ones. "
            "Its seconds exclude encoding; unserved reasons in its plan come from the project's "
            "static analysis, 'capacity' otherwise."
        )
        if not v["check"]["ok"]:
            console.print(f"VROOM plan checker: {v['check']['line']}")
            for x in v["check"]["violations"]:
                console.print(f"    {x}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver seconds per world")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers (and VROOM threads)")
    parser.add_argument("--only", choices=sorted(WORLDS), help="run one world")
    parser.add_argument("--quick", action="store_true", help="smaller worlds, for a smoke run")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=("cpsat", "vroom"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    table = QUICK if args.quick else WORLDS

    if args.worker:
        world = table[args.worker]
        if args.engine == "vroom":
            result = run_vroom(world, args.workers)
        else:
            result = run_cpsat(world, args.time_limit, args.workers)
        print("RESULT " + json.dumps(result, ensure_ascii=False))
        return 0

    python = sys.executable
    if python.startswith(os.getcwd() + os.sep):
        python = os.path.relpath(python)
    command = [python, "bench/engine.py", "--time-limit", f"{args.time_limit:g}"]
    command += ["--workers", str(args.workers)]
    command += ["--quick"] if args.quick else []
    command += ["--only", args.only] if args.only else []
    print(f"$ cd {ROOT} && {shlex.join(command)}")
    print(_environment(args))
    worlds = [w for w in table.values() if args.only in (None, w.name)]
    results: dict[str, dict[str, Result]] = {}
    for w in worlds:
        results[w.name] = {"cpsat": spawn(w.name, "cpsat", args)}
        if w.routing:
            results[w.name]["vroom"] = spawn(w.name, "vroom", args)
    report(worlds, results, args)
    return 0


def _environment(args: argparse.Namespace) -> str:
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    return (
        f"sources (solver/, mutualaid/) sha256 {sources_digest()}; "
        f"python {platform.python_version()}, ortools {ver('ortools')}, pyvroom {ver('pyvroom')}, "
        f"{os.cpu_count()} CPUs ({platform.machine()}), "
        f"time limit {args.time_limit:g} s per world, {args.workers} workers, seeds fixed per world"
    )


if __name__ == "__main__":
    sys.exit(main())
