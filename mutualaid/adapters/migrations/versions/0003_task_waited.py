"""tasks carry `waited`: the weeks a request already waited unserved

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

The contract's objective gained a waiting stage right after coverage: among plans of equal
coverage, the one serving requests that waited longest wins. Existing tasks waited 0 weeks.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("waited", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("waited")
