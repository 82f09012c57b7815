"""a notice that a visit's place changed (its task's site, resident or location), its times
the same

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

`notices.kind` may now be `place`: the task of a published visit was changed to another place
the visit still fits, and its volunteer is told, as for a time change. The CHECK constraint is
made again (on SQLite the table is copied; nothing references `notices`).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "kind IN ('given', 'moved', 'withdrawn')"
AFTER = "kind IN ('given', 'moved', 'withdrawn', 'place')"


def _kinds(check: str) -> None:
    with op.batch_alter_table("notices", recreate="always") as batch:
        batch.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch.create_check_constraint(op.f("ck_notices_kind"), check)


def upgrade() -> None:
    _kinds(AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM notices WHERE kind = 'place'")
    _kinds(BEFORE)
