"""requests as a backlog, visits' outcomes, the hours ledger

Revision ID: 0008
Revises: 0005
Create Date: 2026-11-30

Requests are recorded on any day and drawn into weeks (`request_draws`); a visit of a
published plan is marked done or missed (`visit_outcomes`, one row per assignment ref); every
done visit credits its minutes in `ledger_entries`, which is only ever appended to.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


UTC = sa.DateTime(timezone=True)  # UTCDateTime: timestamptz on PostgreSQL, naive UTC on SQLite
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "requests",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("resident_id", sa.String(), nullable=True),
        sa.Column("site_id", sa.String(), nullable=True),
        sa.Column("needs", JSON, nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("windows", JSON, nullable=False),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("standing", sa.Boolean(), nullable=False),
        sa.Column("household_of", sa.String(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            _in("status", ("open", "served", "withdrawn", "overdue")),
            name=op.f("ck_requests_status"),
        ),
        sa.CheckConstraint(
            _in("priority", ("urgent", "high", "normal", "low")), name=op.f("ck_requests_priority")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_requests_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", "id", name=op.f("pk_requests")),
    )
    op.create_index("ix_requests_area_status", "requests", ["area_id", "status"])
    op.create_table(
        "request_draws",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("request_id", sa.String(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("task_id", sa.String(), nullable=False),
        sa.Column("drawn_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id", "request_id"],
            ["requests.area_id", "requests.id"],
            name=op.f("fk_request_draws_area_id_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "area_id", "request_id", "week_start", name=op.f("pk_request_draws")
        ),
    )
    op.create_index("ix_request_draws_week", "request_draws", ["area_id", "week_start"])
    op.create_table(
        "visit_outcomes",
        sa.Column("assignment_ref", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("task_id", sa.String(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("actual_start", UTC, nullable=True),
        sa.Column("actual_end", UTC, nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("marked_by", sa.String(), nullable=False),
        sa.Column("marked_at", UTC, nullable=False),
        sa.CheckConstraint(_in("state", ("done", "missed")), name=op.f("ck_visit_outcomes_state")),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_visit_outcomes_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assignment_ref", name=op.f("pk_visit_outcomes")),
    )
    op.create_index("ix_visit_outcomes_week", "visit_outcomes", ["area_id", "week_start"])
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("assignment_ref", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.String(), nullable=True),
        sa.Column("request_id", sa.String(), nullable=True),
        sa.Column("reverses", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            _in("kind", ("credit", "reversal", "redemption")), name=op.f("ck_ledger_entries_kind")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_ledger_entries_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    op.create_index("ix_ledger_entries_volunteer", "ledger_entries", ["area_id", "volunteer_id"])
    op.create_index("ix_ledger_entries_month", "ledger_entries", ["area_id", "month"])
    op.create_index("ix_ledger_entries_assignment", "ledger_entries", ["assignment_ref"])


def downgrade() -> None:
    op.drop_table("ledger_entries")
    op.drop_table("visit_outcomes")
    op.drop_table("request_draws")
    op.drop_table("requests")
