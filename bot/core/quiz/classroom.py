"""Class quiz sessions: one per channel, everyone plays at once, timers driven by an injected clock.

The engine never sleeps: the timer driver calls `tick(now)` when `next_deadline()` comes; tests
call it with a fake clock. What the engine says on its own goes out through `Delivery`, in the
background; what it says in answer to a student comes back as a reply at once.

Each session's steps run one at a time: answers share the session's lock (so that a class's
answers still commit together), while a reveal, a next question, a skip or a stop takes it alone
and first waits for the answers being committed. Every step re-checks the phase once it holds
the lock, so that a timer and the last answer cannot both reveal the same question.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from aiorwlock import RWLock
from pydantic import TypeAdapter

from bot.core.delivery import Delivery, Posted
from bot.core.messages import Actor, Channel, Field, Person, Reply
from bot.core.ports import StoreUnavailable
from bot.core.quiz.deck import Card
from bot.core.quiz.group_commit import DEFAULT_WINDOW, GroupCommit
from bot.core.quiz.records import AnswerIn, ClassAnswer, NewSession, ScoreRow, SessionRecord
from bot.core.quiz.render import card_reply
from bot.core.quiz.scoring import points
from bot.core.quiz.store_port import Store

log = logging.getLogger(__name__)

REVEAL_PAUSE = timedelta(seconds=5)  # between a reveal and the next question
RETRY_AFTER = timedelta(seconds=2)  # when the database is down at a step
ANSWER_COMMAND = "/quiz answer"
_CARDS = TypeAdapter(list[Card])
Phase = Literal["asking", "revealed"]
MEDALS = ("🥇", "🥈", "🥉")
QUIZ_ENDED = "That quiz has ended."  # a click on a question of a session no longer running


def dump_cards(cards: list[Card]) -> str:
    return _CARDS.dump_json(cards).decode()


def load_cards(text: str) -> list[Card]:
    return _CARDS.validate_json(text)


@dataclass
class Running:
    record: SessionRecord
    cards: list[Card]
    index: int
    phase: Phase
    deadline: datetime  # when the question closes, or when the next one follows a reveal
    opened_at: datetime
    message: Posted | None = None
    players: dict[str, str] = field(default_factory=dict)  # user id -> display name
    answered: set[str] = field(default_factory=set)  # who answered the current question
    right: int = 0  # correct answers to the current question
    streaks: dict[str, int] = field(default_factory=dict)
    # fast: no extra turn of the event loop after each acquire (the default yields one)
    lock: RWLock = field(default_factory=lambda: RWLock(fast=True))
    over: bool = False
    # The scores as the store credited them, kept here so that a reveal needs no query: a
    # thousand classes whose questions close in the same second do not queue on the database.
    board: dict[str, ScoreRow] = field(default_factory=dict)

    def credit(self, student: Actor, points: int, correct: bool) -> None:
        row = self.board.get(student.user_id)
        self.board[student.user_id] = ScoreRow(
            student.user_id,
            student.display_name,
            (row.points if row else 0) + points,
            (row.correct if row else 0) + int(correct),
            (row.answered if row else 0) + 1,
        )

    def standings(self) -> list[ScoreRow]:
        """Best first, as the store orders them."""
        return sorted(self.board.values(), key=lambda r: (-r.points, -r.correct, r.user_id))

    @property
    def card(self) -> Card:
        return self.cards[self.index]

    @property
    def place(self) -> Channel:
        return self.record.place

    @property
    def position(self) -> str:
        return f"question {self.index + 1} of {len(self.cards)}"


def question_reply(running: Running, now: datetime) -> Reply:
    left = max(0, round((running.deadline - now).total_seconds()))
    fields = [Field("Time", f"{left} s", inline=True)]
    if running.answered:
        fields.append(Field("Answers", str(len(running.answered)), inline=True))
    return card_reply(
        running.card,
        running.index + 1,
        len(running.cards),
        running.record.quiz_title,
        ANSWER_COMMAND,
        str(running.record.id),
        fields=tuple(fields),
        ephemeral=False,
    )


def _table(rows: list[ScoreRow], limit: int) -> str:
    return "\n".join(
        f"{n}. {row.display_name}: {row.points} ({row.correct} right)"
        for n, row in enumerate(rows[:limit], start=1)
    )


def _private(text: str) -> Reply:
    return Reply(text=text, ephemeral=True)


def _key(place: Channel) -> tuple[str, str]:
    return place.platform, place.channel_id


class Classroom:
    """The class sessions of the platforms this process serves (`platforms`)."""

    def __init__(
        self,
        store: Store,
        delivery: Delivery,
        *,
        platforms: Collection[str],
        wake: Callable[[], None] = lambda: None,
        window: float = DEFAULT_WINDOW,
        on_answer: Callable[[ClassAnswer], None] = lambda answer: None,
    ) -> None:
        self._store = store
        self._on_answer = on_answer  # each accepted answer, for the students' memory
        self._commits = GroupCommit(store, window)
        self._delivery = delivery
        self._platforms = frozenset(platforms)
        self._wake = wake  # tells the timer driver that a deadline moved
        self._running: dict[tuple[str, str], Running] = {}
        delivery.when_gone(self.place_gone)

    @property
    def delivery(self) -> Delivery:
        return self._delivery

    def running_in(self, place: Channel) -> Running | None:
        return self._running.get(_key(place))

    @property
    def sessions(self) -> list[Running]:
        return list(self._running.values())

    def next_deadline(self) -> datetime | None:
        return min((r.deadline for r in self._running.values()), default=None)

    async def start(
        self,
        place: Channel,
        teacher: Actor,
        quiz_id: str,
        title: str,
        cards: list[Card],
        seconds: int,
        scoring: str,
        now: datetime,
    ) -> Reply:
        record = await self._store.start_session(
            NewSession(
                place=place,
                quiz_id=quiz_id,
                quiz_title=title,
                started_by=teacher.user_id,
                started_at=now,
                scoring=scoring,
                seconds=seconds,
                cards=dump_cards(cards),
                question_count=len(cards),
            )
        )
        if record is None:
            current = self.running_in(place)
            status = self.status(place) if current else "A quiz is already running here."
            return _private(f"A quiz is already running in this channel.\n{status}")
        running = Running(record, cards, 0, "asking", now, now)
        await self._register(running, 0, now)
        return _private(
            f"Started “{title}”: {len(cards)} questions, {seconds} s each, scoring {scoring}."
        )

    async def _register(
        self, running: Running, index: int, now: datetime, answered: set[str] | None = None
    ) -> None:
        """Make `running` live at question `index`. Its lock is held until the question is open,
        so that a timer firing meanwhile cannot take the placeholder deadline for a real one."""
        key = _key(running.place)
        async with running.lock.writer:
            self._running[key] = running
            try:
                await self._open(running, index, now)
            except BaseException:
                self._running.pop(key, None)  # the stored session resumes on the next start
                raise
            if answered is not None:
                running.answered = answered
        self._wake()

    async def _open(self, running: Running, index: int, now: datetime) -> None:
        await self._store.advance(running.record.id, index, running.cards[index].key, now)
        running.index = index
        running.phase = "asking"
        running.opened_at = now
        running.deadline = now + timedelta(seconds=running.record.seconds)
        running.answered = set()
        running.right = 0
        running.message = self._delivery.post(running.place, question_reply(running, now))

    def status(self, place: Channel) -> str:
        running = self.running_in(place)
        if running is None:
            return "No quiz is running in this channel."
        return f"“{running.record.quiz_title}”: {running.position}, {len(running.players)} players."

    def _stale(self, running: Running | None, session: str, number: int) -> str | None:
        """Why a click on question `number` of session `session` cannot count, if it cannot."""
        if running is None or running.over or str(running.record.id) != session:
            return QUIZ_ENDED
        if number == running.index + 1 and running.phase == "asking":
            return None
        if running.phase == "asking":
            return f"That question has closed; {running.position} is open now."
        return "That question has closed; the next one is coming."

    async def answer(
        self,
        place: Channel,
        student: Actor,
        text: str,
        now: datetime,
        *,
        session: str | None = None,
        number: int | None = None,
    ) -> Reply:
        """Mark `text` for the open question; a click names its `session` and question `number`
        and is refused, without using up the student's answer, when that question has closed."""
        running = self.running_in(place)
        if running is None:
            bound = session is not None and number is not None
            return _private(QUIZ_ENDED if bound else "No question is open right now.")
        async with running.lock.reader:
            reply, all_in = await self._answer(running, student, text, now, session, number)
        if all_in is not None:  # the last player answered: reveal now, unless a timer just did
            await self._step(running, now, expect=(all_in, "asking"))
        return reply

    async def _answer(
        self,
        running: Running,
        student: Actor,
        text: str,
        now: datetime,
        session: str | None,
        number: int | None,
    ) -> tuple[Reply, int | None]:
        """The reply, and the question's index when every player has now answered it."""
        if session is not None and number is not None:
            stale = self._stale(running, session, number)
            if stale is not None:
                return _private(stale), None
        if running.over or running.phase != "asking":
            return _private("No question is open right now."), None
        if student.user_id in running.answered:
            return _private("You have already answered this question."), None
        card = running.card
        verdict = card.check(text)
        if verdict.problem is not None:
            return _private(verdict.problem), None
        latency = max(0, int((now - running.opened_at).total_seconds() * 1000))
        streak = running.streaks.get(student.user_id, 0) + 1 if verdict.correct else 0
        earned = points(
            running.record.scoring,  # type: ignore[arg-type]
            latency,
            running.record.seconds * 1000,
            streak,
        )
        try:
            outcome = await self._commits.submit(
                AnswerIn(
                    session_id=running.record.id,
                    question=running.index,
                    user_id=student.user_id,
                    display_name=student.display_name,
                    text=text,
                    correct=verdict.correct,
                    points=earned,
                    latency_ms=latency,
                    answered_at=now,
                    first_only=running.record.scoring == "first",
                )
            )
        except StoreUnavailable:
            log.warning("answer not stored: the database is unavailable")
            return _private("Your answer could not be saved just now: please try again."), None
        running.answered.add(student.user_id)
        running.players[student.user_id] = student.display_name
        if not outcome.accepted:
            return _private("You have already answered this question."), None
        running.streaks[student.user_id] = streak
        running.right += int(verdict.correct)
        record = running.record
        self._on_answer(
            ClassAnswer(
                student.platform, student.user_id, record.quiz_id, card.key, verdict.correct,
                latency, record.seconds, now,
            )
        )  # fmt: skip
        running.credit(student, outcome.points, verdict.correct)
        if running.message is not None:
            self._delivery.edit(running.message, question_reply(running, now))
        # Players join by answering, so the first question always runs its full time.
        all_in = running.index > 0 and running.answered >= set(running.players)
        return _private("Answer received."), running.index if all_in else None

    async def _step(
        self, running: Running, now: datetime, expect: tuple[int, Phase] | None = None
    ) -> None:
        """One step of `running` under its lock alone: reveal, next question or end. With
        `expect`, only if the session is still at that question and phase."""
        async with running.lock.writer:
            if running.over:
                return
            if expect is not None and (running.index, running.phase) != expect:
                return
            if expect is None and now < running.deadline:
                return
            try:
                if running.phase == "asking":
                    await self._reveal(running, now)
                elif running.index + 1 < len(running.cards):
                    await self._open(running, running.index + 1, now)
                else:
                    await self._end(running, "finished", now)
            except StoreUnavailable:
                # Nothing moved: try the same step again shortly, the session intact.
                log.warning("quiz step postponed: the database is unavailable")
                running.deadline = now + RETRY_AFTER
        self._wake()

    async def _reveal(self, running: Running, now: datetime) -> None:
        card = running.card
        scores = running.standings()
        self._close_question(running, now)
        answered = len(running.answered)
        lines = [
            f"The answer: {card.answer_text}",
            card.explanation,
            f"{running.right} of {answered} got it right.",
        ]
        if scores:
            lines += ["Top 5:", _table(scores, 5)]
        self._delivery.post(
            running.place,
            Reply(
                text="\n".join(lines),
                title=f"Question {running.index + 1}: the answer",
                citations=card.citations,
            ),
        )
        running.phase = "revealed"
        # A quick-fire quiz (seconds:2) gets a pause as short as its questions.
        running.deadline = now + min(REVEAL_PAUSE, timedelta(seconds=running.record.seconds))

    def _close_question(self, running: Running, now: datetime) -> None:
        """Edit the question's message to say it has closed, without its buttons."""
        if running.message is None:
            return
        closed = question_reply(running, now)
        self._delivery.edit(
            running.message,
            Reply(text=closed.text, title=closed.title, fields=(Field("Time", "closed"),)),
        )

    async def tick(self, now: datetime) -> None:
        """Close questions whose time is up and move on after reveals."""
        due = [r for r in self._running.values() if r.deadline <= now]
        results = await asyncio.gather(*(self._step(r, now) for r in due), return_exceptions=True)
        for running, result in zip(due, results, strict=True):
            if isinstance(result, Exception):  # one session's fault must not stop the others
                log.error("quiz step failed in %s", running.place.channel_id, exc_info=result)

    async def skip(self, place: Channel, now: datetime) -> Reply:
        running = self.running_in(place)
        if running is None:
            return _private("No quiz is running in this channel.")
        index = running.index
        await self._step(running, now, expect=(index, "asking"))  # reveal, if still asking
        await self._step(running, now, expect=(index, "revealed"))  # and move on
        return _private("Skipped.")

    async def stop(self, place: Channel, now: datetime) -> Reply:
        running = self.running_in(place)
        if running is None:
            return _private("No quiz is running in this channel.")
        async with running.lock.writer:
            if running.over:
                return _private("No quiz is running in this channel.")
            await self._end(running, "stopped", now)
        self._wake()
        return _private("Stopped.")

    async def _end(
        self, running: Running, status: Literal["finished", "stopped"], now: datetime
    ) -> None:
        await self._store.finish(running.record.id, status, now)
        running.over = True
        self._running.pop(_key(running.place), None)
        if running.phase == "asking":
            self._close_question(running, now)
        scores = running.standings()
        if scores:
            podium = "\n".join(
                f"{MEDALS[n]} {row.display_name}: {row.points}" for n, row in enumerate(scores[:3])
            )
            everyone = _table(scores, len(scores))
            text = f"{podium}\n\nEvery player:\n{everyone}"
        else:
            text = "Nobody answered."
        ending = "finished" if status == "finished" else "was stopped"
        self._delivery.post(
            running.place, Reply(text=text, title=f"“{running.record.quiz_title}” {ending}")
        )

    async def place_gone(self, place: Channel | Person, reason: str) -> None:
        """The platform says the bot can no longer write to `place` (channel deleted, access
        lost): its quiz ends, scores kept, and the teacher who started it is told privately."""
        if not isinstance(place, Channel):
            return
        running = self.running_in(place)
        if running is None:
            return
        async with running.lock.writer:
            if running.over:
                return
            await self._store.finish(running.record.id, "stopped", self._delivery.clock.now())
            running.over = True
            self._running.pop(_key(running.place), None)
        self._wake()
        where = f"#{place.name}" if place.name else "its channel"
        log.warning("quiz #%s ended: %s is gone (%s)", running.record.id, where, reason)
        self._delivery.post(
            Person(place.platform, running.record.started_by),
            Reply(
                text=f"Your quiz “{running.record.quiz_title}” in {where} has ended: the bot "
                f"can no longer post there ({reason}). The answers so far are kept: "
                f"/quiz results #{running.record.id} in another channel exports them.",
                title="Quiz ended",
            ),
        )

    async def resume(self, now: datetime) -> int:
        """After a restart: every running session of this process's platforms resumes at its
        question with a fresh timer."""
        resumed = 0
        for record in await self._store.all_running(self._platforms):
            cards = load_cards(record.cards)
            index = max(record.current, 0)
            running = Running(record, cards, index, "asking", now, now)
            for row in await self._store.scores(record.id):
                running.players[row.user_id] = row.display_name
                running.board[row.user_id] = row
            answered = {
                row.user_id for row in await self._store.answers(record.id) if row.question == index
            }
            self._delivery.post(
                record.place,
                Reply(
                    text=f"The bot restarted: “{record.quiz_title}” resumes at question "
                    f"{index + 1} with a fresh timer. Scores so far are kept.",
                    title="Quiz resumed",
                ),
            )
            await self._register(running, index, now, answered)
            resumed += 1
        return resumed
