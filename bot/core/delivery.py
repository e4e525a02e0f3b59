"""Delivery: what the core says on its own reaches each platform in the background.

Posts go out in order, one at a time per channel, so that a slow or hanging platform holds up
only its own channel and never a step of the engine or a reply to a user. Edits of one message
are coalesced: at most one in flight and one per the platform's `Limits.edit_seconds`, the
latest state wins, and the last edit asked for is always sent (a question's "closed" edit is
never dropped).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from bot.core.fit import fit, fit_one
from bot.core.messages import Channel, Person, Reply, part_key
from bot.core.ports import Clock, MessageRef, Outbox, PlaceGone

log = logging.getLogger(__name__)

CALL_TIMEOUT = 30.0  # a platform call that hangs longer is given up, so its channel moves on
Sleep = Callable[[float], Awaitable[None]]
# Told when a place cannot be written to any more (its channel deleted, access lost).
GoneHandler = Callable[[Channel | Person, str], Coroutine[Any, Any, None]]
# Run just before a post goes to the platform; False (or an error) and it is not sent.
BeforeSend = Callable[[], Awaitable[bool]]


class Posted:
    """A message on its way. `ref` is set once the platform has taken it (None if it failed)."""

    def __init__(self, to: Channel | Person, before: BeforeSend | None = None) -> None:
        self.to = to
        self.before = before
        self.ref: MessageRef | None = None
        self.done = asyncio.Event()
        self.latest: Reply | None = None  # the newest edit not yet sent
        self.last_edit: float | None = None  # clock time (s) of the last edit sent
        self.pumping = False
        self.sent = False  # whether it went to the platform (False: held back by `before`)


def _key(to: Channel | Person) -> tuple[str, str, str]:
    if isinstance(to, Channel):
        return to.platform, "channel", to.channel_id
    return to.platform, "person", to.user_id


class Delivery:
    def __init__(
        self,
        outboxes: Mapping[str, Outbox],
        clock: Clock,
        *,
        sleep: Sleep = asyncio.sleep,
        call_timeout: float = CALL_TIMEOUT,
    ) -> None:
        self._outboxes = dict(outboxes)
        self._clock = clock
        self._sleep = sleep
        self._call_timeout = call_timeout
        self._queues: dict[tuple[str, str, str], deque[tuple[Posted, Reply, str | None]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._gone_handlers: list[GoneHandler] = []

    @property
    def clock(self) -> Clock:
        return self._clock

    def when_gone(self, handler: GoneHandler) -> None:
        """Call `handler(place, reason)` once a platform says `place` is gone; what was still
        queued for it is dropped."""
        self._gone_handlers.append(handler)

    def post(
        self,
        to: Channel | Person,
        reply: Reply,
        *,
        key: str | None = None,
        before: BeforeSend | None = None,
    ) -> Posted:
        """Queue `reply` for `to`; returns at once. `key` makes the post idempotent where the
        platform allows (see `Outbox.post`); a reply split in parts gets one key per part.
        `before` runs when its turn comes, right before the platform is called (a daily post
        records there that its send has begun)."""
        posted = Posted(to, before)
        place = _key(to)
        queue = self._queues.get(place)
        if queue is None:  # no worker for this channel: start one, it ends when the queue does
            queue = self._queues[place] = deque()
            self._spawn(self._work(place, queue))
        queue.append((posted, reply, key))
        return posted

    def edit(self, posted: Posted, reply: Reply) -> None:
        """Ask for `posted` to show `reply`; returns at once. Newer edits replace older ones."""
        posted.latest = reply
        if not posted.pumping:
            posted.pumping = True
            self._spawn(self._pump(posted))

    async def drain(self) -> None:
        """Wait until everything queued so far has been delivered (or has failed)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _call(self, what: str, to: Channel | Person, work: Awaitable[Any]) -> Any:
        """One platform call; a failure is logged and the channel moves on."""
        try:
            async with asyncio.timeout(self._call_timeout):
                return await work
        except PlaceGone as gone:
            log.warning("could not %s to %s %s: %s", what, to.platform, _key(to)[2], gone)
            queue = self._queues.get(_key(to))
            if queue:  # the rest cannot arrive either; the one being sent stays for its worker
                while len(queue) > 1:
                    posted, _, _ = queue.pop()
                    posted.done.set()
            for handler in self._gone_handlers:
                self._spawn(handler(to, str(gone)))
            return None
        except Exception:  # a platform error must never stop a quiz or another channel
            log.exception("could not %s to %s %s", what, to.platform, _key(to)[2])
            return None

    async def _work(
        self, key: tuple[str, str, str], queue: deque[tuple[Posted, Reply, str | None]]
    ) -> None:
        try:
            while queue:
                posted, reply, nonce = queue[0]
                outbox = self._outboxes.get(posted.to.platform)
                if outbox is None:
                    log.error("no outbox for platform %r", posted.to.platform)
                elif not await self._ready(posted):
                    log.warning("post to %s %s not sent: not cleared", posted.to.platform, key[2])
                else:
                    posted.sent = True
                    for n, part in enumerate(fit(reply, outbox.limits)):
                        key_n = None if nonce is None else part_key(nonce, n)
                        # The part with the choices (the last) is the one later edits change.
                        posted.ref = await self._call(
                            "post", posted.to, outbox.post(posted.to, part, key=key_n)
                        )
                posted.done.set()
                queue.popleft()
        finally:
            self._queues.pop(key, None)
            for posted, _, _ in queue:  # cancelled: let waiting edits give up
                posted.done.set()

    @staticmethod
    async def _ready(posted: Posted) -> bool:
        if posted.before is None:
            return True
        try:
            return await posted.before()
        except Exception:
            log.exception("a post's check before sending failed; not sent")
            return False

    async def _pump(self, posted: Posted) -> None:
        try:
            await posted.done.wait()
            outbox = self._outboxes.get(posted.to.platform)
            while posted.latest is not None and posted.ref is not None and outbox is not None:
                if posted.last_edit is not None:
                    wait = posted.last_edit + outbox.limits.edit_seconds - self._seconds()
                    if wait > 0:
                        await self._sleep(wait)
                reply, posted.latest = posted.latest, None
                posted.last_edit = self._seconds()
                await self._call(
                    "edit", posted.to, outbox.edit(posted.ref, fit_one(reply, outbox.limits))
                )
        finally:
            posted.pumping = False

    def _seconds(self) -> float:
        return self._clock.now().timestamp()
