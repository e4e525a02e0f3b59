"""Spaced repetition: the rating of an answer, FSRS driven by a fake clock on both engines,
/review, /progress and /progress forget through the app."""

from __future__ import annotations

import itertools
import random
import re
from datetime import datetime, timedelta

import pytest
from fsrs import Rating, Scheduler

from bot.core.app import Lectern
from bot.core.course.library import ContentLibrary
from bot.core.delivery import Delivery
from bot.core.messages import Actor, Channel, Command, Reply
from bot.core.quiz.classroom import Classroom
from bot.core.quiz.deck import card_for, topic_of
from bot.core.quiz.material import eligible_events
from bot.core.quiz.models import WhenQuestion
from bot.core.review.memory import Answered, Memory, streak
from bot.core.review.rating import rate
from bot.core.review.recorder import ClassMemory
from bot.core.review.records import ItemRef, Student
from bot.store.sql_store import SqlStore
from tests.conftest import CONTENT, FIXTURES, NOON, ROOT, right_answer
from tests.fakes import FakeClock, FakeOutbox

SAM = Actor("test", "s1", "Sam")
SAM_ELSEWHERE = Actor("other", "s1", "Sam")
DM = Channel("test", "dm-s1")
ROOM = Channel("test", "class-1", server_id="school")
ITEM = ItemRef("timeline", "when-nrc:nrc-founded")
STUDENT = Student("test", "s1")
MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("correct", "seconds", "skipped_first", "expected"),
    [
        (False, 1, False, Rating.Again),
        (False, None, False, Rating.Again),
        (True, 21, False, Rating.Hard),  # over two thirds of 30 s
        (True, 20, False, Rating.Good),  # exactly two thirds is not over
        (True, 11, False, Rating.Good),
        (True, 10, False, Rating.Easy),  # within the first third
        (True, 2, True, Rating.Hard),  # quick, but only after skipping it first
        (True, None, False, Rating.Good),  # no measured time
    ],
)
def test_how_an_answer_rates_the_memory(
    correct: bool, seconds: int | None, skipped_first: bool, expected: Rating
) -> None:
    elapsed = timedelta(seconds=seconds) if seconds is not None else None
    assert rate(correct, elapsed, timedelta(seconds=30), skipped_first=skipped_first) == expected


def _answer(rating: Rating, at: datetime, item: ItemRef = ITEM) -> Answered:
    correct = rating != Rating.Again
    return Answered(STUDENT, item, "nrc", rating, correct, "practice", at, 4000)


async def test_a_miss_comes_back_within_the_learning_step_and_successes_push_it_out(
    store: SqlStore,
) -> None:
    memory = Memory(store, Scheduler(enable_fuzzing=False))
    [missed] = await memory.record([_answer(Rating.Again, NOON)])
    assert NOON < missed.after.due <= NOON + 10 * MINUTE, "a miss is due again within minutes"
    assert await memory.due(STUDENT, NOON, 10) == []
    assert [m.item for m in await memory.due(STUDENT, NOON + 10 * MINUTE, 10)] == [ITEM]

    at = missed.after.due
    gaps = []
    for _ in range(5):
        [review] = await memory.record([_answer(Rating.Good, at)])
        gaps.append(review.after.due - at)
        at = review.after.due
    assert gaps[-1] > timedelta(days=14), "right answers push the question out"
    assert all(later > earlier for earlier, later in itertools.pairwise(gaps)), gaps
    stored = (await store.memories(STUDENT, [ITEM]))[ITEM]
    assert stored == review.after, "the stored state round-trips exactly"
    assert (stored.reviews, stored.right) == (6, 5)
    progress = await memory.progress(STUDENT, at)
    [topic] = progress.topics
    assert (topic.topic, topic.seen, topic.due, topic.reviews, topic.right) == ("nrc", 1, 1, 6, 5)
    later = await memory.progress(STUDENT, review.after.last_review or at)
    assert later.topics[0].well_remembered == 1 and later.topics[0].due == 0


def test_the_streak_counts_days_in_a_row_up_to_today_or_yesterday() -> None:
    today = NOON.date()
    days = [today - timedelta(days=n) for n in (1, 2, 3, 5)]
    assert streak(days, today) == 3
    assert streak([today, *days], today) == 4
    assert streak([today - timedelta(days=2)], today) == 0


def test_a_generated_question_is_remembered_by_what_it_asks(
    shipped_library: ContentLibrary,
) -> None:
    quiz = shipped_library.quizzes["timeline"]
    catalog = shipped_library.catalog
    when = next(q for q in quiz.questions if isinstance(q, WhenQuestion))
    event = eligible_events(when, catalog)[0]
    key = f"{when.id}:{event.id}"
    first = card_for(quiz, key, catalog, random.Random(1))
    again = card_for(quiz, key, catalog, random.Random(2))
    assert first is not None and again is not None
    assert first.key == again.key == key and first.prompt == again.prompt
    assert first.answer_text.split(") ", 1)[1] == again.answer_text.split(") ", 1)[1]
    assert card_for(quiz, f"{when.id}:no-such-event", catalog, random.Random(1)) is None
    assert card_for(quiz, "no-such-question", catalog, random.Random(1)) is None
    assert topic_of(quiz, key, catalog) == (event.topics[0] if event.topics else quiz.topics[0])


async def _say(app: Lectern, text: str, at: datetime, who: Actor = SAM) -> list[Reply]:
    return await app.dispatch(Command(actor=who, channel=DM, text=text, at=at))


async def _answer_all(app: Lectern, at: datetime, wrong: bool) -> datetime:
    """Answer every question of the running practice, all right or all wrong, 5 s each."""
    while (practice := app.practices.get(("test", "s1"))) is not None and not practice.finished:
        card = practice.current
        assert card is not None
        at += timedelta(seconds=5)
        answer = right_answer(card)
        if wrong:
            answer = "ABCDE"[(card.correct + 1) % len(card.options)] if card.options else "zzz"
        await _say(app, f"/practice answer {answer}", at)
    return at


async def test_practise_come_back_later_and_review_what_is_due(store: SqlStore) -> None:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    memory = Memory(store, Scheduler(enable_fuzzing=False))
    app = Lectern(library, rng=random.Random(4), store=store, memory=memory)

    [start] = await _say(app, "/review", NOON)
    assert start.text.startswith("No reviews yet: try /practice timeline")
    assert start.ephemeral and start.choices[0].value == "/practice timeline"
    [empty] = await _say(app, "/progress", NOON)
    assert empty.text.startswith("No reviews yet")

    await _say(app, "/practice timeline questions:4", NOON)
    at = await _answer_all(app, NOON, wrong=True)
    [nothing] = await _say(app, "/review", at)
    assert nothing.text.startswith("Nothing is due. Your next review is in 1 minute")
    assert nothing.choices and nothing.choices[0].value.startswith("/practice ")
    assert nothing.choices[0].value != "/practice timeline", "a quiz not tried yet"

    later = at + timedelta(minutes=10)
    intro, first = await _say(app, "/review", later)
    assert intro.text.startswith("4 questions due, the most overdue first")
    assert first.ephemeral and first.title is not None and first.title.startswith("Review · 1/4")
    skipped = await _say(app, "/practice skip", later)
    assert skipped[0].text == "Skipped: it comes back at the end."
    done = await _answer_all(app, later, wrong=False)
    log = await store.study_days(STUDENT, NOON.date())
    assert log == [NOON.date()]

    [progress] = await _say(app, "/progress", done)
    assert progress.ephemeral and progress.title == "Your progress"
    counts = [tuple(map(int, m)) for m in re.findall(r"\((\d+) of (\d+) answers\)", progress.text)]
    assert tuple(map(sum, zip(*counts, strict=True))) == (4, 8), "4 right reviews of 8 answers"
    seen = sum(int(n) for n in re.findall(r": (\d+) seen", progress.text))
    assert seen == 4
    assert "Days in a row with study: 1." in progress.text
    values = [c.value for c in progress.choices]
    assert "/progress forget" in values

    [other] = await _say(app, "/progress", done, SAM_ELSEWHERE)
    assert other.text.startswith("No reviews yet"), "a student's data is theirs per platform"

    [ask] = await _say(app, "/progress forget", done)
    assert ask.title == "Forget my history?"
    assert [c.value for c in ask.choices] == ["/progress forget confirm", "/progress"]
    assert await memory.quizzes_tried(STUDENT) == {"timeline"}, "nothing deleted before yes"
    [gone] = await _say(app, "/progress forget confirm", done)
    assert gone.text.startswith("Done: I have forgotten your 8 reviews.")
    [after] = await _say(app, "/review", done)
    assert after.text.startswith("No reviews yet")


async def test_without_a_store_review_and_progress_say_why(
    shipped_library: ContentLibrary,
) -> None:
    app = Lectern(shipped_library)
    for line in ("/review", "/progress", "/progress forget confirm"):
        [reply] = await _say(app, line, NOON)
        assert "need the bot's database" in reply.text and reply.ephemeral


async def test_class_answers_become_reviews_in_the_background(store: SqlStore) -> None:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[FIXTURES / "quizzes-good"])
    memory = Memory(store, Scheduler(enable_fuzzing=False))
    remember = ClassMemory(memory, library, window=0.0)
    clock = FakeClock()
    outbox = FakeOutbox(clock=clock)
    delivery = Delivery({"test": outbox}, clock, sleep=clock.sleep)
    room = Classroom(store, delivery, platforms={"test"}, on_answer=remember)
    app = Lectern(library, rng=random.Random(2), classroom=room, store=store, memory=memory)
    teacher = Actor("test", "t1", "Tess", frozenset({"teacher"}))
    quick, slow, wrong = (Actor("test", u, u.title()) for u in ("ann", "bob", "cy"))

    async def say(who: Actor, text: str) -> None:
        await app.dispatch(Command(actor=who, channel=ROOM, text=text, at=clock.now()))

    await say(teacher, "/quiz start sample questions:1 seconds:30 scoring:flat")
    running = room.running_in(ROOM)
    assert running is not None
    card = running.card
    right = right_answer(card)
    other = "ABCDE"[(card.correct + 1) % len(card.options)] if card.options else "zzz"
    clock.advance(5)
    await say(quick, f"/quiz answer {right}")  # within the first third: Easy
    await say(wrong, f"/quiz answer {other}")  # wrong: Again
    clock.advance(20)
    await say(slow, f"/quiz answer {right}")  # after two thirds of 30 s: Hard
    await remember.drain()
    await delivery.drain()
    item = ItemRef("sample", card.key)
    ratings = {}
    for who in (quick, slow, wrong):
        student = Student("test", who.user_id)
        [found] = (await store.memories(student, [item])).values()
        assert found.reviews == 1 and found.topic == "nrc"
        ratings[who.user_id] = found.right
    assert ratings == {"ann": 1, "bob": 1, "cy": 0}
    easy = (await store.memories(Student("test", "ann"), [item]))[item]
    hard = (await store.memories(Student("test", "bob"), [item]))[item]
    again = (await store.memories(Student("test", "cy"), [item]))[item]
    assert again.due < hard.due < easy.due, "Again < Hard < Easy"
    assert await store.study_days(Student("test", "ann"), NOON.date()) == [NOON.date()]

    async def progress(at: datetime) -> str:
        [reply] = await app.dispatch(Command(teacher, ROOM, "/class progress", at))
        return reply.text

    memory_line = "questions due for review in the students' memory"
    assert f"0 of 3 {memory_line}" in await progress(clock.now())
    assert f"1 of 3 {memory_line}" in await progress(again.due), "the missed one comes back"


async def test_a_practice_outlives_a_restart(store: SqlStore) -> None:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    before = Lectern(library, rng=random.Random(4), store=store, memory=Memory(store))
    _, first = await _say(before, "/practice timeline questions:3", NOON)
    practice = before.practices.get(("test", "s1"))
    assert practice is not None and practice.current is not None
    stale = first.choices[0].value  # a button of question 1, clicked after the restart
    await _say(before, f"/practice answer {right_answer(practice.current)}", NOON)
    asked = [c.prompt for c in practice.cards]

    after = Lectern(library, rng=random.Random(9), store=store, memory=Memory(store),
                    practice_ids="r")  # fmt: skip
    [shown] = await _say(after, "/practice", NOON + MINUTE)
    assert shown.title == "Timeline · 2/3" and shown.text.startswith(asked[1])
    closed = await _say(after, stale, NOON + MINUTE)
    assert closed[0].text.startswith("That question has closed; question 2 of 3 is open now.")
    restored = after.practices.get(("test", "s1"))
    assert restored is not None and restored.right == 1 and restored.id == practice.id
    for _ in range(2):
        assert restored.current is not None
        await _say(after, f"/practice answer {right_answer(restored.current)}", NOON + MINUTE)
    assert await store.load_practice(STUDENT) is None, "a finished practice is not kept"
    _, new = await _say(after, "/practice timeline", NOON + MINUTE)
    assert "#pr1 " in new.choices[0].value, "a new practice's id is this process's own"
    await _say(after, "/practice stop", NOON + MINUTE)
    assert await store.load_practice(STUDENT) is None, "a stopped practice is not kept"


async def test_a_saved_practice_that_cannot_be_read_is_dropped(store: SqlStore) -> None:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    await store.save_practice(STUDENT, '{"id": "p1", "cards": "not cards"}', NOON)
    app = Lectern(library, store=store, memory=Memory(store))
    [reply] = await _say(app, "/practice answer A", NOON)
    assert reply.text.startswith("You are not practising a quiz.")


async def test_a_review_replaces_a_saved_practice_and_is_saved_from_its_first_answer(
    store: SqlStore,
) -> None:
    library = ContentLibrary([CONTENT], root=ROOT, quiz_paths=[ROOT / "quizzes"])
    app = Lectern(library, rng=random.Random(4), store=store, memory=Memory(store))
    await _say(app, "/practice timeline questions:2", NOON)
    at = await _answer_all(app, NOON, wrong=True)
    await _say(app, "/practice who-said-it questions:3", at)
    assert await store.load_practice(STUDENT) is not None

    restarted = Lectern(library, rng=random.Random(5), store=store, memory=Memory(store))
    later = at + timedelta(minutes=10)
    intro, _ = await _say(restarted, "/review", later)
    assert intro.text.startswith("2 questions due")
    assert "(Your practice of “Who said it?”" in intro.text or "was stopped" in intro.text
    assert await store.load_practice(STUDENT) is None, "the replaced practice is not kept"
    review = restarted.practices.get(("test", "s1"))
    assert review is not None and review.current is not None
    await _say(restarted, f"/practice answer {right_answer(review.current)}", later)
    saved = await store.load_practice(STUDENT)
    assert saved is not None and '"review":true' in saved.replace(" ", "")
