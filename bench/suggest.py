"""Benchmark of suggestions for unserved tasks: on ../shared/worlds/subdistrict-a.yaml and
generated 200-task weeks (200/80/1), the time to build every unserved task's candidates
(`solver.suggest_kinds.suggest`, with the insertion argument), and the time of the contract's
check of a sample of them (`solver.suggest_verify.keeps_promise`: the first stages of a
one-worker solve of the patched week each, since every patch pins its task). With `--whole N`,
the first N checked of each week are also checked by the whole one-worker solve (what the
check did before; alternating which of the two runs first), both timed, and the whole solve's
answer held to the check's: a kept suggestion must be kept by the whole solve too, with
coverage at least the check's. Prints figures; not a test.

    .venv/bin/python bench/suggest.py                   # subdistrict-a + seeds 101..105
    .venv/bin/python bench/suggest.py --seeds 7 --check 0   # construction only
    .venv/bin/python bench/suggest.py --time-limit 3        # a quicker plan to suggest for
    .venv/bin/python bench/suggest.py --seeds 7001 7002 --check 6 --whole 2   # old check too
    .venv/bin/python bench/suggest.py --no-shared --seeds 7001 --all 2   # a whole week's
    git archive main | (mkdir -p /tmp/main-code && tar -x -C /tmp/main-code)
    .venv/bin/python bench/suggest.py --baseline /tmp/main-code   # before and after, one run

With `--baseline DIR` (a copy of other code, e.g. main's) each week's candidates are also built
by that code, in a process of its own just before this code builds them for the same plan in a
process of its own too (this one's heap, the solve's, would slow its collector): both times side
by side (wall clock, and CPU, which the machine's load stretches less), and whether
the candidates are the same.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = Path(sys.argv[sys.argv.index("--code") + 1]) if "--code" in sys.argv else ROOT
"""The code measured: this checkout's, or (`--code DIR`, the baseline's process) another's."""
sys.path.insert(0, str(CODE))

import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
from typing import Any  # noqa: E402

import solver  # noqa: E402
from mutualaid.contract import plan_json  # noqa: E402
from mutualaid.contract.scenario import build_scenario, read_scenario_text  # noqa: E402
from mutualaid.json_patch import apply_patch  # noqa: E402
from solver.suggest_kinds import suggest  # noqa: E402
from solver.suggest_verify import keeps_promise, with_suggestions  # noqa: E402
from worldgen import generate_world  # noqa: E402

SHARED_WORLD = ROOT.parent / "shared" / "worlds" / "subdistrict-a.yaml"
TARGET_S = 2.0
"""The issue's target: suggestions for a subdistrict week within this many seconds."""


def build(scenario: Any, doc: Any, plan: Any, rounds: int) -> tuple[Any, float, float, str]:
    """The candidates, the least wall and CPU seconds of `rounds` builds, and a digest of
    them (kind, patch and insertion of each, in order)."""
    wall, cpu = [], []
    for _ in range(rounds):
        t0, c0 = time.monotonic(), time.process_time()
        found = suggest(scenario, doc, plan)
        wall.append(time.monotonic() - t0)
        cpu.append(time.process_time() - c0)
    shown = {t: [[c.kind, c.patch, c.insertion] for c in cs] for t, cs in found.items()}
    text = json.dumps(shown, sort_keys=True, default=str)
    return found, min(wall), min(cpu), hashlib.sha256(text.encode()).hexdigest()


def baseline(code: Path, doc: Any, plan: Any, scenario: Any, rounds: int) -> Any:
    """The candidates built by the code in `code`, in a process of its own."""
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp) / "week.json"
        given = {"doc": doc, "plan": plan_json.dump(plan, scenario), "rounds": rounds}
        where.write_text(json.dumps(given, default=str))
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--code", str(code), "--build",
             str(where)], capture_output=True, text=True, check=True,
        )  # fmt: skip
    return json.loads(done.stdout.splitlines()[-1])


def build_from_file(path: Path) -> None:
    """The baseline's side (`--build FILE`): the candidates built, as one line of JSON."""
    given = json.loads(path.read_text(encoding="utf-8"))
    scenario = build_scenario(given["doc"])
    plan = plan_json.load(given["plan"], scenario)
    _, wall, cpu, digest = build(scenario, given["doc"], plan, given["rounds"])
    print(json.dumps({"wall": wall, "cpu": cpu, "digest": digest}))


def whole_check(doc: Any, cand: Any, before: tuple[int, ...], seed: int) -> tuple[bool, Any]:
    """The check as it was: the whole one-worker solve of the patched week (no rerouting,
    which never changes what is served); (promise kept, coverage)."""
    patched = build_scenario(apply_patch(doc, cand.patch))
    plan = solver.solve(patched, solver.SolveOptions(workers=1, seed=seed, reroute=False))
    if plan.objective is None:
        return False, None
    key = plan.objective.coverage_key()
    return any(a.task == cand.task for a in plan.assignments) and key >= before, key


def first_stages(doc: Any, cand: Any, seed: int) -> Any:
    """The coverage of the check's solve (`coverage_only`), to hold the whole solve's to."""
    patched = build_scenario(apply_patch(doc, cand.patch))
    plan = solver.solve(patched, solver.SolveOptions(workers=1, seed=seed, coverage_only=True))
    return None if plan.objective is None else plan.objective.coverage_key()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="*", default=[101, 102, 103, 104, 105])
    ap.add_argument("--check", type=int, default=2, help="candidates checked per world")
    ap.add_argument("--no-shared", action="store_true", help="skip subdistrict-a")
    ap.add_argument("--scenario", type=Path, nargs="*", default=[],
                    help="scenario files to add, e.g. scenarios/08-*.yaml")  # fmt: skip
    ap.add_argument("--time-limit", type=float, default=None,
                    help="budget of the plan suggested for (default: the week's)")  # fmt: skip
    ap.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="a copy of other code (e.g. main's) to build the same candidates too",
    )
    ap.add_argument("--rounds", type=int, default=3, help="builds per week, the least kept")
    ap.add_argument(
        "--all",
        type=int,
        default=0,
        metavar="PROCESSES",
        help="also time with_suggestions for the whole week in so many processes",
    )
    ap.add_argument("--whole", type=int, default=0,
                    help="checks per week also made by the whole solve, as before")  # fmt: skip
    ap.add_argument("--code", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--build", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build is not None:
        build_from_file(args.build)
        return
    print("$", " ".join([".venv/bin/python", *sys.argv]))
    worlds = []
    if not args.no_shared and SHARED_WORLD.exists():
        scenario, doc = read_scenario_text(SHARED_WORLD.read_text(encoding="utf-8"))
        worlds.append(("subdistrict-a", scenario, doc))
    for path in args.scenario:
        scenario, doc = read_scenario_text(path.read_text(encoding="utf-8"), str(path))
        worlds.append((path.stem, scenario, doc))
    for seed in args.seeds:
        doc = generate_world(200, 80, 1, seed)
        worlds.append((f"generated-{seed}", build_scenario(doc), doc))
    build_times, cpu_times, check_times, whole_times = [], [], [], []
    disagree = 0
    was_times: list[float] = []
    was_cpu: list[float] = []
    for name, scenario, doc in worlds:
        t0 = time.monotonic()
        plan = solver.solve(scenario, solver.SolveOptions(time_limit=args.time_limit, workers=1))
        solve_s = time.monotonic() - t0
        assert plan.objective is not None, plan.error
        was = baseline(args.baseline, doc, plan, scenario, args.rounds) if args.baseline else None
        found, build_s, cpu_s, digest = build(scenario, doc, plan, args.rounds)
        if was is not None:  # both in fresh processes: this one's heap (the solve's) slows GC
            now = baseline(CODE, doc, plan, scenario, args.rounds)
            build_s, cpu_s, digest = now["wall"], now["cpu"], now["digest"]
        build_times.append(build_s)
        cpu_times.append(cpu_s)
        kinds = Counter(c.kind for cs in found.values() for c in cs)
        bare = sum(1 for cs in found.values() if not cs)
        print(f"{name}: solve {solve_s:.1f} s, {len(plan.unserved)} unserved, candidates "
              f"built in {build_s:.3f} s (CPU {cpu_s:.3f} s, load {os.getloadavg()[0]:.1f}): "
              f"{dict(kinds)}; {bare} tasks without one")  # fmt: skip
        if was is not None:
            was_times.append(was["wall"])
            was_cpu.append(was["cpu"])
            print(f"  baseline: built in {was['wall']:.3f} s (CPU {was['cpu']:.3f} s); the "
                  f"same candidates: {'yes' if was['digest'] == digest else 'NO'}")  # fmt: skip
        sample = [(t, c) for t, cs in found.items() for c in cs[:1]][: args.check]
        before = plan.objective.coverage_key()
        seed = scenario.settings.seed
        if args.all:
            t0 = time.monotonic()
            shown = with_suggestions(scenario, doc, plan, seed, processes=args.all)
            shown_n = sum(bool(u.suggestions) for u in shown.unserved)
            print(f"  every unserved task's suggestions in {time.monotonic() - t0:.1f} s "
                  f"({args.all} processes, load {os.getloadavg()[0]:.1f}): {shown_n} of "
                  f"{len(shown.unserved)} tasks have one", flush=True)  # fmt: skip
        for n, (tid, cand) in enumerate(sample):
            whole = n < args.whole
            if whole and n % 2:  # alternate which runs first: the load drifts
                w0 = time.monotonic()
                whole_ok, whole_key = whole_check(doc, cand, before, seed)
                whole_s = time.monotonic() - w0
            t0 = time.monotonic()
            ok = keeps_promise(doc, cand.patch, tid, before, seed)
            spent = time.monotonic() - t0
            check_times.append(spent)
            line = f"  check {tid} {cand.kind}: {'kept' if ok else 'NOT kept'} in {spent:.1f} s"
            if whole:
                if not n % 2:
                    w0 = time.monotonic()
                    whole_ok, whole_key = whole_check(doc, cand, before, seed)
                    whole_s = time.monotonic() - w0
                whole_times.append(whole_s)
                first = first_stages(doc, cand, seed)
                held = whole_key is not None and first is not None and whole_key >= first
                if (ok and not whole_ok) or not held:
                    disagree += 1
                line += (f"; whole solve: {'kept' if whole_ok else 'NOT kept'} in {whole_s:.1f} s,"
                         f" coverage {whole_key} (first stages {first})")  # fmt: skip
            print(line, f"load {os.getloadavg()[0]:.1f}", flush=True)
    median, worst = statistics.median(build_times), max(build_times)
    print(f"construction: median {median:.3f} s, worst {worst:.3f} s over "
          f"{len(build_times)} weeks (target {TARGET_S} s); CPU median "
          f"{statistics.median(cpu_times):.3f} s, worst {max(cpu_times):.3f} s")  # fmt: skip
    if was_times:
        print(f"baseline construction: median {statistics.median(was_times):.3f} s, worst "
              f"{max(was_times):.3f} s; CPU median {statistics.median(was_cpu):.3f} s, worst "
              f"{max(was_cpu):.3f} s")  # fmt: skip
    if check_times:
        print(f"one-worker check: median {statistics.median(check_times):.1f} s, worst "
              f"{max(check_times):.1f} s per suggestion ({len(check_times)} checked)")  # fmt: skip
    if whole_times:
        print(f"whole one-worker solve (the check before): median "
              f"{statistics.median(whole_times):.1f} s, worst {max(whole_times):.1f} s "
              f"({len(whole_times)} solved); kept by the check but not by the whole solve, or "
              f"whole coverage below the checked: {disagree}")  # fmt: skip


if __name__ == "__main__":
    main()
