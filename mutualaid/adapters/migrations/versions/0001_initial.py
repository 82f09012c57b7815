"""the first schema: roster, weeks, plans, access

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Hand-checked autogenerate output. Types are written out (String, DateTime(timezone=True),
JSON/JSONB) so the revision does not change when the models' Python types do.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = sa.DateTime(timezone=True)  # UTCDateTime: timestamptz on PostgreSQL, naive UTC on SQLite
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("areas", JSON, nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("revoked_at", UTC, nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'coordinator', 'volunteer')", name=op.f("ck_api_tokens_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "areas",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=True),
        sa.Column("target", sa.String(), nullable=False),
        sa.Column("detail", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index("ix_audit_log_area_at", "audit_log", ["area_id", "at"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("request_hash", sa.String(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", JSON, nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "residents",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("categories", JSON, nullable=False),
        sa.Column("preferred_volunteers", JSON, nullable=False),
        sa.Column("gender_preference", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_residents_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", "id", name=op.f("pk_residents")),
    )
    op.create_table(
        "sites",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_sites_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", "id", name=op.f("pk_sites")),
    )
    op.create_table(
        "teams",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("skills", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_teams_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", "id", name=op.f("pk_teams")),
    )
    op.create_table(
        "volunteers",
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("home_lat", sa.Float(), nullable=False),
        sa.Column("home_lon", sa.Float(), nullable=False),
        sa.Column("mode", sa.String(), nullable=False),
        sa.Column("max_travel_minutes", sa.Integer(), nullable=True),
        sa.Column("max_hours_per_week", sa.Float(), nullable=False),
        sa.Column("vetted", sa.Boolean(), nullable=False),
        sa.Column("gender", sa.String(), nullable=True),
        sa.Column("teams", JSON, nullable=False),
        sa.Column("skills", JSON, nullable=False),
        sa.Column("languages", JSON, nullable=False),
        sa.Column("availability", JSON, nullable=False),
        sa.Column("unavailable", JSON, nullable=False),
        sa.CheckConstraint(
            "mode IN ('walk', 'bike', 'ebike', 'car')", name=op.f("ck_volunteers_mode")
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_volunteers_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", "id", name=op.f("pk_volunteers")),
    )
    op.create_table(
        "weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("settings", JSON, nullable=False),
        sa.Column("expect", JSON, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_weeks_area_id_areas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weeks")),
        sa.UniqueConstraint("area_id", "week_start", name=op.f("uq_weeks_area_id_week_start")),
    )
    op.create_table(
        "declines",
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("declined_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            name=op.f("fk_declines_area_id_volunteer_id_volunteers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["weeks.id"], name=op.f("fk_declines_week_id_weeks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("week_id", "task_id", "volunteer_id", name=op.f("pk_declines")),
    )
    op.create_table(
        "history_entries",
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("resident_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id", "resident_id"],
            ["residents.area_id", "residents.id"],
            name=op.f("fk_history_entries_area_id_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            name=op.f("fk_history_entries_area_id_volunteer_id_volunteers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"],
            ["weeks.id"],
            name=op.f("fk_history_entries_week_id_weeks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("week_id", "position", name=op.f("pk_history_entries")),
    )
    op.create_table(
        "pins",
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("pin_position", sa.Integer(), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            name=op.f("fk_pins_area_id_volunteer_id_volunteers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["weeks.id"], name=op.f("fk_pins_week_id_weeks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("week_id", "task_id", "volunteer_id", name=op.f("pk_pins")),
    )
    op.create_table(
        "plans",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("parent_id", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("progress", JSON, nullable=False),
        sa.Column("request", JSON, nullable=False),
        sa.Column("result", JSON, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("started_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("published_at", UTC, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(), nullable=True),
        sa.Column("lease_expires_at", UTC, nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'optimal', 'feasible', 'error')",
            name=op.f("ck_plans_status"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["areas.id"], name=op.f("fk_plans_area_id_areas"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["plans.id"], name=op.f("fk_plans_parent_id_plans"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["weeks.id"], name=op.f("fk_plans_week_id_weeks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index("ix_plans_claim", "plans", ["status", "lease_expires_at"], unique=False)
    op.create_index("ix_plans_week", "plans", ["week_id", "created_at"], unique=False)
    op.create_index(
        "uq_plans_active",
        "plans",
        ["area_id", "week_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('queued', 'running')"),
        sqlite_where=sa.text("status IN ('queued', 'running')"),
    )
    op.create_index(
        "uq_plans_published",
        "plans",
        ["week_id"],
        unique=True,
        postgresql_where=sa.text("published_at IS NOT NULL"),
        sqlite_where=sa.text("published_at IS NOT NULL"),
    )

    op.create_table(
        "tasks",
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("resident_id", sa.String(), nullable=True),
        sa.Column("site_id", sa.String(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("needs", JSON, nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("windows", JSON, nullable=True),
        sa.Column("start_at", UTC, nullable=True),
        sa.Column("start_zone", sa.String(), nullable=True),
        sa.Column("every", JSON, nullable=True),
        sa.Column("window", JSON, nullable=True),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("vetted_only", sa.Boolean(), nullable=False),
        sa.Column("languages", JSON, nullable=False),
        sa.CheckConstraint(
            "priority IN ('urgent', 'high', 'normal', 'low')", name=op.f("ck_tasks_priority")
        ),
        sa.ForeignKeyConstraint(
            ["area_id", "resident_id"],
            ["residents.area_id", "residents.id"],
            name=op.f("fk_tasks_area_id_resident_id_residents"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["area_id", "site_id"],
            ["sites.area_id", "sites.id"],
            name=op.f("fk_tasks_area_id_site_id_sites"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["weeks.id"], name=op.f("fk_tasks_week_id_weeks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("week_id", "id", name=op.f("pk_tasks")),
    )
    op.create_index("ix_tasks_resident", "tasks", ["area_id", "resident_id"], unique=False)
    op.create_index("ix_tasks_site", "tasks", ["area_id", "site_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.String(), nullable=False),
        sa.Column("area_id", sa.String(), nullable=False),
        sa.Column("week_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(), nullable=False),
        sa.Column("volunteer_id", sa.String(), nullable=False),
        sa.Column("role", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(), nullable=True),
        sa.Column("resident_id", sa.String(), nullable=True),
        sa.Column("start_at", UTC, nullable=False),
        sa.Column("end_at", UTC, nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("responded_at", UTC, nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'accepted', 'declined')", name=op.f("ck_assignments_state")
        ),
        sa.ForeignKeyConstraint(
            ["area_id", "volunteer_id"],
            ["volunteers.area_id", "volunteers.id"],
            name=op.f("fk_assignments_area_id_volunteer_id_volunteers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_assignments_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["week_id"], ["weeks.id"], name=op.f("fk_assignments_week_id_weeks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint(
            "plan_id",
            "task_id",
            "volunteer_id",
            name=op.f("uq_assignments_plan_id_task_id_volunteer_id"),
        ),
    )
    op.create_index(
        "ix_assignments_volunteer",
        "assignments",
        ["area_id", "volunteer_id", "start_at"],
        unique=False,
    )


def downgrade() -> None:
    # dropping a table drops its indexes; children before parents
    for table in (
        "assignments",
        "tasks",
        "plans",
        "pins",
        "history_entries",
        "declines",
        "weeks",
        "volunteers",
        "teams",
        "sites",
        "residents",
        "idempotency_keys",
        "audit_log",
        "areas",
        "api_tokens",
    ):
        op.drop_table(table)
