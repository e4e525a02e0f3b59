"""The class sessions' port: durable sessions, answers and scores (SQL in `bot.store`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from bot.core.messages import Channel
from bot.core.quiz.records import (
    AnswerIn,
    AnswerOutcome,
    AnswerRow,
    LeaderRow,
    NewSession,
    ScoreRow,
    SessionRecord,
    SessionStatus,
)


class Store(Protocol):
    """Durable quiz sessions, answers and scores. Every method commits before it returns."""

    async def start_session(self, new: NewSession) -> SessionRecord | None:
        """The new running session, or None when the channel already has one."""
        ...

    async def running(self, place: Channel) -> SessionRecord | None: ...

    async def all_running(self, platforms: Collection[str]) -> list[SessionRecord]:
        """Every session still running on `platforms`, for resuming after a restart."""
        ...

    async def get_session(self, session_id: int) -> SessionRecord | None: ...

    async def sessions_in(self, place: Channel, limit: int = 10) -> list[SessionRecord]:
        """The channel's sessions, newest first."""
        ...

    async def advance(self, session_id: int, question: int, key: str, at: datetime) -> None:
        """Record that `question` (the card `key`) is being asked from `at`."""
        ...

    async def finish(self, session_id: int, status: SessionStatus, at: datetime) -> None: ...

    async def record_answers(self, answers: Sequence[AnswerIn]) -> list[AnswerOutcome]:
        """Store a batch of answers in one transaction; one outcome per answer, in order."""
        ...

    async def scores(self, session_id: int) -> list[ScoreRow]:
        """The session's players, best first."""
        ...

    async def answers(self, session_id: int) -> list[AnswerRow]: ...

    async def leaderboard(
        self,
        platform: str,
        *,
        channel_id: str | None = None,
        server_id: str | None = None,
        quiz_id: str | None = None,
        since: datetime | None = None,
        limit: int = 10,
    ) -> list[LeaderRow]: ...

    async def close(self) -> None: ...
