"""Record the plans every scenario gives with one worker, to hold the house's moves to them.

    .venv/bin/python -m tests.golden.record        # rewrites tests/golden/plans/*.json

Run it only when a change is MEANT to change plans (and say why in the commit); a refactor
must leave `tests/test_golden_plans.py` green without it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from mutualaid.contract import plan_json

ROOT = Path(__file__).resolve().parents[2]
PLANS = Path(__file__).resolve().parent / "plans"
TIME_LIMIT = 3.0
"""Deterministic seconds per solve: every scenario here ends well inside it or is cut by the
deterministic clock, the same on any machine."""


SHARED = ROOT.parent / "shared" / "worlds"
REFUSED = {"pin-small-team"}
"""Worlds that are meant to be refused by the loader (their test says why)."""


def sources() -> list[Path]:
    found = sorted((ROOT / "scenarios").glob("*.yaml"))
    found += sorted((ROOT / "tests" / "worlds").glob("*.yaml"))
    found += sorted(SHARED.glob("*.yaml"))
    return [p for p in found if p.stem not in REFUSED]


def without_clock(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan's JSON without wall-clock figures (seconds spent)."""
    out = {k: v for k, v in plan.items() if k not in ("solve_seconds",)}
    if "stages" in out:
        out["stages"] = {
            name: {k: v for k, v in stage.items() if k != "seconds"}
            for name, stage in out["stages"].items()
        }
    return out


def plan_of(path: Path) -> dict[str, Any]:
    import solver
    from mutualaid.contract.scenario import load_scenario

    scenario = load_scenario(path)
    plan = solver.solve(
        scenario, solver.SolveOptions(time_limit=TIME_LIMIT, workers=1, deterministic=True, seed=1)
    )
    return without_clock(plan_json.dump(plan, scenario))


def main() -> None:
    PLANS.mkdir(exist_ok=True)
    for path in sources():
        plan = plan_of(path)
        (PLANS / f"{path.stem}.json").write_text(
            json.dumps(plan, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        print(path.stem, plan["status"], file=sys.stderr)


if __name__ == "__main__":
    main()
