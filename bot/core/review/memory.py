"""Each student's memory of each question, kept by FSRS (py-fsrs's Scheduler, not ours).

Every answer a student gives, in practice, in a review or in a class quiz, becomes a review of
that question: FSRS moves its due date out when it is remembered and brings it back soon when it
is not. /review deals the due ones; /progress reads how well each topic is remembered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from bot.core.review.records import ItemRef, MemoryState, Review, Source, Student
from bot.core.review.store_port import ReviewStore

WELL_REMEMBERED = 0.9  # retrievability from which a question counts as well remembered
STREAK_LOOKBACK = 400  # days of history read to count a streak


@dataclass(frozen=True, slots=True)
class Answered:
    """One answer to rate: who, which question, how it went."""

    student: Student
    item: ItemRef
    topic: str | None
    rating: Rating
    correct: bool
    source: Source
    at: datetime
    elapsed_ms: int | None = None


@dataclass(frozen=True, slots=True)
class TopicProgress:
    topic: str | None
    seen: int
    well_remembered: int
    due: int
    reviews: int
    right: int

    @property
    def accuracy(self) -> float:
        return self.right / self.reviews if self.reviews else 0.0


@dataclass(frozen=True, slots=True)
class Progress:
    topics: list[TopicProgress]
    streak: int  # days in a row with any study, up to today (or yesterday)
    next_due: datetime | None

    @property
    def empty(self) -> bool:
        return not self.topics


def _card(memory: MemoryState) -> Card:
    return Card(
        card_id=0,  # FSRS does not need it; without one it would take the wall clock
        state=State(memory.state),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=memory.due,
        last_review=memory.last_review,
    )


def _new(student: Student, item: ItemRef, topic: str | None, at: datetime) -> MemoryState:
    return MemoryState(student, item, topic, State.Learning.value, 0, None, None, at, None)


class Memory:
    def __init__(self, store: ReviewStore, scheduler: Scheduler | None = None) -> None:
        self._store = store
        self.scheduler = scheduler or Scheduler()

    async def record(self, answers: Sequence[Answered]) -> list[Review]:
        """Rate each answer against the student's memory of the question, in order, and store
        the new memories and the reviews in one transaction."""
        if not answers:
            return []
        wanted: dict[Student, set[ItemRef]] = defaultdict(set)
        for answer in answers:
            wanted[answer.student].add(answer.item)
        known: dict[tuple[Student, ItemRef], MemoryState] = {}
        for student, items in wanted.items():
            found = await self._store.memories(student, items)
            known.update({(student, item): memory for item, memory in found.items()})
        reviews = []
        for answer in answers:
            key = (answer.student, answer.item)
            before = known.get(key) or _new(answer.student, answer.item, answer.topic, answer.at)
            card, _ = self.scheduler.review_card(_card(before), answer.rating, answer.at)
            after = replace(
                before,
                topic=answer.topic or before.topic,
                state=card.state.value,
                step=card.step,
                stability=card.stability,
                difficulty=card.difficulty,
                due=card.due,
                last_review=card.last_review,
                reviews=before.reviews + 1,
                right=before.right + answer.correct,
            )
            known[key] = after
            reviews.append(
                Review(after, answer.rating.value, answer.correct, answer.source, answer.at,
                       answer.elapsed_ms)
            )  # fmt: skip
        await self._store.save_reviews(reviews)
        return reviews

    def retrievability(self, memory: MemoryState, now: datetime) -> float:
        return float(self.scheduler.get_card_retrievability(_card(memory), now))

    def well_remembered(self, memory: MemoryState, now: datetime) -> bool:
        """Past its learning steps, with a 90% or better chance of recall now (a question just
        missed is fresh in mind, not remembered)."""
        learnt = memory.state == State.Review.value
        return learnt and self.retrievability(memory, now) >= WELL_REMEMBERED

    async def due(self, student: Student, now: datetime, limit: int) -> list[MemoryState]:
        return await self._store.due(student, now, limit)

    def _topics(self, memories: Sequence[MemoryState], now: datetime) -> list[TopicProgress]:
        by_topic: dict[str | None, list[MemoryState]] = defaultdict(list)
        for memory in memories:
            by_topic[memory.topic].append(memory)
        return [
            TopicProgress(
                topic,
                seen=len(group),
                well_remembered=sum(self.well_remembered(m, now) for m in group),
                due=sum(m.due <= now for m in group),
                reviews=sum(m.reviews for m in group),
                right=sum(m.right for m in group),
            )
            for topic, group in sorted(by_topic.items(), key=lambda pair: pair[0] or "")
        ]

    async def topic_progress(self, student: Student, now: datetime) -> list[TopicProgress]:
        """Per topic, what /progress shows, without the streak (for a class's totals)."""
        return self._topics(await self._store.all_memories(student), now)

    async def progress(self, student: Student, now: datetime) -> Progress:
        memories = await self._store.all_memories(student)
        today = now.date()
        days = await self._store.study_days(student, today - timedelta(days=STREAK_LOOKBACK))
        next_due = min((m.due for m in memories), default=None)
        return Progress(self._topics(memories, now), streak(days, today), next_due)

    async def quizzes_tried(self, student: Student) -> set[str]:
        return {m.item.quiz_id for m in await self._store.all_memories(student)}

    async def next_due(self, student: Student) -> datetime | None:
        return await self._store.next_review_due(student)

    async def saved_practice(self, student: Student) -> str | None:
        return await self._store.load_practice(student)

    async def save_practice(self, student: Student, state: str | None, at: datetime) -> None:
        """Keep the student's running practice (`state`), or drop it when None."""
        if state is None:
            await self._store.end_practice(student)
        else:
            await self._store.save_practice(student, state, at)

    async def forget(self, student: Student) -> int:
        return await self._store.forget(student)


def streak(days: Sequence[date], today: date) -> int:
    """Days in a row with study, ending today, or yesterday when today has none yet."""
    studied = set(days)
    day = today if today in studied else today - timedelta(days=1)
    count = 0
    while day in studied:
        count += 1
        day -= timedelta(days=1)
    return count
