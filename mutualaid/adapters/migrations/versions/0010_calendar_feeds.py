"""calendar_feeds: each volunteer's calendar subscription secret, stored hashed

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30

A phone's calendar app cannot send a session cookie or a bearer token, so a volunteer's
feed is reached by an unguessable URL (`/calendar/<secret>.ics`, issue 9 item 6). Only its
sha256 is kept, as tokens' are; a new link replaces the old one.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_feeds",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("secret_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id", "volunteer_id"], ["volunteers.area_id", "volunteers.id"],
            name=op.f("fk_calendar_feeds_area_id_volunteers"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("area_id", "volunteer_id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_calendar_feeds_secret_hash")),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("calendar_feeds")
