"""The database tables, as SQLModel classes on their own MetaData (`metadata` below).

Ids and areas are real columns with keys and foreign keys; lists and block specs written in
the contract's words are JSON. Times are `UTCDateTime` (UTC in the database, pendulum out).
Roster entities belong to an area (a sub-district) and are keyed (area_id, id).
"""

# No `from __future__ import annotations`: SQLModel reads the annotations at class creation.

import datetime as dt
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, MetaData, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlalchemy import text as sql
from sqlmodel import Field, SQLModel

from mutualaid.adapters.db import JSONType, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLAN_STATUSES = ("queued", "running", "optimal", "feasible", "error")
ACTIVE_STATUSES = ("queued", "running")
ASSIGNMENT_STATES = ("pending", "accepted", "declined", "withdrawn")
ROLES = ("admin", "coordinator", "volunteer")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(SQLModel):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


metadata = Base.metadata


def _area_fk() -> Any:
    return Field(primary_key=True, foreign_key="areas.id", ondelete="CASCADE")


def _volunteer_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["area_id", "volunteer_id"], ["volunteers.area_id", "volunteers.id"], ondelete="RESTRICT"
    )


class AreaRow(Base, table=True):
    """A sub-district: the unit a coordinator is responsible for."""

    __tablename__ = "areas"
    id: str = Field(primary_key=True)
    name: str
    timezone: str
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    fairness_across_weeks: bool = False
    """Fairness counts each volunteer's load of the three weeks before (issue 11 item 5)."""


# --- the roster of an area ------------------------------------------------------------------


class SiteRow(Base, table=True):
    __tablename__ = "sites"
    area_id: str = _area_fk()
    id: str = Field(primary_key=True)
    position: int
    name: str
    kind: str | None = None
    lat: float
    lon: float
    address: str | None = None
    phone: str | None = None


class TeamRow(Base, table=True):
    __tablename__ = "teams"
    area_id: str = _area_fk()
    id: str = Field(primary_key=True)
    position: int
    name: str
    skills: list[str] = Field(default_factory=list, sa_type=JSONType)


class VolunteerRow(Base, table=True):
    __tablename__ = "volunteers"
    __table_args__ = (CheckConstraint(_in("mode", ("walk", "bike", "ebike", "car")), "mode"),)
    area_id: str = _area_fk()
    id: str = Field(primary_key=True)
    position: int
    name: str
    home_lat: float
    home_lon: float
    mode: str = "walk"
    max_travel_minutes: int | None = None
    """None: the week's settings.service_circle_minutes."""
    max_hours_per_week: float = 40.0
    vetted: bool = False
    gender: str | None = None
    teams: list[str] = Field(default_factory=list, sa_type=JSONType)
    skills: list[str] = Field(default_factory=list, sa_type=JSONType)
    languages: list[str] = Field(default_factory=list, sa_type=JSONType)
    availability: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    unavailable: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONType)
    address: str | None = None
    phone: str | None = None


class ResidentRow(Base, table=True):
    __tablename__ = "residents"
    area_id: str = _area_fk()
    id: str = Field(primary_key=True)
    position: int
    name: str
    lat: float
    lon: float
    categories: list[str] = Field(default_factory=list, sa_type=JSONType)
    preferred_volunteers: list[str] = Field(default_factory=list, sa_type=JSONType)
    gender_preference: str | None = None
    address: str | None = None
    phone: str | None = None


# --- a week of an area ----------------------------------------------------------------------


class WeekRow(Base, table=True):
    __tablename__ = "weeks"
    __table_args__ = (UniqueConstraint("area_id", "week_start"),)
    id: int | None = Field(default=None, primary_key=True)
    area_id: str = Field(foreign_key="areas.id", ondelete="CASCADE")
    week_start: dt.date
    name: str
    settings: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    expect: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class TaskRow(Base, table=True):
    """One task as written: an `every` series is one row (id = the series id)."""

    __tablename__ = "tasks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["area_id", "resident_id"], ["residents.area_id", "residents.id"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["area_id", "site_id"], ["sites.area_id", "sites.id"], ondelete="RESTRICT"
        ),
        Index("ix_tasks_resident", "area_id", "resident_id"),
        Index("ix_tasks_site", "area_id", "site_id"),
        CheckConstraint(_in("priority", ("urgent", "high", "normal", "low")), "priority"),
    )
    week_id: int = Field(primary_key=True, foreign_key="weeks.id", ondelete="CASCADE")
    id: str = Field(primary_key=True)
    position: int
    area_id: str
    title: str
    resident_id: str | None = None
    site_id: str | None = None
    lat: float | None = None
    """With lon: the task's own `location` (neither resident nor site)."""
    lon: float | None = None
    needs: list[dict[str, Any]] = Field(sa_type=JSONType)
    duration_minutes: int
    windows: list[dict[str, Any]] | None = Field(default=None, sa_type=JSONType)
    start_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    """A fixed start (an event), in UTC; `start_zone` is the zone it was written in."""
    start_zone: str | None = None
    every: list[str] | None = Field(default=None, sa_type=JSONType)
    window: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    priority: str = "normal"
    waited: int = 0
    """Weeks the request already waited unserved."""
    vetted_only: bool
    languages: list[str] = Field(default_factory=list, sa_type=JSONType)


class PinRow(Base, table=True):
    """One volunteer of a `pinned` entry; task ids may be expanded (`t@mon`), so no FK."""

    __tablename__ = "pins"
    __table_args__ = (_volunteer_fk(),)
    week_id: int = Field(primary_key=True, foreign_key="weeks.id", ondelete="CASCADE")
    task_id: str = Field(primary_key=True)
    volunteer_id: str = Field(primary_key=True)
    area_id: str
    pin_position: int
    slot: int


class DeclineRow(Base, table=True):
    __tablename__ = "declines"
    __table_args__ = (_volunteer_fk(),)
    week_id: int = Field(primary_key=True, foreign_key="weeks.id", ondelete="CASCADE")
    task_id: str = Field(primary_key=True)
    volunteer_id: str = Field(primary_key=True)
    area_id: str
    position: int
    reason: str | None = Field(default=None, sa_type=SAText)
    declined_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class HistoryRow(Base, table=True):
    """History written into an imported scenario; the rest is derived from published plans."""

    __tablename__ = "history_entries"
    __table_args__ = (
        _volunteer_fk(),
        ForeignKeyConstraint(
            ["area_id", "resident_id"], ["residents.area_id", "residents.id"], ondelete="RESTRICT"
        ),
    )
    week_id: int = Field(primary_key=True, foreign_key="weeks.id", ondelete="CASCADE")
    position: int = Field(primary_key=True)
    area_id: str
    resident_id: str
    volunteer_id: str


# --- plans and what volunteers were given ---------------------------------------------------


class PlanRow(Base, table=True):
    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(_in("status", PLAN_STATUSES), "status"),
        # one active solve per area and week; a second INSERT fails (-> ActivePlanExists)
        Index(
            "uq_plans_active",
            "area_id",
            "week_id",
            unique=True,
            postgresql_where=sql(_in("status", ACTIVE_STATUSES)),
            sqlite_where=sql(_in("status", ACTIVE_STATUSES)),
        ),
        # at most one published plan per week
        Index(
            "uq_plans_published",
            "week_id",
            unique=True,
            postgresql_where=sql("published_at IS NOT NULL"),
            sqlite_where=sql("published_at IS NOT NULL"),
        ),
        Index("ix_plans_claim", "status", "lease_expires_at"),
        Index("ix_plans_week", "week_id", "created_at"),
    )
    id: str = Field(primary_key=True)
    area_id: str = Field(foreign_key="areas.id", ondelete="CASCADE")
    week_id: int = Field(foreign_key="weeks.id", ondelete="CASCADE")
    kind: str = "solve"
    """`solve`, or `repair` of `parent_id` after a decline."""
    parent_id: str | None = Field(default=None, foreign_key="plans.id", ondelete="SET NULL")
    status: str = "queued"
    progress: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    request: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)
    result: dict[str, Any] | None = Field(default=None, sa_type=JSONType)
    error: str | None = Field(default=None, sa_type=SAText)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    started_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    worker: str | None = None
    lease_expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancel_requested: bool = False
    checks_by: str | None = None
    """Who checks the finished plan's suggestions, until `checks_until` (checks_lease)."""
    checks_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class AssignmentRow(Base, table=True):
    """One volunteer on one task of a plan. `ref` is the assignment's id as volunteers see it:
    publishing a plan gives its row the ref of the published row of the same task and
    volunteer, so the id outlives repairs and publishes (a new pair: its own row id)."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("plan_id", "task_id", "volunteer_id"),
        _volunteer_fk(),
        Index("ix_assignments_volunteer", "area_id", "volunteer_id", "start_at"),
        Index("ix_assignments_ref", "ref"),
        CheckConstraint(_in("state", ASSIGNMENT_STATES), "state"),
    )
    id: int | None = Field(default=None, primary_key=True)
    ref: int | None = None
    """Set right after the row is inserted (its own id, or the published row's ref)."""
    plan_id: str = Field(foreign_key="plans.id", ondelete="CASCADE")
    area_id: str
    week_id: int = Field(foreign_key="weeks.id", ondelete="CASCADE")
    task_id: str
    volunteer_id: str
    role: int
    team_id: str | None = None
    resident_id: str | None = None
    start_at: dt.datetime = Field(sa_type=UTCDateTime)
    end_at: dt.datetime = Field(sa_type=UTCDateTime)
    timezone: str
    state: str = "pending"
    decline_reason: str | None = Field(default=None, sa_type=SAText)
    responded_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- who may do what, what they did, and replays --------------------------------------------


class TokenRow(Base, table=True):
    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint(_in("role", ROLES), "role"),)
    id: str = Field(primary_key=True)
    token_hash: str = Field(unique=True)
    """sha256 of the secret, hex; the secret itself is never stored."""
    role: str
    areas: list[str] = Field(default_factory=list, sa_type=JSONType)
    volunteer_id: str | None = None
    name: str | None = None
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    """When the token stops working; never when NULL."""


class CalendarFeedRow(Base, table=True):
    """A volunteer's calendar subscription: the secret in its URL, stored hashed (sha256, as
    tokens are); one per volunteer, replaced when a new link is made."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        ForeignKeyConstraint(
            ["area_id", "volunteer_id"], ["volunteers.area_id", "volunteers.id"],
            ondelete="CASCADE",
        ),
    )  # fmt: skip
    area_id: str = Field(primary_key=True)
    volunteer_id: str = Field(primary_key=True)
    secret_hash: str = Field(unique=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


class AuditRow(Base, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_area_at", "area_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime)
    actor: str
    action: str
    area_id: str | None = None
    target: str
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSONType)


class IdempotencyRow(Base, table=True):
    __tablename__ = "idempotency_keys"
    scope: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    request_hash: str
    status_code: int
    response: Any = Field(default=None, sa_type=JSONType)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


# --- notices to volunteers: the outbox and where it goes -----------------------------------

NOTICE_KINDS = ("given", "moved", "withdrawn", "place")
NOTICE_STATES = ("pending", "sending", "sent", "failed", "unrouted")


class NoticeRow(Base, table=True):
    """One notice of the outbox: written in the transaction of the change it tells of; a
    sender claims it (`worker` until `lease_expires_at`), then settles it."""

    __tablename__ = "notices"
    __table_args__ = (
        CheckConstraint(_in("kind", NOTICE_KINDS), "kind"),
        CheckConstraint(_in("state", NOTICE_STATES), "state"),
        Index("ix_notices_due", "state", "next_attempt_at"),
        Index("ix_notices_volunteer", "area_id", "volunteer_id", "created_at"),
        Index("ix_notices_area", "area_id", "created_at"),
    )
    id: str = Field(primary_key=True)
    area_id: str = Field(foreign_key="areas.id", ondelete="CASCADE")
    week_start: dt.date
    volunteer_id: str
    """No foreign key: the notice stays when the volunteer leaves the roster."""
    kind: str
    task_id: str
    title: str
    before_start: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    before_end: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    after_start: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    after_end: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    timezone: str
    language: str
    plan_id: str | None = None
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    state: str = "pending"
    attempts: int = 0
    next_attempt_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=SAText)
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered: list[str] = Field(default_factory=list, sa_type=JSONType)
    worker: str | None = None
    lease_expires_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class NoticeChannelRow(Base, table=True):
    """Where an area's notices are POSTed, and the secret that signs them."""

    __tablename__ = "notice_channels"
    area_id: str = _area_fk()
    webhook_url: str = Field(sa_type=SAText)
    secret: str
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)


class ContactRow(Base, table=True):
    """How a volunteer is reached; goes with the volunteer."""

    __tablename__ = "volunteer_contacts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            ondelete="CASCADE",
        ),
    )
    area_id: str = Field(primary_key=True)
    volunteer_id: str = Field(primary_key=True)
    email: str | None = None
    language: str | None = None


class AbsenceRow(Base, table=True):
    """A volunteer away for a range of days (whole days, or the same hours each day); its
    days are also in the volunteer's `unavailable`, which the weeks are built from."""

    __tablename__ = "absences"
    __table_args__ = (
        ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            ondelete="CASCADE",
        ),
        Index("ix_absences_volunteer", "area_id", "volunteer_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    area_id: str = Field(foreign_key="areas.id", ondelete="CASCADE")
    volunteer_id: str
    first_day: dt.date
    last_day: dt.date
    start_minute: int | None = None
    end_minute: int | None = None
    reason: str | None = None
    created_by: str
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    roster_days: list[str] | None = Field(default=None, sa_type=JSONType)
    """Days of the absence the roster had marked unavailable already (ISO dates): they stay
    unavailable when the absence is deleted."""
