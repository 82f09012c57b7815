"""The notices' outbox, an area's webhook and a volunteer's contact, in SQL.

A sender claims due notices with a lease: `SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL
(two senders never take the same row), SQLite's one write lock elsewhere (a claim is one
short write transaction). Settling checks the lease is still the sender's.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Sequence
from typing import Any

import pendulum
from sqlalchemy import and_, func, insert, or_, update
from sqlmodel import col, select

from mutualaid.adapters.base import Repository, as_date, as_utc, maybe_utc
from mutualaid.adapters.tables import ContactRow, NoticeChannelRow, NoticeRow, metadata
from mutualaid.domain.notices import PENDING, SENDING, SENT, UNROUTED
from mutualaid.services.notice_ports import Contact, NoticeChannel, NoticeDraft, NoticeRecord


class SqlNotices(Repository):
    def add(self, drafts: Sequence[NoticeDraft]) -> list[NoticeRecord]:
        """One executemany (a district's first publish writes thousands), no ORM objects."""
        now = self.now()
        rows = [_row(d, now) for d in drafts]
        if rows:
            self.session.flush()
            table = metadata.tables[NoticeRow.__tablename__]
            self.session.connection().execute(insert(table), rows)
        return [
            NoticeRecord(r["id"], d, now, PENDING, 0, now, None, None, ())
            for r, d in zip(rows, drafts, strict=True)
        ]

    def for_area(self, area: str, state: str | None = None, limit: int = 100) -> list[NoticeRecord]:
        stmt = select(NoticeRow).where(NoticeRow.area_id == area)
        if state is not None:
            stmt = stmt.where(NoticeRow.state == state)
        stmt = stmt.order_by(col(NoticeRow.created_at).desc(), col(NoticeRow.id)).limit(limit)
        return [_record(r) for r in self.session.exec(stmt)]

    def for_volunteer(self, area: str, volunteer: str, limit: int = 100) -> list[NoticeRecord]:
        stmt = (
            select(NoticeRow)
            .where(NoticeRow.area_id == area, NoticeRow.volunteer_id == volunteer)
            .order_by(col(NoticeRow.created_at).desc(), col(NoticeRow.id))
            .limit(limit)
        )
        return [_record(r) for r in self.session.exec(stmt)]

    def counts(self, area: str) -> dict[str, int]:
        stmt = (
            select(NoticeRow.state, func.count())
            .where(NoticeRow.area_id == area)
            .group_by(col(NoticeRow.state))
        )
        return {state: int(n) for state, n in self.session.exec(stmt)}

    def claim(self, worker: str, lease_seconds: float, limit: int) -> list[NoticeRecord]:
        now = self.now()
        due = or_(
            and_(col(NoticeRow.state) == PENDING, col(NoticeRow.next_attempt_at) <= now),
            and_(col(NoticeRow.state) == SENDING, col(NoticeRow.lease_expires_at) < now),
        )
        stmt = (
            select(NoticeRow)
            .where(due)
            .order_by(col(NoticeRow.next_attempt_at), col(NoticeRow.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        rows = list(self.session.exec(stmt))
        for row in rows:
            row.state, row.worker = SENDING, worker
            row.lease_expires_at = now.add(seconds=lease_seconds)
        self.session.flush()
        return [_record(r) for r in rows]

    def settle(
        self, ident: str, worker: str, *, state: str, delivered: Sequence[str],
        error: str | None, retry_at: pendulum.DateTime | None,
    ) -> NoticeRecord | None:  # fmt: skip
        stmt = select(NoticeRow).where(NoticeRow.id == ident).with_for_update()
        row = self.session.exec(stmt.execution_options(populate_existing=True)).first()
        if row is None or row.state != SENDING or row.worker != worker:
            return None
        row.state, row.delivered, row.last_error = state, list(delivered), error
        row.attempts += 1
        row.worker, row.lease_expires_at = None, None
        row.next_attempt_at = retry_at
        if state == SENT:
            row.sent_at = self.now()
        self.session.flush()
        return _record(row)

    def reroute(self, area: str, volunteer: str | None = None) -> int:
        now = self.now()
        ends = func.coalesce(col(NoticeRow.after_end), col(NoticeRow.before_end))
        stmt = (
            update(NoticeRow)
            .where(col(NoticeRow.area_id) == area, col(NoticeRow.state) == UNROUTED, ends > now)
            .values(state=PENDING, next_attempt_at=now)
        )
        if volunteer is not None:
            stmt = stmt.where(col(NoticeRow.volunteer_id) == volunteer)
        self.session.flush()
        done = self.session.connection().execute(stmt)
        return int(done.rowcount or 0)

    def channel(self, area: str) -> NoticeChannel | None:
        return self.channels({area}).get(area)

    def channels(self, areas: Collection[str]) -> dict[str, NoticeChannel]:
        stmt = select(NoticeChannelRow).where(col(NoticeChannelRow.area_id).in_(list(areas)))
        return {
            r.area_id: NoticeChannel(r.area_id, r.webhook_url, r.secret, as_utc(r.updated_at))
            for r in self.session.exec(stmt)
        }

    def set_channel(self, area: str, webhook_url: str | None, secret: str | None) -> None:
        row = self.session.get(NoticeChannelRow, area)
        if webhook_url is None or secret is None:
            if row is not None:
                self.session.delete(row)
        elif row is None:
            self.session.add(NoticeChannelRow(
                area_id=area, webhook_url=webhook_url, secret=secret, updated_at=self.now()
            ))  # fmt: skip
        else:
            row.webhook_url, row.secret, row.updated_at = webhook_url, secret, self.now()
        self.session.flush()

    def contacts(self, area: str, volunteers: Collection[str]) -> dict[str, Contact]:
        stmt = select(ContactRow).where(
            ContactRow.area_id == area, col(ContactRow.volunteer_id).in_(list(volunteers))
        )
        return {
            r.volunteer_id: Contact(area, r.volunteer_id, r.email, r.language)
            for r in self.session.exec(stmt)
        }

    def set_contact(
        self, area: str, volunteer: str, email: str | None, language: str | None
    ) -> Contact:
        values = {"area_id": area, "volunteer_id": volunteer, "email": email,
                  "language": language}  # fmt: skip
        self.insert_or_update(ContactRow, values, ("area_id", "volunteer_id"))
        return Contact(area, volunteer, email, language)


def _row(d: NoticeDraft, now: pendulum.DateTime) -> dict[str, Any]:
    """A new notice's columns, for a Core insert."""
    return {
        "id": str(uuid.uuid4()), "area_id": d.area, "week_start": d.week_start,
        "volunteer_id": d.volunteer, "kind": d.kind, "task_id": d.task, "title": d.title,
        "before_start": _utc(d.before, 0), "before_end": _utc(d.before, 1),
        "after_start": _utc(d.after, 0), "after_end": _utc(d.after, 1),
        "timezone": d.timezone, "language": d.language, "plan_id": d.plan_id,
        "created_at": now, "state": PENDING, "attempts": 0, "next_attempt_at": now,
        "last_error": None, "sent_at": None, "delivered": [], "worker": None,
        "lease_expires_at": None,
    }  # fmt: skip


def _utc(span: tuple[dt.datetime, dt.datetime] | None, i: int) -> dt.datetime | None:
    return None if span is None else pendulum.instance(span[i]).in_timezone("UTC")


def _span(start: dt.datetime | None, end: dt.datetime | None) -> tuple[dt.datetime, ...] | None:
    if start is None or end is None:
        return None
    return as_utc(start), as_utc(end)


def _record(r: NoticeRow) -> NoticeRecord:
    before, after = _span(r.before_start, r.before_end), _span(r.after_start, r.after_end)
    draft = NoticeDraft(
        r.area_id, as_date(r.week_start), r.volunteer_id, r.kind, r.task_id, r.title,
        None if before is None else (before[0], before[1]),
        None if after is None else (after[0], after[1]),
        r.timezone, r.language, r.plan_id,
    )  # fmt: skip
    return NoticeRecord(
        r.id, draft, as_utc(r.created_at), r.state, r.attempts, maybe_utc(r.next_attempt_at),
        r.last_error, maybe_utc(r.sent_at), tuple(r.delivered or ()),
    )  # fmt: skip
