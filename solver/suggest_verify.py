"""The contract's promise for a suggestion, checked the only way that is sure: apply its patch,
solve the patched scenario with the same seed and one worker (deterministic time, the
scenario's own limit), and see the task served and coverage, urgent first, no worse.

Why a solve. `solver.suggest` proves cheaply that the patched scenario's coverage OPTIMUM
is better (a plan serving the task beside everything served now exists); the one-worker solve
is not always optimal within its limit, and the patch reaches every part of it (each part's
budget is its share by size of the whole, and the coverage weights count what analysis allows),
so no part's answer can be reused.

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
A patch that pins nothing is checked by the whole solve.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from mutualaid.contract.scenario import build_scenario
from mutualaid.domain.model import Scenario
from mutualaid.domain.plan import Plan, Suggestion, Unserved
from mutualaid.errors import ScenarioError
from mutualaid.json_patch import Operation, PatchError, apply_patch, guarded
from solver.planner import SolveOptions, solve
from solver.suggest import Candidate
from solver.suggest_kinds import suggest

Check = Callable[[dict[str, Any], list[Operation], str, tuple[int, ...], int], bool]
"""check(document, patch, task, coverage before, seed): does the patch keep the promise?"""

PER_TASK = 3
"""Suggestions kept per unserved task (the fewest changes; each a full solve to verify)."""


def keeps_promise(
    document: dict[str, Any], patch: list[Operation], task: str, before: tuple[int, ...], seed: int
) -> bool:
    """Whether the patched scenario's one-worker plan serves `task` with coverage (urgent
    first) at least `before`."""
    try:
        patched = build_scenario(apply_patch(document, patch))
    except (PatchError, ScenarioError):
        return False
    pinned = any(p.task == task for p in patched.pinned)
    # only coverage is asked: rerouting (which never changes what is served) is skipped
    options = SolveOptions(workers=1, seed=seed, reroute=False, coverage_only=pinned, enough=before)
    plan = solve(patched, options)
    if plan.status == "error" or plan.objective is None:
        return False
    served = any(a.task == task for a in plan.assignments)
    return served and plan.objective.coverage_key() >= before


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
    in that many processes at once (each a one-worker solve, so the answers are the same), in
    rounds: each task's next candidates that could still be shown, as many as it lacks."""
    if plan.objective is None or not plan.unserved:
        return plan
    seed = scenario.settings.seed if seed is None else seed
    before = plan.objective.coverage_key()
    found = suggest(scenario, document, plan, tasks)
    verdicts: dict[tuple[str, int], bool] = {}
    if processes > 1:
        spawn = multiprocessing.get_context("spawn")  # CP-SAT's threads and fork do not mix
        with ProcessPoolExecutor(processes, mp_context=spawn) as pool:
            while jobs := _next_round(found, verdicts, per_task):
                n = len(jobs)
                patches = [found[t][i].patch for t, i in jobs]
                tids = [t for t, _ in jobs]
                answers = pool.map(check, [document] * n, patches, tids, [before] * n, [seed] * n)
                verdicts.update(zip(jobs, answers, strict=True))
    unserved: list[Unserved] = []
    for u in plan.unserved:
        if u.task not in found:
            unserved.append(u)
            continue
        kept: list[Suggestion] = []
        for i, cand in enumerate(found[u.task]):
            if len(kept) >= per_task:
                break
            ok = verdicts.get((u.task, i))
            if ok is None:
                ok = check(document, cand.patch, u.task, before, seed)
            if ok:
                patch = guarded(document, cand.patch)  # fails whole on a changed scenario
                kept.append(Suggestion(cand.kind, cand.text(), tuple(patch),
                                       dict(cand.text_fields)))  # fmt: skip
        unserved.append(replace(u, suggestions=tuple(kept)))
    return replace(plan, unserved=unserved)


def _next_round(
    found: dict[str, list[Candidate]], verdicts: dict[tuple[str, int], bool], per_task: int
) -> list[tuple[str, int]]:
    """The candidates to check next: for each task, its first unchecked ones, as many as it
    still lacks kept suggestions (a candidate after the `per_task`-th kept one is never shown,
    so it is never checked)."""
    out = []
    for tid, cands in found.items():
        lacking = per_task - sum(verdicts.get((tid, i), False) for i in range(len(cands)))
        unchecked = [(tid, i) for i in range(len(cands)) if (tid, i) not in verdicts]
        out += unchecked[: max(lacking, 0)]
    return out
