"""What the daily-post store keeps: schedules, and the post log that makes a post happen once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from bot.core.messages import Channel

# claimed: taken by a process, not yet sent (if that process stops, another takes it over once
# the claim's lease runs out); sending: handed to the platform; posted: the platform took it;
# missed: fell due while the bot was down, past the grace window; failed: the platform refused
# it; skipped: nothing to post (no facts on the topic); interrupted: its process stopped during
# the send, so nobody knows whether it arrived, and it is not sent again (never twice).
PostStatus = Literal["claimed", "sending", "posted", "missed", "failed", "skipped", "interrupted"]


@dataclass(frozen=True, slots=True)
class Schedule:
    id: int
    place: Channel
    at: time  # local wall time
    zone: str  # IANA name
    topic: str | None  # a topic id, or None for the whole course
    enabled: bool
    next_run_at: datetime | None  # UTC; None when off
    set_by: str  # the teacher's user id, told when the schedule has to stop
    cycle: int  # how many times every fact has been through; the order changes each cycle
    seen: tuple[str, ...]  # fact ids posted in this cycle, in order
    disabled_reason: str | None = None


@dataclass(frozen=True, slots=True)
class NewSchedule:
    place: Channel
    at: time
    zone: str
    topic: str | None
    set_by: str
    next_run_at: datetime


@dataclass(frozen=True, slots=True)
class Slot:
    """A post claimed for one schedule and one local day: this process, and only it, sends it."""

    schedule: Schedule
    day: date  # the local date the post belongs to
    due_at: datetime  # when it fell due (UTC)


@dataclass(frozen=True, slots=True)
class Claimed:
    """What one claim found: the posts to send now, and how many were recorded as missed."""

    slots: list[Slot]
    missed: int
    scanned: int = 0  # schedules looked at (a claim of `limit` of them means: claim again)


@dataclass(frozen=True, slots=True)
class PostRecord:
    schedule_id: int
    day: date
    status: PostStatus
    fact_id: str | None
    at: datetime  # when it was claimed or recorded


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a claimed post went; `cycle` and `seen` (when posted) are the schedule's new cycle."""

    schedule_id: int
    day: date
    status: PostStatus
    fact_id: str | None = None
    message_id: str | None = None
    cycle: int | None = None
    seen: tuple[str, ...] | None = None
