"""Spaced repetition: each student's memory of each question, the review log, and each
student's running practice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-09
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_memories",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("quiz_id", sa.String(80), nullable=False),
        sa.Column("card_key", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(80), nullable=True),
        sa.Column("state", sa.SmallInteger, nullable=False),
        sa.Column("step", sa.Integer, nullable=True),
        sa.Column("stability", sa.Float, nullable=True),
        sa.Column("difficulty", sa.Float, nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviews", sa.Integer, nullable=False, server_default="0"),
        sa.Column("right", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint(
            "platform", "user_id", "quiz_id", "card_key", name="pk_review_memories"
        ),
    )
    op.create_index("ix_review_memories_due", "review_memories", ["platform", "user_id", "due"])
    op.create_table(
        "review_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("quiz_id", sa.String(80), nullable=False),
        sa.Column("card_key", sa.String(200), nullable=False),
        sa.Column("rating", sa.SmallInteger, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("elapsed_ms", sa.Integer, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_review_log"),
    )
    op.create_index("ix_review_log_student", "review_log", ["platform", "user_id", "reviewed_at"])

    op.create_table(
        "practices",
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "user_id", name="pk_practices"),
    )


def downgrade() -> None:
    op.drop_table("practices")
    op.drop_index("ix_review_log_student", table_name="review_log")
    op.drop_table("review_log")
    op.drop_index("ix_review_memories_due", table_name="review_memories")
    op.drop_table("review_memories")
