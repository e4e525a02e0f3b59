"""The class engine under concurrency: one step at a time per session, question-bound clicks,
replies that never wait on a platform, and channels that do not hold each other up."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from itertools import pairwise

import pytest

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.delivery import Delivery
from bot.core.messages import Actor, Channel, Command, Person, Reply
from bot.core.ports import MessageRef
from bot.core.quiz.classroom import REVEAL_PAUSE, Classroom
from bot.core.quiz.deck import Card, deal
from bot.core.quiz.records import AnswerIn, AnswerOutcome
from bot.store.sql_store import SqlStore
from tests.conftest import CONTENT, FIXTURES, NOON, ROOT, right_answer
from tests.fakes import FakeClock, FakeOutbox, GatedOutbox, build_room

ROOM = Channel("test", "class-1", "school")
TEACHER = Actor("test", "t1", "Tess", frozenset({"teacher"}))
ANN, BOB = Actor("test", "ann", "Ann"), Actor("test", "bob", "Bob")


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])


@pytest.fixture(scope="module")
def cards(library: ContentLibrary) -> list[Card]:
    quiz = library.quizzes["sample"]
    return deal(quiz, library.catalog, random.Random(1), count=4, shuffle=False)


async def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Let the event loop run (the database answers in real time) until `condition` holds.
    Nothing here waits for a timer: the engine's clock is fake and stands still."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + seconds
    while not condition():
        if loop.time() > give_up:
            raise AssertionError("the condition never came true")
        await asyncio.sleep(0.001)


class GatedStore:
    """The real store, with `record_answers` held at a gate: a commit that takes its time."""

    def __init__(self, store: SqlStore) -> None:
        self._store = store
        self.gate = asyncio.Event()
        self.gate.set()
        self.waiting = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def record_answers(self, answers: Sequence[AnswerIn]) -> list[AnswerOutcome]:
        self.waiting += 1
        await self.gate.wait()
        self.waiting -= 1
        return await self._store.record_answers(answers)


async def _start(room: Classroom, cards: list[Card], place: Channel = ROOM) -> None:
    reply = await room.start(place, TEACHER, "sample", "Sample", cards, 20, "speed", NOON)
    assert reply.text.startswith("Started"), reply.text


async def _to_question_2(room: Classroom, cards: list[Card]) -> None:
    """Ann and Bob play question 1; question 2 opens."""
    await room.answer(ROOM, ANN, right_answer(cards[0]), NOON)
    await room.answer(ROOM, BOB, right_answer(cards[0]), NOON)
    await room.tick(NOON + timedelta(seconds=20))
    await room.tick(NOON + timedelta(seconds=20) + REVEAL_PAUSE)
    running = room.running_in(ROOM)
    assert running is not None and running.index == 1


async def test_a_slow_commit_and_the_timer_reveal_once(store: SqlStore, cards: list[Card]) -> None:
    gated = GatedStore(store)
    outbox = FakeOutbox()
    room, delivery = build_room(gated, outbox)  # type: ignore[arg-type]
    await _start(room, cards)
    await _to_question_2(room, cards)
    await room.answer(ROOM, ANN, right_answer(cards[1]), NOON + timedelta(seconds=26))
    gated.gate.clear()
    # Bob's answer is the last one missing: its commit is slow ...
    last = asyncio.create_task(room.answer(ROOM, BOB, right_answer(cards[1]), NOON))
    await until(lambda: gated.waiting == 1)
    # ... and the question's timer fires meanwhile.
    deadline = room.next_deadline()
    assert deadline is not None
    timer = asyncio.create_task(room.tick(deadline))
    for _ in range(20):
        await asyncio.sleep(0)
    gated.gate.set()
    assert (await last).text == "Answer received."
    await timer
    await delivery.drain()
    assert outbox.titles().count("Question 2: the answer") == 1
    reveal = next(r for _, r in outbox.posted if r.title == "Question 2: the answer")
    assert "2 of 2 got it right." in reveal.text, "the reveal waited for the answer in flight"


async def test_a_click_on_a_closed_question_is_refused_and_costs_nothing(
    store: SqlStore, cards: list[Card]
) -> None:
    outbox = FakeOutbox()
    room, delivery = build_room(store, outbox)
    await _start(room, cards)
    await delivery.drain()
    question_1 = outbox.posted[0][1]
    stale = question_1.choices[0].value
    assert stale.endswith("#1 q1")
    await _to_question_2(room, cards)
    _, session, number = "", "1", 1
    refused = await room.answer(ROOM, BOB, "A", NOON, session=session, number=number)
    assert refused.text == "That question has closed; question 2 of 4 is open now."
    assert refused.ephemeral
    typed = await room.answer(ROOM, BOB, right_answer(cards[1]), NOON + timedelta(seconds=27))
    assert typed.text == "Answer received.", "the refused click did not use up Bob's answer"
    gone = await room.answer(ROOM, BOB, "A", NOON, session="99", number=2)
    assert gone.text == "That quiz has ended."


async def test_clicks_work_after_a_restart(store: SqlStore, cards: list[Card]) -> None:
    before, _ = build_room(store, FakeOutbox())
    await _start(before, cards)
    outbox = FakeOutbox()
    after, delivery = build_room(store, outbox)
    later = NOON + timedelta(minutes=2)
    assert await after.resume(later) == 1
    await delivery.drain()
    value = outbox.posted[-1][1].choices[cards[0].correct].value
    assert value.endswith("#1 q1"), "the resumed question keeps its session and number"
    app = Lectern(ContentLibrary([CONTENT], root=ROOT), classroom=after, store=store)
    replies = await app.dispatch(Command(ANN, ROOM, value, later))
    assert [r.text for r in replies] == ["Answer received."]


async def test_replies_never_wait_for_a_hanging_platform(
    store: SqlStore, library: ContentLibrary
) -> None:
    clock = FakeClock()
    outbox = GatedOutbox(clock=clock)  # every platform call hangs until released
    room, delivery = build_room(store, outbox, clock)
    app = Lectern(library, rng=random.Random(3), classroom=room, store=store)

    async def say(who: Actor, text: str) -> list[Reply]:
        # A guard only: a reply that waited on the platform would hang here for ever.
        return await asyncio.wait_for(app.dispatch(Command(who, ROOM, text, clock.now())), 5)

    started = await say(TEACHER, "/quiz start sample questions:2 seconds:30")
    assert started[0].text.startswith("Started")
    running = room.running_in(ROOM)
    assert running is not None
    letter = "ABCDE"[running.card.correct] if running.card.options else right_answer(running.card)
    students = [Actor("test", f"s{n}", f"S{n}") for n in range(30)]
    for student in students:
        assert [r.text for r in await say(student, f"/quiz answer {letter}")] == [
            "Answer received."
        ]
    assert outbox.posted == [] and outbox.calls == 1, "only the question's post is in flight"
    outbox.release()
    await delivery.drain()
    # The 30 answer-count edits waited behind the post and were coalesced into the latest.
    assert len(outbox.edits) == 1
    assert outbox.edits[0][1].fields[-1].value == "30"


async def test_edits_of_a_message_are_coalesced_to_one_per_second(
    store: SqlStore, cards: list[Card]
) -> None:
    clock = FakeClock()
    outbox = FakeOutbox(clock=clock)
    room, delivery = build_room(store, outbox, clock)
    await _start(room, cards)
    await delivery.drain()
    students = [Actor("test", f"s{n}", f"S{n}") for n in range(30)]
    for group in (students[:10], students[10:]):  # two bursts of a class answering at once
        await asyncio.gather(*(room.answer(ROOM, s, "A", NOON) for s in group))
    await delivery.drain()
    times = [at for _, at in outbox.edit_times if at is not None]
    assert 1 <= len(times) <= 4, "30 answers, a handful of edits"
    assert all(later - earlier >= timedelta(seconds=1) for earlier, later in pairwise(times))
    assert outbox.edits[-1][1].fields[-1].value == "30", "the latest state is always sent"
    await room.tick(clock.now() + timedelta(seconds=20))
    await delivery.drain()
    closed = outbox.edits[-1][1]
    assert closed.fields[-1].value == "closed" and closed.choices == (), "the final edit is sent"


async def test_a_hanging_channel_does_not_hold_up_the_others(
    store: SqlStore, cards: list[Card]
) -> None:
    clock = FakeClock()
    outbox = GatedOutbox(clock=clock, channels={"c0"})
    room, delivery = build_room(store, outbox, clock)
    places = [Channel("test", f"c{n}") for n in range(101)]
    for place in places:
        await _start(room, cards, place)
    deadline = NOON + timedelta(seconds=20)
    await room.tick(deadline)
    await room.tick(deadline + REVEAL_PAUSE)
    others = {p.channel_id for p in places[1:]}
    await until(lambda: {w for w, r in outbox.posted if r.title == "Sample · 2/4"} == others)
    assert all(r.index == 1 for r in room.sessions), "every session, c0's too, moved on in time"
    assert outbox.titles("c0") == []
    await delivery.close()


async def test_delivery_keeps_order_per_channel_and_survives_failures(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Flaky(FakeOutbox):
        async def post(
            self, to: Channel | Person, reply: Reply, *, key: str | None = None
        ) -> MessageRef:
            if reply.text == "boom":
                raise ConnectionError("platform said no")
            return await super().post(to, reply)

    outbox = Flaky()
    delivery = Delivery({"test": outbox}, FakeClock())
    one, two = Channel("test", "one"), Channel("test", "two")
    for n in range(5):
        delivery.post(one, Reply(text=f"one {n}"))
        delivery.post(two, Reply(text="boom" if n == 2 else f"two {n}"))
    await delivery.drain()
    assert [r.text for w, r in outbox.posted if w == "one"] == [f"one {n}" for n in range(5)]
    assert [r.text for w, r in outbox.posted if w == "two"] == ["two 0", "two 1", "two 3", "two 4"]
    assert "could not post to test two" in caplog.text


async def test_delivery_fits_posts_to_the_platform() -> None:
    outbox = FakeOutbox()  # Discord's limits, enforced
    delivery = Delivery({"test": outbox}, FakeClock())
    long = "\n\n".join(f"Paragraph {n}. " + "word " * 300 for n in range(6))
    delivery.post(Channel("test", "c"), Reply(text=long + " @everyone", title="Long"))
    await delivery.drain()
    assert len(outbox.posted) > 1
    assert all(len(r.text) <= outbox.limits.text_chars for _, r in outbox.posted)
    assert "@everyone" not in "".join(r.text for _, r in outbox.posted)


async def test_delivery_writes_to_one_person_and_edits_after_the_post() -> None:
    outbox = FakeOutbox()
    delivery = Delivery({"test": outbox}, FakeClock())
    note = delivery.post(Person("test", "ann"), Reply(text="Your review is due."))
    delivery.edit(note, Reply(text="Your review is done."))  # asked before the post landed
    await delivery.drain()
    assert outbox.posted == [("@ann", Reply(text="Your review is due."))]
    assert [r.text for _, r in outbox.edits] == ["Your review is done."]
    assert note.ref is not None and note.ref.place == Person("test", "ann")


async def test_delivery_asks_before_sending_and_keys_each_part() -> None:
    outbox = FakeOutbox()
    delivery = Delivery({"test": outbox}, FakeClock())
    asked: list[str] = []

    def check(name: str, answer: bool) -> Callable[[], Awaitable[bool]]:
        async def before() -> bool:
            asked.append(name)
            return answer

        return before

    place = Channel("test", "c")
    held = delivery.post(place, Reply(text="not ours"), key="k0", before=check("held", False))
    long = "\n\n".join(f"Paragraph {n}. " + "word " * 300 for n in range(6))
    sent = delivery.post(place, Reply(text=long), key="day-1", before=check("sent", True))
    await delivery.drain()
    assert asked == ["held", "sent"], "checked in turn, just before each send"
    assert not held.sent and held.ref is None
    assert sent.sent and sent.ref is not None
    assert len(outbox.posted) > 1 and outbox.posted[0][1].text.startswith("Paragraph 0")
    assert outbox.keys[0] == "day-1" and outbox.keys[1:] == [
        f"day-1.{n}" for n in range(1, len(outbox.keys))
    ]


async def test_a_timer_during_a_slow_start_does_not_close_question_1(
    store: SqlStore, cards: list[Card]
) -> None:
    class SlowAdvance(GatedStore):
        async def advance(self, *args: object) -> None:
            self.waiting += 1
            await self.gate.wait()
            self.waiting -= 1
            await self._store.advance(*args)  # type: ignore[arg-type]

    slow = SlowAdvance(store)
    outbox = FakeOutbox()
    room, delivery = build_room(slow, outbox)  # type: ignore[arg-type]
    slow.gate.clear()
    starting = asyncio.create_task(_start(room, cards))
    await until(lambda: slow.waiting == 1)
    ticking = asyncio.create_task(room.tick(NOON))  # another class's timer fires meanwhile
    for _ in range(20):
        await asyncio.sleep(0)
    slow.gate.set()
    await starting
    await ticking
    await delivery.drain()
    assert outbox.titles() == ["Sample · 1/4"], "question 1 is open, not revealed"
    assert room.next_deadline() == NOON + timedelta(seconds=20)
    assert (await room.answer(ROOM, ANN, right_answer(cards[0]), NOON)).text == "Answer received."


async def test_a_click_between_questions_or_after_the_end_is_refused(
    store: SqlStore, cards: list[Card]
) -> None:
    room, _ = build_room(store, FakeOutbox())
    await _start(room, cards)
    await room.tick(NOON + timedelta(seconds=20))  # question 1 revealed, question 2 not yet open
    between = await room.answer(ROOM, ANN, "A", NOON, session="1", number=1)
    assert between.text == "That question has closed; the next one is coming."
    await room.stop(ROOM, NOON)
    after = await room.answer(ROOM, ANN, "A", NOON, session="1", number=2)
    assert after.text == "That quiz has ended."
    typed = await room.answer(ROOM, ANN, "A", NOON)
    assert typed.text == "No question is open right now."
