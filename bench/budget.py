"""Budget benchmark: how long a coordinator waits for a district's week (2,000 tasks, 800
volunteers, 10 subdistricts) against what they asked for, claim to finished plan through the
service's use case, alone and beside another heavy job; and `mutualaid check` of that week
with the pure-Python YAML loader (before) and libyaml (after). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from api.app import open_infrastructure
from api.settings import DatabaseSettings, Settings
from mutualaid.services import access, plans, weeks
from mutualaid.services.jobs import RunOptions, run_next_plan
from solver.service import PlannerSettings, SolverPlanner
from worldgen import generate_world

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WEEK = "2026-11-30"
AREA = "district"
PURE_CHECK = (
    "import sys, yaml, mutualaid.contract.yaml_text as s; s._FAST_LOADER = yaml.SafeLoader; "
    "from mutualaid.cli import app; sys.argv = ['mutualaid', 'check', sys.argv[1]]; app()"
)


def check_seconds(path: Path, pure: bool) -> float:
    """Seconds `mutualaid check` takes on the file (its own process)."""
    cmd = (
        [sys.executable, "-c", PURE_CHECK, str(path)]
        if pure
        else [str(BIN / "mutualaid"), "check", str(path)]
    )
    t0 = time.monotonic()
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    return time.monotonic() - t0


def claim_to_finish(
    settings: Settings, limit: float, deterministic: bool = False
) -> tuple[float, str, dict[str, object]]:
    """Seconds from the claim of a queued solve to its finished plan (the in-process runner's
    use case, a wall-clock budget of `limit` unless `deterministic`), its status and its
    progress."""
    solver_settings = PlannerSettings(
        time_limit_seconds=limit, workers=1, deterministic=deterministic
    )
    with open_infrastructure(settings) as opened:
        queued = plans.request_plan(opened.uow(), None, access.CLI, AREA, WEEK)
        options = RunOptions(worker="bench", lease_seconds=60, heartbeat_seconds=1.0)
        t0 = time.monotonic()
        done = run_next_plan(opened.uow, SolverPlanner(solver_settings), options)
        took = time.monotonic() - t0
    assert done is not None and done.id == queued.id
    return took, done.status, dict(done.progress)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=10.0, help="time_limit_seconds")
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the deterministic-time solve (~1 min)"
    )
    args = parser.parse_args()
    world = generate_world(2000, 800, 10, args.seed)
    target = args.limit * 1.2 + 5
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "week.yaml"
        path.write_text(yaml.safe_dump(world, allow_unicode=True, sort_keys=False), "utf-8")
        before, after = check_seconds(path, pure=True), check_seconds(path, pure=False)
        print(f"mutualaid check, 2,000 tasks: pure-Python YAML {before:.1f} s, "
              f"libyaml {after:.1f} s (x{before / after:.1f} faster)")  # fmt: skip

        settings = Settings(database=DatabaseSettings(url=f"sqlite:///{tmp}/bench.db"))
        with open_infrastructure(settings) as opened:
            weeks.import_scenario(opened.uow(), access.CLI, AREA, WEEK, world)
        if not args.no_baseline:  # what the service did before: deterministic time, one worker
            base, status, _ = claim_to_finish(settings, args.limit, deterministic=True)
            print(f"claim to plan, alone, deterministic-time budget (before): {base:.1f} s "
                  f"({status}); ratio {base / target:.2f}")  # fmt: skip
        alone, status, _ = claim_to_finish(settings, args.limit)
        print(f"claim to plan, alone: {alone:.1f} s ({status}); "
              f"limit x1.2+5 = {target:.1f} s; ratio {alone / target:.2f}")  # fmt: skip
        # another heavy job beside it: a 2-worker CP-SAT solve of the same week on the CLI
        heavy = subprocess.Popen(
            [str(BIN / "mutualaid"), "solve", str(path), "--time-limit", str(4 * args.limit),
             "--workers", "2", "--out", str(Path(tmp) / "other.json")],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(3.0)  # let it load and start searching
            busy, status, _ = claim_to_finish(dataclasses.replace(settings), args.limit)
        finally:
            heavy.kill()
            heavy.wait()
        print(f"claim to plan, beside a 2-worker solve: {busy:.1f} s ({status}); "
              f"ratio {busy / target:.2f}")  # fmt: skip
    print(f"reproduce: .venv/bin/python bench/budget.py --seed {args.seed} --limit {args.limit}")


if __name__ == "__main__":
    main()
