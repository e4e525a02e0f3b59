"""Class quiz sessions: one per channel, everyone plays at once, timers driven by an injected clock.

The engine never sleeps. A driver (the adapter's event loop) calls `tick(now)` when
`next_deadline()` comes; tests call it with a fake clock. Everything the engine says on its own
goes through the Outbox; what it says in answer to a student comes back as replies.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from pydantic import TypeAdapter

from bot.core.commands.quiz_render import card_reply
from bot.core.messages import Actor, Channel, Field, Reply
from bot.core.ports import MessageRef, Outbox, Store, StoreUnavailable
from bot.core.quiz.deck import Card
from bot.core.quiz.group_commit import DEFAULT_WINDOW, GroupCommit
from bot.core.quiz.records import AnswerIn, NewSession, ScoreRow, SessionRecord
from bot.core.quiz.scoring import points
from bot.core.text import defuse_mentions

log = logging.getLogger(__name__)

REVEAL_PAUSE = timedelta(seconds=5)  # between a reveal and the next question
RETRY_AFTER = timedelta(seconds=2)  # when the database is down at a step
ANSWER_COMMAND = "/quiz answer"
_CARDS = TypeAdapter(list[Card])
Phase = Literal["asking", "revealed"]
MEDALS = ("🥇", "🥈", "🥉")


def dump_cards(cards: list[Card]) -> str:
    return _CARDS.dump_json(cards).decode()


def load_cards(text: str) -> list[Card]:
    return _CARDS.validate_json(text)


class Unplugged:
    """The outbox until an adapter plugs itself in: posting fails loudly in the log."""

    async def post(self, place: Channel, reply: Reply) -> MessageRef:
        raise RuntimeError("no adapter is attached to the classroom")

    async def edit(self, ref: MessageRef, reply: Reply) -> None:
        raise RuntimeError("no adapter is attached to the classroom")


@dataclass
class Running:
    record: SessionRecord
    cards: list[Card]
    index: int
    phase: Phase
    deadline: datetime  # when the question closes, or when the next one follows a reveal
    opened_at: datetime
    message: MessageRef | None = None
    players: dict[str, str] = field(default_factory=dict)  # user id -> display name
    answered: set[str] = field(default_factory=set)  # who answered the current question
    right: int = 0  # correct answers to the current question
    streaks: dict[str, int] = field(default_factory=dict)

    @property
    def card(self) -> Card:
        return self.cards[self.index]

    @property
    def place(self) -> Channel:
        return self.record.place


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
        fields=tuple(fields),
        ephemeral=False,
    )


def _table(rows: list[ScoreRow], limit: int) -> str:
    return "\n".join(
        f"{n}. {row.display_name}: {row.points} ({row.correct} right)"
        for n, row in enumerate(rows[:limit], start=1)
    )


class Classroom:
    def __init__(self, store: Store, outbox: Outbox, window: float = DEFAULT_WINDOW) -> None:
        self._store = store
        self._commits = GroupCommit(store, window)
        # Public so that an adapter built after the engine (the console) can plug itself in.
        self.outbox = outbox
        self._running: dict[tuple[str, str], Running] = {}

    def running_in(self, place: Channel) -> Running | None:
        return self._running.get((place.platform, place.channel_id))

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
            return Reply(
                text=f"A quiz is already running in this channel.\n{status}", ephemeral=True
            )
        running = Running(record, cards, 0, "asking", now, now)
        self._running[(place.platform, place.channel_id)] = running
        await self._open(running, 0, now)
        return Reply(
            text=defuse_mentions(
                f"Started “{title}”: {len(cards)} questions, {seconds} s each, scoring {scoring}."
            ),
            ephemeral=True,
        )

    async def _open(self, running: Running, index: int, now: datetime) -> None:
        running.index = index
        running.phase = "asking"
        running.opened_at = now
        running.deadline = now + timedelta(seconds=running.record.seconds)
        running.answered = set()
        running.right = 0
        await self._store.advance(running.record.id, index, running.cards[index].key, now)
        running.message = await self._post(running.place, question_reply(running, now))

    def status(self, place: Channel) -> str:
        running = self.running_in(place)
        if running is None:
            return "No quiz is running in this channel."
        return (
            f"“{running.record.quiz_title}”: question {running.index + 1} of "
            f"{len(running.cards)}, {len(running.players)} players."
        )

    async def answer(self, place: Channel, student: Actor, text: str, now: datetime) -> Reply:
        running = self.running_in(place)
        if running is None or running.phase != "asking":
            return Reply(text="No question is open right now.", ephemeral=True)
        if student.user_id in running.answered:
            return Reply(text="You have already answered this question.", ephemeral=True)
        card = running.card
        verdict = card.check(text)
        if verdict.problem is not None:
            return Reply(text=defuse_mentions(verdict.problem), ephemeral=True)
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
            return Reply(
                text="Your answer could not be saved just now: please try again.", ephemeral=True
            )
        running.answered.add(student.user_id)
        running.players[student.user_id] = student.display_name
        if not outcome.accepted:
            return Reply(text="You have already answered this question.", ephemeral=True)
        running.streaks[student.user_id] = streak
        running.right += int(verdict.correct)
        if running.message is not None:
            await self._safely_edit(running.message, question_reply(running, now))
        # Players join by answering, so the first question always runs its full time.
        if running.index > 0 and running.answered >= set(running.players):
            await self._reveal(running, now)
        return Reply(text="Answer received.", ephemeral=True)

    async def _post(self, place: Channel, reply: Reply) -> MessageRef | None:
        try:
            return await self.outbox.post(place, reply)
        except Exception:  # a platform error is logged; the quiz goes on
            log.exception("could not post to %s %s", place.platform, place.channel_id)
            return None

    async def _safely_edit(self, ref: MessageRef, reply: Reply) -> None:
        try:
            await self.outbox.edit(ref, reply)
        except Exception:  # a platform hiccup must not stop the quiz
            log.exception("could not update the question message")

    async def _reveal(self, running: Running, now: datetime) -> None:
        card = running.card
        if running.message is not None:
            closed = question_reply(running, now)
            await self._safely_edit(
                running.message,
                Reply(text=closed.text, title=closed.title, fields=(Field("Time", "closed"),)),
            )
        scores = await self._store.scores(running.record.id)
        answered = len(running.answered)
        lines = [
            f"The answer: {card.answer_text}",
            card.explanation,
            f"{running.right} of {answered} got it right.",
        ]
        if scores:
            lines += ["Top 5:", _table(scores, 5)]
        await self._post(
            running.place,
            Reply(
                text=defuse_mentions("\n".join(lines)),
                title=defuse_mentions(f"Question {running.index + 1}: the answer"),
                citations=(card.citation,),
            ),
        )
        running.phase = "revealed"
        # A quick-fire quiz (seconds:2) gets a pause as short as its questions.
        running.deadline = now + min(REVEAL_PAUSE, timedelta(seconds=running.record.seconds))

    async def tick(self, now: datetime) -> None:
        """Close questions whose time is up and move on after reveals."""
        for running in list(self._running.values()):
            if now < running.deadline:
                continue
            try:
                await self._step(running, now)
            except StoreUnavailable:
                # Nothing moved: try the same step again shortly, the session intact.
                log.warning("quiz step postponed: the database is unavailable")
                running.deadline = now + RETRY_AFTER

    async def _step(self, running: Running, now: datetime) -> None:
        if running.phase == "asking":
            await self._reveal(running, now)
        elif running.index + 1 < len(running.cards):
            await self._open(running, running.index + 1, now)
        else:
            await self._end(running, "finished", now)

    async def skip(self, place: Channel, now: datetime) -> Reply:
        running = self.running_in(place)
        if running is None:
            return Reply(text="No quiz is running in this channel.", ephemeral=True)
        if running.phase == "asking":
            await self._reveal(running, now)
        running.deadline = now
        await self.tick(now)
        return Reply(text="Skipped.", ephemeral=True)

    async def stop(self, place: Channel, now: datetime) -> Reply:
        running = self.running_in(place)
        if running is None:
            return Reply(text="No quiz is running in this channel.", ephemeral=True)
        await self._end(running, "stopped", now)
        return Reply(text="Stopped.", ephemeral=True)

    async def _end(
        self, running: Running, status: Literal["finished", "stopped"], now: datetime
    ) -> None:
        self._running.pop((running.place.platform, running.place.channel_id), None)
        await self._store.finish(running.record.id, status, now)
        scores = await self._store.scores(running.record.id)
        if scores:
            podium = "\n".join(
                f"{MEDALS[n]} {row.display_name}: {row.points}" for n, row in enumerate(scores[:3])
            )
            everyone = _table(scores, len(scores))
            text = f"{podium}\n\nEvery player:\n{everyone}"
        else:
            text = "Nobody answered."
        ending = "finished" if status == "finished" else "was stopped"
        await self._post(
            running.place,
            Reply(
                text=defuse_mentions(text),
                title=defuse_mentions(f"“{running.record.quiz_title}” {ending}"),
            ),
        )

    async def resume(self, now: datetime) -> int:
        """After a restart: every running session resumes at its question with a fresh timer."""
        resumed = 0
        for record in await self._store.all_running():
            cards = load_cards(record.cards)
            index = max(record.current, 0)
            running = Running(record, cards, index, "asking", now, now)
            for row in await self._store.scores(record.id):
                running.players[row.user_id] = row.display_name
            answered = {
                row.user_id for row in await self._store.answers(record.id) if row.question == index
            }
            self._running[(record.place.platform, record.place.channel_id)] = running
            await self._post(
                record.place,
                Reply(
                    text=defuse_mentions(
                        f"The bot restarted: “{record.quiz_title}” resumes at question "
                        f"{index + 1} with a fresh timer. Scores so far are kept."
                    ),
                    title="Quiz resumed",
                ),
            )
            await self._open(running, index, now)
            running.answered = answered
            resumed += 1
        return resumed
