"""absences remember the days the roster had marked unavailable already

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

An absence writes its days into the volunteer's `unavailable`; a day the roster had already
(the coordinator's own entry) was taken out with the absence when it was deleted. Each absence
now keeps those days (`roster_days`, ISO dates) and deleting it leaves them. Absences stored
before: none known (NULL).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("absences") as batch:
        batch.add_column(sa.Column("roster_days", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("absences") as batch:
        batch.drop_column("roster_days")
