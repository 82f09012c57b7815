"""API tokens may expire: `expires_at`

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

A token made with an expiry (`mutualaid token create --expires-in 30d`, `POST /tokens` with
`expires_in_days`) is refused once it has passed. Existing tokens keep no expiry (NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # UTCDateTime: timestamptz on PostgreSQL, naive UTC on SQLite


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", UTC, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
