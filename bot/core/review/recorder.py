"""Class answers become reviews in the background: a student's "Answer received" never waits
for their memory to be written, and a class answering at once is one transaction (group commit).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta

from bot.core.batching import DEFAULT_WINDOW, Batcher
from bot.core.course.library import ContentLibrary
from bot.core.ports import StoreUnavailable
from bot.core.quiz.deck import topic_of
from bot.core.quiz.records import ClassAnswer
from bot.core.review.memory import Answered, Memory
from bot.core.review.rating import rate
from bot.core.review.records import ItemRef, Review, Student

log = logging.getLogger(__name__)


def as_review(answer: ClassAnswer, library: ContentLibrary) -> Answered:
    """A class answer rated against the session's time per question."""
    quiz = library.quizzes.get(answer.quiz_id)
    topic = topic_of(quiz, answer.card_key, library.catalog)
    elapsed = timedelta(milliseconds=answer.latency_ms)
    return Answered(
        Student(answer.platform, answer.user_id),
        ItemRef(answer.quiz_id, answer.card_key),
        topic,
        rate(answer.correct, elapsed, timedelta(seconds=answer.seconds)),
        answer.correct,
        "class",
        answer.at,
        answer.latency_ms,
    )


class ClassMemory:
    """Takes class answers (Classroom's `on_answer`) and records them as reviews, batched."""

    def __init__(
        self, memory: Memory, library: ContentLibrary, window: float = DEFAULT_WINDOW
    ) -> None:
        self._library = library
        self._batcher: Batcher[Answered, Review] = Batcher(self._record, window)
        self._memory = memory
        self._tasks: set[asyncio.Task[None]] = set()

    async def _record(self, answers: Sequence[Answered]) -> Sequence[Review]:
        return await self._memory.record(answers)

    def __call__(self, answer: ClassAnswer) -> None:
        task = asyncio.get_running_loop().create_task(self._remember(answer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _remember(self, answer: ClassAnswer) -> None:
        try:
            await self._batcher.submit(as_review(answer, self._library))
        except StoreUnavailable as exc:
            log.warning("class answer not remembered (%s): the store is unavailable", exc)
        except Exception:  # the quiz goes on whatever happens to a student's memory
            log.exception("class answer not remembered")

    async def drain(self) -> None:
        """Wait until every answer taken so far is recorded (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks))
