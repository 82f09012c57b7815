"""assignments keep their id across repairs and publishes (`assignments.ref`)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

Every plan has its own assignment rows, so every publish (a repair after each decline) gave
every assignment of the week a new id, and a volunteer who answered the id they were shown
got 409. `ref` is the id volunteers see: a published row takes the ref of the row of the same
task and volunteer in the plan published before. Existing rows keep their id as their ref.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("ref", sa.Integer(), nullable=True))
    op.execute("UPDATE assignments SET ref = id")
    op.create_index("ix_assignments_ref", "assignments", ["ref"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_assignments_ref", table_name="assignments")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_column("ref")
