"""The ReviewStore port in SQL, part of `SqlStore`: memories and the review log.

A memory is one row per student and question, replaced by each review (an upsert on its key);
the log keeps every review. Datetimes are written in UTC: SQLite keeps them as naive text, so
a comparison such as `due <= now` is only right if every value is in the same zone.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.review.records import ItemRef, MemoryState, Review, Student
from bot.store.engine import aware
from bot.store.tables import practices, review_log, review_memories

# Items asked for at once by `memories`, per query: well under every engine's bound-parameter
# limit (two parameters an item).
_CHUNK = 400

_KEY = ("platform", "user_id", "quiz_id", "card_key")
_MEMORY = (
    "topic",
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reviews",
    "right",
)


def _utc(value: datetime) -> datetime:
    """`value` in UTC (a naive one is taken to be UTC already)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _of(student: Student, table: sa.Table = review_memories) -> sa.ColumnElement[bool]:
    """The rows of `table` that are `student`'s (every review table is keyed by both)."""
    return sa.and_(table.c.platform == student.platform, table.c.user_id == student.user_id)


def _memory_row(memory: MemoryState) -> dict[str, Any]:
    return {
        "platform": memory.student.platform,
        "user_id": memory.student.user_id,
        "quiz_id": memory.item.quiz_id,
        "card_key": memory.item.card_key,
        "topic": memory.topic,
        "state": memory.state,
        "step": memory.step,
        "stability": memory.stability,
        "difficulty": memory.difficulty,
        "due": _utc(memory.due),
        "last_review": memory.last_review and _utc(memory.last_review),
        "reviews": memory.reviews,
        "right": memory.right,
    }


def _log_row(review: Review) -> dict[str, Any]:
    memory = review.after
    return {
        "platform": memory.student.platform,
        "user_id": memory.student.user_id,
        "quiz_id": memory.item.quiz_id,
        "card_key": memory.item.card_key,
        "rating": review.rating,
        "correct": review.correct,
        "source": review.source,
        "reviewed_at": _utc(review.at),
        "elapsed_ms": review.elapsed_ms,
    }


def _memory(row: Any) -> MemoryState:
    due = aware(row.due)
    assert due is not None
    return MemoryState(
        student=Student(row.platform, row.user_id),
        item=ItemRef(row.quiz_id, row.card_key),
        topic=row.topic,
        state=row.state,
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        due=due,
        last_review=aware(row.last_review),
        reviews=row.reviews,
        right=row.right,
    )


def due_query(student: Student, now: datetime, limit: int) -> sa.Select[Any]:
    """The student's due memories, most overdue first: a range scan of ix_review_memories_due."""
    return (
        sa.select(review_memories)
        .where(_of(student), review_memories.c.due <= _utc(now))
        .order_by(review_memories.c.due, review_memories.c.quiz_id, review_memories.c.card_key)
        .limit(limit)
    )


class ReviewSql:
    """Mixed into SqlStore, which provides `_run` (one transaction) and `_insert` (the
    dialect's INSERT with ON CONFLICT)."""

    _run: Any
    _insert: Any

    async def _memories(self, query: sa.Select[Any]) -> list[MemoryState]:
        async def work(connection: AsyncConnection) -> list[MemoryState]:
            return [_memory(row) for row in await connection.execute(query)]

        found: list[MemoryState] = await self._run(work)
        return found

    async def memories(
        self, student: Student, items: Collection[ItemRef]
    ) -> dict[ItemRef, MemoryState]:
        wanted = sorted(set(items))
        if not wanted:
            return {}

        async def work(connection: AsyncConnection) -> dict[ItemRef, MemoryState]:
            key = sa.tuple_(review_memories.c.quiz_id, review_memories.c.card_key)
            found: dict[ItemRef, MemoryState] = {}
            for start in range(0, len(wanted), _CHUNK):
                chunk = [(i.quiz_id, i.card_key) for i in wanted[start : start + _CHUNK]]
                rows = await connection.execute(
                    sa.select(review_memories).where(_of(student), key.in_(chunk))
                )
                for row in rows:
                    memory = _memory(row)
                    found[memory.item] = memory
            return found

        result: dict[ItemRef, MemoryState] = await self._run(work)
        return result

    async def save_reviews(self, reviews: Sequence[Review]) -> None:
        if not reviews:
            return
        # In order, the last review of an item leaves its memory: keep that one per key, and
        # write the memories in key order, so that two batches lock rows in the same order.
        latest: dict[tuple[str, ...], dict[str, Any]] = {}
        for review in reviews:
            row = _memory_row(review.after)
            latest[tuple(row[k] for k in _KEY)] = row
        memories = [latest[key] for key in sorted(latest)]
        logs = [_log_row(review) for review in reviews]

        async def work(connection: AsyncConnection) -> None:
            upsert = self._insert(review_memories)
            upsert = upsert.on_conflict_do_update(
                index_elements=[review_memories.c[k] for k in _KEY],
                set_={name: upsert.excluded[name] for name in _MEMORY},
            )
            await connection.execute(upsert, memories)
            await connection.execute(sa.insert(review_log), logs)

        await self._run(work)

    async def due(self, student: Student, now: datetime, limit: int) -> list[MemoryState]:
        return await self._memories(due_query(student, now, limit))

    async def next_review_due(self, student: Student) -> datetime | None:
        async def work(connection: AsyncConnection) -> datetime | None:
            found = await connection.scalar(
                sa.select(sa.func.min(review_memories.c.due)).where(_of(student))
            )
            return aware(found)

        result: datetime | None = await self._run(work)
        return result

    async def all_memories(self, student: Student) -> list[MemoryState]:
        return await self._memories(
            sa.select(review_memories)
            .where(_of(student))
            .order_by(review_memories.c.quiz_id, review_memories.c.card_key)
        )

    async def study_days(self, student: Student, since: date) -> list[date]:
        async def work(connection: AsyncConnection) -> list[date]:
            at = review_log.c.reviewed_at
            if connection.dialect.name == "postgresql":
                day: sa.ColumnElement[Any] = sa.cast(sa.func.timezone("UTC", at), sa.Date)
            else:  # SQLite keeps UTC text: its date() is the UTC day
                day = sa.func.date(at)
            query = (
                sa.select(day.label("day"))
                .distinct()
                .where(
                    _of(student, review_log),
                    at >= datetime.combine(since, time.min, tzinfo=UTC),
                )
                .order_by(day.desc())
            )
            days = await connection.scalars(query)
            return [d if isinstance(d, date) else date.fromisoformat(d) for d in days]

        result: list[date] = await self._run(work)
        return result

    async def forget(self, student: Student) -> int:
        async def work(connection: AsyncConnection) -> int:
            await connection.execute(sa.delete(review_memories).where(_of(student)))
            await connection.execute(sa.delete(practices).where(_of(student, practices)))
            deleted = await connection.execute(
                sa.delete(review_log).where(_of(student, review_log))
            )
            return int(deleted.rowcount)

        result: int = await self._run(work)
        return result

    async def load_practice(self, student: Student) -> str | None:
        async def work(connection: AsyncConnection) -> str | None:
            row = await connection.execute(
                sa.select(practices.c.state).where(_of(student, practices))
            )
            found = row.scalar_one_or_none()
            return str(found) if found is not None else None

        result: str | None = await self._run(work)
        return result

    async def save_practice(self, student: Student, state: str, at: datetime) -> None:
        async def work(connection: AsyncConnection) -> None:
            values = {"platform": student.platform, "user_id": student.user_id}
            statement = self._insert(practices).values(**values, state=state, updated_at=_utc(at))
            await connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["platform", "user_id"],
                    set_={"state": statement.excluded.state,
                          "updated_at": statement.excluded.updated_at},
                )
            )  # fmt: skip

        await self._run(work)

    async def end_practice(self, student: Student) -> None:
        async def work(connection: AsyncConnection) -> None:
            await connection.execute(sa.delete(practices).where(_of(student, practices)))

        await self._run(work)
