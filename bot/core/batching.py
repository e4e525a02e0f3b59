"""Group commit: requests that arrive together are carried out in one transaction.

A burst (a class answering at once, a thousand daily posts starting together) costs one commit
per few milliseconds instead of one per request; each caller still returns only once its own
request is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_WINDOW = 0.002  # seconds to wait for more requests before committing
MAX_BATCH = 1000


class Batcher(Generic[T, R]):
    """One flush in flight at a time: what arrives during a commit waits for the next one, so
    batches grow with the load instead of the commits multiplying (and two batches never race
    each other for the same rows). `commit(items)` returns one result per item, in order."""

    def __init__(
        self,
        commit: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
        window: float = DEFAULT_WINDOW,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._commit_many = commit
        self._window = window
        self._max_batch = max_batch
        self._pending: list[tuple[T, asyncio.Future[R]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._full = asyncio.Event()
        self.commits = 0  # transactions so far, for benchmarks and tests

    async def submit(self, item: T) -> R:
        """Commit `item` with whatever else arrives within the window; returns once committed."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if len(self._pending) >= self._max_batch:
            self._full.set()
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_all())
        return await future

    async def _flush_all(self) -> None:
        try:
            # Wait for the rest of the burst, unless a batch is already full.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._window):
                    await self._full.wait()
            while self._pending:
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                self._full.clear()
                await self._commit(batch)
        finally:
            self._flusher = None

    async def _commit(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._commit_many([item for item, _ in batch])
        except Exception as exc:  # every waiting caller learns the batch failed
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        finally:
            self.commits += 1
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
