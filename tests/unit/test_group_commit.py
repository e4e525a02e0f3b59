"""Group commit: a burst of answers is one transaction, and nobody is acknowledged before it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import cast

import pytest

from bot.core.ports import StoreUnavailable
from bot.core.quiz.group_commit import GroupCommit
from bot.core.quiz.records import AnswerIn, AnswerOutcome
from bot.core.quiz.store_port import Store
from tests.conftest import NOON


class CountingStore:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[int] = []
        self.fail = fail

    async def record_answers(self, answers: Sequence[AnswerIn]) -> list[AnswerOutcome]:
        self.batches.append(len(answers))
        if self.fail:
            raise StoreUnavailable("down")
        return [AnswerOutcome(True, a.points) for a in answers]


def _answer(n: int) -> AnswerIn:
    return AnswerIn(1, 0, f"s{n}", f"S{n}", "A", True, n, 100, NOON)


async def test_a_burst_is_one_transaction() -> None:
    store = CountingStore()
    commits = GroupCommit(cast(Store, store), window=0.001)
    outcomes = await asyncio.gather(*(commits.submit(_answer(n)) for n in range(200)))
    assert store.batches == [200] and commits.commits == 1
    assert [o.points for o in outcomes] == list(range(200)), "each gets its own outcome"


async def test_a_full_batch_commits_without_waiting() -> None:
    store = CountingStore()
    commits = GroupCommit(cast(Store, store), window=60, max_batch=10)
    outcomes = await asyncio.gather(*(commits.submit(_answer(n)) for n in range(10)))
    assert store.batches == [10] and len(outcomes) == 10


async def test_a_failed_commit_fails_every_waiting_answer() -> None:
    commits = GroupCommit(cast(Store, CountingStore(fail=True)), window=0.001)
    results = await asyncio.gather(
        *(commits.submit(_answer(n)) for n in range(3)), return_exceptions=True
    )
    assert all(isinstance(r, StoreUnavailable) for r in results)
    with pytest.raises(StoreUnavailable):
        await commits.submit(_answer(9))


async def test_answers_during_a_commit_wait_for_one_next_commit() -> None:
    class SlowStore(CountingStore):
        def __init__(self) -> None:
            super().__init__()
            self.gate = asyncio.Event()
            self.in_flight = 0
            self.most_in_flight = 0

        async def record_answers(self, answers: Sequence[AnswerIn]) -> list[AnswerOutcome]:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            await self.gate.wait()
            self.in_flight -= 1
            return await super().record_answers(answers)

    store = SlowStore()
    commits = GroupCommit(cast(Store, store), window=0)
    first = asyncio.create_task(commits.submit(_answer(0)))
    for _ in range(10):  # the first commit begins
        await asyncio.sleep(0)
    assert store.in_flight == 1
    later = [asyncio.create_task(commits.submit(_answer(n))) for n in range(1, 51)]
    for _ in range(10):
        await asyncio.sleep(0)
    store.gate.set()
    await asyncio.gather(first, *later)
    assert store.batches == [1, 50], "the 50 that came during the commit share the next one"
    assert store.most_in_flight == 1
