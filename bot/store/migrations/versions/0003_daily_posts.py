"""Daily fact posts: per-channel schedules in local time, and the post log (one per day).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_schedules",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("server_id", sa.String(128), nullable=True),
        sa.Column("channel_name", sa.String(200), nullable=True),
        sa.Column("local_time", sa.String(5), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(80), nullable=True),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("set_by", sa.String(128), nullable=False),
        sa.Column("cycle", sa.Integer, nullable=False, server_default="0"),
        sa.Column("seen", sa.Text, nullable=False, server_default="[]"),
        sa.Column("disabled_reason", sa.String(300), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_daily_schedules"),
        sa.UniqueConstraint(
            "platform", "channel_id", name="uq_daily_schedules_platform_channel_id"
        ),
    )
    op.create_index(
        "ix_daily_schedules_due",
        "daily_schedules",
        ["next_run_at"],
        sqlite_where=sa.text("enabled"),
        postgresql_where=sa.text("enabled"),
    )
    op.create_table(
        "daily_posts",
        sa.Column("schedule_id", sa.Integer, nullable=False),
        sa.Column("local_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("fact_id", sa.String(120), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(64), nullable=True),
        sa.Column("message_id", sa.String(200), nullable=True),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["daily_schedules.id"],
            name="fk_daily_posts_schedule_id_daily_schedules",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", "local_date", name="pk_daily_posts"),
    )
    op.create_index(
        "ix_daily_posts_open_claims",
        "daily_posts",
        ["claimed_at"],
        sqlite_where=sa.text("status = 'claimed'"),
        postgresql_where=sa.text("status = 'claimed'"),
    )


def downgrade() -> None:
    op.drop_index("ix_daily_posts_open_claims", table_name="daily_posts")
    op.drop_table("daily_posts")
    op.drop_index("ix_daily_schedules_due", table_name="daily_schedules")
    op.drop_table("daily_schedules")
