"""plans say who checks their suggestions, until when

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

A lease on checking a finished plan's suggestions (mutualaid.services.checks_lease): several
servers starting at once, or one starting while another still checks, check each plan once.
Existing plans: no holder.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # UTCDateTime: timestamptz on PostgreSQL, naive UTC on SQLite


def upgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("checks_by", sa.String(), nullable=True))
        batch.add_column(sa.Column("checks_until", UTC, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plans") as batch:
        batch.drop_column("checks_until")
        batch.drop_column("checks_by")
