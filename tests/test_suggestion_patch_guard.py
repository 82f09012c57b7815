"""A suggestion's JSON Patch names entries by their place in a list (`/tasks/3/vetted_only`):
applied to a scenario that changed since (a task added before it, one deleted), it must fail
whole (RFC 6902 `test`) rather than change whichever entry now has that place."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import solver
from mutualaid.contract.scenario import build_scenario
from mutualaid.json_patch import PatchError, apply_patch
from solver.suggest_verify import with_suggestions

from .test_suggestions import HERE, task, volunteer, world


def suggested(doc: dict[str, Any]) -> list[Any]:
    scenario = build_scenario(doc)
    plan = solver.solve(scenario, solver.SolveOptions(workers=1))
    shown = with_suggestions(scenario, doc, plan, check=lambda *_: True)
    return [list(s.patch) for u in shown.unserved for s in u.suggestions]


def home_visit_nobody_vetted_can_do() -> dict[str, Any]:
    other = task("t-other", windows=[{"days": ["tue"], "from": "09:00", "to": "10:00"}])
    doc = world([volunteer("v", vetted=False)],
                [other, task("t", resident="r", location=None)],
                residents=[{"id": "r", "name": "r", "location": HERE}])  # fmt: skip
    del doc["tasks"][1]["location"]
    return doc


def test_a_patch_applies_to_the_scenario_it_was_made_for() -> None:
    doc = home_visit_nobody_vetted_can_do()
    patches = suggested(doc)
    assert patches
    for patch in patches:
        patched = apply_patch(doc, patch)
        assert patched["tasks"][0] == doc["tasks"][0]  # only the unserved task changes


@pytest.mark.parametrize("change", ["task added first", "task before it deleted"])
def test_a_patch_applied_to_a_changed_scenario_fails_rather_than_change_another_task(
    change: str,
) -> None:
    doc = home_visit_nobody_vetted_can_do()
    patches = suggested(doc)
    changed = copy.deepcopy(doc)
    if change == "task added first":
        changed["tasks"].insert(0, task("t-new", resident="r", location=None))
        del changed["tasks"][0]["location"]
    else:
        del changed["tasks"][0]
        changed["tasks"].append(task("t-late"))
    refused = 0
    for patch in patches:
        try:
            patched = apply_patch(changed, patch)
        except PatchError:
            refused += 1
            continue
        # a patch that still applies (a volunteer recruited) leaves every other task as it was
        others = [t for t in changed["tasks"] if t["id"] != "t"]
        assert [t for t in patched["tasks"] if t["id"] != "t"] == others, patch
    assert refused >= 1  # allow_unvetted, which names the task by its place
