"""The schema, as SQLAlchemy Core tables: the one description migrations are checked against."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("channel_id", sa.String(128), nullable=False),
    sa.Column("server_id", sa.String(128), nullable=True),
    sa.Column("quiz_id", sa.String(80), nullable=False),
    sa.Column("quiz_title", sa.String(300), nullable=False),
    sa.Column("started_by", sa.String(128), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("scoring", sa.String(16), nullable=False),
    sa.Column("seconds", sa.Integer, nullable=False),
    sa.Column("question_count", sa.Integer, nullable=False),
    sa.Column("current", sa.Integer, nullable=False, server_default="-1"),
    sa.Column("cards", sa.Text, nullable=False),
)
# One running session per channel, enforced by the database rather than by the bot's memory.
sa.Index(
    "uq_sessions_running_channel",
    sessions.c.platform,
    sessions.c.channel_id,
    unique=True,
    sqlite_where=sessions.c.status == "running",
    postgresql_where=sessions.c.status == "running",
)
sa.Index(
    "ix_sessions_place_started", sessions.c.platform, sessions.c.channel_id, sessions.c.started_at
)

questions = sa.Table(
    "questions",
    metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("question", sa.Integer, primary_key=True),
    sa.Column("card_key", sa.String(200), nullable=True),
    sa.Column("asked_at", sa.DateTime(timezone=True), nullable=True),
    # Set once, by a conditional update: the single first correct answer of the question.
    sa.Column("first_correct_user", sa.String(128), nullable=True),
)

answers = sa.Table(
    "answers",
    metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("question", sa.Integer, nullable=False),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("text", sa.String(500), nullable=False),
    sa.Column("correct", sa.Boolean, nullable=False),
    sa.Column("points", sa.Integer, nullable=False),
    sa.Column("latency_ms", sa.Integer, nullable=False),
    sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("session_id", "question", "user_id"),  # one answer per question
)

scores = sa.Table(
    "scores",
    metadata,
    sa.Column("session_id", sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("display_name", sa.String(128), nullable=False),
    sa.Column("points", sa.Integer, nullable=False, server_default="0"),
    sa.Column("correct", sa.Integer, nullable=False, server_default="0"),
    sa.Column("answered", sa.Integer, nullable=False, server_default="0"),
    sa.PrimaryKeyConstraint("session_id", "user_id"),
)

memos = sa.Table(
    "memos",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

daily_schedules = sa.Table(
    "daily_schedules",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("channel_id", sa.String(128), nullable=False),
    sa.Column("server_id", sa.String(128), nullable=True),
    sa.Column("channel_name", sa.String(200), nullable=True),
    sa.Column("local_time", sa.String(5), nullable=False),  # "HH:MM", wall time in `zone`
    sa.Column("zone", sa.String(64), nullable=False),  # an IANA name
    sa.Column("topic", sa.String(80), nullable=True),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("set_by", sa.String(128), nullable=False),
    sa.Column("cycle", sa.Integer, nullable=False, server_default="0"),
    sa.Column("seen", sa.Text, nullable=False, server_default="[]"),  # JSON list of fact ids
    sa.Column("disabled_reason", sa.String(300), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("platform", "channel_id"),  # one schedule per channel
)
# What a claim scans: the enabled schedules by when they fall due.
sa.Index(
    "ix_daily_schedules_due",
    daily_schedules.c.next_run_at,
    sqlite_where=daily_schedules.c.enabled,
    postgresql_where=daily_schedules.c.enabled,
)

daily_posts = sa.Table(
    "daily_posts",
    metadata,
    sa.Column(
        "schedule_id", sa.ForeignKey("daily_schedules.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("local_date", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("fact_id", sa.String(120), nullable=True),
    sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_by", sa.String(64), nullable=True),
    sa.Column("message_id", sa.String(200), nullable=True),
    # The key that makes a post happen once: one row per schedule and local day, whoever
    # claims it first (another process, a restart, /daily now) owns it.
    sa.PrimaryKeyConstraint("schedule_id", "local_date"),
)
# The claims not yet resolved, found without reading the whole log.
sa.Index(
    "ix_daily_posts_open_claims",
    daily_posts.c.claimed_at,
    sqlite_where=daily_posts.c.status == "claimed",
    postgresql_where=daily_posts.c.status == "claimed",
)

# Spaced repetition: each student's memory of each question (FSRS's card), and every review.
review_memories = sa.Table(
    "review_memories",
    metadata,
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
    sa.PrimaryKeyConstraint("platform", "user_id", "quiz_id", "card_key"),
)
# What /review asks: a student's memories by when they fall due.
sa.Index(
    "ix_review_memories_due",
    review_memories.c.platform,
    review_memories.c.user_id,
    review_memories.c.due,
)

review_log = sa.Table(
    "review_log",
    metadata,
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
)
# A student's reviews by time: study days, and what forgetting a student deletes.
sa.Index(
    "ix_review_log_student",
    review_log.c.platform,
    review_log.c.user_id,
    review_log.c.reviewed_at,
)

# Each student's running practice (or review), so that a restart loses none of it.
practices = sa.Table(
    "practices",
    metadata,
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("state", sa.Text, nullable=False),  # JSON: bot.core.quiz.practice.dump_practice
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint("platform", "user_id"),
)
