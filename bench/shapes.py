"""The planner on weeks of shapes nobody generated (`bench/shape_weeks.py`, written from the
contract, not through `worldgen`): each week solved by `mutualaid solve` in a process of its own
under `/usr/bin/time -v`, its plan held to ../shared/tools/checkplan.py, the exit code (0, or a
clear error with no traceback), wall time against the limit, peak memory, coverage against the
plan's greedy floor, the coverage stages' status and, on tiny weeks, the optimum of
`tests/brute_force.py`. Prints one line per week and a summary; a failing week prints the
command that reproduces it. Not a test.

    nice -n 5 .venv/bin/python bench/shapes.py --sizes tiny small --seeds 3 --time-limit 5
    nice -n 5 .venv/bin/python bench/shapes.py --shapes crews+one-day --sizes subdistrict
    .venv/bin/python bench/shapes.py --write 9001 crews tiny > week.yaml    # one week's YAML
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for path in (HERE, ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import yaml  # noqa: E402
from command import said_command  # noqa: E402
from engine import CHECKER  # noqa: E402
from shape_weeks import MODIFIERS, SIZES, week  # noqa: E402

PRIORITIES = ("urgent", "high", "normal", "low")
SOLVE = ROOT / ".venv" / "bin" / "mutualaid"


def key(served: dict[str, int]) -> tuple[int, ...]:
    return tuple(served.get(p, 0) for p in PRIORITIES)


def brute_optimum(path: Path) -> tuple[int, ...] | None:
    """The tiny week's coverage optimum by the tests' brute force; None when it cannot say
    (pins, too many tasks, travel off the triangle inequality)."""
    from mutualaid.contract.scenario import load_scenario
    from tests.brute_force import BruteForce

    sc = load_scenario(path)
    if sc.pinned or len(sc.tasks) > 8 or len(sc.volunteers) > 4:
        return None
    bf = BruteForce(sc)
    if not bf.assumptions_hold():
        return None
    best = bf.solve()
    return key(best.served)


def run_one(path: Path, limit: float, out: Path) -> dict[str, Any]:
    """Solve `path` in a process of its own; the figures the bench holds it to."""
    cmd = [
        "/usr/bin/time",
        "-v",
        str(SOLVE),
        "solve",
        str(path),
        "--out",
        str(out),
        "--time-limit",
        str(limit),
    ]
    t0 = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 20 + 120)
    wall = time.monotonic() - t0
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    stderr = done.stderr.split("\tCommand being timed")[0]
    got: dict[str, Any] = {
        "rc": done.returncode,
        "wall": wall,
        "rss_mb": int(rss.group(1)) / 1024 if rss else None,
        "traceback": "Traceback" in stderr or "Traceback" in done.stdout,
        "stderr": stderr.strip()[-400:],
    }
    if done.returncode != 0 or not out.exists():
        return got
    plan = json.loads(out.read_text())
    got["status"] = plan.get("status")
    got["served"] = key((plan.get("objective") or {}).get("served", {}))
    got["bound"] = key(plan.get("bound") or {})
    got["tasks"] = key((plan.get("objective") or {}).get("tasks", {}))
    got["greedy"] = key((plan.get("greedy") or {}).get("served", {}))
    stages = plan.get("stages") or {}
    got["coverage_optimal"] = bool((stages.get("coverage") or {}).get("optimal"))
    check = subprocess.run(
        [sys.executable, str(CHECKER), str(path), str(out), "--quiet"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    got["check_rc"] = check.returncode
    got["check"] = check.stdout.strip().splitlines()[:4]
    return got


def failures(got: dict[str, Any], limit: float, optimum: tuple[int, ...] | None) -> list[str]:
    """What is wrong with one week's run (empty when nothing is)."""
    bad = []
    if got["traceback"]:
        bad.append("traceback")
    if got["rc"] not in (0, 2) or (got["rc"] == 2 and not got["stderr"]):
        bad.append(f"exit {got['rc']}")
    if got["wall"] > 2 * limit + 10:
        bad.append(f"wall {got['wall']:.0f}s for a {limit:g}s limit")
    if got["rc"] != 0:
        return bad
    if got.get("status") == "error":
        return bad  # a clear error (a pin that breaks a rule): said in the plan
    if got.get("check_rc"):
        bad.append("checker: " + " | ".join(got["check"]))
    if got.get("served", ()) < got.get("greedy", ()):
        bad.append(f"below greedy {got['served']} < {got['greedy']}")
    if optimum is not None and got["served"] != optimum:
        bad.append(f"not the optimum {got['served']} != brute force {optimum}")
    if optimum is not None and got["bound"] < optimum:
        bad.append(f"bound {got['bound']} below the optimum {optimum}")
    return bad


def gap(got: dict[str, Any]) -> float:
    w = (100, 30, 8, 1)
    b = sum(x * y for x, y in zip(w, got.get("bound", ()), strict=False))
    s = sum(x * y for x, y in zip(w, got.get("served", ()), strict=False))
    return 0.0 if not b else 1 - s / b


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shapes", nargs="+", default=["plain", *MODIFIERS, "mixed", "all"])
    ap.add_argument("--sizes", nargs="+", default=["tiny", "small"], choices=sorted(SIZES))
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--first-seed", type=int, default=9001)
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--keep", type=Path, default=None, help="folder to keep every week and plan in")
    ap.add_argument(
        "--write", nargs=3, metavar=("SEED", "SHAPE", "SIZE"), help="print one week's YAML"
    )
    args = ap.parse_args()
    if args.write:
        seed, shape, size = args.write
        yaml.safe_dump(
            week(int(seed), shape, size), sys.stdout, allow_unicode=True, sort_keys=False
        )
        return
    print(said_command("bench/shapes.py"))
    folder = args.keep or Path(tempfile.mkdtemp(prefix="shapes-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows, bad_rows = [], []
    for size in args.sizes:
        for shape in args.shapes:
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                name = f"{size}-{shape}-{seed}"
                path, out = folder / f"{name}.yaml", folder / f"{name}.plan.json"
                path.write_text(
                    yaml.safe_dump(week(seed, shape, size), allow_unicode=True, sort_keys=False)
                )
                out.unlink(missing_ok=True)
                got = run_one(path, args.time_limit, out)
                optimum = None
                if (
                    size in ("tiny", "tiny8", "single")
                    and got["rc"] == 0
                    and got.get("status") != "error"
                ):
                    optimum = brute_optimum(path)
                bad = failures(got, args.time_limit, optimum)
                rows.append((size, shape, seed, got, bad))
                line = (
                    f"{name:44} rc={got['rc']} {got.get('status', '-'):8} wall/limit="
                    f"{got['wall'] / args.time_limit:5.2f} rss={got['rss_mb'] or 0:6.0f}MB "
                    f"served={got.get('served')} bound={got.get('bound')} "
                    f"cov_opt={got.get('coverage_optimal')} gap={gap(got):.2%}"
                    + (f" brute={optimum}" if optimum is not None else "")
                )
                print(line + (f"  FAIL: {'; '.join(bad)}" if bad else ""), flush=True)
                if bad:
                    bad_rows.append(name)
                    print(
                        "    reproduce: .venv/bin/python bench/shapes.py"
                        f" --write {seed} {shape} {size}"
                        f" > w.yaml && .venv/bin/mutualaid solve w.yaml --out p.json"
                        f" --time-limit {args.time_limit:g}",
                        flush=True,
                    )
                    if got["rc"] != 0 or got["traceback"]:
                        print("    " + got["stderr"].replace("\n", "\n    ")[-400:], flush=True)
    ratios = [g["wall"] / args.time_limit for *_, g, _ in rows]
    solved = [g for *_, g, _ in rows if g["rc"] == 0 and g.get("status") != "error"]
    print(
        f"\n{len(rows)} weeks, {len(bad_rows)} failing; wall/limit median "
        f"{statistics.median(ratios):.2f}, worst {max(ratios):.2f}; "
        f"coverage proved on {sum(g['coverage_optimal'] for g in solved)} of {len(solved)} plans; "
        f"peak RSS worst {max((g['rss_mb'] or 0) for *_, g, _ in rows):.0f} MB; weeks in {folder}"
    )
    for name in bad_rows:
        print("  failing:", name)


if __name__ == "__main__":
    main()
