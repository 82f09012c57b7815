"""Use cases of plans as a coordinator sees them: request a solve, follow it, cancel it,
publish the result. Solves themselves run in `jobs`."""

from __future__ import annotations

from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.domain.lifecycle import PlanRequest, same_or_narrower
from mutualaid.domain.plan import Plan
from mutualaid.messages import msg, violation_text
from mutualaid.services.access import Actor, parse_week
from mutualaid.services.built import built_week
from mutualaid.services.notices import before_change, note_changes
from mutualaid.services.ports import (
    ConflictError,
    JobRunner,
    PlanRecord,
    Repairer,
    UnitOfWork,
)
from mutualaid.validation import Violation, validate


def request_plan(
    uow: UnitOfWork, jobs: JobRunner | None, actor: Actor, area: str | None, week_start: str
) -> PlanRecord:
    """Queue a solve of the week: the plan row is written in this transaction (so it is
    never lost), then the job runner is told. ActivePlanExists while one is queued or
    running for the same area and week."""
    where, week = actor.area(area), parse_week(week_start)
    with uow:
        uow.weeks.get(where, week)
        plan = uow.plans.create(where, week, request=PlanRequest(actor.id))
        uow.audit.record(
            actor.id, "plan.request", f"plan {plan.id}", where, {"week": week.isoformat()}
        )
        uow.commit()
    if jobs is not None:
        jobs.submit(plan.id)
    return plan


def list_plans(
    uow: UnitOfWork, actor: Actor, area: str | None, week_start: str
) -> list[PlanRecord]:
    where, week = actor.area(area), parse_week(week_start)
    with uow:
        return uow.plans.for_week(where, week)


def get_plan(uow: UnitOfWork, actor: Actor, ident: str) -> PlanRecord:
    """The plan's status, live progress and, once done, its result."""
    actor.require_manager()
    with uow:
        plan = uow.plans.get(ident)
    actor.require_area(plan.area)
    return plan


def cancel_plan(uow: UnitOfWork, actor: Actor, ident: str) -> PlanRecord:
    """A queued plan ends at once; a running one stops at its next heartbeat.
    ConflictError when it has already finished."""
    actor.require_manager()
    with uow:
        actor.require_area(uow.plans.get(ident).area)
        plan = uow.plans.cancel(ident)
        uow.audit.record(actor.id, "plan.cancel", f"plan {ident}", plan.area)
        uow.commit()
    return plan


def publish_plan(uow: UnitOfWork, repairer: Repairer, actor: Actor, ident: str) -> PlanRecord:
    """Make a finished plan the week's plan (the one before stops being it).

    ConflictError unless the plan is optimal or feasible, and unless its assignments still
    keep every hard rule of the week as stored now: a decline, a deleted task or a roster
    change since the solve may break them, and such a plan is refused with what broke, to be
    solved again. When only what the plan says of them went stale (figures, reasons, the
    bound, a task added since), the same assignments are scored again and published.
    So is a plan whose week has since gained options (someone added, a decline taken
    back), whose status and bound may no longer hold. The check holds the week's lock, so no
    decline slips in between.
    """
    actor.require_manager()
    rescored: Plan | None = None
    with uow:
        found = uow.plans.get(ident)
        actor.require_area(found.area)
        if found.published_at is not None:  # published already (a double click, two desks)
            return found  # nothing changes: no notices, nothing audited
        if found.result is not None:
            uow.weeks.lock(found.area, found.week_start)
            built, _ = built_week(uow, found.id, found.area, found.week_start)
            scenario, basis = built.scenario, built.basis
            report = validate(scenario, plan_json.dump(found.result, scenario))
            if not report.assignments_ok:
                hard = report.hard
                raise ConflictError(msg("publish_stale", plan=ident, violations=_shown(hard)))
            if not report.ok or not same_or_narrower(found.result.extra.get("basis"), basis):
                # stale figures, or a week with options the plan did not have: its status
                # and bound may no longer hold either
                rescored = repairer.rescore(scenario, found.result)
                rescored.extra["basis"] = basis.to_json()
                again = validate(scenario, plan_json.dump(rescored, scenario))
                if not again.ok:  # a bug, not the user's: say so
                    shown = _shown(again.violations)
                    raise ConflictError(msg("plan_safety_net", violations=shown))
                uow.plans.rescore(ident, rescored)
        before = before_change(uow, found.area, found.week_start)
        plan = uow.plans.publish(ident)
        noticed = note_changes(uow, before, plan.id)
        detail: Json = {"week": plan.week_start.isoformat()}
        if rescored is not None:
            detail["rescored"] = True
        if noticed:
            detail["notices"] = len(noticed)
        uow.audit.record(actor.id, "plan.publish", f"plan {ident}", plan.area, detail)
        uow.commit()
    return plan


def _shown(violations: list[Violation], most: int = 5) -> str:
    shown = "; ".join(map(violation_text, violations[:most]))
    if len(violations) > most:
        shown += msg("and_more", count=len(violations) - most)
    return shown
