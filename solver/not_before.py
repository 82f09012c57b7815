"""A repair's moment: what a repair made on Wednesday at 14:00 may touch. No visit it moves or
adds starts before the moment, and the visits that started before it are kept as they are (never
freed, so neither moved nor dropped for another). The moment is a minute of the week; a moment
before the week (the CLI's, a scenario replay's: 0) changes nothing.

A task with no start left at or after the moment stays unserved with the contract's nearest
reason, `capacity` (reasons 1-4 are facts about the week alone, which the validator checks),
its detail saying that every start in its windows is before the repair.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import replace

from mutualaid.contract import clock
from mutualaid.domain.model import OfWeek
from mutualaid.domain.plan import Plan, reason
from solver.analysis import TaskAnalysis
from solver.cpsat import PlanModel
from solver.solution import Solution


def minute_now(week: OfWeek, now: dt.datetime | None) -> int:
    """The moment `now` as a minute of the week, 0 when there is none or it is before the week
    (a moment past the week is kept: nothing can then be moved)."""
    if now is None:
        return 0
    return max(0, clock.minute_at(week.week_start, week.timezone, now.isoformat()))


def said(week: OfWeek, minute: int) -> str:
    """The moment as a coordinator reads it in a sentence (2026-12-01 10:31)."""
    return clock.local_text(week.week_start, minute).replace("T", " ")


def started(base: Solution, not_before: int) -> set[str]:
    """The tasks whose visit started before the moment: kept as they are."""
    return {t for t, s in base.starts.items() if s < not_before}


def too_late(a: TaskAnalysis, not_before: int) -> bool:
    """Whether every start the task's analysis allows is before the moment."""
    return bool(a.start_domain) and max(hi for _, hi in a.start_domain) < not_before


def free(
    group: list[str], analyses: Mapping[str, TaskAnalysis], kept: set[str], not_before: int
) -> list[str]:
    """The group without the visits already started and the tasks that can no longer start."""
    return [t for t in group if t not in kept and not too_late(analyses[t], not_before)]


def hold(model: PlanModel, not_before: int) -> None:
    """No task the model places starts before the moment."""
    if not_before > 0:
        for var in model.start.values():
            model.m.add(var >= not_before)


def worded(plan: Plan, analyses: Mapping[str, TaskAnalysis], week: OfWeek, not_before: int) -> Plan:
    """The plan with the unserved tasks that can no longer start said to be so."""
    if not_before <= 0:
        return plan
    at = said(week, not_before)
    plan.unserved = [
        replace(u, detail=reason("why_capacity_past", at=at))
        if u.reason == "capacity" and too_late(analyses[u.task], not_before)
        else u
        for u in plan.unserved
    ]
    return plan


class Ahead(Mapping[str, TaskAnalysis]):
    """The analyses as a recommendation at the moment sees them: only the starts at or after
    it, and none for the visits in `kept` (started before it) or for a task with none left, so
    that neither is freed. A task whose starts all lie after the moment is as it was, so a
    moment a few minutes later changes nothing for it."""

    def __init__(self, analyses: Mapping[str, TaskAnalysis], not_before: int, kept: set[str]):
        self.analyses, self.not_before, self.kept = analyses, not_before, kept

    def __getitem__(self, tid: str) -> TaskAnalysis:
        a = self.analyses[tid]
        if self.not_before <= 0 or (a.start_domain and a.start_domain[0][0] >= self.not_before):
            return a
        if tid in self.kept:
            return replace(a, start_domain=[])
        at = self.not_before
        return replace(a, start_domain=[(max(lo, at), hi) for lo, hi in a.start_domain if hi >= at])

    def __iter__(self) -> Iterator[str]:
        return iter(self.analyses)

    def __len__(self) -> int:
        return len(self.analyses)
