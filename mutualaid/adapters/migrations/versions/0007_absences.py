"""volunteers' absences (`absences`)

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30

A volunteer ill or away for a range of days (`POST /volunteers/{id}/absences`): the record,
listed and deletable; its days are written into the volunteer's `unavailable` as well, so every
week built from the roster, later ones included, sees it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # UTCDateTime: timestamptz on PostgreSQL, naive UTC on SQLite


def upgrade() -> None:
    op.create_table(
        "absences",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "area_id", sa.String(), sa.ForeignKey("areas.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=True),
        sa.Column("end_minute", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_absences_volunteer", "absences", ["area_id", "volunteer_id"])


def downgrade() -> None:
    op.drop_index("ix_absences_volunteer", table_name="absences")
    op.drop_table("absences")
