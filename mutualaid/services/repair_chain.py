"""The chain of a week's repairs (a decline's, an absence's, a task edit's, a recommendation
taken): each is made outside any transaction from the plan published at that moment, then
stored and published inside the week's lock only if that plan is still the published one and
the week was not written meanwhile (compare and swap); else it is made again on the week as
it now is. Repairs of one week in this process queue on one lock first (`REPAIRS`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pendulum

from mutualaid.contract.data import Json
from mutualaid.domain.lifecycle import PlanRequest
from mutualaid.domain.plan import Plan
from mutualaid.services.access import Actor
from mutualaid.services.built import BuiltWeek, keep
from mutualaid.services.jobs import safety_net
from mutualaid.services.notices import before_change, note_changes
from mutualaid.services.ports import PlanRecord, UnitOfWork
from mutualaid.validation import Report

REPAIR_ATTEMPTS = 20
"""How often a repair is made again on a newer published plan (another process published first)
before the decline is answered with a conflict (declining again repairs then)."""


@dataclass
class _WeekLocks:
    """One lock per week repaired in this process: its repairs queue here instead of all
    computing on the same plan and all but one starting again. Only an economy: the compare
    and swap under the week's database lock is what keeps repairs a chain across processes."""

    guard: threading.Lock = field(default_factory=threading.Lock)
    locks: dict[tuple[str, pendulum.Date], threading.Lock] = field(default_factory=dict)
    repairing: set[int] = field(default_factory=set)
    """Declines whose first answer is making their repair: declined again meanwhile, it is
    'already declined' (else, under load, the second repaired first, and the first again)."""

    def of(self, area: str, week: pendulum.Date) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault((area, week), threading.Lock())


REPAIRS = _WeekLocks()
"""This process's repairs, by week."""


def still_current(
    uow: UnitOfWork, where: tuple[str, pendulum.Date], published: str, version: str
) -> bool:
    """Inside the week's lock: whether a repair made from `published` on the week at `version`
    may be stored, i.e. neither another plan was published nor the week written (a task
    deleted, the roster edited) while it was made outside the lock. Else it is made again on
    the week as it is now: a repair is validated against the week it was made on, so it
    would otherwise be published unchecked against the week as stored."""
    area, week = where
    return (
        uow.plans.published_id(area, week) == published and uow.weeks.version(area, week) == version
    )


def store_repair(
    uow: UnitOfWork, actor: Actor, where: tuple[str, pendulum.Date], parent: str, result: Plan,
    report: Report, kept: tuple[BuiltWeek, str], request: PlanRequest, detail: Json,
) -> PlanRecord:  # fmt: skip
    """Inside the week's lock: a `repair` plan of `parent` with `result`, published when the
    validator passed it (the built week kept for it), failed with what broke otherwise, and
    audited as `plan.repair`. ActivePlanExists when a solve of the week was queued meanwhile."""
    area, week = where
    plan = uow.plans.create(area, week, kind="repair", parent_id=parent, request=request)
    noticed = 0
    if report.ok:
        uow.plans.finish(plan.id, result)
        before = before_change(uow, area, week)
        plan = uow.plans.publish(plan.id)
        noticed = len(note_changes(uow, before, plan.id))
        keep(plan.id, kept[1], kept[0])
    else:
        plan = uow.plans.fail(plan.id, safety_net(report.violations))
    uow.audit.record(actor.id, "plan.repair", f"plan {plan.id}", area,
                     {"parent": parent, **detail, "status": plan.status,
                      "notices": noticed})  # fmt: skip
    return plan
