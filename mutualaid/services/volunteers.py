"""The volunteer's side: their published assignments of a week (with place, who is helped and
who else goes), accepting and declining them; a decline triggers a repair of the week's plan.

A repair runs in the request (it frees only the declined task, or a small neighbourhood around
it, and takes well under a second); the repaired plan is validated and, when valid, published
at once: the week was already in volunteers' hands, and the repair keeps every other answer.
Repairs of one week are serialised: each starts from the plan published at that moment and is
published only if that plan is still the published one (else it is made again on the newer).
The read side (a volunteer's week, its calendar and rounds) is `services.schedules`,
re-exported here."""

from __future__ import annotations

from dataclasses import dataclass

from mutualaid.bounds import MAX_TEXT_LENGTH, text_problem
from mutualaid.contract import plan_json
from mutualaid.contract.data import Json
from mutualaid.domain.lifecycle import PlanRequest, same_or_narrower
from mutualaid.domain.plan import Plan
from mutualaid.errors import Problem
from mutualaid.messages import msg
from mutualaid.services.access import Actor
from mutualaid.services.answers import accept_assignment as accept_assignment
from mutualaid.services.answers import get_assignment as get_assignment
from mutualaid.services.built import BuiltWeek, built_week
from mutualaid.services.jobs import check_suggestions
from mutualaid.services.marked_apart import carry_kept, kept_busy
from mutualaid.services.ports import (
    ActivePlanExists,
    AssignmentRecord,
    ConflictError,
    InvalidRequest,
    PlanRecord,
    RepairBusy,
    Repairer,
    StoreBusy,
    UnitOfWork,
)
from mutualaid.services.repair_chain import REPAIR_ATTEMPTS, REPAIRS, still_current, store_repair
from mutualaid.services.schedules import Colleague as Colleague
from mutualaid.services.schedules import Schedule as Schedule
from mutualaid.services.schedules import VolunteerAssignment as VolunteerAssignment
from mutualaid.services.schedules import volunteer_area as volunteer_area
from mutualaid.services.schedules import volunteer_calendar as volunteer_calendar
from mutualaid.services.schedules import volunteer_routes as volunteer_routes
from mutualaid.services.schedules import volunteer_schedule as volunteer_schedule
from mutualaid.validation import validate


@dataclass(frozen=True)
class RepairOutcome:
    plan: PlanRecord
    changed: int
    """Volunteer-task pairs added or removed versus the plan published before."""
    served: bool
    """Whether the declined task is served again."""


@dataclass(frozen=True)
class Declined:
    assignment: AssignmentRecord
    repair: RepairOutcome | None
    """None when nothing was re-planned: declined before, or a solve of the week is queued
    or running (it will see the decline)."""
    already: bool = False
    """Declined before: recorded once, nothing changed (and no second repair)."""
    moved: bool = False
    """A repair had given the task to someone else before the decline: recorded, no repair."""


def decline_assignment(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, ident: int, reason: str | None = None
) -> Declined:
    """Record the decline (no later plan of the week gives the volunteer this task), then
    repair the published plan and publish the repair when it passes the validator.

    A second decline of the same assignment (at the same time or later) records nothing and
    makes no repair (`already`), unless the published plan still gives the pair and no first
    answer is repairing it (a solve was running, the store was busy, or the repair lost too
    many races): then it repairs. A decline of a visit a repair had just given to someone else
    is recorded all the same, with nothing to repair (`moved`).

    A visit marked done or missed is not declined (ConflictError): it is past, and its
    hours are in the ledger; un-marking it first makes it declinable again.

    The decline is committed before its repair: RepairBusy (503) when the repair could not
    get the store's lock in time, saying the decline is recorded."""
    reason = reason.strip() if reason and reason.strip() else None
    if reason is not None and (bad := text_problem(reason, MAX_TEXT_LENGTH)):
        raise InvalidRequest([Problem("reason", bad)])
    with uow:
        found = uow.assignments.get(ident)
        actor.require_volunteer(found.area, found.volunteer)
        uow.weeks.lock(found.area, found.week_start)  # answers of the week wait here
        if (marked := uow.assignments.marked(ident)) is not None:  # it happened, or not
            raise ConflictError(msg("decline_marked", id=ident, state=msg(f"outcome_{marked}")))
        already = uow.assignments.get(ident).state == "declined"
        pending = already and ident in REPAIRS.repairing
        done = uow.assignments.decline(ident, reason)
        moved = not uow.assignments.given(ident)
        if not already:  # recorded for the week: no later plan gives them the task
            uow.weeks.add_decline(done.area, done.week_start, done.task, done.volunteer, reason)
            detail: Json = {"task": done.task, "volunteer": done.volunteer, "reason": reason}
            if moved:
                detail["moved"] = True
            uow.audit.record(
                actor.id, "assignment.decline", f"assignment {ident}", done.area, detail
            )
            REPAIRS.repairing.add(ident)
        uow.commit()
    try:
        if moved or pending:
            return Declined(done, None, already, moved=moved)
        repair = repair_week(uow, repairer, actor, done, only_if_given=already)
    except StoreBusy as busy:
        raise RepairBusy(done.id, busy.retry_after) from busy
    finally:
        if not already:
            REPAIRS.repairing.discard(ident)
    return Declined(done, repair, already)


def repair_week(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, declined: AssignmentRecord,
    *, only_if_given: bool = False,
) -> RepairOutcome | None:  # fmt: skip
    """A `repair` plan of the published plan that re-plans the declined task; published when
    valid, stored as an error otherwise. None when a solve is queued or running, or (with
    `only_if_given`) when the published plan no longer gives the declined pair.

    Published only if its parent is still the week's published plan, checked holding the
    week's lock (compare and swap); else made again on the newer plan, which may itself be
    the repair of this decline (declined twice at once): then there is nothing to do.
    ConflictError after `REPAIR_ATTEMPTS` such races (the decline stays recorded)."""
    area, week = declined.area, declined.week_start
    pair = (declined.task, declined.volunteer)
    lost_to: str | None = None  # the plan a repair started from when another was published
    with REPAIRS.of(area, week):
        for _ in range(REPAIR_ATTEMPTS):
            with uow:
                published = uow.plans.published(area, week)
                if published is None or published.result is None:
                    return None
                if only_if_given and pair not in _pairs(published.result):
                    return None
                if lost_to is not None and _repaired_since(uow, published, lost_to, declined.id):
                    return None  # declined twice at once, in two processes: one repair
                if uow.plans.active(area, week) is not None:
                    return None  # the solve will see the decline
                built, version = built_week(uow, published.id, area, week)
            outcome = _repair_on(uow, repairer, actor, declined, published, built, version)
            if outcome is not None:
                return outcome
            lost_to = published.id
    raise ConflictError(msg("repair_contended", id=declined.id))


def _repair_on(
    uow: UnitOfWork, repairer: Repairer, actor: Actor, declined: AssignmentRecord,
    published: PlanRecord, built: BuiltWeek, version: str,
) -> RepairOutcome | None:  # fmt: skip
    """The repair of `published`, stored and published (its suggestions checked after) if
    it is still the published plan; None (nothing stored) when another was published."""
    area, week = declined.area, declined.week_start
    scenario, basis = built.scenario, built.basis
    assert published.result is not None
    same = same_or_narrower(published.result.extra.get("basis"), basis)
    scenario = kept_busy(scenario, published.result)  # a marked visit kept apart: its time
    result, changed = repairer.repair(scenario, published.result, declined.task, same)
    carry_kept(result, published.result)  # ... and the visit, so publishing keeps it
    repaired = {**result.extra.get("repair", {}), "parent": published.id, "changed": changed,
                "cause": "decline"}  # fmt: skip
    result.extra["repair"] = repaired
    result.extra["basis"] = basis.to_json()
    report = validate(scenario, plan_json.dump(result, scenario))
    with uow:
        uow.weeks.lock(area, week)  # publishes of the week wait from here to the commit
        if not still_current(uow, (area, week), published.id, version):
            return None
        try:
            plan = store_repair(
                uow, actor, (area, week), published.id, result, report, (built, version),
                PlanRequest(actor.id, declined.id), {"changed": changed},
            )  # fmt: skip
        except ActivePlanExists:
            return None  # a solve was queued meanwhile: it sees the decline
        uow.commit()
    check_suggestions(uow, repairer, scenario, plan)
    return RepairOutcome(plan, changed, declined.task in _served(result))


def _repaired_since(uow: UnitOfWork, plan: PlanRecord, since: str, declined: int) -> bool:
    """Whether a repair of the assignment `declined` was published after the plan `since`,
    following the published plan's parents back to it."""
    while plan.id != since:
        if plan.kind == "repair" and plan.request.declined == declined:
            return True
        if plan.parent_id is None:
            return False
        plan = uow.plans.get(plan.parent_id)
    return False


def _pairs(result: Plan) -> set[tuple[str, str]]:
    """The (task, volunteer) pairs a plan gives."""
    return {(a.task, v.id) for a in result.assignments for v in a.volunteers}


def _served(result: Plan) -> set[str]:
    return {a.task for a in result.assignments}
