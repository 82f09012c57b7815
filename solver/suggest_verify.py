"""The contract's promise for a suggestion, checked the only way that is sure: apply its patch,
solve the patched scenario with the same seed and one worker (deterministic time, the
scenario's own limit), and see the task served and coverage, urgent first, no worse.

Why a solve. `solver.suggest` proves cheaply that the patched scenario's coverage OPTIMUM
is better (a plan serving the task beside everything served now exists); the one-worker solve
is not always optimal within its limit, and the patch reaches every part of it (each part's
budget is its share by size of the whole, and the coverage weights count what analysis allows),
so no part's answer can be reused. The checks of one week share what compares equal instead
(`solver.shared_week`): each task's analysis where everything it reads is unchanged, and the
travel minutes; so the same analyses, model and search as a check on its own.

Why only its first stages. Every suggestion's patch pins people to its task, so every plan of
the patched week serves it (hard rule 6; a solve whose pins clash is an error, refused here).
What is left is coverage, and the one-worker solve settles it in its first stages: coverage
and waiting on the model without routes, under budgets fixed in advance (deterministic time),
so `SolveOptions.coverage_only` runs them exactly as the whole solve does; every later step
(the routing model's goals, with those counts held; rerouting; polishing) keeps coverage at
least there. So the whole solve's coverage is at least the one checked: 2-14 s a check on
subdistrict weeks where the whole solve of the same patched week took 85-211 s (bench/suggest.py
--whole, load 10-14; docs/scenarios.md). When greedy's floor
(the pinned task first) already serves as much as before, the search is skipped too
(`SolveOptions.enough`): every part of the whole solve keeps its floor's coverage at least.
And the search stops as soon as what it found settles the answer (`solver.settle`: the parts
done, the current part's incumbent as held, and the floors of the parts to come already sum
to `before` or more); the waiting stage, the polishing and a large part's bounds, which all
keep coverage, are not run. A patch that pins nothing is checked by the whole solve.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan
from mutualaid.errors import ScenarioError
from mutualaid.json_patch import Operation, PatchError, apply_patch
from solver import shared_week
from solver.planner import SolveOptions, solve
from solver.settle import Settled
from solver.suggest_checks import PER_TASK, Check, Checks


def keeps_promise(
    document: dict[str, Any], patch: list[Operation], task: str, before: tuple[int, ...], seed: int
) -> bool:
    """Whether the patched scenario's one-worker plan serves `task` with coverage (urgent
    first) at least `before`."""
    return outcome(document, patch, task, before, seed).keeps


@dataclass(frozen=True)
class Outcome:
    """What a check found: its verdict, how (`settled` midway, `solved`, or `invalid`: the
    patch or its week refused, or the solve an error), and when solved the coverage reached
    (urgent first) and the plan's visits (task, start, volunteers)."""

    keeps: bool
    how: str
    coverage: tuple[int, ...] | None = None
    visits: tuple[tuple[str, int, tuple[str, ...]], ...] = ()


def outcome(
    document: dict[str, Any], patch: list[Operation], task: str, before: tuple[int, ...], seed: int
) -> Outcome:
    """`keeps_promise`'s check, with how it ended (tests/test_shared_week.py compares them)."""
    try:
        patched = build_scenario(apply_patch(document, patch))
    except (PatchError, ScenarioError):
        return Outcome(False, "invalid")
    pinned = any(p.task == task for p in patched.pinned)
    # only coverage is asked: rerouting (which never changes what is served) is skipped
    options = SolveOptions(workers=1, seed=seed, reroute=False, coverage_only=pinned, enough=before)
    try:
        with shared_week.sharing(document, patched):
            plan = solve(patched, options)
    except Settled:  # coverage proved at least `before` midway; the task is pinned: served
        return Outcome(True, "settled")
    if plan.status == "error" or plan.objective is None:
        return Outcome(False, "invalid")
    served = any(a.task == task for a in plan.assignments)
    reached = plan.objective.coverage_key()
    visits = tuple(sorted((a.task, a.start, tuple(v.id for v in a.volunteers))
                          for a in plan.assignments))  # fmt: skip
    return Outcome(served and reached >= before, "solved", reached, visits)


def with_suggestions(
    scenario: Scenario,
    document: dict[str, Any],
    plan: Plan,
    seed: int | None = None,
    per_task: int = PER_TASK,
    check: Check = keeps_promise,
    tasks: list[str] | None = None,
    processes: int = 1,
) -> Plan:
    """The plan with each unserved task's verified suggestions (fewest changes first): those
    `check(document, patch, task, coverage before, seed)` holds to the promise. Only for
    `tasks` when given (the others are left as they are). With `processes` > 1 the checks run
    in that many processes at once (each a one-worker solve, so the answers are the same);
    with one, here (`check` need not be picklable)."""
    with Checks(scenario, document, plan, seed, per_task, check, tasks, processes,
                pooled=False) as checks:  # fmt: skip
        while not checks.done:
            checks.advance()
        return checks.plan()


def within(checks: Checks, seconds: float, began: float | None = None) -> Plan:
    """The plan with what `checks` settled within `seconds` of `began` (a `time.monotonic()`,
    by default now); the tasks still being checked say so (`Unserved.checking`)."""
    if seconds >= threading.TIMEOUT_MAX:  # as inf (292 years): no timeout wait() would take
        while not checks.done:
            checks.advance()
        return checks.plan()
    until = (time.monotonic() if began is None else began) + seconds
    checks.alone_until = until
    while not checks.done and time.monotonic() < until:
        checks.advance(until)
    return checks.plan()
