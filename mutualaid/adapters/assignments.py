"""The assignments a published plan gives each volunteer: read by volunteer, plan or
calendar, and answered (accepted or declined) under the week's lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy import DateTime, type_coerce
from sqlmodel import Session, col, select

from mutualaid.adapters.base import Repository, as_date, as_utc, maybe_utc
from mutualaid.adapters.ledger_tables import VisitOutcomeRow
from mutualaid.adapters.tables import AssignmentRow, PlanRow, WeekRow
from mutualaid.adapters.weekrows import WeekRows, week_id
from mutualaid.domain.lifecycle import ACCEPTED, DECLINED, WITHDRAWN, answer_refusal
from mutualaid.domain.notices import Visit
from mutualaid.messages import msg
from mutualaid.services.ports import AssignmentRecord, Clock, ConflictError, NotFoundError


class SqlAssignments(Repository):
    def __init__(self, session: Session, clock: Clock, weeks: WeekRows) -> None:
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

    def visits(self, plan_id: str) -> list[Visit]:
        """The visits the plan gives (not declined, not withdrawn): four columns, no
        records (a publish reads them twice, to tell volunteers what changed)."""
        plain = DateTime(timezone=True)  # not UTCDateTime's pendulum: 2/3 of the read's time
        stmt = select(
            AssignmentRow.volunteer_id, AssignmentRow.task_id,
            type_coerce(AssignmentRow.start_at, plain), type_coerce(AssignmentRow.end_at, plain),
        ).where(
            AssignmentRow.plan_id == plan_id,
            col(AssignmentRow.state).not_in((DECLINED, WITHDRAWN)),
        )  # fmt: skip
        return [Visit(v, t, _aware(s), _aware(e)) for v, t, s, e in self.session.exec(stmt)]

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
        chain = self._published_chain(week_id(week))
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

    def marked(self, ident: int) -> str | None:
        if not 0 < ident < 2**31:
            return None
        stmt = select(VisitOutcomeRow.state).where(VisitOutcomeRow.assignment_ref == ident)
        return self.session.exec(stmt).first()

    def accept(self, ident: int) -> AssignmentRecord:
        row = self._answerable(ident)
        if row.state != ACCEPTED:
            row.state, row.responded_at = ACCEPTED, self.now()
            self.session.flush()
        return self._record(row)

    def decline(self, ident: int, reason: str | None = None) -> AssignmentRecord:
        """Mark it declined (the use case records the decline for the week too, so no later
        plan of the week gives the volunteer this task). Declining twice changes nothing (and
        is answered with the declined assignment, even once a repair left it out of the
        published plan). Declined too when a repair gave the task to someone else just before
        (the plan the volunteer saw was published, and the published plan repaired it): a no
        is never lost (`given` then says False)."""
        row = self._answerable(ident, declining=True)
        if row.state != DECLINED:
            row.state, row.decline_reason, row.responded_at = DECLINED, reason, self.now()
            self.session.flush()
        return self._record(row)

    def _answerable(self, ident: int, *, declining: bool = False) -> AssignmentRow:
        """The assignment's row in the published plan, locked, with the week's lock held: an
        answer and a publish of the week are serialised, so no answer goes to a plan just
        replaced (and is lost there). ConflictError when it cannot be answered."""
        week = self.weeks.by_id(self._row(ident).week_id)
        self.weeks.lock(week.area_id, week.week_start)
        row = self._row(ident, lock=True)  # the published plan may have changed meanwhile
        published = self.session.exec(
            select(PlanRow.published_at).where(PlanRow.id == row.plan_id)
        ).first()
        in_chain = (
            declining and published is None and row.plan_id in self._published_chain(week_id(week))
        )
        why = answer_refusal(
            row.state, declining=declining, published=published is not None, in_chain=in_chain
        )
        if why is not None:
            raise ConflictError(msg(why, id=ident, task=row.task_id))
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


def _aware(value: dt.datetime) -> dt.datetime:
    """A stored time as an aware UTC datetime (SQLite gives it naive)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
