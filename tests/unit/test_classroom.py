"""A class quiz session driven by a fake clock: no test sleeps for a timer."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.core.course.library import ContentLibrary
from bot.core.messages import Actor, Channel, Person, Reply
from bot.core.ports import MessageRef
from bot.core.quiz.classroom import REVEAL_PAUSE, Classroom, dump_cards, load_cards
from bot.core.quiz.deck import Card, deal
from bot.core.quiz.records import NewSession
from bot.store.sql_store import SqlStore
from tests.conftest import CONTENT, FIXTURES, NOON, ROOT, right_answer
from tests.fakes import FakeOutbox, build_room

ROOM = Channel("test", "class-1", "school")
TEACHER = Actor("test", "t1", "Tess", frozenset({"teacher"}))
ANN, BOB, CY = (Actor("test", u, u.title()) for u in ("ann", "bob", "cy"))


@pytest.fixture(scope="module")
def cards() -> list[Card]:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])
    quiz = library.quizzes["sample"]
    return deal(quiz, library.catalog, random.Random(1), count=4, shuffle=False)


async def _start(room: Classroom, cards: list[Card], scoring: str = "speed") -> Reply:
    return await room.start(ROOM, TEACHER, "sample", "Sample", cards, 20, scoring, NOON)


def _wrong(card: Card) -> str:
    if card.options:
        return "ABCDE"[(card.correct + 1) % len(card.options)]
    return "12345" if card.kind == "numeric" else "wrong answer"


async def test_a_whole_session(store: SqlStore, cards: list[Card]) -> None:
    outbox = FakeOutbox()
    room, delivery = build_room(store, outbox)
    started = await _start(room, cards)
    await delivery.drain()
    assert started.text.startswith("Started “Sample”: 4 questions, 20 s each")
    assert outbox.titles() == ["Sample · 1/4"]
    assert outbox.posted[0][1].choices[0].value == "/quiz answer A #1 q1"
    t = NOON + timedelta(seconds=2)
    assert (await room.answer(ROOM, ANN, right_answer(cards[0]), t)).text == "Answer received."
    assert (await room.answer(ROOM, ANN, "B", t)).text == "You have already answered this question."
    assert (await room.answer(ROOM, BOB, _wrong(cards[0]), t)).text == "Answer received."
    assert (await room.answer(ROOM, CY, "Z", t)).text.startswith("Answer with a letter")
    await delivery.drain()
    assert outbox.edits[-1][1].fields[-1].value == "2", "the question shows answers so far"
    await room.tick(NOON + timedelta(seconds=19))
    assert len(outbox.posted) == 1, "not yet"
    await room.tick(NOON + timedelta(seconds=20))
    await delivery.drain()
    reveal = outbox.posted[-1][1]
    assert reveal.title == "Question 1: the answer"
    assert "1 of 2 got it right." in reveal.text and "1. Ann:" in reveal.text
    assert reveal.citations
    await room.tick(NOON + timedelta(seconds=20) + REVEAL_PAUSE)
    await delivery.drain()
    assert outbox.titles()[-1] == "Sample · 2/4"
    # From question 2 on, the question closes as soon as every player has answered.
    t2 = NOON + timedelta(seconds=26)
    await room.answer(ROOM, ANN, right_answer(cards[1]), t2)
    await delivery.drain()
    assert outbox.titles()[-1] == "Sample · 2/4"
    await room.answer(ROOM, BOB, right_answer(cards[1]), t2)
    await delivery.drain()
    assert outbox.titles()[-1] == "Question 2: the answer"
    assert (await room.skip(ROOM, t2)).text == "Skipped."
    await delivery.drain()
    assert outbox.titles()[-1] == "Sample · 3/4"
    assert "question 3 of 4, 2 players" in room.status(ROOM)
    assert (await room.stop(ROOM, t2)).text == "Stopped."
    await delivery.drain()
    end = outbox.posted[-1][1]
    assert end.title == "“Sample” was stopped"
    assert end.text.startswith("🥇 Ann:") and "🥈 Bob:" in end.text
    assert room.running_in(ROOM) is None
    scores = await store.scores(1)
    assert [(s.user_id, s.correct, s.answered) for s in scores] == [("ann", 2, 2), ("bob", 1, 2)]


async def test_one_session_per_channel(store: SqlStore, cards: list[Card]) -> None:
    room, _ = build_room(store, FakeOutbox())
    await _start(room, cards)
    refused = await _start(room, cards)
    assert refused.text.startswith("A quiz is already running in this channel.")
    assert "question 1 of 4" in refused.text


async def test_speed_points_and_first_mode(store: SqlStore, cards: list[Card]) -> None:
    room, _ = build_room(store, FakeOutbox())
    await _start(room, cards, scoring="first")
    await room.answer(ROOM, BOB, right_answer(cards[0]), NOON + timedelta(seconds=5))
    await room.answer(ROOM, ANN, right_answer(cards[0]), NOON + timedelta(seconds=1))
    points = {a.user_id: a.points for a in await store.answers(1)}
    assert points == {"bob": 1000, "ann": 0}, "first to arrive wins in 'first' mode"


async def test_resume_after_a_restart_keeps_scores(store: SqlStore, cards: list[Card]) -> None:
    before, _ = build_room(store, FakeOutbox())
    await _start(before, cards)
    await before.answer(ROOM, ANN, right_answer(cards[0]), NOON + timedelta(seconds=1))
    elsewhere = await store.start_session(
        NewSession(Channel("slack", "C9"), "sample", "Sample", "t1", NOON, "speed", 20, "[]", 0)
    )
    assert elsewhere is not None
    # The process dies here; a new one starts with the same database.
    outbox = FakeOutbox()
    after, delivery = build_room(store, outbox)
    later = NOON + timedelta(minutes=3)
    assert await after.resume(later) == 1, "only this process's platforms resume"
    await delivery.drain()
    assert [r.place.platform for r in after.sessions] == ["test"]
    assert outbox.titles() == ["Quiz resumed", "Sample · 1/4"]
    assert "resumes at question 1 with a fresh timer" in outbox.posted[0][1].text
    again = await after.answer(ROOM, ANN, "A", later)
    assert again.text == "You have already answered this question."
    assert after.next_deadline() == later + timedelta(seconds=20)


def test_cards_survive_storage(cards: list[Card]) -> None:
    assert load_cards(dump_cards(cards)) == cards


async def test_a_failing_platform_does_not_stop_the_quiz(
    store: SqlStore, cards: list[Card]
) -> None:
    class BrokenOutbox(FakeOutbox):
        async def post(
            self, to: Channel | Person, reply: Reply, *, key: str | None = None
        ) -> MessageRef:
            raise ConnectionError("platform down")

    room, delivery = build_room(store, BrokenOutbox())
    await _start(room, cards)
    await delivery.drain()
    assert (await room.answer(ROOM, ANN, right_answer(cards[0]), NOON)).text == "Answer received."
    await room.tick(NOON + timedelta(seconds=20))
    await delivery.drain()
    assert room.running_in(ROOM) is not None


async def test_a_database_outage_refuses_answers_then_recovers(
    store: SqlStore, cards: list[Card]
) -> None:
    from bot.core.ports import StoreUnavailable

    class Flaky:
        def __init__(self) -> None:
            self.down = False

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        async def record_answers(self, answers: list) -> list:  # type: ignore[type-arg]
            if self.down:
                raise StoreUnavailable("OperationalError")
            return await store.record_answers(answers)

    flaky = Flaky()
    room, _ = build_room(flaky, FakeOutbox())  # type: ignore[arg-type]
    await _start(room, cards)
    flaky.down = True
    refused = await room.answer(ROOM, ANN, right_answer(cards[0]), NOON)
    assert refused.text == "Your answer could not be saved just now: please try again."
    assert await store.answers(1) == []
    flaky.down = False
    accepted = await room.answer(ROOM, ANN, right_answer(cards[0]), NOON + timedelta(seconds=1))
    assert accepted.text == "Answer received.", "the retry is not taken for a second answer"
    assert [a.user_id for a in await store.answers(1)] == ["ann"]


async def test_timers_wait_out_a_database_outage(store: SqlStore, cards: list[Card]) -> None:
    from bot.core.ports import StoreUnavailable
    from bot.core.quiz.classroom import RETRY_AFTER

    class Flaky:
        down = False

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        async def advance(self, *args: object) -> None:
            if self.down:
                raise StoreUnavailable("OperationalError")
            await store.advance(*args)  # type: ignore[arg-type]

    flaky = Flaky()
    outbox = FakeOutbox()
    room, delivery = build_room(flaky, outbox)  # type: ignore[arg-type]
    await _start(room, cards)
    await room.answer(ROOM, ANN, right_answer(cards[0]), NOON + timedelta(seconds=1))
    deadline = NOON + timedelta(seconds=20)
    await room.tick(deadline)  # the reveal comes from memory, the database is not needed
    flaky.down = True
    following = deadline + REVEAL_PAUSE
    await room.tick(following)  # the next question must be recorded: postponed, not crashed
    assert room.next_deadline() == following + RETRY_AFTER
    running = room.running_in(ROOM)
    assert running is not None and (running.index, running.phase) == (0, "revealed")
    flaky.down = False
    await room.tick(following + RETRY_AFTER)
    await delivery.drain()
    assert outbox.titles()[-2:] == ["Question 1: the answer", "Sample · 2/4"]
    reveal = outbox.posted[-2][1]
    assert "1. Ann:" in reveal.text, "the top 5 as the store credited it"
    assert [(s.user_id, s.points) for s in await store.scores(1)] == [
        (r.user_id, r.points) for r in running.standings()
    ]
