"""A scenario's `expect:` block checked against a plan (`mutualaid replay` and the suite):
what the week is known to produce, apart from the contract's rules (`validation`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mutualaid.domain.model import Scenario, Task
from mutualaid.validation import EXPECT, Violation


def _violation(rule: str, code: str, task: str | None = None, /, **params: object) -> Violation:
    return Violation(rule, task, None, code, params)


def check_expect(scenario: Scenario, plan: dict[str, Any]) -> list[Violation]:
    """How the plan falls short of the scenario's `expect:` block (empty when it meets it)."""
    exp = scenario.expect
    if exp is None:
        return []
    out: list[Violation] = []
    served = {a["task"] for a in plan.get("assignments", [])}
    reasons = {u["task"]: u["reason"] for u in plan.get("unserved", [])}
    for tid in exp.served:
        if tid not in served:
            reason = reasons.get(tid, "?")
            out.append(_violation(EXPECT, "expect_served_missing", tid, reason=reason))
    for tid, want in exp.unserved.items():
        if tid in served:
            out.append(_violation(EXPECT, "expect_unserved_served", tid, reason=want))
        elif reasons.get(tid) != want:
            got = reasons.get(tid)
            out.append(_violation(EXPECT, "expect_reason_differs", tid, got=got, want=want))
    for prio, frac in exp.coverage.items():
        of_prio: Iterable[Task] = [t for t in scenario.tasks.values() if t.priority == prio]
        n = len(list(of_prio))
        got = sum(1 for t in scenario.tasks.values() if t.priority == prio and t.id in served)
        share = got / n if n else 1.0
        if share + 1e-9 < frac:
            out.append(
                _violation(EXPECT, "expect_coverage_low", priority=prio, got=share, want=frac)
            )
    return out
