"""The contract's promise for suggestions held on every replayed scenario: every suggestion
shown, its patch applied and the week solved again with one worker, serves its task with
coverage no worse (`promise_holds`, apart from `solver.suggest_verify`)."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

import solver
from mutualaid.contract import plan_json
from mutualaid.contract.scenario import build_scenario, read_scenario_text
from mutualaid.domain.plan import Plan, Suggestion
from mutualaid.json_patch import apply_patch
from solver.suggest import KINDS
from solver.suggest_kinds import suggest
from solver.suggest_verify import with_suggestions
from tests.golden.record import PLANS, TIME_LIMIT
from tests.reference import reference_check
from tests.test_suggestions import REPLAYED, ROOT, insertion_is_a_plan, promise_holds, rfc6902

SHARES = 4
"""Each replayed scenario's unserved tasks are checked in this many tests (task i in share
i % SHARES), so the one-worker solves of a large week spread over the test workers."""


UNCHECKED_COUNT = {"08-contended-cold-wave.yaml"}
"""Weeks where some unserved tasks may have no suggestion that keeps the promise: in the
contended week, the one-worker solve of a patched week (3 s of deterministic time here) at times
serves the task but less elsewhere, or not the task, so the check drops every candidate of
t-009, t-019, t-024 and t-039 (seen with its own 30 s limit). What is shown there still keeps
the promise."""


SAMPLED = {"08-contended-cold-wave.yaml"}
"""Weeks too large to check every suggestion in the suite: their 57 unserved tasks each need
one-worker solves per candidate (with its own 30 s limit, an hour on two cores). The suite
checks the first unserved task's; `bench/suggest.py --scenario scenarios/08-contended-cold-wave.yaml
--check 1000` checks them all."""


@functools.cache
def replayed(path: Path) -> tuple[Any, dict[str, Any], Plan]:
    """The week as the golden plans solve it (`tests.golden.record`: one worker, 3 s of
    deterministic time, seed 1), written into its settings so every patched week is solved
    the same way, and the plan stored for it, which `tests/test_golden_plans.py` holds equal
    to that solve. The promise is about a week as written, its limit included: a short limit
    tests the same promise, and solving here again took the suite 60-200 s (the stairwell
    week, its 10 s default limit, nothing unserved)."""
    _, doc = read_scenario_text(path.read_text(encoding="utf-8"), str(path))
    doc["settings"] = {**doc.get("settings", {}), "time_limit_seconds": TIME_LIMIT, "seed": 1}
    scenario = build_scenario(doc)
    stored = json.loads((PLANS / f"{path.stem}.json").read_text(encoding="utf-8"))
    return scenario, doc, plan_json.load(stored, scenario)


@pytest.mark.slow
@pytest.mark.parametrize("share", range(SHARES))
@pytest.mark.parametrize("path", REPLAYED, ids=lambda p: p.stem)
def test_every_suggestion_of_every_replayed_scenario_keeps_the_promise(
    path: Path, share: int, tmp_path: Path
) -> None:
    scenario, doc, plan = replayed(path)
    assert plan.objective is not None
    mine = [u.task for i, u in enumerate(plan.unserved) if i % SHARES == share]
    if path.name in SAMPLED:
        mine = mine[:1] if share == 0 else []
    for candidates in suggest(scenario, doc, plan, mine).values():
        for cand in candidates:  # each proves the patched week's optimum with a plan
            insertion_is_a_plan(doc, plan, cand)
    checked: dict[tuple[str, str], bool] = {}

    def check(d: dict[str, Any], patch: Any, tid: str, before: tuple[int, ...], seed: int) -> bool:
        checked[(tid, json.dumps(patch))] = ok = promise_holds(d, patch, tid, before, seed)
        return ok

    shown = with_suggestions(scenario, doc, plan, check=check, tasks=mine)
    data = plan_json.dump(shown, scenario)
    errs, _ = reference_check(path, data, tmp_path)
    assert errs == []  # the reference checker reads a plan with suggestions
    for u in shown.unserved:
        if u.task not in mine:
            continue
        if path.name not in UNCHECKED_COUNT:
            assert u.suggestions, f"{u.task} ({u.reason}) has no suggestion"
        for s in u.suggestions:
            assert isinstance(s, Suggestion) and s.kind in KINDS and s.text
            made = [op for op in s.patch if op["op"] != "test"]  # the guards come first
            assert checked[(u.task, json.dumps(made))] is True
            patched = rfc6902(doc, list(s.patch))
            assert apply_patch(doc, list(s.patch)) == patched


@pytest.mark.slow
def test_checks_in_several_processes_keep_the_same_suggestions() -> None:
    path = ROOT / "scenarios" / "09-edge-reason-codes.yaml"
    scenario, doc = read_scenario_text(path.read_text(encoding="utf-8"), str(path))
    plan = solver.solve(scenario, solver.SolveOptions(workers=1))
    one = with_suggestions(scenario, doc, plan)
    two = with_suggestions(scenario, doc, plan, processes=2)
    assert one.unserved == two.unserved
    assert sum(len(u.suggestions) for u in one.unserved) >= len(one.unserved)
