"""Durable answers: throughput, burst latency and memory per session. Prints figures.

    .venv/bin/python benchmarks/answers.py [--answers 5000] [--postgres URL] [--json]

1. Answers per second, each committed before it is acknowledged, on SQLite (a WAL file) and on
   PostgreSQL: one transaction per answer vs group commit, in the same run, with the ratio.
2. A burst: 500 students answer within one second through the quiz engine; p50/p99 time from
   answer to acknowledgement.
3. 1,000 sessions running in 1,000 channels: memory per session (tracemalloc).

Runs on one core where the OS allows it; the database server's own processes are not pinned.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.postgres import fresh_database
from bot.bootstrap import SystemClock
from bot.core.course.library import ContentLibrary
from bot.core.delivery import Delivery
from bot.core.fit import DISCORD
from bot.core.messages import Actor, Channel, Person, Reply
from bot.core.ports import MessageRef
from bot.core.quiz.classroom import Classroom
from bot.core.quiz.deck import deal
from bot.core.quiz.group_commit import GroupCommit
from bot.core.quiz.records import AnswerIn, NewSession
from bot.store.sql_store import SqlStore

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


class NullOutbox:
    limits = DISCORD

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        return MessageRef(to, "0")

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        return None


def _room(store: SqlStore) -> Classroom:
    delivery = Delivery({"bench": NullOutbox()}, SystemClock())
    return Classroom(store, delivery, platforms={"bench"})


async def _session(store: SqlStore, channel: str) -> int:
    record = await store.start_session(
        NewSession(Channel("bench", channel), "q", "Q", "t", T0, "speed", 30, "[]", 10)
    )
    assert record is not None
    return record.id


def _answers(session: int, count: int) -> list[AnswerIn]:
    # Each student answers one of many questions once: every answer is new and accepted.
    return [
        AnswerIn(session, n // 500, f"s{n % 500}", "S", "A", n % 3 == 0, 900, 1200, T0)
        for n in range(count)
    ]


async def throughput(url: str, count: int) -> dict[str, float]:
    store = await SqlStore.open(url)
    try:
        one = _answers(await _session(store, "one-by-one"), count)
        started = time.perf_counter()
        for answer in one:
            await store.record_answers([answer])
        single = count / (time.perf_counter() - started)

        grouped = _answers(await _session(store, "grouped"), count)
        commits = GroupCommit(store)
        started = time.perf_counter()
        await asyncio.gather(*(commits.submit(a) for a in grouped))
        group = count / (time.perf_counter() - started)
        return {
            "one_per_tx_per_s": round(single),
            "group_commit_per_s": round(group),
            "ratio": round(group / single, 1),
            "transactions": commits.commits,
        }
    finally:
        await store.close()


async def burst(url: str, students: int = 500) -> dict[str, float]:
    store = await SqlStore.open(url)
    try:
        library = ContentLibrary([ROOT / "content"], root=ROOT, quiz_paths=[ROOT / "quizzes"])
        quiz = library.quizzes["timeline"]
        everything = deal(quiz, library.catalog, random.Random(1), count=quiz.size)
        cards = [card for card in everything if card.options][:3]  # answered with a letter
        room = _room(store)
        place = Channel("bench", "burst")
        teacher = Actor("bench", "t", "T", frozenset({"teacher"}))
        start = datetime.now(UTC)
        await room.start(place, teacher, quiz.id, quiz.title, cards, 60, "speed", start)
        rng = random.Random(7)
        latencies: list[float] = []

        async def student(n: int) -> None:
            await asyncio.sleep(rng.random())  # everyone answers within one second
            began = time.perf_counter()
            reply = await room.answer(place, Actor("bench", f"s{n}", f"S{n}"), "A", start)
            latencies.append((time.perf_counter() - began) * 1000)
            assert reply.text == "Answer received.", reply.text

        await asyncio.gather(*(student(n) for n in range(students)))
        latencies.sort()
        return {
            "students": students,
            "p50_ms": round(statistics.median(latencies), 2),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2),
            "max_ms": round(latencies[-1], 2),
        }
    finally:
        await store.close()


async def memory(url: str, sessions: int = 1000) -> dict[str, float]:
    store = await SqlStore.open(url)
    try:
        library = ContentLibrary([ROOT / "content"], root=ROOT, quiz_paths=[ROOT / "quizzes"])
        quiz = library.quizzes["nrc-afghanistan"]
        decks = [deal(quiz, library.catalog, random.Random(n), count=10) for n in range(sessions)]
        room = _room(store)
        teacher = Actor("bench", "t", "T", frozenset({"teacher"}))
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        for n, cards in enumerate(decks):
            await room.start(
                Channel("bench", f"c{n}"), teacher, quiz.id, quiz.title, cards, 30, "speed", T0
            )
        for n in range(sessions):  # a few players each
            for s in range(3):
                room.running_in(Channel("bench", f"c{n}")).players[f"s{s}"] = f"S{s}"  # type: ignore[union-attr]
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
        assert len(room.sessions) == sessions
        return {"sessions": sessions, "bytes_per_session": round(grown / sessions)}
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=5000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "LECTERN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
        help="an empty PostgreSQL database ('' to skip)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{folder}/bench.db"
        results["sqlite"] = asyncio.run(throughput(sqlite, args.answers))
    if args.postgres:
        try:
            results["postgresql"] = asyncio.run(
                fresh_database(args.postgres, lambda url: throughput(url, args.answers))
            )
        except Exception as exc:  # no server here: say so and go on
            results["postgresql"] = f"skipped: {exc.__class__.__name__}: {exc}"
    with tempfile.TemporaryDirectory() as folder:
        results["burst_sqlite"] = asyncio.run(burst(f"sqlite+aiosqlite:///{folder}/b.db"))
    with tempfile.TemporaryDirectory() as folder:
        results["memory"] = asyncio.run(memory(f"sqlite+aiosqlite:///{folder}/m.db"))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for name, figures in results.items():
        print(f"{name}: {figures}")


if __name__ == "__main__":
    main()
