"""The backlog's and the ledger's repositories: requests and their draws, visits' outcomes,
and the append-only hours ledger (rows are inserted, never updated or deleted)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from mutualaid.adapters.base import Repository, as_date, as_utc, maybe_utc
from mutualaid.adapters.ledger_tables import (
    LedgerEntryRow,
    RequestDrawRow,
    RequestRow,
    VisitOutcomeRow,
)
from mutualaid.adapters.tables import VolunteerRow
from mutualaid.domain.backlog import Draw, Request, Window
from mutualaid.domain.ledger import LedgerEntry, NewEntry, VisitOutcome
from mutualaid.domain.model import SkillNeed
from mutualaid.messages import msg
from mutualaid.services.ports import ConflictError, NotFoundError


class SqlRequests(Repository):
    def all(self, area: str, statuses: Sequence[str] | None = None) -> list[Request]:
        stmt = select(RequestRow).where(RequestRow.area_id == area)
        if statuses is not None:
            stmt = stmt.where(col(RequestRow.status).in_(list(statuses)))
        stmt = stmt.order_by(col(RequestRow.recorded_on), col(RequestRow.created_at))
        return [_request(r) for r in self.session.exec(stmt.order_by(col(RequestRow.id)))]

    def _row(self, area: str, ident: str) -> RequestRow:
        row = self.session.get(RequestRow, (area, ident))
        if row is None:
            raise NotFoundError("request", ident)
        return row

    def get(self, area: str, ident: str) -> Request:
        return _request(self._row(area, ident))

    def add(self, request: Request) -> None:
        if self.session.get(RequestRow, (request.area, request.id)) is not None:
            raise ConflictError(msg("request_exists", id=request.id))
        now = self.now()
        self.session.add(RequestRow(**_values(request), created_at=now, updated_at=now))
        self.session.flush()

    def update(self, request: Request) -> None:
        row = self._row(request.area, request.id)
        for key, value in _values(request).items():
            setattr(row, key, value)
        row.updated_at = self.now()
        self.session.flush()

    def draws(self, area: str, ident: str) -> list[Draw]:
        stmt = (
            select(RequestDrawRow)
            .where(RequestDrawRow.area_id == area, RequestDrawRow.request_id == ident)
            .order_by(col(RequestDrawRow.week_start))
        )
        return [_draw(r) for r in self.session.exec(stmt)]

    def add_draw(self, area: str, draw: Draw) -> bool:
        key = (area, draw.request, draw.week_start)
        if self.session.get(RequestDrawRow, key) is not None:
            return False
        self.session.add(
            RequestDrawRow(
                area_id=area,
                request_id=draw.request,
                week_start=draw.week_start,
                task_id=draw.task,
                drawn_at=self.now(),
            )
        )
        self.session.flush()
        return True

    def drawn(self, area: str, week_start: dt.date) -> list[Draw]:
        stmt = (
            select(RequestDrawRow)
            .where(RequestDrawRow.area_id == area, RequestDrawRow.week_start == week_start)
            .order_by(col(RequestDrawRow.request_id))
        )
        return [_draw(r) for r in self.session.exec(stmt)]


def _values(r: Request) -> dict[str, Any]:
    return {
        "area_id": r.area, "id": r.id, "title": r.title, "resident_id": r.resident,
        "site_id": r.site, "needs": [{"skill": n.skill, "count": n.count} for n in r.needs],
        "duration_minutes": r.duration_minutes,
        "windows": [{"days": list(w.days), "start": w.start, "end": w.end} for w in r.windows],
        "priority": r.priority, "deadline": r.deadline, "standing": r.standing,
        "household_of": r.household_of, "note": r.note, "status": r.status,
        "recorded_on": r.recorded_on,
    }  # fmt: skip


def _request(row: RequestRow) -> Request:
    windows = tuple(Window(tuple(w["days"]), int(w["start"]), int(w["end"])) for w in row.windows)
    return Request(
        id=row.id, area=row.area_id, title=row.title,
        needs=tuple(SkillNeed(str(n["skill"]), int(n["count"])) for n in row.needs),
        duration_minutes=row.duration_minutes,
        windows=windows,
        resident=row.resident_id, site=row.site_id, priority=row.priority,  # type: ignore[arg-type]
        deadline=None if row.deadline is None else as_date(row.deadline),
        standing=row.standing, household_of=row.household_of, note=row.note, status=row.status,
        recorded_on=as_date(row.recorded_on),
    )  # fmt: skip


def _draw(row: RequestDrawRow) -> Draw:
    return Draw(row.request_id, as_date(row.week_start), row.task_id)


class SqlVisits(Repository):
    def get(self, assignment: int) -> VisitOutcome | None:
        if not 0 < assignment < 2**31:
            return None
        row = self.session.get(VisitOutcomeRow, assignment)
        return None if row is None else _outcome(row)

    def put(self, outcome: VisitOutcome) -> None:
        row = self.session.get(VisitOutcomeRow, outcome.assignment)
        values: dict[str, Any] = {
            "area_id": outcome.area, "volunteer_id": outcome.volunteer, "task_id": outcome.task,
            "week_start": outcome.week_start, "state": outcome.state,
            "actual_start": outcome.actual_start, "actual_end": outcome.actual_end,
            "feedback": outcome.feedback, "marked_by": outcome.marked_by,
            "marked_at": outcome.marked_at,
        }  # fmt: skip
        if row is None:
            self.session.add(VisitOutcomeRow(assignment_ref=outcome.assignment, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        self.session.flush()

    def clear(self, assignment: int) -> None:
        row = self.session.get(VisitOutcomeRow, assignment)
        if row is not None:
            self.session.delete(row)
            self.session.flush()

    def for_week(self, area: str, week_start: dt.date) -> list[VisitOutcome]:
        stmt = (
            select(VisitOutcomeRow)
            .where(VisitOutcomeRow.area_id == area, VisitOutcomeRow.week_start == week_start)
            .order_by(col(VisitOutcomeRow.assignment_ref))
        )
        return [_outcome(r) for r in self.session.exec(stmt)]


def _outcome(row: VisitOutcomeRow) -> VisitOutcome:
    return VisitOutcome(
        row.assignment_ref, row.area_id, row.volunteer_id, row.task_id, as_date(row.week_start),
        row.state, maybe_utc(row.actual_start), maybe_utc(row.actual_end), row.feedback,
        row.marked_by, as_utc(row.marked_at),
    )  # fmt: skip


class SqlLedger(Repository):
    def lock(self, area: str, volunteer: str) -> None:
        """The volunteer's roster row, FOR UPDATE on PostgreSQL (SQLite's BEGIN IMMEDIATE has
        serialised every writer already). A volunteer deleted since keeps their ledger: no
        row to lock, nothing to wait for."""
        stmt = select(VolunteerRow.id).where(
            VolunteerRow.area_id == area, VolunteerRow.id == volunteer
        )
        self.session.exec(stmt.with_for_update()).first()

    def append(self, area: str, entry: NewEntry) -> LedgerEntry:
        row = LedgerEntryRow(
            area_id=area, volunteer_id=entry.volunteer, kind=entry.kind, minutes=entry.minutes,
            month=entry.month, at=self.now(), actor=entry.actor,
            assignment_ref=entry.assignment, task_id=entry.task, request_id=entry.request,
            reverses=entry.reverses, note=entry.note,
        )  # fmt: skip
        self.session.add(row)
        self.session.flush()
        return _entry(row)

    def entries(
        self, area: str, volunteer: str | None = None, assignment: int | None = None,
        month: str | None = None,
    ) -> list[LedgerEntry]:  # fmt: skip
        stmt = select(LedgerEntryRow).where(LedgerEntryRow.area_id == area)
        if volunteer is not None:
            stmt = stmt.where(LedgerEntryRow.volunteer_id == volunteer)
        if assignment is not None:
            stmt = stmt.where(LedgerEntryRow.assignment_ref == assignment)
        if month is not None:
            stmt = stmt.where(LedgerEntryRow.month == month)
        return [_entry(r) for r in self.session.exec(stmt.order_by(col(LedgerEntryRow.id)))]

    def balances(self, area: str, month: str | None = None) -> dict[str, int]:
        stmt = select(LedgerEntryRow.volunteer_id, func.sum(LedgerEntryRow.minutes)).where(
            LedgerEntryRow.area_id == area
        )
        if month is not None:
            stmt = stmt.where(LedgerEntryRow.month == month)
        stmt = stmt.group_by(col(LedgerEntryRow.volunteer_id))
        return {str(v): int(m or 0) for v, m in self.session.exec(stmt)}


def _entry(row: LedgerEntryRow) -> LedgerEntry:
    assert row.id is not None
    return LedgerEntry(
        row.id, row.area_id, row.volunteer_id, row.kind, row.minutes, row.month, as_utc(row.at),
        row.actor, row.assignment_ref, row.task_id, row.request_id, row.reverses, row.note,
    )  # fmt: skip
