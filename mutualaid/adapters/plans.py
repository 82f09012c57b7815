"""Plans as jobs (queued -> running -> optimal | feasible | error, leased to workers) and the
assignments a finished plan gives each volunteer."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

import pendulum
from sqlalchemy import String, bindparam, exists, insert, type_coerce, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlmodel import Session, and_, col, or_, select

from mutualaid.adapters.base import Repository, as_date, as_utc, maybe_utc
from mutualaid.adapters.checks_leases import SqlChecksLeases
from mutualaid.adapters.marked import keeps_marked, marked_visits
from mutualaid.adapters.tables import AssignmentRow, PlanRow, TaskRow, WeekRow, metadata
from mutualaid.adapters.weekrows import WeekRows
from mutualaid.contract import plan_json
from mutualaid.domain.lifecycle import (
    ACTIVE,
    CANCELLED,
    FINISHED,
    PENDING,
    QUEUED,
    RUNNING,
    Answer,
    PlanRequest,
    answer_on_publish,
    cancel_ends_at_once,
    claim_refusal,
    finished_status,
    holds,
    is_open,
    is_publishable,
)
from mutualaid.domain.marks import MarkedVisit
from mutualaid.domain.model import WeekClock
from mutualaid.domain.plan import Plan, Reason, SolveProgress
from mutualaid.domain.week import expanded
from mutualaid.messages import msg
from mutualaid.services.ports import (
    ActivePlanExists,
    Clock,
    ConflictError,
    LeaseLost,
    NotFoundError,
    PlanRecord,
)

DONE = FINISHED
_RESULT: Any = PlanRow.result


class SqlPlans(SqlChecksLeases, Repository):
    def __init__(self, session: Session, clock: Clock, weeks: WeekRows) -> None:
        super().__init__(session, clock)
        self.weeks = weeks

    def create(
        self, area: str, week_start: dt.date, *, kind: str = "solve",
        parent_id: str | None = None, request: PlanRequest | None = None,
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
            request=(request or PlanRequest()).to_json(),
            created_at=self.now(),
        )
        try:
            with self.savepoint():
                self.session.add(row)
        except IntegrityError:
            raise ActivePlanExists(area, as_date(week.week_start)) from None
        return self._record(row, week)

    def row(self, ident: str, *, lock: bool = False) -> PlanRow:
        """The plan's row, read again; its result (the whole plan's JSON, thousands of
        values) only once something reads it."""
        stmt = (
            select(PlanRow)
            .where(PlanRow.id == ident)
            .options(defer(_RESULT))
            .execution_options(populate_existing=True)
        )
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.exec(stmt).first()
        if row is None:
            raise NotFoundError("plan", ident)
        self.session.expire(row, ["result"])  # loaded before: read again when read
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
        stmt = select(PlanRow).where(PlanRow.week_id == week.id, col(PlanRow.status).in_(ACTIVE))
        return self.session.exec(stmt.execution_options(populate_existing=True)).first()

    def published(self, area: str, week_start: dt.date) -> PlanRecord | None:
        week = self.weeks.row(area, week_start)
        row = self._published_row(week.id)
        return None if row is None else self._record(row, week)

    def published_id(self, area: str, week_start: dt.date) -> str | None:
        week = self.weeks.row(area, week_start)
        stmt = select(PlanRow.id).where(
            PlanRow.week_id == week.id, col(PlanRow.published_at).is_not(None)
        )
        return self.session.exec(stmt).first()

    def marked_visits(self, plan: str) -> list[MarkedVisit]:
        return marked_visits(self.session, plan)

    def _published_row(self, week_id: int | None) -> PlanRow | None:
        stmt = (
            select(PlanRow)
            .where(PlanRow.week_id == week_id, col(PlanRow.published_at).is_not(None))
            .options(defer(_RESULT))
        )
        row = self.session.exec(stmt.execution_options(populate_existing=True)).first()
        if row is not None:
            self.session.expire(row, ["result"])
        return row

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
                        col(PlanRow.status) == QUEUED,
                        and_(
                            col(PlanRow.status) == RUNNING,
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
            why = claim_refusal(row.status, row.cancel_requested, row.attempts, max_attempts)
            if why is not None:
                self._end(row, "error", error=why)
                continue
            row.status = RUNNING
            row.worker = worker
            row.attempts += 1
            row.started_at = row.started_at or now
            row.lease_expires_at = now.add(seconds=lease_seconds)
            self.session.flush()
            return self._record(row)

    def heartbeat(
        self, ident: str, worker: str, lease_seconds: float,
        progress: SolveProgress | None = None,
    ) -> PlanRecord:  # fmt: skip
        """Extend `worker`'s lease and store progress (best coverage, bound, elapsed ...).
        LeaseLost when the plan is no longer this worker's to run; the record's
        `cancel_requested` tells the worker to stop."""
        row = self._owned(ident, worker)
        row.lease_expires_at = self.now().add(seconds=lease_seconds)
        if progress is not None:
            row.progress = plan_json.progress_json(progress)
        self.session.flush()
        return self._record(row)

    def finish(self, ident: str, result: Plan, worker: str | None = None) -> PlanRecord:
        """Store the plan (as the contract's plan JSON, its reasons kept as data) as the
        result, its status as the plan's, and one assignment row per volunteer per task.
        With `worker`, only that worker's run may."""
        row = self._owned(ident, worker) if worker is not None else self._open(ident)
        status = finished_status(result.status)
        data = plan_json.dump(result, self._clock(row), said=True)
        self._end(row, status, result=data, error=result.error)
        if status != "error":
            self._store_assignments(row, data)
        self.session.flush()
        return self._record(row)

    def _clock(self, row: PlanRow, week: WeekRow | None = None) -> WeekClock:
        """The plan's week and zone (the area's), which its JSON's times are written in."""
        if week is None:
            week = self.session.get(WeekRow, row.week_id)
            assert week is not None
        return WeekClock(as_date(week.week_start), self.weeks.area(row.area_id).timezone)

    def fail(self, ident: str, error: Reason, worker: str | None = None) -> PlanRecord:
        row = self._owned(ident, worker) if worker is not None else self._open(ident)
        self._end(row, "error", error=error)
        return self._record(row)

    def cancel(self, ident: str) -> PlanRecord:
        """A queued plan ends at once (error: cancelled), and so does a running one whose
        lease ran out (no live worker holds it: a live one heartbeats); a running one is
        asked to stop (its worker sees `cancel_requested` at its next heartbeat).
        ConflictError if done."""
        row = self._open(ident)
        if cancel_ends_at_once(row.status, maybe_utc(row.lease_expires_at), self.now()):
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
        if holds(row.status, row.worker, worker):
            row.lease_expires_at = self.now().subtract(seconds=1)
            self.session.flush()

    def _open(self, ident: str) -> PlanRow:
        row = self.row(ident, lock=True)
        if not is_open(row.status):
            raise ConflictError(msg("plan_already_finished", plan=ident, status=row.status))
        return row

    def _owned(self, ident: str, worker: str) -> PlanRow:
        row = self.row(ident, lock=True)
        if not holds(row.status, row.worker, worker):
            raise LeaseLost(f"plan {ident} is not {worker}'s to run any more")
        return row

    def _end(
        self, row: PlanRow, status: str, *, result: dict[str, Any] | None = None,
        error: Reason | str | None = None,
    ) -> None:  # fmt: skip
        row.status = status
        row.result = result
        if isinstance(error, Reason):
            row.error = plan_json.stored_text(error)
        else:  # a plan's own error text (the solver's), or none
            row.error = error
        row.finished_at = self.now()
        row.worker = None
        row.lease_expires_at = None
        self.session.flush()

    def _store_assignments(self, row: PlanRow, result: Mapping[str, Any]) -> None:
        zone = self.weeks.area(row.area_id).timezone
        residents: dict[str, str | None] = {}
        listed = select(TaskRow.id, TaskRow.every, TaskRow.resident_id)  # not the JSON columns
        for task, every, resident in self.session.exec(
            listed.where(TaskRow.week_id == row.week_id)
        ):
            for tid in expanded(task, every):
                residents[tid] = resident
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
                "state": PENDING,
            }
            for a in [*(result.get("assignments") or ()), *(result.get("marked_kept") or ())]
            for v in a["volunteers"]  # a marked visit kept apart from its grown task is one
        ]
        if rows:  # one executemany, not an ORM object per row (a district plan has thousands)
            self.session.flush()
            table = metadata.tables[AssignmentRow.__tablename__]  # Core: the ORM's bulk insert
            self.session.connection().execute(insert(table), rows)  # costs a second per 4,000
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
        week = self.weeks.by_id(row.week_id)
        self.weeks.lock(week.area_id, week.week_start)
        row = self.row(ident, lock=True)
        if not is_publishable(row.status):
            raise ConflictError(msg("plan_not_finished", plan=ident, status=row.status))
        if row.published_at is not None:
            return self._record(row, week)
        before = self._published_row(row.week_id)
        given: dict[tuple[str, str], Answer] = {}
        if before is not None:
            keeps_marked(self.session, before.id, row.id)
            given = {pair: answer for _, pair, answer in self._answers(before.id)}
            self._carry_refs(before.id, row.id)
            before.published_at = None
            self.session.flush()  # the unique index allows one published plan per week
        row.published_at = self.now()
        present = self.weeks.task_ids(week)
        changed: list[dict[str, Any]] = []
        for row_id, (task, volunteer), was in self._answers(row.id):
            now = answer_on_publish(was, given.get((task, volunteer)), task in present)
            if now != was:
                changed.append({"row": row_id, "state": now.state, "reason": now.reason,
                                "at": now.responded_at})  # fmt: skip
        if changed:  # one executemany: a district plan carries thousands of answers over
            table = metadata.tables[AssignmentRow.__tablename__]
            self.session.execute(
                update(table)
                .where(table.c.id == bindparam("row"))
                .values(
                    state=bindparam("state"),
                    decline_reason=bindparam("reason"),
                    responded_at=bindparam("at"),
                ),
                changed,
            )
            for held in list(self.session.identity_map.values()):
                if isinstance(held, AssignmentRow) and held.plan_id == row.id:
                    self.session.expire(held)  # this session's copies are stale now
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

    def rescore(self, ident: str, result: Plan) -> PlanRecord:
        """Replace a finished, unpublished plan's result by the same assignments scored
        again (`Repairer.rescore`); its assignment rows stay as they are."""
        row = self.row(ident, lock=True)
        if not is_publishable(row.status) or row.published_at is not None:
            raise ConflictError(msg("plan_not_finished", plan=ident, status=row.status))
        row.result = plan_json.dump(result, self._clock(row), said=True)
        row.status = result.status
        self.session.flush()
        return self._record(row)

    def suggested(self, ident: str, result: Plan) -> None:
        row = self.row(ident, lock=True)
        if row.result is None:
            return
        newer = plan_json.dump(result, self._clock(row), said=True)
        by_task = {u["task"]: u for u in newer.get("unserved") or ()}
        keys = ("suggestions", "suggestions_checking")
        unserved = []
        for entry in row.result.get("unserved") or ():
            now = by_task.get(entry.get("task"))
            if now is not None:
                entry = {k: v for k, v in entry.items() if k not in keys}
                entry.update({k: now[k] for k in keys if k in now})
            unserved.append(entry)
        row.result = {**row.result, "unserved": unserved}  # a new value: the column is written
        self.session.flush()

    def _answers(self, plan_id: str) -> list[tuple[int, tuple[str, str], Answer]]:
        """Each assignment of the plan: its row id, (task, volunteer) and answer; raw rows,
        the times compared as stored (no objects built)."""
        table = metadata.tables[AssignmentRow.__tablename__]
        stmt = core_select(
            table.c.id, table.c.task_id, table.c.volunteer_id, table.c.state,
            table.c.decline_reason, table.c.responded_at,
            type_coerce(table.c.start_at, String), type_coerce(table.c.end_at, String),
        ).where(table.c.plan_id == plan_id)  # fmt: skip
        return [
            (ident, (task, volunteer), Answer(state, reason, at, start, end))
            for ident, task, volunteer, state, reason, at, start, end in self.session.execute(stmt)
        ]

    def _record(self, row: PlanRow, week: WeekRow | None = None) -> PlanRecord:
        if week is None:
            week = self.session.get(WeekRow, row.week_id)
            assert week is not None
        clock = self._clock(row, week)
        return PlanRecord(
            id=row.id,
            area=row.area_id,
            week_start=as_date(week.week_start),
            kind=row.kind,
            parent_id=row.parent_id,
            status=row.status,
            progress=plan_json.progress_of(row.progress),
            request=PlanRequest.from_json(row.request),
            result=None if row.result is None else plan_json.load(row.result, clock),
            error=None if row.error is None else plan_json.read_text(row.error),
            created_at=as_utc(row.created_at),
            started_at=maybe_utc(row.started_at),
            finished_at=maybe_utc(row.finished_at),
            published_at=maybe_utc(row.published_at),
            attempts=row.attempts,
            worker=row.worker,
            lease_expires_at=maybe_utc(row.lease_expires_at),
            cancel_requested=row.cancel_requested,
            timezone=clock.timezone,
        )


def _week_id(week: WeekRow) -> int:
    assert week.id is not None
    return week.id


def _instant(text: str, zone: str) -> dt.datetime:
    """An ISO time from a plan, in UTC; one without an offset is read in the area's zone."""
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return pendulum.instance(parsed, tz=zone).in_timezone("UTC")
    return parsed.astimezone(dt.UTC)
