"""Ports the core needs from the outside world, injected by `bot.bootstrap`.

Each feature gets a narrow port of its own beside its logic (class sessions: `quiz/store_port.py`);
this module holds what every feature shares: time, messages out, and timers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from bot.core.messages import Channel, Limits, Person, Reply


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class StoreUnavailable(Exception):
    """The store cannot be reached right now; the caller should tell the user to try again."""


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message the bot posted, so that it can be edited later (e.g. to close its buttons)."""

    place: Channel | Person
    message_id: str


class Outbox(Protocol):
    """How the core speaks on its own (timer-driven reveals, next questions, notices), not in
    reply to a command: one per platform. Discord and Slack post and edit messages in place; the
    console prints them. The core never awaits it on a user's behalf: `Delivery` calls it in the
    background."""

    @property
    def limits(self) -> Limits:
        """How big a message may be on this platform."""
        ...

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        """Post `reply`. `key`, when given, is the same for every try of one message (at most
        25 characters): a platform that can refuse duplicates (Discord's nonce) uses it, so
        that a retried send never posts twice."""
        ...

    async def edit(self, ref: MessageRef, reply: Reply) -> None: ...


class Memo(Protocol):
    """Small named values the bot keeps between runs (e.g. the hash of the slash commands last
    synced to a platform, so that a restart does not sync again)."""

    async def recall(self, key: str) -> str | None: ...

    async def remember(self, key: str, value: str) -> None: ...


class PlaceGone(Exception):
    """An outbox's answer when the channel (or person) can no longer be written to: deleted, or
    the bot lost access. Whatever runs there (a class quiz) should end."""


class Timed(Protocol):
    """A component with deadlines (class quizzes, daily posts, reviews), run by the timer driver."""

    def next_deadline(self) -> datetime | None:
        """When `tick` next has something to do; None when nothing is scheduled."""
        ...

    async def tick(self, now: datetime) -> None:
        """Do whatever is due at `now`. Never raises for one item's failure."""
        ...
