"""Plans as jobs (queued -> running -> optimal | feasible | error, leased to workers) and the
assignments a finished plan gives each volunteer."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from typing import Any

import pendulum
from sqlalchemy import exists, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, and_, col, or_, select

from mutualaid.adapters.base import Repository, as_date, as_utc, maybe_utc
from mutualaid.adapters.tables import AssignmentRow, PlanRow, TaskRow, WeekRow, metadata
from mutualaid.adapters.weeks import SqlWeeks, expanded_ids
from mutualaid.messages import msg
from mutualaid.services.ports import (
    ActivePlanExists,
    AssignmentRecord,
    Clock,
    ConflictError,
    LeaseLost,
    NotFoundError,
    PlanRecord,
)

DONE = ("optimal", "feasible", "error")
CANCELLED = "cancelled"


class SqlPlans(Repository):
    def __init__(self, session: Session, clock: Clock, weeks: SqlWeeks) -> None:
        super().__init__(session, clock)
        self.weeks = weeks

    def create(
        self, area: str, week_start: dt.date, *, kind: str = "solve",
        parent_id: str | None = None, request: Mapping[str, Any] | None = None,
    ) -> PlanRecord:  # fmt: skip
        """A queued plan for an existing week. ActivePlanExists when one is queued or
        running; the partial unique index holds that line against concurrent requests."""
        week = self.weeks.row(area, week_start)
        if self._active_row(week) is not None:
            raise ActivePlanExists(area, as_date(week.week_start))
        row = PlanRow(
            id=uuid.uuid4().hex,
            area_id=area,
            week_id=_week_id(week),
            kind=kind,
            parent_id=parent_id,
            request=dict(request or {}),
            created_at=self.now(),
        )
        try:
            with self.savepoint():
                self.session.add(row)
        except IntegrityError:
            raise ActivePlanExists(area, as_date(week.week_start)) from None
        return self._record(row, week)

    def row(self, ident: str, *, lock: bool = False) -> PlanRow:
        stmt = select(PlanRow).where(PlanRow.id == ident).execution_options(populate_existing=True)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.exec(stmt).first()
        if row is None:
            raise NotFoundError("plan", ident)
        return row

    def get(self, ident: str) -> PlanRecord:
        return self._record(self.row(ident))

    def for_week(self, area: str, week_start: dt.date) -> list[PlanRecord]:
        week = self.weeks.row(area, week_start)
        stmt = (
            select(PlanRow)
            .where(PlanRow.week_id == week.id)
            .order_by(col(PlanRow.created_at), col(PlanRow.id))
        )
        return [self._record(r, week) for r in self.session.exec(stmt)]

    def active(self, area: str, week_start: dt.date) -> PlanRecord | None:
        week = self.weeks.row(area, week_start)
        row = self._active_row(week)
        return None if row is None else self._record(row, week)

    def _active_row(self, week: WeekRow) -> PlanRow | None:
        stmt = select(PlanRow).where(
            PlanRow.week_id == week.id, col(PlanRow.status).in_(("queued", "running"))
        )
        return self.session.exec(stmt.execution_options(populate_existing=True)).first()

    def published(self, area: str, week_start: dt.date) -> PlanRecord | None:
        week = self.weeks.row(area, week_start)
        row = self._published_row(week.id)
        return None if row is None else self._record(row, week)

    def _published_row(self, week_id: int | None) -> PlanRow | None:
        stmt = select(PlanRow).where(
            PlanRow.week_id == week_id, col(PlanRow.published_at).is_not(None)
        )
        return self.session.exec(stmt.execution_options(populate_existing=True)).first()

    # --- the dispatcher's side ------------------------------------------------------------

    def claim(self, worker: str, lease_seconds: float, max_attempts: int = 3) -> PlanRecord | None:
        """Give `worker` the oldest queued plan, or a running one whose lease ran out (its
        worker died); None when there is none. A plan whose runs died `max_attempts` times
        is failed instead of run again; one cancelled while its worker died is failed too."""
        now = self.now()
        while True:
            stmt = (
                select(PlanRow)
                .where(
                    or_(
                        col(PlanRow.status) == "queued",
                        and_(
                            col(PlanRow.status) == "running",
                            col(PlanRow.lease_expires_at) < now,
                        ),
                    )
                )
                .order_by(col(PlanRow.created_at), col(PlanRow.id))
                .limit(1)
                .with_for_update(skip_locked=True)
                .execution_options(populate_existing=True)
            )
            row = self.session.exec(stmt).first()
            if row is None:
                return None
            if row.status == "running" and (row.cancel_requested or row.attempts >= max_attempts):
                why = CANCELLED if row.cancel_requested else f"gave up after {row.attempts} runs"
                self._end(row, "error", error=why)
                continue
            row.status = "running"
            row.worker = worker
            row.attempts += 1
            row.started_at = row.started_at or now
            row.lease_expires_at = now.add(seconds=lease_seconds)
            self.session.flush()
            return self._record(row)

    def heartbeat(
        self, ident: str, worker: str, lease_seconds: float,
        progress: Mapping[str, Any] | None = None,
    ) -> PlanRecord:  # fmt: skip
        """Extend `worker`'s lease and store progress (best coverage, bound, elapsed ...).
        LeaseLost when the plan is no longer this worker's to run; the record's
        `cancel_requested` tells the worker to stop."""
        row = self._owned(ident, worker)
        row.lease_expires_at = self.now().add(seconds=lease_seconds)
        if progress is not None:
            row.progress = dict(progress)
        self.session.flush()
        return self._record(row)

    def finish(
        self, ident: str, result: Mapping[str, Any], worker: str | None = None
    ) -> PlanRecord:
        """Store the contract plan JSON as the result, its status as the plan's, and one
        assignment row per volunteer per task. With `worker`, only that worker's run may."""
        row = self._owned(ident, worker) if worker is not None else self._open(ident)
        status = str(result.get("status", "error"))
        if status not in DONE:
            raise ValueError(f"a finished plan is optimal, feasible or error, not {status!r}")
        self._end(row, status, result=dict(result), error=result.get("error"))
        if status != "error":
            self._store_assignments(row, result)
        self.session.flush()
        return self._record(row)

    def fail(self, ident: str, error: str, worker: str | None = None) -> PlanRecord:
        row = self._owned(ident, worker) if worker is not None else self._open(ident)
        self._end(row, "error", error=error)
        return self._record(row)

    def cancel(self, ident: str) -> PlanRecord:
        """A queued plan ends at once (error: cancelled), and so does a running one whose
        lease ran out (no live worker holds it: a live one heartbeats); a running one is
        asked to stop (its worker sees `cancel_requested` at its next heartbeat).
        ConflictError if done."""
        row = self._open(ident)
        expired = row.lease_expires_at is not None and as_utc(row.lease_expires_at) < self.now()
        if row.status == "queued" or (row.status == "running" and expired):
            self._end(row, "error", error=CANCELLED)
        else:
            row.cancel_requested = True
            self.session.flush()
        return self._record(row)

    def release(self, ident: str, worker: str) -> None:
        """`worker`'s run of the plan is known to have died (its task failed): its lease
        ends now, so the next claim takes the plan again (or ends it, if cancelled) without
        waiting for the lease to run out. Nothing when the plan is no longer that worker's."""
        row = self.row(ident, lock=True)
        if row.status == "running" and row.worker == worker:
            row.lease_expires_at = self.now().subtract(seconds=1)
            self.session.flush()

    def _open(self, ident: str) -> PlanRow:
        row = self.row(ident, lock=True)
        if row.status in DONE:
            raise ConflictError(msg("plan_already_finished", plan=ident, status=row.status))
        return row

    def _owned(self, ident: str, worker: str) -> PlanRow:
        row = self.row(ident, lock=True)
        if row.status != "running" or row.worker != worker:
            raise LeaseLost(f"plan {ident} is not {worker}'s to run any more")
        return row

    def _end(
        self, row: PlanRow, status: str, *, result: dict[str, Any] | None = None,
        error: Any = None,
    ) -> None:  # fmt: skip
        row.status = status
        row.result = result
        row.error = None if error is None else str(error)
        row.finished_at = self.now()
        row.worker = None
        row.lease_expires_at = None
        self.session.flush()

    def _store_assignments(self, row: PlanRow, result: Mapping[str, Any]) -> None:
        week = self.session.get(WeekRow, row.week_id)
        assert week is not None
        zone = self.weeks.areas.row(row.area_id).timezone
        residents: dict[str, str | None] = {}
        for task in self.session.exec(select(TaskRow).where(TaskRow.week_id == row.week_id)):
            for tid in expanded_ids(task):
                residents[tid] = task.resident_id
        rows = [
            {
                "plan_id": row.id,
                "area_id": row.area_id,
                "week_id": row.week_id,
                "task_id": str(a["task"]),
                "volunteer_id": str(v["id"]),
                "role": int(v["role"]),
                "team_id": v.get("team"),
                "resident_id": residents.get(str(a["task"])),
                "start_at": _instant(a["start"], zone),
                "end_at": _instant(a["end"], zone),
                "timezone": zone,
                "state": "pending",
            }
            for a in result.get("assignments") or ()
            for v in a["volunteers"]
        ]
        if rows:  # one executemany, not an ORM object per row (a district plan has thousands)
            self.session.execute(insert(AssignmentRow), rows)
            # each a new assignment until publishing finds it in the published plan
            self.session.execute(
                update(AssignmentRow)
                .where(col(AssignmentRow.plan_id) == row.id, col(AssignmentRow.ref).is_(None))
                .values(ref=AssignmentRow.id)
            )

    # --- publishing -----------------------------------------------------------------------

    def publish(self, ident: str) -> PlanRecord:
        """Make the plan the week's published plan (replacing the one before, if any).
        An assignment the plan before also had (same task and volunteer, not withdrawn) keeps
        its id, even at a new time; the answer given carries over only when the times are
        the same too (else it is asked again: pending). ConflictError unless the plan is
        optimal or feasible."""
        row = self.row(ident)
        week = self.session.get(WeekRow, row.week_id)
        assert week is not None
        self.weeks.row(week.area_id, week.week_start, lock=True)
        row = self.row(ident, lock=True)
        if row.status not in ("optimal", "feasible"):
            raise ConflictError(msg("plan_not_finished", plan=ident, status=row.status))
        if row.published_at is not None:
            return self._record(row, week)
        before = self._published_row(row.week_id)
        given: dict[tuple[str, str], AssignmentRow] = {}
        if before is not None:
            given = {(a.task_id, a.volunteer_id): a for a in self._assignment_rows(before.id)}
            self._carry_refs(before.id, row.id)
            before.published_at = None
            self.session.flush()  # the unique index allows one published plan per week
        row.published_at = self.now()
        present = self.weeks.task_ids(week)
        for a in self._assignment_rows(row.id):
            if a.state == "withdrawn" and a.task_id in present:
                # withdrawn while an earlier publication of this plan was out, and the task
                # came back since: published again, the plan gives it again
                a.state, a.decline_reason, a.responded_at = "pending", None, None
            old = given.get((a.task_id, a.volunteer_id))
            if old is None or old.state == "withdrawn":
                continue  # a new assignment (a task withdrawn and back is a new request)
            same_times = (old.start_at, old.end_at) == (a.start_at, a.end_at)
            if same_times and a.state == "pending":
                a.state, a.decline_reason = old.state, old.decline_reason
                a.responded_at = old.responded_at
        self.session.flush()
        return self._record(row, week)

    def _carry_refs(self, before: str, plan: str) -> None:
        """Each row of `plan` takes the ref (the id volunteers see) of the row of the same
        task and volunteer in `before`, unless that one was withdrawn: one UPDATE, not one
        per row (a district plan has thousands, nearly all carried over)."""
        rows = metadata.tables[AssignmentRow.__tablename__]
        old = rows.alias("before")
        same = and_(
            old.c.plan_id == before,
            old.c.task_id == rows.c.task_id,
            old.c.volunteer_id == rows.c.volunteer_id,
            old.c.state != "withdrawn",
        )
        self.session.execute(
            update(rows)
            .where(rows.c.plan_id == plan, exists().where(same))
            .values(ref=select(old.c.ref).where(same).scalar_subquery())
        )

    def rescore(self, ident: str, result: Mapping[str, Any]) -> PlanRecord:
        """Replace a finished, unpublished plan's result by the same assignments scored
        again (`Repairer.rescore`); its assignment rows stay as they are."""
        row = self.row(ident, lock=True)
        if row.status not in ("optimal", "feasible") or row.published_at is not None:
            raise ConflictError(msg("plan_not_finished", plan=ident, status=row.status))
        row.result = dict(result)
        row.status = str(result.get("status", row.status))
        self.session.flush()
        return self._record(row)

    def _assignment_rows(self, plan_id: str) -> list[AssignmentRow]:
        stmt = select(AssignmentRow).where(AssignmentRow.plan_id == plan_id)
        return list(self.session.exec(stmt.execution_options(populate_existing=True)))

    def _record(self, row: PlanRow, week: WeekRow | None = None) -> PlanRecord:
        if week is None:
            week = self.session.get(WeekRow, row.week_id)
            assert week is not None
        return PlanRecord(
            id=row.id,
            area=row.area_id,
            week_start=as_date(week.week_start),
            kind=row.kind,
            parent_id=row.parent_id,
            status=row.status,
            progress=dict(row.progress),
            request=dict(row.request),
            result=None if row.result is None else dict(row.result),
            error=row.error,
            created_at=as_utc(row.created_at),
            started_at=maybe_utc(row.started_at),
            finished_at=maybe_utc(row.finished_at),
            published_at=maybe_utc(row.published_at),
            attempts=row.attempts,
            worker=row.worker,
            lease_expires_at=maybe_utc(row.lease_expires_at),
            cancel_requested=row.cancel_requested,
        )


class SqlAssignments(Repository):
    def __init__(self, session: Session, clock: Clock, weeks: SqlWeeks) -> None:
        super().__init__(session, clock)
        self.weeks = weeks

    def get(self, ident: int) -> AssignmentRecord:
        return self._record(self._row(ident))

    def _row(self, ident: int, *, lock: bool = False) -> AssignmentRow:
        """The assignment `ident` (a ref) as the week's published plan has it; when that plan
        no longer has it, as the last plan that had it."""
        if not 0 < ident < 2**31:  # no such row, and past what an INTEGER column can compare
            raise NotFoundError("assignment", ident)
        stmt = (
            select(AssignmentRow)
            .join(PlanRow, col(PlanRow.id) == col(AssignmentRow.plan_id))
            .where(col(AssignmentRow.ref) == ident)
            .order_by(col(PlanRow.published_at).is_(None), col(AssignmentRow.id).desc())
            .limit(1)
        )
        if lock:
            stmt = stmt.with_for_update(of=AssignmentRow)
        row = self.session.exec(stmt.execution_options(populate_existing=True)).first()
        if row is None:
            raise NotFoundError("assignment", ident)
        return row

    def for_plan(
        self, plan_id: str, tasks: Collection[str] | None = None
    ) -> list[AssignmentRecord]:
        """The plan's assignments by start; only those of `tasks` (expanded ids) if given."""
        stmt = select(AssignmentRow).where(AssignmentRow.plan_id == plan_id)
        if tasks is not None:
            stmt = stmt.where(col(AssignmentRow.task_id).in_(sorted(set(tasks))))
        rows = self.session.exec(stmt.order_by(col(AssignmentRow.start_at), col(AssignmentRow.id)))
        found = [self._record(r) for r in rows]  # the week: read once, then from the session
        # (not the plan row: loading it would decode its whole result)
        if (
            not found
            and self.session.exec(select(PlanRow.id).where(PlanRow.id == plan_id)).first() is None
        ):
            raise NotFoundError("plan", plan_id)
        return found

    def for_volunteer(
        self, area: str, volunteer: str, week_start: dt.date
    ) -> list[AssignmentRecord]:
        """The volunteer's assignments in the week's published plan, by start (none when
        nothing is published); those of tasks withdrawn since are left out."""
        week = self.weeks.row(area, week_start)
        stmt = (
            select(AssignmentRow)
            .join(PlanRow, col(PlanRow.id) == col(AssignmentRow.plan_id))
            .where(
                col(PlanRow.week_id) == week.id,
                col(PlanRow.published_at).is_not(None),
                col(AssignmentRow.volunteer_id) == volunteer,
                col(AssignmentRow.state) != "withdrawn",
            )
            .order_by(col(AssignmentRow.start_at), col(AssignmentRow.id))
        )
        return [self._record(r, week) for r in self.session.exec(stmt)]

    def for_calendar(
        self, area: str, volunteer: str, week_start: dt.date
    ) -> list[list[AssignmentRecord]]:
        """The volunteer's assignments in the week's published plan and in the plans it
        repaired (each published before it), newest plan first, then those of other plans of
        the week that were answered or withdrawn (so published once, then replaced by
        another solve): a calendar feed cancels what is no longer the volunteer's. One list
        per plan, the current one first, the others' last."""
        week = self.weeks.row(area, week_start)
        chain = self._published_chain(_week_id(week))
        if not chain:
            return []
        stmt = (
            select(AssignmentRow)
            .where(
                col(AssignmentRow.plan_id).in_(chain),
                col(AssignmentRow.volunteer_id) == volunteer,
            )
            .order_by(col(AssignmentRow.start_at), col(AssignmentRow.id))
        )
        by_plan: dict[str, list[AssignmentRecord]] = {p: [] for p in chain}
        for row in self.session.exec(stmt):
            by_plan[row.plan_id].append(self._record(row, week))
        # pending rows of a replaced plan cannot be told from a never-published plan's
        answered = (
            select(AssignmentRow)
            .where(
                col(AssignmentRow.week_id) == week.id,
                col(AssignmentRow.volunteer_id) == volunteer,
                col(AssignmentRow.plan_id).not_in(chain),
                col(AssignmentRow.state).in_(("accepted", "declined", "withdrawn")),
            )
            .order_by(col(AssignmentRow.responded_at).desc(), col(AssignmentRow.id).desc())
        )
        others = [self._record(r, week) for r in self.session.exec(answered)]
        return [by_plan[p] for p in chain] + [others]

    def _published_chain(self, week_id: int) -> list[str]:
        """The week's published plan and the plans it repaired (each published before it),
        newest first; empty when nothing is published."""
        # ids, kinds and parents only: a plan row's result is the whole plan
        head = select(PlanRow.id, PlanRow.kind, PlanRow.parent_id)
        link = self.session.exec(
            head.where(PlanRow.week_id == week_id, col(PlanRow.published_at).is_not(None))
        ).first()
        chain: list[str] = []
        while link is not None and link[0] not in chain:
            chain.append(link[0])
            if link[1] != "repair" or link[2] is None:
                break
            link = self.session.exec(head.where(PlanRow.id == link[2])).first()
        return chain

    def given(self, ident: int) -> bool:
        """Whether the week's published plan gives the assignment (a repair may have
        given its task to someone else since the volunteer saw it)."""
        row = self._row(ident)
        stmt = select(PlanRow.published_at).where(PlanRow.id == row.plan_id)
        return self.session.exec(stmt).first() is not None

    def accept(self, ident: int) -> AssignmentRecord:
        row = self._answerable(ident)
        if row.state != "accepted":
            row.state, row.responded_at = "accepted", self.now()
            self.session.flush()
        return self._record(row)

    def decline(self, ident: int, reason: str | None = None) -> AssignmentRecord:
        """Mark it declined and record the decline for the week, so no later plan of the
        week gives the volunteer this task. Declining twice changes nothing (and is answered
        with the declined assignment, even once a repair left it out of the published plan).
        Recorded too when a repair gave the task to someone else just before (the plan the
        volunteer saw was published, and the published plan repaired it): a no is never
        lost, so no later solve gives the task back to them (`given` then says False)."""
        row = self._answerable(ident, declining=True)
        if row.state != "declined":
            row.state, row.decline_reason, row.responded_at = "declined", reason, self.now()
            week = self.session.get(WeekRow, row.week_id)
            assert week is not None
            self.weeks.add_decline(
                row.area_id, week.week_start, row.task_id, row.volunteer_id, reason
            )
            self.session.flush()
        return self._record(row)

    def _answerable(self, ident: int, *, declining: bool = False) -> AssignmentRow:
        """The assignment's row in the published plan, locked, with the week's lock held: an
        answer and a publish of the week are serialised, so no answer goes to a plan just
        replaced (and is lost there). ConflictError when it cannot be answered."""
        week = self.session.get(WeekRow, self._row(ident).week_id)
        assert week is not None
        self.weeks.lock(week.area_id, week.week_start)
        row = self._row(ident, lock=True)  # the published plan may have changed meanwhile
        if row.state == "declined":
            if declining:
                return row
            raise ConflictError(msg("assignment_was_declined", id=ident))
        if row.state == "withdrawn":
            raise ConflictError(msg("assignment_withdrawn", task=row.task_id))
        published = self.session.exec(
            select(PlanRow.published_at).where(PlanRow.id == row.plan_id)
        ).first()
        if published is None and not (
            declining and row.plan_id in self._published_chain(row.week_id)
        ):
            raise ConflictError(msg("assignment_not_published", id=ident))
        return row

    def _record(self, row: AssignmentRow, week: WeekRow | None = None) -> AssignmentRecord:
        if week is None:
            week = self.session.get(WeekRow, row.week_id)
            assert week is not None
        assert row.ref is not None
        return AssignmentRecord(
            id=row.ref,
            plan_id=row.plan_id,
            area=row.area_id,
            week_start=as_date(week.week_start),
            task=row.task_id,
            volunteer=row.volunteer_id,
            role=row.role,
            team=row.team_id,
            resident=row.resident_id,
            start=as_utc(row.start_at).in_timezone(row.timezone),
            end=as_utc(row.end_at).in_timezone(row.timezone),
            timezone=row.timezone,
            state=row.state,
            decline_reason=row.decline_reason,
            responded_at=maybe_utc(row.responded_at),
        )


def _week_id(week: WeekRow) -> int:
    assert week.id is not None
    return week.id


def _instant(text: str, zone: str) -> pendulum.DateTime:
    """An ISO time from a plan; one without an offset is read in the area's zone."""
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return pendulum.instance(parsed, tz=zone).in_timezone("UTC")
    return pendulum.instance(parsed).in_timezone("UTC")
