"""Class quizzes under load in one process: reveal delay and answer latency. Prints figures.

    .venv/bin/python benchmarks/class_load.py [--sessions 1000] [--students 30] [--seconds 5]
        [--questions 2] [--platform-ms 20] [--postgres URL] [--json]
        [--memory] [--no-gc-freeze] [--no-pin]

1,000 class quizzes run at once in one process (one channel each, all started within the first
second), 30 students each, answering every question at a random moment within 90% of its time
from when it shows on the platform. The bot is the one `bootstrap.assemble` wires, in real
time: the system clock, the real event loop and the real timer driver (`Timers.run`) firing the
deadlines, on SQLite (a temporary WAL file) or, with `--postgres URL`, on a fresh PostgreSQL
database created for the run and dropped after. The outbox stands in for a platform that takes
`--platform-ms` per call; delivery calls it in the background, so that latency must not show in
the engine's figures. Answers arrive like a platform's events: a task per answer once it
arrives, none waiting beforehand.

Figures (aims: both p99 under 50 ms):

- answer -> reply: time spent in `Classroom.answer`, i.e. until the student's answer is
  committed and acknowledged. From question 2 on, the last answer of a class closes the
  question, so its call includes that reveal.
- deadline -> reveal, for question 1 (which always runs its full time, so its reveal is
  always the timer's): from the question's deadline to the reveal being handed to
  `Delivery.post` (the engine's part), and to the outbox's `post` being called (the platform
  call, one background hop later). A question 1 revealed before its deadline is counted apart.

Diagnoses: the time from a deadline to the timer driver's tick that saw it due, the time in
`Classroom.start`, the event loop's lag and the garbage collector's pauses; `--memory` runs the
same load on a store in a dict (the engine without a database); `--no-gc-freeze` leaves out the
gc.freeze() that `lectern` does once it has started.

Runs on one core where the OS allows it (`--no-pin` not to), as benchmarks/answers.py does; the
database server's own processes are not pinned. This is a benchmark, not a test: it exits 0
whether the aims are met or not.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import heapq
import itertools
import json
import logging
import math
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.postgres import fresh_database
from bot.bootstrap import Bot, SystemClock, assemble, freeze_startup_objects
from bot.core.course.library import ContentLibrary
from bot.core.daily.records import Claimed
from bot.core.delivery import Posted
from bot.core.fit import DISCORD
from bot.core.messages import Actor, Channel, Person, Reply
from bot.core.ports import MessageRef
from bot.core.quiz.deck import LETTERS, Card, deal
from bot.core.quiz.records import (
    AnswerIn,
    AnswerOutcome,
    AnswerRow,
    LeaderRow,
    NewSession,
    ScoreRow,
    SessionRecord,
    SessionStatus,
)
from bot.store.sql_store import SqlStore

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = "bench"
QUIZ = "timeline"
AIM_MS = 50.0
ANSWER_SHARE = 0.9  # students answer within this share of a question's time
LAG_STEP = 0.01  # seconds between two probes of the event loop's lag
MEMORY = "memory"
RECEIVED = "Answer received."


def _percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _summary(values: list[float]) -> dict[str, float | int | None]:
    if not values:
        return {"count": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "count": len(values),
        "p50_ms": round(_percentile(values, 0.5), 2),
        "p99_ms": round(_percentile(values, 0.99), 2),
        "max_ms": round(max(values), 2),
    }


@dataclass
class Record:
    """What the run saw, as it happened. Wall times (time.time()) compare with deadlines."""

    deadlines: dict[str, float] = field(default_factory=dict)  # channel -> question 1's deadline
    ticked: dict[str, float] = field(default_factory=dict)  # channel -> first tick seeing it due
    engine: dict[str, float] = field(default_factory=dict)  # channel -> Delivery.post of reveal 1
    platform: dict[str, float] = field(default_factory=dict)  # channel -> Outbox.post of it
    answer_ms: list[float] = field(default_factory=list)
    accepted_ms: list[float] = field(default_factory=list)  # answers that were stored
    start_ms: list[float] = field(default_factory=list)  # time in Classroom.start
    closing_ms: list[float] = field(default_factory=list)  # answers whose call closed a question
    # answers to question 2: every class has started by then, so no start queues before them
    second_ms: list[float] = field(default_factory=list)
    replies: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # exceptions out of the engine
    posts: int = 0
    edits: int = 0
    lag_ms: list[float] = field(default_factory=list)


class MemoryStore:
    """The Store port in a dict, for `--memory`: the engine's own cost, without a database.
    Keeps what the engine relies on (one answer per student and question, scores); no more."""

    def __init__(self) -> None:
        self._sessions: dict[int, SessionRecord] = {}
        self._answered: set[tuple[int, int, str]] = set()
        self._scores: dict[int, dict[str, ScoreRow]] = {}

    async def start_session(self, new: NewSession) -> SessionRecord | None:
        number = len(self._sessions) + 1
        fields = {name: getattr(new, name) for name in NewSession.__dataclass_fields__}
        record = SessionRecord(**fields, id=number, status="running", current=-1)
        self._sessions[number] = record
        return record

    async def running(self, place: Channel) -> SessionRecord | None:
        return None

    async def all_running(self, platforms: Collection[str]) -> list[SessionRecord]:
        return []

    async def get_session(self, session_id: int) -> SessionRecord | None:
        return self._sessions.get(session_id)

    async def sessions_in(self, place: Channel, limit: int = 10) -> list[SessionRecord]:
        return []

    async def advance(self, session_id: int, question: int, key: str, at: datetime) -> None:
        return None

    async def finish(self, session_id: int, status: SessionStatus, at: datetime) -> None:
        return None

    async def record_answers(self, answers: Sequence[AnswerIn]) -> list[AnswerOutcome]:
        outcomes = []
        for answer in answers:
            key = (answer.session_id, answer.question, answer.user_id)
            if key in self._answered:
                outcomes.append(AnswerOutcome(False, 0))
                continue
            self._answered.add(key)
            earned = answer.points if answer.correct else 0
            table = self._scores.setdefault(answer.session_id, {})
            old = table.get(answer.user_id, ScoreRow(answer.user_id, answer.display_name, 0, 0, 0))
            table[answer.user_id] = ScoreRow(
                answer.user_id,
                answer.display_name,
                old.points + earned,
                old.correct + int(answer.correct),
                old.answered + 1,
            )
            outcomes.append(AnswerOutcome(True, earned))
        return outcomes

    async def scores(self, session_id: int) -> list[ScoreRow]:
        rows = self._scores.get(session_id, {}).values()
        return sorted(rows, key=lambda r: (-r.points, -r.correct, r.user_id))

    async def answers(self, session_id: int) -> list[AnswerRow]:
        return []

    async def leaderboard(
        self,
        platform: str,
        *,
        channel_id: str | None = None,
        server_id: str | None = None,
        quiz_id: str | None = None,
        since: datetime | None = None,
        limit: int = 10,
    ) -> list[LeaderRow]:
        return []

    # No daily schedules in this benchmark: the daily poster finds none due, ever.
    async def claim_due(self, *args: Any, **kwargs: Any) -> Claimed:
        return Claimed([], 0, 0)

    async def next_due(self, platforms: Any) -> None:
        return None

    async def close(self) -> None:
        return None


def _reveal_of_first(reply: Reply) -> bool:
    return (reply.title or "").startswith("Question 1: the answer")


class BenchOutbox:
    """A platform that takes `seconds` per call; notes when each call is made."""

    limits = DISCORD

    def __init__(self, record: Record, seconds: float, questions: int) -> None:
        self._record = record
        self._seconds = seconds
        self._questions = questions
        self._ids = 0
        self.shown: Callable[[str, int], None] = lambda channel, number: None

    async def post(
        self, to: Channel | Person, reply: Reply, *, key: str | None = None
    ) -> MessageRef:
        called = time.time()
        self._record.posts += 1
        if isinstance(to, Channel) and _reveal_of_first(reply):
            self._record.platform.setdefault(to.channel_id, called)
        if self._seconds:
            await asyncio.sleep(self._seconds)
        title = reply.title or ""
        for number in range(1, self._questions + 1):
            if isinstance(to, Channel) and title.endswith(f" · {number}/{self._questions}"):
                self.shown(to.channel_id, number)  # the class can see it now
        self._ids += 1
        return MessageRef(to, str(self._ids))

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        self._record.edits += 1
        if self._seconds:
            await asyncio.sleep(self._seconds)


def _observe(bot: Bot, record: Record) -> None:
    """Note, without changing the core, when a reveal reaches `Delivery.post` and when the timer
    driver ticks the class engine (instance attributes shadow the methods)."""
    delivery_post = bot.delivery.post

    def post(to: Channel | Person, reply: Reply, **kwargs: Any) -> Posted:
        if isinstance(to, Channel) and _reveal_of_first(reply):
            record.engine.setdefault(to.channel_id, time.time())
        return delivery_post(to, reply, **kwargs)

    bot.delivery.post = post  # type: ignore[method-assign]
    classroom_tick = bot.classroom.tick

    async def tick(now: datetime) -> None:
        called = time.time()
        for running in bot.classroom.sessions:
            channel = running.place.channel_id
            due = record.deadlines.get(channel)
            if due is not None and due <= now.timestamp() and running.index == 0:
                record.ticked.setdefault(channel, called)
        await classroom_tick(now)

    bot.classroom.tick = tick  # type: ignore[method-assign]


async def _lag(record: Record) -> None:
    """How late the event loop wakes a task that asked to sleep LAG_STEP."""
    while True:
        asked = time.perf_counter()
        await asyncio.sleep(LAG_STEP)
        record.lag_ms.append((time.perf_counter() - asked - LAG_STEP) * 1000)


class _GcPauses:
    """The garbage collector's pauses, by generation (a gc.callbacks entry)."""

    def __init__(self) -> None:
        self._began = 0.0
        self.ms: dict[int, list[float]] = {0: [], 1: [], 2: []}

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.ms[info["generation"]].append((time.perf_counter() - self._began) * 1000)

    def figures(self) -> dict[str, dict[str, float]]:
        return {
            f"gen{g}": {"count": len(p), "total_ms": round(sum(p)), "max_ms": round(max(p), 1)}
            for g, p in self.ms.items()
            if p
        }


def _decks(library: ContentLibrary, sessions: int, questions: int) -> list[list[Card]]:
    quiz = library.quizzes[QUIZ]
    decks = []
    for n in range(sessions):
        everything = deal(quiz, library.catalog, random.Random(n), count=quiz.size)
        cards = [card for card in everything if card.options][:questions]  # answered by letter
        assert len(cards) == questions, f"{QUIZ} has too few cards with options"
        decks.append(cards)
    return decks


async def load(url: str, args: argparse.Namespace) -> dict[str, Any]:
    library = ContentLibrary([ROOT / "content"], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    quiz = library.quizzes[QUIZ]
    decks = _decks(library, args.sessions, args.questions)
    record = Record()
    store: Any = MemoryStore() if url == MEMORY else await SqlStore.open(url)
    outbox = BenchOutbox(record, args.platform_ms / 1000, args.questions)
    bot = assemble(library, store, {PLATFORM: outbox}, SystemClock(), rng=random.Random(1))
    _observe(bot, record)
    rng = random.Random(args.seed)
    teacher = Actor(PLATFORM, "teacher", "Teacher", frozenset({"teacher"}))
    started: list[str] = []

    decks_of = {f"c{n}": cards for n, cards in enumerate(decks)}
    # Answers arrive like a platform's events: one heap of (when, order, channel, student,
    # question), filled when a question shows, and one task per answer only once it arrives.
    arrivals: list[tuple[float, int, str, int, int]] = []
    arrived = asyncio.Event()
    order = itertools.count()
    handling: set[asyncio.Task[None]] = set()

    def shown(channel: str, number: int) -> None:
        now = time.perf_counter()
        for s in range(args.students):
            at = now + rng.uniform(0, args.seconds * ANSWER_SHARE)
            heapq.heappush(arrivals, (at, next(order), channel, s, number))
        arrived.set()

    outbox.shown = shown

    async def answer(channel: str, n: int, number: int) -> None:
        place = Channel(PLATFORM, channel)
        letter = LETTERS[rng.randrange(len(decks_of[channel][number - 1].options))]
        began = time.perf_counter()
        try:
            reply = await bot.classroom.answer(
                place, Actor(PLATFORM, f"s{n}", f"Student {n}"), letter, bot.clock.now()
            )
        except Exception as exc:  # counted and shown: the run goes on
            record.failures[repr(exc)[:200]] += 1
            return
        took = (time.perf_counter() - began) * 1000
        record.answer_ms.append(took)
        record.replies[reply.text] += 1
        if reply.text == RECEIVED:
            record.accepted_ms.append(took)
        if number == 2:
            record.second_ms.append(took)
        running = bot.classroom.running_in(place)
        if number > 1 and (
            running is None or running.index != number - 1 or running.phase != "asking"
        ):
            record.closing_ms.append(took)

    async def students() -> None:
        while True:
            arrived.clear()
            if not arrivals:
                await arrived.wait()
                continue
            delay = arrivals[0][0] - time.perf_counter()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await arrived.wait()
                continue
            while arrivals and arrivals[0][0] <= time.perf_counter():
                _, _, channel, n, number = heapq.heappop(arrivals)
                task = asyncio.create_task(answer(channel, n, number))
                handling.add(task)
                task.add_done_callback(handling.discard)

    async def session(n: int, cards: list[Card]) -> None:
        channel = f"c{n}"
        place = Channel(PLATFORM, channel)
        await asyncio.sleep(rng.uniform(0, args.spread))
        now = bot.clock.now()
        # Question 1 closes `seconds` after the `now` it was started with (Classroom._open).
        record.deadlines[channel] = now.timestamp() + args.seconds
        asked = time.perf_counter()
        await bot.classroom.start(
            place, teacher, quiz.id, quiz.title, cards, args.seconds, "speed", now
        )
        record.start_ms.append((time.perf_counter() - asked) * 1000)
        assert bot.classroom.running_in(place) is not None, f"{channel} did not start"
        started.append(channel)

    if args.gc_freeze:  # as `lectern` does once it has started
        freeze_startup_objects()
    pauses = _GcPauses()
    gc.callbacks.append(pauses)
    began = time.perf_counter()
    cpu = time.process_time()
    timers = asyncio.create_task(bot.timers.run())
    lag = asyncio.create_task(_lag(record))
    answering = asyncio.create_task(students())
    classes = [asyncio.create_task(session(n, cards)) for n, cards in enumerate(decks)]
    bound = began + args.timeout
    finished = False
    try:
        while time.perf_counter() < bound:
            await asyncio.sleep(0.05)
            if (
                all(task.done() for task in classes)
                and not bot.classroom.sessions
                and not arrivals
                and not handling
            ):
                finished = True
                break
        ran = time.perf_counter() - began
        busy = time.process_time() - cpu
        if finished:
            try:
                await asyncio.wait_for(bot.delivery.drain(), max(1.0, bound - time.perf_counter()))
            except TimeoutError:
                finished = False
        drained = time.perf_counter() - began
    finally:
        gc.callbacks.remove(pauses)
        for task in [timers, lag, answering, *classes, *handling]:
            task.cancel()
        await asyncio.gather(timers, lag, answering, *classes, *handling, return_exceptions=True)
        await bot.close()
        await store.close()
    failed = [task.exception() for task in classes if task.done() and not task.cancelled()]
    errors = [repr(exc) for exc in failed if exc is not None][:3]
    errors += [f"{count} x {text}" for text, count in record.failures.most_common(3)]

    # A reveal of question 1 handed over before its deadline was not the timer's at the deadline
    # (see `early` below): it is counted apart, not as a delay.
    early = sorted(c for c, d in record.deadlines.items() if record.engine.get(c, d) < d)

    def delays(moments: dict[str, float]) -> list[float]:
        return [
            (moments[c] - d) * 1000
            for c, d in record.deadlines.items()
            if c in moments and c not in early
        ]

    to_engine = _summary(delays(record.engine))
    to_platform = _summary(delays(record.platform))
    answers = _summary(record.answer_ms)
    return {
        "sessions": args.sessions,
        "sessions_started": len(started),
        "students": args.students,
        "questions": args.questions,
        "seconds": args.seconds,
        "platform_ms": args.platform_ms,
        "finished": finished,
        "errors": errors,
        "answers_recorded": record.replies.get(RECEIVED, 0),
        "replies": dict(record.replies.most_common()),
        "answer_to_reply": answers,
        "answer_to_reply_accepted": _summary(record.accepted_ms),
        "answer_to_reply_closing_question": _summary(record.closing_ms),
        "answer_to_reply_question_2": _summary(record.second_ms),
        "deadline_to_delivery_post": to_engine,
        "deadline_to_outbox_post": to_platform,
        "deadline_to_timer_tick": _summary(delays(record.ticked)),
        "revealed_before_deadline": len(early),
        "revealed_before_deadline_examples": early[:5],
        "start": _summary(record.start_ms),
        "event_loop_lag": _summary(record.lag_ms),
        "gc_pauses": pauses.figures(),
        "outbox_posts": record.posts,
        "outbox_edits": record.edits,
        "run_s": round(ran, 2),
        "run_and_drain_s": round(drained, 2),
        "cpu_s": round(busy, 1),  # the process's CPU time (every thread) during the run
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "aim_answer_p99": _met(answers),
        "aim_reveal_p99_engine": _met(to_engine),
        "aim_reveal_p99_platform": _met(to_platform),
    }


def _met(summary: dict[str, float | int | None]) -> bool:
    p99 = summary["p99_ms"]
    return p99 is not None and p99 < AIM_MS


def _print(results: dict[str, Any]) -> None:
    print(
        f"{results['database']}, {results['cpu']}"
        f"{', gc frozen after start-up' if results['gc_freeze'] else ''}: "
        f"{results['sessions_started']}/"
        f"{results['sessions']} sessions x {results['students']} students, "
        f"{results['questions']} questions of {results['seconds']} s, "
        f"platform calls {results['platform_ms']} ms"
    )
    print(f"answers recorded: {results['answers_recorded']}; replies: {results['replies']}")
    print(f"{'':38} {'count':>7} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
    rows = [
        ("answer -> reply (every answer)", "answer_to_reply"),
        ("  of which accepted and stored", "answer_to_reply_accepted"),
        ("  of which closing a question", "answer_to_reply_closing_question"),
        ("  of which to question 2 (all started)", "answer_to_reply_question_2"),
        ("deadline -> Delivery.post (engine)", "deadline_to_delivery_post"),
        ("deadline -> Outbox.post (platform call)", "deadline_to_outbox_post"),
        ("deadline -> timer tick (diagnosis)", "deadline_to_timer_tick"),
        ("Classroom.start (diagnosis)", "start"),
        ("event loop lag (diagnosis)", "event_loop_lag"),
    ]
    for label, key in rows:
        s = results[key]

        def cell(name: str, s: dict[str, Any] = s) -> str:
            return "-" if s[name] is None else f"{s[name]:.2f}"

        figures = " ".join(f"{cell(name):>9}" for name in ("p50_ms", "p99_ms", "max_ms"))
        print(f"{label:38} {s['count']:>7} {figures}")
    print(
        f"outbox: {results['outbox_posts']} posts, {results['outbox_edits']} edits; "
        f"run {results['run_s']} s ({results['run_and_drain_s']} s with delivery drained), "
        f"CPU {results['cpu_s']} s; "
        f"peak RSS {results['peak_rss_mb']} MB; finished: {results['finished']}"
    )
    gcs = ", ".join(
        f"{g} {f['count']} x, {f['total_ms']} ms in all, max {f['max_ms']} ms"
        for g, f in results["gc_pauses"].items()
    )
    print(f"gc pauses (diagnosis): {gcs}")
    if results["revealed_before_deadline"]:
        print(
            f"question 1 revealed BEFORE its deadline in {results['revealed_before_deadline']} "
            f"sessions (e.g. {', '.join(results['revealed_before_deadline_examples'])}); "
            "left out of the deadline figures"
        )
    if results["errors"]:
        print(f"errors: {results['errors']}")
    for label, key in (
        ("answer -> reply p99", "aim_answer_p99"),
        ("deadline -> Delivery.post p99", "aim_reveal_p99_engine"),
        ("deadline -> Outbox.post p99", "aim_reveal_p99_platform"),
    ):
        print(f"aim {label} < {AIM_MS:.0f} ms: {'met' if results[key] else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=5, help="time per question")
    parser.add_argument("--questions", type=int, default=2)
    parser.add_argument("--spread", type=float, default=1.0, help="seconds over which to start")
    parser.add_argument("--platform-ms", type=float, default=20.0, help="per outbox call")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=110.0, help="bound on the whole run")
    parser.add_argument(
        "--postgres",
        default="",
        help="run on PostgreSQL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test): "
        "a fresh database is created there for the run and dropped after",
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="diagnosis: keep sessions and answers in a dict, to see the engine without a database",
    )
    parser.add_argument(
        "--no-gc-freeze",
        dest="gc_freeze",
        action="store_false",
        help="diagnosis: skip the gc.freeze() that `lectern` does once it has started",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin to one core")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    cpu = "not pinned"
    if not args.no_pin and hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        cpu = f"pinned to core {core}"

    async def work(url: str) -> dict[str, Any]:
        return await load(url, args)

    if args.memory:
        results = {"database": "in memory (no database)", **asyncio.run(work(MEMORY))}
    elif args.postgres:
        results = asyncio.run(fresh_database(args.postgres, work))
        results = {"database": "postgresql", **results}
    else:
        with tempfile.TemporaryDirectory() as folder:
            results = {
                "database": "sqlite",
                **asyncio.run(work(f"sqlite+aiosqlite:///{folder}/l.db")),
            }
    results["cpu"] = cpu
    results["gc_freeze"] = args.gc_freeze
    if args.json:
        print(json.dumps(results, indent=2))
        return
    _print(results)


if __name__ == "__main__":
    main()
