"""Solo practice: one student works through a quiz at their own pace, privately, untimed.

A practice runs in memory; what it teaches is kept, for every answer becomes a review of the
question in the student's memory (bot.core.review). A review is a practice of the questions due,
from any quiz, where a skipped question comes back at the end. Class sessions, with timers,
scores and storage, are a different engine.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import TypeAdapter

from bot.core.quiz.deck import Card, Verdict

MAX_PRACTICES = 10_000  # the oldest practice is dropped beyond this, to bound memory


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a practised card comes from, for the memory of it."""

    quiz_id: str
    topic: str | None
    seconds: int  # the quiz's time per question: what "slow" and "quick" are measured against


@dataclass
class Practice:
    id: str  # what its choices name ("/practice answer B #p3 q2"), unique in this process
    quiz_id: str
    title: str
    cards: list[Card]
    origins: list[Origin] = field(default_factory=list)  # one per card
    review: bool = False  # a /review: skipped cards come back once, at the end
    shown_at: datetime | None = None  # when the current card was shown
    skipped_first: set[str] = field(default_factory=set)  # keys of cards skipped, then asked again
    index: int = 0
    right: int = 0
    streak: int = 0
    best_streak: int = 0
    missed: list[Card] = field(default_factory=list)
    skipped: int = 0

    @property
    def current(self) -> Card | None:
        return self.cards[self.index] if self.index < len(self.cards) else None

    @property
    def number(self) -> int:
        """1-based number of the current question."""
        return self.index + 1

    @property
    def total(self) -> int:
        return len(self.cards)

    @property
    def finished(self) -> bool:
        return self.index >= len(self.cards)

    def answer(self, text: str) -> tuple[Card, Verdict]:
        """Mark `text` against the current card; a valid answer moves on to the next one."""
        card = self.cards[self.index]
        verdict = card.check(text)
        if verdict.problem is not None:
            return card, verdict
        if verdict.correct:
            self.right += 1
            self.streak += 1
            self.best_streak = max(self.best_streak, self.streak)
        else:
            self.streak = 0
            self.missed.append(card)
        self.index += 1
        return card, verdict

    def origin(self, index: int) -> Origin | None:
        return self.origins[index] if index < len(self.origins) else None

    def skip(self) -> tuple[Card, bool]:
        """Skip the current card; in a review it comes back at the end, once (True)."""
        card = self.cards[self.index]
        self.streak = 0
        later = self.review and card.key not in self.skipped_first
        if later:
            self.skipped_first.add(card.key)
            self.cards.append(card)
            if self.origins:
                self.origins.append(self.origins[self.index])
        else:
            self.skipped += 1
            self.missed.append(card)
        self.index += 1
        return card, later


_PRACTICE: TypeAdapter[Practice] = TypeAdapter(Practice)


class PracticeBook:
    """The running practice of each student, by (platform, user id), in this process; the
    store keeps a copy, so that a practice outlives a restart. `prefix` tells this process's
    practice ids from an earlier one's."""

    def __init__(self, capacity: int = MAX_PRACTICES, prefix: str = "") -> None:
        self._capacity = capacity
        self._practices: OrderedDict[tuple[str, str], Practice] = OrderedDict()
        self._ids = itertools.count(1)
        self._prefix = prefix

    def new_id(self) -> str:
        return f"p{self._prefix}{next(self._ids)}"

    def __len__(self) -> int:
        return len(self._practices)

    def get(self, key: tuple[str, str]) -> Practice | None:
        practice = self._practices.get(key)
        if practice is not None:
            self._practices.move_to_end(key)
        return practice

    def start(self, key: tuple[str, str], practice: Practice) -> Practice | None:
        """Begin `practice`; returns the one it replaces, if any."""
        previous = self._practices.pop(key, None)
        self._practices[key] = practice
        while len(self._practices) > self._capacity:
            self._practices.popitem(last=False)
        return previous

    def end(self, key: tuple[str, str]) -> Practice | None:
        return self._practices.pop(key, None)


def dump_practice(practice: Practice) -> str:
    return _PRACTICE.dump_json(practice).decode()


def load_practice(text: str) -> Practice:
    return _PRACTICE.validate_json(text)
