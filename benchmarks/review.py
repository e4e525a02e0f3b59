"""/review at scale: one student among many, on SQLite and PostgreSQL. Prints figures.

    python -m benchmarks.review [--students 10000] [--questions 250] [--log-per-memory 1]
                                [--samples 500] [--postgres URL] [--no-gc-freeze]

Issue 14: "/review for one student among 10,000 students x 250 questions of history on SQLite
and PostgreSQL (aim p99 under 20 ms: the due query is indexed)".

Each engine gets a fresh database (SQLite: a file in a temporary folder; PostgreSQL: a database
of its own, dropped after), migrated to the newest schema and seeded straight into its tables
(SQLite: executemany through SQLAlchemy Core of the INSERT it compiles, 50,000 rows a statement,
times as the text SQLAlchemy writes; PostgreSQL: asyncpg's binary COPY, then VACUUM ANALYZE).
STUDENTS x QUESTIONS memories of real questions of the shipped quizzes (so that /review really
deals them), in FSRS-like states, due from 30 days ago to 90 days ahead (a quarter of them due:
some 60 a student, of which /review deals 20), and LOG_PER_MEMORY review-log rows each. The log
is one row a memory by default: /review never reads it, and three a memory (7,500,000 rows) more
than double the seeding, to some 5 minutes for the whole run on 2 cores.

Then, one student at a time, for SAMPLES random students: (a) `store.due(student, now, 20)`
alone, and (b) the whole /review command through `Lectern.dispatch` (the due query, every due
card dealt afresh from the content, the practice started and saved in the practices table, the
replies fitted), for another SAMPLES random students so that (b) does not read what (a) read.
A few students are asked first, untimed, to warm the connection pool and SQLAlchemy's statement
cache; before them, what is loaded is frozen out of garbage collection, as `lectern` does once
it has started (else one full collection, some 100 ms, lands in the figures). Also printed:
each engine's plan of the due query, and the size of the review tables on disk.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from benchmarks.postgres import fresh_database
from bot.bootstrap import freeze_startup_objects
from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.messages import Actor, Channel, Command
from bot.core.quiz.deck import deal
from bot.core.quiz.models import Generated
from bot.core.review.memory import Memory
from bot.core.review.records import Student
from bot.store.review_sql import due_query
from bot.store.sql_store import SqlStore
from bot.store.tables import review_log, review_memories

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
PLATFORM = "discord"
FIRST_ID = 310_000_000_000_000_000  # Discord-like snowflakes: 18 digits, in order as text
BATCH = 20  # what /review asks for
STUDENTS_A_CHUNK = 200  # 50,000 memories (at 250 each) a statement or a COPY
WARM_UP = 20
AIM_P99_MS = 20.0  # issue 14's aim

MEMORY_COLUMNS = (
    "platform", "user_id", "quiz_id", "card_key", "topic", "state", "step", "stability",
    "difficulty", "due", "last_review", "reviews", "right",
)  # fmt: skip
LOG_COLUMNS = (
    "platform", "user_id", "quiz_id", "card_key", "rating", "correct", "source", "reviewed_at",
    "elapsed_ms",
)  # fmt: skip
SOURCES = ("practice", "practice", "review", "review", "class")

Row = tuple[Any, ...]


def user_id(n: int) -> str:
    return str(FIRST_ID + n)


def card_keys(library: ContentLibrary) -> list[tuple[str, str, str | None]]:
    """(quiz id, card key, topic) of every question the shipped quizzes can ask: authored
    questions by id, and every item of each generated one ("<question id>:<item id>")."""
    found: set[tuple[str, str, str | None]] = set()
    for quiz in library.quizzes.values():
        every = quiz.model_copy(
            update={
                "questions": [
                    q.model_copy(update={"count": 10_000}) if isinstance(q, Generated) else q
                    for q in quiz.questions
                ]
            }
        )
        topic = quiz.topics[0] if quiz.topics else None
        for card in deal(every, library.catalog, random.Random(0), count=100_000, shuffle=False):
            found.add((quiz.id, card.key, topic))
    return sorted(found, key=lambda k: (k[0], k[1]))


def _moments(offsets: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    return np.datetime64(NOW.replace(tzinfo=None), "us") + offsets.astype("timedelta64[us]")


def as_text(offsets: np.ndarray[Any, Any]) -> list[Any]:
    """Moments `offsets` microseconds from NOW as SQLAlchemy writes them to SQLite: UTC text,
    "2026-11-22 09:00:00.000000"."""
    texts = np.char.replace(np.datetime_as_string(_moments(offsets), unit="us"), "T", " ")
    return list(texts.tolist())


def as_datetimes(offsets: np.ndarray[Any, Any]) -> list[Any]:
    """The same moments as aware datetimes, for asyncpg's COPY."""
    return [moment.replace(tzinfo=UTC) for moment in _moments(offsets).tolist()]


def seed_rows(
    students: int,
    questions: int,
    logs: int,
    keys: list[tuple[str, str, str | None]],
    moments: Callable[[np.ndarray[Any, Any]], list[Any]],
) -> Iterator[tuple[list[Row], list[Row]]]:
    """Memories and review-log rows, STUDENTS_A_CHUNK students at a time, in key order (the
    same on every engine: one seed), times written by `moments`."""
    rng = np.random.default_rng(14)
    quiz_ids = np.array([k[0] for k in keys], dtype=object)
    card_keys_ = np.array([k[1] for k in keys], dtype=object)
    topics = np.array([k[2] for k in keys], dtype=object)
    sources = np.array(SOURCES, dtype=object)
    second = 1_000_000  # offsets are in microseconds
    day = 86_400 * second
    for first in range(0, students, STUDENTS_A_CHUNK):
        count = min(STUDENTS_A_CHUNK, students - first)
        n = count * questions
        # Each student has met `questions` of the questions, chosen at random.
        order = np.argsort(rng.random((count, len(keys))), axis=1)[:, :questions]
        picked = np.sort(order, axis=1).ravel()
        users = [user_id(first + i) for i in range(count) for _ in range(questions)]
        due = rng.integers(-30 * day, 90 * day, n)
        kind = rng.random(n)
        learning = kind >= 0.85  # Learning (1) or Relearning (3), else Review (2)
        state = np.where(learning, np.where(kind < 0.93, 1, 3), 2)
        stability = np.where(
            learning, rng.uniform(0.1, 3.0, n), np.minimum(rng.lognormal(2.3, 1.0, n), 365.0)
        )
        difficulty = rng.uniform(1.0, 10.0, n)
        # Review: due about `stability` days after the last answer; learning: minutes after.
        interval = np.where(
            learning,
            rng.choice(np.array([1, 10, 10, 60]) * 60 * second, n),
            stability * rng.uniform(0.8, 1.2, n) * day,
        )
        last = np.minimum(due - interval, -rng.uniform(60 * second, 3 * day, n)).astype(np.int64)
        step = [
            None if s < 0 else s for s in np.where(learning, rng.integers(0, 2, n), -1).tolist()
        ]
        reviews = rng.integers(1, 4, n) + rng.integers(0, 6, n) * ~learning
        right = np.maximum(0, reviews - rng.integers(0, 3, n))
        memories: list[Row] = list(
            zip(
                itertools.repeat(PLATFORM, n), users, quiz_ids[picked].tolist(),
                card_keys_[picked].tolist(), topics[picked].tolist(), state.tolist(), step,
                stability.tolist(), difficulty.tolist(), moments(due),
                moments(last), reviews.tolist(), right.tolist(),
                strict=True,
            )
        )  # fmt: skip
        # The log: `logs` answers a memory, the last at its last review, the others before.
        gaps = rng.uniform(0.5 * day, 20 * day, (n, logs))
        gaps[:, 0] = 0
        at = (last[:, None] - np.cumsum(gaps, axis=1)).astype(np.int64).ravel()
        rating = rng.choice(np.array([1, 2, 3, 3, 3, 4]), n * logs)
        each = np.repeat(picked, logs)
        log: list[Row] = list(
            zip(
                itertools.repeat(PLATFORM, n * logs), [u for u in users for _ in range(logs)],
                quiz_ids[each].tolist(), card_keys_[each].tolist(), rating.tolist(),
                (rating > 1).tolist(), sources[rng.integers(0, 5, n * logs)].tolist(),
                moments(at), rng.integers(2_000, 40_000, n * logs).tolist(),
                strict=True,
            )
        )  # fmt: skip
        yield memories, log


async def seed(
    store: SqlStore, args: argparse.Namespace, keys: list[tuple[str, str, str | None]]
) -> tuple[float, int, int]:
    """Seed the review tables; (seconds, memories, log rows)."""
    started = time.perf_counter()
    memories = logs = 0
    if store.engine.dialect.name == "postgresql":
        import asyncpg

        url = store.engine.url.render_as_string(hide_password=False)
        raw = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            for rows, log in seed_rows(
                args.students, args.questions, args.log_per_memory, keys, as_datetimes
            ):
                for table, columns, records in (
                    ("review_memories", MEMORY_COLUMNS, rows),
                    ("review_log", LOG_COLUMNS, log),
                ):
                    if records:
                        await raw.copy_records_to_table(table, records=records, columns=columns)
                memories, logs = memories + len(rows), logs + len(log)
            await raw.execute("VACUUM (ANALYZE) review_memories")
            await raw.execute("VACUUM (ANALYZE) review_log")
        finally:
            await raw.close()
    else:
        async with store.engine.connect() as connection:
            dialect = connection.dialect
            insert_memories = str(
                sa.insert(review_memories).compile(dialect=dialect, column_keys=MEMORY_COLUMNS)
            )
            insert_log = str(
                sa.insert(review_log).compile(dialect=dialect, column_keys=LOG_COLUMNS)
            )
        for rows, log in seed_rows(
            args.students, args.questions, args.log_per_memory, keys, as_text
        ):
            async with store.engine.begin() as connection:
                await connection.exec_driver_sql(insert_memories, rows)
                if log:
                    await connection.exec_driver_sql(insert_log, log)
            memories, logs = memories + len(rows), logs + len(log)
        async with store.engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - started, memories, logs


def figures(latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return (
        f"p50 {statistics.median(latencies):6.2f}  p95 {cuts[94]:6.2f}  p99 {cuts[98]:6.2f}  "
        f"max {max(latencies):6.2f} ms (p99 {'under' if cuts[98] < AIM_P99_MS else 'OVER'} "
        f"{AIM_P99_MS:.0f} ms)"
    )


async def time_due(store: SqlStore, students: list[int]) -> tuple[list[float], int]:
    latencies: list[float] = []
    found = 0
    for n in students:
        student = Student(PLATFORM, user_id(n))
        began = time.perf_counter()
        due = await store.due(student, NOW, BATCH)
        latencies.append((time.perf_counter() - began) * 1000)
        found += len(due)
    return latencies, found


async def time_review(app: Lectern, students: list[int]) -> tuple[list[float], int]:
    latencies: list[float] = []
    dealt = 0
    for n in students:
        command = Command(
            Actor(PLATFORM, user_id(n), f"Student {n}"), Channel(PLATFORM, "dm"), "/review", NOW
        )
        began = time.perf_counter()
        replies = await app.dispatch(command)
        latencies.append((time.perf_counter() - began) * 1000)
        count = replies[0].text.split(" ", 1)[0]
        assert count.isdigit(), replies[0].text  # "20 questions due, ..."
        dealt += int(count)
    return latencies, dealt


async def plan(store: SqlStore) -> list[str]:
    query = due_query(Student(PLATFORM, user_id(0)), NOW, BATCH)
    async with store.engine.connect() as connection:
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "postgresql":
            rows = await connection.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            return [row[0] for row in rows]
        rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in rows]


async def sizes(store: SqlStore, path: Path | None) -> str:
    """The review tables on disk, each with its indexes (SQLite's dbstat, PostgreSQL's
    pg_total_relation_size), the due index alone, and the SQLite file."""
    names = ("review_memories", "review_log", "ix_review_memories_due")
    found: dict[str, int] = dict.fromkeys(names, 0)
    async with store.engine.connect() as connection:
        if path is None:
            how = "pg_total_relation_size"
            for name in names:
                found[name] = int(
                    await connection.scalar(
                        sa.text("SELECT pg_total_relation_size(:name)"), {"name": name}
                    )
                )
        else:
            how = "dbstat"
            rows = await connection.execute(
                sa.text(
                    "SELECT s.tbl_name, s.name, SUM(d.pgsize) FROM dbstat AS d "
                    "JOIN sqlite_schema AS s ON s.name = d.name GROUP BY s.name"
                )
            )
            for table, btree, size in rows:
                if table in found:
                    found[table] += size
                if btree in found and btree != table:
                    found[btree] += size
    text = f"{how} (tables with their indexes): " + ", ".join(
        f"{name} {found[name] / 2**20:,.0f} MiB" for name in names
    )
    if path is not None:
        files = [path, path.with_name(path.name + "-wal")]
        text += f"; file {sum(f.stat().st_size for f in files if f.exists()) / 2**20:,.0f} MiB"
    return text


async def run(url: str, name: str, args: argparse.Namespace, path: Path | None = None) -> None:
    library = ContentLibrary([ROOT / "content"], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    keys = card_keys(library)
    if args.questions > len(keys):
        raise SystemExit(f"the shipped quizzes have {len(keys)} questions: --questions at most")
    store = await SqlStore.open(url)
    try:
        seconds, memories, logs = await seed(store, args, keys)
        print(
            f"{name}: seeded {memories:,} memories ({args.students:,} students x "
            f"{args.questions} of {len(keys)} questions) + {logs:,} review-log rows in "
            f"{seconds:.1f} s"
        )
        print(f"  size, {await sizes(store, path)}")
        print("  plan of the due query:")
        for line in await plan(store):
            print(f"    {line}")
        rng = random.Random(1)
        chosen = rng.sample(range(args.students), min(args.students, 2 * args.samples + WARM_UP))
        warm, first, second = (
            chosen[:WARM_UP],
            chosen[WARM_UP : WARM_UP + args.samples],
            chosen[WARM_UP + args.samples :],
        )
        app = Lectern(library, rng=random.Random(2), store=store, memory=Memory(store))
        if args.gc_freeze:  # as `lectern` does once it has started
            freeze_startup_objects()
        await time_due(store, warm)
        latencies, found = await time_due(store, first)
        print(
            f"  (a) store.due(student, now, {BATCH}) alone, {len(first)} students, "
            f"{found / len(first):.1f} due rows each:\n      {figures(latencies)}"
        )
        await time_review(app, warm)
        second = second or first
        latencies, dealt = await time_review(app, second)
        print(
            f"  (b) /review through Lectern.dispatch, {len(second)} other students, "
            f"{dealt / len(second):.1f} cards dealt each:\n      {figures(latencies)}"
        )
    finally:
        gc.unfreeze()
        await store.close()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="lectern-review-bench-") as folder:
        path = Path(folder) / "review.db"
        await run(f"sqlite+aiosqlite:///{path}", "SQLite", args, path)
    if args.postgres:
        try:
            await fresh_database(args.postgres, lambda url: run(url, "PostgreSQL", args))
        except OSError as exc:
            print(f"PostgreSQL: not reachable ({exc})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=250, help="memories per student")
    parser.add_argument("--log-per-memory", type=int, default=1, help="review-log rows each")
    parser.add_argument("--samples", type=int, default=500, help="students timed per measure")
    parser.add_argument(
        "--no-gc-freeze",
        dest="gc_freeze",
        action="store_false",
        help="diagnosis: skip the gc.freeze() that `lectern` does once it has started",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "LECTERN_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
        ),
        help="a PostgreSQL server's URL, where a fresh database is made ('' to skip)",
    )
    asyncio.run(main(parser.parse_args()))
