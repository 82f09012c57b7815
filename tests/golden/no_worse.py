"""Hold re-recorded golden plans to the contract's order: each plan in `tests/golden/plans/` is
compared with the one stored at a git revision (default HEAD), goal by goal in the scenario's
order (coverage by priority, waiting, then `objective_order`). A plan passes when every goal
before the first that changed is equal and that one is better (or none changed); so no goal
that comes earlier than the one improved got worse.

    .venv/bin/python -m tests.golden.no_worse [REV]     # after python -m tests.golden.record

Prints each changed plan with its goals before and after; exits 1 when one got worse.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from mutualaid.contract.scenario import load_scenario
from mutualaid.domain.model import PRIORITIES
from tests.golden.record import PLANS, ROOT, sources


def goals(plan: dict[str, Any], order: tuple[str, ...]) -> list[tuple[str, float]]:
    """(goal, value) in the contract's order, each value to be maximised."""
    o = plan["objective"]
    out: list[tuple[str, float]] = [(p, o["served"][p]) for p in PRIORITIES]
    out.append(("waited", o.get("waited", 0)))
    figure = {
        "continuity": o["continuity"],
        "travel": -o["travel_minutes"],
        "fairness": -round(o["max_load"], 9),
    }
    return out + [(g, figure[g]) for g in order]


def verdict(old: list[tuple[str, float]], new: list[tuple[str, float]]) -> str | None:
    """None when nothing changed; else 'better in GOAL' or 'WORSE in GOAL' (the first goal
    that changed decides)."""
    for (goal, before), (_, after) in zip(old, new, strict=True):
        if after != before:
            return f"better in {goal}" if after > before else f"WORSE in {goal}"
    return None


def stored(rev: str, name: str) -> dict[str, Any] | None:
    done = subprocess.run(
        ["git", "show", f"{rev}:tests/golden/plans/{name}.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout) if done.returncode == 0 else None


def main() -> int:
    rev = sys.argv[1] if len(sys.argv) > 1 else "HEAD"
    worse = 0
    for path in sources():
        old = stored(rev, path.stem)
        new = json.loads((PLANS / f"{path.stem}.json").read_text(encoding="utf-8"))
        if old is None:
            print(f"{path.stem}: new, no plan at {rev}")
            continue
        if "objective" not in old or "objective" not in new:
            if old != new:
                print(f"{path.stem}: changed, without an objective (status {new.get('status')})")
                worse += 1
            continue
        order = load_scenario(path).settings.objective_order
        before, after = goals(old, order), goals(new, order)
        said = verdict(before, after)
        if said is None:
            continue
        worse += said.startswith("WORSE")
        changed = ", ".join(  # travel and fairness as the plan says them (not negated)
            f"{g} {abs(b):g} -> {abs(a):g}"
            for (g, b), (_, a) in zip(before, after, strict=True)
            if a != b
        )
        print(f"{path.stem}: {said} ({changed})")
    print(f"{worse} plan(s) worse than at {rev}")
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main())
