"""areas may count load across weeks in fairness

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30

An area's setting (issue 11 item 5): when on, each volunteer's service minutes of the three
weeks before count in the fairness goal of a week's solve. Existing areas: off.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.add_column(
            sa.Column(
                "fairness_across_weeks", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("areas") as batch:
        batch.drop_column("fairness_across_weeks")
