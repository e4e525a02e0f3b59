"""The daily poster: a timed component that claims the schedules falling due and posts each
channel's fact of the day through `Delivery`.

It never sleeps and never asks a platform anything itself: the timer driver ticks it at the
earliest `next_run_at` (or at least every `poll`, so that schedules another process set are
seen), the store decides who owns each post, and the outcome of each send is written back in
the background. A channel that is gone turns its schedule off and the teacher is told.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Callable, Collection, Coroutine
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.core.batching import Batcher
from bot.core.course.library import ContentLibrary
from bot.core.daily.cycle import pick
from bot.core.daily.records import Outcome, PostStatus, Schedule, Slot
from bot.core.daily.render import daily_reply
from bot.core.daily.store_port import DailyStore
from bot.core.daily.when import local_day
from bot.core.delivery import Delivery
from bot.core.messages import KEY_CHARS, Channel, Person, Reply
from bot.core.ports import StoreUnavailable

log = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(hours=6)
POLL = timedelta(seconds=60)  # how stale this process's view of other processes' schedules gets
RETRY_AFTER = timedelta(seconds=30)  # when the database is down at a tick
BATCH = 200
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)


def worker_name() -> str:
    """Who claimed a post, for the post log: host, process and a per-start suffix."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def nonce(slot: Slot) -> str:
    """The same for every try of one channel's post of one day, and at most 25 characters."""
    return f"d{slot.schedule.id}-{slot.day:%Y%m%d}"[:KEY_CHARS]


class DailyPoster:
    def __init__(
        self,
        store: DailyStore,
        delivery: Delivery,
        library: ContentLibrary,
        *,
        platforms: Collection[str],
        grace: timedelta = DEFAULT_GRACE,
        worker: str | None = None,
        batch: int = BATCH,
        poll: timedelta = POLL,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self._store = store
        self._delivery = delivery
        self._library = library
        self._platforms = frozenset(platforms)
        self.grace = grace
        self.worker = worker or worker_name()
        self._batch = batch
        self._poll = poll
        self._wake = wake
        self._next: datetime | None = None
        self._checked: datetime | None = None  # None: look at once (catch-up on start)
        self._tasks: set[asyncio.Task[None]] = set()
        self._run: asyncio.Task[None] | None = None
        # A batch's posts start and end together: their checks and outcomes share commits.
        self._begins: Batcher[tuple[int, date], bool] = Batcher(
            lambda posts: store.begin_sends(posts, self.worker)
        )
        self._outcomes: Batcher[Outcome, None] = Batcher(store.record_posts)
        delivery.when_gone(self.place_gone)

    @property
    def store(self) -> DailyStore:
        return self._store

    # -- the timer driver's side ----------------------------------------------------------

    def next_deadline(self) -> datetime | None:
        if self._checked is None:
            return _LONG_AGO
        recheck = self._checked + self._poll
        return recheck if self._next is None else min(self._next, recheck)

    async def tick(self, now: datetime) -> None:
        """Start a run in the background (a slow platform must not hold up the other timers);
        a run still going is left to finish."""
        self._checked = now
        if self._run is None or self._run.done():
            self._run = asyncio.create_task(self._claim_and_post(now))

    async def _claim_and_post(self, now: datetime) -> None:
        """Claim a batch, post it, wait for it, and only then claim the next: a process that
        stops mid-run leaves at most one batch in flight for the others to sort out."""
        try:
            while True:
                claimed = await self._store.claim_due(
                    self._platforms, now, self.grace, self._batch, self.worker
                )
                if claimed.missed:
                    log.info("daily posts: %d missed while the bot was down", claimed.missed)
                sent = await asyncio.gather(
                    *(self._send(slot) for slot in claimed.slots), return_exceptions=True
                )
                for slot, outcome in zip(claimed.slots, sent, strict=True):
                    if isinstance(outcome, Exception):
                        log.error("daily post %s failed", nonce(slot), exc_info=outcome)
                if claimed.scanned < self._batch:
                    break
            self._next = await self._store.next_due(self._platforms)
        except StoreUnavailable as exc:
            log.warning("daily posts: the database is unavailable (%s); trying again soon", exc)
            self._checked = now - self._poll + RETRY_AFTER
        except Exception:
            log.exception("daily posts: a run failed; trying again soon")
            self._checked = now - self._poll + RETRY_AFTER
        self._wake()

    def changed(self, when: datetime | None) -> None:
        """A schedule of this process now falls due at `when`: look again then."""
        if when is not None and (self._next is None or when < self._next):
            self._next = when
            self._wake()

    # -- posting --------------------------------------------------------------------------

    async def _send(self, slot: Slot) -> None:
        schedule = slot.schedule
        chosen = pick(self._library.catalog, schedule)
        if chosen is None:
            log.warning(
                "daily post of %s %s skipped: no facts on %r",
                schedule.place.platform,
                schedule.place.channel_id,
                schedule.topic,
            )
            await self._record(slot, "skipped")
            return
        fact = self._library.catalog.facts[chosen.fact_id]
        reply = daily_reply(self._library, fact, schedule.topic)

        async def still_ours() -> bool:
            return await self._begins.submit((schedule.id, slot.day))

        posted = self._delivery.post(schedule.place, reply, key=nonce(slot), before=still_ours)
        await posted.done.wait()
        if posted.ref is None:  # logged by Delivery; a gone channel also turns the schedule off
            if posted.sent:
                await self._record(slot, "failed", fact_id=chosen.fact_id)
            return  # not sent at all: the claim was taken over, or the database was down
        await self._record(
            slot,
            "posted",
            fact_id=chosen.fact_id,
            message_id=posted.ref.message_id,
            cycle=chosen.cycle,
            seen=chosen.seen,
        )

    async def _record(self, slot: Slot, status: PostStatus, **outcome: Any) -> None:
        try:
            await self._outcomes.submit(Outcome(slot.schedule.id, slot.day, status, **outcome))
        except StoreUnavailable as exc:  # the post is out; only its log line is late
            log.warning("daily post outcome not recorded (%s): %s", exc, status)

    async def post_today(self, schedule: Schedule, now: datetime) -> date | None:
        """/daily now: claim today's post (local day) and send it; None if today's is taken."""
        day = local_day(now, schedule.zone)
        slot = await self._store.claim_day(schedule.id, day, now, self.worker)
        if slot is None:
            return None
        self._spawn(self._send(slot))  # the reply to /daily now does not wait for the platform
        return day

    async def place_gone(self, place: Channel | Person, reason: str) -> None:
        if not isinstance(place, Channel):
            return
        schedule = await self._store.turn_off(place, reason)
        if schedule is None:
            return
        where = f"#{place.name}" if place.name else f"channel {place.channel_id}"
        log.warning("daily posts in %s %s turned off: %s", place.platform, place.channel_id, reason)
        self._delivery.post(
            Person(place.platform, schedule.set_by),
            Reply(
                text=f"The daily fact in {where} has stopped: {reason}. When the bot can post "
                "there again, turn it back on there with /daily set.",
                title="Daily fact stopped",
            ),
        )

    async def drain(self) -> None:
        """Wait for the run and the posts in flight (tests, and a clean shutdown)."""
        while self._tasks or (self._run is not None and not self._run.done()):
            running = [*self._tasks, *([self._run] if self._run is not None else [])]
            await asyncio.gather(*running, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
