"""The review store's port: memories and the review log (SQL in `bot.store`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from bot.core.review.records import ItemRef, MemoryState, Review, Student


class ReviewStore(Protocol):
    """Every method commits before it returns."""

    async def memories(
        self, student: Student, items: Collection[ItemRef]
    ) -> dict[ItemRef, MemoryState]:
        """The student's memory of each of `items` they have met (the others are absent)."""
        ...

    async def save_reviews(self, reviews: Sequence[Review]) -> None:
        """Store each review's memory (replacing the one before) and log the review, in one
        transaction, in order."""
        ...

    async def due(self, student: Student, now: datetime, limit: int) -> list[MemoryState]:
        """The student's memories due at `now`, most overdue first (an indexed query)."""
        ...

    async def next_review_due(self, student: Student) -> datetime | None:
        """When the student's next memory falls due, due or not."""
        ...

    async def all_memories(self, student: Student) -> list[MemoryState]: ...

    async def study_days(self, student: Student, since: date) -> list[date]:
        """The UTC days on or after `since` with any review, newest first."""
        ...

    async def forget(self, student: Student) -> int:
        """Delete the student's memories and review log; how many reviews were deleted."""
        ...

    async def load_practice(self, student: Student) -> str | None:
        """The student's running practice as saved (JSON), if any."""
        ...

    async def save_practice(self, student: Student, state: str, at: datetime) -> None:
        """Keep the student's running practice (one per student: it replaces the one before)."""
        ...

    async def end_practice(self, student: Student) -> None: ...
