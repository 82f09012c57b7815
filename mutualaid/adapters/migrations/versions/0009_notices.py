"""notices to volunteers: the outbox, an area's webhook, a volunteer's contact

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-30

A publish, a repair or a withdrawal writes a notice per volunteer whose visit it gives, moves
or withdraws, in its own transaction (`notices`, the outbox); a sender claims them with a
lease and delivers them to the area's webhook (`notice_channels`) and the volunteer's email
(`volunteer_contacts`, with the language they read).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("task_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("before_start", UTC, nullable=True),
        sa.Column("before_end", UTC, nullable=True),
        sa.Column("after_start", UTC, nullable=True),
        sa.Column("after_end", UTC, nullable=True),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("plan_id", sa.String(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", UTC, nullable=True),
        sa.Column("delivered", JSON, nullable=False),
        sa.Column("worker", sa.String(), nullable=True),
        sa.Column("lease_expires_at", UTC, nullable=True),
        sa.CheckConstraint("kind IN ('given', 'moved', 'withdrawn')", name=op.f("ck_notices_kind")),
        sa.CheckConstraint(
            "state IN ('pending', 'sending', 'sent', 'failed', 'unrouted')",
            name=op.f("ck_notices_state"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_notices_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index("ix_notices_due", "notices", ["state", "next_attempt_at"], unique=False)
    op.create_index(
        "ix_notices_volunteer", "notices", ["area_id", "volunteer_id", "created_at"], unique=False
    )
    op.create_index("ix_notices_area", "notices", ["area_id", "created_at"], unique=False)
    op.create_table(
        "notice_channels",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("webhook_url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["areas.id"],
            name=op.f("fk_notice_channels_area_id_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_notice_channels")),
    )
    op.create_table(
        "volunteer_contacts",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            name=op.f("fk_volunteer_contacts_area_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_id", "volunteer_id", name=op.f("pk_volunteer_contacts")),
    )


def downgrade() -> None:
    op.drop_table("volunteer_contacts")
    op.drop_table("notice_channels")
    op.drop_index("ix_notices_area", table_name="notices")
    op.drop_index("ix_notices_volunteer", table_name="notices")
    op.drop_index("ix_notices_due", table_name="notices")
    op.drop_table("notices")
