"""Ports the core needs from the outside world, injected by `bot.bootstrap`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.messages import Channel, Reply
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


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class StoreUnavailable(Exception):
    """The store cannot be reached right now; the caller should tell the user to try again."""


class Store(Protocol):
    """Durable quiz sessions, answers and scores. Every method commits before it returns."""

    async def start_session(self, new: NewSession) -> SessionRecord | None:
        """The new running session, or None when the channel already has one."""
        ...

    async def running(self, place: Channel) -> SessionRecord | None: ...

    async def all_running(self) -> list[SessionRecord]:
        """Every session still running, for resuming after a restart."""
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


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message the bot posted, so that it can be edited later (e.g. to close its buttons)."""

    place: Channel
    message_id: str


class Outbox(Protocol):
    """How the core speaks on its own (timer-driven reveals, next questions), not in reply to a
    command. Every adapter implements it: Discord and Slack post and edit messages in place; the
    console prints them as they happen."""

    async def post(self, place: Channel, reply: Reply) -> MessageRef: ...

    async def edit(self, ref: MessageRef, reply: Reply) -> None: ...
