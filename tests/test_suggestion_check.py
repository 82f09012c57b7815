"""The check of a suggestion's promise, made cheap: every patch pins its task, so only coverage
is left to check, and the one-worker solve's first stages (`SolveOptions.coverage_only`), or
greedy's floor when it already serves enough (`SolveOptions.enough`), settle it. Held here to
the whole one-worker solve, which is what the contract promises."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import solver
from mutualaid.contract.scenario import build_scenario, read_scenario_text
from mutualaid.json_patch import apply_patch
from mutualaid.messages.suggestions import EN, ZH
from solver.suggest_kinds import suggest
from solver.suggest_verify import keeps_promise
from tests.test_suggestions import promise_holds, task, volunteer, world

ROOT = Path(__file__).parent.parent
EDGES = ROOT / "scenarios" / "09-edge-reason-codes.yaml"


def one_worker(scenario: Any, **more: Any) -> Any:
    return solver.solve(scenario, solver.SolveOptions(workers=1, **more))


@pytest.mark.parametrize("name", ["09-edge-reason-codes", "12-edge-priority-order"])
def test_the_first_stages_serve_what_the_whole_solve_serves_and_stop_before_routes(
    name: str,
) -> None:
    scenario, _ = read_scenario_text((ROOT / "scenarios" / f"{name}.yaml").read_text("utf-8"))
    whole, first = one_worker(scenario), one_worker(scenario, coverage_only=True)
    assert whole.objective is not None and first.objective is not None
    assert first.objective.coverage_key() == whole.objective.coverage_key()
    later = [v for k, v in first.extra["stages"].items() if k not in ("coverage", "waited")]
    assert later and all(v["seconds"] == 0 and not v["optimal"] for v in later)


def test_every_suggestion_pins_its_task_and_says_so_in_both_languages() -> None:
    scenario, doc = read_scenario_text(EDGES.read_text("utf-8"))
    plan = one_worker(scenario)
    found = [c for cs in suggest(scenario, doc, plan).values() for c in cs]
    assert found
    for cand in found:
        patched = build_scenario(apply_patch(doc, cand.patch))
        assert cand.task in {p.task for p in patched.pinned}
        for lang, texts in (("en", EN), ("zh", ZH)):
            said = texts["pinned"].split("{pinned}")[1]
            assert said in cand.text(lang)


def test_a_check_kept_is_a_promise_the_whole_one_worker_solve_keeps() -> None:
    scenario, doc = read_scenario_text(EDGES.read_text("utf-8"))
    plan = one_worker(scenario)
    assert plan.objective is not None
    before = plan.objective.coverage_key()
    kept = 0
    for tid, cands in suggest(scenario, doc, plan).items():
        for cand in cands:
            if keeps_promise(doc, cand.patch, tid, before, 0):
                kept += 1
                assert promise_holds(doc, cand.patch, tid, before, 0), (tid, cand.kind)
    assert kept >= len(plan.unserved) - 1  # one task has no suggestion at all (no skill...)


def test_a_floor_that_serves_enough_is_the_plan_unsearched_and_only_then() -> None:
    doc = world([volunteer("v")], [task("t", priority="high"), task("u")])
    scenario = build_scenario(doc)
    whole = one_worker(scenario)
    assert whole.objective is not None
    served = whole.objective.coverage_key()
    quick = one_worker(scenario, coverage_only=True, enough=served)
    assert quick.extra.get("floor_enough") is True
    assert quick.objective is not None and quick.objective.coverage_key() >= served
    more = tuple(n + 1 for n in served)  # more than any plan serves: the floor is not enough
    assert "floor_enough" not in one_worker(scenario, coverage_only=True, enough=more).extra
    assert "floor_enough" not in one_worker(scenario, enough=served).extra  # whole solves search
