"""The backlog's and the ledger's tables, on the house's MetaData (`tables.metadata`): requests
and the weeks they were drawn into, visits' outcomes, and the append-only hours ledger.

Requests name residents, sites and volunteers by id without foreign keys: a roster entry
deleted later leaves the request (and the ledger's lines) as they were written.
"""

# No `from __future__ import annotations`: SQLModel reads the annotations at class creation.

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index
from sqlalchemy import Text as SAText
from sqlmodel import Field

from mutualaid.adapters.db import JSONType, UTCDateTime
from mutualaid.adapters.tables import Base, _in
from mutualaid.domain.backlog import REQUEST_STATUSES
from mutualaid.domain.ledger import ENTRY_KINDS, OUTCOMES
from mutualaid.domain.model import PRIORITIES


class RequestRow(Base, table=True):
    """A request of the backlog, recorded on any day, open until served, withdrawn or overdue."""

    __tablename__ = "requests"
    __table_args__ = (
        CheckConstraint(_in("status", REQUEST_STATUSES), "status"),
        CheckConstraint(_in("priority", PRIORITIES), "priority"),
        Index("ix_requests_area_status", "area_id", "status"),
    )
    area_id: str = Field(primary_key=True, foreign_key="areas.id", ondelete="CASCADE")
    id: str = Field(primary_key=True)
    title: str
    resident_id: str | None = None
    site_id: str | None = None
    needs: list[dict[str, Any]] = Field(sa_type=JSONType)
    duration_minutes: int
    windows: list[dict[str, Any]] = Field(sa_type=JSONType)
    priority: str = "normal"
    deadline: dt.date | None = None
    standing: bool = False
    household_of: str | None = None
    note: str | None = Field(default=None, sa_type=SAText)
    status: str = "open"
    recorded_on: dt.date
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class RequestDrawRow(Base, table=True):
    """A request drawn into a week, as the task `task_id`."""

    __tablename__ = "request_draws"
    __table_args__ = (
        ForeignKeyConstraint(
            ["area_id", "request_id"], ["requests.area_id", "requests.id"], ondelete="CASCADE"
        ),
        Index("ix_request_draws_week", "area_id", "week_start"),
    )
    area_id: str = Field(primary_key=True)
    request_id: str = Field(primary_key=True)
    week_start: dt.date = Field(primary_key=True)
    task_id: str
    drawn_at: dt.datetime = Field(sa_type=UTCDateTime)


class VisitOutcomeRow(Base, table=True):
    """What became of a visit: one row per assignment (its `ref`), replaced when marked again."""

    __tablename__ = "visit_outcomes"
    __table_args__ = (
        CheckConstraint(_in("state", OUTCOMES), "state"),
        Index("ix_visit_outcomes_week", "area_id", "week_start"),
    )
    assignment_ref: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    area_id: str = Field(foreign_key="areas.id", ondelete="CASCADE")
    volunteer_id: str
    task_id: str
    week_start: dt.date
    state: str
    actual_start: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    actual_end: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    feedback: str | None = Field(default=None, sa_type=SAText)
    marked_by: str
    marked_at: dt.datetime = Field(sa_type=UTCDateTime)


class LedgerEntryRow(Base, table=True):
    """One line of the hours ledger. Rows are only ever inserted: a correction is a new row."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint(_in("kind", ENTRY_KINDS), "kind"),
        Index("ix_ledger_entries_volunteer", "area_id", "volunteer_id"),
        Index("ix_ledger_entries_month", "area_id", "month"),
        Index("ix_ledger_entries_assignment", "assignment_ref"),
    )
    id: int | None = Field(default=None, primary_key=True)
    area_id: str = Field(foreign_key="areas.id", ondelete="CASCADE")
    volunteer_id: str
    kind: str
    minutes: int
    month: str
    at: dt.datetime = Field(sa_type=UTCDateTime)
    actor: str
    assignment_ref: int | None = None
    task_id: str | None = None
    request_id: str | None = None
    reverses: int | None = None
    note: str | None = Field(default=None, sa_type=SAText)
