"""sites, volunteers and residents get an optional `address` and `phone`

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

Coordinators think in addresses, and a volunteer at the door needs the resident's phone
(issue 9 item 7). Free text, never read by the solver; shown only to those entitled.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("sites", "volunteers", "residents")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("address", sa.String(), nullable=True))
            batch.add_column(sa.Column("phone", sa.String(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("phone")
            batch.drop_column("address")
