"""Group commit of answers: a class answering at once is stored in one transaction per few
milliseconds (`bot.core.batching`); each student is acknowledged once their answer is in."""

from __future__ import annotations

from bot.core.batching import DEFAULT_WINDOW, MAX_BATCH, Batcher
from bot.core.quiz.records import AnswerIn, AnswerOutcome
from bot.core.quiz.store_port import Store

__all__ = ["DEFAULT_WINDOW", "GroupCommit"]


class GroupCommit(Batcher[AnswerIn, AnswerOutcome]):
    def __init__(
        self, store: Store, window: float = DEFAULT_WINDOW, max_batch: int = MAX_BATCH
    ) -> None:
        super().__init__(store.record_answers, window, max_batch)
