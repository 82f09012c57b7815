"""Is the time limit kept? Each generated week (bench/unseen.py's sizes and shapes) is solved by
the command a coordinator types, `mutualaid solve WEEK --time-limit L` (its default workers, so
the limit is one wall-clock deadline), in a process of its own; the ratio is the wall clock of
that whole command (start-up, reading the week, the solve, the safety-net validation, writing
the plan) divided by L. Per size and limit: median and worst ratio; per week, where the time
went (the plan's `phases`: analysis, greedy, building, search, bounds, rerouting; `reading` is
the command's wall clock less the solve's). Every plan goes through the reference checker and
is held against greedy's floor. Prints figures; not a test.

    nice -n 10 .venv/bin/python bench/overrun.py --seeds 3 --limits 20 30 --json overrun.json
    .venv/bin/python bench/overrun.py --sizes district --seeds 1 --limits 60 --before /tmp/main

With `--before DIR` (a checkout of the code before, e.g. `git archive main | tar -x -C DIR`)
each week is solved by that code too, in turn with this one (before, then after), so both
see the same load. Seeds start at 7001 (never tuned on), one shape per seed as in unseen.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import yaml  # noqa: E402
from engine import CHECKER  # noqa: E402
from unseen import FIRST_SEED, SIZES, Week  # noqa: E402

from mutualaid.domain.model import PRIORITIES  # noqa: E402

DRIVER = """
import inspect, json, os, solver
from mutualaid.cli import main
phases = {}
plain = solver.solve
def solve(*args, **kwargs):
    if "phases" in inspect.signature(plain).parameters:  # (the code before may not count)
        kwargs["phases"] = phases
    return plain(*args, **kwargs)
solver.solve = solve
try:
    main()
finally:
    with open(os.environ["OVERRUN_PHASES"], "w") as out:
        json.dump(phases, out)
"""
"""`mutualaid solve` as its console script runs it, with solver.solve asked where its time went
(`phases`), written where OVERRUN_PHASES says."""


def solve_once(world: Path, limit: float, code: Path | None, out: Path) -> dict[str, Any]:
    """One `mutualaid solve` in a process of its own (the code in `code` when given), timed
    from the outside; its plan checked by the reference checker."""
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code)
    phases = out.with_suffix(".phases.json")
    phases.unlink(missing_ok=True)
    env["OVERRUN_PHASES"] = str(phases)
    command = [sys.executable, "-c", DRIVER, "solve",
               str(world), "--time-limit", f"{limit:g}", "--out", str(out)]  # fmt: skip
    t0 = time.monotonic()
    # run from the code's own folder: `python -c` puts the working directory first on sys.path
    cwd = code if code is not None else HERE.parent
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=3600)
    wall = time.monotonic() - t0
    row: dict[str, Any] = {"wall_s": wall, "ratio": wall / limit, "load": os.getloadavg()[0]}
    if done.returncode != 0 or not out.exists():
        row["error"] = (done.stderr or done.stdout).strip()[-300:]
        return row
    plan = json.loads(out.read_text("utf-8"))
    checked = subprocess.run(
        [sys.executable, str(CHECKER), str(world), str(out), "--quiet"],
        capture_output=True, text=True, timeout=3600,
    )  # fmt: skip
    row["check"] = checked.returncode == 0
    served = plan["objective"]["served"]
    greedy = plan.get("greedy", {}).get("served", {})
    row["served"] = served
    key = [served[p] for p in PRIORITIES]  # lexicographic, as the contract orders plans
    row["floor_kept"] = key >= [greedy.get(p, 0) for p in PRIORITIES] if greedy else None
    row["status"] = plan.get("status")
    solve_s = float(plan.get("solve_seconds", 0.0))
    spent: dict[str, float] = json.loads(phases.read_text("utf-8")) if phases.exists() else {}
    spent["reading"] = wall - solve_s  # start-up, reading, validating and writing
    row["solve_s"] = solve_s
    row["phases"] = spent
    return row


def quad(counts: dict[str, int] | None) -> str:
    return "/".join(str(counts[p]) for p in PRIORITIES) if counts else "-"


def excess(row: dict[str, Any]) -> str:
    """Where the time went, largest first (phases over 0.5 s)."""
    phases = row.get("phases", {})
    big = sorted(((s, n) for n, s in phases.items() if s >= 0.5), reverse=True)
    return ", ".join(f"{n} {s:.1f}" for s, n in big) or "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seeds", type=int, default=3, help="Seeds per size (default 3).")
    parser.add_argument("--first-seed", type=int, default=FIRST_SEED)
    parser.add_argument("--limits", nargs="+", type=float, default=[20.0, 30.0, 60.0])
    parser.add_argument("--before", type=Path, help="The code before, solved in turn with this.")
    parser.add_argument("--json", type=Path, help="Write every row here too.")
    args = parser.parse_args()
    print("#", shlex.join([Path(sys.executable).name, *sys.argv]), flush=True)
    sides: list[tuple[str, Path | None]] = [("after", None)]
    if args.before is not None:
        sides.insert(0, ("before", args.before.resolve()))
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="overrun-") as tmp:
        for size in args.sizes:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                week = Week.of(size, seed)
                world = Path(tmp, f"{size}-{seed}.yaml")
                world.write_text(yaml.safe_dump(week.generate(), allow_unicode=True), "utf-8")
                for limit in args.limits:
                    for side, code in sides:
                        row = solve_once(world, limit, code, Path(tmp, "plan.json"))
                        row.update(week=week.label, size=size, limit=limit, side=side)
                        rows.append(row)
                        print(
                            f"{week.label:28} {side:6} limit {limit:>4g}  wall {row['wall_s']:6.1f}"
                            f"  ratio {row['ratio']:.2f}  load {row['load']:.1f}  "
                            f"served {quad(row.get('served'))}  check {row.get('check')}  "
                            f"floor {row.get('floor_kept')}  [{excess(row)}]"
                            + (f"  ERROR {row['error']}" if "error" in row else ""),
                            flush=True,
                        )
                        if args.json:
                            args.json.write_text(json.dumps(rows, indent=1), "utf-8")
    print()
    print("| size | limit | side | weeks | ratio median | ratio worst (week) | load | checked |")
    print("|---|---|---|---|---|---|---|---|")
    for size in args.sizes:
        for limit in args.limits:
            for side, _ in sides:
                mine = [
                    r for r in rows if (r["size"], r["limit"], r["side"]) == (size, limit, side)
                ]
                if not mine:
                    continue
                worst = max(mine, key=lambda r: r["ratio"])
                loads = [r["load"] for r in mine]
                print(
                    f"| {size} | {limit:g} | {side} | {len(mine)} "
                    f"| {statistics.median(r['ratio'] for r in mine):.2f} "
                    f"| {worst['ratio']:.2f} ({worst['week']}) "
                    f"| {min(loads):.1f}-{max(loads):.1f} "
                    f"| {sum(bool(r.get('check')) for r in mine)}/{len(mine)} |"
                )


if __name__ == "__main__":
    main()
