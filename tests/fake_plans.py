"""Fakes of the plan and assignment repositories (`tests.fakes`), on the domain's lifecycle
rules (`mutualaid.domain.lifecycle`) as the SQL ones."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pendulum

from mutualaid.contract import plan_json
from mutualaid.domain.lifecycle import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    QUEUED,
    RUNNING,
    WITHDRAWN,
    PlanRequest,
    answer_on_publish,
    answer_refusal,
    cancel_ends_at_once,
    claim_refusal,
    finished_status,
    holds,
    is_active,
    is_open,
    is_publishable,
    lease_ran_out,
)
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.model import WeekClock
from mutualaid.domain.notices import Visit
from mutualaid.domain.plan import Plan, suggestions_from
from mutualaid.messages import msg
from mutualaid.services.ports import (
    ActivePlanExists,
    AssignmentRecord,
    ConflictError,
    LeaseLost,
    NotFoundError,
    PlanRecord,
)

if TYPE_CHECKING:
    from tests.fake_store import FakeStore
from tests.fake_store import FakeAssignment
from tests.fake_weeks import FakeWeeks, _published, _published_rows


@dataclass
class FakePlans:
    store: FakeStore

    def _put(self, plan: PlanRecord, **changes: Any) -> PlanRecord:
        plan = dataclasses.replace(plan, **changes)
        self.store.state.plans[plan.id] = plan
        return plan

    def create(
        self, area: str, week_start: pendulum.Date, *, kind: str = "solve",
        parent_id: str | None = None, request: PlanRequest | None = None,
    ) -> PlanRecord:  # fmt: skip
        FakeWeeks(self.store)._week(area, week_start)
        if self.active(area, week_start) is not None:
            raise ActivePlanExists(area, week_start)
        self.store.state.counter += 1
        plan = PlanRecord(
            id=f"plan-{self.store.state.counter}", area=area, week_start=week_start, kind=kind,
            parent_id=parent_id, status=QUEUED, progress=None, request=request or PlanRequest(),
            result=None, error=None, created_at=self.store.clock(), started_at=None,
            finished_at=None, published_at=None, attempts=0, worker=None,
            lease_expires_at=None, cancel_requested=False,
            timezone=self.store.state.areas[area].timezone,
        )  # fmt: skip
        return self._put(plan)

    def get(self, ident: str) -> PlanRecord:
        if ident not in self.store.state.plans:
            raise NotFoundError("plan", ident)
        return self.store.state.plans[ident]

    def for_week(self, area: str, week_start: pendulum.Date) -> list[PlanRecord]:
        FakeWeeks(self.store)._week(area, week_start)
        found = [p for p in self.store.state.plans.values()
                 if (p.area, p.week_start) == (area, week_start)]  # fmt: skip
        return sorted(found, key=lambda p: (p.created_at, p.id))

    def active(self, area: str, week_start: pendulum.Date) -> PlanRecord | None:
        return next((p for p in self.for_week(area, week_start) if is_active(p.status)), None)

    def published(self, area: str, week_start: pendulum.Date) -> PlanRecord | None:
        FakeWeeks(self.store)._week(area, week_start)
        return _published(self.store, area, week_start)

    def published_id(self, area: str, week_start: pendulum.Date) -> str | None:
        found = self.published(area, week_start)
        return None if found is None else found.id

    def marked_visits(self, plan: str) -> list[MarkedVisit]:
        return []  # the fakes keep no ledger

    def claim(self, worker: str, lease_seconds: float, max_attempts: int = 3) -> PlanRecord | None:
        now = self.store.clock()
        while True:
            waiting = sorted(
                (p for p in self.store.state.plans.values()
                 if p.status == QUEUED or (p.status == RUNNING
                                           and lease_ran_out(p.lease_expires_at, now))),
                key=lambda p: (p.created_at, p.id),
            )  # fmt: skip
            if not waiting:
                return None
            plan = waiting[0]
            why = claim_refusal(plan.status, plan.cancel_requested, plan.attempts, max_attempts)
            if why is not None:
                self._end(plan, "error", error=why)
                continue
            return self._put(
                plan, status=RUNNING, worker=worker, attempts=plan.attempts + 1,
                started_at=plan.started_at or now,
                lease_expires_at=now.add(seconds=lease_seconds),
            )  # fmt: skip

    def heartbeat(
        self, ident: str, worker: str, lease_seconds: float,
        progress: Any = None,
    ) -> PlanRecord:  # fmt: skip
        plan = self._owned(ident, worker)
        changes: dict[str, Any] = {
            "lease_expires_at": self.store.clock().add(seconds=lease_seconds)
        }
        if progress is not None:
            changes["progress"] = progress
        return self._put(plan, **changes)

    def finish(self, ident: str, result: Plan, worker: str | None = None) -> PlanRecord:
        plan = self._owned(ident, worker) if worker is not None else self._open(ident)
        status = finished_status(result.status)
        plan = self._end(plan, status, result=_stored(result, plan), error=result.error)
        if status != "error":
            self._store_assignments(plan, result)
        return plan

    def fail(self, ident: str, error: Any, worker: str | None = None) -> PlanRecord:
        plan = self._owned(ident, worker) if worker is not None else self._open(ident)
        return self._end(plan, "error", error=error)

    def cancel(self, ident: str) -> PlanRecord:
        plan = self._open(ident)
        if cancel_ends_at_once(plan.status, plan.lease_expires_at, self.store.clock()):
            return self._end(plan, "error", error=CANCELLED)
        return self._put(plan, cancel_requested=True)

    def release(self, ident: str, worker: str) -> None:
        plan = self.get(ident)
        if holds(plan.status, plan.worker, worker):
            self._put(plan, lease_expires_at=self.store.clock().subtract(seconds=1))

    def publish(self, ident: str) -> PlanRecord:
        plan = self.get(ident)
        if not is_publishable(plan.status):
            raise ConflictError(msg("plan_not_finished", plan=ident, status=plan.status))
        if plan.published_at is not None:
            return plan
        rows = self.store.state.assignments
        before = _published(self.store, plan.area, plan.week_start)
        given: dict[tuple[str, str], FakeAssignment] = {}
        if before is not None:
            given = {(a.task, a.volunteer): a for a in rows if a.plan_id == before.id}
            self._put(before, published_at=None)
        week = FakeWeeks(self.store)._week(plan.area, plan.week_start)
        present = set(week.scenario.tasks)
        for a in (a for a in rows if a.plan_id == ident):
            old = given.get((a.task, a.volunteer))
            if old is not None and old.state != WITHDRAWN:
                a.ref = old.ref  # the id volunteers see stays while the pair does
            now = answer_on_publish(a.answer(), None if old is None else old.answer(),
                                    a.task in present)  # fmt: skip
            a.state, a.reason = now.state, now.reason
            a.responded_at = (
                None if now.responded_at is None else pendulum.instance(now.responded_at)
            )
        return self._put(plan, published_at=self.store.clock())

    def rescore(self, ident: str, result: Plan) -> PlanRecord:
        plan = self.get(ident)
        if not is_publishable(plan.status) or plan.published_at is not None:
            raise ConflictError(msg("plan_not_finished", plan=ident, status=plan.status))
        return self._put(plan, result=_stored(result, plan), status=result.status)

    def suggested(self, ident: str, result: Plan) -> None:
        plan = self.get(ident)
        if plan.result is not None:
            self._put(plan, result=suggestions_from(plan.result, result))

    def unmark_checking(self, owner: str | None = None, lease_seconds: float = 0.0) -> list[str]:
        marked, now, leases = [], self.store.clock(), self.store.state.checks_leases
        for p in list(self.store.state.plans.values()):
            held = leases.get(p.id)
            if held is not None and held[1] >= now:
                continue
            if p.result is not None and any(u.checking for u in p.result.unserved):
                unserved = [replace(u, checking=False) for u in p.result.unserved]
                self._put(p, result=replace(p.result, unserved=unserved))
                marked.append(p)
                leases.pop(p.id, None)
                if owner is not None:
                    leases[p.id] = (owner, now.add(seconds=lease_seconds))
        return sorted(p.id for p in marked)

    def hold_checks(self, ident: str, owner: str, lease_seconds: float) -> bool:
        self.get(ident)
        now, leases = self.store.clock(), self.store.state.checks_leases
        held = leases.get(ident)
        if held is not None and held[0] != owner and held[1] >= now:
            return False
        leases[ident] = (owner, now.add(seconds=lease_seconds))
        return True

    def end_checks(self, ident: str, owner: str) -> None:
        held = self.store.state.checks_leases.get(ident)
        if held is not None and held[0] == owner:
            del self.store.state.checks_leases[ident]

    def next_checks_free(self, other_than: str) -> pendulum.DateTime | None:
        plans = self.store.state.plans.items()
        marked = {i for i, p in plans if p.result and any(u.checking for u in p.result.unserved)}
        held = [
            u
            for i, (by, u) in self.store.state.checks_leases.items()
            if i in marked and by != other_than
        ]
        return min(held, default=None)

    def _open(self, ident: str) -> PlanRecord:
        plan = self.get(ident)
        if not is_open(plan.status):
            raise ConflictError(msg("plan_already_finished", plan=ident, status=plan.status))
        return plan

    def _owned(self, ident: str, worker: str) -> PlanRecord:
        plan = self.get(ident)
        if not holds(plan.status, plan.worker, worker):
            raise LeaseLost(f"plan {ident} is not {worker}'s to run any more")
        return plan

    def _end(self, plan: PlanRecord, status: str, *, result: Plan | None = None,
             error: Any = None) -> PlanRecord:  # fmt: skip
        return self._put(
            plan, status=status, result=result, error=error,
            finished_at=self.store.clock(), worker=None, lease_expires_at=None,
        )  # fmt: skip

    def _store_assignments(self, plan: PlanRecord, result: Plan) -> None:
        rows = self.store.state.assignments
        for a in result.assignments:
            for v in a.volunteers:
                ident = len(rows) + 1
                rows.append(FakeAssignment(
                    ident, ident, plan.id, a.task, v.id, v.role, v.team,
                    _instant(plan.clock, a.start), _instant(plan.clock, a.end),
                ))  # fmt: skip


def _stored(result: Plan, plan: PlanRecord) -> Plan:
    """The plan as a store gives it back: a copy, through its JSON (as the adapter keeps it)."""
    return plan_json.load(plan_json.dump(result, plan.clock, said=True), plan.clock)


def _instant(week: WeekClock, minute: int) -> pendulum.DateTime:
    return week.local_time(minute).in_timezone("UTC")


@dataclass
class FakeAssignments:
    store: FakeStore

    def _row(self, ident: int) -> FakeAssignment:
        """As the published plan has it; else as the last plan that had it."""
        plans = self.store.state.plans
        found = [a for a in self.store.state.assignments if a.ref == ident]
        if not found:
            raise NotFoundError("assignment", ident)
        return sorted(found, key=lambda a: (plans[a.plan_id].published_at is None, -a.id))[0]

    def _record(self, a: FakeAssignment) -> AssignmentRecord:
        plan = self.store.state.plans[a.plan_id]
        zone = self.store.state.areas[plan.area].timezone
        return AssignmentRecord(
            a.ref, a.plan_id, plan.area, plan.week_start, a.task, a.volunteer, a.role, a.team,
            None, a.start.in_timezone(zone), a.end.in_timezone(zone), zone, a.state, a.reason,
            a.responded_at,
        )  # fmt: skip

    def get(self, ident: int) -> AssignmentRecord:
        return self._record(self._row(ident))

    def for_plan(
        self, plan_id: str, tasks: Collection[str] | None = None
    ) -> list[AssignmentRecord]:
        if plan_id not in self.store.state.plans:
            raise NotFoundError("plan", plan_id)
        rows = [a for a in self.store.state.assignments if a.plan_id == plan_id
                and (tasks is None or a.task in tasks)]  # fmt: skip
        return [self._record(a) for a in sorted(rows, key=lambda a: (a.start, a.id))]

    def for_volunteer(
        self, area: str, volunteer: str, week_start: pendulum.Date
    ) -> list[AssignmentRecord]:
        rows = [a for a in _published_rows(self.store, area, week_start)
                if a.volunteer == volunteer and a.state != WITHDRAWN]  # fmt: skip
        return [self._record(a) for a in sorted(rows, key=lambda a: (a.start, a.id))]

    def for_calendar(
        self, area: str, volunteer: str, week_start: pendulum.Date
    ) -> list[list[AssignmentRecord]]:
        chain = self._chain(area, week_start)
        return [[self._record(a) for a in self.store.state.assignments
                 if a.plan_id == p and a.volunteer == volunteer] for p in chain]  # fmt: skip

    def _chain(self, area: str, week_start: pendulum.Date) -> list[str]:
        plan = _published(self.store, area, week_start)
        chain: list[str] = []
        while plan is not None and plan.id not in chain:
            chain.append(plan.id)
            if plan.kind != "repair" or plan.parent_id is None:
                break
            plan = self.store.state.plans.get(plan.parent_id)
        return chain

    def accept(self, ident: int) -> AssignmentRecord:
        a = self._answerable(ident)
        if a.state != ACCEPTED:
            a.state, a.responded_at = ACCEPTED, self.store.clock()
        return self._record(a)

    def decline(self, ident: int, reason: str | None = None) -> AssignmentRecord:
        a = self._answerable(ident, declining=True)
        if a.state != DECLINED:
            a.state, a.reason, a.responded_at = DECLINED, reason, self.store.clock()
        return self._record(a)

    def given(self, ident: int) -> bool:
        return self.store.state.plans[self._row(ident).plan_id].published_at is not None

    def marked(self, ident: int) -> str | None:
        return None  # the books' fakes (tests/fakes_ledger.py) keep outcomes apart

    def visits(self, plan_id: str) -> list[Visit]:
        return [Visit(a.volunteer, a.task, a.start, a.end) for a in self.store.state.assignments
                if a.plan_id == plan_id and a.state not in (DECLINED, WITHDRAWN)]  # fmt: skip

    def _answerable(self, ident: int, *, declining: bool = False) -> FakeAssignment:
        a = self._row(ident)
        plan = self.store.state.plans[a.plan_id]
        published = plan.published_at is not None
        in_chain = declining and a.plan_id in self._chain(plan.area, plan.week_start)
        why = answer_refusal(a.state, declining=declining, published=published, in_chain=in_chain)
        if why is not None:
            raise ConflictError(msg(why, id=ident, task=a.task))
        return a
