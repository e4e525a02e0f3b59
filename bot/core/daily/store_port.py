"""The daily posts' port: schedules and the post log (SQL in `bot.store`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.core.daily.records import Claimed, NewSchedule, Outcome, PostRecord, Schedule, Slot
from bot.core.messages import Channel
from bot.core.ports import Memo


class DailyStore(Memo, Protocol):
    """Every method commits before it returns. Claims are safe across processes: a schedule's
    post for a local day is claimed by one caller only, ever."""

    async def set_schedule(self, new: NewSchedule) -> Schedule:
        """Create or replace the channel's schedule (its cycle of facts carries on)."""
        ...

    async def schedule_in(self, place: Channel) -> Schedule | None: ...

    async def turn_off(self, place: Channel, reason: str | None = None) -> Schedule | None:
        """Stop the channel's schedule (kept, with its cycle, for a later /daily set)."""
        ...

    async def claim_due(
        self,
        platforms: Collection[str],
        now: datetime,
        grace: timedelta,
        limit: int,
        worker: str,
    ) -> Claimed:
        """Claim up to `limit` schedules due at `now` and move each to its next run. A run that
        fell due more than `grace` ago is recorded as missed, not claimed; of several runs
        within it only the latest is claimed. Claims another process left unsent past their
        lease are taken over; those it left mid-send are recorded as interrupted."""
        ...

    async def begin_sends(self, posts: Sequence[tuple[int, date]], worker: str) -> list[bool]:
        """Mark claimed posts (schedule id, local day) as being sent, each only if `worker`
        still holds its claim; False means it is not ours any more and must not be sent."""
        ...

    async def claim_day(
        self, schedule_id: int, day: date, now: datetime, worker: str
    ) -> Slot | None:
        """Claim the post of local day `day` now (/daily now); None if that day's post is
        already claimed. A scheduled run later that day then finds it taken."""
        ...

    async def record_posts(self, outcomes: Sequence[Outcome]) -> list[None]:
        """How claimed posts went, in one transaction."""
        ...

    async def next_due(self, platforms: Collection[str]) -> datetime | None:
        """When the earliest enabled schedule on `platforms` falls due."""
        ...

    async def posts(self, schedule_id: int, limit: int = 10) -> list[PostRecord]:
        """The schedule's post log, newest day first."""
        ...
