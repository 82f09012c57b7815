"""assignments of a task withdrawn after publishing are kept as `withdrawn`

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Deleting a task (or submitting a week without it) used to leave its published assignments
pending, pointing at no task. They now move to the state `withdrawn`: kept for the record,
no longer listed to the volunteer or answerable. Only the state's check constraint changes
(SQLite rebuilds the table in batch mode).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "state IN ('pending', 'accepted', 'declined')"
AFTER = "state IN ('pending', 'accepted', 'declined', 'withdrawn')"


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_constraint(op.f("ck_assignments_state"), type_="check")
        batch.create_check_constraint(op.f("ck_assignments_state"), AFTER)


def downgrade() -> None:
    op.execute("UPDATE assignments SET state = 'pending' WHERE state = 'withdrawn'")
    with op.batch_alter_table("assignments") as batch:
        batch.drop_constraint(op.f("ck_assignments_state"), type_="check")
        batch.create_check_constraint(op.f("ck_assignments_state"), BEFORE)
