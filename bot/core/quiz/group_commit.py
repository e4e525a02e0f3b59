"""Group commit: answers that arrive together are stored in one transaction.

A burst of a class answering at once costs one commit per few milliseconds instead of one per
answer; each student is still acknowledged only after their answer is committed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from bot.core.quiz.records import AnswerIn, AnswerOutcome
from bot.core.quiz.store_port import Store

DEFAULT_WINDOW = 0.002  # seconds to wait for more answers before committing
MAX_BATCH = 1000


class GroupCommit:
    """One flush in flight at a time: what arrives during a commit waits for the next one, so
    batches grow with the load instead of the commits multiplying (and two batches never race
    each other for the same rows)."""

    def __init__(
        self, store: Store, window: float = DEFAULT_WINDOW, max_batch: int = MAX_BATCH
    ) -> None:
        self._store = store
        self._window = window
        self._max_batch = max_batch
        self._pending: list[tuple[AnswerIn, asyncio.Future[AnswerOutcome]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._full = asyncio.Event()
        self.commits = 0  # transactions so far, for benchmarks and tests

    async def submit(self, answer: AnswerIn) -> AnswerOutcome:
        """Store `answer` with whatever else arrives within the window; returns once committed."""
        future: asyncio.Future[AnswerOutcome] = asyncio.get_running_loop().create_future()
        self._pending.append((answer, future))
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

    async def _commit(self, batch: list[tuple[AnswerIn, asyncio.Future[AnswerOutcome]]]) -> None:
        answers: Sequence[AnswerIn] = [answer for answer, _ in batch]
        try:
            outcomes = await self._store.record_answers(answers)
        except Exception as exc:  # every waiting student learns the batch failed
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        finally:
            self.commits += 1
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if not future.done():
                future.set_result(outcome)
