"""The one timer driver: runs every timed component (class quizzes, daily posts, reviews) on the
event loop, with the injected clock. Components never sleep; they say when they next need a
`tick`, and call `wake()` when that moves earlier."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime

from bot.core.ports import Clock, Timed

log = logging.getLogger(__name__)


class Timers:
    def __init__(self, clock: Clock, components: tuple[Timed, ...] = ()) -> None:
        self._clock = clock
        self._components = list(components)
        self._wakeup = asyncio.Event()
        self._ticked = asyncio.Event()

    def add(self, component: Timed) -> None:
        self._components.append(component)
        self.wake()

    def wake(self) -> None:
        """A deadline may have changed: look again."""
        self._wakeup.set()

    def next_deadline(self) -> datetime | None:
        deadlines = [d for c in self._components if (d := c.next_deadline()) is not None]
        return min(deadlines, default=None)

    async def tick(self, now: datetime) -> None:
        """Tick every component that has something due, side by side."""
        due = [c for c in self._components if (d := c.next_deadline()) is not None and d <= now]
        results = await asyncio.gather(*(c.tick(now) for c in due), return_exceptions=True)
        for component, result in zip(due, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                log.error("timer of %r failed", component, exc_info=result)
        ticked, self._ticked = self._ticked, asyncio.Event()
        ticked.set()

    async def ticked(self) -> None:
        """Return after the next tick (the console waits on this for a quiz to end)."""
        await self._ticked.wait()

    async def run(self) -> None:
        """Forever: sleep until the nearest deadline or a wake-up, then tick what is due."""
        while True:
            self._wakeup.clear()  # before looking, so that a wake() from here on is not missed
            deadline = self.next_deadline()
            if deadline is None:
                await self._wakeup.wait()
                continue
            delay = (deadline - self._clock.now()).total_seconds()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wakeup.wait()
                continue
            await self.tick(self._clock.now())
